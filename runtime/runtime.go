// Package runtime is cairn's public face. Cairo 0 programs: load once, run
// many times with the engine of your choice, and get resources, output,
// trace, memory and AIR inputs.
//
//	prog, err := runtime.Load("fib.json")
//	res, err := prog.Run(runtime.Options{Layout: "plain"})
//	fmt.Println(res.Steps, res.Output())
//
// Cairo 1 contracts: load a class once (LoadClass), then declare, deploy and
// call its entry points over a Starknet state (Contracts).
//
//	erc20, err := runtime.LoadClass("erc20.json")
//	c := runtime.NewContracts()
//	hash, err := c.Declare(erc20)
//	addr, err := c.Deploy(hash, ctorCalldata, salt, deployer)
//	res, err := c.Call(addr, "transfer", calldata, caller)
package runtime

import (
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/hints"
	"github.com/cairn-vm/cairn/interp"
	"github.com/cairn-vm/cairn/jit"
	"github.com/cairn-vm/cairn/vm"
)

// Engine names accepted by Options.Engine.
const (
	EngineInterp = "interp"
	EngineJIT    = "jit"
	EngineAuto   = "auto"
)

// ErrUnknownEngine is returned for an engine name cairn does not have.
var ErrUnknownEngine = errors.New("unknown engine")

// Program is a loaded Cairo 0 program with its hints compiled. It is
// immutable and safe to run from several goroutines at once.
type Program struct {
	prog  *vm.Program
	hints map[int][]vm.Hint
}

// Load reads a Cairo 0 program JSON file (cairo-compile's output) and
// compiles its hints with the default hint registry.
func Load(path string) (*Program, error) {
	p, err := vm.LoadProgramFile(path)
	if err != nil {
		return nil, err
	}
	return compile(p, nil)
}

// Parse is Load for program JSON already in memory.
func Parse(b []byte) (*Program, error) {
	p, err := vm.ParseProgram(b)
	if err != nil {
		return nil, err
	}
	return compile(p, nil)
}

// LoadWithHints is Load with a caller-supplied hint registry (to add custom
// hints to the default ones, start from hints.Default()).
func LoadWithHints(path string, reg *hints.Registry) (*Program, error) {
	p, err := vm.LoadProgramFile(path)
	if err != nil {
		return nil, err
	}
	return compile(p, reg)
}

func compile(p *vm.Program, reg *hints.Registry) (*Program, error) {
	if reg == nil {
		reg = hints.Default()
	}
	h, err := reg.Compile(p)
	if err != nil {
		return nil, err
	}
	return &Program{prog: p, hints: h}, nil
}

// VM returns the loaded program model (identifiers, debug info, hints).
func (p *Program) VM() *vm.Program { return p.prog }

// Options choose how a program runs. The zero value runs main on the plain
// layout with the interpreter, without a trace or a step limit.
type Options struct {
	Layout           string // plain, small, dex, recursive, starknet, ..., dynamic
	LayoutParamsFile string // the dynamic layout's parameters (--cairo_layout_params_file)
	ProofMode        bool
	Trace            bool // record the trace (implied by ProofMode)
	MaxSteps         int  // 0: no limit
	MaxMemoryCells   int  // cells per segment; 0: the default (2^31)
	Entrypoint       string
	Engine           string // interp (default), jit, auto
	// NoSecureRun skips the relocation-safety checks cairo-run does
	// outside proof mode.
	NoSecureRun bool
	// Differential runs the program a second time with the interpreter
	// and compares the runs: every step's registers, every memory cell,
	// the step count and the error. A difference is returned as a
	// *DivergenceError naming the first one; otherwise the result is
	// Engine's.
	Differential bool
}

// Result is a finished run.
type Result struct {
	runner *vm.Runner
	// Steps is the number of steps executed (after padding in proof mode).
	Steps int
	// Engine is the engine that ran it.
	Engine string
	// JIT counts the compiled code's work and its hand-overs to the
	// interpreter, when the JIT (or auto) ran it.
	JIT jit.Stats
}

func newEngine(name string) (vm.Engine, error) {
	switch name {
	case "", EngineInterp:
		return interp.New(), nil
	case EngineJIT:
		return jit.New(), nil
	case EngineAuto:
		return jit.NewAuto(), nil
	}
	return nil, fmt.Errorf("%w %q (want interp, jit or auto)", ErrUnknownEngine, name)
}

// Layout resolves a layout name (and the dynamic layout's parameters file).
func Layout(name, paramsFile string) (*vm.Layout, error) {
	if name == "" {
		name = "plain"
	}
	if name == "dynamic" {
		if paramsFile == "" {
			return nil, fmt.Errorf("%w: the dynamic layout needs --cairo_layout_params_file", vm.ErrUnknownLayout)
		}
		return vm.LoadDynamicLayout(paramsFile)
	}
	return vm.LayoutByName(name)
}

