package vm

import "github.com/cairn-vm/cairn/asm"

// PoseidonBuiltin is cairo-lang's PoseidonBuiltinRunner: instances of 6
// cells, a state of 3 felts and the Hades permutation of it.
type PoseidonBuiltin struct {
	builtinBase
	def      BuiltinDef
	lastInst int
	last     [3]asm.Felt
	lastOK   bool
}

func newPoseidonBuiltin(def *BuiltinDef, included bool) *PoseidonBuiltin {
	b := &PoseidonBuiltin{builtinBase: newBase(BuiltinPoseidon, def, included, 6, 3), def: *def}
	b.rule = b.compute
	return b
}

// InitSegments adds the segment and installs the deduction rule.
func (b *PoseidonBuiltin) InitSegments(m *Memory) {
	b.base = m.AddSegment()
	b.verified, b.lastOK = offsetSet{}, false
	m.SetDeducer(b.base.Segment, b)
}

// Deduce computes an output cell of an instance from its three inputs.
func (b *PoseidonBuiltin) Deduce(m *Memory, addr Relocatable) (Value, bool, error) {
	v, ok, err := b.compute(m, addr)
	if ok {
		b.verified.add(addr.Offset)
	}
	return v, ok, err
}

func (b *PoseidonBuiltin) compute(m *Memory, addr Relocatable) (Value, bool, error) {
	rel := addr.Offset - b.base.Offset
	idx := rel % 6
	if idx < 3 {
		return Value{}, false, nil
	}
	inst := rel / 6
	if b.lastOK && b.lastInst == inst {
		return FeltValue(b.last[idx-3]), true, nil
	}
	first := addr.Add(-idx)
	var in [3]Value
	for i := range in {
		in[i] = m.Get(first.Add(i))
		if !in[i].Known() {
			return Value{}, false, nil
		}
	}
	var s [3]asm.Felt
	for i := range in {
		if !in[i].IsFelt() {
			return Value{}, false, builtinErr(b.name, first.Add(i), ErrBuiltinInput,
				"%s builtin: Expected integer at address %s. Got: %s.", b.name, first.Add(i), in[i])
		}
		s[i] = in[i].Felt()
	}
	asm.PoseidonPermute(&s)
	b.lastInst, b.last, b.lastOK = inst, s, true
	return FeltValue(s[idx-3]), true, nil
}
