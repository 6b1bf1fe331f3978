package hints

import (
	"errors"
	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/vm"
	"math/big"
	"math/bits"
)

// Hints of uint256.cairo and of the multi-limb integer libraries built on
// the same pattern (uint256_improvements, uint384, uint384_extension,
// uint512, bigint_to_uint256): the hint reads the limbs, computes with
// Python's unbounded integers, and writes the limbs of the result.

var uintHints = []builtinHint{
	{"split_64", codeUintSplit64, hintUintSplitFelt(64)},
	{"split_128", codeUintSplit128, hintUintSplitFelt(128)},
	{"uint256_add", codeUint256Add, hintUintAdd(uint256Limbs)},
	{"uint256_add_low", codeUint256AddLow, hintUintAdd(uint256Limbs[:1])},
	{"uint384_add", codeUint384Add, hintUintAdd(uint384Limbs)},
	{"uint128_add", codeUint128Add, hintUint128Add},
	{"uint256_sub", codeUint256Sub, hintUint256Sub},
	{"uint256_unsigned_div_rem", codeUint256DivRem, hintUint256DivRem("div.low", "div.high")},
	{"uint256_expanded_unsigned_div_rem", codeUint256ExpandedDivRem, hintUint256DivRem("div.b01", "div.b23")},
	{"uint256_mul_div_mod", codeUint256MulDivMod, hintUint256MulDivMod},
	{"uint384_unsigned_div_rem", codeUint384DivRem, hintUintSplitDivRem("a", uint384Limbs, uint384Limbs)},
	{"uint384_unsigned_div_rem_expanded", codeUint384DivRemExpanded, hintUintSplitDivRem("a", uint768Limbs, uint384Limbs)},
	{"uint512_unsigned_div_rem", codeUint512DivRem, hintUintSplitDivRem("x", uint512Limbs, uint256Limbs)},
	{"uint256_sqrt", codeUint256Sqrt, hintUint256Sqrt(false)},
	{"uint256_sqrt_felt", codeUint256SqrtFelt, hintUint256Sqrt(true)},
	{"uint384_sqrt", codeUint384Sqrt, hintUint384Sqrt},
	{"uint256_signed_nn", codeUint256SignedNN, hintUintSignedNN("a.high")},
	{"uint384_signed_nn", codeUint384SignedNN, hintUintSignedNN("a.d2")},
	{"bigint_to_uint256", codeUintBigintToUint256, hintUintBigintToUint256},
}

func init() { addFamily(uintHints) }

// Limb names of the structs the hints pack and split, least significant
// first; every limb holds 128 bits.
var (
	uint256Limbs = []string{"low", "high"}
	uint384Limbs = []string{"d0", "d1", "d2"}
	uint512Limbs = []string{"d0", "d1", "d2", "d3"}
	uint768Limbs = []string{"d0", "d1", "d2", "d3", "d4", "d5"}
)

// Python's messages for a zero divisor: divmod and // say "division or
// modulo", % says "modulo" only.
var (
	errUintDivmodZero = errors.New("integer division or modulo by zero")
	errUintModZero    = errors.New("integer modulo by zero")
)

// uintPack is the hints' pack(z, num_bits_shift=128): the sum of
// ids.<name>.<limb> << (128 * i). Limbs are felts read as integers in
// [0, PRIME), so an oversized limb overlaps the next one exactly as in
// Python.
func uintPack(c *Context, name string, limbs []string) (*big.Int, error) {
	sum := new(big.Int)
	for i := len(limbs) - 1; i >= 0; i-- {
		v, err := c.Big(name + "." + limbs[i])
		if err != nil {
			return nil, err
		}
		sum.Lsh(sum, 128)
		sum.Add(sum, v)
	}
	return sum, nil
}

// uintSplit is the hints' split(num, num_bits_shift=128, length=n): n
// limbs of 128 bits each. The last limb is masked too, so bits above
// 128 * n are dropped, as the Python loop drops them.
func uintSplit(num *big.Int, n int) []*big.Int { return splitLimbs(num, 128, n) }

