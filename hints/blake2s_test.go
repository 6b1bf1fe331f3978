package hints

import (
	"encoding/binary"
	"encoding/hex"
	"math/big"
	"testing"

	"github.com/cairn-vm/cairn/vm"
)

// testBlake2s is BLAKE2s (RFC 7693, 3.3) with an outlen-byte digest and an
// optional key, built on blake2sCompress: the key is padded to a first
// block, every block but the last is compressed with its byte offset, the
// last (zero padded, possibly empty) with the total length and the final
// flag.
func testBlake2s(outlen int, key, in []byte) []byte {
	h := blake2sIV
	h[0] ^= 0x01010000 ^ uint32(len(key))<<8 ^ uint32(outlen)
	var data []byte
	if len(key) > 0 {
		data = make([]byte, 64)
		copy(data, key)
	}
	data = append(data, in...)
	off := 0
	for {
		end := min(off+64, len(data))
		var block [64]byte
		copy(block[:], data[off:end])
		var m [16]uint32
		for i := range m {
			m[i] = binary.LittleEndian.Uint32(block[4*i:])
		}
		var f0 uint32
		last := end == len(data)
		if last {
			f0 = 0xffffffff
		}
		h = blake2sCompress(&h, &m, uint32(end), uint32(uint64(end)>>32), f0, 0)
		if last {
			break
		}
		off = end
	}
	out := make([]byte, 32)
	for i, w := range h {
		binary.LittleEndian.PutUint32(out[4*i:], w)
	}
	return out[:outlen]
}

// rfc7693Seq is selftest_seq of RFC 7693, appendix E: a Fibonacci-like
// deterministic byte sequence.
func rfc7693Seq(n int, seed uint32) []byte {
	out := make([]byte, n)
	a, b := 0xDEAD4BAD*seed, uint32(1)
	for i := range out {
		t := a + b
		a, b = b, t
		out[i] = byte(t >> 24)
	}
	return out
}

