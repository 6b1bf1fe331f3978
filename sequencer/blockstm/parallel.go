package blockstm

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Parallel executes a block with Block-STM on several goroutines. Its
// result equals Serial's for the same Base and Add.
//
// The zero Parallel runs GOMAXPROCS workers over a base where every
// location holds the zero value, without deltas.
type Parallel[K comparable, V comparable, O any] struct {
	// Base is the state before the block; nil reads as zero values. Its
	// Get is called from every worker at once.
	Base Base[K, V]
	// Add sums a value and a delta for View.Add. It must be commutative
	// and associative (deltas are summed in any grouping), like felt or
	// wrapping integer addition.
	Add func(x, y V) V
	// Workers is the number of goroutines; 0 or less means GOMAXPROCS.
	// More workers than transactions are not started.
	Workers int
	// Hints, when set, gives what transaction tx (its index in the
	// block) is expected to read and write, such as a declared access
	// list. Each expected write starts out as an ESTIMATE of tx, as if
	// an earlier incarnation had written it, and an execution whose
	// expected reads or writes meet an ESTIMATE of a lower transaction
	// is suspended on it before it starts. Transactions that all touch
	// one location then run one after the other instead of each
	// computing on a value that is bound to change, and being aborted.
	// Hints only steer the schedule: a wrong one costs a wait or a
	// re-execution, never a different result. Hints is called once per
	// transaction, before the workers start.
	Hints func(tx int) (reads, writes []K)
}

var _ Executor[int, int, int] = (*Parallel[int, int, int])(nil)

// Execute implements Executor.
func (p *Parallel[K, V, O]) Execute(ctx context.Context, txs []Tx[K, V, O]) (*Result[K, V, O], error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e := newEngine(p, txs)
	if len(txs) == 0 {
		return e.result(), nil
	}
	workers := p.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(txs))
	e.recent = make([][]write[K, V], workers-1)

	stopCancel := context.AfterFunc(ctx, func() { e.halt(ctx.Err()) })
	defer stopCancel()
	// Each worker counts in its own cache line.
	stats := make([]struct {
		Stats
		_ [64]byte
	}, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() { e.work(&stats[w].Stats) })
	}
	wg.Wait()

	if err := e.err(); err != nil {
		return nil, err
	}
	r := e.result()
	for _, s := range stats {
		r.Stats.Executions += s.Executions
		r.Stats.Validations += s.Validations
		r.Stats.Aborts += s.Aborts
		r.Stats.Suspensions += s.Suspensions
	}
	return r, nil
}

// engine is one parallel run.
type engine[K comparable, V comparable, O any] struct {
	txs   []Tx[K, V, O]
	add   func(x, y V) V
	mv    *mvMemory[K, V]
	sched *scheduler

	// last is the latest recorded incarnation of each transaction. Its
	// data never changes once stored; a validation that races with a
	// re-execution reads either incarnation whole.
	last []atomic.Pointer[incarnation[K, V, O]]
	// hinted holds each transaction's expected writes, as the ESTIMATEs
	// its first recorded incarnation replaces, and expected holds its
	// expected reads and writes, checked before every execution (see
	// Parallel.Hints); both nil without hints.
	hinted   [][]write[K, V]
	expected [][]K

	commitMu   sync.Mutex
	commitWant atomic.Bool
	// recent holds the write sets of the last committed transactions, one
	// per other worker (see contention.go); the committer's alone.
	recent    [][]write[K, V]
	commitIdx atomic.Int64 // transactions below are committed
	results   []TxResult[K, V, O]

	haltOnce sync.Once
	haltErr  error
}

// incarnation is what one execution of a transaction read and produced.
type incarnation[K comparable, V comparable, O any] struct {
	inc   int
	reads []readRecord[K, V]
	// final is set when every lower transaction was committed before
	// the execution began: nothing it read can change, so it needs no
	// validation (the common case in commit-order windows, contention.go).
	final bool
	outcome[K, V, O]
}

func newEngine[K comparable, V comparable, O any](p *Parallel[K, V, O], txs []Tx[K, V, O]) *engine[K, V, O] {
	e := &engine[K, V, O]{
		txs:     txs,
		add:     p.Add,
		mv:      newMVMemory(p.Base, p.Add),
		sched:   newScheduler(len(txs)),
		last:    make([]atomic.Pointer[incarnation[K, V, O]], len(txs)),
		results: make([]TxResult[K, V, O], len(txs)),
	}
	if p.Hints != nil {
		e.hint(p.Hints)
	}
	return e
}

