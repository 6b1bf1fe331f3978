package hints

import (
	"crypto/sha3"
	"encoding/binary"
	"encoding/hex"
	"math/big"
	"math/rand"
	"strings"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/vm"
)

// keccakF1600ZeroPermuted is Keccak-f[1600] applied once to the all-zero
// state, from XKCP's KeccakF-1600-IntermediateValues.txt (the Keccak
// reference).
var keccakF1600ZeroPermuted = []uint64{
	0xF1258F7940E1DDE7, 0x84D5CCF933C0478A, 0xD598261EA65AA9EE, 0xBD1547306F80494D, 0x8B284E056253D057,
	0xFF97A42D7F8E6FD4, 0x90FEE5A0A44647C4, 0x8C5BDA0CD6192E76, 0xAD30A6F71B19059C, 0x30935AB7D08FFC64,
	0xEB5AA93F2317D635, 0xA9A6E6260D712103, 0x81A57C16DBCF555F, 0x43B831CD0347C826, 0x01F22F1A11A5569F,
	0x05E5635A21D9AE61, 0x64BEFEF28CC970F2, 0x613670957BC46611, 0xB87C5A554FD00ECB, 0x8C3EE88A1CCF32C8,
	0x940C7922AE3A2614, 0x1841F924A2C509E4, 0x16F53526E70465C2, 0x75F644E97F30A13B, 0xEAF1FF7B5CECA249,
}

// keccakWords64 reads n felts from base as 64-bit lanes.
func keccakWords64(f *fixture, base vm.Relocatable, n int) []uint64 {
	f.t.Helper()
	out := make([]uint64, n)
	for i := range out {
		v := f.getBig(base.Add(i))
		if !v.IsUint64() {
			f.t.Fatalf("cell %s = %s is not a 64-bit lane", base.Add(i), v)
		}
		out[i] = v.Uint64()
	}
	return out
}

