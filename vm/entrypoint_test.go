package vm_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/assembler"
	"github.com/cairn-vm/cairn/interp"
	"github.com/cairn-vm/cairn/vm"
)

func assemble(t *testing.T, src string) []asm.Felt {
	t.Helper()
	b, err := assembler.AssembleJSON("t.casm", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var p struct{ Data []string }
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	out := make([]asm.Felt, len(p.Data))
	for i, s := range p.Data {
		if out[i], err = asm.FeltFromString(s); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestFunctionBuiltinOrder(t *testing.T) {
	got, err := vm.FunctionBuiltinOrder([]string{"range_check", "pedersen", "segment_arena", "mul_mod"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"pedersen", "range_check", "segment_arena", "output", "ecdsa", "bitwise", "ec_op", "keccak",
		"poseidon", "range_check96", "add_mod", "mul_mod"}
	if !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	for _, bad := range [][]string{{"gas"}, {"pedersen", "pedersen"}} {
		if _, err := vm.FunctionBuiltinOrder(bad); !errors.Is(err, vm.ErrUnknownBuiltin) {
			t.Errorf("%v: %v", bad, err)
		}
	}
}

// TestFunctionRunner runs a function that takes range_check and a value,
// range-checks the value and returns it doubled with the builtin pointer.
func TestFunctionRunner(t *testing.T) {
	code := assemble(t, `
    [fp - 3] = [[fp - 4]]           // range_check(value)
    [ap] = [fp - 4] + 1, ap++       // range_check_ptr + 1
    [ap] = [fp - 3] + [fp - 3], ap++
    ret
`)
	r, err := vm.NewFunctionRunner(code, []string{"range_check"})
	if err != nil {
		t.Fatal(err)
	}
	args := append(r.BuiltinArgs(), vm.IntValue(21))
	if err := r.AppendProgramData([]vm.Value{vm.IntValue(7)}); err != nil {
		t.Fatal(err)
	}
	if err := r.Start(0, args, nil); err != nil {
		t.Fatal(err)
	}
	if err := r.Run(interp.New(), 0); err != nil {
		t.Fatal(err)
	}
	r.MarkArgsAccessed()
	rv, err := r.ReturnValues(2)
	if err != nil || !rv[1].Equal(vm.IntValue(42)) {
		t.Fatalf("return values %v, %v", rv, err)
	}
	if err := r.ValidateBuiltins(r.State.AP.Add(-1)); err != nil {
		t.Errorf("builtins: %v", err)
	}
	if r.State.Steps != 4 || r.BuiltinInstances()["range_check"] != 1 {
		t.Errorf("steps %d, builtins %v", r.State.Steps, r.BuiltinInstances())
	}
	// The appended word is the only cell nobody accessed.
	if holes, err := r.MemoryHoles(); err != nil || holes != 1 {
		t.Errorf("holes %d, %v", holes, err)
	}
	r.MarkAccessed(r.ProgramBase.Add(len(code)), 1)
	if holes, _ := r.MemoryHoles(); holes != 0 {
		t.Errorf("holes after marking %d", holes)
	}
	if err := r.VerifySecure(); err != nil {
		t.Errorf("secure: %v", err)
	}
	// A value out of range fails in the builtin.
	r2, _ := vm.NewFunctionRunner(code, []string{"range_check"})
	big := asm.FeltFromInt64(-1)
	if err := r2.Start(0, append(r2.BuiltinArgs(), vm.FeltValue(big)), nil); err != nil {
		t.Fatal(err)
	}
	if err := r2.Run(interp.New(), 0); !errors.Is(err, vm.ErrRangeCheck) {
		t.Errorf("range check of -1: %v", err)
	}
}

// TestTraceback fails two calls deep and finds both call instructions.
func TestTraceback(t *testing.T) {
	code := assemble(t, `
    call f                          // pc 0 (two words)
    ret
f:
    call g                          // pc 3
    ret
g:
    [ap] = 1, ap++                  // pc 6
    [ap - 1] = 2                    // fails
    ret
`)
	r, err := vm.NewFunctionRunner(code, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(0, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := r.Run(interp.New(), 0); !errors.Is(err, vm.ErrAssertEq) {
		t.Fatalf("run: %v", err)
	}
	got := vm.Traceback(r.State)
	want := []vm.Relocatable{r.ProgramBase, r.ProgramBase.Add(3)}
	if !slices.Equal(got, want) {
		t.Errorf("traceback %v, want %v", got, want)
	}
	if err := (&vm.FunctionRunner{}).Start(0, nil, nil); err == nil {
		t.Error("Start on a zero runner succeeded")
	}
}

// VerifySecure rejects a pointer into a segment that does not exist,
// wherever it lies (after the bytecode in the program segment too), and
// accepts a memory without one.
func TestFunctionRunnerVerifySecurePointers(t *testing.T) {
	for _, at := range []string{"exec", "program"} {
		r, err := vm.NewFunctionRunner([]asm.Felt{asm.FeltFromUint64(7)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.VerifySecure(); err != nil {
			t.Fatalf("%s: clean memory: %v", at, err)
		}
		bad := vm.PtrValue(vm.Relocatable{Segment: 99})
		addr := r.ExecBase.Add(3)
		if at == "program" {
			addr = r.ProgramBase.Add(1)
			err = r.AppendProgramData([]vm.Value{bad})
		} else {
			err = r.State.Mem.Write(addr, bad)
		}
		if err != nil {
			t.Fatal(err)
		}
		err = r.VerifySecure()
		want := fmt.Sprintf("Invalid memory value at address %s: 99:0.", addr)
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, vm.ErrSecurity) {
			t.Fatalf("%s: got %v, want %q", at, err, want)
		}
	}
}

// TestCodeImageReuse runs calls of one image back to back, each with its
// own program data after the bytecode: a released program page must come
// back with the bytecode intact and the data cells unknown again (else the
// next call's AppendProgramData would fail on a written cell), and every
// call must see what a runner over a fresh image sees.
func TestCodeImageReuse(t *testing.T) {
	code := assemble(t, `
    [ap] = [[fp - 4]], ap++          // the word after the bytecode
    [ap] = [ap - 1] + [fp - 3], ap++ // plus the value
    ret
`)
	img := vm.NewCodeImage(code)
	run := func(r *vm.FunctionRunner, extra uint64) (vm.Value, int) {
		t.Helper()
		if err := r.AppendProgramData([]vm.Value{vm.IntValue(extra)}); err != nil {
			t.Fatalf("extra %d: %v", extra, err)
		}
		if err := r.Start(0, []vm.Value{vm.PtrValue(r.ProgramBase.Add(len(code))), vm.IntValue(100)}, nil); err != nil {
			t.Fatal(err)
		}
		if err := r.Run(interp.New(), 0); err != nil {
			t.Fatal(err)
		}
		rv, err := r.ReturnValues(1)
		if err != nil {
			t.Fatal(err)
		}
		holes, err := r.MemoryHoles()
		if err != nil {
			t.Fatal(err)
		}
		return rv[0], holes
	}
	reused := false
	var last *vm.Value
	for i := range uint64(20) {
		fresh, err := vm.NewFunctionRunner(code, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantV, wantHoles := run(fresh, i)
		r, err := vm.NewFunctionRunnerImage(img, nil)
		if err != nil {
			t.Fatal(err)
		}
		p := r.State.Mem.CellPtr(r.ProgramBase.Segment, 0)
		reused = reused || p == last
		last = p
		gotV, gotHoles := run(r, i)
		if !gotV.Equal(wantV) || !gotV.Equal(vm.IntValue(100+i)) || gotHoles != wantHoles {
			t.Fatalf("call %d: return %v, holes %d; a fresh image gives %v, %d", i, gotV, gotHoles, wantV, wantHoles)
		}
		r.Release()
	}
	if !reused {
		t.Fatal("no call reused a released program page")
	}
}
