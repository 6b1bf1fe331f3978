package interp

import (
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/vm"
)

// word encodes an instruction from its offsets and flag bits (whitepaper
// layout: three biased 16-bit offsets, then the 15 flags).
func word(offDst, offOp0, offOp1 int, flags uint64) uint64 {
	return flags<<48 | uint64(offOp1+0x8000)<<32 | uint64(offOp0+0x8000)<<16 | uint64(offDst+0x8000)
}

const (
	fDstFP   = 1 << 0
	fOp0FP   = 1 << 1
	fOp1Imm  = 1 << 2
	fOp1AP   = 1 << 4
	fResAdd  = 1 << 5
	fJnz     = 1 << 9
	fAPAdd1  = 1 << 11
	fAssert  = 1 << 14
	minusOne = ^uint64(0) // marker: the immediate P-1
)

// fibLoop computes fib by a loop of 4 instructions per iteration over a
// frame (a, b, n) at [ap-3], [ap-2], [ap-1].
func fibLoop(n uint64) ([]vm.Value, int) {
	words := []uint64{
		word(0, -1, 1, fAssert|fAPAdd1|fOp1Imm|fOp0FP), 1, // [ap] = 1, ap++
		word(0, -1, 1, fAssert|fAPAdd1|fOp1Imm|fOp0FP), 1, // [ap] = 1, ap++
		word(0, -1, 1, fAssert|fAPAdd1|fOp1Imm|fOp0FP), n, // [ap] = n, ap++
		word(0, -1, -2, fAssert|fAPAdd1|fOp1AP|fOp0FP),            // 6: [ap] = [ap-2], ap++
		word(0, -4, -3, fAssert|fAPAdd1|fOp1AP|fResAdd),           // 7: [ap] = [ap-4] + [ap-3], ap++
		word(0, -3, 1, fAssert|fAPAdd1|fOp1Imm|fResAdd), minusOne, // 8: [ap] = [ap-3] - 1, ap++
		word(-1, -1, 1, fJnz|fOp1Imm|fOp0FP), minusOne - 3, // 10: jmp rel -4 if [ap-1] != 0
	}
	vals := make([]vm.Value, len(words))
	for i, w := range words {
		switch {
		case w >= minusOne-3:
			f := asm.FeltFromInt64(-int64(minusOne - w + 1))
			vals[i] = vm.FeltValue(f)
		default:
			vals[i] = vm.IntValue(w)
		}
	}
	return vals, len(words)
}

func loopState(tb testing.TB, n uint64, trace bool) (*vm.State, vm.Relocatable) {
	words, end := fibLoop(n)
	m := vm.NewMemory()
	prog, exec := m.AddSegment(), m.AddSegment()
	for i, v := range words {
		if err := m.Write(prog.Add(i), v); err != nil {
			tb.Fatal(err)
		}
	}
	for i, v := range frame {
		if err := m.Write(exec.Add(i), v); err != nil {
			tb.Fatal(err)
		}
	}
	st := &vm.State{Mem: m, PC: prog, AP: exec.Add(2), FP: exec.Add(2), ProgramBase: prog, ExecBase: exec, TraceOn: trace}
	return st, prog.Add(end)
}

func TestFibLoop(t *testing.T) {
	const n = 300
	st, end := loopState(t, n, false)
	if err := New().RunUntilPC(st, end, 0); err != nil {
		t.Fatal(err)
	}
	if want := 3 + 4*n; st.Steps != want {
		t.Fatalf("steps %d, want %d", st.Steps, want)
	}
	// After n iterations the frame holds (fib(n+1), fib(n+2), 0) with
	// fib(1) = fib(2) = 1; compute independently.
	a, b := asm.FeltFromUint64(1), asm.FeltFromUint64(1)
	for range n {
		var c asm.Felt
		c.Add(&a, &b)
		a, b = b, c
	}
	if got := st.Mem.Get(st.AP.Add(-2)); got.Felt() != b {
		t.Fatalf("b = %v, want %v", got, b)
	}
}

func benchLoop(b *testing.B, trace bool) {
	const n = 250_000
	steps := 0
	for b.Loop() {
		st, end := loopState(b, n, trace)
		if err := New().RunUntilPC(st, end, 0); err != nil {
			b.Fatal(err)
		}
		steps += st.Steps
	}
	b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "steps/s")
}

func BenchmarkFibLoop(b *testing.B)      { benchLoop(b, false) }
func BenchmarkFibLoopTrace(b *testing.B) { benchLoop(b, true) }
