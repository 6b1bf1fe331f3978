package vm

import (
	"errors"
	"fmt"
)

// Memory errors; wrapped with the address (and by the engine with the pc).
var (
	ErrWriteOnce      = errors.New("inconsistent memory assignment")
	ErrUnknownCell    = errors.New("unknown memory cell")
	ErrNoSegment      = errors.New("address in a segment that does not exist")
	ErrMemoryLimit    = errors.New("memory limit exceeded")
	ErrNegativeOffset = errors.New("negative memory offset")
)

// Deducer computes the value of a cell of a builtin segment from the cells
// around it (a hash output from its inputs). It returns ok=false when the cell
// is not an output cell or its inputs are not all known.
type Deducer interface {
	Deduce(m *Memory, addr Relocatable) (v Value, ok bool, err error)
}

// Validator checks a value written into a builtin segment (range_check's
// bound, for instance).
type Validator interface {
	Validate(m *Memory, addr Relocatable, v Value) error
}

// Segments store cells in pages of pageCells. The first page grows by
// doubling (most segments are small); later pages are allocated whole and
// never move, so a long run never copies its execution segment.
const (
	pageBits  = 20
	pageCells = 1 << pageBits
	pageMask  = pageCells - 1
)

// segment is a growable run of cells. size is one past the highest written
// offset, which is what relocation uses unless a builtin finalises it.
type segment struct {
	pages [][]Value
	// first backs pages while the segment has one page (nearly every
	// segment), which saves allocating the page list.
	first [1][]Value
	// size points at ownSize, or at the word a CellSpace keeps it in (so
	// that code running in the space updates it where Go reads it).
	size      *int
	ownSize   int
	index     int // the segment's index: negative for a temporary one
	finalSize int // -1 until finalised
	deducer   Deducer
	validator Validator
}

// setFirstPage makes cells the segment's only page.
func (s *segment) setFirstPage(cells []Value) {
	s.first[0] = cells
	s.pages = s.first[:1:1]
}

// dropPages forgets the segment's pages.
func (s *segment) dropPages() {
	s.pages = nil
	s.first[0] = nil
}

// cell returns the cell at off, or nil when it is not allocated.
func (s *segment) cell(off int) *Value {
	p := uint(off) >> pageBits
	if p >= uint(len(s.pages)) {
		return nil
	}
	pg := s.pages[p]
	i := off & pageMask
	if i >= len(pg) {
		return nil
	}
	return &pg[i]
}

// capacity is the number of allocated cells.
func (s *segment) capacity() int {
	if len(s.pages) == 0 {
		return 0
	}
	return (len(s.pages)-1)*pageCells + len(s.pages[len(s.pages)-1])
}

// Memory is Cairo's segmented, write-once memory.
type Memory struct {
	segs  []*segment
	temps []*segment // temporary segment -1-i is temps[i]
	rules map[int]Relocatable
	// MaxCells bounds the cells any one segment may grow to; 0 means the
	// default (2^31), which keeps offsets far from overflow.
	MaxCells int

	arena *cellArena // large cell arrays outside the Go heap (cells_linux.go)
	space CellSpace  // where new cell arrays come from, when one is attached
	sizes *SizeHints // first-page sizes to start real segments at
	// slab is where new segment structs come from, a few at a time (a
	// contract call makes a dozen segments).
	slab []segment
	// firstSlab is the slab reserve made, which a FunctionRunner's
	// Release keeps for the next call.
	firstSlab []segment
}

// segmentSlab is how many segment structs a Memory allocates at once.
const segmentSlab = 16

const defaultMaxCells = 1 << 31

// bigFirstPage is the first-page size (in cells) from which a segment's
// first page is allocated whole.
const bigFirstPage = 1 << 16

// NewMemory returns an empty memory.
func NewMemory() *Memory { return &Memory{} }

