package jit

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cairn-vm/cairn/assembler"
	"github.com/cairn-vm/cairn/internal/progen"
	"github.com/cairn-vm/cairn/interp"
	"github.com/cairn-vm/cairn/vm"
)

// diffRun is everything a run leaves that the two engines must agree on.
type diffRun struct {
	err        string // the error with its traceback, "" for none
	steps      int
	pc, ap, fp vm.Relocatable
	trace      []vm.TraceEntry // the trace the state recorded, also after an error
	cells      string          // every known cell, also after an error
	traceFile  []byte          // the relocated trace file (runs without error)
	memoryFile []byte          // the relocated memory file (runs without error)
	output     []string        // the output builtin's cells
}

// diffConfig is how a generated program is run.
type diffConfig struct {
	layout string
	proof  bool
}

func (c diffConfig) String() string { return fmt.Sprintf("layout=%s proof=%v", c.layout, c.proof) }

// diffConfigs returns the runs to compare for p: its own layout, and small
// too when the program needs no builtin, with the proof mode p suggests.
func diffConfigs(p *progen.Program) []diffConfig {
	cs := []diffConfig{{p.Layout, p.ProofMode}}
	if p.Layout == "plain" {
		cs = append(cs, diffConfig{"small", p.ProofMode})
	}
	return cs
}

// runDiff runs p with engine e.
func runDiff(t testing.TB, p *progen.Program, c diffConfig, e vm.Engine) diffRun {
	t.Helper()
	l, err := vm.LayoutByName(c.layout)
	if err != nil {
		t.Fatal(err)
	}
	r, err := vm.NewRunner(p.Program, vm.RunConfig{Layout: l, ProofMode: c.proof, Trace: true,
		MaxSteps: p.MaxSteps, SecureRun: !c.proof}, nil)
	if err != nil {
		return diffRun{err: "NewRunner: " + err.Error()}
	}
	defer r.State.Mem.Release()
	var out diffRun
	if err := r.Run(e); err != nil {
		out.err = err.Error()
		var ve *vm.VMError
		if errors.As(err, &ve) {
			out.err = ve.Describe()
		}
	}
	st := r.State
	out.steps, out.pc, out.ap, out.fp = st.Steps, st.PC, st.AP, st.FP
	out.trace = append([]vm.TraceEntry(nil), st.Trace...)
	var cells strings.Builder
	for seg := range st.Mem.NumSegments() {
		st.Mem.Each(seg, func(off int, v vm.Value) bool {
			fmt.Fprintf(&cells, "%d:%d=%s\n", seg, off, v)
			return true
		})
	}
	out.cells = cells.String()
	if b, ok := r.Builtin("output").(*vm.OutputBuiltin); ok && b != nil {
		st.Mem.Each(b.Base().Segment, func(off int, v vm.Value) bool {
			out.output = append(out.output, v.String())
			return true
		})
	}
	if out.err != "" {
		return out
	}
	bases := r.Relocate()
	var tr, mem bytes.Buffer
	if err := vm.WriteTraceFile(&tr, st.Trace, bases[st.ProgramBase.Segment], bases[st.ExecBase.Segment]); err != nil {
		t.Fatal(err)
	}
	if err := st.Mem.WriteMemoryFile(&mem, bases); err != nil {
		t.Fatal(err)
	}
	out.traceFile, out.memoryFile = tr.Bytes(), mem.Bytes()
	return out
}

