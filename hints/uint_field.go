package hints

import (
	"errors"
	"fmt"
	"math/big"
)

// Field arithmetic over a modulus given as a Uint256 or a UInt384
// (uint256_improvements, uint384, uint384_extension, uint512, the
// field_arithmetic library): subtraction and inversion modulo p, and square
// roots modulo p with sympy's is_quad_residue and sqrt_mod semantics.

var uintFieldHints = []builtinHint{
	{"uint384_sub_reduced_a_and_reduced_b", codeUint384SubModP, hintUint384SubModP},
	{"uint256_inv_mod_p", codeUint256InvModP, hintUintDivModInverse(uint256Limbs)},
	{"uint384_inv_mod_p", codeUint384InvModP, hintUintDivModInverse(uint384Limbs)},
	{"inv_mod_p_uint512", codeUint512InvModP, hintUint512InvModP},
	{"uint256_get_square_root", codeUint256GetSquareRoot, hintUintGetSquareRoot(uint256Limbs)},
	{"uint384_get_square_root", codeUint384GetSquareRoot, hintUintGetSquareRoot(uint384Limbs)},
}

func init() { addFamily(uintFieldHints) }

const codeUint384SubModP = `def split(num: int, num_bits_shift: int, length: int):
    a = []
    for _ in range(length):
        a.append( num & ((1 << num_bits_shift) - 1) )
        num = num >> num_bits_shift
    return tuple(a)

def pack(z, num_bits_shift: int) -> int:
    limbs = (z.d0, z.d1, z.d2)
    return sum(limb << (num_bits_shift * i) for i, limb in enumerate(limbs))

a = pack(ids.a, num_bits_shift = 128)
b = pack(ids.b, num_bits_shift = 128)
p = pack(ids.p, num_bits_shift = 128)

res = (a - b) % p


res_split = split(res, num_bits_shift=128, length=3)

ids.res.d0 = res_split[0]
ids.res.d1 = res_split[1]
ids.res.d2 = res_split[2]`

func hintUint384SubModP(c *Context) error {
	a, err := uintPack(c, "a", uint384Limbs)
	if err != nil {
		return err
	}
	b, err := uintPack(c, "b", uint384Limbs)
	if err != nil {
		return err
	}
	p, err := uintPack(c, "p", uint384Limbs)
	if err != nil {
		return err
	}
	if p.Sign() == 0 {
		return errUintModZero
	}
	res := pyMod(a.Sub(a, b), p)
	return uintSetLimbs(c, "res", uint384Limbs, uintSplit(res, 3))
}

const codeUint256InvModP = `from starkware.python.math_utils import div_mod

def split(a: int):
    return (a & ((1 << 128) - 1), a >> 128)

def pack(z, num_bits_shift: int) -> int:
    limbs = (z.low, z.high)
    return sum(limb << (num_bits_shift * i) for i, limb in enumerate(limbs))

a = pack(ids.a, 128)
b = pack(ids.b, 128)
p = pack(ids.p, 128)
# For python3.8 and above the modular inverse can be computed as follows:
# b_inverse_mod_p = pow(b, -1, p)
# Instead we use the python3.7-friendly function div_mod from starkware.python.math_utils
b_inverse_mod_p = div_mod(1, b, p)

b_inverse_mod_p_split = split(b_inverse_mod_p)

ids.b_inverse_mod_p.low = b_inverse_mod_p_split[0]
ids.b_inverse_mod_p.high = b_inverse_mod_p_split[1]`

const codeUint384InvModP = `from starkware.python.math_utils import div_mod

def split(num: int, num_bits_shift: int, length: int):
    a = []
    for _ in range(length):
        a.append( num & ((1 << num_bits_shift) - 1) )
        num = num >> num_bits_shift
    return tuple(a)

def pack(z, num_bits_shift: int) -> int:
    limbs = (z.d0, z.d1, z.d2)
    return sum(limb << (num_bits_shift * i) for i, limb in enumerate(limbs))

a = pack(ids.a, num_bits_shift = 128)
b = pack(ids.b, num_bits_shift = 128)
p = pack(ids.p, num_bits_shift = 128)
# For python3.8 and above the modular inverse can be computed as follows:
# b_inverse_mod_p = pow(b, -1, p)
# Instead we use the python3.7-friendly function div_mod from starkware.python.math_utils
b_inverse_mod_p = div_mod(1, b, p)


b_inverse_mod_p_split = split(b_inverse_mod_p, num_bits_shift=128, length=3)

ids.b_inverse_mod_p.d0 = b_inverse_mod_p_split[0]
ids.b_inverse_mod_p.d1 = b_inverse_mod_p_split[1]
ids.b_inverse_mod_p.d2 = b_inverse_mod_p_split[2]`

// uintInverse returns the inverse of b modulo p > 0 (0 when p is 1), and
// false when gcd(b, p) != 1.
func uintInverse(b, p *big.Int) (*big.Int, bool) {
	if p.Cmp(big.NewInt(1)) == 0 {
		return new(big.Int), true
	}
	inv := new(big.Int).ModInverse(new(big.Int).Mod(b, p), p)
	return inv, inv != nil
}

