package hints

import (
	"math/big"
	"sort"
	"testing"

	"github.com/cairn-vm/cairn/vm"
)

// addLoopTemps declares squash_dict_inner's LoopTemps struct in the
// fixture's program; ids paths are resolved on first use, so this must run
// before the hint does.
func addLoopTemps(f *fixture) {
	f.prog.Identifiers["__main__.LoopTemps"] = &vm.Identifier{Type: "struct", Size: intp(4), Members: map[string]vm.Member{
		"index_delta_minus1": {CairoType: "felt", Offset: 0},
		"index_delta":        {CairoType: "felt", Offset: 1},
		"ptr_delta":          {CairoType: "felt", Offset: 2},
		"should_continue":    {CairoType: "felt", Offset: 3},
	}}
}

const loopTempsRef = "cast(ap, __main__.LoopTemps*)"

// squashRig holds squash_dict's hints on one machine.
type squashRig struct {
	t                                                 *testing.T
	squash, first, skip, check, cont, lenA, used, nkA *fixture
	next                                              *fixture
	n                                                 int
	rc                                                vm.Relocatable
}

func newSquashRig(t *testing.T) *squashRig {
	r := &squashRig{t: t}
	r.squash = newFixture(t, codeSquashDict, 0,
		tref{name: "dict_accesses", value: dictPtrRef(5)}, tref{name: "ptr_diff", value: local(0)},
		tref{name: "n_accesses", value: local(1)}, tref{name: "big_keys", value: local(2)}, tref{name: "first_key", value: local(3)})
	r.first = newFixture(t, codeSquashFirstIteration, 0, tref{name: "range_check_ptr", value: fpArg(9)})
	r.skip = newFixture(t, codeSquashSkipLoop, 0, tref{name: "should_skip_loop", value: local(0)})
	r.check = newFixture(t, codeSquashCheckAccessIndex, 0, tref{name: "loop_temps", value: loopTempsRef})
	r.cont = newFixture(t, codeSquashContinueLoop, 0, tref{name: "loop_temps", value: loopTempsRef})
	r.lenA = newFixture(t, codeSquashLenAssert, 0)
	r.used = newFixture(t, codeSquashUsedAccesses, 0, tref{name: "n_used_accesses", value: fpArg(3)})
	r.nkA = newFixture(t, codeSquashAssertLenKeys, 0)
	r.next = newFixture(t, codeSquashNextKey, 0, tref{name: "next_key", value: local(0)})
	addLoopTemps(r.check)
	addLoopTemps(r.cont)
	onState(r.squash, r.first, r.skip, r.check, r.cont, r.lenA, r.used, r.nkA, r.next)
	r.rc = r.squash.st.Mem.AddSegment()
	r.squash.st.EnterScope(nil) // squash_dict's vm_enter_scope()
	return r
}

func (r *squashRig) frame(f *fixture) *fixture {
	r.n++
	f.frame(r.n)
	return f
}

// start lays out accesses (keys only; values are not read by the hints)
// and runs the squash_dict hint with the given ptr_diff and n_accesses.
func (r *squashRig) start(keys []vm.Value, ptrDiff, n *big.Int) error {
	f := r.frame(r.squash)
	arr := f.st.Mem.AddSegment()
	for i, k := range keys {
		f.put(arr.Add(3*i), k)
		f.putBig(arr.Add(3*i+1), b(int64(i)))
		f.putBig(arr.Add(3*i+2), b(int64(i+1)))
	}
	f.put(f.fp(-5), vm.PtrValue(arr))
	f.putBig(f.fp(0), ptrDiff)
	f.putBig(f.fp(1), n)
	return f.run()
}

// modelKey is a key of the test model; modelKeys sorts them: integers
// ascending, then relocatable values by (segment, offset), as cairo-lang
// orders them.
type modelKey struct {
	ptr      bool
	n        *big.Int
	seg, off int
	v        vm.Value
}

func modelKeys(keys []vm.Value) ([]modelKey, map[string][]int) {
	pos := map[string][]int{}
	var out []modelKey
	for i, k := range keys {
		s := pyModelKey(k)
		if _, ok := pos[s]; !ok {
			mk := modelKey{ptr: k.IsPtr(), v: k}
			if k.IsPtr() {
				mk.seg, mk.off = k.Ptr().Segment, k.Ptr().Offset
			} else {
				mk.n = feltBig(k)
			}
			out = append(out, mk)
		}
		pos[s] = append(pos[s], i)
	}
	sort.Slice(out, func(i, j int) bool {
		a, c := out[i], out[j]
		if a.ptr != c.ptr {
			return !a.ptr
		}
		if !a.ptr {
			return a.n.Cmp(c.n) < 0
		}
		return a.seg < c.seg || a.seg == c.seg && a.off < c.off
	})
	return out, pos
}

