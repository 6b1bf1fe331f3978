package sequencer_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cairn-vm/cairn/sequencer"
)

// TestAccessListGroupsEqualSerial runs blocks in which every transaction
// declares (some too little), so that the access-list executor runs them
// all in conflict groups, without falling back, and checks the result
// against Serial's.
func TestAccessListGroupsEqualSerial(t *testing.T) {
	ctx := context.Background()
	for _, mode := range []string{"spread", "hot", "one"} {
		for seed := range 4 {
			name := fmt.Sprintf("%s/seed=%d", mode, seed)
			w := world(t, 24, seed == 0)
			r := rand.New(rand.NewPCG(uint64(seed), 9))
			b := randomBlock(w, r, 60, mode, true)
			for _, tx := range b.Txs {
				if tx.Access == nil {
					w.Declare(tx, tx.Calldata[3]) // the transfer's recipient
				}
			}
			want, err := (&sequencer.Serial{Config: w.Config}).Execute(ctx, w.Genesis, b)
			if err != nil {
				t.Fatal(err)
			}
			for workers := 1; workers <= 3; workers++ {
				got, err := (&sequencer.AccessListExecutor{Config: w.Config, Workers: workers}).Execute(ctx, w.Genesis, b)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				sameResult(t, fmt.Sprintf("%s workers=%d", name, workers), want, got)
				if got.Stats.Fallback || got.Stats.Planned != len(b.Txs) {
					t.Fatalf("%s: stats %+v: every transaction should run planned", name, got.Stats)
				}
				if mode == "spread" && got.Stats.Groups < 2 {
					t.Errorf("%s: %d conflict groups", name, got.Stats.Groups)
				}
			}
		}
	}
}
