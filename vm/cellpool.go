package vm

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// A contract call builds a Memory of a dozen small segments (calldata,
// builtin cost table, syscalls, each builtin) and drops it a few hundred
// steps later; allocating their cell arrays was a fifth of a token
// transfer's time, most of it the collector's. The arrays of a released
// Memory (Memory.Release) are therefore kept for the next one, by size
// class: 64 << c cells. Only arrays from the Go heap come here, never a
// CellSpace's, and only when the Memory is released, since an engine may
// still hold a cell pointer into an array that a segment's growth
// replaced.
const (
	minPoolCells = 64
	poolClasses  = 9 // 64 .. 16384 cells (640 KiB)
)

// cellPools holds cleared arrays by class. A plain bounded free list
// rather than a sync.Pool: the collector empties a sync.Pool every other
// cycle, and a sequencer's allocation rate runs a cycle every few
// milliseconds, which left half the requests missing.
var cellPools [poolClasses]struct {
	mu   sync.Mutex
	free [][]Value
}

// poolBytes bounds what each class keeps (36 MiB in all at most).
const poolBytes = 4 << 20

// poolClass returns the size class of an array of at least n cells, if one
// is that large.
func poolClass(n int) (int, bool) {
	c := 0
	for minPoolCells<<c < n {
		c++
		if c == poolClasses {
			return 0, false
		}
	}
	return c, true
}

// pooledCells returns a cleared array of class c.
func pooledCells(c int) []Value {
	p := &cellPools[c]
	p.mu.Lock()
	if n := len(p.free); n > 0 {
		cells := p.free[n-1]
		p.free[n-1] = nil
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return cells
	}
	p.mu.Unlock()
	return make([]Value, minPoolCells<<c)
}

// recycleCells clears cells and keeps it for reuse when it is an array of
// a size class.
func recycleCells(cells []Value) {
	n := len(cells)
	if n != cap(cells) || n < minPoolCells {
		return
	}
	c, ok := poolClass(n)
	if !ok || minPoolCells<<c != n {
		return
	}
	p := &cellPools[c]
	p.mu.Lock()
	defer p.mu.Unlock()
	if (len(p.free)+1)*n*int(unsafe.Sizeof(Value{})) > poolBytes {
		return
	}
	clear(cells)
	p.free = append(p.free, cells)
}

// recyclePages hands the heap arrays of every segment to the pools.
func (m *Memory) recyclePages() {
	if m.space != nil {
		return
	}
	for _, list := range [2][]*segment{m.segs, m.temps} {
		for _, s := range list {
			for _, pg := range s.pages {
				recycleCells(pg)
			}
			s.dropPages()
		}
	}
}

// SizeHints remembers, per real segment index, how many cells the
// segment's first page had when a memory was released, so that the next
// run of the same code (FunctionRunner of one CodeImage) starts each
// segment at that size. Safe for concurrent use.
type SizeHints struct {
	cells [sizeHintSegments]atomic.Int32
	segs  atomic.Int32 // segments, temporary ones included
}

// reserve gives m room for the segments the last memory had, so that
// neither its segment list nor its segment structs are allocated piece by
// piece.
func (h *SizeHints) reserve(m *Memory) {
	n := min(int(h.segs.Load()), 4*sizeHintSegments)
	if n <= 0 {
		return
	}
	if len(m.slab) < n {
		m.slab = make([]segment, n)
		m.firstSlab = m.slab
	}
	if cap(m.segs) < n {
		m.segs = make([]*segment, len(m.segs), n)
	}
}

const sizeHintSegments = 32

func (h *SizeHints) get(seg int) int {
	if seg < 0 || seg >= sizeHintSegments {
		return 0
	}
	return min(int(h.cells[seg].Load()), minPoolCells<<(poolClasses-1))
}

// remember records the first-page sizes of m's real segments.
func (h *SizeHints) remember(m *Memory) {
	h.segs.Store(int32(len(m.segs) + len(m.temps)))
	for i, s := range m.segs {
		if i >= sizeHintSegments {
			break
		}
		if len(s.pages) > 0 {
			h.cells[i].Store(int32(min(len(s.pages[0]), pageCells)))
		}
	}
}
