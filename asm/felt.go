// Package asm is cairn's field core: the Cairo field element Felt over
// P = 2^251 + 17*2^192 + 1, the CPU feature report that says which arithmetic
// kernel runs, and the hash and curve primitives the builtins need.
//
// Felt wraps gnark-crypto's stark-curve fp.Element (Montgomery form, amd64
// assembly that picks the ADX/BMI2 path at run time). Methods follow the
// gnark/math-big convention: z.Op(x, y) sets z and returns z.
package asm

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/stark-curve/fp"
)

// Felt is an element of the Cairo field, stored in Montgomery form.
// The zero value is 0 and ready to use.
type Felt fp.Element

// Modulus is P = 2^251 + 17*2^192 + 1 as a decimal string.
const Modulus = "3618502788666131213697322783095070105623107215331596699973092056135872020481"

var (
	modulusBig = fp.Modulus()
	halfBig    = new(big.Int).Rsh(fp.Modulus(), 1)
)

// ModulusBig returns a fresh copy of P.
func ModulusBig() *big.Int { return new(big.Int).Set(modulusBig) }

func (z *Felt) e() *fp.Element { return (*fp.Element)(z) }

// FeltFromUint64 returns v as a field element.
func FeltFromUint64(v uint64) Felt {
	var z Felt
	z.e().SetUint64(v)
	return z
}

// FeltFromInt64 returns v mod P.
func FeltFromInt64(v int64) Felt {
	var z Felt
	z.e().SetInt64(v)
	return z
}

// One returns 1.
func One() Felt { return FeltFromUint64(1) }

// SetUint64 sets z = v.
func (z *Felt) SetUint64(v uint64) *Felt { z.e().SetUint64(v); return z }

// SetInt64 sets z = v mod P.
func (z *Felt) SetInt64(v int64) *Felt { z.e().SetInt64(v); return z }

// SetBigInt sets z = v mod P (v may be negative or larger than P).
func (z *Felt) SetBigInt(v *big.Int) *Felt { z.e().SetBigInt(v); return z }

// Add sets z = x + y.
func (z *Felt) Add(x, y *Felt) *Felt { z.e().Add(x.e(), y.e()); return z }

// Sub sets z = x - y.
func (z *Felt) Sub(x, y *Felt) *Felt { z.e().Sub(x.e(), y.e()); return z }

// Mul sets z = x * y.
func (z *Felt) Mul(x, y *Felt) *Felt { z.e().Mul(x.e(), y.e()); return z }

// Neg sets z = -x.
func (z *Felt) Neg(x *Felt) *Felt { z.e().Neg(x.e()); return z }

// Inverse sets z = 1/x; the inverse of 0 is 0.
func (z *Felt) Inverse(x *Felt) *Felt { z.e().Inverse(x.e()); return z }

// Div sets z = x / y in the field; division by 0 gives 0 (callers check).
func (z *Felt) Div(x, y *Felt) *Felt {
	var inv fp.Element
	inv.Inverse(y.e())
	z.e().Mul(x.e(), &inv)
	return z
}

// IsZero reports z == 0.
func (z *Felt) IsZero() bool { return z.e().IsZero() }

// IsOne reports z == 1.
func (z *Felt) IsOne() bool { return z.e().IsOne() }

// Equal reports z == x.
func (z *Felt) Equal(x *Felt) bool { return *z == *x }

// Cmp compares the integer views of z and x in [0, P).
func (z *Felt) Cmp(x *Felt) int { return z.e().Cmp(x.e()) }

// IsUint64 reports whether the integer view of z fits in a uint64.
func (z *Felt) IsUint64() bool { return z.e().IsUint64() }

// Uint64 returns the low 64 bits of the integer view of z.
func (z *Felt) Uint64() uint64 { return z.e().Uint64() }

// BigInt returns the integer view of z, in [0, P).
func (z *Felt) BigInt() *big.Int { return z.e().BigInt(new(big.Int)) }

// ToBig writes the integer view of z into res and returns res.
func (z *Felt) ToBig(res *big.Int) *big.Int { return z.e().BigInt(res) }

// Regular returns the integer view of z as four little-endian 64-bit limbs.
func (z *Felt) Regular() [4]uint64 { return z.e().Bits() }

// BitLen returns the bit length of the integer view of z.
func (z *Felt) BitLen() int { return z.BigInt().BitLen() }

// String returns the decimal integer view of z.
func (z Felt) String() string { return z.BigInt().String() }

// Hex returns the integer view of z as 0x-prefixed lower-case hex.
func (z *Felt) Hex() string { return "0x" + z.BigInt().Text(16) }

// Element exposes z as the gnark field element it is, for code that calls
// gnark-crypto directly (curve arithmetic).
func (z *Felt) Element() *fp.Element { return z.e() }

// Double sets z = 2x.
func (z *Felt) Double(x *Felt) *Felt { z.e().Double(x.e()); return z }

// Square sets z = x².
func (z *Felt) Square(x *Felt) *Felt { z.e().Square(x.e()); return z }

// Halve sets z = x/2, i.e. x·(P+1)/2. It costs an add and a shift, far less
// than a multiplication by the inverse of 2.
func (z *Felt) Halve(x *Felt) *Felt { *z = *x; z.e().Halve(); return z }

// Exp sets z = x^k. A negative k gives (1/x)^|k|, so with the convention
// 1/0 = 0, 0^k = 0 for k < 0; x^0 = 1 for every x, 0 included.
func (z *Felt) Exp(x *Felt, k *big.Int) *Felt { z.e().Exp(*x.e(), k); return z }

// Legendre returns the Legendre symbol of z: 1 when z is a non-zero square,
// -1 when it is not a square, 0 when z is 0.
func (z *Felt) Legendre() int { return z.e().Legendre() }

// Sqrt sets z to a square root of x and reports true, or leaves z unchanged
// and reports false when x is not a square. The root is the one gnark-crypto's
// algorithm (Sarkar's) lands on: a fixed function of x for a given gnark
// version, but with no rule about which of r and P-r it is. Use SqrtCanonical
// wherever the choice is observable (hints, serialized output).
func (z *Felt) Sqrt(x *Felt) bool {
	var r fp.Element
	if r.Sqrt(x.e()) == nil {
		return false
	}
	*z = Felt(r)
	return true
}

// SqrtCanonical is Sqrt with a deterministic choice: of the two roots r and
// P-r it returns the smaller integer, which is <= (P-1)/2. This is the root
// cairo-lang's math_utils.sqrt returns (the minimum of the roots), so hints
// that take a field square root agree with the Python VM.
func (z *Felt) SqrtCanonical(x *Felt) bool {
	var r Felt
	if !r.Sqrt(x) {
		return false
	}
	if r.Cmp(&feltHalf) > 0 {
		r.Neg(&r)
	}
	*z = r
	return true
}

// feltHalf is (P-1)/2 = P//2, the largest integer in the lower half of the
// field; the boundary of SqrtCanonical and of Signed.
var feltHalf = func() (f Felt) { f.SetBigInt(halfBig); return }()

// Limbs is Regular under the name that pairs with SetLimbs.
func (z *Felt) Limbs() [4]uint64 { return z.Regular() }
