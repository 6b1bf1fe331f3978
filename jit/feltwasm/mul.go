package feltwasm

import "github.com/cairn-vm/cairn/jit/wasm"

// Mul works in radix 2^28: an operand below P < 2^252 is exactly nine
// 28-bit limbs, a limb product is below 2^56, and a column of at most nine
// of them plus carries and reduction terms stays far inside an i64.
const (
	digitBits = 28
	digitMask = 1<<digitBits - 1
	digits    = 9

	// Subtracting m·P·2^(28i) subtracts m at limb i (which clears its low
	// bits), 17·m·2^192 = (17<<24)·m at limb i+6 (192 = 6·28 + 24) and
	// m·2^251 = m<<27 at limb i+8 (251 = 8·28 + 27).
	redMul6   = 17 << 24
	redShift8 = 27
)

// MulFuncType is the signature of the function AddMulFunc defines:
// the i32 addresses of dst, a and b, no results.
var MulFuncType = wasm.FuncType{Params: []wasm.ValType{wasm.I32, wasm.I32, wasm.I32}}

// AddMulFunc defines in m a function of type MulFuncType that sets the felt
// at its first argument to the product of the felts at the second and
// third (any of them may coincide), names it "felt_mul" and returns its
// index. Generated code calls it through CallMul where inlining Mul's
// ~300 instructions is not worth their size.
func AddMulFunc(m *wasm.Module) (wasm.FuncIdx, error) {
	l := NewLocals(len(MulFuncType.Params))
	e := NewEmitter(l.New)
	var c wasm.Code
	e.Mul(&c, At(0, 0), At(1, 0), At(2, 0))
	c.End()
	f, err := m.AddFunction(MulFuncType, l.Types(), &c)
	if err != nil {
		return 0, err
	}
	return f, m.SetFunctionName(f, "felt_mul")
}

// CallMul emits a call of f, a function defined by AddMulFunc, computing
// dst = a·b.
func CallMul(c *wasm.Code, f wasm.FuncIdx, dst, a, b Addr) {
	for _, x := range [3]Addr{dst, a, b} {
		c.LocalGet(x.Local)
		if x.Offset != 0 {
			c.I32Const(int32(x.Offset))
			c.I32Add()
		}
	}
	c.Call(f)
}

// Mul emits dst = a·b mod P inline: with the operands' Montgomery forms
// aR and bR, it stores abR, as fp.Element.Mul does. dst may be a or b.
//
// The product T = a·b (in Montgomery form) is summed column by column in
// radix 2^28 and reduced in the same pass: at column i < 9 the reduction
// digit is m_i = T_i mod 2^28, and subtracting m_i·P·2^(28i) zeroes those
// bits (P ≡ 1 mod 2^28) while adding terms to columns i+6 and i+8, which
// are still to come; column 9 gets a 4-bit digit, completing the division
// by 2^256. Subtracting rather than adding m·P keeps the digit a mask and
// the carry an arithmetic shift; the result V = (T - M·P)/2^256 then lies
// in (-P, P), and P is added back when it is negative.
func (e *Emitter) Mul(c *wasm.Code, dst, a, b Addr) {
	t, t32 := e.scratch(MulScratch, ScratchI32)
	x, y, m, r, col := t[0:9], t[9:18], t[18:28], t[28:37], t[37]
	loadDigits(c, a, x)
	loadDigits(c, b, y)
	for k := 0; k < 2*digits; k++ {
		// The column's terms are summed as a balanced tree, the carry in
		// last: compilers keep the order of the adds, and a linear chain
		// would make the column sums, not the multiplies, the critical
		// path. This way only carry propagation is serial.
		if lo, hi := max(0, k-(digits-1)), min(digits-1, k); lo <= hi {
			sumProducts(c, x, y, k, lo, hi+1)
		} else {
			c.I64Const(0) // column 17 has no products
		}
		if j := k - 6; j >= 0 && j <= digits {
			c.LocalGet(m[j])
			c.I64Const(redMul6)
			c.I64Mul()
			c.I64Sub()
		}
		if j := k - 8; j >= 0 && j <= digits {
			c.LocalGet(m[j])
			c.I64Const(redShift8)
			c.I64Shl()
			c.I64Sub()
		}
		if k > 0 {
			// The carry out of the previous column; its floor division
			// also holds for column 9, whose low 4 bits were cut.
			c.LocalGet(col)
			c.I64Const(digitBits)
			c.I64ShrS()
			c.I64Add()
		}
		c.LocalTee(col)
		switch {
		case k < digits:
			c.I64Const(digitMask)
			c.I64And()
			c.LocalSet(m[k])
		case k == digits:
			// The 4-bit digit brings the division to 2^(9·28+4) = 2^256:
			// the result starts at bit 4 of this column.
			c.I64Const(15)
			c.I64And()
			c.LocalSet(m[k])
			c.LocalGet(col)
			c.I64Const(4)
			c.I64ShrU()
			c.I64Const(digitMask >> 4)
			c.I64And()
			c.LocalSet(r[0])
		case k < 2*digits-1:
			c.I64Const(digitMask)
			c.I64And()
			c.LocalSet(r[k-digits])
		default:
			c.LocalSet(r[k-digits]) // the signed top
		}
	}
	// Regroup V = r0 + r1·2^24 + r2·2^52 + ... (r0 has 24 bits, r1..r7 28,
	// r8 is signed) into 64-bit limbs, reusing x for them.
	w := x[:4]
	or := func(l uint32, shl, shr int64, first bool) {
		c.LocalGet(r[l])
		if shr != 0 {
			c.I64Const(shr)
			c.I64ShrU()
		}
		if shl != 0 {
			c.I64Const(shl)
			c.I64Shl()
		}
		if !first {
			c.I64Or()
		}
	}
	or(0, 0, 0, true)
	or(1, 24, 0, false)
	or(2, 52, 0, false)
	c.LocalSet(w[0])
	or(2, 0, 12, true)
	or(3, 16, 0, false)
	or(4, 44, 0, false)
	c.LocalSet(w[1])
	or(4, 0, 20, true)
	or(5, 8, 0, false)
	or(6, 36, 0, false)
	c.LocalSet(w[2])
	or(7, 0, 0, true)
	or(8, 28, 0, false)
	c.LocalSet(w[3])
	addPIfNegative(c, dst, w, y[:4], t32[0], t32[1])
}

