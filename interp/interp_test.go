package interp

import (
	"errors"
	"math/big"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/vm"
)

// newState loads words into segment 0, makes an execution segment 1 holding
// stack, and starts at pc 0 with ap = fp = after the stack.
func newState(t *testing.T, words []uint64, stack []vm.Value) *vm.State {
	t.Helper()
	m := vm.NewMemory()
	prog, exec := m.AddSegment(), m.AddSegment()
	for i, w := range words {
		if err := m.Write(prog.Add(i), vm.IntValue(w)); err != nil {
			t.Fatal(err)
		}
	}
	for i, v := range stack {
		if err := m.Write(exec.Add(i), v); err != nil {
			t.Fatal(err)
		}
	}
	st := &vm.State{Mem: m, PC: prog, AP: exec.Add(len(stack)), FP: exec.Add(len(stack)),
		ProgramBase: prog, ExecBase: exec, TraceOn: true}
	return st
}

// frame is what a caller leaves below fp: a return fp and a return pc.
var frame = []vm.Value{vm.IntValue(0), vm.IntValue(0)}

// Straight-line additions ([ap] = [ap-2] + [ap-1], ap++) compute Fibonacci
// numbers; math/big computes them independently.
func TestStraightLineFibonacci(t *testing.T) {
	const n = 50
	words := []uint64{0x480680017fff8000, 1, 0x480680017fff8000, 1}
	for range n {
		// [ap] = [ap-2] + [ap-1], ap++
		words = append(words, 0x48307fff7ffe8000)
	}
	st := newState(t, words, frame)
	end := vm.Relocatable{Segment: 0, Offset: len(words)}
	if err := New().RunUntilPC(st, end, 0); err != nil {
		t.Fatal(err)
	}
	a, b := big.NewInt(1), big.NewInt(1)
	for range n {
		a, b = b, new(big.Int).Add(a, b)
	}
	got := st.Mem.Get(st.AP.Add(-1))
	f := got.Felt()
	if f.BigInt().Cmp(b) != 0 {
		t.Fatalf("fib = %s, want %s", f.String(), b)
	}
	if st.Steps != n+2 || len(st.Trace) != n+2 {
		t.Fatalf("steps %d, trace %d, want %d", st.Steps, len(st.Trace), n+2)
	}
}

func TestAssertEqFailure(t *testing.T) {
	// [ap] = 5, ap++ ; [ap-1] = 6 (fails)
	words := []uint64{0x480680017fff8000, 5, 0x400680017fff7fff, 6}
	st := newState(t, words, frame)
	err := New().RunUntilPC(st, vm.Relocatable{Offset: 4}, 0)
	var ve *vm.VMError
	if !errors.As(err, &ve) || !errors.Is(err, vm.ErrAssertEq) {
		t.Fatalf("got %v, want an ASSERT_EQ VMError", err)
	}
	if ve.PC != (vm.Relocatable{Offset: 2}) {
		t.Fatalf("error pc %s, want 0:2", ve.PC)
	}
}

func TestStepLimit(t *testing.T) {
	// jmp rel 0: an endless loop.
	words := []uint64{0x10780017fff7fff, 0}
	st := newState(t, words, frame)
	err := New().RunUntilPC(st, vm.Relocatable{Offset: 99}, 1000)
	if !errors.Is(err, vm.ErrStepLimit) || st.Steps != 1000 {
		t.Fatalf("got %v after %d steps, want the step limit at 1000", err, st.Steps)
	}
}

func TestDeductionOfOp0AndOp1(t *testing.T) {
	// [ap] = 7, ap++ (value 7 at exec:0)
	// [ap-1] = [ap] + [ap+1]... use: [ap-1] = [ap] * 3 deduces [ap] = 7/3.
	// encoding of "[ap - 1] = [ap] * 3": dst ap-1, op0 ap+0, op1 imm, res mul, assert_eq.
	// flags: op1 imm (bit 2), res mul (bit 6), assert_eq (bit 14) = 0x4044.
	w := uint64(0x4044)<<48 | uint64(0x8001)<<32 | uint64(0x8000)<<16 | 0x7fff
	words := []uint64{0x480680017fff8000, 7, w, 3}
	st := newState(t, words, frame)
	if err := New().RunUntilPC(st, vm.Relocatable{Offset: 4}, 0); err != nil {
		t.Fatal(err)
	}
	got := st.Mem.Get(st.AP)
	seven, three := asm.FeltFromUint64(7), asm.FeltFromUint64(3)
	var want asm.Felt
	want.Div(&seven, &three)
	f := got.Felt()
	var back asm.Felt
	back.Mul(&f, &three)
	if !got.IsFelt() || f != want || back != seven {
		t.Fatalf("deduced op0 = %v, want 7/3", got)
	}
}

// A predecoded program run by a shared engine gives what the lazily
// decoding engine gives, run after run on fresh states.
func TestSharedEngineMatchesLazy(t *testing.T) {
	const n = 200
	words, _ := fibLoop(n)
	code := make([]asm.Felt, len(words))
	for i, w := range words {
		code[i] = w.Felt()
	}
	d := Predecode(code, nil)
	for run := range 3 {
		want, end := loopState(t, n, true)
		if err := New().RunUntilPC(want, end, 0); err != nil {
			t.Fatal(err)
		}
		got, end := loopState(t, n, true)
		if err := NewShared(d).RunUntilPC(got, end, 0); err != nil {
			t.Fatal(err)
		}
		if got.Steps != want.Steps || got.AP != want.AP || got.FP != want.FP || got.PC != want.PC {
			t.Fatalf("run %d: shared engine ended at steps %d ap %s, lazy at steps %d ap %s", run, got.Steps, got.AP, want.Steps, want.AP)
		}
		for off := range want.AP.Offset {
			a := want.ExecBase.Add(off)
			if g, w := got.Mem.Get(a), want.Mem.Get(a); !g.Equal(w) && (g.Known() || w.Known()) {
				t.Fatalf("run %d: cell %s = %s, want %s", run, a, g, w)
			}
		}
		if len(got.Trace) != len(want.Trace) {
			t.Fatalf("trace lengths %d and %d", len(got.Trace), len(want.Trace))
		}
	}
}
