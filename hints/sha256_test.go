package hints

import (
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"fmt"
	"github.com/cairn-vm/cairn/asm"
	"math/big"
	"math/rand"
	"testing"

	"github.com/cairn-vm/cairn/vm"
)

// sha256Pad is the FIPS 180-4 (5.1.1) padding of msg: 0x80, zeros, and the
// bit length as a 64-bit big-endian integer, to a multiple of 64 bytes.
func sha256Pad(msg []byte) []byte {
	p := append([]byte(nil), msg...)
	p = append(p, 0x80)
	for len(p)%64 != 56 {
		p = append(p, 0)
	}
	return binary.BigEndian.AppendUint64(p, uint64(len(msg))*8)
}

// sha256BlockWords reads a 64-byte block as 16 big-endian words.
func sha256BlockWords(b []byte) [16]uint64 {
	var m [16]uint64
	for i := range m {
		m[i] = uint64(binary.BigEndian.Uint32(b[4*i:]))
	}
	return m
}

// sha256DigestWords reads a digest as 8 big-endian words.
func sha256DigestWords(d []byte) [8]uint32 {
	var w [8]uint32
	for i := range w {
		w[i] = binary.BigEndian.Uint32(d[4*i:])
	}
	return w
}

// stdlibSHA256State returns the intermediate hash value crypto/sha256 holds
// after absorbing data (a multiple of 64 bytes), from its marshalled state
// ("sha\x03", H(0..7) big-endian, the pending block, the length).
func stdlibSHA256State(t *testing.T, data []byte) [8]uint32 {
	t.Helper()
	if len(data)%64 != 0 {
		t.Fatalf("stdlibSHA256State needs whole blocks, got %d bytes", len(data))
	}
	h := sha256.New()
	h.Write(data)
	b, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 4+32 || string(b[:4]) != "sha\x03" {
		t.Fatalf("unexpected crypto/sha256 state encoding %x", b)
	}
	return sha256DigestWords(b[4:36])
}

// TestSHA256CompressAgainstStdlib hashes messages of the lengths around the
// block and padding boundaries with the schedule and compression functions
// and compares with crypto/sha256.
func TestSHA256CompressAgainstStdlib(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for _, n := range []int{0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 200, 1000} {
		msg := make([]byte, n)
		rng.Read(msg)
		p := sha256Pad(msg)
		st := sha256IVWords()
		var out [8]uint32
		for off := 0; off < len(p); off += 64 {
			m := sha256BlockWords(p[off:])
			w := sha256Schedule(&m)
			out = sha256Compress(&st, &w)
			for i, x := range out {
				st[i] = uint64(x)
			}
		}
		want := sha256.Sum256(msg)
		if out != sha256DigestWords(want[:]) {
			t.Fatalf("len %d: sha256 via compress = %08x, crypto/sha256 = %x", n, out, want)
		}
	}
	// FIPS 180-2, appendix B.1: SHA-256("abc").
	m := sha256BlockWords(sha256Pad([]byte("abc")))
	w := sha256Schedule(&m)
	iv := sha256IVWords()
	got := sha256Compress(&iv, &w)
	want := [8]uint32{0xba7816bf, 0x8f01cfea, 0x414140de, 0x5dae2223, 0xb00361a3, 0x96177a9c, 0xb410ff61, 0xf20015ad}
	if got != want {
		t.Fatalf("SHA-256(abc) = %08x, want %08x", got, want)
	}
}

