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

// Field operations the compiled code does on cells.
const (
	feltAdd = iota
	feltSub
	feltMul
)

// Locals of the run function.
const (
	lAP    = iota // i32 ap offset
	lFP           // i32 fp offset
	lAPA          // i32 address of [ap]
	lFPA          // i32 address of [fp]
	lIdx          // i32 block to dispatch to
	lPCOut        // i32 pc to stop at
	lTrace        // i32 trace entries waiting
	lDst          // i32 address of dst
	lOp0          // i32 address of op0
	lOp1          // i32 address of op1
	lKD           // i32 kinds
	lK0           //
	lK1           //
	lT            // i32 scratch
	lT2           // i32 scratch
	lSteps        // i64 steps
	lW            // i64 scratch
	numLocals
)

// baseLocals are the types of the run function's named locals; the field
// arithmetic's scratch locals follow them.
func baseLocals() []wasm.ValType {
	t := make([]wasm.ValType, numLocals)
	for i := range t {
		t[i] = wasm.I32
	}
	t[lSteps], t[lW] = wasm.I64, wasm.I64
	return t
}

// tempCell is a scratch cell (in the control block's page) where a result
// is computed before it is compared with a known dst.
const tempCell = ctlBase + 512

func mem(off int) wasm.MemArg { return wasm.MemArg{Offset: uint32(off)} }

// compiler emits the run function of one program.
type compiler struct {
	a     *analysis
	trace bool
	c     wasm.Code
	// labels of the open per-block wasm blocks (index = block index), the
	// dispatch loop and the exit block.
	blockLabels []wasm.Label
	dispatch    wasm.Label
	exit        wasm.Label
	cur         int // block being emitted
	// Within a block, lAP, lAPA and lSteps keep their values at the
	// block's start; an instruction addresses [ap + k] through its apDelta
	// and counts steps through its index k, and they are brought up to
	// date only where the block is left (leave) or Go runs a step.
	ins *instr
	k   int
	// apHi[k], fpHi[k]: the highest register-relative offsets the first k
	// inline instructions touched (hasAP/hasFP say whether any did). Every
	// cell a finished step touched is known, so its segment's size is past
	// it: the execution segment's size is raised once, where the block is
	// left, instead of at every write.
	apHi, fpHi   []int
	hasAP, hasFP []bool

	locals []wasm.ValType
	fe     *feltwasm.Emitter
	fns    [3]wasm.FuncIdx // feltAdd, feltSub, feltMul as functions
}

