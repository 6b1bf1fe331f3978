package starknet

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/cairo1"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/interp"
	"github.com/cairn-vm/cairn/jit"
	"github.com/cairn-vm/cairn/state"
	"github.com/cairn-vm/cairn/vm"
)

// State is the state an Executor runs over: a state.State with nested
// checkpoints, so that a failed call's writes can be undone while earlier
// ones stay. *state.Cached is one.
type State interface {
	state.State
	// Checkpoint marks the current writes.
	Checkpoint() int
	// RevertTo undoes the writes since the checkpoint.
	RevertTo(cp int) error
	// Release forgets the checkpoint, keeping the writes.
	Release(cp int) error
}

// ExecutionMode is the phase of a transaction a call runs in. Validation
// sees a rounded block number and timestamp and may not call other
// contracts or read block hashes.
type ExecutionMode uint8

// The execution modes.
const (
	ModeExecute ExecutionMode = iota
	ModeValidate
)

// String returns "EXECUTE" or "VALIDATE".
func (m ExecutionMode) String() string {
	if m == ModeValidate {
		return "VALIDATE"
	}
	return "EXECUTE"
}

// BlockInfo is the block a transaction runs in.
type BlockInfo struct {
	Number, Timestamp uint64
	SequencerAddress  asm.Felt
}

// ResourceBounds is one entry of a v3 transaction's resource bounds.
type ResourceBounds struct {
	Resource        asm.Felt // 'L1_GAS', 'L2_GAS', 'L1_DATA'
	MaxAmount       asm.Felt
	MaxPricePerUnit asm.Felt
}

// TxInfo is the transaction a call belongs to, as get_execution_info
// shows it.
type TxInfo struct {
	Version        asm.Felt
	AccountAddress asm.Felt
	MaxFee         asm.Felt
	Signature      []asm.Felt
	Hash           asm.Felt
	Nonce          asm.Felt
	// The v3 fields. cairo-lang v0.14.0.1 supports only transactions
	// before v3 and writes zeros for them; they are written as Starknet
	// does when Version is 3 or more.
	ResourceBounds            []ResourceBounds
	Tip                       asm.Felt
	PaymasterData             []asm.Felt
	NonceDataAvailabilityMode asm.Felt
	FeeDataAvailabilityMode   asm.Felt
	AccountDeploymentData     []asm.Felt
	// Mode is the execution mode.
	Mode ExecutionMode
}

// DefaultMaxSteps is the step budget of a transaction (the versioned
// constants' invoke_tx_max_n_steps).
const DefaultMaxSteps = 10_000_000

// ChainIDGoerli is SN_GOERLI, the chain id cairo-lang's test configuration
// uses.
var ChainIDGoerli = shortString("SN_GOERLI")

// Executor runs the entry-point calls of one transaction over a State.
// It is not safe for concurrent use.
type Executor struct {
	// State is read and written by the calls.
	State State
	// Block and Tx are what get_execution_info returns.
	Block BlockInfo
	Tx    TxInfo
	// ChainID is the chain id in the transaction info.
	ChainID asm.Felt
	// BuiltinCosts is the table written after the bytecode
	// (BuiltinCostsZero when nil).
	BuiltinCosts []uint64
	// MaxSteps is the transaction's step budget (DefaultMaxSteps when 0).
	MaxSteps int
	// SyscallCounts counts the system calls of the transaction by name
	// (keccak counts rounds), inner calls included.
	SyscallCounts map[string]int
	// Profile, when set, accumulates where the calls' time goes (VM,
	// hints, syscalls, hashing); see Profile. Nil costs nothing.
	Profile *Profile
	// Engine runs the calls' bytecode: "interp" (or ""), "jit" or "auto"
	// (see package jit).
	Engine string
	// JIT adds up the JIT's work over the calls, inner calls included.
	JIT jit.Stats
	// Hashes is where the calls' pedersen builtins remember their
	// hashes (a transaction hashes the same storage addresses several
	// times); NewExecutor gives each executor its own, nil goes without.
	Hashes *vm.HashMemo

	prof               *profiler
	nEvents, nMessages int
	stepsDone          int      // steps of the calls that have returned
	frames             []*frame // the calls running, outermost first
}

// frame is a call being executed: its VM state and the steps of the
// inner calls it has made.
type frame struct {
	st         *vm.State
	innerSteps int
}

// NewExecutor returns an executor for one transaction over st.
func NewExecutor(st State, block BlockInfo, tx TxInfo) *Executor {
	return &Executor{State: st, Block: block, Tx: tx, ChainID: ChainIDGoerli, SyscallCounts: map[string]int{},
		Hashes: new(vm.HashMemo)}
}