// AddSegment creates a new real segment and returns its base address.
func (m *Memory) AddSegment() Relocatable {
	m.segs = append(m.segs, m.newSegment(len(m.segs)))
	if m.space != nil {
		m.space.Changed(len(m.segs) - 1)
	}
	return Relocatable{Segment: len(m.segs) - 1}
}

func (m *Memory) newSegment(index int) *segment {
	if len(m.slab) == 0 {
		m.slab = make([]segment, segmentSlab)
	}
	s := &m.slab[0]
	m.slab = m.slab[1:]
	*s = segment{index: index, finalSize: -1}
	s.size = &s.ownSize
	if m.space != nil && index >= 0 {
		if slot := m.space.SizeSlot(index); slot != nil {
			*slot = 0
			s.size = slot
		}
	}
	return s
}

// AddTempSegment creates a temporary segment (negative index) and returns its base.
func (m *Memory) AddTempSegment() Relocatable {
	m.temps = append(m.temps, m.newSegment(-len(m.temps)-1))
	return Relocatable{Segment: -len(m.temps)}
}

// Release gives the memory's large cell arrays back to the system now,
// rather than when the Memory becomes unreachable; afterwards the memory
// is empty (every segment is gone). A long-lived process that runs many
// programs calls it when it is done with a run's memory.
func (m *Memory) Release() {
	m.recyclePages()
	m.segs, m.temps, m.rules = nil, nil, nil
	m.releaseCells()
	if m.space != nil {
		m.space.Release()
		m.space = nil
	}
}

// NumSegments returns the number of real segments.
func (m *Memory) NumSegments() int { return len(m.segs) }

// NumTempSegments returns the number of temporary segments.
func (m *Memory) NumTempSegments() int { return len(m.temps) }

func (m *Memory) seg(i int) *segment {
	if i >= 0 {
		if i < len(m.segs) {
			return m.segs[i]
		}
		return nil
	}
	if j := -i - 1; j < len(m.temps) {
		return m.temps[j]
	}
	return nil
}

// SetDeducer installs the builtin deduction rule of a segment.
func (m *Memory) SetDeducer(segment int, d Deducer) {
	m.seg(segment).deducer = d
	if m.space != nil {
		m.space.Changed(segment)
	}
}

// SetValidator installs the builtin validation rule of a segment.
func (m *Memory) SetValidator(segment int, v Validator) {
	m.seg(segment).validator = v
	if m.space != nil {
		m.space.Changed(segment)
	}
}

// Get returns the value at addr, or an unknown Value.
func (m *Memory) Get(addr Relocatable) Value {
	var v Value
	m.GetInto(addr, &v)
	return v
}

// GetInto is Get writing into *out, for callers that read many values on a
// hot path (a Value is 40 bytes); it reports whether the cell is known and
// leaves *out untouched when it is not.
func (m *Memory) GetInto(addr Relocatable, out *Value) bool {
	s := m.seg(addr.Segment)
	if s == nil || addr.Offset < 0 {
		return false
	}
	c := s.cell(addr.Offset)
	if c == nil || c.kind&kindMask == kindUnknown {
		return false
	}
	*out = *c
	out.kind &= kindMask
	if out.seg < 0 && len(m.rules) > 0 && out.IsPtr() {
		*out = m.relocateValue(*out)
	}
	return true
}

// Read returns the value at addr, deducing it through the segment's builtin
// when unknown; ErrUnknownCell when it cannot.
func (m *Memory) Read(addr Relocatable) (Value, error) {
	v := m.Get(addr)
	if v.Known() {
		return v, nil
	}
	v, ok, err := m.Deduce(addr)
	if err != nil {
		return Value{}, err
	}
	if !ok {
		return Value{}, fmt.Errorf("%w at %s", ErrUnknownCell, addr)
	}
	return v, nil
}

