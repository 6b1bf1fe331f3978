package journal

import (
	"path/filepath"
	"testing"
)

// A 200-byte record, about the size of an invoke transaction with a short
// calldata.
var benchRecord = make([]byte, 200)

func reportRecords(b *testing.B, j *Journal) {
	st := j.Stats()
	b.ReportMetric(float64(st.Records)/b.Elapsed().Seconds(), "records/s")
	if st.Syncs > 0 {
		b.ReportMetric(float64(st.Records)/float64(st.Syncs), "records/fsync")
	}
}

// BenchmarkAppend appends from one goroutine: one write and one fsync per
// record.
func BenchmarkAppend(b *testing.B) {
	j, _ := mustOpen(b, filepath.Join(b.TempDir(), "j"))
	defer j.Close()
	for b.Loop() {
		if err := j.Append(benchRecord); err != nil {
			b.Fatal(err)
		}
	}
	reportRecords(b, j)
}

// BenchmarkAppendGroup appends from 64 goroutines at once (as the
// sequencer's request handlers would): concurrent Appends share fsyncs.
func BenchmarkAppendGroup(b *testing.B) {
	j, _ := mustOpen(b, filepath.Join(b.TempDir(), "j"))
	defer j.Close()
	b.SetParallelism(32) // 32 x GOMAXPROCS goroutines
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := j.Append(benchRecord); err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportRecords(b, j)
}

// BenchmarkAppendBatch appends 64 records per call from one goroutine;
// b.N counts records.
func BenchmarkAppendBatch(b *testing.B) {
	j, _ := mustOpen(b, filepath.Join(b.TempDir(), "j"))
	defer j.Close()
	batch := make([][]byte, 64)
	for i := range batch {
		batch[i] = benchRecord
	}
	for i := 0; i < b.N; i += len(batch) {
		if err := j.AppendBatch(batch[:min(len(batch), b.N-i)]); err != nil {
			b.Fatal(err)
		}
	}
	reportRecords(b, j)
}