// stepsUsed is the steps the transaction has run so far, the running calls
// included.
func (e *Executor) stepsUsed() int {
	n := e.stepsDone
	for _, f := range e.frames {
		n += f.st.Steps + f.innerSteps
	}
	return n
}

// Execute runs a call. A call that ran to its end, successfully or with a
// Cairo revert, gives a CallInfo; a revert's writes are undone. Any other
// failure is an *Error, and the call's writes are undone too.
func (e *Executor) Execute(c Call) (*CallInfo, error) {
	if e.State == nil {
		return nil, newError(CodeUnexpectedFailure, "the executor has no state")
	}
	switch e.Engine {
	case "", "interp", "jit", "auto":
	default:
		return nil, newError(CodeUnexpectedFailure, "unknown engine %q (want interp, jit or auto)", e.Engine)
	}
	if e.SyscallCounts == nil {
		e.SyscallCounts = map[string]int{}
	}
	if e.Profile != nil {
		return e.profiledExecute(c)
	}
	return e.execute1(c)
}

// execute1 is Execute: the call with its checkpoint.
func (e *Executor) execute1(c Call) (*CallInfo, error) {
	cp := e.State.Checkpoint()
	info, err := e.execute(c)
	if err != nil || info.Failed {
		if rerr := e.State.RevertTo(cp); rerr != nil && err == nil {
			err = &Error{Code: CodeUnexpectedFailure, Message: rerr.Error(), Err: rerr}
		}
		return info, err
	}
	if rerr := e.State.Release(cp); rerr != nil {
		return nil, &Error{Code: CodeUnexpectedFailure, Message: rerr.Error(), Err: rerr}
	}
	return info, nil
}

// hintCache holds each class's compiled hints and its bytecode image
// (classes are immutable once loaded).
var hintCache sync.Map // *class.Class -> compiledHints

type compiledHints struct {
	hints   map[int][]vm.Hint
	image   *vm.CodeImage
	decoded *interp.Decoded // the bytecode decoded once, with its hints
	jit     *jit.Code       // the bytecode for the JIT
	err     error
}

// compileHints binds a class's hints; it is cairo1.Compile, replaceable in
// tests.
var compileHints = cairo1.Compile

func hintsOf(c *class.Class) (map[int][]vm.Hint, error) {
	ch := prepared(c)
	return ch.hints, ch.err
}

// prepared returns the class's compiled hints and bytecode image, made on
// first use.
func prepared(c *class.Class) compiledHints {
	if v, ok := hintCache.Load(c); ok {
		return v.(compiledHints)
	}
	h, err := compileHints(c)
	ch := compiledHints{hints: h, image: vm.NewCodeImage(c.Bytecode), err: err}
	if err == nil {
		ch.decoded = interp.Predecode(c.Bytecode, h)
		hinted := make([]int, 0, len(h))
		for pc, hs := range h {
			if len(hs) > 0 {
				hinted = append(hinted, pc)
			}
		}
		var entries []int
		for _, kind := range []class.EntryPointType{class.External, class.L1Handler, class.Constructor} {
			for _, ep := range c.EntryPoints(kind) {
				entries = append(entries, ep.Offset)
			}
		}
		ch.jit = jit.Compile(c.Bytecode, hinted, entries)
	}
	hintCache.Store(c, ch)
	return ch
}

// PrepareClass compiles a class's hints ahead of its first call (the
// executor otherwise does it on first use) and reports hints it cannot
// bind (errors wrap cairo1.ErrUnknownHint). The compiled hints are kept
// for the life of the process, keyed by the class.
func PrepareClass(cl *class.Class) error {
	if cl == nil {
		return newError(CodeUnexpectedFailure, "no class")
	}
	_, err := hintsOf(cl)
	return err
}

// executeEntryPointSelector is the selector of __execute__, which
// call_contract may not call.
var (
	executeEntryPointSelector     = class.Selector("__execute__")
	constructorEntryPointSelector = class.Selector("constructor")
)

// ret is the encoding of the ret instruction cairo-lang writes after the
// bytecode.
const retInstruction = 0x208B7FFF7FFF7FFE

