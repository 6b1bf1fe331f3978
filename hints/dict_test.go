package hints

import (
	"fmt"
	"testing"

	"github.com/cairn-vm/cairn/vm"
)

// dictPtrRef is a DictAccess* argument at fp - i, as cairo-compile writes it.
func dictPtrRef(i int) string {
	return fmt.Sprintf("[cast(fp + (-%d), starkware.cairo.common.dict_access.DictAccess**)]", i)
}

// onState makes the fixtures run on the first one's machine.
func onState(fs ...*fixture) {
	for _, f := range fs[1:] {
		f.st = fs[0].st
	}
}

// frame moves fp and ap to fresh cells of the execution segment, so that a
// hint can be given new arguments (memory is write-once).
func (f *fixture) frame(n int) {
	f.st.FP = f.exec.Add(100 + 20*n)
	f.st.AP = f.st.FP.Add(10)
}

// pyModelKey is the model's key for a Python value: its str() with a type
// tag, computed without the implementation's dict.
func pyModelKey(v vm.Value) string {
	if v.IsPtr() {
		return "ptr " + v.Ptr().String()
	}
	return "int " + feltBig(v).String()
}

// dictRig holds the dict hints on one machine.
type dictRig struct {
	t                                        *testing.T
	newDefault, newDict, read, write, update *fixture
	n                                        int
}

func newDictRig(t *testing.T) *dictRig {
	r := &dictRig{t: t}
	r.newDefault = newFixture(t, codeDefaultDictNew, 0, tref{name: "default_value", value: fpArg(3)})
	r.newDict = newFixture(t, codeDictNew, 0)
	r.read = newFixture(t, codeDictRead, 0,
		tref{name: "dict_ptr", value: dictPtrRef(5)}, tref{name: "key", value: fpArg(4)}, tref{name: "value", value: local(0)})
	r.write = newFixture(t, codeDictWrite, 0,
		tref{name: "dict_ptr", value: dictPtrRef(5)}, tref{name: "key", value: fpArg(4)}, tref{name: "new_value", value: fpArg(3)})
	r.update = newFixture(t, codeDictUpdate, 0,
		tref{name: "dict_ptr", value: dictPtrRef(6)}, tref{name: "key", value: fpArg(5)},
		tref{name: "prev_value", value: fpArg(4)}, tref{name: "new_value", value: fpArg(3)})
	onState(r.newDefault, r.newDict, r.read, r.write, r.update)
	return r
}

func (r *dictRig) next(f *fixture) *fixture {
	r.n++
	f.frame(r.n)
	return f
}

// defaultDict runs default_dict_new and returns memory[ap].
func (r *dictRig) defaultDict(def vm.Value) vm.Relocatable {
	r.t.Helper()
	f := r.next(r.newDefault)
	f.put(f.fp(-3), def)
	f.mustRun()
	v := f.get(f.st.AP)
	if !v.IsPtr() {
		r.t.Fatalf("default_dict_new wrote %s", v)
	}
	return v.Ptr()
}

// writeOp runs dict_write and returns the prev_value it wrote at ptr + 1.
func (r *dictRig) writeOp(ptr vm.Relocatable, key, val vm.Value) (vm.Value, error) {
	f := r.next(r.write)
	f.put(f.fp(-5), vm.PtrValue(ptr))
	f.put(f.fp(-4), key)
	f.put(f.fp(-3), val)
	if err := f.run(); err != nil {
		return vm.Value{}, err
	}
	return f.get(ptr.Add(1)), nil
}

// readOp runs dict_read and returns ids.value.
func (r *dictRig) readOp(ptr vm.Relocatable, key vm.Value) (vm.Value, error) {
	f := r.next(r.read)
	f.put(f.fp(-5), vm.PtrValue(ptr))
	f.put(f.fp(-4), key)
	if err := f.run(); err != nil {
		return vm.Value{}, err
	}
	return f.get(f.fp(0)), nil
}

func (r *dictRig) updateOp(ptr vm.Relocatable, key, prev, val vm.Value) error {
	f := r.next(r.update)
	f.put(f.fp(-6), vm.PtrValue(ptr))
	f.put(f.fp(-5), key)
	f.put(f.fp(-4), prev)
	f.put(f.fp(-3), val)
	return f.run()
}

func ptrv(seg, off int) vm.Value { return vm.PtrValue(vm.Relocatable{Segment: seg, Offset: off}) }

