package starknet

import (
	"sync"
	"time"

	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/vm"
)

// Profile accumulates where an Executor's calls spend their wall time. It
// is filled only when Executor.Profile points to it; with Profile nil (the
// default) the executor measures nothing and runs exactly as without it.
// One Profile may collect the calls of many executors, one at a time (it
// is not safe for concurrent use).
//
// Every nanosecond of a top-level call (Execute, Deploy) goes to exactly
// one part:
//
//   - Hashing: the deductions of the pedersen, poseidon and keccak
//     builtins' output cells, and the compression rounds of the keccak and
//     sha256_process_block system calls.
//   - Syscalls: handling system calls (the request, the state access, the
//     response), without their hashing and without the calls they make,
//     whose time goes to the parts of those calls.
//   - Hints: running Cairo 1 hints, the SystemCall hint's handler excluded.
//   - Setup: preparing each run and reading its results: the class
//     looked up, the runner made (its memory, the bytecode written into
//     the program segment, the builtin segments), the arguments, and at
//     the end the return values, the security checks, memory holes and
//     resources.
//   - VM: the rest: running the instructions (the interpreter and its
//     memory accesses), and the checkpoints around each call.
//
// Measuring costs two clock reads per hint, syscall and hash, so the parts
// other than VM are slightly overstated; compare profiles with each other,
// and time without a Profile for absolute figures.
type Profile struct {
	// Calls counts the top-level calls; Steps their Cairo steps, inner
	// calls included.
	Calls int
	Steps int
	// Total is the wall time of the top-level calls; VM + Setup + Hints
	// + Syscalls + Hashing = Total.
	Total, VM, Setup, Hints, Syscalls, Hashing time.Duration
	// HintRuns counts the hints run, and HintKinds by kind (class.Hint's
	// Name, "TestLessThan"), SystemCall included.
	HintRuns  int
	HintKinds map[string]int
	// SyscallRuns counts the system calls. HashRuns counts the output
	// cells the hash builtins deduced (one per pedersen instance, up to
	// three per poseidon permutation) and the blocks the keccak and
	// sha256_process_block syscalls compressed.
	SyscallRuns int
	HashRuns    int
}

// Reset zeroes the profile.
func (p *Profile) Reset() { *p = Profile{} }

// profCat is a part of the time of a call.
type profCat uint8

const (
	catVM profCat = iota
	catSetup
	catHint
	catSyscall
	catHash
	nCats
)

// profiler splits the time of one executor's calls: a stack of the parts
// being measured (a hint inside the VM, a syscall inside that hint, the VM
// of an inner call inside the syscall), each clock read charging the time
// since the last one to the part on top.
type profiler struct {
	p     *Profile
	cur   profCat
	since time.Time
	stack []profCat
	acc   [nCats]time.Duration
	start time.Time
	steps int // the executor's stepsDone when the top-level call began
}

func (pr *profiler) push(c profCat) {
	now := time.Now()
	pr.acc[pr.cur] += now.Sub(pr.since)
	pr.stack = append(pr.stack, pr.cur)
	pr.cur, pr.since = c, now
}

func (pr *profiler) pop() {
	now := time.Now()
	pr.acc[pr.cur] += now.Sub(pr.since)
	n := len(pr.stack) - 1
	pr.cur, pr.stack = pr.stack[n], pr.stack[:n]
	pr.since = now
}

// profilerVar is the main-scope variable through which profiled hints
// find the profiler of the execution they run in.
const profilerVar = "__cairn_profiler"

