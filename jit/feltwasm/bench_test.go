package feltwasm_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/jit/feltwasm"
	"github.com/cairn-vm/cairn/jit/wasm"
)

// benchUnroll is how many operations one loop iteration of a benchmark
// function runs, so that the loop's own cost is spread thin.
const benchUnroll = 8

// benchSlots is the number of independent accumulators of the "indep"
// benchmarks: x_i = x_i op y for i < benchSlots, which lets consecutive
// operations overlap, against the "chain" benchmarks' x = x op y, where each
// waits for the previous one's result.
const benchSlots = 4

// benchModule exports, for each operation and shape, a function
// (n, base i32) that runs n·benchUnroll operations on felts at base: the
// accumulators at base+32i and y after them.
func benchModule(tb testing.TB) []byte {
	m := wasm.NewModule()
	if err := m.AddMemory(wasm.Limits{Min: 1}); err != nil {
		tb.Fatal(err)
	}
	mulf, err := feltwasm.AddMulFunc(m)
	if err != nil {
		tb.Fatal(err)
	}
	sig := wasm.FuncType{Params: []wasm.ValType{wasm.I32, wasm.I32}}
	ops := map[string]func(e *feltwasm.Emitter, c *wasm.Code, dst, a, b feltwasm.Addr){
		"add": (*feltwasm.Emitter).Add,
		"sub": (*feltwasm.Emitter).Sub,
		"mul": (*feltwasm.Emitter).Mul,
		"mulf": func(_ *feltwasm.Emitter, c *wasm.Code, dst, a, b feltwasm.Addr) {
			feltwasm.CallMul(c, mulf, dst, a, b)
		},
	}
	for name, op := range ops {
		for _, slots := range []int{1, benchSlots} {
			l := feltwasm.NewLocals(2)
			e := feltwasm.NewEmitter(l.New)
			var c wasm.Code
			c.Block(wasm.BlockEmpty)
			c.Loop(wasm.BlockEmpty)
			c.LocalGet(0)
			c.I32Eqz()
			c.BrIf(1)
			y := feltwasm.At(1, 32*benchSlots)
			for i := 0; i < benchUnroll; i++ {
				x := feltwasm.At(1, 32*uint32(i%slots))
				op(e, &c, x, x, y)
			}
			c.LocalGet(0)
			c.I32Const(1)
			c.I32Sub()
			c.LocalSet(0)
			c.Br(0)
			c.End()
			c.End()
			c.End()
			f, err := m.AddFunction(sig, l.Types(), &c)
			if err != nil {
				tb.Fatal(err)
			}
			if err := m.AddExport(benchName(name, slots), wasm.ExternFunc, uint32(f)); err != nil {
				tb.Fatal(err)
			}
		}
	}
	bin, err := m.Encode()
	if err != nil {
		tb.Fatal(err)
	}
	return bin
}

func benchName(op string, slots int) string {
	if slots == 1 {
		return op + "_chain"
	}
	return op + "_indep"
}

// BenchmarkWasm measures one field operation executed inside wasm, the
// Go->wasm call amortised over b.N operations; ns/op is per operation.
func BenchmarkWasm(b *testing.B) {
	bin := benchModule(b)
	for _, e := range engines() {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			r := wazero.NewRuntimeWithConfig(ctx, e.Config())
			defer r.Close(ctx)
			v := newVM(b, ctx, r, bin)
			for _, op := range []string{"add", "sub", "mul", "mulf"} {
				for _, slots := range []int{1, benchSlots} {
					name := benchName(op, slots)
					b.Run(name, func(b *testing.B) {
						rng := rand.New(rand.NewPCG(7, 8))
						for i := 0; i <= benchSlots; i++ {
							v.put(32*uint32(i), randFelt(rng))
						}
						f := v.mod.ExportedFunction(name)
						b.ResetTimer()
						if _, err := f.Call(ctx, uint64((b.N+benchUnroll-1)/benchUnroll), 0); err != nil {
							b.Fatal(err)
						}
					})
				}
			}
		})
	}
}

// BenchmarkGo measures asm.Felt's operations in the same shapes, for
// comparison in the same run.
func BenchmarkGo(b *testing.B) {
	ops := []struct {
		name string
		fn   func(z, x, y *asm.Felt) *asm.Felt
	}{{"add", (*asm.Felt).Add}, {"sub", (*asm.Felt).Sub}, {"mul", (*asm.Felt).Mul}}
	for _, op := range ops {
		for _, slots := range []int{1, benchSlots} {
			b.Run(benchName(op.name, slots), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(7, 8))
				var x [benchSlots]asm.Felt
				for i := range x {
					x[i] = randFelt(rng)
				}
				y := randFelt(rng)
				for i := 0; i < b.N; i++ {
					z := &x[i%slots]
					op.fn(z, z, &y)
				}
				sink = x[0]
			})
		}
	}
}

var sink asm.Felt
