package asm

import (
	"math/big"
	"math/rand"
	"testing"

	starkcurve "github.com/consensys/gnark-crypto/ecc/stark-curve"
	"github.com/consensys/gnark-crypto/ecc/stark-curve/fr"
)

var ecdsaTest2to251 = new(big.Int).Lsh(big.NewInt(1), 251)

func hashTestBigFelt(v *big.Int) Felt {
	var z Felt
	z.SetBigInt(v)
	return z
}

// testSign is cairo-lang's signature.sign with a given nonce k: r = x(k*G),
// w = k / (z + r*priv) mod n, s = 1/w; ok is false where sign would retry.
func testSign(z, priv, k *big.Int) (r, s *big.Int, ok bool) {
	n := fr.Modulus()
	var R starkcurve.G1Affine
	R.ScalarMultiplication(&ecGen, k)
	r = R.X.BigInt(new(big.Int))
	if r.Sign() == 0 || r.Cmp(ecdsaTest2to251) >= 0 {
		return nil, nil, false
	}
	den := new(big.Int).Mul(r, priv)
	den.Add(den, z).Mod(den, n)
	if den.Sign() == 0 {
		return nil, nil, false
	}
	w := new(big.Int).ModInverse(den, n)
	w.Mul(w, k).Mod(w, n)
	if w.Sign() == 0 || w.Cmp(ecdsaTest2to251) >= 0 {
		return nil, nil, false
	}
	return r, new(big.Int).ModInverse(w, n), true
}

// plainVerify is textbook verification with gnark's scalar multiplication
// and none of the AIR's step checks: x(u1*G + u2*Q) == r for Q = (x, +-y).
func plainVerify(z, r, s *big.Int, pubX *Felt) bool {
	n := fr.Modulus()
	y, ok := RecoverY(pubX)
	if !ok || s.Sign() == 0 || s.Cmp(n) >= 0 {
		return false
	}
	w := new(big.Int).ModInverse(s, n)
	u1 := new(big.Int).Mul(z, w)
	u1.Mod(u1, n)
	u2 := new(big.Int).Mul(r, w)
	u2.Mod(u2, n)
	var negY Felt
	negY.Neg(&y)
	for _, qy := range []Felt{y, negY} {
		q := starkcurve.G1Affine{X: *pubX.e(), Y: *qy.e()}
		var a, b starkcurve.G1Jac
		a.FromAffine(&ecGen)
		a.ScalarMultiplication(&a, u1)
		b.FromAffine(&q)
		b.ScalarMultiplication(&b, u2)
		a.AddAssign(&b)
		var p starkcurve.G1Affine
		p.FromJacobian(&a)
		if p.X.BigInt(new(big.Int)).Cmp(r) == 0 {
			return true
		}
	}
	return false
}

func pubKey(priv *big.Int) Felt {
	var q starkcurve.G1Affine
	q.ScalarMultiplication(&ecGen, priv)
	return Felt(q.X)
}

func TestECDSAVectors(t *testing.T) {
	for _, tc := range []struct {
		name           string
		pub, msg, r, s string
		want           bool
	}{
		// cairo-lang src/starkware/cairo/lang/builtins/signature/
		// signature_builtin_runner_test.py: the valid signature, and
		// invalid_sig = (r + 1, s).
		{"cairo-lang valid", "1735102664668487605176656616876767369909409133946409161569774794110049207117", "2718",
			"3086480810278599376317923499561306189851900463386393948998357832163236918254",
			"598673427589502599949712887611119751108407514580626464031881322743364689811", true},
		{"cairo-lang r+1", "1735102664668487605176656616876767369909409133946409161569774794110049207117", "2718",
			"3086480810278599376317923499561306189851900463386393948998357832163236918255",
			"598673427589502599949712887611119751108407514580626464031881322743364689811", false},
		// starknet-rs starknet-crypto/src/ecdsa.rs tests (private key 1, so
		// the public key is EC_GEN's x).
		{"starknet-rs valid", "0x01ef15c18599971b7beced415a40f0c7deacfd9b0d1819e03d723d8bc943cfca", "0x2",
			"0x0411494b501a98abd8262b0da1351e17899a0c4ef23dd2f96fec5ba847310b20",
			"0x0405c3191ab3883ef2b763af35bc5f5d15b3b4e99461d70e84c654a351a7c81b", true},
		{"starknet-rs invalid message", "0x077a4b314db07c45076d11f62b6f9e748a39790441823307743cf00d6597ea43",
			"0x0397e76d1667c4454bfb83514e120583af836f8e32a516765497823eabe16a3f",
			"0x0173fd03d8b008ee7432977ac27d1e9d1a1f6c98b1a2f05fa84a21c84c44e882",
			"0x01f2c44a7798f55192f153b4c48ea5c1241fbb69e6132cc8a0da9c5b62a4286e", false},
		{"starknet-rs invalid public key", "0x03ee9bffffffffff26ffffffff60ffffffffffffffffffffffffffff004accff", "0x2",
			"0x0411494b501a98abd8262b0da1351e17899a0c4ef23dd2f96fec5ba847310b20",
			"0x0405c3191ab3883ef2b763af35bc5f5d15b3b4e99461d70e84c654a351a7c81b", false},
	} {
		pub, msg, r, s := hashTestFelt(t, tc.pub), hashTestFelt(t, tc.msg), hashTestFelt(t, tc.r), hashTestFelt(t, tc.s)
		if got := VerifyECDSA(&msg, &r, &s, &pub); got != tc.want {
			t.Errorf("%s: VerifyECDSA = %v, want %v", tc.name, got, tc.want)
		}
	}
	if _, ok := RecoverY(hashTestPtr(hashTestFelt(t, "0x03ee9bffffffffff26ffffffff60ffffffffffffffffffffffffffff004accff"))); ok {
		t.Error("RecoverY accepted an x that is not on the curve")
	}
}

