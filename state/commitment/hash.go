package commitment

import "github.com/cairn-vm/cairn/asm"

// HashFunc is the two-to-one hash a trie's nodes are built with. Starknet
// uses [Pedersen] for the contract trie and the storage tries and [Poseidon]
// for the class trie.
type HashFunc func(a, b *asm.Felt) asm.Felt

// Pedersen is StarkWare's Pedersen hash h(a, b) (asm.Pedersen).
func Pedersen(a, b *asm.Felt) asm.Felt { return asm.Pedersen(a, b) }

// Poseidon is Starknet's poseidon_hash(a, b) (asm.PoseidonHash).
func Poseidon(a, b *asm.Felt) asm.Felt { return asm.PoseidonHash(*a, *b) }
