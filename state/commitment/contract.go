package commitment

import "github.com/cairn-vm/cairn/asm"

// Version constants of Starknet's state commitment, as cairo-lang's
// starknet/definitions/constants.py and the OS (core/os/state) define them.
var (
	// contractStateHashVersion is CONTRACT_STATE_HASH_VERSION, the last
	// element hashed into a contract's leaf.
	contractStateHashVersion = asm.Felt{}
	// contractClassLeafVersion is the short string 'CONTRACT_CLASS_LEAF_V0'.
	contractClassLeafVersion = asm.FeltFromBytesBE([]byte("CONTRACT_CLASS_LEAF_V0"))
	// globalStateVersion is the short string 'STARKNET_STATE_V0'.
	globalStateVersion = asm.FeltFromBytesBE([]byte("STARKNET_STATE_V0"))
)

// ContractStateHash returns a contract's leaf in the contract trie:
// h(h(h(class_hash, storage_root), nonce), 0) with h = Pedersen, the last
// 0 being CONTRACT_STATE_HASH_VERSION. (Starknet's documentation writes it
// as h(class_hash, storage_root, nonce, 0).)
//
// A contract whose class hash, storage root and nonce are all 0 is no leaf
// at all: [State.Apply] deletes it rather than storing this hash. That is
// how the system contracts at addresses 1 and 2, which have no class, drop
// out of the trie when their storage is empty.
func ContractStateHash(classHash, storageRoot, nonce asm.Felt) asm.Felt {
	h := asm.Pedersen(&classHash, &storageRoot)
	h = asm.Pedersen(&h, &nonce)
	return asm.Pedersen(&h, &contractStateHashVersion)
}

// ClassLeaf returns a class's leaf in the class trie:
// Poseidon('CONTRACT_CLASS_LEAF_V0', compiled_class_hash).
func ClassLeaf(compiledClassHash asm.Felt) asm.Felt {
	return asm.PoseidonHash(contractClassLeafVersion, compiledClassHash)
}

// GlobalRoot returns Starknet's state commitment from the roots of the
// contract trie and the class trie:
// poseidon_hash_many('STARKNET_STATE_V0', contracts_root, classes_root).
// While no class is declared (classes_root = 0) it is contracts_root
// itself, which is how state roots were defined before Starknet 0.11 and
// how the OS still computes them.
func GlobalRoot(contractsRoot, classesRoot asm.Felt) asm.Felt {
	if classesRoot.IsZero() {
		return contractsRoot
	}
	return asm.PoseidonHashMany([]asm.Felt{globalStateVersion, contractsRoot, classesRoot})
}
