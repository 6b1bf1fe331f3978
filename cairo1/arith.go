package cairo1

import (
	"math/big"
	"math/bits"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/vm"
)

// The comparison and integer hints. Operands are integers below P (the
// Python reads memory values, which are reduced); results are written
// modulo P, as cairo-lang's validated memory takes every value written
// through it modulo the prime. The frequent hints (comparisons, DivMod,
// LinearSplit, WideMul128) work on 64-bit limbs without allocating; the
// others use math/big.

func testLessThan(st *vm.State, h *class.TestLessThan) error {
	a, err := evalValue(st, &h.LHS)
	if err != nil {
		return err
	}
	b, err := evalValue(st, &h.RHS)
	if err != nil {
		return err
	}
	return writeBool(st, h.Dst, compareValues(a, b) < 0)
}

func testLessThanOrEqual(st *vm.State, h *class.TestLessThanOrEqual) error {
	a, err := evalValue(st, &h.LHS)
	if err != nil {
		return err
	}
	b, err := evalValue(st, &h.RHS)
	if err != nil {
		return err
	}
	return writeBool(st, h.Dst, compareValues(a, b) <= 0)
}

func testLessThanOrEqualAddress(st *vm.State, h *class.TestLessThanOrEqualAddress) error {
	a, err := evalValue(st, &h.LHS)
	if err != nil {
		return err
	}
	b, err := evalValue(st, &h.RHS)
	if err != nil {
		return err
	}
	return writeBool(st, h.Dst, compareValues(a, b) <= 0)
}

// wideMul128 is (high, low) = divmod(lhs * rhs, 2**128).
func wideMul128(st *vm.State, h *class.WideMul128) error {
	a, err := evalFelt(st, &h.LHS, "lhs")
	if err != nil {
		return err
	}
	b, err := evalFelt(st, &h.RHS, "rhs")
	if err != nil {
		return err
	}
	p := mulLimbs(a.Regular(), b.Regular())
	var high asm.Felt
	if p[6]|p[7] == 0 {
		high.SetLimbs([4]uint64{p[2], p[3], p[4], p[5]})
	} else {
		high = asm.FeltFromBig(new(big.Int).Rsh(limbsToBig(p[:]), 128))
	}
	if err := writeFelt(st, h.High, high); err != nil {
		return err
	}
	var low asm.Felt
	low.SetLimbs([4]uint64{p[0], p[1]})
	return writeFelt(st, h.Low, low)
}

// divMod is (quotient, remainder) = divmod(lhs, rhs).
func divMod(st *vm.State, h *class.DivMod) error {
	a, err := evalFelt(st, &h.LHS, "lhs")
	if err != nil {
		return err
	}
	b, err := evalFelt(st, &h.RHS, "rhs")
	if err != nil {
		return err
	}
	q, r, ok := divmodFelt(&a, &b)
	if !ok {
		return ErrDivisionByZero
	}
	if err := writeFelt(st, h.Quotient, q); err != nil {
		return err
	}
	return writeFelt(st, h.Remainder, r)
}

// linearSplit is x = min(value // scalar, max_x), y = value - x * scalar.
func linearSplit(st *vm.State, h *class.LinearSplit) error {
	value, err := evalFelt(st, &h.Value, "value")
	if err != nil {
		return err
	}
	scalar, err := evalFelt(st, &h.Scalar, "scalar")
	if err != nil {
		return err
	}
	maxX, err := evalFelt(st, &h.MaxX, "max_x")
	if err != nil {
		return err
	}
	x, _, ok := divmodFelt(&value, &scalar)
	if !ok {
		return ErrDivisionByZero
	}
	if maxX.Cmp(&x) < 0 {
		x = maxX
	}
	var y asm.Felt
	y.Mul(&x, &scalar)
	y.Sub(&value, &y)
	if err := writeFelt(st, h.X, x); err != nil {
		return err
	}
	return writeFelt(st, h.Y, y)
}

// uint256DivMod divides dividend0 + dividend1 * 2**128 by divisor0 +
// divisor1 * 2**128 and writes quotient and remainder as (x & (2**128 - 1),
// x >> 128).
func uint256DivMod(st *vm.State, h *class.Uint256DivMod) error {
	ops, err := evalBigs(st, []string{"dividend0", "dividend1", "divisor0", "divisor1"},
		&h.Dividend0, &h.Dividend1, &h.Divisor0, &h.Divisor1)
	if err != nil {
		return err
	}
	dividend := joinLimbs(ops[0], ops[1])
	divisor := joinLimbs(ops[2], ops[3])
	if divisor.Sign() == 0 {
		return ErrDivisionByZero
	}
	var q, r big.Int
	q.DivMod(dividend, divisor, &r)
	return writeBigs(st, []cellBig{
		{h.Quotient0, low128(&q)}, {h.Quotient1, shr(&q, 128)},
		{h.Remainder0, low128(&r)}, {h.Remainder1, shr(&r, 128)},
	})
}

