package vm_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/interp"
	"github.com/cairn-vm/cairn/vm"
)

// poolOutcome is everything a call's result depends on that a runner
// carried over from an earlier call could change.
type poolOutcome struct {
	start     string // the runners' state before the call
	err       string
	ret       []string
	holes     int
	instances map[string]int
	sizes     []int
	secure    string
}

func runPoolCall(t *testing.T, r *vm.FunctionRunner, x vm.Value) poolOutcome {
	t.Helper()
	var out poolOutcome
	for _, b := range r.Builtins() {
		_, stopped := b.StopPtr()
		out.start += fmt.Sprintf("%s stopped=%v ", b.Name(), stopped)
		if p, ok := b.(*vm.PedersenBuiltin); ok {
			out.start += fmt.Sprintf("memo=%v ", p.Memo != nil)
			// What an executor does: the next call must not inherit it.
			p.Memo = new(vm.HashMemo)
		}
	}
	st := r.State
	out.start += fmt.Sprintf("scopes=%d main=%d steps=%d segs=%d temps=%d trace=%v pc=%v ",
		len(st.Scopes), len(st.Scopes[0]), st.Steps, st.Mem.NumSegments(), st.Mem.NumTempSegments(), st.Trace != nil, st.PC)
	// What hints and executors leave in a State: the next call must not
	// see them.
	st.Scopes[0]["left"] = 1
	st.EnterScope(map[string]any{"inner": 2})
	st.Mem.AddTempSegment()
	args := append(r.BuiltinArgs(), x)
	if err := r.Start(0, args, nil); err != nil {
		t.Fatal(err)
	}
	if err := r.Run(interp.New(), 0); err != nil {
		out.err = err.Error()
		return out
	}
	r.MarkArgsAccessed()
	rv, err := r.ReturnValues(3)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range rv {
		out.ret = append(out.ret, v.String())
	}
	if out.holes, err = r.MemoryHoles(); err != nil {
		t.Fatal(err)
	}
	out.instances = r.BuiltinInstances()
	for i := range r.State.Mem.NumSegments() {
		out.sizes = append(out.sizes, r.State.Mem.SegmentSize(i))
	}
	if err := r.VerifySecure(); err != nil {
		out.secure = err.Error()
	}
	return out
}

// TestBuiltinSetReuse runs calls of one image, each reusing the builtin
// runners an earlier call released, among them calls that fail halfway
// (a range check out of bounds after a hash), and compares each with the same call on runners made afresh
// for it.
func TestBuiltinSetReuse(t *testing.T) {
	code := assemble(t, `
    [fp - 3] = [[fp - 6]]            // pedersen x
    [fp - 3] = [[fp - 6] + 1]        // pedersen y
    [ap] = [[fp - 6] + 2], ap++      // the hash, deduced
    [fp - 3] = [[fp - 5]]            // range_check
    [fp - 3] = [[fp - 4]]            // bitwise x
    [ap] = [fp - 3] + 1, ap++
    [ap - 1] = [[fp - 4] + 1]        // bitwise y
    [ap] = [[fp - 4] + 2], ap++      // x & y, deduced
    ret
`)
	entry := []string{"pedersen", "range_check", "bitwise"}
	img := vm.NewCodeImage(code)
	// 2^128 fails the range check after the hash was deduced.
	xs := []vm.Value{vm.IntValue(5), vm.IntValue(1 << 63), vm.FeltValue(feltPow2(128)), vm.IntValue(12345),
		vm.IntValue(5), vm.IntValue(0), vm.FeltValue(feltPow2(128)), vm.IntValue(1 << 40), vm.IntValue(77)}
	var firstSet []vm.Builtin
	reused := false
	for round := range 3 {
		for i, x := range xs {
			fresh, err := vm.NewFunctionRunner(code, entry)
			if err != nil {
				t.Fatal(err)
			}
			want := runPoolCall(t, fresh, x)
			fresh.Release()
			r, err := vm.NewFunctionRunnerImage(img, entry)
			if err != nil {
				t.Fatal(err)
			}
			if firstSet == nil {
				firstSet = slices.Clone(r.Builtins())
			} else if slices.Equal(firstSet, r.Builtins()) {
				reused = true
			}
			got := runPoolCall(t, r, x)
			r.Release()
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("round %d, call %d (x=%s): reused runners give\n%+v\nfresh ones\n%+v", round, i, x, got, want)
			}
		}
	}
	if !reused {
		t.Fatal("no call reused the builtin runners of an earlier one")
	}
}

