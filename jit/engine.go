// Package jit is cairn's compiler engine: it turns a program's bytecode
// into one WebAssembly function that wazero compiles to native code, and
// runs it over the very same vm.State the interpreter uses. Whatever the
// compiled code does not do inline (hints, builtin deductions, unusual
// operand shapes, failing steps) it hands to the interpreter one step at a
// time, and wherever it cannot go on (a pc where no block starts, the step
// limit, the end of the run) it stops and the interpreter continues from
// that instruction boundary. Every such hand-over is counted (Stats).
//
// The cells of a run's memory live in the wasm instance's linear memory
// (vm.CellSpace), so neither engine copies anything to take over from the
// other.
//
// Compiled code comes in two tiers. The first, threaded (a helper call per
// instruction), compiles fast enough for a whole contract class; it counts
// the blocks it runs, and once a run is hot the groups that carry its steps
// are compiled again with their instructions written out in place, in the
// background, and the run moves to that second module at a block boundary
// (tier2.go).
package jit

import (
	"context"
	"fmt"
	"unsafe"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/interp"
	"github.com/cairn-vm/cairn/vm"
)

// Stats counts the work of an Engine and its hand-overs to the
// interpreter.
type Stats struct {
	Entries     int // calls into compiled code
	SlowSteps   int // steps the compiled code had the interpreter run for it
	InterpSteps int // steps run by the interpreter outside compiled code
	Fallbacks   int // runs the engine gave to the interpreter whole (nothing compiled for them)
	Tier2       int // calls into the second tier's code (counted in Entries too)
}

// Add adds o's counts to s.
func (s *Stats) Add(o Stats) {
	s.Entries += o.Entries
	s.SlowSteps += o.SlowSteps
	s.InterpSteps += o.InterpSteps
	s.Fallbacks += o.Fallbacks
	s.Tier2 += o.Tier2
}

// Engine is the JIT. Like the interpreter, one Engine serves one run at a
// time (make one per goroutine); compiled code is shared by all.
type Engine struct {
	interp *interp.Engine
	code   *Code // nil: the code of the state's Program
	auto   bool  // NewAuto's policy
	// tier2Now has a run go to the second tier, with every group in it, as
	// soon as it has compiled code (tests use it on small programs).
	tier2Now bool
	// tier2Late has a run stay in the first tier until its first stop
	// even when the second is ready (tests of the switch use it).
	tier2Late bool
	Stats     Stats
}

// New returns a JIT engine for Cairo 0 programs: it compiles the State's
// Program on first use (the process keeps the result, keyed by the
// program's bytecode and hints).
func New() *Engine { return &Engine{interp: interp.New()} }

// NewShared returns a JIT engine that runs code, with ip as the
// interpreter for the steps the compiled code hands back (an
// interp.NewShared engine over the same bytecode, for contract classes).
func NewShared(code *Code, ip *interp.Engine) *Engine {
	if ip == nil {
		ip = interp.New()
	}
	return &Engine{interp: ip, code: code}
}

// Name implements vm.Engine: "jit", or "auto" for NewAuto's engines.
func (e *Engine) Name() string {
	if e.auto {
		return "auto"
	}
	return "jit"
}

// Available reports whether this platform runs compiled code (Linux on
// amd64 or arm64); elsewhere the engine runs everything with the
// interpreter.
func Available() bool { return spaceAvailable() && compilerSupported() }

// RunSteps implements vm.Engine.
func (e *Engine) RunSteps(st *vm.State, n int) error {
	var r *run
	if e.auto {
		if r = e.runFor(st); r != nil && r.fn == nil {
			r = nil // not worth an instance for padding
		}
	} else {
		r = e.attach(st)
	}
	if r == nil || n < 64 {
		return e.interp.RunSteps(st, n)
	}
	return e.run(r, st, vm.Relocatable{Segment: -1 << 30}, st.Steps+n, true)
}

