package state

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/cairn-vm/cairn/asm"
)

// Diff is a state diff in Starknet's shape (the JSON-RPC StateDiff):
// storage diffs per contract, nonces, deployed contracts, declared classes
// and replaced classes. Every list is sorted by the integer value of its
// first felt (storage entries by key within a contract), so equal diffs are
// equal slices and marshal to the same bytes.
//
// Cairo 0 (deprecated) classes are not part of this package; they would be
// deprecated_declared_classes, which marshals as an empty list.
type Diff struct {
	StorageDiffs      []ContractStorageDiff
	Nonces            []NonceUpdate
	DeployedContracts []DeployedContract
	DeclaredClasses   []DeclaredClass
	ReplacedClasses   []ReplacedClass
}

// ContractStorageDiff is the storage written in one contract.
type ContractStorageDiff struct {
	Address        asm.Felt
	StorageEntries []StorageEntry
}

// StorageEntry is one written storage cell.
type StorageEntry struct {
	Key, Value asm.Felt
}

// NonceUpdate is the new nonce of a contract.
type NonceUpdate struct {
	ContractAddress, Nonce asm.Felt
}

// DeployedContract is a contract deployed at an address that had no class.
type DeployedContract struct {
	Address, ClassHash asm.Felt
}

// DeclaredClass is a newly declared class.
type DeclaredClass struct {
	ClassHash, CompiledClassHash asm.Felt
}

// ReplacedClass is a deployed contract whose class was replaced
// (replace_class).
type ReplacedClass struct {
	ContractAddress, ClassHash asm.Felt
}

// Empty reports whether d changes nothing.
func (d *Diff) Empty() bool {
	return len(d.StorageDiffs) == 0 && len(d.Nonces) == 0 && len(d.DeployedContracts) == 0 &&
		len(d.DeclaredClasses) == 0 && len(d.ReplacedClasses) == 0
}

func feltCmp(a, b asm.Felt) int { return a.Cmp(&b) }

// Diff returns the writes of c as a state diff. A write whose value equals
// the value c read from the parent for the same entry is left out (it
// changes nothing); a write to an entry c never read from the parent (a
// blind write) is kept even if the parent happens to hold that value. A
// class hash set at an address whose parent class hash is zero is a deployed
// contract, at any other address a replaced class (SetClassHash always reads
// the parent's class hash, so the distinction is always known). A declared
// class is left out only when the parent was read to declare it with the
// same compiled class hash.
func (c *Cached) Diff() Diff {
	var d Diff

	// Storage, grouped by contract.
	entries := make([]storageKey, 0, len(c.storage))
	for k, v := range c.storage {
		if init, ok := c.storageInit[k]; ok && init.Equal(&v) {
			continue
		}
		entries = append(entries, k)
	}
	slices.SortFunc(entries, func(a, b storageKey) int {
		if r := feltCmp(a.contract, b.contract); r != 0 {
			return r
		}
		return feltCmp(a.key, b.key)
	})
	for i, k := range entries {
		if i == 0 || !k.contract.Equal(&entries[i-1].contract) {
			d.StorageDiffs = append(d.StorageDiffs, ContractStorageDiff{Address: k.contract})
		}
		last := &d.StorageDiffs[len(d.StorageDiffs)-1]
		last.StorageEntries = append(last.StorageEntries, StorageEntry{Key: k.key, Value: c.storage[k]})
	}

	for k, v := range c.nonces {
		if init, ok := c.nonceInit[k]; ok && init.Equal(&v) {
			continue
		}
		d.Nonces = append(d.Nonces, NonceUpdate{ContractAddress: k, Nonce: v})
	}
	slices.SortFunc(d.Nonces, func(a, b NonceUpdate) int { return feltCmp(a.ContractAddress, b.ContractAddress) })

	for k, v := range c.classHashes {
		init := c.classHashInit[k]
		switch {
		case init.Equal(&v):
		case init.IsZero():
			d.DeployedContracts = append(d.DeployedContracts, DeployedContract{Address: k, ClassHash: v})
		default:
			d.ReplacedClasses = append(d.ReplacedClasses, ReplacedClass{ContractAddress: k, ClassHash: v})
		}
	}
	slices.SortFunc(d.DeployedContracts, func(a, b DeployedContract) int { return feltCmp(a.Address, b.Address) })
	slices.SortFunc(d.ReplacedClasses, func(a, b ReplacedClass) int { return feltCmp(a.ContractAddress, b.ContractAddress) })

	for k, v := range c.declares {
		if init, ok := c.compiledHashInit[k]; ok && !init.IsZero() && init.Equal(&v.compiledHash) {
			continue
		}
		d.DeclaredClasses = append(d.DeclaredClasses, DeclaredClass{ClassHash: k, CompiledClassHash: v.compiledHash})
	}
	slices.SortFunc(d.DeclaredClasses, func(a, b DeclaredClass) int { return feltCmp(a.ClassHash, b.ClassHash) })
	return d
}

