package commitment

import (
	"fmt"
	"maps"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/internal/parallel"
	"github.com/cairn-vm/cairn/state"
)

// Contract is what the contract trie commits to for one address: the leaf
// is ContractStateHash(ClassHash, StorageRoot, Nonce).
type Contract struct {
	ClassHash, StorageRoot, Nonce asm.Felt
}

func (c *Contract) empty() bool {
	return c.ClassHash.IsZero() && c.StorageRoot.IsZero() && c.Nonce.IsZero()
}

// leaf returns the contract's value in the contract trie (0 deletes it)
// and the first of its three hashes, h(class_hash, storage_root). When
// known is set, inner is that hash already, for this class hash and
// storage root, and is not computed again.
func (c *Contract) leaf(inner asm.Felt, known bool) (leaf, h asm.Felt) {
	if c.empty() {
		return asm.Felt{}, asm.Felt{}
	}
	if !known {
		inner = asm.Pedersen(&c.ClassHash, &c.StorageRoot)
	}
	leaf = asm.Pedersen(&inner, &c.Nonce)
	return asm.Pedersen(&leaf, &contractStateHashVersion), inner
}

// State is Starknet's state commitment, kept up to date one state diff at a
// time: a storage trie per contract and the contract trie (Pedersen), the
// class trie (Poseidon), and the preimage of every contract leaf (class
// hash, storage root, nonce), which a diff that changes one of the three
// needs to rebuild the leaf.
//
// A State is not safe for concurrent use; Apply parallelises internally.
type State struct {
	nodes, classNodes NodeStore
	contracts         Trie
	classes           Trie
	preimages         map[asm.Felt]Contract
	// inner holds h(class_hash, storage_root) of each contract's
	// preimage, the first hash of its leaf: an account whose block only
	// changed its nonce, as every transaction does to its sender, then
	// costs two hashes instead of three.
	inner map[asm.Felt]asm.Felt
}

// NewState returns the commitment of the empty state (root 0), keeping the
// Pedersen tries' nodes in nodes and the class trie's in classNodes. The two
// may be the same store.
func NewState(nodes, classNodes NodeStore) *State {
	return &State{
		nodes:      nodes,
		classNodes: classNodes,
		contracts:  *NewTrie(nodes, Pedersen),
		classes:    *NewTrie(classNodes, Poseidon),
		preimages:  make(map[asm.Felt]Contract),
		inner:      make(map[asm.Felt]asm.Felt),
	}
}

// Clone returns a State equal to s that can be updated independently of
// it: its tries start at s's roots and its node stores are
// [OverlayStore]s on s's, so a clone writes nothing into s's stores,
// and s's stores must keep the nodes of s's present roots while the clone
// is in use (stores never change or drop a node unless their owner
// reclaims old roots). Cloning costs a copy of the contract preimages,
// not a rebuild: it is how a base state that knows its commitment hands
// out a fresh one per block.
func (s *State) Clone() *State {
	nodes, classNodes := NewOverlayStore(s.nodes), NewOverlayStore(s.classNodes)
	c := &State{
		nodes:      nodes,
		classNodes: classNodes,
		contracts:  s.contracts,
		classes:    s.classes,
		preimages:  maps.Clone(s.preimages),
		inner:      maps.Clone(s.inner),
	}
	c.contracts.store, c.classes.store = nodes, classNodes
	if c.preimages == nil {
		c.preimages = make(map[asm.Felt]Contract)
	}
	if c.inner == nil {
		c.inner = make(map[asm.Felt]asm.Felt)
	}
	return c
}

// Root returns the state commitment: [GlobalRoot] of the two tries' roots.
func (s *State) Root() asm.Felt { return GlobalRoot(s.contracts.Root(), s.classes.Root()) }

// ContractsRoot returns the root of the contract trie.
func (s *State) ContractsRoot() asm.Felt { return s.contracts.Root() }

// ClassesRoot returns the root of the class trie.
func (s *State) ClassesRoot() asm.Felt { return s.classes.Root() }

// Contract returns the contract-trie preimage at addr, and whether addr has
// a leaf.
func (s *State) Contract(addr asm.Felt) (Contract, bool) {
	c, ok := s.preimages[addr]
	return c, ok
}

// Storage returns the storage value at key in the contract at addr.
func (s *State) Storage(addr, key asm.Felt) (asm.Felt, error) {
	c := s.preimages[addr]
	t := Trie{store: s.nodes, hash: Pedersen, height: Height, root: c.StorageRoot}
	return t.Get(key)
}

// ClassLeafAt returns the class trie's leaf for classHash (0 when the class
// is not in the trie).
func (s *State) ClassLeafAt(classHash asm.Felt) (asm.Felt, error) { return s.classes.Get(classHash) }