// Run executes the program. Errors are typed: *vm.VMError for execution
// errors (with pc, source location and traceback), *vm.ProgramError for
// load errors, and wrapped sentinels of package vm otherwise. A panic inside
// the VM (a bug) is returned as an error, never propagated.
func (p *Program) Run(opts Options) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("internal error (please report): %v", r)
		}
	}()
	if opts.Differential {
		return p.runDifferential(opts)
	}
	return p.run(opts)
}

func (p *Program) run(opts Options) (*Result, error) {
	layout, err := Layout(opts.Layout, opts.LayoutParamsFile)
	if err != nil {
		return nil, err
	}
	eng, err := newEngine(opts.Engine)
	if err != nil {
		return nil, err
	}
	r, err := vm.NewRunner(p.prog, vm.RunConfig{
		Layout:     layout,
		ProofMode:  opts.ProofMode,
		Trace:      opts.Trace,
		MaxSteps:   opts.MaxSteps,
		Entrypoint: opts.Entrypoint,
		SecureRun:  !opts.ProofMode && !opts.NoSecureRun,
	}, p.hints)
	if err != nil {
		return nil, err
	}
	r.State.Mem.MaxCells = opts.MaxMemoryCells
	res := &Result{runner: r, Engine: eng.Name()}
	err = r.Run(eng)
	if j, ok := eng.(*jit.Engine); ok {
		res.JIT = j.Stats
	}
	res.Steps = r.State.Steps
	if err != nil {
		if opts.Differential {
			return res, err // the comparison wants the state too
		}
		return nil, err
	}
	r.Relocate()
	return res, nil
}

// Release frees the run's memory now (a long run maps hundreds of MB)
// instead of when the Result becomes unreachable. The Result must not be
// used afterwards.
func (r *Result) Release() { r.runner.State.Mem.Release() }

// Runner exposes the finished run's runner (memory, builtins, segments).
func (r *Result) Runner() *vm.Runner { return r.runner }

// Output returns the cells of the output builtin's segment, as cairo-run's
// --print_output shows them (nil when the program has no output builtin).
func (r *Result) Output() []vm.Value {
	b := r.runner.Builtin("output")
	if b == nil {
		return nil
	}
	m := r.runner.State.Mem
	n := m.SegmentSize(b.Base().Segment)
	out := make([]vm.Value, n)
	for i := range n {
		out[i] = m.Get(b.Base().Add(i))
	}
	return out
}

// FormatOutput renders an output value as cairo-run does: felts in the
// signed view (-P/2, P/2), missing cells as <missing>.
func FormatOutput(v vm.Value) string {
	if !v.Known() {
		return "<missing>"
	}
	if !v.IsFelt() {
		return v.String()
	}
	f := v.Felt()
	n := f.BigInt()
	half := new(big.Int).Rsh(asm.ModulusBig(), 1)
	if n.Cmp(half) > 0 {
		n.Sub(n, asm.ModulusBig())
	}
	return n.String()
}

// Resources are what a run consumed, as cairo-lang reports them.
type Resources struct {
	Steps       int
	MemoryHoles int
	Builtins    map[string]int // used instances per builtin
}

// Resources returns the run's resources.
func (r *Result) Resources() Resources {
	return Resources{
		Steps:       r.runner.OriginalSteps,
		MemoryHoles: r.runner.MemoryHoles(),
		Builtins:    r.runner.BuiltinInstances(),
	}
}

// WriteTrace writes the relocated trace file (24 bytes per step).
func (r *Result) WriteTrace(w io.Writer) error {
	st := r.runner.State
	if !st.TraceOn {
		return errors.New("the run did not record a trace (set Options.Trace)")
	}
	return vm.WriteTraceFile(w, st.Trace, r.runner.Bases[st.ProgramBase.Segment]+st.ProgramBase.Offset,
		r.runner.Bases[st.ExecBase.Segment]+st.ExecBase.Offset)
}

// WriteMemory writes the relocated memory file (40 bytes per known cell).
func (r *Result) WriteMemory(w io.Writer) error {
	return r.runner.State.Mem.WriteMemoryFile(w, r.runner.Bases)
}

// WriteAIRPublicInput writes the AIR public input JSON of a proof-mode run.
func (r *Result) WriteAIRPublicInput(w io.Writer) error {
	return r.runner.WriteAIRPublicInput(w)
}

// WriteAIRPrivateInput writes the AIR private input JSON of a proof-mode
// run; it names the trace and memory files the prover will read.
func (r *Result) WriteAIRPrivateInput(w io.Writer, traceFile, memoryFile string) error {
	return r.runner.WriteAIRPrivateInput(w, traceFile, memoryFile)
}