func keccakSameLanes(a, b []uint64) bool {
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

// sha3EmptyState is the state SHA3-256 permutes for the empty message:
// the domain byte 0x06 at byte 0 and the final bit at byte 135 of the rate.
func sha3EmptyState() []uint64 {
	st := make([]uint64, 25)
	st[0] = 0x06
	st[16] = 0x80 << 56
	return st
}

func TestHintKeccakBlockPermutation(t *testing.T) {
	emptySHA3 := sha3.Sum256(nil)
	for _, code := range []string{codeKeccakBlockPermutation, codeKeccakBlockPermutationV1} {
		for _, tc := range []struct {
			in   []uint64
			want func(out []uint64) bool
		}{
			{make([]uint64, 25), func(out []uint64) bool { return keccakSameLanes(out, keccakF1600ZeroPermuted) }},
			{sha3EmptyState(), func(out []uint64) bool {
				var d [32]byte
				for i := 0; i < 4; i++ {
					binary.LittleEndian.PutUint64(d[8*i:], out[i])
				}
				return d == emptySHA3
			}},
		} {
			f := hashFixture(t, code, map[string]int64{"KECCAK_STATE_SIZE_FELTS": 25}, tref{name: "keccak_ptr", value: hashPtrRef(3)})
			s := hashSegment(f, 0, tc.in)
			f.put(f.fp(-3), vm.PtrValue(s.Add(25)))
			f.mustRun()
			if out := keccakWords64(f, s.Add(25), 25); !tc.want(out) {
				t.Fatalf("permutation of %x = %x", tc.in, out)
			}
			if _, ok := f.st.Scope()["keccak_func"]; !ok {
				t.Fatal("keccak_func was not imported into the scope")
			}
		}
	}

	run := func(size int64, lanes []uint64, at int) error {
		f := hashFixture(t, codeKeccakBlockPermutation, map[string]int64{"KECCAK_STATE_SIZE_FELTS": size}, tref{name: "keccak_ptr", value: hashPtrRef(3)})
		s := hashSegment(f, 0, lanes)
		f.put(f.fp(-3), vm.PtrValue(s.Add(at)))
		return f.run()
	}
	wantErr(t, run(100, nil, 0), "AssertionError: 0 <= _keccak_state_size_felts < 100")
	wantErr(t, run(24, make([]uint64, 24), 24), "list index out of range")
	wantErr(t, run(25, make([]uint64, 24), 24), "Unknown value for memory cell")
	f := hashFixture(t, codeKeccakBlockPermutation, map[string]int64{"KECCAK_STATE_SIZE_FELTS": 25}, tref{name: "keccak_ptr", value: hashPtrRef(3)})
	s := hashSegment(f, 0, make([]uint64, 25))
	f.putBig(s.Add(25), two128) // a lane of more than 64 bits
	f.put(f.fp(-3), vm.PtrValue(s.Add(26)))
	wantErr(t, f.run(), "is not a 64-bit word")
}

func TestHintKeccakBlockPermutationOutput(t *testing.T) {
	f := hashFixture(t, codeKeccakBlockPermutationOutput, map[string]int64{"KECCAK_STATE_SIZE_FELTS": 25},
		tref{name: "keccak_ptr_start", value: hashPtrRef(3)}, tref{name: "output", value: hashPtrRef(4)})
	hashSegment(f, 3, make([]uint64, 25))
	out := hashOutSegment(f, 4)
	f.mustRun()
	if got := keccakWords64(f, out, 25); !keccakSameLanes(got, keccakF1600ZeroPermuted) {
		t.Fatalf("permutation of zero = %x", got)
	}
}

// TestHintKeccakFinalize checks the padding after keccak_ptr_end and that
// the hint needs keccak_func imported by an earlier hint of its scope.
func TestHintKeccakFinalize(t *testing.T) {
	inst := append(make([]uint64, 25), keccakF1600ZeroPermuted...)
	for _, tc := range []struct {
		code string
		max  int64
	}{{codeKeccakFinalize, 10}, {codeKeccakFinalize1000, 1000}} {
		newFinalize := func(bs int64) *fixture {
			return hashFixture(t, tc.code, map[string]int64{"KECCAK_STATE_SIZE_FELTS": 25, "BLOCK_SIZE": bs},
				tref{name: "keccak_ptr_end", value: hashPtrRef(3)})
		}
		f := newFinalize(3)
		hashOutSegment(f, 3)
		wantErr(t, f.run(), "name 'keccak_func' is not defined")

		for _, bs := range []int64{0, 1, 3, tc.max - 1} {
			// An earlier block permutation imports keccak_func into the
			// scope finalize_keccak later runs in.
			perm := hashFixture(t, codeKeccakBlockPermutation, map[string]int64{"KECCAK_STATE_SIZE_FELTS": 25}, tref{name: "keccak_ptr", value: hashPtrRef(3)})
			s := hashSegment(perm, 0, make([]uint64, 25))
			perm.put(perm.fp(-3), vm.PtrValue(s.Add(25)))
			perm.mustRun()

			f := newFinalize(bs)
			f.st.Scopes = perm.st.Scopes
			end := hashOutSegment(f, 3)
			f.mustRun()
			for k := 0; k < int(bs); k++ {
				if got := keccakWords64(f, end.Add(k*len(inst)), len(inst)); !keccakSameLanes(got, inst) {
					t.Fatalf("BLOCK_SIZE %d, copy %d: %x", bs, k, got)
				}
			}
			if v := f.st.Mem.Get(end.Add(int(bs) * len(inst))); v.Known() {
				t.Fatalf("BLOCK_SIZE %d: wrote past the padding", bs)
			}
		}
		f = newFinalize(tc.max)
		f.st.Scope()["keccak_func"] = keccakFuncImport{}
		wantErr(t, f.run(), "AssertionError: 0 <= _block_size <")
	}
}

// TestHintKeccakGuesses checks the nondet comparisons on both sides of
// their bounds and on a relocatable value (which Python orders after
// every integer).
func TestHintKeccakGuesses(t *testing.T) {
	type guess struct {
		code, out string // out "" is memory[ap]
		consts    map[string]int64
		bound     int64
		ge        bool // 1 when n_bytes >= bound
	}
	for _, g := range []guess{
		{codeKeccakNBytesLtWord, "", map[string]int64{"BYTES_IN_WORD": 8}, 8, false},
		{codeKeccakNBytesGeRate, "", map[string]int64{"KECCAK_FULL_RATE_IN_BYTES": 136}, 136, true},
		{codeKeccakFullWord, "full_word", nil, 8, true},
		{codeFullWord4, "full_word", nil, 4, true},
	} {
		for _, n := range []*big.Int{b(0), b(g.bound - 1), b(g.bound), b(g.bound + 1), pMinus1, nil} {
			f := hashFixture(t, g.code, g.consts, tref{name: "n_bytes", value: fpArg(3)}, tref{name: "full_word", value: local(0)})
			ge := true // a relocatable n_bytes
			if n == nil {
				f.put(f.fp(-3), vm.PtrValue(f.exec))
			} else {
				f.putBig(f.fp(-3), n)
				ge = n.Cmp(b(g.bound)) >= 0
			}
			f.mustRun()
			at := f.st.AP
			if g.out != "" {
				at = f.fp(0)
			}
			want := ge == g.ge
			if got := f.getBig(at); got.Cmp(keccakBoolBig(want)) != 0 {
				t.Fatalf("%s with n_bytes %v: %s, want %v", g.code, n, got, want)
			}
		}
	}
}

func keccakBoolBig(v bool) *big.Int {
	if v {
		return b(1)
	}
	return b(0)
}

// keccakHexSplit cuts v (below 2**(8*total)) into byte fields, most significant
// first, by slicing its fixed-width hex text.
func keccakHexSplit(v *big.Int, total int, fields ...int) []*big.Int {
	s := v.Text(16)
	s = strings.Repeat("0", 2*total-len(s)) + s
	var out []*big.Int
	for _, n := range fields {
		out = append(out, mustBig("0x0"+s[:2*n]))
		s = s[2*n:]
	}
	return out
}

func TestHintKeccakBuiltinSplits(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	two200 := new(big.Int).Lsh(b(1), 200)
	vals := []*big.Int{b(0), b(1), sub(two128, b(1)), two128, sub(two200, b(1))}
	for i := 0; i < 10; i++ {
		vals = append(vals, new(big.Int).Rand(rng, two200))
	}
	for _, v := range vals {
		f := hashFixture(t, codeKeccakSplitOutput0, nil, tref{name: "output0", value: fpArg(3)},
			tref{name: "output0_low", value: local(0)}, tref{name: "output0_high", value: local(1)})
		f.putBig(f.fp(-3), v)
		f.mustRun()
		p := keccakHexSplit(v, 25, 9, 16) // high 9 bytes, low 16
		if f.getBig(f.fp(0)).Cmp(p[1]) != 0 || f.getBig(f.fp(1)).Cmp(p[0]) != 0 {
			t.Fatalf("output0 %s: low %s high %s", v, f.getBig(f.fp(0)), f.getBig(f.fp(1)))
		}

		g := hashFixture(t, codeKeccakSplitOutput1, nil, tref{name: "output1", value: fpArg(3)},
			tref{name: "output1_low", value: local(0)}, tref{name: "output1_mid", value: local(1)}, tref{name: "output1_high", value: local(2)})
		g.putBig(g.fp(-3), v)
		g.mustRun()
		p = keccakHexSplit(v, 25, 2, 16, 7) // high 2 bytes, mid 16, low 7
		if g.getBig(g.fp(0)).Cmp(p[2]) != 0 || g.getBig(g.fp(1)).Cmp(p[1]) != 0 || g.getBig(g.fp(2)).Cmp(p[0]) != 0 {
			t.Fatalf("output1 %s: low %s mid %s high %s", v, g.getBig(g.fp(0)), g.getBig(g.fp(1)), g.getBig(g.fp(2)))
		}
	}

	for _, tc := range []struct {
		code string
		i, k int
	}{{codeKeccakSplitInput3, 3, 1}, {codeKeccakSplitInput6, 6, 2}, {codeKeccakSplitInput9, 9, 3}, {codeKeccakSplitInput12, 12, 4}, {codeKeccakSplitInput15, 15, 5}} {
		for _, w := range []uint64{0, 1, 0xff, 0x100, 0xffffffffffffffff, rng.Uint64()} {
			f := hashFixture(t, tc.code, nil, tref{name: "inputs", value: hashPtrRef(3)},
				tref{name: "high" + keccakItoa(tc.i), value: local(0)}, tref{name: "low" + keccakItoa(tc.i), value: local(1)})
			in := make([]uint64, tc.i+1)
			in[tc.i] = w
			hashSegment(f, 3, in)
			f.mustRun()
			p := keccakHexSplit(new(big.Int).SetUint64(w), 8, 8-tc.k, tc.k)
			if f.getBig(f.fp(0)).Cmp(p[0]) != 0 || f.getBig(f.fp(1)).Cmp(p[1]) != 0 {
				t.Fatalf("inputs[%d] = %#x: high %s low %s", tc.i, w, f.getBig(f.fp(0)), f.getBig(f.fp(1)))
			}
		}
		f := hashFixture(t, tc.code, nil, tref{name: "inputs", value: hashPtrRef(3)},
			tref{name: "high" + keccakItoa(tc.i), value: local(0)}, tref{name: "low" + keccakItoa(tc.i), value: local(1)})
		s := hashSegment(f, 3, make([]uint64, tc.i))
		f.put(s.Add(tc.i), vm.PtrValue(s))
		wantErr(t, f.run(), "unsupported operand type(s) for divmod()")
	}

	for _, n := range []int64{0, 1, 7, 8, 9, 135, 136} {
		f := hashFixture(t, codeKeccakSplitNBytes, map[string]int64{"BYTES_IN_WORD": 8}, tref{name: "n_bytes", value: fpArg(3)},
			tref{name: "n_words_to_copy", value: local(0)}, tref{name: "n_bytes_left", value: local(1)})
		f.put(f.fp(-3), vm.IntValue(uint64(n)))
		f.mustRun()
		if f.getBig(f.fp(0)).Int64() != n/8 || f.getBig(f.fp(1)).Int64() != n%8 {
			t.Fatalf("n_bytes %d: %s words, %s bytes", n, f.getBig(f.fp(0)), f.getBig(f.fp(1)))
		}
	}
	f := hashFixture(t, codeKeccakSplitNBytes, map[string]int64{"BYTES_IN_WORD": 0}, tref{name: "n_bytes", value: fpArg(3)},
		tref{name: "n_words_to_copy", value: local(0)}, tref{name: "n_bytes_left", value: local(1)})
	f.put(f.fp(-3), vm.IntValue(5))
	wantErr(t, f.run(), "integer division or modulo by zero")
}

func keccakItoa(i int) string { return big.NewInt(int64(i)).String() }

func TestHintKeccakAddUint256(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	parts := []uint64{0, 1, 1<<63 + 5, ^uint64(0), rng.Uint64()}
	for _, l0 := range parts {
		for _, l1 := range parts {
			h0, h1 := rng.Uint64(), l0
			low := new(big.Int).Or(new(big.Int).Lsh(new(big.Int).SetUint64(l1), 64), new(big.Int).SetUint64(l0))
			high := new(big.Int).Or(new(big.Int).Lsh(new(big.Int).SetUint64(h1), 64), new(big.Int).SetUint64(h0))
			f := hashFixture(t, codeKeccakAddUint256, nil, tref{name: "inputs", value: hashPtrRef(3)},
				tref{name: "low", value: fpArg(4)}, tref{name: "high", value: fpArg(5)})
			in := hashOutSegment(f, 3)
			f.putBig(f.fp(-4), low)
			f.putBig(f.fp(-5), high)
			f.mustRun()
			if got, want := keccakWords64(f, in, 4), []uint64{l0, l1, h0, h1}; !keccakSameLanes(got, want) {
				t.Fatalf("low %s high %s: %x, want %x", low, high, got, want)
			}
		}
	}
}

// unsafeKeccakVectors are published Keccak-256 digests (the Ethereum test
// suites; the last is the 896-bit message of the SHA-3 examples).
var unsafeKeccakVectors = []struct{ in, digest string }{
	{"", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"},
	{"abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"},
	{"The quick brown fox jumps over the lazy dog", "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15"},
	{"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		"f519747ed599024f3882238e5ab43960132572b7345fbeb9a90769dafd21ad67"},
}

// keccakBEWords splits data into 16-byte big-endian words, the last one
// holding what is left.
func keccakBEWords(data []byte) []*big.Int {
	var out []*big.Int
	for i := 0; i < len(data); i += 16 {
		out = append(out, new(big.Int).SetBytes(data[i:min(i+16, len(data))]))
	}
	return out
}

func keccakNewUnsafe(t *testing.T, data []byte, length int) *fixture {
	f := hashFixture(t, codeUnsafeKeccak, nil, tref{name: "data", value: hashPtrRef(3)}, tref{name: "length", value: fpArg(4)},
		tref{name: "low", value: local(0)}, tref{name: "high", value: local(1)})
	s := f.st.Mem.AddSegment()
	for i, w := range keccakBEWords(data) {
		f.putBig(s.Add(i), w)
	}
	f.put(f.fp(-3), vm.PtrValue(s))
	f.put(f.fp(-4), vm.IntValue(uint64(length)))
	return f
}

// keccakCheckDigest compares ids.high and ids.low with a hex digest (its
// first and last 16 bytes).
func keccakCheckDigest(t *testing.T, f *fixture, lowAt, highAt vm.Relocatable, digest string) {
	t.Helper()
	if mustBig("0x"+digest[:32]).Cmp(f.getBig(highAt)) != 0 {
		t.Fatalf("high = %s, want %s", pyHex(f.getBig(highAt)), digest[:32])
	}
	if mustBig("0x"+digest[32:]).Cmp(f.getBig(lowAt)) != 0 {
		t.Fatalf("low = %s, want %s", pyHex(f.getBig(lowAt)), digest[32:])
	}
}

func TestHintUnsafeKeccak(t *testing.T) {
	for _, v := range unsafeKeccakVectors {
		f := keccakNewUnsafe(t, []byte(v.in), len(v.in))
		f.mustRun()
		keccakCheckDigest(t, f, f.fp(0), f.fp(1), v.digest)
	}
	// Lengths around the Keccak rate (136 bytes) and the word size, against
	// asm.Keccak256 (checked against crypto/sha3's sponge in package asm).
	rng := rand.New(rand.NewSource(1))
	for _, n := range []int{1, 15, 16, 17, 135, 136, 137, 272, 300} {
		data := make([]byte, n)
		rng.Read(data)
		d := asm.Keccak256(data)
		f := keccakNewUnsafe(t, data, n)
		f.mustRun()
		keccakCheckDigest(t, f, f.fp(0), f.fp(1), hex.EncodeToString(d[:]))
	}

	// __keccak_max_size, a word wider than its bytes, a missing word.
	f := keccakNewUnsafe(t, []byte("abc"), 3)
	f.st.Scope()["__keccak_max_size"] = big.NewInt(2)
	wantErr(t, f.run(), "unsafe_keccak() can only be used with length<=2. Got: length=3.")
	f = keccakNewUnsafe(t, []byte("abc"), 3)
	f.st.Scope()["__keccak_max_size"] = big.NewInt(3)
	f.mustRun()
	f = keccakNewUnsafe(t, []byte("abcd"), 3)
	wantErr(t, f.run(), "AssertionError: 0 <= word < 2 ** (8 * n_bytes)")
	f = keccakNewUnsafe(t, []byte("abc"), 17)
	wantErr(t, f.run(), "Unknown value for memory cell")
}

func TestHintUnsafeKeccakFinalize(t *testing.T) {
	newFinalize := func(words []*big.Int) *fixture {
		f := hashFixture(t, codeUnsafeKeccakFinalize, nil, tref{name: "keccak_state", value: "[cast(fp + (-4), __main__.KeccakState*)]"},
			tref{name: "low", value: local(0)}, tref{name: "high", value: local(1)})
		f.prog.Identifiers["__main__.KeccakState"] = &vm.Identifier{Type: "struct", Size: intp(2), Members: map[string]vm.Member{
			"start_ptr": {CairoType: "felt*", Offset: 0}, "end_ptr": {CairoType: "felt*", Offset: 1}}}
		s := f.st.Mem.AddSegment()
		for i, w := range words {
			f.putBig(s.Add(i), w)
		}
		f.put(f.fp(-4), vm.PtrValue(s))
		f.put(f.fp(-3), vm.PtrValue(s.Add(len(words))))
		return f
	}
	// Whole 16-byte words: the empty input and the 112-byte vector.
	for _, v := range []int{0, 3} {
		f := newFinalize(keccakBEWords([]byte(unsafeKeccakVectors[v].in)))
		f.mustRun()
		keccakCheckDigest(t, f, f.fp(0), f.fp(1), unsafeKeccakVectors[v].digest)
	}
	// Each word takes 16 bytes, leading zeros included.
	words := []*big.Int{b(1), sub(two128, b(1)), b(0)}
	var data []byte
	for _, w := range words {
		var buf [16]byte
		data = append(data, w.FillBytes(buf[:])...)
	}
	d := asm.Keccak256(data)
	f := newFinalize(words)
	f.mustRun()
	keccakCheckDigest(t, f, f.fp(0), f.fp(1), hex.EncodeToString(d[:]))

	f = newFinalize([]*big.Int{two128})
	wantErr(t, f.run(), "int too big to convert")
}
