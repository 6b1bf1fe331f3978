package vm

import (
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
