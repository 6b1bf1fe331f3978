package asm

import (
	"encoding/binary"
	"errors"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/stark-curve/fp"
)

// Conversions between Felt and strings, bytes, big.Int and limbs. Every
// conversion here reads or writes the integer view of a felt, the
// representative in [0, P); the Montgomery form never leaks out.

var (
	// ErrFeltSyntax is the reason in a ParseError for malformed input.
	ErrFeltSyntax = errors.New("invalid syntax")
	// ErrFeltRange is the reason in a ParseError for a magnitude >= P,
	// which FeltFromString rejects rather than silently wrapping.
	ErrFeltRange = errors.New("magnitude not below P")
)

// ParseError reports why a string is not a felt. Err is ErrFeltSyntax or
// ErrFeltRange, so errors.Is works on the returned error.
type ParseError struct {
	Input string // the string given
	Err   error  // the reason
}

func (e *ParseError) Error() string {
	return "asm: parsing felt " + strconv.Quote(e.Input) + ": " + e.Err.Error()
}

// Unwrap returns the reason, for errors.Is.
func (e *ParseError) Unwrap() error { return e.Err }

// FeltFromString parses a decimal integer, or a hexadecimal one with a 0x or
// 0X prefix, optionally preceded by '-'; -x stands for P - x. No '+', spaces
// or underscores. A magnitude >= P is an error rather than being reduced,
// because in Cairo source and data a literal that large is almost always a
// mistake; use FeltFromStringMod to reduce on purpose.
func FeltFromString(s string) (Felt, error) { return parseFelt(s, false) }

// FeltFromStringMod accepts the same syntax as FeltFromString but reduces
// any magnitude mod P (a negative value becomes P - (|x| mod P), or 0).
func FeltFromStringMod(s string) (Felt, error) { return parseFelt(s, true) }

func parseFelt(s string, reduce bool) (z Felt, err error) {
	digits, neg, base := s, false, 10
	if len(digits) > 0 && digits[0] == '-' {
		neg, digits = true, digits[1:]
	}
	if len(digits) > 1 && digits[0] == '0' && digits[1]|0x20 == 'x' {
		base, digits = 16, digits[2:]
	}
	if digits == "" {
		return z, &ParseError{s, ErrFeltSyntax}
	}
	for i := 0; i < len(digits); i++ {
		if c := digits[i]; !('0' <= c && c <= '9' || base == 16 && 'a' <= c|0x20 && c|0x20 <= 'f') {
			return z, &ParseError{s, ErrFeltSyntax}
		}
	}
	if hex := strings.TrimLeft(digits, "0"); base == 16 && len(hex) <= 64 {
		// Hex maps straight onto limbs: program data is mostly hex felts.
		var l [4]uint64
		for i := range len(hex) {
			c := hex[len(hex)-1-i]
			d := uint64(c - '0')
			if c > '9' {
				d = uint64(c|0x20-'a') + 10
			}
			l[i/16] |= d << (4 * (i % 16))
		}
		if !limbsBelowP(l) && !reduce {
			return z, &ParseError{s, ErrFeltRange}
		}
		z.SetLimbs(l)
	} else if base == 10 && len(digits) <= 19 {
		v, _ := strconv.ParseUint(digits, 10, 64) // fits: < 10^19
		z.SetUint64(v)
	} else {
		v, _ := new(big.Int).SetString(digits, base) // digits checked above
		if v.Cmp(modulusBig) >= 0 && !reduce {
			return z, &ParseError{s, ErrFeltRange}
		}
		z.SetBigInt(v)
	}
	if neg {
		z.Neg(&z)
	}
	return z, nil
}

// FeltFromBig returns v mod P; v may be negative or at least P.
func FeltFromBig(v *big.Int) Felt {
	var z Felt
	z.SetBigInt(v)
	return z
}