// diffOf describes the first difference between the interpreter's run
// (want) and the JIT's (got), or returns "".
func diffOf(want, got diffRun) string {
	switch {
	case want.err != got.err:
		return fmt.Sprintf("error:\n  interp: %q\n  jit:    %q", want.err, got.err)
	case want.steps != got.steps:
		return fmt.Sprintf("steps: interp %d, jit %d", want.steps, got.steps)
	case want.pc != got.pc || want.ap != got.ap || want.fp != got.fp:
		return fmt.Sprintf("registers: interp pc=%s ap=%s fp=%s, jit pc=%s ap=%s fp=%s",
			want.pc, want.ap, want.fp, got.pc, got.ap, got.fp)
	case len(want.trace) != len(got.trace):
		return fmt.Sprintf("trace: interp %d entries, jit %d", len(want.trace), len(got.trace))
	}
	for i := range want.trace {
		if want.trace[i] != got.trace[i] {
			return fmt.Sprintf("trace entry %d: interp %+v, jit %+v", i, want.trace[i], got.trace[i])
		}
	}
	switch {
	case want.cells != got.cells:
		return "memory cells:\n" + firstLineDiff(want.cells, got.cells)
	case strings.Join(want.output, ",") != strings.Join(got.output, ","):
		return fmt.Sprintf("output: interp %v, jit %v", want.output, got.output)
	case !bytes.Equal(want.traceFile, got.traceFile):
		return fmt.Sprintf("trace file: interp %d bytes, jit %d bytes", len(want.traceFile), len(got.traceFile))
	case !bytes.Equal(want.memoryFile, got.memoryFile):
		return fmt.Sprintf("memory file: interp %d bytes, jit %d bytes", len(want.memoryFile), len(got.memoryFile))
	}
	return ""
}

func firstLineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(al), len(bl)) {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("  interp: %s\n  jit:    %s", x, y)
		}
	}
	return ""
}

// compareEngines runs p with both engines in every configuration and
// fails on any difference. It returns the JIT's statistics and steps.
func compareEngines(t testing.TB, p *progen.Program) (Stats, int) {
	t.Helper()
	var total Stats
	steps := 0
	for _, c := range diffConfigs(p) {
		want := runDiff(t, p, c, interp.New())
		e := New()
		got := runDiff(t, p, c, e)
		if d := diffOf(want, got); d != "" {
			t.Errorf("the engines differ (%s, max_steps=%d): %s\nprogram:\n%s", c, p.MaxSteps, d, p.Source)
			return total, steps
		}
		total.Entries += e.Stats.Entries
		total.SlowSteps += e.Stats.SlowSteps
		total.InterpSteps += e.Stats.InterpSteps
		total.Fallbacks += e.Stats.Fallbacks
		steps += got.steps
		// The second tier, on every group from the first step.
		e2 := New()
		e2.tier2Now = true
		got2 := runDiff(t, p, c, e2)
		if d := diffOf(want, got2); d != "" {
			t.Errorf("the interpreter and the second tier differ (%s, max_steps=%d): %s\nprogram:\n%s", c, p.MaxSteps, d, p.Source)
			return total, steps
		}
		total.Tier2 += e2.Stats.Tier2
	}
	return total, steps
}

// FuzzEngines is the differential fuzzer: each input is turned into a Cairo
// program by internal/progen, which both engines run (with the trace on, in
// the layout the program needs, plain programs in small too, in proof mode
// when the input asks for it); any difference in the error, the step count,
// the registers, the trace, the memory, or the output fails.
//
// Run it for an hour with
//
//	go test ./jit -run '^$' -fuzz FuzzEngines -fuzztime 1h
//
// The go tool reports progress as "execs: N (R/sec)"; every input is a new
// program the JIT compiles, so the rate follows the compile time. A failing input
// is written to testdata/fuzz/FuzzEngines/ and becomes a regression test of
// plain go test ./jit; the failure prints the program's assembly text.
func FuzzEngines(f *testing.F) {
	if !Available() {
		f.Skip("no compiled code on this platform")
	}
	f.Add([]byte{})
	f.Add([]byte{0})
	f.Add([]byte("cairn"))
	f.Add([]byte{0x01, 0xff, 0xff, 0x00, 0x02, 0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0x02, 0x01})
	for seed := range 8 {
		b := make([]byte, 64+32*seed)
		for i := range b {
			b[i] = byte((i*131 + seed*71) ^ (i >> 3))
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := progen.Generate(progen.FromBytes(data))
		if err != nil {
			t.Fatal(err)
		}
		compareEngines(t, p)
	})
}

