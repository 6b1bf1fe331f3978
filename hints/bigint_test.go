package hints

import (
	"math/big"
	"testing"
)

func TestBigintDivModAndFlag(t *testing.T) {
	two258 := new(big.Int).Lsh(b(1), 258)
	for _, tc := range []struct {
		x    []*big.Int // five limbs d0..d4 (signed)
		y, p *big.Int
	}{
		{[]*big.Int{b(1), b(0), b(0), b(0), b(0)}, b(2), k1P},
		{[]*big.Int{b(-5), b(7), b(1), b(3), b(-2)}, k1G[1], k1P},
		{[]*big.Int{sub(spTwo86, b(1)), sub(spTwo86, b(1)), sub(spTwo86, b(1)), sub(spTwo86, b(1)), sub(spTwo86, b(1))}, k1G[0], k1P},
		{[]*big.Int{b(0), b(0), b(0), b(0), b(1)}, b(3), r1.P},
		{[]*big.Int{b(0), b(0), b(0), b(-1), b(0)}, sub(r1.P, b(1)), r1.P},
		{[]*big.Int{b(42), b(0), b(0), b(0), b(0)}, b(1), ed25519Prime}, // res * y - x = 0
	} {
		f := spFixture(t, codeBigintDivMod, spRef("P", -16, "__main__.BigInt3"),
			spRef("x", -13, "__main__.BigInt5"), spRef("y", -8, "__main__.BigInt3"))
		spPut(f, -16, spLimbs(tc.p)...)
		spPut(f, -13, tc.x...)
		spPut(f, -8, spLimbs(tc.y)...)
		f.mustRun()
		x := spJoin(tc.x...)
		res := spScope(t, f, "res")
		if res.Sign() < 0 || res.Cmp(tc.p) >= 0 || spMod(sub(spMul(res, tc.y), x), tc.p).Sign() != 0 {
			t.Errorf("div_mod(%s, %s, %s) = %s", x, tc.y, tc.p, res)
		}
		if got := spScope(t, f, "x"); got.Cmp(x) != 0 {
			t.Errorf("x = %s, want %s", got, x)
		}

		g := spFixture(t, codeBigintSafeDivFlag, spRef("flag", 0, "felt"))
		g.st.Scopes = f.st.Scopes
		g.mustRun()
		k := spScope(t, g, "k")
		if spMul(k, tc.p).Cmp(sub(spMul(res, tc.y), x)) != 0 {
			t.Errorf("k = %s: k * p != res * y - x", k)
		}
		value, flag := spScope(t, g, "value"), g.getBig(g.fp(0))
		if value.Cmp(new(big.Int).Abs(k)) != 0 || value.Cmp(two258) >= 0 {
			t.Errorf("value = %s for k = %s", value, k)
		}
		if (flag.Int64() == 1) != (k.Sign() > 0) || flag.Int64() > 1 {
			t.Errorf("flag = %s for k = %s", flag, k)
		}
	}

	// y divisible by p has no inverse.
	f := spFixture(t, codeBigintDivMod, spRef("P", -16, "__main__.BigInt3"),
		spRef("x", -13, "__main__.BigInt5"), spRef("y", -8, "__main__.BigInt3"))
	spPut(f, -16, spLimbs(k1P)...)
	spPut(f, -13, b(1), b(2), b(3), b(4), b(5))
	spPut(f, -8, spLimbs(k1P)...)
	wantErr(t, f.run(), "AssertionError")

	// A quotient that is not exact.
	g := spFixture(t, codeBigintSafeDivFlag, spRef("flag", 0, "felt"))
	for k, v := range map[string]*big.Int{"res": b(3), "y": b(4), "x": b(1), "p": b(5)} {
		g.st.Scope()[k] = v
	}
	wantErr(t, g.run(), "11 is not divisible by 5.")
	delete(g.st.Scope(), "p")
	wantErr(t, g.run(), "name 'p' is not defined")
}
