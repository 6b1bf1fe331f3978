package asm

import (
	"encoding/binary"
	"math/big"
	"sync"

	starkcurve "github.com/consensys/gnark-crypto/ecc/stark-curve"
	"github.com/consensys/gnark-crypto/ecc/stark-curve/fp"
	"github.com/consensys/gnark-crypto/ecc/stark-curve/fr"
)

// StarkWare's ECDSA over the STARK curve (cairo-lang
// src/starkware/crypto/signature/signature.py): public keys are given by
// their x coordinate, r is the x coordinate of k*G itself (no reduction mod
// EC_ORDER), and verification computes w*(z*G + r*Q) with the same
// double-and-add steps as the signature builtin's AIR, failing where the AIR
// would meet two points with the same x coordinate.

// ecdsaBits is N_ELEMENT_BITS_ECDSA = floor(log2(P)) = 251: r, w and the
// message hash must be below 2^251.
const ecdsaBits = 251

var (
	// ecGen is EC_GEN (cairo-lang), gnark's stark-curve generator.
	ecGen = func() starkcurve.G1Affine { _, g := starkcurve.Generators(); return g }()
	// ecShift is SHIFT_POINT = CONSTANT_POINTS[0], also the Pedersen shift
	// point; ecMinusShift is its negation.
	ecShift      = pedersenShift
	ecMinusShift = func() starkcurve.G1Affine { var p starkcurve.G1Affine; p.Neg(&pedersenShift); return p }()
	ecBeta       = func() fp.Element { _, b := starkcurve.CurveCoefficients(); return b }()

	// ecGenDoublings[i] = 2^i * EC_GEN for i < 252 (scalars below
	// EC_ORDER < 2^252), built on first use.
	ecGenDoublingsOnce sync.Once
	ecGenDoublings     []starkcurve.G1Affine
)

func genDoublings() []starkcurve.G1Affine {
	ecGenDoublingsOnce.Do(func() {
		jac := make([]starkcurve.G1Jac, ecdsaBits+1)
		jac[0].FromAffine(&ecGen)
		for i := 1; i < len(jac); i++ {
			jac[i].Double(&jac[i-1])
		}
		ecGenDoublings = starkcurve.BatchJacobianToAffineG1(jac)
	})
	return ecGenDoublings
}

// RecoverY returns a y such that (x, y) is on the STARK curve, the smaller
// of the two square roots of x^3 + x + beta as cairo-lang's
// get_y_coordinate returns it (the other point is (x, -y)). ok is false
// when x is not the x coordinate of any curve point (not a valid STARK key).
func RecoverY(x *Felt) (y Felt, ok bool) {
	var rhs fp.Element
	rhs.Square(x.e())
	rhs.Add(&rhs, &ecFpOne)
	rhs.Mul(&rhs, x.e())
	rhs.Add(&rhs, &ecBeta)
	if y.e().Sqrt(&rhs) == nil {
		return Felt{}, false
	}
	var neg fp.Element
	neg.Neg(y.e())
	if neg.Cmp(y.e()) < 0 {
		*y.e() = neg
	}
	return y, true
}

// below2to251 reports whether the integer with little-endian limbs v is
// below 2^251.
func below2to251(v *[4]uint64) bool { return v[3]>>(ecdsaBits-192) == 0 }

func ecdsaLimbsZero(v *[4]uint64) bool { return v[0]|v[1]|v[2]|v[3] == 0 }

