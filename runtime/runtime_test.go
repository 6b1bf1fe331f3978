package runtime_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cairn-vm/cairn/runtime"
	"github.com/cairn-vm/cairn/testdata"
	"github.com/cairn-vm/cairn/vm"
)

func load(t *testing.T, name string) (*runtime.Program, testdata.Program) {
	t.Helper()
	tp, ok := testdata.ByName(name)
	if !ok {
		t.Fatalf("no test program %q", name)
	}
	p, err := runtime.Load(testdata.Path(tp.JSON))
	if err != nil {
		t.Fatal(err)
	}
	return p, tp
}

func outputStrings(res *runtime.Result) []string {
	var out []string
	for _, v := range res.Output() {
		f := v.Felt()
		out = append(out, f.String())
	}
	return out
}

// The testdata table's outputs and step counts are computed independently
// (testdata's own tests recompute them with math/big).
func TestRunTestPrograms(t *testing.T) {
	for _, tp := range testdata.Programs {
		t.Run(tp.Name, func(t *testing.T) {
			p, _ := load(t, tp.Name)
			res, err := p.Run(runtime.Options{Layout: tp.Layout})
			if err != nil {
				t.Fatal(err)
			}
			if res.Steps != tp.Steps {
				t.Errorf("steps = %d, want %d", res.Steps, tp.Steps)
			}
			if got := outputStrings(res); strings.Join(got, ",") != strings.Join(tp.Output, ",") {
				t.Errorf("output = %v, want %v", got, tp.Output)
			}
			if r := res.Resources(); r.Steps != tp.Steps {
				t.Errorf("resources steps = %d, want %d", r.Steps, tp.Steps)
			}
		})
	}
}

