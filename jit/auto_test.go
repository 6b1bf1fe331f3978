package jit

import (
	"os"
	"testing"

	"github.com/cairn-vm/cairn/vm"
)

func loadTestdata(t *testing.T, name string) *vm.Program {
	t.Helper()
	data, err := os.ReadFile("../testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := vm.ParseProgram(data)
	if err != nil {
		t.Fatal(err)
	}
	return prog
}

// TestAutoShortRunStaysInTheInterpreter: a run shorter than the warm-up
// (fib.json: 4,006 steps) is not given a linear memory, whereas a long one
// (loop.json: 10^6 steps) is.
func TestAutoShortRunStaysInTheInterpreter(t *testing.T) {
	if !Available() {
		t.Skip("no compiled code on this platform")
	}
	l, err := vm.LayoutByName("small")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file string
		long bool
	}{{"fib.json", false}, {"loop.json", true}} {
		prog := loadTestdata(t, c.file)
		r, err := vm.NewRunner(prog, vm.RunConfig{Layout: l}, nil)
		if err != nil {
			t.Fatal(err)
		}
		e := NewAuto()
		if err := r.Run(e); err != nil {
			t.Fatal(err)
		}
		_, attached := r.State.Mem.Space().(*space)
		if attached != c.long || !c.long && e.Stats.Entries != 0 {
			t.Errorf("%s (%d steps): linear memory %v, %+v; want a linear memory: %v", c.file, r.State.Steps, attached, e.Stats, c.long)
		}
		r.State.Mem.Release()
	}
}
