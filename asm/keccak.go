package asm

import (
	"encoding/binary"
	"math/bits"

	"github.com/consensys/gnark-crypto/ecc/stark-curve/fp"
)

// keccakRC are the 24 Keccak-f[1600] round constants (the iota step),
// produced by the degree-8 LFSR of the Keccak reference.
var keccakRC = [24]uint64{
	0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000,
	0x000000000000808b, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
	0x000000000000008a, 0x0000000000000088, 0x0000000080008009, 0x000000008000000a,
	0x000000008000808b, 0x800000000000008b, 0x8000000000008089, 0x8000000000008003,
	0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
	0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
}

// KeccakF1600 applies the Keccak-f[1600] permutation (24 rounds) to the state
// a, whose lane (x, y) is a[x+5*y], each lane read as a little-endian 64-bit
// word as in the Keccak reference. One round is written out on 25 local
// variables so the lanes live in registers; theta's column parities are
// folded into the rho/pi rotations.
func KeccakF1600(a *[25]uint64) {
	a00, a01, a02, a03, a04 := a[0], a[1], a[2], a[3], a[4]
	a05, a06, a07, a08, a09 := a[5], a[6], a[7], a[8], a[9]
	a10, a11, a12, a13, a14 := a[10], a[11], a[12], a[13], a[14]
	a15, a16, a17, a18, a19 := a[15], a[16], a[17], a[18], a[19]
	a20, a21, a22, a23, a24 := a[20], a[21], a[22], a[23], a[24]
	for _, rc := range &keccakRC {
		c0 := a00 ^ a05 ^ a10 ^ a15 ^ a20
		c1 := a01 ^ a06 ^ a11 ^ a16 ^ a21
		c2 := a02 ^ a07 ^ a12 ^ a17 ^ a22
		c3 := a03 ^ a08 ^ a13 ^ a18 ^ a23
		c4 := a04 ^ a09 ^ a14 ^ a19 ^ a24
		d0 := c4 ^ bits.RotateLeft64(c1, 1)
		d1 := c0 ^ bits.RotateLeft64(c2, 1)
		d2 := c1 ^ bits.RotateLeft64(c3, 1)
		d3 := c2 ^ bits.RotateLeft64(c4, 1)
		d4 := c3 ^ bits.RotateLeft64(c0, 1)
		b00 := a00 ^ d0
		b10 := bits.RotateLeft64(a01^d1, 1)
		b20 := bits.RotateLeft64(a02^d2, 62)
		b05 := bits.RotateLeft64(a03^d3, 28)
		b15 := bits.RotateLeft64(a04^d4, 27)
		b16 := bits.RotateLeft64(a05^d0, 36)
		b01 := bits.RotateLeft64(a06^d1, 44)
		b11 := bits.RotateLeft64(a07^d2, 6)
		b21 := bits.RotateLeft64(a08^d3, 55)
		b06 := bits.RotateLeft64(a09^d4, 20)
		b07 := bits.RotateLeft64(a10^d0, 3)
		b17 := bits.RotateLeft64(a11^d1, 10)
		b02 := bits.RotateLeft64(a12^d2, 43)
		b12 := bits.RotateLeft64(a13^d3, 25)
		b22 := bits.RotateLeft64(a14^d4, 39)
		b23 := bits.RotateLeft64(a15^d0, 41)
		b08 := bits.RotateLeft64(a16^d1, 45)
		b18 := bits.RotateLeft64(a17^d2, 15)
		b03 := bits.RotateLeft64(a18^d3, 21)
		b13 := bits.RotateLeft64(a19^d4, 8)
		b14 := bits.RotateLeft64(a20^d0, 18)
		b24 := bits.RotateLeft64(a21^d1, 2)
		b09 := bits.RotateLeft64(a22^d2, 61)
		b19 := bits.RotateLeft64(a23^d3, 56)
		b04 := bits.RotateLeft64(a24^d4, 14)
		a00 = b00 ^ (^b01 & b02)
		a01 = b01 ^ (^b02 & b03)
		a02 = b02 ^ (^b03 & b04)
		a03 = b03 ^ (^b04 & b00)
		a04 = b04 ^ (^b00 & b01)
		a05 = b05 ^ (^b06 & b07)
		a06 = b06 ^ (^b07 & b08)
		a07 = b07 ^ (^b08 & b09)
		a08 = b08 ^ (^b09 & b05)
		a09 = b09 ^ (^b05 & b06)
		a10 = b10 ^ (^b11 & b12)
		a11 = b11 ^ (^b12 & b13)
		a12 = b12 ^ (^b13 & b14)
		a13 = b13 ^ (^b14 & b10)
		a14 = b14 ^ (^b10 & b11)
		a15 = b15 ^ (^b16 & b17)
		a16 = b16 ^ (^b17 & b18)
		a17 = b17 ^ (^b18 & b19)
		a18 = b18 ^ (^b19 & b15)
		a19 = b19 ^ (^b15 & b16)
		a20 = b20 ^ (^b21 & b22)
		a21 = b21 ^ (^b22 & b23)
		a22 = b22 ^ (^b23 & b24)
		a23 = b23 ^ (^b24 & b20)
		a24 = b24 ^ (^b20 & b21)
		a00 ^= rc
	}
	a[0], a[1], a[2], a[3], a[4] = a00, a01, a02, a03, a04
	a[5], a[6], a[7], a[8], a[9] = a05, a06, a07, a08, a09
	a[10], a[11], a[12], a[13], a[14] = a10, a11, a12, a13, a14
	a[15], a[16], a[17], a[18], a[19] = a15, a16, a17, a18, a19
	a[20], a[21], a[22], a[23], a[24] = a20, a21, a22, a23, a24
}

// keccak256Rate is the Keccak-256 rate in bytes (1600 - 2*256 bits).
const keccak256Rate = 136

// Keccak256 returns the Keccak-256 digest of data with the original Keccak
// padding (domain byte 0x01, final bit 0x80), as used by Ethereum, Starknet
// and cairo-lang's keccak; this is not FIPS-202 SHA3-256 (domain byte 0x06).
func Keccak256(data []byte) [32]byte {
	return keccakSponge256(data, 0x01)
}

// keccakSponge256 absorbs data at rate 136 with the given domain padding byte
// and squeezes 32 bytes.
func keccakSponge256(data []byte, pad byte) [32]byte {
	var st [25]uint64
	for len(data) >= keccak256Rate {
		for i := 0; i < keccak256Rate/8; i++ {
			st[i] ^= binary.LittleEndian.Uint64(data[8*i:])
		}
		KeccakF1600(&st)
		data = data[keccak256Rate:]
	}
	var last [keccak256Rate]byte
	copy(last[:], data)
	last[len(data)] ^= pad
	last[keccak256Rate-1] ^= 0x80
	for i := 0; i < keccak256Rate/8; i++ {
		st[i] ^= binary.LittleEndian.Uint64(last[8*i:])
	}
	KeccakF1600(&st)
	var out [32]byte
	for i := 0; i < 4; i++ {
		binary.LittleEndian.PutUint64(out[8*i:], st[i])
	}
	return out
}

// StarknetKeccak returns sn_keccak(data): the Keccak-256 digest read as a
// big-endian integer and truncated to its low 250 bits, which is always
// below P. This is how Starknet derives entry-point selectors
// (sn_keccak("transfer") is the selector of transfer).
func StarknetKeccak(data []byte) Felt {
	d := Keccak256(data)
	d[0] &= 0x03
	var z Felt
	(*fp.Element)(&z).SetBytes(d[:])
	return z
}
