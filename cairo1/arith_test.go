package cairo1

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/vm"
)

// edges are the integers every comparison and division meets.
var edges = []*big.Int{bi(0), bi(1), bi(2), u128Max, pow2(128), add(pow2(128), bi(1)),
	sub(pow2(64), bi(1)), pow2(64), pow2(251), sub(primeP, bi(2)), pMinus1}

func TestTestLessThan(t *testing.T) {
	for _, a := range edges {
		for _, b := range edges {
			f := fresh(t)
			f.setBig(fp(0), a)
			f.setBig(fp(1), b)
			f.mustRun(&class.TestLessThan{LHS: deref(fp(0)), RHS: deref(fp(1)), Dst: ap(0)})
			want := bi(0)
			if a.Cmp(b) < 0 {
				want = bi(1)
			}
			f.wantBig(fmt.Sprintf("%s < %s", a, b), ap(0), want)

			f.mustRun(&class.TestLessThanOrEqual{LHS: deref(fp(0)), RHS: deref(fp(1)), Dst: ap(1)})
			want = bi(0)
			if a.Cmp(b) <= 0 {
				want = bi(1)
			}
			f.wantBig(fmt.Sprintf("%s <= %s", a, b), ap(1), want)
		}
	}
}

// TestTestLessThanOperands flips the result through each operand form:
// an immediate, a BinOp that wraps around P, a DoubleDeref.
func TestTestLessThanOperands(t *testing.T) {
	f := fresh(t)
	f.setBig(fp(0), bi(5))
	// [fp] + (-6) is P - 1 (the % PRIME of the Python), not below 5.
	f.mustRun(&class.TestLessThan{LHS: binOpImm(class.Add, fp(0), bi(-6)), RHS: imm(bi(5)), Dst: ap(0)})
	f.wantBig("(5 - 6) % P < 5", ap(0), bi(0))
	// [fp] + (-5) is 0.
	f.mustRun(&class.TestLessThan{LHS: binOpImm(class.Add, fp(0), bi(-5)), RHS: imm(bi(5)), Dst: ap(1)})
	f.wantBig("(5 - 5) % P < 5", ap(1), bi(1))
	// 5 * 2^250 mod P, computed here.
	f.mustRun(&class.TestLessThan{LHS: imm(bi(4)), RHS: binOpImm(class.Mul, fp(0), pow2(250)), Dst: ap(2)})
	want := bi(0)
	if bi(4).Cmp(mod(new(big.Int).Mul(bi(5), pow2(250)))) < 0 {
		want = bi(1)
	}
	f.wantBig("4 < 5 * 2^250 % P", ap(2), want)
	// [[fp + 1] + 2] through a pointer to the execution segment.
	f.set(fp(1), vm.PtrValue(f.exec.Add(40)))
	f.setAt(f.exec.Add(42), feltOf(u128Max))
	f.mustRun(&class.TestLessThan{LHS: dderef(fp(1), 2), RHS: imm(pow2(128)), Dst: ap(3)})
	f.wantBig("2^128 - 1 < 2^128", ap(3), bi(1))
	f.mustRun(&class.TestLessThan{LHS: imm(pow2(128)), RHS: dderef(fp(1), 2), Dst: ap(4)})
	f.wantBig("2^128 < 2^128 - 1", ap(4), bi(0))
	// BinOp of two cells.
	f.setBig(fp(2), pMinus1)
	f.mustRun(&class.TestLessThanOrEqual{LHS: binOpCell(class.Add, fp(0), fp(2)), RHS: imm(bi(3)), Dst: ap(5)})
	f.wantBig("(5 + P - 1) % P <= 3", ap(5), bi(0))
	f.mustRun(&class.TestLessThanOrEqual{LHS: binOpCell(class.Add, fp(0), fp(2)), RHS: imm(bi(4)), Dst: ap(6)})
	f.wantBig("(5 + P - 1) % P <= 4", ap(6), bi(1))
}

