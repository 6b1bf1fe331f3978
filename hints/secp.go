package hints

import (
	"errors"
	"fmt"
	"math/big"
)

// Hints of cairo-lang's cairo_secp library (bigint.cairo, field.cairo,
// ec.cairo, signature.cairo) over secp256k1, their secp256r1 and
// cairo-vm test-program variants, and the helpers shared by the curve
// families (ec*.go, bigint*.go, signature*.go, vrf*.go).
//
// A BigInt3 is d0 + d1*2^86 + d2*2^172 with limbs that are field elements;
// secp_utils.pack lifts each limb with as_int, so an unreduced value may be
// negative. The hints hand their results to each other through the scope,
// as Python locals: "value" (read by nondet_bigint3), "x" (read by
// is_zero's nondet), "slope", "new_x", "res", "k", ... Every local a hint
// assigns is recorded, and the constants it imports (SECP_P, N, ALPHA) are
// recorded too, since later hints that do not import them read them there
// (the secp256r1 programs import SECP256R1_P as SECP_P once and reuse it).
// Imported functions (pack, div_mod, safe_div) are not recorded: every
// hint that calls one is implemented as if it were in scope.

var secpHints = []builtinHint{
	{"secp_nondet_bigint3", codeNondetBigint3, hintNondetBigint3},
	{"secp_nondet_bigint3_v2", codeNondetBigint3V2, hintNondetBigint3},
	{"secp_reduce", codeReduce, hintSecpPackMod(secpImportK1P, "value")},
	{"secp_reduce_scope_p", codeReduceScopeP, hintSecpPackMod(secpScopeP, "value")},
	{"secp_is_zero_pack", codeIsZeroPack, hintSecpPackMod(secpImportK1P, "x")},
	{"secp_is_zero_pack_v2", codeIsZeroPackV2, hintSecpPackMod(secpImportK1P, "x")},
	{"secp_is_zero_pack_scope_p", codeIsZeroPackScopeP, hintSecpPackMod(secpScopeP, "x")},
	{"secp_is_zero_pack_scope_p_v2", codeIsZeroPackScopePV2, hintSecpPackMod(secpScopeP, "x")},
	{"secp_is_zero_nondet", codeIsZeroNondet, hintIsZeroNondet},
	{"secp_is_zero_nondet_int", codeIsZeroNondetInt, hintIsZeroNondet},
	{"secp_is_zero_assign_x_inv", codeSecpXInvImportP, hintSecpXInv(secpImportK1P)},
	{"secp_is_zero_assign_x_inv_scope_p", codeSecpXInvScopeP, hintSecpXInv(secpScopeP)},
	{"secp_verify_zero", codeVerifyZero, hintVerifyZero(secpImportK1P, false)},
	{"secp_verify_zero_v1", codeVerifyZeroImportPNoPack, hintVerifyZero(secpImportK1P, false)},
	{"secp_verify_zero_scope_p", codeVerifyZeroScopeP, hintVerifyZero(secpScopeP, false)},
	{"secp256r1_import_p", codeSecpR1ImportP, hintSecpImport("SECP_P", secp256r1P)},
	{"secp256r1_import_n", codeSecpR1ImportN, hintSecpImport("N", secp256r1N)},
	{"secp256r1_import_alpha", codeSecpR1ImportAlpha, hintSecpImport("ALPHA", secp256r1Alpha)},
}

func init() { addFamily(secpHints) }

// secpInt parses a hexadecimal constant of this file.
func secpInt(hex string) *big.Int {
	v, ok := new(big.Int).SetString(hex, 16)
	if !ok {
		panic("hints: bad curve constant " + hex)
	}
	return v
}

