package vm

import (
	"errors"
	"runtime"
	"testing"
	"time"
)

// Large segments are mapped outside the Go heap; their mappings must be
// released once the Memory is unreachable, and the cells must read back.
func TestLargeSegmentsReleased(t *testing.T) {
	before := MappedBytes()
	for i := range 8 {
		m := NewMemory()
		s := m.AddSegment()
		off := 3*pageCells + 7
		if err := m.Write(s.Add(off), IntValue(uint64(i))); err != nil {
			t.Fatal(err)
		}
		if err := m.Write(s.Add(1), IntValue(uint64(i+1))); err != nil {
			t.Fatal(err)
		}
		if v := m.Get(s.Add(off)); !v.Equal(IntValue(uint64(i))) {
			t.Fatalf("read back %v", v)
		}
		if v := m.Get(s.Add(off - 1)); v.Known() {
			t.Fatalf("fresh cell is %v, want unknown", v)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for MappedBytes() > before && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := MappedBytes(); got > before {
		t.Fatalf("%d bytes still mapped after the memories became unreachable (before: %d)", got, before)
	}
}

func TestLoadCells(t *testing.T) {
	m := NewMemory()
	seg := m.AddSegment()
	vals := make([]Value, 5000)
	for i := range vals {
		vals[i] = IntValue(uint64(3*i + 1))
	}
	if err := m.LoadCells(seg, vals, true); err != nil {
		t.Fatal(err)
	}
	for i := range vals {
		if got := m.Get(seg.Add(i)); !got.Equal(vals[i]) {
			t.Fatalf("cell %d = %s, want %s", i, got, vals[i])
		}
		if !m.accessed(seg.Segment, i) {
			t.Fatalf("cell %d not marked accessed", i)
		}
	}
	if n := m.SegmentSize(seg.Segment); n != len(vals) {
		t.Errorf("segment size %d, want %d", n, len(vals))
	}
	// Appending after the image still works, and loading over written
	// cells is refused.
	if err := m.Write(seg.Add(len(vals)), IntValue(7)); err != nil {
		t.Fatal(err)
	}
	if err := m.LoadCells(seg.Add(10), vals[:2], false); !errors.Is(err, ErrWriteOnce) {
		t.Errorf("loading over written cells: %v, want ErrWriteOnce", err)
	}
	// The memory limit holds.
	m2 := NewMemory()
	m2.MaxCells = 100
	if err := m2.LoadCells(m2.AddSegment(), vals[:200], false); !errors.Is(err, ErrMemoryLimit) {
		t.Errorf("loading past MaxCells: %v, want ErrMemoryLimit", err)
	}
}

// Release unmaps a memory's arrays at once and leaves it empty.
func TestMemoryRelease(t *testing.T) {
	before := MappedBytes()
	m := NewMemory()
	s := m.AddSegment()
	if err := m.Write(s.Add(2*pageCells), IntValue(5)); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS == "linux" && MappedBytes() <= before {
		t.Fatalf("no mapping made for a large segment")
	}
	m.Release()
	if got := MappedBytes(); got != before {
		t.Errorf("mapped bytes %d after Release, want %d", got, before)
	}
	if v := m.Get(s.Add(2 * pageCells)); v.Known() {
		t.Errorf("released memory still reads %s", v)
	}
}
