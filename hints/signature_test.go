package hints

import (
	"math/big"
	"testing"

	"github.com/cairn-vm/cairn/vm"
)

func sigECDSAFixture(t *testing.T, withBuiltin bool) (*fixture, vm.Builtin) {
	t.Helper()
	f := spFixture(t, codeECDSAAddSignature, tref{name: "ecdsa_ptr", value: "[cast(fp + (-3), felt**)]"},
		spRef("signature_r", -2, "felt"), spRef("signature_s", -1, "felt"))
	if !withBuiltin {
		return f, nil
	}
	bi, err := vm.NewBuiltin(vm.BuiltinECDSA, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	bi.InitSegments(f.st.Mem)
	f.st.Builtins = []vm.Builtin{bi}
	return f, bi
}

func TestECDSAAddSignature(t *testing.T) {
	// A signature of message 2718 (cairo-vm-go's builtin test, whose
	// reference run the corpus holds).
	pub := spHex("3d60886c2353d93ec2862e91e23036cd9999a534481166e5a616a983070434d")
	r := spHex("6d2e2e00dfceffd6a375db04764da249a5a1534c7584738dfe01cb3944a33ee")
	s := spHex("152d64f9943290feadc803e80b05f5aa36310ee8fe46e623f10f94e33d59f93")

	for _, msg := range []int64{2718, 2719} {
		f, bi := sigECDSAFixture(t, true)
		inst := bi.Base().Add(2) // the second instance
		f.put(f.fp(-3), vm.PtrValue(inst))
		spPut(f, -2, r, s)
		f.mustRun()
		sigs := bi.(*vm.ECDSABuiltin).Signatures()
		if len(sigs) != 1 || sigs[0].Offset != inst.Offset || sigs[0].R.BigInt().Cmp(r) != 0 || sigs[0].S.BigInt().Cmp(s) != 0 {
			t.Fatalf("signatures %+v", sigs)
		}
		// Writing the instance verifies the attached signature.
		f.putBig(inst, pub)
		err := f.st.Mem.Write(inst.Add(1), vm.IntValue(uint64(msg)))
		if (err == nil) != (msg == 2718) {
			t.Errorf("message %d: write error %v", msg, err)
		}
	}

	// The pointer must be a public-key cell of the builtin's segment.
	f, bi := sigECDSAFixture(t, true)
	f.put(f.fp(-3), vm.PtrValue(bi.Base().Add(1)))
	spPut(f, -2, r, s)
	wantErr(t, f.run(), "public key cell")

	f, _ = sigECDSAFixture(t, false)
	f.put(f.fp(-3), vm.PtrValue(f.exec))
	spPut(f, -2, r, s)
	wantErr(t, f.run(), "name 'ecdsa_builtin' is not defined")
}

// sigABCases are pairs (a, b) of packed values, b invertible mod the
// orders used.
func sigABCases() [][2]*big.Int {
	return [][2]*big.Int{
		{b(0), b(1)},
		{b(1), b(2)},
		{sub(k1N, b(1)), b(3)},
		{k1G[0], k1G[1]},
		{b(-12345), add(spMul(k1N, b(2)), b(7))},
		{new(big.Int).Lsh(b(1), 257), sub(k1P, b(1))},
	}
}

func TestDivModN(t *testing.T) {
	for _, tc := range []struct {
		name, code string
		n          *big.Int
		scope      bool
	}{
		{"secp256k1", codeDivModNImportN, k1N, false},
		{"scope N (P-256)", codeDivModNScopeN, r1.N, true},
	} {
		for _, ab := range sigABCases() {
			f := spFixture(t, tc.code, spRef("a", -6, "__main__.BigInt3"), spRef("b", -3, "__main__.BigInt3"))
			spPut(f, -6, spLimbsSigned(ab[0])...)
			spPut(f, -3, spLimbsSigned(ab[1])...)
			if tc.scope {
				f.st.Scope()["N"] = r1.N
			}
			f.mustRun()
			res := spScope(t, f, "res")
			if res.Sign() < 0 || res.Cmp(tc.n) >= 0 || spMod(sub(spMul(res, ab[1]), ab[0]), tc.n).Sign() != 0 {
				t.Errorf("%s: div_mod(%s, %s) = %s", tc.name, ab[0], ab[1], res)
			}
			if got := spScope(t, f, "N"); got.Cmp(tc.n) != 0 {
				t.Errorf("%s: N = %s", tc.name, got)
			}

			// The quotient hints that follow, in the same scope.
			for _, q := range []struct {
				code, dst string
				plus      int64
			}{{codeDivModNSafeDiv, "k", 0}, {codeDivModNSafeDivPlusOne, "k_plus_one", 1}} {
				g := spFixture(t, q.code)
				g.st.Scopes = f.st.Scopes
				g.mustRun()
				k := spScope(t, g, q.dst)
				// k * N == res * b - a exactly, plus one.
				if want := spMul(sub(k, b(q.plus)), tc.n); want.Cmp(sub(spMul(res, ab[1]), ab[0])) != 0 {
					t.Errorf("%s %s: %s * N != res * b - a", tc.name, q.dst, k)
				}
				if v := spScope(t, g, "value"); v.Cmp(k) != 0 {
					t.Errorf("value != %s", q.dst)
				}
			}
		}
		// b = 0 or a multiple of N has no inverse.
		f := spFixture(t, tc.code, spRef("a", -6, "__main__.BigInt3"), spRef("b", -3, "__main__.BigInt3"))
		spPut(f, -6, b(1), b(0), b(0))
		spPut(f, -3, spLimbs(tc.n)...)
		f.st.Scope()["N"] = tc.n
		wantErr(t, f.run(), "AssertionError")
	}
	f := spFixture(t, codeDivModNScopeN, spRef("a", -6, "__main__.BigInt3"), spRef("b", -3, "__main__.BigInt3"))
	spPut(f, -6, b(1), b(0), b(0), b(1), b(0), b(0))
	wantErr(t, f.run(), "name 'N' is not defined")

	// safe_div on a value N does not divide.
	g := spFixture(t, codeDivModNSafeDiv)
	for k, v := range map[string]*big.Int{"res": b(2), "a": b(1), "b": b(5), "N": b(7)} {
		g.st.Scope()[k] = v
	}
	wantErr(t, g.run(), "9 is not divisible by 7.")
	g.st.Scope()["N"] = b(0)
	wantErr(t, g.run(), "AssertionError")
	// safe_div floors exactly for negative numerators.
	g.st.Scope()["N"] = b(3)
	g.st.Scope()["a"] = b(19) // 2*5 - 19 = -9
	if err := g.run(); err != nil {
		t.Fatal(err)
	}
	if k := spScope(t, g, "k"); k.Int64() != -3 {
		t.Errorf("safe_div(-9, 3) = %s", k)
	}
	g.st.Scope()["N"] = b(-3)
	if err := g.run(); err != nil {
		t.Fatal(err)
	}
	if k := spScope(t, g, "k"); k.Int64() != 3 {
		t.Errorf("safe_div(-9, -3) = %s", k)
	}
}

func TestECRecoverDivModN(t *testing.T) {
	for _, tc := range []struct {
		code string
		n    *big.Int
		idsN bool
	}{
		{codeDivModNConstN, k1N, false},
		{codeDivModNIdsN, b(1000003), true}, // a prime
		{codeDivModNIdsN, r1.N, true},
	} {
		for _, xs := range sigABCases() {
			refs := []tref{spRef("x", -6, "__main__.BigInt3"), spRef("s", -3, "__main__.BigInt3")}
			if tc.idsN {
				refs = append(refs, spRef("n", -9, "__main__.BigInt3"))
			}
			f := spFixture(t, tc.code, refs...)
			spPut(f, -6, spLimbsSigned(xs[0])...)
			spPut(f, -3, spLimbsSigned(xs[1])...)
			if tc.idsN {
				spPut(f, -9, spLimbs(tc.n)...)
			}
			if spMod(xs[1], tc.n).Sign() == 0 || new(big.Int).GCD(nil, nil, spMod(xs[1], tc.n), tc.n).Cmp(b(1)) != 0 {
				wantErr(t, f.run(), "AssertionError")
				continue
			}
			f.mustRun()
			res := spScope(t, f, "res")
			x, s := spMod(xs[0], tc.n), spMod(xs[1], tc.n)
			if spScope(t, f, "x").Cmp(x) != 0 || spScope(t, f, "s").Cmp(s) != 0 {
				t.Errorf("x, s not reduced mod N")
			}
			if res.Sign() < 0 || res.Cmp(tc.n) >= 0 || spMod(sub(spMul(res, s), x), tc.n).Sign() != 0 {
				t.Errorf("div_mod(%s, %s, %s) = %s", x, s, tc.n, res)
			}
			g := spFixture(t, codeDivModNSafeDivS)
			g.st.Scopes = f.st.Scopes
			g.mustRun()
			if k := spScope(t, g, "k"); spMul(k, tc.n).Cmp(sub(spMul(res, s), x)) != 0 {
				t.Errorf("k * N != res * s - x")
			}
		}
	}
	// N = pack(ids.n) = 0.
	f := spFixture(t, codeDivModNIdsN, spRef("x", -6, "__main__.BigInt3"), spRef("s", -3, "__main__.BigInt3"),
		spRef("n", -9, "__main__.BigInt3"))
	spPut(f, -9, b(0), b(0), b(0), b(1), b(0), b(0), b(1), b(0), b(0))
	wantErr(t, f.run(), "integer division or modulo by zero")
}

func TestECRecoverProduct(t *testing.T) {
	for _, tc := range []struct{ a, b, m *big.Int }{
		{b(7), b(9), b(10)},
		{b(-7), b(1), b(2)}, // floor: -7 // 2 = -4
		{k1G[0], k1G[1], k1N},
		{sub(new(big.Int).Lsh(b(1), 256), b(1)), sub(new(big.Int).Lsh(b(1), 256), b(1)), k1P},
		{b(5), b(-3), b(-4)}, // negative modulus: Python's remainder takes its sign
	} {
		f := spFixture(t, codeMulModM, spRef("a", -9, "__main__.BigInt3"), spRef("b", -6, "__main__.BigInt3"),
			spRef("m", -3, "__main__.BigInt3"))
		spPut(f, -9, spLimbsSigned(tc.a)...)
		spPut(f, -6, spLimbsSigned(tc.b)...)
		spPut(f, -3, spLimbsSigned(tc.m)...)
		f.mustRun()
		product := spMul(tc.a, tc.b)
		res := spScope(t, f, "res")
		g := spFixture(t, codeMulModMQuotient)
		g.st.Scopes = f.st.Scopes
		g.mustRun()
		k := spScope(t, g, "k")
		// product == k * m + res with res of m's sign and |res| < |m|.
		if add(spMul(k, tc.m), res).Cmp(product) != 0 || res.Sign()*tc.m.Sign() < 0 ||
			new(big.Int).Abs(res).Cmp(new(big.Int).Abs(tc.m)) >= 0 {
			t.Errorf("%s * %s by %s: k = %s, res = %s", tc.a, tc.b, tc.m, k, res)
		}
	}
	f := spFixture(t, codeMulModM, spRef("a", -9, "__main__.BigInt3"), spRef("b", -6, "__main__.BigInt3"),
		spRef("m", -3, "__main__.BigInt3"))
	spPut(f, -9, b(1), b(0), b(0), b(1), b(0), b(0), b(0), b(0), b(0))
	wantErr(t, f.run(), "integer division or modulo by zero")

	// a - b, negative included.
	for _, ab := range sigABCases() {
		f := spFixture(t, codeSubAB, spRef("a", -6, "__main__.BigInt3"), spRef("b", -3, "__main__.BigInt3"))
		spPut(f, -6, spLimbsSigned(ab[0])...)
		spPut(f, -3, spLimbsSigned(ab[1])...)
		f.mustRun()
		if got := spScope(t, f, "res"); got.Cmp(sub(ab[0], ab[1])) != 0 {
			t.Errorf("%s - %s = %s", ab[0], ab[1], got)
		}
	}
}
