package conformance

import (
	"path/filepath"
	"testing"

	"github.com/cairn-vm/cairn/runtime"
)

// BenchmarkCorpus runs every corpus program that has a cairo-vm-go timing,
// without a trace, loading it in every iteration as a cairo-vm-go process
// does. It reports steps/s and x_cvg, the ratio to cairo-vm-go's steps/s on
// the corpus's reference machine (a 2-core machine like the one CI uses;
// on another machine the ratio is indicative only).
//
//	go test ./conformance -run '^$' -bench Corpus -benchtime 3x
func BenchmarkCorpus(b *testing.B) {
	dir, err := Dir()
	if err != nil {
		b.Skip(err)
	}
	m, err := LoadManifest(dir)
	if err != nil {
		b.Fatal(err)
	}
	skips, err := LoadSkips("skip.txt")
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range m.Programs {
		if e.Benchmark == nil || e.Exec == nil {
			continue
		}
		b.Run(e.Name, func(b *testing.B) {
			if reason, ok := skips[e.Name]; ok {
				b.Skip(reason)
			}
			opts := runtime.Options{Layout: e.Layout}
			if e.LayoutParams != "" {
				opts.LayoutParamsFile = filepath.Join(dir, e.LayoutParams)
			}
			steps := 0
			for b.Loop() {
				p, err := runtime.Load(filepath.Join(dir, e.File))
				if err != nil {
					b.Fatal(err)
				}
				res, err := p.Run(opts)
				if err != nil {
					b.Fatal(err)
				}
				steps += res.Steps
			}
			sps := float64(steps) / b.Elapsed().Seconds()
			b.ReportMetric(sps, "steps/s")
			b.ReportMetric(sps/e.Benchmark.StepsPerSec, "x_cvg")
			b.ReportMetric(0, "ns/op")
		})
	}
}
