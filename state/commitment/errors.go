package commitment

import (
	"fmt"

	"github.com/cairn-vm/cairn/asm"
)

// KeyError reports a key that does not fit the trie: Starknet's tries have
// height 251, so addresses, storage keys and class hashes must be below
// 2^251 (a felt can reach P-1, which is above).
type KeyError struct {
	Key    asm.Felt
	Height int
}

func (e *KeyError) Error() string {
	return fmt.Sprintf("commitment: key %s does not fit a trie of height %d (must be below 2^%d)", e.Key.Hex(), e.Height, e.Height)
}

// HeightError reports a trie height outside 1 to [Height].
type HeightError struct {
	Height int
}

func (e *HeightError) Error() string {
	return fmt.Sprintf("commitment: trie height %d is not between 1 and %d", e.Height, Height)
}

// MissingNodeError reports a node hash the store does not hold: the root
// (or a node under it) was never written to this store, or was removed.
type MissingNodeError struct {
	Hash asm.Felt
}

func (e *MissingNodeError) Error() string {
	return fmt.Sprintf("commitment: node %s is not in the store", e.Hash.Hex())
}

// CorruptNodeError reports a stored node that cannot be at the place it was
// reached from: an edge longer than the levels left below it, or with a
// path wider than its length.
type CorruptNodeError struct {
	Hash  asm.Felt
	Depth int
}

func (e *CorruptNodeError) Error() string {
	return fmt.Sprintf("commitment: node %s cannot be at depth %d", e.Hash.Hex(), e.Depth)
}
