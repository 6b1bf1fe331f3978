// Package cairo1 runs the hints of Cairo 1 contract classes: the core and
// deprecated hints of cairo-lang-casm, bound once per class to Go code, and
// the SystemCall hint, which hands each request to the executor's
// SyscallHandler.
package cairo1

import (
	"errors"

	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/vm"
)

// SyscallHandler runs the system calls of Cairo 1 contracts. The SystemCall
// hint calls it with the address of the request in the syscall segment
// (selector, gas, then the syscall's arguments); the handler reads the
// request and writes the response after it, as Starknet's syscall handler
// does.
type SyscallHandler interface {
	SystemCall(st *vm.State, ptr vm.Relocatable) error
}

// SyscallHandlerVar is the main-scope variable (vm.State.Scopes[0]) that
// holds the SyscallHandler of an execution.
const SyscallHandlerVar = "syscall_handler"

// ErrNotImplemented is returned by Compile until the hints are written.
var ErrNotImplemented = errors.New("cairo1: hints not implemented yet")

// Compile binds the hints of a class to Go code, once per class; the
// result is keyed by pc, as vm.State.Hints expects.
func Compile(c *class.Class) (map[int][]vm.Hint, error) { return nil, ErrNotImplemented }