// ReadSet is what a Cached read from its parent, each entry with the value
// first seen, sorted like Diff. A transaction's execution depends on its
// parent only through these entries: if the parent still returns the same
// values, executing it again would do the same.
type ReadSet struct {
	Storage             []StorageRead
	Nonces              []NonceRead
	ClassHashes         []ClassHashRead
	CompiledClassHashes []CompiledClassHashRead
	Classes             []ClassRead
}

// StorageRead is a storage cell read from the parent.
type StorageRead struct {
	Contract, Key, Value asm.Felt
}

// NonceRead is a nonce read from the parent.
type NonceRead struct {
	Contract, Nonce asm.Felt
}

// ClassHashRead is a contract's class hash read from the parent (zero:
// not deployed).
type ClassHashRead struct {
	Contract, ClassHash asm.Felt
}

// CompiledClassHashRead is a compiled class hash read from the parent
// (zero: not declared).
type CompiledClassHashRead struct {
	ClassHash, CompiledClassHash asm.Felt
}

// ClassRead is a class looked up in the parent, and whether it was declared.
type ClassRead struct {
	ClassHash asm.Felt
	Declared  bool
}

// Len returns the number of entries in r.
func (r *ReadSet) Len() int {
	return len(r.Storage) + len(r.Nonces) + len(r.ClassHashes) + len(r.CompiledClassHashes) + len(r.Classes)
}

// Reads returns the read set of c: every entry c read from its parent since
// it was made (or Reset or committed), including reads made by calls that
// were later reverted.
func (c *Cached) Reads() ReadSet {
	var r ReadSet
	for k, v := range c.storageInit {
		r.Storage = append(r.Storage, StorageRead{Contract: k.contract, Key: k.key, Value: v})
	}
	slices.SortFunc(r.Storage, func(a, b StorageRead) int {
		if x := feltCmp(a.Contract, b.Contract); x != 0 {
			return x
		}
		return feltCmp(a.Key, b.Key)
	})
	for k, v := range c.nonceInit {
		r.Nonces = append(r.Nonces, NonceRead{Contract: k, Nonce: v})
	}
	slices.SortFunc(r.Nonces, func(a, b NonceRead) int { return feltCmp(a.Contract, b.Contract) })
	for k, v := range c.classHashInit {
		r.ClassHashes = append(r.ClassHashes, ClassHashRead{Contract: k, ClassHash: v})
	}
	slices.SortFunc(r.ClassHashes, func(a, b ClassHashRead) int { return feltCmp(a.Contract, b.Contract) })
	for k, v := range c.compiledHashInit {
		r.CompiledClassHashes = append(r.CompiledClassHashes, CompiledClassHashRead{ClassHash: k, CompiledClassHash: v})
	}
	slices.SortFunc(r.CompiledClassHashes, func(a, b CompiledClassHashRead) int { return feltCmp(a.ClassHash, b.ClassHash) })
	for k, v := range c.classInit {
		r.Classes = append(r.Classes, ClassRead{ClassHash: k, Declared: v != nil})
	}
	slices.SortFunc(r.Classes, func(a, b ClassRead) int { return feltCmp(a.ClassHash, b.ClassHash) })
	return r
}

// JSON: the Starknet JSON-RPC StateDiff object, felts as 0x-prefixed
// lower-case hex.

type hexFelt asm.Felt

func (h hexFelt) MarshalText() ([]byte, error) {
	f := asm.Felt(h)
	return []byte(f.Hex()), nil
}

func (h *hexFelt) UnmarshalText(b []byte) error {
	f, err := asm.FeltFromString(string(b))
	if err != nil {
		return fmt.Errorf("state: felt %q: %w", b, err)
	}
	*h = hexFelt(f)
	return nil
}

type jsonStorageEntry struct {
	Key   hexFelt `json:"key"`
	Value hexFelt `json:"value"`
}

type jsonStorageDiff struct {
	Address        hexFelt            `json:"address"`
	StorageEntries []jsonStorageEntry `json:"storage_entries"`
}

type jsonDeclared struct {
	ClassHash         hexFelt `json:"class_hash"`
	CompiledClassHash hexFelt `json:"compiled_class_hash"`
}

type jsonDeployed struct {
	Address   hexFelt `json:"address"`
	ClassHash hexFelt `json:"class_hash"`
}