// execute runs a call without the checkpoint handling.
func (e *Executor) execute(c Call) (*CallInfo, error) {
	prof := e.profiling()
	if prof != nil {
		prof.push(catSetup)
		defer prof.pop()
	}
	deployed, err := e.State.ClassHash(c.ContractAddress)
	if err != nil {
		return nil, &Error{Code: CodeUnexpectedFailure, Message: err.Error(), Err: err}
	}
	if deployed.IsZero() {
		return nil, newError(CodeUninitializedContract, "Requested contract address %s is not deployed.", c.ContractAddress.Hex())
	}
	classHash := deployed
	if c.HasClassHash {
		classHash = c.ClassHash
	}
	cl, err := e.State.CompiledClass(classHash)
	if err != nil {
		if errors.Is(err, state.ErrClassNotDeclared) {
			return nil, &Error{Code: CodeUndeclaredClass, Message: fmt.Sprintf("Class with hash %s is not declared.", classHash.Hex()), Err: err}
		}
		return nil, &Error{Code: CodeUnexpectedFailure, Message: err.Error(), Err: err}
	}
	ep, err := selectEntryPoint(cl, c, classHash)
	if err != nil {
		return nil, err
	}
	info := &CallInfo{Call: c, ClassHash: classHash}
	if c.InitialGas < EntryPointInitialBudget {
		info.Failed = true
		info.Retdata = []asm.Felt{shortString("Out of gas")}
		return info, nil
	}
	var hints map[int][]vm.Hint
	if prof != nil {
		hints, err = profiledHintsOf(cl)
	} else {
		hints, err = hintsOf(cl)
	}
	if err != nil {
		return nil, &Error{Code: CodeUnexpectedFailure, Message: "cannot compile the class's hints: " + err.Error(), Err: err}
	}
	r, err := vm.NewFunctionRunnerImage(prepared(cl).image, ep.Builtins)
	if err != nil {
		return nil, &Error{Code: CodeSecurityError, Message: err.Error(), Err: err}
	}
	if prof == nil {
		// Nothing of the run outlives the call (results are copied out of
		// its memory); a profile keeps the runner.
		defer r.Release()
	}
	if e.Hashes != nil {
		for _, b := range r.Builtins() {
			if p, ok := b.(*vm.PedersenBuiltin); ok {
				p.Memo = e.Hashes
			}
		}
	}
	m := r.State.Mem
	gas := c.InitialGas - EntryPointInitialBudget
	syscallBase := m.AddSegment()
	implicit := append(r.AppendBuiltinArgs(make([]vm.Value, 0, len(ep.Builtins)+4)),
		vm.FeltValue(feltU64(gas)), vm.PtrValue(syscallBase))
	h := newSyscallHandler(e, c, classHash, r, syscallBase)

	costs := e.BuiltinCosts
	if costs == nil {
		costs = BuiltinCostsZero
	}
	costPtr := h.allocateU64s(costs)
	if err := r.AppendProgramData([]vm.Value{vm.IntValue(retInstruction), vm.PtrValue(costPtr)}); err != nil {
		return nil, &Error{Code: CodeUnexpectedFailure, Message: err.Error(), Err: err}
	}
	cdStart := h.allocateFelts(c.Calldata)
	args := append(implicit, vm.PtrValue(cdStart), vm.PtrValue(cdStart.Add(len(c.Calldata))))

	r.State.Scopes[0][cairo1.SyscallHandlerVar] = h
	if prof != nil {
		prof.profileRun(r)
	}
	// cairo-lang's executor bounds squash_dict as its hint scope does.
	r.State.Scopes[0][cairo1.SquashDictMaxSizeVar] = squashDictMaxSize
	if err := r.Start(ep.Offset, args, hints); err != nil {
		return nil, &Error{Code: CodeUnexpectedFailure, Message: err.Error(), Err: err}
	}

	maxSteps := e.MaxSteps
	if maxSteps <= 0 {
		maxSteps = DefaultMaxSteps
	}
	budget := maxSteps - e.stepsUsed()
	fr := &frame{st: r.State}
	e.frames = append(e.frames, fr)
	var runErr error
	if budget <= 0 {
		runErr = &vm.VMError{PC: r.State.PC, Err: vm.ErrStepLimit}
	} else {
		if prof != nil {
			prof.push(catVM)
		}
		// A class's decoded instructions are shared by all its calls;
		// profiled hints are other hint values, so they decode afresh.
		eng := e.engine(cl, prof != nil)
		runErr = r.Run(eng, budget)
		if j, ok := eng.(*jit.Engine); ok {
			e.JIT.Add(j.Stats)
		}
		if prof != nil {
			prof.pop()
		}
	}
	e.frames = e.frames[:len(e.frames)-1]
	if len(e.frames) > 0 {
		e.frames[len(e.frames)-1].innerSteps += r.State.Steps + fr.innerSteps
	} else {
		e.stepsDone += r.State.Steps + fr.innerSteps
	}
	if runErr != nil {
		return nil, vmFailure(r.State, runErr)
	}

	r.MarkArgsAccessed()
	if err := r.VerifySecure(); err != nil {
		return nil, &Error{Code: CodeSecurityError, Message: strings.TrimPrefix(err.Error(), vm.ErrSecurity.Error()+": "), Err: err}
	}
	r.MarkAccessed(r.ProgramBase.Add(len(cl.Bytecode)), 2)
	if err := e.finish(r, h, info); err != nil {
		return nil, err
	}
	return info, nil
}

