package hints

import (
	"fmt"
	"math/big"
	"math/rand"
	"testing"

	"github.com/cairn-vm/cairn/vm"
)

// Struct and constant identifiers the uint tests add to the shared fixture.
func utIdentifiers() map[string]*vm.Identifier {
	limbs := func(names ...string) map[string]vm.Member {
		m := map[string]vm.Member{}
		for i, n := range names {
			m[n] = vm.Member{CairoType: "felt", Offset: i}
		}
		return m
	}
	return map[string]*vm.Identifier{
		"__main__.UInt384":        {Type: "struct", Size: intp(3), Members: limbs("d0", "d1", "d2")},
		"__main__.UInt512":        {Type: "struct", Size: intp(4), Members: limbs("d0", "d1", "d2", "d3")},
		"__main__.UInt768":        {Type: "struct", Size: intp(6), Members: limbs("d0", "d1", "d2", "d3", "d4", "d5")},
		"__main__.Uint256_expand": {Type: "struct", Size: intp(5), Members: limbs("B0", "b01", "b12", "b23", "b3")},
		"__main__.BigInt3":        {Type: "struct", Size: intp(3), Members: limbs("d0", "d1", "d2")},
		"__main__.f.BASE":         {Type: "const", Value: new(big.Int).Lsh(big.NewInt(1), 86)},
	}
}

// utFixture is newFixture (hint ap offset 0) with the uint structs.
func utFixture(t *testing.T, code string, refs ...tref) *fixture {
	t.Helper()
	f := newFixture(t, code, 0, refs...)
	for k, v := range utIdentifiers() {
		f.prog.Identifiers[k] = v
	}
	return f
}

// utRef is ids.<name> as a struct of type typ at fp + off.
func utRef(name string, off int, typ string) tref {
	var at string
	switch {
	case off < 0:
		at = fmt.Sprintf("fp + (%d)", off)
	case off == 0:
		at = "fp"
	default:
		at = fmt.Sprintf("fp + %d", off)
	}
	return tref{name: name, value: fmt.Sprintf("[cast(%s, %s*)]", at, typ)}
}

// utPut writes limbs at consecutive cells from fp + off.
func utPut(f *fixture, off int, limbs ...*big.Int) {
	for i, l := range limbs {
		f.putBig(f.fp(off+i), l)
	}
}

// utGet reads n written felts from fp + off.
func utGet(f *fixture, off, n int) []*big.Int {
	f.t.Helper()
	out := make([]*big.Int, n)
	for i := range out {
		out[i] = f.getBig(f.fp(off + i))
	}
	return out
}

var (
	utTwo64   = new(big.Int).Lsh(b(1), 64)
	utTwo127  = new(big.Int).Lsh(b(1), 127)
	utTwo256  = new(big.Int).Lsh(b(1), 256)
	utMask128 = sub(two128, b(1))
	utMask256 = sub(utTwo256, b(1))
)

// utLimbs splits v (>= 0) into n 128-bit limbs by repeated division, the
// last limb taking what is left.
func utLimbs(v *big.Int, n int) []*big.Int {
	out := make([]*big.Int, n)
	rest := new(big.Int).Set(v)
	for i := 0; i < n-1; i++ {
		q, r := new(big.Int).QuoRem(rest, two128, new(big.Int))
		out[i], rest = r, q
	}
	out[n-1] = rest
	return out
}

// utJoin is sum(limb * 2**(128*i)).
func utJoin(limbs []*big.Int) *big.Int {
	sum := new(big.Int)
	for i := len(limbs) - 1; i >= 0; i-- {
		sum.Mul(sum, two128)
		sum.Add(sum, limbs[i])
	}
	return sum
}

func utRand(r *rand.Rand, bits int) *big.Int {
	return new(big.Int).Rand(r, new(big.Int).Lsh(b(1), uint(bits)))
}

func TestUintSplitFelt(t *testing.T) {
	for _, n := range []uint{64, 128} {
		code := codeUintSplit64
		if n == 128 {
			code = codeUintSplit128
		}
		bound := new(big.Int).Lsh(b(1), n)
		vals := append(edgeValues(), utTwo64, sub(utTwo64, b(1)), add(utTwo64, b(1)))
		for _, a := range vals {
			f := utFixture(t, code, tref{name: "a", value: fpArg(3)},
				tref{name: "low", value: local(0)}, tref{name: "high", value: local(1)})
			f.putBig(f.fp(-3), a)
			f.mustRun()
			low, high := f.getBig(f.fp(0)), f.getBig(f.fp(1))
			// low < 2**n and low + high * 2**n == a as integers.
			if low.Cmp(bound) >= 0 {
				t.Errorf("split_%d(%s): low %s too big", n, a, low)
			}
			if got := add(low, new(big.Int).Mul(high, bound)); got.Cmp(a) != 0 {
				t.Errorf("split_%d(%s): low %s high %s recombine to %s", n, a, low, high, got)
			}
		}
		f := utFixture(t, code, tref{name: "a", value: fpArg(3)},
			tref{name: "low", value: local(0)}, tref{name: "high", value: local(1)})
		f.put(f.fp(-3), vm.PtrValue(vm.Relocatable{Segment: 1, Offset: 2}))
		wantErr(t, f.run(), "Expected integer")
	}
}