func TestSquashDictWalk(t *testing.T) {
	cases := [][]vm.Value{
		{vm.IntValue(5)},
		{vm.IntValue(5), vm.IntValue(5), vm.IntValue(5)},
		{vm.IntValue(9), vm.IntValue(2), vm.IntValue(9), vm.IntValue(0), vm.IntValue(2), vm.IntValue(9)},
		{bigValue(two128), vm.IntValue(3), bigValue(sub(two128, b(1)))},
		{bigValue(pMinus1), vm.IntValue(1), bigValue(pMinus1)},
		{ptrv(1, 4), vm.IntValue(7), ptrv(1, 2), ptrv(0, 9), ptrv(1, 4)},
	}
	for ci, keys := range cases {
		r := newSquashRig(t)
		n := int64(len(keys))
		if err := r.start(keys, b(3*n), b(n)); err != nil {
			t.Fatalf("case %d: squash_dict: %v", ci, err)
		}
		sorted, pos := modelKeys(keys)
		largest := sorted[len(sorted)-1]
		wantBig := largest.ptr || largest.n.Cmp(two128) >= 0
		if got := r.squash.getBig(r.squash.fp(2)).Sign() != 0; got != wantBig {
			t.Errorf("case %d: big_keys = %v, want %v", ci, got, wantBig)
		}
		if got := r.squash.get(r.squash.fp(3)); !got.Equal(sorted[0].v) {
			t.Errorf("case %d: first_key = %s, want %s", ci, got, sorted[0].v)
		}
		for ki, k := range sorted {
			idx := pos[pyModelKey(k.v)]
			f := r.frame(r.first)
			rcCell := r.rc.Add(r.n)
			f.put(f.fp(-9), vm.PtrValue(rcCell))
			f.mustRun()
			if got := f.getBig(rcCell).Int64(); got != int64(idx[0]) {
				t.Fatalf("case %d key %s: first access index %d, want %d", ci, k.v, got, idx[0])
			}
			f = r.frame(r.skip)
			f.mustRun()
			if got, want := f.getBig(f.fp(0)).Int64(), int64(len(idx)); (got == 1) != (want == 1) {
				t.Fatalf("case %d key %s: should_skip_loop = %d with %d accesses", ci, k.v, got, want)
			}
			for j := 1; j < len(idx); j++ {
				f = r.frame(r.check)
				f.mustRun()
				if got := f.getBig(f.st.AP).Int64(); got != int64(idx[j]-idx[j-1]-1) {
					t.Fatalf("case %d key %s: index_delta_minus1 = %d, want %d", ci, k.v, got, idx[j]-idx[j-1]-1)
				}
				f = r.frame(r.cont)
				f.mustRun()
				if got := f.getBig(f.st.AP.Add(3)).Int64(); (got == 1) != (j < len(idx)-1) {
					t.Fatalf("case %d key %s: should_continue = %d at access %d of %d", ci, k.v, got, j, len(idx))
				}
			}
			r.frame(r.lenA).mustRun()
			f = r.frame(r.used)
			f.putBig(f.fp(-3), b(int64(len(idx)+1)))
			wantErr(t, f.run(), "ids.n_used_accesses == len(access_indices[key])")
			f = r.frame(r.used)
			f.putBig(f.fp(-3), b(int64(len(idx))))
			f.mustRun()
			if ki == len(sorted)-1 {
				r.frame(r.nkA).mustRun()
				wantErr(t, r.frame(r.next).run(), "No keys left but remaining_accesses > 0.")
				continue
			}
			wantErr(t, r.frame(r.nkA).run(), "len(keys) == 0")
			f = r.frame(r.next)
			f.mustRun()
			if got := f.get(f.fp(0)); !got.Equal(sorted[ki+1].v) {
				t.Fatalf("case %d: next_key = %s, want %s", ci, got, sorted[ki+1].v)
			}
		}
	}
}

func TestSquashDictLoopOrder(t *testing.T) {
	// Accesses of one key visited out of order leave indices behind.
	r := newSquashRig(t)
	if err := r.start([]vm.Value{vm.IntValue(1), vm.IntValue(1)}, b(6), b(2)); err != nil {
		t.Fatal(err)
	}
	f := r.frame(r.first)
	f.put(f.fp(-9), vm.PtrValue(r.rc))
	f.mustRun()
	wantErr(t, r.frame(r.lenA).run(), "len(current_access_indices) == 0")
	r.frame(r.check).mustRun()
	wantErr(t, r.frame(r.check).run(), "pop from empty list")
}

func TestSquashDictErrors(t *testing.T) {
	keys := []vm.Value{vm.IntValue(1), vm.IntValue(2)}
	r := newSquashRig(t)
	wantErr(t, r.start(keys, b(5), b(2)), "Accesses array size must be divisible by DictAccess.SIZE")
	r = newSquashRig(t)
	r.squash.st.Scope()["__squash_dict_max_size"] = big.NewInt(1)
	wantErr(t, r.start(keys, b(6), b(2)), "squash_dict() can only be used with n_accesses<=1. Got: n_accesses=2.")
	r = newSquashRig(t)
	r.squash.st.Scope()["__squash_dict_max_size"] = big.NewInt(2)
	if err := r.start(keys, b(6), b(2)); err != nil {
		t.Fatalf("n_accesses == __squash_dict_max_size: %v", err)
	}
	// n_accesses beyond the array reads an unknown cell.
	r = newSquashRig(t)
	wantErr(t, r.start(keys, b(9), b(3)), "Unknown value for memory cell at address 3:6.")
	// With no accesses keys[0] does not exist.
	r = newSquashRig(t)
	wantErr(t, r.start(nil, b(0), b(0)), "list index out of range")
	// The inner hints need the scope squash_dict prepared.
	r = newSquashRig(t)
	wantErr(t, r.frame(r.first).run(), "name 'access_indices' is not defined")
}
