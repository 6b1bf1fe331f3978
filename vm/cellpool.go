package vm

import "sync"

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

var cellPools [poolClasses]sync.Pool // *[]Value, cleared

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
	if p, ok := cellPools[c].Get().(*[]Value); ok {
		return *p
	}
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
	clear(cells)
	cellPools[c].Put(&cells)
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
			s.pages = nil
		}
	}
}
