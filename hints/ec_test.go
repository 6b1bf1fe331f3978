package hints

import (
	"crypto/sha256"
	"math/big"
	"testing"

	"github.com/cairn-vm/cairn/vm"
)

// spInv is x^-1 mod p by Fermat (p prime).
func spInv(x, p *big.Int) *big.Int {
	return new(big.Int).Exp(spMod(x, p), sub(p, b(2)), p)
}

// spEcAdd is the textbook affine sum on y^2 = x^3 + alpha x + beta mod p
// (doubling when the points are equal).
func spEcAdd(p1, p2 [2]*big.Int, alpha, p *big.Int) [2]*big.Int {
	var m *big.Int
	if spMod(sub(p1[0], p2[0]), p).Sign() == 0 {
		num := add(spMul(b(3), p1[0], p1[0]), alpha)
		m = spMod(spMul(num, spInv(spMul(b(2), p1[1]), p)), p)
	} else {
		m = spMod(spMul(sub(p1[1], p2[1]), spInv(sub(p1[0], p2[0]), p)), p)
	}
	x := spMod(sub(sub(spMul(m, m), p1[0]), p2[0]), p)
	y := spMod(sub(spMul(m, sub(p1[0], x)), p1[1]), p)
	return [2]*big.Int{x, y}
}

func TestSpEcReference(t *testing.T) {
	// The reference arithmetic gives the published 2G and 3G.
	g2 := spEcAdd(k1G, k1G, b(0), k1P)
	g3 := spEcAdd(g2, k1G, b(0), k1P)
	if g2[0].Cmp(k1G2[0]) != 0 || g2[1].Cmp(k1G2[1]) != 0 || g3[0].Cmp(k1G3[0]) != 0 || g3[1].Cmp(k1G3[1]) != 0 {
		t.Fatal("reference EC arithmetic disagrees with the published secp256k1 points")
	}
}

// spLimbsSigned is a BigInt3 whose packed value is v (v may be negative:
// every limb is then negated).
func spLimbsSigned(v *big.Int) []*big.Int {
	if v.Sign() >= 0 {
		return spLimbs(v)
	}
	var out []*big.Int
	for _, l := range spLimbs(new(big.Int).Neg(v)) {
		out = append(out, new(big.Int).Neg(l))
	}
	return out
}

// spPutPoint writes an EcPoint (x, y) at fp + off.
func spPutPoint(f *fixture, off int, pt [2]*big.Int) {
	spPut(f, off, spLimbsSigned(pt[0])...)
	spPut(f, off+3, spLimbsSigned(pt[1])...)
}

// ecChain is a slope hint followed by its new_x and new_y hints, run in
// one scope as a program runs them.
type ecChain struct {
	name              string
	slope, newX, newY string
	pt0, pt1          string // pt1 empty: doubling
	p, alpha          *big.Int
	scope             map[string]any // bound before the slope hint
	in0, in1, wantSum [2]*big.Int
}

func (ch ecChain) run(t *testing.T) {
	t.Helper()
	refs := []tref{spRef(ch.pt0, -12, "__main__.EcPoint")}
	if ch.pt1 != "" {
		refs = append(refs, spRef(ch.pt1, -6, "__main__.EcPoint"))
	}
	f := spFixture(t, ch.slope, refs...)
	for k, v := range ch.scope {
		f.st.Scope()[k] = v
	}
	spPutPoint(f, -12, ch.in0)
	if ch.pt1 != "" {
		spPutPoint(f, -6, ch.in1)
	}
	f.mustRun()
	slope := spScope(t, f, "slope")
	if v := spScope(t, f, "value"); v.Cmp(slope) != 0 {
		t.Fatalf("%s: value %s != slope %s", ch.name, v, slope)
	}
	// The slope satisfies its defining equation.
	if ch.pt1 == "" {
		lhs := spMod(spMul(slope, b(2), ch.in0[1]), ch.p)
		rhs := spMod(add(spMul(b(3), ch.in0[0], ch.in0[0]), ch.alpha), ch.p)
		if lhs.Cmp(rhs) != 0 {
			t.Fatalf("%s: slope %s is not the tangent's", ch.name, slope)
		}
	} else {
		lhs := spMod(spMul(slope, sub(ch.in0[0], ch.in1[0])), ch.p)
		if lhs.Cmp(spMod(sub(ch.in0[1], ch.in1[1]), ch.p)) != 0 {
			t.Fatalf("%s: slope %s is not the chord's", ch.name, slope)
		}
	}

	refs = append([]tref{spRef("slope", -15, "__main__.BigInt3")}, refs...)
	g := spFixture(t, ch.newX, refs...)
	g.st.Scopes = f.st.Scopes
	spPut(g, -15, spLimbs(slope)...)
	spPutPoint(g, -12, ch.in0)
	if ch.pt1 != "" {
		spPutPoint(g, -6, ch.in1)
	}
	g.mustRun()
	h := spFixture(t, ch.newY)
	h.st.Scopes = f.st.Scopes
	h.mustRun()
	nx, ny := spScope(t, h, "new_x"), spScope(t, h, "new_y")
	if v := spScope(t, h, "value"); v.Cmp(ny) != 0 {
		t.Errorf("%s: value %s != new_y", ch.name, v)
	}
	if nx.Cmp(ch.wantSum[0]) != 0 || ny.Cmp(ch.wantSum[1]) != 0 {
		t.Errorf("%s: got (%x, %x), want (%x, %x)", ch.name, nx, ny, ch.wantSum[0], ch.wantSum[1])
	}
}

