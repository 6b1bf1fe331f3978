package vm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/cairn-vm/cairn/asm"
)

func TestWriteOnce(t *testing.T) {
	m := NewMemory()
	s := m.AddSegment()
	if err := m.Write(s.Add(3), IntValue(7)); err != nil {
		t.Fatal(err)
	}
	if err := m.Write(s.Add(3), IntValue(7)); err != nil {
		t.Fatalf("rewriting the same value: %v", err)
	}
	if err := m.Write(s.Add(3), IntValue(8)); !errors.Is(err, ErrWriteOnce) {
		t.Fatalf("got %v, want ErrWriteOnce", err)
	}
	if err := m.Write(s.Add(3), PtrValue(s)); !errors.Is(err, ErrWriteOnce) {
		t.Fatalf("felt then pointer: got %v, want ErrWriteOnce", err)
	}
	if _, err := m.Read(s.Add(2)); !errors.Is(err, ErrUnknownCell) {
		t.Fatalf("unknown cell: got %v", err)
	}
	if err := m.Write(Relocatable{Segment: 9}, IntValue(1)); !errors.Is(err, ErrNoSegment) {
		t.Fatalf("missing segment: got %v", err)
	}
	if got := m.UsedSize(s.Segment); got != 4 {
		t.Fatalf("used size %d, want 4", got)
	}
}

func TestMemoryLimit(t *testing.T) {
	m := NewMemory()
	m.MaxCells = 100
	s := m.AddSegment()
	if err := m.Write(s.Add(99), IntValue(1)); err != nil {
		t.Fatal(err)
	}
	if err := m.Write(s.Add(100), IntValue(1)); !errors.Is(err, ErrMemoryLimit) {
		t.Fatalf("got %v, want ErrMemoryLimit", err)
	}
}

func TestRelocatableArithmetic(t *testing.T) {
	p := PtrValue(Relocatable{Segment: 2, Offset: 10})
	v, err := Add(p, IntValue(5))
	if err != nil || v.Ptr() != (Relocatable{2, 15}) {
		t.Fatalf("ptr + 5 = %v, %v", v, err)
	}
	v, err = Add(p, FeltValue(asm.FeltFromInt64(-3)))
	if err != nil || v.Ptr() != (Relocatable{2, 7}) {
		t.Fatalf("ptr - 3 = %v, %v", v, err)
	}
	if _, err = Add(p, FeltValue(asm.FeltFromInt64(-11))); !errors.Is(err, ErrOffsetRange) {
		t.Fatalf("offset below zero: %v", err)
	}
	if _, err = Add(p, p); !errors.Is(err, ErrAddPointers) {
		t.Fatalf("ptr + ptr: %v", err)
	}
	d, err := Sub(p, PtrValue(Relocatable{Segment: 2, Offset: 4}))
	if err != nil || d.Felt() != asm.FeltFromUint64(6) {
		t.Fatalf("ptr - ptr = %v, %v", d, err)
	}
	d, err = Sub(PtrValue(Relocatable{Segment: 2, Offset: 4}), p)
	if err != nil || d.Felt() != asm.FeltFromInt64(-6) {
		t.Fatalf("ptr - ptr negative = %v, %v", d, err)
	}
	if _, err = Sub(p, PtrValue(Relocatable{Segment: 3})); !errors.Is(err, ErrSubPointers) {
		t.Fatalf("cross-segment: %v", err)
	}
	if _, err = Sub(IntValue(1), p); !errors.Is(err, ErrSubFromFelt) {
		t.Fatalf("felt - ptr: %v", err)
	}
	if _, err = Mul(p, IntValue(2)); !errors.Is(err, ErrMulPointer) {
		t.Fatalf("ptr * 2: %v", err)
	}
}

func TestRelocateTemporaryAndMemoryFile(t *testing.T) {
	m := NewMemory()
	prog := m.AddSegment() // 0
	data := m.AddSegment() // 1
	tmp := m.AddTempSegment()
	if tmp.Segment != -1 {
		t.Fatalf("temp segment index %d", tmp.Segment)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(m.Write(prog, IntValue(11)))
	must(m.Write(prog.Add(1), PtrValue(tmp.Add(1)))) // points into the temp segment
	must(m.Write(data, IntValue(1)))
	must(m.Write(data.Add(1), IntValue(2)))
	must(m.Write(tmp, IntValue(3)))
	must(m.Write(tmp.Add(1), IntValue(4)))
	must(m.AddRelocationRule(tmp, data.Add(2)))
	if err := m.AddRelocationRule(data, prog); !errors.Is(err, ErrRelocationRule) {
		t.Fatalf("rule from a real segment: %v", err)
	}
	must(m.RelocateTemporary())
	if got := m.Get(prog.Add(1)); got.Ptr() != data.Add(3) {
		t.Fatalf("pointer relocated to %v, want 1:3", got)
	}
	if got := m.Get(data.Add(2)); got.Felt() != asm.FeltFromUint64(3) {
		t.Fatalf("moved cell = %v", got)
	}
	bases := m.SegmentBases()
	if bases[0] != 1 || bases[1] != 3 {
		t.Fatalf("bases %v, want [1 3]", bases)
	}
	var buf bytes.Buffer
	must(m.WriteMemoryFile(&buf, bases))
	b := buf.Bytes()
	if len(b) != 6*40 {
		t.Fatalf("memory file has %d bytes, want 240", len(b))
	}
	// Second record: address 2 holds the pointer 1:3, relocated to 3+3 = 6.
	if a, v := binary.LittleEndian.Uint64(b[40:]), binary.LittleEndian.Uint64(b[48:]); a != 2 || v != 6 {
		t.Fatalf("record 2 = (%d, %d), want (2, 6)", a, v)
	}
	// Last record: address 3+3 = 6 holds 4.
	if a, v := binary.LittleEndian.Uint64(b[200:]), binary.LittleEndian.Uint64(b[208:]); a != 6 || v != 4 {
		t.Fatalf("last record = (%d, %d), want (6, 4)", a, v)
	}
}

func TestTraceFileLayout(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTraceFile(&buf, []TraceEntry{{PC: 0, AP: 2, FP: 2}, {PC: 2, AP: 3, FP: 2}}, 1, 10); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	want := []uint64{12, 12, 1, 13, 12, 3} // ap, fp, pc per step
	for i, w := range want {
		if got := binary.LittleEndian.Uint64(b[8*i:]); got != w {
			t.Fatalf("word %d = %d, want %d", i, got, w)
		}
	}
}