// TestBuiltinSetReuseFailure checks that a call that fails in a builtin
// leaves nothing behind for the next call of the same image.
func TestBuiltinSetReuseFailure(t *testing.T) {
	code := assemble(t, `
    [fp - 3] = [[fp - 4]]            // range_check
    [ap] = [fp - 4] + 1, ap++
    ret
`)
	entry := []string{"range_check"}
	img := vm.NewCodeImage(code)
	for i, x := range []uint64{3, 1 << 63, 4} {
		r, err := vm.NewFunctionRunnerImage(img, entry)
		if err != nil {
			t.Fatal(err)
		}
		if _, stopped := r.EntryBuiltins()[0].StopPtr(); stopped {
			t.Fatalf("call %d: the runner has a stop pointer before the call", i)
		}
		args := append(r.BuiltinArgs(), vm.IntValue(x))
		if err := r.Start(0, args, nil); err != nil {
			t.Fatal(err)
		}
		err = r.Run(interp.New(), 0)
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if n := r.BuiltinInstances()["range_check"]; n != 1 {
			t.Fatalf("call %d: %d range checks, want 1", i, n)
		}
		if err := r.ValidateBuiltins(r.State.AP); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		r.Release()
	}
	// A value of 2^128 or more fails the range check.
	r, _ := vm.NewFunctionRunnerImage(img, entry)
	big := vm.FeltValue(feltPow2(128))
	if err := r.Start(0, append(r.BuiltinArgs(), big), nil); err != nil {
		t.Fatal(err)
	}
	if err := r.Run(interp.New(), 0); !errors.Is(err, vm.ErrRangeCheck) {
		t.Fatalf("2^128: %v, want a range-check failure", err)
	}
	r.Release()
	r, _ = vm.NewFunctionRunnerImage(img, entry)
	if err := r.Start(0, append(r.BuiltinArgs(), vm.IntValue(9)), nil); err != nil {
		t.Fatal(err)
	}
	if err := r.Run(interp.New(), 0); err != nil {
		t.Fatalf("after a failed call: %v", err)
	}
	if err := r.ValidateBuiltins(r.State.AP); err != nil {
		t.Fatalf("after a failed call: %v", err)
	}
	if p, ok := r.EntryBuiltins()[0].StopPtr(); !ok || p != r.EntryBuiltins()[0].Base().Add(1) {
		t.Fatalf("stop pointer %v %v, want base+1", p, ok)
	}
	r.Release()
}

// feltPow2 is 2^n as a felt.
func feltPow2(n int) asm.Felt {
	one := asm.FeltFromUint64(1)
	f := one
	for range n {
		f.Add(&f, &f)
	}
	return f
}

type nopHint struct{}

func (nopHint) Execute(*vm.State) error { return nil }

// TestCodeImageHintBits checks that calls of one image that install
// different hint maps each get their own map's pc bitmap, and calls that
// share one map the same bits as a fresh State's SetHints.
func TestCodeImageHintBits(t *testing.T) {
	code := assemble(t, `
    [ap] = 1, ap++
    [ap] = 2, ap++
    [ap] = 3, ap++
    ret
`)
	img := vm.NewCodeImage(code)
	maps := []map[int][]vm.Hint{
		{0: {nopHint{}}},
		{2: {nopHint{}}, 4: {nopHint{}}},
		{0: {nopHint{}}},
		nil,
		{4: {nopHint{}}},
	}
	maps = append(maps, maps[1], maps[1], maps[4])
	for i, h := range maps {
		var want vm.State
		want.SetHints(h, len(code))
		r, err := vm.NewFunctionRunnerImage(img, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Start(0, nil, h); err != nil {
			t.Fatal(err)
		}
		for pc := range len(code) {
			if r.State.HasHint(pc) != want.HasHint(pc) {
				t.Fatalf("call %d, pc %d: HasHint %v, want %v", i, pc, r.State.HasHint(pc), want.HasHint(pc))
			}
		}
		r.Release()
	}
}