// A Program is immutable: concurrent runs must all give the same result.
func TestConcurrentRuns(t *testing.T) {
	p, tp := load(t, "builtins")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			res, err := p.Run(runtime.Options{Layout: tp.Layout})
			if err != nil {
				errs <- err
				return
			}
			if got := strings.Join(outputStrings(res), ","); got != strings.Join(tp.Output, ",") {
				errs <- errors.New("output differs: " + got)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestStepLimit(t *testing.T) {
	p, tp := load(t, "loop")
	_, err := p.Run(runtime.Options{Layout: tp.Layout, MaxSteps: 1000})
	if !errors.Is(err, vm.ErrStepLimit) {
		t.Fatalf("got %v, want ErrStepLimit", err)
	}
	var ve *vm.VMError
	if !errors.As(err, &ve) {
		t.Fatalf("step limit error is %T, want *vm.VMError with the pc", err)
	}
	// Exactly at the limit the run completes.
	if _, err := p.Run(runtime.Options{Layout: tp.Layout, MaxSteps: tp.Steps}); err != nil {
		t.Fatalf("MaxSteps = steps: %v", err)
	}
}

func TestMemoryLimit(t *testing.T) {
	p, tp := load(t, "loop")
	// The loop writes 3 execution cells per iteration: 1000 cells is far
	// too few.
	_, err := p.Run(runtime.Options{Layout: tp.Layout, MaxMemoryCells: 1000})
	if !errors.Is(err, vm.ErrMemoryLimit) {
		t.Fatalf("got %v, want ErrMemoryLimit", err)
	}
}

func TestBadOptions(t *testing.T) {
	p, _ := load(t, "fib")
	if _, err := p.Run(runtime.Options{Layout: "nope"}); !errors.Is(err, vm.ErrUnknownLayout) {
		t.Errorf("unknown layout: got %v", err)
	}
	if _, err := p.Run(runtime.Options{Engine: "nope"}); !errors.Is(err, runtime.ErrUnknownEngine) {
		t.Errorf("unknown engine: got %v", err)
	}
	if _, err := p.Run(runtime.Options{Layout: "dynamic"}); !errors.Is(err, vm.ErrUnknownLayout) {
		t.Errorf("dynamic without parameters: got %v", err)
	}
	// The plain layout has no output builtin.
	if _, err := p.Run(runtime.Options{Layout: "plain"}); err == nil {
		t.Errorf("plain layout for a program with builtins: no error")
	}
}

// TestProofModeAIRInputs runs the builtins program in proof mode and checks
// the AIR inputs against what the program does, read from its source:
// public memory holds the whole program, n_steps is the padded trace length,
// the private input lists the pedersen and range-check inputs the source
// writes.
func TestProofModeAIRInputs(t *testing.T) {
	p, tp := load(t, "builtins")
	res, err := p.Run(runtime.Options{Layout: tp.Layout, ProofMode: true, Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Steps&(res.Steps-1) != 0 {
		t.Fatalf("proof-mode steps %d is not a power of two", res.Steps)
	}
	var pubBuf bytes.Buffer
	if err := res.WriteAIRPublicInput(&pubBuf); err != nil {
		t.Fatal(err)
	}
	var pub struct {
		Layout         string
		RCMin          int `json:"rc_min"`
		RCMax          int `json:"rc_max"`
		NSteps         int `json:"n_steps"`
		MemorySegments map[string]struct {
			Begin int `json:"begin_addr"`
			Stop  int `json:"stop_ptr"`
		} `json:"memory_segments"`
		PublicMemory []struct {
			Address int
			Value   string
			Page    int
		} `json:"public_memory"`
		DynamicParams *map[string]int `json:"dynamic_params"`
	}
	if err := json.Unmarshal(pubBuf.Bytes(), &pub); err != nil {
		t.Fatalf("public input is not JSON: %v\n%s", err, pubBuf.String())
	}
	if pub.Layout != "small" || pub.NSteps != res.Steps {
		t.Errorf("layout %q n_steps %d, want small and %d", pub.Layout, pub.NSteps, res.Steps)
	}
	// 2^128 - 1 is range-checked: its 16-bit parts are all 0xffff.
	if pub.RCMax != 0xffff {
		t.Errorf("rc_max = %d, want 65535", pub.RCMax)
	}
	data := p.VM().Data
	if len(pub.PublicMemory) < len(data) {
		t.Fatalf("public memory has %d cells, program has %d", len(pub.PublicMemory), len(data))
	}
	for i, d := range data {
		e := pub.PublicMemory[i]
		want := "0x" + d.BigInt().Text(16)
		if e.Address != 1+i || e.Value != want || e.Page != 0 {
			t.Errorf("public memory[%d] = %+v, want address %d value %s", i, e, 1+i, want)
		}
	}
	out := pub.MemorySegments["output"]
	if out.Stop-out.Begin != 2 {
		t.Errorf("output segment %+v, want 2 cells", out)
	}
	ped := pub.MemorySegments["pedersen"]
	if ped.Stop-ped.Begin != 3 {
		t.Errorf("pedersen segment %+v, want one instance (3 cells)", ped)
	}

	var privBuf bytes.Buffer
	if err := res.WriteAIRPrivateInput(&privBuf, "trace.bin", "memory.bin"); err != nil {
		t.Fatal(err)
	}
	var priv struct {
		TracePath  string `json:"trace_path"`
		MemoryPath string `json:"memory_path"`
		Pedersen   []struct {
			Index int
			X, Y  string
		}
		RangeCheck []struct {
			Index int
			Value string
		} `json:"range_check"`
	}
	if err := json.Unmarshal(privBuf.Bytes(), &priv); err != nil {
		t.Fatalf("private input is not JSON: %v\n%s", err, privBuf.String())
	}
	if !filepath.IsAbs(priv.TracePath) || filepath.Base(priv.MemoryPath) != "memory.bin" {
		t.Errorf("paths %q %q, want absolute", priv.TracePath, priv.MemoryPath)
	}
	// The inputs builtins.casm writes (StarkWare's published Pedersen vector).
	if len(priv.Pedersen) != 1 ||
		priv.Pedersen[0].X != "0x3d937c035c878245caf64531a5756109c53068da139362728feb561405371cb" ||
		priv.Pedersen[0].Y != "0x208a0a10250e382e1e4bbe2880906c2791bf6275695e02fbbc6aeff9cd8b31a" {
		t.Errorf("pedersen private input %+v", priv.Pedersen)
	}
	if len(priv.RangeCheck) != 1 || priv.RangeCheck[0].Value != "0xffffffffffffffffffffffffffffffff" {
		t.Errorf("range_check private input %+v", priv.RangeCheck)
	}
}

func TestAIRInputNeedsProofMode(t *testing.T) {
	p, tp := load(t, "builtins")
	res, err := p.Run(runtime.Options{Layout: tp.Layout, Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.WriteAIRPublicInput(&bytes.Buffer{}); !errors.Is(err, vm.ErrAIRInput) {
		t.Errorf("public input outside proof mode: got %v, want ErrAIRInput", err)
	}
	if err := res.WriteAIRPrivateInput(&bytes.Buffer{}, "t", "m"); !errors.Is(err, vm.ErrAIRInput) {
		t.Errorf("private input outside proof mode: got %v, want ErrAIRInput", err)
	}
}
