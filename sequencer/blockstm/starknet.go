package blockstm

import (
	"fmt"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/state"
)

// Kind says which part of the Starknet state a Location names.
type Kind uint8

// The kinds of Location. The zero Kind is not one, so that a zero
// Location is never mistaken for storage cell 0 of contract 0.
const (
	KindStorage           Kind = iota + 1 // the storage cell Key of contract Contract
	KindNonce                             // the nonce of Contract
	KindClassHash                         // the class hash deployed at Contract
	KindCompiledClassHash                 // the compiled class hash declared for the class hash in Contract
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case KindStorage:
		return "storage"
	case KindNonce:
		return "nonce"
	case KindClassHash:
		return "class_hash"
	case KindCompiledClassHash:
		return "compiled_class_hash"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Location is one felt of the Starknet state, the key type for running
// Starknet transactions (with asm.Felt values). One comparable struct for
// every kind keeps a single multi-version memory for the whole state, so a
// transaction that deploys a contract and one that reads its class hash
// conflict exactly as a storage write and read do.
//
// Class objects are not Locations: a declared class never changes, and its
// compiled class hash (a Location) is what a transaction depends on.
type Location struct {
	Kind     Kind
	Contract asm.Felt // contract address; the class hash for KindCompiledClassHash
	Key      asm.Felt // storage key; zero for the other kinds
}

// StorageAt returns the location of key in contract's storage.
func StorageAt(contract, key asm.Felt) Location {
	return Location{Kind: KindStorage, Contract: contract, Key: key}
}

// NonceOf returns the location of contract's nonce.
func NonceOf(contract asm.Felt) Location { return Location{Kind: KindNonce, Contract: contract} }

// ClassHashOf returns the location of the class hash deployed at contract.
func ClassHashOf(contract asm.Felt) Location {
	return Location{Kind: KindClassHash, Contract: contract}
}

// CompiledClassHashOf returns the location of the compiled class hash
// declared for classHash.
func CompiledClassHashOf(classHash asm.Felt) Location {
	return Location{Kind: KindCompiledClassHash, Contract: classHash}
}

// String formats l for messages.
func (l Location) String() string {
	if l.Kind == KindStorage {
		return fmt.Sprintf("storage(%s, %s)", l.Contract.Hex(), l.Key.Hex())
	}
	return fmt.Sprintf("%s(%s)", l.Kind, l.Contract.Hex())
}

// AddFelt is felt addition, the Add function for Location/asm.Felt
// executors: commutative and associative, as deltas need.
func AddFelt(x, y asm.Felt) asm.Felt {
	x.Add(&x, &y)
	return x
}

// StateBase is a Base over a state.Reader, for executing a block on top
// of a committed state. The Reader must allow concurrent reads (a
// state.Memory that nobody writes during the run does).
type StateBase struct {
	R state.Reader
}

// Get reads loc from the Reader; a Location of no known kind is an error.
func (b StateBase) Get(loc Location) (asm.Felt, error) {
	switch loc.Kind {
	case KindStorage:
		return b.R.Storage(loc.Contract, loc.Key)
	case KindNonce:
		return b.R.Nonce(loc.Contract)
	case KindClassHash:
		return b.R.ClassHash(loc.Contract)
	case KindCompiledClassHash:
		return b.R.CompiledClassHash(loc.Contract)
	}
	return asm.Felt{}, fmt.Errorf("blockstm: invalid location kind %d", loc.Kind)
}
