package blockstm

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// weights: read, write, add, incr, dynamic, failIf, panicIf, burn, yield
var profiles = []profile{
	{name: "independent", txs: 200, ops: 8, own: true, weight: w(4, 3, 1, 3, 0, 0, 0, 1, 1), burnMax: 300},
	{name: "independent+fee", txs: 200, ops: 8, own: true, fee: true, weight: w(4, 3, 1, 3, 0, 0, 0, 1, 1), burnMax: 300},
	{name: "large-keyspace", txs: 200, keys: 1_000_000, ops: 10, weight: w(5, 3, 1, 2, 1, 0, 0, 1, 1), burnMax: 300},
	{name: "medium-keyspace", txs: 200, keys: 200, ops: 10, weight: w(5, 3, 1, 2, 1, 0, 0, 1, 1), burnMax: 300},
	{name: "small-keyspace", txs: 150, keys: 4, ops: 6, weight: w(4, 3, 1, 3, 1, 0, 0, 1, 1), burnMax: 300},
	{name: "one-key-counter", txs: 150, keys: 1, ops: 2, weight: w(0, 0, 0, 1, 0, 0, 0, 1, 0), burnMax: 500},
	{name: "one-key-mixed", txs: 150, keys: 1, ops: 5, weight: w(2, 2, 2, 3, 0, 0, 0, 1, 1), burnMax: 300},
	{name: "deltas-only", txs: 200, keys: 3, ops: 4, weight: w(0, 0, 5, 0, 0, 0, 0, 1, 1), burnMax: 300},
	{name: "deltas-some-reads", txs: 200, keys: 3, ops: 5, fee: true, weight: w(1, 0, 8, 1, 0, 0, 0, 1, 1), burnMax: 300},
	{name: "fee-contended", txs: 200, keys: 20, ops: 6, fee: true, weight: w(4, 2, 0, 2, 1, 0, 0, 1, 1), burnMax: 300},
	{name: "failing", txs: 200, keys: 10, ops: 8, fee: true, failMod: 3, weight: w(4, 3, 2, 3, 1, 2, 0, 1, 1), burnMax: 300},
	{name: "dynamic", txs: 150, keys: 16, ops: 8, weight: w(1, 3, 1, 1, 6, 0, 0, 1, 1), burnMax: 300},
}

// seeds is how many random blocks each profile runs (fewer with -short).
func seeds(t *testing.T) int {
	if testing.Short() {
		return 10
	}
	return 40
}

// checkSame runs txs serially and in parallel and fails on any difference.
// It returns the parallel result, or nil when both stopped with the same
// *TxError.
func checkSame(t *testing.T, txs []Tx[loc, val, uint64], base Base[loc, val], workers int) *Result[loc, val, uint64] {
	t.Helper()
	return checkSameWith(t, txs, base, addU64, workers)
}

func checkSameWith[K comparable, V comparable, O comparable](t *testing.T, txs []Tx[K, V, O], base Base[K, V], add func(x, y V) V, workers int) *Result[K, V, O] {
	t.Helper()
	ctx := context.Background()
	want, wantErr := (&Serial[K, V, O]{Base: base, Add: add}).Execute(ctx, txs)
	got, gotErr := (&Parallel[K, V, O]{Base: base, Add: add, Workers: workers}).Execute(ctx, txs)
	if wantErr != nil || gotErr != nil {
		var we, ge *TxError
		if !errors.As(wantErr, &we) || !errors.As(gotErr, &ge) || we.Tx != ge.Tx || fmt.Sprint(we.Err) != fmt.Sprint(ge.Err) {
			t.Fatalf("workers=%d: serial error %v, parallel error %v", workers, wantErr, gotErr)
		}
		return nil
	}
	if len(got.Txs) != len(want.Txs) {
		t.Fatalf("workers=%d: %d results, want %d", workers, len(got.Txs), len(want.Txs))
	}
	for i := range want.Txs {
		g, w := got.Txs[i], want.Txs[i]
		if g.Output != w.Output || fmt.Sprint(g.Err) != fmt.Sprint(w.Err) || !slices.Equal(g.Writes, w.Writes) {
			t.Fatalf("workers=%d: tx %d:\n parallel %+v\n serial   %+v", workers, i, g, w)
		}
	}
	if !maps.Equal(got.State, want.State) {
		t.Fatalf("workers=%d: final state differs:\n parallel %v\n serial   %v", workers, got.State, want.State)
	}
	return got
}

func TestParallelEqualsSerial(t *testing.T) {
	for _, p := range profiles {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			var st Stats
			for seed := range seeds(t) {
				r := rand.New(rand.NewPCG(uint64(seed), 7))
				txs := p.generate(r)
				workers := 1 + seed%4
				res := checkSame(t, txs, BaseFunc[loc, val](hashBase), workers)
				st.Executions += res.Stats.Executions
				st.Txs += res.Stats.Txs
				st.Aborts += res.Stats.Aborts
				st.Suspensions += res.Stats.Suspensions
				st.Validations += res.Stats.Validations
				if p.own && res.Stats.ReExecutions() != 0 {
					t.Fatalf("seed %d: independent transactions re-executed %d times (%+v)", seed, res.Stats.ReExecutions(), res.Stats)
				}
			}
			t.Logf("%+v re-executions %d", st, st.ReExecutions())
		})
	}
}

