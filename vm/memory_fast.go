package vm

import (
	"fmt"

	"github.com/cairn-vm/cairn/asm"
)

// Low-level access for engines' hot paths. These skip the checks Write and
// Get make, so callers must respect their contracts; everything unusual
// (growth, builtin segments, temporary segments) goes through Write/Get.

// CellPtr returns the cell at (seg, off) of a real segment when it is
// allocated, else nil. The pointer is valid until the next call that can
// grow the segment's first page (a write beyond its end).
func (m *Memory) CellPtr(seg, off int) *Value {
	if uint(seg) >= uint(len(m.segs)) || off < 0 {
		return nil
	}
	return m.segs[seg].cell(off)
}

// Plain reports whether real segment i has no builtin deduction or
// validation rule, so its cells may be filled directly.
func (m *Memory) Plain(i int) bool {
	if i < 0 || i >= len(m.segs) {
		return false
	}
	s := m.segs[i]
	return s.deducer == nil && s.validator == nil
}

// Unvalidated reports whether real segment i has no validation rule, so an
// unknown cell of it may be filled directly (a deduction rule, if any, only
// matters for reads).
func (m *Memory) Unvalidated(i int) bool {
	return i >= 0 && i < len(m.segs) && m.segs[i].validator == nil
}

// Fill stores v into the unknown cell c = CellPtr(seg, off) of an
// Unvalidated segment; the cell's accessed mark is kept and the segment's size follows.
func (m *Memory) Fill(seg, off int, c *Value, v *Value) { m.segs[seg].store(off, c, v) }

// FillFelt marks the unknown cell c = CellPtr(seg, off) of a Plain segment
// as holding the felt its engine has just computed in place into
// c.FeltRef(), sparing a copy of the value.
func (m *Memory) FillFelt(seg, off int, c *Value) {
	s := m.segs[seg]
	c.seg = 0
	c.kind = kindFelt | c.kind&accessedBit
	if off >= *s.size {
		*s.size = off + 1
	}
}

// Kind bits, exported for engines that test cells in place.
const (
	KindUnknown = kindUnknown
	KindFelt    = kindFelt
	KindPtr     = kindPtr
)

// Kind returns the cell's kind without the accessed mark.
func (v *Value) Kind() uint8 { return v.kind & kindMask }

// MarkAccessed sets the cell's accessed mark in place.
func (v *Value) MarkAccessed() { v.kind |= accessedBit }

// Segment returns a pointer's segment, Offset its offset (for IsPtr values).
func (v *Value) Segment() int { return int(v.seg) }

// Offset returns a pointer's offset.
func (v *Value) Offset() int { return int(v.limbs()[0]) }

// HasRelocationRules reports whether a temporary segment has a relocation
// rule, in which case reads relocate pointers into it (see Get).
func (m *Memory) HasRelocationRules() bool { return len(m.rules) > 0 }

// feltDeducer is a Deducer whose outputs are felts and that can write one
// in place: deduceFelt sets *out only when it returns true.
type feltDeducer interface {
	deduceFelt(m *Memory, addr Relocatable, out *asm.Felt) (bool, error)
}

// DeduceInto runs the builtin deduction rule for the unknown cell c =
// CellPtr(addr) and stores its result there: Deduce without looking the
// cell up again. ok is false when the rule has nothing to say.
func (m *Memory) DeduceInto(addr Relocatable, c *Value) (ok bool, err error) {
	s := m.seg(addr.Segment)
	if s == nil || s.deducer == nil {
		return false, nil
	}
	if fd, isFelt := s.deducer.(feltDeducer); isFelt && s.validator == nil {
		// Straight into the cell: no 40-byte value passed back up.
		ok, err := fd.deduceFelt(m, addr, &c.f)
		if ok {
			c.seg = 0
			c.kind = kindFelt | c.kind&accessedBit
			if addr.Offset >= *s.size {
				*s.size = addr.Offset + 1
			}
		}
		return ok, err
	}
	v, ok, err := s.deducer.Deduce(m, addr)
	if err != nil || !ok {
		return false, err
	}
	if s.validator != nil {
		if err := s.validator.Validate(m, addr, v); err != nil {
			return false, err
		}
	}
	s.store(addr.Offset, c, &v)
	return true, nil
}

// adoptPage makes cells the first page of the fresh real segment seg,
// whose first n cells are known; the page is the segment's from then on.
func (m *Memory) adoptPage(seg int, cells []Value, n int) {
	s := m.segs[seg]
	s.setFirstPage(cells)
	*s.size = n
	m.placed(s)
}

// loadSlack is the room LoadCells leaves after what it loads into a fresh
// segment.
const loadSlack = 16

// LoadCells writes vals into the unwritten cells from base on of a real
// segment without validation (a program image into its fresh segment), in
// one copy per page; accessed marks them as accessed. A cell already
// written is an error.
func (m *Memory) LoadCells(base Relocatable, vals []Value, accessed bool) error {
	s := m.seg(base.Segment)
	if s == nil || base.Segment < 0 {
		return fmt.Errorf("%w: %s", ErrNoSegment, base)
	}
	if len(vals) == 0 {
		return nil
	}
	end := base.Offset + len(vals)
	if len(s.pages) == 0 && end+loadSlack <= pageCells && (m.MaxCells <= 0 || end <= m.MaxCells) {
		// A fresh segment gets what it holds and a little room (a program
		// image plus the words a runner appends), not the next power of two.
		s.setFirstPage(m.cellsFor(s, 0, end+loadSlack))
		m.placed(s)
	}
	if s.cell(end-1) == nil {
		if err := m.grow(s, end-1); err != nil {
			return err
		}
	}
	for off := base.Offset; off < end; {
		pg := s.pages[off>>pageBits]
		i0 := off & pageMask
		n := min(len(pg)-i0, end-off)
		dst := pg[i0 : i0+n]
		for i := range dst {
			if dst[i].kind&kindMask != kindUnknown {
				return fmt.Errorf("%w at address %s: the cell is already written", ErrWriteOnce, Relocatable{base.Segment, off + i})
			}
		}
		copy(dst, vals[off-base.Offset:off-base.Offset+n])
		if accessed {
			for i := range dst {
				dst[i].kind |= accessedBit
			}
		}
		off += n
	}
	if end > *s.size {
		*s.size = end
	}
	return nil
}
