package vm

import (
	"errors"
	"fmt"

	"github.com/cairn-vm/cairn/asm"
)

// Errors of relocatable arithmetic; they are wrapped in a *VMError with the pc.
var (
	ErrAddPointers   = errors.New("cannot add two relocatable values")
	ErrSubPointers   = errors.New("cannot subtract relocatable values of different segments")
	ErrSubFromFelt   = errors.New("cannot subtract a relocatable value from a field element")
	ErrMulPointer    = errors.New("cannot multiply a relocatable value")
	ErrOffsetRange   = errors.New("relocatable offset out of range")
	maxPointerOffset = uint64(1) << 62
)

// SmallInt returns the signed integer view of f when it lies in
// (-2^62, 2^62): the range an offset, a jump or an ap step can take.
func SmallInt(f *asm.Felt) (int, bool) {
	if f.IsUint64() {
		if u := f.Uint64(); u < maxPointerOffset {
			return int(u), true
		}
		return 0, false
	}
	var n asm.Felt
	n.Neg(f)
	if n.IsUint64() {
		if u := n.Uint64(); u < maxPointerOffset {
			return -int(u), true
		}
	}
	return 0, false
}

// addOffset moves a pointer's offset by f, which must keep it in [0, 2^62).
func addOffset(off int, f *asm.Felt) (int, error) {
	if n, ok := SmallInt(f); ok && off+n >= 0 && off+n < int(maxPointerOffset) {
		return off + n, nil
	}
	return 0, offsetRangeError(off, *f)
}

// offsetRangeError is kept out of line and takes the felt by value, so
// that addOffset's callers' operands stay on the stack.
//
//go:noinline
func offsetRangeError(off int, f asm.Felt) error {
	return fmt.Errorf("%w: %d + %s", ErrOffsetRange, off, f.String())
}

// Add returns a + b: felt + felt, pointer + felt, felt + pointer.
func Add(a, b Value) (Value, error) {
	switch {
	case a.IsFelt() && b.IsFelt():
		var r Value
		r.kind = kindFelt
		r.f.Add(&a.f, &b.f)
		return r, nil
	case a.IsPtr() && b.IsFelt():
		p := a.Ptr()
		off, err := addOffset(p.Offset, &b.f)
		if err != nil {
			return Value{}, err
		}
		return PtrValue(Relocatable{p.Segment, off}), nil
	case a.IsFelt() && b.IsPtr():
		return Add(b, a)
	}
	return Value{}, ErrAddPointers
}

// Sub returns a - b: felt - felt, pointer - felt, and pointer - pointer of
// the same segment (a felt).
func Sub(a, b Value) (Value, error) {
	switch {
	case a.IsFelt() && b.IsFelt():
		var r Value
		r.kind = kindFelt
		r.f.Sub(&a.f, &b.f)
		return r, nil
	case a.IsPtr() && b.IsFelt():
		var neg asm.Felt
		neg.Neg(&b.f)
		p := a.Ptr()
		off, err := addOffset(p.Offset, &neg)
		if err != nil {
			return Value{}, err
		}
		return PtrValue(Relocatable{p.Segment, off}), nil
	case a.IsPtr() && b.IsPtr():
		pa, pb := a.Ptr(), b.Ptr()
		if pa.Segment != pb.Segment {
			return Value{}, fmt.Errorf("%w: %s - %s", ErrSubPointers, pa, pb)
		}
		return FeltValue(asm.FeltFromInt64(int64(pa.Offset - pb.Offset))), nil
	}
	return Value{}, ErrSubFromFelt
}

// Mul returns a * b for felts.
func Mul(a, b Value) (Value, error) {
	if !a.IsFelt() || !b.IsFelt() {
		return Value{}, ErrMulPointer
	}
	var r Value
	r.kind = kindFelt
	r.f.Mul(&a.f, &b.f)
	return r, nil
}
