package wasm

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"
)

// Expected byte strings are the LEB128 encodings given by the definition
// (specification section 5.2.2) and its usual worked examples.
func TestUnsignedLEB128(t *testing.T) {
	cases := []struct {
		v    uint64
		want []byte
	}{
		{0, []byte{0x00}},
		{1, []byte{0x01}},
		{63, []byte{0x3f}},
		{64, []byte{0x40}},
		{127, []byte{0x7f}},
		{128, []byte{0x80, 0x01}},
		{255, []byte{0xff, 0x01}},
		{300, []byte{0xac, 0x02}},
		{16383, []byte{0xff, 0x7f}},
		{16384, []byte{0x80, 0x80, 0x01}},
		{624485, []byte{0xe5, 0x8e, 0x26}},
		{math.MaxInt32, []byte{0xff, 0xff, 0xff, 0xff, 0x07}},
		{math.MaxUint32, []byte{0xff, 0xff, 0xff, 0xff, 0x0f}},
		{math.MaxInt64, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}},
		{math.MaxUint64, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
	}
	for _, c := range cases {
		got := appendU64(nil, c.v)
		if !bytes.Equal(got, c.want) {
			t.Errorf("uleb(%d) = % x, want % x", c.v, got, c.want)
		}
		if c.v <= math.MaxUint32 {
			if got32 := appendU32(nil, uint32(c.v)); !bytes.Equal(got32, c.want) {
				t.Errorf("u32 leb(%d) = % x, want % x", c.v, got32, c.want)
			}
			if n := sizeU32(uint32(c.v)); n != len(c.want) {
				t.Errorf("sizeU32(%d) = %d, want %d", c.v, n, len(c.want))
			}
		}
		v, n, err := readUnsigned(c.want, 64)
		if err != nil || v != c.v || n != len(c.want) {
			t.Errorf("readUnsigned(% x) = %d, %d, %v; want %d", c.want, v, n, err, c.v)
		}
	}
}

func TestSignedLEB128(t *testing.T) {
	cases := []struct {
		v    int64
		want []byte
	}{
		{0, []byte{0x00}},
		{1, []byte{0x01}},
		{2, []byte{0x02}},
		{63, []byte{0x3f}},
		{64, []byte{0xc0, 0x00}},
		{127, []byte{0xff, 0x00}},
		{128, []byte{0x80, 0x01}},
		{-1, []byte{0x7f}},
		{-2, []byte{0x7e}},
		{-64, []byte{0x40}},
		{-65, []byte{0xbf, 0x7f}},
		{-127, []byte{0x81, 0x7f}},
		{-128, []byte{0x80, 0x7f}},
		{-129, []byte{0xff, 0x7e}},
		{-123456, []byte{0xc0, 0xbb, 0x78}},
		{math.MaxInt32, []byte{0xff, 0xff, 0xff, 0xff, 0x07}},
		{math.MinInt32, []byte{0x80, 0x80, 0x80, 0x80, 0x78}},
		{math.MaxInt64, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00}},
		{math.MinInt64, []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f}},
	}
	for _, c := range cases {
		got := appendS64(nil, c.v)
		if !bytes.Equal(got, c.want) {
			t.Errorf("sleb(%d) = % x, want % x", c.v, got, c.want)
		}
		v, n, err := readSigned(c.want, 64)
		if err != nil || v != c.v || n != len(c.want) {
			t.Errorf("readSigned(% x, 64) = %d, %d, %v; want %d", c.want, v, n, err, c.v)
		}
		if c.v >= math.MinInt32 && c.v <= math.MaxInt32 {
			v, n, err := readSigned(c.want, 32)
			if err != nil || v != c.v || n != len(c.want) {
				t.Errorf("readSigned(% x, 32) = %d, %d, %v; want %d", c.want, v, n, err, c.v)
			}
		}
	}
}

// The decoders follow the specification's limits: at most ceil(N/7)
// bytes, and the unused bits of the last byte must be zero (unsigned) or
// copies of the sign bit (signed). Non-minimal encodings within the
// length limit are accepted.
func TestLEB128DecodeLimits(t *testing.T) {
	unsigned := []struct {
		in   []byte
		bits uint
		ok   bool
		v    uint64
	}{
		{[]byte{0x80, 0x00}, 32, true, 0},
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x00}, 32, true, 0},
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 32, false, 0},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0x0f}, 32, true, math.MaxUint32},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0x1f}, 32, false, 0},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0x4f}, 32, false, 0},
		{[]byte{0x80}, 32, false, 0},
		{[]byte{}, 32, false, 0},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, 64, false, 0},
	}
	for _, c := range unsigned {
		v, _, err := readUnsigned(c.in, c.bits)
		if (err == nil) != c.ok || (c.ok && v != c.v) {
			t.Errorf("readUnsigned(% x, %d) = %d, %v; want ok=%v %d", c.in, c.bits, v, err, c.ok, c.v)
		}
	}
	signed := []struct {
		in   []byte
		bits uint
		ok   bool
		v    int64
	}{
		{[]byte{0xff, 0xff, 0xff, 0xff, 0x7f}, 32, true, -1},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0x0f}, 32, false, 0},
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x70}, 32, false, 0},
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 32, false, 0},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0x0f}, 33, true, math.MaxUint32},
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x10}, 33, false, 0},
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x20}, 33, false, 0},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, 64, true, -1},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 64, false, 0},
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7e}, 64, false, 0},
	}
	for _, c := range signed {
		v, _, err := readSigned(c.in, c.bits)
		if (err == nil) != c.ok || (c.ok && v != c.v) {
			t.Errorf("readSigned(% x, %d) = %d, %v; want ok=%v %d", c.in, c.bits, v, err, c.ok, c.v)
		}
	}
}

func TestLEB128RoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		u := rng.Uint64() >> rng.IntN(64)
		b := appendU64(nil, u)
		if v, n, err := readUnsigned(b, 64); err != nil || v != u || n != len(b) {
			t.Fatalf("unsigned %d: % x -> %d %d %v", u, b, v, n, err)
		}
		s := int64(rng.Uint64()) >> rng.IntN(64)
		b = appendS64(nil, s)
		if v, n, err := readSigned(b, 64); err != nil || v != s || n != len(b) {
			t.Fatalf("signed %d: % x -> %d %d %v", s, b, v, n, err)
		}
		if s32 := int64(int32(s)); true {
			b = appendS64(nil, s32)
			if v, _, err := readSigned(b, 32); err != nil || v != s32 {
				t.Fatalf("s32 %d: % x -> %d %v", s32, b, v, err)
			}
		}
	}
}
