package vm

import "testing"

// TestReleasedPagesComeBackClean fills and marks segments of one memory,
// releases it, and checks that a later memory that gets the same arrays
// sees only unknown, unaccessed cells.
func TestReleasedPagesComeBackClean(t *testing.T) {
	reused := false
	for round := range 20 {
		m := NewMemory()
		for s := range 3 {
			base := m.AddSegment()
			for i := range 100 + 37*s {
				if err := m.Write(base.Add(i), IntValue(uint64(round*1000+i+1))); err != nil {
					t.Fatal(err)
				}
				m.MarkAccessed(base.Add(i))
			}
		}
		first := m.CellPtr(0, 0)
		m.Release()

		m2 := NewMemory()
		base := m2.AddSegment()
		if err := m2.Write(base.Add(99), IntValue(7)); err != nil {
			t.Fatal(err)
		}
		reused = reused || m2.CellPtr(0, 0) == first
		for i := range m2.segs[0].capacity() {
			if i == 99 {
				continue
			}
			if v := m2.Get(base.Add(i)); v.IsFelt() || v.IsPtr() || m2.accessed(0, i) {
				t.Fatalf("round %d: cell %d of a new memory is %v (accessed %v)", round, i, v, m2.accessed(0, i))
			}
		}
		m2.Release()
	}
	if !reused {
		t.Fatal("no memory reused a released array")
	}
}