func hashTestPtr(f Felt) *Felt { return &f }

// TestECDSARandom signs random messages with cairo-lang's signing rule and
// checks VerifyECDSA against textbook verification, on valid signatures
// and tampered ones.
func TestECDSARandom(t *testing.T) {
	rng := rand.New(rand.NewSource(6))
	n := fr.Modulus()
	rnd := func(limit *big.Int) *big.Int {
		return new(big.Int).Add(new(big.Int).Rand(rng, new(big.Int).Sub(limit, big.NewInt(1))), big.NewInt(1))
	}
	for i := 0; i < 25; i++ {
		priv, z := rnd(n), rnd(ecdsaTest2to251)
		r, s, ok := testSign(z, priv, rnd(n))
		if !ok {
			continue
		}
		pub := pubKey(priv)
		msg, rf, sf := hashTestBigFelt(z), hashTestBigFelt(r), hashTestBigFelt(s)
		if !VerifyECDSA(&msg, &rf, &sf, &pub) || !plainVerify(z, r, s, &pub) {
			t.Fatalf("valid signature rejected (priv %v, z %v)", priv, z)
		}
		// The negated public key verifies the same (x-only keys).
		bad := []struct{ z, r, s *big.Int }{
			{new(big.Int).Add(z, big.NewInt(1)), r, s},
			{z, new(big.Int).Add(r, big.NewInt(1)), s},
			{z, r, new(big.Int).Add(s, big.NewInt(1))},
		}
		for _, b := range bad {
			if b.s.Cmp(n) >= 0 || b.r.Cmp(ecdsaTest2to251) >= 0 || b.z.Cmp(ecdsaTest2to251) >= 0 {
				continue
			}
			mz, mr, ms := hashTestBigFelt(b.z), hashTestBigFelt(b.r), hashTestBigFelt(b.s)
			got, want := VerifyECDSA(&mz, &mr, &ms, &pub), plainVerify(b.z, b.r, b.s, &pub)
			if got != want || got {
				t.Fatalf("tampered signature: VerifyECDSA %v, textbook %v", got, want)
			}
		}
	}
}

