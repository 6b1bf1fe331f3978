package hints

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/vm"
)

// Hints of cairo-lang's keccak libraries:
//
//   - cairo_keccak/keccak.cairo (Keccak in Cairo with the bitwise builtin):
//     the block permutation computed in Python by keccak_func, the dummy
//     instances finalize_keccak pads its last batch with, and the nondet
//     guesses of its loops;
//   - builtin_keccak/keccak.cairo (with the Keccak builtin): the splits of
//     input words and of the builtin's output that range checks then verify;
//   - keccak_utils/keccak_utils.cairo: keccak_add_uint256's split into 64-bit
//     words;
//   - keccak.cairo: unsafe_keccak and unsafe_keccak_finalize, which hash in
//     Python (eth_hash's Keccak-256) and trust the result.
//
// keccak_func is cairo-lang's Keccak-f[1600] on 25 integers; here it is
// asm.KeccakF1600 on 64-bit lanes (the lane order of keccak_func's reshape,
// values[5*y + x] for lane (x, y), is KeccakF1600's a[x+5*y]).

var keccakHints = []builtinHint{
	{"cairo_keccak_block_permutation", codeKeccakBlockPermutation, hintKeccakBlockPermutation},
	{"cairo_keccak_block_permutation_v1", codeKeccakBlockPermutationV1, hintKeccakBlockPermutation},
	{"cairo_keccak_block_permutation_output", codeKeccakBlockPermutationOutput, hintKeccakBlockPermutationOutput},
	{"cairo_keccak_finalize", codeKeccakFinalize, keccakFinalize(10)},
	{"cairo_keccak_finalize_block_size_1000", codeKeccakFinalize1000, keccakFinalize(1000)},
	{"cairo_keccak_n_bytes_lt_bytes_in_word", codeKeccakNBytesLtWord, hintKeccakNBytesLtWord},
	{"keccak_n_bytes_ge_full_rate", codeKeccakNBytesGeRate, hintKeccakNBytesGeRate},
	{"cairo_keccak_full_word", codeKeccakFullWord, fullWord(8)},
	{"builtin_keccak_split_output0", codeKeccakSplitOutput0, hintKeccakSplitOutput0},
	{"builtin_keccak_split_output1", codeKeccakSplitOutput1, hintKeccakSplitOutput1},
	{"builtin_keccak_split_input3", codeKeccakSplitInput3, keccakSplitInput(3, 1)},
	{"builtin_keccak_split_input6", codeKeccakSplitInput6, keccakSplitInput(6, 2)},
	{"builtin_keccak_split_input9", codeKeccakSplitInput9, keccakSplitInput(9, 3)},
	{"builtin_keccak_split_input12", codeKeccakSplitInput12, keccakSplitInput(12, 4)},
	{"builtin_keccak_split_input15", codeKeccakSplitInput15, keccakSplitInput(15, 5)},
	{"builtin_keccak_split_n_bytes", codeKeccakSplitNBytes, hintKeccakSplitNBytes},
	{"keccak_add_uint256", codeKeccakAddUint256, hintKeccakAddUint256},
	{"unsafe_keccak", codeUnsafeKeccak, hintUnsafeKeccak},
	{"unsafe_keccak_finalize", codeUnsafeKeccakFinalize, hintUnsafeKeccakFinalize},
}

func init() { addFamily(keccakHints) }

// --- cairo_keccak/keccak.cairo ----------------------------------------------

const codeKeccakBlockPermutation = `from starkware.cairo.common.keccak_utils.keccak_utils import keccak_func
_keccak_state_size_felts = int(ids.KECCAK_STATE_SIZE_FELTS)
assert 0 <= _keccak_state_size_felts < 100

output_values = keccak_func(memory.get_range(
    ids.keccak_ptr - _keccak_state_size_felts, _keccak_state_size_felts))
segments.write_arg(ids.keccak_ptr, output_values)`

// codeKeccakBlockPermutationV1 is the same hint as cairo-lang before 0.10
// wrote it (keccak_func imported through cairo_keccak.keccak_utils).
const codeKeccakBlockPermutationV1 = `from starkware.cairo.common.cairo_keccak.keccak_utils import keccak_func
_keccak_state_size_felts = int(ids.KECCAK_STATE_SIZE_FELTS)
assert 0 <= _keccak_state_size_felts < 100

output_values = keccak_func(memory.get_range(
    ids.keccak_ptr - _keccak_state_size_felts, _keccak_state_size_felts))
segments.write_arg(ids.keccak_ptr, output_values)`

