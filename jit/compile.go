package jit

import (
	"fmt"

	"github.com/cairn-vm/cairn/jit/feltwasm"
	"github.com/cairn-vm/cairn/jit/wasm"
	"github.com/cairn-vm/cairn/vm"
)

// Host functions the compiled code imports from module "cairn", in import
// order.
const (
	hostStep  = iota // () -> status: Go runs one step (hints first) with the interpreter
	hostFlush        // (): Go takes the trace entries waiting in linear memory
	hostMark         // (block): Go marks the block's instruction words accessed
	hostSmall        // (cell) -> i64: the felt as a small signed integer, or notSmall
	numHosts
)

var hostNames = [numHosts]string{"step", "flush", "mark", "small"}

var hostSigs = [numHosts]wasm.FuncType{
	{Results: []wasm.ValType{wasm.I32}},
	{},
	{Params: []wasm.ValType{wasm.I32}},
	{Params: []wasm.ValType{wasm.I32}, Results: []wasm.ValType{wasm.I64}},
}

// notSmall is what hostSmall returns for a felt that is no pointer offset.
const notSmall = -1 << 63

// Field operations, as indices of helpers.felt.
const (
	feltAdd = iota
	feltSub
	feltMul
)

// Locals of a group function.
const (
	lAP    = iota // i32 ap offset, at the block's start
	lFP           // i32 fp offset
	lAPA          // i32 address of [ap], at the block's start
	lFPA          // i32 address of [fp]
	lIdx          // i32 block of the group to dispatch to
	lPCOut        // i32 pc to stop at
	lT            // i32 scratch
	lSteps        // i64 steps, at the block's start
	lN            // i64 scratch
	numLocals
)

// groupLocals returns the locals allocator of a group function, with the
// fixed locals above reserved.
func groupLocals() *feltwasm.Locals {
	l := feltwasm.NewLocals(0)
	for i := range numLocals {
		t := wasm.I32
		if i == lSteps || i == lN {
			t = wasm.I64
		}
		l.New(t)
	}
	return l
}

// tempCell is a scratch cell (in the control block's page) where a result
// is computed before it is compared with a known dst.
const tempCell = ctlBase + 512

func mem(off int) wasm.MemArg { return wasm.MemArg{Offset: uint32(off)} }

// maxGroupBlocks bounds the blocks of one wasm function: wazero's
// compile time grows faster than linearly with a function's size, and a
// jump between groups costs only a return to the driver and a call.
const maxGroupBlocks = 48

// compiler emits the function of one group of blocks.
type compiler struct {
	a     *analysis
	h     *helpers
	trace bool
	c     *wasm.Code
	lo    int // the group's blocks: [lo, hi)
	hi    int
	// labels of the group's open wasm blocks, its dispatch loop, its exit
	// block and the block a helper's failure (in lT) leaves.
	blockLabels []wasm.Label
	dispatch    wasm.Label
	exit        wasm.Label
	fail        wasm.Label
	toDriver    wasm.Label
	dyn         wasm.Label
	fromGo      wasm.Label
	cur         int // block being emitted
	// Within a block, lAP, lAPA and lSteps keep their values at the
	// block's start; an instruction addresses [ap + k] through its apDelta
	// and counts steps through its index k, and they are brought up to
	// date only where the block is left (leave) or Go runs a step.
	ins *instr
	k   int
	// inline: the group is the second tier's, its instructions written
	// out in place (inline.go) instead of helper calls; f writes into c
	// with pooled scratch locals, failGo turns a status from Go (in lT)
	// into an exit, marked holds the register cells the current block
	// has marked accessed so far.
	inline bool
	l      *feltwasm.Locals
	f      *fn
	failGo wasm.Label
	marked map[cellKey]bool
	// The current instruction's dereferenced op1: its segment's flags,
	// table entry and offset (inlineDeref).
	derefFlags, derefE, derefO uint32
}