func TestDefaultDictReadWrite(t *testing.T) {
	r := newDictRig(t)
	def := bigValue(b(7))
	base := r.defaultDict(def)
	if base.Segment != 2 || base.Offset != 0 {
		t.Fatalf("default_dict_new returned %s, want the new segment 2:0", base)
	}
	if _, ok := r.newDefault.st.Scope()["__dict_manager"].(*DictManager); !ok {
		t.Fatal("default_dict_new left no __dict_manager in the scope")
	}
	// A second dict gets its own segment and the same manager.
	if other := r.defaultDict(vm.IntValue(0)); other.Segment != 3 {
		t.Fatalf("second default_dict_new returned %s, want 3:0", other)
	}
	model := map[string]vm.Value{}
	keys := []vm.Value{vm.IntValue(0), vm.IntValue(5), bigValue(pMinus1), bigValue(two128), ptrv(1, 3)}
	ptr := base
	step := 0
	for round := 0; round < 3; round++ {
		for i, k := range keys {
			want, ok := model[pyModelKey(k)]
			if !ok {
				want = def
			}
			var got vm.Value
			var err error
			if (round+i)%2 == 0 {
				got, err = r.readOp(ptr, k)
				model[pyModelKey(k)] = want
			} else {
				// Values may be relocatable (dicts of pointers).
				nv := bigValue(b(int64(100*round + i)))
				if i == 3 {
					nv = ptrv(4, round)
				}
				got, err = r.writeOp(ptr, k, nv)
				model[pyModelKey(k)] = nv
			}
			if err != nil {
				t.Fatalf("round %d key %s: %v", round, pyStr(k), err)
			}
			if !got.Equal(want) {
				t.Fatalf("round %d key %s: got %s, want %s", round, pyStr(k), got, want)
			}
			ptr = ptr.Add(3)
			step++
		}
	}
	tr := r.read.st.Scope()["__dict_manager"].(*DictManager).Trackers[2]
	if tr.CurrentPtr != base.Add(3*step) {
		t.Errorf("current_ptr %s after %d accesses, want %s", tr.CurrentPtr, step, base.Add(3*step))
	}
	if tr.Data.Len() != len(keys) {
		t.Errorf("dict has %d keys, want %d", tr.Data.Len(), len(keys))
	}
	// The pointer must be the dict's current end.
	_, err := r.readOp(base, vm.IntValue(0))
	wantErr(t, err, fmt.Sprintf("Wrong dict pointer supplied. Got 2:0, expected 2:%d.", 3*step))
	_, err = r.readOp(vm.Relocatable{Segment: 1, Offset: 5}, vm.IntValue(0))
	wantErr(t, err, "Dictionary pointer 1:5 was not created using dict_new().")
}

func TestDictNeedsManager(t *testing.T) {
	r := newDictRig(t)
	_, err := r.readOp(vm.Relocatable{Segment: 1}, vm.IntValue(0))
	wantErr(t, err, "name '__dict_manager' is not defined")
	// dict_new needs initial_dict.
	f := r.next(r.newDict)
	wantErr(t, f.run(), "name 'initial_dict' is not defined")
}

func TestDictNewInitialDict(t *testing.T) {
	r := newDictRig(t)
	init := NewDictData()
	init.Set(vm.IntValue(3), vm.IntValue(30))
	init.Set(bigValue(pMinus1), ptrv(1, 0))
	f := r.next(r.newDict)
	f.st.Scope()["initial_dict"] = init
	f.mustRun()
	base := f.get(f.st.AP).Ptr()
	if base != (vm.Relocatable{Segment: 2}) {
		t.Fatalf("dict_new returned %s", base)
	}
	if _, ok := f.st.Scope()["initial_dict"]; ok {
		t.Error("dict_new did not delete initial_dict")
	}
	// The dict holds copies: changing initial_dict afterwards changes nothing.
	init.Set(vm.IntValue(3), vm.IntValue(31))
	got, err := r.readOp(base, vm.IntValue(3))
	if err != nil || !got.Equal(vm.IntValue(30)) {
		t.Fatalf("read 3 = %s, %v; want 30", got, err)
	}
	got, err = r.readOp(base.Add(3), bigValue(pMinus1))
	if err != nil || !got.Equal(ptrv(1, 0)) {
		t.Fatalf("read P-1 = %s, %v; want 1:0", got, err)
	}
	// A plain dict has no default: a missing key is a KeyError.
	_, err = r.writeOp(base.Add(6), vm.IntValue(4), vm.IntValue(1))
	wantErr(t, err, "KeyError: 4")
	// The relocatable key ptr(1, 0) is not the integer 0.
	_, err = r.readOp(base.Add(9), ptrv(1, 0))
	wantErr(t, err, "KeyError: RelocatableValue(segment_index=1, offset=0)")
}

