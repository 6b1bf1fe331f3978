package jit

import (
	"fmt"

	"github.com/cairn-vm/cairn/jit/feltwasm"
	"github.com/cairn-vm/cairn/jit/wasm"
	"github.com/cairn-vm/cairn/vm"
)

// The compiled code of an instruction is a call: it computes the cells'
// addresses and hands them to one of the module's helper functions below,
// which does the work an instruction of that shape does in every ordinary
// case and returns 0 for anything else (the instruction then goes to Go).
// Keeping the instructions this small keeps wazero's compile time (which
// grows with the code's size, and faster than linearly with a function's)
// to a few tens of milliseconds for a whole contract class; the cost is a
// wasm call per step.

// How an instruction's op1 is found, for the assert helpers.
const (
	op1Reg   = 0 // [ap + k] or [fp + k]: the execution segment, writable
	op1Imm   = 1 // the immediate: a program word, never unknown, marked when its block is
	op1Deref = 2 // [[reg + k] + j]: see derefFn, which left the cell's table entry in the control block
)

// helpers are the module's helper functions. The ones an instruction calls
// (the *S forms, enter, slowSite) return 0 or a positive code to go on,
// and the run's exit code complemented (negative) to stop it.
type helpers struct {
	trace bool

	enter    wasm.FuncIdx    // (block, ap, fp, steps i64) -> 1 to stop at the block's start
	slowSite wasm.FuncIdx    // (site) -> 0 or exit: Go runs the instruction
	recSite  wasm.FuncIdx    // (site): its trace entry
	assertS  [3]wasm.FuncIdx // by res (ResOp1, ResAdd, ResMul): (dst, op0, op1, mode, imm i64, site)
	branchS  wasm.FuncIdx    // (dst, op0, site) -> 1 dst is the felt 0, 2 not, 3 Go ran it
	callS    wasm.FuncIdx    // (apA, fp, retPC, site) -> 1 inline, 3 Go ran it
	retS     wasm.FuncIdx    // (fpA, op0, site) -> 1 inline, 3 Go ran it

	felt  [3]wasm.FuncIdx // feltAdd, feltSub, feltMul: dst, a, b
	deref wasm.FuncIdx    // (op0, off) -> op1 address or 0
	slow  wasm.FuncIdx    // (pc, ap, fp, steps i64, apHW, fpHW) -> status
	raise wasm.FuncIdx    // (hw): the execution segment's size to at least hw
	rec   wasm.FuncIdx    // (pc, ap, fp): one trace entry
}

var (
	i32 = wasm.I32
	i64 = wasm.I64
)

func sig(params []wasm.ValType, results ...wasm.ValType) wasm.FuncType {
	return wasm.FuncType{Params: params, Results: results}
}

// fn is one helper being written: its code and locals.
type fn struct {
	c    *wasm.Code
	l    *feltwasm.Locals
	fe   *feltwasm.Emitter
	slow wasm.Label // where an inline attempt that cannot do the step goes
	// pooled: scratch locals are reused after reset instead of reserved
	// anew (code written into a group function, one instruction at a
	// time, whose locals hold nothing from one instruction to the next).
	pooled bool
	pool   map[wasm.ValType][]uint32
	used   map[wasm.ValType]int
}

// local returns a scratch local of type t.
func (f *fn) local(t wasm.ValType) uint32 {
	if !f.pooled {
		return f.l.New(t)
	}
	n := f.used[t]
	f.used[t] = n + 1
	if n < len(f.pool[t]) {
		return f.pool[t][n]
	}
	l := f.l.New(t)
	f.pool[t] = append(f.pool[t], l)
	return l
}

// reset makes a pooled fn's scratch locals free again.
func (f *fn) reset() { clear(f.used) }

// no leaves the inline attempt for the step in Go.
func (f *fn) no() { f.c.BrTo(f.slow) }

func newFn(params int) *fn {
	f := &fn{c: new(wasm.Code), l: feltwasm.NewLocals(params)}
	f.fe = feltwasm.NewEmitter(f.l.New)
	return f
}

func (f *fn) add(m *wasm.Module, ft wasm.FuncType, name string) (wasm.FuncIdx, error) {
	f.c.End()
	idx, err := m.AddFunction(ft, f.l.Types(), f.c)
	if err != nil {
		return 0, err
	}
	return idx, m.SetFunctionName(idx, name)
}

// kind pushes the kind of the cell at local a, without the accessed mark.
func (f *fn) kind(a uint32) {
	f.c.LocalGet(a)
	f.c.I32Load8U(mem(vm.CellKindOffset))
	f.c.I32Const(3)
	f.c.I32And()
}

// mark sets the accessed mark of the cell at local a.
func (f *fn) mark(a uint32) {
	c := f.c
	c.LocalGet(a)
	c.LocalGet(a)
	c.I32Load8U(mem(vm.CellKindOffset))
	c.I32Const(int32(vm.KindAccessed))
	c.I32Or()
	c.I32Store8(mem(vm.CellKindOffset))
}

// is pushes local l == k.
func (f *fn) is(l uint32, k int32) {
	f.c.LocalGet(l)
	f.c.I32Const(k)
	f.c.I32Eq()
}

// ctl pushes control word i (i64), or as i32.
func (f *fn) ctl(i int) { f.c.I32Const(0); f.c.I64Load(mem(ctlBase + 8*i)) }