// TestCompareRelocatable follows Python's ordering of cairo-lang values:
// integers below relocatables, relocatables by (segment, offset).
func TestCompareRelocatable(t *testing.T) {
	f := fresh(t)
	seg2 := f.st.Mem.AddSegment()
	f.set(fp(0), vm.PtrValue(f.exec.Add(3)))
	f.set(fp(1), vm.PtrValue(f.exec.Add(4)))
	f.set(fp(2), vm.PtrValue(seg2))
	f.setBig(fp(3), pMinus1)
	cases := []struct {
		lhs, rhs class.ResOperand
		lt, le   int64
	}{
		{deref(fp(0)), deref(fp(1)), 1, 1},
		{deref(fp(1)), deref(fp(0)), 0, 0},
		{deref(fp(0)), deref(fp(0)), 0, 1},
		{deref(fp(0)), binOpImm(class.Add, fp(0), bi(0)), 0, 1},
		{binOpImm(class.Add, fp(0), bi(1)), deref(fp(1)), 0, 1},
		{binOpImm(class.Add, fp(1), bi(-1)), deref(fp(0)), 0, 1},
		{deref(fp(1)), deref(fp(2)), 1, 1}, // segment 1 < segment 2
		{deref(fp(2)), deref(fp(0)), 0, 0},
		{deref(fp(3)), deref(fp(0)), 1, 1}, // P - 1 < any relocatable
		{deref(fp(0)), deref(fp(3)), 0, 0},
	}
	for i, c := range cases {
		f.mustRun(&class.TestLessThan{LHS: c.lhs, RHS: c.rhs, Dst: ap(int16(3 * i))})
		f.wantBig(fmt.Sprintf("case %d: %s < %s", i, c.lhs, c.rhs), ap(int16(3*i)), bi(c.lt))
		f.mustRun(&class.TestLessThanOrEqual{LHS: c.lhs, RHS: c.rhs, Dst: ap(int16(3*i + 1))})
		f.wantBig(fmt.Sprintf("case %d: %s <= %s", i, c.lhs, c.rhs), ap(int16(3*i+1)), bi(c.le))
		f.mustRun(&class.TestLessThanOrEqualAddress{LHS: c.lhs, RHS: c.rhs, Dst: ap(int16(3*i + 2))})
		f.wantBig(fmt.Sprintf("case %d: address %s <= %s", i, c.lhs, c.rhs), ap(int16(3*i+2)), bi(c.le))
	}
}

func TestWideMul128(t *testing.T) {
	vals := append([]*big.Int{hexBig("0x1234567890abcdef1234567890abcdef")}, edges...)
	for _, a := range vals {
		for _, b := range vals {
			f := fresh(t)
			f.setBig(fp(0), a)
			f.setBig(fp(1), b)
			f.mustRun(&class.WideMul128{LHS: deref(fp(0)), RHS: deref(fp(1)), High: ap(0), Low: ap(1)})
			prod := new(big.Int).Mul(a, b)
			f.wantBig(fmt.Sprintf("high(%s * %s)", a, b), ap(0), new(big.Int).Rsh(prod, 128))
			f.wantBig(fmt.Sprintf("low(%s * %s)", a, b), ap(1), new(big.Int).Mod(prod, pow2(128)))
		}
	}
}

