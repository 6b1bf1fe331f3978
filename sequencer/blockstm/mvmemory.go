package blockstm

import (
	"hash/maphash"
	"slices"
	"sync"
)

// entryKind says what a transaction left at a location.
type entryKind uint8

const (
	entryValue    entryKind = iota // the location's value after the transaction
	entryDelta                     // an amount added to the value below
	entryEstimate                  // written by an aborted incarnation: the next one probably writes it again
)

// entry is one transaction's write to a location.
type entry[V any] struct {
	tx   int
	kind entryKind
	val  V
}

// cell holds the writes to one location, sorted by transaction.
//
// A sorted slice rather than a tree: transactions mostly execute in block
// order, so a write is nearly always an append, and a read is a binary
// search over memory that is contiguous.
type cell[V any] struct {
	mu      sync.RWMutex
	entries []entry[V]
}

// find returns the position of tx's entry, or where it would go.
func (c *cell[V]) find(tx int) (int, bool) {
	return slices.BinarySearchFunc(c.entries, tx, func(e entry[V], tx int) int { return e.tx - tx })
}

func (c *cell[V]) put(e entry[V]) {
	c.mu.Lock()
	if i, ok := c.find(e.tx); ok {
		c.entries[i] = e
	} else {
		c.entries = slices.Insert(c.entries, i, e)
	}
	c.mu.Unlock()
}

func (c *cell[V]) remove(tx int) {
	c.mu.Lock()
	if i, ok := c.find(tx); ok {
		c.entries = slices.Delete(c.entries, i, i+1)
	}
	c.mu.Unlock()
}

// markEstimate turns tx's entry into an ESTIMATE.
func (c *cell[V]) markEstimate(tx int) {
	c.mu.Lock()
	if i, ok := c.find(tx); ok {
		c.entries[i].kind = entryEstimate
	}
	c.mu.Unlock()
}

// shards is the number of independently locked parts of the location map,
// so that workers creating cells for different locations rarely contend.
const shards = 64

type shard[K comparable, V any] struct {
	mu    sync.RWMutex
	cells map[K]*cell[V]
}

// mvMemory is the multi-version data structure: for every location, the
// write of each transaction that wrote it, in its latest recorded
// incarnation. It holds no per-transaction bookkeeping (read sets, which
// locations an incarnation wrote): the executor keeps that.
type mvMemory[K comparable, V comparable] struct {
	seed   maphash.Seed
	shards [shards]shard[K, V]
	base   Base[K, V]
	add    func(x, y V) V
}

func newMVMemory[K comparable, V comparable](base Base[K, V], add func(x, y V) V) *mvMemory[K, V] {
	m := &mvMemory[K, V]{seed: maphash.MakeSeed(), base: base, add: add}
	for i := range m.shards {
		m.shards[i].cells = make(map[K]*cell[V])
	}
	return m
}

func (m *mvMemory[K, V]) shard(loc K) *shard[K, V] {
	return &m.shards[maphash.Comparable(m.seed, loc)%shards]
}

// lookup returns loc's cell, or nil when nothing was ever written there.
func (m *mvMemory[K, V]) lookup(loc K) *cell[V] {
	s := m.shard(loc)
	s.mu.RLock()
	c := s.cells[loc]
	s.mu.RUnlock()
	return c
}

func (m *mvMemory[K, V]) cell(loc K) *cell[V] {
	if c := m.lookup(loc); c != nil {
		return c
	}
	s := m.shard(loc)
	s.mu.Lock()
	c := s.cells[loc]
	if c == nil {
		c = new(cell[V])
		s.cells[loc] = c
	}
	s.mu.Unlock()
	return c
}

// record replaces the writes of tx's previous incarnation (prev) by those
// of its new one, and reports whether the new one wrote a location the
// previous did not. Only then can a higher transaction have read a value
// that this write hides without seeing an ESTIMATE, and need validating
// again (see scheduler.finishExecution).
func (m *mvMemory[K, V]) record(tx int, writes, prev []write[K, V]) (wroteNew bool) {
	for _, w := range writes {
		kind := entryValue
		if w.delta {
			kind = entryDelta
		}
		m.cell(w.loc).put(entry[V]{tx: tx, kind: kind, val: w.val})
	}
	// Writing first and removing afterwards means a location written by
	// both incarnations never reads as unwritten in between.
	in := locSet(writes)
	for _, p := range prev {
		if !in(p.loc) {
			m.cell(p.loc).remove(tx)
		}
	}
	was := locSet(prev)
	for _, w := range writes {
		if !was(w.loc) {
			return true
		}
	}
	return false
}

// locSet returns a membership test for the locations of ws: a scan for a
// few, a map for many.
func locSet[K comparable, V any](ws []write[K, V]) func(K) bool {
	if len(ws) <= 8 {
		return func(loc K) bool {
			for i := range ws {
				if ws[i].loc == loc {
					return true
				}
			}
			return false
		}
	}
	set := make(map[K]struct{}, len(ws))
	for _, w := range ws {
		set[w.loc] = struct{}{}
	}
	return func(loc K) bool { _, ok := set[loc]; return ok }
}

