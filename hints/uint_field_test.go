package hints

import (
	"math/big"
	"math/rand"
	"testing"
)

// utP25519 is 2**255 - 19, a prime with 2 as a quadratic non-residue.
var utP25519 = sub(new(big.Int).Lsh(b(1), 255), b(19))

// utEuler is Euler's criterion: x is a non-zero square modulo the odd
// prime p iff x**((p-1)/2) == 1.
func utEuler(x, p *big.Int) bool {
	e := new(big.Int).Rsh(sub(p, b(1)), 1)
	return new(big.Int).Exp(new(big.Int).Mod(x, p), e, p).Cmp(b(1)) == 0
}

func TestUint384SubModP(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for _, p := range []*big.Int{utP25519, P, b(1), b(7)} {
		vals := []*big.Int{b(0), b(1), sub(p, b(1)), utRand(r, 300), utRand(r, 384)}
		for _, a := range vals {
			for _, bb := range vals {
				f := utFixture(t, codeUint384SubModP, utRef("a", -12, "__main__.UInt384"), utRef("b", -9, "__main__.UInt384"),
					utRef("p", -6, "__main__.UInt384"), utRef("res", 0, "__main__.UInt384"))
				utPut(f, -12, utLimbs(a, 3)...)
				utPut(f, -9, utLimbs(bb, 3)...)
				utPut(f, -6, utLimbs(p, 3)...)
				f.mustRun()
				res := utJoin(utGet(f, 0, 3))
				// 0 <= res < p and res + b - a is a multiple of p.
				if res.Sign() < 0 || res.Cmp(p) >= 0 || new(big.Int).Rem(sub(add(res, bb), a), p).Sign() != 0 {
					t.Errorf("(%s - %s) mod %s = %s", a, bb, p, res)
				}
			}
		}
	}
	f := utFixture(t, codeUint384SubModP, utRef("a", -12, "__main__.UInt384"), utRef("b", -9, "__main__.UInt384"),
		utRef("p", -6, "__main__.UInt384"), utRef("res", 0, "__main__.UInt384"))
	utPut(f, -12, b(5), b(0), b(0))
	utPut(f, -9, b(1), b(0), b(0))
	utPut(f, -6, b(0), b(0), b(0))
	wantErr(t, f.run(), "integer modulo by zero")
}

func TestUintInvModP(t *testing.T) {
	r := rand.New(rand.NewSource(8))
	for _, v := range []struct {
		code, typ string
		n         int
	}{
		{codeUint256InvModP, "__main__.Uint256", 2},
		{codeUint384InvModP, "__main__.UInt384", 3},
	} {
		run := func(bb, p *big.Int) (*fixture, error) {
			f := utFixture(t, v.code, utRef("a", -12, v.typ), utRef("b", -9, v.typ), utRef("p", -6, v.typ),
				utRef("b_inverse_mod_p", 0, v.typ))
			utPut(f, -12, utLimbs(b(3), v.n)...)
			utPut(f, -9, utLimbs(bb, v.n)...)
			utPut(f, -6, utLimbs(p, v.n)...)
			return f, f.run()
		}
		for _, p := range []*big.Int{utP25519, P, b(7)} {
			for _, bb := range []*big.Int{b(1), b(2), sub(p, b(1)), add(p, b(1)), new(big.Int).Mod(utRand(r, 250), p)} {
				if bb.Sign() == 0 {
					continue
				}
				f, err := run(bb, p)
				if err != nil {
					t.Fatalf("inverse of %s mod %s: %v", bb, p, err)
				}
				inv := utJoin(utGet(f, 0, v.n))
				if inv.Cmp(p) >= 0 || new(big.Int).Mod(new(big.Int).Mul(inv, bb), p).Cmp(b(1)) != 0 {
					t.Errorf("inverse of %s mod %s: %s", bb, p, inv)
				}
			}
		}
		// Modulo 1 everything is invertible and the inverse is 0.
		f, err := run(b(5), b(1))
		if err != nil {
			t.Fatal(err)
		}
		if inv := utJoin(utGet(f, 0, v.n)); inv.Sign() != 0 {
			t.Errorf("inverse mod 1 = %s", inv)
		}
		_, err = run(b(0), b(7))
		wantErr(t, err, "AssertionError")
		_, err = run(b(14), b(7))
		wantErr(t, err, "AssertionError")
		_, err = run(b(5), b(0))
		wantErr(t, err, "AssertionError")
		_, err = run(b(1), b(0))
		wantErr(t, err, "integer modulo by zero")
	}
}

