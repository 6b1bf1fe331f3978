package asm

import (
	"errors"
	"fmt"

	starkcurve "github.com/consensys/gnark-crypto/ecc/stark-curve"
	"github.com/consensys/gnark-crypto/ecc/stark-curve/fp"
)

// The STARK curve is y^2 = x^3 + alpha*x + beta over the Cairo field with
// alpha = 1 and beta = 0x6f21413efbe40de150e596d72f7a8c5609ad26c15c915c1f4cdfcb99cee9e89
// (cairo-lang pedersen_params.json). Its group has prime order EC_ORDER, so
// no point of it has y = 0 and every point is in the group. The arithmetic
// below is gnark-crypto's ecc/stark-curve G1.

// ECOpScalarHeight is the number of double-and-add steps of the ec_op
// builtin (cairo-lang EcOpInstanceDef.scalar_height).
const ECOpScalarHeight = 256

var (
	// ErrECNotOnCurve reports an input point that does not satisfy the
	// curve equation.
	ErrECNotOnCurve = errors.New("point is not on the curve")
	// ErrECSameX reports an addition of two points with the same x
	// coordinate, which cairo-lang's affine formulas (and the AIR) reject.
	ErrECSameX = errors.New("computation reached two points with the same x coordinate")
	// ErrECZeroY reports the doubling of a point with y = 0.
	ErrECZeroY = errors.New("cannot double a point with y = 0")
)

// ECOnCurve reports whether p = (x, y) satisfies y^2 = x^3 + x + beta.
func ECOnCurve(p [2]Felt) bool {
	a := starkcurve.G1Affine{X: *p[0].e(), Y: *p[1].e()}
	if a.X.IsZero() && a.Y.IsZero() {
		return false // gnark's encoding of infinity; (0, 0) is not on the curve
	}
	return a.IsOnCurve()
}

// ECAdd returns p + q for affine points with different x coordinates, as
// cairo-lang's math_utils.ec_add (the slope formula, no curve check): it
// returns ErrECSameX when p.x == q.x.
func ECAdd(p, q [2]Felt) ([2]Felt, error) {
	var dx, dy, m, x, y fp.Element
	dx.Sub(p[0].e(), q[0].e())
	if dx.IsZero() {
		return [2]Felt{}, ErrECSameX
	}
	dy.Sub(p[1].e(), q[1].e())
	m.Inverse(&dx)
	m.Mul(&m, &dy)
	x.Square(&m)
	x.Sub(&x, p[0].e())
	x.Sub(&x, q[0].e())
	y.Sub(p[0].e(), &x)
	y.Mul(&y, &m)
	y.Sub(&y, p[1].e())
	return [2]Felt{Felt(x), Felt(y)}, nil
}

// ECDouble returns 2p on the curve with alpha = 1, as cairo-lang's
// math_utils.ec_double (the tangent formula, no curve check): it returns
// ErrECZeroY when p.y == 0.
func ECDouble(p [2]Felt) ([2]Felt, error) {
	if p[1].IsZero() {
		return [2]Felt{}, ErrECZeroY
	}
	var num, den, m, x, y fp.Element
	num.Square(p[0].e())
	m.Double(&num)
	num.Add(&num, &m)
	num.Add(&num, &ecFpOne) // 3x^2 + alpha
	den.Double(p[1].e())
	m.Inverse(&den)
	m.Mul(&m, &num)
	x.Square(&m)
	y.Double(p[0].e())
	x.Sub(&x, &y)
	y.Sub(p[0].e(), &x)
	y.Mul(&y, &m)
	y.Sub(&y, p[1].e())
	return [2]Felt{Felt(x), Felt(y)}, nil
}

var ecFpOne = fp.One()

// ECOp returns p + m*q the way the ec_op builtin computes it (cairo-lang
// ec_op_builtin_runner.py): both points must be on the curve, then
// ec_op_impl runs ECOpScalarHeight = 256 steps of double-and-add from
// partial sum p, where step i first requires x(partial sum) != x(2^i * q),
// adds 2^i * q when bit i of m is set, and doubles. The check runs at every
// step, including the steps above the top bit of m, so the same inputs fail
// here as in cairo-lang; the error wraps ErrECSameX (or ErrECNotOnCurve).
func ECOp(p, q [2]Felt, m *Felt) ([2]Felt, error) {
	if !ECOnCurve(p) {
		return [2]Felt{}, fmt.Errorf("ec_op: %w: (%s, %s)", ErrECNotOnCurve, p[0].String(), p[1].String())
	}
	if !ECOnCurve(q) {
		return [2]Felt{}, fmt.Errorf("ec_op: %w: (%s, %s)", ErrECNotOnCurve, q[0].String(), q[1].String())
	}
	start := starkcurve.G1Affine{X: *p[0].e(), Y: *p[1].e()}
	var base starkcurve.G1Jac
	base.FromAffine(&starkcurve.G1Affine{X: *q[0].e(), Y: *q[1].e()})
	bitsM := m.e().Bits()
	acc, ok := airLadder(&start, &base, &bitsM, ECOpScalarHeight)
	if !ok {
		return [2]Felt{}, fmt.Errorf("cannot apply EC operation: %w; attempting to compute P + m*Q where P = (%s, %s), m = %s, Q = (%s, %s)",
			ErrECSameX, p[0].String(), p[1].String(), m.String(), q[0].String(), q[1].String())
	}
	var r starkcurve.G1Affine
	r.FromJacobian(&acc)
	return [2]Felt{Felt(r.X), Felt(r.Y)}, nil
}

// airLadder returns start + (m mod 2^n) * base computed as cairo-lang's AIR
// does (ec_op_impl, signature.mimic_ec_mult_air): for i = 0..n-1 it fails
// if the partial sum and 2^i * base have the same x coordinate, adds
// 2^i * base to the partial sum when bit i of m is set, and doubles. Both
// points must be on the curve; then no step meets the point at infinity or
// y = 0, and the x test makes every addition a generic one. ok is false
// when the x test fails.
func airLadder(start *starkcurve.G1Affine, base *starkcurve.G1Jac, m *[4]uint64, n int) (acc starkcurve.G1Jac, ok bool) {
	acc.FromAffine(start)
	d := *base
	var accZZ, dZZ, l, r fp.Element
	accZZ.SetOne()
	for i := 0; i < n; i++ {
		// x(acc) == x(d)  <=>  X_acc * Z_d^2 == X_d * Z_acc^2.
		dZZ.Square(&d.Z)
		l.Mul(&acc.X, &dZZ)
		r.Mul(&d.X, &accZZ)
		if l.Equal(&r) {
			return acc, false
		}
		if m[i>>6]>>(i&63)&1 != 0 {
			acc.AddAssign(&d)
			accZZ.Square(&acc.Z)
		}
		if i+1 < n { // the doubling after the last step cannot fail; skip it
			d.DoubleAssign()
		}
	}
	return acc, true
}

// airLadderTable is airLadder for a base whose multiples 2^i * base are
// given in affine form (tbl[i], i < n), with mixed additions.
func airLadderTable(start *starkcurve.G1Affine, tbl []starkcurve.G1Affine, m *[4]uint64) (acc starkcurve.G1Jac, ok bool) {
	acc.FromAffine(start)
	var accZZ, r fp.Element
	accZZ.SetOne()
	for i := range tbl {
		r.Mul(&tbl[i].X, &accZZ)
		if acc.X.Equal(&r) {
			return acc, false
		}
		if m[i>>6]>>(i&63)&1 != 0 {
			acc.AddMixed(&tbl[i])
			accZZ.Square(&acc.Z)
		}
	}
	return acc, true
}
