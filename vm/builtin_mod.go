package vm

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/cairn-vm/cairn/asm"
)

// The mod builtins' memory layout (cairo-lang mod_builtin_runner.py): each
// instance has 7 input cells p0..p3 (the modulus in 4 words of 96 bits),
// values_ptr, offsets_ptr and n; the offsets table holds (a, b, c) offsets
// into the values table, where each value is 4 words.
const (
	modInputCells = 7
	// modAdditionalUnits is len(MEMORY_VAR_NAMES): a, b, c offsets and words.
	modAdditionalUnits = 15
	modValuesPtr       = 4
	modOffsetsPtr      = 5
	modNIndex          = 6
	// maxModN is MAX_N, the largest n fill_memory accepts.
	maxModN = 100000
)

// zeroSegment is cairo-lang's shared zero segment (add_zero_segment): one
// segment of zeros that every builtin needing allocated zeros points to.
type zeroSegment struct {
	base Relocatable
	size int
	set  bool
}

// ModBuiltin is cairo-lang's ModBuiltinRunner, for add_mod (a + b = c mod
// p) and mul_mod (a * b = c mod p) over 384-bit values in 4 words of 96
// bits. It has no deduction rule: a hint fills its instances and the values
// table with FillModMemory; RunSecurityChecks verifies them.
type ModBuiltin struct {
	builtinBase
	def       BuiltinDef
	isMul     bool
	zero      *zeroSegment
	zeroValue Relocatable
	zeroSet   bool
	shift     *big.Int // 2^word_bit_len
	intLim    *big.Int // 2^(n_words * word_bit_len)
	kBound    *big.Int // 2 for add_mod, int_lim for mul_mod
}

func newModBuiltin(name string, def *BuiltinDef, included bool, zero *zeroSegment) *ModBuiltin {
	d := *def
	if d.WordBitLen == 0 {
		d.WordBitLen = 96
	}
	if d.NWords == 0 {
		d.NWords = 4
	}
	if d.BatchSize == 0 {
		d.BatchSize = 1
	}
	b := &ModBuiltin{builtinBase: newBase(name, &d, included, modInputCells, modInputCells), def: d,
		isMul: name == BuiltinMulMod, zero: zero}
	b.extraUnits = modAdditionalUnits
	b.shift = new(big.Int).Lsh(big.NewInt(1), uint(d.WordBitLen))
	b.intLim = new(big.Int).Lsh(big.NewInt(1), uint(d.WordBitLen*d.NWords))
	if b.isMul {
		b.kBound = b.intLim
	} else {
		b.kBound = big.NewInt(2)
	}
	return b
}

// InitSegments adds the builtin's segment.
func (b *ModBuiltin) InitSegments(m *Memory) {
	b.base = m.AddSegment()
	// Both mod builtins share the zero state; every InitSegments runs before
	// any InitZeroSegment.
	b.zeroSet, b.zero.set, b.zero.size = false, false, 0
}

// neededZeros is get_needed_number_allocated_zeros.
func (b *ModBuiltin) neededZeros() int { return max(b.def.NWords, 3*b.def.BatchSize) }

// InitZeroSegment is cairo-lang's initialize_zero_segment for this
// builtin: it adds the zero segment shared with the other mod builtin (on
// first use) and fills it with the zeros this builtin needs.
func (b *ModBuiltin) InitZeroSegment(m *Memory) {
	z := b.zero
	if !z.set {
		z.base, z.set = m.AddSegment(), true
	}
	need := b.neededZeros()
	for i := z.size; i < need; i++ {
		_ = m.Write(z.base.Add(i), IntValue(0)) // fresh cells of a new segment
	}
	z.size = max(z.size, need)
	b.zeroValue, b.zeroSet = z.base, true
}

// ZeroValue is the address of the allocated zeros (for the AIR private
// input); ok is false before InitZeroSegment.
func (b *ModBuiltin) ZeroValue() (Relocatable, bool) { return b.zeroValue, b.zeroSet }

