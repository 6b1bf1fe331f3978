// Package cairo1 runs the hints of Cairo 1 contract classes: the core and
// deprecated hints of cairo-lang-casm, bound once per class to Go code, and
// the SystemCall hint, which hands each request to the executor's
// SyscallHandler.
//
// The semantics are those of the Python code that cairo-lang-casm generates
// for each hint (the class's pythonic_hints), which is what cairo-lang's
// Starknet executor runs: the same values written to the same cells in the
// same order, the same segments added (a Felt252Dict after an execution's
// first lives in a temporary segment, as DictManager.new_default_dict puts
// it there), and the same assertions. Where the Python and the Rust runner
// (cairo-lang-runner's casm_run) differ, the Python wins, except that
// integer immediates are taken modulo P, as both Rust implementations do.
//
// The state that the Python hints keep in their scope (the dict manager, the
// squash loop's access indices, the excluded arc, the boxed segment) lives
// in one value in the main scope (vm.State.Scopes[0]), created on first use,
// so it is per execution: a fresh vm.State starts with none. The bound hints
// themselves hold no state, and one Compile result may run many executions
// at once.
package cairo1

import (
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
