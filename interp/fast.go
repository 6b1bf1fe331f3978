package interp

import (
	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/vm"
)

// The fast path executes the instruction shapes that make up nearly every
// Cairo step (assert_eq over register-relative cells, jumps and jnz by an
// immediate, call rel, ret, ap += imm) directly on the segments' cells,
// with the common deductions of an assert's operand (op1 = dst, op0 or op1
// of an addition) and pointer arithmetic. It first checks that the step is
// ordinary — cells inside allocated memory, none to deduce in a builtin
// segment, pointer arithmetic in range — and returns false without touching
// the state
// otherwise, so the general path (execute) stays the one definition of the
// semantics and handles every unusual case.

// Fast handler kinds, chosen once per cached instruction.
const (
	fastNone uint8 = iota
	fastAssert
	fastJnz
	fastJumpRel
	fastCall
	fastRet
	fastAPAdd
)

// classify picks a fast handler for a decoded instruction.
func classify(in *vm.Instruction, immSmall bool) uint8 {
	switch {
	case in.Opcode == vm.OpAssertEq && in.Res != vm.ResUnconstrained &&
		in.PC == vm.PCRegular && (in.AP == vm.APRegular || in.AP == vm.APAdd1):
		return fastAssert
	case in.Opcode == vm.OpNop && in.PC == vm.PCJnz && in.Op1 == vm.Op1Imm && immSmall &&
		(in.AP == vm.APRegular || in.AP == vm.APAdd1):
		return fastJnz
	case in.Opcode == vm.OpNop && in.PC == vm.PCJumpRel && in.Op1 == vm.Op1Imm && in.Res == vm.ResOp1 && immSmall &&
		(in.AP == vm.APRegular || in.AP == vm.APAdd1):
		return fastJumpRel
	case in.Opcode == vm.OpCall && in.PC == vm.PCJumpRel && in.Op1 == vm.Op1Imm && in.Res == vm.ResOp1 && immSmall &&
		in.DstReg == vm.AP && in.OffDst == 0 && in.Op0Reg == vm.AP && in.OffOp0 == 1:
		return fastCall
	case in.Opcode == vm.OpRet && in.PC == vm.PCJumpAbs && in.Res == vm.ResOp1 && in.AP == vm.APRegular &&
		in.DstReg == vm.FP && in.OffDst == -2 && in.Op1 == vm.Op1FromFP && in.OffOp1 == -1:
		return fastRet
	case in.Opcode == vm.OpNop && in.PC == vm.PCRegular && in.AP == vm.APAdd && in.Op1 == vm.Op1Imm &&
		in.Res == vm.ResOp1 && immSmall:
		return fastAPAdd
	}
	return fastNone
}

// cellAt returns the cell at (seg, off) when it is allocated, else nil.
func cellAt(m *vm.Memory, seg, off int) *vm.Value { return m.CellPtr(seg, off) }

func (e *Engine) fastStep(st *vm.State, c *cached) bool {
	switch c.fast {
	case fastAssert:
		return fastAssertEq(st, c)
	case fastJnz:
		return fastBranchStep(st, c, true)
	case fastJumpRel:
		return fastBranchStep(st, c, false)
	case fastCall:
		return fastCallStep(st, c)
	case fastRet:
		return fastRetStep(st, c)
	case fastAPAdd:
		return fastAPAddStep(st, c)
	}
	return false
}

func record(st *vm.State) {
	st.Record(vm.TraceEntry{
		PC: st.PC.Offset - st.ProgramBase.Offset,
		AP: st.AP.Offset - st.ExecBase.Offset,
		FP: st.FP.Offset - st.ExecBase.Offset,
	})
}

func reg(st *vm.State, r vm.Register) vm.Relocatable {
	if r == vm.AP {
		return st.AP
	}
	return st.FP
}

