package cairo1

import (
	"fmt"
	"reflect"

	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/vm"
)

// Compile binds the hints of a class to Go code, once per class; the
// result is keyed by pc, as vm.State.Hints expects. It fails only on a hint
// type it does not know (ErrUnknownHint). The bound hints keep no state of
// their own, so one result may serve any number of executions, at once.
func Compile(c *class.Class) (map[int][]vm.Hint, error) {
	if c == nil {
		return nil, fmt.Errorf("cairo1: Compile of a nil class")
	}
	out := make(map[int][]vm.Hint, len(c.Hints))
	for pc, hs := range c.Hints {
		bound := make([]vm.Hint, len(hs))
		for i, h := range hs {
			b, err := Bind(pc, h)
			if err != nil {
				return nil, err
			}
			bound[i] = b
		}
		out[pc] = bound
	}
	return out, nil
}

// Bind binds one hint, to run before the instruction at pc.
func Bind(pc int, h class.Hint) (vm.Hint, error) {
	if h == nil || reflect.ValueOf(h).Kind() == reflect.Pointer && reflect.ValueOf(h).IsNil() {
		return nil, &HintError{PC: pc, Hint: "<nil>", Err: fmt.Errorf("%w: a nil hint", ErrUnknownHint)}
	}
	switch h := h.(type) {
	case *class.AllocSegment:
		return bind(pc, h, allocSegment), nil
	case *class.TestLessThan:
		return bind(pc, h, testLessThan), nil
	case *class.TestLessThanOrEqual:
		return bind(pc, h, testLessThanOrEqual), nil
	case *class.TestLessThanOrEqualAddress:
		return bind(pc, h, testLessThanOrEqualAddress), nil
	case *class.WideMul128:
		return bind(pc, h, wideMul128), nil
	case *class.DivMod:
		return bind(pc, h, divMod), nil
	case *class.Uint256DivMod:
		return bind(pc, h, uint256DivMod), nil
	case *class.Uint512DivModByUint256:
		return bind(pc, h, uint512DivModByUint256), nil
	case *class.SquareRoot:
		return bind(pc, h, squareRoot), nil
	case *class.Uint256SquareRoot:
		return bind(pc, h, uint256SquareRoot), nil
	case *class.LinearSplit:
		return bind(pc, h, linearSplit), nil
	case *class.AllocFelt252Dict:
		return bind(pc, h, allocFelt252Dict), nil
	case *class.Felt252DictEntryInit:
		return bind(pc, h, felt252DictEntryInit), nil
	case *class.Felt252DictEntryUpdate:
		return bind(pc, h, felt252DictEntryUpdate), nil
	case *class.GetSegmentArenaIndex:
		return bind(pc, h, getSegmentArenaIndex), nil
	case *class.InitSquashData:
		return bind(pc, h, initSquashData), nil
	case *class.GetCurrentAccessIndex:
		return bind(pc, h, getCurrentAccessIndex), nil
	case *class.ShouldSkipSquashLoop:
		return bind(pc, h, shouldSkipSquashLoop), nil
	case *class.GetCurrentAccessDelta:
		return bind(pc, h, getCurrentAccessDelta), nil
	case *class.ShouldContinueSquashLoop:
		return bind(pc, h, shouldContinueSquashLoop), nil
	case *class.GetNextDictKey:
		return bind(pc, h, getNextDictKey), nil
	case *class.AssertLeFindSmallArcs:
		return bind(pc, h, assertLeFindSmallArcs), nil
	case *class.AssertLeIsFirstArcExcluded:
		return bind(pc, h, assertLeIsFirstArcExcluded), nil
	case *class.AssertLeIsSecondArcExcluded:
		return bind(pc, h, assertLeIsSecondArcExcluded), nil
	case *class.RandomEcPoint:
		return bind(pc, h, randomEcPoint), nil
	case *class.FieldSqrt:
		return bind(pc, h, fieldSqrt), nil
	case *class.DebugPrint:
		return bind(pc, h, debugPrint), nil
	case *class.AllocConstantSize:
		return bind(pc, h, allocConstantSize), nil
	case *class.U256InvModN:
		return bind(pc, h, u256InvModN), nil
	case *class.EvalCircuit:
		return bind(pc, h, evalCircuit), nil
	case *class.AssertCurrentAccessIndicesIsEmpty:
		return bind(pc, h, assertCurrentAccessIndicesIsEmpty), nil
	case *class.AssertAllAccessesUsed:
		return bind(pc, h, assertAllAccessesUsed), nil
	case *class.AssertAllKeysUsed:
		return bind(pc, h, assertAllKeysUsed), nil
	case *class.AssertLeAssertThirdArcExcluded:
		return bind(pc, h, assertLeAssertThirdArcExcluded), nil
	case *class.AssertLtAssertValidInput:
		return bind(pc, h, assertLtAssertValidInput), nil
	case *class.Felt252DictRead:
		return bind(pc, h, felt252DictRead), nil
	case *class.Felt252DictWrite:
		return bind(pc, h, felt252DictWrite), nil
	case *class.SystemCall:
		return bind(pc, h, systemCall), nil
	case *class.Cheatcode:
		return bind(pc, h, cheatcode), nil
	case *class.AddRelocationRule:
		return bind(pc, h, addRelocationRule), nil
	case *class.WriteRunParam:
		return bind(pc, h, writeRunParam), nil
	case *class.AddMarker:
		return bind(pc, h, addMarker), nil
	case *class.AddTrace:
		return bind(pc, h, addTrace), nil
	}
	return nil, &HintError{PC: pc, Hint: h.Name(), Err: fmt.Errorf("%w: %T", ErrUnknownHint, h)}
}

// bound is a hint bound to its pc and the function that runs its kind.
type bound[T class.Hint] struct {
	pc  int
	h   T
	run func(st *vm.State, h T) error
}

func bind[T class.Hint](pc int, h T, run func(*vm.State, T) error) vm.Hint {
	return &bound[T]{pc: pc, h: h, run: run}
}

// Execute runs the hint; a failure is a *HintError.
func (b *bound[T]) Execute(st *vm.State) error {
	if err := b.run(st, b.h); err != nil {
		return &HintError{PC: b.pc, Hint: b.h.Name(), Err: err}
	}
	return nil
}

// hint returns the class hint b runs.
func (b *bound[T]) hint() class.Hint { return b.h }