// Deduce runs the builtin deduction rule for addr and writes its result.
func (m *Memory) Deduce(addr Relocatable) (Value, bool, error) {
	s := m.seg(addr.Segment)
	if s == nil || s.deducer == nil {
		return Value{}, false, nil
	}
	v, ok, err := s.deducer.Deduce(m, addr)
	if err != nil || !ok {
		return Value{}, false, err
	}
	if err := m.Write(addr, v); err != nil {
		return Value{}, false, err
	}
	return v, true, nil
}

func (m *Memory) grow(s *segment, off int) error {
	limit := m.MaxCells
	if limit <= 0 {
		limit = defaultMaxCells
	}
	if off >= limit {
		return fmt.Errorf("%w: offset %d, limit %d cells per segment", ErrMemoryLimit, off, limit)
	}
	if len(s.pages) == 0 {
		s.setFirstPage(nil)
	}
	if off < pageCells {
		first := s.pages[0]
		n := max(64, 2*len(first))
		if first == nil && m.sizes != nil {
			// Straight to the size this segment reached last time, instead
			// of doubling up to it through arrays thrown away.
			n = max(n, m.sizes.get(s.index))
		}
		for n <= off {
			n *= 2
		}
		if n >= bigFirstPage {
			// A segment this large is likely to fill its first page: take
			// it whole now (a mapping costs address space, not memory,
			// until touched) instead of copying at every doubling.
			n = pageCells
		}
		n = min(n, pageCells)
		cells := m.cellsFor(s, 0, n)
		copy(cells, first)
		s.pages[0] = cells
		m.dropCells(first)
		m.placed(s)
		return nil
	}
	if len(s.pages[0]) < pageCells {
		if err := m.grow(s, pageCells-1); err != nil {
			return err
		}
	}
	for p := off >> pageBits; len(s.pages) <= p; {
		pg := m.cellsFor(s, len(s.pages), pageCells)
		s.pages = append(s.pages, pg)
		m.placed(s)
	}
	return nil
}

// Write stores v at addr. Writing a cell twice is allowed only with an equal
// value (memory is write-once).
func (m *Memory) Write(addr Relocatable, v Value) error {
	s := m.seg(addr.Segment)
	if s == nil {
		return fmt.Errorf("%w: %s", ErrNoSegment, addr)
	}
	if addr.Offset < 0 {
		return fmt.Errorf("%w: %s", ErrNegativeOffset, addr)
	}
	if m.MaxCells > 0 && addr.Offset >= m.MaxCells {
		return fmt.Errorf("%w: offset %d, limit %d cells per segment", ErrMemoryLimit, addr.Offset, m.MaxCells)
	}
	c := s.cell(addr.Offset)
	if c == nil {
		if err := m.grow(s, addr.Offset); err != nil {
			return err
		}
		c = s.cell(addr.Offset)
	}
	if c.kind&kindMask != kindUnknown {
		old := *c
		old.kind &= kindMask
		if !old.Equal(v) {
			return fmt.Errorf("%w at address %s: %s != %s", ErrWriteOnce, addr, old, v)
		}
		return nil
	}
	if s.validator != nil {
		if err := s.validator.Validate(m, addr, v); err != nil {
			return err
		}
	}
	s.store(addr.Offset, c, &v)
	return nil
}

// store puts v into the unknown cell c at offset off, keeping the cell's
// accessed mark, and extends the segment's size past it.
func (s *segment) store(off int, c *Value, v *Value) {
	acc := c.kind & accessedBit
	*c = *v
	c.kind = v.kind&kindMask | acc
	if off >= *s.size {
		*s.size = off + 1
	}
}

// MarkAccessed records that an instruction touched addr (for memory holes).
func (m *Memory) MarkAccessed(addr Relocatable) {
	s := m.seg(addr.Segment)
	if s == nil || addr.Offset < 0 {
		return
	}
	c := s.cell(addr.Offset)
	if c == nil {
		if m.grow(s, addr.Offset) != nil {
			return
		}
		c = s.cell(addr.Offset)
	}
	c.kind |= accessedBit
}

