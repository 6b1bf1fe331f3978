package jit

import "github.com/cairn-vm/cairn/vm"

// The linear memory of a run is one 4 GiB reservation (the most a wasm32
// memory can address), committed by the kernel only where it is touched.
// Go and the compiled code share it: every cell of the run's vm.Memory
// lives in it, so either engine reads what the other wrote.
//
//	ctlBase      control block: registers, counters, limits (ctl* below)
//	visitedBase  one byte per block: its instruction words are marked accessed
//	traceBase    trace entries the compiled code has not yet handed to Go
//	groupBase    int32 per block: the group (wasm function) that holds it
//	leaderBase   int32 per program pc: the block that starts there, or -1
//	segTabBase   segTabEntry bytes per real segment: where its cells are
//	progBase     the program segment's first page, at an address the code knows
//	blockInfo    per block: its start, length and register reach (blockInfo* fields)
//	siteBase     per instruction: what a helper needs to run it in Go (site* fields)
//	countBase    uint32 per block: how often the first tier entered it
//	heapBase     cell arrays of every other segment
//	execBase     the execution segment, contiguous, so that [ap + k] is one
//	             multiply-add away
const (
	linearBytes = 1 << 32
	// wasmPages is one page short of 4 GiB: wazero keeps memory sizes in
	// 32 bits, where 4 GiB is 0.
	wasmPages = linearBytes>>16 - 1

	ctlBase     = 0
	visitedBase = 4 << 10
	maxBlocks   = (leaderBase - groupBase) / 4 // int32 per block at groupBase
	traceBase   = 1 << 20
	traceCap    = 1 << 16 // entries
	traceEntry  = 24      // bytes: pc, ap, fp as u64
	groupBase   = traceBase + traceCap*traceEntry
	leaderBase  = 4 << 20
	maxCode     = 1 << 20 // program words (the program segment is one page)
	segTabBase  = 8 << 20
	segTabEntry = 32
	maxTabSegs  = (8 << 20) / segTabEntry
	progBase    = 16 << 20 // the program segment's first page, maxCode cells
	blockInfo   = progBase + maxCode*vm.CellBytes
	blockEntry  = 32
	siteBase    = blockInfo + maxBlocks*blockEntry
	siteEntry   = 64
	countBase   = siteBase + maxCode*siteEntry
	heapBase    = countBase + maxBlocks*4
	execBase    = 1 << 30
	execEnd     = linearBytes - (128 << 10)
	// execCells is the most cells the execution segment may have in linear
	// memory; past it the run continues in the interpreter.
	execCells = (execEnd - execBase) / vm.CellBytes
)

// Control block words (int64 each, at ctlBase + 8*index).
const (
	ctlPC        = 0  // program-segment offset of pc
	ctlAP        = 1  // execution-segment offset of ap
	ctlFP        = 2  // execution-segment offset of fp
	ctlSteps     = 3  // steps so far
	ctlStepLimit = 4  // the compiled code stops before a block that would pass it
	ctlEndBlock  = 5  // the block whose start is the run's end pc, or -1
	ctlTraceLen  = 6  // entries waiting at traceBase
	ctlExecSeg   = 7  // index of the execution segment
	ctlProgSeg   = 8  // index of the program segment
	ctlExecCap   = 10 // cells of the execution segment in linear memory (mirror of its table entry)
	ctlExecSize  = 11 // the execution segment's size word (its SizeSlot)
	ctlBlock     = 12 // the block the driver asks a group to run
	// What the deref helper found out about a dereferenced op1, for the
	// assert helpers: its segment's flags, the address of its size word,
	// its offset.
	ctlDerefFlags = 13
	ctlDerefSize  = 14
	ctlDerefOff   = 15
	// The registers and step count at the start of the running block,
	// from which a helper finds an instruction's (ap + its site's delta).
	ctlBaseAP    = 16
	ctlBaseFP    = 17
	ctlBaseSteps = 18
)

// A block's entry at blockInfo (int32 fields).
const (
	biStart = 0  // pc
	biLen   = 4  // instructions
	biAPLo  = 8  // reach relative to ap, fp at the start (see block)
	biAPHi  = 12 //
	biFPLo  = 16 //
	biFPHi  = 20 //
	biFlags = 24 // 1: uses ap, 2: uses fp
)

// An instruction's entry at siteBase (int32 fields).
const (
	sitePC    = 0  // its pc
	siteAP    = 4  // ap's delta from the block's start before it
	siteK     = 8  // its index in the block (steps before it)
	siteAPHW  = 12 // the execution segment's size the block's earlier inline steps need, from ap
	siteFPHW  = 16 // the same from fp
	siteFlags = 20 // 1: siteAPHW applies, 2: siteFPHW applies
	siteMode  = 24 // an assert's op1Reg, op1Imm or op1Deref
	siteImm   = 28 // an assert's immediate as a small integer (when siteFlags bit 4), or the offset of a dereference
	// An assert's operands: byte offsets from [ap] or [fp] at the block's
	// start (siteRegs bit 1, 2, 4: dst, op0, op1 from fp), or for an
	// immediate op1 the address of its program word.
	siteDst  = 32
	siteOp0  = 36
	siteOp1  = 40
	siteRegs = 44
)

// A segment table entry: where segment i's first page is, how many cells
// it has, and what the compiled code may do there. Cells past the first
// page, and segments with flags, go through Go.
const (
	segPage0Addr = 0  // u32 address of the first page
	segPage0Len  = 4  // u32 cells in the first page (every cell, for the execution segment)
	segFlags     = 8  // u32 segFlag* bits
	segSize      = 16 // i64 one past the highest written offset (the segment's own size word)
)

const (
	segFlagDeduce   = 1 // a builtin deduces unknown cells: reads of those go through Go
	segFlagValidate = 2 // a builtin validates writes: writes go through Go
	segFlagForeign  = 4 // some page lies outside linear memory: everything goes through Go
)

// Exit codes of the compiled run function.
const (
	exitStopped = 0 // stopped at a pc, registers in the control block
	exitError   = 1 // Go failed a step; the error is kept by the run
	exitLeft    = 2 // a step left the compiled code's domain; the State is current
)
