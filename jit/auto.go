package jit

import (
	"errors"
	"time"

	"github.com/cairn-vm/cairn/interp"
	"github.com/cairn-vm/cairn/vm"
)

// The auto engine's policy. A run starts in the interpreter; past
// autoWarmup steps its code starts compiling in the background (so that a
// short run never waits for, or pays, a compilation or the JIT's memory),
// and it times the interpreter over
// a chunk of autoChunk steps, then compiled code (once ready; a second
// tier not compiled yet waits for the verdict) over the next ones, and
// keeps compiled code unless two chunks in a row were slower (or one
// clearly slower), or one handed more than autoMaxHandback of its steps
// back (hint-heavy code, where each hand-over costs more than the
// compiled steps save); otherwise the
// interpreter runs the rest, and every later run of that code. Both are
// exact, so the choice changes the speed only, never a result.
const (
	autoWarmup      = 1 << 17
	autoChunk       = 1 << 20
	autoMaxHandback = 0.25
	// A chunk of compiled code this much slower than the interpreter's
	// decides at once; a smaller difference has to show twice.
	autoClearlySlower = 1.25
)

// NewAuto returns an engine that picks, as a run goes, whichever of the
// interpreter and compiled code pays: see the package documentation.
func NewAuto() *Engine { e := New(); e.auto = true; return e }

// NewAutoShared is NewShared with the auto policy.
func NewAutoShared(code *Code, ip *interp.Engine) *Engine {
	e := NewShared(code, ip)
	e.auto = true
	return e
}

// runAuto is RunUntilPC under the auto policy.
func (e *Engine) runAuto(st *vm.State, end vm.Relocatable, maxSteps int) error {
	trace := st.TraceOn
	if code := e.codeFor(st); code == nil || code.slower[b2i(trace)].Load() {
		if code != nil {
			e.Stats.Fallbacks++
		}
		return e.interp.RunUntilPC(st, end, maxSteps)
	}
	// The warm-up runs in the interpreter before the run is given a
	// linear memory, and before its code is compiled: a run that ends
	// within it (a contract call is a few hundred steps) pays nothing for
	// the JIT, where attaching alone copies its whole memory, program
	// included, into the space.
	warmupEnd := st.Steps + autoWarmup
	if _, attached := st.Mem.Space().(*space); !attached {
		limit := warmupEnd
		if maxSteps > 0 && maxSteps <= limit {
			return e.interp.RunUntilPC(st, end, maxSteps)
		}
		err := e.interp.RunUntilPC(st, end, limit)
		if err != nil && (!errors.Is(err, vm.ErrStepLimit) || st.Steps != limit) || err == nil && st.PC == end {
			return err
		}
	}
	r := e.runFor(st)
	if r == nil {
		return e.interp.RunUntilPC(st, end, maxSteps)
	}
	if !r.code.Ready(trace) {
		r.code.Prepare(trace)
	}
	useJIT := false
	// interpNs is the interpreter's time per step over a whole chunk past
	// the warm-up (0 until measured): compiled code takes over only after
	// it, and keeps the run unless its own chunks are slower twice in a
	// row (one chunk lasts some milliseconds: a machine that is busy
	// elsewhere can slow any one of them), or one is clearly slower.
	interpNs := 0.0
	strikes := 0
	for st.PC != end {
		chunkEnd := st.Steps + autoChunk
		if !useJIT && st.Steps < warmupEnd {
			chunkEnd = warmupEnd
		}
		if maxSteps > 0 && chunkEnd >= maxSteps {
			chunkEnd = maxSteps
		}
		last := maxSteps > 0 && chunkEnd == maxSteps
		start, before := time.Now(), st.Steps
		if useJIT {
			handed := e.Stats.SlowSteps + e.Stats.InterpSteps
			// A second tier not compiled yet waits for the verdict: its
			// compile would share the machine with the chunks being
			// timed, and it is only worth its cost where compiled code
			// wins anyway.
			r.holdTier2 = interpNs > 0
			err := e.run(r, st, end, chunkEnd, !last)
			r.holdTier2 = false
			if err != nil {
				return err
			}
			done := st.Steps - before
			slow := done > 0 && float64(e.Stats.SlowSteps+e.Stats.InterpSteps-handed) > autoMaxHandback*float64(done)
			if interpNs > 0 && done >= autoChunk/2 {
				ratio := float64(time.Since(start).Nanoseconds()) / float64(done) / interpNs
				if ratio <= 1 {
					interpNs = 0 // decided
				} else if strikes++; strikes == 2 || ratio > autoClearlySlower {
					slow = true
				}
			}
			if slow {
				// Remembered for later runs of this code: the interpreter
				// serves it better.
				r.code.slower[b2i(trace)].Store(true)
				e.Stats.Fallbacks++
				return e.interp.RunUntilPC(st, end, maxSteps)
			}
			continue
		}
		err := e.interp.RunUntilPC(st, end, chunkEnd)
		if err != nil && (last || !errors.Is(err, vm.ErrStepLimit) || st.Steps != chunkEnd) {
			return err
		}
		if done := st.Steps - before; before >= warmupEnd && done >= autoChunk/2 {
			interpNs = float64(time.Since(start).Nanoseconds()) / float64(done)
		}
		if interpNs > 0 && r.code.Ready(trace) {
			useJIT = e.attach(st) != nil && (end.Segment != r.progSeg || end.Offset >= r.codeLen || r.leaderAt(end.Offset) >= 0)
		}
	}
	return nil
}
