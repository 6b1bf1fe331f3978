package asm

import (
	"crypto/sha256"
	"encoding/binary"
	"testing"
)

// SHA256Compress on the padded one-block messages "" and "abc" from the
// standard IV must give what crypto/sha256 gives.
func TestSHA256Compress(t *testing.T) {
	iv := [8]uint32{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}
	for _, msg := range []string{"", "abc", "the quick brown fox jumps over the lazy dog"} {
		var padded [64]byte
		copy(padded[:], msg)
		padded[len(msg)] = 0x80
		binary.BigEndian.PutUint64(padded[56:], uint64(8*len(msg)))
		var block [16]uint32
		for i := range block {
			block[i] = binary.BigEndian.Uint32(padded[4*i:])
		}
		st := iv
		SHA256Compress(&st, &block)
		var got [32]byte
		for i, w := range st {
			binary.BigEndian.PutUint32(got[4*i:], w)
		}
		if want := sha256.Sum256([]byte(msg)); got != want {
			t.Errorf("%q: %x, want %x", msg, got, want)
		}
	}
}
