package blockstm

import (
	"testing"
	"time"
)

func wantTask(t *testing.T, got task, kind taskKind, tx, inc int) {
	t.Helper()
	if got.kind != kind || kind != noTask && (got.tx != tx || got.inc != inc) {
		t.Fatalf("task %+v, want kind %d tx %d inc %d", got, kind, tx, inc)
	}
}

func TestSchedulerSweep(t *testing.T) {
	s := newScheduler(3)
	wantTask(t, s.nextTask(), executionTask, 0, 0)
	// The validation index is not behind execution: 0 is executing, so
	// the sweep passes it (its execution will validate it).
	wantTask(t, s.nextTask(), noTask, 0, 0)
	if s.valIdx.Load() != 1 {
		t.Fatalf("valIdx %d", s.valIdx.Load())
	}
	wantTask(t, s.nextTask(), executionTask, 1, 0)
	// The sweep passed 0 and 0 wrote nothing new: validate just 0.
	wantTask(t, s.finishExecution(0, 0, false), validationTask, 0, 0)
	// 1 wrote a new location: everything from 1 up is validated again.
	s.valIdx.Store(3)
	wantTask(t, s.finishExecution(1, 0, true), noTask, 0, 0)
	if s.valIdx.Load() != 1 {
		t.Fatalf("valIdx %d after a new location, want 1", s.valIdx.Load())
	}
	wantTask(t, s.nextTask(), validationTask, 1, 0)
}

func TestSchedulerAbort(t *testing.T) {
	s := newScheduler(3)
	for range 3 {
		s.nextExecution()
	}
	for tx := range 3 {
		s.finishExecution(tx, 0, false)
	}
	s.valIdx.Store(3)
	if !s.tryValidationAbort(1, 0) {
		t.Fatal("abort refused")
	}
	if s.tryValidationAbort(1, 0) {
		t.Fatal("second abort of the same incarnation accepted")
	}
	// The aborter gets the re-execution, and everything above 1 is
	// validated again.
	wantTask(t, s.finishValidation(1, true), executionTask, 1, 1)
	if s.valIdx.Load() != 2 {
		t.Fatalf("valIdx %d, want 2", s.valIdx.Load())
	}
	if s.tryValidationAbort(1, 0) {
		t.Fatal("abort of a superseded incarnation accepted")
	}
}

func TestSchedulerDependency(t *testing.T) {
	s := newScheduler(3)
	for range 3 {
		s.nextExecution()
	}
	s.finishExecution(0, 0, false)
	if s.addDependency(1, 0) {
		t.Fatal("dependency on an executed transaction")
	}
	s.tryValidationAbort(0, 0)
	s.setReady(0) // 0 waits for its second incarnation
	if !s.addDependency(1, 0) || !s.addDependency(2, 0) {
		t.Fatal("dependency refused")
	}
	if tk := s.tryIncarnate(1); tk.kind != noTask {
		t.Fatal("suspended transaction incarnated")
	}
	s.execIdx.Store(3)
	s.tryIncarnate(0)
	s.finishExecution(0, 1, false)
	if s.execIdx.Load() != 1 {
		t.Fatalf("execIdx %d after resuming 1 and 2, want 1", s.execIdx.Load())
	}
	wantTask(t, s.nextExecution(), executionTask, 1, 1)
	wantTask(t, s.nextExecution(), executionTask, 2, 1)
}

func TestSchedulerCommit(t *testing.T) {
	s := newScheduler(2)
	s.nextExecution()
	if _, ok := s.executedIncarnation(0); ok {
		t.Fatal("executing reported executed")
	}
	s.finishExecution(0, 0, false)
	inc, ok := s.executedIncarnation(0)
	if !ok || inc != 0 || !s.commit(0, 0) {
		t.Fatal("commit refused")
	}
	if s.tryValidationAbort(0, 0) {
		t.Fatal("committed transaction aborted")
	}
	s.valIdx.Store(0)
	if tk := s.nextValidation(); tk.kind != noTask {
		t.Fatal("committed transaction validated")
	}
	if s.addDependency(1, 0) {
		t.Fatal("dependency on a committed transaction")
	}
}

func TestSchedulerWait(t *testing.T) {
	s := newScheduler(1)
	s.nextExecution()
	s.nextValidation()
	woke := make(chan struct{})
	go func() {
		s.wait(s.gen.Load())
		close(woke)
	}()
	select {
	case <-woke:
		t.Fatal("returned with no work")
	case <-time.After(20 * time.Millisecond):
	}
	s.decreaseValIdx(0)
	select {
	case <-woke:
	case <-time.After(5 * time.Second):
		t.Fatal("not woken by a decrease")
	}
	woke = make(chan struct{})
	go func() {
		s.wait(s.gen.Load()) // valIdx is 0: there is work, no wait
		s.valIdx.Store(1)
		s.wait(s.gen.Load())
		close(woke)
	}()
	time.Sleep(10 * time.Millisecond)
	s.stop()
	select {
	case <-woke:
	case <-time.After(5 * time.Second):
		t.Fatal("not woken by stop")
	}
}
