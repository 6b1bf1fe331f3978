package vm

import "testing"

// TestSegmentScans checks AccessedCount and the security scan's
// pointerBeyond, which walk a segment page by page, against reading each
// cell on its own, on a segment that spans two pages.
func TestSegmentScans(t *testing.T) {
	m := NewMemory()
	seg := m.AddSegment().Segment
	other := m.AddSegment()
	n := pageCells + 100
	for off := 0; off < n; off += 7 {
		if err := m.Write(Relocatable{seg, off}, IntValue(uint64(off))); err != nil {
			t.Fatal(err)
		}
		if off%3 == 0 {
			m.MarkAccessed(Relocatable{seg, off})
		}
	}
	late := pageCells + 50 // a pointer past the first page
	if err := m.Write(Relocatable{seg, late}, PtrValue(other)); err != nil {
		t.Fatal(err)
	}
	for _, from := range []int{0, 5, pageCells - 1, pageCells, pageCells + 60} {
		want := 0
		for off := from; off < m.SegmentSize(seg); off++ {
			if m.accessed(seg, off) {
				want++
			}
		}
		if got := m.accessedCountFrom(seg, from); got != want {
			t.Errorf("accessed cells from %d: %d, want %d", from, got, want)
		}
		off, v, ok := m.pointerBeyond(seg, from, other.Segment)
		wantOK := from <= late
		if ok != wantOK || ok && (off != late || !v.Equal(PtrValue(other))) {
			t.Errorf("pointer from %d: %d %v %v, want %d %v", from, off, v, ok, late, wantOK)
		}
	}
	if got := m.AccessedCount(seg); got != m.accessedCountFrom(seg, 0) || got == 0 {
		t.Errorf("AccessedCount %d", got)
	}
}