// uint512DivModByUint256 divides the u512 dividend0..3 by the u256
// divisor0..1: quotient limbs 0..2 masked to 128 bits, limb 3 quotient >>
// 384; remainder as (r & (2**128 - 1), r >> 128).
func uint512DivModByUint256(st *vm.State, h *class.Uint512DivModByUint256) error {
	ops, err := evalBigs(st, []string{"dividend0", "dividend1", "dividend2", "dividend3", "divisor0", "divisor1"},
		&h.Dividend0, &h.Dividend1, &h.Dividend2, &h.Dividend3, &h.Divisor0, &h.Divisor1)
	if err != nil {
		return err
	}
	dividend := joinLimbs(ops[0], ops[1], ops[2], ops[3])
	divisor := joinLimbs(ops[4], ops[5])
	if divisor.Sign() == 0 {
		return ErrDivisionByZero
	}
	var q, r big.Int
	q.DivMod(dividend, divisor, &r)
	return writeBigs(st, []cellBig{
		{h.Quotient0, low128(&q)}, {h.Quotient1, low128(shr(&q, 128))},
		{h.Quotient2, low128(shr(&q, 256))}, {h.Quotient3, shr(&q, 384)},
		{h.Remainder0, low128(&r)}, {h.Remainder1, shr(&r, 128)},
	})
}

// squareRoot is math.isqrt(value).
func squareRoot(st *vm.State, h *class.SquareRoot) error {
	v, err := evalFelt(st, &h.Value, "value")
	if err != nil {
		return err
	}
	return writeFelt(st, h.Dst, asm.FeltFromBig(new(big.Int).Sqrt(v.BigInt())))
}

// uint256SquareRoot: value = value_low + value_high * 2**128, root =
// isqrt(value), remainder = value - root**2; it writes root & (2**64 - 1),
// root >> 64, remainder & (2**128 - 1), remainder >> 128 and
// root * 2 - remainder >= 2**128.
func uint256SquareRoot(st *vm.State, h *class.Uint256SquareRoot) error {
	ops, err := evalBigs(st, []string{"value_low", "value_high"}, &h.ValueLow, &h.ValueHigh)
	if err != nil {
		return err
	}
	value := joinLimbs(ops[0], ops[1])
	root := new(big.Int).Sqrt(value)
	rem := new(big.Int).Sub(value, new(big.Int).Mul(root, root))
	flag := new(big.Int).Lsh(root, 1)
	flag.Sub(flag, rem)
	ge := big.NewInt(0)
	if flag.Cmp(two128) >= 0 {
		ge.SetInt64(1)
	}
	return writeBigs(st, []cellBig{
		{h.Sqrt0, new(big.Int).And(root, mask64)}, {h.Sqrt1, shr(root, 64)},
		{h.RemainderLow, low128(rem)}, {h.RemainderHigh, shr(rem, 128)},
		{h.SqrtMul2MinusRemainderGeU128, ge},
	})
}