// uintSetLimbs writes vals into ids.<name>.<limb>, in order.
func uintSetLimbs(c *Context, name string, limbs []string, vals []*big.Int) error {
	for i, l := range limbs {
		if err := c.SetBig(name+"."+l, vals[i]); err != nil {
			return err
		}
	}
	return nil
}

// uintSetUint256 writes ids.<name>.low = v & (2**128 - 1) and
// ids.<name>.high = v >> 128: the high limb is not masked.
func uintSetUint256(c *Context, name string, v *big.Int) error {
	if err := c.SetBig(name+".low", new(big.Int).And(v, mask128)); err != nil {
		return err
	}
	return c.SetBig(name+".high", new(big.Int).Rsh(v, 128))
}

// --- uint256.cairo: split_64, and split_128 of uint256_improvements ---------

const (
	codeUintSplit64 = `ids.low = ids.a & ((1<<64) - 1)
ids.high = ids.a >> 64`
	codeUintSplit128 = `ids.low = ids.a & ((1<<128) - 1)
ids.high = ids.a >> 128`
)

// hintUintSplitFelt splits the felt ids.a at bit n: low keeps n bits, high
// the rest.
func hintUintSplitFelt(n uint) Func {
	mask := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), n), big.NewInt(1))
	return func(c *Context) error {
		if n%64 == 0 {
			// On the felt's limbs: no big integers.
			f, err := c.Felt("a")
			if err != nil {
				return err
			}
			l := f.Regular()
			var lo, hi [4]uint64
			w := int(n / 64)
			copy(lo[:w], l[:w])
			copy(hi[:], l[w:])
			var low, high asm.Felt
			low.SetLimbs(lo)
			high.SetLimbs(hi)
			if err := c.Set("low", vm.FeltValue(low)); err != nil {
				return err
			}
			return c.Set("high", vm.FeltValue(high))
		}
		a, err := c.Big("a")
		if err != nil {
			return err
		}
		if err := c.SetBig("low", new(big.Int).And(a, mask)); err != nil {
			return err
		}
		return c.SetBig("high", new(big.Int).Rsh(a, n))
	}
}

// --- additions with carries ----------------------------------------------------

const (
	codeUint256AddLow = `sum_low = ids.a.low + ids.b.low
ids.carry_low = 1 if sum_low >= ids.SHIFT else 0`
	codeUint256Add = `sum_low = ids.a.low + ids.b.low
ids.carry_low = 1 if sum_low >= ids.SHIFT else 0
sum_high = ids.a.high + ids.b.high + ids.carry_low
ids.carry_high = 1 if sum_high >= ids.SHIFT else 0`
	codeUint384Add = `sum_d0 = ids.a.d0 + ids.b.d0
ids.carry_d0 = 1 if sum_d0 >= ids.SHIFT else 0
sum_d1 = ids.a.d1 + ids.b.d1 + ids.carry_d0
ids.carry_d1 = 1 if sum_d1 >= ids.SHIFT else 0
sum_d2 = ids.a.d2 + ids.b.d2 + ids.carry_d1
ids.carry_d2 = 1 if sum_d2 >= ids.SHIFT else 0`
	codeUint128Add = `res = ids.a + ids.b
ids.carry = 1 if res >= ids.SHIFT else 0`
)

// hintUintAdd computes the carries of a limb-wise addition: for each limb,
// sum = a.limb + b.limb + previous carry (read back from memory, as the
// Python reads ids.carry_<limb>), carry_<limb> = 1 if sum >= SHIFT.
func hintUintAdd(limbs []string) Func {
	return func(c *Context) error {
		if done, err := uintAdd128(c, limbs); done || err != nil {
			return err
		}
		shift, err := c.Big("SHIFT")
		if err != nil {
			return err
		}
		for i, l := range limbs {
			a, err := c.Big("a." + l)
			if err != nil {
				return err
			}
			b, err := c.Big("b." + l)
			if err != nil {
				return err
			}
			sum := new(big.Int).Add(a, b)
			if i > 0 {
				carry, err := c.Big("carry_" + limbs[i-1])
				if err != nil {
					return err
				}
				sum.Add(sum, carry)
			}
			if err := c.Set("carry_"+l, boolValue(sum.Cmp(shift) >= 0)); err != nil {
				return err
			}
		}
		return nil
	}
}

