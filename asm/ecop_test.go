package asm

import (
	"errors"
	"math/big"
	"math/rand"
	"testing"

	starkcurve "github.com/consensys/gnark-crypto/ecc/stark-curve"
	"github.com/consensys/gnark-crypto/ecc/stark-curve/fr"
)

func ecTestPt(p *starkcurve.G1Affine) [2]Felt { return [2]Felt{Felt(p.X), Felt(p.Y)} }

func mulGen(k *big.Int) starkcurve.G1Affine {
	var p starkcurve.G1Affine
	p.ScalarMultiplication(&ecGen, k)
	return p
}

// ecOpGnark is p + m*q with gnark's scalar multiplication.
func ecOpGnark(p, q *starkcurve.G1Affine, m *big.Int) starkcurve.G1Affine {
	var a, b starkcurve.G1Jac
	a.FromAffine(p)
	b.FromAffine(q)
	b.ScalarMultiplication(&b, m)
	a.AddAssign(&b)
	var r starkcurve.G1Affine
	r.FromJacobian(&a)
	return r
}

func TestECOpAgainstGnark(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	n := fr.Modulus()
	ms := []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(2), big.NewInt(3),
		new(big.Int).Sub(ModulusBig(), big.NewInt(1)), // P - 1
		new(big.Int).Sub(n, big.NewInt(1)), n, new(big.Int).Add(n, big.NewInt(5)),
		new(big.Int).Sub(ecdsaTest2to251, big.NewInt(1))}
	for i := 0; i < 40; i++ {
		ms = append(ms, new(big.Int).Rand(rng, ModulusBig()))
	}
	for i, m := range ms {
		p := mulGen(new(big.Int).Rand(rng, n))
		q := mulGen(new(big.Int).Rand(rng, n))
		mf := hashTestBigFelt(m)
		got, err := ECOp(ecTestPt(&p), ecTestPt(&q), &mf)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		want := ecOpGnark(&p, &q, m)
		if got != ecTestPt(&want) {
			t.Fatalf("case %d: ECOp = (%s, %s), gnark (%s, %s)", i, got[0].Hex(), got[1].Hex(), want.X.Text(16), want.Y.Text(16))
		}
	}
}

// TestECOpCairoLangCases are the cases of cairo-lang's
// ec_op_builtin_runner_test.py.
func TestECOpCairoLangCases(t *testing.T) {
	shift, gen := ecTestPt(&ecShift), ecTestPt(&ecGen)
	minusShift := ecTestPt(&ecMinusShift)
	shift2, err := ECDouble(shift)
	if err != nil {
		t.Fatal(err)
	}
	three := FeltFromUint64(3)
	// A valid computation: SHIFT + 3*G.
	got, err := ECOp(shift, gen, &three)
	if err != nil {
		t.Fatal(err)
	}
	g3 := mulGen(big.NewInt(3))
	if want, _ := ECAdd(shift, ecTestPt(&g3)); got != want {
		t.Fatalf("SHIFT + 3G = %v, want %v", got, want)
	}
	// Not on the curve.
	bad := [2]Felt{FeltFromUint64(123), FeltFromUint64(456)}
	if _, err := ECOp(shift, bad, &three); !errors.Is(err, ErrECNotOnCurve) {
		t.Fatalf("q off the curve: err = %v", err)
	}
	if _, err := ECOp(bad, shift, &three); !errors.Is(err, ErrECNotOnCurve) {
		t.Fatalf("p off the curve: err = %v", err)
	}
	// Same x coordinate.
	for _, c := range []struct {
		p, q [2]Felt
		m    uint64
	}{{shift, minusShift, 3}, {shift, shift, 3}, {shift2, shift, 8}} {
		m := FeltFromUint64(c.m)
		if _, err := ECOp(c.p, c.q, &m); !errors.Is(err, ErrECSameX) {
			t.Fatalf("ECOp(%v, %v, %d): err = %v, want ErrECSameX", c.p, c.q, c.m, err)
		}
	}
	// 2*SHIFT + 9*SHIFT works: the partial sum moves after the first add.
	nine := FeltFromUint64(9)
	got, err = ECOp(shift2, shift, &nine)
	if err != nil {
		t.Fatal(err)
	}
	var s11 starkcurve.G1Affine
	s11.ScalarMultiplication(&ecShift, big.NewInt(11))
	if got != ecTestPt(&s11) {
		t.Fatal("2*SHIFT + 9*SHIFT != 11*SHIFT")
	}
}

