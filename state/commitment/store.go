package commitment

import (
	"sync"

	"github.com/cairn-vm/cairn/asm"
)

// NodeStore holds trie nodes by hash. Storing by hash (the way cairo-lang's
// fact storage does) makes tries persistent: an update writes new nodes and
// never changes old ones, so every root ever returned stays readable, and
// identical subtrees (equal storage in two contracts, say) are kept once.
// Reclaiming the nodes of old roots is left to the store.
//
// Besides trie nodes, a [State] files two kinds of records through Put:
// the three binary nodes of each contract leaf's hash chain (true Pedersen
// nodes, whose hash is their key) and, under each global root with a class
// trie, the pair of tries' roots (a Node whose key is not its hash); see
// [OpenState]. A store keeps them like any node.
//
// Put may be called again for a node already held; it must keep the node.
// Both methods must be safe for concurrent use: [State.Apply] reads
// contracts' storage tries in parallel over one store.
type NodeStore interface {
	// Node returns the node filed under hash, and whether there is one.
	Node(hash asm.Felt) (Node, bool, error)
	// Put files n under hash (n's hash under the trie's hash function, but
	// for a State's roots records).
	Put(hash asm.Felt, n Node) error
}

// MemoryStore is a NodeStore in a map, safe for concurrent use.
type MemoryStore struct {
	mu    sync.RWMutex
	nodes map[asm.Felt]Node
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{nodes: make(map[asm.Felt]Node)} }

// Node returns the node filed under hash; the error is always nil.
func (s *MemoryStore) Node(hash asm.Felt) (Node, bool, error) {
	s.mu.RLock()
	n, ok := s.nodes[hash]
	s.mu.RUnlock()
	return n, ok, nil
}

// Put files n under hash; the error is always nil.
func (s *MemoryStore) Put(hash asm.Felt, n Node) error {
	s.mu.Lock()
	s.nodes[hash] = n
	s.mu.Unlock()
	return nil
}

// Len returns the number of nodes held.
func (s *MemoryStore) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.nodes)
}

// Range calls f for every node held, in no particular order, until f
// returns false. f must not call Put.
func (s *MemoryStore) Range(f func(hash asm.Felt, n Node) bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for h, n := range s.nodes {
		if !f(h, n) {
			return
		}
	}
}

// OverlayStore is a NodeStore that reads through to a base store and files
// the nodes put into it in memory of its own, never writing the base. It
// lets a commitment built once (a genesis, a head block) be the starting
// point of any number of independent updates: nodes are filed by hash and
// never change, so the base's stay valid under every overlay, and each
// overlay keeps only the nodes its updates made.
//
// It is safe for concurrent use if the base is.
type OverlayStore struct {
	base NodeStore
	top  *MemoryStore
}

// NewOverlayStore returns an empty overlay on base.
func NewOverlayStore(base NodeStore) *OverlayStore {
	return &OverlayStore{base: base, top: NewMemoryStore()}
}

// Node returns the node filed under hash in the overlay or else in the
// base.
func (s *OverlayStore) Node(hash asm.Felt) (Node, bool, error) {
	if n, ok, _ := s.top.Node(hash); ok {
		return n, true, nil
	}
	return s.base.Node(hash)
}

// Put files n under hash in the overlay; the error is always nil.
func (s *OverlayStore) Put(hash asm.Felt, n Node) error { return s.top.Put(hash, n) }

// Len returns the number of nodes the overlay holds itself.
func (s *OverlayStore) Len() int { return s.top.Len() }
