package vm

import (
	"encoding/binary"

	"github.com/cairn-vm/cairn/asm"
)

// KeccakBuiltin is cairo-lang's KeccakBuiltinRunner: instances of 16
// cells, 8 inputs of 200 bits and 8 outputs. The inputs, as 25 little-endian
// bytes each, form the 1600-bit Keccak state; the outputs are
// Keccak-f[1600] of it, cut the same way.
type KeccakBuiltin struct {
	builtinBase
	def      BuiltinDef
	lastInst int
	last     [8]asm.Felt
	lastOK   bool
}

const (
	keccakInputs    = 8
	keccakCellBits  = 200
	keccakCellBytes = keccakCellBits / 8
)

func newKeccakBuiltin(def *BuiltinDef, included bool) *KeccakBuiltin {
	d := *def
	if len(d.StateRep) == 0 {
		d.StateRep = []int{200, 200, 200, 200, 200, 200, 200, 200}
	}
	if d.InstancesPerComponent == 0 {
		d.InstancesPerComponent = 16
	}
	b := &KeccakBuiltin{builtinBase: newBase(BuiltinKeccak, &d, included, 16, 8), def: d}
	b.rule = b.compute
	return b
}

// InitSegments adds the segment and installs the deduction rule.
func (b *KeccakBuiltin) InitSegments(m *Memory) {
	b.base = m.AddSegment()
	b.verified, b.lastOK = offsetSet{}, false
	m.SetDeducer(b.base.Segment, b)
}

// Deduce computes an output cell of an instance from its eight inputs.
func (b *KeccakBuiltin) Deduce(m *Memory, addr Relocatable) (Value, bool, error) {
	v, ok, err := b.compute(m, addr)
	if ok {
		b.verified.add(addr.Offset)
	}
	return v, ok, err
}

func (b *KeccakBuiltin) compute(m *Memory, addr Relocatable) (Value, bool, error) {
	rel := addr.Offset - b.base.Offset
	idx := rel % 16
	if idx < keccakInputs {
		return Value{}, false, nil
	}
	inst := rel / 16
	if b.lastOK && b.lastInst == inst {
		return FeltValue(b.last[idx-keccakInputs]), true, nil
	}
	first := addr.Add(-idx)
	var in [keccakInputs]Value
	for i := range in {
		in[i] = m.Get(first.Add(i))
		if !in[i].Known() {
			return Value{}, false, nil
		}
	}
	var state [200]byte
	for i := range in {
		at := first.Add(i)
		if !in[i].IsFelt() {
			return Value{}, false, builtinErr(b.name, at, ErrBuiltinInput,
				"Keccak builtin: Expected integer at address %s. Got: %s.", at, in[i])
		}
		l := in[i].FeltRef().Regular()
		if l[3]>>(keccakCellBits-192) != 0 {
			return Value{}, false, builtinErr(b.name, at, ErrBuiltinInput,
				"Keccak builtin: Expected integer at address %s to be smaller than 2^%d. Got: %s.",
				at, keccakCellBits, in[i])
		}
		var le [32]byte
		for j, w := range l {
			binary.LittleEndian.PutUint64(le[8*j:], w)
		}
		copy(state[keccakCellBytes*i:], le[:keccakCellBytes])
	}
	var lanes [25]uint64
	for i := range lanes {
		lanes[i] = binary.LittleEndian.Uint64(state[8*i:])
	}
	asm.KeccakF1600(&lanes)
	for i, w := range lanes {
		binary.LittleEndian.PutUint64(state[8*i:], w)
	}
	var out [keccakInputs]asm.Felt
	for i := range out {
		var le [32]byte
		copy(le[:], state[keccakCellBytes*i:keccakCellBytes*(i+1)])
		var l [4]uint64
		for j := range l {
			l[j] = binary.LittleEndian.Uint64(le[8*j:])
		}
		out[i].SetLimbs(l)
	}
	b.lastInst, b.last, b.lastOK = inst, out, true
	return FeltValue(out[idx-keccakInputs]), true, nil
}

// UsedDilutedCheckUnits is the keccak instance's diluted units (2^18 /
// n_bits).
func (b *KeccakBuiltin) UsedDilutedCheckUnits(spacing, nBits int) int {
	return b.def.DilutedUnitsPerBuiltin(spacing, nBits)
}
