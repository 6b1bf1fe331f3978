package wasm_test

import (
	"context"
	"encoding/binary"
	"math"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/cairn-vm/cairn/jit/wasm"
)

// Behaviour tests: modules built with the package run in wazero, and
// every expected value is computed in Go.

func goFib(n uint64) uint64 {
	a, b := uint64(0), uint64(1)
	for ; n > 0; n-- {
		a, b = b, a+b
	}
	return a
}

func TestFib(t *testing.T) {
	m := wasm.NewModule()
	i64toi64 := sig(vt(wasm.I64), wasm.I64)

	// Iterative: locals n(0) a(1) b(2) tmp(3), labels from the helper.
	var c wasm.Code
	c.I64Const(0)
	c.LocalSet(1)
	c.I64Const(1)
	c.LocalSet(2)
	done := c.Block(wasm.BlockEmpty)
	loop := c.Loop(wasm.BlockEmpty)
	c.LocalGet(0)
	c.I64Eqz()
	c.BrIfTo(done)
	c.LocalGet(1)
	c.LocalGet(2)
	c.I64Add()
	c.LocalSet(3)
	c.LocalGet(2)
	c.LocalSet(1)
	c.LocalGet(3)
	c.LocalSet(2)
	c.LocalGet(0)
	c.I64Const(1)
	c.I64Sub()
	c.LocalSet(0)
	c.BrTo(loop)
	c.End()
	c.End()
	c.LocalGet(1)
	c.End()
	exportFunc(t, m, "fib", i64toi64, vt(wasm.I64, wasm.I64, wasm.I64), &c)

	// Recursive, declared before its body so that it can call itself.
	rec, err := m.DeclareFunction(i64toi64)
	if err != nil {
		t.Fatal(err)
	}
	var r wasm.Code
	r.LocalGet(0)
	r.I64Const(2)
	r.I64LtU()
	r.If(wasm.BlockValue(wasm.I64))
	r.LocalGet(0)
	r.Else()
	r.LocalGet(0)
	r.I64Const(1)
	r.I64Sub()
	r.Call(rec)
	r.LocalGet(0)
	r.I64Const(2)
	r.I64Sub()
	r.Call(rec)
	r.I64Add()
	r.End()
	r.End()
	if err := m.DefineFunction(rec, nil, &r); err != nil {
		t.Fatal(err)
	}
	if err := m.AddExport("fibrec", wasm.ExternFunc, uint32(rec)); err != nil {
		t.Fatal(err)
	}

	forEachEngine(t, func(t *testing.T, ctx context.Context, rt wazero.Runtime) {
		mod := instantiate(t, ctx, rt, m, "fib")
		for _, n := range []uint64{0, 1, 2, 3, 10, 50, 90, 93, 94, 200, 1000} {
			if got, want := call(t, ctx, mod, "fib", n)[0], goFib(n); got != want {
				t.Errorf("fib(%d) = %d, want %d", n, got, want)
			}
		}
		for n := uint64(0); n <= 20; n++ {
			if got, want := call(t, ctx, mod, "fibrec", n)[0], goFib(n); got != want {
				t.Errorf("fibrec(%d) = %d, want %d", n, got, want)
			}
		}
	})
}