func TestUintAdd(t *testing.T) {
	limbVals := []*big.Int{b(0), b(1), sub(two128, b(1)), two128, sub(P, b(1))}
	for _, al := range limbVals {
		for _, bl := range limbVals {
			for _, ah := range []*big.Int{b(0), sub(two128, b(1))} {
				f := utFixture(t, codeUint256Add,
					utRef("a", -6, "__main__.Uint256"), utRef("b", -4, "__main__.Uint256"),
					tref{name: "carry_low", value: local(0)}, tref{name: "carry_high", value: local(1)})
				utPut(f, -6, al, ah)
				utPut(f, -4, bl, b(1))
				f.mustRun()
				wantLow := int64(0)
				if add(al, bl).Cmp(two128) >= 0 {
					wantLow = 1
				}
				wantHigh := int64(0)
				if add(add(ah, b(1)), b(wantLow)).Cmp(two128) >= 0 {
					wantHigh = 1
				}
				if got := utGet(f, 0, 2); got[0].Int64() != wantLow || got[1].Int64() != wantHigh {
					t.Errorf("uint256_add low %s+%s high %s+1: carries %v, want %d %d", al, bl, ah, got, wantLow, wantHigh)
				}
			}
		}
	}
	// The low-only variant writes carry_low alone.
	f := utFixture(t, codeUint256AddLow,
		utRef("a", -6, "__main__.Uint256"), utRef("b", -4, "__main__.Uint256"),
		tref{name: "carry_low", value: local(0)})
	utPut(f, -6, sub(two128, b(1)), b(0))
	utPut(f, -4, b(1), b(0))
	f.mustRun()
	if got := f.getBig(f.fp(0)); got.Int64() != 1 {
		t.Errorf("uint256_add low-only carry %s, want 1", got)
	}
	// A relocatable limb is not an integer.
	f = utFixture(t, codeUint256AddLow,
		utRef("a", -6, "__main__.Uint256"), utRef("b", -4, "__main__.Uint256"),
		tref{name: "carry_low", value: local(0)})
	f.put(f.fp(-6), vm.PtrValue(vm.Relocatable{Segment: 1}))
	f.putBig(f.fp(-4), b(0))
	wantErr(t, f.run(), "Expected integer")
}

func TestUint384Add(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	cases := [][2][]*big.Int{
		{{utMask128, utMask128, utMask128}, {b(1), b(0), b(0)}},
		{{b(0), b(0), b(0)}, {b(0), b(0), b(0)}},
		{{utMask128, b(0), utMask128}, {b(0), utMask128, b(1)}},
	}
	for i := 0; i < 20; i++ {
		cases = append(cases, [2][]*big.Int{utLimbs(utRand(r, 384), 3), utLimbs(utRand(r, 384), 3)})
	}
	for _, c := range cases {
		f := utFixture(t, codeUint384Add,
			utRef("a", -8, "__main__.UInt384"), utRef("b", -5, "__main__.UInt384"),
			tref{name: "carry_d0", value: local(0)}, tref{name: "carry_d1", value: local(1)}, tref{name: "carry_d2", value: local(2)})
		utPut(f, -8, c[0]...)
		utPut(f, -5, c[1]...)
		f.mustRun()
		carries := utGet(f, 0, 3)
		// a + b == sum limbs with carries: check limb by limb that
		// a_i + b_i + carry_{i-1} - carry_i * 2**128 is in [0, 2**128).
		prev := b(0)
		for i := 0; i < 3; i++ {
			s := add(add(c[0][i], c[1][i]), prev)
			s.Sub(s, new(big.Int).Mul(carries[i], two128))
			if s.Sign() < 0 || s.Cmp(two128) >= 0 || carries[i].Cmp(b(1)) > 0 {
				t.Fatalf("uint384_add %v + %v: carries %v wrong at limb %d", c[0], c[1], carries, i)
			}
			prev = carries[i]
		}
	}
}