// codeKeccakBlockPermutationOutput reads the state at keccak_ptr_start and
// writes the permutation at output (cairo-vm's block_permutation test and
// the cairo_keccak whitelist).
const codeKeccakBlockPermutationOutput = `from starkware.cairo.common.cairo_keccak.keccak_utils import keccak_func
_keccak_state_size_felts = int(ids.KECCAK_STATE_SIZE_FELTS)
assert 0 <= _keccak_state_size_felts < 100
output_values = keccak_func(memory.get_range(
    ids.keccak_ptr_start, _keccak_state_size_felts))
segments.write_arg(ids.output, output_values)`

const codeKeccakFinalize = `# Add dummy pairs of input and output.
_keccak_state_size_felts = int(ids.KECCAK_STATE_SIZE_FELTS)
_block_size = int(ids.BLOCK_SIZE)
assert 0 <= _keccak_state_size_felts < 100
assert 0 <= _block_size < 10
inp = [0] * _keccak_state_size_felts
padding = (inp + keccak_func(inp)) * _block_size
segments.write_arg(ids.keccak_ptr_end, padding)`

const codeKeccakFinalize1000 = `# Add dummy pairs of input and output.
_keccak_state_size_felts = int(ids.KECCAK_STATE_SIZE_FELTS)
_block_size = int(ids.BLOCK_SIZE)
assert 0 <= _keccak_state_size_felts < 100
assert 0 <= _block_size < 1000
inp = [0] * _keccak_state_size_felts
padding = (inp + keccak_func(inp)) * _block_size
segments.write_arg(ids.keccak_ptr_end, padding)`

const (
	codeKeccakNBytesLtWord = `memory[ap] = to_felt_or_relocatable(ids.n_bytes < ids.BYTES_IN_WORD)`
	codeKeccakNBytesGeRate = `memory[ap] = to_felt_or_relocatable(ids.n_bytes >= ids.KECCAK_FULL_RATE_IN_BYTES)`
	codeKeccakFullWord     = `ids.full_word = int(ids.n_bytes >= 8)`
)

// keccakFuncScopeVar is the scope name the block-permutation hints import
// keccak_func under. finalize_keccak's hint calls keccak_func without
// importing it: in cairo-lang it finds the name in the scope an earlier
// _block_permutation hint imported it into, and fails with a NameError
// where none ran in that scope.
const keccakFuncScopeVar = "keccak_func"

// keccakFuncImport is the value the scope holds for the imported function.
type keccakFuncImport struct{}

// keccakFunc is keccak_func(values): Keccak-f[1600] on the first 25 values.
// keccak_func computes on Python integers; on values of more than 64 bits
// its rotations would carry the high bits into the state, which no Cairo
// caller can accept afterwards (each lane is range checked to 64 bits), so
// such a value is reported as an error here instead.
func keccakFunc(vals []vm.Value) ([25]uint64, error) {
	var st [25]uint64
	if len(vals) < 25 {
		return st, errors.New("list index out of range")
	}
	for i := range st {
		v := vals[i]
		if !v.IsFelt() {
			return st, hashOperandError("^")
		}
		f := v.Felt()
		if !f.IsUint64() {
			return st, fmt.Errorf("keccak_func: input %d = %s is not a 64-bit word", i, f.String())
		}
		st[i] = f.Uint64()
	}
	asm.KeccakF1600(&st)
	return st, nil
}

// hintKeccakBlockPermutation permutes the state just written below
// keccak_ptr and writes the result at keccak_ptr (_block_permutation).
func hintKeccakBlockPermutation(c *Context) error {
	c.ScopeSet(keccakFuncScopeVar, keccakFuncImport{})
	n, err := hashIDBounded(c, "KECCAK_STATE_SIZE_FELTS", "_keccak_state_size_felts", 100)
	if err != nil {
		return err
	}
	p, err := hashIDPtr(c, "keccak_ptr")
	if err != nil {
		return err
	}
	vals, err := hashGetRange(c, p, -n, n)
	if err != nil {
		return err
	}
	out, err := keccakFunc(vals)
	if err != nil {
		return err
	}
	return hashWriteWords(c, p, out[:])
}