// pySHA256Compress transcribes sha256_utils.compute_message_schedule and
// sha2_compress_function onto math/big, with Python's unbounded integers,
// for inputs that are not 32-bit words.
func pySHA256Compress(state []*big.Int, message []*big.Int) []*big.Int {
	mod := new(big.Int).Lsh(big.NewInt(1), 32)
	rr := func(v *big.Int, n uint) *big.Int {
		lo := new(big.Int).And(v, big.NewInt(1<<n-1))
		return new(big.Int).Or(new(big.Int).Rsh(v, n), lo.Lsh(lo, 32-n))
	}
	xor := func(a, b, c *big.Int) *big.Int { return new(big.Int).Xor(new(big.Int).Xor(a, b), c) }
	sum := func(vs ...*big.Int) *big.Int {
		s := new(big.Int)
		for _, v := range vs {
			s.Add(s, v)
		}
		return s.Mod(s, mod)
	}
	w := append([]*big.Int(nil), message...)
	for i := 16; i < 64; i++ {
		s0 := xor(rr(w[i-15], 7), rr(w[i-15], 18), new(big.Int).Rsh(w[i-15], 3))
		s1 := xor(rr(w[i-2], 17), rr(w[i-2], 19), new(big.Int).Rsh(w[i-2], 10))
		w = append(w, sum(w[i-16], s0, w[i-7], s1))
	}
	a, b, c, d, e, f, g, h := state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7]
	for i := 0; i < 64; i++ {
		s0 := xor(rr(a, 2), rr(a, 13), rr(a, 22))
		s1 := xor(rr(e, 6), rr(e, 11), rr(e, 25))
		ch := new(big.Int).Xor(new(big.Int).And(e, f), new(big.Int).AndNot(g, e)) // (~e) & g, g >= 0
		t1 := sum(h, s1, ch, big.NewInt(int64(asm.SHA256K[i])), w[i])
		maj := xor(new(big.Int).And(a, b), new(big.Int).And(a, c), new(big.Int).And(b, c))
		t2 := sum(s0, maj)
		h, g, f, e = g, f, e, sum(d, t1)
		d, c, b, a = c, b, a, sum(t1, t2)
	}
	out := make([]*big.Int, 8)
	for i, x := range []*big.Int{a, b, c, d, e, f, g, h} {
		out[i] = sum(state[i], x)
	}
	return out
}

// TestSHA256WideInputsLikePython checks that words of more than 32 bits
// (felts a faulty program could pass) give what cairo-lang's Python gives.
func TestSHA256WideInputsLikePython(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	randWord := func() *big.Int {
		switch rng.Intn(4) {
		case 0:
			return big.NewInt(rng.Int63n(1 << 32))
		case 1:
			return new(big.Int).Rand(rng, new(big.Int).Lsh(big.NewInt(1), 64))
		default:
			return new(big.Int).Rand(rng, P)
		}
	}
	for iter := 0; iter < 30; iter++ {
		stB, msgB := make([]*big.Int, 8), make([]*big.Int, 16)
		var st [8]uint64
		var m [16]uint64
		for i := range stB {
			stB[i] = randWord()
			st[i] = hashLow64(bigValue(stB[i]))
		}
		for i := range msgB {
			msgB[i] = randWord()
			m[i] = hashLow64(bigValue(msgB[i]))
		}
		want := pySHA256Compress(stB, msgB)
		w := sha256Schedule(&m)
		got := sha256Compress(&st, &w)
		for i := range got {
			if big.NewInt(int64(got[i])).Cmp(want[i]) != 0 {
				t.Fatalf("iter %d word %d: %d, Python gives %s", iter, i, got[i], want[i])
			}
		}
	}
}

// hashPtrRef is a felt* argument [fp - i] as cairo-compile writes it.
func hashPtrRef(i int) string { return fmt.Sprintf("[cast(fp + (-%d), felt**)]", i) }

// hashFixture is newFixture with constants visible from the hint's scope.
func hashFixture(t *testing.T, code string, consts map[string]int64, refs ...tref) *fixture {
	t.Helper()
	f := newFixture(t, code, 0, refs...)
	for k, v := range consts {
		f.prog.Identifiers[testScope+"."+k] = &vm.Identifier{Type: "const", Value: big.NewInt(v)}
	}
	return f
}

// hashSegment adds a segment holding words and stores its base at [fp - i]
// (i > 0) when asked.
func hashSegment[T uint32 | uint64](f *fixture, fpSlot int, words []T) vm.Relocatable {
	s := f.st.Mem.AddSegment()
	for i, w := range words {
		f.put(s.Add(i), vm.IntValue(uint64(w)))
	}
	if fpSlot > 0 {
		f.put(f.fp(-fpSlot), vm.PtrValue(s))
	}
	return s
}

// hashOutSegment adds an empty segment and stores its base at [fp - i].
func hashOutSegment(f *fixture, fpSlot int) vm.Relocatable {
	s := f.st.Mem.AddSegment()
	f.put(f.fp(-fpSlot), vm.PtrValue(s))
	return s
}