// u256InvModN: b = b0 + (b1 << 128), n = n0 + (n1 << 128) and
// (_, r, g) = igcdex(n, b). With n = 1 it writes g0 = 1, g1 = 0, s = b
// (as b0, b1), t = 1; with g != 1 (2 if g is even) g, s = b // g and
// t = n // g; otherwise g0 = 0, r = r mod n and k = (r * b - 1) // n.
func u256InvModN(st *vm.State, h *class.U256InvModN) error {
	ops, err := evalBigs(st, []string{"b0", "b1", "n0", "n1"}, &h.B0, &h.B1, &h.N0, &h.N1)
	if err != nil {
		return err
	}
	b := joinLimbs(ops[0], ops[1])
	n := joinLimbs(ops[2], ops[3])
	one := big.NewInt(1)
	if n.Cmp(one) == 0 {
		return writeBigs(st, []cellBig{
			{h.G0OrNoInv, one}, {h.G1Option, new(big.Int)},
			{h.SOrR0, ops[0]}, {h.SOrR1, ops[1]},
			{h.TOrK0, one}, {h.TOrK1, new(big.Int)},
		})
	}
	g := new(big.Int).GCD(nil, nil, n, b)
	if g.Cmp(one) != 0 {
		if g.Bit(0) == 0 {
			g.SetInt64(2)
		}
		s := new(big.Int).Quo(b, g)
		t := new(big.Int).Quo(n, g)
		return writeBigs(st, []cellBig{
			{h.G0OrNoInv, low128(g)}, {h.G1Option, shr(g, 128)},
			{h.SOrR0, low128(s)}, {h.SOrR1, shr(s, 128)},
			{h.TOrK0, low128(t)}, {h.TOrK1, shr(t, 128)},
		})
	}
	if n.Sign() == 0 {
		// gcd(0, 1) = 1: Python's r %= n divides by zero.
		return ErrDivisionByZero
	}
	r := new(big.Int).ModInverse(b, n)
	k := new(big.Int).Mul(r, b)
	k.Sub(k, one)
	k.Div(k, n)
	return writeBigs(st, []cellBig{
		{h.G0OrNoInv, new(big.Int)},
		{h.SOrR0, low128(r)}, {h.SOrR1, shr(r, 128)},
		{h.TOrK0, low128(k)}, {h.TOrK1, shr(k, 128)},
	})
}

// Limb arithmetic.

// mulLimbs is the full 512-bit product of two 256-bit integers (limbs
// little-endian).
func mulLimbs(x, y [4]uint64) (z [8]uint64) {
	for i := range 4 {
		var carry uint64
		for j := range 4 {
			hi, lo := bits.Mul64(x[i], y[j])
			var c uint64
			lo, c = bits.Add64(lo, z[i+j], 0)
			hi += c
			lo, c = bits.Add64(lo, carry, 0)
			hi += c
			z[i+j] = lo
			carry = hi
		}
		z[i+4] = carry
	}
	return z
}

// divmodFelt is divmod(x, y) on the integers below P that x and y are; ok
// is false when y is 0. Divisors below 2^64, and 128-bit operands, take
// allocation-free paths.
func divmodFelt(x, y *asm.Felt) (q, r asm.Felt, ok bool) {
	xl, yl := x.Regular(), y.Regular()
	switch {
	case yl[1]|yl[2]|yl[3] == 0:
		d := yl[0]
		if d == 0 {
			return q, r, false
		}
		var ql [4]uint64
		var rem uint64
		for i := 3; i >= 0; i-- {
			ql[i], rem = bits.Div64(rem, xl[i], d)
		}
		q.SetLimbs(ql)
		r.SetUint64(rem)
	case xl[2]|xl[3]|yl[2]|yl[3] == 0:
		qq, rlo, rhi := divU128(xl[0], xl[1], yl[0], yl[1])
		q.SetUint64(qq)
		r.SetLimbs([4]uint64{rlo, rhi})
	case yl[2]|yl[3] == 0:
		// A 128-bit divisor of a wider felt (linear_split of a storage
		// address, for one), which big.Int made three allocations.
		ql, rl := divBy128(xl, yl[0], yl[1])
		q.SetLimbs(ql)
		r.SetLimbs(rl)
	default:
		var bq, br big.Int
		bq.DivMod(x.BigInt(), y.BigInt(), &br)
		q, r = asm.FeltFromBig(&bq), asm.FeltFromBig(&br)
	}
	return q, r, true
}

