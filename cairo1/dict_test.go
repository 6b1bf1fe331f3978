package cairo1

import (
	"testing"

	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/vm"
)

// arenaFixture lays out a segment arena as the segment_arena builtin and
// the Cairo code do: infos segment, arena segment holding [infos, n, 0]
// triples, and the arena pointer in [fp + 0] pointing after the last one.
type arenaFixture struct {
	*fixture
	infos, arena vm.Relocatable
	n            int
}

func newArenaFixture(t *testing.T) *arenaFixture {
	f := newFixture(t)
	a := &arenaFixture{fixture: f, infos: f.st.Mem.AddSegment(), arena: f.st.Mem.AddSegment()}
	a.push()
	return a
}

// push appends an arena entry [infos, n, 0] and points [fp + 0] (fp moves
// so cells stay write-once) after it.
func (a *arenaFixture) push() {
	base := a.arena.Add(3 * a.n)
	a.setAt(base, vm.PtrValue(a.infos))
	a.setAt(base.Add(1), vm.IntValue(uint64(a.n)))
	a.setAt(base.Add(2), vm.IntValue(0))
	a.st.FP = a.exec.Add(1000 * (a.n + 1))
	a.set(fp(0), vm.PtrValue(base.Add(3)))
	a.n++
}

// alloc runs AllocFelt252Dict and returns the dict's base from the infos.
func (a *arenaFixture) alloc() vm.Relocatable {
	a.t.Helper()
	a.mustRun(&class.AllocFelt252Dict{SegmentArenaPtr: deref(fp(0))})
	v := a.getAt(a.infos.Add(3 * (a.n - 1)))
	if !v.IsPtr() {
		a.t.Fatalf("SegmentInfo %d start = %s, want a dict segment", a.n-1, v)
	}
	return v.Ptr()
}

func TestAllocFelt252Dict(t *testing.T) {
	a := newArenaFixture(t)
	nSeg := a.st.Mem.NumSegments()
	d0 := a.alloc()
	// The arena's first dict gets a real segment, the next one.
	if d0 != (vm.Relocatable{Segment: nSeg}) {
		t.Errorf("first dict at %s, want %d:0", d0, nSeg)
	}
	a.push()
	d1 := a.alloc()
	// index > 0: a temporary segment (new_default_dict(temp_segment=True)).
	if d1 != (vm.Relocatable{Segment: -1}) {
		t.Errorf("second dict at %s, want -1:0", d1)
	}
	a.push()
	d2 := a.alloc()
	if d2 != (vm.Relocatable{Segment: -2}) {
		t.Errorf("third dict at %s, want -2:0", d2)
	}
	if a.st.Mem.NumSegments() != nSeg+1 || a.st.Mem.NumTempSegments() != 2 {
		t.Errorf("segments: %d real, %d temporary", a.st.Mem.NumSegments(), a.st.Mem.NumTempSegments())
	}
	if got := Dicts(a.st).Segments(); len(got) != 3 || got[0] != d0 || got[1] != d1 || got[2] != d2 {
		t.Errorf("Segments() = %v", got)
	}
	// GetSegmentArenaIndex finds each dict's arena index from any pointer
	// into its segment.
	for i, d := range []vm.Relocatable{d0, d1, d2} {
		a.set(fp(1), vm.PtrValue(d.Add(9*i)))
		a.mustRun(&class.GetSegmentArenaIndex{DictEndPtr: deref(fp(1)), DictIndex: ap(int16(i))})
		a.wantValue("dict_index", ap(int16(i)), vm.IntValue(uint64(i)))
		a.st.FP = a.st.FP.Add(2)
	}
	// A pointer outside every dict.
	a.set(fp(1), vm.PtrValue(a.exec))
	h := &class.GetSegmentArenaIndex{DictEndPtr: deref(fp(1)), DictIndex: ap(5)}
	wantErr(t, a.run(h), h, ErrDict)
}

func TestDictHintsNeedAManager(t *testing.T) {
	f := fresh(t)
	f.set(fp(0), vm.PtrValue(f.exec))
	for _, h := range []class.Hint{
		&class.Felt252DictEntryInit{DictPtr: deref(fp(0)), Key: imm(bi(1))},
		&class.Felt252DictEntryUpdate{DictPtr: deref(fp(0)), Value: imm(bi(1))},
		&class.GetSegmentArenaIndex{DictEndPtr: deref(fp(0)), DictIndex: ap(0)},
		&class.Felt252DictRead{DictPtr: deref(fp(0)), Key: imm(bi(1)), ValueDst: ap(0)},
		&class.Felt252DictWrite{DictPtr: deref(fp(0)), Key: imm(bi(1)), Value: imm(bi(1))},
	} {
		wantErr(t, f.run(h), h, ErrDict)
	}
	// The arena pointer must be an address.
	f.setBig(fp(1), bi(5))
	h := &class.AllocFelt252Dict{SegmentArenaPtr: deref(fp(1))}
	wantErr(t, f.run(h), h, ErrNotAddress)
}

