package hints

import (
	"testing"

	"github.com/cairn-vm/cairn/vm"
)

// setArgs binds set_add's arguments: set_end_ptr, set_ptr, elm_size and
// elm_ptr at fp - 6 .. fp - 3, and its locals.
func setArgs(t *testing.T) *fixture {
	return newFixture(t, codeSetAdd, 0,
		tref{name: "set_end_ptr", value: "[cast(fp + (-6), felt**)]"}, tref{name: "set_ptr", value: "[cast(fp + (-5), felt**)]"},
		tref{name: "elm_size", value: fpArg(4)}, tref{name: "elm_ptr", value: "[cast(fp + (-3), felt**)]"},
		tref{name: "is_elm_in_set", value: local(0)}, tref{name: "index", value: local(1)})
}

// setFixture lays out set (its cells), an element, and set_add's arguments;
// the set ends after setLen cells.
func setFixture(t *testing.T, set []vm.Value, setLen int, elm []vm.Value, elmSize vm.Value) *fixture {
	f := setArgs(t)
	s := f.st.Mem.AddSegment()
	e := f.st.Mem.AddSegment()
	for i, v := range set {
		f.put(s.Add(i), v)
	}
	for i, v := range elm {
		f.put(e.Add(i), v)
	}
	f.put(f.fp(-6), vm.PtrValue(s.Add(setLen)))
	f.put(f.fp(-5), vm.PtrValue(s))
	f.put(f.fp(-4), elmSize)
	f.put(f.fp(-3), vm.PtrValue(e))
	return f
}

func TestSetAdd(t *testing.T) {
	set := []vm.Value{
		vm.IntValue(1), vm.IntValue(2),
		vm.IntValue(3), vm.IntValue(4),
		vm.IntValue(1), vm.IntValue(2),
		bigValue(pMinus1), ptrv(1, 0),
	}
	elms := [][]vm.Value{
		{vm.IntValue(1), vm.IntValue(2)},
		{vm.IntValue(3), vm.IntValue(4)},
		{bigValue(pMinus1), ptrv(1, 0)},
		{vm.IntValue(2), vm.IntValue(3)}, // straddles two elements: not in the set
		{vm.IntValue(4), vm.IntValue(3)},
		{bigValue(pMinus1), vm.IntValue(0)}, // 1:0 is not the integer 0
	}
	for _, elm := range elms {
		for _, n := range []int{0, 2, 4, 8} { // the set's first n/2 elements
			want := -1
			for i := 0; 2*i < n; i++ {
				if set[2*i].Equal(elm[0]) && set[2*i+1].Equal(elm[1]) {
					want = i
					break
				}
			}
			f := setFixture(t, set, n, elm, vm.IntValue(2))
			f.mustRun()
			found := f.getBig(f.fp(0)).Int64()
			if (found == 1) != (want >= 0) {
				t.Fatalf("set_add(%v) over %d cells: is_elm_in_set = %d, want index %d", elm, n, found, want)
			}
			if want >= 0 {
				if got := f.getBig(f.fp(1)).Int64(); got != int64(want) {
					t.Errorf("set_add(%v) over %d cells: index %d, want %d", elm, n, got, want)
				}
			} else if f.st.Mem.Get(f.fp(1)).Known() {
				t.Errorf("set_add(%v) wrote an index for a missing element", elm)
			}
		}
	}
	// elm_size 1: index is the cell index.
	f := setFixture(t, set, 8, []vm.Value{vm.IntValue(4)}, vm.IntValue(1))
	f.mustRun()
	if got := f.getBig(f.fp(1)).Int64(); got != 3 {
		t.Errorf("set_add with elm_size 1: index %d, want 3", got)
	}
}

func TestSetAddErrors(t *testing.T) {
	set := []vm.Value{vm.IntValue(1), vm.IntValue(2), vm.IntValue(3)}
	elm := []vm.Value{vm.IntValue(3), vm.IntValue(9)}
	wantErr(t, setFixture(t, set, 2, elm, vm.IntValue(0)).run(), "ids.elm_size > 0")
	// The last step of range() reads a whole element, past the set's cells.
	wantErr(t, setFixture(t, set, 3, elm, vm.IntValue(2)).run(), "Unknown value for memory cell at address 2:3.")
	// The element itself is read whole first.
	wantErr(t, setFixture(t, set, 2, elm, vm.IntValue(3)).run(), "Unknown value for memory cell at address 3:2.")
	// set_end_ptr before set_ptr.
	g := setArgs(t)
	g.put(g.fp(-6), ptrv(1, 3))
	g.put(g.fp(-5), ptrv(1, 4))
	g.put(g.fp(-4), vm.IntValue(1))
	g.put(g.fp(-3), ptrv(1, 0))
	wantErr(t, g.run(), "ids.set_ptr <= ids.set_end_ptr")
	// Pointers into different segments compare but cannot be subtracted.
	g = setArgs(t)
	g.put(g.fp(-6), ptrv(1, 0))
	g.put(g.fp(-5), ptrv(0, 4))
	g.put(g.fp(-4), vm.IntValue(1))
	g.put(g.fp(-3), vm.PtrValue(g.fp(-4)))
	wantErr(t, g.run(), "Can only subtract two relocatable values of the same segment (1 != 0).")
}