// TestBlake2sRFC7693 checks the compression function with the test vector
// of RFC 7693, appendix B, the empty-input digest, and the self-test of
// appendix E (a digest of 48 digests of all output and input lengths it
// lists, unkeyed and keyed).
func TestBlake2sRFC7693(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"abc", "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982"},
		{"", "69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9"},
	} {
		if got := hex.EncodeToString(testBlake2s(32, nil, []byte(tc.in))); got != tc.want {
			t.Fatalf("BLAKE2s-256(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	var grand []byte
	for _, outlen := range []int{16, 20, 28, 32} {
		for _, inlen := range []int{0, 3, 64, 65, 255, 1024} {
			in := rfc7693Seq(inlen, uint32(inlen))
			grand = append(grand, testBlake2s(outlen, nil, in)...)
			key := rfc7693Seq(outlen, uint32(outlen))
			grand = append(grand, testBlake2s(outlen, key, in)...)
		}
	}
	want := "6a411f08ce25adcdfb02aba641451cec53c598b24f4fc787fbdc88797f4c1dfe"
	if got := hex.EncodeToString(testBlake2s(32, nil, grand)); got != want {
		t.Fatalf("RFC 7693 self-test digest = %s, want %s", got, want)
	}
}

// blake2sDigestWords is a digest given as hex read as 8 little-endian
// words, as the Cairo code holds it.
func blake2sDigestWords(t *testing.T, digest string) []uint32 {
	t.Helper()
	b, err := hex.DecodeString(digest)
	if err != nil || len(b) != 32 {
		t.Fatalf("bad digest %q", digest)
	}
	w := make([]uint32, 8)
	for i := range w {
		w[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return w
}

// blake2sMessage is msg (at most 64 bytes) as 16 little-endian words.
func blake2sMessage(msg string) []uint32 {
	var block [64]byte
	copy(block[:], msg)
	m := make([]uint32, 16)
	for i := range m {
		m[i] = binary.LittleEndian.Uint32(block[4*i:])
	}
	return m
}

const (
	blake2sABC   = "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982"
	blake2sEmpty = "69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9"
)

// blake2sUnkeyed256IV is the BLAKE2s-256 initial state h[0..7] (IV with
// the parameter block 0x01010020 in h[0]).
var blake2sUnkeyed256IV = []uint32{0x6b08e647, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}

// TestHintBlake2sCompute lays out one instance (h, message, t, f) as
// blake2s_last_block does and checks the output written after it.
func TestHintBlake2sCompute(t *testing.T) {
	for _, tc := range []struct {
		msg, digest string
	}{{"abc", blake2sABC}, {"", blake2sEmpty}} {
		f := hashFixture(t, codeBlake2sCompute, nil, tref{name: "output", value: hashPtrRef(3)})
		inst := append(append([]uint32(nil), blake2sUnkeyed256IV...), blake2sMessage(tc.msg)...)
		inst = append(inst, uint32(len(tc.msg)), 0xffffffff)
		s := hashSegment(f, 0, inst)
		f.put(f.fp(-3), vm.PtrValue(s.Add(26)))
		f.mustRun()
		if got, want := hashWords32(f, s.Add(26), 8), blake2sDigestWords(t, tc.digest); !hashSameWords(got, want) {
			t.Fatalf("%q: %08x, want %08x", tc.msg, got, want)
		}
	}

	// A wrong (not 32-bit) word of h, and output too close to the segment
	// start for an instance to precede it.
	f := hashFixture(t, codeBlake2sCompute, nil, tref{name: "output", value: hashPtrRef(3)})
	wide := make([]uint64, 26)
	wide[7] = 1 << 32
	s := hashSegment(f, 0, wide)
	f.put(f.fp(-3), vm.PtrValue(s.Add(26)))
	wantErr(t, f.run(), "blake2s_compress: h[7] = 4294967296 is not a 32-bit word")
	f = hashFixture(t, codeBlake2sCompute, nil, tref{name: "output", value: hashPtrRef(3)})
	s = hashSegment(f, 0, make([]uint32, 30))
	f.put(f.fp(-3), vm.PtrValue(s.Add(25)))
	wantErr(t, f.run(), "Unknown value for memory cell")
}

// TestHintBlake2sCompressChunk is example_blake2s's single compression of
// the chunk at blake2s_start, the final block of an n_bytes input.
func TestHintBlake2sCompressChunk(t *testing.T) {
	refs := []tref{{name: "blake2s_start", value: hashPtrRef(3)}, {name: "output", value: hashPtrRef(4)}, {name: "n_bytes", value: fpArg(5)}}
	for _, tc := range []struct{ msg, digest string }{{"abc", blake2sABC}, {"", blake2sEmpty}} {
		f := hashFixture(t, codeBlake2sCompressChunk, map[string]int64{"BLAKE2S_INPUT_CHUNK_SIZE_FELTS": 16}, refs...)
		hashSegment(f, 3, blake2sMessage(tc.msg))
		out := hashOutSegment(f, 4)
		f.put(f.fp(-5), vm.IntValue(uint64(len(tc.msg))))
		f.mustRun()
		if got, want := hashWords32(f, out, 8), blake2sDigestWords(t, tc.digest); !hashSameWords(got, want) {
			t.Fatalf("%q: %08x, want %08x", tc.msg, got, want)
		}
	}
	// Fewer than 16 message words: blake2s_compress indexes past them.
	f := hashFixture(t, codeBlake2sCompressChunk, map[string]int64{"BLAKE2S_INPUT_CHUNK_SIZE_FELTS": 8}, refs...)
	hashSegment(f, 3, make([]uint32, 16))
	hashOutSegment(f, 4)
	f.put(f.fp(-5), vm.IntValue(0))
	wantErr(t, f.run(), "list index out of range")
}

// TestHintBlake2sFinalize checks the dummy instances of the three layouts:
// BLAKE2s-256 of the empty input (the zero block, t = 0, final) with h
// before (or, in the oldest layout, after) the message.
func TestHintBlake2sFinalize(t *testing.T) {
	digest := blake2sDigestWords(t, blake2sEmpty)
	for _, tc := range []struct {
		code, chunk string
		ivFirst     bool
	}{
		{codeBlake2sFinalizeV1, "BLAKE2S_INPUT_CHUNK_SIZE_FELTS", false},
		{codeBlake2sFinalizeV2, "BLAKE2S_INPUT_CHUNK_SIZE_FELTS", true},
		{codeBlake2sFinalize, "INPUT_BLOCK_FELTS", true},
	} {
		var inst []uint32
		if tc.ivFirst {
			inst = append(append(inst, blake2sUnkeyed256IV...), make([]uint32, 16)...)
		} else {
			inst = append(append(inst, make([]uint32, 16)...), blake2sUnkeyed256IV...)
		}
		inst = append(append(inst, 0, 0xffffffff), digest...)
		for _, np := range []int64{0, 1, 2, 7, 19} {
			f := hashFixture(t, tc.code, map[string]int64{"N_PACKED_INSTANCES": np, tc.chunk: 16},
				tref{name: "blake2s_ptr_end", value: hashPtrRef(3)})
			end := hashOutSegment(f, 3)
			f.mustRun()
			copies := max(int(np)-1, 0)
			for k := 0; k < copies; k++ {
				if got := hashWords32(f, end.Add(k*len(inst)), len(inst)); !hashSameWords(got, inst) {
					t.Fatalf("%s, %d instances, copy %d: %08x, want %08x", tc.chunk, np, k, got, inst)
				}
			}
			if v := f.st.Mem.Get(end.Add(copies * len(inst))); v.Known() {
				t.Fatalf("%d instances: wrote past %d copies", np, copies)
			}
		}
		f := hashFixture(t, tc.code, map[string]int64{"N_PACKED_INSTANCES": 20, tc.chunk: 16}, tref{name: "blake2s_ptr_end", value: hashPtrRef(3)})
		wantErr(t, f.run(), "AssertionError: 0 <= _n_packed_instances < 20")
		f = hashFixture(t, tc.code, map[string]int64{"N_PACKED_INSTANCES": 7, tc.chunk: -1}, tref{name: "blake2s_ptr_end", value: hashPtrRef(3)})
		wantErr(t, f.run(), "AssertionError: 0 <= _blake2s_input_chunk_size_felts < 100")
	}
}

// TestHintBlake2sAddUint256 checks both word orders on edge values.
func TestHintBlake2sAddUint256(t *testing.T) {
	words := func(v *big.Int) []uint32 { // least significant first
		out := make([]uint32, 4)
		for i := range out {
			out[i] = uint32(new(big.Int).Rsh(v, uint(32*i)).Uint64())
		}
		return out
	}
	rev := func(w []uint32) []uint32 { return []uint32{w[3], w[2], w[1], w[0]} }
	vals := []*big.Int{b(0), b(1), sub(two128, b(1)), mustBig("0x0123456789abcdef00112233445566ff"), b(1 << 40)}
	for _, low := range vals {
		for _, high := range vals {
			for _, bigend := range []bool{false, true} {
				code, want := codeBlake2sAddUint256, append(words(low), words(high)...)
				if bigend {
					code, want = codeBlake2sAddUint256Bigend, append(rev(words(high)), rev(words(low))...)
				}
				f := hashFixture(t, code, nil, tref{name: "data", value: hashPtrRef(3)},
					tref{name: "low", value: fpArg(4)}, tref{name: "high", value: fpArg(5)})
				d := hashOutSegment(f, 3)
				f.putBig(f.fp(-4), low)
				f.putBig(f.fp(-5), high)
				f.mustRun()
				if got := hashWords32(f, d, 8); !hashSameWords(got, want) {
					t.Fatalf("low %s high %s bigend %v: %08x, want %08x", low, high, bigend, got, want)
				}
			}
		}
	}
}

func TestHintBlake2sEncodeFelts(t *testing.T) {
	two63 := new(big.Int).Lsh(b(1), 63)
	vals := []*big.Int{b(0), b(5), sub(two63, b(1)), two63, pMinus1, mustBig("0x800000000000011000000000000000000000000000000000000000000000000")}
	// Expected words: two big-endian words below 2**63, else eight with
	// bit 255 set.
	var want []uint32
	for _, v := range vals {
		n := 2
		x := new(big.Int).Set(v)
		if v.Cmp(two63) >= 0 {
			n = 8
			x.SetBit(x, 255, 1)
		}
		for i := n - 1; i >= 0; i-- {
			want = append(want, uint32(new(big.Int).Rsh(x, uint(32*i)).Uint64()))
		}
	}
	f := hashFixture(t, codeBlake2sEncodeFelts, nil, tref{name: "packed_values", value: hashPtrRef(3)},
		tref{name: "unpacked_u32s", value: hashPtrRef(4)}, tref{name: "packed_values_len", value: fpArg(5)})
	src := f.st.Mem.AddSegment()
	for i, v := range vals {
		f.putBig(src.Add(i), v)
	}
	f.put(f.fp(-3), vm.PtrValue(src))
	out := hashOutSegment(f, 4)
	f.put(f.fp(-5), vm.IntValue(uint64(len(vals))))
	f.mustRun()
	if got := hashWords32(f, out, len(want)); !hashSameWords(got, want) {
		t.Fatalf("encoded %08x\nwant %08x", got, want)
	}
	if v := f.st.Mem.Get(out.Add(len(want))); v.Known() {
		t.Fatal("wrote past the encoding")
	}

	// Guessing: a value left and below 2**63.
	for _, tc := range []struct {
		v    *big.Int
		at   int // packed_values offset; end is offset 1
		want uint64
	}{{b(0), 0, 1}, {sub(two63, b(1)), 0, 1}, {two63, 0, 0}, {pMinus1, 0, 0}, {b(3), 1, 0}} {
		g := hashFixture(t, codeBlake2sEncodeIsSmall, nil, tref{name: "end", value: fpArg(3)}, tref{name: "packed_values", value: hashPtrRef(4)})
		s := g.st.Mem.AddSegment()
		g.putBig(s, tc.v)
		g.put(g.fp(-3), vm.PtrValue(s.Add(1)))
		g.put(g.fp(-4), vm.PtrValue(s.Add(tc.at)))
		g.mustRun()
		if got := g.getBig(g.st.AP); got.Cmp(new(big.Int).SetUint64(tc.want)) != 0 {
			t.Fatalf("value %s at %d: guess %s, want %d", tc.v, tc.at, got, tc.want)
		}
	}
}
