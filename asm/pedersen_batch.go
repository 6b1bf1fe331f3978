package asm

import (
	"math/bits"
	"sync"

	starkcurve "github.com/consensys/gnark-crypto/ecc/stark-curve"
	"github.com/consensys/gnark-crypto/ecc/stark-curve/fp"
)

// Batched Pedersen. A single hash adds its table points into an XYZZ
// accumulator, 8M + 2S per addition, because an affine addition needs a
// field inversion (about 60 multiplications) per step. Many independent
// hashes can share that inversion instead: in each round every hash adds
// the table point of the same window, and Montgomery's trick inverts all
// the rounds' denominators (x2 - x1) with one inversion and 3M each. An
// affine addition is then 3M for the trick plus 2M + 1S, about 40% fewer
// multiplications, no final inversion, and each round reads one window's
// table rather than walking a whole table per hash, which makes much wider
// windows affordable than for a single hash: signed 12-bit digits, 21
// windows per element and tables of 2048 points per window, plus one table
// of S + ha*P1 + hb*P3 for the two high nibbles, where each lane starts.
// That is 42 additions per hash instead of Pedersen's 64.
//
// The batch tables (2*21*2048 + 256 affine points, 5.5 MiB) are built on
// the first batch, apart from Pedersen's.

const (
	pedersenBatchBits    = 12                                                        // window width
	pedersenBatchWindows = (pedersenLowBits + pedersenBatchBits) / pedersenBatchBits // room for the last carry
	pedersenBatchHalf    = 1 << (pedersenBatchBits - 1)                              // largest digit magnitude
	pedersenLowBits      = 248
	pedersenBatchRounds  = 2 * pedersenBatchWindows
)

// pedersenBatchTables holds low[k][w][j] = (j+1) * 2^(12w) * P_{2k} and
// start[16*ha+hb] = S + ha*P1 + hb*P3; startInf marks the start entries
// at infinity, which would need a discrete-logarithm relation between the
// constant points (none is expected; lanes starting there take the
// complete fallback).
type pedersenBatchTables struct {
	low      [2][pedersenBatchWindows][pedersenBatchHalf]starkcurve.G1Affine
	start    [256]starkcurve.G1Affine
	startInf [256]bool
}

var (
	pedersenBatchOnce sync.Once
	pedersenBatchTbl  *pedersenBatchTables
)

func buildPedersenBatchTables() *pedersenBatchTables {
	t := new(pedersenBatchTables)
	var wg sync.WaitGroup
	for k := 0; k < 2; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			base := pedersenP[2*k]
			for w := 0; w < pedersenBatchWindows; w++ {
				tbl := &t.low[k][w]
				tbl[0] = base
				// With the multiples 1..s of base in tbl[:s], one batch
				// of affine additions of s*base makes s+1..2s.
				for s := 1; s < pedersenBatchHalf; s *= 2 {
					affineAddBatch(tbl[s:2*s], tbl[:s], &tbl[s-1])
				}
				var next [1]starkcurve.G1Affine
				affineAddBatch(next[:], tbl[pedersenBatchHalf-1:], &tbl[pedersenBatchHalf-1])
				base = next[0] // 2^bits * base
			}
		}(k)
	}
	var p1, p3 starkcurve.G1Jac
	p1.FromAffine(&pedersenP[1])
	p3.FromAffine(&pedersenP[3])
	jac := make([]starkcurve.G1Jac, 256)
	for ha := 0; ha < 16; ha++ {
		if ha == 0 {
			jac[0].FromAffine(&pedersenShift)
		} else {
			jac[16*ha] = jac[16*(ha-1)]
			jac[16*ha].AddAssign(&p1)
		}
		for hb := 1; hb < 16; hb++ {
			jac[16*ha+hb] = jac[16*ha+hb-1]
			jac[16*ha+hb].AddAssign(&p3)
		}
	}
	for i := range jac {
		t.startInf[i] = jac[i].Z.IsZero()
	}
	copy(t.start[:], starkcurve.BatchJacobianToAffineG1(jac))
	wg.Wait()
	return t
}