// compileModule builds the wasm module of a program's analysis: the
// helpers, a function per group of blocks (a Cairo function, or a slice of
// a long one), and the driver "run", which calls the group of the block to
// run next until one returns an exit. The groups that hot marks (the
// second tier's; nil for none) have their instructions written out in
// place.
func compileModule(a *analysis, trace bool, hot []bool) ([]byte, error) {
	m := wasm.NewModule()
	for i := range numHosts {
		if _, err := m.AddImport("cairn", hostNames[i], hostSigs[i]); err != nil {
			return nil, err
		}
	}
	if err := m.AddMemory(wasm.Limits{Min: wasmPages, Max: wasmPages, HasMax: true}); err != nil {
		return nil, err
	}
	if err := m.AddExport("memory", wasm.ExternMemory, 0); err != nil {
		return nil, err
	}
	h, err := buildHelpers(m, trace)
	if err != nil {
		return nil, err
	}
	groupSig := wasm.FuncType{Results: []wasm.ValType{wasm.I32}}
	gfns := make([]wasm.FuncIdx, len(a.ranges))
	for g, r := range a.ranges {
		cp := &compiler{a: a, h: h, trace: trace, lo: r[0], hi: r[1], c: new(wasm.Code), l: groupLocals()}
		if hot != nil && hot[g] {
			cp.inline = true
			cp.f = &fn{c: cp.c, l: cp.l, pooled: true, pool: map[wasm.ValType][]uint32{}, used: map[wasm.ValType]int{}}
			cp.f.fe = feltwasm.NewEmitter(cp.l.New)
		}
		if err := cp.group(); err != nil {
			return nil, err
		}
		if gfns[g], err = m.AddFunction(groupSig, cp.l.Types(), cp.c); err != nil {
			return nil, err
		}
	}
	var c wasm.Code
	driver(&c, gfns)
	f, err := m.AddFunction(wasm.FuncType{Results: []wasm.ValType{wasm.I32}}, []wasm.ValType{wasm.I32}, &c)
	if err != nil {
		return nil, err
	}
	if err := m.AddExport("run", wasm.ExternFunc, uint32(f)); err != nil {
		return nil, err
	}
	return m.Encode()
}

// driver emits the run function: from the block at the control block's
// pc, call the group of the block to run next (the block in ctlBlock)
// until a group returns an exit (negative: the exit code, complemented).
func driver(c *wasm.Code, groups []wasm.FuncIdx) {
	const idx = 0
	c.I32Const(0)
	c.I64Load(mem(ctlBase + 8*ctlPC))
	c.I32WrapI64()
	c.I32Const(4)
	c.I32Mul()
	c.I32Load(mem(leaderBase))
	c.LocalSet(idx)
	done := c.Block(wasm.BlockEmpty)
	loop := c.Loop(wasm.BlockEmpty)
	c.I32Const(0)
	c.LocalGet(idx)
	c.I64ExtendI32S()
	c.I64Store(mem(ctlBase + 8*ctlBlock))
	labels := make([]wasm.Label, len(groups))
	for g := len(groups) - 1; g >= 0; g-- {
		labels[g] = c.Block(wasm.BlockEmpty)
	}
	c.LocalGet(idx)
	c.I32Const(4)
	c.I32Mul()
	c.I32Load(mem(groupBase))
	c.BrTableTo(labels, done)
	for g := range groups {
		c.End()
		c.Call(groups[g])
		c.LocalTee(idx)
		c.I32Const(0)
		c.I32GeS()
		c.BrIfTo(loop)
		c.BrTo(done)
	}
	c.End() // loop
	c.End() // done
	c.I32Const(-1)
	c.LocalGet(idx)
	c.I32Sub()
	c.End()
}

func (cp *compiler) ctlLoad64(i int) { cp.c.I32Const(0); cp.c.I64Load(mem(ctlBase + 8*i)) }

func (cp *compiler) ctlLoad32(i int) { cp.ctlLoad64(i); cp.c.I32WrapI64() }

// ctlStore32 stores local l (i32) into control word i as an int64.
func (cp *compiler) ctlStore32(i int, l uint32) {
	cp.c.I32Const(0)
	cp.c.LocalGet(l)
	cp.c.I64ExtendI32S()
	cp.c.I64Store(mem(ctlBase + 8*i))
}

// loadRegs reads ap, fp and steps from the control block (on entry, and
// after Go has run a step that ends a block).
func (cp *compiler) loadRegs() {
	c := cp.c
	cp.ctlLoad32(ctlAP)
	c.LocalSet(lAP)
	cp.ctlLoad32(ctlFP)
	c.LocalSet(lFP)
	cp.ctlLoad64(ctlSteps)
	c.LocalSet(lSteps)
	cp.addrs()
}

