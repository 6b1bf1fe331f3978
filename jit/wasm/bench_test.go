package wasm_test

import (
	"testing"

	"github.com/cairn-vm/cairn/jit/wasm"
)

const (
	benchFuncs  = 1000
	benchInstrs = 100
)

// benchBody emits a body of exactly benchInstrs instructions (the final
// end included) mixing arithmetic, locals, stores and a branch.
func benchBody(c *wasm.Code, k int) {
	for r := 0; r < 9; r++ {
		c.I32Const(int32(8 * r))
		c.LocalGet(0)
		c.I64Const(int64(k*1_000_003 + r))
		c.I64Mul()
		c.LocalGet(1)
		c.I64Xor()
		c.LocalTee(1)
		c.I64Store(wasm.MemArg{Align: 3, Offset: uint32(8 * k)})
		c.LocalGet(1)
		c.LocalSet(0)
	}
	c.Block(wasm.BlockEmpty)
	c.LocalGet(0)
	c.I64Eqz()
	c.BrIf(0)
	c.End()
	c.LocalGet(1)
	c.I64Const(1)
	c.I64Add()
	c.Nop()
	c.End()
}

func benchModule(tb testing.TB) *wasm.Module {
	m := wasm.NewModule()
	if err := m.AddMemory(wasm.Limits{Min: 1}); err != nil {
		tb.Fatal(err)
	}
	s := sig(vt(wasm.I64), wasm.I64)
	for k := 0; k < benchFuncs; k++ {
		c := &wasm.Code{}
		benchBody(c, k)
		if c.Instructions() != benchInstrs {
			tb.Fatalf("body has %d instructions", c.Instructions())
		}
		if _, err := m.AddFunction(s, vt(wasm.I64), c); err != nil {
			tb.Fatal(err)
		}
	}
	return m
}

// TestBenchModule checks that the benchmark's module is valid and runs.
func TestBenchModule(t *testing.T) {
	m := benchModule(t)
	if err := m.AddExport("f7", wasm.ExternFunc, 7); err != nil {
		t.Fatal(err)
	}
	bin := mustEncode(t, m)
	if err := wazeroCompile(bin); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkEncode encodes (validation included) a prebuilt module of
// 1,000 functions of 100 instructions each.
func BenchmarkEncode(b *testing.B) {
	m := benchModule(b)
	bin, err := m.Encode()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(bin)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Encode(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildAndEncode also emits the 100,000 instructions.
func BenchmarkBuildAndEncode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := benchModule(b).Encode(); err != nil {
			b.Fatal(err)
		}
	}
}
