package blockstm

import (
	"context"
	"math/rand/v2"
	"testing"
)

// TestContentionRunsAChainInOrder: without hints, a block in which every
// transaction increments one counter is found contended after a window,
// and from then on mostly runs in commit order, so the conflicts
// (aborts and suspensions) stay a small fraction of the transactions
// instead of about one per transaction.
func TestContentionRunsAChainInOrder(t *testing.T) {
	const n = 400
	for seed := range seeds(t) {
		r := rand.New(rand.NewPCG(uint64(seed), 31))
		txs := make([]Tx[loc, val, uint64], n)
		for i := range txs {
			txs[i] = &scriptTx{index: i, ops: []op{{kind: opBurn, arg: 20_000 + r.Uint64N(10_000)}, {kind: opIncr, key: 0}}}
		}
		res, err := (&Parallel[loc, val, uint64]{Workers: 4}).Execute(context.Background(), txs)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := (&Serial[loc, val, uint64]{}).Execute(context.Background(), txs)
		sameResult(t, res, want)
		if c := res.Stats.Aborts + res.Stats.Suspensions; c > n/2 {
			t.Fatalf("seed %d: %d conflicts in %d transactions: %+v", seed, c, n, res.Stats)
		}
	}
}

// TestContentionLeavesIndependentBlocksAlone: transactions on distinct
// locations never depend on each other, so executions stay speculative.
func TestContentionLeavesIndependentBlocksAlone(t *testing.T) {
	txs := make([]Tx[loc, val, uint64], 500)
	for i := range txs {
		txs[i] = &scriptTx{index: i, ops: []op{{kind: opBurn, arg: 100}, {kind: opIncr, key: loc(i + 1)}}}
	}
	p := &Parallel[loc, val, uint64]{Workers: 4}
	e := newEngine(p, txs)
	var st [4]Stats
	done := make(chan struct{})
	for w := range 4 {
		go func() { e.work(&st[w]); done <- struct{}{} }()
	}
	for range 4 {
		<-done
	}
	if err := e.err(); err != nil {
		t.Fatal(err)
	}
	if e.sched.ctl.ordered.Load() {
		t.Fatal("executions were put in order")
	}
}