var (
	// secpSplitBound is BASE**3: split accepts integers in [0, BASE**3).
	secpSplitBound = new(big.Int).Lsh(big.NewInt(1), 258)

	// secp256k1P is secp_utils.SECP_P = 2^256 - 2^32 - 977.
	secp256k1P = secpInt("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f")
	// secp256k1N is secp_utils.N, the order of secp256k1's group.
	secp256k1N = secpInt("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")

	// secp256r1P, secp256r1N and secp256r1Alpha are secp256r1_utils'
	// SECP256R1_P, SECP256R1_N and SECP256R1_ALPHA (NIST P-256).
	secp256r1P     = secpInt("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff")
	secp256r1N     = secpInt("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")
	secp256r1Alpha = secpInt("ffffffff00000001000000000000000000000000fffffffffffffffffffffffc")

	// ed25519P is 2^255 - 19, the field of the vrf library's hints
	// ("SECP_P = 2**255-19").
	ed25519P = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
)

// errZeroDivision is Python's ZeroDivisionError for % and // by zero.
var errZeroDivision = errors.New("integer division or modulo by zero")

// secpModulus says where a hint's SECP_P comes from: a hint that imports
// it from secp_utils or assigns it (SECP_P = 2**255-19) binds it in the
// scope, which later hints read; a hint that only uses it reads it there
// (NameError when no earlier hint bound it).
type secpModulus struct {
	bind *big.Int // the value the hint binds, nil when it reads the scope
}

var (
	secpImportK1P = secpModulus{secp256k1P}
	secpScopeP    = secpModulus{}
	secpEd25519P  = secpModulus{ed25519P}
)

// get returns SECP_P for the hint, binding it first when the hint does.
func (m secpModulus) get(c *Context) (*big.Int, error) {
	if m.bind != nil {
		c.ScopeSet("SECP_P", new(big.Int).Set(m.bind))
		return m.bind, nil
	}
	p, err := c.ScopeInt("SECP_P")
	if err != nil {
		return nil, err
	}
	if p.Sign() == 0 {
		return nil, errZeroDivision
	}
	return p, nil
}

// secpSetScope binds each name to v, as Python's chained assignment
// (value = res = ...) does. Scope integers are shared, never mutated.
func secpSetScope(c *Context, v *big.Int, names ...string) {
	for _, n := range names {
		c.ScopeSet(n, v)
	}
}

// secpPack is secp_utils.pack(ids.<name>, PRIME): the sum of as_int(d_i) *
// BASE**i over the limbs d0, d1, d2 of a BigInt3 (or UnreducedBigInt3).
func secpPack(c *Context, name string) (*big.Int, error) {
	return secpPackLimbs(c, name, "d0", "d1", "d2")
}

// secpPackLimbs is pack over the given limbs of ids.<name>, each lifted
// with as_int and weighted by BASE**i.
func secpPackLimbs(c *Context, name string, limbs ...string) (*big.Int, error) {
	sum := new(big.Int)
	var limb big.Int
	for i := len(limbs) - 1; i >= 0; i-- {
		f, err := c.Felt(name + "." + limbs[i])
		if err != nil {
			return nil, err
		}
		f.ToBig(&limb)
		if limb.Cmp(halfPrime) >= 0 { // as_int
			limb.Sub(&limb, primeBig)
		}
		sum.Lsh(sum, 86)
		sum.Add(sum, &limb)
	}
	return sum, nil
}

// secpSplit is secp_utils.split: the three base-2^86 limbs of num, which
// must be in [0, BASE**3) (the function's final assert num == 0).
func secpSplit(num *big.Int) ([]*big.Int, error) {
	if num.Sign() < 0 || num.Cmp(secpSplitBound) >= 0 {
		return nil, errors.New("AssertionError: num == 0")
	}
	return splitLimbs(num, 86, 3), nil
}