// TestDivergenceDerefWriteAboveAP is the smallest program the fuzzer
// found on which the engines differ (seed 69 of TestEnginesRandom, reduced
// by hand): a double-dereference assert_eq whose op1 is unknown writes
// [fp + 3] = 7 through a frame pointer, at the cell ap points to. The
// interpreter raises the execution segment's size past the cell, so the
// memory file has 1:5 = 7 (and the later segments are relocated after it);
// the JIT writes the cell (a later read sees 7) but leaves the segment's
// size as it was, so cell 1:5 is missing from its memory file. It stays
// failing until the JIT is fixed.
func TestDivergenceDerefWriteAboveAP(t *testing.T) {
	if !Available() {
		t.Skip("no compiled code on this platform")
	}
	src := `%builtins
main:
    call get_fp_and_pc          // [fp] = fp, [fp + 1] = return pc
    [ap] = 7, ap++              // [fp + 2] = 7
    [ap - 1] = [[ap - 3] + 3]   // [fp + 3] = 7: op1 deduced, written through [fp]
    ret
get_fp_and_pc:
    ret
`
	asmProg, err := assembler.Assemble("divergence.casm", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	js, err := asmProg.JSON()
	if err != nil {
		t.Fatal(err)
	}
	prog, err := vm.ParseProgram(js)
	if err != nil {
		t.Fatal(err)
	}
	p := &progen.Program{Source: src, Program: prog, MaxSteps: 100}
	for _, layout := range []string{"plain", "small"} {
		c := diffConfig{layout: layout}
		want := runDiff(t, p, c, interp.New())
		got := runDiff(t, p, c, New())
		if d := diffOf(want, got); d != "" {
			t.Errorf("%s: %s", c, d)
		}
		if !bytes.Equal(want.memoryFile, got.memoryFile) {
			t.Errorf("%s: memory file: interp %d bytes, jit %d bytes", c, len(want.memoryFile), len(got.memoryFile))
		}
	}
}

// TestEnginesRandom runs a few dozen seeded programs on both engines and
// checks that the generator makes the JIT run compiled code.
func TestEnginesRandom(t *testing.T) {
	if !Available() {
		t.Skip("no compiled code on this platform")
	}
	// Compiling a program's module costs the JIT about 60-100 ms on a
	// 2-core machine, which bounds how many programs fit in a few seconds.
	n := 30
	if testing.Short() {
		n = 10
	}
	start := time.Now()
	var total Stats
	steps, entered, inline := 0, 0, 0
	for seed := range uint64(n) {
		p, err := progen.Generate(progen.FromSeed(seed))
		if err != nil {
			t.Fatal(err)
		}
		failed := t.Failed()
		st, s := compareEngines(t, p)
		if !failed && t.Failed() {
			t.Logf("(seed %d)", seed)
		}
		total.Entries += st.Entries
		total.SlowSteps += st.SlowSteps
		total.InterpSteps += st.InterpSteps
		total.Fallbacks += st.Fallbacks
		total.Tier2 += st.Tier2
		steps += s
		if st.Entries > 0 {
			entered++
		}
		if s-st.SlowSteps-st.InterpSteps > 0 {
			inline++
		}
	}
	inlineSteps := steps - total.SlowSteps - total.InterpSteps
	t.Logf("%d programs in %v: %d steps, %d inline (%.0f%%), %d handed back inside compiled code, %d by the interpreter outside it; "+
		"%d entries, %d fallbacks; compiled code ran in %d programs, inline steps in %d",
		n, time.Since(start).Round(time.Millisecond), steps, inlineSteps, 100*float64(inlineSteps)/float64(max(steps, 1)),
		total.SlowSteps, total.InterpSteps, total.Entries, total.Fallbacks, entered, inline)
	if entered < n*3/4 {
		t.Errorf("compiled code ran in only %d of %d programs", entered, n)
	}
	if inline < n/2 || inlineSteps <= 0 {
		t.Errorf("inline steps in only %d of %d programs (%d steps)", inline, n, inlineSteps)
	}
	if total.Tier2 < entered {
		t.Errorf("the second tier ran %d times in %d programs with compiled code", total.Tier2, entered)
	}
}
