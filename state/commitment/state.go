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

// State is Starknet's state commitment, kept up to date one state diff at a
// time: a storage trie per contract and the contract trie (Pedersen), the
// class trie (Poseidon), and the preimage of every contract leaf (class
// hash, storage root, nonce), which a diff that changes one of the three
// needs to rebuild the leaf.
//
// The preimages live in the node store too, so that a State can be opened
// again on a stored root ([OpenState]): for each leaf Apply files the three
// binary nodes of its hash chain, h(x, 0) under the leaf, h(inner, nonce)
// under x and h(class_hash, storage_root) under inner (much as cairo-lang
// files each contract state as a fact under its hash); and for each root
// with a class trie a record of the two tries' roots under the global root
// (see OpenState).
//
// A State is not safe for concurrent use; Apply parallelises internally.
type State struct {
	nodes, classNodes NodeStore
	contracts         Trie
	classes           Trie
	// preimages holds the preimage of every contract leaf when complete
	// is set (a State built by NewState), and otherwise (OpenState) those
	// read from the store so far.
	preimages map[asm.Felt]Contract
	complete  bool
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
		complete:   true,
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
		complete:   s.complete,
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
// a leaf. On a State opened with OpenState it may read the store, and a
// store error then reads as no leaf; LoadContract reports it.
func (s *State) Contract(addr asm.Felt) (Contract, bool) {
	c, ok, err := s.LoadContract(addr)
	return c, ok && err == nil
}

// LoadContract is Contract with the error of reading the preimage from the
// store (always nil on a State built by NewState): a *KeyError for an
// address of 2^251 or more, a *MissingNodeError or *CorruptNodeError for a
// store without the nodes Apply files, or the store's own error.
func (s *State) LoadContract(addr asm.Felt) (Contract, bool, error) {
	if c, ok := s.preimages[addr]; ok || s.complete {
		return c, ok, nil
	}
	c, inner, ok, err := s.readContract(addr)
	if err != nil || !ok {
		return Contract{}, false, err
	}
	s.preimages[addr], s.inner[addr] = c, inner
	return c, true, nil
}

// readContract reads the preimage of addr's leaf, and its inner hash, from
// the store; it changes nothing, so calls may run in parallel.
func (s *State) readContract(addr asm.Felt) (c Contract, inner asm.Felt, ok bool, err error) {
	leaf, err := s.contracts.Get(addr)
	if err != nil || leaf.IsZero() {
		return Contract{}, asm.Felt{}, false, err
	}
	c, inner, err = s.readChain(leaf)
	return c, inner, err == nil, err
}

// readChain reads the preimage of a contract leaf from the nodes of its
// hash chain: leaf = h(x, 0), x = h(inner, nonce), inner =
// h(class_hash, storage_root).
func (s *State) readChain(leaf asm.Felt) (Contract, asm.Felt, error) {
	var chain [3]Node
	h := leaf
	for i := range chain {
		n, found, err := s.nodes.Node(h)
		if err != nil {
			return Contract{}, asm.Felt{}, err
		}
		if !found {
			return Contract{}, asm.Felt{}, &MissingNodeError{Hash: h}
		}
		if n.IsEdge() || (i == 0 && n.B != contractStateHashVersion) {
			return Contract{}, asm.Felt{}, &CorruptNodeError{Hash: h, Depth: Height}
		}
		chain[i], h = n, n.A
	}
	return Contract{ClassHash: chain[2].A, StorageRoot: chain[2].B, Nonce: chain[1].B}, chain[1].A, nil
}

// prefetch reads, in parallel, the preimages of the addresses the State
// does not hold yet (OpenState reads them when first needed).
func (s *State) prefetch(addrs []asm.Felt) error {
	if s.complete {
		return nil
	}
	var todo []asm.Felt
	seen := make(map[asm.Felt]bool)
	for _, a := range addrs {
		if _, ok := s.preimages[a]; !ok && !seen[a] {
			seen[a] = true
			todo = append(todo, a)
		}
	}
	type result struct {
		c     Contract
		inner asm.Felt
		ok    bool
		err   error
	}
	res := make([]result, len(todo))
	parallel.For(len(todo), 0, func(i int) {
		r := &res[i]
		r.c, r.inner, r.ok, r.err = s.readContract(todo[i])
	})
	for i, r := range res {
		if r.err != nil {
			return fmt.Errorf("commitment: contract %s: %w", todo[i].Hex(), r.err)
		}
		if r.ok {
			s.preimages[todo[i]], s.inner[todo[i]] = r.c, r.inner
		}
	}
	return nil
}

// Storage returns the storage value at key in the contract at addr.
func (s *State) Storage(addr, key asm.Felt) (asm.Felt, error) {
	c, _, err := s.LoadContract(addr)
	if err != nil {
		return asm.Felt{}, err
	}
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
	if !s.complete {
		var named []asm.Felt
		for _, x := range d.DeployedContracts {
			named = append(named, x.Address)
		}
		for _, x := range d.ReplacedClasses {
			named = append(named, x.ContractAddress)
		}
		for _, x := range d.Nonces {
			named = append(named, x.ContractAddress)
		}
		for _, x := range d.StorageDiffs {
			named = append(named, x.Address)
		}
		if err := s.prefetch(named); err != nil {
			return s.Root(), err
		}
	}
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
	// Everything below is one hashing phase: the storage tries, the
	// contract leaves over their new roots and the contract trie over the
	// leaves are staged as pending nodes and hashed together, level by
	// level (hasher.go).
	hs, err := s.stageStorage(list)
	if err != nil {
		return s.Root(), err
	}
	for _, j := range list {
		c := get(j.addr)
		c.StorageRoot = j.root
		next[j.addr] = c
	}

	leaves := make([]entry, 0, len(next))
	staged := make([]stagedLeaf, 0, len(next))
	lh := newHasher(Pedersen)
	for a, c := range next {
		k, err := s.contracts.checkKey(&a)
		if err != nil {
			return s.Root(), fmt.Errorf("commitment: contract trie: %w", err)
		}
		rootP := jobs[a].pendingRoot()
		old, had := s.preimages[a]
		if rootP == nil && had && c == old {
			continue // the same leaf
		}
		l := stagedLeaf{addr: a, c: c}
		if rootP != nil || !c.empty() {
			l.inner, l.innerKnown = s.inner[a]
			l.innerKnown = l.innerKnown && rootP == nil && c.ClassHash == old.ClassHash && c.StorageRoot == old.StorageRoot
			if !l.innerKnown {
				l.innerP = lh.node(BinaryNode(c.ClassHash, c.StorageRoot), nil, rootP)
			}
			x := lh.node(BinaryNode(l.inner, c.Nonce), l.innerP, nil)
			l.leaf = lh.node(BinaryNode(asm.Felt{}, contractStateHashVersion), x, nil)
		}
		staged = append(staged, l)
		leaves = append(leaves, entry{key: k, p: l.leaf, seq: int32(len(leaves))})
	}
	contracts := s.contracts
	ch := newHasher(Pedersen)
	croot, cp, err := contracts.stageEntries(leaves, ch)
	if err != nil {
		return s.Root(), fmt.Errorf("commitment: contract trie: %w", err)
	}
	if err := hashAll(s.nodes, append(hs, lh, ch)...); err != nil {
		return s.Root(), err
	}
	if cp != nil {
		croot = cp.hash
	}
	contracts.root = croot

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

	if root := GlobalRoot(contracts.root, classes.root); root != contracts.root {
		if err := s.classNodes.Put(root, rootsRecord(contracts.root, classes.root)); err != nil {
			return s.Root(), err
		}
	}

	// Everything is computed: commit.
	s.contracts, s.classes = contracts, classes
	for i := range staged {
		l := &staged[i]
		c := l.c
		if p := jobs[l.addr].pendingRoot(); p != nil {
			c.StorageRoot = p.hash
		}
		if l.leaf == nil {
			delete(s.preimages, l.addr)
			delete(s.inner, l.addr)
			continue
		}
		s.preimages[l.addr] = c
		if l.innerP != nil {
			s.inner[l.addr] = l.innerP.hash
		} else {
			s.inner[l.addr] = l.inner
		}
	}
	return s.Root(), nil
}

// stagedLeaf is a contract whose leaf a diff changes: its new preimage
// (with the storage root still to be hashed when the storage trie
// changed) and the pending nodes of its leaf, h(h(h(class_hash,
// storage_root), nonce), 0). leaf is nil when the contract leaves the
// trie. The three nodes are filed in the store like trie nodes, which is
// how a State opened on a stored root finds the preimages (OpenState).
type stagedLeaf struct {
	addr       asm.Felt
	c          Contract
	inner      asm.Felt // h(class_hash, storage_root), when innerKnown
	innerKnown bool
	innerP     *pending // when not
	leaf       *pending
}

// storageJob is one contract's storage-trie update.
type storageJob struct {
	addr    asm.Felt
	updates []Update
	root    asm.Felt // the old root, then the new one when known
	rootP   *pending // else the new root's pending node
}

// pendingRoot returns the pending node that is j's new storage root, or
// nil when there is no job or its root is known.
func (j *storageJob) pendingRoot() *pending {
	if j == nil {
		return nil
	}
	return j.rootP
}

// stageStorage stages the storage-trie updates of jobs, in parallel (they
// share nothing but the store, which they only read), each into a hasher
// of its own, which it returns. A job's new root is then in root, or in
// rootP once hashed. The error reported is that of the first failing job
// in jobs' order.
func (s *State) stageStorage(jobs []*storageJob) ([]*hasher, error) {
	errs := make([]error, len(jobs))
	hs := make([]*hasher, len(jobs))
	parallel.For(len(jobs), 0, func(i int) {
		j := jobs[i]
		t := Trie{store: s.nodes, hash: Pedersen, height: Height, root: j.root}
		hs[i] = newHasher(Pedersen)
		root, p, err := t.stage(j.updates, hs[i])
		if err != nil {
			errs[i] = fmt.Errorf("commitment: storage of contract %s: %w", j.addr.Hex(), err)
			return
		}
		j.root, j.rootP = root, p
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return hs, nil
}
