package cairo1

import (
	"math/rand/v2"
	"path/filepath"
	"sort"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/internal/corpusdir"
	"github.com/cairn-vm/cairn/vm"
)

// allKinds is one value of every hint type package class defines.
var allKinds = []class.Hint{
	&class.AllocSegment{}, &class.TestLessThan{}, &class.TestLessThanOrEqual{},
	&class.TestLessThanOrEqualAddress{}, &class.WideMul128{}, &class.DivMod{}, &class.Uint256DivMod{},
	&class.Uint512DivModByUint256{}, &class.SquareRoot{}, &class.Uint256SquareRoot{}, &class.LinearSplit{},
	&class.AllocFelt252Dict{}, &class.Felt252DictEntryInit{}, &class.Felt252DictEntryUpdate{},
	&class.GetSegmentArenaIndex{}, &class.InitSquashData{}, &class.GetCurrentAccessIndex{},
	&class.ShouldSkipSquashLoop{}, &class.GetCurrentAccessDelta{}, &class.ShouldContinueSquashLoop{},
	&class.GetNextDictKey{}, &class.AssertLeFindSmallArcs{}, &class.AssertLeIsFirstArcExcluded{},
	&class.AssertLeIsSecondArcExcluded{}, &class.RandomEcPoint{}, &class.FieldSqrt{}, &class.DebugPrint{},
	&class.AllocConstantSize{}, &class.U256InvModN{}, &class.EvalCircuit{},
	&class.AssertCurrentAccessIndicesIsEmpty{}, &class.AssertAllAccessesUsed{}, &class.AssertAllKeysUsed{},
	&class.AssertLeAssertThirdArcExcluded{}, &class.AssertLtAssertValidInput{}, &class.Felt252DictRead{},
	&class.Felt252DictWrite{}, &class.SystemCall{}, &class.Cheatcode{},
	&class.AddRelocationRule{}, &class.WriteRunParam{}, &class.AddMarker{}, &class.AddTrace{},
}

// unsupported are the kinds that bind to an error: Starknet runs neither.
var unsupported = map[string]bool{"Cheatcode": true, "WriteRunParam": true}

func TestEveryKindBinds(t *testing.T) {
	names := map[string]bool{}
	for _, h := range allKinds {
		if names[h.Name()] {
			t.Errorf("%s listed twice", h.Name())
		}
		names[h.Name()] = true
		if _, err := Bind(0, h); err != nil {
			t.Errorf("%s: %v", h.Name(), err)
		}
	}
	if len(names) != 43 {
		t.Errorf("%d kinds listed", len(names))
	}
}

func corpusClasses(t *testing.T) map[string]*class.Class {
	t.Helper()
	dir := corpusdir.OrSkip(t)
	files, err := filepath.Glob(filepath.Join(dir, "casm", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no classes in %s/casm (%v)", dir, err)
	}
	out := map[string]*class.Class{}
	for _, file := range files {
		c, err := class.Load(file)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		out[filepath.Base(file)] = c
	}
	return out
}

// TestCorpusCompiles: every class of the corpus compiles, every hint kind
// in it has an implementation, and every pc keeps its hints in order.
func TestCorpusCompiles(t *testing.T) {
	kinds := map[string]int{}
	for name, c := range corpusClasses(t) {
		hs, err := Compile(c)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(hs) != len(c.Hints) {
			t.Errorf("%s: %d pcs with hints, the class has %d", name, len(hs), len(c.Hints))
		}
		for pc, chs := range c.Hints {
			if len(hs[pc]) != len(chs) {
				t.Errorf("%s: pc %d has %d hints bound, %d in the class", name, pc, len(hs[pc]), len(chs))
				continue
			}
			for i, h := range chs {
				kinds[h.Name()]++
				if unsupported[h.Name()] {
					t.Errorf("%s: pc %d: %s has no implementation", name, pc, h.Name())
				}
				if got := hs[pc][i].(interface{ hint() class.Hint }).hint(); got != h {
					t.Errorf("%s: pc %d hint %d bound to %v, not %v", name, pc, i, got, h)
				}
			}
		}
	}
	var names []string
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	t.Logf("hint kinds in the corpus: %v", names)
}

// TestCorpusHintsNeverPanic runs every hint of the corpus on machines whose
// cells around ap and fp hold random felts and pointers: each run either
// succeeds or fails with a *HintError, never panics.
func TestCorpusHintsNeverPanic(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	randValue := func(st *vm.State, segs []vm.Relocatable) vm.Value {
		switch rng.IntN(5) {
		case 0:
			return vm.PtrValue(segs[rng.IntN(len(segs))].Add(rng.IntN(8)))
		case 1:
			return vm.IntValue(uint64(rng.IntN(4)))
		case 2:
			return vm.IntValue(rng.Uint64())
		case 3:
			var f asm.Felt
			f.SetLimbs([4]uint64{rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64() >> 5})
			return vm.FeltValue(f)
		}
		f := asm.FeltFromInt64(-int64(rng.IntN(4)) - 1)
		return vm.FeltValue(f)
	}
	n := 0
	for name, c := range corpusClasses(t) {
		hs, err := Compile(c)
		if err != nil {
			t.Fatal(err)
		}
		for pc, bound := range hs {
			for i, h := range bound {
				for try := range 3 {
					mem := vm.NewMemory()
					mem.AddSegment()
					exec := mem.AddSegment()
					segs := []vm.Relocatable{exec, mem.AddSegment(), mem.AddSegment()}
					st := &vm.State{Mem: mem, AP: exec.Add(40), FP: exec.Add(20), Scopes: []map[string]any{{}}}
					for off := range 64 {
						if rng.IntN(6) != 0 {
							_ = mem.Write(exec.Add(off), randValue(st, segs))
						}
					}
					for _, s := range segs[1:] {
						for off := range 8 {
							_ = mem.Write(s.Add(off), randValue(st, segs))
						}
					}
					func() {
						defer func() {
							if r := recover(); r != nil {
								t.Errorf("%s pc %d hint %d (%s) try %d panicked: %v", name, pc, i,
									c.Hints[pc][i].Name(), try, r)
							}
						}()
						if err := h.Execute(st); err != nil {
							if _, ok := err.(*HintError); !ok {
								t.Errorf("%s pc %d: error %v is a %T", name, pc, err, err)
							}
						}
					}()
					n++
				}
			}
		}
	}
	t.Logf("%d hint runs", n)
}