// AccessedCount returns how many cells of a segment instructions touched.
func (m *Memory) AccessedCount(segment int) int { return m.accessedCountFrom(segment, 0) }

// accessedCountFrom is AccessedCount over the offsets from `from` on.
func (m *Memory) accessedCountFrom(segment, from int) int {
	s := m.seg(segment)
	if s == nil {
		return 0
	}
	n := 0
	s.eachCells(max(from, 0), min(s.capacity(), m.SegmentSize(segment)), func(_ int, cells []Value) bool {
		for i := range cells {
			if cells[i].kind&accessedBit != 0 {
				n++
			}
		}
		return true
	})
	return n
}

// eachCells calls f with the allocated cells from offset from up to end
// (at most s.capacity()), a page's run at a time with the offset of its
// first cell, until f returns false.
func (s *segment) eachCells(from, end int, f func(off int, cells []Value) bool) {
	for off := from; off < end; {
		pg := s.pages[off>>pageBits]
		i := off & pageMask
		n := min(len(pg)-i, end-off)
		if !f(off, pg[i:i+n]) {
			return
		}
		off += n
	}
}

// SegmentSize returns the segment's size: its finalised size when a builtin
// set one, otherwise one past the highest written offset.
func (m *Memory) SegmentSize(segment int) int {
	s := m.seg(segment)
	if s == nil {
		return 0
	}
	if s.finalSize >= 0 {
		return s.finalSize
	}
	return *s.size
}

// UsedSize returns one past the highest written offset of a segment.
func (m *Memory) UsedSize(segment int) int {
	s := m.seg(segment)
	if s == nil {
		return 0
	}
	return *s.size
}

// Finalize fixes a segment's size (builtins in proof mode reserve more
// cells than they used).
func (m *Memory) Finalize(segment, size int) { m.seg(segment).finalSize = size }

// Each calls f for every known cell of a segment in ascending order of
// offset, and stops early when f returns false.
func (m *Memory) Each(segment int, f func(off int, v Value) bool) {
	s := m.seg(segment)
	if s == nil {
		return
	}
	for off := range min(*s.size, s.capacity()) {
		v := *s.cell(off)
		if v.kind&kindMask == kindUnknown {
			continue
		}
		v.kind &= kindMask
		if !f(off, v) {
			return
		}
	}
}

// pointerBeyond finds the first cell of a segment, from offset from on,
// that holds a pointer into a segment numbered nseg or above (the
// security check's scan, reading cells in place).
func (m *Memory) pointerBeyond(segment, from, nseg int) (int, Value, bool) {
	s := m.seg(segment)
	if s == nil {
		return 0, Value{}, false
	}
	found, at := false, 0
	var v Value
	s.eachCells(max(from, 0), min(*s.size, s.capacity()), func(off int, cells []Value) bool {
		for i := range cells {
			if c := &cells[i]; c.kind&kindMask == kindPtr && int(c.seg) >= nseg {
				found, at, v = true, off+i, *c
				v.kind &= kindMask
				return false
			}
		}
		return true
	})
	return at, v, found
}

// KnownCells returns how many cells of a segment are known and the highest
// known offset (-1 when none), without copying the cells.
func (m *Memory) KnownCells(segment int) (count, maxOff int) {
	maxOff = -1
	s := m.seg(segment)
	if s == nil {
		return 0, -1
	}
	off := 0
	for _, pg := range s.pages {
		for i := range pg {
			if off+i >= *s.size {
				return count, maxOff
			}
			if pg[i].kind&kindMask != kindUnknown {
				count++
				maxOff = off + i
			}
		}
		off += len(pg)
	}
	return count, maxOff
}

// ErrExitMainScope is returned by vm_exit_scope in the main scope.
var ErrExitMainScope = errors.New("cannot exit the main scope")

func (m *Memory) accessed(seg, off int) bool {
	s := m.seg(seg)
	if s == nil {
		return false
	}
	c := s.cell(off)
	return c != nil && c.kind&accessedBit != 0
}
