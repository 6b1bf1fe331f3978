package vm

import (
	"math/big"
	"sync"
)

// RangeCheckBuiltin is cairo-lang's RangeCheckBuiltinRunner, for
// range_check (8 parts of 16 bits: values below 2^128) and range_check96
// (6 parts: below 2^96). Every value written to its segment must be a felt
// below the bound.
type RangeCheckBuiltin struct {
	builtinBase
	nParts int
}

// innerRCBoundBits is log2 of cairo-lang's inner_rc_bound (2^16).
const innerRCBoundBits = 16

func newRangeCheckBuiltin(name string, def *BuiltinDef, included bool) *RangeCheckBuiltin {
	n := def.NParts
	if n == 0 {
		n = 8
		if name == BuiltinRangeCheck96 {
			n = 6
		}
	}
	return &RangeCheckBuiltin{builtinBase: newBase(name, def, included, 1, 1), nParts: n}
}

// NParts is the number of 16-bit parts of a checked value.
func (b *RangeCheckBuiltin) NParts() int { return b.nParts }

// InitSegments adds the segment and installs the validation rule.
func (b *RangeCheckBuiltin) InitSegments(m *Memory) {
	b.base = m.AddSegment()
	m.SetValidator(b.base.Segment, b)
}

var (
	boundStrings   = map[int]string{}
	boundStringsMu sync.Mutex
)

func (b *RangeCheckBuiltin) boundString() string {
	bits := innerRCBoundBits * b.nParts
	boundStringsMu.Lock()
	defer boundStringsMu.Unlock()
	s, ok := boundStrings[bits]
	if !ok {
		s = new(big.Int).Lsh(big.NewInt(1), uint(bits)).String()
		boundStrings[bits] = s
	}
	return s
}

// below reports whether the felt f is below 2^(16*nParts).
func (b *RangeCheckBuiltin) below(f *[4]uint64) bool {
	bits := innerRCBoundBits * b.nParts
	for i := bits / 64; i < 4; i++ {
		w := f[i]
		if i == bits/64 {
			w >>= uint(bits % 64)
		}
		if w != 0 {
			return false
		}
	}
	return true
}

// Validate checks that v is a felt in [0, 2^(16*n_parts)).
func (b *RangeCheckBuiltin) Validate(m *Memory, addr Relocatable, v Value) error {
	if !v.IsFelt() {
		return builtinErr(b.name, addr, ErrRangeCheck,
			"Range-check builtin: Expected value at address %s to be an integer. Got: %s.", addr, v)
	}
	f := v.Felt()
	limbs := f.Regular()
	if !b.below(&limbs) {
		return builtinErr(b.name, addr, ErrRangeCheck,
			"Value %s, in range check builtin %d, is out of range [0, %s).", v, addr.Offset-b.base.Offset, b.boundString())
	}
	return nil
}

// RangeCheckUsage returns the smallest and largest 16-bit part of the
// values in the segment (n_parts parts each).
func (b *RangeCheckBuiltin) RangeCheckUsage(m *Memory) (rcMin, rcMax int, ok bool) {
	rcMin, rcMax = 1<<16, -1
	m.Each(b.base.Segment, func(_ int, v Value) bool {
		f := v.Felt()
		limbs := f.Regular()
		for i := range b.nParts {
			part := int(limbs[i/4]>>(16*uint(i%4))) & 0xffff
			rcMin = min(rcMin, part)
			rcMax = max(rcMax, part)
		}
		return true
	})
	if rcMax < 0 {
		return 0, 0, false
	}
	return rcMin, rcMax, true
}

// UsedPermRangeCheckUnits is used cells times n_parts.
func (b *RangeCheckBuiltin) UsedPermRangeCheckUnits(m *Memory, steps int) (int, error) {
	if _, err := b.AllocatedCells(m, steps); err != nil {
		return 0, err
	}
	return b.UsedCells(m) * b.nParts, nil
}
