package hints

import (
	"crypto/elliptic"
	"fmt"
	"math/big"
	"testing"

	"github.com/cairn-vm/cairn/vm"
)

// Test helpers of the curve families (secp, ec, bigint, signature, vrf):
// the expected values come from published curve parameters (SEC 2, FIPS
// 186, Go's crypto/elliptic), from the curve equations, and from math/big
// arithmetic written here, never from the hints' own helpers.

// spIdentifiers are the structs and constants the curve tests add to the
// shared fixture.
func spIdentifiers() map[string]*vm.Identifier {
	limbs := func(names ...string) map[string]vm.Member {
		m := map[string]vm.Member{}
		for i, n := range names {
			m[n] = vm.Member{CairoType: "felt", Offset: i}
		}
		return m
	}
	return map[string]*vm.Identifier{
		"__main__.BigInt3": {Type: "struct", Size: intp(3), Members: limbs("d0", "d1", "d2")},
		"__main__.BigInt5": {Type: "struct", Size: intp(5), Members: limbs("d0", "d1", "d2", "d3", "d4")},
		"__main__.EcPoint": {Type: "struct", Size: intp(6), Members: map[string]vm.Member{
			"x": {CairoType: "__main__.BigInt3", Offset: 0}, "y": {CairoType: "__main__.BigInt3", Offset: 3}}},
		"__main__.StarkPoint": {Type: "struct", Size: intp(2), Members: limbs("x", "y")},
		"__main__.f.BASE":     {Type: "const", Value: new(big.Int).Lsh(big.NewInt(1), 86)},
		"__main__.f.BETA":     {Type: "const", Value: big.NewInt(7)},
	}
}

// spFixture is newFixture (hint ap offset 0) with the curve structs.
func spFixture(t *testing.T, code string, refs ...tref) *fixture {
	t.Helper()
	f := newFixture(t, code, 0, refs...)
	for k, v := range spIdentifiers() {
		f.prog.Identifiers[k] = v
	}
	return f
}

// spRef is ids.<name>, a value of type typ stored at fp + off.
func spRef(name string, off int, typ string) tref {
	return tref{name: name, value: fmt.Sprintf("[cast(fp + (%d), %s*)]", off, typ)}
}

// spPut writes felts (integers mod P) at consecutive cells from fp + off.
func spPut(f *fixture, off int, vals ...*big.Int) {
	for i, v := range vals {
		f.putBig(f.fp(off+i), v)
	}
}

// spGet reads n felts from fp + off.
func spGet(f *fixture, off, n int) []*big.Int {
	f.t.Helper()
	out := make([]*big.Int, n)
	for i := range out {
		out[i] = f.getBig(f.fp(off + i))
	}
	return out
}

var spTwo86 = new(big.Int).Lsh(b(1), 86)

// spLimbs is the canonical BigInt3 of 0 <= v < 2^258: v = d0 + d1 2^86 +
// d2 2^172, each limb below 2^86.
func spLimbs(v *big.Int) []*big.Int {
	out := make([]*big.Int, 3)
	rest := new(big.Int).Set(v)
	for i := range out {
		q, r := new(big.Int).QuoRem(rest, spTwo86, new(big.Int))
		out[i], rest = r, q
	}
	return out
}

// spJoin is d0 + d1 2^86 + d2 2^172 (+ d3 2^258 + ...), limbs as given
// (signed).
func spJoin(limbs ...*big.Int) *big.Int {
	sum := new(big.Int)
	for i := len(limbs) - 1; i >= 0; i-- {
		sum.Mul(sum, spTwo86)
		sum.Add(sum, limbs[i])
	}
	return sum
}

// spScope returns an integer the hint left in the scope.
func spScope(t *testing.T, f *fixture, name string) *big.Int {
	t.Helper()
	v, ok := f.st.Scope()[name]
	if !ok {
		t.Fatalf("scope has no %s", name)
	}
	n, ok := v.(*big.Int)
	if !ok {
		t.Fatalf("scope %s is %T", name, v)
	}
	return n
}

func spHex(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic(s)
	}
	return v
}

func spMod(x, m *big.Int) *big.Int { return new(big.Int).Mod(x, m) }