// engine returns the engine for a call of cl: the Engine setting over the
// class's shared decoded instructions and compiled code, or a fresh
// interpreter when profiling (profiled hints are other hint values, so they
// decode afresh).
func (e *Executor) engine(cl *class.Class, profiling bool) vm.Engine {
	ch := prepared(cl)
	if profiling || ch.decoded == nil {
		return interp.New()
	}
	ip := interp.NewShared(ch.decoded)
	switch e.Engine {
	case "jit":
		return jit.NewShared(ch.jit, ip)
	case "auto":
		return jit.NewAutoShared(ch.jit, ip)
	}
	return ip
}

// selectEntryPoint finds the entry point a call runs: the one with its
// selector, or the class's default entry point (selector 0) if it has
// one.
func selectEntryPoint(cl *class.Class, c Call, classHash asm.Felt) (class.EntryPoint, error) {
	if ep, ok := cl.EntryPoint(c.EntryPointType, c.Selector); ok {
		return ep, nil
	}
	if eps := cl.EntryPoints(c.EntryPointType); len(eps) > 0 && eps[0].Selector.IsZero() {
		return eps[0], nil
	}
	return class.EntryPoint{}, newError(CodeEntryPointNotFound, "Entry point %s not found in contract with class hash %s.",
		c.Selector.Hex(), classHash.Hex())
}

// finish checks what the entry point returned (builtin stop pointers, the
// syscall stop pointer, read-only segments) and fills info with its
// results and resources.
func (e *Executor) finish(r *vm.FunctionRunner, h *syscallHandler, info *CallInfo) error {
	// The stack ends with: builtins, gas, syscall_ptr, failure flag,
	// retdata start, retdata end.
	rv, err := r.ReturnValues(5)
	if err != nil {
		return &Error{Code: CodeInvalidReturnData, Message: "Error extracting return data.", Err: err}
	}
	if err := r.ValidateBuiltins(r.State.AP.Add(-5)); err != nil {
		return &Error{Code: CodeSecurityError, Message: err.Error(), Err: err}
	}
	stop := rv[1]
	used := r.State.Mem.UsedSize(h.base.Segment)
	if !stop.IsPtr() || stop.Ptr() != h.base.Add(used) {
		return newError(CodeSecurityError, "Invalid stop pointer for segment. Expected: %s, found: %s.", h.base.Add(used), stop)
	}
	if err := h.postRun(stop.Ptr()); err != nil {
		return err
	}

	gasLeft, flag := rv[0], rv[2]
	if !gasLeft.IsFelt() || !flag.IsFelt() || !rv[3].IsPtr() || !rv[4].IsPtr() {
		return newError(CodeInvalidReturnData, "Error extracting return data.")
	}
	start, end := rv[3].Ptr(), rv[4].Ptr()
	if start.Segment != end.Segment || end.Offset < start.Offset {
		return newError(CodeInvalidReturnData, "Error extracting return data.")
	}
	ret := make([]asm.Felt, end.Offset-start.Offset)
	for i := range ret {
		v := r.State.Mem.Get(start.Add(i))
		if !v.IsFelt() {
			return newError(CodeInvalidReturnData, "Error extracting return data.")
		}
		ret[i] = v.Felt()
	}
	g := gasLeft.Felt()
	if !g.IsUint64() || g.Uint64() > info.Call.InitialGas {
		return newError(CodeInvalidReturnData, "Error extracting return data: gas %s out of range.", g.String())
	}
	f := flag.Felt()
	info.Failed = !f.IsZero()
	info.Retdata = ret
	info.GasConsumed = info.Call.InitialGas - g.Uint64()

	holes, err := r.MemoryHoles()
	if err != nil {
		return &Error{Code: CodeUnexpectedFailure, Message: err.Error(), Err: err}
	}
	res := Resources{Steps: r.State.Steps, MemoryHoles: holes}
	r.EachBuiltinInstances(func(name string, n int) {
		if n > 0 {
			if res.Builtins == nil {
				res.Builtins = map[string]int{}
			}
			res.Builtins[builtinResourceName(name)] += n
		}
	})
	for _, in := range h.inner {
		res.Add(in.Resources)
	}
	info.Resources = res
	info.Events = h.events
	info.Messages = h.messages
	info.StorageReadValues = h.readValues
	info.AccessedStorageKeys = sortedKeys(h.accessed)
	info.InternalCalls = h.inner
	return nil
}

