// Package vm is the model both of cairn's engines share: instruction
// decoding, program loading, segmented write-once memory holding felts and
// relocatable values, builtins, relocation, and the trace, memory and AIR
// writers. The interpreter (package interp) and the JIT execute over it.
package vm

import (
	"fmt"

	"github.com/cairn-vm/cairn/asm"
)

// Relocatable is an address: a segment index and an offset into it.
// Negative segment indices name temporary segments, which relocation rules
// map into real ones before the memory is relocated.
type Relocatable struct {
	Segment int
	Offset  int
}

// Add returns r + n. The caller checks n keeps the offset non-negative.
func (r Relocatable) Add(n int) Relocatable { return Relocatable{r.Segment, r.Offset + n} }

func (r Relocatable) String() string { return fmt.Sprintf("%d:%d", r.Segment, r.Offset) }

// Kinds of memory word. kindUnknown is the zero value, so a fresh cell is
// unknown. The accessed bit is kept in the same byte to keep cells at 40 bytes.
const (
	kindUnknown uint8 = 0
	kindFelt    uint8 = 1
	kindPtr     uint8 = 2
	kindMask    uint8 = 3
	accessedBit uint8 = 0x80
)

// Value is one memory word: a field element or a relocatable value. The zero
// Value is "unknown" (an unwritten cell). A pointer keeps its offset in the
// first limb of f and its segment in seg, so a Value is 40 bytes either way.
type Value struct {
	f    asm.Felt
	seg  int32
	kind uint8
}

// FeltValue wraps a field element.
func FeltValue(f asm.Felt) Value { return Value{f: f, kind: kindFelt} }

// IntValue wraps a non-negative integer as a felt.
func IntValue(n uint64) Value {
	if n < uint64(len(smallFelts)) {
		return Value{f: smallFelts[n], kind: kindFelt}
	}
	return Value{f: asm.FeltFromUint64(n), kind: kindFelt}
}

// smallFelts are the felts 0..255 in Montgomery form: hints write flags and
// small counts constantly, and converting costs a field multiplication.
var smallFelts = func() (t [256]asm.Felt) {
	for i := range t {
		t[i] = asm.FeltFromUint64(uint64(i))
	}
	return
}()

// PtrValue wraps a relocatable value.
func PtrValue(r Relocatable) Value {
	v := Value{seg: int32(r.Segment), kind: kindPtr}
	v.limbs()[0] = uint64(r.Offset)
	return v
}

func (v *Value) limbs() *[4]uint64 { return (*[4]uint64)(&v.f) }

// Known reports whether the value was written (or deduced).
func (v Value) Known() bool { return v.kind&kindMask != kindUnknown }

// IsFelt reports whether v is a field element.
func (v Value) IsFelt() bool { return v.kind&kindMask == kindFelt }

// IsPtr reports whether v is a relocatable value.
func (v Value) IsPtr() bool { return v.kind&kindMask == kindPtr }

// Felt returns the field element; meaningful only when IsFelt.
func (v Value) Felt() asm.Felt { return v.f }

// FeltRef returns a pointer to the field element, for arithmetic without copies.
func (v *Value) FeltRef() *asm.Felt { return &v.f }

// Ptr returns the relocatable value; meaningful only when IsPtr.
func (v Value) Ptr() Relocatable {
	return Relocatable{Segment: int(v.seg), Offset: int(v.limbs()[0])}
}

// Equal reports whether two known values are the same word.
func (v Value) Equal(w Value) bool {
	return v.kind&kindMask == w.kind&kindMask && v.seg == w.seg && v.f == w.f
}

// IsZero reports whether v is the felt 0.
func (v Value) IsZero() bool { return v.IsFelt() && v.f.IsZero() }

func (v Value) String() string {
	switch v.kind & kindMask {
	case kindFelt:
		return v.f.String()
	case kindPtr:
		return v.Ptr().String()
	}
	return "<unknown>"
}
