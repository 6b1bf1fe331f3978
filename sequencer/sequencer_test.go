package sequencer_test

import (
	"context"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/internal/corpusdir"
	"github.com/cairn-vm/cairn/sequencer"
	"github.com/cairn-vm/cairn/sequencer/workload"
)

func world(t testing.TB, accounts int, validate bool) *workload.World {
	t.Helper()
	dir := corpusdir.OrSkip(t)
	w, err := workload.New(workload.Options{Corpus: dir, Accounts: accounts, Validate: validate, Balance: 1_000_000_000})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func balance(t testing.TB, w *workload.World, res *sequencer.BlockResult, addr asm.Felt) asm.Felt {
	t.Helper()
	key := sequencer.ERC20BalanceKey(addr)
	for _, sd := range res.Diff.StorageDiffs {
		if sd.Address != w.Token {
			continue
		}
		for _, e := range sd.StorageEntries {
			if e.Key == key {
				return e.Value
			}
		}
	}
	v, _ := w.Genesis.Storage(w.Token, key)
	return v
}

func TestSerialTransfers(t *testing.T) {
	for _, validate := range []bool{false, true} {
		w := world(t, 3, validate)
		b, err := w.TransferBlock(3, workload.Low, false, 1)
		if err != nil {
			t.Fatal(err)
		}
		res, err := (&sequencer.Serial{Config: w.Config}).Execute(context.Background(), w.Genesis, b)
		if err != nil {
			t.Fatal(err)
		}
		var fees asm.Felt
		for i, r := range res.Receipts {
			if r.Status != sequencer.Succeeded {
				t.Fatalf("validate=%v tx %d: %s %s", validate, i, r.Status, r.Reason)
			}
			t.Logf("validate=%v tx %d: fee %s steps %d events %d", validate, i, r.ActualFee, r.Resources.Steps, len(r.Events))
			fees.Add(&fees, &r.ActualFee)
		}
		if got := balance(t, w, res, w.Sequencer); got != fees {
			t.Errorf("sequencer balance %s, fees %s", got, fees)
		}
		if got := balance(t, w, res, asm.FeltFromUint64(0x10_0000)); got != asm.FeltFromUint64(1) {
			t.Errorf("recipient balance %s", got)
		}
		if res.Root.IsZero() || res.Root == w.Genesis.Root() {
			t.Errorf("root %s (genesis %s)", res.Root, w.Genesis.Root())
		}
	}
}

// TestPinnedRoots pins the state roots of small transfer blocks, as the
// executors computed them before the genesis kept its commitment and
// transactions their prepared balance keys: optimisations must not move
// them. Each block runs twice over the same genesis with every executor,
// which also checks that a block leaves the genesis commitment it starts
// from as it was.
func TestPinnedRoots(t *testing.T) {
	want := map[workload.Contention]string{
		workload.Low:  "0x33774926fe05138b5ec041dfba55eb5d61beef4674f44222c015607ddd38d3f",
		workload.High: "0x6ea6a741da2aaeef22903146cd2e92e5b6b220d037bcf1e3528e6508d2daa70",
		workload.Full: "0x2416adec1fd7449fd70b28bfdd27beaaccfd47916284ebcbfb7c6ebe7d2af12",
	}
	const genesisRoot = "0x2e4a10a3947b208e2691171922d3c92a392b4545fc89682b68a1573eb3c1e3a"
	for _, c := range []workload.Contention{workload.Low, workload.High, workload.Full} {
		w := world(t, 24, false)
		b, err := w.TransferBlock(24, c, true, 1)
		if err != nil {
			t.Fatal(err)
		}
		for round := range 2 {
			for _, ex := range []sequencer.Executor{&sequencer.Serial{Config: w.Config},
				&sequencer.BlockSTM{Config: w.Config, Workers: 2}, &sequencer.BlockSTM{Config: w.Config, Workers: 2, Hints: true},
				&sequencer.AccessListExecutor{Config: w.Config, Workers: 2}} {
				res, err := ex.Execute(context.Background(), w.Genesis, b)
				if err != nil {
					t.Fatal(err)
				}
				if got := res.Root.Hex(); got != want[c] {
					t.Errorf("%s %s round %d: root %s, want %s", c, ex.Name(), round, got, want[c])
				}
			}
		}
		cs, err := w.Genesis.Commitment()
		if err != nil {
			t.Fatal(err)
		}
		if g, r := w.Genesis.Root(), cs.Root(); g.Hex() != genesisRoot || r != g {
			t.Errorf("%s: genesis root %s, its commitment's %s, want %s", c, g.Hex(), r.Hex(), genesisRoot)
		}
	}
}
