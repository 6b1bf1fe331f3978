package hints

import (
	"fmt"

	"github.com/cairn-vm/cairn/vm"
)

// Cairo 0 contracts reach Starknet through hints of the form
//
//	syscall_handler.NAME(segments=segments, syscall_ptr=ids.syscall_ptr)
//
// where syscall_handler is a global the executor (a sequencer, a test
// harness) puts in the hint scope; the hint itself only dispatches. cairn
// does the same: the executor stores a DeprecatedSyscallHandler in the main
// scope under SyscallHandlerVar, and these hints call it with the request's
// address. Reading the request and writing the response (the
// deprecated_syscalls.cairo layouts) is the handler's job.

// SyscallHandlerVar is the scope variable the syscall hints read.
const SyscallHandlerVar = "syscall_handler"

// DeprecatedSyscallHandler executes the system calls of Cairo 0 contracts.
// name is the syscall as the hint spells it ("storage_read",
// "call_contract", ...), ptr the address of its request in the syscall
// segment.
type DeprecatedSyscallHandler interface {
	Syscall(ctx *Context, name string, ptr vm.Relocatable) error
}

// deprecatedSyscalls are the syscall names cairo-lang's whitelists allow.
var deprecatedSyscalls = []string{
	"call_contract", "delegate_call", "delegate_l1_handler", "deploy", "emit_event",
	"get_block_number", "get_block_timestamp", "get_caller_address", "get_contract_address",
	"get_sequencer_address", "get_tx_info", "get_tx_signature", "library_call",
	"library_call_l1_handler", "replace_class", "send_message_to_l1", "storage_read", "storage_write",
}

func syscallHint(name string) Func {
	return func(c *Context) error {
		v, ok := c.ScopeGet(SyscallHandlerVar)
		if !ok {
			return fmt.Errorf("name '%s' is not defined (syscall %s: run the contract with a syscall handler)",
				SyscallHandlerVar, name)
		}
		h, ok := v.(DeprecatedSyscallHandler)
		if !ok {
			return fmt.Errorf("%s is %T, not a hints.DeprecatedSyscallHandler", SyscallHandlerVar, v)
		}
		p, err := c.Get("syscall_ptr")
		if err != nil {
			return err
		}
		if !p.IsPtr() {
			return fmt.Errorf("ids.syscall_ptr is %s, not a relocatable address", p)
		}
		return h.Syscall(c, name, p.Ptr())
	}
}

func init() {
	var hs []builtinHint
	for _, name := range deprecatedSyscalls {
		hs = append(hs, builtinHint{
			name: "syscall_" + name,
			code: "syscall_handler." + name + "(segments=segments, syscall_ptr=ids.syscall_ptr)",
			fn:   syscallHint(name),
		})
	}
	addFamily(hs)
}