// secpDivMod is math_utils.div_mod(n, m, p): the x with (m * x) % p == n %
// p, computed as n * m^-1. Python asserts that m and p are coprime (igcdex
// returns their gcd); the result takes Python's % of p.
func secpDivMod(n, m, p *big.Int) (*big.Int, error) {
	x := new(big.Int)
	g := new(big.Int).GCD(x, nil, m, p)
	if g.Cmp(big.NewInt(1)) != 0 {
		return nil, errors.New("AssertionError: c == 1")
	}
	if p.Sign() == 0 {
		return nil, errZeroDivision
	}
	return pyMod(x.Mul(x, n), p), nil
}

// secpFloorDiv is Python's a // b (b != 0), derived from pyMod's
// remainder: (a - a % b) / b is exact.
func secpFloorDiv(a, b *big.Int) *big.Int {
	q := new(big.Int).Sub(a, pyMod(a, b))
	return q.Quo(q, b)
}

// secpSafeDiv is math_utils.safe_div(x, y): x / y, failing when y is zero
// or does not divide x.
func secpSafeDiv(x, y *big.Int) (*big.Int, error) {
	if y.Sign() == 0 {
		return nil, errors.New("AssertionError: y != 0")
	}
	if pyMod(x, y).Sign() != 0 {
		return nil, fmt.Errorf("%s is not divisible by %s.", x, y)
	}
	return new(big.Int).Quo(x, y), nil
}

// --- bigint.cairo: nondet_bigint3 -------------------------------------------

// hintNondetBigint3 writes split(value) at ids.res: the limbs of the value
// an earlier hint left in the scope.
func hintNondetBigint3(c *Context) error {
	v, err := c.ScopeInt("value")
	if err != nil {
		return err
	}
	limbs, err := secpSplit(v)
	if err != nil {
		return err
	}
	res, err := c.Addr("res")
	if err != nil {
		return err
	}
	return c.WriteBigs(res, limbs)
}

// --- field.cairo: reduce, is_zero, verify_zero -----------------------------

// hintSecpPackMod is "<dst> = pack(ids.x, PRIME) % SECP_P" (reduce binds
// value, is_zero binds x).
func hintSecpPackMod(m secpModulus, dst string) Func {
	return func(c *Context) error {
		p, err := m.get(c)
		if err != nil {
			return err
		}
		x, err := secpPack(c, "x")
		if err != nil {
			return err
		}
		secpSetScope(c, pyMod(x, p), dst)
		return nil
	}
}

// hintIsZeroNondet is is_zero's "nondet %{ x == 0 %}": memory[ap] = 1 when
// the scope's x is the integer 0.
func hintIsZeroNondet(c *Context) error {
	v, ok := c.ScopeGet("x")
	if !ok {
		return errors.New("name 'x' is not defined")
	}
	x, isInt := scopeInt(v)
	return c.WriteAP(boolValue(isInt && x.Sign() == 0))
}

// hintSecpXInv is "value = x_inv = div_mod(1, x, SECP_P)".
func hintSecpXInv(m secpModulus) Func {
	return func(c *Context) error {
		p, err := m.get(c)
		if err != nil {
			return err
		}
		x, err := c.ScopeInt("x")
		if err != nil {
			return err
		}
		inv, err := secpDivMod(big.NewInt(1), x, p)
		if err != nil {
			return err
		}
		secpSetScope(c, inv, "value", "x_inv")
		return nil
	}
}

// hintVerifyZero is "q, r = divmod(pack(ids.val, PRIME), SECP_P); assert r
// == 0; ids.q = q % PRIME". toAssert is the vrf variant, which also binds
// to_assert = pack(ids.val, PRIME).
func hintVerifyZero(m secpModulus, toAssert bool) Func {
	return func(c *Context) error {
		p, err := m.get(c)
		if err != nil {
			return err
		}
		v, err := secpPack(c, "val")
		if err != nil {
			return err
		}
		if toAssert {
			c.ScopeSet("to_assert", v)
		}
		q, r := pyDivMod(v, p)
		secpSetScope(c, q, "q")
		secpSetScope(c, r, "r")
		if r.Sign() != 0 {
			limbs := make([]any, 3)
			for i, l := range []string{"d0", "d1", "d2"} {
				f, err := c.Big("val." + l)
				if err != nil {
					return err
				}
				limbs[i] = f
			}
			return fmt.Errorf("verify_zero: Invalid input (%s, %s, %s).", limbs...)
		}
		return c.SetBig("q", q)
	}
}

