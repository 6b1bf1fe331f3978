package jit

import (
	"github.com/cairn-vm/cairn/jit/feltwasm"
	"github.com/cairn-vm/cairn/jit/wasm"
	"github.com/cairn-vm/cairn/vm"
)

// The second tier writes a hot group's instructions out in place: the
// helpers' inline attempts, specialised at compile time on what the
// instruction is (its operands' addresses, how op1 is found, the
// immediate), with the block's entry checks and the execution segment's
// size written out too, and without the accessed marks of register cells
// the block has already marked. A step the inline attempt cannot do still
// goes to Go, as in the first tier. Only hot groups get this code: it is
// several times larger than a helper call, and wazero's compile time grows
// with it.

// cellKey names a register cell of a block: its register and its offset
// from the register's value at the block's start.
type cellKey struct {
	r   vm.Register
	off int
}

func (cp *compiler) key(r vm.Register, off int) cellKey {
	if r == vm.AP {
		off += cp.ins.apDelta
	}
	return cellKey{r, off}
}

// inlineBlock is block for the second tier.
func (cp *compiler) inlineBlock(b *block) {
	cp.marked = map[cellKey]bool{}
	cp.inlineEnter(b)
	for k := range b.instrs {
		cp.k, cp.ins = k, &b.instrs[k]
		cp.f.reset()
		cp.inlineInstr(&b.instrs[k])
	}
	last := &b.instrs[len(b.instrs)-1]
	switch {
	case !endsBlock(last):
		cp.leave(&b.end, len(b.instrs), last.apAfter())
		cp.goTo(b.next())
	case last.kind == kindSlow && last.in.PC == vm.PCRegular && last.in.Opcode != vm.OpCall:
		cp.goTo(b.next())
	}
}

// inlineEnter is the enter helper written out for one block: the run's
// end, the step limit and the registers' reach stop the run at the block's
// start; the first entry has Go mark the block's words; a trace buffer
// that the block could overflow goes to Go first.
func (cp *compiler) inlineEnter(b *block) {
	c := cp.c
	c.I32Const(0)
	c.I64Load(mem(ctlBase + 8*ctlEndBlock))
	c.I64Const(int64(cp.cur))
	c.I64Eq()
	c.LocalGet(lSteps)
	c.I64Const(int64(len(b.instrs)))
	c.I64Add()
	c.I32Const(0)
	c.I64Load(mem(ctlBase + 8*ctlStepLimit))
	c.I64GtS()
	c.I32Or()
	reach := func(reg uint32, lo, hi int) {
		c.LocalGet(reg)
		c.I32Const(int32(lo))
		c.I32Add()
		c.I32Const(0)
		c.I32LtS()
		c.I32Or()
		c.LocalGet(reg)
		c.I32Const(int32(hi))
		c.I32Add()
		c.I32Const(0)
		c.I64Load(mem(ctlBase + 8*ctlExecCap))
		c.I32WrapI64()
		c.I32GeS()
		c.I32Or()
	}
	if b.usesAP {
		reach(lAP, b.apLo, b.apHi)
	}
	if b.usesFP {
		reach(lFP, b.fpLo, b.fpHi)
	}
	c.If(wasm.BlockEmpty)
	cp.stopAt(b.start)
	c.End()
	c.I32Const(0)
	c.I32Load8U(mem(visitedBase + cp.cur))
	c.I32Eqz()
	c.If(wasm.BlockEmpty)
	c.I32Const(int32(cp.cur))
	c.Call(hostMark)
	c.End()
	if cp.trace {
		c.I32Const(0)
		c.I64Load(mem(ctlBase + 8*ctlTraceLen))
		c.I64Const(int64(len(b.instrs)))
		c.I64Add()
		c.I64Const(traceCap)
		c.I64GtS()
		c.If(wasm.BlockEmpty)
		c.Call(hostFlush)
		c.End()
	}
}

func (cp *compiler) inlineInstr(i *instr) {
	switch i.kind {
	case kindSlow:
		cp.goStep(i)
		if endsBlock(i) {
			if i.in.PC == vm.PCRegular && i.in.Opcode != vm.OpCall {
				cp.loadRegs() // ap moved by what only Go knew; pc is the next one
			} else {
				cp.dynamicAfterSlow()
			}
		}
	case kindAssert:
		cp.inlineAssert(i)
	case kindJnz, kindJmpRel, kindAPAdd:
		cp.inlineBranch(i)
	case kindCall:
		cp.inlineCall(i)
	case kindRet:
		cp.inlineRet(i)
	}
}