// Finalize sizes the segment as any builtin, and the zero segment to its
// zeros (cairo-lang's finalize_zero_segment).
func (b *ModBuiltin) Finalize(m *Memory, proofMode bool, steps int) error {
	if err := b.builtinBase.Finalize(m, proofMode, steps); err != nil {
		return err
	}
	if proofMode && b.zero.set {
		m.Finalize(b.zero.base.Segment, b.zero.size)
	}
	return nil
}

// Def returns the builtin's parameters.
func (b *ModBuiltin) Def() BuiltinDef { return b.def }

func (b *ModBuiltin) opName() string {
	if b.isMul {
		return "<built-in function mul>"
	}
	return "<built-in function add>"
}

func (b *ModBuiltin) op(x, y *big.Int) *big.Int {
	if b.isMul {
		return new(big.Int).Mul(x, y)
	}
	return new(big.Int).Add(x, y)
}

func (b *ModBuiltin) fail(at Relocatable, format string, args ...any) error {
	return builtinErr(b.name, at, ErrModBuiltin, format, args...)
}

func (b *ModBuiltin) unknown(at Relocatable) error {
	return b.fail(at, "Unknown value for memory cell at address %s.", at)
}

// get reads a cell that must be known (cairo-lang's memory[addr]).
func (b *ModBuiltin) get(m *Memory, at Relocatable) (Value, error) {
	v := m.Get(at)
	if !v.Known() {
		return Value{}, b.unknown(at)
	}
	return v, nil
}

// readWords is read_n_words_value: the value at addr in n_words words, or
// nil (with the number of words read) when a word is missing.
func (b *ModBuiltin) readWords(m *Memory, addr Relocatable) (*big.Int, int, error) {
	val := new(big.Int)
	for i := range b.def.NWords {
		at := addr.Add(i)
		w := m.Get(at)
		if !w.Known() {
			return nil, i, nil
		}
		if !w.IsFelt() {
			return nil, i, b.fail(at, "Expected integer at address %s. Got: %s.", at, w)
		}
		wb := w.FeltRef().BigInt()
		if wb.Cmp(b.shift) >= 0 {
			return nil, i, b.fail(at, "Expected integer at address %s to be smaller than 2^%d. Got: %s.",
				at, b.def.WordBitLen, w)
		}
		val.Add(val, wb.Lsh(wb, uint(i*b.def.WordBitLen)))
	}
	return val, b.def.NWords, nil
}

// writeWords is write_n_words_value.
func (b *ModBuiltin) writeWords(m *Memory, addr Relocatable, value *big.Int) error {
	v := new(big.Int).Set(value)
	w := new(big.Int)
	for i := range b.def.NWords {
		v.DivMod(v, b.shift, w)
		if err := m.Write(addr.Add(i), FeltValue(asm.FeltFromBig(w))); err != nil {
			return err
		}
	}
	if v.Sign() != 0 {
		return b.fail(addr, "%s builtin: value %s does not fit in %d words of %d bits.",
			b.name, value, b.def.NWords, b.def.WordBitLen)
	}
	return nil
}

// modInputs is read_inputs' result.
type modInputs struct {
	p           *big.Int
	pWords      []Value
	valuesPtr   Relocatable
	offsetsPtr  Relocatable
	n           int // when hasN; larger than maxModN when huge
	hasN        bool
	nFeltString string
}