func TestUint128Add(t *testing.T) {
	for _, a := range edgeValues() {
		for _, bb := range []*big.Int{b(0), b(1), sub(two128, b(1)), pMinus1} {
			f := utFixture(t, codeUint128Add, tref{name: "a", value: fpArg(4)}, tref{name: "b", value: fpArg(3)},
				tref{name: "carry", value: local(0)})
			f.putBig(f.fp(-4), a)
			f.putBig(f.fp(-3), bb)
			f.mustRun()
			want := int64(0)
			if add(a, bb).Cmp(two128) >= 0 { // the Python sum is not reduced
				want = 1
			}
			if got := f.getBig(f.fp(0)); got.Int64() != want {
				t.Errorf("uint128_add %s + %s: carry %s, want %d", a, bb, got, want)
			}
		}
	}
}

func TestUint256Sub(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	vals := []*big.Int{b(0), b(1), utMask128, two128, utMask256}
	for i := 0; i < 10; i++ {
		vals = append(vals, utRand(r, 256))
	}
	for _, a := range vals {
		for _, bb := range vals {
			f := utFixture(t, codeUint256Sub,
				utRef("a", -6, "__main__.Uint256"), utRef("b", -4, "__main__.Uint256"), utRef("res", 0, "__main__.Uint256"))
			utPut(f, -6, utLimbs(a, 2)...)
			utPut(f, -4, utLimbs(bb, 2)...)
			f.mustRun()
			res := utJoin(utGet(f, 0, 2))
			// res < 2**256 and res + b == a (mod 2**256).
			if res.Cmp(utTwo256) >= 0 || new(big.Int).Mod(sub(add(res, bb), a), utTwo256).Sign() != 0 {
				t.Errorf("uint256_sub %s - %s = %s", a, bb, res)
			}
		}
	}
}

// utCheckDivRem checks q*div + r == a and 0 <= r < div.
func utCheckDivRem(t *testing.T, what string, a, div, q, r *big.Int) {
	t.Helper()
	if r.Sign() < 0 || r.Cmp(div) >= 0 || add(new(big.Int).Mul(q, div), r).Cmp(a) != 0 {
		t.Errorf("%s: %s / %s gave q %s r %s", what, a, div, q, r)
	}
}

func TestUint256DivRem(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	type pair struct{ a, d *big.Int }
	cases := []pair{{b(0), b(1)}, {utMask256, b(1)}, {utMask256, utMask256}, {two128, sub(two128, b(1))}, {b(5), utMask256}}
	for i := 0; i < 20; i++ {
		cases = append(cases, pair{utRand(r, 256), add(utRand(r, 1+r.Intn(256)), b(1))})
	}
	for _, expanded := range []bool{false, true} {
		for _, c := range cases {
			var f *fixture
			if expanded {
				f = utFixture(t, codeUint256ExpandedDivRem, utRef("a", -8, "__main__.Uint256"),
					utRef("div", -6, "__main__.Uint256_expand"),
					utRef("quotient", 0, "__main__.Uint256"), utRef("remainder", 2, "__main__.Uint256"))
				dl := utLimbs(c.d, 2)
				// Uint256_expand: B0, b01, b12, b23, b3; only b01 and b23 are read.
				utPut(f, -6, b(0), dl[0], b(0), dl[1], b(0))
			} else {
				f = utFixture(t, codeUint256DivRem, utRef("a", -8, "__main__.Uint256"),
					utRef("div", -6, "__main__.Uint256"),
					utRef("quotient", 0, "__main__.Uint256"), utRef("remainder", 2, "__main__.Uint256"))
				utPut(f, -6, utLimbs(c.d, 2)...)
			}
			utPut(f, -8, utLimbs(c.a, 2)...)
			f.mustRun()
			utCheckDivRem(t, "uint256_unsigned_div_rem", c.a, c.d, utJoin(utGet(f, 0, 2)), utJoin(utGet(f, 2, 2)))
		}
	}
	f := utFixture(t, codeUint256DivRem, utRef("a", -8, "__main__.Uint256"), utRef("div", -6, "__main__.Uint256"),
		utRef("quotient", 0, "__main__.Uint256"), utRef("remainder", 2, "__main__.Uint256"))
	utPut(f, -8, b(5), b(0))
	utPut(f, -6, b(0), b(0))
	wantErr(t, f.run(), "integer division or modulo by zero")

	// Limbs beyond 128 bits: the high limb of the quotient is not masked.
	f = utFixture(t, codeUint256DivRem, utRef("a", -8, "__main__.Uint256"), utRef("div", -6, "__main__.Uint256"),
		utRef("quotient", 0, "__main__.Uint256"), utRef("remainder", 2, "__main__.Uint256"))
	utPut(f, -8, b(0), pMinus1)
	utPut(f, -6, b(1), b(0))
	f.mustRun()
	if got := f.getBig(f.fp(1)); got.Cmp(pMinus1) != 0 {
		t.Errorf("quotient.high %s, want P-1 (a.high unmasked)", got)
	}
}

