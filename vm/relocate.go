package vm

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/cairn-vm/cairn/asm"
)

// ErrRelocationRule is wrapped by invalid temporary-segment relocation rules.
var ErrRelocationRule = errors.New("invalid relocation rule")

// AddRelocationRule says that temporary segment src (given by its base) will
// live at dst once the run ends.
func (m *Memory) AddRelocationRule(src, dst Relocatable) error {
	if src.Segment >= 0 || src.Offset != 0 {
		return fmt.Errorf("%w: source %s must be the base of a temporary segment", ErrRelocationRule, src)
	}
	if m.seg(src.Segment) == nil {
		return fmt.Errorf("%w: no temporary segment %d", ErrRelocationRule, src.Segment)
	}
	if m.rules == nil {
		m.rules = map[int]Relocatable{}
	}
	if _, dup := m.rules[src.Segment]; dup {
		return fmt.Errorf("%w: segment %d already has a rule", ErrRelocationRule, src.Segment)
	}
	m.rules[src.Segment] = dst
	return nil
}

// relocateValue applies the rules to a pointer into a temporary segment,
// following chains (a rule may target another temporary segment).
func (m *Memory) relocateValue(v Value) Value {
	for v.IsPtr() && v.seg < 0 {
		dst, ok := m.rules[int(v.seg)]
		if !ok {
			return v
		}
		p := v.Ptr()
		v = PtrValue(dst.Add(p.Offset))
	}
	return v
}

// RelocateTemporary moves every temporary segment that has a rule into its
// destination and rewrites the pointers to it, as cairo-lang's
// relocate_memory does at the end of a run.
func (m *Memory) RelocateTemporary() error {
	if len(m.rules) == 0 {
		return nil
	}
	for _, s := range m.segs {
		for i := range min(*s.size, s.capacity()) {
			c := s.cell(i)
			if c.kind&kindMask == kindPtr && c.seg < 0 {
				acc := c.kind & accessedBit
				*c = m.relocateValue(*c)
				c.kind |= acc
			}
		}
	}
	for j, s := range m.temps {
		idx := -j - 1
		if _, ok := m.rules[idx]; !ok {
			continue
		}
		base := m.relocateValue(PtrValue(Relocatable{Segment: idx})).Ptr()
		for off := range min(*s.size, s.capacity()) {
			v := *s.cell(off)
			if v.kind&kindMask == kindUnknown {
				continue
			}
			acc := v.kind & accessedBit
			v.kind &= kindMask
			dst := base.Add(off)
			if err := m.Write(dst, m.relocateValue(v)); err != nil {
				return err
			}
			if acc != 0 {
				m.MarkAccessed(dst)
			}
		}
		s.pages, *s.size = nil, 0
	}
	m.rules = nil
	return nil
}

// SegmentBases computes the relocated address of every segment:
// base[0] = 1, base[i+1] = base[i] + size[i].
func (m *Memory) SegmentBases() []int {
	bases := make([]int, len(m.segs)+1)
	bases[0] = 1
	for i := range m.segs {
		bases[i+1] = bases[i] + m.SegmentSize(i)
	}
	return bases[:len(m.segs)]
}

// RelocateValue returns the integer a memory word relocates to, given the
// segment bases.
func RelocateValue(v Value, bases []int) (asm.Felt, error) {
	if v.IsFelt() {
		return v.f, nil
	}
	p := v.Ptr()
	if p.Segment < 0 || p.Segment >= len(bases) {
		return asm.Felt{}, fmt.Errorf("cannot relocate %s: no such segment (a temporary segment without a relocation rule?)", p)
	}
	return asm.FeltFromUint64(uint64(bases[p.Segment] + p.Offset)), nil
}

// WriteMemoryFile writes the relocated memory in cairo-lang's binary format:
// for every known cell, ascending by address, the address as a u64 and the
// value as 32 bytes, both little-endian.
func (m *Memory) WriteMemoryFile(w io.Writer, bases []int) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var rec [40]byte
	for i, s := range m.segs {
		for off := range min(*s.size, s.capacity()) {
			v := *s.cell(off)
			if v.kind&kindMask == kindUnknown {
				continue
			}
			v.kind &= kindMask
			f, err := RelocateValue(v, bases)
			if err != nil {
				return err
			}
			binary.LittleEndian.PutUint64(rec[:8], uint64(bases[i]+off))
			limbs := f.Regular()
			for k := range 4 {
				binary.LittleEndian.PutUint64(rec[8+8*k:], limbs[k])
			}
			if _, err := bw.Write(rec[:]); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

// WriteTraceFile writes the relocated trace: per step ap, fp, pc as
// little-endian u64.
func WriteTraceFile(w io.Writer, trace []TraceEntry, programBase, execBase int) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var rec [24]byte
	for _, t := range trace {
		binary.LittleEndian.PutUint64(rec[0:], uint64(execBase+t.AP))
		binary.LittleEndian.PutUint64(rec[8:], uint64(execBase+t.FP))
		binary.LittleEndian.PutUint64(rec[16:], uint64(programBase+t.PC))
		if _, err := bw.Write(rec[:]); err != nil {
			return err
		}
	}
	return bw.Flush()
}