// RunUntilPC implements vm.Engine.
func (e *Engine) RunUntilPC(st *vm.State, end vm.Relocatable, maxSteps int) error {
	if e.auto {
		return e.runAuto(st, end, maxSteps)
	}
	r := e.attach(st)
	if r == nil || end.Segment == r.progSeg && end.Offset < r.codeLen && r.leaderAt(end.Offset) < 0 {
		// No code for this run, or an end that no block starts at (the
		// compiled code would run past it).
		e.Stats.Fallbacks++
		return e.interp.RunUntilPC(st, end, maxSteps)
	}
	return e.run(r, st, end, maxSteps, false)
}

// run alternates compiled code and the interpreter until pc reaches end;
// exact (RunSteps) stops after exactly maxSteps steps instead.
func (e *Engine) run(r *run, st *vm.State, end vm.Relocatable, maxSteps int, exact bool) error {
	for st.PC != end {
		if maxSteps > 0 && st.Steps >= maxSteps {
			if exact {
				return nil
			}
			return &vm.VMError{PC: st.PC, Err: fmt.Errorf("%w: %d steps", vm.ErrStepLimit, maxSteps)}
		}
		if r.canEnter(st) {
			before := st.Steps
			if err := r.enter(st, end, maxSteps); err != nil {
				return err
			}
			if st.Steps != before {
				continue
			}
		}
		// The interpreter, until pc is back at a block start.
		for {
			if err := e.interp.RunSteps(st, 1); err != nil {
				return err
			}
			e.Stats.InterpSteps++
			if st.PC == end || maxSteps > 0 && st.Steps >= maxSteps || r.canEnter(st) {
				break
			}
		}
	}
	return nil
}

// run is one vm.State's compiled execution: its linear memory, wasm
// instance and the interpreter that runs the steps compiled code hands
// back.
type run struct {
	st      *vm.State
	sp      *space
	code    *Code
	inst    api.Module
	fn      api.Function
	ctx     context.Context
	stack   []uint64
	interp  *interp.Engine
	stats   *Stats
	progSeg int
	execSeg int
	err     error
	failed  bool // instantiation failed: the interpreter runs it all
	codeLen int
	// The second tier's instance and run function, once the run has
	// moved there (tier2); noTier2 once it never will; compiled counts
	// the steps run in compiled code so far.
	inst2   api.Module
	fn2     api.Function
	tier2   bool
	noTier2 bool
	late    bool
	// holdTier2: the auto engine is timing the first tier, which goes on
	// without stops or a second-tier compile meanwhile.
	holdTier2 bool
	compiled  int
}

type runKey struct{}

// runFor returns the run of st, attaching a linear memory to its memory on
// first use; nil when the compiled code cannot run st at all.
func (e *Engine) runFor(st *vm.State) *run {
	if !Available() || st.Mem == nil || e.code == nil && st.Program == nil {
		return nil
	}
	if sp, ok := st.Mem.Space().(*space); ok {
		if sp.run != nil && sp.run.st == st {
			sp.run.interp, sp.run.stats = e.interp, &e.Stats
			return sp.run
		}
		return nil
	}
	if st.Mem.Space() != nil || st.ProgramBase.Offset != 0 || st.ExecBase.Offset != 0 ||
		st.ProgramBase.Segment == st.ExecBase.Segment || st.ProgramBase.Segment < 0 || st.ExecBase.Segment < 0 {
		return nil
	}
	code := e.codeFor(st)
	if code == nil {
		return nil
	}
	sp := newSpace(st.ProgramBase.Segment, st.ExecBase.Segment)
	if sp == nil {
		return nil
	}
	sp.m = st.Mem
	if !st.Mem.AttachSpace(sp) {
		sp.Release()
		return nil
	}
	r := &run{st: st, sp: sp, code: code, interp: e.interp, stats: &e.Stats,
		progSeg: st.ProgramBase.Segment, execSeg: st.ExecBase.Segment, codeLen: code.a.codeLen}
	sp.run = r
	return r
}

// codeFor returns the compiled code for st's program (the engine's shared
// code, or the program's), or nil when there is none to run.
func (e *Engine) codeFor(st *vm.State) *Code {
	if !Available() || st.Mem == nil || e.code == nil && st.Program == nil {
		return nil
	}
	code := e.code
	if code == nil {
		code = ForProgram(st.Program)
	}
	if code.a.codeLen == 0 {
		return nil
	}
	return code
}