// divisors covers the three division paths: below 2^64, 128-bit operands,
// and the rest.
func divCases() [][2]*big.Int {
	var out [][2]*big.Int
	vals := append([]*big.Int{bi(3), bi(10), hexBig("0xfedcba9876543210fedcba9876543210"),
		hexBig("0x10000000000000001"), hexBig("0x1ffffffffffffffffffffffffffffffff")}, edges...)
	for _, a := range vals {
		for _, b := range vals {
			if b.Sign() != 0 {
				out = append(out, [2]*big.Int{a, b})
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	randBits := func(n int) *big.Int {
		v := new(big.Int)
		for v.BitLen() < n {
			v.Lsh(v, 64).Or(v, new(big.Int).SetUint64(rng.Uint64()))
		}
		return v.Rsh(v, uint(v.BitLen()-rng.IntN(n+1)))
	}
	for range 3000 {
		a, b := randBits(128), randBits(128)
		if rng.IntN(4) == 0 {
			a = mod(randBits(252))
		}
		if rng.IntN(8) == 0 {
			b = mod(randBits(252))
		}
		if b.Sign() != 0 {
			out = append(out, [2]*big.Int{a, b})
		}
	}
	return out
}

func TestDivMod(t *testing.T) {
	f := fresh(t)
	h := &class.DivMod{LHS: deref(fp(0)), RHS: deref(fp(1)), Quotient: ap(0), Remainder: ap(1)}
	for _, c := range divCases() {
		a, b := c[0], c[1]
		f = fresh(t)
		f.setBig(fp(0), a)
		f.setBig(fp(1), b)
		f.mustRun(h)
		q, r := new(big.Int).DivMod(a, b, new(big.Int))
		f.wantBig(fmt.Sprintf("%s // %s", a, b), ap(0), q)
		f.wantBig(fmt.Sprintf("%s %% %s", a, b), ap(1), r)
		if t.Failed() {
			return
		}
	}
	f = fresh(t)
	f.setBig(fp(0), bi(5))
	f.setBig(fp(1), bi(0))
	wantErr(t, f.run(h), h, ErrDivisionByZero)
}

func TestLinearSplit(t *testing.T) {
	cases := [][3]*big.Int{ // value, scalar, max_x
		{bi(0), bi(1), bi(0)},
		{bi(100), bi(7), bi(1000)},
		{bi(100), bi(7), bi(3)},
		{bi(100), bi(7), bi(14)},
		{pMinus1, bi(1), u128Max},
		{pMinus1, pow2(128), pMinus1},
		{pMinus1, pow2(128), bi(0)},
		{u128Max, pow2(64), sub(pow2(64), bi(1))},
		{pow2(128), pow2(64), sub(pow2(64), bi(1))},
		{hexBig("0x7ffffffffffffffffffffffffffffffffffffffffffffffffffff"), hexBig("0x10000000000000000000000000000000000000000"), bi(17)},
		{pMinus1, pMinus1, bi(5)},
	}
	for _, c := range cases {
		f := fresh(t)
		f.setBig(fp(0), c[0])
		f.mustRun(&class.LinearSplit{Value: deref(fp(0)), Scalar: imm(c[1]), MaxX: imm(c[2]), X: ap(0), Y: ap(1)})
		x := new(big.Int).Quo(c[0], c[1])
		if x.Cmp(c[2]) > 0 {
			x = c[2]
		}
		y := sub(c[0], new(big.Int).Mul(x, c[1]))
		f.wantBig(fmt.Sprintf("x of %v", c), ap(0), x)
		f.wantBig(fmt.Sprintf("y of %v", c), ap(1), y)
	}
	f := fresh(t)
	h := &class.LinearSplit{Value: imm(bi(5)), Scalar: imm(bi(0)), MaxX: imm(bi(5)), X: ap(0), Y: ap(1)}
	wantErr(t, f.run(h), h, ErrDivisionByZero)
}

func TestUint256DivMod(t *testing.T) {
	vals := []*big.Int{bi(0), bi(1), bi(7), u128Max, pow2(128), pMinus1,
		hexBig("0xfedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"),
		sub(pow2(256), bi(1))}
	h := &class.Uint256DivMod{Dividend0: deref(fp(0)), Dividend1: deref(fp(1)),
		Divisor0: deref(fp(2)), Divisor1: deref(fp(3)),
		Quotient0: ap(0), Quotient1: ap(1), Remainder0: ap(2), Remainder1: ap(3)}
	for _, a := range vals {
		for _, b := range vals {
			if b.Sign() == 0 {
				continue
			}
			// Limbs as u256 splits them; values above 2^256 keep their
			// high part in limb 1, as the Python's a0 + a1 * 2**128 does.
			a0, a1 := new(big.Int).Mod(a, pow2(128)), new(big.Int).Rsh(a, 128)
			b0, b1 := new(big.Int).Mod(b, pow2(128)), new(big.Int).Rsh(b, 128)
			f := fresh(t)
			for i, v := range []*big.Int{a0, a1, b0, b1} {
				f.setBig(fp(int16(i)), v)
			}
			f.mustRun(h)
			q, r := new(big.Int).DivMod(a, b, new(big.Int))
			f.wantBig("quotient0", ap(0), new(big.Int).Mod(q, pow2(128)))
			f.wantBig("quotient1", ap(1), new(big.Int).Rsh(q, 128))
			f.wantBig("remainder0", ap(2), new(big.Int).Mod(r, pow2(128)))
			f.wantBig("remainder1", ap(3), new(big.Int).Rsh(r, 128))
		}
	}
	f := fresh(t)
	for i := range 4 {
		f.setBig(fp(int16(i)), bi(int64(1-i/2)))
	}
	wantErr(t, f.run(h), h, ErrDivisionByZero)
}

func TestUint512DivModByUint256(t *testing.T) {
	dividends := []*big.Int{bi(0), bi(1), u128Max, sub(pow2(512), bi(1)), pow2(384),
		hexBig("0x123456789abcdef0123456789abcdef0fedcba9876543210fedcba9876543210aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd")}
	divisors := []*big.Int{bi(1), bi(3), u128Max, pow2(128), sub(pow2(256), bi(1)),
		hexBig("0xfedcba9876543210fedcba98765432100123456789")}
	h := &class.Uint512DivModByUint256{
		Dividend0: deref(fp(0)), Dividend1: deref(fp(1)), Dividend2: deref(fp(2)), Dividend3: deref(fp(3)),
		Divisor0: deref(fp(4)), Divisor1: deref(fp(5)),
		Quotient0: ap(0), Quotient1: ap(1), Quotient2: ap(2), Quotient3: ap(3), Remainder0: ap(4), Remainder1: ap(5)}
	limb := func(x *big.Int, i uint) *big.Int {
		return new(big.Int).Mod(new(big.Int).Rsh(x, 128*i), pow2(128))
	}
	for _, a := range dividends {
		for _, b := range divisors {
			f := fresh(t)
			for i := range 4 {
				f.setBig(fp(int16(i)), limb(a, uint(i)))
			}
			f.setBig(fp(4), limb(b, 0))
			f.setBig(fp(5), limb(b, 1))
			f.mustRun(h)
			q, r := new(big.Int).DivMod(a, b, new(big.Int))
			for i := range 3 {
				f.wantBig(fmt.Sprintf("quotient%d of %x / %x", i, a, b), ap(int16(i)), limb(q, uint(i)))
			}
			f.wantBig("quotient3", ap(3), new(big.Int).Rsh(q, 384))
			f.wantBig("remainder0", ap(4), limb(r, 0))
			f.wantBig("remainder1", ap(5), new(big.Int).Rsh(r, 128))
		}
	}
	f := fresh(t)
	for i := range 6 {
		f.setBig(fp(int16(i)), bi(int64(i/4^1)))
	}
	wantErr(t, f.run(h), h, ErrDivisionByZero)
}

// isqrtOK checks r = floor(sqrt(v)): r^2 <= v < (r+1)^2.
func isqrtOK(r, v *big.Int) bool {
	r1 := add(r, bi(1))
	return new(big.Int).Mul(r, r).Cmp(v) <= 0 && new(big.Int).Mul(r1, r1).Cmp(v) > 0
}

func TestSquareRoot(t *testing.T) {
	for _, v := range append([]*big.Int{bi(3), bi(4), bi(15), bi(16), bi(17), sub(pow2(250), bi(1))}, edges...) {
		f := fresh(t)
		f.setBig(fp(0), v)
		f.mustRun(&class.SquareRoot{Value: deref(fp(0)), Dst: ap(0)})
		if g := f.bigAt(ap(0)); !isqrtOK(g, v) {
			t.Errorf("isqrt(%s) = %s", v, g)
		}
	}
}

func TestUint256SquareRoot(t *testing.T) {
	vals := []*big.Int{bi(0), bi(1), bi(2), bi(3), bi(4), u128Max, pow2(128), add(pow2(128), bi(1)),
		sub(pow2(256), bi(1)), new(big.Int).Mul(u128Max, u128Max), sub(new(big.Int).Mul(pow2(128), pow2(128)), pow2(129)),
		hexBig("0xfedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210")}
	h := &class.Uint256SquareRoot{ValueLow: deref(fp(0)), ValueHigh: deref(fp(1)),
		Sqrt0: ap(0), Sqrt1: ap(1), RemainderLow: ap(2), RemainderHigh: ap(3), SqrtMul2MinusRemainderGeU128: ap(4)}
	for _, v := range vals {
		f := fresh(t)
		f.setBig(fp(0), new(big.Int).Mod(v, pow2(128)))
		f.setBig(fp(1), new(big.Int).Rsh(v, 128))
		f.mustRun(h)
		s0, s1 := f.bigAt(ap(0)), f.bigAt(ap(1))
		if s0.Cmp(pow2(64)) >= 0 {
			t.Errorf("sqrt0 of %x = %x is not below 2^64", v, s0)
		}
		root := add(s0, new(big.Int).Lsh(s1, 64))
		if !isqrtOK(root, v) {
			t.Errorf("isqrt(%x) = %x", v, root)
			continue
		}
		rem := sub(v, new(big.Int).Mul(root, root))
		f.wantBig("remainder_low", ap(2), new(big.Int).Mod(rem, pow2(128)))
		f.wantBig("remainder_high", ap(3), new(big.Int).Rsh(rem, 128))
		ge := bi(0)
		if sub(new(big.Int).Lsh(root, 1), rem).Cmp(pow2(128)) >= 0 {
			ge = bi(1)
		}
		f.wantBig("sqrt_mul_2_minus_remainder_ge_u128", ap(4), ge)
	}
}

func TestU256InvModN(t *testing.T) {
	h := &class.U256InvModN{B0: deref(fp(0)), B1: deref(fp(1)), N0: deref(fp(2)), N1: deref(fp(3)),
		G0OrNoInv: ap(0), G1Option: ap(1), SOrR0: ap(2), SOrR1: ap(3), TOrK0: ap(4), TOrK1: ap(5)}
	p256 := hexBig("0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff") // a prime
	cases := [][2]*big.Int{                                                              // b, n
		{bi(3), bi(7)},
		{bi(2), bi(4)},  // g = 2
		{bi(4), bi(8)},  // g = 4, even: written as 2
		{bi(6), bi(9)},  // g = 3
		{bi(0), bi(5)},  // g = 5
		{bi(0), bi(6)},  // g = 6, even: 2
		{bi(5), bi(1)},  // n = 1
		{bi(0), bi(0)},  // gcd(0, 0) = 0, even: 2
		{bi(7), bi(0)},  // g = 7
		{u128Max, p256}, // inverse
		{pow2(200), p256},
		{sub(p256, bi(1)), p256},
		{new(big.Int).Mul(bi(3), pow2(129)), new(big.Int).Mul(bi(9), pow2(130))},                         // g even
		{new(big.Int).Mul(bi(7), add(pow2(129), bi(1))), new(big.Int).Mul(bi(5), add(pow2(129), bi(1)))}, // g odd > 2^128
	}
	split := func(x *big.Int) (*big.Int, *big.Int) {
		return new(big.Int).Mod(x, pow2(128)), new(big.Int).Rsh(x, 128)
	}
	for _, c := range cases {
		b, n := c[0], c[1]
		f := fresh(t)
		b0, b1 := split(b)
		n0, n1 := split(n)
		for i, v := range []*big.Int{b0, b1, n0, n1} {
			f.setBig(fp(int16(i)), v)
		}
		f.mustRun(h)
		name := fmt.Sprintf("b=%s n=%s", b, n)
		g := new(big.Int).GCD(nil, nil, b, n)
		switch {
		case n.Cmp(bi(1)) == 0:
			f.wantBig(name+" g0", ap(0), bi(1))
			f.wantBig(name+" g1", ap(1), bi(0))
			f.wantBig(name+" s0", ap(2), b0)
			f.wantBig(name+" s1", ap(3), b1)
			f.wantBig(name+" t0", ap(4), bi(1))
			f.wantBig(name+" t1", ap(5), bi(0))
		case g.Cmp(bi(1)) != 0:
			if g.Bit(0) == 0 {
				g = bi(2)
			}
			s0, s1 := split(new(big.Int).Quo(b, g))
			t0, t1 := split(new(big.Int).Quo(n, g))
			g0, g1 := split(g)
			f.wantBig(name+" g0", ap(0), g0)
			f.wantBig(name+" g1", ap(1), g1)
			f.wantBig(name+" s0", ap(2), s0)
			f.wantBig(name+" s1", ap(3), s1)
			f.wantBig(name+" t0", ap(4), t0)
			f.wantBig(name+" t1", ap(5), t1)
			// The proof of no inverse: b = s * g, n = t * g, g > 1.
		default:
			f.wantBig(name+" no_inv", ap(0), bi(0))
			r := add(f.bigAt(ap(2)), new(big.Int).Lsh(f.bigAt(ap(3)), 128))
			k := add(f.bigAt(ap(4)), new(big.Int).Lsh(f.bigAt(ap(5)), 128))
			// r * b = 1 + k * n with 0 <= r < n.
			lhs := new(big.Int).Mul(r, b)
			rhs := add(bi(1), new(big.Int).Mul(k, n))
			if r.Cmp(n) >= 0 || lhs.Cmp(rhs) != 0 {
				t.Errorf("%s: r = %s, k = %s do not satisfy r*b = 1 + k*n", name, r, k)
			}
			if f.st.Mem.Get(f.addr(ap(1))).Known() {
				t.Errorf("%s: g1_option written in the inverse case", name)
			}
		}
	}
	// n = 0, b = 1: the Python's r %= n divides by zero.
	f := fresh(t)
	for i, v := range []int64{1, 0, 0, 0} {
		f.setBig(fp(int16(i)), bi(v))
	}
	wantErr(t, f.run(h), h, ErrDivisionByZero)
}

// TestIntegerOperandErrors: a relocatable where an integer is expected.
func TestIntegerOperandErrors(t *testing.T) {
	f := fresh(t)
	f.set(fp(0), vm.PtrValue(f.exec))
	f.setBig(fp(1), bi(3))
	hs := []class.Hint{
		&class.DivMod{LHS: deref(fp(0)), RHS: deref(fp(1)), Quotient: ap(0), Remainder: ap(1)},
		&class.WideMul128{LHS: deref(fp(1)), RHS: deref(fp(0)), High: ap(0), Low: ap(1)},
		&class.LinearSplit{Value: deref(fp(0)), Scalar: imm(bi(1)), MaxX: imm(bi(1)), X: ap(0), Y: ap(1)},
		&class.SquareRoot{Value: deref(fp(0)), Dst: ap(0)},
		&class.TestLessThan{LHS: binOpCell(class.Mul, fp(0), fp(1)), RHS: imm(bi(1)), Dst: ap(0)},
		&class.TestLessThan{LHS: binOpCell(class.Add, fp(0), fp(0)), RHS: imm(bi(1)), Dst: ap(0)},
	}
	for _, h := range hs {
		wantErr(t, f.run(h), h, ErrNotInteger)
	}
}

// TestHotHintsDoNotAllocate: the frequent hints run without allocating
// once their cells exist.
func TestHotHintsDoNotAllocate(t *testing.T) {
	f := fresh(t)
	f.setBig(fp(0), hexBig("0xfedcba9876543210fedcba9876543210"))
	f.setBig(fp(1), hexBig("0x1234567890abcdef1234567890abcdef"))
	f.setBig(fp(2), bi(1000))
	hs := []class.Hint{
		&class.TestLessThan{LHS: deref(fp(0)), RHS: binOpImm(class.Add, fp(1), bi(-1)), Dst: ap(0)},
		&class.TestLessThanOrEqual{LHS: deref(fp(0)), RHS: imm(pow2(128)), Dst: ap(1)},
		&class.DivMod{LHS: deref(fp(0)), RHS: deref(fp(1)), Quotient: ap(2), Remainder: ap(3)},
		&class.DivMod{LHS: deref(fp(0)), RHS: deref(fp(2)), Quotient: ap(4), Remainder: ap(5)},
		&class.LinearSplit{Value: deref(fp(0)), Scalar: imm(pow2(64)), MaxX: imm(u128Max), X: ap(6), Y: ap(7)},
		&class.WideMul128{LHS: deref(fp(0)), RHS: deref(fp(1)), High: ap(8), Low: ap(9)},
	}
	for _, h := range hs {
		b, err := Bind(7, h)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Execute(f.st); err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(100, func() {
			if err := b.Execute(f.st); err != nil {
				t.Fatal(err)
			}
		}); n != 0 {
			t.Errorf("%s: %v allocations per run", h.Name(), n)
		}
	}
}

// TestDivmodFeltWide checks divmodFelt's 128-bit-divisor path against
// big.Int's division, on edge values, divisors with few or many leading
// zero bits (the normalisation shift), and random felts.
func TestDivmodFeltWide(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	randBelow := func(bound *big.Int) *big.Int {
		b := make([]byte, 32)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return new(big.Int).Mod(new(big.Int).SetBytes(b), bound)
	}
	var xs, ys []*big.Int
	xs = append(xs, edges...)
	ys = append(ys, pow2(64), add(pow2(64), bi(1)), u128Max, sub(pow2(127), bi(1)), pow2(127), pow2(100))
	for range 300 {
		xs = append(xs, randBelow(primeP))
		bitsN := 65 + rng.IntN(64) // a divisor of 65 to 128 bits
		y := randBelow(pow2(uint(bitsN)))
		y.SetBit(y, bitsN-1, 1)
		ys = append(ys, y)
	}
	// Trial quotient digits that need correcting: a divisor whose top
	// digit is all ones below a dividend with a high digit equal to it.
	xs = append(xs, add(pow2(191), bi(3)), sub(pow2(192), bi(1)), add(new(big.Int).Mul(sub(pow2(64), bi(1)), pow2(128)), bi(5)))
	ys = append(ys, add(pow2(127), bi(1)), sub(pow2(128), bi(1)), add(new(big.Int).Mul(sub(pow2(64), bi(1)), pow2(64)), sub(pow2(64), bi(1))))
	for _, x := range xs {
		for _, y := range ys {
			fx, fy := asm.FeltFromBig(x), asm.FeltFromBig(y)
			q, r, ok := divmodFelt(&fx, &fy)
			wq, wr := new(big.Int).DivMod(x, y, new(big.Int))
			if !ok || q.BigInt().Cmp(wq) != 0 || r.BigInt().Cmp(wr) != 0 {
				t.Fatalf("divmod(%s, %s) = %s, %s; want %s, %s", x, y, q.BigInt(), r.BigInt(), wq, wr)
			}
		}
	}
}