// squashDictMaxSize is the bound cairo-lang's executor puts in the hint
// scope (an int, which the squash hint reads as the *big.Int it would
// be, so that no call allocates one).
const squashDictMaxSize = 1 << 20

// builtinResourceNames are the resource names of the builtins a call can
// have, made once rather than per call.
var builtinResourceNames = func() map[string]string {
	out := map[string]string{}
	for _, n := range []string{vm.BuiltinOutput, vm.BuiltinPedersen, vm.BuiltinRangeCheck, vm.BuiltinECDSA,
		vm.BuiltinBitwise, vm.BuiltinECOp, vm.BuiltinKeccak, vm.BuiltinPoseidon, vm.BuiltinRangeCheck96,
		vm.BuiltinAddMod, vm.BuiltinMulMod, vm.BuiltinSegmentArena} {
		out[n] = n + "_builtin"
	}
	return out
}()

// builtinResourceName is name with the _builtin suffix.
func builtinResourceName(name string) string {
	if s, ok := builtinResourceNames[name]; ok {
		return s
	}
	return name + "_builtin"
}

// vmFailure turns an error of the run into an *Error as cairo-lang's
// executor reports it: the pc, the error, the Cairo traceback and, when a
// call made by a syscall failed, the called contract's error (whose code
// the failure takes).
func vmFailure(st *vm.State, err error) *Error {
	var ve *vm.VMError
	if !errors.As(err, &ve) {
		return &Error{Code: CodeTransactionFailed, Message: err.Error(), Err: err}
	}
	if errors.Is(ve.Err, vm.ErrStepLimit) {
		return &Error{Code: CodeOutOfResources, Err: err,
			Message: fmt.Sprintf("Error at pc=%s:\nError: End of program was not reached", ve.PC)}
	}
	code := CodeTransactionFailed
	var inner string
	var notes []string
	var called *CalledContractError
	var sys *SyscallError
	switch {
	case errors.As(ve.Err, &called):
		inner = "Got an exception while executing a hint."
		code = called.Err.Code
		notes = []string{called.Error()}
	case errors.As(ve.Err, &sys) || isHintError(st, ve):
		inner = "Got an exception while executing a hint."
		notes = []string{ve.Err.Error()}
	default:
		inner = ve.Err.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Error at pc=%s:\n%s\n", ve.PC, inner)
	if tb := vm.Traceback(st); len(tb) > 0 {
		b.WriteString("Cairo traceback (most recent call last):\n")
		for _, pc := range tb {
			fmt.Fprintf(&b, "Unknown location (pc=%s)\n", pc)
		}
		b.WriteString("\n")
	}
	for _, n := range notes {
		b.WriteString(n + "\n")
	}
	return &Error{Code: code, Message: strings.TrimRight(b.String(), " \n\t"), Err: err}
}

// instructionErrors are the errors an instruction (rather than a hint)
// fails with.
var instructionErrors = []error{
	vm.ErrAssertEq, vm.ErrUnknownOp0, vm.ErrOp0NotPointer, vm.ErrCallReturnPC, vm.ErrCallReturnFP,
	vm.ErrUnconstrainedRes, vm.ErrJumpTarget, vm.ErrAPUpdate, vm.ErrFPUpdate, vm.ErrUnknownOperand,
	vm.ErrInvalidInstruction, vm.ErrAddPointers, vm.ErrSubPointers, vm.ErrSubFromFelt, vm.ErrMulPointer,
	vm.ErrOffsetRange,
}

// isHintError guesses whether a run failed in a hint: the pc has hints and
// the error is none of an instruction's.
func isHintError(st *vm.State, ve *vm.VMError) bool {
	if ve.PC.Segment != st.ProgramBase.Segment || !st.HasHint(ve.PC.Offset) {
		return false
	}
	for _, e := range instructionErrors {
		if errors.Is(ve.Err, e) {
			return false
		}
	}
	return true
}

func feltU64(v uint64) asm.Felt { return asm.FeltFromUint64(v) }

func u64Values(xs []uint64) []vm.Value {
	out := make([]vm.Value, len(xs))
	for i, x := range xs {
		out[i] = vm.IntValue(x)
	}
	return out
}

func feltValues(fs []asm.Felt) []vm.Value {
	out := make([]vm.Value, len(fs))
	for i := range fs {
		out[i] = vm.FeltValue(fs[i])
	}
	return out
}
