package vm

import "github.com/cairn-vm/cairn/asm"

// BitwiseBuiltin is cairo-lang's BitwiseBuiltinRunner: instances of 5
// cells x, y, x&y, x^y, x|y, with x and y below 2^total_n_bits (251).
type BitwiseBuiltin struct {
	builtinBase
	def       BuiltinDef
	totalBits int
	// The last instance's inputs in integer form: a program reads several
	// outputs of one instance in a row, and converting the inputs out of
	// Montgomery form is a large part of the cost.
	lastInst int
	lastX    [4]uint64
	lastY    [4]uint64
	lastOK   bool
}

func newBitwiseBuiltin(def *BuiltinDef, included bool) *BitwiseBuiltin {
	b := &BitwiseBuiltin{builtinBase: newBase(BuiltinBitwise, def, included, 5, 2), def: *def,
		totalBits: def.TotalNBits}
	if b.totalBits == 0 {
		b.totalBits = 251
	}
	b.def.TotalNBits = b.totalBits
	b.rule = b.compute
	return b
}

// InitSegments adds the segment and installs the deduction rule.
func (b *BitwiseBuiltin) InitSegments(m *Memory) {
	b.base = m.AddSegment()
	b.verified, b.lastOK = offsetSet{}, false
	m.SetDeducer(b.base.Segment, b)
}

func (b *BitwiseBuiltin) input(at Relocatable, v Value) ([4]uint64, error) {
	if !v.IsFelt() {
		return [4]uint64{}, builtinErr(b.name, at, ErrBuiltinInput,
			"%s builtin: Expected integer at address %s. Got: %s.", b.name, at, v)
	}
	l := v.FeltRef().Regular()
	bits := b.totalBits
	ok := true
	for i := bits / 64; i < 4 && ok; i++ {
		w := l[i]
		if i == bits/64 {
			w >>= uint(bits % 64)
		}
		ok = w == 0
	}
	if !ok {
		return l, builtinErr(b.name, at, ErrBuiltinInput,
			"%s builtin: Expected integer at address %s to be smaller than 2^%d. Got: %s.", b.name, at, bits, v)
	}
	return l, nil
}

// Deduce computes the and/xor/or cell of an instance from x and y.
func (b *BitwiseBuiltin) Deduce(m *Memory, addr Relocatable) (Value, bool, error) {
	v, ok, err := b.compute(m, addr)
	if ok {
		b.verified.add(addr.Offset)
	}
	return v, ok, err
}

func (b *BitwiseBuiltin) compute(m *Memory, addr Relocatable) (Value, bool, error) {
	var f asm.Felt
	ok, err := b.output(m, addr, &f)
	if !ok || err != nil {
		return Value{}, false, err
	}
	return FeltValue(f), true, nil
}

// deduceFelt is Deduce writing the output felt in place (see feltDeducer).
func (b *BitwiseBuiltin) deduceFelt(m *Memory, addr Relocatable, out *asm.Felt) (bool, error) {
	ok, err := b.output(m, addr, out)
	if ok {
		b.verified.add(addr.Offset)
	}
	return ok, err
}

// output sets *out to the and/xor/or cell at addr; *out is untouched when
// the cell is an input or the inputs are unknown.
func (b *BitwiseBuiltin) output(m *Memory, addr Relocatable, out *asm.Felt) (bool, error) {
	rel := addr.Offset - b.base.Offset
	inst, idx := rel/5, rel%5
	if idx < 2 {
		return false, nil
	}
	if !b.lastOK || b.lastInst != inst {
		xAddr := addr.Add(-idx)
		yAddr := xAddr.Add(1)
		x, y := m.Get(xAddr), m.Get(yAddr)
		if !x.Known() || !y.Known() {
			return false, nil
		}
		xl, err := b.input(xAddr, x)
		if err != nil {
			return false, err
		}
		yl, err := b.input(yAddr, y)
		if err != nil {
			return false, err
		}
		b.lastX, b.lastY, b.lastInst, b.lastOK = xl, yl, inst, true
	}
	var r [4]uint64
	for i := range r {
		x, y := b.lastX[i], b.lastY[i]
		switch idx {
		case 2:
			r[i] = x & y
		case 3:
			r[i] = x ^ y
		default:
			r[i] = x | y
		}
	}
	out.SetLimbs(r)
	return true, nil
}

// VerifyAutoDeductions checks the output cells the program wrote itself.
func (b *BitwiseBuiltin) VerifyAutoDeductions(m *Memory) error {
	return b.verifyCells(m, b.verified.has)
}

// UsedDilutedCheckUnits is the bitwise instance's diluted units.
func (b *BitwiseBuiltin) UsedDilutedCheckUnits(spacing, nBits int) int {
	return b.def.DilutedUnitsPerBuiltin(spacing, nBits)
}