// uintAdd128 is hintUintAdd on 128-bit limbs with SHIFT = 2^128, the
// common case, in machine words; done is false when a limb or SHIFT is
// outside that case (the caller then computes with big integers).
func uintAdd128(c *Context, limbs []string) (done bool, err error) {
	shift, err := c.Const("SHIFT")
	if err != nil || shift.Cmp(rcBound) != 0 {
		return false, nil
	}
	var carry uint64
	for i, l := range limbs {
		a, err := c.Felt("a." + l)
		if err != nil {
			return false, nil
		}
		b, err := c.Felt("b." + l)
		if err != nil {
			return false, nil
		}
		al, bl := a.Regular(), b.Regular()
		if al[2]|al[3]|bl[2]|bl[3] != 0 {
			return false, nil
		}
		if i > 0 {
			// The Python reads the previous carry back from memory.
			cv, err := c.Felt("carry_" + limbs[i-1])
			if err != nil {
				return false, nil
			}
			cl := cv.Regular()
			if cl[1]|cl[2]|cl[3] != 0 || cl[0] > 1 {
				return false, nil
			}
			carry = cl[0]
		}
		// a + b + carry < 2^129, and the low words carry at most 1.
		lo, c0 := bits.Add64(al[0], bl[0], 0)
		_, c0b := bits.Add64(lo, carry, 0)
		_, over := bits.Add64(al[1], bl[1], c0|c0b)
		if err := c.Set("carry_"+l, boolValue(over != 0)); err != nil {
			return true, err
		}
	}
	return true, nil
}

func hintUint128Add(c *Context) error {
	a, err := c.Big("a")
	if err != nil {
		return err
	}
	b, err := c.Big("b")
	if err != nil {
		return err
	}
	shift, err := c.Big("SHIFT")
	if err != nil {
		return err
	}
	return c.Set("carry", boolValue(new(big.Int).Add(a, b).Cmp(shift) >= 0))
}

// --- uint256_improvements: uint256_sub --------------------------------------------

const codeUint256Sub = `def split(num: int, num_bits_shift: int = 128, length: int = 2):
    a = []
    for _ in range(length):
        a.append( num & ((1 << num_bits_shift) - 1) )
        num = num >> num_bits_shift
    return tuple(a)

def pack(z, num_bits_shift: int = 128) -> int:
    limbs = (z.low, z.high)
    return sum(limb << (num_bits_shift * i) for i, limb in enumerate(limbs))

a = pack(ids.a)
b = pack(ids.b)
res = (a - b)%2**256
res_split = split(res)
ids.res.low = res_split[0]
ids.res.high = res_split[1]`

var uintTwo256 = new(big.Int).Lsh(big.NewInt(1), 256)

func hintUint256Sub(c *Context) error {
	a, err := uintPack(c, "a", uint256Limbs)
	if err != nil {
		return err
	}
	b, err := uintPack(c, "b", uint256Limbs)
	if err != nil {
		return err
	}
	res := pyMod(new(big.Int).Sub(a, b), uintTwo256)
	return uintSetLimbs(c, "res", uint256Limbs, uintSplit(res, 2))
}

// --- divisions -------------------------------------------------------------------

const codeUint256DivRem = `a = (ids.a.high << 128) + ids.a.low
div = (ids.div.high << 128) + ids.div.low
quotient, remainder = divmod(a, div)

ids.quotient.low = quotient & ((1 << 128) - 1)
ids.quotient.high = quotient >> 128
ids.remainder.low = remainder & ((1 << 128) - 1)
ids.remainder.high = remainder >> 128`

