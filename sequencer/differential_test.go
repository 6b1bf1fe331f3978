package sequencer_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/cairn-vm/cairn/sequencer"
)

func executorsOf(cfg *sequencer.Config) []sequencer.Executor {
	return []sequencer.Executor{
		&sequencer.Serial{Config: cfg},
		&sequencer.BlockSTM{Config: cfg, Workers: 3},
		&sequencer.AccessListExecutor{Config: cfg, Workers: 2},
	}
}

// TestDifferentialAgrees runs random blocks under the JIT, every
// transaction checked against the interpreter, with every executor: no
// divergence, and the result of a plain interpreter run.
func TestDifferentialAgrees(t *testing.T) {
	ctx := context.Background()
	w := world(t, 12, false)
	b := randomBlock(w, rand.New(rand.NewPCG(3, 42)), 30, "hot", true)
	want, err := (&sequencer.Serial{Config: w.Config}).Execute(ctx, w.Genesis, b)
	if err != nil {
		t.Fatal(err)
	}
	cfg := *w.Config
	cfg.Engine, cfg.Differential = "jit", 1
	for _, ex := range executorsOf(&cfg) {
		got, err := ex.Execute(ctx, w.Genesis, b)
		if err != nil {
			t.Fatalf("%s: %v", ex.Name(), err)
		}
		if d := got.Divergences(); len(d) > 0 {
			t.Fatalf("%s: transactions %v diverged: %s", ex.Name(), d, got.Receipts[d[0]].Divergence)
		}
		sameResult(t, ex.Name(), want, got)
	}
}

// TestDifferentialKeepsTheInterpreter: an engine that fails every call
// (an unknown engine name) diverges on every checked transaction that runs
// Cairo, and the block's result is still the interpreter's.
func TestDifferentialKeepsTheInterpreter(t *testing.T) {
	ctx := context.Background()
	w := world(t, 8, false)
	b := randomBlock(w, rand.New(rand.NewPCG(5, 42)), 20, "spread", true)
	want, err := (&sequencer.Serial{Config: w.Config}).Execute(ctx, w.Genesis, b)
	if err != nil {
		t.Fatal(err)
	}
	cfg := *w.Config
	cfg.Engine, cfg.Differential = "no-such-engine", 1
	for _, ex := range executorsOf(&cfg) {
		got, err := ex.Execute(ctx, w.Genesis, b)
		if err != nil {
			t.Fatalf("%s: %v", ex.Name(), err)
		}
		if len(got.Divergences()) == 0 {
			t.Fatalf("%s: no divergence", ex.Name())
		}
		for i, r := range got.Receipts {
			// A transaction rejected before any Cairo runs (a bad nonce, a
			// balance below the max fee) is the same under any engine.
			ran := want.Receipts[i].Status != sequencer.Rejected
			if ran && !strings.Contains(r.Divergence, "no-such-engine") || !ran && r.Divergence != "" && !strings.Contains(r.Divergence, "no-such-engine") {
				t.Fatalf("%s: tx %d (%v): divergence %q", ex.Name(), i, want.Receipts[i].Status, r.Divergence)
			}
			c := *r
			c.Divergence = ""
			got.Receipts[i] = &c
		}
		sameResult(t, ex.Name(), want, got)
	}
}

// TestDifferentialSamples: a fraction checks about that share of the
// transactions, the same ones in every executor.
func TestDifferentialSamples(t *testing.T) {
	ctx := context.Background()
	w := world(t, 40, false)
	b, err := w.TransferBlock(40, "low", true, 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg := *w.Config
	cfg.Engine, cfg.Differential = "no-such-engine", 0.5
	var first []int
	for _, ex := range executorsOf(&cfg) {
		got, err := ex.Execute(ctx, w.Genesis, b)
		if err != nil {
			t.Fatalf("%s: %v", ex.Name(), err)
		}
		d := got.Divergences()
		if len(d) < 8 || len(d) > 32 {
			t.Fatalf("%s: %d of %d transactions checked at 0.5", ex.Name(), len(d), len(b.Txs))
		}
		if first == nil {
			first = d
		} else if !slices.Equal(d, first) {
			t.Fatalf("%s checked %v, serial %v", ex.Name(), d, first)
		}
	}
}