func TestEcSlopeNewXNewY(t *testing.T) {
	r1G := [2]*big.Int{r1.Gx, r1.Gy}
	r1G2x, r1G2y := r1.Double(r1.Gx, r1.Gy)
	r1G2 := [2]*big.Int{r1G2x, r1G2y}
	r1G3x, r1G3y := r1.Add(r1G2x, r1G2y, r1.Gx, r1.Gy)
	r1Scope := func() map[string]any { return map[string]any{"SECP_P": r1.P, "ALPHA": r1Alpha} }
	// G with y given as y - p (negative limbs) and x as x + p.
	k1GOdd := [2]*big.Int{add(k1G[0], k1P), sub(k1G[1], k1P)}
	// An arbitrary point for the 2^255 - 19 variants: the formulas do not
	// need it on a curve, and the reference sum uses the same alpha.
	edA := [2]*big.Int{b(9), spHex("20ae19a1b8a086b4e01edd2c7748d14c923d4d7e6d7c61b229e9c5a27eced3d9")}
	edB := [2]*big.Int{b(12345), b(67890)}

	chains := []ecChain{
		{name: "k1 double", slope: codeEcDoubleSlope, newX: codeEcDoubleNewXPoint, newY: codeEcDoubleNewY,
			pt0: "point", p: k1P, alpha: b(0), in0: k1G, wantSum: k1G2},
		{name: "k1 double unreduced", slope: codeEcDoubleSlope, newX: codeEcDoubleNewXPoint, newY: codeEcDoubleNewY,
			pt0: "point", p: k1P, alpha: b(0), in0: k1GOdd, wantSum: k1G2},
		{name: "k1 double div_mod pt", slope: codeEcDoubleSlopeDivMod, newX: codeEcDoubleNewXPt, newY: codeEcDoubleNewY,
			pt0: "pt", p: k1P, alpha: b(0), in0: k1G, wantSum: k1G2},
		{name: "k1 add", slope: codeFastEcAddSlope, newX: codeFastEcAddNewXPoint, newY: codeFastEcAddNewY,
			pt0: "point0", pt1: "point1", p: k1P, alpha: b(0), in0: k1G2, in1: k1G, wantSum: k1G3},
		{name: "k1 add div_mod pt", slope: codeFastEcAddSlopeDivMod, newX: codeFastEcAddNewXPt, newY: codeFastEcAddNewY,
			pt0: "pt0", pt1: "pt1", p: k1P, alpha: b(0), in0: k1G, in1: k1G2, wantSum: k1G3},
		{name: "r1 double", slope: codeEcDoubleSlopeScopeAlpha, newX: codeEcDoubleNewXScopeP, newY: codeEcDoubleNewY,
			pt0: "point", p: r1.P, alpha: r1Alpha, scope: r1Scope(), in0: r1G, wantSum: r1G2},
		{name: "r1 add", slope: codeFastEcAddSlopeScopeP, newX: codeFastEcAddNewXScopeP, newY: codeFastEcAddNewY,
			pt0: "point0", pt1: "point1", p: r1.P, alpha: r1Alpha, scope: r1Scope(), in0: r1G2, in1: r1G,
			wantSum: [2]*big.Int{r1G3x, r1G3y}},
		{name: "ed25519 double", slope: codeEd25519EcDoubleSlope, newX: codeEd25519EcDoubleNewX, newY: codeEcDoubleNewY,
			pt0: "point", p: ed25519Prime, alpha: wei25519AlphaTest, in0: edA,
			wantSum: spEcAdd(edA, edA, wei25519AlphaTest, ed25519Prime)},
		{name: "ed25519 add", slope: codeEd25519FastEcAddSlope, newX: codeEd25519FastEcAddNewX, newY: codeFastEcAddNewY,
			pt0: "point0", pt1: "point1", p: ed25519Prime, alpha: b(0), in0: edA, in1: edB,
			wantSum: spEcAdd(edA, edB, b(0), ed25519Prime)},
	}
	for _, ch := range chains {
		ch.run(t)
	}
	// The P-256 sums are crypto/elliptic's.
	if !r1.IsOnCurve(r1G3x, r1G3y) {
		t.Error("P-256 3G off the curve")
	}
}