func TestUint256MulDivMod(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	for i := 0; i < 30; i++ {
		a, bb := utRand(r, 256), utRand(r, 256)
		d := add(utRand(r, 1+r.Intn(256)), b(1))
		if i == 0 {
			a, bb, d = utMask256, utMask256, b(1)
		}
		f := utFixture(t, codeUint256MulDivMod,
			utRef("a", -10, "__main__.Uint256"), utRef("b", -8, "__main__.Uint256"), utRef("div", -6, "__main__.Uint256"),
			utRef("quotient_low", 0, "__main__.Uint256"), utRef("quotient_high", 2, "__main__.Uint256"),
			utRef("remainder", 4, "__main__.Uint256"))
		utPut(f, -10, utLimbs(a, 2)...)
		utPut(f, -8, utLimbs(bb, 2)...)
		utPut(f, -6, utLimbs(d, 2)...)
		f.mustRun()
		q := utJoin(utGet(f, 0, 4))
		utCheckDivRem(t, "uint256_mul_div_mod", new(big.Int).Mul(a, bb), d, q, utJoin(utGet(f, 4, 2)))
	}
}

func TestUintSplitDivRem(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	type variant struct {
		name, code, aType, dType string
		aN, dN, qN, rN           int
		dividend                 string
	}
	for _, v := range []variant{
		{"uint384", codeUint384DivRem, "__main__.UInt384", "__main__.UInt384", 3, 3, 3, 3, "a"},
		{"uint384_expanded", codeUint384DivRemExpanded, "__main__.UInt768", "__main__.UInt384", 6, 3, 6, 3, "a"},
		{"uint512", codeUint512DivRem, "__main__.UInt512", "__main__.Uint256", 4, 2, 4, 2, "x"},
	} {
		for i := 0; i < 20; i++ {
			a := utRand(r, 128*v.aN)
			d := add(utRand(r, 1+r.Intn(128*v.dN)), b(1))
			if i == 0 {
				a, d = sub(new(big.Int).Lsh(b(1), uint(128*v.aN)), b(1)), b(1)
			}
			f := utFixture(t, v.code, utRef(v.dividend, -20, v.aType), utRef("div", -10, v.dType),
				utRef("quotient", 0, v.aType), utRef("remainder", 8, v.dType))
			utPut(f, -20, utLimbs(a, v.aN)...)
			utPut(f, -10, utLimbs(d, v.dN)...)
			f.mustRun()
			utCheckDivRem(t, v.name, a, d, utJoin(utGet(f, 0, v.qN)), utJoin(utGet(f, 8, v.rN)))
		}
		f := utFixture(t, v.code, utRef(v.dividend, -20, v.aType), utRef("div", -10, v.dType),
			utRef("quotient", 0, v.aType), utRef("remainder", 8, v.dType))
		utPut(f, -20, utLimbs(b(7), v.aN)...)
		utPut(f, -10, utLimbs(b(0), v.dN)...)
		wantErr(t, f.run(), "integer division or modulo by zero")
	}
	// split masks every limb, the last one too: an oversized top limb of
	// the dividend loses its high bits in the quotient.
	f := utFixture(t, codeUint384DivRem, utRef("a", -20, "__main__.UInt384"), utRef("div", -10, "__main__.UInt384"),
		utRef("quotient", 0, "__main__.UInt384"), utRef("remainder", 8, "__main__.UInt384"))
	utPut(f, -20, b(0), b(0), pMinus1)
	utPut(f, -10, b(1), b(0), b(0))
	f.mustRun()
	if got := f.getBig(f.fp(2)); got.Cmp(new(big.Int).And(pMinus1, utMask128)) != 0 {
		t.Errorf("quotient.d2 %s, want (P-1) & (2**128-1)", got)
	}
}