// hashWords32 reads n felts from base as 32-bit words.
func hashWords32(f *fixture, base vm.Relocatable, n int) []uint32 {
	f.t.Helper()
	out := make([]uint32, n)
	for i := range out {
		v := f.getBig(base.Add(i))
		if !v.IsUint64() || v.Uint64() > 1<<32-1 {
			f.t.Fatalf("cell %s = %s is not a 32-bit word", base.Add(i), v)
		}
		out[i] = uint32(v.Uint64())
	}
	return out
}

func hashSameWords(a []uint32, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestHintSHA256Chunk(t *testing.T) {
	refs := []tref{{name: "sha256_start", value: hashPtrRef(3)}, {name: "output", value: hashPtrRef(4)}}
	consts := map[string]int64{"SHA256_INPUT_CHUNK_SIZE_FELTS": 16}
	for _, msg := range []string{"", "abc", "0123456789012345678901234567890123456789012345678901234"} { // 0, 3, 55 bytes: one block
		f := hashFixture(t, codeSHA256Chunk, consts, refs...)
		m := sha256BlockWords(sha256Pad([]byte(msg)))
		hashSegment(f, 3, m[:])
		out := hashOutSegment(f, 4)
		f.mustRun()
		want := sha256.Sum256([]byte(msg))
		if got, w := hashWords32(f, out, 8), sha256DigestWords(want[:]); !hashSameWords(got, w[:]) {
			t.Fatalf("%q: output %08x, want %08x", msg, got, w)
		}
	}

	// The asserts and memory.get_range's failures.
	f := hashFixture(t, codeSHA256Chunk, map[string]int64{"SHA256_INPUT_CHUNK_SIZE_FELTS": 100}, refs...)
	wantErr(t, f.run(), "AssertionError: 0 <= _sha256_input_chunk_size_felts < 100")
	f = hashFixture(t, codeSHA256Chunk, map[string]int64{"SHA256_INPUT_CHUNK_SIZE_FELTS": 15}, refs...)
	hashSegment(f, 3, make([]uint32, 16))
	hashOutSegment(f, 4)
	wantErr(t, f.run(), "len(w) == 16")
	f = hashFixture(t, codeSHA256Chunk, consts, refs...)
	hashSegment(f, 3, make([]uint32, 15))
	hashOutSegment(f, 4)
	wantErr(t, f.run(), "Unknown value for memory cell")
	f = hashFixture(t, codeSHA256Chunk, consts, refs...)
	s := hashSegment(f, 3, make([]uint32, 15))
	f.put(s.Add(15), vm.PtrValue(s))
	hashOutSegment(f, 4)
	wantErr(t, f.run(), "unsupported operand type(s)")
}

// TestHintSHA256ChunkState hashes a two-block message: the first block
// from IV with sha256_chunk, the second from that state.
func TestHintSHA256ChunkState(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for _, n := range []int{56, 64, 100, 119} {
		msg := make([]byte, n)
		rng.Read(msg)
		p := sha256Pad(msg)
		if len(p) != 128 {
			t.Fatalf("len %d pads to %d bytes", n, len(p))
		}
		consts := map[string]int64{"SHA256_INPUT_CHUNK_SIZE_FELTS": 16, "SHA256_STATE_SIZE_FELTS": 8}
		f := hashFixture(t, codeSHA256Chunk, consts,
			tref{name: "sha256_start", value: hashPtrRef(3)}, tref{name: "output", value: hashPtrRef(4)})
		m0 := sha256BlockWords(p)
		hashSegment(f, 3, m0[:])
		mid := hashOutSegment(f, 4)
		f.mustRun()
		if got, want := hashWords32(f, mid, 8), stdlibSHA256State(t, p[:64]); !hashSameWords(got, want[:]) {
			t.Fatalf("len %d: first block state %08x, crypto/sha256 %08x", n, got, want)
		}

		g := hashFixture(t, codeSHA256ChunkState, consts,
			tref{name: "sha256_start", value: hashPtrRef(3)}, tref{name: "output", value: hashPtrRef(4)},
			tref{name: "state", value: hashPtrRef(5)})
		m1 := sha256BlockWords(p[64:])
		hashSegment(g, 3, m1[:])
		hashSegment(g, 5, hashWords32(f, mid, 8))
		out := hashOutSegment(g, 4)
		g.mustRun()
		want := sha256.Sum256(msg)
		if got, w := hashWords32(g, out, 8), sha256DigestWords(want[:]); !hashSameWords(got, w[:]) {
			t.Fatalf("len %d: digest %08x, want %08x", n, got, w)
		}
	}

	// a, b, c, d, e, f, g, h = state with the wrong number of words.
	for size, msg := range map[int64]string{7: "not enough values to unpack (expected 8, got 7)", 9: "too many values to unpack (expected 8)"} {
		g := hashFixture(t, codeSHA256ChunkState, map[string]int64{"SHA256_INPUT_CHUNK_SIZE_FELTS": 16, "SHA256_STATE_SIZE_FELTS": size},
			tref{name: "sha256_start", value: hashPtrRef(3)}, tref{name: "output", value: hashPtrRef(4)},
			tref{name: "state", value: hashPtrRef(5)})
		hashSegment(g, 3, make([]uint32, 16))
		hashSegment(g, 5, make([]uint32, 9))
		hashOutSegment(g, 4)
		wantErr(t, g.run(), msg)
	}
}

// sha256ZeroBlockInstance is message + IV + output of the dummy instance:
// the zero block compressed from IV, taken from crypto/sha256's state.
func sha256ZeroBlockInstance(t *testing.T) []uint32 {
	inst := make([]uint32, 16, 32)
	inst = append(inst, 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
	st := stdlibSHA256State(t, make([]byte, 64))
	return append(inst, st[:]...)
}

func TestHintSHA256Finalize(t *testing.T) {
	inst := sha256ZeroBlockInstance(t)
	for _, bs := range []int64{0, 1, 2, 7, 19} {
		f := hashFixture(t, codeSHA256Finalize, map[string]int64{"BLOCK_SIZE": bs, "SHA256_INPUT_CHUNK_SIZE_FELTS": 16},
			tref{name: "sha256_ptr_end", value: hashPtrRef(3)})
		end := hashOutSegment(f, 3)
		f.mustRun()
		copies := max(int(bs)-1, 0)
		for k := 0; k < copies; k++ {
			if got := hashWords32(f, end.Add(k*len(inst)), len(inst)); !hashSameWords(got, inst) {
				t.Fatalf("BLOCK_SIZE %d, copy %d: %08x, want %08x", bs, k, got, inst)
			}
		}
		if v := f.st.Mem.Get(end.Add(copies * len(inst))); v.Known() {
			t.Fatalf("BLOCK_SIZE %d: wrote past %d copies", bs, copies)
		}
	}
	f := hashFixture(t, codeSHA256Finalize, map[string]int64{"BLOCK_SIZE": 20, "SHA256_INPUT_CHUNK_SIZE_FELTS": 16},
		tref{name: "sha256_ptr_end", value: hashPtrRef(3)})
	wantErr(t, f.run(), "AssertionError: 0 <= _block_size < 20")
}

func TestHintSHA256FinalizeBatch(t *testing.T) {
	inst := sha256ZeroBlockInstance(t)
	for _, tc := range []struct{ n, missing int64 }{{1, 6}, {3, 4}, {7, 0}, {8, 6}, {13, 1}, {14, 0}} {
		f := hashFixture(t, codeSHA256FinalizeBatch, map[string]int64{"BATCH_SIZE": 7, "SHA256_INPUT_CHUNK_SIZE_FELTS": 16},
			tref{name: "sha256_ptr_end", value: hashPtrRef(3)}, tref{name: "n", value: fpArg(4)})
		end := hashOutSegment(f, 3)
		f.put(f.fp(-4), vm.IntValue(uint64(tc.n)))
		f.mustRun()
		for k := 0; k < int(tc.missing); k++ {
			if got := hashWords32(f, end.Add(k*len(inst)), len(inst)); !hashSameWords(got, inst) {
				t.Fatalf("n %d, copy %d: %08x, want %08x", tc.n, k, got, inst)
			}
		}
		if v := f.st.Mem.Get(end.Add(int(tc.missing) * len(inst))); v.Known() {
			t.Fatalf("n %d: wrote more than %d instances", tc.n, tc.missing)
		}
	}
	f := hashFixture(t, codeSHA256FinalizeBatch, map[string]int64{"BATCH_SIZE": 21, "SHA256_INPUT_CHUNK_SIZE_FELTS": 16},
		tref{name: "sha256_ptr_end", value: hashPtrRef(3)}, tref{name: "n", value: fpArg(4)})
	f.put(f.fp(-4), vm.IntValue(1))
	wantErr(t, f.run(), "AssertionError: 0 <= number_of_missing_blocks < 20")
}