// wei25519AlphaTest is the alpha the vrf doubling hint's code spells out.
var wei25519AlphaTest, _ = new(big.Int).SetString("42204101795669822316448953119945047945709099015225996174933988943478124189485", 10)

func TestEcSlopeErrors(t *testing.T) {
	zeroY := [2]*big.Int{b(5), k1P} // y = p, zero mod p
	for _, tc := range []struct {
		code, pt, want string
	}{
		{codeEcDoubleSlope, "point", "AssertionError: point[1] % p != 0"},
		{codeEcDoubleSlopeDivMod, "pt", "AssertionError"},
		{codeEd25519EcDoubleSlope, "point", "AssertionError: point[1] % p != 0"},
	} {
		f := spFixture(t, tc.code, spRef(tc.pt, -12, "__main__.EcPoint"))
		pt := zeroY
		if tc.code == codeEd25519EcDoubleSlope {
			pt = [2]*big.Int{b(5), ed25519Prime}
		}
		spPutPoint(f, -12, pt)
		wantErr(t, f.run(), tc.want)
	}
	// The r1 variant needs ALPHA in the scope.
	f := spFixture(t, codeEcDoubleSlopeScopeAlpha, spRef("point", -12, "__main__.EcPoint"))
	f.st.Scope()["SECP_P"] = r1.P
	spPutPoint(f, -12, [2]*big.Int{r1.Gx, r1.Gy})
	wantErr(t, f.run(), "name 'ALPHA' is not defined")

	// Chords through two points with the same x.
	for _, tc := range []struct{ code, pt0, pt1 string }{
		{codeFastEcAddSlope, "point0", "point1"},
		{codeFastEcAddSlopeDivMod, "pt0", "pt1"},
	} {
		f := spFixture(t, tc.code, spRef(tc.pt0, -12, "__main__.EcPoint"), spRef(tc.pt1, -6, "__main__.EcPoint"))
		spPutPoint(f, -12, k1G)
		spPutPoint(f, -6, [2]*big.Int{add(k1G[0], k1P), sub(k1P, k1G[1])})
		wantErr(t, f.run(), "AssertionError")
	}
	// new_y needs the new_x hint's locals.
	f = spFixture(t, codeEcDoubleNewY)
	f.st.Scope()["slope"] = b(1)
	wantErr(t, f.run(), "name 'x' is not defined")
}

func TestEcNegate(t *testing.T) {
	for _, tc := range []struct {
		code string
		p    *big.Int
	}{{codeEcNegate, k1P}, {codeEd25519EcNegate, ed25519Prime}} {
		for _, y := range []*big.Int{b(0), b(1), k1G[1], sub(tc.p, b(1)), tc.p, add(tc.p, b(3)), b(-7)} {
			f := spFixture(t, tc.code, spRef("point", -6, "__main__.EcPoint"))
			spPutPoint(f, -6, [2]*big.Int{b(1), y})
			f.mustRun()
			got := spScope(t, f, "value")
			if got.Sign() < 0 || got.Cmp(tc.p) >= 0 || spMod(add(got, y), tc.p).Sign() != 0 {
				t.Errorf("-(%s) mod %s = %s", y, tc.p, got)
			}
		}
	}
}

