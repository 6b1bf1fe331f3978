package vm

// TraceEntry is one step of the trace: offsets of pc in the program segment
// and of ap and fp in the execution segment, before the step ran. Keeping
// offsets (not relocatables) makes a step's record 24 bytes.
type TraceEntry struct {
	PC, AP, FP int
}

// Hint is a hint bound to its pc and compiled for one program. Engines run
// the hints of a pc, in order, before the instruction at that pc.
type Hint interface {
	Execute(st *State) error
}

// State is the whole state of a Cairo machine, in the one layout both
// engines read: the JIT hands it to the interpreter at any instruction
// boundary, and the interpreter continues from there.
type State struct {
	Mem        *Memory
	PC, AP, FP Relocatable
	Steps      int

	// ProgramBase and ExecBase are the bases of the program and execution
	// segments; the trace records offsets relative to them.
	ProgramBase, ExecBase Relocatable

	// Trace is recorded when TraceOn is set.
	TraceOn bool
	Trace   []TraceEntry

	// Hints maps a program-segment pc offset to the hints run before it.
	Hints map[int][]Hint
	// HintPCs has bit pc set when Hints[pc] is non-empty (a cheap test on
	// the hot path).
	HintPCs []uint64

	// Scopes is the hint scope stack; Scopes[0] is the main scope.
	Scopes []map[string]any
	// Program is the loaded program (constants, identifiers) for hints.
	Program *Program
	// Builtins are the builtin runners in segment order.
	Builtins []Builtin
	// Output collects what print hints write, for the CLI to show.
	Output []byte
}

// Record appends a trace entry. The trace grows in huge-page-advised steps
// because a long run's trace is hundreds of megabytes.
func (st *State) Record(e TraceEntry) {
	if len(st.Trace) == cap(st.Trace) {
		t := make([]TraceEntry, len(st.Trace), max(4096, 2*cap(st.Trace)))
		adviseHugeTrace(t[:cap(t)])
		copy(t, st.Trace)
		st.Trace = t
	}
	st.Trace = append(st.Trace, e)
}

// RecordAll appends trace entries (an engine's batch).
func (st *State) RecordAll(es []TraceEntry) {
	if need := len(st.Trace) + len(es); need > cap(st.Trace) {
		t := make([]TraceEntry, len(st.Trace), max(4096, 2*cap(st.Trace), need))
		adviseHugeTrace(t[:cap(t)])
		copy(t, st.Trace)
		st.Trace = t
	}
	st.Trace = append(st.Trace, es...)
}

// SetHints installs compiled hints and builds the pc bitmap.
func (st *State) SetHints(h map[int][]Hint, programLen int) {
	st.Hints = h
	st.HintPCs = make([]uint64, (programLen+64)/64)
	for pc, hs := range h {
		if len(hs) > 0 && pc >= 0 && pc < programLen {
			st.HintPCs[pc/64] |= 1 << (pc % 64)
		}
	}
}

// HasHint reports whether a hint runs at program offset pc.
func (st *State) HasHint(pc int) bool {
	i := pc >> 6
	return i >= 0 && i < len(st.HintPCs) && st.HintPCs[i]&(1<<(pc&63)) != 0
}

// EnterScope pushes a hint scope holding vars.
func (st *State) EnterScope(vars map[string]any) {
	if vars == nil {
		vars = map[string]any{}
	}
	st.Scopes = append(st.Scopes, vars)
}

// ExitScope pops the innermost hint scope; the main scope cannot be left.
func (st *State) ExitScope() error {
	if len(st.Scopes) <= 1 {
		return ErrExitMainScope
	}
	st.Scopes = st.Scopes[:len(st.Scopes)-1]
	return nil
}

// Scope returns the innermost hint scope.
func (st *State) Scope() map[string]any {
	if len(st.Scopes) == 0 {
		st.Scopes = []map[string]any{{}}
	}
	return st.Scopes[len(st.Scopes)-1]
}