// codeUint256ExpandedDivRem divides by a Uint256_expand, whose b01 and b23
// members hold the divisor's low and high 128 bits.
const codeUint256ExpandedDivRem = `a = (ids.a.high << 128) + ids.a.low
div = (ids.div.b23 << 128) + ids.div.b01
quotient, remainder = divmod(a, div)

ids.quotient.low = quotient & ((1 << 128) - 1)
ids.quotient.high = quotient >> 128
ids.remainder.low = remainder & ((1 << 128) - 1)
ids.remainder.high = remainder >> 128`

// uintLowHigh reads (ids.<high> << 128) + ids.<low>.
func uintLowHigh(c *Context, low, high string) (*big.Int, error) {
	h, err := c.Big(high)
	if err != nil {
		return nil, err
	}
	l, err := c.Big(low)
	if err != nil {
		return nil, err
	}
	return h.Lsh(h, 128).Add(h, l), nil
}

// uintDivMod is Python's divmod for the hints' non-negative operands.
func uintDivMod(a, div *big.Int) (q, r *big.Int, err error) {
	if div.Sign() == 0 {
		return nil, nil, errUintDivmodZero
	}
	q, r = pyDivMod(a, div)
	return q, r, nil
}

func hintUint256DivRem(divLow, divHigh string) Func {
	return func(c *Context) error {
		a, err := uintLowHigh(c, "a.low", "a.high")
		if err != nil {
			return err
		}
		div, err := uintLowHigh(c, divLow, divHigh)
		if err != nil {
			return err
		}
		q, r, err := uintDivMod(a, div)
		if err != nil {
			return err
		}
		if err := uintSetUint256(c, "quotient", q); err != nil {
			return err
		}
		return uintSetUint256(c, "remainder", r)
	}
}

const codeUint256MulDivMod = `a = (ids.a.high << 128) + ids.a.low
b = (ids.b.high << 128) + ids.b.low
div = (ids.div.high << 128) + ids.div.low
quotient, remainder = divmod(a * b, div)

ids.quotient_low.low = quotient & ((1 << 128) - 1)
ids.quotient_low.high = (quotient >> 128) & ((1 << 128) - 1)
ids.quotient_high.low = (quotient >> 256) & ((1 << 128) - 1)
ids.quotient_high.high = quotient >> 384
ids.remainder.low = remainder & ((1 << 128) - 1)
ids.remainder.high = remainder >> 128`

func hintUint256MulDivMod(c *Context) error {
	a, err := uintLowHigh(c, "a.low", "a.high")
	if err != nil {
		return err
	}
	b, err := uintLowHigh(c, "b.low", "b.high")
	if err != nil {
		return err
	}
	div, err := uintLowHigh(c, "div.low", "div.high")
	if err != nil {
		return err
	}
	q, r, err := uintDivMod(new(big.Int).Mul(a, b), div)
	if err != nil {
		return err
	}
	if err := uintSetLimbs(c, "quotient_low", uint256Limbs, uintSplit(q, 2)); err != nil {
		return err
	}
	if err := uintSetUint256(c, "quotient_high", new(big.Int).Rsh(q, 256)); err != nil {
		return err
	}
	return uintSetUint256(c, "remainder", r)
}

const codeUint384DivRem = `def split(num: int, num_bits_shift: int, length: int):
    a = []
    for _ in range(length):
        a.append( num & ((1 << num_bits_shift) - 1) )
        num = num >> num_bits_shift
    return tuple(a)

def pack(z, num_bits_shift: int) -> int:
    limbs = (z.d0, z.d1, z.d2)
    return sum(limb << (num_bits_shift * i) for i, limb in enumerate(limbs))

a = pack(ids.a, num_bits_shift = 128)
div = pack(ids.div, num_bits_shift = 128)
quotient, remainder = divmod(a, div)

quotient_split = split(quotient, num_bits_shift=128, length=3)
assert len(quotient_split) == 3

ids.quotient.d0 = quotient_split[0]
ids.quotient.d1 = quotient_split[1]
ids.quotient.d2 = quotient_split[2]

remainder_split = split(remainder, num_bits_shift=128, length=3)
ids.remainder.d0 = remainder_split[0]
ids.remainder.d1 = remainder_split[1]
ids.remainder.d2 = remainder_split[2]`

