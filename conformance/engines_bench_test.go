package conformance

import (
	"path/filepath"
	"testing"

	"github.com/cairn-vm/cairn/runtime"
)

// BenchmarkEngines runs each corpus program that has a cairo-vm-go timing
// under every engine, side by side in one run, loaded once (as a node
// loads a program once and runs it many times), trace off. Compare the
// engines' steps/s with benchstat or by eye:
//
//	go test ./conformance -run '^$' -bench 'Engines/.*big_fibonacci' -benchtime 5x
func BenchmarkEngines(b *testing.B) {
	dir, err := Dir()
	if err != nil {
		b.Skip(err)
	}
	m, err := LoadManifest(dir)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range m.Programs {
		if e.Exec == nil || e.Benchmark == nil {
			continue
		}
		p, err := runtime.Load(filepath.Join(dir, e.File))
		if err != nil {
			b.Fatal(err)
		}
		opts := runtime.Options{Layout: e.Layout}
		if e.LayoutParams != "" {
			opts.LayoutParamsFile = filepath.Join(dir, e.LayoutParams)
		}
		for _, engine := range []string{runtime.EngineInterp, runtime.EngineJIT, runtime.EngineAuto} {
			b.Run(e.Name+"/"+engine, func(b *testing.B) {
				opts := opts
				opts.Engine = engine
				steps := 0
				for b.Loop() {
					res, err := p.Run(opts)
					if err != nil {
						b.Fatal(err)
					}
					steps += res.Steps
					res.Release()
				}
				b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "steps/s")
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}
