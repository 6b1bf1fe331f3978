package feltwasm_test

import (
	"context"
	"encoding/binary"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/internal/wazeroengines"
	"github.com/cairn-vm/cairn/jit/feltwasm"
	"github.com/cairn-vm/cairn/jit/wasm"
)

// engines lists the wazero engines to run modules on.
func engines() []wazeroengines.Engine { return wazeroengines.All() }

var (
	sig3   = wasm.FuncType{Params: []wasm.ValType{wasm.I32, wasm.I32, wasm.I32}}
	sig1   = wasm.FuncType{Params: []wasm.ValType{wasm.I32}}
	sigCmp = wasm.FuncType{Params: []wasm.ValType{wasm.I32, wasm.I32}, Results: []wasm.ValType{wasm.I32}}
	sigIsZ = wasm.FuncType{Params: []wasm.ValType{wasm.I32}, Results: []wasm.ValType{wasm.I32}}
)

// binop is an inline emitter of dst = a op b.
type binop func(e *feltwasm.Emitter, c *wasm.Code, dst, a, b feltwasm.Addr)

var (
	emitAdd binop = (*feltwasm.Emitter).Add
	emitSub binop = (*feltwasm.Emitter).Sub
	emitMul binop = (*feltwasm.Emitter).Mul
)

// chainOffsets are the felts the "chain" function works on, relative to its
// one argument: it computes several results through one Emitter with
// static offsets, as the JIT's straight-line code will.
func emitChain(e *feltwasm.Emitter, c *wasm.Code) {
	at := func(i uint32) feltwasm.Addr { return feltwasm.At(0, 32*i) }
	e.Mul(c, at(2), at(0), at(1))  // x2 = x0·x1
	e.Add(c, at(3), at(2), at(0))  // x3 = x2 + x0
	e.Sub(c, at(4), at(3), at(1))  // x4 = x3 - x1
	e.Mul(c, at(4), at(4), at(4))  // x4 = x4²
	e.Add(c, at(5), at(4), at(4))  // x5 = 2·x4
	e.Sub(c, at(5), at(0), at(5))  // x5 = x0 - x5
	feltwasm.Copy(c, at(6), at(5)) // x6 = x5
	e.Mul(c, at(6), at(1), at(6))  // x6 = x1·x6
}

func chainGo(x []asm.Felt) {
	x[2].Mul(&x[0], &x[1])
	x[3].Add(&x[2], &x[0])
	x[4].Sub(&x[3], &x[1])
	x[4].Mul(&x[4], &x[4])
	x[5].Add(&x[4], &x[4])
	x[5].Sub(&x[0], &x[5])
	x[6] = x[5]
	x[6].Mul(&x[1], &x[6])
}

// testModule builds a module exporting one function per operation, each
// taking the i32 addresses of its operands.
func testModule(tb testing.TB) []byte {
	tb.Helper()
	m := wasm.NewModule()
	if err := m.AddMemory(wasm.Limits{Min: 1}); err != nil {
		tb.Fatal(err)
	}
	mulf, err := feltwasm.AddMulFunc(m)
	if err != nil {
		tb.Fatal(err)
	}
	export := func(name string, sig wasm.FuncType, emit func(e *feltwasm.Emitter, c *wasm.Code)) {
		l := feltwasm.NewLocals(len(sig.Params))
		e := feltwasm.NewEmitter(l.New)
		var c wasm.Code
		emit(e, &c)
		c.End()
		f, err := m.AddFunction(sig, l.Types(), &c)
		if err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		if err := m.AddExport(name, wasm.ExternFunc, uint32(f)); err != nil {
			tb.Fatal(err)
		}
	}
	for name, op := range map[string]binop{"add": emitAdd, "sub": emitSub, "mul": emitMul} {
		export(name, sig3, func(e *feltwasm.Emitter, c *wasm.Code) {
			op(e, c, feltwasm.At(0, 0), feltwasm.At(1, 0), feltwasm.At(2, 0))
		})
	}
	export("mulf", sig3, func(_ *feltwasm.Emitter, c *wasm.Code) {
		feltwasm.CallMul(c, mulf, feltwasm.At(0, 0), feltwasm.At(1, 0), feltwasm.At(2, 0))
	})
	// mulf_off calls felt_mul with static offsets: [x+64] = [x] · [x+32].
	export("mulf_off", sig1, func(_ *feltwasm.Emitter, c *wasm.Code) {
		feltwasm.CallMul(c, mulf, feltwasm.At(0, 64), feltwasm.At(0, 0), feltwasm.At(0, 32))
	})
	export("chain", sig1, emitChain)
	export("eq", sigCmp, func(_ *feltwasm.Emitter, c *wasm.Code) {
		feltwasm.Equal(c, feltwasm.At(0, 0), feltwasm.At(1, 0))
	})
	export("iszero", sigIsZ, func(_ *feltwasm.Emitter, c *wasm.Code) {
		feltwasm.IsZero(c, feltwasm.At(0, 0))
	})
	for i, v := range constFelts() {
		export("const"+string(rune('0'+i)), sig1, func(_ *feltwasm.Emitter, c *wasm.Code) {
			feltwasm.Const(c, feltwasm.At(0, 8), v)
		})
	}
	bin, err := m.Encode()
	if err != nil {
		tb.Fatal(err)
	}
	return bin
}