// addrs recomputes the cell addresses of ap and fp.
func (cp *compiler) addrs() {
	c := cp.c
	for _, p := range [][2]uint32{{lAP, lAPA}, {lFP, lFPA}} {
		c.LocalGet(p[0])
		c.I32Const(int32(vm.CellBytes))
		c.I32Mul()
		c.I32Const(execBase)
		c.I32Add()
		c.LocalSet(p[1])
	}
}

// storeRegs writes ap, fp and steps to the control block (before another
// group runs, or at the exit).
func (cp *compiler) storeRegs() {
	cp.ctlStore32(ctlAP, lAP)
	cp.ctlStore32(ctlFP, lFP)
	cp.c.I32Const(0)
	cp.c.LocalGet(lSteps)
	cp.c.I64Store(mem(ctlBase + 8*ctlSteps))
}

func (cp *compiler) group() error {
	c := cp.c
	a := cp.a
	// Entry: registers from the control block; the block to run is in
	// ctlBlock (one of this group's, as the driver guarantees).
	cp.loadRegs()
	cp.ctlLoad32(ctlBlock)
	c.I32Const(int32(cp.lo))
	c.I32Sub()
	c.LocalSet(lIdx)

	// Shared tails, so that every jump out of a block is a branch:
	//	fromGo    Go ran the last step: registers and pc from the control block, then dyn
	//	dyn       continue at the pc in lPCOut: this group's block, another's, or stop
	//	toDriver  another group's block (in lT): registers out, back to the driver
	//	exit      stop at lPCOut;  fail: a helper's exit code (complemented) in lT
	//	failGo    the second tier's: Go's failed status (positive) in lT, complemented, then fail
	cp.fail = c.Block(wasm.BlockEmpty)
	cp.failGo = c.Block(wasm.BlockEmpty)
	cp.exit = c.Block(wasm.BlockEmpty)
	cp.dispatch = c.Loop(wasm.BlockEmpty)
	cp.toDriver = c.Block(wasm.BlockEmpty)
	cp.dyn = c.Block(wasm.BlockEmpty)
	cp.fromGo = c.Block(wasm.BlockEmpty)
	n := cp.hi - cp.lo
	cp.blockLabels = make([]wasm.Label, n)
	for i := n - 1; i >= 0; i-- {
		cp.blockLabels[i] = c.Block(wasm.BlockEmpty)
	}
	// The innermost block holds the br_table; block i's code follows the
	// end of wasm block i, so falling off block i's code enters block i+1's.
	c.LocalGet(lIdx)
	c.BrTableTo(cp.blockLabels, cp.exit)
	for i := range n {
		c.End() // wasm block i
		cp.cur = cp.lo + i
		if cp.inline {
			cp.inlineBlock(&a.blocks[cp.cur])
		} else {
			cp.block(&a.blocks[cp.cur])
		}
	}
	// Falling off the group's last block cannot happen: block() ends every
	// block with a branch.
	c.End() // fromGo
	cp.loadRegs()
	cp.ctlLoad32(ctlPC)
	c.LocalSet(lPCOut)
	c.End() // dyn
	c.LocalGet(lPCOut)
	c.I32Const(int32(cp.a.codeLen))
	c.I32GeU()
	c.BrIfTo(cp.exit)
	c.LocalGet(lPCOut)
	c.I32Const(4)
	c.I32Mul()
	c.I32Load(mem(leaderBase))
	c.LocalTee(lT)
	c.I32Const(0)
	c.I32LtS()
	c.BrIfTo(cp.exit)
	c.LocalGet(lT)
	c.I32Const(int32(cp.lo))
	c.I32Sub()
	c.LocalTee(lIdx)
	c.I32Const(int32(cp.hi - cp.lo))
	c.I32LtU()
	c.BrIfTo(cp.dispatch)
	c.End() // toDriver
	cp.storeRegs()
	c.LocalGet(lT)
	c.Return()
	c.End() // dispatch loop
	c.End() // exit
	cp.storeRegs()
	c.I32Const(0)
	c.LocalGet(lPCOut)
	c.I64ExtendI32S()
	c.I64Store(mem(ctlBase + 8*ctlPC))
	c.I32Const(^int32(exitStopped))
	c.Return()
	c.End() // failGo: Go's status, complemented
	c.I32Const(-1)
	c.LocalGet(lT)
	c.I32Sub()
	c.LocalSet(lT)
	c.End() // fail
	c.LocalGet(lT)
	c.End()
	if err := c.Err(); err != nil {
		return fmt.Errorf("jit: emitting code: %w", err)
	}
	return nil
}