const codeUint384DivRemExpanded = `def split(num: int, num_bits_shift: int, length: int):
    a = []
    for _ in range(length):
        a.append( num & ((1 << num_bits_shift) - 1) )
        num = num >> num_bits_shift
    return tuple(a)

def pack(z, num_bits_shift: int) -> int:
    limbs = (z.d0, z.d1, z.d2)
    return sum(limb << (num_bits_shift * i) for i, limb in enumerate(limbs))

def pack_extended(z, num_bits_shift: int) -> int:
    limbs = (z.d0, z.d1, z.d2, z.d3, z.d4, z.d5)
    return sum(limb << (num_bits_shift * i) for i, limb in enumerate(limbs))

a = pack_extended(ids.a, num_bits_shift = 128)
div = pack(ids.div, num_bits_shift = 128)

quotient, remainder = divmod(a, div)

quotient_split = split(quotient, num_bits_shift=128, length=6)

ids.quotient.d0 = quotient_split[0]
ids.quotient.d1 = quotient_split[1]
ids.quotient.d2 = quotient_split[2]
ids.quotient.d3 = quotient_split[3]
ids.quotient.d4 = quotient_split[4]
ids.quotient.d5 = quotient_split[5]

remainder_split = split(remainder, num_bits_shift=128, length=3)
ids.remainder.d0 = remainder_split[0]
ids.remainder.d1 = remainder_split[1]
ids.remainder.d2 = remainder_split[2]`

const codeUint512DivRem = `def split(num: int, num_bits_shift: int, length: int):
    a = []
    for _ in range(length):
        a.append( num & ((1 << num_bits_shift) - 1) )
        num = num >> num_bits_shift
    return tuple(a)

def pack(z, num_bits_shift: int) -> int:
    limbs = (z.low, z.high)
    return sum(limb << (num_bits_shift * i) for i, limb in enumerate(limbs))

def pack_extended(z, num_bits_shift: int) -> int:
    limbs = (z.d0, z.d1, z.d2, z.d3)
    return sum(limb << (num_bits_shift * i) for i, limb in enumerate(limbs))

x = pack_extended(ids.x, num_bits_shift = 128)
div = pack(ids.div, num_bits_shift = 128)

quotient, remainder = divmod(x, div)

quotient_split = split(quotient, num_bits_shift=128, length=4)

ids.quotient.d0 = quotient_split[0]
ids.quotient.d1 = quotient_split[1]
ids.quotient.d2 = quotient_split[2]
ids.quotient.d3 = quotient_split[3]

remainder_split = split(remainder, num_bits_shift=128, length=2)
ids.remainder.low = remainder_split[0]
ids.remainder.high = remainder_split[1]`

// hintUintSplitDivRem is the divmod of the split/pack hints: the dividend
// ids.<dividend> has limbs aLimbs and the divisor ids.div has divLimbs;
// the quotient is split (every limb masked) into as many limbs as the
// dividend, the remainder into as many as the divisor.
func hintUintSplitDivRem(dividend string, aLimbs, divLimbs []string) Func {
	return func(c *Context) error {
		a, err := uintPack(c, dividend, aLimbs)
		if err != nil {
			return err
		}
		div, err := uintPack(c, "div", divLimbs)
		if err != nil {
			return err
		}
		q, r, err := uintDivMod(a, div)
		if err != nil {
			return err
		}
		if err := uintSetLimbs(c, "quotient", aLimbs, uintSplit(q, len(aLimbs))); err != nil {
			return err
		}
		return uintSetLimbs(c, "remainder", divLimbs, uintSplit(r, len(divLimbs)))
	}
}

// --- square roots --------------------------------------------------------------

