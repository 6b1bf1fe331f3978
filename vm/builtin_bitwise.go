package vm

import (
	"math/big"

	"github.com/cairn-vm/cairn/asm"
)

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

// input converts the felt in the known cell c at `at` out of Montgomery
// form into *l and checks its bound. The cell is read in place; a
// relocatable value is reported as Memory.Get reads it (relocated).
func (b *BitwiseBuiltin) input(m *Memory, at Relocatable, c *Value, l *[4]uint64) error {
	if c.Kind() != KindFelt {
		return builtinErr(b.name, at, ErrBuiltinInput,
			"%s builtin: Expected integer at address %s. Got: %s.", b.name, at, m.Get(at))
	}
	*l = c.FeltRef().Regular()
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
		return builtinErr(b.name, at, ErrBuiltinInput,
			"%s builtin: Expected integer at address %s to be smaller than 2^%d. Got: %s.", b.name, at, bits, c.f.String())
	}
	return nil
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
		// The inputs are read in place: this runs for nearly every
		// instance of a bitwise-heavy program, where copying the two
		// 40-byte cells out cost as much as the conversions.
		xAddr := addr.Add(-idx)
		yAddr := xAddr.Add(1)
		xc, yc := m.CellPtr(xAddr.Segment, xAddr.Offset), m.CellPtr(yAddr.Segment, yAddr.Offset)
		if xc == nil || yc == nil || xc.Kind() == KindUnknown || yc.Kind() == KindUnknown {
			return false, nil
		}
		b.lastOK = false
		if err := b.input(m, xAddr, xc, &b.lastX); err != nil {
			return false, err
		}
		if err := b.input(m, yAddr, yc, &b.lastY); err != nil {
			return false, err
		}
		b.lastInst, b.lastOK = inst, true
	}
	// The result is below 2^251 < P, so one product with R^2 puts it in
	// Montgomery form (what Felt.SetLimbs does after checking the bound).
	x, y := &b.lastX, &b.lastY
	var r asm.Felt
	switch idx {
	case 2:
		r = asm.Felt{x[0] & y[0], x[1] & y[1], x[2] & y[2], x[3] & y[3]}
	case 3:
		r = asm.Felt{x[0] ^ y[0], x[1] ^ y[1], x[2] ^ y[2], x[3] ^ y[3]}
	default:
		r = asm.Felt{x[0] | y[0], x[1] | y[1], x[2] | y[2], x[3] | y[3]}
	}
	out.Mul(&r, &montR2)
	return true, nil
}

// montR2 holds R^2 mod P in its limbs (it is R in Montgomery form): the
// Montgomery product of regular limbs v and montR2 is v in Montgomery form.
var montR2 = func() (f asm.Felt) {
	f.SetBigInt(new(big.Int).Lsh(big.NewInt(1), 256))
	return f
}()

// UsedDilutedCheckUnits is the bitwise instance's diluted units.
func (b *BitwiseBuiltin) UsedDilutedCheckUnits(spacing, nBits int) int {
	return b.def.DilutedUnitsPerBuiltin(spacing, nBits)
}
