package hints

import (
	"errors"
	"fmt"
	"github.com/cairn-vm/cairn/asm"
	"math/big"
)

// Hints of the Cairo 0 SHA-256 programs (cairo-lang's cairo_sha256 whitelist,
// the packed_sha256 and arbitrary-input-length sha256 of cairo-vm's test
// programs). They compute one SHA-256 compression in Python
// (sha256_utils.compute_message_schedule and sha2_compress_function) and
// write the new state, which the Cairo code later verifies with the
// bitwise builtin.

var sha256Hints = []builtinHint{
	{"sha256_chunk", codeSHA256Chunk, hintSHA256Chunk},
	{"sha256_chunk_with_state", codeSHA256ChunkState, hintSHA256ChunkState},
	{"sha256_finalize", codeSHA256Finalize, hintSHA256Finalize},
	{"sha256_finalize_batch", codeSHA256FinalizeBatch, hintSHA256FinalizeBatch},
}

func init() { addFamily(sha256Hints) }

const codeSHA256Chunk = `from starkware.cairo.common.cairo_sha256.sha256_utils import (
    IV, compute_message_schedule, sha2_compress_function)

_sha256_input_chunk_size_felts = int(ids.SHA256_INPUT_CHUNK_SIZE_FELTS)
assert 0 <= _sha256_input_chunk_size_felts < 100

w = compute_message_schedule(memory.get_range(
    ids.sha256_start, _sha256_input_chunk_size_felts))
new_state = sha2_compress_function(IV, w)
segments.write_arg(ids.output, new_state)`

const codeSHA256ChunkState = `from starkware.cairo.common.cairo_sha256.sha256_utils import (
    compute_message_schedule, sha2_compress_function)

_sha256_input_chunk_size_felts = int(ids.SHA256_INPUT_CHUNK_SIZE_FELTS)
assert 0 <= _sha256_input_chunk_size_felts < 100
_sha256_state_size_felts = int(ids.SHA256_STATE_SIZE_FELTS)
assert 0 <= _sha256_state_size_felts < 100
w = compute_message_schedule(memory.get_range(
    ids.sha256_start, _sha256_input_chunk_size_felts))
new_state = sha2_compress_function(memory.get_range(ids.state, _sha256_state_size_felts), w)
segments.write_arg(ids.output, new_state)`

const codeSHA256Finalize = `# Add dummy pairs of input and output.
from starkware.cairo.common.cairo_sha256.sha256_utils import (
    IV, compute_message_schedule, sha2_compress_function)

_block_size = int(ids.BLOCK_SIZE)
assert 0 <= _block_size < 20
_sha256_input_chunk_size_felts = int(ids.SHA256_INPUT_CHUNK_SIZE_FELTS)
assert 0 <= _sha256_input_chunk_size_felts < 100

message = [0] * _sha256_input_chunk_size_felts
w = compute_message_schedule(message)
output = sha2_compress_function(IV, w)
padding = (message + IV + output) * (_block_size - 1)
segments.write_arg(ids.sha256_ptr_end, padding)`

// codeSHA256FinalizeBatch is finalize_sha256's hint in cairo-lang's
// cairo_sha256/sha256_utils.cairo: it pads to a whole number of batches.
const codeSHA256FinalizeBatch = `# Add dummy pairs of input and output.
from starkware.cairo.common.cairo_sha256.sha256_utils import (
    IV,
    compute_message_schedule,
    sha2_compress_function,
)

number_of_missing_blocks = (-ids.n) % ids.BATCH_SIZE
assert 0 <= number_of_missing_blocks < 20
_sha256_input_chunk_size_felts = ids.SHA256_INPUT_CHUNK_SIZE_FELTS
assert 0 <= _sha256_input_chunk_size_felts < 100

message = [0] * _sha256_input_chunk_size_felts
w = compute_message_schedule(message)
output = sha2_compress_function(IV, w)
padding = (message + IV + output) * number_of_missing_blocks
segments.write_arg(ids.sha256_ptr_end, padding)`

// sha256IV is SHA-256's initial hash value H(0) (FIPS 180-4, 5.3.3).
var sha256IV = [8]uint32{
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
}

