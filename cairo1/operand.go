package cairo1

import (
	"fmt"
	"math"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/vm"
)

// Operand evaluation, as the generated Python reads its operands: a Deref
// is memory[cell] (a felt or a relocatable value, unknown cells being an
// error: hints never run builtin deductions), a DoubleDeref is
// memory[memory[cell] + offset], an Immediate its value mod P, and a BinOp
// (memory[a] op b) % PRIME, where adding an integer to a relocatable value
// moves its offset (mod P, as the % PRIME does) and everything else that
// mixes relocatables fails. Nothing here allocates unless it fails.

// maxOffset bounds the offsets of computed addresses, far below anything
// the memory can hold, so that offset arithmetic cannot overflow.
const maxOffset = 1 << 62

// cellAddr is the address of [ap + off] or [fp + off].
func cellAddr(st *vm.State, c class.CellRef) (vm.Relocatable, error) {
	base := st.AP
	if c.Register == class.FP {
		base = st.FP
	}
	off := base.Offset + int(c.Offset)
	if off < 0 {
		return vm.Relocatable{}, fmt.Errorf("%w: %s is %s + %d", vm.ErrNegativeOffset, c, base, c.Offset)
	}
	return vm.Relocatable{Segment: base.Segment, Offset: off}, nil
}

// readAt is memory[addr]: the value, which must be known.
func readAt(m *vm.Memory, addr vm.Relocatable) (vm.Value, error) {
	v := m.Get(addr)
	if !v.Known() {
		return v, unknownCell(addr)
	}
	return v, nil
}

// readCell is memory[cell].
func readCell(st *vm.State, c class.CellRef) (vm.Value, error) {
	addr, err := cellAddr(st, c)
	if err != nil {
		return vm.Value{}, err
	}
	return readAt(st.Mem, addr)
}

// addInt returns p + n for a small signed n.
func addInt(p vm.Relocatable, n int) (vm.Relocatable, error) {
	off := p.Offset + n
	if off < 0 || off >= maxOffset {
		return vm.Relocatable{}, fmt.Errorf("%w: %s + %d", ErrOutOfRange, p, n)
	}
	return vm.Relocatable{Segment: p.Segment, Offset: off}, nil
}

// addFelt returns p + f, the offset taken mod P as cairo-lang's
// (relocatable + int) % PRIME does; the result must be a usable offset.
func addFelt(p vm.Relocatable, f *asm.Felt) (vm.Relocatable, error) {
	if f.IsUint64() {
		if n := f.Uint64(); n < maxOffset {
			return addInt(p, int(n))
		}
	}
	off := asm.FeltFromUint64(uint64(p.Offset))
	off.Add(&off, f)
	if !off.IsUint64() || off.Uint64() >= maxOffset {
		// *f, not f: a pointer handed to fmt would make every caller's
		// felt escape to the heap.
		return vm.Relocatable{}, fmt.Errorf("%w: %s + %s", ErrOutOfRange, p, *f)
	}
	return vm.Relocatable{Segment: p.Segment, Offset: int(off.Uint64())}, nil
}

// evalValue is the value of a ResOperand: a felt or a relocatable value.
func evalValue(st *vm.State, r *class.ResOperand) (vm.Value, error) {
	switch r.Kind {
	case class.KindDeref:
		return readCell(st, r.Cell)
	case class.KindImmediate:
		return vm.FeltValue(r.Imm.Felt), nil
	case class.KindDoubleDeref:
		p, err := readCell(st, r.Cell)
		if err != nil {
			return vm.Value{}, err
		}
		if !p.IsPtr() {
			return vm.Value{}, notAddress("the inner cell of "+r.String(), p)
		}
		addr, err := addInt(p.Ptr(), int(r.Offset))
		if err != nil {
			return vm.Value{}, err
		}
		return readAt(st.Mem, addr)
	case class.KindBinOp:
		a, err := readCell(st, r.Cell)
		if err != nil {
			return vm.Value{}, err
		}
		var b vm.Value
		if r.B.Kind == class.KindImmediate {
			b = vm.FeltValue(r.B.Imm.Felt)
		} else if b, err = readCell(st, r.B.Cell); err != nil {
			return vm.Value{}, err
		}
		return binOp(r, a, b)
	}
	return vm.Value{}, fmt.Errorf("%w: operand kind %s", ErrUnknownHint, r.Kind)
}