// attach returns the run of st with its compiled code instantiated
// (compiling the code if need be); nil when there is none to run.
func (e *Engine) attach(st *vm.State) *run {
	r := e.runFor(st)
	if r == nil {
		return nil
	}
	if r.fn == nil && !r.failed {
		r.failed = !r.instantiate()
	}
	if r.fn == nil {
		return nil
	}
	r.late = e.tier2Late
	if e.tier2Now && !r.tier2 && !r.noTier2 {
		r.code.startTier2(st.TraceOn, r.code.allGroups(), true)
		r.tierUp(st)
	}
	return r
}

// instantiate makes the wasm instance over the run's linear memory.
func (r *run) instantiate() bool {
	sp, st := r.sp, r.st
	pages := st.Mem.Pages(r.progSeg)
	if len(pages) == 0 || len(pages[0]) < r.codeLen || sp.addrOf(pages[0]) != progBase {
		return false // the memory stays in the space; the interpreter runs it
	}
	mod, err := r.code.module(st.TraceOn)
	if err != nil {
		return false
	}
	wr, err := wasmRuntime()
	if err != nil {
		return false
	}
	copy(unsafe.Slice((*int32)(unsafe.Add(sp.base, leaderBase)), len(r.code.a.leader)), r.code.a.leader)
	copy(unsafe.Slice((*int32)(unsafe.Add(sp.base, groupBase)), len(r.code.a.groupOf)), r.code.a.groupOf)
	blocks, sites := r.code.tables()
	copy(unsafe.Slice((*int32)(unsafe.Add(sp.base, blockInfo)), len(blocks)), blocks)
	copy(unsafe.Slice((*int32)(unsafe.Add(sp.base, siteBase)), len(sites)), sites)
	*sp.ctl(ctlExecSeg) = int64(r.execSeg)
	*sp.ctl(ctlProgSeg) = int64(r.progSeg)
	ctx := experimental.WithMemoryAllocator(context.Background(), experimental.MemoryAllocatorFunc(
		func(cap, max uint64) experimental.LinearMemory { return linearMemory{sp} }))
	inst, err := wr.InstantiateModule(ctx, mod, wazero.NewModuleConfig().WithName("").WithStartFunctions())
	if err != nil {
		return false
	}
	r.inst = inst
	r.fn = inst.ExportedFunction("run")
	r.ctx = context.WithValue(context.Background(), runKey{}, r)
	r.stack = make([]uint64, 1)
	sp.onRelease = func() {
		_ = inst.Close(context.Background())
		if r.inst2 != nil {
			_ = r.inst2.Close(context.Background())
		}
	}
	return true
}

func (r *run) leaderAt(pc int) int32 {
	if pc < 0 || pc >= len(r.code.a.leader) {
		return -1
	}
	return r.code.a.leader[pc]
}

// canEnter reports whether compiled code can take st from here.
func (r *run) canEnter(st *vm.State) bool {
	return r.fn != nil && st.PC.Segment == r.progSeg && r.leaderAt(st.PC.Offset) >= 0 &&
		st.AP.Segment == r.execSeg && st.FP.Segment == r.execSeg && !st.Mem.HasRelocationRules() &&
		*r.sp.ctl(ctlExecCap) > 0
}

// inDomain reports whether compiled code may go on from st after a step.
func (r *run) inDomain(st *vm.State) bool {
	return st.PC.Segment == r.progSeg && st.AP.Segment == r.execSeg && st.FP.Segment == r.execSeg &&
		!st.Mem.HasRelocationRules() && *r.sp.ctl(ctlExecCap) > 0
}

