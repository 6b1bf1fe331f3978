package vm

import (
	"errors"

	"github.com/cairn-vm/cairn/asm"
)

// ECOpBuiltin is cairo-lang's EcOpBuiltinRunner: instances of 7 cells
// p.x, p.y, q.x, q.y, m, r.x, r.y with R = P + m*Q on the STARK curve,
// computed as the AIR does (256 double-and-add steps that fail when two
// points share an x coordinate). The scalar limit is the field prime, so
// any felt m is accepted.
type ECOpBuiltin struct {
	builtinBase
	def BuiltinDef
	// last caches the result of the last instance computed, so reading
	// r.y after r.x costs nothing.
	lastInst int
	last     [2]asm.Felt
	lastOK   bool
}

func newECOpBuiltin(def *BuiltinDef, included bool) *ECOpBuiltin {
	b := &ECOpBuiltin{builtinBase: newBase(BuiltinECOp, def, included, 7, 5), def: *def}
	b.rule = b.compute
	return b
}

// InitSegments adds the segment and installs the deduction rule.
func (b *ECOpBuiltin) InitSegments(m *Memory) {
	b.base = m.AddSegment()
	b.verified, b.lastOK = offsetSet{}, false
	m.SetDeducer(b.base.Segment, b)
}

// Deduce computes r.x or r.y of an instance from its five inputs.
func (b *ECOpBuiltin) Deduce(m *Memory, addr Relocatable) (Value, bool, error) {
	v, ok, err := b.compute(m, addr)
	if ok {
		b.verified.add(addr.Offset)
	}
	return v, ok, err
}

func (b *ECOpBuiltin) compute(m *Memory, addr Relocatable) (Value, bool, error) {
	rel := addr.Offset - b.base.Offset
	idx := rel % 7
	if idx < 5 {
		return Value{}, false, nil
	}
	inst := rel / 7
	if b.lastOK && b.lastInst == inst {
		return FeltValue(b.last[idx-5]), true, nil
	}
	first := addr.Add(-idx)
	var in [5]Value
	for i := range in {
		in[i] = m.Get(first.Add(i))
		if !in[i].Known() {
			return Value{}, false, nil
		}
	}
	for i := range in {
		if !in[i].IsFelt() {
			return Value{}, false, builtinErr(b.name, first.Add(i), ErrBuiltinInput,
				"ec_op builtin: Expected integer at address %s.Got: %s.", first.Add(i), in[i])
		}
	}
	p := [2]asm.Felt{in[0].Felt(), in[1].Felt()}
	q := [2]asm.Felt{in[2].Felt(), in[3].Felt()}
	mm := in[4].Felt()
	for _, pt := range [][2]asm.Felt{p, q} {
		if !asm.ECOnCurve(pt) {
			return Value{}, false, builtinErr(b.name, first, ErrECOpFailed,
				"ec_op builtin: point (%s, %s) is not on the curve.", pt[0].String(), pt[1].String())
		}
	}
	r, err := asm.ECOp(p, q, &mm)
	if err != nil {
		if errors.Is(err, asm.ErrECSameX) {
			return Value{}, false, builtinErr(b.name, first, ErrECOpFailed,
				"Cannot apply EC operation: computation reached two points with the same x coordinate.\n"+
					"Attempting to compute P + m * Q where:\nP = (%s, %s)\nm = %s\nQ = (%s, %s).",
				p[0].String(), p[1].String(), mm.String(), q[0].String(), q[1].String())
		}
		return Value{}, false, builtinErr(b.name, first, ErrECOpFailed, "ec_op builtin: %v", err)
	}
	b.lastInst, b.last, b.lastOK = inst, r, true
	return FeltValue(r[idx-5]), true, nil
}
