package commitment

import (
	"reflect"
	"runtime"
	"sync"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/internal/parallel"
)

// An update first works out the shape of the new trie, making its new
// nodes without hashing them, and then hashes them bottom-up: a node's rank
// is one more than its highest pending child's, so all nodes of one rank
// are independent. Hashing a whole rank at once lets Pedersen share its
// field inversions across the rank (asm.PedersenBatch) and split it over
// the cores; several tries (a block's storage tries) can be hashed as one.

// pending is a node an update made, whose hash is not known yet.
type pending struct {
	node Node
	// kid holds the children not hashed yet when the node was made: their
	// hashes go to node.A (kid[0]) and node.B (kid[1]).
	kid  [2]*pending
	rank int32
	hash asm.Felt
}

// hasher collects the pending nodes of updates that use one hash function.
// It is not safe for concurrent use: an update that goes parallel forks a
// hasher per goroutine.
type hasher struct {
	hash  HashFunc
	batch func(dst, a, b []asm.Felt) // nil: hash one pair at a time
	nodes []*pending
	arena []pending // filled up, then replaced: pointers into it stay valid

	mu   sync.Mutex
	subs []*hasher // forked from this one
}

// fork returns a new hasher for another goroutine, whose nodes hashAll
// takes with this one's.
func (h *hasher) fork() *hasher {
	c := newHasher(h.hash)
	h.mu.Lock()
	h.subs = append(h.subs, c)
	h.mu.Unlock()
	return c
}

// flatten appends h and the hashers forked from it, recursively, to out.
func (h *hasher) flatten(out []*hasher) []*hasher {
	out = append(out, h)
	for _, c := range h.subs {
		out = c.flatten(out)
	}
	return out
}

func newHasher(h HashFunc) *hasher { return &hasher{hash: h, batch: batchOf(h)} }

// batchOf returns the batch form of h, when there is one.
func batchOf(h HashFunc) func(dst, a, b []asm.Felt) {
	if reflect.ValueOf(h).Pointer() == reflect.ValueOf(Pedersen).Pointer() {
		return asm.PedersenBatch
	}
	return nil
}

// node returns a new pending node n whose children a and b (either may
// be nil) are pending themselves.
func (h *hasher) node(n Node, a, b *pending) *pending {
	if len(h.arena) == cap(h.arena) {
		h.arena = make([]pending, 0, min(max(64, 2*cap(h.arena)), 4096))
	}
	var r int32
	if a != nil {
		r = a.rank
	}
	if b != nil && b.rank > r {
		r = b.rank
	}
	h.arena = append(h.arena, pending{node: n, kid: [2]*pending{a, b}, rank: r + 1})
	p := &h.arena[len(h.arena)-1]
	h.nodes = append(h.nodes, p)
	return p
}

// hashAll hashes the pending nodes of hs, which must share one hash
// function, rank by rank, and then files them all in store.
func hashAll(store NodeStore, roots ...*hasher) error {
	var hs []*hasher
	for _, h := range roots {
		hs = h.flatten(hs)
	}
	total, maxRank := 0, int32(0)
	for _, h := range hs {
		total += len(h.nodes)
		for _, p := range h.nodes {
			maxRank = max(maxRank, p.rank)
		}
	}
	if total == 0 {
		return nil
	}
	// Counting sort by rank.
	start := make([]int, maxRank+2)
	for _, h := range hs {
		for _, p := range h.nodes {
			start[p.rank+1]++
		}
	}
	widest := 0
	for r := 1; r < len(start); r++ {
		widest = max(widest, start[r])
		start[r] += start[r-1]
	}
	order := make([]*pending, total)
	next := append([]int(nil), start...)
	for _, h := range hs {
		for _, p := range h.nodes {
			order[next[p.rank]] = p
			next[p.rank]++
		}
	}
	buf := make([]asm.Felt, 3*widest)
	for r := int32(1); r <= maxRank; r++ {
		level := order[start[r]:start[r+1]]
		n := len(level)
		a, b, dst := buf[:n], buf[widest:widest+n], buf[2*widest:2*widest+n]
		for i, p := range level {
			if p.kid[0] != nil {
				p.node.A = p.kid[0].hash
			}
			if p.kid[1] != nil {
				p.node.B = p.kid[1].hash
			}
			a[i], b[i] = p.node.A, p.node.B
		}
		hashPairs(hs[0].hash, hs[0].batch, dst, a, b)
		for i, p := range level {
			p.hash = dst[i]
			if p.node.Length != 0 {
				l := asm.FeltFromUint64(uint64(p.node.Length))
				p.hash.Add(&p.hash, &l)
			}
		}
	}
	if ps, ok := store.(pendingPutter); ok {
		ps.putPending(order)
		return nil
	}
	for _, p := range order {
		if err := store.Put(p.hash, p.node); err != nil {
			return err
		}
	}
	return nil
}

// pendingPutter is a store of this package that files hashed pending
// nodes under one lock rather than one Put (and lock) each.
type pendingPutter interface {
	putPending(ps []*pending)
}

func (s *MemoryStore) putPending(ps []*pending) {
	s.mu.Lock()
	for _, p := range ps {
		s.nodes[p.hash] = p.node
	}
	s.mu.Unlock()
}

func (s *OverlayStore) putPending(ps []*pending) { s.top.putPending(ps) }

// pairsPerChunk is the smallest share of a level a core gets when the
// level is split: enough for the batch hash to pay off.
const pairsPerChunk = 32

// hashPairs sets dst[i] = h(a[i], b[i]) for every i, with batch when it is
// set, over all cores when there is enough work.
func hashPairs(h HashFunc, batch func(dst, a, b []asm.Felt), dst, a, b []asm.Felt) {
	n := len(dst)
	w := runtime.GOMAXPROCS(0)
	chunks := min(max(n/pairsPerChunk, min(n, w)), 4*w)
	parallel.For(chunks, 0, func(c int) {
		lo, hi := c*n/chunks, (c+1)*n/chunks
		if batch != nil {
			batch(dst[lo:hi], a[lo:hi], b[lo:hi])
			return
		}
		for i := lo; i < hi; i++ {
			dst[i] = h(&a[i], &b[i])
		}
	})
}
