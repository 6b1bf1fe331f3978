package hints

import (
	"math/big"
	"testing"
)

// pyDivMod must satisfy Python's definition of divmod: a == q*b + r, with
// r of b's sign (or zero) and |r| < |b|, for every sign combination.
func TestPyDivModSigns(t *testing.T) {
	for _, a := range []int64{-15, -16, -1, 0, 1, 15, 16} {
		for _, b := range []int64{-4, -1, 1, 4} {
			q, r := pyDivMod(big.NewInt(a), big.NewInt(b))
			back := new(big.Int).Mul(q, big.NewInt(b))
			back.Add(back, r)
			if back.Int64() != a {
				t.Errorf("divmod(%d, %d) = (%s, %s): q*b + r = %s", a, b, q, r, back)
			}
			if r.Sign() != 0 && r.Sign() != big.NewInt(b).Sign() {
				t.Errorf("divmod(%d, %d): remainder %s has the wrong sign", a, b, r)
			}
			if new(big.Int).Abs(r).Cmp(new(big.Int).Abs(big.NewInt(b))) >= 0 {
				t.Errorf("divmod(%d, %d): |remainder| %s too large", a, b, r)
			}
		}
	}
	// Python: divmod(-15, -4) == (3, -3), divmod(15, -4) == (-4, -1).
	if q, r := pyDivMod(big.NewInt(-15), big.NewInt(-4)); q.Int64() != 3 || r.Int64() != -3 {
		t.Errorf("divmod(-15, -4) = (%s, %s), want (3, -3)", q, r)
	}
	if q, r := pyDivMod(big.NewInt(15), big.NewInt(-4)); q.Int64() != -4 || r.Int64() != -1 {
		t.Errorf("divmod(15, -4) = (%s, %s), want (-4, -1)", q, r)
	}
}
