package runtime

import (
	"cmp"
	"errors"
	"fmt"
	rt "runtime"
	"slices"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/starknet"
	"github.com/cairn-vm/cairn/state"
)

// Errors of the contract API. Failures while running a call that are not
// Cairo reverts (an undeployed address, a missing entry point, a VM error)
// are *starknet.Error values carrying Starknet's error code; a reverting
// call is a CallResult with Failed set, except a constructor's revert,
// which undoes the deployment and is a *RevertError.
var (
	// ErrNilClass: a nil *Class (or class.Class) was given.
	ErrNilClass = errors.New("runtime: nil class")
	// ErrInternal is wrapped by the error a panic inside cairn turns into
	// (a bug: please report it); the API never lets one escape.
	ErrInternal = errors.New("runtime: internal error (please report)")
)

// RevertError is a constructor that reverted (its entry point panicked):
// the contract was not deployed and nothing it wrote was kept.
type RevertError struct {
	// Address is where the contract would have been deployed.
	Address asm.Felt
	// Result is the constructor's run; Result.Retdata is its panic data.
	Result *CallResult
}

// Error names the address and the revert reason.
func (e *RevertError) Error() string {
	return fmt.Sprintf("runtime: constructor of %s reverted: %s", e.Address.Hex(), e.Result.RevertReason)
}

// Class is a loaded Cairo 1 contract class (CASM) with its hints
// compiled, once. It is immutable and safe for concurrent use; declare it
// on any number of Contracts. The compiled hints stay cached for the life
// of the process (see starknet.PrepareClass).
type Class struct {
	cl   *class.Class
	hash asm.Felt
}

// LoadClass reads a CASM class file (starknet-sierra-compile's output) and
// compiles its hints. Load failures are *class.LoadError values.
func LoadClass(path string) (*Class, error) {
	cl, err := class.Load(path)
	if err != nil {
		return nil, err
	}
	return NewClass(cl)
}

// ParseClass is LoadClass for CASM JSON already in memory.
func ParseClass(b []byte) (*Class, error) {
	cl, err := class.Parse(b)
	if err != nil {
		return nil, err
	}
	return NewClass(cl)
}

// NewClass wraps a class loaded with package class, compiling its hints
// (errors wrap cairo1.ErrUnknownHint).
func NewClass(cl *class.Class) (c *Class, err error) {
	if cl == nil {
		return nil, ErrNilClass
	}
	defer recoverInternal("NewClass", &err)
	if err := starknet.PrepareClass(cl); err != nil {
		return nil, err
	}
	return &Class{cl: cl, hash: cl.CompiledClassHash()}, nil
}

// Hash returns the class hash the class is declared under: its compiled
// class hash (Starknet v0.14.0's Poseidon-based definition), as the corpus
// reference results use it.
func (c *Class) Hash() asm.Felt { return c.hash }

// CASM returns the loaded class (bytecode, hints, entry points).
func (c *Class) CASM() *class.Class { return c.cl }

// HasEntryPoint reports whether the class has an external entry point
// with this name.
func (c *Class) HasEntryPoint(name string) bool {
	_, ok := c.cl.EntryPoint(class.External, class.Selector(name))
	return ok
}

// Contracts is a Starknet state held in memory, with the calls that read
// and write it: declare classes, deploy contracts, call entry points, each
// call run as Starknet runs it (package starknet: builtins, gas, every
// syscall). Each call is a transaction of its own: a call that fails (a
// revert or an error) leaves the state as it was.
//
//	cl, err := runtime.LoadClass("erc20.json") // once
//	cs := runtime.NewContracts()
//	hash, err := cs.Declare(cl)
//	token, err := cs.Deploy(hash, ctorCalldata, salt, deployer)
//	res, err := cs.Call(token, "transfer", calldata, caller) // many times
//	fmt.Println(res.Failed, res.Retdata, res.Events)
//
// The zero value is not usable; use NewContracts. A Contracts is not safe
// for concurrent use; a Class may serve many Contracts at once.
type Contracts struct {
	// Block is the block the calls run in (get_block_info).
	Block starknet.BlockInfo
	// BuiltinCosts is the builtin-cost table written after the bytecode:
	// nil for cairo-lang's zeros (starknet.BuiltinCostsZero),
	// starknet.BuiltinCostsStarknet for the sequencer's.
	BuiltinCosts []uint64
	// MaxSteps bounds the steps of each call, inner calls included (0:
	// starknet.DefaultMaxSteps).
	MaxSteps int
	// Profile, when set, accumulates where the calls' time goes (see
	// starknet.Profile).
	Profile *starknet.Profile
	// Engine runs the calls: EngineInterp (or ""), EngineJIT or EngineAuto.
	Engine string

	st *state.Cached
}

