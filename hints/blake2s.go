package hints

import (
	"errors"
	"fmt"
	"math/big"
	"math/bits"

	"github.com/cairn-vm/cairn/vm"
)

// Hints of cairo-lang's cairo_blake2s/blake2s.cairo (and of older copies of
// it in cairo-vm's test programs): BLAKE2s compressions computed in Python
// (blake2s_utils.blake2s_compress), which finalize_blake2s later verifies
// in batches with the bitwise builtin, the dummy instances that pad the
// last batch, and the splits of a Uint256 into 32-bit words.

var blake2sHints = []builtinHint{
	{"blake2s_compute", codeBlake2sCompute, hintBlake2sCompute},
	{"blake2s_compress_chunk", codeBlake2sCompressChunk, hintBlake2sCompressChunk},
	{"blake2s_finalize_v1", codeBlake2sFinalizeV1, blake2sFinalize("BLAKE2S_INPUT_CHUNK_SIZE_FELTS", false)},
	{"blake2s_finalize_v2", codeBlake2sFinalizeV2, blake2sFinalize("BLAKE2S_INPUT_CHUNK_SIZE_FELTS", true)},
	{"blake2s_finalize", codeBlake2sFinalize, blake2sFinalize("INPUT_BLOCK_FELTS", true)},
	{"blake2s_add_uint256", codeBlake2sAddUint256, blake2sAddUint256(false)},
	{"blake2s_add_uint256_bigend", codeBlake2sAddUint256Bigend, blake2sAddUint256(true)},
	{"blake2s_sha256_full_word", codeFullWord4, fullWord(4)},
	{"blake2s_encode_felt252_to_u32s", codeBlake2sEncodeFelts, hintBlake2sEncodeFelts},
	{"blake2s_encode_is_small", codeBlake2sEncodeIsSmall, hintBlake2sEncodeIsSmall},
}

func init() { addFamily(blake2sHints) }

const codeBlake2sCompute = `from starkware.cairo.common.cairo_blake2s.blake2s_utils import compute_blake2s_func
compute_blake2s_func(segments=segments, output_ptr=ids.output)`

// codeBlake2sCompressChunk is cairo-vm's example_blake2s: one compression
// of the chunk at blake2s_start as the last block of an n_bytes input.
const codeBlake2sCompressChunk = `from starkware.cairo.common.cairo_blake2s.blake2s_utils import IV, blake2s_compress

_blake2s_input_chunk_size_felts = int(ids.BLAKE2S_INPUT_CHUNK_SIZE_FELTS)
assert 0 <= _blake2s_input_chunk_size_felts < 100

new_state = blake2s_compress(
    message=memory.get_range(ids.blake2s_start, _blake2s_input_chunk_size_felts),
    h=[IV[0] ^ 0x01010020] + IV[1:],
    t0=ids.n_bytes,
    t1=0,
    f0=0xffffffff,
    f1=0,
)

segments.write_arg(ids.output, new_state)`

// codeBlake2sFinalizeV1 is finalize_blake2s's hint as cairo-lang 0.x wrote
// it when an instance was laid out message first.
const codeBlake2sFinalizeV1 = `# Add dummy pairs of input and output.
from starkware.cairo.common.cairo_blake2s.blake2s_utils import IV, blake2s_compress

_n_packed_instances = int(ids.N_PACKED_INSTANCES)
assert 0 <= _n_packed_instances < 20
_blake2s_input_chunk_size_felts = int(ids.BLAKE2S_INPUT_CHUNK_SIZE_FELTS)
assert 0 <= _blake2s_input_chunk_size_felts < 100

message = [0] * _blake2s_input_chunk_size_felts
modified_iv = [IV[0] ^ 0x01010020] + IV[1:]
output = blake2s_compress(
    message=message,
    h=modified_iv,
    t0=0,
    t1=0,
    f0=0xffffffff,
    f1=0,
)
padding = (message + modified_iv + [0, 0xffffffff] + output) * (_n_packed_instances - 1)
segments.write_arg(ids.blake2s_ptr_end, padding)`