func TestEcGetPointFromX(t *testing.T) {
	for _, pt := range [][2]*big.Int{k1G, k1G2, k1G3} {
		cube := spMod(spMul(pt[0], pt[0], pt[0]), k1P)
		for _, v := range []*big.Int{b(0), b(1), b(2), sub(P, b(1))} {
			for _, xc := range []*big.Int{cube, add(cube, k1P), sub(cube, k1P)} {
				f := spFixture(t, codeGetPointFromX, spRef("x_cube", -4, "__main__.BigInt3"), spRef("v", -1, "felt"))
				spPut(f, -4, spLimbsSigned(xc)...)
				spPut(f, -1, v)
				f.mustRun()
				got := spScope(t, f, "value")
				want := pt[1]
				if want.Bit(0) != v.Bit(0) {
					want = sub(k1P, pt[1])
				}
				if got.Cmp(want) != 0 {
					t.Errorf("get_point_from_x(%x, v=%s) = %x, want %x", pt[0], v, got, want)
				}
			}
		}
	}
}

func TestEcMulScalarBits(t *testing.T) {
	for _, s := range []*big.Int{b(0), b(1), b(6), b(7), sub(P, b(1)), sub(P, b(2)), two128} {
		f := spFixture(t, codeEcMulScalarParity, spRef("scalar", -1, "felt"))
		spPut(f, -1, s)
		f.mustRun()
		if got := f.getBig(f.st.AP); got.Int64() != int64(s.Bit(0)) {
			t.Errorf("parity of %s = %s", s, got)
		}
	}

	u := spHex("b5a3c4e1f0d2978655aa33cc0f0f1234") // bits chosen by hand
	v := spHex("4a5c3b1e0f2d6879aa55cc33f0f0edcb")
	bit := func(x *big.Int, i int) int64 {
		if i < 0 {
			return 0
		}
		return int64(x.Bit(i))
	}
	for _, m := range []int{1, 2, 7, 64, 127, 128, 300} {
		f := spFixture(t, codeEcMulMulAddDibit, spRef("scalar_u", -3, "felt"), spRef("scalar_v", -2, "felt"),
			spRef("m", -1, "felt"), spRef("dibit", 0, "felt"))
		spPut(f, -3, u, v, b(int64(m)))
		f.mustRun()
		if got, want := f.getBig(f.fp(0)).Int64(), bit(u, m)+2*bit(v, m); got != want {
			t.Errorf("dibit m=%d: %d, want %d", m, got, want)
		}

		g := spFixture(t, codeEcMulMulAddQuadBit, spRef("scalar_u", -3, "felt"), spRef("scalar_v", -2, "felt"),
			spRef("m", -1, "felt"), spRef("quad_bit", 0, "felt"))
		spPut(g, -3, u, v, b(int64(m)))
		g.mustRun()
		want := 8*bit(v, m) + 4*bit(u, m) + 2*bit(v, m-1) + bit(u, m-1)
		if got := g.getBig(g.fp(0)).Int64(); got != want {
			t.Errorf("quad_bit m=%d: %d, want %d", m, got, want)
		}
	}
	// m = 0: ids.m - 1 is a negative shift count.
	g := spFixture(t, codeEcMulMulAddQuadBit, spRef("scalar_u", -3, "felt"), spRef("scalar_v", -2, "felt"),
		spRef("m", -1, "felt"), spRef("quad_bit", 0, "felt"))
	spPut(g, -3, u, v, b(0))
	wantErr(t, g.run(), "negative shift count")

	for _, tc := range []struct {
		du, dv *big.Int
		want   *big.Int
	}{
		{b(0), b(0), b(-1)},
		{b(1), b(0), b(0)},
		{b(5), b(16), b(4)},
		{sub(spTwo86, b(1)), b(3), b(85)},
		{sub(P, b(1)), b(0), b(251)},
	} {
		f := spFixture(t, codeEcMulMulAddLenHi, spRef("scalar_u", -7, "__main__.BigInt3"),
			spRef("scalar_v", -4, "__main__.BigInt3"), spRef("len_hi", 0, "felt"))
		spPut(f, -7, b(1), b(2), tc.du)
		spPut(f, -4, b(3), b(4), tc.dv)
		f.mustRun()
		if got := f.getBig(f.fp(0)); got.Cmp(modP(tc.want)) != 0 {
			t.Errorf("len_hi(%s, %s) = %s, want %s", tc.du, tc.dv, got, tc.want)
		}
	}
}

// The STARK curve (cairo-lang's pedersen_params.json / signature.py):
// y^2 = x^3 + x + beta over the Cairo field, generator G.
var (
	starkBetaTest = spHex("6f21413efbe40de150e596d72f7a8c5609ad26c15c915c1f4cdfcb99cee9e89")
	starkGTest    = [2]*big.Int{spHex("1ef15c18599971b7beced415a40f0c7deacfd9b0d1819e03d723d8bc943cfca"),
		spHex("5668060aa49730b7be4801df46ec62de53ecd11abe43a32873000c36e8dc1f")}
)