// compileModule builds the wasm module of a program's analysis.
func compileModule(a *analysis, trace bool) ([]byte, error) {
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
	cp := &compiler{a: a, trace: trace, locals: baseLocals()}
	cp.fe = feltwasm.NewEmitter(func(t wasm.ValType) uint32 {
		cp.locals = append(cp.locals, t)
		return uint32(len(cp.locals) - 1)
	})
	fns, err := feltFuncs(m)
	if err != nil {
		return nil, err
	}
	cp.fns = fns
	if err := cp.run(); err != nil {
		return nil, err
	}
	f, err := m.AddFunction(wasm.FuncType{Results: []wasm.ValType{wasm.I32}}, cp.locals, &cp.c)
	if err != nil {
		return nil, err
	}
	if err := m.AddExport("run", wasm.ExternFunc, uint32(f)); err != nil {
		return nil, err
	}
	return m.Encode()
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

func (cp *compiler) ctlStore64(i int, l uint32) {
	cp.c.I32Const(0)
	cp.c.LocalGet(l)
	cp.c.I64Store(mem(ctlBase + 8*i))
}

// loadRegs reads ap, fp, steps, trace length and the execution segment's
// capacity from the control block (after Go has run a step).
func (cp *compiler) loadRegs() {
	c := &cp.c
	cp.ctlLoad32(ctlAP)
	c.LocalSet(lAP)
	cp.ctlLoad32(ctlFP)
	c.LocalSet(lFP)
	cp.ctlLoad64(ctlSteps)
	c.LocalSet(lSteps)
	cp.ctlLoad32(ctlTraceLen)
	c.LocalSet(lTrace)
	cp.addrs()
}

// addrs recomputes the cell addresses of ap and fp.
func (cp *compiler) addrs() {
	c := &cp.c
	for _, p := range [][2]uint32{{lAP, lAPA}, {lFP, lFPA}} {
		c.LocalGet(p[0])
		c.I32Const(int32(vm.CellBytes))
		c.I32Mul()
		c.I32Const(execBase)
		c.I32Add()
		c.LocalSet(p[1])
	}
}

// storeRegs writes ap, fp, steps and the trace length to the control block
// (before Go runs a step, or at the exit).
func (cp *compiler) storeRegs() {
	cp.ctlStore32(ctlAP, lAP)
	cp.ctlStore32(ctlFP, lFP)
	cp.ctlStore64(ctlSteps, lSteps)
	cp.ctlStore32(ctlTraceLen, lTrace)
}

func (cp *compiler) run() error {
	c := &cp.c
	a := cp.a
	// Entry: registers from the control block, pc (a block start, as Go
	// guarantees) to its block.
	cp.loadRegs()
	cp.ctlLoad32(ctlPC)
	c.I32Const(4)
	c.I32Mul()
	c.I32Load(mem(leaderBase))
	c.LocalSet(lIdx)

	cp.exit = c.Block(wasm.BlockEmpty)
	cp.dispatch = c.Loop(wasm.BlockEmpty)
	n := len(a.blocks)
	cp.blockLabels = make([]wasm.Label, n)
	for i := n - 1; i >= 0; i-- {
		cp.blockLabels[i] = c.Block(wasm.BlockEmpty)
	}
	// The innermost block holds the br_table; block i's code follows the
	// end of wasm block i, so falling off block i's code enters block i+1's.
	targets := make([]wasm.Label, n)
	copy(targets, cp.blockLabels)
	c.LocalGet(lIdx)
	if n > 0 {
		c.BrTableTo(targets, cp.exit)
	} else {
		c.Drop()
	}
	for i := range n {
		c.End() // wasm block i
		cp.cur = i
		cp.block(&a.blocks[i])
	}
	c.End() // dispatch loop (falling out of the last block's code is handled in it)
	c.End() // exit
	cp.storeRegs()
	cp.c.I32Const(0)
	cp.c.LocalGet(lPCOut)
	cp.c.I64ExtendI32S()
	cp.c.I64Store(mem(ctlBase + 8*ctlPC))
	c.I32Const(exitStopped)
	c.End()
	if err := c.Err(); err != nil {
		return fmt.Errorf("jit: emitting code: %w", err)
	}
	return nil
}

// stopAt leaves the run function with pc set to pc.
func (cp *compiler) stopAt(pc int) {
	cp.c.I32Const(int32(pc))
	cp.c.LocalSet(lPCOut)
	cp.c.BrTo(cp.exit)
}

// goTo continues at pc: a branch forward to its block, through the
// dispatch loop backward, or a stop where no block starts.
func (cp *compiler) goTo(pc int) {
	if pc < 0 || pc >= cp.a.codeLen || cp.a.leader[pc] < 0 {
		cp.stopAt(pc)
		return
	}
	j := int(cp.a.leader[pc])
	if j == cp.cur+1 {
		return // falls through
	}
	if j > cp.cur {
		cp.c.BrTo(cp.blockLabels[j])
		return
	}
	cp.c.I32Const(int32(j))
	cp.c.LocalSet(lIdx)
	cp.c.BrTo(cp.dispatch)
}

// goDynamic continues at the pc in local lPCOut: its block through the
// dispatch loop, or a stop.
func (cp *compiler) goDynamic() {
	c := &cp.c
	c.LocalGet(lPCOut)
	c.I32Const(int32(cp.a.codeLen))
	c.I32GeU()
	c.BrIfTo(cp.exit)
	c.LocalGet(lPCOut)
	c.I32Const(4)
	c.I32Mul()
	c.I32Load(mem(leaderBase))
	c.LocalTee(lIdx)
	c.I32Const(0)
	c.I32LtS()
	c.BrIfTo(cp.exit)
	c.BrTo(cp.dispatch)
}

func (cp *compiler) block(b *block) {
	c := &cp.c
	n := int64(len(b.instrs))
	// The run's end, the step limit, and the registers' reach: any of them
	// stops the run here, and Go goes on.
	cp.ctlLoad32(ctlEndBlock)
	c.I32Const(int32(cp.cur))
	c.I32Eq()
	c.LocalGet(lSteps)
	c.I64Const(n)
	c.I64Add()
	cp.ctlLoad64(ctlStepLimit)
	c.I64GtS()
	c.I32Or()
	if b.usesAP {
		cp.outOfReach(lAP, b.apLo, b.apHi)
		c.I32Or()
	}
	if b.usesFP {
		cp.outOfReach(lFP, b.fpLo, b.fpHi)
		c.I32Or()
	}
	c.If(wasm.BlockEmpty)
	cp.stopAt(b.start)
	c.End()
	// First entry: the block's instruction words become accessed, as the
	// interpreter marks a word when it first decodes it.
	c.I32Const(0)
	c.I32Load8U(mem(visitedBase + cp.cur))
	c.I32Eqz()
	c.If(wasm.BlockEmpty)
	c.I32Const(int32(cp.cur))
	c.Call(hostMark)
	c.End()
	if cp.trace {
		c.LocalGet(lTrace)
		c.I32Const(int32(traceCap - len(b.instrs)))
		c.I32GtS()
		c.If(wasm.BlockEmpty)
		cp.storeRegs()
		c.Call(hostFlush)
		c.I32Const(0)
		c.LocalSet(lTrace)
		c.End()
	}
	cp.prefixes(b)
	for k := range b.instrs {
		cp.k, cp.ins = k, &b.instrs[k]
		cp.instr(&b.instrs[k])
	}
	last := &b.instrs[len(b.instrs)-1]
	switch {
	case !endsBlock(last):
		cp.leave(len(b.instrs), last.apAfter())
		cp.goTo(b.next())
	case last.kind == kindSlow && last.in.PC == vm.PCRegular && last.in.Opcode != vm.OpCall:
		// ap moved by an amount only Go knew; the registers are reloaded.
		cp.goTo(b.next())
	}
}

// prefixes computes apHi, fpHi, hasAP and hasFP of a block.
func (cp *compiler) prefixes(b *block) {
	n := len(b.instrs)
	cp.apHi, cp.fpHi = make([]int, n+1), make([]int, n+1)
	cp.hasAP, cp.hasFP = make([]bool, n+1), make([]bool, n+1)
	for k := range b.instrs {
		cp.apHi[k+1], cp.fpHi[k+1] = cp.apHi[k], cp.fpHi[k]
		cp.hasAP[k+1], cp.hasFP[k+1] = cp.hasAP[k], cp.hasFP[k]
		i := &b.instrs[k]
		if i.kind == kindSlow {
			continue
		}
		var one block
		one.note(i)
		if one.usesAP {
			cp.apHi[k+1] = max(one.apHi, cp.apHi[k])
			if !cp.hasAP[k] {
				cp.apHi[k+1] = one.apHi
			}
			cp.hasAP[k+1] = true
		}
		if one.usesFP {
			cp.fpHi[k+1] = max(one.fpHi, cp.fpHi[k])
			if !cp.hasFP[k] {
				cp.fpHi[k+1] = one.fpHi
			}
			cp.hasFP[k+1] = true
		}
	}
}

// raiseSize raises the execution segment's size past the cells the first
// k instructions of the block touched inline.
func (cp *compiler) raiseSize(k int) {
	if cp.hasAP[k] {
		cp.raiseExec(lAP, cp.apHi[k])
	}
	if cp.hasFP[k] {
		cp.raiseExec(lFP, cp.fpHi[k])
	}
}

func (cp *compiler) raiseExec(reg uint32, hi int) {
	c := &cp.c
	c.LocalGet(reg)
	c.I64ExtendI32S()
	c.I64Const(int64(hi + 1))
	c.I64Add()
	c.LocalTee(lW)
	cp.ctlLoad64(ctlExecSize)
	c.I64GtS()
	c.If(wasm.BlockEmpty)
	c.I32Const(0)
	c.LocalGet(lW)
	c.I64Store(mem(ctlBase + 8*ctlExecSize))
	c.End()
}

// leave brings the block's state up to date after its first k steps, with
// ap at apDelta from its value at the block's start: the execution
// segment's size, the step count and ap.
func (cp *compiler) leave(k, apDelta int) {
	c := &cp.c
	cp.raiseSize(k)
	if k != 0 {
		c.LocalGet(lSteps)
		c.I64Const(int64(k))
		c.I64Add()
		c.LocalSet(lSteps)
	}
	if apDelta != 0 {
		cp.bumpAP(apDelta)
	}
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

// outOfReach pushes 1 when reg+lo < 0 or reg+hi >= the execution
// segment's cells.
func (cp *compiler) outOfReach(reg uint32, lo, hi int) {
	c := &cp.c
	c.LocalGet(reg)
	c.I32Const(int32(lo))
	c.I32Add()
	c.I32Const(0)
	c.I32LtS()
	c.LocalGet(reg)
	c.I32Const(int32(hi))
	c.I32Add()
	cp.ctlLoad32(ctlExecCap)
	c.I32GeS()
	c.I32Or()
}

// regAddr pushes the address of [reg + off] for the current instruction.
func (cp *compiler) regAddr(r vm.Register, off int) {
	c := &cp.c
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

// kindOf pushes the kind (without the accessed mark) of the cell at local l.
func (cp *compiler) kindOf(l uint32) {
	cp.c.LocalGet(l)
	cp.c.I32Load8U(mem(vm.CellKindOffset))
	cp.c.I32Const(3)
	cp.c.I32And()
}

// markAccessed sets the accessed mark of the cell at local l.
func (cp *compiler) markAccessed(l uint32) {
	c := &cp.c
	c.LocalGet(l)
	c.LocalGet(l)
	c.I32Load8U(mem(vm.CellKindOffset))
	c.I32Const(int32(vm.KindAccessed))
	c.I32Or()
	c.I32Store8(mem(vm.CellKindOffset))
}

// setKind writes a fresh cell's segment word and kind (felt or pointer);
// its accessed mark is set later, with the operands'.
func (cp *compiler) setKind(l uint32, k uint8) {
	c := &cp.c
	c.LocalGet(l)
	c.I32Const(int32(k))
	c.I32Store8(mem(vm.CellKindOffset))
}

// growAt raises the size of the segment whose table entry is at local e
// past the offset in local off. The execution segment keeps its size in
// the control block (ctlExecSize), not in its entry.
func (cp *compiler) growAt(e, off uint32) {
	c := &cp.c
	// e = the size word's address - segSize.
	c.I32Const(ctlBase + 8*ctlExecSize - segSize)
	c.LocalGet(e)
	c.LocalGet(e)
	cp.ctlLoad32(ctlExecSeg)
	c.I32Const(segTabEntry)
	c.I32Mul()
	c.I32Const(segTabBase)
	c.I32Add()
	c.I32Eq()
	c.Select()
	c.LocalSet(e)
	c.LocalGet(off)
	c.I64ExtendI32U()
	c.I64Const(1)
	c.I64Add()
	c.LocalTee(lW)
	c.LocalGet(e)
	c.I64Load(mem(segSize))
	c.I64GtS()
	c.If(wasm.BlockEmpty)
	c.LocalGet(e)
	c.LocalGet(lW)
	c.I64Store(mem(segSize))
	c.End()
}

// copyCell copies the 36 bytes of value (limbs and segment) of the cell at
// src into the cell at dst.
func (cp *compiler) copyCell(dst, src uint32) {
	c := &cp.c
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
}

// sameCell pushes 1 when the cells at a and b hold the same value (kinds
// already known equal): segment and limbs.
func (cp *compiler) sameCell(a, b uint32) {
	c := &cp.c
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

// record appends the step's trace entry (pc and the registers before it).
func (cp *compiler) record(pc int) {
	if !cp.trace {
		return
	}
	c := &cp.c
	c.LocalGet(lTrace)
	c.I32Const(traceEntry)
	c.I32Mul()
	c.LocalTee(lT)
	c.I64Const(int64(pc))
	c.I64Store(mem(traceBase))
	c.LocalGet(lT)
	c.LocalGet(lAP)
	c.I64ExtendI32S()
	c.I64Const(int64(cp.ins.apDelta))
	c.I64Add()
	c.I64Store(mem(traceBase + 8))
	c.LocalGet(lT)
	c.LocalGet(lFP)
	c.I64ExtendI32S()
	c.I64Store(mem(traceBase + 16))
	c.LocalGet(lTrace)
	c.I32Const(1)
	c.I32Add()
	c.LocalSet(lTrace)
}

// retire records the step; counting it and moving ap wait for leave.
func (cp *compiler) retire(i *instr) { cp.record(i.pc) }

func (cp *compiler) bumpAP(n int) {
	c := &cp.c
	c.LocalGet(lAP)
	c.I32Const(int32(n))
	c.I32Add()
	c.LocalSet(lAP)
	c.LocalGet(lAPA)
	c.I32Const(int32(n * vm.CellBytes))
	c.I32Add()
	c.LocalSet(lAPA)
}

// slowStep has Go run the current instruction. A status other than 0
// leaves the run function with it. After a step that ends the block the
// registers are reloaded (Go moved them); after any other, the block's
// offsets already say where they are, and only what Go may have changed
// besides (the trace buffer, the execution segment's capacity) is read.
func (cp *compiler) slowStep(i *instr) {
	c := &cp.c
	cp.raiseSize(cp.k)
	c.I32Const(0)
	c.LocalGet(lAP)
	c.I32Const(int32(i.apDelta))
	c.I32Add()
	c.I64ExtendI32S()
	c.I64Store(mem(ctlBase + 8*ctlAP))
	cp.ctlStore32(ctlFP, lFP)
	c.I32Const(0)
	c.LocalGet(lSteps)
	c.I64Const(int64(cp.k))
	c.I64Add()
	c.I64Store(mem(ctlBase + 8*ctlSteps))
	cp.ctlStore32(ctlTraceLen, lTrace)
	c.I32Const(0)
	c.I64Const(int64(i.pc))
	c.I64Store(mem(ctlBase + 8*ctlPC))
	c.Call(hostStep)
	c.LocalTee(lT)
	c.If(wasm.BlockEmpty)
	c.LocalGet(lT)
	c.Return()
	c.End()
	if endsBlock(i) {
		cp.loadRegs()
		return
	}
	cp.ctlLoad32(ctlTraceLen)
	c.LocalSet(lTrace)
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

// withSlowPath emits body inside blocks such that body's "br ok" retires
// the step inline (retire) and falling off body runs the slow step, then
// afterSlow (nil when execution just goes on). Both paths join after it.
func (cp *compiler) withSlowPath(i *instr, body func(ok wasm.Label), retire, afterSlow func()) {
	c := &cp.c
	next := c.Block(wasm.BlockEmpty)
	slow := c.Block(wasm.BlockEmpty)
	ok := c.Block(wasm.BlockEmpty)
	body(ok)
	c.BrTo(slow)
	c.End() // ok
	retire()
	c.BrTo(next)
	c.End() // slow
	cp.slowStep(i)
	if afterSlow != nil {
		afterSlow()
	}
	c.End() // next
}

// dynamicAfterSlow continues at the pc Go's step left in the control block.
func (cp *compiler) dynamicAfterSlow() {
	cp.ctlLoad32(ctlPC)
	cp.c.LocalSet(lPCOut)
	cp.goDynamic()
}

// operands computes the addresses of dst, op0 and op1 into locals and their
// kinds; a double-dereferenced op1 outside the table's first pages, or in
// a segment the compiled code may not read, branches to the slow path
// (falls out of the enclosing body).
func (cp *compiler) operands(i *instr, slowOut func()) {
	c := &cp.c
	in := &i.in
	cp.regAddr(in.DstReg, in.OffDst)
	c.LocalSet(lDst)
	cp.regAddr(in.Op0Reg, in.OffOp0)
	c.LocalSet(lOp0)
	switch in.Op1 {
	case vm.Op1Imm:
		// The program segment's cells lie at progBase.
		c.I32Const(int32(progBase + (i.pc+1)*vm.CellBytes))
		c.LocalSet(lOp1)
	case vm.Op1FromAP:
		cp.regAddr(vm.AP, in.OffOp1)
		c.LocalSet(lOp1)
	case vm.Op1FromFP:
		cp.regAddr(vm.FP, in.OffOp1)
		c.LocalSet(lOp1)
	default:
		// [op0 + off]: op0 must be a pointer into a segment whose first
		// page holds the cell.
		cp.kindOf(lOp0)
		c.I32Const(int32(vm.KindPtr))
		c.I32Ne()
		c.If(wasm.BlockEmpty)
		slowOut()
		c.End()
		// segment -> table entry (lT)
		c.LocalGet(lOp0)
		c.I32Load(mem(vm.CellSegOffset))
		c.LocalTee(lT)
		c.I32Const(maxTabSegs)
		c.I32GeU()
		c.If(wasm.BlockEmpty)
		slowOut()
		c.End()
		c.LocalGet(lT)
		c.I32Const(segTabEntry)
		c.I32Mul()
		c.I32Const(segTabBase)
		c.I32Add()
		c.LocalSet(lT)
		// offset (lT2) = op0.offset + off, inside the first page, and a
		// segment whose cells all lie in linear memory.
		c.LocalGet(lOp0)
		c.I64Load(mem(0))
		c.I32WrapI64()
		c.I32Const(int32(in.OffOp1))
		c.I32Add()
		c.LocalTee(lT2)
		c.LocalGet(lT)
		c.I32Load(mem(segPage0Len))
		c.I32GeU()
		c.LocalGet(lT)
		c.I32Load(mem(segFlags))
		c.I32Const(segFlagForeign)
		c.I32And()
		c.I32Or()
		c.If(wasm.BlockEmpty)
		slowOut()
		c.End()
		c.LocalGet(lT)
		c.I32Load(mem(segPage0Addr))
		c.LocalGet(lT2)
		c.I32Const(int32(vm.CellBytes))
		c.I32Mul()
		c.I32Add()
		c.LocalSet(lOp1)
	}
	cp.kindOf(lDst)
	c.LocalSet(lKD)
	cp.kindOf(lOp0)
	c.LocalSet(lK0)
	cp.kindOf(lOp1)
	c.LocalSet(lK1)
}

// op1Writable pushes 1 when an unknown op1 may be filled inline: a
// register cell, or a double-dereferenced one in a segment with no rules.
func (cp *compiler) op1Writable(i *instr) {
	c := &cp.c
	switch i.in.Op1 {
	case vm.Op1FromAP, vm.Op1FromFP:
		c.I32Const(1)
	case vm.Op1Imm:
		c.I32Const(0)
	default:
		c.LocalGet(lT)
		c.I32Load(mem(segFlags))
		c.I32Eqz()
	}
}

// growOp1 raises the size of op1's segment past the cell just written
// when it is not the execution segment (whose size leave raises).
func (cp *compiler) growOp1(i *instr) {
	if i.in.Op1 == vm.Op1FromOp0 {
		cp.growAt(lT, lT2)
	}
}

func (cp *compiler) kindIs(l uint32, k uint8) {
	cp.c.LocalGet(l)
	cp.c.I32Const(int32(k))
	cp.c.I32Eq()
}

// felt emits dst = a op b on the felts of the cells at locals dst, a, b:
// addition and subtraction inline, multiplication as a call (its ~700
// instructions cost more in code size than the call costs in time).
func (cp *compiler) felt(op int, dst, a, b uint32) {
	d, x, y := feltwasm.At(dst, 0), feltwasm.At(a, 0), feltwasm.At(b, 0)
	switch op {
	case feltAdd:
		cp.fe.Add(&cp.c, d, x, y)
	case feltSub:
		cp.fe.Sub(&cp.c, d, x, y)
	default:
		feltwasm.CallMul(&cp.c, cp.fns[feltMul], d, x, y)
	}
}

// feltCall emits dst = a op b as a call: the form for the paths an
// instruction rarely takes (a known dst to compare with, a deduced
// operand), which would otherwise fill the instruction cache with copies
// of the arithmetic.
func (cp *compiler) feltCall(op int, dst, a, b uint32) {
	feltwasm.CallMul(&cp.c, cp.fns[op], feltwasm.At(dst, 0), feltwasm.At(a, 0), feltwasm.At(b, 0))
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

func (cp *compiler) assert(i *instr) {
	c := &cp.c
	in := &i.in
	cp.withSlowPath(i, func(ok wasm.Label) {
		body := c.Block(wasm.BlockEmpty) // falling out of it: slow
		cp.operands(i, func() { c.BrTo(body) })
		switch in.Res {
		case vm.ResOp1:
			// op0 must be known (nothing deduces it).
			c.LocalGet(lK0)
			c.I32Eqz()
			c.BrIfTo(body)
			// dst unknown, op1 known: copy.
			cp.kindIs(lKD, vm.KindUnknown)
			c.LocalGet(lK1)
			c.I32Const(0)
			c.I32Ne()
			c.I32And()
			c.If(wasm.BlockEmpty)
			cp.copyCell(lDst, lOp1)
			c.LocalGet(lDst)
			c.LocalGet(lK1)
			c.I32Store8(mem(vm.CellKindOffset))
			c.BrTo(ok)
			c.End()
			// both known: compare.
			c.LocalGet(lKD)
			c.LocalGet(lK1)
			c.I32Eq()
			c.LocalGet(lK1)
			c.I32Const(0)
			c.I32Ne()
			c.I32And()
			c.If(wasm.BlockEmpty)
			cp.sameCell(lDst, lOp1)
			c.BrIfTo(ok)
			c.BrTo(body)
			c.End()
			// op1 unknown, dst known: op1 = dst.
			cp.kindIs(lK1, vm.KindUnknown)
			c.LocalGet(lKD)
			c.I32Const(0)
			c.I32Ne()
			c.I32And()
			cp.op1Writable(i)
			c.I32And()
			c.If(wasm.BlockEmpty)
			cp.copyCell(lOp1, lDst)
			c.LocalGet(lOp1)
			c.LocalGet(lKD)
			c.I32Store8(mem(vm.CellKindOffset))
			cp.growOp1(i)
			c.BrTo(ok)
			c.End()
		case vm.ResAdd, vm.ResMul:
			op := feltAdd
			if in.Res == vm.ResMul {
				op = feltMul
			}
			// op0, op1 felts.
			cp.kindIs(lK0, vm.KindFelt)
			cp.kindIs(lK1, vm.KindFelt)
			c.I32And()
			c.If(wasm.BlockEmpty)
			{
				cp.kindIs(lKD, vm.KindUnknown)
				c.If(wasm.BlockEmpty)
				cp.felt(op, lDst, lOp0, lOp1)
				c.LocalGet(lDst)
				c.I32Const(0)
				c.I32Store(mem(vm.CellSegOffset))
				cp.setKind(lDst, vm.KindFelt)
				c.BrTo(ok)
				c.End()
				cp.kindIs(lKD, vm.KindFelt)
				c.If(wasm.BlockEmpty)
				c.I32Const(tempCell)
				c.LocalSet(lT2)
				cp.feltCall(op, lT2, lOp0, lOp1)
				c.I32Const(tempCell)
				c.I32Const(0)
				c.I32Store(mem(vm.CellSegOffset))
				cp.sameCell(lDst, lT2)
				c.BrIfTo(ok)
				c.End()
				c.BrTo(body)
			}
			c.End()
			if in.Res == vm.ResAdd {
				// dst, op0 felts, op1 unknown: op1 = dst - op0.
				cp.kindIs(lKD, vm.KindFelt)
				cp.kindIs(lK0, vm.KindFelt)
				c.I32And()
				cp.kindIs(lK1, vm.KindUnknown)
				c.I32And()
				cp.op1Writable(i)
				c.I32And()
				c.If(wasm.BlockEmpty)
				cp.feltCall(feltSub, lOp1, lDst, lOp0)
				c.LocalGet(lOp1)
				c.I32Const(0)
				c.I32Store(mem(vm.CellSegOffset))
				cp.setKind(lOp1, vm.KindFelt)
				cp.growOp1(i)
				c.BrTo(ok)
				c.End()
				// dst, op1 felts, op0 unknown: op0 = dst - op1.
				cp.kindIs(lKD, vm.KindFelt)
				cp.kindIs(lK1, vm.KindFelt)
				c.I32And()
				cp.kindIs(lK0, vm.KindUnknown)
				c.I32And()
				c.If(wasm.BlockEmpty)
				cp.feltCall(feltSub, lOp0, lDst, lOp1)
				c.LocalGet(lOp0)
				c.I32Const(0)
				c.I32Store(mem(vm.CellSegOffset))
				cp.setKind(lOp0, vm.KindFelt)
				c.BrTo(ok)
				c.End()
				if in.Op1 != vm.Op1Imm || i.immSmall {
					cp.ptrPlus(i, ok, body)
				}
			}
		}
		c.End() // body: fall out to the slow path
	}, func() {
		cp.markAccessed(lDst)
		cp.markAccessed(lOp0)
		if in.Op1 != vm.Op1Imm {
			cp.markAccessed(lOp1)
		}
		cp.retire(i)
	}, nil)
}

// ptrPlus: op0 a pointer, res = op0 + imm or op0 + op1 (a felt); dst
// unknown (written) or a pointer (compared).
func (cp *compiler) ptrPlus(i *instr, ok, slow wasm.Label) {
	c := &cp.c
	imm := i.in.Op1 == vm.Op1Imm
	cp.kindIs(lK0, vm.KindPtr)
	if !imm {
		cp.kindIs(lK1, vm.KindFelt)
		c.I32And()
	}
	c.If(wasm.BlockEmpty)
	// offset + n; n is the immediate, or
	// op1 as a small integer (Go converts it out of Montgomery form).
	c.LocalGet(lOp0)
	c.I64Load(mem(0))
	if imm {
		c.I64Const(int64(i.immInt))
	} else {
		c.LocalGet(lOp1)
		c.Call(hostSmall)
		c.LocalTee(lW)
		c.I64Const(notSmall)
		c.I64Eq()
		c.BrIfTo(slow)
		c.LocalGet(lW)
	}
	c.I64Add()
	c.LocalTee(lW)
	c.I64Const(1 << 62) // the offset must stay in [0, 2^62), as vm.Add demands
	c.I64GeU()
	c.BrIfTo(slow)
	cp.kindIs(lKD, vm.KindUnknown)
	c.If(wasm.BlockEmpty)
	c.LocalGet(lDst)
	c.LocalGet(lW)
	c.I64Store(mem(0))
	for k := 1; k < 4; k++ {
		c.LocalGet(lDst)
		c.I64Const(0)
		c.I64Store(mem(8 * k))
	}
	c.LocalGet(lDst)
	c.LocalGet(lOp0)
	c.I32Load(mem(vm.CellSegOffset))
	c.I32Store(mem(vm.CellSegOffset))
	cp.setKind(lDst, vm.KindPtr)
	c.BrTo(ok)
	c.End()
	cp.kindIs(lKD, vm.KindPtr)
	c.If(wasm.BlockEmpty)
	c.LocalGet(lDst)
	c.I64Load(mem(0))
	c.LocalGet(lW)
	c.I64Eq()
	c.LocalGet(lDst)
	c.I32Load(mem(vm.CellSegOffset))
	c.LocalGet(lOp0)
	c.I32Load(mem(vm.CellSegOffset))
	c.I32Eq()
	c.I32And()
	c.BrIfTo(ok)
	c.End()
	c.End()
}

// branch emits jnz / jmp rel by an immediate and ap += immediate, which
// need dst and op0 known and move pc (or ap) by a constant.
func (cp *compiler) branch(i *instr) {
	c := &cp.c
	in := &i.in
	// The slow path's step moved pc wherever it went, except for ap += imm.
	after := cp.dynamicAfterSlow
	if i.kind == kindAPAdd {
		after = nil
	}
	cp.withSlowPath(i, func(ok wasm.Label) {
		cp.regAddr(in.DstReg, in.OffDst)
		c.LocalSet(lDst)
		cp.regAddr(in.Op0Reg, in.OffOp0)
		c.LocalSet(lOp0)
		cp.kindOf(lDst)
		c.LocalTee(lKD)
		c.I32Eqz()
		cp.kindOf(lOp0)
		c.I32Eqz()
		c.I32Or()
		c.I32Eqz()
		c.BrIfTo(ok)
	}, func() {
		cp.markAccessed(lDst)
		cp.markAccessed(lOp0)
		cp.retire(i)
		if i.kind != kindAPAdd {
			cp.leave(cp.k+1, i.apAfter())
		}
		switch i.kind {
		case kindJmpRel:
			cp.goTo(i.pc + i.immInt)
		case kindJnz:
			// Taken unless dst is the felt 0.
			cp.kindIs(lKD, vm.KindFelt)
			c.LocalGet(lDst)
			c.I64Load(mem(0))
			c.LocalGet(lDst)
			c.I64Load(mem(8))
			c.I64Or()
			c.LocalGet(lDst)
			c.I64Load(mem(16))
			c.I64Or()
			c.LocalGet(lDst)
			c.I64Load(mem(24))
			c.I64Or()
			c.I64Eqz()
			c.I32And()
			c.I32Eqz()
			c.If(wasm.BlockEmpty)
			cp.goTo(i.pc + i.immInt)
			c.End()
			cp.goTo(i.pc + i.in.Size)
		}
	}, after)
}

// call emits call rel by an immediate: [ap] = fp, [ap+1] = return pc, both
// unknown before; fp = ap + 2.
func (cp *compiler) call(i *instr) {
	c := &cp.c
	cp.withSlowPath(i, func(ok wasm.Label) {
		cp.regAddr(vm.AP, 0)
		c.LocalSet(lDst)
		cp.regAddr(vm.AP, 1)
		c.LocalSet(lOp0)
		cp.kindOf(lDst)
		cp.kindOf(lOp0)
		c.I32Or()
		c.I32Eqz()
		c.If(wasm.BlockEmpty)
		// [ap] = fp (execution segment), [ap+1] = pc + size (program segment).
		cp.writePtr(lDst, func() { c.LocalGet(lFP); c.I64ExtendI32S() }, ctlExecSeg)
		cp.writePtr(lOp0, func() { c.I64Const(int64(i.pc + i.in.Size)) }, ctlProgSeg)
		c.BrTo(ok)
		c.End()
	}, func() {
		cp.markAccessed(lDst)
		cp.markAccessed(lOp0)
		cp.retire(i)
		cp.leave(cp.k+1, i.apDelta)
		c.LocalGet(lAP)
		c.I32Const(2)
		c.I32Add()
		c.LocalTee(lFP)
		c.LocalSet(lAP)
		cp.addrs()
		cp.goTo(i.pc + i.immInt)
	}, cp.dynamicAfterSlow)
}

// writePtr stores a pointer (offset pushed by off, segment from control
// word segWord) into the cell at local l.
func (cp *compiler) writePtr(l uint32, off func(), segWord int) {
	c := &cp.c
	c.LocalGet(l)
	off()
	c.I64Store(mem(0))
	for k := 1; k < 4; k++ {
		c.LocalGet(l)
		c.I64Const(0)
		c.I64Store(mem(8 * k))
	}
	c.LocalGet(l)
	cp.ctlLoad32(segWord)
	c.I32Store(mem(vm.CellSegOffset))
	cp.setKind(l, vm.KindPtr)
}

// ret: fp = [fp - 2], pc = [fp - 1], both pointers into the execution and
// program segments; anything else (the end of the run) goes through Go.
func (cp *compiler) ret(i *instr) {
	c := &cp.c
	in := &i.in
	cp.withSlowPath(i, func(ok wasm.Label) {
		cp.regAddr(vm.FP, -2)
		c.LocalSet(lDst)
		cp.regAddr(in.Op0Reg, in.OffOp0)
		c.LocalSet(lOp0)
		cp.regAddr(vm.FP, -1)
		c.LocalSet(lOp1)
		cp.kindOf(lDst)
		c.I32Const(int32(vm.KindPtr))
		c.I32Eq()
		cp.kindOf(lOp1)
		c.I32Const(int32(vm.KindPtr))
		c.I32Eq()
		c.I32And()
		cp.kindOf(lOp0)
		c.I32Const(0)
		c.I32Ne()
		c.I32And()
		// segments: fp's must be the execution segment, pc's the program's.
		c.LocalGet(lDst)
		c.I32Load(mem(vm.CellSegOffset))
		cp.ctlLoad32(ctlExecSeg)
		c.I32Eq()
		c.I32And()
		c.LocalGet(lOp1)
		c.I32Load(mem(vm.CellSegOffset))
		cp.ctlLoad32(ctlProgSeg)
		c.I32Eq()
		c.I32And()
		c.BrIfTo(ok)
	}, func() {
		cp.markAccessed(lDst)
		cp.markAccessed(lOp0)
		cp.markAccessed(lOp1)
		cp.retire(i)
		cp.leave(cp.k+1, i.apDelta)
		c.LocalGet(lOp1)
		c.I64Load(mem(0))
		c.I32WrapI64()
		c.LocalSet(lPCOut)
		c.LocalGet(lDst)
		c.I64Load(mem(0))
		c.I32WrapI64()
		c.LocalSet(lFP)
		cp.addrs()
		cp.goDynamic()
	}, cp.dynamicAfterSlow)
}