// TestECDSAAIRRules checks the cases where cairo-lang's verify differs from
// textbook ECDSA: ranges, a zero message hash, and a same-x step in the
// AIR's double-and-add.
func TestECDSAAIRRules(t *testing.T) {
	n := fr.Modulus()
	rng := rand.New(rand.NewSource(7))
	priv := big.NewInt(0xC0FFEE)
	pub := pubKey(priv)

	// msg_hash = 0: mathematically valid, rejected by mimic_ec_mult_air.
	for k := int64(3); ; k++ {
		r, s, ok := testSign(big.NewInt(0), priv, big.NewInt(k))
		if !ok {
			continue
		}
		if !plainVerify(big.NewInt(0), r, s, &pub) {
			t.Fatal("textbook verification of the zero-hash signature failed")
		}
		zero, rf, sf := Felt{}, hashTestBigFelt(r), hashTestBigFelt(s)
		if VerifyECDSA(&zero, &rf, &sf, &pub) {
			t.Fatal("VerifyECDSA accepted msg_hash = 0")
		}
		break
	}

	// Ranges: s = 0, s = EC_ORDER, r = 0, r = 2^251, msg = 2^251.
	z, _ := new(big.Int).SetString("1234567", 10)
	r, s, ok := testSign(z, priv, big.NewInt(99))
	if !ok {
		t.Fatal("could not sign")
	}
	for _, c := range []struct{ z, r, s *big.Int }{
		{z, r, big.NewInt(0)}, {z, r, n}, {z, big.NewInt(0), s}, {z, ecdsaTest2to251, s}, {ecdsaTest2to251, r, s},
	} {
		mz, mr, ms := hashTestBigFelt(c.z), hashTestBigFelt(c.r), hashTestBigFelt(c.s)
		if VerifyECDSA(&mz, &mr, &ms, &pub) {
			t.Fatalf("accepted out-of-range input z=%v r=%v s=%v", c.z, c.r, c.s)
		}
	}

	// A same-x step: pick w and let r = x(w*SHIFT); the key
	// Q = (SHIFT - z*G)/r makes B = z*G + r*Q = SHIFT, so textbook ECDSA
	// accepts (x(w*B) = r), but the AIR's w*B + SHIFT starts with partial
	// sum SHIFT and doubled point B = SHIFT: cairo-lang rejects.
	for {
		w := new(big.Int).Rand(rng, ecdsaTest2to251)
		var ws starkcurve.G1Affine
		ws.ScalarMultiplication(&ecShift, w)
		r := ws.X.BigInt(new(big.Int))
		if w.Sign() == 0 || r.Sign() == 0 || r.Cmp(ecdsaTest2to251) >= 0 {
			continue
		}
		z := big.NewInt(42)
		var zG, q starkcurve.G1Jac
		zG.FromAffine(&ecGen)
		zG.ScalarMultiplication(&zG, z)
		q.FromAffine(&ecShift)
		q.SubAssign(&zG)
		q.ScalarMultiplication(&q, new(big.Int).ModInverse(r, n))
		var qa starkcurve.G1Affine
		qa.FromJacobian(&q)
		s := new(big.Int).ModInverse(w, n)
		pubX := Felt(qa.X)
		if !plainVerify(z, r, s, &pubX) {
			t.Fatal("constructed signature fails textbook verification")
		}
		mz, mr, ms := hashTestBigFelt(z), hashTestBigFelt(r), hashTestBigFelt(s)
		if VerifyECDSA(&mz, &mr, &ms, &pubX) {
			t.Fatal("VerifyECDSA accepted a signature whose AIR computation meets equal x coordinates")
		}
		break
	}
}

func TestRecoverY(t *testing.T) {
	rng := rand.New(rand.NewSource(8))
	for i := 0; i < 50; i++ {
		var p starkcurve.G1Affine
		p.ScalarMultiplication(&ecGen, new(big.Int).Rand(rng, fr.Modulus()))
		x := Felt(p.X)
		y, ok := RecoverY(&x)
		if !ok {
			t.Fatal("RecoverY failed on a curve point")
		}
		var negY Felt
		negY.Neg(&y)
		if !y.e().Equal(&p.Y) && !negY.e().Equal(&p.Y) {
			t.Fatal("RecoverY returned a y of another point")
		}
		if y.Cmp(&negY) > 0 {
			t.Fatal("RecoverY did not return the smaller root")
		}
		if !ECOnCurve([2]Felt{x, y}) {
			t.Fatal("recovered point is not on the curve")
		}
	}
	// About half of all x have no point.
	misses := 0
	for i := uint64(0); i < 64; i++ {
		if _, ok := RecoverY(hashTestPtr(FeltFromUint64(i))); !ok {
			misses++
		}
	}
	if misses == 0 || misses == 64 {
		t.Fatalf("RecoverY rejected %d of 64 small x", misses)
	}
}

// TestCurveConstants checks the points against the values cairo-lang's
// signature.py asserts (SHIFT_POINT, EC_GEN) and the curve's beta.
func TestCurveConstants(t *testing.T) {
	for _, c := range []struct {
		p    starkcurve.G1Affine
		x, y string
	}{
		{ecShift, "0x49EE3EBA8C1600700EE1B87EB599F16716B0B1022947733551FDE4050CA6804",
			"0x3CA0CFE4B3BC6DDF346D49D06EA0ED34E621062C0E056C1D0405D266E10268A"},
		{ecGen, "0x1EF15C18599971B7BECED415A40F0C7DEACFD9B0D1819E03D723D8BC943CFCA",
			"0x5668060AA49730B7BE4801DF46EC62DE53ECD11ABE43A32873000C36E8DC1F"},
	} {
		if x, y := hashTestFelt(t, c.x), hashTestFelt(t, c.y); !x.e().Equal(&c.p.X) || !y.e().Equal(&c.p.Y) {
			t.Errorf("constant point (%s, %s) mismatch", c.x, c.y)
		}
	}
	if beta := hashTestFelt(t, "0x6f21413efbe40de150e596d72f7a8c5609ad26c15c915c1f4cdfcb99cee9e89"); !beta.e().Equal(&ecBeta) {
		t.Error("beta mismatch")
	}
}