func spMul(xs ...*big.Int) *big.Int {
	out := b(1)
	for _, x := range xs {
		out = new(big.Int).Mul(out, x)
	}
	return out
}

// Published parameters. secp256k1 (SEC 2, section 2.4.1): p = 2^256 -
// 2^32 - 2^9 - 2^8 - 2^7 - 2^6 - 2^4 - 1, y^2 = x^3 + 7, generator G, order
// n, and 2G and 3G as listed with the curve's test vectors.
var (
	k1P = func() *big.Int {
		p := new(big.Int).Lsh(b(1), 256)
		for _, e := range []uint{32, 9, 8, 7, 6, 4, 0} {
			p.Sub(p, new(big.Int).Lsh(b(1), e))
		}
		return p
	}()
	k1N  = spHex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141")
	k1G  = [2]*big.Int{spHex("79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798"), spHex("483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8")}
	k1G2 = [2]*big.Int{spHex("C6047F9441ED7D6D3045406E95C07CD85C778E4B8CEF3CA7ABAC09B95C709EE5"), spHex("1AE168FEA63DC339A3C58419466CEAEEF7F632653266D0E1236431A950CFE52A")}
	k1G3 = [2]*big.Int{spHex("F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9"), spHex("388F7B0F632DE8140FE337E62A37F3566500A99934C2231B6CB9FD7584B8E672")}

	// P-256 from Go's crypto/elliptic (FIPS 186-4 D.1.2.3); alpha = -3.
	r1      = elliptic.P256().Params()
	r1Alpha = new(big.Int).Sub(r1.P, b(3))

	ed25519Prime = sub(new(big.Int).Lsh(b(1), 255), b(19))
)

// TestSpCurveConstants checks the published points satisfy their curve
// equation, so the tests below start from real curve points.
func TestSpCurveConstants(t *testing.T) {
	for i, pt := range [][2]*big.Int{k1G, k1G2, k1G3} {
		lhs := spMod(spMul(pt[1], pt[1]), k1P)
		rhs := spMod(add(spMul(pt[0], pt[0], pt[0]), b(7)), k1P)
		if lhs.Cmp(rhs) != 0 {
			t.Errorf("secp256k1 point %d is not on the curve", i)
		}
	}
	if !r1.IsOnCurve(r1.Gx, r1.Gy) {
		t.Error("P-256 generator not on the curve")
	}
}

func TestSecpNondetBigint3(t *testing.T) {
	for _, code := range []string{codeNondetBigint3, codeNondetBigint3V2} {
		vals := []*big.Int{b(0), b(1), sub(spTwo86, b(1)), spTwo86, sub(k1P, b(1)), k1N,
			sub(new(big.Int).Lsh(b(1), 258), b(1))}
		for _, v := range vals {
			f := spFixture(t, code, spRef("res", 0, "__main__.BigInt3"))
			f.st.Scope()["value"] = v
			f.mustRun()
			got := spGet(f, 0, 3)
			for i, l := range got {
				if l.Cmp(spTwo86) >= 0 {
					t.Errorf("split(%s): limb %d = %s is not below 2^86", v, i, l)
				}
			}
			if j := spJoin(got...); j.Cmp(v) != 0 {
				t.Errorf("split(%s) recombines to %s", v, j)
			}
		}
		for _, v := range []*big.Int{b(-1), new(big.Int).Lsh(b(1), 258)} {
			f := spFixture(t, code, spRef("res", 0, "__main__.BigInt3"))
			f.st.Scope()["value"] = v
			wantErr(t, f.run(), "AssertionError")
		}
		f := spFixture(t, code, spRef("res", 0, "__main__.BigInt3"))
		wantErr(t, f.run(), "name 'value' is not defined")
	}
}