// uintDivModOne is math_utils.div_mod(1, b, p): sympy's igcdex(b, p) must
// find gcd 1 (AssertionError otherwise), and the coefficient is reduced
// modulo p, which fails only for p = 0 (and b = 1).
func uintDivModOne(b, p *big.Int) (*big.Int, error) {
	if new(big.Int).GCD(nil, nil, b, p).Cmp(big.NewInt(1)) != 0 {
		return nil, errors.New("AssertionError: c == 1")
	}
	if p.Sign() == 0 {
		return nil, errUintModZero
	}
	inv, _ := uintInverse(b, p)
	return inv, nil
}

// hintUintDivModInverse writes b^-1 mod p for the Uint256 or UInt384 ids.b
// and ids.p (ids.a is packed by the Python but unused; it is read all the
// same, so an unreadable a fails as there).
func hintUintDivModInverse(limbs []string) Func {
	return func(c *Context) error {
		if _, err := uintPack(c, "a", limbs); err != nil {
			return err
		}
		b, err := uintPack(c, "b", limbs)
		if err != nil {
			return err
		}
		p, err := uintPack(c, "p", limbs)
		if err != nil {
			return err
		}
		inv, err := uintDivModOne(b, p)
		if err != nil {
			return err
		}
		if len(limbs) == 2 {
			return uintSetUint256(c, "b_inverse_mod_p", inv)
		}
		return uintSetLimbs(c, "b_inverse_mod_p", limbs, uintSplit(inv, len(limbs)))
	}
}

const codeUint512InvModP = `def pack_512(u, num_bits_shift: int) -> int:
    limbs = (u.d0, u.d1, u.d2, u.d3)
    return sum(limb << (num_bits_shift * i) for i, limb in enumerate(limbs))

x = pack_512(ids.x, num_bits_shift = 128)
p = ids.p.low + (ids.p.high << 128)
x_inverse_mod_p = pow(x,-1, p)

x_inverse_mod_p_split = (x_inverse_mod_p & ((1 << 128) - 1), x_inverse_mod_p >> 128)

ids.x_inverse_mod_p.low = x_inverse_mod_p_split[0]
ids.x_inverse_mod_p.high = x_inverse_mod_p_split[1]`

// hintUint512InvModP is pow(x, -1, p) for a 512-bit x and a Uint256 p,
// with Python's errors for p = 0 and for a non-invertible x.
func hintUint512InvModP(c *Context) error {
	x, err := uintPack(c, "x", uint512Limbs)
	if err != nil {
		return err
	}
	p, err := uintPack(c, "p", uint256Limbs)
	if err != nil {
		return err
	}
	if p.Sign() == 0 {
		return errors.New("pow() 3rd argument cannot be 0")
	}
	inv, ok := uintInverse(x, p)
	if !ok {
		return errors.New("base is not invertible for the given modulus")
	}
	return uintSetUint256(c, "x_inverse_mod_p", inv)
}

const codeUint256GetSquareRoot = `from starkware.python.math_utils import is_quad_residue, sqrt

def split(a: int):
    return (a & ((1 << 128) - 1), a >> 128)

def pack(z) -> int:
    return z.low + (z.high << 128)

generator = pack(ids.generator)
x = pack(ids.x)
p = pack(ids.p)

success_x = is_quad_residue(x, p)
root_x = sqrt(x, p) if success_x else None
success_gx = is_quad_residue(generator*x, p)
root_gx = sqrt(generator*x, p) if success_gx else None

# Check that one is 0 and the other is 1
if x != 0:
    assert success_x + success_gx == 1

# ` + "`None`" + ` means that no root was found, but we need to transform these into a felt no matter what
if root_x == None:
    root_x = 0
if root_gx == None:
    root_gx = 0
ids.success_x = int(success_x)
ids.success_gx = int(success_gx)
split_root_x = split(root_x)
# print('split root x', split_root_x)
split_root_gx = split(root_gx)
ids.sqrt_x.low = split_root_x[0]
ids.sqrt_x.high = split_root_x[1]
ids.sqrt_gx.low = split_root_gx[0]
ids.sqrt_gx.high = split_root_gx[1]`

const codeUint384GetSquareRoot = `from starkware.python.math_utils import is_quad_residue, sqrt

def split(num: int, num_bits_shift: int = 128, length: int = 3):
    a = []
    for _ in range(length):
        a.append( num & ((1 << num_bits_shift) - 1) )
        num = num >> num_bits_shift
    return tuple(a)

def pack(z, num_bits_shift: int = 128) -> int:
    limbs = (z.d0, z.d1, z.d2)
    return sum(limb << (num_bits_shift * i) for i, limb in enumerate(limbs))


generator = pack(ids.generator)
x = pack(ids.x)
p = pack(ids.p)

success_x = is_quad_residue(x, p)
root_x = sqrt(x, p) if success_x else None

success_gx = is_quad_residue(generator*x, p)
root_gx = sqrt(generator*x, p) if success_gx else None

# Check that one is 0 and the other is 1
if x != 0:
    assert success_x + success_gx ==1

# ` + "`None`" + ` means that no root was found, but we need to transform these into a felt no matter what
if root_x == None:
    root_x = 0
if root_gx == None:
    root_gx = 0
ids.success_x = int(success_x)
ids.success_gx = int(success_gx)
split_root_x = split(root_x)
split_root_gx = split(root_gx)
ids.sqrt_x.d0 = split_root_x[0]
ids.sqrt_x.d1 = split_root_x[1]
ids.sqrt_x.d2 = split_root_x[2]
ids.sqrt_gx.d0 = split_root_gx[0]
ids.sqrt_gx.d1 = split_root_gx[1]
ids.sqrt_gx.d2 = split_root_gx[2]`