// goStep has Go run the current instruction (the slow helper, with the
// registers, step count and the execution segment's size due so far); a
// failure leaves the run.
func (cp *compiler) goStep(i *instr) {
	c := cp.c
	c.I32Const(int32(i.pc))
	c.LocalGet(lAP)
	c.I32Const(int32(i.apDelta))
	c.I32Add()
	c.LocalGet(lFP)
	c.LocalGet(lSteps)
	c.I64Const(int64(cp.k))
	c.I64Add()
	for _, x := range []struct {
		has bool
		reg uint32
		hw  int
	}{{i.hasAP, lAP, i.apHW}, {i.hasFP, lFP, i.fpHW}} {
		if x.has {
			c.LocalGet(x.reg)
			c.I32Const(int32(x.hw))
			c.I32Add()
		} else {
			c.I32Const(0)
		}
	}
	c.Call(cp.h.slow)
	c.LocalTee(lT)
	c.BrIfTo(cp.failGo)
}

// attempt emits an instruction's inline attempt (body, which branches to
// f.slow when it cannot do the step) and what follows its success (after);
// otherwise Go runs the step, and the block goes on after it (or, for an
// instruction that ends the block, from wherever Go left pc).
func (cp *compiler) attempt(i *instr, body, after func()) {
	c := cp.c
	next := c.Block(wasm.BlockEmpty)
	fast := c.Block(wasm.BlockEmpty)
	cp.f.slow = c.Block(wasm.BlockEmpty)
	body()
	c.BrTo(fast)
	c.End() // slow
	cp.goStep(i)
	if endsBlock(i) {
		c.BrTo(cp.fromGo)
	} else {
		c.BrTo(next)
	}
	c.End() // fast
	after()
	c.End() // next
}

// addrTo sets a fresh i32 local to the address of [r + off] and returns it.
func (cp *compiler) addrTo(r vm.Register, off int) uint32 {
	l := cp.f.local(wasm.I32)
	cp.regAddr(r, off)
	cp.c.LocalSet(l)
	return l
}

// markOnce marks the register cell (r, off) at local a unless the block
// marked it before, and remembers it marked.
func (cp *compiler) markOnce(r vm.Register, off int, a uint32) {
	k := cp.key(r, off)
	if !cp.marked[k] {
		cp.f.mark(a)
	}
}

// noteMarked records the register cells a finished assert_eq has marked
// (Go's step marks them as the inline one does). They are known, so no
// later step writes them, which would drop the mark.
func (cp *compiler) noteMarked(keys ...cellKey) {
	for _, k := range keys {
		cp.marked[k] = true
	}
}

// inlineRec records the current step's trace entry.
func (cp *compiler) inlineRec(i *instr) {
	if !cp.trace {
		return
	}
	c := cp.c
	c.I32Const(int32(i.pc))
	c.LocalGet(lAP)
	c.I32Const(int32(i.apDelta))
	c.I32Add()
	c.LocalGet(lFP)
	c.Call(cp.h.rec)
}

func (cp *compiler) inlineAssert(i *instr) {
	c, f := cp.c, cp.f
	in := &i.in
	d := cp.addrTo(in.DstReg, in.OffDst)
	o0 := cp.addrTo(in.Op0Reg, in.OffOp0)
	mode := op1Reg
	var o1 uint32
	var o1Reg vm.Register
	switch in.Op1 {
	case vm.Op1FromAP, vm.Op1FromFP:
		o1Reg = vm.AP
		if in.Op1 == vm.Op1FromFP {
			o1Reg = vm.FP
		}
		o1 = cp.addrTo(o1Reg, in.OffOp1)
	case vm.Op1Imm:
		mode = op1Imm
		o1 = f.local(wasm.I32)
		c.I32Const(int32(progBase + (i.pc+1)*vm.CellBytes))
		c.LocalSet(o1)
	default:
		mode = op1Deref
		o1 = f.local(wasm.I32)
	}
	cp.attempt(i, func() {
		if mode == op1Deref {
			cp.inlineDeref(o0, in.OffOp1, o1)
		}
		switch in.Res {
		case vm.ResOp1:
			// op0 is known when the dereference found a pointer in it, or
			// an earlier assert_eq of the block used it.
			cp.inlineOp1(d, o0, o1, mode, mode == op1Deref || cp.marked[cp.key(in.Op0Reg, in.OffOp0)])
		case vm.ResAdd:
			imm := int64(notSmall)
			if mode == op1Imm && i.immSmall {
				imm = int64(i.immInt)
			}
			cp.inlineAdd(d, o0, o1, mode, imm)
		default:
			cp.inlineMul(d, o0, o1)
		}
	}, func() {
		cp.markOnce(in.DstReg, in.OffDst, d)
		cp.markOnce(in.Op0Reg, in.OffOp0, o0)
		switch mode {
		case op1Reg:
			cp.markOnce(o1Reg, in.OffOp1, o1)
		case op1Deref:
			f.mark(o1)
		}
		cp.inlineRec(i)
	})
	cp.noteMarked(cp.key(in.DstReg, in.OffDst), cp.key(in.Op0Reg, in.OffOp0))
	if mode == op1Reg {
		cp.noteMarked(cp.key(o1Reg, in.OffOp1))
	}
}

