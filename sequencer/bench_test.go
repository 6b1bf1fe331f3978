package sequencer_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/cairn-vm/cairn/sequencer"
	"github.com/cairn-vm/cairn/sequencer/workload"
)

// BenchmarkExecutors executes a block of 200 transfers (each from its own
// account, declaring its access list) at low and full contention with
// each executor; it reports transactions and Cairo steps per second and
// re-executions per block.
func BenchmarkExecutors(b *testing.B) {
	const n = 200
	for _, validate := range []bool{false, true} {
		w := world(b, n, validate)
		for _, c := range []workload.Contention{workload.Low, workload.Full} {
			for _, a := range w.Accounts {
				a.Nonce = 0
			}
			blk, err := w.TransferBlock(n, c, true, 1)
			if err != nil {
				b.Fatal(err)
			}
			for _, ex := range []sequencer.Executor{
				&sequencer.Serial{Config: w.Config},
				&sequencer.BlockSTM{Config: w.Config},
				&sequencer.AccessListExecutor{Config: w.Config},
			} {
				b.Run(fmt.Sprintf("validate=%v/%s/%s", validate, c, ex.Name()), func(b *testing.B) {
					var steps, reexec int
					for b.Loop() {
						res, err := ex.Execute(context.Background(), w.Genesis, blk)
						if err != nil {
							b.Fatal(err)
						}
						steps += res.Stats.Steps
						reexec += res.Stats.ReExecutions
					}
					secs := b.Elapsed().Seconds()
					b.ReportMetric(float64(n*b.N)/secs, "tx/s")
					b.ReportMetric(float64(steps)/secs, "steps/s")
					b.ReportMetric(float64(reexec)/float64(b.N), "reexec/block")
				})
			}
		}
	}
}