// Apply updates the commitment by a state diff and returns the new root.
//
// Deployed and replaced classes set a contract's class hash (replaced
// after deployed), nonces its nonce, and storage diffs go to its storage
// trie, whose new root joins the leaf; storage entries of value 0 delete.
// Every contract the diff names gets its leaf rebuilt, and one left with
// class hash, storage root and nonce all 0 leaves the trie. Declared
// classes put ClassLeaf(compiled_class_hash) at their class hash; a
// compiled class hash of 0 removes the class. Deprecated (Cairo 0) classes
// are not part of the commitment and have no place in a state.Diff.
//
// Apply validates nothing about Starknet's rules (storage may be written at
// an address without a class, as the system contracts are). A key that does
// not fit a trie fails with an error wrapping a *KeyError, and then, as on a
// store error, the State is left as it was.
func (s *State) Apply(d *state.Diff) (asm.Felt, error) {
	// next holds the new preimage of every contract the diff names.
	next := make(map[asm.Felt]Contract)
	get := func(a asm.Felt) Contract {
		if c, ok := next[a]; ok {
			return c
		}
		return s.preimages[a]
	}
	for _, x := range d.DeployedContracts {
		c := get(x.Address)
		c.ClassHash = x.ClassHash
		next[x.Address] = c
	}
	for _, x := range d.ReplacedClasses {
		c := get(x.ContractAddress)
		c.ClassHash = x.ClassHash
		next[x.ContractAddress] = c
	}
	for _, x := range d.Nonces {
		c := get(x.ContractAddress)
		c.Nonce = x.Nonce
		next[x.ContractAddress] = c
	}

	jobs := make(map[asm.Felt]*storageJob)
	var list []*storageJob
	for _, sd := range d.StorageDiffs {
		j := jobs[sd.Address]
		if j == nil {
			j = &storageJob{addr: sd.Address, root: get(sd.Address).StorageRoot}
			jobs[sd.Address] = j
			list = append(list, j)
		}
		for _, e := range sd.StorageEntries {
			j.updates = append(j.updates, Update{Key: e.Key, Value: e.Value})
		}
	}
	if err := s.runStorage(list); err != nil {
		return s.Root(), err
	}
	for _, j := range list {
		c := get(j.addr)
		c.StorageRoot = j.root
		next[j.addr] = c
	}

	leaves := make([]Update, 0, len(next))
	for a := range next {
		leaves = append(leaves, Update{Key: a})
	}
	// A leaf is three Pedersen hashes, and a block changes a leaf per
	// account that sent a transaction: hundreds of hashes, which would be
	// a serial phase after the storage tries if done in this loop.
	inners := make([]asm.Felt, len(leaves))
	parallel.For(len(leaves), 0, func(i int) {
		a := leaves[i].Key
		c, old := next[a], s.preimages[a]
		h, known := s.inner[a]
		known = known && c.ClassHash == old.ClassHash && c.StorageRoot == old.StorageRoot
		leaves[i].Value, inners[i] = c.leaf(h, known)
	})
	contracts := s.contracts
	if _, err := contracts.Update(leaves); err != nil {
		return s.Root(), fmt.Errorf("commitment: contract trie: %w", err)
	}

	classes := s.classes
	if len(d.DeclaredClasses) > 0 {
		cl := make([]Update, len(d.DeclaredClasses))
		for i, x := range d.DeclaredClasses {
			cl[i].Key = x.ClassHash
			if !x.CompiledClassHash.IsZero() {
				cl[i].Value = ClassLeaf(x.CompiledClassHash)
			}
		}
		if _, err := classes.Update(cl); err != nil {
			return s.Root(), fmt.Errorf("commitment: class trie: %w", err)
		}
	}

	// Everything is computed: commit.
	s.contracts, s.classes = contracts, classes
	for i := range leaves {
		a := leaves[i].Key
		if c := next[a]; c.empty() {
			delete(s.preimages, a)
			delete(s.inner, a)
		} else {
			s.preimages[a] = c
			s.inner[a] = inners[i]
		}
	}
	return s.Root(), nil
}

// storageJob is one contract's storage-trie update.
type storageJob struct {
	addr    asm.Felt
	updates []Update
	root    asm.Felt // the old root, then the new one
}

// runStorage updates the storage tries of jobs, in parallel: they share
// nothing but the store, and Pedersen hashing is nearly all of the work.
// The error reported is that of the first failing job in jobs' order.
func (s *State) runStorage(jobs []*storageJob) error {
	errs := make([]error, len(jobs))
	parallel.For(len(jobs), 0, func(i int) {
		j := jobs[i]
		t := Trie{store: s.nodes, hash: Pedersen, height: Height, root: j.root}
		root, err := t.Update(j.updates)
		if err != nil {
			errs[i] = fmt.Errorf("commitment: storage of contract %s: %w", j.addr.Hex(), err)
			return
		}
		j.root = root
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
