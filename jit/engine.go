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
package jit

import (
	"context"
	"fmt"
	"math"
	"sync"
	"unsafe"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

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
}

// Engine is the JIT. Like the interpreter, one Engine serves one run at a
// time (make one per goroutine); compiled programs are shared by all.
type Engine struct {
	interp *interp.Engine
	Stats  Stats
}

// New returns a JIT engine.
func New() *Engine { return &Engine{interp: interp.New()} }

// Name implements vm.Engine.
func (e *Engine) Name() string { return "jit" }

// Available reports whether this platform runs compiled code (Linux on
// amd64 or arm64); elsewhere the engine runs everything with the
// interpreter.
func Available() bool { return spaceAvailable() && compilerSupported() }

// RunSteps implements vm.Engine.
func (e *Engine) RunSteps(st *vm.State, n int) error {
	r := e.attach(st)
	if r == nil || n < 64 {
		return e.interp.RunSteps(st, n)
	}
	return e.run(r, st, vm.Relocatable{Segment: -1 << 30}, st.Steps+n, true)
}

// RunUntilPC implements vm.Engine.
func (e *Engine) RunUntilPC(st *vm.State, end vm.Relocatable, maxSteps int) error {
	r := e.attach(st)
	if r == nil || end.Segment == r.progSeg && r.leaderAt(end.Offset) < 0 {
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

// compiled is a program's analysis and module, for one trace setting.
type compiled struct {
	a   *analysis
	mod wazero.CompiledModule
	err error
}

type cacheKey struct {
	prog  *vm.Program
	trace bool
}

var (
	rtOnce   sync.Once
	rt       wazero.Runtime
	rtErr    error
	cacheMu  sync.Mutex
	cache    = map[cacheKey]*compiled{}
	hostOnce sync.Once
)

func compilerSupported() bool { return runtimeCompilerSupported() }

// wasmRuntime returns the process's wazero runtime with the host module.
func wasmRuntime() (wazero.Runtime, error) {
	rtOnce.Do(func() {
		ctx := context.Background()
		rt = wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler().WithCloseOnContextDone(false))
		b := rt.NewHostModuleBuilder("cairn")
		fns := [numHosts]api.GoModuleFunc{hostStepFn, hostFlushFn, hostMarkFn}
		for i := range numHosts {
			sig := hostSigs[i]
			params := make([]api.ValueType, len(sig.Params))
			for k := range params {
				params[k] = api.ValueTypeI32
			}
			results := make([]api.ValueType, len(sig.Results))
			for k := range results {
				results[k] = api.ValueTypeI32
			}
			b.NewFunctionBuilder().WithGoModuleFunction(fns[i], params, results).Export(hostNames[i])
		}
		_, rtErr = b.Instantiate(ctx)
	})
	return rt, rtErr
}

// compile returns the compiled form of a program, compiling it on first use.
func compile(prog *vm.Program, trace bool) *compiled {
	key := cacheKey{prog, trace}
	cacheMu.Lock()
	c, ok := cache[key]
	if !ok {
		c = &compiled{}
		cache[key] = c
	}
	cacheMu.Unlock()
	if ok {
		return c
	}
	r, err := wasmRuntime()
	if err != nil {
		c.err = err
		return c
	}
	entries := []int{0, prog.Main, prog.Start, prog.End}
	for _, id := range prog.Identifiers {
		if id.PC != nil && (id.Type == "function" || id.Type == "label") {
			entries = append(entries, *id.PC)
		}
	}
	c.a = analyze(prog.Data, entries, func(pc int) bool { return len(prog.Hints[pc]) > 0 })
	bin, err := compileModule(c.a, trace)
	if err != nil {
		c.err = err
		return c
	}
	c.mod, c.err = r.CompileModule(context.Background(), bin)
	return c
}

// run is one vm.State's compiled execution: its linear memory, wasm
// instance and the interpreter that runs the steps compiled code hands
// back.
type run struct {
	st        *vm.State
	sp        *space
	comp      *compiled
	inst      api.Module
	fn        api.Function
	ctx       context.Context
	stack     []uint64
	interp    *interp.Engine
	stats     *Stats
	progSeg   int
	execSeg   int
	err       error
	codeLen   int
	closeOnce sync.Once
}

type runKey struct{}

// attach returns the run of st, setting it up on first use; nil when st
// is not something the compiled code can run.
func (e *Engine) attach(st *vm.State) *run {
	if !Available() || st.Program == nil || st.Mem == nil {
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
		st.ProgramBase.Segment == st.ExecBase.Segment || st.ProgramBase.Segment < 0 || st.ExecBase.Segment < 0 ||
		len(st.Program.Data) > maxCode || len(st.Program.Data) == 0 {
		return nil
	}
	comp := compile(st.Program, st.TraceOn)
	if comp.err != nil {
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
	r := &run{st: st, sp: sp, comp: comp, interp: e.interp, stats: &e.Stats,
		progSeg: st.ProgramBase.Segment, execSeg: st.ExecBase.Segment, codeLen: len(st.Program.Data)}
	sp.run = r
	pages := st.Mem.Pages(r.progSeg)
	if len(pages) == 0 || len(pages[0]) < r.codeLen || sp.addrOf(pages[0]) != progBase {
		return nil // the memory stays in the space; the interpreter runs it
	}
	copy(unsafe.Slice((*int32)(unsafe.Add(sp.base, leaderBase)), len(comp.a.leader)), comp.a.leader)
	*sp.ctl(ctlExecSeg) = int64(r.execSeg)
	*sp.ctl(ctlProgSeg) = int64(r.progSeg)
	ctx := experimental.WithMemoryAllocator(context.Background(), experimental.MemoryAllocatorFunc(
		func(cap, max uint64) experimental.LinearMemory { return linearMemory{sp} }))
	inst, err := rt.InstantiateModule(ctx, comp.mod, wazero.NewModuleConfig().WithName("").WithStartFunctions())
	if err != nil {
		return nil
	}
	r.inst = inst
	r.fn = inst.ExportedFunction("run")
	r.ctx = context.WithValue(context.Background(), runKey{}, r)
	r.stack = make([]uint64, 1)
	sp.onRelease = func() { _ = inst.Close(context.Background()) }
	return r
}

func (r *run) leaderAt(pc int) int32 {
	if pc < 0 || pc >= len(r.comp.a.leader) {
		return -1
	}
	return r.comp.a.leader[pc]
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
	limit := int64(math.MaxInt64)
	if maxSteps > 0 {
		limit = int64(maxSteps)
	}
	*sp.ctl(ctlStepLimit) = limit
	endBlock := int64(-1)
	if end.Segment == r.progSeg {
		endBlock = int64(r.leaderAt(end.Offset))
	}
	*sp.ctl(ctlEndBlock) = endBlock
	r.stats.Entries++
	r.err = nil
	if err := r.fn.CallWithStack(r.ctx, r.stack); err != nil {
		return &vm.VMError{PC: st.PC, Err: fmt.Errorf("jit: %w", err)}
	}
	switch uint32(r.stack[0]) {
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
	for _, ins := range r.comp.a.blocks[b].instrs {
		m.MarkAccessed(vm.Relocatable{Segment: r.progSeg, Offset: ins.pc})
		if ins.in.Size == 2 {
			m.MarkAccessed(vm.Relocatable{Segment: r.progSeg, Offset: ins.pc + 1})
		}
	}
}
