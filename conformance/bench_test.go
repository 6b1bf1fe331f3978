package conformance

import (
	"path/filepath"
	"regexp"
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
	benchPrograms(b, func(e Entry) bool { return e.Benchmark != nil })
}

// hintHeavy names the hint-heavy program families (keccak, sha256, blake2s,
// dicts, uint256, secp, sets) whose programs have no cairo-vm-go timing.
var hintHeavy = regexp.MustCompile(`keccak|sha256|blake|dict|uint256|secp|set_`)

// BenchmarkHintHeavy reports steps/s for the hint-heavy corpus programs
// that BenchmarkCorpus does not cover (no cairo-vm-go timing to compare
// with).
func BenchmarkHintHeavy(b *testing.B) {
	benchPrograms(b, func(e Entry) bool {
		return e.Benchmark == nil && hintHeavy.MatchString(e.Name) && e.Exec.Steps >= 5000
	})
}

func benchPrograms(b *testing.B, want func(Entry) bool) {
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
		if e.Exec == nil || !want(e) {
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
				res.Release() // as a process exit would, inside the timing
			}
			sps := float64(steps) / b.Elapsed().Seconds()
			b.ReportMetric(sps, "steps/s")
			if e.Benchmark != nil {
				b.ReportMetric(sps/e.Benchmark.StepsPerSec, "x_cvg")
			}
			b.ReportMetric(0, "ns/op")
		})
	}
}
