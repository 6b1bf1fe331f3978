package feltwasm

import (
	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/jit/wasm"
)

// FeltSize is the size in bytes of a felt in linear memory.
const FeltSize = 32

// The limbs of P = 2^251 + 17·2^192 + 1, little-endian.
const (
	p0 = 1
	p3 = 0x0800000000000011
)

// Addr locates a felt in linear memory: the i32 value of local Local plus
// the static byte Offset. The felt's limb i is at Local+Offset+8i.
type Addr struct {
	Local  uint32 // an i32 local holding a base address
	Offset uint32 // added to the base, as a load's static offset
}

// At returns a felt address in local l at byte offset off.
func At(l, off uint32) Addr { return Addr{Local: l, Offset: off} }

// limb returns the memory argument of limb i (8-byte aligned when the base is).
func (a Addr) limb(i int) wasm.MemArg { return wasm.MemArg{Align: 3, Offset: a.Offset + 8*uint32(i)} }

// Locals numbers the locals of one function body for an Emitter or any
// other code generator: it hands out indices after the parameters and
// records their types, which Module.DefineFunction takes as the function's
// declared locals. The zero value suits a function without parameters.
type Locals struct {
	next  uint32
	types []wasm.ValType
}

// NewLocals returns an allocator for a function with params parameters.
func NewLocals(params int) *Locals { return &Locals{next: uint32(params)} }

// New reserves a local of type t and returns its index.
func (l *Locals) New(t wasm.ValType) uint32 {
	l.types = append(l.types, t)
	l.next++
	return l.next - 1
}

// Types returns the types of the locals reserved so far, in index order.
func (l *Locals) Types() []wasm.ValType { return l.types }

// Emitter writes felt arithmetic into function bodies. It owns a pool of
// scratch locals (i64s and a few i32s), reserved through alloc the first time
// an operation needs them and shared by every operation it emits
// afterwards, so all code written through one Emitter must belong to one
// function body. Use one Emitter per function. The scratch locals hold
// nothing between operations; code around them must not use them.
type Emitter struct {
	alloc func(wasm.ValType) uint32
	tmp   []uint32 // i64 scratch
	tmp32 []uint32 // i32 scratch
}

// NewEmitter returns an Emitter that reserves its scratch locals with
// alloc, which must return the index of a fresh local of the given type in
// the function being emitted (Locals.New does).
func NewEmitter(alloc func(wasm.ValType) uint32) *Emitter {
	return &Emitter{alloc: alloc}
}

// The i64 scratch locals each operation uses, for callers that size their
// frames ahead. Each of them also uses ScratchI32 i32 locals. An Emitter
// reserves the largest of the counts of the operations it has emitted.
const (
	AddSubScratch = 8
	MulScratch    = 38
	ScratchI32    = 2
)

// scratch returns n i64 and n32 i32 scratch locals, reserving those not
// yet held.
func (e *Emitter) scratch(n, n32 int) (i64s, i32s []uint32) {
	for len(e.tmp32) < n32 {
		e.tmp32 = append(e.tmp32, e.alloc(wasm.I32))
	}
	for len(e.tmp) < n {
		e.tmp = append(e.tmp, e.alloc(wasm.I64))
	}
	return e.tmp[:n], e.tmp32[:n32]
}

// ScratchLocals returns the i64 scratch locals reserved so far.
func (e *Emitter) ScratchLocals() []uint32 { return e.tmp }

// load pushes limb i of a.
func load(c *wasm.Code, a Addr, i int) {
	c.LocalGet(a.Local)
	c.I64Load(a.limb(i))
}

// loadLimbs copies the limbs of a into the locals l[0..3]. Limb 3, the
// highest address, comes first so that wazero checks the bounds of the
// whole felt once and omits the checks of the three other loads.
func loadLimbs(c *wasm.Code, a Addr, l []uint32) {
	for _, i := range [4]int{3, 0, 1, 2} {
		load(c, a, i)
		c.LocalSet(l[i])
	}
}

// ext pushes the i32 local k (a carry or borrow) as an i64.
func ext(c *wasm.Code, k uint32) {
	c.LocalGet(k)
	c.I64ExtendI32U()
}

// Add emits dst = a + b mod P. dst may be a or b.
//
// The sum s < 2P < 2^253 is formed with carries from unsigned comparisons;
// t = s - P is formed too, and since s < 2^253 the top limb of t, as a
// signed integer, is negative exactly when s < P, which selects s or t.
//
// A chain of felt operations is bound by latency, so the carries are
// computed as generate/propagate bits: the carry out of limb i is
// g | (p & carry in), where g (x+y wrapped) and p (x+y is all ones) do not
// depend on the carry in, which leaves an and and an or per limb on the
// carry chain.
func (e *Emitter) Add(c *wasm.Code, dst, a, b Addr) {
	t, t32 := e.scratch(AddSubScratch, 2)
	x, y, k, cond := t[0:4], t[4:8], t32[0], t32[1]
	loadLimbs(c, a, x)
	loadLimbs(c, b, y)
	// x = x + y, carry in k.
	c.LocalGet(x[0])
	c.LocalGet(y[0])
	c.I64Add()
	c.LocalTee(x[0])
	c.LocalGet(y[0])
	c.I64LtU()
	c.LocalSet(k)
	for i := 1; i <= 2; i++ {
		c.LocalGet(x[i])
		c.LocalGet(y[i])
		c.I64Add()
		c.LocalTee(x[i])
		c.LocalGet(y[i])
		c.I64LtU() // g
		c.LocalGet(x[i])
		c.I64Const(-1)
		c.I64Eq() // p
		c.LocalGet(k)
		c.I32And()
		c.I32Or() // the carry out, left on the stack
		c.LocalGet(x[i])
		ext(c, k)
		c.I64Add()
		c.LocalSet(x[i])
		c.LocalSet(k)
	}
	// a3, b3 <= p3 < 2^60: no carry out.
	c.LocalGet(x[3])
	c.LocalGet(y[3])
	c.I64Add()
	ext(c, k)
	c.I64Add()
	c.LocalSet(x[3])
	reduceOnce(c, dst, x, y, k, cond)
}