func TestUint256Sqrt(t *testing.T) {
	vals := []*big.Int{b(0), b(1), b(2), b(3), b(4), utMask128, two128, utMask256,
		new(big.Int).Mul(utMask128, utMask128), sub(new(big.Int).Mul(utMask128, utMask128), b(1))}
	for _, felt := range []bool{false, true} {
		for _, n := range vals {
			code := codeUint256Sqrt
			if felt {
				code = codeUint256SqrtFelt
			}
			rootRef := utRef("root", 0, "__main__.Uint256")
			if felt {
				rootRef = tref{name: "root", value: local(0)}
			}
			f := utFixture(t, code, utRef("n", -4, "__main__.Uint256"), rootRef)
			utPut(f, -4, utLimbs(n, 2)...)
			f.mustRun()
			root := f.getBig(f.fp(0))
			// root**2 <= n < (root+1)**2
			r1 := add(root, b(1))
			if new(big.Int).Mul(root, root).Cmp(n) > 0 || new(big.Int).Mul(r1, r1).Cmp(n) <= 0 {
				t.Errorf("uint256_sqrt(%s) = %s", n, root)
			}
			if !felt {
				if high := f.getBig(f.fp(1)); high.Sign() != 0 {
					t.Errorf("uint256_sqrt(%s): root.high %s", n, high)
				}
			}
		}
		// An oversized high limb makes the root reach 2**128.
		code := codeUint256Sqrt
		if felt {
			code = codeUint256SqrtFelt
		}
		f := utFixture(t, code, utRef("n", -4, "__main__.Uint256"), utRef("root", 0, "__main__.Uint256"))
		utPut(f, -4, b(0), two128)
		wantErr(t, f.run(), "AssertionError")
	}
}

func TestUint384Sqrt(t *testing.T) {
	r := rand.New(rand.NewSource(6))
	vals := []*big.Int{b(0), b(1), sub(new(big.Int).Lsh(b(1), 384), b(1))}
	for i := 0; i < 10; i++ {
		vals = append(vals, utRand(r, 384))
	}
	for _, n := range vals {
		f := utFixture(t, codeUint384Sqrt, utRef("a", -4, "__main__.UInt384"), utRef("root", 0, "__main__.UInt384"))
		utPut(f, -4, utLimbs(n, 3)...)
		f.mustRun()
		root := utJoin(utGet(f, 0, 3))
		r1 := add(root, b(1))
		if new(big.Int).Mul(root, root).Cmp(n) > 0 || new(big.Int).Mul(r1, r1).Cmp(n) <= 0 {
			t.Errorf("uint384_sqrt(%s) = %s", n, root)
		}
	}
	f := utFixture(t, codeUint384Sqrt, utRef("a", -4, "__main__.UInt384"), utRef("root", 0, "__main__.UInt384"))
	utPut(f, -4, b(0), b(0), pMinus1)
	wantErr(t, f.run(), "AssertionError")
}

func TestUintSignedNN(t *testing.T) {
	for _, v := range []struct {
		code, typ string
		top       int
	}{
		{codeUint256SignedNN, "__main__.Uint256", 1},
		{codeUint384SignedNN, "__main__.UInt384", 2},
	} {
		for _, top := range []*big.Int{b(0), b(1), sub(utTwo127, b(1)), utTwo127, utMask128, two128, pMinus1} {
			f := utFixture(t, v.code, utRef("a", -4, v.typ))
			f.putBig(f.fp(-4+v.top), top)
			f.mustRun()
			want := int64(0)
			if top.Cmp(utTwo127) < 0 {
				want = 1
			}
			if got := f.getBig(f.st.AP); got.Int64() != want {
				t.Errorf("signed_nn top limb %s: %s, want %d", top, got, want)
			}
		}
		// A relocatable limb stays relocatable under % and is not below
		// an integer.
		f := utFixture(t, v.code, utRef("a", -4, v.typ))
		f.put(f.fp(-4+v.top), vm.PtrValue(vm.Relocatable{Segment: 1, Offset: 3}))
		f.mustRun()
		if got := f.getBig(f.st.AP); got.Sign() != 0 {
			t.Errorf("signed_nn of an address: %s, want 0", got)
		}
	}
}

func TestUintBigintToUint256(t *testing.T) {
	base := new(big.Int).Lsh(b(1), 86)
	vals := []*big.Int{b(0), b(1), sub(base, b(1)), base, utMask128, pMinus1}
	for _, d0 := range vals {
		for _, d1 := range vals {
			f := utFixture(t, codeUintBigintToUint256, utRef("x", -4, "__main__.BigInt3"), tref{name: "low", value: local(0)})
			utPut(f, -4, d0, d1, b(0))
			f.mustRun()
			want := new(big.Int).Mod(add(d0, new(big.Int).Mul(d1, base)), two128)
			if got := f.getBig(f.fp(0)); got.Cmp(want) != 0 {
				t.Errorf("bigint_to_uint256 d0 %s d1 %s: low %s, want %s", d0, d1, got, want)
			}
		}
	}
}
