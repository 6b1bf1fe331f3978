package hints

import (
	"testing"

	"github.com/cairn-vm/cairn/vm"
)

func TestTemporaryArray(t *testing.T) {
	f := newFixture(t, codeTemporaryArray, 0, tref{name: "temporary_array", value: local(0)})
	f.mustRun()
	if got := f.get(f.fp(0)); !got.Equal(ptrv(-1, 0)) {
		t.Errorf("first temporary segment %s, want -1:0", got)
	}
	f.frame(1)
	f.mustRun()
	if got := f.get(f.fp(0)); !got.Equal(ptrv(-2, 0)) {
		t.Errorf("second temporary segment %s, want -2:0", got)
	}
	if n := f.st.Mem.NumSegments(); n != 2 {
		t.Errorf("add_temp_segment added real segments: %d", n)
	}
}

func relocFixture(t *testing.T, src, dst vm.Value) *fixture {
	f := newFixture(t, codeRelocateSegment, 0,
		tref{name: "src_ptr", value: "[cast(fp + (-4), felt**)]"}, tref{name: "dest_ptr", value: "[cast(fp + (-3), felt**)]"})
	f.put(f.fp(-4), src)
	f.put(f.fp(-3), dst)
	return f
}

func TestRelocateSegment(t *testing.T) {
	f := relocFixture(t, ptrv(-1, 0), ptrv(1, 5))
	tmp := f.st.Mem.AddTempSegment()
	f.put(tmp.Add(1), vm.IntValue(42))
	// A pointer into the temporary segment, stored in a real one.
	f.put(f.exec.Add(0), vm.PtrValue(tmp.Add(1)))
	f.mustRun()
	if err := f.st.Mem.RelocateTemporary(); err != nil {
		t.Fatal(err)
	}
	if got := f.get(f.exec.Add(0)); !got.Equal(ptrv(1, 6)) {
		t.Errorf("pointer after relocation %s, want 1:6", got)
	}
	if got := f.get(f.exec.Add(6)); !got.Equal(vm.IntValue(42)) {
		t.Errorf("relocated cell 1:6 = %s, want 42", got)
	}

	f = relocFixture(t, ptrv(1, 0), ptrv(1, 5))
	wantErr(t, f.run(), "src_ptr.segment_index must be < 0, src_ptr=1:0.")
	f = relocFixture(t, ptrv(-1, 2), ptrv(1, 5))
	f.st.Mem.AddTempSegment()
	wantErr(t, f.run(), "src_ptr.offset must be 0, src_ptr=-1:2.")
	f = relocFixture(t, ptrv(-1, 0), ptrv(1, 5))
	f.st.Mem.AddTempSegment()
	f.mustRun()
	// Once the rule exists, memory reads relocate ids.src_ptr (as
	// cairo-lang's MemoryDict does), so a second run sees 1:5.
	wantErr(t, f.run(), "src_ptr.segment_index must be < 0, src_ptr=1:5.")
	f = relocFixture(t, vm.IntValue(3), ptrv(1, 5))
	wantErr(t, f.run(), "'int' object has no attribute 'segment_index'")
}