// loadDigits loads the felt at a as nine 28-bit digits into d. Digit k
// starts at bit 28k, byte 3.5k: an unaligned 32-bit load at that byte
// (rounded down) holds it whole, so each digit is one load and one mask or
// shift, with no shifting across limbs. The top digit, loaded first so
// that wazero checks the bounds of the felt once, needs no mask: a felt is
// below 2^252.
func loadDigits(c *wasm.Code, a Addr, d []uint32) {
	c.LocalGet(a.Local)
	c.I64Load32U(wasm.MemArg{Offset: a.Offset + 28})
	c.LocalSet(d[8])
	for k := 0; k < digits-1; k++ {
		c.LocalGet(a.Local)
		c.I64Load32U(wasm.MemArg{Offset: a.Offset + uint32(7*(k/2)+3*(k%2))})
		if k%2 == 0 {
			c.I64Const(digitMask)
			c.I64And()
		} else {
			c.I64Const(4)
			c.I64ShrU()
		}
		c.LocalSet(d[k])
	}
}

// addPIfNegative stores into dst the value x in (-P, P), given as four
// limbs with a signed top, plus P when it is negative: x + P is formed in
// u (the i32 locals k and cond are scratch) and the sign of x selects it
// limb by limb. P's low limbs are [1, 0, 0], so limb 0 of x + P carries
// when x0 is all ones, and limbs 1 and 2 pass a carry on when they are.
func addPIfNegative(c *wasm.Code, dst Addr, x, u []uint32, k, cond uint32) {
	c.LocalGet(x[0])
	c.I64Const(p0)
	c.I64Add()
	c.LocalSet(u[0])
	c.LocalGet(x[0])
	c.I64Const(-1)
	c.I64Eq()
	c.LocalSet(k)
	for i := 1; i <= 2; i++ {
		c.LocalGet(x[i])
		ext(c, k)
		c.I64Add()
		c.LocalSet(u[i])
		c.LocalGet(x[i])
		c.I64Const(-1)
		c.I64Eq()
		c.LocalGet(k)
		c.I32And()
		c.LocalSet(k)
	}
	c.LocalGet(x[3])
	c.I64Const(p3)
	c.I64Add()
	ext(c, k)
	c.I64Add()
	c.LocalSet(u[3])
	selectLimbs(c, dst, u, x, x[3], cond)
}

// sumProducts pushes the sum of x[i]·y[k-i] for lo <= i < hi, added as a
// balanced tree.
func sumProducts(c *wasm.Code, x, y []uint32, k, lo, hi int) {
	if hi-lo == 1 {
		c.LocalGet(x[lo])
		c.LocalGet(y[k-lo])
		c.I64Mul()
		return
	}
	mid := (lo + hi) / 2
	sumProducts(c, x, y, k, lo, mid)
	sumProducts(c, x, y, k, mid, hi)
	c.I64Add()
}
