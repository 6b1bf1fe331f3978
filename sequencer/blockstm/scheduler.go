package blockstm

import (
	"sync"
	"sync/atomic"
)

// status is where a transaction is in its life; incarnation counts its
// executions.
type status uint8

const (
	ready     status = iota // waiting for an execution of incarnation
	executing               // incarnation is being executed
	executed                // incarnation's writes are recorded; it awaits validation or commit
	aborting                // incarnation is void; the next is not ready yet
	committed               // final
)

// txStatus is the scheduler's state for one transaction.
type txStatus struct {
	mu          sync.Mutex
	incarnation int
	status      status
	// dependents are the transactions suspended on an ESTIMATE of this
	// one, to be made ready when it has executed again.
	dependents []int
}

type taskKind uint8

const (
	noTask taskKind = iota
	executionTask
	validationTask
)

// task is an execution or validation of incarnation inc of transaction tx.
type task struct {
	kind    taskKind
	tx, inc int
}

// scheduler is Block-STM's collaborative scheduler. There is no queue:
// execIdx and valIdx are the lowest transaction that may need executing
// and validating, workers take the next index from whichever is lower, and
// an abort or re-execution moves an index back down to redo what it made
// stale. The paper's detection of the end (counting active tasks) is not
// needed: the run ends when the last transaction commits (see commit.go).
type scheduler struct {
	n       int
	execIdx atomic.Int64
	valIdx  atomic.Int64
	txs     []txStatus

	// Idle workers sleep instead of spinning, which matters when there
	// are more workers than cores. Every decrease of an index bumps gen
	// and wakes them; so does the end of the run.
	gen     atomic.Int64
	stopped atomic.Bool
	waiters atomic.Int32
	mu      sync.Mutex
	wake    *sync.Cond

	ctl contention
}

func newScheduler(n int) *scheduler {
	s := &scheduler{n: n, txs: make([]txStatus, n)}
	s.wake = sync.NewCond(&s.mu)
	return s
}

// nextTask returns a task, or noTask when none was found this time.
func (s *scheduler) nextTask() task {
	if s.valIdx.Load() < s.execIdx.Load() {
		return s.nextValidation()
	}
	return s.nextExecution()
}

func (s *scheduler) nextValidation() task {
	if s.valIdx.Load() >= int64(s.n) {
		return task{}
	}
	i := int(s.valIdx.Add(1) - 1)
	if i >= s.n {
		return task{}
	}
	t := &s.txs[i]
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.status != executed {
		// Not executed yet: its execution will be validated when it
		// finishes (finishExecution). Committed: nothing can invalidate it.
		return task{}
	}
	return task{kind: validationTask, tx: i, inc: t.incarnation}
}

func (s *scheduler) nextExecution() task {
	for {
		i := s.execIdx.Load()
		if i >= int64(s.n) || s.gated(i) {
			return task{}
		}
		if s.execIdx.CompareAndSwap(i, i+1) {
			return s.tryIncarnate(int(i))
		}
	}
}

// tryIncarnate claims the execution of tx if it is ready.
func (s *scheduler) tryIncarnate(tx int) task {
	if tx >= s.n {
		return task{}
	}
	t := &s.txs[tx]
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.status != ready {
		return task{}
	}
	t.status = executing
	return task{kind: executionTask, tx: tx, inc: t.incarnation}
}

// addDependency suspends the execution of tx, which met an ESTIMATE of
// blocker, until blocker has executed again. It returns false when blocker
// already has (the ESTIMATE is gone): then tx should just execute again.
func (s *scheduler) addDependency(tx, blocker int) bool {
	b := &s.txs[blocker]
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.status == executed || b.status == committed {
		return false
	}
	// Locks nest only here, lower transaction first (blocker < tx).
	t := &s.txs[tx]
	t.mu.Lock()
	t.status = aborting
	t.mu.Unlock()
	b.dependents = append(b.dependents, tx)
	return true
}

// setReady makes the next incarnation of an aborting tx ready.
func (s *scheduler) setReady(tx int) {
	t := &s.txs[tx]
	t.mu.Lock()
	t.incarnation++
	t.status = ready
	t.mu.Unlock()
}