// divBy128 divides the 256-bit u (limbs, least significant first) by v =
// (vHi, vLo) with vHi != 0: Knuth's algorithm D (TAOCP 4.3.1) on 64-bit
// digits, as Hacker's Delight's divmnu64 writes it.
func divBy128(u [4]uint64, vLo, vHi uint64) (q, r [4]uint64) {
	s := uint(bits.LeadingZeros64(vHi))
	// The normalised divisor and dividend; shifts by 64 give 0.
	v1, v0 := vHi<<s|vLo>>(64-s), vLo<<s
	var un [5]uint64
	un[4] = u[3] >> (64 - s)
	for i := 3; i > 0; i-- {
		un[i] = u[i]<<s | u[i-1]>>(64-s)
	}
	un[0] = u[0] << s
	for j := 2; j >= 0; j-- {
		// The trial digit from the top two digits, at most two too big,
		// corrected with the divisor's second digit.
		var qhat, rhat uint64
		rhatOver := false
		if un[j+2] >= v1 {
			qhat = ^uint64(0)
			var c uint64
			rhat, c = bits.Add64(un[j+1], v1, 0)
			rhatOver = c != 0
		} else {
			qhat, rhat = bits.Div64(un[j+2], un[j+1], v1)
		}
		for !rhatOver {
			hi, lo := bits.Mul64(qhat, v0)
			if hi < rhat || hi == rhat && lo <= un[j] {
				break
			}
			qhat--
			var c uint64
			rhat, c = bits.Add64(rhat, v1, 0)
			rhatOver = c != 0
		}
		// With a two-digit divisor the test above compares qhat * v with
		// the three digits un[j..j+2] exactly, so qhat is the quotient
		// digit and un[j..j+2] -= qhat * v cannot borrow (the add-back
		// step of algorithm D never runs).
		p0hi, p0lo := bits.Mul64(qhat, v0)
		p1hi, p1lo := bits.Mul64(qhat, v1)
		t1, c := bits.Add64(p0hi, p1lo, 0)
		t2 := p1hi + c
		var b uint64
		un[j], b = bits.Sub64(un[j], p0lo, 0)
		un[j+1], b = bits.Sub64(un[j+1], t1, b)
		un[j+2], _ = bits.Sub64(un[j+2], t2, b)
		q[j] = qhat
	}
	r[0] = un[0]>>s | un[1]<<(64-s)
	r[1] = un[1] >> s
	return q, r
}

// divU128 divides u = (uHi, uLo) by v = (vHi, vLo) with vHi != 0: the
// quotient fits 64 bits. A trial quotient from the normalised top limb of v
// is at most one too small (Hacker's Delight, divlu).
func divU128(uLo, uHi, vLo, vHi uint64) (q, rLo, rHi uint64) {
	n := uint(bits.LeadingZeros64(vHi))
	v1 := vHi<<n | vLo>>(64-n) // a shift by 64 gives 0
	u1Hi, u1Lo := uHi>>1, uLo>>1|uHi<<63
	tq, _ := bits.Div64(u1Hi, u1Lo, v1)
	tq >>= 63 - n
	if tq != 0 {
		tq--
	}
	// r = u - v * tq, which cannot underflow.
	pHi, pLo := bits.Mul64(vLo, tq)
	pHi += vHi * tq
	var borrow uint64
	rLo, borrow = bits.Sub64(uLo, pLo, 0)
	rHi, _ = bits.Sub64(uHi, pHi, borrow)
	if rHi > vHi || rHi == vHi && rLo >= vLo {
		tq++
		rLo, borrow = bits.Sub64(rLo, vLo, 0)
		rHi, _ = bits.Sub64(rHi, vHi, borrow)
	}
	return tq, rLo, rHi
}

// Big-integer helpers.

var (
	two128  = new(big.Int).Lsh(big.NewInt(1), 128)
	mask64  = new(big.Int).SetUint64(^uint64(0))
	mask128 = new(big.Int).Sub(two128, big.NewInt(1))
)

func limbsToBig(l []uint64) *big.Int {
	z := new(big.Int)
	for i := len(l) - 1; i >= 0; i-- {
		z.Lsh(z, 64)
		z.Or(z, new(big.Int).SetUint64(l[i]))
	}
	return z
}

// evalBigs evaluates integer operands, named by names.
func evalBigs(st *vm.State, names []string, ops ...*class.ResOperand) ([]*big.Int, error) {
	out := make([]*big.Int, len(ops))
	for i, op := range ops {
		f, err := evalFelt(st, op, names[i])
		if err != nil {
			return nil, err
		}
		out[i] = f.BigInt()
	}
	return out, nil
}

// joinLimbs is l0 + l1 * 2**128 + l2 * 2**256 + ...
func joinLimbs(l ...*big.Int) *big.Int {
	z := new(big.Int)
	for i := len(l) - 1; i >= 0; i-- {
		z.Lsh(z, 128)
		z.Add(z, l[i])
	}
	return z
}

func low128(x *big.Int) *big.Int { return new(big.Int).And(x, mask128) }

func shr(x *big.Int, n uint) *big.Int { return new(big.Int).Rsh(x, n) }

// cellBig is one memory[cell] = value of a hint, in the hint's order.
type cellBig struct {
	cell  class.CellRef
	value *big.Int
}

// writeBigs writes values mod P, in order.
func writeBigs(st *vm.State, w []cellBig) error {
	for _, x := range w {
		if err := writeFelt(st, x.cell, asm.FeltFromBig(x.value)); err != nil {
			return err
		}
	}
	return nil
}
