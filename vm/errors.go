package vm

import (
	"errors"
	"fmt"
	"strings"
)

// Execution errors, wrapped in a *VMError that carries the pc.
var (
	ErrAssertEq          = errors.New("an ASSERT_EQ instruction failed")
	ErrStepLimit         = errors.New("step limit reached")
	ErrEndNotReached     = errors.New("end of program was not reached")
	ErrUnknownOp0        = errors.New("op0 must be known in double dereference")
	ErrOp0NotPointer     = errors.New("op0 is not a relocatable value in double dereference")
	ErrCallReturnPC      = errors.New("call failed to write return-pc (inconsistent op0)")
	ErrCallReturnFP      = errors.New("call failed to write return-fp (inconsistent dst)")
	ErrUnconstrainedRes  = errors.New("res is unconstrained")
	ErrJumpTarget        = errors.New("invalid jump target")
	ErrAPUpdate          = errors.New("invalid ap update")
	ErrFPUpdate          = errors.New("invalid fp update")
	ErrUnknownOperand    = errors.New("cannot deduce operand")
	ErrProofMode         = errors.New("proof mode")
	ErrBuiltinStopPtr    = errors.New("invalid builtin stop pointer")
	ErrNoMain            = errors.New("program has no main function")
	ErrInvalidEntrypoint = errors.New("invalid entrypoint")
)

// VMError is an execution error at a pc, with the Cairo source location and
// traceback when the program carries debug information.
type VMError struct {
	PC        Relocatable
	Err       error
	Location  string   // "file.cairo:12:5", empty without debug_info
	Messages  []string // error_message attributes in scope
	Traceback []string // "file:line:col: (pc=0:12)" per frame, innermost last
}

func (e *VMError) Error() string {
	var b strings.Builder
	if e.Location != "" {
		fmt.Fprintf(&b, "%s: ", e.Location)
	}
	fmt.Fprintf(&b, "error at pc=%s: %v", e.PC, e.Err)
	for _, m := range e.Messages {
		fmt.Fprintf(&b, "; %s", m)
	}
	return b.String()
}

func (e *VMError) Unwrap() error { return e.Err }

// Describe returns the error with its traceback on following lines, as
// cairo-run prints it.
func (e *VMError) Describe() string {
	if len(e.Traceback) == 0 {
		return e.Error()
	}
	return e.Error() + "\nCairo traceback (most recent call last):\n" + strings.Join(e.Traceback, "\n")
}
