package vm

import "github.com/cairn-vm/cairn/asm"

// PedersenBuiltin is cairo-lang's HashBuiltinRunner with pedersen_hash:
// instances of 3 cells x, y, hash(x, y); the hash is deduced when read.
type PedersenBuiltin struct {
	builtinBase
	def BuiltinDef
	// Memo, when set, serves hashes its runs computed before.
	Memo *HashMemo
}

func newPedersenBuiltin(def *BuiltinDef, included bool) *PedersenBuiltin {
	b := &PedersenBuiltin{builtinBase: newBase(BuiltinPedersen, def, included, 3, 2), def: *def}
	b.rule = b.compute
	return b
}

// InitSegments adds the segment and installs the deduction rule.
func (b *PedersenBuiltin) InitSegments(m *Memory) {
	b.base = m.AddSegment()
	b.verified = offsetSet{}
	m.SetDeducer(b.base.Segment, b)
}

// Deduce computes the hash cell of an instance from its two inputs.
func (b *PedersenBuiltin) Deduce(m *Memory, addr Relocatable) (Value, bool, error) {
	v, ok, err := b.compute(m, addr)
	if ok {
		b.verified.add(addr.Offset)
	}
	return v, ok, err
}

func (b *PedersenBuiltin) compute(m *Memory, addr Relocatable) (Value, bool, error) {
	if (addr.Offset-b.base.Offset)%3 != 2 {
		return Value{}, false, nil
	}
	x, y := m.Get(addr.Add(-2)), m.Get(addr.Add(-1))
	if !x.Known() || !y.Known() {
		return Value{}, false, nil
	}
	if !x.IsFelt() {
		return Value{}, false, builtinErr(b.name, addr.Add(-2), ErrBuiltinInput,
			"%s builtin: Expected integer at address %s. Got: %s.", b.name, addr.Add(-2), x)
	}
	if !y.IsFelt() {
		return Value{}, false, builtinErr(b.name, addr.Add(-1), ErrBuiltinInput,
			"%s builtin: Expected integer at address %s. Got: %s.", b.name, addr.Add(-1), y)
	}
	if b.Memo != nil {
		return FeltValue(b.Memo.Pedersen(x.FeltRef(), y.FeltRef())), true, nil
	}
	return FeltValue(asm.Pedersen(x.FeltRef(), y.FeltRef())), true, nil
}
