package hints

import (
	"fmt"
	"math/big"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/vm"
)

// Integer helpers with Python's semantics, which the hints' cairo-lang
// originals rely on: % and // round towards negative infinity, ints are
// unbounded, and a felt read through ids is the integer in [0, PRIME).

var (
	primeBig = asm.ModulusBig()
	// halfPrime is PRIME // 2, the limit of as_int's positive range.
	halfPrime = new(big.Int).Rsh(primeBig, 1)
	// rcBound is range_check_builtin.bound.
	rcBound = new(big.Int).Lsh(big.NewInt(1), 128)
	// rcBoundFelt is the same bound as a felt.
	rcBoundFelt = func() asm.Felt { var f asm.Felt; f.SetBigInt(rcBound); return f }()
)

// RangeCheckBound returns range_check_builtin.bound (2^128).
func RangeCheckBound() *big.Int { return new(big.Int).Set(rcBound) }

// pyDivMod returns Python's divmod(a, b): floor quotient and a remainder
// with the sign of b. b must not be zero.
func pyDivMod(a, b *big.Int) (q, r *big.Int) {
	q, r = new(big.Int), new(big.Int)
	q.DivMod(a, b, r) // Euclidean: 0 <= r < |b|
	if b.Sign() < 0 && r.Sign() > 0 {
		// Python's remainder takes b's sign: r - |b| = r + b, so q*b
		// must grow by -b, which is q - 1.
		q.Sub(q, big.NewInt(1))
		r.Add(r, b)
	}
	return q, r
}

// pyMod returns Python's a % b.
func pyMod(a, b *big.Int) *big.Int {
	_, r := pyDivMod(a, b)
	return r
}

// asInt is cairo-lang's as_int: the lift of a field element to
// (-PRIME/2, PRIME/2).
func asInt(v *big.Int) *big.Int {
	if v.Cmp(halfPrime) < 0 {
		return new(big.Int).Set(v)
	}
	return new(big.Int).Sub(v, primeBig)
}

// pyHex is Python's hex().
func pyHex(v *big.Int) string {
	if v.Sign() < 0 {
		return "-0x" + new(big.Int).Neg(v).Text(16)
	}
	return "0x" + v.Text(16)
}

// feltBig returns the integer in [0, PRIME) of a felt value.
func feltBig(v vm.Value) *big.Int {
	f := v.Felt()
	return f.BigInt()
}

// feltUint64 returns the integer value of a felt when it is below 2^64:
// one conversion out of Montgomery form, no big.Int.
func feltUint64(v *vm.Value) (uint64, bool) {
	l := v.FeltRef().Regular()
	return l[0], l[1]|l[2]|l[3] == 0
}

// bigValue returns the felt value of an integer, reduced modulo PRIME (a
// Python int written to memory).
func bigValue(v *big.Int) vm.Value {
	var f asm.Felt
	f.SetBigInt(v)
	return vm.FeltValue(f)
}

// feltBelow2_128 reports whether the integer lift of f is below 2^128.
func feltBelow2_128(f *asm.Felt) bool {
	r := f.Regular()
	return r[2] == 0 && r[3] == 0
}

// pyLess is Python's a < b over memory values: integers compare as
// integers, relocatable values by (segment, offset), and every integer is
// smaller than every relocatable value (cairo-lang's RelocatableValue.__lt__
// and its reflections).
func pyLess(a, b vm.Value) bool {
	switch {
	case a.IsFelt() && b.IsFelt():
		fa, fb := a.Felt(), b.Felt()
		return fa.Cmp(&fb) < 0
	case a.IsFelt():
		return true
	case b.IsFelt():
		return false
	}
	pa, pb := a.Ptr(), b.Ptr()
	return pa.Segment < pb.Segment || pa.Segment == pb.Segment && pa.Offset < pb.Offset
}

// expectedInteger is cairo-lang's assert_integer failure.
func expectedInteger(v vm.Value) error {
	return fmt.Errorf("Expected integer, found: %s.", v)
}

// scopeInt converts a scope variable holding a Python int to a *big.Int.
func scopeInt(v any) (*big.Int, bool) {
	switch x := v.(type) {
	case *big.Int:
		return x, x != nil
	case int:
		return big.NewInt(int64(x)), true
	case int64:
		return big.NewInt(x), true
	case uint64:
		return new(big.Int).SetUint64(x), true
	case asm.Felt:
		return x.BigInt(), true
	case vm.Value:
		if x.IsFelt() {
			return feltBig(x), true
		}
	}
	return nil, false
}

// isqrt is Python's math.isqrt for a non-negative integer.
func isqrt(v *big.Int) *big.Int { return new(big.Int).Sqrt(v) }

// splitLimbs is the hints' split(num, num_bits_shift=bits, length=n): n
// limbs of bits bits, least significant first; bits above bits*n are
// dropped, as the Python loop drops them.
func splitLimbs(num *big.Int, bits uint, n int) []*big.Int {
	mask := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), bits), big.NewInt(1))
	out := make([]*big.Int, n)
	rest := new(big.Int).Set(num)
	for i := range out {
		out[i] = new(big.Int).And(rest, mask)
		rest.Rsh(rest, bits)
	}
	return out
}