// markEstimates turns the writes of tx's aborted incarnation into
// ESTIMATE markers.
func (m *mvMemory[K, V]) markEstimates(tx int, writes []write[K, V]) {
	for _, w := range writes {
		m.cell(w.loc).markEstimate(tx)
	}
}

// settle replaces tx's delta at loc by the value val it sums to. Called at
// commit, when nothing below tx can change any more: readers then find a
// value at tx instead of walking down through every delta.
func (m *mvMemory[K, V]) settle(tx int, loc K, val V) {
	m.cell(loc).put(entry[V]{tx: tx, kind: entryValue, val: val})
}

// resolution is what the writes below a transaction say about a location.
type resolution[V any] struct {
	kind    resolutionKind
	val     V   // resolvedValue: the value; resolvedDeltas: the sum of the deltas
	blocker int // resolvedEstimate: the transaction that left the ESTIMATE
}

type resolutionKind uint8

const (
	resolvedBase     resolutionKind = iota // no write below: the base value
	resolvedValue                          // a value, perhaps plus deltas above it
	resolvedDeltas                         // deltas on top of the base value
	resolvedEstimate                       // an ESTIMATE is in the way
)

// resolve looks at loc as transaction tx sees it, without reading the
// base: the highest write below tx, and if that is a delta, every write
// further down until a value.
func (m *mvMemory[K, V]) resolve(loc K, tx int) resolution[V] {
	c := m.lookup(loc)
	if c == nil {
		return resolution[V]{kind: resolvedBase}
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	i, _ := c.find(tx)
	var sum V
	deltas := false
	for i--; i >= 0; i-- {
		e := &c.entries[i]
		switch e.kind {
		case entryEstimate:
			return resolution[V]{kind: resolvedEstimate, blocker: e.tx}
		case entryValue:
			if deltas {
				return resolution[V]{kind: resolvedValue, val: m.add(e.val, sum)}
			}
			return resolution[V]{kind: resolvedValue, val: e.val}
		case entryDelta:
			if deltas {
				sum = m.add(e.val, sum)
			} else {
				sum, deltas = e.val, true
			}
		}
	}
	if deltas {
		return resolution[V]{kind: resolvedDeltas, val: sum}
	}
	return resolution[V]{kind: resolvedBase}
}

// readRecord is one entry of an incarnation's read set: what it saw at a
// location, to be compared with what it would see now.
type readRecord[K comparable, V any] struct {
	loc      K
	val      V
	err      error // the base failed; val is meaningless
	fromBase bool  // nothing was written below: val came straight from the base
}

// fetch reads loc as transaction tx sees it, the base included. blocker
// is the transaction whose ESTIMATE is in the way, or -1.
func (m *mvMemory[K, V]) fetch(loc K, tx int) (rec readRecord[K, V], blocker int) {
	r := m.resolve(loc, tx)
	rec.loc = loc
	switch r.kind {
	case resolvedEstimate:
		return rec, r.blocker
	case resolvedValue:
		rec.val = r.val
	case resolvedBase:
		rec.fromBase = true
		rec.val, rec.err = m.get(loc)
	case resolvedDeltas:
		if rec.val, rec.err = m.get(loc); rec.err == nil {
			rec.val = m.add(rec.val, r.val)
		}
	}
	return rec, -1
}

func (m *mvMemory[K, V]) get(loc K) (V, error) {
	if m.base == nil {
		var zero V
		return zero, nil
	}
	return m.base.Get(loc)
}

// valid reports whether transaction tx would still read what rec says.
// A read that came from the base and would still come from it is valid
// without asking the base again (it cannot change during a run).
func (m *mvMemory[K, V]) valid(rec *readRecord[K, V], tx int) bool {
	r := m.resolve(rec.loc, tx)
	switch r.kind {
	case resolvedEstimate:
		return false
	case resolvedValue:
		return rec.err == nil && r.val == rec.val
	case resolvedBase:
		if rec.fromBase {
			return true
		}
		v, err := m.get(rec.loc)
		return same(rec, v, err)
	default: // resolvedDeltas
		v, err := m.get(rec.loc)
		if err == nil {
			v = m.add(v, r.val)
		}
		return same(rec, v, err)
	}
}

// same compares a read with a new one: equal values, or both failed.
func same[K comparable, V comparable](rec *readRecord[K, V], v V, err error) bool {
	if err != nil || rec.err != nil {
		return err != nil && rec.err != nil
	}
	return v == rec.val
}

// validAll reports whether every read of tx's incarnation is still valid.
func (m *mvMemory[K, V]) validAll(reads []readRecord[K, V], tx int) bool {
	for i := range reads {
		if !m.valid(&reads[i], tx) {
			return false
		}
	}
	return true
}

// mvSource is the source of a parallel view: the multi-version memory as
// transaction tx sees it. It records the read set and notices ESTIMATEs.
type mvSource[K comparable, V comparable] struct {
	mv      *mvMemory[K, V]
	tx      int
	reads   []readRecord[K, V]
	blocker int // -1, or the transaction whose ESTIMATE stopped the execution
}

func (s *mvSource[K, V]) read(loc K) (V, error) {
	rec, blocker := s.mv.fetch(loc, s.tx)
	if blocker >= 0 {
		s.blocker = blocker
		var zero V
		return zero, ErrDependency
	}
	s.reads = append(s.reads, rec)
	return rec.val, rec.err
}