// affineAddBatch sets dst[i] = p[i] + q for every i, sharing one field
// inversion; p[i] = q is a doubling. Table building only: no sum may be
// at infinity, which the multiples of a constant point below the group
// order never are.
func affineAddBatch(dst, p []starkcurve.G1Affine, q *starkcurve.G1Affine) {
	den := make([]fp.Element, len(dst))
	for i := range dst {
		if p[i].X == q.X { // doubling: lambda = (3x^2 + 1) / 2y
			den[i].Double(&p[i].Y)
		} else {
			den[i].Sub(&q.X, &p[i].X)
		}
	}
	inv := fp.BatchInvert(den)
	one := fp.One()
	for i := range dst {
		var lam, x3, u fp.Element
		if p[i].X == q.X { // the curve is y^2 = x^3 + x + beta
			lam.Square(&p[i].X)
			u.Double(&lam)
			lam.Add(&lam, &u)
			lam.Add(&lam, &one)
		} else {
			lam.Sub(&q.Y, &p[i].Y)
		}
		lam.Mul(&lam, &inv[i])
		x3.Square(&lam)
		x3.Sub(&x3, &p[i].X)
		x3.Sub(&x3, &q.X)
		u.Sub(&p[i].X, &x3)
		u.Mul(&u, &lam)
		dst[i].Y.Sub(&u, &p[i].Y)
		dst[i].X = x3
	}
}

// pedersenLanes is the number of hashes a batch works on at once: enough
// that the inversion per round costs little per hash (1/256 of ~60M), few
// enough that the lanes' state stays in the L2 cache next to a window's
// table.
const pedersenLanes = 256

// pedersenBatchMin is the batch size below which PedersenBatch hashes one
// pair at a time: with few lanes the round inversions cost more than the
// affine additions save.
const pedersenBatchMin = 16

// pedersenBatchState is the working memory of one batch of lanes.
type pedersenBatchState struct {
	x, y   [pedersenLanes]fp.Element // each lane's sum so far, affine
	digits [pedersenLanes][pedersenBatchRounds]int16
	failed [pedersenLanes]bool
	in     [pedersenLanes][2]Felt // the inputs, for the fallback
	// this round's additions: the lane, its point (x from the table,
	// y negated for a negative digit), the denominator and the running
	// product of denominators
	lane [pedersenLanes]uint16
	px   [pedersenLanes]*fp.Element
	py   [pedersenLanes]fp.Element
	den  [pedersenLanes]fp.Element
	pre  [pedersenLanes]fp.Element
}

var pedersenBatchPool = sync.Pool{New: func() any { return new(pedersenBatchState) }}

// PedersenBatch sets dst[i] = Pedersen(&a[i], &b[i]) for every i, faster
// per hash than Pedersen from a few dozen pairs on (see the comment at the
// top of this file); below that it calls Pedersen. The three slices must
// have the same length; dst may be a or b itself, but must not otherwise
// overlap them. It does not start goroutines: callers split large batches
// across cores themselves.
func PedersenBatch(dst, a, b []Felt) {
	if len(a) != len(dst) || len(b) != len(dst) {
		panic("asm: PedersenBatch: slices of different lengths")
	}
	PedersenPrecompute()
	if len(dst) < pedersenBatchMin {
		for i := range dst {
			dst[i] = pedersenWith(pedersenTbl, &a[i], &b[i])
		}
		return
	}
	PedersenBatchPrecompute()
	pedersenBatch(pedersenBatchTbl, dst, a, b)
}

// PedersenBatchPrecompute builds the batch tables now rather than in the
// first PedersenBatch large enough to need them (a one-off cost of tens of
// milliseconds). Calling it is optional; it is safe to call concurrently
// and more than once.
func PedersenBatchPrecompute() {
	PedersenPrecompute()
	pedersenBatchOnce.Do(func() { pedersenBatchTbl = buildPedersenBatchTables() })
}

func pedersenBatch(t *pedersenBatchTables, dst, a, b []Felt) {
	st := pedersenBatchPool.Get().(*pedersenBatchState)
	defer pedersenBatchPool.Put(st)
	for lo := 0; lo < len(dst); lo += pedersenLanes {
		hi := min(lo+pedersenLanes, len(dst))
		if hi-lo < pedersenBatchMin {
			for i := lo; i < hi; i++ {
				dst[i] = pedersenWith(pedersenTbl, &a[i], &b[i])
			}
			continue
		}
		st.run(t, dst[lo:hi], a[lo:hi], b[lo:hi])
	}
}

