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