// VerifyECDSA reports whether (r, s) is a valid StarkWare ECDSA signature of
// msgHash for the public key whose x coordinate is pubX, with the rules of
// cairo-lang's signature.verify, the check of the signature builtin:
//
//   - s must be in [1, EC_ORDER), w = s^-1 mod EC_ORDER and r must be in
//     [1, 2^251), and msgHash below 2^251 (cairo-lang raises on these; here
//     the answer is false);
//   - pubX must be the x coordinate of a curve point; both points (pubX, y)
//     and (pubX, -y) are tried;
//   - z*G - SHIFT, r*Q + SHIFT and w*B + SHIFT with B their sum are computed
//     with the AIR's 251 double-and-add steps (mimic_ec_mult_air), which
//     also rejects msgHash = 0 and any step that meets two points with the
//     same x coordinate; the signature is valid when
//     x(w*B + SHIFT - SHIFT) == r.
//
// A textbook pre-check, x(u1*G + u2*Q) == r, picks the one candidate that
// can pass (the AIR's steps give the same point unless one of them fails),
// so invalid signatures are rejected without the AIR's steps.
func VerifyECDSA(msgHash, r, s, pubX *Felt) bool {
	// Ranges. s < EC_ORDER < P, so s is its own residue mod EC_ORDER.
	sb := s.e().Bits()
	if ecdsaLimbsZero(&sb) || !ecdsaLimbsBelow(&sb, &ecOrderLimbs) {
		return false
	}
	var w fr.Element
	sBytes := s.e().Bytes()
	w.SetBytes(sBytes[:])
	w.Inverse(&w)
	wb := w.Bits()
	rb := r.e().Bits()
	zb := msgHash.e().Bits()
	if ecdsaLimbsZero(&rb) || !below2to251(&rb) || !below2to251(&wb) || !below2to251(&zb) {
		return false
	}
	y, ok := RecoverY(pubX)
	if !ok {
		return false
	}
	// mimic_ec_mult_air asserts 0 < m: a zero message hash fails.
	if ecdsaLimbsZero(&zb) {
		return false
	}
	// Only a candidate key that passes textbook verification,
	// x(u1*G + u2*Q) == r with u1 = z*w and u2 = r*w, can pass the AIR's
	// computation, which yields the same point whenever none of its steps
	// fails. The textbook check is cheap (a fixed-base multiple from the
	// doubling table and one variable-base multiple shared by +-Q), so the
	// AIR's steps run only for the candidate that can succeed.
	var zf, rf, u1, u2 fr.Element
	zBytes, rBytes := msgHash.e().Bytes(), r.e().Bytes()
	zf.SetBytes(zBytes[:])
	rf.SetBytes(rBytes[:])
	u1.Mul(&zf, &w)
	u2.Mul(&rf, &w)
	var a, t starkcurve.G1Jac
	a.Z.SetZero() // the point at infinity
	u1b := u1.Bits()
	for i, g := range genDoublings() {
		if u1b[i>>6]>>(i&63)&1 != 0 {
			a.AddMixed(&g)
		}
	}
	q := starkcurve.G1Affine{X: *pubX.e(), Y: *y.e()}
	t.FromAffine(&q)
	var u2Big big.Int
	t.ScalarMultiplication(&t, u2.BigInt(&u2Big))
	var zG starkcurve.G1Jac
	zGDone := false
	for sign := 0; sign < 2; sign++ {
		c := a
		if sign == 1 {
			t.Neg(&t)
			q.Y.Neg(&q.Y)
		}
		c.AddAssign(&t)
		if c.Z.IsZero() || !jacXIs(&c, r.e()) {
			continue
		}
		// z*G - SHIFT does not depend on the sign of y.
		if !zGDone {
			if zG, ok = airLadderTable(&ecMinusShift, genDoublings()[:ecdsaBits], &zb); !ok {
				return false
			}
			zGDone = true
		}
		if verifyWithKey(&zG, &q, r.e(), &rb, &wb) {
			return true
		}
	}
	return false
}

// jacXIs reports whether the finite Jacobian point p has x == x.
func jacXIs(p *starkcurve.G1Jac, x *fp.Element) bool {
	var zz fp.Element
	zz.Square(&p.Z)
	zz.Mul(&zz, x)
	return zz.Equal(&p.X)
}

// verifyWithKey finishes cairo-lang's verify for one public key point q
// given zG = z*G - SHIFT: rQ = r*q + SHIFT, B = zG + rQ, wB = w*B + SHIFT,
// valid when x(wB - SHIFT) == r, every step as the AIR does it.
func verifyWithKey(zG *starkcurve.G1Jac, q *starkcurve.G1Affine, r *fp.Element, rb, wb *[4]uint64) bool {
	var qj starkcurve.G1Jac
	qj.FromAffine(q)
	rQ, ok := airLadder(&ecShift, &qj, rb, ecdsaBits)
	if !ok || jacSameX(zG, &rQ) {
		return false
	}
	b := *zG
	b.AddAssign(&rQ)
	wB, ok := airLadder(&ecShift, &b, wb, ecdsaBits)
	if !ok {
		return false
	}
	// ec_add(wB, MINUS_SHIFT_POINT) asserts different x coordinates.
	if jacXIs(&wB, &ecMinusShift.X) {
		return false
	}
	wB.AddMixed(&ecMinusShift)
	// r < 2^251 < P, so integer and field equality agree.
	return jacXIs(&wB, r)
}

// jacSameX reports whether two finite Jacobian points share x.
func jacSameX(p, q *starkcurve.G1Jac) bool {
	var pz, qz, l, r fp.Element
	pz.Square(&p.Z)
	qz.Square(&q.Z)
	l.Mul(&p.X, &qz)
	r.Mul(&q.X, &pz)
	return l.Equal(&r)
}

// ecOrderLimbs is EC_ORDER (the scalar field modulus) as little-endian limbs.
var ecOrderLimbs = func() (v [4]uint64) {
	var b [32]byte
	fr.Modulus().FillBytes(b[:])
	for i := range v {
		v[i] = binary.BigEndian.Uint64(b[24-8*i:])
	}
	return
}()

// ecdsaLimbsBelow reports a < b for little-endian 256-bit integers.
func ecdsaLimbsBelow(a, b *[4]uint64) bool {
	for i := 3; i >= 0; i-- {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// CurveOrder returns EC_ORDER, the order of the Stark curve's generator
// (the modulus ECDSA's s and w live in).
func CurveOrder() *big.Int { return fr.Modulus() }