// TestECOpCheckAboveTopBit: the same-x test runs at all 256 steps, also
// after the last set bit of m.
func TestECOpCheckAboveTopBit(t *testing.T) {
	q := mulGen(big.NewInt(12345))
	zero := Felt{}
	for _, c := range []struct {
		exp    uint
		failed bool
	}{{0, true}, {200, true}, {255, true}, {256, false}, {300, false}} {
		var p starkcurve.G1Affine
		p.ScalarMultiplication(&q, new(big.Int).Lsh(big.NewInt(1), c.exp))
		for _, pp := range [][2]Felt{ecTestPt(&p), {Felt(p.X), func() Felt { var y Felt; y.Neg((*Felt)(&p.Y)); return y }()}} {
			got, err := ECOp(pp, ecTestPt(&q), &zero)
			if c.failed != (err != nil) {
				t.Fatalf("p = ±2^%d q, m = 0: err = %v", c.exp, err)
			}
			if err == nil && got != pp {
				t.Fatalf("p + 0*q != p")
			}
		}
	}
	// One bit set at 100: the partial sum changes there, so a p equal to
	// 2^200 q - 2^100 q only meets 2^200 q after the addition.
	var p, t200, t100 starkcurve.G1Jac
	t200.FromAffine(&q)
	t200.ScalarMultiplication(&t200, new(big.Int).Lsh(big.NewInt(1), 200))
	t100.FromAffine(&q)
	t100.ScalarMultiplication(&t100, new(big.Int).Lsh(big.NewInt(1), 100))
	p.Set(&t200).SubAssign(&t100)
	var pa starkcurve.G1Affine
	pa.FromJacobian(&p)
	m := hashTestBigFelt(new(big.Int).Lsh(big.NewInt(1), 100))
	if _, err := ECOp(ecTestPt(&pa), ecTestPt(&q), &m); !errors.Is(err, ErrECSameX) {
		t.Fatalf("expected a same-x failure at step 200, got %v", err)
	}
}

func TestECAddDouble(t *testing.T) {
	rng := rand.New(rand.NewSource(10))
	for i := 0; i < 30; i++ {
		a, b := mulGen(new(big.Int).Rand(rng, fr.Modulus())), mulGen(new(big.Int).Rand(rng, fr.Modulus()))
		var sum, dbl starkcurve.G1Affine
		sum.Add(&a, &b)
		dbl.Double(&a)
		got, err := ECAdd(ecTestPt(&a), ecTestPt(&b))
		if err != nil || got != ecTestPt(&sum) {
			t.Fatalf("ECAdd mismatch (%v)", err)
		}
		got, err = ECDouble(ecTestPt(&a))
		if err != nil || got != ecTestPt(&dbl) {
			t.Fatalf("ECDouble mismatch (%v)", err)
		}
		if _, err := ECAdd(ecTestPt(&a), ecTestPt(&a)); !errors.Is(err, ErrECSameX) {
			t.Fatalf("ECAdd(a, a): err = %v", err)
		}
	}
	if _, err := ECDouble([2]Felt{FeltFromUint64(5), {}}); !errors.Is(err, ErrECZeroY) {
		t.Fatalf("ECDouble with y = 0: err = %v", err)
	}
	if ECOnCurve([2]Felt{}) {
		t.Fatal("(0, 0) reported on the curve")
	}
	if !ECOnCurve(ecTestPt(&ecGen)) || !ECOnCurve(ecTestPt(&ecShift)) {
		t.Fatal("EC_GEN / SHIFT_POINT not on the curve")
	}
}