// stopAt leaves the run with pc set to pc.
func (cp *compiler) stopAt(pc int) {
	cp.c.I32Const(int32(pc))
	cp.c.LocalSet(lPCOut)
	cp.c.BrTo(cp.exit)
}

// goTo continues at pc: a branch forward to its block, through the
// group's dispatch loop backward, back to the driver for another group's
// block, or a stop where no block starts.
func (cp *compiler) goTo(pc int) {
	if pc < 0 || pc >= cp.a.codeLen || cp.a.leader[pc] < 0 {
		cp.stopAt(pc)
		return
	}
	j := int(cp.a.leader[pc])
	if j < cp.lo || j >= cp.hi {
		cp.c.I32Const(int32(j))
		cp.c.LocalSet(lT)
		cp.c.BrTo(cp.toDriver)
		return
	}
	if j == cp.cur+1 {
		return // falls through
	}
	if j > cp.cur {
		cp.c.BrTo(cp.blockLabels[j-cp.lo])
		return
	}
	cp.c.I32Const(int32(j - cp.lo))
	cp.c.LocalSet(lIdx)
	cp.c.BrTo(cp.dispatch)
}

// goDynamic continues at the pc in local lPCOut: its block, in this group
// or through the driver, or a stop.
func (cp *compiler) goDynamic() { cp.c.BrTo(cp.dyn) }

// dynamicAfterSlow continues after a step Go ran: registers and pc from
// the control block.
func (cp *compiler) dynamicAfterSlow() { cp.c.BrTo(cp.fromGo) }

func (cp *compiler) block(b *block) {
	c := cp.c
	// The run's end, the step limit, the registers' reach: any of them
	// stops the run here, and Go goes on.
	c.I32Const(int32(cp.cur))
	c.LocalGet(lAP)
	c.LocalGet(lFP)
	c.LocalGet(lSteps)
	c.Call(cp.h.enter)
	c.LocalTee(lPCOut)
	c.I32Const(-1)
	c.I32Ne()
	c.BrIfTo(cp.exit)
	for k := range b.instrs {
		cp.k, cp.ins = k, &b.instrs[k]
		cp.instr(&b.instrs[k])
	}
	last := &b.instrs[len(b.instrs)-1]
	switch {
	case !endsBlock(last):
		cp.leave(&b.end, len(b.instrs), last.apAfter())
		cp.goTo(b.next())
	case last.kind == kindSlow && last.in.PC == vm.PCRegular && last.in.Opcode != vm.OpCall:
		// ap moved by an amount only Go knew; the registers are reloaded.
		cp.goTo(b.next())
	}
}

// leave brings the block's state up to date after its first k steps, with
// ap at apDelta from its value at the block's start: the execution
// segment's size (the high water of hw, an instruction's fields for the
// steps before it), the step count and ap.
func (cp *compiler) leave(hw *instr, k, apDelta int) {
	c := cp.c
	if hw.hasAP {
		c.LocalGet(lAP)
		c.I32Const(int32(hw.apHW))
		c.I32Add()
		cp.raise()
	}
	if hw.hasFP {
		c.LocalGet(lFP)
		c.I32Const(int32(hw.fpHW))
		c.I32Add()
		cp.raise()
	}
	if k != 0 {
		c.LocalGet(lSteps)
		c.I64Const(int64(k))
		c.I64Add()
		c.LocalSet(lSteps)
	}
	if apDelta != 0 {
		c.LocalGet(lAP)
		c.I32Const(int32(apDelta))
		c.I32Add()
		c.LocalSet(lAP)
		c.LocalGet(lAPA)
		c.I32Const(int32(apDelta * vm.CellBytes))
		c.I32Add()
		c.LocalSet(lAPA)
	}
}

