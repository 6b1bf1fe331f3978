package asm

import (
	"math/bits"
	"sync"

	starkcurve "github.com/consensys/gnark-crypto/ecc/stark-curve"
	"github.com/consensys/gnark-crypto/ecc/stark-curve/fp"
)

// StarkWare's Pedersen hash (cairo-lang src/starkware/crypto/signature/
// fast_pedersen_hash.py):
//
//	H(a, b) = [S + a_low*P0 + a_high*P1 + b_low*P2 + b_high*P3].x
//
// where a_low is the low 248 bits of a and a_high its top 4 bits (a < P <
// 2^252), S is the shift point and P0..P3 are CONSTANT_POINTS[2],
// [2+248], [2+252] and [2+252+248] of cairo-lang's pedersen_params.json
// (points derived from the digits of pi; gnark-crypto's
// ecc/stark-curve/pedersen-hash carries the same values).
//
// The scalars are cut into 8-bit windows: 31 windows for each low part and
// one 4-bit window for each high part, so a hash is at most 64 mixed
// additions of precomputed affine points into an extended-Jacobian (XYZZ)
// accumulator plus one field inversion. The tables (2*31*255 + 2*15 affine
// points, about 1 MiB) are built on first use, not at program start.

var (
	pedersenShift = affineFromDecimal(
		"2089986280348253421170679821480865132823066470938446095505822317253594081284",
		"1713931329540660377023406109199410414810705867260802078187082345529207694986")
	pedersenP = [4]starkcurve.G1Affine{
		affineFromDecimal(
			"996781205833008774514500082376783249102396023663454813447423147977397232763",
			"1668503676786377725805489344771023921079126552019160156920634619255970485781"),
		affineFromDecimal(
			"2251563274489750535117886426533222435294046428347329203627021249169616184184",
			"1798716007562728905295480679789526322175868328062420237419143593021674992973"),
		affineFromDecimal(
			"2138414695194151160943305727036575959195309218611738193261179310511854807447",
			"113410276730064486255102093846540133784865286929052426931474106396135072156"),
		affineFromDecimal(
			"2379962749567351885752724891227938183011949129833673362440656643086021394946",
			"776496453633298175483985398648758586525933812536653089401905292063708816422"),
	}
)

const (
	pedersenLowWindows = 31 // 248 low bits in 8-bit windows
	pedersenWindowSize = 255
	pedersenHighSize   = 15 // 4 high bits
)

// pedersenTables holds, for the two hashed elements k = 0 (a) and k = 1 (b):
// low[k][w][v-1] = v * 2^(8w) * P_{2k} and high[k][v-1] = v * P_{2k+1}.
type pedersenTables struct {
	low  [2][pedersenLowWindows][pedersenWindowSize]starkcurve.G1Affine
	high [2][pedersenHighSize]starkcurve.G1Affine
}

var (
	pedersenOnce sync.Once
	pedersenTbl  *pedersenTables
)

// PedersenPrecompute builds the Pedersen window tables now rather than on
// the first call to Pedersen. Calling it is optional; it is safe to call
// concurrently and more than once.
func PedersenPrecompute() {
	pedersenOnce.Do(func() { pedersenTbl = buildPedersenTables() })
}

func buildPedersenTables() *pedersenTables {
	t := new(pedersenTables)
	var wg sync.WaitGroup
	for k := 0; k < 2; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			base := pedersenP[2*k]
			jac := make([]starkcurve.G1Jac, pedersenWindowSize+1)
			for w := 0; w < pedersenLowWindows; w++ {
				jac[0].FromAffine(&base)
				for v := 1; v <= pedersenWindowSize; v++ {
					jac[v] = jac[v-1]
					jac[v].AddMixed(&base) // jac[v] = (v+1) * base
				}
				aff := starkcurve.BatchJacobianToAffineG1(jac)
				copy(t.low[k][w][:], aff[:pedersenWindowSize])
				base = aff[pedersenWindowSize] // 256 * base
			}
			hi := pedersenP[2*k+1]
			jac = jac[:pedersenHighSize]
			jac[0].FromAffine(&hi)
			for v := 1; v < pedersenHighSize; v++ {
				jac[v] = jac[v-1]
				jac[v].AddMixed(&hi)
			}
			copy(t.high[k][:], starkcurve.BatchJacobianToAffineG1(jac))
		}(k)
	}
	wg.Wait()
	return t
}

// pedersenAcc is a point in extended Jacobian coordinates:
// x = X/ZZ, y = Y/ZZZ with ZZ^3 = ZZZ^2.
type pedersenAcc struct {
	x, y, zz, zzz fp.Element
}