// finishExecution marks incarnation inc of tx executed, resumes the
// transactions suspended on it, and returns the validation task for it
// when it is the caller's to run.
func (s *scheduler) finishExecution(tx, inc int, wroteNew bool) task {
	t := &s.txs[tx]
	t.mu.Lock()
	t.status = executed
	deps := t.dependents
	t.dependents = nil
	t.mu.Unlock()

	if len(deps) > 0 {
		low := deps[0]
		for _, d := range deps {
			s.setReady(d)
			low = min(low, d)
		}
		s.decreaseExecIdx(low)
	}
	if s.valIdx.Load() > int64(tx) {
		// The validation sweep has passed tx, so nobody else will
		// validate this incarnation.
		if wroteNew {
			// A higher transaction may have read below a location tx now
			// writes, seeing no ESTIMATE: validate them all again.
			s.decreaseValIdx(tx)
			return task{}
		}
		// Every location tx writes held an ESTIMATE since its abort, and
		// the abort already sent every higher transaction back to
		// validation: only tx itself needs it.
		return task{kind: validationTask, tx: tx, inc: inc}
	}
	return task{}
}

// tryValidationAbort aborts incarnation inc of tx if it is still the
// executed one. Of several validations that fail, one wins.
func (s *scheduler) tryValidationAbort(tx, inc int) bool {
	t := &s.txs[tx]
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.status != executed || t.incarnation != inc {
		return false
	}
	t.status = aborting
	return true
}

// finishValidation completes a validation of tx; after an abort (which
// the caller won and whose ESTIMATEs it placed) it schedules the
// re-execution, returned as the caller's next task when possible.
func (s *scheduler) finishValidation(tx int, aborted bool) task {
	if !aborted {
		return task{}
	}
	s.setReady(tx)
	// Every higher transaction may have read tx's void writes.
	s.decreaseValIdx(tx + 1)
	if s.execIdx.Load() > int64(tx) {
		if s.gated(int64(tx)) {
			// In order now: it runs when its turn comes.
			s.decreaseExecIdx(tx)
			return task{}
		}
		return s.tryIncarnate(tx)
	}
	return task{}
}

// executedIncarnation returns tx's incarnation if it is executed.
func (s *scheduler) executedIncarnation(tx int) (int, bool) {
	t := &s.txs[tx]
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.incarnation, t.status == executed
}

// commit marks incarnation inc of tx committed if it is still the executed
// one; from then on nothing aborts it.
func (s *scheduler) commit(tx, inc int) bool {
	t := &s.txs[tx]
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.status != executed || t.incarnation != inc {
		return false
	}
	t.status = committed
	return true
}

// reschedule sends an aborted tx back to execution, as finishValidation
// does, for a caller that does not take the execution itself.
func (s *scheduler) reschedule(tx int) {
	s.setReady(tx)
	s.decreaseValIdx(tx + 1)
	s.decreaseExecIdx(tx)
}

func (s *scheduler) decreaseExecIdx(to int) { s.decrease(&s.execIdx, to) }
func (s *scheduler) decreaseValIdx(to int)  { s.decrease(&s.valIdx, to) }

func (s *scheduler) decrease(idx *atomic.Int64, to int) {
	for {
		cur := idx.Load()
		if cur <= int64(to) || idx.CompareAndSwap(cur, int64(to)) {
			break
		}
	}
	s.gen.Add(1)
	if idx == &s.valIdx && s.ctl.ordered.Load() {
		// In commit order the validations are cheap (most need none) and
		// the worker that made them, active by definition, takes them
		// with its next task: waking the others only has them race it.
		return
	}
	s.signal()
}

// stop ends the run: every worker returns after its current task.
func (s *scheduler) stop() {
	s.stopped.Store(true)
	s.signal()
}

// idle reports that nextTask has nothing to hand out: no execution (the
// index is past the block, or gated; see contention) and no validation
// (nextTask only validates below the execution index).
func (s *scheduler) idle() bool {
	e := s.execIdx.Load()
	return (e >= int64(s.n) || s.gated(e)) && s.valIdx.Load() >= min(e, int64(s.n))
}

func (s *scheduler) signal() {
	// Waiters register before checking gen and stopped (seq-cst atomics),
	// so a signal either finds them registered or they see the change.
	if s.waiters.Load() > 0 {
		s.mu.Lock()
		s.wake.Broadcast()
		s.mu.Unlock()
	}
}

// wait sleeps while there is no work: gen is still what the caller saw
// before looking for a task and idle holds. Work can then only come back
// through a decrease, a commit while executions are gated, or the end of
// the run, all of which bump gen.
func (s *scheduler) wait(gen int64) {
	s.mu.Lock()
	s.waiters.Add(1)
	for s.gen.Load() == gen && !s.stopped.Load() && s.idle() {
		s.wake.Wait()
	}
	s.waiters.Add(-1)
	s.mu.Unlock()
}
