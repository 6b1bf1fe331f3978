package blockstm

import "testing"

// Two transactions: 1 reads location 1 (which 0 writes) and writes 2.
func stepEngine() *engine[loc, val, uint64] {
	txs := []Tx[loc, val, uint64]{
		TxFunc[loc, val, uint64](func(v View[loc, val]) (uint64, error) { v.Write(1, 7); return 0, nil }),
		TxFunc[loc, val, uint64](func(v View[loc, val]) (uint64, error) {
			x, err := v.Read(1)
			v.Write(2, x+1)
			return x, err
		}),
	}
	e := newEngine(&Parallel[loc, val, uint64]{Add: addU64}, txs)
	e.sched.nextExecution()
	e.sched.nextExecution()
	return e
}

// An execution that a validation finds stale leaves ESTIMATEs, and its
// validator re-executes it.
func TestEngineValidationAbort(t *testing.T) {
	e := stepEngine()
	var st Stats
	e.execute(1, 0, &st) // reads 1 from the base: 0
	e.execute(0, 0, &st) // writes 1 under it
	next := e.validate(1, 0, &st)
	if st.Aborts != 1 {
		t.Fatalf("%+v", st)
	}
	if r := e.mv.resolve(2, 2); r.kind != resolvedEstimate || r.blocker != 1 {
		t.Fatalf("no ESTIMATE at tx 1's write: %+v", r)
	}
	wantTask(t, next, executionTask, 1, 1)
	e.execute(1, 1, &st)
	if r := e.mv.resolve(2, 2); r.kind != resolvedValue || r.val != 8 {
		t.Fatalf("re-execution not recorded: %+v", r)
	}
}

// A reader that meets that ESTIMATE is suspended until the writer has
// executed again, then resumed.
func TestEngineSuspension(t *testing.T) {
	e := stepEngine()
	var st Stats
	e.execute(0, 0, &st)
	if !e.sched.tryValidationAbort(0, 0) {
		t.Fatal("abort refused")
	}
	e.mv.markEstimates(0, e.last[0].Load().writes)
	e.sched.setReady(0)
	if next := e.execute(1, 0, &st); next.kind != noTask || st.Suspensions != 1 {
		t.Fatalf("not suspended: %+v %+v", next, st)
	}
	e.sched.execIdx.Store(2)
	e.execute(0, e.sched.tryIncarnate(0).inc, &st)
	wantTask(t, e.sched.nextExecution(), executionTask, 1, 1)
}

// The committer validates once more and aborts what is stale, even when no
// validation task caught it.
func TestEngineCommitValidation(t *testing.T) {
	e := stepEngine()
	var st Stats
	e.execute(1, 0, &st)
	e.execute(0, 0, &st)
	e.tryCommit(&st)
	if e.commitIdx.Load() != 1 || st.Aborts != 1 {
		t.Fatalf("committed %d, %+v", e.commitIdx.Load(), st)
	}
	if e.sched.execIdx.Load() != 1 {
		t.Fatalf("stale transaction not rescheduled: execIdx %d", e.sched.execIdx.Load())
	}
	next := e.sched.nextExecution()
	wantTask(t, next, executionTask, 1, 1)
	e.execute(1, 1, &st)
	e.tryCommit(&st)
	if e.commitIdx.Load() != 2 || !e.sched.stopped.Load() || e.results[1].Output != 7 {
		t.Fatalf("committed %d, results %+v", e.commitIdx.Load(), e.results)
	}
}