const codeBlake2sFinalizeV2 = `# Add dummy pairs of input and output.
from starkware.cairo.common.cairo_blake2s.blake2s_utils import IV, blake2s_compress

_n_packed_instances = int(ids.N_PACKED_INSTANCES)
assert 0 <= _n_packed_instances < 20
_blake2s_input_chunk_size_felts = int(ids.BLAKE2S_INPUT_CHUNK_SIZE_FELTS)
assert 0 <= _blake2s_input_chunk_size_felts < 100

message = [0] * _blake2s_input_chunk_size_felts
modified_iv = [IV[0] ^ 0x01010020] + IV[1:]
output = blake2s_compress(
    message=message,
    h=modified_iv,
    t0=0,
    t1=0,
    f0=0xffffffff,
    f1=0,
)
padding = (modified_iv + message + [0, 0xffffffff] + output) * (_n_packed_instances - 1)
segments.write_arg(ids.blake2s_ptr_end, padding)`

const codeBlake2sFinalize = `# Add dummy pairs of input and output.
from starkware.cairo.common.cairo_blake2s.blake2s_utils import IV, blake2s_compress

_n_packed_instances = int(ids.N_PACKED_INSTANCES)
assert 0 <= _n_packed_instances < 20
_blake2s_input_chunk_size_felts = int(ids.INPUT_BLOCK_FELTS)
assert 0 <= _blake2s_input_chunk_size_felts < 100

message = [0] * _blake2s_input_chunk_size_felts
modified_iv = [IV[0] ^ 0x01010020] + IV[1:]
output = blake2s_compress(
    message=message,
    h=modified_iv,
    t0=0,
    t1=0,
    f0=0xffffffff,
    f1=0,
)
padding = (modified_iv + message + [0, 0xffffffff] + output) * (_n_packed_instances - 1)
segments.write_arg(ids.blake2s_ptr_end, padding)`

const codeBlake2sAddUint256 = `B = 32
MASK = 2 ** 32 - 1
segments.write_arg(ids.data, [(ids.low >> (B * i)) & MASK for i in range(4)])
segments.write_arg(ids.data + 4, [(ids.high >> (B * i)) & MASK for i in range(4)])`

const codeBlake2sAddUint256Bigend = `B = 32
MASK = 2 ** 32 - 1
segments.write_arg(ids.data, [(ids.high >> (B * (3 - i))) & MASK for i in range(4)])
segments.write_arg(ids.data + 4, [(ids.low >> (B * (3 - i))) & MASK for i in range(4)])`

// codeFullWord4 is the guess of whether a full 4-byte word of input is left
// (blake2s and sha256 input loops).
const codeFullWord4 = `ids.full_word = int(ids.n_bytes >= 4)`

const codeBlake2sEncodeFelts = `offset = 0
for i in range(ids.packed_values_len):
    val = (memory[ids.packed_values + i] % PRIME)
    val_len = 2 if val < 2**63 else 8
    if val_len == 8:
        val += 2**255
    for i in range(val_len - 1, -1, -1):
        val, memory[ids.unpacked_u32s + offset + i] = divmod(val, 2**32)
    assert val == 0
    offset += val_len`

const codeBlake2sEncodeIsSmall = `memory[ap] = to_felt_or_relocatable((ids.end != ids.packed_values) and (memory[ids.packed_values] < 2**63))`

// blake2sIV is BLAKE2s's initialization vector (RFC 7693, 2.6), SHA-256's
// initial hash value.
var blake2sIV = [8]uint32{
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
}

// blake2sParamIV0 is IV[0] ^ 0x01010020: the parameter block of an unkeyed
// BLAKE2s with a 32-byte digest (RFC 7693, 2.5) folded into h[0].
const blake2sParamIV0 = 0x6a09e667 ^ 0x01010020