func (f *fn) ctl32(i int) { f.ctl(i); f.c.I32WrapI64() }

// setFelt writes the segment word and kind of a felt into the cell at
// local a, whose limbs hold it.
func (f *fn) setFelt(a uint32) {
	c := f.c
	c.LocalGet(a)
	c.I32Const(0)
	c.I32Store(mem(vm.CellSegOffset))
	c.LocalGet(a)
	c.I32Const(int32(vm.KindFelt))
	c.I32Store8(mem(vm.CellKindOffset))
}

// copyCell copies the value (limbs and segment) of the cell at src into
// the cell at dst, and its kind k (a local).
func (f *fn) copyCell(dst, src, k uint32) {
	c := f.c
	for i := 0; i < 4; i++ {
		c.LocalGet(dst)
		c.LocalGet(src)
		c.I64Load(mem(8 * i))
		c.I64Store(mem(8 * i))
	}
	c.LocalGet(dst)
	c.LocalGet(src)
	c.I32Load(mem(vm.CellSegOffset))
	c.I32Store(mem(vm.CellSegOffset))
	c.LocalGet(dst)
	c.LocalGet(k)
	c.I32Store8(mem(vm.CellKindOffset))
}

// same pushes 1 when the cells at a and b hold the same value (their
// kinds known equal).
func (f *fn) same(a, b uint32) {
	c := f.c
	c.LocalGet(a)
	c.I32Load(mem(vm.CellSegOffset))
	c.LocalGet(b)
	c.I32Load(mem(vm.CellSegOffset))
	c.I32Eq()
	for i := 0; i < 4; i++ {
		c.LocalGet(a)
		c.I64Load(mem(8 * i))
		c.LocalGet(b)
		c.I64Load(mem(8 * i))
		c.I64Eq()
		c.I32And()
	}
}

// writable pushes 1 when an unknown op1 may be filled here: a register
// cell, or a dereferenced one in a segment without builtin rules.
func (f *fn) writable(mode uint32) {
	c := f.c
	f.is(mode, op1Reg)
	f.is(mode, op1Deref)
	f.ctl32(ctlDerefFlags)
	c.I32Eqz()
	c.I32And()
	c.I32Or()
}

// grow raises the size of a dereferenced op1's segment past the cell just
// written (a register cell's segment, the execution segment, is raised
// where the block is left).
func (f *fn) grow(mode uint32, w uint32) {
	c := f.c
	f.is(mode, op1Deref)
	c.If(wasm.BlockEmpty)
	f.growDeref(w)
	c.End()
}

// growDeref is grow for an op1 known to be dereferenced.
func (f *fn) growDeref(w uint32) {
	c := f.c
	// The size word: the table entry's, or the control block's for the
	// execution segment.
	f.ctl32(ctlDerefSize)
	c.LocalSet(w)
	f.ctl(ctlDerefOff)
	c.I64Const(1)
	c.I64Add()
	c.LocalGet(w)
	c.I64Load(mem(0))
	c.I64GtS()
	c.If(wasm.BlockEmpty)
	c.LocalGet(w)
	f.ctl(ctlDerefOff)
	c.I64Const(1)
	c.I64Add()
	c.I64Store(mem(0))
	c.End()
}

// marks sets the accessed marks of dst, op0 and (unless an immediate) op1.
func (f *fn) marks(d, o0, o1, mode uint32) {
	f.mark(d)
	f.mark(o0)
	f.is(mode, op1Imm)
	f.c.I32Eqz()
	f.c.If(wasm.BlockEmpty)
	f.mark(o1)
	f.c.End()
}

