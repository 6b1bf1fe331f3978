package jit

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/cairn-vm/cairn/interp"
	"github.com/cairn-vm/cairn/vm"
)

// outcome is what a run leaves: its files, step count and error.
type outcome struct {
	steps         int
	trace, memory []byte
	err           string
}

func runWith(t *testing.T, prog *vm.Program, layout string, proof bool, e vm.Engine) outcome {
	t.Helper()
	l, err := vm.LayoutByName(layout)
	if err != nil {
		t.Fatal(err)
	}
	r, err := vm.NewRunner(prog, vm.RunConfig{Layout: l, ProofMode: proof, Trace: true, SecureRun: !proof}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.State.Mem.Release()
	if err := r.Run(e); err != nil {
		return outcome{err: err.Error(), steps: r.State.Steps}
	}
	bases := r.Relocate()
	var tr, mem bytes.Buffer
	if err := vm.WriteTraceFile(&tr, r.State.Trace, bases[r.State.ProgramBase.Segment], bases[r.State.ExecBase.Segment]); err != nil {
		t.Fatal(err)
	}
	if err := r.State.Mem.WriteMemoryFile(&mem, bases); err != nil {
		t.Fatal(err)
	}
	return outcome{steps: r.State.Steps, trace: tr.Bytes(), memory: mem.Bytes()}
}

func TestTestdataPrograms(t *testing.T) {
	if !Available() {
		t.Skip("no compiled code on this platform")
	}
	files, _ := filepath.Glob("../testdata/*.json")
	if len(files) == 0 {
		t.Fatal("no testdata programs")
	}
	for _, f := range files {
		for _, proof := range []bool{false, true} {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			prog, err := vm.ParseProgram(data)
			if err != nil {
				t.Fatal(err)
			}
			if proof && prog.Start < 0 {
				continue // not compiled for proof mode
			}
			want := runWith(t, prog, "small", proof, interp.New())
			for _, e := range []*Engine{New(), NewAuto()} {
				got := runWith(t, prog, "small", proof, e)
				if got.err != want.err || got.steps != want.steps || !bytes.Equal(got.trace, want.trace) || !bytes.Equal(got.memory, want.memory) {
					t.Errorf("%s proof=%v: %s (steps %d, err %q, trace %d B, memory %d B) differs from interp (steps %d, err %q, trace %d B, memory %d B)",
						f, proof, e.Name(), got.steps, got.err, len(got.trace), len(got.memory), want.steps, want.err, len(want.trace), len(want.memory))
				}
				// auto may rightly leave a short run to the interpreter.
				if !e.auto && e.Stats.Entries == 0 {
					t.Errorf("%s: compiled code never ran (%+v)", f, e.Stats)
				}
				t.Logf("%s proof=%v %s: %+v", filepath.Base(f), proof, e.Name(), e.Stats)
			}
		}
	}
}