// addAffine sets p = p + a for an affine a (madd-2008-s, 8M + 2S). It
// returns false, leaving p unusable, when p and a have the same x
// coordinate (doubling or a sum at infinity), which the caller then redoes
// with complete formulas.
func (p *pedersenAcc) addAffine(a *starkcurve.G1Affine) bool {
	var u, s, h, hh, hhh, q, t fp.Element
	u.Mul(&a.X, &p.zz)
	fpSubNB(&h, &u, &p.x)
	if h.IsZero() {
		return false
	}
	s.Mul(&a.Y, &p.zzz)
	fpSubNB(&s, &s, &p.y) // R
	hh.Square(&h)
	hhh.Mul(&h, &hh)
	q.Mul(&p.x, &hh)
	p.x.Square(&s)
	fpSubNB(&p.x, &p.x, &hhh)
	fpSubNB(&p.x, &p.x, &q)
	fpSubNB(&p.x, &p.x, &q)
	fpSubNB(&t, &q, &p.x)
	t.Mul(&t, &s)
	p.y.Mul(&p.y, &hhh)
	fpSubNB(&p.y, &t, &p.y)
	p.zz.Mul(&p.zz, &hh)
	p.zzz.Mul(&p.zzz, &hhh)
	return true
}

// pedersenAccumulate adds to acc the table entries of element k selected by
// x: one per non-zero byte of the low 248 bits and one for the high nibble.
// It returns false when an addition is degenerate.
func pedersenAccumulate(acc *pedersenAcc, t *pedersenTables, k int, x *Felt) bool {
	limbs := x.e().Bits()
	for w := 0; w < pedersenLowWindows; w++ {
		v := uint8(limbs[w>>3] >> (8 * (w & 7)))
		if v != 0 && !acc.addAffine(&t.low[k][w][v-1]) {
			return false
		}
	}
	if v := (limbs[3] >> 56) & 0xf; v != 0 && !acc.addAffine(&t.high[k][v-1]) {
		return false
	}
	return true
}

// Pedersen returns StarkWare's Pedersen hash of a and b, the function of the
// pedersen builtin and of cairo-lang's pedersen_hash(a, b). The first call
// builds the window tables (see PedersenPrecompute).
func Pedersen(a, b *Felt) Felt {
	PedersenPrecompute()
	return pedersenWith(pedersenTbl, a, b)
}

// pedersenWith is Pedersen on the tables t.
func pedersenWith(t *pedersenTables, a, b *Felt) Felt {
	acc := pedersenAcc{x: pedersenShift.X, y: pedersenShift.Y}
	acc.zz.SetOne()
	acc.zzz.SetOne()
	var z Felt
	if !pedersenAccumulate(&acc, t, 0, a) || !pedersenAccumulate(&acc, t, 1, b) {
		return pedersenComplete(t, a, b)
	}
	z.e().Inverse(&acc.zz)
	z.e().Mul(z.e(), &acc.x)
	return z
}

// pedersenComplete recomputes the hash with gnark's complete mixed addition.
// It is only reached when an intermediate sum hits a doubling or the point
// at infinity, which needs a discrete-logarithm relation between the
// constant points; cairo-lang would reject such inputs, here the sum is
// simply completed (x of the point at infinity is reported as 0).
func pedersenComplete(t *pedersenTables, a, b *Felt) Felt {
	var acc starkcurve.G1Jac
	acc.FromAffine(&pedersenShift)
	for k, x := range [2]*Felt{a, b} {
		limbs := x.e().Bits()
		for w := 0; w < pedersenLowWindows; w++ {
			if v := uint8(limbs[w>>3] >> (8 * (w & 7))); v != 0 {
				acc.AddMixed(&t.low[k][w][v-1])
			}
		}
		if v := (limbs[3] >> 56) & 0xf; v != 0 {
			acc.AddMixed(&t.high[k][v-1])
		}
	}
	var p starkcurve.G1Affine
	p.FromJacobian(&acc)
	return Felt(p.X)
}

// PedersenArray returns Starknet's compute_hash_on_elements(elems):
// h(h(...h(h(0, e1), e2)..., en), n) with h = Pedersen and n = len(elems).
// The hash of no elements is h(0, 0).
func PedersenArray(elems ...Felt) Felt {
	var d Felt
	for i := range elems {
		d = Pedersen(&d, &elems[i])
	}
	n := FeltFromUint64(uint64(len(elems)))
	return Pedersen(&d, &n)
}

// affineFromDecimal parses a curve point given by decimal coordinates; it
// panics on malformed constants (package-level data only).
func affineFromDecimal(x, y string) starkcurve.G1Affine {
	var p starkcurve.G1Affine
	if _, err := p.X.SetString(x); err != nil {
		panic(err)
	}
	if _, err := p.Y.SetString(y); err != nil {
		panic(err)
	}
	return p
}

// fpSubNB sets z = x - y mod P without a data-dependent branch: the borrow
// becomes a mask selecting P (limbs 1, 0, 0, poseidonPTop) to add back.
func fpSubNB(z, x, y *fp.Element) {
	var b, c uint64
	z0, b := bits.Sub64(x[0], y[0], 0)
	z1, b := bits.Sub64(x[1], y[1], b)
	z2, b := bits.Sub64(x[2], y[2], b)
	z3, b := bits.Sub64(x[3], y[3], b)
	m := -b
	z0, c = bits.Add64(z0, m&1, 0)
	z1, c = bits.Add64(z1, 0, c)
	z2, c = bits.Add64(z2, 0, c)
	z[0], z[1], z[2], z[3] = z0, z1, z2, z3+m&poseidonPTop+c
}