// spPackCases are BigInt3 limbs (as Python ints: negative ones are stored
// as P - |l|) with their packed value.
func spPackCases() [][3]*big.Int {
	max86 := sub(spTwo86, b(1))
	return [][3]*big.Int{
		{b(0), b(0), b(0)},
		{b(5), b(0), b(0)},
		{b(-5), b(1), b(0)},
		{max86, max86, max86},
		{b(-1), b(-1), b(-1)},
		{new(big.Int).Neg(halfPrime), b(3), b(0)},
		// The largest positive lift, and the felt P // 2, which as_int lifts
		// to -(P // 2 + 1).
		{sub(halfPrime, b(1)), b(0), b(7)},
		{new(big.Int).Neg(add(halfPrime, b(1))), b(0), b(7)},
		{spLimbs(k1P)[0], spLimbs(k1P)[1], spLimbs(k1P)[2]},
		{spMul(b(3), spTwo86), b(2), spLimbs(add(k1P, b(9)))[2]},
	}
}

func TestSecpReduceAndIsZeroPack(t *testing.T) {
	cases := []struct {
		name, code, dst string
		p               *big.Int // nil: read from the scope
	}{
		{"reduce", codeReduce, "value", k1P},
		{"reduce_scope_p", codeReduceScopeP, "value", nil},
		{"is_zero_pack", codeIsZeroPack, "x", k1P},
		{"is_zero_pack_v2", codeIsZeroPackV2, "x", k1P},
		{"is_zero_pack_scope_p", codeIsZeroPackScopeP, "x", nil},
		{"is_zero_pack_scope_p_v2", codeIsZeroPackScopePV2, "x", nil},
		{"ed25519_reduce", codeEd25519Reduce, "value", ed25519Prime},
		{"ed25519_is_zero_pack", codeEd25519IsZeroPack, "x", ed25519Prime},
	}
	for _, tc := range cases {
		for _, l := range spPackCases() {
			f := spFixture(t, tc.code, spRef("x", -3, "__main__.BigInt3"))
			spPut(f, -3, l[:]...)
			p := tc.p
			if p == nil {
				p = r1.P
				f.st.Scope()["SECP_P"] = r1.P
			}
			f.mustRun()
			want := spMod(spJoin(l[:]...), p)
			if got := spScope(t, f, tc.dst); got.Cmp(want) != 0 {
				t.Errorf("%s%v: %s = %s, want %s", tc.name, l, tc.dst, got, want)
			}
			if got := spScope(t, f, "SECP_P"); got.Cmp(p) != 0 {
				t.Errorf("%s: SECP_P = %s, want %s", tc.name, got, p)
			}
		}
		if tc.p == nil {
			f := spFixture(t, tc.code, spRef("x", -3, "__main__.BigInt3"))
			spPut(f, -3, b(1), b(2), b(3))
			wantErr(t, f.run(), "name 'SECP_P' is not defined")
		}
	}
	// A limb that is an address is not an integer.
	f := spFixture(t, codeReduce, spRef("x", -3, "__main__.BigInt3"))
	spPut(f, -3, b(1), b(2))
	f.put(f.fp(-1), vm.PtrValue(f.exec))
	wantErr(t, f.run(), "Expected integer")
}

func TestSecpIsZeroNondet(t *testing.T) {
	for _, code := range []string{codeIsZeroNondet, codeIsZeroNondetInt} {
		for _, tc := range []struct {
			x    any
			want uint64
		}{{b(0), 1}, {b(1), 0}, {sub(k1P, b(1)), 0}, {b(-1), 0}, {vm.Relocatable{Segment: 1}, 0}} {
			f := spFixture(t, code)
			f.st.Scope()["x"] = tc.x
			f.mustRun()
			if got := f.getBig(f.st.AP); got.Cmp(new(big.Int).SetUint64(tc.want)) != 0 {
				t.Errorf("x = %v: memory[ap] = %s, want %d", tc.x, got, tc.want)
			}
		}
		f := spFixture(t, code)
		wantErr(t, f.run(), "name 'x' is not defined")
	}
}