// reduceOnce stores s or s - P into dst, whichever is in [0, P), for
// s < 2^253 in the limbs s; t, k and cond are scratch (k and cond i32).
// P's low limbs are [1, 0, 0], so limb 0 of s - P borrows when s0 == 0,
// and limbs 1 and 2 pass a borrow on when they are 0.
func reduceOnce(c *wasm.Code, dst Addr, s, t []uint32, k, cond uint32) {
	c.LocalGet(s[0])
	c.I64Const(p0)
	c.I64Sub()
	c.LocalSet(t[0])
	c.LocalGet(s[0])
	c.I64Eqz()
	c.LocalSet(k)
	for i := 1; i <= 2; i++ {
		c.LocalGet(s[i])
		ext(c, k)
		c.I64Sub()
		c.LocalSet(t[i])
		c.LocalGet(s[i])
		c.I64Eqz()
		c.LocalGet(k)
		c.I32And()
		c.LocalSet(k)
	}
	c.LocalGet(s[3])
	c.I64Const(p3)
	c.I64Sub()
	ext(c, k)
	c.I64Sub()
	c.LocalSet(t[3])
	// t3 < 0 (as signed) exactly when s < P.
	selectLimbs(c, dst, s, t, t[3], cond)
}

// selectLimbs stores into dst the limbs neg when the signed i64 local sign
// is negative, else pos. The condition is computed once into the i32 local
// cond: each select then costs a test and a conditional move.
func selectLimbs(c *wasm.Code, dst Addr, neg, pos []uint32, sign, cond uint32) {
	c.LocalGet(sign)
	c.I64Const(0)
	c.I64LtS()
	c.LocalSet(cond)
	for _, i := range [4]int{3, 0, 1, 2} {
		c.LocalGet(dst.Local)
		c.LocalGet(neg[i])
		c.LocalGet(pos[i])
		c.LocalGet(cond)
		c.Select()
		c.I64Store(dst.limb(i))
	}
}

// Sub emits dst = a - b mod P. dst may be a or b.
//
// The difference d = a - b is formed with borrows, as generate/propagate
// bits like Add's carries (a limb generates a borrow when x < y and
// propagates one when x == y); since a, b < P < 2^252, the top limb of d as
// a signed integer is negative exactly when a < b, in which case d + P
// (formed alongside) is stored instead.
func (e *Emitter) Sub(c *wasm.Code, dst, a, b Addr) {
	t, t32 := e.scratch(AddSubScratch, 2)
	x, y, k, cond := t[0:4], t[4:8], t32[0], t32[1]
	loadLimbs(c, a, x)
	loadLimbs(c, b, y)
	// x = x - y, borrow in k.
	c.LocalGet(x[0])
	c.LocalGet(y[0])
	c.I64LtU()
	c.LocalSet(k)
	c.LocalGet(x[0])
	c.LocalGet(y[0])
	c.I64Sub()
	c.LocalSet(x[0])
	for i := 1; i <= 2; i++ {
		c.LocalGet(x[i])
		c.LocalGet(y[i])
		c.I64LtU() // g
		c.LocalGet(x[i])
		c.LocalGet(y[i])
		c.I64Eq() // p
		c.LocalGet(k)
		c.I32And()
		c.I32Or() // the borrow out, left on the stack
		c.LocalGet(x[i])
		c.LocalGet(y[i])
		c.I64Sub()
		ext(c, k)
		c.I64Sub()
		c.LocalSet(x[i])
		c.LocalSet(k)
	}
	c.LocalGet(x[3])
	c.LocalGet(y[3])
	c.I64Sub()
	ext(c, k)
	c.I64Sub()
	c.LocalSet(x[3])
	addPIfNegative(c, dst, x, y, k, cond)
}

// Equal emits code that pushes the i32 1 when the felts at a and b are
// equal and 0 otherwise. Felts are fully reduced, so this compares limbs.
func Equal(c *wasm.Code, a, b Addr) {
	for _, i := range [4]int{3, 0, 1, 2} {
		load(c, a, i)
		load(c, b, i)
		c.I64Xor()
		if i != 3 {
			c.I64Or()
		}
	}
	c.I64Eqz()
}

// IsZero emits code that pushes the i32 1 when the felt at a is 0 and 0
// otherwise (the Montgomery form of 0 is 0).
func IsZero(c *wasm.Code, a Addr) {
	for _, i := range [4]int{3, 0, 1, 2} {
		load(c, a, i)
		if i != 3 {
			c.I64Or()
		}
	}
	c.I64Eqz()
}

// Const emits code that stores the felt v at dst: four i64 constants, its
// Montgomery limbs.
func Const(c *wasm.Code, dst Addr, v asm.Felt) {
	l := Limbs(v)
	for _, i := range [4]int{3, 0, 1, 2} {
		c.LocalGet(dst.Local)
		c.I64Const(int64(l[i]))
		c.I64Store(dst.limb(i))
	}
}

// Copy emits code that copies the felt at src to dst.
func Copy(c *wasm.Code, dst, src Addr) {
	for _, i := range [4]int{3, 0, 1, 2} {
		c.LocalGet(dst.Local)
		load(c, src, i)
		c.I64Store(dst.limb(i))
	}
}

// Limbs returns the Montgomery limbs of v, the four words a felt's bytes in
// linear memory hold.
func Limbs(v asm.Felt) [4]uint64 { return [4]uint64(v) }