// pedersenRecode writes the low 248 bits of x as signed 12-bit digits in
// [-2048, 2047] (the last one, bits 240 to 247 plus a carry, is at most
// 256) and returns the top 4 bits.
func pedersenRecode(d []int16, x *Felt) uint64 {
	limbs := x.e().Bits()
	carry := uint64(0)
	for w := 0; w < pedersenBatchWindows; w++ {
		bit := w * pedersenBatchBits
		v := limbs[bit>>6] >> (bit & 63)
		if bit&63 > 64-pedersenBatchBits && bit < 192 {
			v |= limbs[bit>>6+1] << (64 - bit&63)
		}
		v &= 1<<min(pedersenBatchBits, pedersenLowBits-bit) - 1 // the bits above 248 are the high part
		v += carry
		if v >= pedersenBatchHalf {
			d[w], carry = int16(int64(v)-1<<pedersenBatchBits), 1
		} else {
			d[w], carry = int16(v), 0
		}
	}
	return limbs[3] >> 56 & 0xf
}

// run hashes len(dst) <= pedersenLanes pairs.
func (st *pedersenBatchState) run(t *pedersenBatchTables, dst, a, b []Felt) {
	n := len(dst)
	for i := 0; i < n; i++ {
		st.in[i] = [2]Felt{a[i], b[i]}
		ha := pedersenRecode(st.digits[i][:pedersenBatchWindows], &st.in[i][0])
		hb := pedersenRecode(st.digits[i][pedersenBatchWindows:], &st.in[i][1])
		s := &t.start[16*ha+hb]
		st.x[i], st.y[i] = s.X, s.Y
		st.failed[i] = t.startInf[16*ha+hb]
	}
	for r := 0; r < pedersenBatchRounds; r++ {
		st.round(&t.low[r/pedersenBatchWindows][r%pedersenBatchWindows], r, n)
	}
	for i := 0; i < n; i++ {
		if st.failed[i] {
			dst[i] = pedersenComplete(pedersenTbl, &st.in[i][0], &st.in[i][1])
		} else {
			dst[i] = Felt(st.x[i])
		}
	}
}