// access plays a dict access as the Cairo code does around the two hints:
// EntryInit at the dict's end (writes the previous value), the code writes
// key and new value, then EntryUpdate at the access's end.
func access(a *arenaFixture, end vm.Relocatable, key, newValue vm.Value) (prev vm.Value) {
	a.t.Helper()
	a.st.FP = a.st.FP.Add(4)
	a.set(fp(0), vm.PtrValue(end))
	a.set(fp(1), key)
	a.set(fp(2), vm.PtrValue(end.Add(3)))
	a.set(fp(3), newValue)
	a.mustRun(&class.Felt252DictEntryInit{DictPtr: deref(fp(0)), Key: deref(fp(1))})
	prev = a.getAt(end.Add(1))
	a.setAt(end, key)
	a.setAt(end.Add(2), newValue)
	a.mustRun(&class.Felt252DictEntryUpdate{DictPtr: deref(fp(2)), Value: deref(fp(3))})
	return prev
}

func TestFelt252DictEntries(t *testing.T) {
	a := newArenaFixture(t)
	d := a.alloc()
	big := feltOf(pMinus1)
	box := vm.PtrValue(a.exec.Add(3))
	steps := []struct {
		key, value, prev vm.Value
	}{
		{vm.IntValue(5), vm.IntValue(7), vm.IntValue(0)}, // absent: the default 0
		{vm.IntValue(5), vm.IntValue(8), vm.IntValue(7)},
		{big, box, vm.IntValue(0)}, // values may be pointers (Nullable)
		{vm.IntValue(0), vm.IntValue(1), vm.IntValue(0)},
		{big, vm.IntValue(2), box},
		{vm.IntValue(5), vm.IntValue(5), vm.IntValue(8)},
	}
	end := d
	for i, s := range steps {
		if prev := access(a, end, s.key, s.value); !prev.Equal(s.prev) {
			t.Errorf("access %d to %s: previous value %s, want %s", i, s.key, prev, s.prev)
		}
		end = end.Add(3)
	}
	if v, ok := Dicts(a.st).Lookup(d.Segment, vm.IntValue(5)); !ok || !v.Equal(vm.IntValue(5)) {
		t.Errorf("Lookup(5) = %s, %v", v, ok)
	}

	// An access must start at the dict's current end.
	a.st.FP = a.st.FP.Add(4)
	a.set(fp(0), vm.PtrValue(end.Add(-3)))
	h := &class.Felt252DictEntryInit{DictPtr: deref(fp(0)), Key: imm(bi(5))}
	wantErr(t, a.run(h), h, ErrDict)
	hu := &class.Felt252DictEntryUpdate{DictPtr: deref(fp(0)), Value: imm(bi(5))}
	wantErr(t, a.run(hu), hu, ErrDict)
	// A pointer into no dict.
	a.set(fp(1), vm.PtrValue(a.exec))
	h = &class.Felt252DictEntryInit{DictPtr: deref(fp(1)), Key: imm(bi(5))}
	wantErr(t, a.run(h), h, ErrDict)

	// Two dicts are independent.
	a.push()
	d1 := a.alloc()
	if prev := access(a, d1, vm.IntValue(5), vm.IntValue(1)); !prev.Equal(vm.IntValue(0)) {
		t.Errorf("second dict's key 5: previous value %s, want 0", prev)
	}
	if prev := access(a, end, vm.IntValue(5), vm.IntValue(1)); !prev.Equal(vm.IntValue(5)) {
		t.Errorf("first dict's key 5: previous value %s, want 5", prev)
	}
}

// TestDictPtrAsBinOp: the dict pointer in BinOp form ([fp + 0] + 3).
func TestDictPtrAsBinOp(t *testing.T) {
	a := newArenaFixture(t)
	d := a.alloc()
	access(a, d, vm.IntValue(9), vm.IntValue(4))
	a.st.FP = a.st.FP.Add(4)
	a.set(fp(0), vm.PtrValue(d))
	a.mustRun(&class.Felt252DictEntryInit{DictPtr: binOpImm(class.Add, fp(0), bi(3)), Key: imm(bi(9))})
	a.wantBigAt("prev", d.Add(4), bi(4))
	a.setAt(d.Add(3), vm.IntValue(9))
	a.setAt(d.Add(5), vm.IntValue(6))
	a.mustRun(&class.Felt252DictEntryUpdate{DictPtr: binOpImm(class.Add, fp(0), bi(6)), Value: imm(bi(6))})
	if v, _ := Dicts(a.st).Lookup(d.Segment, vm.IntValue(9)); !v.Equal(vm.IntValue(6)) {
		t.Errorf("key 9 = %s, want 6", v)
	}
}

