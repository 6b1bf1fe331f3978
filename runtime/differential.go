package runtime

import (
	"fmt"

	"github.com/cairn-vm/cairn/vm"
)

// DivergenceError is the first difference a differential run found
// between the interpreter (the reference) and the engine under test.
type DivergenceError struct {
	Engine string // the engine compared with the interpreter
	// What differs: "error", "step" (registers before a step), "steps"
	// (the count), or "memory".
	What string
	// Step is the index of the first step whose registers differ (What ==
	// "step"), or the step counts' minimum otherwise.
	Step int
	// Want and Got are the interpreter's and the engine's registers at
	// Step (What == "step").
	Want, Got vm.TraceEntry
	// Cell is the first memory cell that differs (What == "memory"), with
	// the interpreter's and the engine's values ("<unknown>" for none).
	Cell                vm.Relocatable
	WantValue, GotValue string
	// WantErr and GotErr are the runs' errors ("" for none).
	WantErr, GotErr string
}

func (e *DivergenceError) Error() string {
	switch e.What {
	case "step":
		return fmt.Sprintf("differential: %s diverges from interp at step %d: interp pc=%d ap=%d fp=%d, %s pc=%d ap=%d fp=%d",
			e.Engine, e.Step, e.Want.PC, e.Want.AP, e.Want.FP, e.Engine, e.Got.PC, e.Got.AP, e.Got.FP)
	case "memory":
		return fmt.Sprintf("differential: %s diverges from interp at cell %s: interp %s, %s %s",
			e.Engine, e.Cell, e.WantValue, e.Engine, e.GotValue)
	case "error":
		return fmt.Sprintf("differential: %s ends with error %q, interp with %q", e.Engine, e.GotErr, e.WantErr)
	}
	return fmt.Sprintf("differential: %s ran %d steps, interp a different number (both at least %d)", e.Engine, e.Step, e.Step)
}

// runDifferential runs p with the interpreter and with opts.Engine, both
// recording a trace, and compares them.
func (p *Program) runDifferential(opts Options) (*Result, error) {
	ref := opts
	ref.Engine, ref.Trace = EngineInterp, true
	test := opts
	test.Trace = true
	if test.Engine == "" {
		test.Engine = EngineJIT
	}
	want, wantErr := p.run(ref)
	got, gotErr := p.run(test)
	if want == nil || got == nil {
		// Set-up failed before running (a bad layout, say): the same for both.
		if got != nil {
			return got, gotErr
		}
		return nil, gotErr
	}
	if div := compareRuns(want, got, wantErr, gotErr); div != nil {
		div.Engine = got.Engine
		want.Release()
		got.Release()
		return nil, div
	}
	want.Release()
	if gotErr != nil {
		return nil, gotErr
	}
	return got, nil
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// compareRuns returns the first difference between two runs of one
// program, or nil.
func compareRuns(want, got *Result, wantErr, gotErr error) *DivergenceError {
	ws, gs := want.runner.State, got.runner.State
	n := min(len(ws.Trace), len(gs.Trace))
	for i := range n {
		if ws.Trace[i] != gs.Trace[i] {
			return &DivergenceError{What: "step", Step: i, Want: ws.Trace[i], Got: gs.Trace[i]}
		}
	}
	if errText(wantErr) != errText(gotErr) {
		return &DivergenceError{What: "error", Step: n, WantErr: errText(wantErr), GotErr: errText(gotErr)}
	}
	if ws.Steps != gs.Steps || len(ws.Trace) != len(gs.Trace) {
		return &DivergenceError{What: "steps", Step: min(ws.Steps, gs.Steps)}
	}
	wm, gm := ws.Mem, gs.Mem
	for seg := range max(wm.NumSegments(), gm.NumSegments()) {
		for off := range max(wm.UsedSize(seg), gm.UsedSize(seg)) {
			a := vm.Relocatable{Segment: seg, Offset: off}
			wv, gv := wm.Get(a), gm.Get(a)
			if wv.Known() != gv.Known() || wv.Known() && !wv.Equal(gv) {
				return &DivergenceError{What: "memory", Step: ws.Steps, Cell: a, WantValue: wv.String(), GotValue: gv.String()}
			}
		}
	}
	return nil
}