// binOp is (a op b) % PRIME on memory values.
func binOp(r *class.ResOperand, a, b vm.Value) (vm.Value, error) {
	if a.IsFelt() && b.IsFelt() {
		x, y := a.Felt(), b.Felt()
		if r.Op == class.Mul {
			x.Mul(&x, &y)
		} else {
			x.Add(&x, &y)
		}
		return vm.FeltValue(x), nil
	}
	if r.Op == class.Mul {
		return vm.Value{}, fmt.Errorf("%w: cannot multiply %s by %s in %s", ErrNotInteger, a, b, r)
	}
	if a.IsPtr() && b.IsPtr() {
		return vm.Value{}, fmt.Errorf("%w: cannot add two relocatable values: %s + %s in %s", ErrNotInteger, a, b, r)
	}
	if b.IsPtr() {
		a, b = b, a
	}
	f := b.Felt()
	p, err := addFelt(a.Ptr(), &f)
	if err != nil {
		return vm.Value{}, err
	}
	return vm.PtrValue(p), nil
}

// evalFelt is the value of an operand that must be an integer.
func evalFelt(st *vm.State, r *class.ResOperand, what string) (asm.Felt, error) {
	v, err := evalValue(st, r)
	if err != nil {
		return asm.Felt{}, err
	}
	if !v.IsFelt() {
		return asm.Felt{}, notInteger(what, v)
	}
	return v.Felt(), nil
}

// evalPtr is the value of an operand that must be an address.
func evalPtr(st *vm.State, r *class.ResOperand, what string) (vm.Relocatable, error) {
	v, err := evalValue(st, r)
	if err != nil {
		return vm.Relocatable{}, err
	}
	if !v.IsPtr() {
		return vm.Relocatable{}, notAddress(what, v)
	}
	return v.Ptr(), nil
}

// evalInt is the value of an operand that must be a non-negative integer
// below limit (a count or a size).
func evalInt(st *vm.State, r *class.ResOperand, what string, limit int) (int, error) {
	f, err := evalFelt(st, r, what)
	if err != nil {
		return 0, err
	}
	return feltInt(&f, what, limit)
}

// feltInt converts a felt to an int below limit.
func feltInt(f *asm.Felt, what string, limit int) (int, error) {
	if !f.IsUint64() || f.Uint64() >= uint64(min(limit, math.MaxInt)) {
		return 0, fmt.Errorf("%w: %s = %s is not below %d", ErrOutOfRange, what, *f, limit)
	}
	return int(f.Uint64()), nil
}

// writeCell is memory[cell] = v.
func writeCell(st *vm.State, c class.CellRef, v vm.Value) error {
	addr, err := cellAddr(st, c)
	if err != nil {
		return err
	}
	return st.Mem.Write(addr, v)
}

// writeFelt is memory[cell] = f.
func writeFelt(st *vm.State, c class.CellRef, f asm.Felt) error {
	return writeCell(st, c, vm.FeltValue(f))
}

// writeBool is memory[cell] = 1 if b else 0.
func writeBool(st *vm.State, c class.CellRef, b bool) error {
	if b {
		return writeCell(st, c, vm.IntValue(1))
	}
	return writeCell(st, c, vm.IntValue(0))
}

// compareValues orders memory values as Python orders cairo-lang's: felts
// as integers, every integer below every relocatable value, relocatable
// values by (segment index, offset).
func compareValues(a, b vm.Value) int {
	switch {
	case a.IsFelt() && b.IsFelt():
		x, y := a.Felt(), b.Felt()
		return x.Cmp(&y)
	case a.IsFelt():
		return -1
	case b.IsFelt():
		return 1
	}
	p, q := a.Ptr(), b.Ptr()
	switch {
	case p.Segment != q.Segment:
		return cmpInt(p.Segment, q.Segment)
	default:
		return cmpInt(p.Offset, q.Offset)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
