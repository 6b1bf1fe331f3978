package vm

import (
	"errors"
	"fmt"
)

// RunConfig chooses how a program runs.
type RunConfig struct {
	Layout     *Layout
	ProofMode  bool
	Trace      bool // record the trace (always on in proof mode)
	MaxSteps   int  // 0: no limit
	Entrypoint string
	// SecureRun verifies that the run can be relocated safely (cairo-run's
	// default outside proof mode).
	SecureRun bool
}

// Runner drives one execution of a Cairo 0 program through its life:
// segments and entry state, the run itself (by an Engine), the end of the
// run, builtin return values, proof-mode padding and segment finalisation,
// and relocation. It follows cairo-lang's CairoRunner step by step, because
// the segment numbering and sizes it produces decide every relocated byte.
type Runner struct {
	Program *Program
	Config  RunConfig
	State   *State

	ProgramBase, ExecBase Relocatable
	End                   Relocatable // pc at which the run stops
	builtins              []Builtin   // in layout order
	byName                map[string]Builtin
	// ExecPublicMemory lists the execution-segment offsets that go to the
	// public memory in proof mode.
	ExecPublicMemory []int
	OriginalSteps    int
	ended            bool
	// Bases are the relocated segment bases once Relocate has run.
	Bases []int
}

// NewRunner prepares a run of p: it creates the builtins of the layout,
// the segments and the entry state. hints are p's compiled hints.
func NewRunner(p *Program, cfg RunConfig, hints map[int][]Hint) (*Runner, error) {
	if cfg.Layout == nil {
		l, err := LayoutByName("plain")
		if err != nil {
			return nil, err
		}
		cfg.Layout = l
	}
	if cfg.ProofMode {
		cfg.Trace = true
	}
	bs, err := NewBuiltins(cfg.Layout, p.Builtins, cfg.ProofMode)
	if err != nil {
		return nil, err
	}
	r := &Runner{Program: p, Config: cfg, builtins: bs, byName: map[string]Builtin{}}
	for _, b := range bs {
		r.byName[b.Name()] = b
	}
	st := &State{Mem: NewMemory(), Program: p, TraceOn: cfg.Trace}
	st.Scopes = []map[string]any{{}}
	r.State = st
	m := st.Mem
	r.ProgramBase = m.AddSegment()
	r.ExecBase = m.AddSegment()
	for _, b := range bs {
		b.InitSegments(m)
	}
	st.Builtins = bs
	st.ProgramBase, st.ExecBase = r.ProgramBase, r.ExecBase
	if err := r.initializeEntrypoint(); err != nil {
		return nil, err
	}
	for _, b := range bs {
		if z, ok := b.(interface{ InitZeroSegment(*Memory) }); ok {
			z.InitZeroSegment(m)
		}
	}
	st.SetHints(hints, len(p.Data))
	return r, nil
}

func (r *Runner) initializeEntrypoint() error {
	p, st, m := r.Program, r.State, r.State.Mem
	var stack []Value
	for _, name := range p.Builtins {
		b, ok := r.byName[name]
		if !ok {
			return fmt.Errorf("%w: %s", ErrUnknownBuiltin, name)
		}
		stack = append(stack, b.InitialStack()...)
	}
	for i, w := range p.Data {
		if err := m.Write(r.ProgramBase.Add(i), FeltValue(w)); err != nil {
			return err
		}
	}
	var entry int
	if r.Config.ProofMode {
		if r.Config.Entrypoint != "" && r.Config.Entrypoint != "main" {
			return fmt.Errorf("%w: --entrypoint cannot be used with --proof_mode (the run starts at __start__)", ErrProofMode)
		}
		if p.Start < 0 || p.End < 0 {
			return fmt.Errorf("%w: the program has no __start__ and __end__ labels (compile it with --proof_mode)", ErrProofMode)
		}
		stack = append([]Value{PtrValue(r.ExecBase.Add(2)), IntValue(0)}, stack...)
		r.ExecPublicMemory = make([]int, len(stack))
		for i := range stack {
			r.ExecPublicMemory[i] = i
		}
		entry = p.Start
		st.AP, st.FP = r.ExecBase.Add(2), r.ExecBase.Add(2)
		r.End = r.ProgramBase.Add(p.End)
	} else {
		returnFP := m.AddSegment()
		switch {
		case r.Config.Entrypoint != "" && r.Config.Entrypoint != "main":
			pc, err := p.EntryPoint(r.Config.Entrypoint)
			if err != nil {
				return fmt.Errorf("%w: %v", ErrInvalidEntrypoint, err)
			}
			entry = pc
		case p.Main >= 0:
			entry = p.Main
		default:
			return ErrNoMain
		}
		end := m.AddSegment()
		stack = append(stack, PtrValue(returnFP), PtrValue(end))
		st.AP, st.FP = r.ExecBase.Add(len(stack)), r.ExecBase.Add(len(stack))
		r.End = end
	}
	for i, v := range stack {
		if err := m.Write(r.ExecBase.Add(i), v); err != nil {
			return err
		}
	}
	st.PC = r.ProgramBase.Add(entry)
	return nil
}

// Builtins returns the builtin runners in layout order.
func (r *Runner) Builtins() []Builtin { return r.builtins }

// Builtin returns the runner of a builtin by name, or nil.
func (r *Runner) Builtin(name string) Builtin { return r.byName[name] }