// The SHA-256 functions below take words as the low 64 bits of the Python
// integers sha256_utils sees, and are exact for any integer input, not only
// for 32-bit words. sha256_utils reduces modulo 2**32 only where FIPS 180-4
// adds, so a felt of a wrong (too large) message or state word flows
// through right_rot, >> and the bitwise operators unreduced. Every output
// is reduced modulo 2**32, and each bit of it depends on bits 0..56 of the
// inputs at most (the widest shift is right_rot(x, 25), reading bits up to
// 25 + 31), so 64-bit arithmetic reproduces Python's results; with 32-bit
// words it is plain SHA-256.
const sha256Mask = 1<<32 - 1

// sha256RightRot is sha256_utils.right_rot:
// (value >> n) | ((value & (2**n - 1)) << (32 - n)), a 32-bit rotation on
// words below 2**32.
func sha256RightRot(x uint64, n uint) uint64 { return x>>n | (x&(1<<n-1))<<(32-n) }

// sha256Schedule is compute_message_schedule: the 64 words W(t) of FIPS
// 180-4, 6.2.2 step 1, of a 16-word message block.
func sha256Schedule(msg *[16]uint64) [64]uint64 {
	var w [64]uint64
	copy(w[:], msg[:])
	for i := 16; i < 64; i++ {
		s0 := sha256RightRot(w[i-15], 7) ^ sha256RightRot(w[i-15], 18) ^ w[i-15]>>3
		s1 := sha256RightRot(w[i-2], 17) ^ sha256RightRot(w[i-2], 19) ^ w[i-2]>>10
		w[i] = (w[i-16] + s0 + w[i-7] + s1) & sha256Mask
	}
	return w
}

// sha256Compress is sha2_compress_function: the 64 rounds of FIPS 180-4,
// 6.2.2 steps 2-4, on state with schedule w, returning the new hash value.
func sha256Compress(state *[8]uint64, w *[64]uint64) [8]uint32 {
	a, b, c, d, e, f, g, h := state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7]
	for i := 0; i < 64; i++ {
		s0 := sha256RightRot(a, 2) ^ sha256RightRot(a, 13) ^ sha256RightRot(a, 22)
		s1 := sha256RightRot(e, 6) ^ sha256RightRot(e, 11) ^ sha256RightRot(e, 25)
		ch := e&f ^ ^e&g
		t1 := (h + s1 + ch + uint64(asm.SHA256K[i]) + w[i]) & sha256Mask
		maj := a&b ^ a&c ^ b&c
		t2 := (s0 + maj) & sha256Mask
		h, g, f, e = g, f, e, (d+t1)&sha256Mask
		d, c, b, a = c, b, a, (t1+t2)&sha256Mask
	}
	var out [8]uint32
	for i, x := range [8]uint64{a, b, c, d, e, f, g, h} {
		out[i] = uint32(state[i] + x)
	}
	return out
}

// sha256IVWords is IV as the 64-bit words sha256Compress takes.
func sha256IVWords() [8]uint64 {
	var s [8]uint64
	for i, x := range sha256IV {
		s[i] = uint64(x)
	}
	return s
}

// sha256Block reads compute_message_schedule's argument: n words from
// ids.sha256_start, which must be 16 (its assert len(w) == 16).
func sha256Block(c *Context, n int) (*[16]uint64, error) {
	start, err := hashIDPtr(c, "sha256_start")
	if err != nil {
		return nil, err
	}
	vals, err := hashGetRange(c, start, 0, n)
	if err != nil {
		return nil, err
	}
	if n != 16 {
		return nil, errors.New("AssertionError: len(w) == 16")
	}
	var m [16]uint64
	for i, v := range vals {
		if !v.IsFelt() {
			return nil, hashOperandError(">>")
		}
		m[i] = hashLow64(v)
	}
	return &m, nil
}

// hintSHA256Chunk compresses one 16-word block from the initial hash value
// (the packed sha256 of cairo-vm's programs hashes single blocks).
func hintSHA256Chunk(c *Context) error {
	n, err := hashIDBounded(c, "SHA256_INPUT_CHUNK_SIZE_FELTS", "_sha256_input_chunk_size_felts", 100)
	if err != nil {
		return err
	}
	m, err := sha256Block(c, n)
	if err != nil {
		return err
	}
	w := sha256Schedule(m)
	iv := sha256IVWords()
	out := sha256Compress(&iv, &w)
	dst, err := hashIDPtr(c, "output")
	if err != nil {
		return err
	}
	return hashWriteWords(c, dst, out[:])
}

