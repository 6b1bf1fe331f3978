package starknet

import (
	"errors"
	"fmt"
)

// ErrorCode is a StarknetErrorCode: the kind of a failure that is not a
// Cairo revert.
type ErrorCode string

// The error codes the executor reports, spelled as cairo-lang prints them.
const (
	CodeUninitializedContract      ErrorCode = "StarknetErrorCode.UNINITIALIZED_CONTRACT"
	CodeEntryPointNotFound         ErrorCode = "StarknetErrorCode.ENTRY_POINT_NOT_FOUND_IN_CONTRACT"
	CodeTransactionFailed          ErrorCode = "StarknetErrorCode.TRANSACTION_FAILED"
	CodeOutOfResources             ErrorCode = "StarknetErrorCode.OUT_OF_RESOURCES"
	CodeSecurityError              ErrorCode = "StarknetErrorCode.SECURITY_ERROR"
	CodeUndeclaredClass            ErrorCode = "StarknetErrorCode.UNDECLARED_CLASS"
	CodeContractAddressUnavailable ErrorCode = "StarknetErrorCode.CONTRACT_ADDRESS_UNAVAILABLE"
	CodeInvalidReturnData          ErrorCode = "StarknetErrorCode.INVALID_RETURN_DATA"
	CodeUnexpectedFailure          ErrorCode = "StarknetErrorCode.UNEXPECTED_FAILURE"
)

// ErrStarknet is matched (errors.Is) by every *Error.
var ErrStarknet = errors.New("starknet: execution failed")

// Error is a failure that is not a Cairo revert (cairo-lang's
// StarkException): Code says what kind, Message is cairo-lang's text. Err,
// when set, is the underlying Go error (a *vm.VMError, a state error).
type Error struct {
	Code    ErrorCode
	Message string
	Err     error
}

// Error returns "CODE: message".
func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Unwrap returns the underlying error, if any.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is ErrStarknet.
func (e *Error) Is(target error) bool { return target == ErrStarknet }

func newError(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CalledContractError is what a system call returns when the call it made
// (call_contract, library_call, deploy's constructor) failed with an
// *Error: cairo-lang's HandlerException. The calling run fails in turn,
// with the inner error's code and a message that names the called
// contract.
type CalledContractError struct {
	Contract string // the called contract's address, 0x-hex
	Err      *Error
}

// Error returns cairo-lang's note: the called contract and the inner
// message.
func (e *CalledContractError) Error() string {
	return fmt.Sprintf("Error in the called contract (%s):\n%s", e.Contract, e.Err.Message)
}

// Unwrap returns the inner *Error.
func (e *CalledContractError) Unwrap() error { return e.Err }

// ErrSyscall is wrapped by every *SyscallError.
var ErrSyscall = errors.New("starknet: invalid system call")

// SyscallError is a system call the handler cannot run: an unknown
// selector, a malformed request, a syscall pointer out of place, a
// forbidden call in validate mode. The run fails (it is not a revert).
type SyscallError struct {
	Syscall string // the syscall's name, or "" when the selector is unknown
	Msg     string
}

// Error returns the message.
func (e *SyscallError) Error() string { return e.Msg }

// Is reports whether target is ErrSyscall.
func (e *SyscallError) Is(target error) bool { return target == ErrSyscall }

func syscallErr(name, format string, args ...any) *SyscallError {
	return &SyscallError{Syscall: name, Msg: fmt.Sprintf(format, args...)}
}