// raise raises the execution segment's size to at least the i32 on the
// stack: a helper call, or in place in the second tier.
func (cp *compiler) raise() {
	c := cp.c
	if !cp.inline {
		c.Call(cp.h.raise)
		return
	}
	c.I64ExtendI32S()
	c.LocalTee(lN)
	c.I32Const(0)
	c.I64Load(mem(ctlBase + 8*ctlExecSize))
	c.I64GtS()
	c.If(wasm.BlockEmpty)
	c.I32Const(0)
	c.LocalGet(lN)
	c.I64Store(mem(ctlBase + 8*ctlExecSize))
	c.End()
}

// apAfter is ap's offset from the block's start after i, when i moves it by
// a constant.
func (i *instr) apAfter() int {
	switch {
	case i.kind == kindAPAdd:
		return i.apDelta + i.immInt
	case i.in.AP == vm.APAdd1:
		return i.apDelta + 1
	case i.in.AP == vm.APAdd2:
		return i.apDelta + 2
	}
	return i.apDelta
}

// regAddr pushes the address of [reg + off] for the current instruction.
func (cp *compiler) regAddr(r vm.Register, off int) {
	c := cp.c
	if r == vm.AP {
		c.LocalGet(lAPA)
		off += cp.ins.apDelta
	} else {
		c.LocalGet(lFPA)
	}
	if off != 0 {
		c.I32Const(int32(off * vm.CellBytes))
		c.I32Add()
	}
}

// slowStep has Go run the current instruction. A failure leaves the run
// with it. After a step that ends the block the registers are reloaded
// (Go moved them); after any other, the block's offsets already say where
// they are.
func (cp *compiler) slowStep(i *instr) {
	c := cp.c
	c.I32Const(int32(i.site))
	c.Call(cp.h.slowSite)
	cp.failIf()
	if endsBlock(i) && i.in.PC == vm.PCRegular && i.in.Opcode != vm.OpCall {
		cp.loadRegs() // ap moved by what only Go knew; pc is the next one
	}
}

// failIf leaves the run when the helper's result on the stack (kept in
// lT) is a failure: nonzero for slowSite and the assert helpers.
func (cp *compiler) failIf() {
	cp.c.LocalTee(lT)
	cp.c.BrIfTo(cp.fail)
}

// failIfNegative is failIf for helpers whose positive results go on.
func (cp *compiler) failIfNegative() {
	c := cp.c
	c.LocalTee(lT)
	c.I32Const(0)
	c.I32LtS()
	c.BrIfTo(cp.fail)
}

// afterGo emits the continuation of a block-ending instruction that Go ran
// (the helper said 3): registers reloaded, pc wherever Go left it.
func (cp *compiler) afterGo() {
	c := cp.c
	c.LocalGet(lT)
	c.I32Const(3)
	c.I32Eq()
	c.BrIfTo(cp.fromGo)
}

// instr emits one instruction.
func (cp *compiler) instr(i *instr) {
	switch i.kind {
	case kindSlow:
		cp.slowStep(i)
		if endsBlock(i) && !(i.in.PC == vm.PCRegular && i.in.Opcode != vm.OpCall) {
			cp.dynamicAfterSlow()
		}
	case kindAssert:
		cp.assert(i)
	case kindJnz, kindJmpRel, kindAPAdd:
		cp.branch(i)
	case kindCall:
		cp.call(i)
	case kindRet:
		cp.ret(i)
	}
}

// feltFuncs defines the add and sub functions (the multiply is
// feltwasm's) of a module.
func feltFuncs(m *wasm.Module) ([3]wasm.FuncIdx, error) {
	var fns [3]wasm.FuncIdx
	for _, op := range []int{feltAdd, feltSub} {
		l := feltwasm.NewLocals(len(feltwasm.MulFuncType.Params))
		e := feltwasm.NewEmitter(l.New)
		var c wasm.Code
		d, x, y := feltwasm.At(0, 0), feltwasm.At(1, 0), feltwasm.At(2, 0)
		if op == feltAdd {
			e.Add(&c, d, x, y)
		} else {
			e.Sub(&c, d, x, y)
		}
		c.End()
		f, err := m.AddFunction(feltwasm.MulFuncType, l.Types(), &c)
		if err != nil {
			return fns, err
		}
		fns[op] = f
	}
	f, err := feltwasm.AddMulFunc(m)
	fns[feltMul] = f
	return fns, err
}