// writableOp1 pushes 1 when an unknown op1 may be filled in place: always
// for a register cell, for a dereferenced one when its segment has no
// builtin rules.
func (cp *compiler) writableOp1(mode int) {
	if mode == op1Deref {
		cp.c.LocalGet(cp.derefFlags)
		cp.c.I32Eqz()
		return
	}
	cp.c.I32Const(1)
}

// inlineDeref is the deref helper in place: it sets local o1 to the
// address of [[o0] + off] when o0 holds a pointer into a segment whose
// first page, in linear memory, holds that cell, and leaves that
// segment's flags, table entry and the cell's offset in the compiler's
// deref locals; anything else goes to Go.
func (cp *compiler) inlineDeref(o0 uint32, off int, o1 uint32) {
	c, f := cp.c, cp.f
	e, o := f.local(wasm.I32), f.local(wasm.I32)
	o64 := f.local(wasm.I64)
	cp.derefFlags, cp.derefE, cp.derefO = f.local(wasm.I32), e, o
	f.kind(o0)
	c.I32Const(int32(vm.KindPtr))
	c.I32Ne()
	c.BrIfTo(f.slow)
	c.LocalGet(o0)
	c.I32Load(mem(vm.CellSegOffset))
	c.LocalTee(e)
	c.I32Const(maxTabSegs)
	c.I32GeU()
	c.BrIfTo(f.slow)
	c.LocalGet(e)
	c.I32Const(segTabEntry)
	c.I32Mul()
	c.I32Const(segTabBase)
	c.I32Add()
	c.LocalTee(e)
	c.I32Load(mem(segFlags))
	c.LocalTee(cp.derefFlags)
	c.I32Const(segFlagForeign)
	c.I32And()
	c.BrIfTo(f.slow)
	// The offset, exactly: pointers' offsets go up to 2^62.
	c.LocalGet(o0)
	c.I64Load(mem(0))
	c.I64Const(int64(off))
	c.I64Add()
	c.LocalTee(o64)
	c.LocalGet(e)
	c.I32Load(mem(segPage0Len))
	c.I64ExtendI32U()
	c.I64GeU()
	c.BrIfTo(f.slow)
	c.LocalGet(o64)
	c.I32WrapI64()
	c.LocalTee(o)
	c.I32Const(int32(vm.CellBytes))
	c.I32Mul()
	c.LocalGet(e)
	c.I32Load(mem(segPage0Addr))
	c.I32Add()
	c.LocalSet(o1)
}

// inlineGrow raises the size of a dereferenced op1's segment past the
// cell just written, as growDeref does from the deref locals: the size
// word is the table entry's, or the control block's for the execution
// segment.
func (cp *compiler) inlineGrow() {
	c, f := cp.c, cp.f
	w := f.local(wasm.I32)
	n := f.local(wasm.I64)
	c.I32Const(ctlBase + 8*ctlExecSize)
	c.LocalGet(cp.derefE)
	c.I32Const(segSize)
	c.I32Add()
	c.LocalGet(cp.derefE)
	f.ctl32(ctlExecSeg)
	c.I32Const(segTabEntry)
	c.I32Mul()
	c.I32Const(segTabBase)
	c.I32Add()
	c.I32Eq()
	c.Select()
	c.LocalSet(w)
	c.LocalGet(cp.derefO)
	c.I64ExtendI32U()
	c.I64Const(1)
	c.I64Add()
	c.LocalTee(n)
	c.LocalGet(w)
	c.I64Load(mem(0))
	c.I64GtS()
	c.If(wasm.BlockEmpty)
	c.LocalGet(w)
	c.LocalGet(n)
	c.I64Store(mem(0))
	c.End()
}

