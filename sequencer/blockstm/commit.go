package blockstm

import "fmt"

// tryCommit commits transactions in block order for as long as the next
// one is executed. One worker commits at a time; a worker that finds the
// committer busy leaves a request that the committer sees before it
// leaves, so a transaction that becomes committable is never overlooked.
func (e *engine[K, V, O]) tryCommit(st *Stats) {
	e.commitWant.Store(true)
	for e.commitWant.Load() && !e.sched.stopped.Load() {
		if !e.commitMu.TryLock() {
			return
		}
		e.commitWant.Store(false)
		for e.commitNext(st) {
		}
		e.commitMu.Unlock()
	}
}

// commitNext commits the next transaction if it can.
//
// Every transaction below it is committed, so nothing it may have read can
// change any more: one more validation now is final, either way. That is
// what makes commits safe without waiting for the scheduler to run out of
// tasks, and what lets a Starknet sequencer stream receipts and stop a
// block that is full.
func (e *engine[K, V, O]) commitNext(st *Stats) bool {
	tx := int(e.commitIdx.Load())
	if tx == len(e.txs) || e.sched.stopped.Load() {
		// Done or halted; a worker that asked to commit before that can
		// get here after it.
		return false
	}
	inc, ok := e.sched.executedIncarnation(tx)
	if !ok {
		return false // its execution will call tryCommit when it ends
	}
	in := e.last[tx].Load()
	if in.inc != inc {
		return false // re-executed meanwhile; that execution calls tryCommit
	}
	if !in.final && !e.mv.validAll(in.reads, tx) {
		if e.sched.tryValidationAbort(tx, inc) {
			st.Aborts++
			e.mv.markEstimates(tx, in.writes)
			e.sched.reschedule(tx)
		}
		return false
	}
	if !e.sched.commit(tx, inc) {
		return false // a validation that began earlier aborted it
	}
	if in.fatal != nil {
		e.halt(&TxError{Tx: tx, Err: in.fatal})
		return false
	}
	writes, err := e.settle(tx, in.writes)
	if err != nil {
		e.halt(&TxError{Tx: tx, Err: err})
		return false
	}
	e.results[tx] = TxResult[K, V, O]{Output: in.out, Err: in.err, Writes: writes}
	e.commitIdx.Store(int64(tx + 1))
	e.sched.committedUpTo(int64(tx+1), e.dependsOnRecent(in.reads, in.writes))
	if tx+1 == len(e.txs) {
		e.halt(nil)
		return false
	}
	return true
}

// settle turns the write set of committed tx into its result, applying its
// deltas: each becomes the value it sums to, in the multi-version memory
// too, so that readers above stop there.
func (e *engine[K, V, O]) settle(tx int, ws []write[K, V]) ([]Write[K, V], error) {
	if len(ws) == 0 {
		return nil, nil
	}
	out := make([]Write[K, V], len(ws))
	for i, w := range ws {
		if w.delta {
			// Resolved just above tx: its own delta plus what lies below.
			rec, blocker := e.mv.fetch(w.loc, tx+1)
			if blocker >= 0 {
				panic(fmt.Sprintf("blockstm: ESTIMATE of transaction %d below committed transaction %d", blocker, tx))
			}
			if rec.err != nil {
				return nil, rec.err
			}
			w.val = rec.val
			e.mv.settle(tx, w.loc, w.val)
		}
		out[i] = Write[K, V]{Loc: w.loc, Value: w.val}
	}
	return out, nil
}

// result assembles the Result of a completed run.
func (e *engine[K, V, O]) result() *Result[K, V, O] {
	return newResult(e.results)
}

func newResult[K comparable, V any, O any](txs []TxResult[K, V, O]) *Result[K, V, O] {
	state := make(map[K]V)
	for _, r := range txs {
		for _, w := range r.Writes {
			state[w.Loc] = w.Value
		}
	}
	return &Result[K, V, O]{Txs: txs, State: state, Stats: Stats{Txs: len(txs)}}
}
