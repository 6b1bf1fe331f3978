package starknet

import (
	"errors"
	"fmt"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/state"
)

// Deploy deploys a declared class at addr as a transaction of its own
// would: the class hash is set and the constructor runs with calldata as
// caller, with the default initial gas; if the constructor fails (a revert
// or an error) nothing is kept. The CallInfo is nil for a class without a
// constructor.
func (e *Executor) Deploy(addr, classHash asm.Felt, calldata []asm.Felt, caller asm.Felt) (*CallInfo, error) {
	if e.State == nil {
		return nil, newError(CodeUnexpectedFailure, "the executor has no state")
	}
	cp := e.State.Checkpoint()
	info, err := e.DeployContract(addr, classHash, calldata, caller, DefaultInitialGas)
	if err != nil || info.Failed {
		if rerr := e.State.RevertTo(cp); rerr != nil && err == nil {
			err = rerr
		}
	} else if rerr := e.State.Release(cp); rerr != nil {
		err = rerr
	}
	if cl, cerr := e.State.CompiledClass(classHash); cerr == nil && len(cl.Constructor) == 0 {
		info = nil
	}
	return info, err
}

// DeployContract deploys classHash at addr (which must be free) and runs
// its constructor with calldata as caller, starting with gas. A class
// without a constructor takes no calldata and gives an empty CallInfo.
// Errors before the constructor runs (an undeclared class, an address in
// use) are *Error values; a constructor that fails with an *Error gives a
// *CalledContractError. The caller undoes the deployment if the
// constructor fails.
func (e *Executor) DeployContract(addr, classHash asm.Felt, calldata []asm.Felt, caller asm.Felt, gas uint64) (*CallInfo, error) {
	if e.State == nil {
		return nil, newError(CodeUnexpectedFailure, "the executor has no state")
	}
	cur, err := e.State.ClassHash(addr)
	if err != nil {
		return nil, &Error{Code: CodeUnexpectedFailure, Message: err.Error(), Err: err}
	}
	if !cur.IsZero() {
		return nil, newError(CodeContractAddressUnavailable, "Requested contract address %s is unavailable for deployment.", addr.Hex())
	}
	cl, err := e.State.CompiledClass(classHash)
	if err != nil {
		return nil, &Error{Code: CodeUndeclaredClass, Message: fmt.Sprintf("Class with hash %s is not declared.", classHash.Hex()), Err: err}
	}
	if err := e.State.SetClassHash(addr, classHash); err != nil {
		return nil, &Error{Code: CodeUnexpectedFailure, Message: err.Error(), Err: err}
	}
	c := Call{ContractAddress: addr, EntryPointType: class.Constructor, Selector: constructorEntryPointSelector,
		Calldata: calldata, Caller: caller, CallType: CallTypeCall, InitialGas: gas}
	if len(cl.Constructor) == 0 {
		if len(calldata) > 0 {
			return nil, newError(CodeTransactionFailed, "Cannot pass calldata to a contract with no constructor.")
		}
		return &CallInfo{Call: c, ClassHash: classHash}, nil
	}
	info, err := e.Execute(c)
	if err != nil {
		var se *Error
		if !errors.As(err, &se) {
			se = &Error{Code: CodeSecurityError, Message: err.Error(), Err: err}
		}
		return nil, &CalledContractError{Contract: addr.Hex(), Err: se}
	}
	return info, nil
}

// RunClass is a one-off call of a class: on a fresh in-memory state it
// declares cl, deploys it (salt 0, deployer 0) running its constructor
// with ctorCalldata as caller, then calls the external entry point named
// entryPoint with calldata as caller. costs is the builtin-cost table (nil
// for BuiltinCostsZero). A constructor that reverts is an *Error.
func RunClass(cl *class.Class, entryPoint string, calldata, ctorCalldata []asm.Felt, caller asm.Felt, costs []uint64) (*CallInfo, error) {
	st := state.NewCached(state.NewMemory())
	h := cl.CompiledClassHash()
	if err := st.DeclareClass(h, h, cl); err != nil {
		return nil, err
	}
	addr := state.ContractAddress(asm.Felt{}, h, ctorCalldata, asm.Felt{})
	ex := NewExecutor(st, BlockInfo{}, TxInfo{Version: feltU64(1)})
	ex.BuiltinCosts = costs
	info, err := ex.Deploy(addr, h, ctorCalldata, caller)
	if err != nil {
		e := asError(err)
		return nil, &Error{Code: e.Code, Message: "constructor failed: " + e.Message, Err: err}
	}
	if info != nil && info.Failed {
		return nil, newError(CodeTransactionFailed, "constructor reverted: %s", RevertReason(info.Retdata))
	}
	ex = NewExecutor(st, BlockInfo{}, TxInfo{Version: feltU64(1)})
	ex.BuiltinCosts = costs
	return ex.Execute(Call{ContractAddress: addr, EntryPointType: class.External, Selector: EntryPointSelector(entryPoint),
		Calldata: calldata, Caller: caller, CallType: CallTypeCall, InitialGas: DefaultInitialGas})
}

// EntryPointSelector is the selector an entry point is given by: a number
// (decimal or 0x-hex; Cairo names never start with a digit) is the
// selector itself, anything else a name whose sn_keccak is the selector.
func EntryPointSelector(nameOrSelector string) asm.Felt {
	if nameOrSelector != "" && nameOrSelector[0] >= '0' && nameOrSelector[0] <= '9' {
		if f, err := asm.FeltFromString(nameOrSelector); err == nil {
			return f
		}
	}
	return class.Selector(nameOrSelector)
}
