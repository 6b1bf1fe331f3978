package hints

import (
	"math/big"
	"testing"

	"github.com/cairn-vm/cairn/vm"
)

type usortRig struct {
	enter, body, verify, step, check *fixture
	n                                int
}

func newUsortRig(t *testing.T) *usortRig {
	r := &usortRig{}
	r.enter = newFixture(t, codeUsortEnterScope, 0)
	r.body = newFixture(t, codeUsortBody, 0,
		tref{name: "input", value: "[cast(fp + (-3), felt**)]"}, tref{name: "input_len", value: fpArg(4)},
		tref{name: "output_len", value: local(0)}, tref{name: "output", value: "[cast(fp + 1, felt**)]"},
		tref{name: "multiplicities", value: "[cast(fp + 2, felt**)]"})
	r.verify = newFixture(t, codeUsortVerify, 0, tref{name: "value", value: fpArg(3)})
	r.step = newFixture(t, codeUsortMultiplicityBody, 0, tref{name: "next_item_index", value: local(0)})
	r.check = newFixture(t, codeUsortMultiplicityAssert, 0)
	onState(r.enter, r.body, r.verify, r.step, r.check)
	return r
}

func (r *usortRig) frame(f *fixture) *fixture {
	r.n++
	f.frame(r.n)
	return f
}

// run runs usort's two first hints on input.
func (r *usortRig) run(input []vm.Value) error {
	if err := r.frame(r.enter).run(); err != nil {
		return err
	}
	f := r.frame(r.body)
	in := f.st.Mem.AddSegment()
	for i, v := range input {
		f.put(in.Add(i), v)
	}
	f.put(f.fp(-3), vm.PtrValue(in))
	f.putBig(f.fp(-4), b(int64(len(input))))
	return f.run()
}

func TestUsort(t *testing.T) {
	inputs := [][]vm.Value{
		nil,
		{vm.IntValue(3)},
		{vm.IntValue(5), vm.IntValue(1), vm.IntValue(5), bigValue(pMinus1), vm.IntValue(0), vm.IntValue(1), vm.IntValue(5)},
		{ptrv(1, 2), vm.IntValue(9), ptrv(0, 7), ptrv(1, 2)},
	}
	for ci, input := range inputs {
		r := newUsortRig(t)
		if err := r.run(input); err != nil {
			t.Fatalf("case %d: %v", ci, err)
		}
		sorted, pos := modelKeys(input)
		f := r.body
		if got := f.getBig(f.fp(0)).Int64(); got != int64(len(sorted)) {
			t.Fatalf("case %d: output_len %d, want %d", ci, got, len(sorted))
		}
		out, mult := f.get(f.fp(1)).Ptr(), f.get(f.fp(2)).Ptr()
		if out == mult || out.Offset != 0 || mult.Offset != 0 {
			t.Fatalf("case %d: output %s and multiplicities %s must be new segments", ci, out, mult)
		}
		for i, k := range sorted {
			if got := f.get(out.Add(i)); !got.Equal(k.v) {
				t.Errorf("case %d: output[%d] = %s, want %s", ci, i, got, k.v)
			}
			if got := f.getBig(mult.Add(i)).Int64(); got != int64(len(pos[pyModelKey(k.v)])) {
				t.Errorf("case %d: multiplicities[%d] = %d, want %d", ci, i, got, len(pos[pyModelKey(k.v)]))
			}
		}
		if n := f.st.Mem.UsedSize(out.Segment); n != len(sorted) {
			t.Errorf("case %d: output segment has %d cells", ci, n)
		}
		// verify_usort / verify_multiplicity walk each value's positions.
		for _, k := range sorted {
			v := r.frame(r.verify)
			v.put(v.fp(-3), k.v)
			v.mustRun()
			last := 0
			for _, p := range pos[pyModelKey(k.v)] {
				s := r.frame(r.step)
				s.mustRun()
				if got := s.getBig(s.fp(0)).Int64(); got != int64(p-last) {
					t.Fatalf("case %d value %s: next_item_index %d, want %d", ci, k.v, got, p-last)
				}
				last = p + 1
			}
			r.frame(r.check).mustRun()
			wantErr(t, r.frame(r.step).run(), "pop from empty list")
		}
	}
}

func TestUsortMaxSize(t *testing.T) {
	input := []vm.Value{vm.IntValue(2), vm.IntValue(1), vm.IntValue(2)}
	r := newUsortRig(t)
	r.enter.st.Scope()["__usort_max_size"] = big.NewInt(2)
	wantErr(t, r.run(input), "usort() can only be used with input_len<=2. Got: input_len=3.")
	if len(r.enter.st.Scopes) != 2 {
		t.Fatalf("%d scopes after usort's vm_enter_scope", len(r.enter.st.Scopes))
	}
	r = newUsortRig(t)
	r.enter.st.Scope()["__usort_max_size"] = big.NewInt(3)
	if err := r.run(input); err != nil {
		t.Fatal(err)
	}
	// Without __usort_max_size the new scope holds None: no limit.
	r = newUsortRig(t)
	if err := r.run(input); err != nil {
		t.Fatal(err)
	}
	if v, ok := r.enter.st.Scopes[1]["__usort_max_size"]; !ok || v != nil {
		t.Errorf("__usort_max_size in usort's scope = %v, %v; want None", v, ok)
	}
	// A value that was not in the input has no positions.
	v := r.frame(r.verify)
	v.put(v.fp(-3), vm.IntValue(7))
	v.mustRun()
	r.frame(r.check).mustRun()
	// The body needs the scope usort entered.
	r = newUsortRig(t)
	f := r.frame(r.body)
	f.put(f.fp(-3), ptrv(1, 0))
	f.put(f.fp(-4), vm.IntValue(0))
	wantErr(t, f.run(), "name '__usort_max_size' is not defined")
	// A relocatable input_len is not an int.
	r = newUsortRig(t)
	r.frame(r.enter).mustRun()
	f = r.frame(r.body)
	f.put(f.fp(-3), ptrv(1, 0))
	f.put(f.fp(-4), ptrv(1, 0))
	wantErr(t, f.run(), "int() argument must be")
}