// profiledExecute is Execute measured: the outermost call starts the
// clock and adds the parts to the Profile when it returns; a call made by
// a syscall counts as VM time of its own.
func (e *Executor) profiledExecute(c Call) (*CallInfo, error) {
	pr := e.prof
	if pr == nil || pr.p != e.Profile {
		pr = &profiler{p: e.Profile}
		e.prof = pr
	}
	if len(e.frames) > 0 {
		pr.push(catVM)
		defer pr.pop()
		return e.execute1(c)
	}
	now := time.Now()
	pr.start, pr.since, pr.cur, pr.stack, pr.acc = now, now, catVM, pr.stack[:0], [nCats]time.Duration{}
	pr.steps = e.stepsDone
	info, err := e.execute1(c)
	pr.acc[pr.cur] += time.Since(pr.since)
	p := pr.p
	p.Calls++
	p.Steps += e.stepsDone - pr.steps
	p.VM += pr.acc[catVM]
	p.Setup += pr.acc[catSetup]
	p.Hints += pr.acc[catHint]
	p.Syscalls += pr.acc[catSyscall]
	p.Hashing += pr.acc[catHash]
	for _, d := range pr.acc {
		p.Total += d
	}
	return info, err
}

// profiling returns the profiler of the executor's current call, nil when
// the executor is not profiling.
func (e *Executor) profiling() *profiler {
	if e.Profile == nil {
		return nil
	}
	return e.prof
}

// profiledHint is a compiled hint that charges its time to Hints when its
// execution has a profiler.
type profiledHint struct {
	h    vm.Hint
	kind string
}

// Execute runs the hint, measured.
func (ph *profiledHint) Execute(st *vm.State) error {
	pr, _ := st.Scopes[0][profilerVar].(*profiler)
	if pr == nil {
		return ph.h.Execute(st)
	}
	p := pr.p
	p.HintRuns++
	if p.HintKinds == nil {
		p.HintKinds = map[string]int{}
	}
	p.HintKinds[ph.kind]++
	pr.push(catHint)
	err := ph.h.Execute(st)
	pr.pop()
	return err
}

// profiledHintCache holds each class's compiled hints wrapped in
// profiledHint, built on a class's first profiled call.
var profiledHintCache sync.Map // *class.Class -> compiledHints

func profiledHintsOf(cl *class.Class) (map[int][]vm.Hint, error) {
	if v, ok := profiledHintCache.Load(cl); ok {
		ch := v.(compiledHints)
		return ch.hints, ch.err
	}
	hs, err := hintsOf(cl)
	var out map[int][]vm.Hint
	if err == nil {
		out = make(map[int][]vm.Hint, len(hs))
		for pc, bound := range hs {
			src := cl.Hints[pc]
			wrapped := make([]vm.Hint, len(bound))
			for i, b := range bound {
				kind := "?"
				if i < len(src) && src[i] != nil {
					kind = src[i].Name()
				}
				wrapped[i] = &profiledHint{h: b, kind: kind}
			}
			out[pc] = wrapped
		}
	}
	profiledHintCache.Store(cl, compiledHints{hints: out, err: err})
	return out, err
}

// profiledDeducer charges a hash builtin's deductions to Hashing.
type profiledDeducer struct {
	d  vm.Deducer
	pr *profiler
}

// Deduce runs the builtin's deduction, measured.
func (pd *profiledDeducer) Deduce(m *vm.Memory, addr vm.Relocatable) (vm.Value, bool, error) {
	pd.pr.push(catHash)
	v, ok, err := pd.d.Deduce(m, addr)
	pd.pr.pop()
	if ok {
		pd.pr.p.HashRuns++
	}
	return v, ok, err
}

// profileRun prepares a run for profiling: the profiler in the main
// scope for the hints, and the hash builtins' deductions measured.
func (pr *profiler) profileRun(r *vm.FunctionRunner) {
	r.State.Scopes[0][profilerVar] = pr
	for _, b := range r.Builtins() {
		switch b.Name() {
		case vm.BuiltinPedersen, vm.BuiltinPoseidon, vm.BuiltinKeccak:
			if d, ok := b.(vm.Deducer); ok {
				r.State.Mem.SetDeducer(b.Base().Segment, &profiledDeducer{d: d, pr: pr})
			}
		}
	}
}