// NewContracts returns an empty state.
func NewContracts() *Contracts {
	return &Contracts{st: state.NewCached(state.NewMemory())}
}

// State returns the state the calls run over, to read storage, class
// hashes and nonces, or to set them up before a call.
func (s *Contracts) State() *state.Cached { return s.st }

// Storage returns the value at key in a contract's storage.
func (s *Contracts) Storage(contract, key asm.Felt) (asm.Felt, error) {
	return s.st.Storage(contract, key)
}

// Declare declares a class under its hash and returns the hash. Declaring
// a class again is harmless.
func (s *Contracts) Declare(c *Class) (hash asm.Felt, err error) {
	if c == nil || c.cl == nil {
		return asm.Felt{}, ErrNilClass
	}
	defer recoverInternal("Declare", &err)
	if err := s.st.DeclareClass(c.hash, c.hash, c.cl); err != nil {
		return asm.Felt{}, err
	}
	return c.hash, nil
}

// Deploy deploys a declared class at the address Starknet gives it
// (state.ContractAddress of salt, class hash, calldata and deployer) and
// runs its constructor with calldata, the deployer as caller. It returns
// the address. A class without a constructor must get no calldata. A
// constructor that reverts is a *RevertError; any other failure a
// *starknet.Error (for a constructor, wrapped in a
// *starknet.CalledContractError). Nothing is kept when it fails.
func (s *Contracts) Deploy(classHash asm.Felt, calldata []asm.Felt, salt, deployer asm.Felt) (asm.Felt, error) {
	addr, _, err := s.DeployResult(classHash, calldata, salt, deployer)
	return addr, err
}

// DeployResult is Deploy that also returns the constructor's run (its
// events, resources); the result is nil for a class without a
// constructor.
func (s *Contracts) DeployResult(classHash asm.Felt, calldata []asm.Felt, salt, deployer asm.Felt) (addr asm.Felt, res *CallResult, err error) {
	defer recoverInternal("Deploy", &err)
	addr = state.ContractAddress(salt, classHash, calldata, deployer)
	ex := s.executor(starknet.TxInfo{Version: asm.FeltFromUint64(1)})
	info, err := ex.Deploy(addr, classHash, calldata, deployer)
	if err != nil {
		return asm.Felt{}, nil, err
	}
	if info == nil {
		return addr, nil, nil
	}
	res = newResult(info, ex.SyscallCounts)
	if res.Failed {
		return asm.Felt{}, nil, &RevertError{Address: addr, Result: res}
	}
	return addr, res, nil
}

// Call calls the external entry point named entryPoint of the contract at
// addr with calldata, as caller, in a version-1 transaction with no
// signature. A Cairo revert is a result (Failed, RevertReason); other
// failures are *starknet.Error values.
func (s *Contracts) Call(addr asm.Felt, entryPoint string, calldata []asm.Felt, caller asm.Felt) (*CallResult, error) {
	return s.Invoke(Invocation{Contract: addr, Selector: class.Selector(entryPoint), Calldata: calldata, Caller: caller})
}

// CallSelector is Call with the entry point's selector.
func (s *Contracts) CallSelector(addr, selector asm.Felt, calldata []asm.Felt, caller asm.Felt) (*CallResult, error) {
	return s.Invoke(Invocation{Contract: addr, Selector: selector, Calldata: calldata, Caller: caller})
}

// Invocation is a call with everything it can set.
type Invocation struct {
	Contract asm.Felt
	// Selector is class.Selector of the entry point's name.
	Selector asm.Felt
	// EntryPointType is class.External (the zero value) or
	// class.L1Handler.
	EntryPointType class.EntryPointType
	Calldata       []asm.Felt
	Caller         asm.Felt
	// Tx is the transaction get_execution_info shows (signature, hash,
	// version, account, mode): nil for a version-1 transaction with none
	// of them, in execute mode.
	Tx *starknet.TxInfo
	// InitialGas is the gas the call starts with (0:
	// starknet.DefaultInitialGas).
	InitialGas uint64
}