func fastAssertEq(st *vm.State, c *cached) bool {
	in := &c.in
	m := st.Mem
	d := reg(st, in.DstReg)
	d.Offset += in.OffDst
	o0 := reg(st, in.Op0Reg)
	o0.Offset += in.OffOp0
	dst := cellAt(m, d.Segment, d.Offset)
	op0 := cellAt(m, o0.Segment, o0.Offset)
	// With relocation rules, reads relocate temporary pointers (Memory.Get);
	// the fast path reads cells raw, so it steps aside.
	if dst == nil || op0 == nil || m.HasRelocationRules() {
		return false
	}
	var o1 vm.Relocatable
	switch in.Op1 {
	case vm.Op1Imm:
		o1 = vm.Relocatable{Segment: st.PC.Segment, Offset: st.PC.Offset + 1}
	case vm.Op1FromAP:
		o1 = vm.Relocatable{Segment: st.AP.Segment, Offset: st.AP.Offset + in.OffOp1}
	case vm.Op1FromFP:
		o1 = vm.Relocatable{Segment: st.FP.Segment, Offset: st.FP.Offset + in.OffOp1}
	default: // [[op0] + off]
		if op0.Kind() != vm.KindPtr {
			return false
		}
		o1 = vm.Relocatable{Segment: op0.Segment(), Offset: op0.Offset() + in.OffOp1}
	}
	op1 := cellAt(m, o1.Segment, o1.Offset)
	if op1 == nil {
		return false
	}
	// Builtin cells are deduced first, as in the general path.
	op0Known, ok := known(m, o0, op0)
	if !ok {
		return false
	}
	op1Known, ok := known(m, o1, op1)
	if !ok {
		return false
	}
	switch {
	case op0Known && op1Known && dst.Kind() == vm.KindUnknown && in.Res != vm.ResOp1 &&
		op0.Kind() == vm.KindFelt && op1.Kind() == vm.KindFelt && m.Plain(d.Segment):
		// The commonest step of arithmetic code: a new felt computed
		// straight into its cell.
		if in.Res == vm.ResAdd {
			dst.FeltRef().Add(op0.FeltRef(), op1.FeltRef())
		} else {
			dst.FeltRef().Mul(op0.FeltRef(), op1.FeltRef())
		}
		m.FillFelt(d.Segment, d.Offset, dst)
	case op0Known && op1Known:
		var res vm.Value
		if in.Res == vm.ResAdd && in.Op1 == vm.Op1Imm && c.immSmall && op0.Kind() == vm.KindPtr {
			// pointer + immediate, the commonest pointer arithmetic.
			off := op0.Offset() + c.immInt
			if off < 0 {
				return false
			}
			res = vm.PtrValue(vm.Relocatable{Segment: op0.Segment(), Offset: off})
		} else if !fastRes(in.Res, op0, op1, &res) {
			return false
		}
		if dst.Kind() == vm.KindUnknown {
			if !store(m, d, dst, &res) {
				return false
			}
		} else if !sameValue(dst, &res) {
			return false // the general path reports the failed assertion
		}
	case op0Known && dst.Kind() != vm.KindUnknown:
		// op1 deduced from dst: dst = op1, or dst = op0 + op1.
		var v vm.Value
		switch in.Res {
		case vm.ResOp1:
			v = *dst
		case vm.ResAdd:
			if !fastSub(dst, op0, &v) {
				return false
			}
		default:
			return false
		}
		if !store(m, o1, op1, &v) {
			return false
		}
	case op1Known && in.Res == vm.ResAdd && dst.Kind() != vm.KindUnknown:
		// op0 deduced from dst = op0 + op1.
		var v vm.Value
		if !fastSub(dst, op1, &v) {
			return false
		}
		if !store(m, o0, op0, &v) {
			return false
		}
	default:
		return false
	}
	retire(st, dst, op0, op1)
	if in.AP == vm.APAdd1 {
		st.AP.Offset++
	}
	st.PC.Offset += in.Size
	return true
}

// known reports whether the operand cell c at addr is known, running its
// builtin's deduction first when it is not (which writes the cell). ok is
// false when the deduction failed: the general path reports it.
func known(m *vm.Memory, addr vm.Relocatable, c *vm.Value) (isKnown, ok bool) {
	if c.Kind() != vm.KindUnknown {
		return true, true
	}
	if m.Plain(addr.Segment) {
		return false, true
	}
	deduced, err := m.DeduceInto(addr, c)
	return deduced, err == nil
}

// store writes v into the unknown cell c at addr: directly unless the
// segment validates its writes (range_check, ecdsa), through Write then.
func store(m *vm.Memory, addr vm.Relocatable, c *vm.Value, v *vm.Value) bool {
	if m.Unvalidated(addr.Segment) {
		m.Fill(addr.Segment, addr.Offset, c, v)
		return true
	}
	return m.Write(addr, *v) == nil
}

// fastRes computes res from two known operands; false sends the step to
// the general path (pointer arithmetic out of range, products of pointers).
func fastRes(kind vm.ResLogic, op0, op1 *vm.Value, res *vm.Value) bool {
	switch kind {
	case vm.ResOp1:
		*res = *op1
		return true
	case vm.ResAdd:
		if op0.Kind() == vm.KindFelt && op1.Kind() == vm.KindFelt {
			*res = vm.FeltValue(asm.Felt{})
			res.FeltRef().Add(op0.FeltRef(), op1.FeltRef())
			return true
		}
		v, err := vm.Add(*op0, *op1)
		*res = v
		return err == nil
	case vm.ResMul:
		if op0.Kind() != vm.KindFelt || op1.Kind() != vm.KindFelt {
			return false
		}
		*res = vm.FeltValue(asm.Felt{})
		res.FeltRef().Mul(op0.FeltRef(), op1.FeltRef())
		return true
	}
	return false
}