type jsonReplaced struct {
	ContractAddress hexFelt `json:"contract_address"`
	ClassHash       hexFelt `json:"class_hash"`
}

type jsonNonce struct {
	ContractAddress hexFelt `json:"contract_address"`
	Nonce           hexFelt `json:"nonce"`
}

type jsonDiff struct {
	StorageDiffs              []jsonStorageDiff `json:"storage_diffs"`
	DeprecatedDeclaredClasses []hexFelt         `json:"deprecated_declared_classes"`
	DeclaredClasses           []jsonDeclared    `json:"declared_classes"`
	DeployedContracts         []jsonDeployed    `json:"deployed_contracts"`
	ReplacedClasses           []jsonReplaced    `json:"replaced_classes"`
	Nonces                    []jsonNonce       `json:"nonces"`
}

// MarshalJSON encodes d as a Starknet JSON-RPC StateDiff: storage_diffs,
// deprecated_declared_classes (always empty), declared_classes,
// deployed_contracts, replaced_classes, nonces, every list present (empty
// rather than null) and in d's order, felts as 0x-prefixed hex.
func (d Diff) MarshalJSON() ([]byte, error) {
	j := jsonDiff{
		StorageDiffs:              make([]jsonStorageDiff, 0, len(d.StorageDiffs)),
		DeprecatedDeclaredClasses: []hexFelt{},
		DeclaredClasses:           make([]jsonDeclared, 0, len(d.DeclaredClasses)),
		DeployedContracts:         make([]jsonDeployed, 0, len(d.DeployedContracts)),
		ReplacedClasses:           make([]jsonReplaced, 0, len(d.ReplacedClasses)),
		Nonces:                    make([]jsonNonce, 0, len(d.Nonces)),
	}
	for _, s := range d.StorageDiffs {
		js := jsonStorageDiff{Address: hexFelt(s.Address), StorageEntries: make([]jsonStorageEntry, 0, len(s.StorageEntries))}
		for _, e := range s.StorageEntries {
			js.StorageEntries = append(js.StorageEntries, jsonStorageEntry{hexFelt(e.Key), hexFelt(e.Value)})
		}
		j.StorageDiffs = append(j.StorageDiffs, js)
	}
	for _, e := range d.DeclaredClasses {
		j.DeclaredClasses = append(j.DeclaredClasses, jsonDeclared{hexFelt(e.ClassHash), hexFelt(e.CompiledClassHash)})
	}
	for _, e := range d.DeployedContracts {
		j.DeployedContracts = append(j.DeployedContracts, jsonDeployed{hexFelt(e.Address), hexFelt(e.ClassHash)})
	}
	for _, e := range d.ReplacedClasses {
		j.ReplacedClasses = append(j.ReplacedClasses, jsonReplaced{hexFelt(e.ContractAddress), hexFelt(e.ClassHash)})
	}
	for _, e := range d.Nonces {
		j.Nonces = append(j.Nonces, jsonNonce{hexFelt(e.ContractAddress), hexFelt(e.Nonce)})
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes a Starknet JSON-RPC StateDiff into d, keeping the
// order of the input (deprecated_declared_classes is ignored). Felts may be
// hex (0x) or decimal.
func (d *Diff) UnmarshalJSON(b []byte) error {
	var j jsonDiff
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	var out Diff
	for _, s := range j.StorageDiffs {
		cs := ContractStorageDiff{Address: asm.Felt(s.Address)}
		for _, e := range s.StorageEntries {
			cs.StorageEntries = append(cs.StorageEntries, StorageEntry{Key: asm.Felt(e.Key), Value: asm.Felt(e.Value)})
		}
		out.StorageDiffs = append(out.StorageDiffs, cs)
	}
	for _, e := range j.DeclaredClasses {
		out.DeclaredClasses = append(out.DeclaredClasses, DeclaredClass{asm.Felt(e.ClassHash), asm.Felt(e.CompiledClassHash)})
	}
	for _, e := range j.DeployedContracts {
		out.DeployedContracts = append(out.DeployedContracts, DeployedContract{asm.Felt(e.Address), asm.Felt(e.ClassHash)})
	}
	for _, e := range j.ReplacedClasses {
		out.ReplacedClasses = append(out.ReplacedClasses, ReplacedClass{asm.Felt(e.ContractAddress), asm.Felt(e.ClassHash)})
	}
	for _, e := range j.Nonces {
		out.Nonces = append(out.Nonces, NonceUpdate{asm.Felt(e.ContractAddress), asm.Felt(e.Nonce)})
	}
	*d = out
	return nil
}