func TestDictUpdate(t *testing.T) {
	r := newDictRig(t)
	base := r.defaultDict(vm.IntValue(0))
	if err := r.updateOp(base, vm.IntValue(9), vm.IntValue(0), vm.IntValue(3)); err != nil {
		t.Fatal(err)
	}
	if err := r.updateOp(base.Add(3), vm.IntValue(9), vm.IntValue(3), bigValue(pMinus1)); err != nil {
		t.Fatal(err)
	}
	err := r.updateOp(base.Add(6), vm.IntValue(9), vm.IntValue(5), vm.IntValue(1))
	wantErr(t, err, fmt.Sprintf("Wrong previous value in dict. Got 5, expected %s.", pMinus1))
	// The failed update moved nothing: the dict's end is still 2:6.
	if err := r.updateOp(base.Add(6), vm.IntValue(9), bigValue(pMinus1), ptrv(1, 2)); err != nil {
		t.Fatal(err)
	}
	// An integer is never equal to a relocatable value.
	err = r.updateOp(base.Add(9), vm.IntValue(9), vm.IntValue(2), vm.IntValue(1))
	wantErr(t, err, "Wrong previous value in dict. Got 2, expected 1:2.")
	got, err := r.readOp(base.Add(9), vm.IntValue(9))
	if err != nil || !got.Equal(ptrv(1, 2)) {
		t.Fatalf("read after updates = %s, %v", got, err)
	}
}

func TestDictSquashScopes(t *testing.T) {
	r := newDictRig(t)
	base := r.defaultDict(vm.IntValue(4))
	// Write key 1, read key 2 (a defaultdict read inserts the default).
	if _, err := r.writeOp(base, vm.IntValue(1), vm.IntValue(10)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.readOp(base.Add(3), vm.IntValue(2)); err != nil {
		t.Fatal(err)
	}
	end := base.Add(6)
	cp := newFixture(t, codeDictSquashCopyDict, 0, tref{name: "dict_accesses_end", value: dictPtrRef(3)})
	upd := newFixture(t, codeDictSquashUpdatePtr, 0,
		tref{name: "squashed_dict_start", value: dictPtrRef(4)}, tref{name: "squashed_dict_end", value: dictPtrRef(3)})
	exit := newFixture(t, codeExitScope, 0)
	onState(r.read, cp, upd, exit)
	mgr := r.read.st.Scope()["__dict_manager"].(*DictManager)

	// The copy hint checks the pointer like get_dict does.
	cp.frame(50)
	cp.put(cp.fp(-3), vm.PtrValue(base.Add(3)))
	wantErr(t, cp.run(), "Wrong dict pointer supplied. Got 2:3, expected 2:6.")

	cp.frame(51)
	cp.put(cp.fp(-3), vm.PtrValue(end))
	cp.mustRun()
	if len(cp.st.Scopes) != 2 {
		t.Fatalf("%d scopes after the copy hint, want 2", len(cp.st.Scopes))
	}
	if got := cp.st.Scope()["__dict_manager"]; got != mgr {
		t.Fatal("the new scope does not hold the same __dict_manager")
	}
	// dict_new in the new scope builds the squashed dict from the copy.
	f := r.next(r.newDict)
	f.mustRun()
	sq := f.get(f.st.AP).Ptr()
	if sq.Segment != 3 || len(mgr.Trackers) != 2 {
		t.Fatalf("squashed dict at %s, %d trackers", sq, len(mgr.Trackers))
	}
	data := mgr.Trackers[3].Data
	wantKeys := []vm.Value{vm.IntValue(1), vm.IntValue(2)}
	if got := data.Keys(); len(got) != 2 || !got[0].Equal(wantKeys[0]) || !got[1].Equal(wantKeys[1]) {
		t.Fatalf("squashed dict keys %v, want [1 2] in insertion order", got)
	}
	// The copy is a plain dict: the default is gone.
	if _, ok := data.Lookup(vm.IntValue(3)); ok {
		t.Error("the copied dict kept the default")
	}
	if v, _ := data.Lookup(vm.IntValue(2)); !v.Equal(vm.IntValue(4)) {
		t.Errorf("copied value of key 2 = %s, want the default 4", v)
	}
	exit.mustRun()
	// After squash_dict the tracker's end is moved to squashed_dict_end.
	upd.frame(52)
	upd.put(upd.fp(-4), vm.PtrValue(sq))
	upd.put(upd.fp(-3), vm.PtrValue(sq.Add(6)))
	upd.mustRun()
	if mgr.Trackers[3].CurrentPtr != sq.Add(6) {
		t.Errorf("current_ptr %s, want %s", mgr.Trackers[3].CurrentPtr, sq.Add(6))
	}
	// A scope without the manager creates a manager of its own.
	upd.st.EnterScope(nil)
	r.newDefault.st = upd.st
	if base := r.defaultDict(vm.IntValue(0)); base.Segment != 4 {
		t.Fatalf("dict in the nested scope at %s", base)
	}
	inner := upd.st.Scope()["__dict_manager"].(*DictManager)
	if inner == mgr || len(inner.Trackers) != 1 {
		t.Error("a dict_new in a scope without __dict_manager must use a new manager")
	}
}
