package sequencer_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cairn-vm/cairn/sequencer"
	"github.com/cairn-vm/cairn/sequencer/workload"
)

var header = sequencer.Block{Number: 1, Timestamp: 1_700_000_000}

// prefixRuns executes every prefix of txs with Serial over the genesis, as
// blocks of their own: what the builder's cuts must agree with.
func prefixRuns(t *testing.T, w *workload.World, txs []*sequencer.Tx) []*sequencer.BlockResult {
	t.Helper()
	out := make([]*sequencer.BlockResult, len(txs)+1)
	for k := 1; k <= len(txs); k++ {
		b := header
		b.SequencerAddress = w.Sequencer
		b.Txs = txs[:k]
		res, err := (&sequencer.Serial{Config: w.Config}).Execute(context.Background(), w.Genesis, &b)
		if err != nil {
			t.Fatal(err)
		}
		out[k] = res
	}
	return out
}

func TestBuilderLimits(t *testing.T) {
	w := world(t, 6, false)
	for _, a := range w.Accounts {
		a.Nonce = 0
	}
	txs := transferStream(w, 12, 9)
	runs := prefixRuns(t, w, txs)
	steps := func(k int) int { return runs[k].Stats.Steps }
	entries := func(k int) int { return sequencer.DiffEntries(&runs[k].Diff) }
	for k := 2; k <= len(txs); k++ {
		if entries(k) < entries(k-1) {
			t.Fatalf("the diff shrinks from prefix %d to %d: pick another stream", k-1, k)
		}
	}
	h := header
	h.SequencerAddress = w.Sequencer

	// longest returns the length of the longest prefix that fits.
	longest := func(fits func(k int) bool) int {
		best := 1
		for k := 1; k <= len(txs); k++ {
			if fits(k) {
				best = k
			}
		}
		return best
	}
	cases := []struct {
		name   string
		limits sequencer.Limits
		want   int
	}{
		{"none", sequencer.Limits{}, len(txs)},
		{"txs", sequencer.Limits{MaxTxs: 5}, 5},
		{"steps exact", sequencer.Limits{MaxSteps: steps(7)}, 7},
		{"steps one short", sequencer.Limits{MaxSteps: steps(7) - 1}, 6},
		{"steps below one tx", sequencer.Limits{MaxSteps: 1}, 1},
		{"diff", sequencer.Limits{MaxDiffEntries: entries(4)}, longest(func(k int) bool { return entries(k) <= entries(4) })},
		{"diff one short", sequencer.Limits{MaxDiffEntries: entries(4) - 1}, longest(func(k int) bool { return entries(k) <= entries(4)-1 })},
		{"diff below one tx", sequencer.Limits{MaxDiffEntries: 1}, 1},
		{"all", sequencer.Limits{MaxTxs: 10, MaxSteps: steps(9), MaxDiffEntries: entries(6)}, min(10, 9, longest(func(k int) bool { return entries(k) <= entries(6) }))},
	}
	for _, c := range cases {
		for _, ex := range []sequencer.Executor{&sequencer.Serial{Config: w.Config},
			&sequencer.BlockSTM{Config: w.Config, Workers: 2},
			&sequencer.AccessListExecutor{Config: w.Config, Workers: 2}} {
			b := &sequencer.Builder{Executor: ex, Limits: c.limits}
			got, err := b.Build(context.Background(), w.Genesis, h, txs)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(got.Block.Txs); n != c.want {
				t.Errorf("%s, %s: block of %d txs, want %d", c.name, ex.Name(), n, c.want)
				continue
			}
			ref := runs[c.want]
			if got.Result.Root != ref.Root || got.Block.Txs[c.want-1] != txs[c.want-1] {
				t.Errorf("%s, %s: root %s, the prefix's %s", c.name, ex.Name(), got.Result.Root.Hex(), ref.Root.Hex())
			}
			if got.Left != len(txs)-c.want || len(got.Rejected) != 0 {
				t.Errorf("%s, %s: %d left, %d rejected", c.name, ex.Name(), got.Left, len(got.Rejected))
			}
		}
	}
}

func TestBuilderRejected(t *testing.T) {
	w := world(t, 3, false)
	a, b := w.Accounts[0], w.Accounts[1]
	good1 := w.Transfer(a, b.Address, 5, 10_000_000)
	// b cannot pay a max fee over its balance: rejected; its next
	// transaction, whose nonce is then not b's, waits.
	poor := w.Transfer(b, a.Address, 5, 2_000_000_000)
	after := w.Transfer(b, a.Address, 5, 10_000_000)
	good2 := w.Transfer(a, b.Address, 7, 10_000_000)
	h := header
	h.SequencerAddress = w.Sequencer
	got, err := (&sequencer.Builder{Executor: &sequencer.BlockSTM{Config: w.Config, Workers: 2}}).Build(context.Background(), w.Genesis, h,
		[]*sequencer.Tx{good1, poor, after, good2})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Block.Txs) != 2 || got.Block.Txs[0] != good1 || got.Block.Txs[1] != good2 {
		t.Fatalf("block of %d txs", len(got.Block.Txs))
	}
	if len(got.Rejected) != 1 || got.Rejected[0].Tx != poor || got.Left != 1 {
		t.Fatalf("rejected %v", got.Rejected)
	}
	for _, r := range got.Rejected {
		if r.Receipt.Status != sequencer.Rejected || r.Receipt.Reason == "" {
			t.Fatalf("rejected receipt %+v", r.Receipt)
		}
	}
	ref := prefixRuns(t, w, []*sequencer.Tx{good1, good2})[2]
	if got.Result.Root != ref.Root || len(got.Result.Receipts) != 2 {
		t.Fatalf("root %s, the block without the rejected transactions gives %s", got.Result.Root.Hex(), ref.Root.Hex())
	}

	// Only rejected candidates: an empty block.
	got, err = (&sequencer.Builder{Executor: &sequencer.Serial{Config: w.Config}}).Build(context.Background(), w.Genesis, h, []*sequencer.Tx{after})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Block.Txs) != 0 || got.Result != nil || len(got.Rejected) != 1 {
		t.Fatalf("only a rejected candidate: %d txs, %d rejected", len(got.Block.Txs), len(got.Rejected))
	}
	if _, err := (&sequencer.Builder{}).Build(context.Background(), w.Genesis, h, nil); !errors.Is(err, sequencer.ErrNoExecutor) {
		t.Fatalf("no executor: %v", err)
	}
}