// readInputs is read_inputs.
func (b *ModBuiltin) readInputs(m *Memory, addr Relocatable, readN bool) (*modInputs, error) {
	in := &modInputs{}
	for _, k := range []struct {
		idx int
		dst *Relocatable
	}{{modValuesPtr, &in.valuesPtr}, {modOffsetsPtr, &in.offsetsPtr}} {
		at := addr.Add(k.idx)
		v, err := b.get(m, at)
		if err != nil {
			return nil, err
		}
		if !v.IsPtr() {
			return nil, b.fail(at, "%s builtin: Expected RelocatableValue at address %s. Got: %s.", b.name, at, v)
		}
		*k.dst = v.Ptr()
	}
	if readN {
		at := addr.Add(modNIndex)
		v, err := b.get(m, at)
		if err != nil {
			return nil, err
		}
		if !v.IsFelt() {
			return nil, b.fail(at, "%s builtin: Expected integer at address %s. Got: %s.", b.name, at, v)
		}
		f := v.Felt()
		if f.IsZero() {
			return nil, b.fail(at, "%s builtin: Expected n >= 1. Got: %s.", b.name, v)
		}
		in.n, in.hasN, in.nFeltString = feltToCount(&f), true, f.String()
	}
	val, k, err := b.readWords(m, addr)
	if err != nil {
		return nil, err
	}
	if val == nil {
		return nil, b.fail(addr.Add(k), "%s builtin: Missing value at address %s.", b.name, addr.Add(k))
	}
	in.p = val
	for i := range b.def.NWords {
		in.pWords = append(in.pWords, m.Get(addr.Add(i)))
	}
	return in, nil
}

// feltToCount converts a felt count to an int, saturating huge values
// above maxModN so that the MAX_N checks reject them.
func feltToCount(f *asm.Felt) int {
	if f.IsUint64() && f.Uint64() <= 1<<40 {
		return int(f.Uint64())
	}
	return 1 << 41
}

// String formats the inputs like cairo-lang's dict of inputs.
func (in *modInputs) String() string {
	var b strings.Builder
	for i, w := range in.pWords {
		fmt.Fprintf(&b, "'p%d': %s, ", i, w)
	}
	fmt.Fprintf(&b, "'values_ptr': %s, 'offsets_ptr': %s, ", in.valuesPtr, in.offsetsPtr)
	if in.hasN {
		fmt.Fprintf(&b, "'n': %s, ", in.nFeltString)
	}
	fmt.Fprintf(&b, "'p': %s", in.p)
	return "{" + b.String() + "}"
}

// fillInputs is fill_inputs: instances 1..n/batch-1 get the first
// instance's inputs, with offsets_ptr advanced and n decreased.
func (b *ModBuiltin) fillInputs(m *Memory, ptr Relocatable, in *modInputs) error {
	if in.n > maxModN {
		return b.fail(ptr, "%s builtin: n must be <= %d", b.name, maxModN)
	}
	if in.n%b.def.BatchSize != 0 {
		return b.fail(ptr, "%d is not divisible by %d.", in.n, b.def.BatchSize)
	}
	nInstances := in.n / b.def.BatchSize
	for inst := 1; inst < nInstances; inst++ {
		at := ptr.Add(inst * modInputCells)
		for i, w := range in.pWords {
			if err := m.Write(at.Add(i), w); err != nil {
				return err
			}
		}
		if err := m.Write(at.Add(modValuesPtr), PtrValue(in.valuesPtr)); err != nil {
			return err
		}
		if err := m.Write(at.Add(modOffsetsPtr), PtrValue(in.offsetsPtr.Add(3*inst*b.def.BatchSize))); err != nil {
			return err
		}
		if err := m.Write(at.Add(modNIndex), IntValue(uint64(in.n-inst*b.def.BatchSize))); err != nil {
			return err
		}
	}
	return nil
}

// fillOffsets is fill_offsets: copies the first (a, b, c) offsets to
// entries index..index+nCopies-1 of the offsets table.
func (b *ModBuiltin) fillOffsets(m *Memory, in *modInputs, index, nCopies int) error {
	if nCopies <= 0 {
		return nil
	}
	if nCopies > maxModN {
		return b.fail(in.offsetsPtr, "%s builtin: n must be <= %d", b.name, maxModN)
	}
	var offs [3]Value
	for i := range offs {
		v, err := b.get(m, in.offsetsPtr.Add(i))
		if err != nil {
			return err
		}
		offs[i] = v
	}
	for i := range nCopies {
		for j, v := range offs {
			if err := m.Write(in.offsetsPtr.Add(3*(index+i)+j), v); err != nil {
				return err
			}
		}
	}
	return nil
}

// fillResult is FillValueResult.
type fillResult int

const (
	fillSuccess fillResult = iota
	fillMissingOperand
	fillZeroDivisor
)