func TestSecpXInv(t *testing.T) {
	for _, tc := range []struct {
		code string
		p    *big.Int // nil: the scope's (P-256's here)
	}{{codeSecpXInvImportP, k1P}, {codeSecpXInvScopeP, nil}, {codeEd25519XInv, ed25519Prime}} {
		p := tc.p
		if p == nil {
			p = r1.P
		}
		for _, x := range []*big.Int{b(1), b(2), sub(p, b(1)), add(p, b(2)), b(-3), k1N, spMul(p, p, b(5), b(-1))} {
			x = new(big.Int).Add(x, b(0))
			f := spFixture(t, tc.code)
			f.st.Scope()["x"] = x
			if tc.p == nil {
				f.st.Scope()["SECP_P"] = r1.P
			}
			if spMod(x, p).Sign() == 0 {
				wantErr(t, f.run(), "AssertionError")
				continue
			}
			f.mustRun()
			inv := spScope(t, f, "x_inv")
			if inv.Sign() < 0 || inv.Cmp(p) >= 0 || spMod(spMul(inv, x), p).Cmp(b(1)) != 0 {
				t.Errorf("x_inv of %s mod %s = %s", x, p, inv)
			}
			if v := spScope(t, f, "value"); v.Cmp(inv) != 0 {
				t.Errorf("value %s != x_inv %s", v, inv)
			}
		}
	}
	f := spFixture(t, codeSecpXInvScopeP)
	f.st.Scope()["x"] = b(3)
	wantErr(t, f.run(), "name 'SECP_P' is not defined")
}

func TestSecpVerifyZero(t *testing.T) {
	cases := []struct {
		code string
		p    *big.Int
	}{
		{codeVerifyZero, k1P}, {codeVerifyZeroImportPNoPack, k1P}, {codeVerifyZeroScopeP, nil},
		{codeEd25519VerifyZero, ed25519Prime},
	}
	for _, tc := range cases {
		p := tc.p
		if p == nil {
			p = r1.P
		}
		run := func(limbs []*big.Int) (*fixture, error) {
			f := spFixture(t, tc.code, spRef("val", -4, "__main__.BigInt3"), spRef("q", 0, "felt"))
			spPut(f, -4, limbs...)
			if tc.p == nil {
				f.st.Scope()["SECP_P"] = r1.P
			}
			return f, f.run()
		}
		for _, q := range []*big.Int{b(0), b(1), b(3), b(-1), b(-4)} {
			v := spMul(q, p)
			var limbs []*big.Int
			if v.Sign() >= 0 {
				limbs = spLimbs(v)
			} else {
				// A negative value: every limb negated.
				for _, l := range spLimbs(new(big.Int).Neg(v)) {
					limbs = append(limbs, new(big.Int).Neg(l))
				}
			}
			f, err := run(limbs)
			if err != nil {
				t.Fatalf("verify_zero(%s * p): %v", q, err)
			}
			if got := f.getBig(f.fp(0)); got.Cmp(modP(q)) != 0 {
				t.Errorf("verify_zero(%s * p): q = %s", q, got)
			}
		}
		// Not a multiple: cairo-lang's message with the limbs as felts.
		_, err := run([]*big.Int{b(-1), b(0), b(2)})
		wantErr(t, err, fmt.Sprintf("verify_zero: Invalid input (%s, 0, 2).", sub(P, b(1))))
	}
}

func TestSecpR1Imports(t *testing.T) {
	// The constants the import hints bind are P-256's, as crypto/elliptic
	// has them.
	for _, tc := range []struct {
		code, name string
		want       *big.Int
	}{
		{codeSecpR1ImportP, "SECP_P", r1.P},
		{codeSecpR1ImportN, "N", r1.N},
		{codeSecpR1ImportAlpha, "ALPHA", r1Alpha},
	} {
		f := spFixture(t, tc.code)
		f.mustRun()
		if got := spScope(t, f, tc.name); got.Cmp(tc.want) != 0 {
			t.Errorf("%s = %x, want %x", tc.name, got, tc.want)
		}
	}
	// A later hint that does not import SECP_P uses the imported one.
	imp := spFixture(t, codeSecpR1ImportP)
	imp.mustRun()
	f := spFixture(t, codeReduceScopeP, spRef("x", -3, "__main__.BigInt3"))
	f.st.Scopes = imp.st.Scopes
	l := spLimbs(add(r1.P, b(10)))
	spPut(f, -3, l...)
	f.mustRun()
	if got := spScope(t, f, "value"); got.Cmp(b(10)) != 0 {
		t.Errorf("reduce after the P-256 import: %s, want 10", got)
	}
}