// hintKeccakBlockPermutationOutput permutes the state at keccak_ptr_start
// into output.
func hintKeccakBlockPermutationOutput(c *Context) error {
	c.ScopeSet(keccakFuncScopeVar, keccakFuncImport{})
	n, err := hashIDBounded(c, "KECCAK_STATE_SIZE_FELTS", "_keccak_state_size_felts", 100)
	if err != nil {
		return err
	}
	src, err := hashIDPtr(c, "keccak_ptr_start")
	if err != nil {
		return err
	}
	vals, err := hashGetRange(c, src, 0, n)
	if err != nil {
		return err
	}
	out, err := keccakFunc(vals)
	if err != nil {
		return err
	}
	dst, err := hashIDPtr(c, "output")
	if err != nil {
		return err
	}
	return hashWriteWords(c, dst, out[:])
}

// keccakFinalize fills finalize_keccak's last batch of BLOCK_SIZE
// instances with dummy ones: after keccak_ptr_end, BLOCK_SIZE copies of
// the zero state followed by its permutation (maxBlock is the hint's bound
// on BLOCK_SIZE, 10 in cairo-lang, 1000 in a variant with larger batches).
func keccakFinalize(maxBlock int64) Func {
	return func(c *Context) error {
		nb, err := c.Big("KECCAK_STATE_SIZE_FELTS")
		if err != nil {
			return err
		}
		bs, err := c.Big("BLOCK_SIZE")
		if err != nil {
			return err
		}
		if nb.Sign() < 0 || nb.Cmp(big.NewInt(100)) >= 0 {
			return errors.New("AssertionError: 0 <= _keccak_state_size_felts < 100")
		}
		if bs.Sign() < 0 || bs.Cmp(big.NewInt(maxBlock)) >= 0 {
			return fmt.Errorf("AssertionError: 0 <= _block_size < %d", maxBlock)
		}
		n := int(nb.Int64())
		if _, ok := c.ScopeGet(keccakFuncScopeVar); !ok {
			return errors.New("name 'keccak_func' is not defined")
		}
		inp := make([]vm.Value, n)
		for i := range inp {
			inp[i] = vm.IntValue(0)
		}
		out, err := keccakFunc(inp)
		if err != nil {
			return err
		}
		inst := make([]uint64, n, n+25)
		inst = append(inst, out[:]...)
		padding := make([]uint64, 0, len(inst)*int(bs.Int64()))
		for i := int64(0); i < bs.Int64(); i++ {
			padding = append(padding, inst...)
		}
		dst, err := hashIDPtr(c, "keccak_ptr_end")
		if err != nil {
			return err
		}
		return hashWriteWords(c, dst, padding)
	}
}

// hintKeccakNBytesLtWord is _copy_inputs' guess of whether fewer than a
// word of input bytes are left.
func hintKeccakNBytesLtWord(c *Context) error {
	lt, err := hashIDLess(c, "n_bytes", "BYTES_IN_WORD")
	if err != nil {
		return err
	}
	return c.WriteAP(boolValue(lt))
}

// hintKeccakNBytesGeRate is _keccak's guess of whether a full block of
// input bytes is left (in both the cairo_keccak and builtin_keccak
// versions).
func hintKeccakNBytesGeRate(c *Context) error {
	lt, err := hashIDLess(c, "n_bytes", "KECCAK_FULL_RATE_IN_BYTES")
	if err != nil {
		return err
	}
	return c.WriteAP(boolValue(!lt))
}

// fullWord is `ids.full_word = int(ids.n_bytes >= size)`, the guess of
// whether a full input word is left (size 8 in cairo_keccak, 4 in blake2s
// and sha256).
func fullWord(size int64) Func {
	return func(c *Context) error {
		v, err := c.Get("n_bytes")
		if err != nil {
			return err
		}
		ge := v.IsPtr() || feltBig(v).Cmp(big.NewInt(size)) >= 0
		return c.Set("full_word", boolValue(ge))
	}
}

// --- builtin_keccak/keccak.cairo ---------------------------------------------

const codeKeccakSplitOutput0 = `ids.output0_low = ids.output0 & ((1 << 128) - 1)
ids.output0_high = ids.output0 >> 128`

const codeKeccakSplitOutput1 = `tmp, ids.output1_low = divmod(ids.output1, 256 ** 7)
ids.output1_high, ids.output1_mid = divmod(tmp, 2 ** 128)`

const (
	codeKeccakSplitInput3  = `ids.high3, ids.low3 = divmod(memory[ids.inputs + 3], 256)`
	codeKeccakSplitInput6  = `ids.high6, ids.low6 = divmod(memory[ids.inputs + 6], 256 ** 2)`
	codeKeccakSplitInput9  = `ids.high9, ids.low9 = divmod(memory[ids.inputs + 9], 256 ** 3)`
	codeKeccakSplitInput12 = `ids.high12, ids.low12 = divmod(memory[ids.inputs + 12], 256 ** 4)`
	codeKeccakSplitInput15 = `ids.high15, ids.low15 = divmod(memory[ids.inputs + 15], 256 ** 5)`
	codeKeccakSplitNBytes  = `ids.n_words_to_copy, ids.n_bytes_left = divmod(ids.n_bytes, ids.BYTES_IN_WORD)`
)

