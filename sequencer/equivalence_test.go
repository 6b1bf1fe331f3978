package sequencer_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/sequencer"
	"github.com/cairn-vm/cairn/sequencer/workload"
)

// randomBlock returns n random transfers between w's accounts: to random
// accounts (spread), to one of a few (hot), or all to one account (one).
// Some overdraw (the token's transfer reverts), some carry a bad nonce
// (rejected), a max fee below the fee (reverted, paying the max fee) or
// above the balance (rejected); with declare, most declare their access
// lists and some declare too little (an access violation reverts them).
func randomBlock(w *workload.World, r *rand.Rand, n int, mode string, declare bool) *sequencer.Block {
	b := &sequencer.Block{Number: 7, Timestamp: 1_700_000_000, SequencerAddress: w.Sequencer}
	for range n {
		a := w.Accounts[r.IntN(len(w.Accounts))]
		var to asm.Felt
		switch mode {
		case "spread":
			to = w.Accounts[r.IntN(len(w.Accounts))].Address
			if r.IntN(2) == 0 {
				to = asm.FeltFromUint64(0x10_0000 + r.Uint64N(1000))
			}
		case "hot":
			to = w.Accounts[r.IntN(3)].Address
		default:
			to = w.Accounts[0].Address
		}
		amount := 1 + r.Uint64N(1000)
		maxFee := uint64(10_000_000)
		nonce := a.Nonce
		switch r.IntN(12) {
		case 0:
			amount = 2_000_000_000 // more than anyone holds: reverts
		case 1:
			nonce += 1 + r.Uint64N(2) // a nonce from the future: rejected
		case 2:
			if nonce > 0 {
				nonce-- // replayed: rejected
			}
		case 3:
			maxFee = 5_000 // below the fee: reverted, pays the max fee
		case 4:
			maxFee = 5_000_000_000 // above the balance: rejected
		}
		tx := sequencer.NewInvoke(a.Address, asm.FeltFromUint64(nonce), asm.FeltFromUint64(maxFee), w.TransferCalldata(to, amount))
		if nonce == a.Nonce && maxFee < 1_000_000_000 {
			a.Nonce++
		}
		if declare {
			switch r.IntN(5) {
			case 0: // undeclared
			case 1:
				tx.Access = &sequencer.AccessList{} // too little: a violation
			default:
				w.Declare(tx, to)
			}
		}
		w.Sign(tx, a)
		b.Txs = append(b.Txs, tx)
	}
	return b
}

// sameResult fails unless got equals want in receipts, diff and root.
func sameResult(t *testing.T, what string, want, got *sequencer.BlockResult) {
	t.Helper()
	if len(want.Receipts) != len(got.Receipts) {
		t.Fatalf("%s: %d receipts, want %d", what, len(got.Receipts), len(want.Receipts))
	}
	for i := range want.Receipts {
		if !reflect.DeepEqual(want.Receipts[i], got.Receipts[i]) {
			t.Fatalf("%s: receipt %d:\n got %+v\nwant %+v", what, i, got.Receipts[i], want.Receipts[i])
		}
	}
	if !reflect.DeepEqual(want.Diff, got.Diff) {
		t.Fatalf("%s: diffs differ:\n got %+v\nwant %+v", what, got.Diff, want.Diff)
	}
	if want.Root != got.Root {
		t.Fatalf("%s: root %s, want %s", what, got.Root.String(), want.Root.String())
	}
}

func statuses(res *sequencer.BlockResult) map[sequencer.Status]int {
	m := map[sequencer.Status]int{}
	for _, r := range res.Receipts {
		m[r.Status]++
	}
	return m
}

// TestParallelEqualsSerial runs random blocks with every executor, from
// transfers spread over many accounts to all of them paying one, and
// checks that receipts, diffs and roots equal the serial ones.
func TestParallelEqualsSerial(t *testing.T) {
	ctx := context.Background()
	seeds := 6
	if testing.Short() {
		seeds = 2
	}
	for _, declare := range []bool{false, true} {
		for _, mode := range []string{"spread", "hot", "one"} {
			for seed := range seeds {
				name := fmt.Sprintf("%s/declare=%v/seed=%d", mode, declare, seed)
				w := world(t, 12, seed%3 == 0)
				r := rand.New(rand.NewPCG(uint64(seed), 42))
				b := randomBlock(w, r, 40, mode, declare)
				want, err := (&sequencer.Serial{Config: w.Config}).Execute(ctx, w.Genesis, b)
				if err != nil {
					t.Fatal(err)
				}
				for _, ex := range []sequencer.Executor{
					&sequencer.BlockSTM{Config: w.Config, Workers: 1 + seed%4},
					&sequencer.BlockSTM{Config: w.Config, Workers: 2 + seed%3, Hints: true},
					&sequencer.AccessListExecutor{Config: w.Config, Workers: 1 + seed%4},
				} {
					got, err := ex.Execute(ctx, w.Genesis, b)
					if err != nil {
						t.Fatalf("%s %s: %v", name, ex.Name(), err)
					}
					sameResult(t, name+" "+ex.Name(), want, got)
					if seed == 0 {
						t.Logf("%s %s: %v, stats %+v", name, ex.Name(), statuses(want), got.Stats)
					}
				}
			}
		}
	}
}