// inlineOp1 is emitAssertOp1 for one instruction.
func (cp *compiler) inlineOp1(d, o0, o1 uint32, mode int, op0Known bool) {
	c, f := cp.c, cp.f
	kd := f.local(wasm.I32)
	if !op0Known {
		f.kind(o0)
		c.I32Eqz()
		c.BrIfTo(f.slow)
	}
	f.kind(d)
	c.LocalTee(kd)
	if mode == op1Imm {
		// op1 is a program word: a known felt.
		c.I32Eqz()
		c.If(wasm.BlockEmpty)
		for k := 0; k < 4; k++ {
			c.LocalGet(d)
			c.LocalGet(o1)
			c.I64Load(mem(8 * k))
			c.I64Store(mem(8 * k))
		}
		f.setFelt(d)
		c.Else()
		f.is(kd, int32(vm.KindFelt))
		c.I32Eqz()
		c.BrIfTo(f.slow)
		f.same(d, o1)
		c.I32Eqz()
		c.BrIfTo(f.slow)
		c.End()
		return
	}
	c.Drop()
	k1 := f.local(wasm.I32)
	f.kind(o1)
	c.LocalSet(k1)
	f.assignOrCheck(d, o1, kd, k1, func() { cp.writableOp1(mode) }, func() {
		if mode == op1Deref {
			cp.inlineGrow()
		}
	})
}

// inlineAdd is emitAssertAdd for one instruction; imm is the immediate as
// a small integer (notSmall when it is none or not small).
func (cp *compiler) inlineAdd(d, o0, o1 uint32, mode int, imm int64) {
	c, f := cp.c, cp.f
	kd, k0, k1 := f.local(wasm.I32), f.local(wasm.I32), f.local(wasm.I32)
	n := f.local(wasm.I64)
	f.kind(d)
	c.LocalSet(kd)
	f.kind(o0)
	c.LocalSet(k0)
	// An immediate is a program word: a felt, k1 unused.
	if mode != op1Imm {
		f.kind(o1)
		c.LocalSet(k1)
	}
	feltOp1 := func() {
		if mode == op1Imm {
			c.I32Const(1)
		} else {
			f.is(k1, int32(vm.KindFelt))
		}
	}
	done := c.Block(wasm.BlockEmpty)
	// op0, op1 felts: dst = op0 + op1, or dst == op0 + op1.
	f.is(k0, int32(vm.KindFelt))
	feltOp1()
	c.I32And()
	c.If(wasm.BlockEmpty)
	{
		f.is(kd, int32(vm.KindUnknown))
		c.If(wasm.BlockEmpty)
		f.fe.Add(c, feltwasm.At(d, 0), feltwasm.At(o0, 0), feltwasm.At(o1, 0))
		f.setFelt(d)
		c.BrTo(done)
		c.End()
		f.is(kd, int32(vm.KindFelt))
		c.If(wasm.BlockEmpty)
		tmp := f.local(wasm.I32)
		c.I32Const(tempCell)
		c.LocalSet(tmp)
		feltwasm.CallMul(c, cp.h.felt[feltAdd], feltwasm.At(tmp, 0), feltwasm.At(o0, 0), feltwasm.At(o1, 0))
		f.setFelt(tmp)
		f.same(d, tmp)
		c.BrIfTo(done)
		c.End()
		f.no()
	}
	c.End()
	if mode != op1Imm {
		// dst, op0 felts, op1 unknown: op1 = dst - op0.
		f.is(kd, int32(vm.KindFelt))
		f.is(k0, int32(vm.KindFelt))
		c.I32And()
		f.is(k1, int32(vm.KindUnknown))
		c.I32And()
		cp.writableOp1(mode)
		c.I32And()
		c.If(wasm.BlockEmpty)
		f.fe.Sub(c, feltwasm.At(o1, 0), feltwasm.At(d, 0), feltwasm.At(o0, 0))
		f.setFelt(o1)
		if mode == op1Deref {
			cp.inlineGrow()
		}
		c.BrTo(done)
		c.End()
	}
	// dst, op1 felts, op0 unknown: op0 = dst - op1.
	f.is(kd, int32(vm.KindFelt))
	feltOp1()
	c.I32And()
	f.is(k0, int32(vm.KindUnknown))
	c.I32And()
	c.If(wasm.BlockEmpty)
	f.fe.Sub(c, feltwasm.At(o0, 0), feltwasm.At(d, 0), feltwasm.At(o1, 0))
	f.setFelt(o0)
	c.BrTo(done)
	c.End()
	// op0 a pointer: + the immediate, or + op1 (a felt) as a small integer.
	f.is(k0, int32(vm.KindPtr))
	c.I32Eqz()
	c.BrIfTo(f.slow)
	if mode == op1Imm {
		if imm == notSmall {
			f.no()
			c.End() // done
			return
		}
		c.I64Const(imm)
		c.LocalSet(n)
	} else {
		f.is(k1, int32(vm.KindFelt))
		c.I32Eqz()
		c.BrIfTo(f.slow)
		f.small(o1, n)
		c.LocalGet(n)
		c.I64Const(notSmall)
		c.I64Eq()
		c.BrIfTo(f.slow)
	}
	f.ptrSum(d, o0, kd, n, done)
	c.End() // done
}