// hintKeccakSplitOutput0 splits the first 200-bit lane group of the Keccak
// builtin's output into its low 16 bytes and the rest.
func hintKeccakSplitOutput0(c *Context) error {
	x, err := hashIDInt(c, "output0", "&")
	if err != nil {
		return err
	}
	mask := new(big.Int).Sub(two128Big, big.NewInt(1))
	if err := c.SetBig("output0_low", new(big.Int).And(x, mask)); err != nil {
		return err
	}
	return c.SetBig("output0_high", new(big.Int).Rsh(x, 128))
}

// two128Big is 2**128.
var two128Big = new(big.Int).Lsh(big.NewInt(1), 128)

// hintKeccakSplitOutput1 splits the second output group into 7 low bytes,
// 16 middle bytes and the high rest.
func hintKeccakSplitOutput1(c *Context) error {
	x, err := hashIDInt(c, "output1", "divmod()")
	if err != nil {
		return err
	}
	tmp, low := pyDivMod(x, hashPow256(7))
	if err := c.SetBig("output1_low", low); err != nil {
		return err
	}
	return hashSetDivMod(c, "output1_high", "output1_mid", tmp, two128Big)
}

// keccakSplitInput is `ids.high<i>, ids.low<i> = divmod(memory[ids.inputs +
// i], 256 ** k)`: _prepare_full_block splits input word i where a 200-bit
// lane group ends k bytes into it.
func keccakSplitInput(i int, k uint) Func {
	high, low := fmt.Sprintf("high%d", i), fmt.Sprintf("low%d", i)
	return func(c *Context) error {
		p, err := hashIDPtr(c, "inputs")
		if err != nil {
			return err
		}
		v, err := c.Read(p.Add(i))
		if err != nil {
			return err
		}
		if !v.IsFelt() {
			return errors.New("unsupported operand type(s) for divmod(): 'RelocatableValue' and 'int'")
		}
		return hashSetDivMod(c, high, low, feltBig(v), hashPow256(k))
	}
}

// hintKeccakSplitNBytes writes n_bytes as whole words and the bytes left
// (_prepare_last_block).
func hintKeccakSplitNBytes(c *Context) error {
	n, err := hashIDInt(c, "n_bytes", "divmod()")
	if err != nil {
		return err
	}
	w, err := c.Big("BYTES_IN_WORD")
	if err != nil {
		return err
	}
	return hashSetDivMod(c, "n_words_to_copy", "n_bytes_left", n, w)
}

// --- keccak_utils/keccak_utils.cairo -----------------------------------------

const codeKeccakAddUint256 = `segments.write_arg(ids.inputs, [ids.low % 2 ** 64, ids.low // 2 ** 64])
segments.write_arg(ids.inputs + 2, [ids.high % 2 ** 64, ids.high // 2 ** 64])`

// hintKeccakAddUint256 serializes a Uint256 as four little-endian 64-bit
// words (each half as low word, high word).
func hintKeccakAddUint256(c *Context) error {
	for i, name := range []string{"low", "high"} {
		p, err := hashIDPtr(c, "inputs")
		if err != nil {
			return err
		}
		x, err := hashIDInt(c, name, "//")
		if err != nil {
			return err
		}
		q, r := pyDivMod(x, two64Big)
		if err := c.WriteBigs(p.Add(2*i), []*big.Int{r, q}); err != nil {
			return err
		}
	}
	return nil
}

// two64Big is 2**64.
var two64Big = new(big.Int).Lsh(big.NewInt(1), 64)

// --- keccak.cairo --------------------------------------------------------------

const codeUnsafeKeccak = `from eth_hash.auto import keccak

data, length = ids.data, ids.length

if '__keccak_max_size' in globals():
    assert length <= __keccak_max_size, \
        f'unsafe_keccak() can only be used with length<={__keccak_max_size}. ' \
        f'Got: length={length}.'

keccak_input = bytearray()
for word_i, byte_i in enumerate(range(0, length, 16)):
    word = memory[data + word_i]
    n_bytes = min(16, length - byte_i)
    assert 0 <= word < 2 ** (8 * n_bytes)
    keccak_input += word.to_bytes(n_bytes, 'big')

hashed = keccak(keccak_input)
ids.high = int.from_bytes(hashed[:16], 'big')
ids.low = int.from_bytes(hashed[16:32], 'big')`