const (
	codeUint256SqrtFelt = `from starkware.python.math_utils import isqrt
n = (ids.n.high << 128) + ids.n.low
root = isqrt(n)
assert 0 <= root < 2 ** 128
ids.root = root`
	codeUint256Sqrt = `from starkware.python.math_utils import isqrt
n = (ids.n.high << 128) + ids.n.low
root = isqrt(n)
assert 0 <= root < 2 ** 128
ids.root.low = root
ids.root.high = 0`
)

// hintUint256Sqrt writes isqrt of the Uint256 ids.n into ids.root: a felt
// when felt is set, otherwise a Uint256 with a zero high limb. The root is
// below 2**128 whenever n is a valid Uint256; limbs above 2**128 may break
// that, and the Python assertion catches it.
func hintUint256Sqrt(felt bool) Func {
	return func(c *Context) error {
		n, err := uintLowHigh(c, "n.low", "n.high")
		if err != nil {
			return err
		}
		root := isqrt(n)
		if root.Cmp(rcBound) >= 0 {
			return errors.New("AssertionError: 0 <= root < 2 ** 128")
		}
		if felt {
			return c.SetBig("root", root)
		}
		if err := c.SetBig("root.low", root); err != nil {
			return err
		}
		return c.SetUint("root.high", 0)
	}
}

const codeUint384Sqrt = `from starkware.python.math_utils import isqrt

def split(num: int, num_bits_shift: int, length: int):
    a = []
    for _ in range(length):
        a.append( num & ((1 << num_bits_shift) - 1) )
        num = num >> num_bits_shift
    return tuple(a)

def pack(z, num_bits_shift: int) -> int:
    limbs = (z.d0, z.d1, z.d2)
    return sum(limb << (num_bits_shift * i) for i, limb in enumerate(limbs))

a = pack(ids.a, num_bits_shift=128)
root = isqrt(a)
assert 0 <= root < 2 ** 192
root_split = split(root, num_bits_shift=128, length=3)
ids.root.d0 = root_split[0]
ids.root.d1 = root_split[1]
ids.root.d2 = root_split[2]`

var uintTwo192 = new(big.Int).Lsh(big.NewInt(1), 192)

func hintUint384Sqrt(c *Context) error {
	a, err := uintPack(c, "a", uint384Limbs)
	if err != nil {
		return err
	}
	root := isqrt(a)
	if root.Cmp(uintTwo192) >= 0 {
		return errors.New("AssertionError: 0 <= root < 2 ** 192")
	}
	return uintSetLimbs(c, "root", uint384Limbs, uintSplit(root, 3))
}

// --- signed_nn -------------------------------------------------------------------

const (
	codeUint256SignedNN = "memory[ap] = 1 if 0 <= (ids.a.high % PRIME) < 2 ** 127 else 0"
	codeUint384SignedNN = "memory[ap] = 1 if 0 <= (ids.a.d2 % PRIME) < 2 ** 127 else 0"
)

var uintTwo127 = new(big.Int).Lsh(big.NewInt(1), 127)

// hintUintSignedNN writes 1 when the top limb is below 2**127 (the number
// is non-negative in two's complement). A relocatable limb stays
// relocatable under % PRIME and is never below an integer, so it gives 0.
func hintUintSignedNN(top string) Func {
	return func(c *Context) error {
		v, err := c.Get(top)
		if err != nil {
			return err
		}
		return c.WriteAP(boolValue(v.IsFelt() && feltBig(v).Cmp(uintTwo127) < 0))
	}
}

// --- bigint.cairo: bigint_to_uint256 ---------------------------------------------

const codeUintBigintToUint256 = "ids.low = (ids.x.d0 + ids.x.d1 * ids.BASE) & ((1 << 128) - 1)"

func hintUintBigintToUint256(c *Context) error {
	d0, err := c.Big("x.d0")
	if err != nil {
		return err
	}
	d1, err := c.Big("x.d1")
	if err != nil {
		return err
	}
	base, err := c.Big("BASE")
	if err != nil {
		return err
	}
	v := new(big.Int).Mul(d1, base)
	v.Add(v, d0)
	return c.SetBig("low", v.And(v, mask128))
}