func constFelts() []asm.Felt {
	return []asm.Felt{{}, asm.One(), asm.FeltFromInt64(-1), mont(0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0x0800000000000010)}
}

// vm is a module instance with helpers to move felts in and out.
type vm struct {
	tb  testing.TB
	ctx context.Context
	mod api.Module
	mem api.Memory
	fns map[string]api.Function
}

func newVM(tb testing.TB, ctx context.Context, r wazero.Runtime, bin []byte) *vm {
	tb.Helper()
	mod, err := r.Instantiate(ctx, bin)
	if err != nil {
		tb.Fatal(err)
	}
	return &vm{tb: tb, ctx: ctx, mod: mod, mem: mod.Memory(), fns: map[string]api.Function{}}
}

func (v *vm) put(addr uint32, x asm.Felt) {
	var b [32]byte
	for i, l := range feltwasm.Limbs(x) {
		binary.LittleEndian.PutUint64(b[8*i:], l)
	}
	if !v.mem.Write(addr, b[:]) {
		v.tb.Fatalf("write at %d", addr)
	}
}

func (v *vm) get(addr uint32) asm.Felt {
	b, ok := v.mem.Read(addr, 32)
	if !ok {
		v.tb.Fatalf("read at %d", addr)
	}
	var l [4]uint64
	for i := range l {
		l[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return asm.Felt(l)
}

func (v *vm) call(name string, args ...uint64) []uint64 {
	f := v.fns[name]
	if f == nil {
		if f = v.mod.ExportedFunction(name); f == nil {
			v.tb.Fatalf("no export %q", name)
		}
		v.fns[name] = f
	}
	res, err := f.Call(v.ctx, args...)
	if err != nil {
		v.tb.Fatalf("%s%v: %v", name, args, err)
	}
	return res
}

// mont returns the felt whose Montgomery limbs are l (which must be < P).
func mont(l0, l1, l2, l3 uint64) asm.Felt { return asm.Felt{l0, l1, l2, l3} }

func pow2(n uint) asm.Felt { return asm.FeltFromBig(new(big.Int).Lsh(big.NewInt(1), n)) }

// edgeFelts are values at the boundaries of the limbs and of the field.
func edgeFelts() []asm.Felt {
	const ones = ^uint64(0)
	return []asm.Felt{
		asm.FeltFromUint64(0), asm.FeltFromUint64(1), asm.FeltFromUint64(2),
		asm.FeltFromInt64(-1), asm.FeltFromInt64(-2), asm.FeltFromUint64(ones),
		pow2(64), pow2(128), pow2(192), pow2(250), pow2(251), asm.FeltFromInt64(-(1 << 62)),
		// Montgomery limbs at their extremes.
		mont(1, 0, 0, 0), mont(ones, 0, 0, 0), mont(ones, ones, 0, 0), mont(ones, ones, ones, 0),
		mont(ones, ones, ones, 0x0800000000000010), mont(0, 0, 0, 0x0800000000000011),
		mont(0, 0, 0, 0x0800000000000010), mont(0, ones, 0, 0x0800000000000011),
		mont(ones, 0, ones, 0x0800000000000010), mont(0, 0, 0, 1), mont(0, 0, 1, 0),
		mont(0x0fffffff, 0, 0, 0x07ffffffffffffff),
	}
}

// randFelt draws Montgomery limbs uniformly below P.
func randFelt(rng *rand.Rand) asm.Felt {
	for {
		x := mont(rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64()>>4)
		if valid(x) {
			return x
		}
	}
}

// valid reports whether x's Montgomery limbs are below P.
func valid(x asm.Felt) bool {
	l := feltwasm.Limbs(x)
	p := [4]uint64{1, 0, 0, 0x0800000000000011}
	for i := 3; i >= 0; i-- {
		if l[i] != p[i] {
			return l[i] < p[i]
		}
	}
	return false
}

// testPairs returns every pair of edge values and n random pairs.
func testPairs(n int) [][2]asm.Felt {
	edges := edgeFelts()
	var ps [][2]asm.Felt
	for _, a := range edges {
		for _, b := range edges {
			ps = append(ps, [2]asm.Felt{a, b})
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < n; i++ {
		a := randFelt(rng)
		b := randFelt(rng)
		if i%16 == 0 {
			b = a
		}
		ps = append(ps, [2]asm.Felt{a, b})
	}
	return ps
}

type goOp struct {
	name string
	fn   func(z, x, y *asm.Felt) *asm.Felt
}

var goOps = []goOp{
	{"add", (*asm.Felt).Add},
	{"sub", (*asm.Felt).Sub},
	{"mul", (*asm.Felt).Mul},
	{"mulf", (*asm.Felt).Mul},
}

// checkOp runs the wasm op on (a, b) into a fresh slot and in both aliased
// forms (dst = a, dst = b), and compares each with Go.
func checkOp(tb testing.TB, v *vm, op goOp, a, b asm.Felt) {
	tb.Helper()
	var want asm.Felt
	op.fn(&want, &a, &b)
	const A, B, D = 0, 32, 96
	v.put(A, a)
	v.put(B, b)
	v.call(op.name, D, A, B)
	if got := v.get(D); got != want {
		tb.Fatalf("%s(%v, %v) = %v (limbs %x), want %v (limbs %x)", op.name, a, b, got, feltwasm.Limbs(got), want, feltwasm.Limbs(want))
	}
	if v.get(A) != a || v.get(B) != b {
		tb.Fatalf("%s(%v, %v) changed an operand", op.name, a, b)
	}
	v.call(op.name, A, A, B) // dst == a
	if got := v.get(A); got != want {
		tb.Fatalf("%s(%v, %v) into a = %v, want %v", op.name, a, b, got, want)
	}
	v.put(A, a)
	v.call(op.name, B, A, B) // dst == b
	if got := v.get(B); got != want {
		tb.Fatalf("%s(%v, %v) into b = %v, want %v", op.name, a, b, got, want)
	}
	// a op a with every address the same.
	op.fn(&want, &a, &a)
	v.call(op.name, A, A, A)
	if got := v.get(A); got != want {
		tb.Fatalf("%s(%v, %v) in place = %v, want %v", op.name, a, a, got, want)
	}
}

func forEachEngine(t *testing.T, fn func(t *testing.T, v *vm)) {
	bin := testModule(t)
	for _, e := range engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			r := wazero.NewRuntimeWithConfig(ctx, e.Config())
			defer r.Close(ctx)
			fn(t, newVM(t, ctx, r, bin))
		})
	}
}

func TestArith(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	pairs := testPairs(n)
	forEachEngine(t, func(t *testing.T, v *vm) {
		for _, op := range goOps {
			t.Run(op.name, func(t *testing.T) {
				for _, p := range pairs {
					checkOp(t, v, op, p[0], p[1])
				}
			})
		}
	})
}

func TestMulOffsets(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	forEachEngine(t, func(t *testing.T, v *vm) {
		const base = 1000 // not 8-byte aligned: the loads are unaligned anyway
		for i := 0; i < 200; i++ {
			a, b := randFelt(rng), randFelt(rng)
			v.put(base, a)
			v.put(base+32, b)
			v.call("mulf_off", base)
			var want asm.Felt
			want.Mul(&a, &b)
			if got := v.get(base + 64); got != want {
				t.Fatalf("mulf_off(%v, %v) = %v, want %v", a, b, got, want)
			}
		}
	})
}

// TestChain runs several operations through one Emitter, so that they
// share scratch locals, on felts addressed by static offsets.
func TestChain(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	edges := edgeFelts()
	forEachEngine(t, func(t *testing.T, v *vm) {
		const base = 256
		for i := 0; i < 500; i++ {
			x := make([]asm.Felt, 7)
			x[0], x[1] = randFelt(rng), randFelt(rng)
			if i < len(edges) {
				x[0] = edges[i]
				x[1] = edges[len(edges)-1-i]
			}
			for j := range x {
				v.put(base+32*uint32(j), x[j])
			}
			v.call("chain", base)
			chainGo(x)
			for j := range x {
				if got := v.get(base + 32*uint32(j)); got != x[j] {
					t.Fatalf("chain %d: x%d = %v, want %v", i, j, got, x[j])
				}
			}
		}
	})
}

func TestEqualIsZero(t *testing.T) {
	pairs := testPairs(200)
	forEachEngine(t, func(t *testing.T, v *vm) {
		for _, p := range pairs {
			a, b := p[0], p[1]
			v.put(0, a)
			v.put(32, b)
			if got, want := v.call("eq", 0, 32)[0] == 1, a.Equal(&b); got != want {
				t.Fatalf("Equal(%v, %v) = %v", a, b, got)
			}
			if got := v.call("eq", 0, 0)[0]; got != 1 {
				t.Fatalf("Equal(%v, itself) = %d", a, got)
			}
			if got, want := v.call("iszero", 0)[0] == 1, a.IsZero(); got != want {
				t.Fatalf("IsZero(%v) = %v", a, got)
			}
		}
		// Felts differing in one limb only.
		for i := 0; i < 4; i++ {
			var a, b [4]uint64
			b[i] = 1 << (13 * i)
			v.put(0, asm.Felt(a))
			v.put(32, asm.Felt(b))
			if v.call("eq", 0, 32)[0] != 0 || v.call("iszero", 32)[0] != 0 || v.call("iszero", 0)[0] != 1 {
				t.Fatalf("limb %d: Equal/IsZero wrong", i)
			}
		}
	})
}

func TestConst(t *testing.T) {
	forEachEngine(t, func(t *testing.T, v *vm) {
		for i, want := range constFelts() {
			v.put(8, asm.FeltFromUint64(12345))
			v.call("const"+string(rune('0'+i)), 0)
			if got := v.get(8); got != want {
				t.Fatalf("Const(%v) stored %v", want, got)
			}
		}
	})
}

// TestLocals checks that an Emitter reserves its scratch locals once and
// that Locals numbers them after the parameters.
func TestLocals(t *testing.T) {
	l := feltwasm.NewLocals(3)
	if i := l.New(wasm.I32); i != 3 {
		t.Fatalf("first local = %d, want 3", i)
	}
	e := feltwasm.NewEmitter(l.New)
	var c wasm.Code
	e.Add(&c, feltwasm.At(0, 0), feltwasm.At(1, 0), feltwasm.At(2, 0))
	if n := len(e.ScratchLocals()); n != feltwasm.AddSubScratch {
		t.Fatalf("after Add: %d scratch locals", n)
	}
	e.Mul(&c, feltwasm.At(0, 0), feltwasm.At(1, 0), feltwasm.At(2, 0))
	e.Sub(&c, feltwasm.At(0, 0), feltwasm.At(1, 0), feltwasm.At(2, 0))
	e.Mul(&c, feltwasm.At(0, 0), feltwasm.At(1, 0), feltwasm.At(2, 0))
	if n := len(e.ScratchLocals()); n != feltwasm.MulScratch {
		t.Fatalf("after Mul: %d scratch locals, want %d", n, feltwasm.MulScratch)
	}
	// The caller's i32, the Emitter's i32s, then its i64s.
	types := l.Types()
	if got := len(types); got != 1+feltwasm.ScratchI32+feltwasm.MulScratch {
		t.Fatalf("%d locals declared", got)
	}
	for i, ty := range types {
		if want := wasm.I32; i > feltwasm.ScratchI32 && ty != wasm.I64 || i <= feltwasm.ScratchI32 && ty != want {
			t.Fatalf("local types %v", types)
		}
	}
	if got, want := e.ScratchLocals()[0], uint32(4+feltwasm.ScratchI32); got != want {
		t.Fatalf("i64 scratch starts at %d, want %d", got, want)
	}
}

// FuzzArith compares the wasm operations with asm.Felt on arbitrary input,
// read both as integers reduced mod P and as raw Montgomery limbs (kept
// when below P).
func FuzzArith(f *testing.F) {
	f.Add(make([]byte, 64))
	f.Add([]byte{1})
	for _, p := range testPairs(0)[:40] {
		b := p[0].BytesLE()
		c := p[1].BytesLE()
		f.Add(append(b[:], c[:]...))
	}
	bin := testModule(f)
	e := engines()[0]
	ctx := context.Background()
	r := wazero.NewRuntimeWithConfig(ctx, e.Config())
	f.Cleanup(func() { r.Close(ctx) })
	v := newVM(f, ctx, r, bin)
	f.Fuzz(func(t *testing.T, data []byte) {
		v.tb = t
		var buf [64]byte
		copy(buf[:], data)
		var in [2]asm.Felt
		for i := range in {
			in[i] = asm.FeltFromBytesLE(buf[32*i : 32*i+32])
		}
		for _, op := range goOps {
			checkOp(t, v, op, in[0], in[1])
		}
		var raw [2]asm.Felt
		for i := range raw {
			var l [4]uint64
			for j := range l {
				l[j] = binary.LittleEndian.Uint64(buf[32*i+8*j:])
			}
			raw[i] = asm.Felt(l)
			if !valid(raw[i]) {
				return
			}
		}
		for _, op := range goOps {
			checkOp(t, v, op, raw[0], raw[1])
		}
	})
}
