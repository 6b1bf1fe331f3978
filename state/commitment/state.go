package commitment

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/cairn-vm/cairn/asm"
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

// leaf returns the contract's value in the contract trie (0 deletes it).
func (c *Contract) leaf() asm.Felt {
	if c.empty() {
		return asm.Felt{}
	}
	return ContractStateHash(c.ClassHash, c.StorageRoot, c.Nonce)
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
	}
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
	for a, c := range next {
		leaves = append(leaves, Update{Key: a, Value: c.leaf()})
	}
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
	for a, c := range next {
		if c.empty() {
			delete(s.preimages, a)
		} else {
			s.preimages[a] = c
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
	workers := min(runtime.GOMAXPROCS(0), len(jobs))
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, len(jobs))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) {
					return
				}
				j := jobs[i]
				t := Trie{store: s.nodes, hash: Pedersen, height: Height, root: j.root}
				root, err := t.Update(j.updates)
				if err != nil {
					errs[i] = fmt.Errorf("commitment: storage of contract %s: %w", j.addr.Hex(), err)
					continue
				}
				j.root = root
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
