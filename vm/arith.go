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

// feltOffset returns the offset a pointer moves by when f is added: f as a
// signed integer must be small so that the result keeps 0 <= offset.
func addOffset(off int, f *asm.Felt) (int, error) {
	if f.IsUint64() {
		u := f.Uint64()
		if u < maxPointerOffset && uint64(off)+u < maxPointerOffset {
			return off + int(u), nil
		}
		return 0, fmt.Errorf("%w: %d + %s", ErrOffsetRange, off, f)
	}
	var neg asm.Felt
	neg.Neg(f)
	if neg.IsUint64() && neg.Uint64() <= uint64(off) {
		return off - int(neg.Uint64()), nil
	}
	return 0, fmt.Errorf("%w: %d + %s", ErrOffsetRange, off, f)
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
