package runtime

import (
	"errors"
	"testing"

	"github.com/cairn-vm/cairn/jit"
	"github.com/cairn-vm/cairn/testdata"
	"github.com/cairn-vm/cairn/vm"
)

func loadTestProgram(t *testing.T, name string) *Program {
	t.Helper()
	tp, ok := testdata.ByName(name)
	if !ok {
		t.Fatalf("no test program %q", name)
	}
	p, err := Load(testdata.Path(tp.JSON))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A differential run of agreeing engines returns the tested engine's
// result.
func TestDifferentialAgrees(t *testing.T) {
	for _, tp := range testdata.Programs {
		p := loadTestProgram(t, tp.Name)
		res, err := p.Run(Options{Layout: "small", Engine: EngineJIT, Differential: true})
		if err != nil {
			t.Fatalf("%s: %v", tp.Name, err)
		}
		if res.Engine != "jit" || res.Steps != tp.Steps {
			t.Errorf("%s: engine %s, %d steps, want jit and %d", tp.Name, res.Engine, res.Steps, tp.Steps)
		}
		if jit.Available() && res.JIT.Entries == 0 {
			t.Errorf("%s: compiled code never ran", tp.Name)
		}
	}
}

// compareRuns finds a planted difference in registers and in memory.
func TestCompareRunsFindsDivergence(t *testing.T) {
	p := loadTestProgram(t, "fib")
	run := func() *Result {
		res, err := p.run(Options{Layout: "small", Trace: true})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	want, got := run(), run()
	if d := compareRuns(want, got, nil, nil); d != nil {
		t.Fatalf("equal runs differ: %v", d)
	}
	got.runner.State.Trace[7].AP++
	d := compareRuns(want, got, nil, nil)
	if d == nil || d.What != "step" || d.Step != 7 || d.Got.AP != d.Want.AP+1 {
		t.Fatalf("planted step difference: got %+v", d)
	}
	got.runner.State.Trace[7].AP--
	m := got.runner.State.Mem
	seg := got.runner.State.ExecBase.Segment
	cell := vm.Relocatable{Segment: seg, Offset: m.UsedSize(seg)}
	if err := m.Write(cell, vm.IntValue(5)); err != nil {
		t.Fatal(err)
	}
	d = compareRuns(want, got, nil, nil)
	if d == nil || d.What != "memory" || d.Cell != cell || d.GotValue != "5" {
		t.Fatalf("planted memory difference: got %+v", d)
	}
	d = compareRuns(want, want, nil, errors.New("boom"))
	if d == nil || d.What != "error" || d.GotErr != "boom" {
		t.Fatalf("planted error difference: got %+v", d)
	}
	var target *DivergenceError
	if !errors.As(error(d), &target) || d.Error() == "" {
		t.Fatal("DivergenceError is not an error")
	}
}