// hint places the ESTIMATEs of the expected writes and keeps what each
// transaction expects to touch.
func (e *engine[K, V, O]) hint(hints func(tx int) (reads, writes []K)) {
	e.hinted = make([][]write[K, V], len(e.txs))
	e.expected = make([][]K, len(e.txs))
	for tx := range e.txs {
		reads, writes := hints(tx)
		for _, loc := range writes {
			e.mv.cell(loc).put(entry[V]{tx: tx, kind: entryEstimate})
			e.hinted[tx] = append(e.hinted[tx], write[K, V]{loc: loc})
		}
		e.expected[tx] = append(slices.Clip(reads), writes...)
	}
}

// expectedBlocker returns the lower transaction whose ESTIMATE lies on a
// location tx is expected to touch, or -1.
func (e *engine[K, V, O]) expectedBlocker(tx int) int {
	if e.expected == nil {
		return -1
	}
	for _, loc := range e.expected[tx] {
		if r := e.mv.resolve(loc, tx); r.kind == resolvedEstimate {
			return r.blocker
		}
	}
	return -1
}

// work is one worker: it runs tasks until the run ends. A finished task
// may hand its worker the next one directly (the validation of what it
// just executed, the re-execution of what it just aborted), which saves a
// trip through the shared indices.
func (e *engine[K, V, O]) work(st *Stats) {
	var t task
	for !e.sched.stopped.Load() {
		switch t.kind {
		case executionTask:
			tx := t.tx
			t = e.execute(t.tx, t.inc, st)
			if int64(tx) == e.commitIdx.Load() {
				// Only an execution of the next transaction to commit can
				// let the commits go on.
				e.tryCommit(st)
			}
		case validationTask:
			t = e.validate(t.tx, t.inc, st)
		default:
			gen := e.sched.gen.Load()
			if t = e.sched.nextTask(); t.kind == noTask {
				e.tryCommit(st)
				e.sched.wait(gen)
			}
		}
	}
}

// execute runs incarnation inc of tx and records it, or suspends it on an
// ESTIMATE.
func (e *engine[K, V, O]) execute(tx, inc int, st *Stats) task {
	for {
		if b := e.expectedBlocker(tx); b >= 0 {
			// Suspend before doing any work rather than at the read.
			st.Suspensions++
			if e.sched.addDependency(tx, b) {
				return task{}
			}
			continue
		}
		final := e.commitIdx.Load() == int64(tx)
		src := &mvSource[K, V]{mv: e.mv, tx: tx, blocker: -1}
		o := execute(e.txs[tx], newView(source[K, V](src), e.add))
		if src.blocker >= 0 {
			st.Suspensions++
			if e.sched.addDependency(tx, src.blocker) {
				return task{}
			}
			// The blocker finished meanwhile: run again right away.
			continue
		}
		st.Executions++
		next := &incarnation[K, V, O]{inc: inc, reads: src.reads, final: final, outcome: o}
		var prev []write[K, V]
		if p := e.last[tx].Load(); p != nil {
			prev = p.writes
		} else if e.hinted != nil {
			// The first incarnation replaces the hinted ESTIMATEs: those
			// it does not write again are removed, and a write beyond
			// them sends the transactions above back to validation.
			prev = e.hinted[tx]
		}
		wroteNew := e.mv.record(tx, next.writes, prev)
		e.last[tx].Store(next)
		return e.sched.finishExecution(tx, inc, wroteNew)
	}
}

// validate checks incarnation inc of tx against the current state and
// aborts it when a read changed.
func (e *engine[K, V, O]) validate(tx, inc int, st *Stats) task {
	st.Validations++
	in := e.last[tx].Load()
	if in == nil || in.inc != inc {
		// Superseded: this incarnation was aborted already.
		return task{}
	}
	if in.final || e.mv.validAll(in.reads, tx) || !e.sched.tryValidationAbort(tx, inc) {
		return task{}
	}
	st.Aborts++
	e.mv.markEstimates(tx, in.writes)
	return e.sched.finishValidation(tx, true)
}

// halt stops the run, with err or (nil) because every transaction is
// committed. The first call wins: a cancellation that comes after the
// last commit changes nothing.
func (e *engine[K, V, O]) halt(err error) {
	e.haltOnce.Do(func() {
		e.haltErr = err
		e.sched.stop()
	})
}

// err returns the error the run halted with; call it after the workers
// are done.
func (e *engine[K, V, O]) err() error { return e.haltErr }