// hintSHA256ChunkState compresses one block into the state at ids.state,
// for inputs of arbitrary length.
func hintSHA256ChunkState(c *Context) error {
	n, err := hashIDBounded(c, "SHA256_INPUT_CHUNK_SIZE_FELTS", "_sha256_input_chunk_size_felts", 100)
	if err != nil {
		return err
	}
	ns, err := hashIDBounded(c, "SHA256_STATE_SIZE_FELTS", "_sha256_state_size_felts", 100)
	if err != nil {
		return err
	}
	m, err := sha256Block(c, n)
	if err != nil {
		return err
	}
	w := sha256Schedule(m)
	sp, err := hashIDPtr(c, "state")
	if err != nil {
		return err
	}
	vals, err := hashGetRange(c, sp, 0, ns)
	if err != nil {
		return err
	}
	// a, b, c, d, e, f, g, h = state
	switch {
	case ns < 8:
		return fmt.Errorf("not enough values to unpack (expected 8, got %d)", ns)
	case ns > 8:
		return errors.New("too many values to unpack (expected 8)")
	}
	var st [8]uint64
	for i, v := range vals {
		if !v.IsFelt() {
			return hashOperandError(">>")
		}
		st[i] = hashLow64(v)
	}
	out := sha256Compress(&st, &w)
	dst, err := hashIDPtr(c, "output")
	if err != nil {
		return err
	}
	return hashWriteWords(c, dst, out[:])
}

// hintSHA256Finalize fills the unused instances of the last batch that
// finalize_sha256 verifies with copies of a valid one (the zero block, IV
// and their compression), BLOCK_SIZE - 1 of them.
func hintSHA256Finalize(c *Context) error {
	bs, err := hashIDBounded(c, "BLOCK_SIZE", "_block_size", 20)
	if err != nil {
		return err
	}
	n, err := hashIDBounded(c, "SHA256_INPUT_CHUNK_SIZE_FELTS", "_sha256_input_chunk_size_felts", 100)
	if err != nil {
		return err
	}
	return sha256WritePadding(c, n, bs-1)
}

// hintSHA256FinalizeBatch pads the n instances finalize_sha256 verifies to
// a multiple of BATCH_SIZE with copies of a valid instance.
func hintSHA256FinalizeBatch(c *Context) error {
	nv, err := c.Get("n")
	if err != nil {
		return err
	}
	if !nv.IsFelt() {
		return errors.New("bad operand type for unary -: 'RelocatableValue'")
	}
	n := feltBig(nv)
	batch, err := c.Big("BATCH_SIZE")
	if err != nil {
		return err
	}
	if batch.Sign() == 0 {
		return errors.New("integer division or modulo by zero")
	}
	missing := pyMod(new(big.Int).Neg(n), batch)
	if missing.Sign() < 0 || missing.Cmp(big.NewInt(20)) >= 0 {
		return errors.New("AssertionError: 0 <= number_of_missing_blocks < 20")
	}
	size, err := hashIDBounded(c, "SHA256_INPUT_CHUNK_SIZE_FELTS", "_sha256_input_chunk_size_felts", 100)
	if err != nil {
		return err
	}
	return sha256WritePadding(c, size, int(missing.Int64()))
}

// sha256WritePadding writes at sha256_ptr_end copies instances of
// (message + IV + output) for the zero message of size felts.
func sha256WritePadding(c *Context, size, copies int) error {
	if size != 16 {
		return errors.New("AssertionError: len(w) == 16")
	}
	var m [16]uint64
	w := sha256Schedule(&m)
	iv := sha256IVWords()
	out := sha256Compress(&iv, &w)
	inst := make([]uint32, 0, size+16)
	inst = append(inst, make([]uint32, size)...)
	inst = append(inst, sha256IV[:]...)
	inst = append(inst, out[:]...)
	var padding []uint32
	for i := 0; i < copies; i++ {
		padding = append(padding, inst...)
	}
	dst, err := hashIDPtr(c, "sha256_ptr_end")
	if err != nil {
		return err
	}
	return hashWriteWords(c, dst, padding)
}