// Run executes the program to its end with engine e, then ends the run
// (temporary segments relocated, proof-mode padding) and reads the builtin
// return values, as cairo-run does.
func (r *Runner) Run(e Engine) error {
	st := r.State
	maxSteps := r.Config.MaxSteps
	if err := e.RunUntilPC(st, r.End, maxSteps); err != nil {
		return r.annotate(err)
	}
	if r.Config.ProofMode {
		// One more step, so the last executed pc is __end__ itself.
		if err := e.RunSteps(st, 1); err != nil {
			return r.annotate(err)
		}
	}
	r.OriginalSteps = st.Steps
	if err := r.EndRun(e); err != nil {
		return r.annotate(err)
	}
	if err := r.ReadReturnValues(); err != nil {
		return err
	}
	if r.Config.ProofMode {
		if err := r.FinalizeSegments(); err != nil {
			return err
		}
	} else if r.Config.SecureRun {
		if err := r.VerifySecure(); err != nil {
			return err
		}
	}
	return nil
}

// EndRun relocates temporary segments and, in proof mode, pads the run to
// a power of two steps that leaves every builtin enough cells.
func (r *Runner) EndRun(e Engine) error {
	if r.ended {
		return errors.New("end_run called twice")
	}
	if err := r.State.Mem.RelocateTemporary(); err != nil {
		return err
	}
	if err := VerifyAutoDeductions(r.State.Mem, r.builtins); err != nil {
		return err
	}
	if r.Config.ProofMode {
		if err := r.runToPowerOf2(e); err != nil {
			return err
		}
		for {
			ok, err := r.CheckUsedCells()
			if err != nil {
				return err
			}
			if ok {
				break
			}
			if err := e.RunSteps(r.State, 1); err != nil {
				return err
			}
			if err := r.runToPowerOf2(e); err != nil {
				return err
			}
		}
	}
	r.ended = true
	return nil
}

func (r *Runner) runToPowerOf2(e Engine) error {
	n := 1
	for n < r.State.Steps {
		n <<= 1
	}
	return e.RunSteps(r.State, n-r.State.Steps)
}

// ReadReturnValues checks the builtin stop pointers main returned (in
// reverse builtin order, from ap down) and adds the return values to the
// public memory.
func (r *Runner) ReadReturnValues() error {
	ptr := r.State.AP
	for i := len(r.Program.Builtins) - 1; i >= 0; i-- {
		b := r.byName[r.Program.Builtins[i]]
		next, err := b.FinalStack(r.State.Mem, ptr)
		if err != nil {
			return err
		}
		ptr = next
	}
	for off := ptr.Offset - r.ExecBase.Offset; off < r.State.AP.Offset-r.ExecBase.Offset; off++ {
		r.ExecPublicMemory = append(r.ExecPublicMemory, off)
	}
	return nil
}

// annotate adds the source location, error_message attributes and the
// Cairo traceback to an execution error.
func (r *Runner) annotate(err error) error {
	var ve *VMError
	if !errors.As(err, &ve) {
		return err
	}
	if ve.PC.Segment != r.ProgramBase.Segment {
		return err
	}
	p := r.Program
	if l := p.Location(ve.PC.Offset); l != nil && ve.Location == "" {
		ve.Location = l.Loc.String()
	}
	if len(ve.Messages) == 0 {
		ve.Messages = p.ErrorMessages(ve.PC.Offset)
	}
	if ve.Traceback == nil {
		ve.Traceback = r.traceback()
	}
	return err
}

// traceback walks the fp chain: each frame stores the caller's fp at
// [fp - 2] and the return pc at [fp - 1]; the call sits just before the
// return pc.
func (r *Runner) traceback() []string {
	m := r.State.Mem
	fp := r.State.FP
	var frames []string
	for range 64 {
		if fp.Offset < 2 {
			break
		}
		retPC := m.Get(fp.Add(-1))
		prevFP := m.Get(fp.Add(-2))
		if !retPC.IsPtr() || !prevFP.IsPtr() || retPC.Ptr().Segment != r.ProgramBase.Segment {
			break
		}
		call := -1
		for _, size := range []int{2, 1} {
			pc := retPC.Ptr().Add(-size)
			w := m.Get(pc)
			if f := w.Felt(); w.IsFelt() && f.IsUint64() {
				if in, err := Decode(f.Uint64()); err == nil && in.Opcode == OpCall && in.Size == size {
					call = pc.Offset
					break
				}
			}
		}
		if call < 0 {
			break
		}
		line := fmt.Sprintf("(pc=%d:%d)", r.ProgramBase.Segment, call)
		if l := r.Program.Location(call); l != nil {
			line = l.Loc.String() + ": " + line
		} else {
			line = "Unknown location " + line
		}
		frames = append(frames, line)
		if prevFP.Ptr() == fp {
			break
		}
		fp = prevFP.Ptr()
	}
	for i, j := 0, len(frames)-1; i < j; i, j = i+1, j-1 {
		frames[i], frames[j] = frames[j], frames[i]
	}
	return frames
}

// Relocate computes the relocated segment bases (after FinalizeSegments in
// proof mode).
func (r *Runner) Relocate() []int {
	r.Bases = r.State.Mem.SegmentBases()
	return r.Bases
}
