package blockstm

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// scriptHints returns hints for script transactions: the keys each one
// reads and writes by its script (exact, except for opDynamic's reads),
// or, with wrong set, keys drawn at random instead, so that hints which
// are missing, superfluous or plain wrong are all exercised.
func scriptHints(txs []Tx[loc, val, uint64], r *rand.Rand, wrong bool, keys uint32) func(int) ([]loc, []loc) {
	reads := make([][]loc, len(txs))
	writes := make([][]loc, len(txs))
	for i, tx := range txs {
		st, ok := tx.(*scriptTx)
		if !ok {
			continue
		}
		for _, o := range st.ops {
			k := o.key
			if wrong {
				k = loc(r.Uint32N(max(keys, 1)))
			}
			switch o.kind {
			case opRead:
				reads[i] = append(reads[i], k)
			case opWrite:
				writes[i] = append(writes[i], k)
			case opIncr:
				reads[i] = append(reads[i], k)
				writes[i] = append(writes[i], k)
			}
		}
	}
	return func(tx int) ([]loc, []loc) { return reads[tx], writes[tx] }
}

// TestHintsKeepResults: with hints, right or wrong, the parallel result
// is still the serial one.
func TestHintsKeepResults(t *testing.T) {
	ctx := context.Background()
	for _, p := range profiles {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			for seed := range seeds(t) {
				r := rand.New(rand.NewPCG(uint64(seed), 23))
				txs := p.generate(r)
				base := BaseFunc[loc, val](hashBase)
				want, wantErr := (&Serial[loc, val, uint64]{Base: base, Add: addU64}).Execute(ctx, txs)
				if wantErr != nil {
					t.Fatal(wantErr)
				}
				for _, wrong := range []bool{false, true} {
					par := &Parallel[loc, val, uint64]{Base: base, Add: addU64, Workers: 1 + seed%4,
						Hints: scriptHints(txs, r, wrong, max(p.keys, 8))}
					got, err := par.Execute(ctx, txs)
					if err != nil {
						t.Fatal(err)
					}
					sameResult(t, got, want)
				}
			}
		})
	}
}

// TestHintsSerialiseAChain: when every transaction increments one counter
// and says so, each waits for the one before instead of running on a
// stale value: nothing is executed twice or aborted.
func TestHintsSerialiseAChain(t *testing.T) {
	for seed := range seeds(t) {
		r := rand.New(rand.NewPCG(uint64(seed), 29))
		txs := make([]Tx[loc, val, uint64], 150)
		for i := range txs {
			txs[i] = &scriptTx{index: i, ops: []op{{kind: opBurn, arg: r.Uint64N(500)}, {kind: opIncr, key: 0}}}
		}
		par := &Parallel[loc, val, uint64]{Workers: 4, Hints: scriptHints(txs, r, false, 1)}
		res, err := par.Execute(context.Background(), txs)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := (&Serial[loc, val, uint64]{}).Execute(context.Background(), txs)
		sameResult(t, res, want)
		if res.Stats.ReExecutions() != 0 || res.Stats.Aborts != 0 {
			t.Fatalf("seed %d: %+v", seed, res.Stats)
		}
	}
}

func sameResult(t *testing.T, got, want *Result[loc, val, uint64]) {
	t.Helper()
	for i := range want.Txs {
		g, w := got.Txs[i], want.Txs[i]
		if g.Output != w.Output || fmt.Sprint(g.Err) != fmt.Sprint(w.Err) || len(g.Writes) != len(w.Writes) {
			t.Fatalf("tx %d:\n parallel %+v\n serial   %+v", i, g, w)
		}
		for j := range w.Writes {
			if g.Writes[j] != w.Writes[j] {
				t.Fatalf("tx %d write %d: parallel %+v, serial %+v", i, j, g.Writes[j], w.Writes[j])
			}
		}
	}
	if len(got.State) != len(want.State) {
		t.Fatalf("final state: %d locations, want %d", len(got.State), len(want.State))
	}
	for k, v := range want.State {
		if got.State[k] != v {
			t.Fatalf("final state at %d: %d, want %d", k, got.State[k], v)
		}
	}
}