// round adds, to every lane with a nonzero digit in round r, the table
// entry that digit selects (negated for a negative digit), in affine
// coordinates with one inversion for all of them. A lane whose addition is
// degenerate (the same x coordinate: a doubling, or a sum at infinity) is
// marked failed and left alone from then on; run recomputes it with
// complete formulas.
//
// The modular subtractions are written out (fpSubNB's body) because the
// function is too large to be inlined and they are a fifth of the work.
func (st *pedersenBatchState) round(tbl *[pedersenBatchHalf]starkcurve.G1Affine, r, n int) {
	m := 0
	for i := 0; i < n; i++ {
		v := st.digits[i][r]
		if v == 0 || st.failed[i] {
			continue
		}
		neg := v < 0
		if neg {
			v = -v
		}
		p := &tbl[v-1]
		den := &st.den[m]
		{ // (*den) = p.X - st.x[i]
			z0, b := bits.Sub64(p.X[0], st.x[i][0], 0)
			z1, b := bits.Sub64(p.X[1], st.x[i][1], b)
			z2, b := bits.Sub64(p.X[2], st.x[i][2], b)
			z3, b := bits.Sub64(p.X[3], st.x[i][3], b)
			m := -b
			z0, c := bits.Add64(z0, m&1, 0)
			z1, c = bits.Add64(z1, 0, c)
			z2, c = bits.Add64(z2, 0, c)
			(*den)[0], (*den)[1], (*den)[2], (*den)[3] = z0, z1, z2, z3+m&poseidonPTop+c
		}
		if den.IsZero() {
			st.failed[i] = true
			continue
		}
		if m == 0 {
			st.pre[0] = *den
		} else {
			st.pre[m].Mul(&st.pre[m-1], den)
		}
		if neg {
			st.py[m].Neg(&p.Y)
		} else {
			st.py[m] = p.Y
		}
		st.lane[m], st.px[m] = uint16(i), &p.X
		m++
	}
	if m == 0 {
		return
	}
	// inv is the inverse of den[0] * ... * den[j] as j goes down; each
	// step peels off den[j] to leave 1/den[j] in dinv.
	var inv, dinv, lam, x3, u fp.Element
	inv.Inverse(&st.pre[m-1])
	for j := m - 1; j >= 0; j-- {
		if j > 0 {
			dinv.Mul(&inv, &st.pre[j-1])
			inv.Mul(&inv, &st.den[j])
		} else {
			dinv = inv
		}
		i := st.lane[j]
		x, y, px := &st.x[i], &st.y[i], st.px[j]
		// lambda = (y2 - y1) / (x2 - x1); x3 = lambda^2 - x1 - x2;
		// y3 = lambda (x1 - x3) - y1.
		{ // lam = st.py[j] - (*y)
			z0, b := bits.Sub64(st.py[j][0], (*y)[0], 0)
			z1, b := bits.Sub64(st.py[j][1], (*y)[1], b)
			z2, b := bits.Sub64(st.py[j][2], (*y)[2], b)
			z3, b := bits.Sub64(st.py[j][3], (*y)[3], b)
			m := -b
			z0, c := bits.Add64(z0, m&1, 0)
			z1, c = bits.Add64(z1, 0, c)
			z2, c = bits.Add64(z2, 0, c)
			lam[0], lam[1], lam[2], lam[3] = z0, z1, z2, z3+m&poseidonPTop+c
		}
		lam.Mul(&lam, &dinv)
		x3.Square(&lam)
		{ // x3 = x3 - (*x)
			z0, b := bits.Sub64(x3[0], (*x)[0], 0)
			z1, b := bits.Sub64(x3[1], (*x)[1], b)
			z2, b := bits.Sub64(x3[2], (*x)[2], b)
			z3, b := bits.Sub64(x3[3], (*x)[3], b)
			m := -b
			z0, c := bits.Add64(z0, m&1, 0)
			z1, c = bits.Add64(z1, 0, c)
			z2, c = bits.Add64(z2, 0, c)
			x3[0], x3[1], x3[2], x3[3] = z0, z1, z2, z3+m&poseidonPTop+c
		}
		{ // x3 = x3 - (*px)
			z0, b := bits.Sub64(x3[0], (*px)[0], 0)
			z1, b := bits.Sub64(x3[1], (*px)[1], b)
			z2, b := bits.Sub64(x3[2], (*px)[2], b)
			z3, b := bits.Sub64(x3[3], (*px)[3], b)
			m := -b
			z0, c := bits.Add64(z0, m&1, 0)
			z1, c = bits.Add64(z1, 0, c)
			z2, c = bits.Add64(z2, 0, c)
			x3[0], x3[1], x3[2], x3[3] = z0, z1, z2, z3+m&poseidonPTop+c
		}
		{ // u = (*x) - x3
			z0, b := bits.Sub64((*x)[0], x3[0], 0)
			z1, b := bits.Sub64((*x)[1], x3[1], b)
			z2, b := bits.Sub64((*x)[2], x3[2], b)
			z3, b := bits.Sub64((*x)[3], x3[3], b)
			m := -b
			z0, c := bits.Add64(z0, m&1, 0)
			z1, c = bits.Add64(z1, 0, c)
			z2, c = bits.Add64(z2, 0, c)
			u[0], u[1], u[2], u[3] = z0, z1, z2, z3+m&poseidonPTop+c
		}
		u.Mul(&u, &lam)
		{ // (*y) = u - (*y)
			z0, b := bits.Sub64(u[0], (*y)[0], 0)
			z1, b := bits.Sub64(u[1], (*y)[1], b)
			z2, b := bits.Sub64(u[2], (*y)[2], b)
			z3, b := bits.Sub64(u[3], (*y)[3], b)
			m := -b
			z0, c := bits.Add64(z0, m&1, 0)
			z1, c = bits.Add64(z1, 0, c)
			z2, c = bits.Add64(z2, 0, c)
			(*y)[0], (*y)[1], (*y)[2], (*y)[3] = z0, z1, z2, z3+m&poseidonPTop+c
		}
		*x = x3
	}
}