// operandAddrs returns the addresses of a, b, c of operation index.
func (b *ModBuiltin) operandAddrs(m *Memory, valuesPtr, offsetsPtr Relocatable, index int) ([3]Relocatable, [3]Value, error) {
	var addrs [3]Relocatable
	var offs [3]Value
	for k := range addrs {
		at := offsetsPtr.Add(3*index + k)
		off, err := b.get(m, at)
		if err != nil {
			return addrs, offs, err
		}
		sum, err := Add(PtrValue(valuesPtr), off)
		if err != nil {
			return addrs, offs, b.fail(at, "%s builtin: invalid offset %s at address %s: %v", b.name, off, at, err)
		}
		addrs[k], offs[k] = sum.Ptr(), off
	}
	return addrs, offs, nil
}

// fillValue is InstanceData.fill_value: it deduces the one missing value
// of operation index, if exactly one is missing.
func (b *ModBuiltin) fillValue(m *Memory, in *modInputs, index int) (fillResult, error) {
	addrs, _, err := b.operandAddrs(m, in.valuesPtr, in.offsetsPtr, index)
	if err != nil {
		return 0, err
	}
	var vals [3]*big.Int
	for k, at := range addrs {
		if vals[k], _, err = b.readWords(m, at); err != nil {
			return 0, err
		}
	}
	a, bb, c := vals[0], vals[1], vals[2]
	if a != nil && bb != nil && c != nil {
		return fillSuccess, nil
	}
	p := in.p
	if c == nil && a != nil && bb != nil {
		tmp := b.op(a, bb)
		km1 := new(big.Int).Sub(b.kBound, big.NewInt(1))
		km1p := new(big.Int).Mul(km1, p)
		limit := new(big.Int).Sub(b.intLim, big.NewInt(1))
		if new(big.Int).Sub(tmp, km1p).Cmp(limit) > 0 {
			return 0, b.fail(addrs[2], "%s builtin: Expected a %s b - %s * p <= %s. Got: values=%s, p=%s.",
				b.name, b.opName(), km1, limit, pyValues(vals), p)
		}
		var value *big.Int
		if tmp.Cmp(new(big.Int).Mul(b.kBound, p)) < 0 {
			value = new(big.Int).Mod(tmp, p)
		} else {
			value = tmp.Sub(tmp, km1p)
		}
		return fillSuccess, b.writeWords(m, addrs[2], value)
	}
	var res fillResult
	var value *big.Int
	ind := -1
	switch {
	case bb == nil && a != nil && c != nil:
		res, value, err = b.calcOperand(addrs[1], a, c, p)
		ind = 1
	case a == nil && bb != nil && c != nil:
		res, value, err = b.calcOperand(addrs[0], bb, c, p)
		ind = 0
	}
	if err != nil {
		return 0, err
	}
	if ind >= 0 {
		return res, b.writeWords(m, addrs[ind], value)
	}
	return fillMissingOperand, nil
}