// TestContentionIsExercised guards the test above against an executor
// that quietly runs everything in order: on one contended key, with
// several workers, some executions must be redone.
func TestContentionIsExercised(t *testing.T) {
	total := 0
	for seed := range seeds(t) {
		r := rand.New(rand.NewPCG(uint64(seed), 9))
		txs := make([]Tx[loc, val, uint64], 150)
		for i := range txs {
			txs[i] = &scriptTx{index: i, ops: []op{{kind: opBurn, arg: r.Uint64N(500)}, {kind: opIncr, key: 0}}}
		}
		res := checkSame(t, txs, nil, 4)
		total += res.Stats.ReExecutions() + res.Stats.Suspensions
		// Every transaction incremented the counter it read.
		if got := res.State[0]; got != uint64(len(txs)) {
			t.Fatalf("counter %d, want %d", got, len(txs))
		}
		for i, r := range res.Txs {
			if r.Writes[0].Value != uint64(i+1) {
				t.Fatalf("tx %d left %d", i, r.Writes[0].Value)
			}
		}
	}
	if total == 0 {
		t.Fatal("no re-execution or suspension on a fully contended workload")
	}
}

// TestIndependentNoReExecution: transactions that share nothing (but a
// fee added to one location) are each executed exactly once.
func TestIndependentNoReExecution(t *testing.T) {
	for _, p := range profiles[:2] {
		for seed := range seeds(t) {
			txs := p.generate(rand.New(rand.NewPCG(uint64(seed), 11)))
			res := checkSame(t, txs, MapBase[loc, val]{feeKey: 1000}, 4)
			if res.Stats.ReExecutions() != 0 || res.Stats.Aborts != 0 || res.Stats.Suspensions != 0 {
				t.Fatalf("%s seed %d: %+v", p.name, seed, res.Stats)
			}
		}
	}
}

func TestDeltasSum(t *testing.T) {
	const n = 300
	txs := make([]Tx[loc, val, uint64], n)
	for i := range txs {
		txs[i] = TxFunc[loc, val, uint64](func(v View[loc, val]) (uint64, error) {
			v.Add(7, uint64(i))
			if i%50 == 49 {
				// An occasional reader must see the sum so far.
				return v.Read(7)
			}
			return 0, nil
		})
	}
	res := checkSame(t, txs, MapBase[loc, val]{7: 5}, 4)
	sum := uint64(5)
	for i, r := range res.Txs {
		sum += uint64(i)
		if i%50 == 49 && r.Output != sum {
			t.Fatalf("tx %d read %d, want %d", i, r.Output, sum)
		}
		if r.Writes[0].Value != sum {
			t.Fatalf("tx %d left %d, want %d", i, r.Writes[0].Value, sum)
		}
	}
	if res.State[7] != sum {
		t.Fatalf("final %d, want %d", res.State[7], sum)
	}
}

// TestFatal: a panicking transaction or a failing base stops the block at
// the same transaction in both executors, and only if the serial order
// reaches it (speculative panics on inconsistent states do not count).
func TestFatal(t *testing.T) {
	cases := []struct {
		name string
		p    profile
		base Base[loc, val]
	}{
		{"panics", profile{txs: 100, keys: 6, ops: 6, failMod: 61, weight: w(4, 3, 1, 3, 1, 0, 1, 1, 1), burnMax: 200}, BaseFunc[loc, val](hashBase)},
		{"base-errors", profile{txs: 40, keys: 2000, ops: 6, fee: true, weight: w(4, 3, 1, 3, 1, 0, 0, 1, 1), burnMax: 200}, BaseFunc[loc, val](failingBase)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fatal := 0
			for seed := range seeds(t) {
				txs := c.p.generate(rand.New(rand.NewPCG(uint64(seed), 13)))
				if checkSame(t, txs, c.base, 1+seed%4) == nil {
					fatal++
				}
			}
			t.Logf("%d of %d blocks stopped", fatal, seeds(t))
		})
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	txs := profiles[2].generate(rand.New(rand.NewPCG(1, 1)))
	if _, err := (&Parallel[loc, val, uint64]{Workers: 2}).Execute(ctx, txs); !errors.Is(err, context.Canceled) {
		t.Fatalf("parallel: %v", err)
	}
	if _, err := (&Serial[loc, val, uint64]{}).Execute(ctx, txs); !errors.Is(err, context.Canceled) {
		t.Fatalf("serial: %v", err)
	}

	// Cancelled from inside the block: the run stops, or had finished.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	txs = make([]Tx[loc, val, uint64], 2000)
	for i := range txs {
		txs[i] = TxFunc[loc, val, uint64](func(v View[loc, val]) (uint64, error) {
			if i == 10 {
				cancel()
			}
			return burn(uint64(i), 2000), nil
		})
	}
	res, err := (&Parallel[loc, val, uint64]{Workers: 4}).Execute(ctx, txs)
	if err == nil && len(res.Txs) != len(txs) || err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
}

func TestEmptyBlock(t *testing.T) {
	res, err := (&Parallel[loc, val, uint64]{}).Execute(context.Background(), nil)
	if err != nil || len(res.Txs) != 0 || len(res.State) != 0 {
		t.Fatalf("%v %v", res, err)
	}
}

// TestStress runs every profile with more workers than cores and no CPU
// work in the transactions, so that the scheduler's races, not the
// transactions, dominate.
func TestStress(t *testing.T) {
	for _, p := range profiles {
		p.burnMax = 0
		t.Run(p.name, func(t *testing.T) {
			for seed := range seeds(t) {
				txs := p.generate(rand.New(rand.NewPCG(uint64(seed), 17)))
				checkSame(t, txs, BaseFunc[loc, val](hashBase), 8)
			}
		})
	}
}