const codeUnsafeKeccakFinalize = `from eth_hash.auto import keccak
keccak_input = bytearray()
n_elms = ids.keccak_state.end_ptr - ids.keccak_state.start_ptr
for word in memory.get_range(ids.keccak_state.start_ptr, n_elms):
    keccak_input += word.to_bytes(16, 'big')
hashed = keccak(keccak_input)
ids.high = int.from_bytes(hashed[:16], 'big')
ids.low = int.from_bytes(hashed[16:32], 'big')`

// keccakSetDigest writes a Keccak-256 digest as ids.high (its first 16
// bytes, big-endian) and ids.low (the last 16).
func keccakSetDigest(c *Context, input []byte) error {
	d := asm.Keccak256(input)
	if err := c.SetBig("high", new(big.Int).SetBytes(d[:16])); err != nil {
		return err
	}
	return c.SetBig("low", new(big.Int).SetBytes(d[16:]))
}

// hintUnsafeKeccak hashes length bytes given as 16-byte big-endian words at
// data (the last word holding the remaining bytes), bounded by the scope's
// __keccak_max_size where the runner set one.
func hintUnsafeKeccak(c *Context) error {
	data, err := c.Get("data")
	if err != nil {
		return err
	}
	length, err := c.Get("length")
	if err != nil {
		return err
	}
	if m, ok := c.ScopeGet("__keccak_max_size"); ok {
		maxSize, ok := scopeInt(m)
		if !ok {
			return fmt.Errorf("__keccak_max_size is %T, not an integer", m)
		}
		if length.IsPtr() || feltBig(length).Cmp(maxSize) > 0 {
			return fmt.Errorf("unsafe_keccak() can only be used with length<=%s. Got: length=%s.", maxSize, pyStr(length))
		}
	}
	if length.IsPtr() {
		return errors.New("'RelocatableValue' object cannot be interpreted as an integer")
	}
	n := feltBig(length)
	var input []byte
	for wordI, byteI := 0, big.NewInt(0); byteI.Cmp(n) < 0; wordI, byteI = wordI+1, byteI.Add(byteI, big.NewInt(16)) {
		if !data.IsPtr() {
			return fmt.Errorf("cannot read memory at %s: not a relocatable address", pyStr(data))
		}
		word, err := c.Read(data.Ptr().Add(wordI))
		if err != nil {
			return err
		}
		nBytes := 16
		if left := new(big.Int).Sub(n, byteI); left.Cmp(big.NewInt(16)) < 0 {
			nBytes = int(left.Int64())
		}
		// A relocatable word passes 0 <= word and fails word < 2 ** ...
		if !word.IsFelt() || feltBig(word).BitLen() > 8*nBytes {
			return errors.New("AssertionError: 0 <= word < 2 ** (8 * n_bytes)")
		}
		f := word.Felt()
		be := f.BytesBE()
		input = append(input, be[32-nBytes:]...)
	}
	return keccakSetDigest(c, input)
}

// hintUnsafeKeccakFinalize hashes the 16-byte big-endian words between
// keccak_state.start_ptr and keccak_state.end_ptr.
func hintUnsafeKeccakFinalize(c *Context) error {
	end, err := c.Get("keccak_state.end_ptr")
	if err != nil {
		return err
	}
	start, err := c.Get("keccak_state.start_ptr")
	if err != nil {
		return err
	}
	var n int
	switch {
	case end.IsPtr() && start.IsPtr():
		e, s := end.Ptr(), start.Ptr()
		if e.Segment != s.Segment {
			return fmt.Errorf("Can only subtract two relocatable values of the same segment (%d != %d).", e.Segment, s.Segment)
		}
		n = e.Offset - s.Offset
	default:
		return fmt.Errorf("keccak_state = (%s, %s) is not a pair of addresses in one segment", pyStr(start), pyStr(end))
	}
	vals, err := hashGetRange(c, start.Ptr(), 0, max(n, 0))
	if err != nil {
		return err
	}
	input := make([]byte, 0, 16*len(vals))
	for _, v := range vals {
		if !v.IsFelt() {
			return errors.New("'RelocatableValue' object has no attribute 'to_bytes'")
		}
		if feltBig(v).BitLen() > 128 {
			return errors.New("int too big to convert")
		}
		f := v.Felt()
		be := f.BytesBE()
		input = append(input, be[16:]...)
	}
	return keccakSetDigest(c, input)
}