// TestDeprecatedDictReadWrite: Felt252DictWrite writes the previous value
// and moves the end; Felt252DictRead moves the end and reads.
func TestDeprecatedDictReadWrite(t *testing.T) {
	a := newArenaFixture(t)
	d := a.alloc()
	a.st.FP = a.st.FP.Add(4)
	a.set(fp(0), vm.PtrValue(d))
	a.mustRun(&class.Felt252DictWrite{DictPtr: deref(fp(0)), Key: imm(bi(3)), Value: imm(pMinus1)})
	a.wantBigAt("previous value", d.Add(1), bi(0))
	a.set(fp(1), vm.PtrValue(d.Add(3)))
	a.mustRun(&class.Felt252DictWrite{DictPtr: deref(fp(1)), Key: imm(bi(3)), Value: imm(bi(11))})
	a.wantBigAt("previous value", d.Add(4), pMinus1)
	a.set(fp(2), vm.PtrValue(d.Add(6)))
	a.mustRun(&class.Felt252DictRead{DictPtr: deref(fp(2)), Key: imm(bi(3)), ValueDst: ap(0)})
	a.wantBig("read", ap(0), bi(11))
	// The read moved the end by one access.
	a.set(fp(3), vm.PtrValue(d.Add(9)))
	a.mustRun(&class.Felt252DictRead{DictPtr: deref(fp(3)), Key: imm(bi(4)), ValueDst: ap(1)})
	a.wantBig("read of an absent key", ap(1), bi(0))
	h := &class.Felt252DictRead{DictPtr: deref(fp(3)), Key: imm(bi(4)), ValueDst: ap(2)}
	wantErr(t, a.run(h), h, ErrDict)
}

func TestAllocFelt252DictBadArena(t *testing.T) {
	// The arena's segment count must be an integer.
	f := fresh(t)
	arena := f.st.Mem.AddSegment()
	f.setAt(arena, vm.PtrValue(arena))
	f.setAt(arena.Add(1), vm.PtrValue(arena))
	f.set(fp(0), vm.PtrValue(arena.Add(3)))
	h := &class.AllocFelt252Dict{SegmentArenaPtr: deref(fp(0))}
	wantErr(t, f.run(h), h, ErrNotInteger)
	// The infos pointer must be an address.
	g := fresh(t)
	arena = g.st.Mem.AddSegment()
	g.setAt(arena, vm.IntValue(4))
	g.setAt(arena.Add(1), vm.IntValue(0))
	g.set(fp(0), vm.PtrValue(arena.Add(3)))
	wantErr(t, g.run(h), h, ErrNotAddress)
	// A pointer to the arena's start has no count before it.
	g.set(fp(1), vm.PtrValue(arena))
	h = &class.AllocFelt252Dict{SegmentArenaPtr: deref(fp(1))}
	wantErr(t, g.run(h), h, ErrOutOfRange)
}

// TestDictPointerKeys: keys that are relocatable values are dict keys like
// any other, as in Python.
func TestDictPointerKeys(t *testing.T) {
	a := newArenaFixture(t)
	d := a.alloc()
	k := vm.PtrValue(a.exec.Add(7))
	access(a, d, k, vm.IntValue(3))
	if prev := access(a, d.Add(3), k, vm.IntValue(4)); !prev.Equal(vm.IntValue(3)) {
		t.Errorf("previous value %s, want 3", prev)
	}
	if prev := access(a, d.Add(6), vm.IntValue(7), vm.IntValue(4)); !prev.Equal(vm.IntValue(0)) {
		t.Errorf("the felt 7 shares the pointer's entry: %s", prev)
	}
}

// TestStateVariableClash: a main-scope variable of another type where the
// hints keep their state is an error, not a panic.
func TestStateVariableClash(t *testing.T) {
	f := fresh(t)
	f.st.Scopes[0][stateVar] = 3
	h := &class.AllocConstantSize{Size: imm(bi(1)), Dst: ap(0)}
	wantErr(t, f.run(h), h, nil)
	if Dicts(f.st) != nil || Markers(f.st) != nil {
		t.Error("Dicts or Markers found state")
	}
	g := &vm.State{}
	if Dicts(g) != nil || Markers(g) != nil {
		t.Error("a state without scopes has dicts or markers")
	}
}