// starkRHS is x^3 + x + beta mod P.
func starkRHS(x *big.Int) *big.Int {
	return spMod(add(add(spMul(x, x, x), x), starkBetaTest), P)
}

// starkMinRoot is the smaller square root of v mod P, or nil.
func starkMinRoot(v *big.Int) *big.Int {
	r := new(big.Int).ModSqrt(spMod(v, P), P)
	if r == nil {
		return nil
	}
	if o := sub(P, r); o.Cmp(r) < 0 && r.Sign() != 0 {
		r = o
	}
	return r
}

func TestEcRecoverY(t *testing.T) {
	if starkRHS(starkGTest[0]).Cmp(spMod(spMul(starkGTest[1], starkGTest[1]), P)) != 0 {
		t.Fatal("STARK generator not on the curve")
	}
	f := spFixture(t, codeRecoverY, spRef("x", -1, "felt"), spRef("p", 0, "__main__.StarkPoint"))
	spPut(f, -1, starkGTest[0])
	f.mustRun()
	got := spGet(f, 0, 2)
	want := starkGTest[1]
	if o := sub(P, want); o.Cmp(want) < 0 {
		want = o
	}
	if got[0].Cmp(starkGTest[0]) != 0 || got[1].Cmp(want) != 0 {
		t.Errorf("recover_y(G.x) = %v, want (G.x, %s)", got, want)
	}
	// An x off the curve.
	x := b(0)
	for ; new(big.Int).ModSqrt(starkRHS(x), P) != nil; x = add(x, b(1)) {
	}
	f = spFixture(t, codeRecoverY, spRef("x", -1, "felt"), spRef("p", 0, "__main__.StarkPoint"))
	spPut(f, -1, x)
	wantErr(t, f.run(), x.String()+" does not represent the x coordinate of a point on the curve.")
}

// starkRandomPointTest is random_ec_point(FIELD_PRIME, 1, beta, seed) as
// math_utils defines it.
func starkRandomPointTest(seed []byte) [2]*big.Int {
	h := sha256.Sum256(seed)
	for i := 0; i < 100; i++ {
		ctr := make([]byte, 10)
		ctr[0], ctr[1] = byte(i), byte(i>>8)
		d := sha256.Sum256(append(append([]byte{}, h[1:]...), ctr...))
		x := new(big.Int).SetBytes(d[:])
		y := starkMinRoot(starkRHS(x))
		if y == nil {
			continue
		}
		if h[0]&1 == 1 {
			y = spMod(new(big.Int).Neg(y), P)
		}
		return [2]*big.Int{spMod(x, P), y}
	}
	panic("no point")
}

func starkBytes(vals ...*big.Int) []byte {
	var out []byte
	for _, v := range vals {
		out = append(out, v.FillBytes(make([]byte, 32))...)
	}
	return out
}

func TestEcOpRandomPoint(t *testing.T) {
	inputs := [][]*big.Int{
		{starkGTest[0], starkGTest[1], b(12345), starkGTest[0], sub(P, starkGTest[1])},
		{b(0), b(0), b(0), b(0), b(0)},
		{pMinus1, b(1), two250, b(2), b(3)},
	}
	for _, in := range inputs {
		f := spFixture(t, codeEcOpRandomPoint, spRef("p", -7, "__main__.StarkPoint"), spRef("m", -5, "felt"),
			spRef("q", -4, "__main__.StarkPoint"), spRef("s", 0, "__main__.StarkPoint"))
		spPut(f, -7, in...)
		f.mustRun()
		got := spGet(f, 0, 2)
		want := starkRandomPointTest(starkBytes(in...))
		if got[0].Cmp(want[0]) != 0 || got[1].Cmp(want[1]) != 0 {
			t.Errorf("ec_op seed %v: s = %v, want %v", in, got, want)
		}
		if starkRHS(got[0]).Cmp(spMod(spMul(got[1], got[1]), P)) != 0 {
			t.Errorf("s = %v is not on the curve", got)
		}
	}
}

