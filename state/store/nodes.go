package store

import (
	"errors"
	"fmt"
	"sync"

	"github.com/cockroachdb/pebble/v2"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/state/commitment"
)

// Nodes is a commitment.NodeStore over a DB: trie nodes filed under their
// hash, in their 65-byte encoding (commitment.Node.MarshalBinary).
//
// Put does not write to disk: it holds the node in memory until the next
// CommitBlock writes it in the block's batch. So the tries persist exactly
// with the blocks whose roots they make up, and a crash between computing a
// root and committing its block leaves no orphan nodes behind. Node sees
// put nodes immediately, committed or not.
//
// Safe for concurrent use (commitment.State.Apply updates storage tries in
// parallel), including Puts while a CommitBlock runs: those go with the
// next block.
type Nodes struct {
	db *DB

	mu       sync.RWMutex
	pending  map[asm.Felt]commitment.Node // put since the last commit
	flushing map[asm.Felt]commitment.Node // being written by CommitBlock
}

var _ commitment.NodeStore = (*Nodes)(nil)

// Node returns the node filed under hash, and whether there is one. A
// stored node that does not decode is a *CorruptError.
func (s *Nodes) Node(hash asm.Felt) (commitment.Node, bool, error) {
	s.mu.RLock()
	n, ok := s.pending[hash]
	if !ok {
		n, ok = s.flushing[hash]
	}
	s.mu.RUnlock()
	if ok {
		return n, true, nil
	}
	if s.db.closed.Load() {
		return commitment.Node{}, false, ErrClosed
	}
	k := feltKey(prefixNode, hash)
	v, closer, err := s.db.pdb.Get(k)
	if errors.Is(err, pebble.ErrNotFound) {
		return commitment.Node{}, false, nil
	}
	if err != nil {
		return commitment.Node{}, false, fmt.Errorf("store: read node %s: %w", hash.Hex(), err)
	}
	defer closer.Close()
	if err := n.UnmarshalBinary(v); err != nil {
		return commitment.Node{}, false, &CorruptError{What: "trie node " + hash.Hex(), Key: k, Reason: err.Error()}
	}
	return n, true, nil
}

// Put files n under hash, to be written with the next block. It never
// fails.
func (s *Nodes) Put(hash asm.Felt, n commitment.Node) error {
	s.mu.Lock()
	s.pending[hash] = n
	s.mu.Unlock()
	return nil
}

// Pending returns the number of nodes put and not yet committed.
func (s *Nodes) Pending() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.pending)
}

// Discard forgets the nodes put since the last commit, such as those of a
// block that will not be committed. Nodes of committed blocks stay.
func (s *Nodes) Discard() {
	s.mu.Lock()
	s.pending = make(map[asm.Felt]commitment.Node)
	s.mu.Unlock()
}

// startFlush moves the pending nodes aside for CommitBlock to write. They
// stay visible to Node until endFlush, since until the batch commits they
// are on disk nowhere.
func (s *Nodes) startFlush() map[asm.Felt]commitment.Node {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushing, s.pending = s.pending, make(map[asm.Felt]commitment.Node)
	return s.flushing
}

// endFlush ends a flush; when the batch failed, the nodes go back to
// pending for the next attempt.
func (s *Nodes) endFlush(committed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !committed {
		for h, n := range s.flushing {
			s.pending[h] = n
		}
	}
	s.flushing = nil
}