// inlineMul is emitAssertMul for one instruction (the product itself is
// the module's mul function: a call costs little beside it).
func (cp *compiler) inlineMul(d, o0, o1 uint32) { cp.h.assertProduct(cp.f, d, o0, o1) }

// inlineBranch: jnz / jmp rel by an immediate and ap += immediate need dst
// and op0 known.
func (cp *compiler) inlineBranch(i *instr) {
	c, f := cp.c, cp.f
	in := &i.in
	d := cp.addrTo(in.DstReg, in.OffDst)
	o0 := cp.addrTo(in.Op0Reg, in.OffOp0)
	cp.attempt(i, func() {
		f.kind(d)
		c.I32Eqz()
		f.kind(o0)
		c.I32Eqz()
		c.I32Or()
		c.BrIfTo(f.slow)
	}, func() {
		cp.markOnce(in.DstReg, in.OffDst, d)
		cp.markOnce(in.Op0Reg, in.OffOp0, o0)
		cp.inlineRec(i)
		if i.kind == kindAPAdd {
			return // ap moves by the constant either way
		}
		cp.leaveAfter(i)
		switch i.kind {
		case kindJmpRel:
			cp.goTo(i.pc + i.immInt)
		case kindJnz:
			// Taken unless dst is the felt 0.
			f.kind(d)
			c.I32Const(int32(vm.KindFelt))
			c.I32Eq()
			for k := 0; k < 4; k++ {
				c.LocalGet(d)
				c.I64Load(mem(8 * k))
				c.I64Eqz()
				c.I32And()
			}
			c.I32Eqz()
			c.If(wasm.BlockEmpty)
			cp.goTo(i.pc + i.immInt)
			c.End()
			cp.goTo(i.pc + i.in.Size)
		}
	})
	// No cell is remembered marked: Go's step may leave dst or op0 unknown
	// (marked), and a later inline write of the cell would drop the mark.
}

// inlineCall: call rel by an immediate, its frame cells unknown before.
func (cp *compiler) inlineCall(i *instr) {
	c, f := cp.c, cp.f
	a := cp.addrTo(vm.AP, 0)
	ret := f.local(wasm.I32)
	c.I32Const(int32(i.pc + i.in.Size))
	c.LocalSet(ret)
	cp.attempt(i, func() {
		cp.h.emitCallFrame(f, a, lFP, ret)
	}, func() {
		cp.inlineRec(i)
		cp.leaveAfter(i) // with ap += 2, the call's ap update
		c.LocalGet(lAP)
		c.LocalSet(lFP)
		cp.addrs()
		cp.goTo(i.pc + i.immInt)
	})
}

// inlineRet: fp = [fp - 2], pc = [fp - 1], pointers into the execution and
// program segments.
func (cp *compiler) inlineRet(i *instr) {
	in := &i.in
	o0 := cp.addrTo(in.Op0Reg, in.OffOp0)
	cp.attempt(i, func() {
		cp.h.emitRetCheck(cp.f, lFPA, o0)
	}, func() {
		cp.inlineRec(i)
		cp.leaveAfter(i)
		cp.retTargets()
		cp.addrs()
		cp.goDynamic()
	})
}
