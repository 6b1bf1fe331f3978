package jit

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/internal/corpusdir"
)

// erc20Code prepares the corpus's ERC20 class as the starknet executor
// does (every hinted pc, every entry point).
func erc20Code(tb testing.TB) *analysis {
	tb.Helper()
	cl, err := class.Load(filepath.Join(corpusdir.OrSkip(tb), "casm", "erc20__erc_20.json"))
	if err != nil {
		tb.Fatal(err)
	}
	hinted := map[int]bool{}
	for pc, hs := range cl.Hints {
		if len(hs) > 0 {
			hinted[pc] = true
		}
	}
	var entries []int
	for _, kind := range []class.EntryPointType{class.External, class.L1Handler, class.Constructor} {
		for _, ep := range cl.EntryPoints(kind) {
			entries = append(entries, ep.Offset)
		}
	}
	return analyze(cl.Bytecode, entries, func(pc int) bool { return hinted[pc] })
}

// BenchmarkCompileERC20 measures a cold compile of the ERC20 class: the
// wasm emission (emit) and wazero's compilation to native code in a fresh
// runtime (native), which add up to a cold compile; and the compile of a
// restarted process whose cache directory holds both (cached).
func BenchmarkCompileERC20(b *testing.B) {
	a := erc20Code(b)
	var bin []byte
	b.Run("emit", func(b *testing.B) {
		for b.Loop() {
			var err error
			if bin, err = compileModule(a, false, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(a.blocks)), "blocks")
	})
	ctx := context.Background()
	b.Run("native", func(b *testing.B) {
		for b.Loop() {
			r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler())
			if _, err := r.CompileModule(ctx, bin); err != nil {
				b.Fatal(err)
			}
			r.Close(ctx)
		}
	})
	dir := b.TempDir()
	code := &Code{a: a}
	warm := func() wazero.Runtime {
		cc, err := wazero.NewCompilationCacheWithDir(dir)
		if err != nil {
			b.Fatal(err)
		}
		return wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler().WithCompilationCache(cc))
	}
	compileWith := func(r wazero.Runtime) {
		bin, err := code.binary(false, dir)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.CompileModule(ctx, bin); err != nil {
			b.Fatal(err)
		}
	}
	r := warm()
	compileWith(r)
	r.Close(ctx)
	// A restarted process: the wasm module and its native code both come
	// from the directory.
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer() // a process makes its runtime once
			r := warm()
			b.StartTimer()
			compileWith(r)
			b.StopTimer()
			r.Close(ctx)
			b.StartTimer()
		}
	})
}