// hintSecpImport is "from ...secp256r1_utils import SECP256R1_<X> as
// <name>": the constant is bound in the scope for later hints.
func hintSecpImport(name string, v *big.Int) Func {
	return func(c *Context) error {
		c.ScopeSet(name, new(big.Int).Set(v))
		return nil
	}
}

const codeNondetBigint3 = `from starkware.cairo.common.cairo_secp.secp_utils import split

segments.write_arg(ids.res.address_, split(value))`

const codeNondetBigint3V2 = `from starkware.cairo.common.cairo_secp.secp_utils import split
segments.write_arg(ids.res.address_, split(value))`

const codeReduce = `from starkware.cairo.common.cairo_secp.secp_utils import SECP_P, pack

value = pack(ids.x, PRIME) % SECP_P`

const codeReduceScopeP = `from starkware.cairo.common.cairo_secp.secp_utils import pack
value = pack(ids.x, PRIME) % SECP_P`

const codeIsZeroPack = `from starkware.cairo.common.cairo_secp.secp_utils import SECP_P, pack

x = pack(ids.x, PRIME) % SECP_P`

const codeIsZeroPackV2 = `from starkware.cairo.common.cairo_secp.secp_utils import SECP_P, pack
x = pack(ids.x, PRIME) % SECP_P`

const codeIsZeroPackScopeP = `from starkware.cairo.common.cairo_secp.secp_utils import pack

x = pack(ids.x, PRIME) % SECP_P`

const codeIsZeroPackScopePV2 = `from starkware.cairo.common.cairo_secp.secp_utils import pack
x = pack(ids.x, PRIME) % SECP_P`

const codeIsZeroNondet = `memory[ap] = to_felt_or_relocatable(x == 0)`

const codeIsZeroNondetInt = `memory[ap] = int(x == 0)`

const codeSecpXInvImportP = `from starkware.cairo.common.cairo_secp.secp_utils import SECP_P
from starkware.python.math_utils import div_mod

value = x_inv = div_mod(1, x, SECP_P)`

const codeSecpXInvScopeP = `from starkware.python.math_utils import div_mod

value = x_inv = div_mod(1, x, SECP_P)`

const codeVerifyZero = `from starkware.cairo.common.cairo_secp.secp_utils import SECP_P, pack

q, r = divmod(pack(ids.val, PRIME), SECP_P)
assert r == 0, f"verify_zero: Invalid input {ids.val.d0, ids.val.d1, ids.val.d2}."
ids.q = q % PRIME`

const codeVerifyZeroImportPNoPack = `from starkware.cairo.common.cairo_secp.secp_utils import SECP_P
q, r = divmod(pack(ids.val, PRIME), SECP_P)
assert r == 0, f"verify_zero: Invalid input {ids.val.d0, ids.val.d1, ids.val.d2}."
ids.q = q % PRIME`

const codeVerifyZeroScopeP = `from starkware.cairo.common.cairo_secp.secp_utils import pack

q, r = divmod(pack(ids.val, PRIME), SECP_P)
assert r == 0, f"verify_zero: Invalid input {ids.val.d0, ids.val.d1, ids.val.d2}."
ids.q = q % PRIME`

const codeSecpR1ImportP = `from starkware.cairo.common.cairo_secp.secp256r1_utils import SECP256R1_P as SECP_P`

const codeSecpR1ImportN = `from starkware.cairo.common.cairo_secp.secp256r1_utils import SECP256R1_N as N`

const codeSecpR1ImportAlpha = `from starkware.cairo.common.cairo_secp.secp256r1_utils import SECP256R1_ALPHA as ALPHA`