func TestUint512InvModP(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	run := func(x, p *big.Int) (*fixture, error) {
		f := utFixture(t, codeUint512InvModP, utRef("x", -8, "__main__.UInt512"), utRef("p", -4, "__main__.Uint256"),
			utRef("x_inverse_mod_p", 0, "__main__.Uint256"))
		utPut(f, -8, utLimbs(x, 4)...)
		utPut(f, -4, utLimbs(p, 2)...)
		return f, f.run()
	}
	for _, p := range []*big.Int{utP25519, P, utMask256} {
		for i := 0; i < 10; i++ {
			x := utRand(r, 512)
			if new(big.Int).GCD(nil, nil, x, p).Cmp(b(1)) != 0 {
				continue
			}
			f, err := run(x, p)
			if err != nil {
				t.Fatalf("pow(%s, -1, %s): %v", x, p, err)
			}
			inv := utJoin(utGet(f, 0, 2))
			if inv.Cmp(p) >= 0 || new(big.Int).Mod(new(big.Int).Mul(inv, x), p).Cmp(b(1)) != 0 {
				t.Errorf("pow(%s, -1, %s) = %s", x, p, inv)
			}
		}
	}
	_, err := run(b(3), b(0))
	wantErr(t, err, "pow() 3rd argument cannot be 0")
	_, err = run(new(big.Int).Mul(utP25519, b(3)), utP25519)
	wantErr(t, err, "base is not invertible for the given modulus")
}

func TestUintGetSquareRoot(t *testing.T) {
	r := rand.New(rand.NewSource(10))
	type result struct {
		okX, okGX     bool
		rootX, rootGX *big.Int
	}
	for _, v := range []struct {
		code, typ string
		n         int
	}{
		{codeUint256GetSquareRoot, "__main__.Uint256", 2},
		{codeUint384GetSquareRoot, "__main__.UInt384", 3},
	} {
		run := func(g, x, p *big.Int) (*result, error) {
			f := utFixture(t, v.code, utRef("generator", -12, v.typ), utRef("x", -9, v.typ), utRef("p", -6, v.typ),
				tref{name: "success_x", value: local(0)}, tref{name: "success_gx", value: local(1)},
				utRef("sqrt_x", 2, v.typ), utRef("sqrt_gx", 5, v.typ))
			utPut(f, -12, utLimbs(g, v.n)...)
			utPut(f, -9, utLimbs(x, v.n)...)
			utPut(f, -6, utLimbs(p, v.n)...)
			if err := f.run(); err != nil {
				return nil, err
			}
			return &result{
				okX: f.getBig(f.fp(0)).Int64() == 1, okGX: f.getBig(f.fp(1)).Int64() == 1,
				rootX: utJoin(utGet(f, 2, v.n)), rootGX: utJoin(utGet(f, 5, v.n)),
			}, nil
		}
		// checkRoot: a root of v that is the least of the two roots.
		checkRoot := func(what string, root, val, p *big.Int) {
			t.Helper()
			if new(big.Int).Mod(new(big.Int).Mul(root, root), p).Cmp(new(big.Int).Mod(val, p)) != 0 {
				t.Errorf("%s: %s**2 != %s mod %s", what, root, val, p)
			}
			if root.Cmp(sub(p, root)) > 0 {
				t.Errorf("%s: root %s is not the least", what, root)
			}
		}
		for _, pg := range []struct{ p, g *big.Int }{{utP25519, b(2)}, {P, b(3)}} {
			p, g := pg.p, pg.g
			xs := []*big.Int{b(1), b(2), b(4), sub(p, b(1)), utRand(r, 250), utRand(r, 250), utRand(r, 250)}
			for _, x := range xs {
				res, err := run(g, x, p)
				if err != nil {
					t.Fatalf("get_square_root(%s) mod %s: %v", x, p, err)
				}
				gx := new(big.Int).Mul(g, x)
				if res.okX != utEuler(x, p) || res.okGX != utEuler(gx, p) || res.okX == res.okGX {
					t.Errorf("x=%s mod %s: success_x %v success_gx %v", x, p, res.okX, res.okGX)
				}
				if res.okX {
					checkRoot("sqrt_x", res.rootX, x, p)
				} else if res.rootX.Sign() != 0 {
					t.Errorf("sqrt_x of a non-residue: %s", res.rootX)
				}
				if res.okGX {
					checkRoot("sqrt_gx", res.rootGX, gx, p)
				} else if res.rootGX.Sign() != 0 {
					t.Errorf("sqrt_gx of a non-residue: %s", res.rootGX)
				}
			}
			// x = 0: both are squares of 0 and the check is skipped.
			res, err := run(g, b(0), p)
			if err != nil {
				t.Fatal(err)
			}
			if !res.okX || !res.okGX || res.rootX.Sign() != 0 || res.rootGX.Sign() != 0 {
				t.Errorf("x=0: %+v", res)
			}
			// A square generator makes both fail for a non-residue x.
			_, err = run(b(4), g, p)
			wantErr(t, err, "AssertionError")
		}
		// A small composite modulus: squares mod 15 are 0, 1, 4, 6, 9, 10;
		// 4 has roots 2, 7, 8, 13 and 2 * 4 = 8 has none.
		res, err := run(b(2), b(4), b(15))
		if err != nil {
			t.Fatal(err)
		}
		if !res.okX || res.okGX || res.rootX.Int64() != 2 || res.rootGX.Sign() != 0 {
			t.Errorf("mod 15: %+v", res)
		}
		_, err = run(b(2), b(4), b(0))
		wantErr(t, err, "p must be > 0")
	}
}