type binCase struct {
	name string
	emit func(*wasm.Code)
	cmp  bool // result is an i32 boolean
	// want returns the expected result and whether the operation is
	// defined (false where wasm traps).
	want func(a, b uint64) (uint64, bool)
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func ok(v uint64) (uint64, bool) { return v, true }

var i64Bin = []binCase{
	{"add", (*wasm.Code).I64Add, false, func(a, b uint64) (uint64, bool) { return ok(a + b) }},
	{"sub", (*wasm.Code).I64Sub, false, func(a, b uint64) (uint64, bool) { return ok(a - b) }},
	{"mul", (*wasm.Code).I64Mul, false, func(a, b uint64) (uint64, bool) { return ok(a * b) }},
	{"div_u", (*wasm.Code).I64DivU, false, func(a, b uint64) (uint64, bool) {
		if b == 0 {
			return 0, false
		}
		return ok(a / b)
	}},
	{"rem_u", (*wasm.Code).I64RemU, false, func(a, b uint64) (uint64, bool) {
		if b == 0 {
			return 0, false
		}
		return ok(a % b)
	}},
	{"div_s", (*wasm.Code).I64DivS, false, func(a, b uint64) (uint64, bool) {
		if b == 0 || (int64(a) == math.MinInt64 && int64(b) == -1) {
			return 0, false
		}
		return ok(uint64(int64(a) / int64(b)))
	}},
	{"rem_s", (*wasm.Code).I64RemS, false, func(a, b uint64) (uint64, bool) {
		if b == 0 {
			return 0, false
		}
		return ok(uint64(int64(a) % int64(b)))
	}},
	{"and", (*wasm.Code).I64And, false, func(a, b uint64) (uint64, bool) { return ok(a & b) }},
	{"or", (*wasm.Code).I64Or, false, func(a, b uint64) (uint64, bool) { return ok(a | b) }},
	{"xor", (*wasm.Code).I64Xor, false, func(a, b uint64) (uint64, bool) { return ok(a ^ b) }},
	{"shl", (*wasm.Code).I64Shl, false, func(a, b uint64) (uint64, bool) { return ok(a << (b & 63)) }},
	{"shr_u", (*wasm.Code).I64ShrU, false, func(a, b uint64) (uint64, bool) { return ok(a >> (b & 63)) }},
	{"shr_s", (*wasm.Code).I64ShrS, false, func(a, b uint64) (uint64, bool) { return ok(uint64(int64(a) >> (b & 63))) }},
	{"rotl", (*wasm.Code).I64Rotl, false, func(a, b uint64) (uint64, bool) { return ok(bits.RotateLeft64(a, int(b&63))) }},
	{"rotr", (*wasm.Code).I64Rotr, false, func(a, b uint64) (uint64, bool) { return ok(bits.RotateLeft64(a, -int(b&63))) }},
	{"eq", (*wasm.Code).I64Eq, true, func(a, b uint64) (uint64, bool) { return ok(b2u(a == b)) }},
	{"ne", (*wasm.Code).I64Ne, true, func(a, b uint64) (uint64, bool) { return ok(b2u(a != b)) }},
	{"lt_u", (*wasm.Code).I64LtU, true, func(a, b uint64) (uint64, bool) { return ok(b2u(a < b)) }},
	{"gt_u", (*wasm.Code).I64GtU, true, func(a, b uint64) (uint64, bool) { return ok(b2u(a > b)) }},
	{"le_u", (*wasm.Code).I64LeU, true, func(a, b uint64) (uint64, bool) { return ok(b2u(a <= b)) }},
	{"ge_u", (*wasm.Code).I64GeU, true, func(a, b uint64) (uint64, bool) { return ok(b2u(a >= b)) }},
	{"lt_s", (*wasm.Code).I64LtS, true, func(a, b uint64) (uint64, bool) { return ok(b2u(int64(a) < int64(b))) }},
	{"gt_s", (*wasm.Code).I64GtS, true, func(a, b uint64) (uint64, bool) { return ok(b2u(int64(a) > int64(b))) }},
	{"le_s", (*wasm.Code).I64LeS, true, func(a, b uint64) (uint64, bool) { return ok(b2u(int64(a) <= int64(b))) }},
	{"ge_s", (*wasm.Code).I64GeS, true, func(a, b uint64) (uint64, bool) { return ok(b2u(int64(a) >= int64(b))) }},
}

// i32 cases take and return the low 32 bits.
var i32Bin = []binCase{
	{"add", (*wasm.Code).I32Add, false, func(a, b uint64) (uint64, bool) { return ok(uint64(uint32(a) + uint32(b))) }},
	{"sub", (*wasm.Code).I32Sub, false, func(a, b uint64) (uint64, bool) { return ok(uint64(uint32(a) - uint32(b))) }},
	{"mul", (*wasm.Code).I32Mul, false, func(a, b uint64) (uint64, bool) { return ok(uint64(uint32(a) * uint32(b))) }},
	{"div_u", (*wasm.Code).I32DivU, false, func(a, b uint64) (uint64, bool) {
		if uint32(b) == 0 {
			return 0, false
		}
		return ok(uint64(uint32(a) / uint32(b)))
	}},
	{"rem_u", (*wasm.Code).I32RemU, false, func(a, b uint64) (uint64, bool) {
		if uint32(b) == 0 {
			return 0, false
		}
		return ok(uint64(uint32(a) % uint32(b)))
	}},
	{"div_s", (*wasm.Code).I32DivS, false, func(a, b uint64) (uint64, bool) {
		if uint32(b) == 0 || (int32(a) == math.MinInt32 && int32(b) == -1) {
			return 0, false
		}
		return ok(uint64(uint32(int32(a) / int32(b))))
	}},
	{"rem_s", (*wasm.Code).I32RemS, false, func(a, b uint64) (uint64, bool) {
		if uint32(b) == 0 {
			return 0, false
		}
		return ok(uint64(uint32(int32(a) % int32(b))))
	}},
	{"and", (*wasm.Code).I32And, false, func(a, b uint64) (uint64, bool) { return ok(uint64(uint32(a & b))) }},
	{"or", (*wasm.Code).I32Or, false, func(a, b uint64) (uint64, bool) { return ok(uint64(uint32(a | b))) }},
	{"xor", (*wasm.Code).I32Xor, false, func(a, b uint64) (uint64, bool) { return ok(uint64(uint32(a ^ b))) }},
	{"shl", (*wasm.Code).I32Shl, false, func(a, b uint64) (uint64, bool) { return ok(uint64(uint32(a) << (b & 31))) }},
	{"shr_u", (*wasm.Code).I32ShrU, false, func(a, b uint64) (uint64, bool) { return ok(uint64(uint32(a) >> (b & 31))) }},
	{"shr_s", (*wasm.Code).I32ShrS, false, func(a, b uint64) (uint64, bool) { return ok(uint64(uint32(int32(a) >> (b & 31)))) }},
	{"rotl", (*wasm.Code).I32Rotl, false, func(a, b uint64) (uint64, bool) {
		return ok(uint64(bits.RotateLeft32(uint32(a), int(b&31))))
	}},
	{"rotr", (*wasm.Code).I32Rotr, false, func(a, b uint64) (uint64, bool) {
		return ok(uint64(bits.RotateLeft32(uint32(a), -int(b&31))))
	}},
	{"eq", (*wasm.Code).I32Eq, true, func(a, b uint64) (uint64, bool) { return ok(b2u(uint32(a) == uint32(b))) }},
	{"ne", (*wasm.Code).I32Ne, true, func(a, b uint64) (uint64, bool) { return ok(b2u(uint32(a) != uint32(b))) }},
	{"lt_u", (*wasm.Code).I32LtU, true, func(a, b uint64) (uint64, bool) { return ok(b2u(uint32(a) < uint32(b))) }},
	{"gt_u", (*wasm.Code).I32GtU, true, func(a, b uint64) (uint64, bool) { return ok(b2u(uint32(a) > uint32(b))) }},
	{"le_u", (*wasm.Code).I32LeU, true, func(a, b uint64) (uint64, bool) { return ok(b2u(uint32(a) <= uint32(b))) }},
	{"ge_u", (*wasm.Code).I32GeU, true, func(a, b uint64) (uint64, bool) { return ok(b2u(uint32(a) >= uint32(b))) }},
	{"lt_s", (*wasm.Code).I32LtS, true, func(a, b uint64) (uint64, bool) { return ok(b2u(int32(a) < int32(b))) }},
	{"gt_s", (*wasm.Code).I32GtS, true, func(a, b uint64) (uint64, bool) { return ok(b2u(int32(a) > int32(b))) }},
	{"le_s", (*wasm.Code).I32LeS, true, func(a, b uint64) (uint64, bool) { return ok(b2u(int32(a) <= int32(b))) }},
	{"ge_s", (*wasm.Code).I32GeS, true, func(a, b uint64) (uint64, bool) { return ok(b2u(int32(a) >= int32(b))) }},
}

type unCase struct {
	name    string
	emit    func(*wasm.Code)
	in, out wasm.ValType
	want    func(a uint64) uint64
}

var unCases = []unCase{
	{"i64.clz", (*wasm.Code).I64Clz, wasm.I64, wasm.I64, func(a uint64) uint64 { return uint64(bits.LeadingZeros64(a)) }},
	{"i64.ctz", (*wasm.Code).I64Ctz, wasm.I64, wasm.I64, func(a uint64) uint64 { return uint64(bits.TrailingZeros64(a)) }},
	{"i64.popcnt", (*wasm.Code).I64Popcnt, wasm.I64, wasm.I64, func(a uint64) uint64 { return uint64(bits.OnesCount64(a)) }},
	{"i64.eqz", (*wasm.Code).I64Eqz, wasm.I64, wasm.I32, func(a uint64) uint64 { return b2u(a == 0) }},
	{"i64.extend8_s", (*wasm.Code).I64Extend8S, wasm.I64, wasm.I64, func(a uint64) uint64 { return uint64(int64(int8(a))) }},
	{"i64.extend16_s", (*wasm.Code).I64Extend16S, wasm.I64, wasm.I64, func(a uint64) uint64 { return uint64(int64(int16(a))) }},
	{"i64.extend32_s", (*wasm.Code).I64Extend32S, wasm.I64, wasm.I64, func(a uint64) uint64 { return uint64(int64(int32(a))) }},
	{"i32.wrap_i64", (*wasm.Code).I32WrapI64, wasm.I64, wasm.I32, func(a uint64) uint64 { return uint64(uint32(a)) }},
	{"i32.clz", (*wasm.Code).I32Clz, wasm.I32, wasm.I32, func(a uint64) uint64 { return uint64(bits.LeadingZeros32(uint32(a))) }},
	{"i32.ctz", (*wasm.Code).I32Ctz, wasm.I32, wasm.I32, func(a uint64) uint64 { return uint64(bits.TrailingZeros32(uint32(a))) }},
	{"i32.popcnt", (*wasm.Code).I32Popcnt, wasm.I32, wasm.I32, func(a uint64) uint64 { return uint64(bits.OnesCount32(uint32(a))) }},
	{"i32.eqz", (*wasm.Code).I32Eqz, wasm.I32, wasm.I32, func(a uint64) uint64 { return b2u(uint32(a) == 0) }},
	{"i32.extend8_s", (*wasm.Code).I32Extend8S, wasm.I32, wasm.I32, func(a uint64) uint64 { return uint64(uint32(int32(int8(a)))) }},
	{"i32.extend16_s", (*wasm.Code).I32Extend16S, wasm.I32, wasm.I32, func(a uint64) uint64 { return uint64(uint32(int32(int16(a)))) }},
	{"i64.extend_i32_u", (*wasm.Code).I64ExtendI32U, wasm.I32, wasm.I64, func(a uint64) uint64 { return uint64(uint32(a)) }},
	{"i64.extend_i32_s", (*wasm.Code).I64ExtendI32S, wasm.I32, wasm.I64, func(a uint64) uint64 { return uint64(int64(int32(a))) }},
}

var edgeValues = []uint64{
	0, 1, 2, 3, 31, 32, 63, 64, 65, 127, 128, 255, 256,
	math.MaxInt32, math.MaxInt32 + 1, math.MaxUint32, math.MaxUint32 + 1,
	math.MaxInt64, 1 << 63, math.MaxUint64, math.MaxUint64 - 1,
	uint64(math.MaxUint32) << 16, 0x8000_0000_0000_0001,
}

// inputs returns edge values paired exhaustively, then random pairs of
// assorted magnitudes.
func inputs(rng *rand.Rand, n int) [][2]uint64 {
	var ps [][2]uint64
	for _, a := range edgeValues {
		for _, b := range edgeValues {
			ps = append(ps, [2]uint64{a, b})
		}
	}
	r := func() uint64 {
		v := rng.Uint64() >> rng.IntN(64)
		if rng.IntN(4) == 0 {
			v = -v
		}
		return v
	}
	for i := 0; i < n; i++ {
		ps = append(ps, [2]uint64{r(), r()})
	}
	return ps
}

func TestArithmetic(t *testing.T) {
	m := wasm.NewModule()
	addBin := func(prefix string, ty wasm.ValType, cs []binCase) {
		for _, bc := range cs {
			var c wasm.Code
			c.LocalGet(0)
			c.LocalGet(1)
			bc.emit(&c)
			c.End()
			res := ty
			if bc.cmp {
				res = wasm.I32
			}
			exportFunc(t, m, prefix+bc.name, sig(vt(ty, ty), res), nil, &c)
		}
	}
	addBin("i64.", wasm.I64, i64Bin)
	addBin("i32.", wasm.I32, i32Bin)
	for _, uc := range unCases {
		var c wasm.Code
		c.LocalGet(0)
		uc.emit(&c)
		c.End()
		exportFunc(t, m, uc.name, sig(vt(uc.in), uc.out), nil, &c)
	}
	// select(a, b, cond) with i64 operands.
	var s wasm.Code
	s.LocalGet(0)
	s.LocalGet(1)
	s.LocalGet(2)
	s.Select()
	s.End()
	exportFunc(t, m, "select", sig(vt(wasm.I64, wasm.I64, wasm.I32), wasm.I64), nil, &s)

	forEachEngine(t, func(t *testing.T, ctx context.Context, r wazero.Runtime) {
		mod := instantiate(t, ctx, r, m, "arith")
		rng := rand.New(rand.NewPCG(42, 7))
		ps := inputs(rng, 400)
		check := func(prefix string, mask uint64, cs []binCase) {
			for _, bc := range cs {
				for _, p := range ps {
					a, b := p[0]&mask, p[1]&mask
					want, defined := bc.want(a, b)
					if !defined {
						continue
					}
					got := call(t, ctx, mod, prefix+bc.name, a, b)[0]
					if bc.cmp || mask == math.MaxUint32 {
						got &= math.MaxUint32
					}
					if got != want {
						t.Fatalf("%s%s(%#x, %#x) = %#x, want %#x", prefix, bc.name, a, b, got, want)
					}
				}
			}
		}
		check("i64.", math.MaxUint64, i64Bin)
		check("i32.", math.MaxUint32, i32Bin)
		for _, uc := range unCases {
			for _, p := range ps {
				a := p[0]
				if uc.in == wasm.I32 {
					a &= math.MaxUint32
				}
				got := call(t, ctx, mod, uc.name, a)[0]
				if uc.out == wasm.I32 {
					got &= math.MaxUint32
				}
				if want := uc.want(a); got != want {
					t.Fatalf("%s(%#x) = %#x, want %#x", uc.name, a, got, want)
				}
			}
		}
		for _, p := range ps[:50] {
			for cond := uint64(0); cond < 3; cond++ {
				want := p[0]
				if cond == 0 {
					want = p[1]
				}
				if got := call(t, ctx, mod, "select", p[0], p[1], cond)[0]; got != want {
					t.Fatalf("select(%#x, %#x, %d) = %#x", p[0], p[1], cond, got)
				}
			}
		}
		// Undefined operations trap.
		for _, name := range []string{"i64.div_u", "i64.rem_u", "i64.div_s", "i64.rem_s", "i32.div_u", "i32.rem_u", "i32.div_s", "i32.rem_s"} {
			if err := callErr(t, ctx, mod, name, 12345, 0); !strings.Contains(err.Error(), "divide by zero") {
				t.Errorf("%s by zero: %v", name, err)
			}
		}
		if err := callErr(t, ctx, mod, "i64.div_s", 1<<63, math.MaxUint64); !strings.Contains(err.Error(), "overflow") {
			t.Errorf("i64.div_s overflow: %v", err)
		}
		if err := callErr(t, ctx, mod, "i32.div_s", 1<<31, math.MaxUint32); !strings.Contains(err.Error(), "overflow") {
			t.Errorf("i32.div_s overflow: %v", err)
		}
	})
}

func TestConstants(t *testing.T) {
	m := wasm.NewModule()
	var i64s = []int64{0, 1, -1, 63, 64, -64, -65, 127, 128, math.MaxInt32, math.MinInt32, math.MaxInt64, math.MinInt64, 1 << 40}
	for i, v := range i64s {
		var c wasm.Code
		c.I64Const(v)
		c.End()
		exportFunc(t, m, "i64_"+string(rune('a'+i)), sig(nil, wasm.I64), nil, &c)
		var d wasm.Code
		d.I32Const(int32(v))
		d.End()
		exportFunc(t, m, "i32_"+string(rune('a'+i)), sig(nil, wasm.I32), nil, &d)
	}
	var f wasm.Code
	f.F32Const(-1.5)
	f.End()
	exportFunc(t, m, "f32", sig(nil, wasm.F32), nil, &f)
	var g wasm.Code
	g.F64Const(math.Pi)
	g.End()
	exportFunc(t, m, "f64", sig(nil, wasm.F64), nil, &g)
	forEachEngine(t, func(t *testing.T, ctx context.Context, r wazero.Runtime) {
		mod := instantiate(t, ctx, r, m, "consts")
		for i, v := range i64s {
			if got := call(t, ctx, mod, "i64_"+string(rune('a'+i)))[0]; got != uint64(v) {
				t.Errorf("i64.const %d = %d", v, int64(got))
			}
			if got := uint32(call(t, ctx, mod, "i32_"+string(rune('a'+i)))[0]); got != uint32(int32(v)) {
				t.Errorf("i32.const %d = %d", int32(v), int32(got))
			}
		}
		if got := api.DecodeF32(call(t, ctx, mod, "f32")[0]); got != -1.5 {
			t.Errorf("f32.const = %v", got)
		}
		if got := api.DecodeF64(call(t, ctx, mod, "f64")[0]); got != math.Pi {
			t.Errorf("f64.const = %v", got)
		}
	})
}

// memOp is an exported accessor: a load (addr) -> value or a store
// (addr, value) -> ().
type memOp struct {
	name  string
	emit  func(*wasm.Code, wasm.MemArg)
	typ   wasm.ValType
	width int
	store bool
	// signed loads sign-extend from width bytes.
	signed bool
}

var memOpsList = []memOp{
	{"i32.load", (*wasm.Code).I32Load, wasm.I32, 4, false, false},
	{"i64.load", (*wasm.Code).I64Load, wasm.I64, 8, false, false},
	{"i32.load8_s", (*wasm.Code).I32Load8S, wasm.I32, 1, false, true},
	{"i32.load8_u", (*wasm.Code).I32Load8U, wasm.I32, 1, false, false},
	{"i32.load16_s", (*wasm.Code).I32Load16S, wasm.I32, 2, false, true},
	{"i32.load16_u", (*wasm.Code).I32Load16U, wasm.I32, 2, false, false},
	{"i64.load8_s", (*wasm.Code).I64Load8S, wasm.I64, 1, false, true},
	{"i64.load8_u", (*wasm.Code).I64Load8U, wasm.I64, 1, false, false},
	{"i64.load16_s", (*wasm.Code).I64Load16S, wasm.I64, 2, false, true},
	{"i64.load16_u", (*wasm.Code).I64Load16U, wasm.I64, 2, false, false},
	{"i64.load32_s", (*wasm.Code).I64Load32S, wasm.I64, 4, false, true},
	{"i64.load32_u", (*wasm.Code).I64Load32U, wasm.I64, 4, false, false},
	{"i32.store", (*wasm.Code).I32Store, wasm.I32, 4, true, false},
	{"i64.store", (*wasm.Code).I64Store, wasm.I64, 8, true, false},
	{"i32.store8", (*wasm.Code).I32Store8, wasm.I32, 1, true, false},
	{"i32.store16", (*wasm.Code).I32Store16, wasm.I32, 2, true, false},
	{"i64.store8", (*wasm.Code).I64Store8, wasm.I64, 1, true, false},
	{"i64.store16", (*wasm.Code).I64Store16, wasm.I64, 2, true, false},
	{"i64.store32", (*wasm.Code).I64Store32, wasm.I64, 4, true, false},
}

// memOffset is the static offset every accessor uses.
const memOffset = 24

func naturalAlign(width int) uint32 { return uint32(bits.TrailingZeros(uint(width))) }

func TestMemory(t *testing.T) {
	m := wasm.NewModule()
	if err := m.AddMemory(wasm.Limits{Min: 1, Max: 3, HasMax: true}); err != nil {
		t.Fatal(err)
	}
	greeting := []byte("hello, cairn")
	if err := m.AddData(100, greeting); err != nil {
		t.Fatal(err)
	}
	if err := m.AddData(wasm.PageSize-2, []byte{0xAA, 0xBB}); err != nil {
		t.Fatal(err)
	}
	for _, op := range memOpsList {
		var c wasm.Code
		c.LocalGet(0)
		ma := wasm.MemArg{Align: naturalAlign(op.width), Offset: memOffset}
		if op.store {
			c.LocalGet(1)
			op.emit(&c, ma)
			c.End()
			exportFunc(t, m, op.name, sig(vt(wasm.I32, op.typ)), nil, &c)
		} else {
			op.emit(&c, ma)
			c.End()
			exportFunc(t, m, op.name, sig(vt(wasm.I32), op.typ), nil, &c)
		}
	}
	var sz, gr, cp, fl wasm.Code
	sz.MemorySize()
	sz.End()
	exportFunc(t, m, "size", sig(nil, wasm.I32), nil, &sz)
	gr.LocalGet(0)
	gr.MemoryGrow()
	gr.End()
	exportFunc(t, m, "grow", sig(vt(wasm.I32), wasm.I32), nil, &gr)
	for _, c := range []*wasm.Code{&cp, &fl} {
		c.LocalGet(0)
		c.LocalGet(1)
		c.LocalGet(2)
	}
	cp.MemoryCopy()
	cp.End()
	fl.MemoryFill()
	fl.End()
	three := vt(wasm.I32, wasm.I32, wasm.I32)
	exportFunc(t, m, "copy", sig(three), nil, &cp)
	exportFunc(t, m, "fill", sig(three), nil, &fl)
	if err := m.AddExport("memory", wasm.ExternMemory, 0); err != nil {
		t.Fatal(err)
	}

	forEachEngine(t, func(t *testing.T, ctx context.Context, r wazero.Runtime) {
		mod := instantiate(t, ctx, r, m, "mem")
		mem := mod.Memory()
		if b, _ := mem.Read(100, uint32(len(greeting))); string(b) != string(greeting) {
			t.Fatalf("data segment: %q", b)
		}
		if b, _ := mem.Read(wasm.PageSize-2, 2); b[0] != 0xAA || b[1] != 0xBB {
			t.Fatalf("data segment at end of page: % x", b)
		}
		rng := rand.New(rand.NewPCG(3, 4))
		for i := 0; i < 300; i++ {
			addr := uint32(rng.IntN(wasm.PageSize - memOffset - 8))
			for _, op := range memOpsList {
				if op.store {
					v := rng.Uint64()
					if op.typ == wasm.I32 {
						v &= math.MaxUint32
					}
					before, _ := mem.Read(addr+memOffset, 8)
					before = append([]byte(nil), before...)
					call(t, ctx, mod, op.name, uint64(addr), v)
					want := append([]byte(nil), before...)
					var le [8]byte
					binary.LittleEndian.PutUint64(le[:], v)
					copy(want, le[:op.width]) // stores truncate to width bytes
					if got, _ := mem.Read(addr+memOffset, 8); string(got) != string(want) {
						t.Fatalf("%s(%d, %#x): memory % x, want % x", op.name, addr, v, got, want)
					}
					continue
				}
				var raw [8]byte
				binary.LittleEndian.PutUint64(raw[:], rng.Uint64())
				mem.Write(addr+memOffset, raw[:])
				u := binary.LittleEndian.Uint64(raw[:])
				if op.width < 8 {
					u &= 1<<(8*op.width) - 1
				}
				want := u
				if op.signed {
					shift := 64 - 8*op.width
					want = uint64(int64(u<<shift) >> shift)
				}
				got := call(t, ctx, mod, op.name, uint64(addr))[0]
				if op.typ == wasm.I32 {
					got &= math.MaxUint32
					want &= math.MaxUint32
				}
				if got != want {
					t.Fatalf("%s(%d) over % x = %#x, want %#x", op.name, addr, raw, got, want)
				}
			}
		}

		// The static offset counts towards the bounds check.
		last := uint64(wasm.PageSize - memOffset - 8)
		call(t, ctx, mod, "i64.load", last)
		if err := callErr(t, ctx, mod, "i64.load", last+1); !strings.Contains(err.Error(), "out of bounds") {
			t.Fatalf("out-of-bounds load: %v", err)
		}
		callErr(t, ctx, mod, "i32.store8", uint64(wasm.PageSize-memOffset), 1)

		// memory.size and memory.grow, up to the declared maximum of 3.
		steps := []struct {
			grow       uint64
			want, size uint32
		}{{0, 1, 1}, {1, 1, 2}, {2, math.MaxUint32, 2}, {1, 2, 3}, {1, math.MaxUint32, 3}, {0, 3, 3}}
		for _, s := range steps {
			if got := uint32(call(t, ctx, mod, "grow", s.grow)[0]); got != s.want {
				t.Fatalf("grow(%d) = %d, want %d", s.grow, int32(got), int32(s.want))
			}
			if got := uint32(call(t, ctx, mod, "size")[0]); got != s.size {
				t.Fatalf("size = %d, want %d", got, s.size)
			}
		}
		call(t, ctx, mod, "i64.load", last+1) // in bounds after growing

		// memory.copy (overlapping ranges allowed) and memory.fill, checked
		// against a shadow copy updated with Go's copy.
		const base, span = 4096, 2048
		shadow := make([]byte, span)
		for i := range shadow {
			shadow[i] = byte(rng.Uint32())
		}
		mem.Write(base, shadow)
		for i := 0; i < 200; i++ {
			n := rng.IntN(300)
			dst, src := rng.IntN(span-n), rng.IntN(span-n)
			if rng.IntN(3) == 0 {
				v := rng.Uint32()
				call(t, ctx, mod, "fill", uint64(base+dst), uint64(v), uint64(n))
				for j := 0; j < n; j++ {
					shadow[dst+j] = byte(v)
				}
			} else {
				call(t, ctx, mod, "copy", uint64(base+dst), uint64(base+src), uint64(n))
				copy(shadow[dst:dst+n], shadow[src:src+n])
			}
			if got, _ := mem.Read(base, span); string(got) != string(shadow) {
				t.Fatalf("after step %d memory differs from shadow", i)
			}
		}
		size := uint64(3 * wasm.PageSize)
		callErr(t, ctx, mod, "copy", size-10, 0, 11)
		callErr(t, ctx, mod, "fill", size-10, 0, 11)
		call(t, ctx, mod, "fill", size-10, 7, 10)
	})
}

func TestHostImport(t *testing.T) {
	m := wasm.NewModule()
	mix, err := m.AddImport("env", "mix", sig(vt(wasm.I64, wasm.I64), wasm.I64))
	if err != nil {
		t.Fatal(err)
	}
	logf, err := m.AddImport("env", "log", sig(vt(wasm.I64)))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := m.AddImport("env", "sum", sig(vt(wasm.I32, wasm.I32), wasm.I64))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.AddMemory(wasm.Limits{Min: 1}); err != nil {
		t.Fatal(err)
	}
	// run(x) = log(mix(x, x+1)); mix(x, x+1) + 1
	var c wasm.Code
	c.LocalGet(0)
	c.LocalGet(0)
	c.I64Const(1)
	c.I64Add()
	c.Call(mix)
	c.LocalTee(1)
	c.Call(logf)
	c.LocalGet(1)
	c.I64Const(1)
	c.I64Add()
	c.End()
	exportFunc(t, m, "run", sig(vt(wasm.I64), wasm.I64), vt(wasm.I64), &c)
	// store(i, v) writes word i; total(n) asks the host to sum n words.
	var st wasm.Code
	st.LocalGet(0)
	st.I32Const(8)
	st.I32Mul()
	st.LocalGet(1)
	st.I64Store(wasm.MemArg{Align: 3})
	st.End()
	exportFunc(t, m, "store", sig(vt(wasm.I32, wasm.I64)), nil, &st)
	var tot wasm.Code
	tot.I32Const(0)
	tot.LocalGet(0)
	tot.Call(sum)
	tot.End()
	exportFunc(t, m, "total", sig(vt(wasm.I32), wasm.I64), nil, &tot)

	goMix := func(a, b uint64) uint64 { return a*0x9E3779B97F4A7C15 ^ bits.RotateLeft64(b, 17) }
	forEachEngine(t, func(t *testing.T, ctx context.Context, r wazero.Runtime) {
		var logged []uint64
		_, err := r.NewHostModuleBuilder("env").
			NewFunctionBuilder().WithFunc(func(_ context.Context, a, b uint64) uint64 { return goMix(a, b) }).Export("mix").
			NewFunctionBuilder().WithFunc(func(_ context.Context, v uint64) { logged = append(logged, v) }).Export("log").
			NewFunctionBuilder().WithFunc(func(_ context.Context, mod api.Module, ptr, n uint32) uint64 {
			var s uint64
			for i := uint32(0); i < n; i++ {
				w, ok := mod.Memory().ReadUint64Le(ptr + 8*i)
				if !ok {
					panic("out of range")
				}
				s += w
			}
			return s
		}).Export("sum").
			Instantiate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mod := instantiate(t, ctx, r, m, "host")
		rng := rand.New(rand.NewPCG(5, 6))
		for i := 0; i < 100; i++ {
			x := rng.Uint64()
			want := goMix(x, x+1)
			if got := call(t, ctx, mod, "run", x)[0]; got != want+1 {
				t.Fatalf("run(%#x) = %#x, want %#x", x, got, want+1)
			}
			if logged[len(logged)-1] != want {
				t.Fatalf("log saw %#x, want %#x", logged[len(logged)-1], want)
			}
		}
		if len(logged) != 100 {
			t.Fatalf("log called %d times", len(logged))
		}
		var s uint64
		for i := 0; i < 64; i++ {
			v := rng.Uint64()
			s += v
			call(t, ctx, mod, "store", uint64(i), v)
		}
		if got := call(t, ctx, mod, "total", 64)[0]; got != s {
			t.Fatalf("total = %#x, want %#x", got, s)
		}
	})
}

func TestBrTable(t *testing.T) {
	m := wasm.NewModule()
	// dispatch(i) returns 10, 20, 30 for i = 0, 1, 2 (and 20 for i = 3),
	// and 99 otherwise, with one block per case.
	var c wasm.Code
	def := c.Block(wasm.BlockEmpty)
	c2 := c.Block(wasm.BlockEmpty)
	c1 := c.Block(wasm.BlockEmpty)
	c0 := c.Block(wasm.BlockEmpty)
	c.LocalGet(0)
	c.BrTableTo([]wasm.Label{c0, c1, c2, c1}, def)
	c.End()
	c.I64Const(10)
	c.Return()
	c.End()
	c.I64Const(20)
	c.Return()
	c.End()
	c.I64Const(30)
	c.Return()
	c.End()
	c.I64Const(99)
	c.End()
	exportFunc(t, m, "dispatch", sig(vt(wasm.I32), wasm.I64), nil, &c)

	// Branches that carry a value, with raw depths:
	// block (result i64) block (result i64) 7 (br_table 0 1 0 / i) end +100 end
	var v wasm.Code
	v.Block(wasm.BlockValue(wasm.I64))
	v.Block(wasm.BlockValue(wasm.I64))
	v.I64Const(7)
	v.LocalGet(0)
	v.BrTable([]uint32{0, 1}, 0)
	v.End()
	v.I64Const(100)
	v.I64Add()
	v.End()
	v.End()
	exportFunc(t, m, "carry", sig(vt(wasm.I32), wasm.I64), nil, &v)

	goDispatch := func(i uint32) uint64 {
		switch i {
		case 0:
			return 10
		case 1, 3:
			return 20
		case 2:
			return 30
		}
		return 99
	}
	forEachEngine(t, func(t *testing.T, ctx context.Context, r wazero.Runtime) {
		mod := instantiate(t, ctx, r, m, "brtable")
		for _, i := range []uint32{0, 1, 2, 3, 4, 5, 1000, math.MaxInt32, math.MaxUint32} {
			if got, want := call(t, ctx, mod, "dispatch", uint64(i))[0], goDispatch(i); got != want {
				t.Errorf("dispatch(%d) = %d, want %d", i, got, want)
			}
			want := uint64(107)
			if i == 1 {
				want = 7
			}
			if got := call(t, ctx, mod, "carry", uint64(i))[0]; got != want {
				t.Errorf("carry(%d) = %d, want %d", i, got, want)
			}
		}
	})
}

func TestGlobalsAndImports(t *testing.T) {
	// Module "env" exports an immutable and a mutable global and a memory.
	env := wasm.NewModule()
	base, _ := env.AddGlobal(wasm.GlobalType{Type: wasm.I64}, wasm.ConstI64(1000))
	counter, _ := env.AddGlobal(wasm.GlobalType{Type: wasm.I32, Mutable: true}, wasm.ConstI32(-5))
	fg, _ := env.AddGlobal(wasm.GlobalType{Type: wasm.F32}, wasm.ConstF32(1.5))
	dg, _ := env.AddGlobal(wasm.GlobalType{Type: wasm.F64}, wasm.ConstF64(-2.25))
	if err := env.AddMemory(wasm.Limits{Min: 1, Max: 2, HasMax: true}); err != nil {
		t.Fatal(err)
	}
	for name, g := range map[string]wasm.GlobalIdx{"base": base, "counter": counter, "f": fg, "d": dg} {
		if err := env.AddExport(name, wasm.ExternGlobal, uint32(g)); err != nil {
			t.Fatal(err)
		}
	}
	if err := env.AddExport("memory", wasm.ExternMemory, 0); err != nil {
		t.Fatal(err)
	}

	// Module "user" imports them, derives a global from base, and has a
	// start function that initialises its own mutable global.
	m := wasm.NewModule()
	ibase, err := m.AddGlobalImport("env", "base", wasm.GlobalType{Type: wasm.I64})
	if err != nil {
		t.Fatal(err)
	}
	icounter, err := m.AddGlobalImport("env", "counter", wasm.GlobalType{Type: wasm.I32, Mutable: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.AddMemoryImport("env", "memory", wasm.Limits{Min: 1}); err != nil {
		t.Fatal(err)
	}
	derived, err := m.AddGlobal(wasm.GlobalType{Type: wasm.I64}, wasm.ConstGlobalGet(ibase))
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.AddGlobal(wasm.GlobalType{Type: wasm.I64, Mutable: true}, wasm.ConstI64(7))
	if err != nil {
		t.Fatal(err)
	}
	var st wasm.Code
	st.I64Const(42)
	st.GlobalSet(g)
	st.End()
	start, err := m.AddFunction(wasm.FuncType{}, nil, &st)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SetStart(start); err != nil {
		t.Fatal(err)
	}
	// get() = derived + base + g
	var get wasm.Code
	get.GlobalGet(derived)
	get.GlobalGet(ibase)
	get.I64Add()
	get.GlobalGet(g)
	get.I64Add()
	get.End()
	exportFunc(t, m, "get", sig(nil, wasm.I64), nil, &get)
	// bump(d) adds d to g and to the imported counter, returns the new g;
	// it also stores g at address 0 of the shared memory.
	var bump wasm.Code
	bump.GlobalGet(g)
	bump.LocalGet(0)
	bump.I64Add()
	bump.GlobalSet(g)
	bump.GlobalGet(icounter)
	bump.LocalGet(0)
	bump.I32WrapI64()
	bump.I32Add()
	bump.GlobalSet(icounter)
	bump.I32Const(0)
	bump.GlobalGet(g)
	bump.I64Store(wasm.MemArg{})
	bump.GlobalGet(g)
	bump.End()
	exportFunc(t, m, "bump", sig(vt(wasm.I64), wasm.I64), nil, &bump)
	if err := m.AddExport("g", wasm.ExternGlobal, uint32(g)); err != nil {
		t.Fatal(err)
	}

	forEachEngine(t, func(t *testing.T, ctx context.Context, r wazero.Runtime) {
		envMod := instantiate(t, ctx, r, env, "env")
		mod := instantiate(t, ctx, r, m, "user")
		if got := mod.ExportedGlobal("g").Get(); got != 42 {
			t.Fatalf("start function did not run: g = %d", got)
		}
		if got := call(t, ctx, mod, "get")[0]; got != 1000+1000+42 {
			t.Fatalf("get = %d", got)
		}
		want := int64(42)
		counterWant := int32(-5)
		for _, d := range []int64{1, -100, 1 << 40} {
			want += d
			counterWant += int32(d)
			if got := int64(call(t, ctx, mod, "bump", uint64(d))[0]); got != want {
				t.Fatalf("bump(%d) = %d, want %d", d, got, want)
			}
			if got := int64(mod.ExportedGlobal("g").Get()); got != want {
				t.Fatalf("exported g = %d, want %d", got, want)
			}
			if got := int32(envMod.ExportedGlobal("counter").Get()); got != counterWant {
				t.Fatalf("env counter = %d, want %d", got, counterWant)
			}
			if got, _ := envMod.Memory().ReadUint64Le(0); int64(got) != want {
				t.Fatalf("shared memory word = %d, want %d", int64(got), want)
			}
		}
		if got := api.DecodeF32(envMod.ExportedGlobal("f").Get()); got != 1.5 {
			t.Errorf("f32 global = %v", got)
		}
		if got := api.DecodeF64(envMod.ExportedGlobal("d").Get()); got != -2.25 {
			t.Errorf("f64 global = %v", got)
		}
		if got := int64(envMod.ExportedGlobal("base").Get()); got != 1000 {
			t.Errorf("base = %d", got)
		}
	})
}

func TestMultiValue(t *testing.T) {
	m := wasm.NewModule()
	// swap(a i64, b i32) -> (i32, i64)
	var sw wasm.Code
	sw.LocalGet(1)
	sw.LocalGet(0)
	sw.End()
	exportFunc(t, m, "swap", sig(vt(wasm.I64, wasm.I32), wasm.I32, wasm.I64), nil, &sw)

	// A block with parameters: (i64, i64) -> (i64) adds them; a loop with
	// a parameter counts its i64 down to zero while accumulating in a local.
	bt, err := m.AddType(sig(vt(wasm.I64, wasm.I64), wasm.I64))
	if err != nil {
		t.Fatal(err)
	}
	lt, err := m.AddType(sig(vt(wasm.I64)))
	if err != nil {
		t.Fatal(err)
	}
	var c wasm.Code
	c.LocalGet(0)
	c.LocalGet(1)
	c.Block(wasm.BlockFunc(bt))
	c.I64Add()
	c.End()
	c.LocalSet(2)
	c.LocalGet(0)
	loop := c.Loop(wasm.BlockFunc(lt))
	c.LocalTee(3)
	c.LocalGet(2)
	c.I64Add()
	c.LocalSet(2)
	c.LocalGet(3)
	c.I64Const(1)
	c.I64Sub()
	c.LocalTee(3)
	c.LocalGet(3)
	c.I64Eqz()
	c.I32Eqz()
	c.BrIfTo(loop)
	c.Drop()
	c.End()
	c.LocalGet(2)
	c.End()
	exportFunc(t, m, "acc", sig(vt(wasm.I64, wasm.I64), wasm.I64), vt(wasm.I64, wasm.I64), &c)

	goAcc := func(a, b uint64) uint64 {
		s := a + b
		for n := a; ; {
			s += n
			n--
			if n == 0 {
				break
			}
		}
		return s
	}
	forEachEngine(t, func(t *testing.T, ctx context.Context, r wazero.Runtime) {
		mod := instantiate(t, ctx, r, m, "mv")
		res := call(t, ctx, mod, "swap", 1<<40, 7)
		if len(res) != 2 || uint32(res[0]) != 7 || res[1] != 1<<40 {
			t.Fatalf("swap = %v", res)
		}
		for _, p := range [][2]uint64{{1, 2}, {5, 0}, {100, 1 << 50}} {
			if got, want := call(t, ctx, mod, "acc", p[0], p[1])[0], goAcc(p[0], p[1]); got != want {
				t.Errorf("acc(%d, %d) = %d, want %d", p[0], p[1], got, want)
			}
		}
	})
}

func TestExportsAndNames(t *testing.T) {
	m := wasm.NewModule()
	var c wasm.Code
	c.Unreachable()
	c.End()
	f := exportFunc(t, m, "boom", wasm.FuncType{}, nil, &c)
	if err := m.SetFunctionName(f, "cairn_boom"); err != nil {
		t.Fatal(err)
	}
	var id wasm.Code
	id.LocalGet(0)
	id.End()
	exportFunc(t, m, "id", sig(vt(wasm.I32), wasm.I32), nil, &id)
	forEachEngine(t, func(t *testing.T, ctx context.Context, r wazero.Runtime) {
		compiled, err := r.CompileModule(ctx, mustEncode(t, m))
		if err != nil {
			t.Fatal(err)
		}
		defs := compiled.ExportedFunctions()
		if len(defs) != 2 || defs["boom"] == nil || defs["id"] == nil {
			t.Fatalf("exports %v", defs)
		}
		if p, res := defs["id"].ParamTypes(), defs["id"].ResultTypes(); len(p) != 1 || p[0] != api.ValueTypeI32 || len(res) != 1 {
			t.Fatalf("id type %v -> %v", p, res)
		}
		if defs["boom"].Name() != "cairn_boom" {
			t.Fatalf("name section: %q", defs["boom"].Name())
		}
		mod, err := r.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName("names"))
		if err != nil {
			t.Fatal(err)
		}
		err = callErr(t, ctx, mod, "boom")
		if !strings.Contains(err.Error(), "unreachable") || !strings.Contains(err.Error(), "cairn_boom") {
			t.Fatalf("trap message %q", err)
		}
	})
}