func TestChainedEcOpRandomPoint(t *testing.T) {
	for _, code := range []string{codeChainedEcOpRandomPoint, codeChainedEcOpRandomPointPrint} {
		for _, n := range []int{0, 1, 3} {
			f := spFixture(t, code, spRef("p", -5, "__main__.StarkPoint"), tref{name: "m", value: "[cast(fp + (-3), felt**)]"},
				tref{name: "q", value: "[cast(fp + (-2), __main__.StarkPoint**)]"}, spRef("len", -1, "felt"),
				spRef("s", 0, "__main__.StarkPoint"))
			ms, qs := f.st.Mem.AddSegment(), f.st.Mem.AddSegment()
			vals := []*big.Int{starkGTest[0], starkGTest[1]}
			var qv []*big.Int
			for i := 0; i < n; i++ {
				mi := b(int64(1000 + i))
				f.putBig(ms.Add(i), mi)
				vals = append(vals, mi)
				for j := 0; j < 2; j++ {
					v := add(starkGTest[j], b(int64(10*i+j)))
					f.putBig(qs.Add(2*i+j), v)
					qv = append(qv, v)
				}
			}
			vals = append(vals, qv...)
			spPut(f, -5, starkGTest[0], starkGTest[1])
			f.put(f.fp(-3), vm.PtrValue(ms))
			f.put(f.fp(-2), vm.PtrValue(qs))
			spPut(f, -1, b(int64(n)))
			f.mustRun()
			got := spGet(f, 0, 2)
			want := starkRandomPointTest(starkBytes(vals...))
			if got[0].Cmp(want[0]) != 0 || got[1].Cmp(want[1]) != 0 {
				t.Errorf("chained_ec_op len %d: s = %v, want %v", n, got, want)
			}
			if code == codeChainedEcOpRandomPointPrint {
				out := string(f.st.Output)
				tail := got[0].String() + "\n" + got[1].String() + "\n" + got[0].String() + "\n" + got[1].String() + "\n"
				if len(out) < len(tail) || out[len(out)-len(tail):] != tail || out[:2] != "b'" && out[:2] != `b"` {
					t.Errorf("printed %q", out)
				}
			}
		}
		// An address among the scalars has no bytes; the max length is
		// enforced.
		f := spFixture(t, code, spRef("p", -5, "__main__.StarkPoint"), tref{name: "m", value: "[cast(fp + (-3), felt**)]"},
			tref{name: "q", value: "[cast(fp + (-2), __main__.StarkPoint**)]"}, spRef("len", -1, "felt"),
			spRef("s", 0, "__main__.StarkPoint"))
		ms, qs := f.st.Mem.AddSegment(), f.st.Mem.AddSegment()
		f.put(ms, vm.PtrValue(qs))
		spPut(f, -5, b(1), b(2))
		f.put(f.fp(-3), vm.PtrValue(ms))
		f.put(f.fp(-2), vm.PtrValue(qs))
		spPut(f, -1, b(1))
		f.putBig(qs, b(1))
		f.putBig(qs.Add(1), b(1))
		wantErr(t, f.run(), "to_bytes")
		f.st.Scope()["__chained_ec_op_max_len"] = b(0)
		wantErr(t, f.run(), "chained_ec_op() can only be used with len<=0. Got: n_elms=1.")
	}
}

func TestPyBytesRepr(t *testing.T) {
	for in, want := range map[string]string{
		"":             "b''",
		"abc":          "b'abc'",
		"a'b":          `b"a'b"`,
		"a'b\"":        `b'a\'b"'`,
		"\x00\n\t\r\\": `b'\x00\n\t\r\\'`,
		"\x7f\xff ~":   `b'\x7f\xff ~'`,
	} {
		if got := pyBytesRepr([]byte(in)); got != want {
			t.Errorf("repr(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestStarkSqrt(t *testing.T) {
	// 3 is not a square in the Cairo field (Euler's criterion), which the
	// hint relies on.
	if new(big.Int).Exp(b(3), new(big.Int).Rsh(P, 1), P).Cmp(pMinus1) != 0 {
		t.Fatal("3 is a square mod P")
	}
	for _, x := range []*big.Int{b(0), b(1), b(3), b(4), b(9), pMinus1, two250, starkGTest[0]} {
		f := spFixture(t, codeStarkSqrt, spRef("x", -1, "felt"), spRef("y", 0, "felt"))
		spPut(f, -1, x)
		f.mustRun()
		y := f.getBig(f.fp(0))
		target := x
		if new(big.Int).ModSqrt(x, P) == nil {
			target = spMod(spMul(x, spInv(b(3), P)), P)
		}
		if want := starkMinRoot(target); y.Cmp(want) != 0 {
			t.Errorf("sqrt(%s) = %s, want %s", x, y, want)
		}
	}
}
