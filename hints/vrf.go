package hints

import "math/big"

// Hints of the vrf library (cairo-lang's whitelist vrf.json) over the
// field of 2^255 - 19: the cairo_secp field and curve hints with SECP_P =
// 2**255-19 (the curve is Wei25519, the short Weierstrass form of
// Curve25519, with the alpha below), and the square root of a Uint256 in
// that field.

var vrfHints = []builtinHint{
	{"ed25519_reduce", codeEd25519Reduce, hintSecpPackMod(secpEd25519P, "value")},
	{"ed25519_is_zero_pack", codeEd25519IsZeroPack, hintSecpPackMod(secpEd25519P, "x")},
	{"ed25519_is_zero_assign_x_inv", codeEd25519XInv, hintSecpXInv(secpEd25519P)},
	{"ed25519_verify_zero", codeEd25519VerifyZero, hintVerifyZero(secpEd25519P, true)},
	{"ed25519_ec_negate", codeEd25519EcNegate, hintEcNegate(secpEd25519P)},
	{"ed25519_ec_double_slope", codeEd25519EcDoubleSlope, hintEcDoubleSlope(secpEd25519P, "point", ecAlphaConst(wei25519Alpha))},
	{"ed25519_fast_ec_add_slope", codeEd25519FastEcAddSlope, hintLineSlope(secpEd25519P, "point0", "point1", true)},
	{"ed25519_ec_double_new_x", codeEd25519EcDoubleNewX, hintEcDoubleNewX(secpEd25519P, "point")},
	{"ed25519_fast_ec_add_new_x", codeEd25519FastEcAddNewX, hintFastEcAddNewX(secpEd25519P, "point0", "point1")},
	{"ed25519_sqrt", codeEd25519SqrtXX, hintEd25519Sqrt},
}

func init() { addFamily(vrfHints) }

// wei25519Alpha is the alpha the vrf library's doubling hint passes to
// ec_double_slope.
var wei25519Alpha, _ = new(big.Int).SetString("42204101795669822316448953119945047945709099015225996174933988943478124189485", 10)

var (
	// ed25519SqrtExp is (p + 3) // 8, the exponent of the candidate root.
	ed25519SqrtExp = new(big.Int).Rsh(new(big.Int).Add(ed25519P, big.NewInt(3)), 3)
	// ed25519SqrtM1 is II = 2^((p - 1) // 4), a square root of -1.
	ed25519SqrtM1 = new(big.Int).Exp(big.NewInt(2), new(big.Int).Rsh(new(big.Int).Sub(ed25519P, big.NewInt(1)), 2), ed25519P)
)

// hintEd25519Sqrt is the square root of xx = ids.xx (a Uint256) modulo
// 2^255 - 19 by the Atkin-style method for p = 5 mod 8: x = xx^((p+3)/8),
// times sqrt(-1) when x^2 != xx, then the even one of x and p - x, written
// to ids.x as a Uint256. When xx is not a square the result is not a root,
// as in the Python, and the Cairo code's check fails.
func hintEd25519Sqrt(c *Context) error {
	low, err := c.Big("xx.low")
	if err != nil {
		return err
	}
	high, err := c.Big("xx.high")
	if err != nil {
		return err
	}
	xx := new(big.Int).Add(low, new(big.Int).Lsh(high, 128))
	x := new(big.Int).Exp(xx, ed25519SqrtExp, ed25519P)
	d := new(big.Int).Mul(x, x)
	if pyMod(d.Sub(d, xx), ed25519P).Sign() != 0 {
		x.Mul(x, ed25519SqrtM1)
		x.Mod(x, ed25519P)
	}
	if x.Bit(0) != 0 {
		x.Sub(ed25519P, x)
	}
	c.ScopeSet("II", new(big.Int).Set(ed25519SqrtM1))
	c.ScopeSet("xx", xx)
	c.ScopeSet("x", x)
	if err := c.SetBig("x.low", new(big.Int).And(x, new(big.Int).Sub(rcBound, big.NewInt(1)))); err != nil {
		return err
	}
	return c.SetBig("x.high", new(big.Int).Rsh(x, 128))
}

const codeEd25519Reduce = `from starkware.cairo.common.cairo_secp.secp_utils import pack
SECP_P=2**255-19

value = pack(ids.x, PRIME) % SECP_P`

const codeEd25519IsZeroPack = `from starkware.cairo.common.cairo_secp.secp_utils import pack
SECP_P=2**255-19

x = pack(ids.x, PRIME) % SECP_P`

const codeEd25519XInv = `SECP_P=2**255-19
from starkware.python.math_utils import div_mod

value = x_inv = div_mod(1, x, SECP_P)`

const codeEd25519VerifyZero = `from starkware.cairo.common.cairo_secp.secp_utils import pack
SECP_P = 2**255-19
to_assert = pack(ids.val, PRIME)
q, r = divmod(pack(ids.val, PRIME), SECP_P)
assert r == 0, f"verify_zero: Invalid input {ids.val.d0, ids.val.d1, ids.val.d2}."
ids.q = q % PRIME`

const codeEd25519EcNegate = `from starkware.cairo.common.cairo_secp.secp_utils import pack
SECP_P = 2**255-19

y = pack(ids.point.y, PRIME) % SECP_P
# The modulo operation in python always returns a nonnegative number.
value = (-y) % SECP_P`

const codeEd25519EcDoubleSlope = `from starkware.python.math_utils import ec_double_slope
from starkware.cairo.common.cairo_secp.secp_utils import pack
SECP_P = 2**255-19

# Compute the slope.
x = pack(ids.point.x, PRIME)
y = pack(ids.point.y, PRIME)
value = slope = ec_double_slope(point=(x, y), alpha=42204101795669822316448953119945047945709099015225996174933988943478124189485, p=SECP_P)`

const codeEd25519FastEcAddSlope = `from starkware.python.math_utils import line_slope
from starkware.cairo.common.cairo_secp.secp_utils import pack
SECP_P = 2**255-19
# Compute the slope.
x0 = pack(ids.point0.x, PRIME)
y0 = pack(ids.point0.y, PRIME)
x1 = pack(ids.point1.x, PRIME)
y1 = pack(ids.point1.y, PRIME)
value = slope = line_slope(point1=(x0, y0), point2=(x1, y1), p=SECP_P)`

const codeEd25519EcDoubleNewX = `from starkware.cairo.common.cairo_secp.secp_utils import pack
SECP_P = 2**255-19

slope = pack(ids.slope, PRIME)
x = pack(ids.point.x, PRIME)
y = pack(ids.point.y, PRIME)

value = new_x = (pow(slope, 2, SECP_P) - 2 * x) % SECP_P`

const codeEd25519FastEcAddNewX = `from starkware.cairo.common.cairo_secp.secp_utils import pack
SECP_P = 2**255-19

slope = pack(ids.slope, PRIME)
x0 = pack(ids.point0.x, PRIME)
x1 = pack(ids.point1.x, PRIME)
y0 = pack(ids.point0.y, PRIME)

value = new_x = (pow(slope, 2, SECP_P) - x0 - x1) % SECP_P`

const codeEd25519SqrtXX = `PRIME = 2**255 - 19
II = pow(2, (PRIME - 1) // 4, PRIME)

xx = ids.xx.low + (ids.xx.high<<128)
x = pow(xx, (PRIME + 3) // 8, PRIME)
if (x * x - xx) % PRIME != 0:
    x = (x * II) % PRIME
if x % 2 != 0:
    x = PRIME - x
ids.x.low = x & ((1<<128)-1)
ids.x.high = x >> 128`
