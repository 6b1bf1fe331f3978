package vm

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
func (m *Memory) Fill(seg, off int, c *Value, v *Value) {
	s := m.segs[seg]
	acc := c.kind & accessedBit
	*c = *v
	c.kind = v.kind&kindMask | acc
	if off >= s.size {
		s.size = off + 1
	}
}

// FillFelt marks the unknown cell c = CellPtr(seg, off) of a Plain segment
// as holding the felt its engine has just computed in place into
// c.FeltRef(), sparing a copy of the value.
func (m *Memory) FillFelt(seg, off int, c *Value) {
	s := m.segs[seg]
	c.seg = 0
	c.kind = kindFelt | c.kind&accessedBit
	if off >= s.size {
		s.size = off + 1
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

// DeduceInto runs the builtin deduction rule for the unknown cell c =
// CellPtr(addr) and stores its result there: Deduce without looking the
// cell up again. ok is false when the rule has nothing to say.
func (m *Memory) DeduceInto(addr Relocatable, c *Value) (ok bool, err error) {
	s := m.seg(addr.Segment)
	if s == nil || s.deducer == nil {
		return false, nil
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
	acc := c.kind & accessedBit
	*c = v
	c.kind = v.kind&kindMask | acc
	if addr.Offset >= s.size {
		s.size = addr.Offset + 1
	}
	return true, nil
}