func buildHelpers(m *wasm.Module, trace bool) (*helpers, error) {
	h := &helpers{trace: trace}
	var err error
	if h.felt, err = feltFuncs(m); err != nil {
		return nil, err
	}
	// Each comes after those it calls.
	steps := []func(*wasm.Module) error{
		h.buildRaise, h.buildRec, h.buildDeref, h.buildSlow,
		h.buildSlowSite, h.buildRecSite, h.buildEnter, h.buildAssertS, h.buildBranchS, h.buildCallS, h.buildRetS,
	}
	for _, s := range steps {
		if err := s(m); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// assertOp1: [dst] = op1. op0 must be known; dst unknown takes op1, both
// known must be equal, an unknown op1 takes dst.
func (h *helpers) emitAssertOp1(f *fn, d, o0, o1, mode uint32) {
	c := f.c
	kd, k1, w := f.local(i32), f.local(i32), f.local(i32)
	f.kind(o0)
	c.I32Eqz()
	c.BrIfTo(f.slow)
	f.kind(d)
	c.LocalSet(kd)
	f.kind(o1)
	c.LocalSet(k1)
	f.assignOrCheck(d, o1, kd, k1, func() { f.writable(mode) }, func() { f.grow(mode, w) })
	f.marks(d, o0, o1, mode)
}

// assertAdd: [dst] = op0 + op1 over felts (dst computed, compared, or an
// operand deduced), and pointer + small integer (the immediate imm, or op1
// converted by Go when imm is notSmall and op1 is a felt).
func (h *helpers) emitAssertAdd(f *fn, d, o0, o1, mode, imm uint32) {
	c := f.c
	kd, k0, k1, w := f.local(i32), f.local(i32), f.local(i32), f.local(i32)
	n := f.local(i64)
	tmp := f.local(i32)
	f.kind(d)
	c.LocalSet(kd)
	f.kind(o0)
	c.LocalSet(k0)
	f.kind(o1)
	c.LocalSet(k1)
	done := c.Block(wasm.BlockEmpty)
	// op0, op1 felts: dst = op0 + op1, or dst == op0 + op1.
	f.is(k0, int32(vm.KindFelt))
	f.is(k1, int32(vm.KindFelt))
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
		c.I32Const(tempCell)
		c.LocalSet(tmp)
		feltwasm.CallMul(c, h.felt[feltAdd], feltwasm.At(tmp, 0), feltwasm.At(o0, 0), feltwasm.At(o1, 0))
		f.setFelt(tmp)
		f.same(d, tmp)
		c.BrIfTo(done)
		c.End()
		f.no()
	}
	c.End()
	// dst, op0 felts, op1 unknown: op1 = dst - op0.
	f.is(kd, int32(vm.KindFelt))
	f.is(k0, int32(vm.KindFelt))
	c.I32And()
	f.is(k1, int32(vm.KindUnknown))
	c.I32And()
	f.writable(mode)
	c.I32And()
	c.If(wasm.BlockEmpty)
	feltwasm.CallMul(c, h.felt[feltSub], feltwasm.At(o1, 0), feltwasm.At(d, 0), feltwasm.At(o0, 0))
	f.setFelt(o1)
	f.grow(mode, w)
	c.BrTo(done)
	c.End()
	// dst, op1 felts, op0 unknown: op0 = dst - op1.
	f.is(kd, int32(vm.KindFelt))
	f.is(k1, int32(vm.KindFelt))
	c.I32And()
	f.is(k0, int32(vm.KindUnknown))
	c.I32And()
	c.If(wasm.BlockEmpty)
	feltwasm.CallMul(c, h.felt[feltSub], feltwasm.At(o0, 0), feltwasm.At(d, 0), feltwasm.At(o1, 0))
	f.setFelt(o0)
	c.BrTo(done)
	c.End()
	// op0 a pointer: + the immediate, or + op1 (a felt) as a small integer.
	f.is(k0, int32(vm.KindPtr))
	c.I32Eqz()
	c.BrIfTo(f.slow)
	f.is(mode, op1Imm)
	c.If(wasm.BlockEmpty)
	c.LocalGet(imm)
	c.LocalSet(n)
	c.Else()
	f.is(k1, int32(vm.KindFelt))
	c.I32Eqz()
	c.BrIfTo(f.slow)
	f.small(o1, n)
	c.End()
	c.LocalGet(n)
	c.I64Const(notSmall)
	c.I64Eq()
	c.BrIfTo(f.slow)
	f.ptrSum(d, o0, kd, n, done)
	c.End() // done
	f.marks(d, o0, o1, mode)
}

// assertMul: [dst] = op0 * op1 over felts, dst computed or compared.
func (h *helpers) emitAssertMul(f *fn, d, o0, o1, mode uint32) {
	h.assertProduct(f, d, o0, o1)
	f.marks(d, o0, o1, mode)
}

// assertProduct is dst = op0 * op1 over felt operands, the module's mul
// function computing the product: dst unknown gets it, a known felt dst
// must equal it; anything else goes the slow way. Both tiers use it.
func (h *helpers) assertProduct(f *fn, d, o0, o1 uint32) {
	c := f.c
	kd, tmp := f.local(i32), f.local(i32)
	f.kind(o0)
	c.I32Const(int32(vm.KindFelt))
	c.I32Ne()
	f.kind(o1)
	c.I32Const(int32(vm.KindFelt))
	c.I32Ne()
	c.I32Or()
	c.BrIfTo(f.slow)
	f.kind(d)
	c.LocalTee(kd)
	c.I32Eqz()
	c.If(wasm.BlockEmpty)
	feltwasm.CallMul(c, h.felt[feltMul], feltwasm.At(d, 0), feltwasm.At(o0, 0), feltwasm.At(o1, 0))
	f.setFelt(d)
	c.Else()
	f.is(kd, int32(vm.KindFelt))
	c.I32Eqz()
	c.BrIfTo(f.slow)
	c.I32Const(tempCell)
	c.LocalSet(tmp)
	feltwasm.CallMul(c, h.felt[feltMul], feltwasm.At(tmp, 0), feltwasm.At(o0, 0), feltwasm.At(o1, 0))
	f.setFelt(tmp)
	f.same(d, tmp)
	c.I32Eqz()
	c.BrIfTo(f.slow)
	c.End()
}

// deref: the address of [[op0] + off] when op0 is a pointer into a
// segment whose first page holds that cell and that lies in linear memory;
// 0 otherwise. It leaves the segment's builtin-rule flags, the address of
// its size word and the offset in the control block, for the assert
// helpers.
func (h *helpers) buildDeref(m *wasm.Module) error {
	const o0, off = 0, 1
	f := newFn(2)
	c := f.c
	e, o := f.local(i32), f.local(i32)
	o64 := f.local(i64)
	f.kind(o0)
	c.I32Const(int32(vm.KindPtr))
	c.I32Ne()
	c.If(wasm.BlockEmpty)
	c.I32Const(0)
	c.Return()
	c.End()
	c.LocalGet(o0)
	c.I32Load(mem(vm.CellSegOffset))
	c.LocalTee(e)
	c.I32Const(maxTabSegs)
	c.I32GeU()
	c.If(wasm.BlockEmpty)
	c.I32Const(0)
	c.Return()
	c.End()
	c.LocalGet(e)
	c.I32Const(segTabEntry)
	c.I32Mul()
	c.I32Const(segTabBase)
	c.I32Add()
	c.LocalSet(e)
	// The offset, exactly: pointers' offsets go up to 2^62.
	c.LocalGet(o0)
	c.I64Load(mem(0))
	c.LocalGet(off)
	c.I64ExtendI32S()
	c.I64Add()
	c.LocalTee(o64)
	c.I32WrapI64()
	c.LocalSet(o)
	c.LocalGet(o64)
	c.LocalGet(e)
	c.I32Load(mem(segPage0Len))
	c.I64ExtendI32U()
	c.I64GeU()
	c.LocalGet(e)
	c.I32Load(mem(segFlags))
	c.I32Const(segFlagForeign)
	c.I32And()
	c.I32Or()
	c.If(wasm.BlockEmpty)
	c.I32Const(0)
	c.Return()
	c.End()
	// The control block: flags, size word, offset.
	c.I32Const(0)
	c.LocalGet(e)
	c.I32Load(mem(segFlags))
	c.I64ExtendI32U()
	c.I64Store(mem(ctlBase + 8*ctlDerefFlags))
	c.I32Const(0)
	c.I32Const(ctlBase + 8*ctlExecSize)
	c.LocalGet(e)
	c.I32Const(segSize)
	c.I32Add()
	c.LocalGet(e)
	f.ctl32(ctlExecSeg)
	c.I32Const(segTabEntry)
	c.I32Mul()
	c.I32Const(segTabBase)
	c.I32Add()
	c.I32Eq()
	c.Select()
	c.I64ExtendI32U()
	c.I64Store(mem(ctlBase + 8*ctlDerefSize))
	c.I32Const(0)
	c.LocalGet(o)
	c.I64ExtendI32U()
	c.I64Store(mem(ctlBase + 8*ctlDerefOff))
	c.LocalGet(e)
	c.I32Load(mem(segPage0Addr))
	c.LocalGet(o)
	c.I32Const(int32(vm.CellBytes))
	c.I32Mul()
	c.I32Add()
	var err error
	h.deref, err = f.add(m, sig([]wasm.ValType{i32, i32}, i32), "deref")
	return err
}

// known2: jumps and ap += need dst and op0 known; marks them and says
// whether dst is the felt 0 (jnz falls through).
func (h *helpers) emitKnown2(f *fn, d, o0 uint32) {
	c := f.c
	kd := f.local(i32)
	f.kind(d)
	c.LocalTee(kd)
	c.I32Eqz()
	f.kind(o0)
	c.I32Eqz()
	c.I32Or()
	c.BrIfTo(f.slow)
	f.mark(d)
	f.mark(o0)
	c.I32Const(1) // dst is the felt 0
	c.I32Const(2)
	f.is(kd, int32(vm.KindFelt))
	for i := 0; i < 4; i++ {
		c.LocalGet(d)
		c.I64Load(mem(8 * i))
		c.I64Eqz()
		c.I32And()
	}
	c.Select()
}

// callFrame: call writes [ap] = fp and [ap + 1] = the return pc, both
// unknown before.
func (h *helpers) emitCallFrame(f *fn, a, fp, ret uint32) {
	c := f.c
	b := f.local(i32)
	c.LocalGet(a)
	c.I32Const(int32(vm.CellBytes))
	c.I32Add()
	c.LocalSet(b)
	f.kind(a)
	f.kind(b)
	c.I32Or()
	c.BrIfTo(f.slow)
	for _, x := range []struct {
		cell, val uint32
		seg       int
	}{{a, fp, ctlExecSeg}, {b, ret, ctlProgSeg}} {
		c.LocalGet(x.cell)
		c.LocalGet(x.val)
		c.I64ExtendI32U()
		c.I64Store(mem(0))
		for k := 1; k < 4; k++ {
			c.LocalGet(x.cell)
			c.I64Const(0)
			c.I64Store(mem(8 * k))
		}
		c.LocalGet(x.cell)
		f.ctl32(x.seg)
		c.I32Store(mem(vm.CellSegOffset))
		c.LocalGet(x.cell)
		c.I32Const(int32(vm.KindPtr | vm.KindAccessed))
		c.I32Store8(mem(vm.CellKindOffset))
	}
}

// retCheck: ret needs [fp - 2] a pointer into the execution segment (the
// next fp), [fp - 1] one into the program segment (the next pc) and op0
// known; it marks the three.
func (h *helpers) emitRetCheck(f *fn, fpA, o0 uint32) {
	c := f.c
	d, o1 := f.local(i32), f.local(i32)
	c.LocalGet(fpA)
	c.I32Const(-2 * int32(vm.CellBytes))
	c.I32Add()
	c.LocalSet(d)
	c.LocalGet(fpA)
	c.I32Const(-int32(vm.CellBytes))
	c.I32Add()
	c.LocalSet(o1)
	f.kind(d)
	c.I32Const(int32(vm.KindPtr))
	c.I32Eq()
	f.kind(o1)
	c.I32Const(int32(vm.KindPtr))
	c.I32Eq()
	c.I32And()
	f.kind(o0)
	c.I32Const(0)
	c.I32Ne()
	c.I32And()
	c.LocalGet(d)
	c.I32Load(mem(vm.CellSegOffset))
	f.ctl32(ctlExecSeg)
	c.I32Eq()
	c.I32And()
	c.LocalGet(o1)
	c.I32Load(mem(vm.CellSegOffset))
	f.ctl32(ctlProgSeg)
	c.I32Eq()
	c.I32And()
	c.I32Eqz()
	c.BrIfTo(f.slow)
	f.mark(d)
	f.mark(o0)
	f.mark(o1)
}

// slow: the registers (and the execution segment's size: apHW, fpHW, 0
// for none) into the control block, then Go runs the step at pc.
func (h *helpers) buildSlow(m *wasm.Module) error {
	const pc, ap, fp, steps, apHW, fpHW = 0, 1, 2, 3, 4, 5
	f := newFn(6)
	c := f.c
	c.LocalGet(apHW)
	c.Call(h.raise)
	c.LocalGet(fpHW)
	c.Call(h.raise)
	for _, x := range []struct {
		l uint32
		w int
	}{{pc, ctlPC}, {ap, ctlAP}, {fp, ctlFP}} {
		c.I32Const(0)
		c.LocalGet(x.l)
		c.I64ExtendI32S()
		c.I64Store(mem(ctlBase + 8*x.w))
	}
	c.I32Const(0)
	c.LocalGet(steps)
	c.I64Store(mem(ctlBase + 8*ctlSteps))
	c.Call(hostStep)
	var err error
	h.slow, err = f.add(m, sig([]wasm.ValType{i32, i32, i32, i64, i32, i32}, i32), "slow")
	return err
}

// raise: the execution segment's size to at least hw.
func (h *helpers) buildRaise(m *wasm.Module) error {
	f := newFn(1)
	c := f.c
	c.LocalGet(0)
	c.I64ExtendI32S()
	f.ctl(ctlExecSize)
	c.I64GtS()
	c.If(wasm.BlockEmpty)
	c.I32Const(0)
	c.LocalGet(0)
	c.I64ExtendI32S()
	c.I64Store(mem(ctlBase + 8*ctlExecSize))
	c.End()
	var err error
	h.raise, err = f.add(m, sig([]wasm.ValType{i32}), "raise")
	return err
}

// rec: one trace entry (pc and the registers before the step).
func (h *helpers) buildRec(m *wasm.Module) error {
	const pc, ap, fp = 0, 1, 2
	f := newFn(3)
	c := f.c
	t := f.local(i32)
	f.ctl32(ctlTraceLen)
	c.LocalTee(t)
	c.I32Const(traceEntry)
	c.I32Mul()
	c.LocalSet(t)
	for i, l := range []uint32{pc, ap, fp} {
		c.LocalGet(t)
		c.LocalGet(l)
		c.I64ExtendI32S()
		c.I64Store(mem(traceBase + 8*i))
	}
	c.I32Const(0)
	f.ctl(ctlTraceLen)
	c.I64Const(1)
	c.I64Add()
	c.I64Store(mem(ctlBase + 8*ctlTraceLen))
	var err error
	h.rec, err = f.add(m, sig([]wasm.ValType{i32, i32, i32}), "rec")
	return err
}

// site pushes field off (int32) of the site whose index is in local l.
func (f *fn) site(l uint32, off int) {
	f.c.LocalGet(l)
	f.c.I32Const(siteEntry)
	f.c.I32Mul()
	f.c.I32Load(mem(siteBase + off))
}

// slowSite: Go runs the instruction of a site: the execution segment's
// size, pc, ap, fp and steps from the site and the block's start.
func (h *helpers) buildSlowSite(m *wasm.Module) error {
	const s = 0
	f := newFn(1)
	c := f.c
	st := f.local(i32)
	f.site(s, sitePC)
	f.ctl32(ctlBaseAP)
	f.site(s, siteAP)
	c.I32Add()
	f.ctl32(ctlBaseFP)
	f.ctl(ctlBaseSteps)
	f.site(s, siteK)
	c.I64ExtendI32S()
	c.I64Add()
	for _, x := range []struct {
		base, hw, flag int
	}{{ctlBaseAP, siteAPHW, 1}, {ctlBaseFP, siteFPHW, 2}} {
		// hw or 0 when the flag is not set
		f.ctl32(x.base)
		f.site(s, x.hw)
		c.I32Add()
		c.I32Const(0)
		f.site(s, siteFlags)
		c.I32Const(int32(x.flag))
		c.I32And()
		c.Select()
	}
	c.Call(h.slow)
	c.LocalTee(st)
	c.If(wasm.BlockValue(i32))
	c.I32Const(-1)
	c.LocalGet(st)
	c.I32Sub()
	c.Else()
	c.I32Const(0)
	c.End()
	var err error
	h.slowSite, err = f.add(m, sig([]wasm.ValType{i32}, i32), "slow_site")
	return err
}

// recSite: the trace entry of a site's step (nothing without a trace).
func (h *helpers) buildRecSite(m *wasm.Module) error {
	const s = 0
	f := newFn(1)
	c := f.c
	if h.trace {
		f.site(s, sitePC)
		f.ctl32(ctlBaseAP)
		f.site(s, siteAP)
		c.I32Add()
		f.ctl32(ctlBaseFP)
		c.Call(h.rec)
	}
	var err error
	h.recSite, err = f.add(m, sig([]wasm.ValType{i32}), "rec_site")
	return err
}

// enter: a block's start. It records the registers the block's sites are
// relative to, and stops the run (returning the block's pc) at the run's end, before the step
// limit, or where the block's reach leaves the execution segment's cells;
// on first entry it has Go mark the block's words accessed, and it hands
// Go a trace buffer that the block could fill.
func (h *helpers) buildEnter(m *wasm.Module) error {
	const b, ap, fp, steps = 0, 1, 2, 3
	f := newFn(4)
	c := f.c
	e := f.local(i32)
	for _, x := range []struct {
		l uint32
		w int
	}{{ap, ctlBaseAP}, {fp, ctlBaseFP}} {
		c.I32Const(0)
		c.LocalGet(x.l)
		c.I64ExtendI32S()
		c.I64Store(mem(ctlBase + 8*x.w))
	}
	c.I32Const(0)
	c.LocalGet(steps)
	c.I64Store(mem(ctlBase + 8*ctlBaseSteps))
	c.LocalGet(b)
	c.I32Const(blockEntry)
	c.I32Mul()
	c.LocalSet(e)
	stop := func() {
		c.If(wasm.BlockEmpty)
		c.LocalGet(e)
		c.I32Load(mem(blockInfo + biStart))
		c.Return()
		c.End()
	}
	f.ctl32(ctlEndBlock)
	c.LocalGet(b)
	c.I32Eq()
	c.LocalGet(steps)
	c.LocalGet(e)
	c.I32Load(mem(blockInfo + biLen))
	c.I64ExtendI32S()
	c.I64Add()
	f.ctl(ctlStepLimit)
	c.I64GtS()
	c.I32Or()
	stop()
	for _, x := range []struct {
		reg    uint32
		lo, hi int
		flag   int32
	}{{ap, biAPLo, biAPHi, 1}, {fp, biFPLo, biFPHi, 2}} {
		c.LocalGet(e)
		c.I32Load(mem(blockInfo + biFlags))
		c.I32Const(x.flag)
		c.I32And()
		c.If(wasm.BlockEmpty)
		c.LocalGet(x.reg)
		c.LocalGet(e)
		c.I32Load(mem(blockInfo + x.lo))
		c.I32Add()
		c.I32Const(0)
		c.I32LtS()
		c.LocalGet(x.reg)
		c.LocalGet(e)
		c.I32Load(mem(blockInfo + x.hi))
		c.I32Add()
		f.ctl32(ctlExecCap)
		c.I32GeS()
		c.I32Or()
		stop()
		c.End()
	}
	// How hot the block is, for the second tier's choice of groups.
	c.LocalGet(b)
	c.I32Const(4)
	c.I32Mul()
	c.LocalTee(e)
	c.LocalGet(e)
	c.I32Load(mem(countBase))
	c.I32Const(1)
	c.I32Add()
	c.I32Store(mem(countBase))
	c.LocalGet(b)
	c.I32Load8U(mem(visitedBase))
	c.I32Eqz()
	c.If(wasm.BlockEmpty)
	c.LocalGet(b)
	c.Call(hostMark)
	c.End()
	if h.trace {
		c.LocalGet(b)
		c.I32Const(blockEntry)
		c.I32Mul()
		c.LocalSet(e)
		f.ctl32(ctlTraceLen)
		c.LocalGet(e)
		c.I32Load(mem(blockInfo + biLen))
		c.I32Add()
		c.I32Const(traceCap)
		c.I32GtS()
		c.If(wasm.BlockEmpty)
		c.Call(hostFlush)
		c.End()
	}
	c.I32Const(-1)
	var err error
	h.enter, err = f.add(m, sig([]wasm.ValType{i32, i32, i32, i64}, i32), "enter")
	return err
}

// assertS: an assert_eq's site ([ap] and [fp] at the block's start, site):
// the site says where the operands are (siteDst, siteOp0, siteOp1) and how
// op1 is found (siteMode: in mode op1Deref through the pointer in op0's
// cell, plus the site's offset).
// The shape's inline attempt is emitted in place (a call less per step);
// when it cannot do the step, Go does.
func (h *helpers) buildAssertS(m *wasm.Module) error {
	const apA, fpA, s = 0, 1, 2
	for res := range 3 {
		f := newFn(3)
		c := f.c
		mode, imm := f.local(i32), f.local(i64)
		d, o0, o1, regs := f.local(i32), f.local(i32), f.local(i32), f.local(i32)
		f.site(s, siteRegs)
		c.LocalSet(regs)
		for _, x := range []struct {
			l     uint32
			field int
			bit   int32
		}{{d, siteDst, 1}, {o0, siteOp0, 2}, {o1, siteOp1, 4}} {
			// [fp] or [ap] at the block's start, plus the site's offset.
			c.LocalGet(fpA)
			c.LocalGet(apA)
			c.LocalGet(regs)
			c.I32Const(x.bit)
			c.I32And()
			c.Select()
			f.site(s, x.field)
			c.I32Add()
			c.LocalSet(x.l)
		}
		f.slow = c.Block(wasm.BlockEmpty)
		f.site(s, siteMode)
		c.LocalTee(mode)
		c.I32Const(op1Deref)
		c.I32Eq()
		c.If(wasm.BlockEmpty)
		c.LocalGet(o0)
		f.site(s, siteImm)
		c.Call(h.deref)
		c.LocalTee(o1)
		c.I32Eqz()
		c.BrIfTo(f.slow)
		c.End()
		f.is(mode, op1Imm)
		c.If(wasm.BlockEmpty)
		f.site(s, siteOp1) // the program word's address
		c.LocalSet(o1)
		c.End()
		switch res {
		case 0:
			h.emitAssertOp1(f, d, o0, o1, mode)
		case 1:
			// The immediate when it is a small integer, else notSmall.
			f.site(s, siteImm)
			c.I64ExtendI32S()
			c.I64Const(notSmall)
			f.site(s, siteFlags)
			c.I32Const(4)
			c.I32And()
			c.Select()
			c.LocalSet(imm)
			h.emitAssertAdd(f, d, o0, o1, mode, imm)
		default:
			h.emitAssertMul(f, d, o0, o1, mode)
		}
		h.recordSite(f, s)
		c.I32Const(0)
		c.Return()
		c.End() // slow
		c.LocalGet(s)
		c.Call(h.slowSite)
		var err error
		if h.assertS[res], err = f.add(m, sig([]wasm.ValType{i32, i32, i32}, i32), fmt.Sprintf("assert_s%d", res)); err != nil {
			return err
		}
	}
	return nil
}

// recordSite calls recSite for the site in local s when the module records
// a trace.
func (h *helpers) recordSite(f *fn, s uint32) {
	if h.trace {
		f.c.LocalGet(s)
		f.c.Call(h.recSite)
	}
}

// inlineOr wraps an inline attempt, emitted by body, which pushes its
// result (nonzero) or leaves through f.slow: the result is returned after
// the step is recorded; otherwise Go runs the site, and its failure or 3
// is returned.
func (h *helpers) inlineOr(f *fn, s uint32, body func()) {
	c := f.c
	r := f.local(i32)
	f.slow = c.Block(wasm.BlockEmpty)
	body()
	c.LocalSet(r)
	h.recordSite(f, s)
	c.LocalGet(r)
	c.Return()
	c.End()
	c.LocalGet(s)
	c.Call(h.slowSite)
	c.LocalTee(r)
	c.I32Const(3)
	c.LocalGet(r)
	c.Select() // the failure, or 3
}

func (h *helpers) buildBranchS(m *wasm.Module) error {
	f := newFn(3)
	h.inlineOr(f, 2, func() { h.emitKnown2(f, 0, 1) })
	var err error
	h.branchS, err = f.add(m, sig([]wasm.ValType{i32, i32, i32}, i32), "branch_s")
	return err
}

func (h *helpers) buildCallS(m *wasm.Module) error {
	f := newFn(4)
	h.inlineOr(f, 3, func() { h.emitCallFrame(f, 0, 1, 2); f.c.I32Const(1) })
	var err error
	h.callS, err = f.add(m, sig([]wasm.ValType{i32, i32, i32, i32}, i32), "call_s")
	return err
}

func (h *helpers) buildRetS(m *wasm.Module) error {
	f := newFn(3)
	h.inlineOr(f, 2, func() { h.emitRetCheck(f, 0, 1); f.c.I32Const(1) })
	var err error
	h.retS, err = f.add(m, sig([]wasm.ValType{i32, i32, i32}, i32), "ret_s")
	return err
}

// small sets local out (i64) to the felt in the cell at local cell as a
// small signed integer, or notSmall: the shapes of smallFromMont in wasm,
// and Go (hostSmall) for any other felt.
// ptrSum finishes dst = op0 + n for a pointer op0 (in cell o0) and the
// small integer in local n: an unknown dst (kind in kd) gets the pointer,
// a known one must equal it (then on to done); anything else, or an offset
// out of [0, 2^62) as vm.Add demands, goes the slow way.
func (f *fn) ptrSum(d, o0, kd, n uint32, done wasm.Label) {
	c := f.c
	// The offset must stay in [0, 2^62), as vm.Add demands.
	c.LocalGet(o0)
	c.I64Load(mem(0))
	c.LocalGet(n)
	c.I64Add()
	c.LocalTee(n)
	c.I64Const(1 << 62)
	c.I64GeU()
	c.BrIfTo(f.slow)
	f.is(kd, int32(vm.KindUnknown))
	c.If(wasm.BlockEmpty)
	c.LocalGet(d)
	c.LocalGet(n)
	c.I64Store(mem(0))
	for k := 1; k < 4; k++ {
		c.LocalGet(d)
		c.I64Const(0)
		c.I64Store(mem(8 * k))
	}
	c.LocalGet(d)
	c.LocalGet(o0)
	c.I32Load(mem(vm.CellSegOffset))
	c.I32Store(mem(vm.CellSegOffset))
	c.LocalGet(d)
	c.I32Const(int32(vm.KindPtr))
	c.I32Store8(mem(vm.CellKindOffset))
	c.BrTo(done)
	c.End()
	f.is(kd, int32(vm.KindPtr))
	c.LocalGet(d)
	c.I64Load(mem(0))
	c.LocalGet(n)
	c.I64Eq()
	c.I32And()
	c.LocalGet(d)
	c.I32Load(mem(vm.CellSegOffset))
	c.LocalGet(o0)
	c.I32Load(mem(vm.CellSegOffset))
	c.I32Eq()
	c.I32And()
	c.BrIfTo(done)
	f.no()
}

// assignOrCheck is assert_eq dst = op1 over cells whose kinds are in kd
// and k1 (0 for unknown): an unknown dst gets op1, two known cells must be
// equal, and an unknown op1 gets dst when writable leaves true on the
// stack, grow then recording the write; anything else goes the slow way.
// Both tiers use it: the first decides writability and growth at run
// time, the second at compile time.
func (f *fn) assignOrCheck(d, o1, kd, k1 uint32, writable, grow func()) {
	c := f.c
	done := c.Block(wasm.BlockEmpty)
	// dst unknown, op1 known: dst = op1.
	c.LocalGet(kd)
	c.I32Eqz()
	c.LocalGet(k1)
	c.I32Const(0)
	c.I32Ne()
	c.I32And()
	c.If(wasm.BlockEmpty)
	f.copyCell(d, o1, k1)
	c.BrTo(done)
	c.End()
	// Both known: equal.
	c.LocalGet(kd)
	c.LocalGet(k1)
	c.I32Eq()
	c.LocalGet(k1)
	c.I32Const(0)
	c.I32Ne()
	c.I32And()
	c.If(wasm.BlockEmpty)
	f.same(d, o1)
	c.BrIfTo(done)
	f.no()
	c.End()
	// op1 unknown, dst known: op1 = dst.
	c.LocalGet(k1)
	c.I32Eqz()
	c.LocalGet(kd)
	c.I32Const(0)
	c.I32Ne()
	c.I32And()
	writable()
	c.I32And()
	c.If(wasm.BlockEmpty)
	f.copyCell(o1, d, kd)
	grow()
	c.BrTo(done)
	c.End()
	f.no()
	c.End() // done
}

func (f *fn) small(cell, out uint32) {
	c := f.c
	var l [4]uint32
	for i := range l {
		l[i] = f.local(i64)
		c.LocalGet(cell)
		c.I64Load(mem(8 * i))
		c.LocalSet(l[i])
	}
	t := f.local(i64)
	c.I64Const(notSmall)
	c.LocalSet(out)
	done := c.Block(wasm.BlockEmpty)
	// Zero.
	c.LocalGet(l[0])
	c.LocalGet(l[1])
	c.I64Or()
	c.LocalGet(l[2])
	c.I64Or()
	c.LocalGet(l[3])
	c.I64Or()
	c.I64Eqz()
	c.If(wasm.BlockEmpty)
	c.I64Const(0)
	c.LocalSet(out)
	c.BrTo(done)
	c.End()
	// -m: [32m, 0, 0, 544m]; m = l0 >> 5.
	c.LocalGet(l[1])
	c.LocalGet(l[2])
	c.I64Or()
	c.I64Eqz()
	c.If(wasm.BlockEmpty)
	c.LocalGet(l[0])
	c.I64Const(5)
	c.I64ShrU()
	c.LocalSet(t)
	f.smallOK(l[0], t, l[3], func() {
		c.LocalGet(t)
		c.I64Const(544)
		c.I64Mul()
	})
	c.If(wasm.BlockEmpty)
	c.I64Const(0)
	c.LocalGet(t)
	c.I64Sub()
	c.LocalSet(out)
	c.BrTo(done)
	c.End()
	c.End()
	// n: [2^64 + 1 - 32n, ~0, ~0, p3 - 1 - 544n]; n = (1 - l0) >> 5.
	c.LocalGet(l[1])
	c.LocalGet(l[2])
	c.I64And()
	c.I64Const(-1)
	c.I64Eq()
	c.If(wasm.BlockEmpty)
	c.I64Const(1)
	c.LocalGet(l[0])
	c.I64Sub()
	c.LocalTee(l[0]) // 32n now
	c.I64Const(5)
	c.I64ShrU()
	c.LocalSet(t)
	f.smallOK(l[0], t, l[3], func() {
		c.I64Const(pTop - 1)
		c.LocalGet(t)
		c.I64Const(544)
		c.I64Mul()
		c.I64Sub()
	})
	c.If(wasm.BlockEmpty)
	c.LocalGet(t)
	c.LocalSet(out)
	c.BrTo(done)
	c.End()
	c.End()
	// Any other felt: Go says.
	c.LocalGet(cell)
	c.Call(hostSmall)
	c.LocalSet(out)
	c.End() // done
}

// smallOK pushes 1 when x (a multiple of 32 expected) is 32m with
// 0 < m < smallLimit and top == want(m).
func (f *fn) smallOK(x, m, top uint32, want func()) {
	c := f.c
	c.LocalGet(x)
	c.I64Const(31)
	c.I64And()
	c.I64Eqz()
	c.LocalGet(m)
	c.I64Const(0)
	c.I64GtU()
	c.I32And()
	c.LocalGet(m)
	c.I64Const(smallLimit)
	c.I64LtU()
	c.I32And()
	c.LocalGet(top)
	want()
	c.I64Eq()
	c.I32And()
}