// FeltFromBytesBE returns the big-endian unsigned integer b mod P. Input of
// up to 32 bytes takes the fast path; longer input is accepted and reduced.
func FeltFromBytesBE(b []byte) Felt {
	var z Felt
	z.SetBytesBE(b)
	return z
}

// FeltFromBytesLE is FeltFromBytesBE for little-endian input.
func FeltFromBytesLE(b []byte) Felt {
	var z Felt
	z.SetBytesLE(b)
	return z
}

// SetBytesBE sets z to the big-endian unsigned integer b mod P.
func (z *Felt) SetBytesBE(b []byte) *Felt {
	if len(b) > 32 {
		return z.SetBigInt(new(big.Int).SetBytes(b))
	}
	var buf [32]byte
	copy(buf[32-len(b):], b)
	be := binary.BigEndian
	return z.SetLimbs([4]uint64{be.Uint64(buf[24:]), be.Uint64(buf[16:]), be.Uint64(buf[8:]), be.Uint64(buf[:])})
}

// SetBytesLE sets z to the little-endian unsigned integer b mod P.
func (z *Felt) SetBytesLE(b []byte) *Felt {
	if len(b) > 32 {
		r := slices.Clone(b)
		slices.Reverse(r)
		return z.SetBigInt(new(big.Int).SetBytes(r))
	}
	var buf [32]byte
	copy(buf[:], b)
	le := binary.LittleEndian
	return z.SetLimbs([4]uint64{le.Uint64(buf[:]), le.Uint64(buf[8:]), le.Uint64(buf[16:]), le.Uint64(buf[24:])})
}

// BytesBE returns the integer view of z as 32 big-endian bytes.
func (z *Felt) BytesBE() [32]byte { return z.e().Bytes() }

// BytesLE returns the integer view of z as 32 little-endian bytes.
func (z *Felt) BytesLE() (b [32]byte) {
	fp.LittleEndian.PutElement(&b, *z.e())
	return b
}

// Signed returns the integer lift of z into (-P/2, P/2) exactly as
// cairo-lang's math_utils.as_int(value, prime) computes it:
// value if value < prime // 2 else value - prime. Note the boundary: with
// P odd, prime // 2 = (P-1)/2 itself maps to -(P+1)/2, so the result lies in
// [-(P+1)/2, (P-3)/2]. Hints must reproduce this, off-by-one included.
func (z *Felt) Signed() *big.Int {
	v := z.BigInt()
	if v.Cmp(halfBig) >= 0 {
		v.Sub(v, modulusBig)
	}
	return v
}

// pLimbs is P = 2^251 + 17·2^192 + 1 as little-endian 64-bit limbs.
var pLimbs = [4]uint64{1, 0, 0, 1<<59 + 17}

// rSquare holds R² mod P (R = 2^256) in its raw limbs: it is the Montgomery
// form of R mod P. One Montgomery product v·rSquare·R⁻¹ = v·R mod P turns a
// regular value v < P into its Montgomery form.
var rSquare = func() (e fp.Element) { e.SetBigInt(new(big.Int).Lsh(big.NewInt(1), 256)); return }()

// SetLimbs sets z from four little-endian 64-bit limbs of the regular
// (integer) representation, the inverse of Limbs/Regular. Values below P cost
// one field multiplication; values >= P are reduced mod P on a slower path.
func (z *Felt) SetLimbs(v [4]uint64) *Felt {
	if !limbsBelowP(v) {
		return z.SetBigInt(limbsBig(v))
	}
	e := fp.Element(v)
	z.e().Mul(&e, &rSquare)
	return z
}

func limbsBelowP(v [4]uint64) bool {
	for i := 3; i >= 0; i-- {
		if v[i] != pLimbs[i] {
			return v[i] < pLimbs[i]
		}
	}
	return false // v == P
}

func limbsBig(v [4]uint64) *big.Int {
	var b [32]byte
	for i, l := range v {
		binary.BigEndian.PutUint64(b[24-8*i:], l)
	}
	return new(big.Int).SetBytes(b[:])
}
