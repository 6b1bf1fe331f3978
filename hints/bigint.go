package hints

import "math/big"

// Hints of the ec_bigint library (cairo-lang's whitelist ec_bigint.json):
// bigint_div_mod, which divides a 5-limb unreduced product by a BigInt3
// modulo the BigInt3 ids.P, and the quotient hint that follows it.

var bigintHints = []builtinHint{
	{"bigint_div_mod", codeBigintDivMod, hintBigintDivMod},
	{"bigint_safe_div_flag", codeBigintSafeDivFlag, hintBigintSafeDivFlag},
}

func init() { addFamily(bigintHints) }

// hintBigintDivMod is "p = pack(ids.P); x = pack(ids.x) + as_int(x.d3) *
// BASE**3 + as_int(x.d4) * BASE**4; y = pack(ids.y); value = res =
// div_mod(x, y, p)".
func hintBigintDivMod(c *Context) error {
	p, err := secpPack(c, "P")
	if err != nil {
		return err
	}
	x, err := secpPack(c, "x")
	if err != nil {
		return err
	}
	base, err := c.Big("BASE")
	if err != nil {
		return err
	}
	for i, limb := range []string{"d3", "d4"} {
		d, err := c.Signed("x." + limb)
		if err != nil {
			return err
		}
		w := new(big.Int).Exp(base, big.NewInt(int64(3+i)), nil)
		x.Add(x, w.Mul(w, d))
	}
	y, err := secpPack(c, "y")
	if err != nil {
		return err
	}
	c.ScopeSet("p", p)
	c.ScopeSet("x", x)
	c.ScopeSet("y", y)
	res, err := secpDivMod(x, y, p)
	if err != nil {
		return err
	}
	secpSetScope(c, res, "value", "res")
	return nil
}

// hintBigintSafeDivFlag is "k = safe_div(res * y - x, p); value = |k|;
// ids.flag = 1 if k > 0 else 0", the quotient of the division check, split
// into a magnitude (written by nondet_bigint3) and a sign.
func hintBigintSafeDivFlag(c *Context) error {
	vals := map[string]*big.Int{}
	for _, n := range []string{"res", "y", "x", "p"} {
		v, err := c.ScopeInt(n)
		if err != nil {
			return err
		}
		vals[n] = v
	}
	num := new(big.Int).Mul(vals["res"], vals["y"])
	num.Sub(num, vals["x"])
	k, err := secpSafeDiv(num, vals["p"])
	if err != nil {
		return err
	}
	c.ScopeSet("k", k)
	c.ScopeSet("value", new(big.Int).Abs(k))
	return c.Set("flag", boolValue(k.Sign() > 0))
}

const codeBigintDivMod = `from starkware.cairo.common.cairo_secp.secp_utils import pack
from starkware.cairo.common.math_utils import as_int
from starkware.python.math_utils import div_mod, safe_div

p = pack(ids.P, PRIME)
x = pack(ids.x, PRIME) + as_int(ids.x.d3, PRIME) * ids.BASE ** 3 + as_int(ids.x.d4, PRIME) * ids.BASE ** 4
y = pack(ids.y, PRIME)

value = res = div_mod(x, y, p)`

const codeBigintSafeDivFlag = `k = safe_div(res * y - x, p)
value = k if k > 0 else 0 - k
ids.flag = 1 if k > 0 else 0`
