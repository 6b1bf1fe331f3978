package asm

import (
	"encoding/binary"
	"errors"
	"math/big"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// Every expected value in this file is computed with math/big from P as
// written in the Cairo spec, never with the code under test. Felts are read
// back through BigInt, which TestBigIntView pins to an independent decoding.

var (
	// P = 2^251 + 17·2^192 + 1, and P // 2 = (P-1)/2.
	tP     = new(big.Int).Add(new(big.Int).Add(pow2(251), new(big.Int).Lsh(big.NewInt(17), 192)), big.NewInt(1))
	tHalf  = new(big.Int).Quo(tP, big.NewInt(2))
	tEuler = new(big.Int).Rsh(new(big.Int).Sub(tP, big.NewInt(1)), 1)
)

func pow2(n uint) *big.Int { return new(big.Int).Lsh(big.NewInt(1), n) }

// mod returns v mod P in [0, P) as a new integer.
func mod(v *big.Int) *big.Int { return new(big.Int).Mod(v, tP) }

func add(a, b *big.Int) *big.Int { return mod(new(big.Int).Add(a, b)) }
func sub(a, b *big.Int) *big.Int { return mod(new(big.Int).Sub(a, b)) }
func mul(a, b *big.Int) *big.Int { return mod(new(big.Int).Mul(a, b)) }

// inv is the field inverse with 1/0 = 0, Felt's documented convention.
func inv(a *big.Int) *big.Int {
	if a.Sign() == 0 {
		return new(big.Int)
	}
	return new(big.Int).ModInverse(a, tP)
}

// edgeBigs are the boundary values: around 0, around P, limb boundaries and
// the two halves' boundary.
func edgeBigs() []*big.Int {
	one := big.NewInt(1)
	return []*big.Int{
		big.NewInt(0), big.NewInt(1), big.NewInt(2),
		new(big.Int).Sub(tP, one), new(big.Int).Sub(tP, big.NewInt(2)),
		new(big.Int).Sub(pow2(64), one), pow2(64),
		new(big.Int).Sub(pow2(128), one), pow2(128),
		pow2(192), pow2(250), pow2(251),
		new(big.Int).Set(tHalf), new(big.Int).Add(tHalf, one),
	}
}

// randBig draws from a mix of shapes: uniform in [0, P), small, just below P
// and powers of two, since carries and reductions hide at the edges.
func randBig(r *rand.Rand) *big.Int {
	switch r.Intn(5) {
	case 0:
		return big.NewInt(r.Int63n(1 << 20))
	case 1:
		return new(big.Int).Sub(tP, big.NewInt(1+r.Int63n(1<<20)))
	case 2:
		return mod(pow2(uint(r.Intn(256))))
	}
	return new(big.Int).Rand(r, tP)
}

// testValues returns the edge values then n random ones.
func testValues(r *rand.Rand, n int) []*big.Int {
	vs := edgeBigs()
	for range n {
		vs = append(vs, randBig(r))
	}
	return vs
}

func felt(v *big.Int) Felt {
	var f Felt
	f.SetBigInt(v)
	return f
}

func check(t *testing.T, op string, got *Felt, want *big.Int, args ...*big.Int) {
	t.Helper()
	if g := got.BigInt(); g.Cmp(want) != 0 {
		t.Fatalf("%s%v = %v, want %v", op, args, g, want)
	}
}

// TestBigIntView pins the integer view (BigInt, String, Hex, Limbs) to
// values known without the code under test.
func TestBigIntView(t *testing.T) {
	if Modulus != tP.String() || ModulusBig().Cmp(tP) != 0 {
		t.Fatalf("modulus %s != %s", Modulus, tP)
	}
	if pLimbs != limbsOfBig(tP) {
		t.Fatalf("pLimbs %x", pLimbs)
	}
	u := FeltFromUint64(0xdeadbeef)
	if u.String() != "3735928559" || u.Hex() != "0xdeadbeef" || u.Limbs() != [4]uint64{0xdeadbeef} {
		t.Fatalf("0xdeadbeef viewed as %s %s %x", u.String(), u.Hex(), u.Limbs())
	}
	m := FeltFromInt64(-1)
	if m.String() != "3618502788666131213697322783095070105623107215331596699973092056135872020480" ||
		m.Hex() != "0x800000000000011000000000000000000000000000000000000000000000000" {
		t.Fatalf("-1 viewed as %s %s", m.String(), m.Hex())
	}
	for _, v := range testValues(rand.New(rand.NewSource(1)), 500) {
		f := felt(v)
		if f.String() != v.Text(10) || f.Hex() != "0x"+v.Text(16) || f.BigInt().Cmp(v) != 0 || f.Limbs() != limbsOfBig(v) {
			t.Fatalf("view of %v: %s %s %v %x", v, f.String(), f.Hex(), f.BigInt(), f.Limbs())
		}
	}
}

func limbsOfBig(v *big.Int) (l [4]uint64) {
	var b [32]byte
	v.FillBytes(b[:])
	for i := range l {
		l[i] = binary.BigEndian.Uint64(b[24-8*i:])
	}
	return l
}

func TestArithmetic(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	vs := testValues(r, 60)
	pairs := [][2]*big.Int{}
	for _, a := range vs { // all pairs of edges and a few randoms
		for _, b := range vs {
			pairs = append(pairs, [2]*big.Int{a, b})
		}
	}
	for range 3000 {
		pairs = append(pairs, [2]*big.Int{randBig(r), randBig(r)})
	}
	halfInv := inv(big.NewInt(2))
	for _, p := range pairs {
		a, b := p[0], p[1]
		x, y := felt(a), felt(b)
		var z Felt
		check(t, "Add", z.Add(&x, &y), add(a, b), a, b)
		check(t, "Sub", z.Sub(&x, &y), sub(a, b), a, b)
		check(t, "Mul", z.Mul(&x, &y), mul(a, b), a, b)
		check(t, "Div", z.Div(&x, &y), mul(a, inv(b)), a, b)
		check(t, "Neg", z.Neg(&x), sub(big.NewInt(0), a), a)
		check(t, "Inverse", z.Inverse(&x), inv(a), a)
		check(t, "Double", z.Double(&x), add(a, a), a)
		check(t, "Square", z.Square(&x), mul(a, a), a)
		check(t, "Halve", z.Halve(&x), mul(a, halfInv), a)
		if a.Sign() != 0 {
			if w := mul(a, inv(a)); w.Cmp(big.NewInt(1)) != 0 {
				t.Fatalf("reference inverse of %v broken", a)
			}
		}
		// Aliased destinations.
		z = x
		check(t, "Mul aliased", z.Mul(&z, &z), mul(a, a), a)
		z = x
		check(t, "Sub aliased", z.Sub(&y, &z), sub(b, a), b, a)
		z = x
		check(t, "Halve aliased", z.Halve(&z), mul(a, halfInv), a)
	}
}

func TestExpLegendre(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	one := big.NewInt(1)
	ks := []*big.Int{big.NewInt(0), one, big.NewInt(2), big.NewInt(3), big.NewInt(-1), big.NewInt(-2),
		new(big.Int).Sub(tP, one), new(big.Int).Set(tP), new(big.Int).Sub(tP, big.NewInt(2)), pow2(300),
		new(big.Int).Set(tEuler), new(big.Int).Neg(pow2(70))}
	for _, a := range testValues(r, 1000) {
		k := ks[r.Intn(len(ks))]
		if r.Intn(2) == 0 {
			k = new(big.Int).Rand(r, pow2(uint(1+r.Intn(300))))
			if r.Intn(3) == 0 {
				k.Neg(k)
			}
		}
		var want *big.Int
		if k.Sign() >= 0 {
			want = new(big.Int).Exp(a, k, tP)
		} else {
			want = new(big.Int).Exp(inv(a), new(big.Int).Neg(k), tP)
		}
		x := felt(a)
		var z Felt
		check(t, "Exp", z.Exp(&x, k), want, a, k)

		e := new(big.Int).Exp(a, tEuler, tP)
		wantL := map[bool]int{true: 1, false: -1}[e.Cmp(one) == 0]
		if a.Sign() == 0 {
			wantL = 0
		}
		if got := x.Legendre(); got != wantL {
			t.Fatalf("Legendre(%v) = %d, want %d", a, got, wantL)
		}
	}
}

func TestSqrt(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	vs := testValues(r, 2000)
	for i := range 1000 { // squares, so that roots are exercised often
		s := randBig(r)
		if i < len(edgeBigs()) {
			s = edgeBigs()[i]
		}
		vs = append(vs, mul(s, s))
	}
	residues, nonResidues := 0, 0
	for _, a := range vs {
		e := new(big.Int).Exp(a, tEuler, tP) // Euler's criterion
		isSquare := a.Sign() == 0 || e.Cmp(big.NewInt(1)) == 0
		if !isSquare && e.Cmp(new(big.Int).Sub(tP, big.NewInt(1))) != 0 {
			t.Fatalf("Euler criterion of %v gave %v", a, e)
		}
		x := felt(a)
		sentinel := FeltFromUint64(12345)
		z, c := sentinel, sentinel
		ok, okC := z.Sqrt(&x), c.SqrtCanonical(&x)
		if ok != isSquare || okC != isSquare {
			t.Fatalf("Sqrt(%v) ok=%v canonical ok=%v, Euler says %v", a, ok, okC, isSquare)
		}
		if !isSquare {
			nonResidues++
			if z != sentinel || c != sentinel {
				t.Fatalf("Sqrt(%v) changed z on failure", a)
			}
			continue
		}
		residues++
		root, croot := z.BigInt(), c.BigInt()
		if mul(root, root).Cmp(a) != 0 || mul(croot, croot).Cmp(a) != 0 {
			t.Fatalf("Sqrt(%v) = %v, canonical %v: squares differ", a, root, croot)
		}
		if want := new(big.Int).Sub(tP, root); croot.Cmp(root) != 0 && croot.Cmp(mod(want)) != 0 {
			t.Fatalf("canonical root %v is neither %v nor its negation", croot, root)
		}
		if croot.Cmp(tHalf) > 0 || croot.Cmp(mod(new(big.Int).Sub(tP, croot))) > 0 {
			t.Fatalf("SqrtCanonical(%v) = %v is not the smaller root", a, croot)
		}
	}
	if residues < 1000 || nonResidues < 500 {
		t.Fatalf("skewed sample: %d residues, %d non-residues", residues, nonResidues)
	}
	// Hand-checkable: 4 has roots 2 and P-2; 9 has 3 and P-3.
	for _, c := range []struct{ sq, root uint64 }{{4, 2}, {9, 3}, {0, 0}, {1, 1}} {
		var z Felt
		x := FeltFromUint64(c.sq)
		if !z.SqrtCanonical(&x) || z != FeltFromUint64(c.root) {
			t.Errorf("SqrtCanonical(%d) = %v", c.sq, z)
		}
	}
}

func TestStringRoundTrip(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	for _, a := range testValues(r, 2000) {
		neg := sub(big.NewInt(0), a)
		k := new(big.Int).Rand(r, pow2(uint(1+r.Intn(80))))     // small k stays within 256 bits
		wrapped := new(big.Int).Add(a, new(big.Int).Mul(k, tP)) // ≡ a, possibly >= P
		for _, c := range []struct {
			s      string
			strict bool // FeltFromString accepts it
			want   *big.Int
		}{
			{a.Text(10), true, a},
			{"0x" + a.Text(16), true, a},
			{"0X" + strings.ToUpper(a.Text(16)), true, a},
			{"0x" + strings.Repeat("0", 70) + a.Text(16), true, a},
			{"000" + a.Text(10), true, a},
			{"-" + a.Text(10), true, neg},
			{"-0x" + a.Text(16), true, neg},
			{wrapped.Text(10), k.Sign() == 0, a},
			{"0x" + wrapped.Text(16), k.Sign() == 0, a},
			{"-" + wrapped.Text(10), k.Sign() == 0, neg},
		} {
			f, err := FeltFromString(c.s)
			if c.strict {
				if err != nil {
					t.Fatalf("FeltFromString(%q): %v", c.s, err)
				}
				check(t, "FeltFromString "+c.s, &f, c.want)
			} else if !errors.Is(err, ErrFeltRange) {
				t.Fatalf("FeltFromString(%q) = %v, %v; want range error", c.s, f, err)
			}
			f, err = FeltFromStringMod(c.s)
			if err != nil {
				t.Fatalf("FeltFromStringMod(%q): %v", c.s, err)
			}
			check(t, "FeltFromStringMod "+c.s, &f, c.want)
		}
		f := felt(a)
		if g, err := FeltFromString(f.String()); err != nil || g != f {
			t.Fatalf("String round trip of %v: %v %v", a, g, err)
		}
		if g, err := FeltFromString(f.Hex()); err != nil || g != f {
			t.Fatalf("Hex round trip of %v: %v %v", a, g, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	syntax := []string{"", "-", "0x", "-0x", "0X", "+1", "+0x1", " 1", "1 ", "1_000", "0x_1", "12a", "0xg",
		"--1", "-+1", "0x-1", "0x+1", "1.5", "1e3", "0b101", "0o17", "x12", "0xx1", "١٢", "1\x00",
		strings.Repeat("9", 200) + "z"}
	for _, s := range syntax {
		for name, parse := range map[string]func(string) (Felt, error){"FeltFromString": FeltFromString, "FeltFromStringMod": FeltFromStringMod} {
			_, err := parse(s)
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Input != s || !errors.Is(err, ErrFeltSyntax) {
				t.Errorf("%s(%q) = %v, want syntax ParseError", name, s, err)
			}
		}
	}
	one := big.NewInt(1)
	over := []*big.Int{tP, new(big.Int).Add(tP, one), pow2(252), new(big.Int).Sub(pow2(256), one), pow2(1000)}
	for _, v := range over {
		for _, s := range []string{v.Text(10), "0x" + v.Text(16), "-" + v.Text(10), "-0X" + v.Text(16)} {
			_, err := FeltFromString(s)
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Input != s || !errors.Is(err, ErrFeltRange) || errors.Is(err, ErrFeltSyntax) {
				t.Errorf("FeltFromString(%q) = %v, want range ParseError", s, err)
			}
			if !strings.Contains(err.Error(), s) {
				t.Errorf("error %q does not quote its input", err)
			}
		}
	}
	// The largest accepted magnitude, both ways.
	pm1 := new(big.Int).Sub(tP, one)
	if f, err := FeltFromString("-" + pm1.Text(10)); err != nil || f != FeltFromUint64(1) {
		t.Errorf("-(P-1) = %v, %v", f, err)
	}
	if f, err := FeltFromString("-0"); err != nil || !f.IsZero() {
		t.Errorf("-0 = %v, %v", f, err)
	}
}

func TestBytesRoundTrip(t *testing.T) {
	r := rand.New(rand.NewSource(6))
	for _, a := range testValues(r, 2000) {
		var be [32]byte
		a.FillBytes(be[:])
		le := be
		slices.Reverse(le[:])
		f := felt(a)
		if f.BytesBE() != be || f.BytesLE() != le {
			t.Fatalf("bytes of %v: %x %x", a, f.BytesBE(), f.BytesLE())
		}
		check(t, "FeltFromBytesBE", ptr(FeltFromBytesBE(be[:])), a)
		check(t, "FeltFromBytesLE", ptr(FeltFromBytesLE(le[:])), a)
		// Short input: the low n bytes.
		n := r.Intn(33)
		low := new(big.Int).SetBytes(be[32-n:])
		check(t, "FeltFromBytesBE short", ptr(FeltFromBytesBE(be[32-n:])), low)
		check(t, "FeltFromBytesLE short", ptr(FeltFromBytesLE(le[:n])), low)
	}
	// Any 256-bit or longer input reduces mod P.
	for i := range 2000 {
		b := make([]byte, 32+8*(i%3))
		r.Read(b)
		if i%7 == 0 {
			for j := range b {
				b[j] = 0xff
			}
		}
		want := mod(new(big.Int).SetBytes(b))
		rev := slices.Clone(b)
		slices.Reverse(rev)
		var z Felt
		check(t, "SetBytesBE", z.SetBytesBE(b), want)
		check(t, "SetBytesLE", z.SetBytesLE(rev), want)
	}
	var pBytes [32]byte
	tP.FillBytes(pBytes[:])
	if f := FeltFromBytesBE(pBytes[:]); !f.IsZero() {
		t.Errorf("P as bytes = %v", f)
	}
	if f := FeltFromBytesBE(nil); !f.IsZero() {
		t.Errorf("empty bytes = %v", f)
	}
}

func ptr(f Felt) *Felt { return &f }

func TestBigAndLimbs(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for _, a := range testValues(r, 2000) {
		for _, v := range []*big.Int{
			a,
			new(big.Int).Add(a, new(big.Int).Mul(tP, big.NewInt(r.Int63()))),
			new(big.Int).Neg(a),
			new(big.Int).Sub(new(big.Int).Neg(a), tP),
		} {
			keep := new(big.Int).Set(v)
			check(t, "FeltFromBig", ptr(FeltFromBig(v)), mod(v), v)
			if v.Cmp(keep) != 0 {
				t.Fatalf("FeltFromBig modified its argument")
			}
		}
		l := limbsOfBig(a)
		var z Felt
		check(t, "SetLimbs", z.SetLimbs(l), a)
		if z.Limbs() != l || z.Regular() != l {
			t.Fatalf("Limbs(%v) = %x, want %x", a, z.Limbs(), l)
		}
		// Limbs of values in [P, 2^256) reduce.
		w := new(big.Int).Rand(r, pow2(256))
		if r.Intn(4) == 0 {
			w.Add(tP, big.NewInt(r.Int63n(3)))
		}
		check(t, "SetLimbs", z.SetLimbs(limbsOfBig(w)), mod(w), w)
	}
}

func TestSigned(t *testing.T) {
	r := rand.New(rand.NewSource(8))
	one := big.NewInt(1)
	// as_int(value, prime) = value if value < prime // 2 else value - prime.
	asInt := func(v *big.Int) *big.Int {
		if v.Cmp(new(big.Int).Quo(tP, big.NewInt(2))) < 0 {
			return new(big.Int).Set(v)
		}
		return new(big.Int).Sub(v, tP)
	}
	for _, a := range testValues(r, 2000) {
		f := felt(a)
		if got, want := f.Signed(), asInt(a); got.Cmp(want) != 0 {
			t.Fatalf("Signed(%v) = %v, want %v", a, got, want)
		}
	}
	// The boundary, spelled out: (P-3)/2 stays, (P-1)/2 wraps to -(P+1)/2.
	below := new(big.Int).Rsh(new(big.Int).Sub(tP, big.NewInt(3)), 1)
	at := new(big.Int).Rsh(new(big.Int).Sub(tP, one), 1)
	for _, c := range []struct{ v, want *big.Int }{
		{below, below},
		{at, new(big.Int).Neg(new(big.Int).Rsh(new(big.Int).Add(tP, one), 1))},
		{new(big.Int).Sub(tP, one), big.NewInt(-1)},
		{big.NewInt(5), big.NewInt(5)},
	} {
		f := felt(c.v)
		if got := f.Signed(); got.Cmp(c.want) != 0 {
			t.Errorf("Signed(%v) = %v, want %v", c.v, got, c.want)
		}
	}
}