// uintBruteForceLimit bounds the composite moduli whose squares are found
// by search; sympy factors larger composite moduli, which cairn does not.
const uintBruteForceLimit = 1 << 16

// uintQuadResidue is sympy's is_quad_residue(a, p): whether x*x = a (mod p)
// has a solution. For a prime p it is Euler's criterion; small composite
// moduli are searched; a large composite one is an error.
func uintQuadResidue(a, p *big.Int) (bool, error) {
	if p.Sign() <= 0 {
		return false, errors.New("p must be > 0")
	}
	a = new(big.Int).Mod(a, p)
	if a.Cmp(big.NewInt(2)) < 0 || p.Cmp(big.NewInt(3)) < 0 {
		return true, nil
	}
	if p.ProbablyPrime(20) {
		return big.Jacobi(a, p) == 1, nil
	}
	if p.Cmp(big.NewInt(uintBruteForceLimit)) < 0 {
		roots := uintSmallRoots(a, p)
		return len(roots) > 0, nil
	}
	if p.Bit(0) == 1 && big.Jacobi(a, p) == -1 {
		return false, nil
	}
	return false, fmt.Errorf("cairn: is_quad_residue modulo the composite %s is not supported", p)
}

// uintSmallRoots returns the square roots of a modulo a small p, ascending.
func uintSmallRoots(a, p *big.Int) []*big.Int {
	n, t := p.Int64(), new(big.Int).Mod(a, p).Int64()
	var out []*big.Int
	for r := int64(0); r < n; r++ {
		if r*r%n == t {
			out = append(out, big.NewInt(r))
		}
	}
	return out
}

// uintSqrtMod is math_utils.sqrt(n, p): the least root of x*x = n (mod p),
// for a residue n (the hints call it only after is_quad_residue).
func uintSqrtMod(n, p *big.Int) (*big.Int, error) {
	a := new(big.Int).Mod(n, p)
	if p.Cmp(big.NewInt(uintBruteForceLimit)) < 0 {
		roots := uintSmallRoots(a, p)
		if len(roots) == 0 {
			return nil, errors.New("min() arg is an empty sequence")
		}
		return roots[0], nil
	}
	// p is a large prime here: uintQuadResidue fails on large composites.
	r := new(big.Int).ModSqrt(a, p)
	if r == nil {
		return nil, errors.New("min() arg is an empty sequence")
	}
	if other := new(big.Int).Sub(p, r); r.Sign() != 0 && other.Cmp(r) < 0 {
		r = other
	}
	return r, nil
}

// uintRootIfResidue returns (is_quad_residue(v, p), sqrt(v, p) or 0).
func uintRootIfResidue(v, p *big.Int) (bool, *big.Int, error) {
	ok, err := uintQuadResidue(v, p)
	if err != nil || !ok {
		return false, new(big.Int), err
	}
	r, err := uintSqrtMod(v, p)
	return true, r, err
}

// hintUintGetSquareRoot finds which of x and generator * x is a square
// modulo p and writes the least roots (0 for a non-square).
func hintUintGetSquareRoot(limbs []string) Func {
	return func(c *Context) error {
		g, err := uintPack(c, "generator", limbs)
		if err != nil {
			return err
		}
		x, err := uintPack(c, "x", limbs)
		if err != nil {
			return err
		}
		p, err := uintPack(c, "p", limbs)
		if err != nil {
			return err
		}
		okX, rootX, err := uintRootIfResidue(x, p)
		if err != nil {
			return err
		}
		okGX, rootGX, err := uintRootIfResidue(new(big.Int).Mul(g, x), p)
		if err != nil {
			return err
		}
		if x.Sign() != 0 && okX == okGX {
			if len(limbs) == 2 {
				return errors.New("AssertionError: success_x + success_gx == 1")
			}
			return errors.New("AssertionError: success_x + success_gx ==1")
		}
		if err := c.Set("success_x", boolValue(okX)); err != nil {
			return err
		}
		if err := c.Set("success_gx", boolValue(okGX)); err != nil {
			return err
		}
		if len(limbs) == 2 {
			if err := uintSetUint256(c, "sqrt_x", rootX); err != nil {
				return err
			}
			return uintSetUint256(c, "sqrt_gx", rootGX)
		}
		if err := uintSetLimbs(c, "sqrt_x", limbs, uintSplit(rootX, len(limbs))); err != nil {
			return err
		}
		return uintSetLimbs(c, "sqrt_gx", limbs, uintSplit(rootGX, len(limbs)))
	}
}
