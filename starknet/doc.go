// Package starknet executes Cairo 1 contract entry points as Starknet does:
// an Executor runs a call (contract address, entry-point type, selector,
// calldata, caller, call type, initial gas) over a state.State and
// returns a CallInfo with the return data, the failure flag and revert
// reason, events, L2->L1 messages, gas consumed, execution resources,
// storage reads and inner calls.
//
// The semantics are those of cairo-lang v0.14.0.1's ExecuteEntryPoint and
// BusinessLogicSyscallHandler: the entry point runs in a fresh VM whose
// program segment is the class's bytecode followed by a ret and a pointer
// to the builtin-cost table; its arguments are the builtin pointers of the
// entry point, the gas (initial gas minus the entry-point initial budget of
// 10,000), the syscall pointer and the calldata span; it returns the
// builtin stop pointers, the remaining gas, the syscall stop pointer and a
// PanicResult (failure flag, return data span). System calls reach the
// Executor's handler through the SystemCall hint (cairo1.SyscallHandler).
//
// Where cairo-lang and the Starknet sequencer differ, the package follows
// cairo-lang (the reference results were produced with it), with two
// documented exceptions: the writes of a call that fails are discarded, and
// get_class_hash_at and sha256_process_block are implemented (cairo-lang's
// business-logic handler does not implement them).
//
// A call fails in one of two ways. A Cairo revert (the entry point
// panicked) is a normal result: CallInfo.Failed is set and Retdata holds the
// panic data; RevertReason decodes it. Anything else (an undeployed
// contract, a missing entry point, a VM error, running out of steps) is an
// *Error carrying Starknet's error code and message.
package starknet
