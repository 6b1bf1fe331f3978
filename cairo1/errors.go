package cairo1

import (
	"errors"
	"fmt"

	"github.com/cairn-vm/cairn/vm"
)

// Causes of hint failures, wrapped by the *HintError that Execute returns
// (test with errors.Is). Memory failures wrap the vm package's errors
// (vm.ErrUnknownCell, vm.ErrWriteOnce, ...) instead.
var (
	// ErrNotImplemented is wrapped by the errors of hints cairn does not
	// run: Cheatcode (a test-runner hint; cairo-lang raises
	// NotImplementedError) and WriteRunParam (needs cairo-run's arguments).
	ErrNotImplemented = errors.New("hint not implemented")
	// ErrUnknownHint is returned by Compile for a hint type it does not
	// know.
	ErrUnknownHint = errors.New("unknown hint kind")
	// ErrNoSyscallHandler: a SystemCall ran without a SyscallHandler in
	// the main scope.
	ErrNoSyscallHandler = errors.New("no syscall handler")
	// ErrNotInteger: an operand that must be an integer holds a
	// relocatable value.
	ErrNotInteger = errors.New("expected an integer")
	// ErrNotAddress: an operand that must be an address holds an integer.
	ErrNotAddress = errors.New("expected a relocatable value")
	// ErrDivisionByZero: a division hint got a zero divisor.
	ErrDivisionByZero = errors.New("integer division or modulo by zero")
	// ErrAssertion: an assertion of the hint's Python code failed; the
	// message is the Python one where it has one.
	ErrAssertion = errors.New("assertion failed")
	// ErrDict: a dict hint found no dict manager, no dict for the pointer,
	// or a pointer that is not the dict's current end.
	ErrDict = errors.New("dict error")
	// ErrSquash: a squash hint ran outside a squash (no InitSquashData
	// before it) or popped from an empty list.
	ErrSquash = errors.New("dict squash error")
	// ErrOutOfRange: an integer that must be a count, size or offset is
	// too large.
	ErrOutOfRange = errors.New("value out of range")
	// ErrMissingBuiltin: EvalCircuit found no add_mod or mul_mod builtin
	// runner for gates it must fill.
	ErrMissingBuiltin = errors.New("missing builtin runner")
)

// HintError is the error of a Cairo 1 hint: the pc (offset in the program
// segment) the hint is bound to, its kind, and the cause.
type HintError struct {
	PC   int
	Hint string // the kind, as class.Hint.Name spells it ("TestLessThan")
	Err  error
}

// Error names the hint, its pc and the cause.
func (e *HintError) Error() string {
	return fmt.Sprintf("cairo1: %s hint at pc %d: %v", e.Hint, e.PC, e.Err)
}

// Unwrap returns the cause.
func (e *HintError) Unwrap() error { return e.Err }

// unknownCell is cairo-lang's UnknownMemoryError.
func unknownCell(addr vm.Relocatable) error {
	return fmt.Errorf("%w: unknown value for memory cell at address %s", vm.ErrUnknownCell, addr)
}

func notInteger(what string, v vm.Value) error {
	return fmt.Errorf("%w for %s, got the relocatable value %s", ErrNotInteger, what, v)
}

func notAddress(what string, v vm.Value) error {
	return fmt.Errorf("%w for %s, got %s", ErrNotAddress, what, v)
}

func assertion(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrAssertion}, args...)...)
}