// assert emits assert_eq: a call of the helper for its res, which finds
// the operands through the site.
func (cp *compiler) assert(i *instr) {
	c := cp.c
	c.LocalGet(lAPA)
	c.LocalGet(lFPA)
	c.I32Const(int32(i.site))
	res := 0
	switch i.in.Res {
	case vm.ResAdd:
		res = 1
	case vm.ResMul:
		res = 2
	}
	c.Call(cp.h.assertS[res])
	cp.failIf()
}

// branch emits jnz / jmp rel by an immediate and ap += immediate, which
// need dst and op0 known and move pc (or ap) by a constant.
func (cp *compiler) branch(i *instr) {
	c := cp.c
	in := &i.in
	cp.regAddr(in.DstReg, in.OffDst)
	cp.regAddr(in.Op0Reg, in.OffOp0)
	c.I32Const(int32(i.site))
	c.Call(cp.h.branchS)
	cp.failIfNegative()
	if i.kind == kindAPAdd {
		return // ap moves by the constant either way
	}
	cp.afterGo()
	cp.leaveAfter(i)
	switch i.kind {
	case kindJmpRel:
		cp.goTo(i.pc + i.immInt)
	case kindJnz:
		// Taken unless dst is the felt 0 (the helper said 1).
		c.LocalGet(lT)
		c.I32Const(2)
		c.I32Eq()
		c.If(wasm.BlockEmpty)
		cp.goTo(i.pc + i.immInt)
		c.End()
		cp.goTo(i.pc + i.in.Size)
	}
}

// leaveAfter brings the block's state up to date after the block-ending
// instruction i ran inline: the steps before it and its own, in one.
func (cp *compiler) leaveAfter(i *instr) {
	hw := *i // the high water of the steps before i ...
	var one block
	one.note(i) // ... and of i itself
	if one.usesAP {
		hw.apHW = max(hw.apHW, one.apHi+1)
		if !i.hasAP {
			hw.apHW = one.apHi + 1
		}
		hw.hasAP = true
	}
	if one.usesFP {
		hw.fpHW = max(hw.fpHW, one.fpHi+1)
		if !i.hasFP {
			hw.fpHW = one.fpHi + 1
		}
		hw.hasFP = true
	}
	cp.leave(&hw, cp.k+1, i.apAfter())
}

// call emits call rel by an immediate: [ap] = fp, [ap+1] = return pc, both
// unknown before; fp = ap + 2.
func (cp *compiler) call(i *instr) {
	c := cp.c
	cp.regAddr(vm.AP, 0)
	c.LocalGet(lFP)
	c.I32Const(int32(i.pc + i.in.Size))
	c.I32Const(int32(i.site))
	c.Call(cp.h.callS)
	cp.failIfNegative()
	cp.afterGo()
	cp.leaveAfter(i) // with ap += 2, the call's ap update
	c.LocalGet(lAP)
	c.LocalSet(lFP)
	cp.addrs()
	cp.goTo(i.pc + i.immInt)
}

// ret: fp = [fp - 2], pc = [fp - 1], both pointers into the execution and
// program segments; anything else (the end of the run) goes through Go.
func (cp *compiler) ret(i *instr) {
	c := cp.c
	in := &i.in
	c.LocalGet(lFPA)
	cp.regAddr(in.Op0Reg, in.OffOp0)
	c.I32Const(int32(i.site))
	c.Call(cp.h.retS)
	cp.failIfNegative()
	cp.afterGo()
	cp.leaveAfter(i)
	cp.retTargets()
	cp.addrs()
	cp.goDynamic()
}

// retTargets loads the next pc and fp of a ret from [fp - 1] and [fp - 2].
func (cp *compiler) retTargets() {
	c := cp.c
	c.LocalGet(lFPA)
	c.I32Const(-int32(vm.CellBytes))
	c.I32Add()
	c.I64Load(mem(0))
	c.I32WrapI64()
	c.LocalSet(lPCOut)
	c.LocalGet(lFPA)
	c.I32Const(-2 * int32(vm.CellBytes))
	c.I32Add()
	c.I64Load(mem(0))
	c.I32WrapI64()
	c.LocalSet(lFP)
}