// blake2sSigma is the message word schedule of the 10 rounds (RFC 7693,
// 2.7).
var blake2sSigma = [10][16]uint8{
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
	{14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
	{11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
	{7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
	{9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
	{2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
	{12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
	{13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
	{6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
	{10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
}

// blake2sG is the mixing function G (RFC 7693, 3.1) on v[a], v[b], v[c],
// v[d] with message words x and y.
func blake2sG(v *[16]uint32, a, b, c, d int, x, y uint32) {
	v[a] = v[a] + v[b] + x
	v[d] = bits.RotateLeft32(v[d]^v[a], -16)
	v[c] = v[c] + v[d]
	v[b] = bits.RotateLeft32(v[b]^v[c], -12)
	v[a] = v[a] + v[b] + y
	v[d] = bits.RotateLeft32(v[d]^v[a], -8)
	v[c] = v[c] + v[d]
	v[b] = bits.RotateLeft32(v[b]^v[c], -7)
}

// blake2sCompress is the compression function F (RFC 7693, 3.2) with the
// 64-bit offset counter split as t0 (low word), t1 and the final-block
// flags f0, f1 (v[14] ^= f0 is "v[14] = ~v[14]" when f0 = 0xffffffff).
func blake2sCompress(h *[8]uint32, m *[16]uint32, t0, t1, f0, f1 uint32) [8]uint32 {
	var v [16]uint32
	copy(v[:8], h[:])
	copy(v[8:], blake2sIV[:])
	v[12] ^= t0
	v[13] ^= t1
	v[14] ^= f0
	v[15] ^= f1
	for r := 0; r < 10; r++ {
		s := &blake2sSigma[r]
		blake2sG(&v, 0, 4, 8, 12, m[s[0]], m[s[1]])
		blake2sG(&v, 1, 5, 9, 13, m[s[2]], m[s[3]])
		blake2sG(&v, 2, 6, 10, 14, m[s[4]], m[s[5]])
		blake2sG(&v, 3, 7, 11, 15, m[s[6]], m[s[7]])
		blake2sG(&v, 0, 5, 10, 15, m[s[8]], m[s[9]])
		blake2sG(&v, 1, 6, 11, 12, m[s[10]], m[s[11]])
		blake2sG(&v, 2, 7, 8, 13, m[s[12]], m[s[13]])
		blake2sG(&v, 3, 4, 9, 14, m[s[14]], m[s[15]])
	}
	var out [8]uint32
	for i := range out {
		out[i] = h[i] ^ v[i] ^ v[i+8]
	}
	return out
}

// blake2sParamIV is [IV[0] ^ 0x01010020] + IV[1:], the initial state of an
// unkeyed BLAKE2s-256.
func blake2sParamIV() [8]uint32 {
	h := blake2sIV
	h[0] = blake2sParamIV0
	return h
}

// blake2sPyCompress is blake2s_utils.blake2s_compress on memory values: h
// (8 values) and message (at least 16; only the first 16 are read), and
// the integers t0 and f0 (t1 = f1 = 0 in every hint).
//
// blake2s_compress reduces message words, t0 and f0 modulo 2**32 where it
// adds or xors them into 32-bit words, so only their low 32 bits count. It
// does not reduce h: a word of h of 2**32 or more would flow through
// right_rot unreduced into an output no Cairo caller can accept (each is
// checked to 32 bits), so it is reported as an error here instead.
func blake2sPyCompress(h, message []vm.Value, t0, f0 vm.Value) ([8]uint32, error) {
	var hw [8]uint32
	var mw [16]uint32
	if len(message) < 16 {
		return hw, errors.New("list index out of range")
	}
	for i := range mw {
		if !message[i].IsFelt() {
			return hw, errors.New("unsupported operand type(s) for ^: 'int' and 'RelocatableValue'")
		}
		mw[i] = uint32(hashLow64(message[i]))
	}
	for i := range hw {
		if !h[i].IsFelt() {
			return hw, hashOperandError("^")
		}
		f := h[i].Felt()
		if !f.IsUint64() || f.Uint64() > 1<<32-1 {
			return hw, fmt.Errorf("blake2s_compress: h[%d] = %s is not a 32-bit word", i, f.String())
		}
		hw[i] = uint32(f.Uint64())
	}
	if !t0.IsFelt() || !f0.IsFelt() {
		return hw, errors.New("unsupported operand type(s) for ^: 'int' and 'RelocatableValue'")
	}
	return blake2sCompress(&hw, &mw, uint32(hashLow64(t0)), 0, uint32(hashLow64(f0)), 0), nil
}

// hintBlake2sCompute is compute_blake2s_func: output points right after an
// instance's h (8 words), message (16), t and f, and the compression of
// that instance is written there.
func hintBlake2sCompute(c *Context) error {
	out, err := hashIDPtr(c, "output")
	if err != nil {
		return err
	}
	h, err := hashGetRange(c, out, -26, 8)
	if err != nil {
		return err
	}
	msg, err := hashGetRange(c, out, -18, 16)
	if err != nil {
		return err
	}
	tf, err := hashGetRange(c, out, -2, 2)
	if err != nil {
		return err
	}
	st, err := blake2sPyCompress(h, msg, tf[0], tf[1])
	if err != nil {
		return err
	}
	return hashWriteWords(c, out, st[:])
}

// hintBlake2sCompressChunk compresses the chunk at blake2s_start from the
// BLAKE2s-256 initial state as the final block of an n_bytes-long input.
func hintBlake2sCompressChunk(c *Context) error {
	n, err := hashIDBounded(c, "BLAKE2S_INPUT_CHUNK_SIZE_FELTS", "_blake2s_input_chunk_size_felts", 100)
	if err != nil {
		return err
	}
	start, err := hashIDPtr(c, "blake2s_start")
	if err != nil {
		return err
	}
	msg, err := hashGetRange(c, start, 0, n)
	if err != nil {
		return err
	}
	nBytes, err := c.Get("n_bytes")
	if err != nil {
		return err
	}
	iv := blake2sParamIV()
	h := make([]vm.Value, 8)
	for i, x := range iv {
		h[i] = vm.IntValue(uint64(x))
	}
	st, err := blake2sPyCompress(h, msg, nBytes, vm.IntValue(0xffffffff))
	if err != nil {
		return err
	}
	dst, err := hashIDPtr(c, "output")
	if err != nil {
		return err
	}
	return hashWriteWords(c, dst, st[:])
}

// blake2sFinalize fills the unused instances of finalize_blake2s's last
// batch with N_PACKED_INSTANCES - 1 copies of a valid one: the zero
// message compressed as a final block from the BLAKE2s-256 initial state.
// An instance is laid out h, message, t, f, output (ivFirst) or, in the
// oldest layout, message, h, t, f, output; chunkName is the constant that
// gives the message size.
func blake2sFinalize(chunkName string, ivFirst bool) Func {
	return func(c *Context) error {
		np, err := hashIDBounded(c, "N_PACKED_INSTANCES", "_n_packed_instances", 20)
		if err != nil {
			return err
		}
		n, err := hashIDBounded(c, chunkName, "_blake2s_input_chunk_size_felts", 100)
		if err != nil {
			return err
		}
		iv := blake2sParamIV()
		if n < 16 {
			return errors.New("list index out of range")
		}
		var zero [16]uint32
		out := blake2sCompress(&iv, &zero, 0, 0, 0xffffffff, 0)
		inst := make([]uint32, 0, n+18)
		if ivFirst {
			inst = append(inst, iv[:]...)
			inst = append(inst, make([]uint32, n)...)
		} else {
			inst = append(inst, make([]uint32, n)...)
			inst = append(inst, iv[:]...)
		}
		inst = append(inst, 0, 0xffffffff)
		inst = append(inst, out[:]...)
		var padding []uint32
		for i := 0; i < np-1; i++ {
			padding = append(padding, inst...)
		}
		dst, err := hashIDPtr(c, "blake2s_ptr_end")
		if err != nil {
			return err
		}
		return hashWriteWords(c, dst, padding)
	}
}

// blake2sAddUint256 writes a Uint256 at data as eight 32-bit words: low
// then high, each least significant word first, or (bigend) high then low,
// each most significant word first.
func blake2sAddUint256(bigend bool) Func {
	return func(c *Context) error {
		halves := []string{"low", "high"}
		if bigend {
			halves = []string{"high", "low"}
		}
		for k, name := range halves {
			p, err := hashIDPtr(c, "data")
			if err != nil {
				return err
			}
			x, err := hashIDInt(c, name, ">>")
			if err != nil {
				return err
			}
			words := make([]*big.Int, 4)
			for i := range words {
				shift := uint(32 * i)
				if bigend {
					shift = uint(32 * (3 - i))
				}
				words[i] = new(big.Int).And(new(big.Int).Rsh(x, shift), big.NewInt(1<<32-1))
			}
			if err := c.WriteBigs(p.Add(4*k), words); err != nil {
				return err
			}
		}
		return nil
	}
}

// hintBlake2sEncodeFelts is encode_felt252_to_u32s's hint: each of the
// packed_values_len felts at packed_values is written at unpacked_u32s as
// big-endian 32-bit words, two for a value below 2**63 and eight, with bit
// 255 set, for a larger one.
func hintBlake2sEncodeFelts(c *Context) error {
	nv, err := c.Get("packed_values_len")
	if err != nil {
		return err
	}
	if nv.IsPtr() {
		return errors.New("'RelocatableValue' object cannot be interpreted as an integer")
	}
	n := feltBig(nv)
	offset := 0
	two63 := new(big.Int).Lsh(big.NewInt(1), 63)
	two255 := new(big.Int).Lsh(big.NewInt(1), 255)
	// The loop reads memory[packed_values + i] first in each iteration, so
	// it stops at the first unknown cell long before i outgrows an int.
	for i := 0; big.NewInt(int64(i)).Cmp(n) < 0; i++ {
		src, err := hashIDPtr(c, "packed_values")
		if err != nil {
			return err
		}
		v, err := c.Read(src.Add(i))
		if err != nil {
			return err
		}
		if !v.IsFelt() {
			return errors.New("unsupported operand type(s) for divmod(): 'RelocatableValue' and 'int'")
		}
		val := feltBig(v)
		valLen := 2
		if val.Cmp(two63) >= 0 {
			valLen = 8
			val.Add(val, two255)
		}
		for j := valLen - 1; j >= 0; j-- {
			dst, err := hashIDPtr(c, "unpacked_u32s")
			if err != nil {
				return err
			}
			w := new(big.Int).And(val, big.NewInt(1<<32-1))
			val.Rsh(val, 32)
			if err := c.Write(dst.Add(offset+j), bigValue(w)); err != nil {
				return err
			}
		}
		if val.Sign() != 0 {
			return errors.New("AssertionError: val == 0")
		}
		offset += valLen
	}
	return nil
}

// hintBlake2sEncodeIsSmall is encode_felt252_to_u32s's guess of whether a
// value is left and is below 2**63.
func hintBlake2sEncodeIsSmall(c *Context) error {
	end, err := c.Get("end")
	if err != nil {
		return err
	}
	pv, err := c.Get("packed_values")
	if err != nil {
		return err
	}
	if end.Equal(pv) {
		return c.WriteAP(vm.IntValue(0))
	}
	if !pv.IsPtr() {
		return fmt.Errorf("cannot read memory at %s: not a relocatable address", pyStr(pv))
	}
	v, err := c.Read(pv.Ptr())
	if err != nil {
		return err
	}
	small := v.IsFelt() && feltBig(v).BitLen() <= 63
	return c.WriteAP(boolValue(small))
}
