package jit

import (
	"errors"

	"github.com/cairn-vm/cairn/interp"
	"github.com/cairn-vm/cairn/vm"
)

// The auto engine's policy. A run starts in the interpreter while its code
// compiles in the background, so that a short run never waits for (or
// pays) a compilation; past autoWarmup steps it moves to compiled code
// once that is ready, and it goes back to the interpreter for good when a
// stretch of autoChunk steps hands more than autoMaxHandback of its steps
// back (hint-heavy code, where each hand-over costs more than the compiled
// steps save).
const (
	autoWarmup      = 1 << 17
	autoChunk       = 1 << 20
	autoMaxHandback = 0.25
)

// NewAuto returns an engine that picks, as a run goes, whichever of the
// interpreter and compiled code pays: see the package documentation.
func NewAuto() *Engine { e := New(); e.auto = true; return e }

// NewAutoShared is NewShared with the auto policy.
func NewAutoShared(code *Code) *Engine { e := NewShared(code, nil); e.auto = true; return e }

// UseInterpreter makes ip the interpreter the engine runs steps with (an
// interp.NewShared engine over the same bytecode, say).
func (e *Engine) UseInterpreter(ip *interp.Engine) { e.interp = ip }

// runAuto is RunUntilPC under the auto policy.
func (e *Engine) runAuto(st *vm.State, end vm.Relocatable, maxSteps int) error {
	r := e.runFor(st)
	if r == nil {
		return e.interp.RunUntilPC(st, end, maxSteps)
	}
	if !r.code.Ready(st.TraceOn) {
		r.code.Prepare(st.TraceOn)
	}
	useJIT := false
	warmupEnd := st.Steps + autoWarmup
	for st.PC != end {
		chunkEnd := st.Steps + autoChunk
		if !useJIT && st.Steps < warmupEnd {
			chunkEnd = warmupEnd
		}
		if maxSteps > 0 && chunkEnd >= maxSteps {
			chunkEnd = maxSteps
		}
		last := maxSteps > 0 && chunkEnd == maxSteps
		if useJIT {
			before, handed := st.Steps, e.Stats.SlowSteps+e.Stats.InterpSteps
			if err := e.run(r, st, end, chunkEnd, !last); err != nil {
				return err
			}
			done := st.Steps - before
			if done > 0 && float64(e.Stats.SlowSteps+e.Stats.InterpSteps-handed) > autoMaxHandback*float64(done) {
				e.Stats.Fallbacks++
				return e.interp.RunUntilPC(st, end, maxSteps)
			}
			continue
		}
		err := e.interp.RunUntilPC(st, end, chunkEnd)
		if err != nil && (last || !errors.Is(err, vm.ErrStepLimit) || st.Steps != chunkEnd) {
			return err
		}
		if st.Steps >= warmupEnd && r.code.Ready(st.TraceOn) {
			useJIT = e.attach(st) != nil && (end.Segment != r.progSeg || end.Offset >= r.codeLen || r.leaderAt(end.Offset) >= 0)
		}
	}
	return nil
}
