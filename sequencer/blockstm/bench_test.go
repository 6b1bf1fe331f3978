package blockstm

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// benchWork overrides the CPU each synthetic transaction burns (rounds of
// an LCG, about a nanosecond each); 0 runs the default sizes.
var benchWork = flag.Int("blockstm.work", 0, "rounds of CPU work per benchmark transaction (0: 2000 and 20000)")

// benchTx is a synthetic transaction: it reads two locations, burns CPU,
// writes both, and pays a fee to the sequencer as a delta.
type benchTx struct {
	a, b loc
	work uint64
}

func (t *benchTx) Execute(v View[loc, val]) (uint64, error) {
	x, err := v.Read(t.a)
	if err != nil {
		return 0, err
	}
	y, err := v.Read(t.b)
	if err != nil {
		return 0, err
	}
	h := burn(x^y, t.work)
	v.Write(t.a, x+1)
	v.Write(t.b, y^h)
	v.Add(feeKey, 1)
	return h, nil
}

// benchBlock returns n transactions touching locations drawn from keys of
// them (keys 0: each transaction has its own).
func benchBlock(n int, keys uint32, work uint64) []Tx[loc, val, uint64] {
	r := rand.New(rand.NewPCG(1, 2))
	txs := make([]Tx[loc, val, uint64], n)
	for i := range txs {
		t := &benchTx{a: loc(2 * i), b: loc(2*i + 1), work: work}
		if keys > 0 {
			t.a, t.b = loc(r.Uint32N(keys)), loc(r.Uint32N(keys))
		}
		txs[i] = t
	}
	return txs
}

// BenchmarkBlock executes a 1000-transaction block at three contention
// levels: independent transactions, random pairs of 64 locations (about
// one transaction in eight conflicts with one of the eight before it),
// and one location every transaction reads and writes (a chain: nothing
// can run in parallel). The speedup metric is against the fastest of
// three serial runs of the same block.
func BenchmarkBlock(b *testing.B) {
	works := []uint64{2000, 20000}
	if *benchWork > 0 {
		works = []uint64{uint64(*benchWork)}
	}
	contention := []struct {
		name string
		keys uint32
	}{{"independent", 0}, {"64keys", 64}, {"1key", 1}}
	const n = 1000
	ctx := context.Background()
	for _, work := range works {
		for _, c := range contention {
			txs := benchBlock(n, c.keys, work)
			serial := &Serial[loc, val, uint64]{Add: addU64}
			best := time.Duration(1<<63 - 1)
			for range 3 {
				start := time.Now()
				if _, err := serial.Execute(ctx, txs); err != nil {
					b.Fatal(err)
				}
				best = min(best, time.Since(start))
			}
			name := fmt.Sprintf("work=%d/%s", work, c.name)
			b.Run(name+"/serial", func(b *testing.B) {
				for b.Loop() {
					serial.Execute(ctx, txs)
				}
				b.ReportMetric(float64(best)/(float64(b.Elapsed())/float64(b.N)), "speedup")
			})
			for _, workers := range []int{1, 2, 4} {
				b.Run(fmt.Sprintf("%s/workers=%d", name, workers), func(b *testing.B) {
					p := &Parallel[loc, val, uint64]{Add: addU64, Workers: workers}
					reexec, susp := 0, 0
					for b.Loop() {
						res, err := p.Execute(ctx, txs)
						if err != nil {
							b.Fatal(err)
						}
						reexec += res.Stats.ReExecutions()
						susp += res.Stats.Suspensions
					}
					b.ReportMetric(float64(best)/(float64(b.Elapsed())/float64(b.N)), "speedup")
					b.ReportMetric(float64(reexec)/float64(b.N), "reexec/block")
					b.ReportMetric(float64(susp)/float64(b.N), "susp/block")
				})
			}
		}
	}
}