func pyValues(vals [3]*big.Int) string {
	s := make([]string, 3)
	for i, v := range vals {
		if v == nil {
			s[i] = "None"
		} else {
			s[i] = v.String()
		}
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// calcOperand is calc_operand: the least x with op(x, known) = res + k*p
// for k below k_bound (mul_mod: a nullifier when known is not invertible).
func (b *ModBuiltin) calcOperand(at Relocatable, known, res, p *big.Int) (fillResult, *big.Int, error) {
	if !b.isMul {
		sum := new(big.Int).Add(res, p)
		if known.Cmp(sum) > 0 {
			return 0, nil, b.fail(at, "add_mod builtin: addend greater than sum + p: %s > %s + %s.", known, res, p)
		}
		if known.Cmp(res) <= 0 {
			return fillSuccess, new(big.Int).Sub(res, known), nil
		}
		return fillSuccess, sum.Sub(sum, known), nil
	}
	g := new(big.Int).GCD(nil, nil, known, p)
	if g.Cmp(big.NewInt(1)) != 0 {
		if g.Sign() == 0 {
			return 0, nil, b.fail(at, "mul_mod builtin: integer division or modulo by zero")
		}
		return fillZeroDivisor, new(big.Int).Quo(p, g), nil
	}
	if p.Sign() == 0 {
		return 0, nil, b.fail(at, "mul_mod builtin: integer division or modulo by zero")
	}
	tmpVal := new(big.Int)
	if p.Cmp(big.NewInt(1)) != 0 {
		x := new(big.Int).ModInverse(new(big.Int).Mod(known, p), p)
		tmpVal.Mul(res, x)
		tmpVal.Mod(tmpVal, p)
	}
	num := new(big.Int).Mul(known, tmpVal)
	num.Sub(num, res)
	tmpK, rem := new(big.Int).QuoRem(num, p, new(big.Int))
	if rem.Sign() != 0 {
		return 0, nil, b.fail(at, "%s is not divisible by %s.", num, p)
	}
	if tmpK.Cmp(b.kBound) >= 0 {
		return 0, nil, b.fail(at, "mul_mod builtin: ((%s * q) - %s) / %s > %s for any q > 0, such that %s * q = %s (mod %s).",
			known, res, p, b.kBound, known, res, p)
	}
	if tmpK.Sign() >= 0 {
		return fillSuccess, tmpVal, nil
	}
	if known.Sign() == 0 {
		return 0, nil, b.fail(at, "mul_mod builtin: integer division or modulo by zero")
	}
	q := new(big.Int).Sub(known, big.NewInt(1))
	q.Sub(q, tmpK)
	q.Div(q, known) // floor: both positive
	q.Mul(q, p)
	return fillSuccess, q.Add(q, tmpVal), nil
}

// ModFill is one builtin's part of a FillModMemory call: Ptr is the
// builtin pointer (the first instance to fill), N the number of
// operations in the offsets table.
type ModFill struct {
	Ptr     Relocatable
	Builtin *ModBuiltin
	N       int
}

// FillModMemory is cairo-lang's ModBuiltinRunner.fill_memory, which the
// run_mod_p_circuit hints call: it fills the inputs of the builtin
// instances from the first instance's, pads the offsets tables to n
// operations, and computes the missing values of the values table,
// interleaving add_mod and mul_mod operations as they become computable.
// Either argument may be nil (or have N = 0).
func FillModMemory(m *Memory, addMod, mulMod *ModFill) error {
	if addMod != nil && mulMod != nil {
		a, b := addMod.Builtin.def, mulMod.Builtin.def
		if a.NWords != b.NWords || a.WordBitLen != b.WordBitLen {
			return fmt.Errorf("%w: add_mod and mul_mod builtins must have the same n_words and word_bit_len.", ErrModBuiltin)
		}
	}
	if addMod != nil && addMod.N == 0 {
		addMod = nil
	}
	if mulMod != nil && mulMod.N == 0 {
		mulMod = nil
	}
	var addIn, mulIn *modInputs
	var err error
	if addMod != nil {
		b := addMod.Builtin
		if addMod.N > maxModN || addMod.N < 0 {
			return b.fail(addMod.Ptr, "%s builtin: n must be <= %d", b.name, maxModN)
		}
		if addIn, err = b.readInputs(m, addMod.Ptr, true); err != nil {
			return err
		}
		if err := b.fillInputs(m, addMod.Ptr, addIn); err != nil {
			return err
		}
		if err := b.fillOffsets(m, addIn, addMod.N, addIn.n-addMod.N); err != nil {
			return err
		}
	}
	if mulMod != nil {
		b := mulMod.Builtin
		if mulMod.N > maxModN || mulMod.N < 0 {
			return b.fail(mulMod.Ptr, "%s builtin: n must be <= %d", b.name, maxModN)
		}
		// n is not read: the procedure computes it.
		if mulIn, err = b.readInputs(m, mulMod.Ptr, false); err != nil {
			return err
		}
	}
	hasAdd := addMod != nil && !addMod.Builtin.isMul
	hasMul := mulMod != nil && mulMod.Builtin.isMul
	if !hasAdd && !hasMul {
		return fmt.Errorf("%w: At least one of add_mod and mul_mod must be given.", ErrModBuiltin)
	}
	addN, mulN := 0, 0
	if addMod != nil {
		addN = addMod.N
	}
	if mulMod != nil {
		mulN = mulMod.N
	}
	addIdx, mulIdx := 0, 0
	nComputed := -1
	for addIdx < addN || mulIdx < mulN {
		progressed := false
		if addIdx < addN && hasAdd {
			r, err := addMod.Builtin.fillValue(m, addIn, addIdx)
			if err != nil {
				return err
			}
			if r == fillSuccess {
				addIdx++
				continue
			}
		}
		if mulIdx < mulN && hasMul {
			r, err := mulMod.Builtin.fillValue(m, mulIn, mulIdx)
			if err != nil {
				return err
			}
			if r == fillMissingOperand {
				return fmt.Errorf("%w: Could not fill the values table, add_mod_index=%d, mul_mod_index=%d",
					ErrModBuiltin, addIdx, mulIdx)
			}
			if r == fillZeroDivisor && nComputed < 0 {
				nComputed = mulIdx
			}
			mulIdx++
			progressed = true
		}
		if !progressed {
			// cairo-lang loops forever here; report it instead.
			return fmt.Errorf("%w: Could not fill the values table, add_mod_index=%d, mul_mod_index=%d",
				ErrModBuiltin, addIdx, mulIdx)
		}
	}
	if mulMod != nil {
		b := mulMod.Builtin
		nPtr := mulMod.Ptr.Add(modNIndex)
		if nComputed < 0 {
			nComputed = mulN
			if v := m.Get(nPtr); v.Known() {
				if !v.IsFelt() {
					return b.fail(nPtr, "%s builtin: Expected integer at address %s. Got: %s.", b.name, nPtr, v)
				}
				f := v.Felt()
				nComputed = feltToCount(&f)
			}
			mulIn.n = nComputed
			if err := b.fillOffsets(m, mulIn, mulN, nComputed-mulN); err != nil {
				return err
			}
		} else if b.def.BatchSize != 1 {
			return b.fail(nPtr, "Inverse failure is supported only at batch_size == 1.")
		}
		if nComputed > maxModN {
			return b.fail(mulMod.Ptr, "%s builtin: n must be <= %d", b.name, maxModN)
		}
		if err := m.Write(nPtr, IntValue(uint64(nComputed))); err != nil {
			return err
		}
		mulIn.n, mulIn.hasN = nComputed, true
		if err := b.fillInputs(m, mulMod.Ptr, mulIn); err != nil {
			return err
		}
	}
	return nil
}

// readMemoryVars is read_memory_vars: a, b, c of operation indexInBatch.
func (b *ModBuiltin) readMemoryVars(m *Memory, valuesPtr, offsetsPtr Relocatable, indexInBatch int) ([3]*big.Int, error) {
	var vals [3]*big.Int
	for k := range vals {
		at := offsetsPtr.Add(k + 3*indexInBatch)
		off, err := b.get(m, at)
		if err != nil {
			return vals, err
		}
		if !off.IsFelt() {
			return vals, b.fail(at, "%s builtin: Expected integer at address %s. Got: %s.", b.name, offsetsPtr.Add(k), off)
		}
		sum, err := Add(PtrValue(valuesPtr), off)
		if err != nil {
			return vals, b.fail(at, "%s builtin: invalid offset %s at address %s: %v", b.name, off, at, err)
		}
		v, n, err := b.readWords(m, sum.Ptr())
		if err != nil {
			return vals, err
		}
		if v == nil {
			return vals, b.fail(sum.Ptr().Add(n), "%s builtin: Missing value at address %s.", b.name, sum.Ptr().Add(n))
		}
		vals[k] = v
	}
	return vals, nil
}

// RunSecurityChecks is ModBuiltinRunner.run_security_checks: the simple
// builtin checks, then every instance must continue the previous one and
// satisfy op(a, b) = c + k*p with 0 <= k < k_bound.
func (b *ModBuiltin) RunSecurityChecks(m *Memory) error {
	if err := b.builtinBase.RunSecurityChecks(m); err != nil {
		return err
	}
	size := m.UsedSize(b.base.Segment) - b.base.Offset
	nInstances := (size + modInputCells - 1) / modInputCells
	var prev *modInputs
	batch := b.def.BatchSize
	for inst := range nInstances {
		at := b.base.Add(inst * modInputCells)
		in, err := b.readInputs(m, at, true)
		if err != nil {
			return err
		}
		if prev != nil && prev.n > batch {
			same := in.valuesPtr == prev.valuesPtr && in.offsetsPtr == prev.offsetsPtr.Add(3*batch) &&
				in.n == prev.n-batch
			for i := range in.pWords {
				same = same && in.pWords[i].Equal(prev.pWords[i])
			}
			if !same {
				return b.fail(at, "%s builtin: instance %d does not continue instance %d: inputs=%s, previous=%s.",
					b.name, inst, inst-1, in, prev)
			}
		}
		if in.p.Sign() == 0 {
			return b.fail(at, "%s builtin: integer division or modulo by zero (p = 0 in instance %d).", b.name, inst)
		}
		for k := range batch {
			vals, err := b.readMemoryVars(m, in.valuesPtr, in.offsetsPtr, k)
			if err != nil {
				return err
			}
			r := b.op(vals[0], vals[1])
			lhs := new(big.Int).Mod(r, in.p)
			rhs := new(big.Int).Mod(vals[2], in.p)
			if lhs.Cmp(rhs) != 0 {
				return b.fail(at, "%s builtin: Expected a %s b == c (mod p). Got: instance=%d, batch=%d, inputs=%s, values=%s.",
					b.name, b.opName(), inst, k, in, pyValues(vals))
			}
			diff := new(big.Int).Sub(r, vals[2])
			if diff.Cmp(new(big.Int).Mul(b.kBound, in.p)) >= 0 || diff.Sign() < 0 {
				return b.fail(at, "%s builtin: Expected (a %s b - c)/p to be in {0,1,...,%s} Got: instance=%d, batch=%d, inputs=%s, values=%s.",
					b.name, b.opName(), new(big.Int).Sub(b.kBound, big.NewInt(1)), inst, k, in, pyValues(vals))
			}
		}
		prev = in
	}
	if prev != nil && prev.n != batch {
		return b.fail(b.base, "%s builtin: the last instance has n = %d, expected %d.", b.name, prev.n, batch)
	}
	return nil
}

// accountsWholeSegment is false: the builtin also accesses the cells its
// instances' offsets tables name (with an empty segment it has none).
func (b *ModBuiltin) accountsWholeSegment() bool { return false }

// MemoryAccesses marks the builtin's segment and, for every instance, its
// offsets-table entries and the values they point to
// (ModBuiltinRunner.get_memory_accesses).
func (b *ModBuiltin) MemoryAccesses(m *Memory, mark func(Relocatable)) error {
	if err := b.builtinBase.MemoryAccesses(m, mark); err != nil {
		return err
	}
	size := m.SegmentSize(b.base.Segment)
	nInstances := (size + modInputCells - 1) / modInputCells
	for inst := range nInstances {
		at := b.base.Add(inst * modInputCells)
		ov, err := b.get(m, at.Add(modOffsetsPtr))
		if err != nil {
			return err
		}
		vv, err := b.get(m, at.Add(modValuesPtr))
		if err != nil {
			return err
		}
		if !ov.IsPtr() || !vv.IsPtr() {
			return b.fail(at, "%s builtin: expected pointers at %s and %s.", b.name, at.Add(modValuesPtr), at.Add(modOffsetsPtr))
		}
		for i := range 3 * b.def.BatchSize {
			oa := ov.Ptr().Add(i)
			mark(oa)
			off, err := b.get(m, oa)
			if err != nil {
				return err
			}
			base, err := Add(vv, off)
			if err != nil {
				return b.fail(oa, "%s builtin: invalid offset %s at address %s: %v", b.name, off, oa, err)
			}
			for j := range b.def.NWords {
				mark(base.Ptr().Add(j))
			}
		}
	}
	return nil
}
