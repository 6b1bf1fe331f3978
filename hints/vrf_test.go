package hints

import (
	"math/big"
	"testing"
)

func TestEd25519Sqrt(t *testing.T) {
	p := ed25519Prime
	if new(big.Int).Mod(p, b(8)).Int64() != 5 {
		t.Fatal("2^255 - 19 is not 5 mod 8")
	}
	two256 := new(big.Int).Lsh(b(1), 256)
	squares := []*big.Int{b(0), b(1), b(4), b(9), sub(p, b(1)), spMod(spMul(k1G[0], k1G[0]), p), add(p, b(4)),
		sub(two256, b(1))}
	for _, xx := range squares {
		root := new(big.Int).ModSqrt(spMod(xx, p), p)
		f := spFixture(t, codeEd25519SqrtXX, spRef("xx", -2, "__main__.Uint256"), spRef("x", 0, "__main__.Uint256"))
		spPut(f, -2, new(big.Int).And(xx, sub(two128, b(1))), new(big.Int).Rsh(xx, 128))
		f.mustRun()
		got := spGet(f, 0, 2)
		if got[0].Cmp(two128) >= 0 {
			t.Errorf("x.low = %s too big", got[0])
		}
		x := add(got[0], new(big.Int).Lsh(got[1], 128))
		if root == nil {
			// Not a square: the hint still writes something, which is not
			// a root (the Cairo code's check then fails).
			if spMod(sub(spMul(x, x), xx), p).Sign() == 0 {
				t.Errorf("sqrt of non-square %s gave a root", xx)
			}
			continue
		}
		// The even root of xx.
		want := root
		if want.Bit(0) == 1 {
			want = sub(p, root)
		}
		if x.Cmp(want) != 0 {
			t.Errorf("sqrt(%s) = %s, want %s", xx, x, want)
		}
	}
	// 2 is not a square mod 2^255 - 19.
	f := spFixture(t, codeEd25519SqrtXX, spRef("xx", -2, "__main__.Uint256"), spRef("x", 0, "__main__.Uint256"))
	spPut(f, -2, b(2), b(0))
	f.mustRun()
	x := add(f.getBig(f.fp(0)), new(big.Int).Lsh(f.getBig(f.fp(1)), 128))
	if spMod(sub(spMul(x, x), b(2)), p).Sign() == 0 || x.Bit(0) != 0 {
		t.Errorf("sqrt(2) = %s", x)
	}
}