// enter runs compiled code from st until it stops.
func (r *run) enter(st *vm.State, end vm.Relocatable, maxSteps int) error {
	sp := r.sp
	r.storeRegs(st)
	*sp.ctl(ctlStepLimit) = r.stepLimit(st, maxSteps)
	endBlock := int64(-1)
	if end.Segment == r.progSeg {
		endBlock = int64(r.leaderAt(end.Offset))
	}
	*sp.ctl(ctlEndBlock) = endBlock
	r.stats.Entries++
	if r.tier2 {
		r.stats.Tier2++
	}
	r.err = nil
	before := *sp.ctl(ctlSteps)
	err := r.fn.CallWithStack(r.ctx, r.stack)
	r.compiled += int(*sp.ctl(ctlSteps) - before)
	if err != nil {
		return &vm.VMError{PC: st.PC, Err: fmt.Errorf("jit: %w", err)}
	}
	switch int32(uint32(r.stack[0])) {
	case exitStopped:
		r.loadRegs(st)
		*sp.ctl(ctlTraceLen) = 0
	case exitError:
		return r.err
	case exitLeft:
		// st is current: Go ran the last step.
	default:
		return &vm.VMError{PC: st.PC, Err: fmt.Errorf("jit: unexpected exit %d", r.stack[0])}
	}
	return nil
}

// storeRegs copies st's registers into the control block.
func (r *run) storeRegs(st *vm.State) {
	sp := r.sp
	*sp.ctl(ctlPC) = int64(st.PC.Offset)
	*sp.ctl(ctlAP) = int64(st.AP.Offset)
	*sp.ctl(ctlFP) = int64(st.FP.Offset)
	*sp.ctl(ctlSteps) = int64(st.Steps)
	*sp.ctl(ctlTraceLen) = 0
}

// loadRegs copies the control block's registers into st and hands it the
// trace entries waiting in linear memory.
func (r *run) loadRegs(st *vm.State) {
	sp := r.sp
	st.PC = vm.Relocatable{Segment: r.progSeg, Offset: int(*sp.ctl(ctlPC))}
	st.AP = vm.Relocatable{Segment: r.execSeg, Offset: int(*sp.ctl(ctlAP))}
	st.FP = vm.Relocatable{Segment: r.execSeg, Offset: int(*sp.ctl(ctlFP))}
	st.Steps = int(*sp.ctl(ctlSteps))
	r.flush()
}

func (r *run) flush() {
	sp := r.sp
	n := int(*sp.ctl(ctlTraceLen))
	if n > 0 && r.st.TraceOn {
		r.st.RecordAll(unsafe.Slice((*vm.TraceEntry)(unsafe.Add(sp.base, traceBase)), n))
	}
	*sp.ctl(ctlTraceLen) = 0
}

func runOf(ctx context.Context) *run { return ctx.Value(runKey{}).(*run) }

// hostStepFn runs the instruction at the control block's pc with the
// interpreter (its hints first).
func hostStepFn(ctx context.Context, _ api.Module, stack []uint64) {
	r := runOf(ctx)
	st := r.st
	r.loadRegs(st)
	if err := r.interp.RunSteps(st, 1); err != nil {
		r.err = err
		stack[0] = exitError
		return
	}
	r.stats.SlowSteps++
	if !r.inDomain(st) {
		stack[0] = exitLeft
		return
	}
	r.storeRegs(st)
	stack[0] = 0
}

func hostFlushFn(ctx context.Context, _ api.Module, _ []uint64) { runOf(ctx).flush() }

// hostMarkFn marks the instruction words of a block accessed, once.
func hostMarkFn(ctx context.Context, _ api.Module, stack []uint64) {
	r := runOf(ctx)
	b := int(uint32(stack[0]))
	*(*byte)(unsafe.Add(r.sp.base, visitedBase+b)) = 1
	m := r.st.Mem
	for _, ins := range r.code.a.blocks[b].instrs {
		m.MarkAccessed(vm.Relocatable{Segment: r.progSeg, Offset: ins.pc})
		if ins.in.Size == 2 {
			m.MarkAccessed(vm.Relocatable{Segment: r.progSeg, Offset: ins.pc + 1})
		}
	}
}

// hostSmallFn converts a felt cell to the small signed integer pointer
// arithmetic adds, as the interpreter's vm.Add does.
func hostSmallFn(ctx context.Context, _ api.Module, stack []uint64) {
	r := runOf(ctx)
	f := (*asm.Felt)(unsafe.Add(r.sp.base, uint32(stack[0])))
	n, ok := vm.SmallInt(f)
	if !ok {
		stack[0] = 1 << 63 // notSmall
		return
	}
	stack[0] = uint64(int64(n))
}