// fastSub is a - b for the deduction of an addition's operand.
func fastSub(a, b *vm.Value, out *vm.Value) bool {
	if a.Kind() == vm.KindFelt && b.Kind() == vm.KindFelt {
		*out = vm.FeltValue(asm.Felt{})
		out.FeltRef().Sub(a.FeltRef(), b.FeltRef())
		return true
	}
	v, err := vm.Sub(*a, *b)
	*out = v
	return err == nil
}

// sameValue compares a cell with a computed value, ignoring the accessed
// mark.
func sameValue(cell, v *vm.Value) bool {
	return cell.Kind() == v.Kind() && cell.Segment() == v.Segment() && *cell.FeltRef() == *v.FeltRef()
}

// registerOperands returns the dst and op0 cells of a register-relative
// instruction when both are allocated and known (as the general path
// requires of an instruction that writes neither).
func registerOperands(st *vm.State, in *vm.Instruction) (dst, op0 *vm.Value, ok bool) {
	d := reg(st, in.DstReg)
	o0 := reg(st, in.Op0Reg)
	dst = cellAt(st.Mem, d.Segment, d.Offset+in.OffDst)
	op0 = cellAt(st.Mem, o0.Segment, o0.Offset+in.OffOp0)
	ok = dst != nil && op0 != nil && dst.Kind() != vm.KindUnknown && op0.Kind() != vm.KindUnknown
	return dst, op0, ok
}

// retire records the step in the trace (with the registers it started
// from), marks its operand cells accessed and counts it. Register updates
// follow it.
func retire(st *vm.State, dst, op0, op1 *vm.Value) {
	if st.TraceOn {
		record(st)
	}
	dst.MarkAccessed()
	op0.MarkAccessed()
	if op1 != nil {
		op1.MarkAccessed()
	}
	st.Steps++
}

// fastBranchStep runs jmp rel by an immediate and, when conditional, jnz by
// an immediate (which falls through when dst is the felt 0).
func fastBranchStep(st *vm.State, c *cached, conditional bool) bool {
	in := &c.in
	dst, op0, ok := registerOperands(st, in)
	if !ok {
		return false
	}
	next := st.PC.Offset + c.immInt
	if conditional && dst.Kind() == vm.KindFelt && dst.FeltRef().IsZero() {
		next = st.PC.Offset + in.Size
	}
	if next < 0 {
		return false
	}
	retire(st, dst, op0, nil)
	if in.AP == vm.APAdd1 {
		st.AP.Offset++
	}
	st.PC.Offset = next
	return true
}

func fastCallStep(st *vm.State, c *cached) bool {
	m := st.Mem
	if !m.Plain(st.AP.Segment) {
		return false
	}
	dst := cellAt(m, st.AP.Segment, st.AP.Offset)
	op0 := cellAt(m, st.AP.Segment, st.AP.Offset+1)
	next := st.PC.Offset + c.immInt
	if dst == nil || op0 == nil || dst.Kind() != vm.KindUnknown || op0.Kind() != vm.KindUnknown || next < 0 {
		return false
	}
	fp := vm.PtrValue(st.FP)
	ret := vm.PtrValue(st.PC.Add(c.in.Size))
	m.Fill(st.AP.Segment, st.AP.Offset, dst, &fp)
	m.Fill(st.AP.Segment, st.AP.Offset+1, op0, &ret)
	retire(st, dst, op0, nil)
	st.FP = st.AP.Add(2)
	st.AP.Offset += 2
	st.PC.Offset = next
	return true
}

func fastRetStep(st *vm.State, c *cached) bool {
	in := &c.in
	m := st.Mem
	o0 := reg(st, in.Op0Reg)
	o0.Offset += in.OffOp0
	dst := cellAt(m, st.FP.Segment, st.FP.Offset-2)
	op0 := cellAt(m, o0.Segment, o0.Offset)
	op1 := cellAt(m, st.FP.Segment, st.FP.Offset-1)
	if dst == nil || op0 == nil || op1 == nil || dst.Kind() != vm.KindPtr || op1.Kind() != vm.KindPtr ||
		op0.Kind() == vm.KindUnknown {
		return false
	}
	retire(st, dst, op0, op1)
	st.FP = vm.Relocatable{Segment: dst.Segment(), Offset: dst.Offset()}
	st.PC = vm.Relocatable{Segment: op1.Segment(), Offset: op1.Offset()}
	return true
}

func fastAPAddStep(st *vm.State, c *cached) bool {
	in := &c.in
	dst, op0, ok := registerOperands(st, in)
	ap := st.AP.Offset + c.immInt
	if !ok || ap < 0 {
		return false
	}
	retire(st, dst, op0, nil)
	st.AP.Offset = ap
	st.PC.Offset += in.Size
	return true
}
