package vm

import "unsafe"

// A CellSpace is where a Memory's cell arrays live when they must live
// somewhere in particular: the JIT keeps them in its WebAssembly linear
// memory, so that compiled code and Go read and write the very same cells
// and either engine can take over from the other at any step. The space is
// told where every array lands and when a segment's rules change, and it
// may keep segment sizes in words of its own (which compiled code updates
// as it writes).
//
// A Memory with no space attached keeps its arrays on the Go heap or in
// mappings of its own (cells_linux.go).
type CellSpace interface {
	// Cells returns n zeroed cells that are to be page p of segment seg
	// (negative for a temporary segment). It may return cells from the Go
	// heap when it has no room left; it never fails.
	Cells(seg, page, n int) []Value
	// Free takes back an array Cells returned that the memory no longer
	// uses (a first page replaced by a larger one as it doubles).
	Free(cells []Value)
	// SizeSlot returns the word in which real segment seg is to keep its
	// size (one past its highest written offset), or nil to keep it in the
	// segment. The memory stores the current size there at once.
	SizeSlot(seg int) *int
	// Changed tells the space that segment seg has a new page, or a new
	// builtin deduction or validation rule.
	Changed(seg int)
	// Release frees the space; the memory is empty afterwards.
	Release()
}

// Layout of a cell, for engines that address cells as bytes (the JIT): a
// felt's four 64-bit little-endian limbs in Montgomery form (a pointer's
// offset in the first limb, the other three zero), then the pointer's
// segment as an int32, then the kind byte whose top bit is the accessed mark.
const (
	CellBytes      = int(unsafe.Sizeof(Value{}))
	CellSegOffset  = int(unsafe.Offsetof(Value{}.seg))
	CellKindOffset = int(unsafe.Offsetof(Value{}.kind))
	KindAccessed   = accessedBit
	// PageCells is the number of cells in a full page of a segment; pages
	// after the first are always full.
	PageCells = pageCells
)

// AttachSpace moves every cell array of m into sp and takes every later
// one from it. Pointers into cells taken before the call are invalid after
// it. A memory has at most one space for its lifetime (AttachSpace on a
// memory that has one does nothing and returns false); Release releases it.
func (m *Memory) AttachSpace(sp CellSpace) bool {
	if m.space != nil {
		return false
	}
	move := func(s *segment) {
		for p, pg := range s.pages {
			nc := sp.Cells(s.index, p, len(pg))
			copy(nc, pg)
			m.freeCells(pg)
			s.pages[p] = nc
		}
		if s.index >= 0 {
			if slot := sp.SizeSlot(s.index); slot != nil {
				*slot = *s.size
				s.size = slot
			}
		}
	}
	for _, s := range m.segs {
		move(s)
	}
	for _, s := range m.temps {
		move(s)
	}
	m.space = sp
	for i := range m.segs {
		sp.Changed(i)
	}
	return true
}

// Space returns the attached cell space, or nil.
func (m *Memory) Space() CellSpace { return m.space }

// Pages returns the cell arrays of a segment, page by page (for a
// CellSpace that maps them); nil for a segment that does not exist.
func (m *Memory) Pages(seg int) [][]Value {
	if s := m.seg(seg); s != nil {
		return s.pages
	}
	return nil
}

// HasDeducer reports whether a segment has a builtin deduction rule.
func (m *Memory) HasDeducer(seg int) bool {
	s := m.seg(seg)
	return s != nil && s.deducer != nil
}

// cellsFor returns n zeroed cells to become page p of s.
func (m *Memory) cellsFor(s *segment, p, n int) []Value {
	if m.space != nil {
		return m.space.Cells(s.index, p, n)
	}
	if c, ok := poolClass(n); ok {
		return pooledCells(c)
	}
	return m.newCells(n)
}

// dropCells gives back an array cellsFor returned.
func (m *Memory) dropCells(cells []Value) {
	if m.space != nil {
		m.space.Free(cells)
		return
	}
	m.freeCells(cells)
}

// placed tells the space that s has a new page.
func (m *Memory) placed(s *segment) {
	if m.space != nil {
		m.space.Changed(s.index)
	}
}