// Invoke runs a call. As Call, a Cairo revert is a result and other
// failures are *starknet.Error values; a failed call's writes are undone.
func (s *Contracts) Invoke(inv Invocation) (res *CallResult, err error) {
	defer recoverInternal("Invoke", &err)
	tx := starknet.TxInfo{Version: asm.FeltFromUint64(1)}
	if inv.Tx != nil {
		tx = *inv.Tx
	}
	gas := inv.InitialGas
	if gas == 0 {
		gas = starknet.DefaultInitialGas
	}
	ex := s.executor(tx)
	info, err := ex.Execute(starknet.Call{ContractAddress: inv.Contract, EntryPointType: inv.EntryPointType,
		Selector: inv.Selector, Calldata: inv.Calldata, Caller: inv.Caller, CallType: starknet.CallTypeCall,
		InitialGas: gas})
	if err != nil {
		return nil, err
	}
	return newResult(info, ex.SyscallCounts), nil
}

func (s *Contracts) executor(tx starknet.TxInfo) *starknet.Executor {
	ex := starknet.NewExecutor(s.st, s.Block, tx)
	ex.BuiltinCosts = s.BuiltinCosts
	ex.MaxSteps = s.MaxSteps
	ex.Profile = s.Profile
	ex.Engine = s.Engine
	return ex
}

// CallResult is a call that ran to its end, successfully or with a Cairo
// revert.
type CallResult struct {
	// Retdata is the return data, or the panic data when Failed.
	Retdata []asm.Felt
	// Failed is set when the entry point panicked (reverted); its writes
	// were undone. RevertReason is the panic data as the sequencer prints
	// it ("0x... ('text')"), empty when the call succeeded.
	Failed       bool
	RevertReason string
	// Events and Messages are what the call and the inner calls that did
	// not fail emitted, in the order they were emitted; none when the
	// call failed.
	Events   []starknet.Event
	Messages []starknet.L2ToL1Message
	// GasConsumed includes the entry-point initial budget.
	GasConsumed uint64
	// Resources are the steps, memory holes and builtin instances of the
	// call and its inner calls.
	Resources starknet.Resources
	// SyscallCounts counts the system calls by name, inner calls included.
	SyscallCounts map[string]int
	// Info is the whole call info (storage reads, inner calls).
	Info *starknet.CallInfo
}

func newResult(info *starknet.CallInfo, counts map[string]int) *CallResult {
	r := &CallResult{Retdata: info.Retdata, Failed: info.Failed, GasConsumed: info.GasConsumed,
		Resources: info.Resources, SyscallCounts: counts, Info: info}
	if info.Failed {
		r.RevertReason = starknet.RevertReason(info.Retdata)
	}
	collect(info, &r.Events, &r.Messages)
	return r
}

// collect gathers the events and messages of a call and its inner calls
// that did not fail, in the order the transaction emitted them.
func collect(info *starknet.CallInfo, events *[]starknet.Event, msgs *[]starknet.L2ToL1Message) {
	var walk func(c *starknet.CallInfo)
	walk = func(c *starknet.CallInfo) {
		if c.Failed {
			return
		}
		*events = append(*events, c.Events...)
		*msgs = append(*msgs, c.Messages...)
		for _, in := range c.InternalCalls {
			walk(in)
		}
	}
	walk(info)
	slices.SortStableFunc(*events, func(a, b starknet.Event) int { return cmp.Compare(a.Order, b.Order) })
	slices.SortStableFunc(*msgs, func(a, b starknet.L2ToL1Message) int { return cmp.Compare(a.Order, b.Order) })
}

// recoverInternal turns a panic into an error wrapping ErrInternal.
func recoverInternal(op string, err *error) {
	if r := recover(); r != nil {
		buf := make([]byte, 4096)
		buf = buf[:rt.Stack(buf, false)]
		*err = fmt.Errorf("%w: %s: %v\n%s", ErrInternal, op, r, buf)
	}
}
