package starknet

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/state"
	"github.com/cairn-vm/cairn/vm"
)

// reqField is one felt or pointer of a syscall request.
type reqField = vm.Value

// response is what a syscall writes after its request: the response
// header (gas left, failure flag) and the body (the syscall's response, or
// a FailureReason span on failure).
type response struct {
	gas    uint64
	failed bool
	body   []vm.Value
}

// span is a read-only segment the handler allocated: its base and size.
type span struct {
	base vm.Relocatable
	size int
}

// syscallHandler runs the system calls of one entry-point run, as
// cairo-lang's BusinessLogicSyscallHandler does. It implements
// cairo1.SyscallHandler.
type syscallHandler struct {
	ex        *Executor
	call      Call
	classHash asm.Felt
	r         *vm.FunctionRunner
	base      vm.Relocatable // the syscall segment
	ptr       vm.Relocatable // where the next request must start

	readValues []asm.Felt
	accessed   map[asm.Felt]struct{}
	events     []Event
	messages   []L2ToL1Message
	inner      []*CallInfo
	readOnly   []span

	execInfo    vm.Relocatable
	hasExecInfo bool

	ecPoints map[vm.Relocatable]ecPoint
	ecSeg    vm.Relocatable
	hasEcSeg bool

	// The fields of the request being run: its header and its body (the
	// syscalls index them and keep nothing of them).
	hdrBuf [2]reqField
	reqBuf [8]reqField
	// readOnlyBuf backs readOnly for a call's usual few segments
	// (builtin costs, calldata, execution info).
	readOnlyBuf [8]span
}

// access records key as accessed.
func (h *syscallHandler) access(key asm.Felt) {
	if h.accessed == nil {
		h.accessed = map[asm.Felt]struct{}{}
	}
	h.accessed[key] = struct{}{}
}

func newSyscallHandler(e *Executor, c Call, classHash asm.Felt, r *vm.FunctionRunner, base vm.Relocatable) *syscallHandler {
	h := &syscallHandler{ex: e, call: c, classHash: classHash, r: r, base: base, ptr: base}
	h.readOnly = h.readOnlyBuf[:0]
	return h
}

func (h *syscallHandler) mem() *vm.Memory { return h.r.State.Mem }

// allocateSegment writes data to a new segment that must stay as written
// (cairo-lang's allocate_segment) and returns its base.
func (h *syscallHandler) allocateSegment(data []vm.Value) vm.Relocatable {
	m := h.mem()
	base := m.AddSegment()
	for i, v := range data {
		// A fresh segment: the writes cannot fail.
		_ = m.Write(base.Add(i), v)
	}
	h.readOnly = append(h.readOnly, span{base, len(data)})
	return base
}

// allocateFelts is allocateSegment(feltValues(data)) without the copy.
func (h *syscallHandler) allocateFelts(data []asm.Felt) vm.Relocatable {
	m := h.mem()
	base := m.AddSegment()
	for i := range data {
		// A fresh segment: the writes cannot fail.
		_ = m.Write(base.Add(i), vm.FeltValue(data[i]))
	}
	h.readOnly = append(h.readOnly, span{base, len(data)})
	return base
}

// allocateU64s is allocateSegment(u64Values(data)) without the copy.
func (h *syscallHandler) allocateU64s(data []uint64) vm.Relocatable {
	m := h.mem()
	base := m.AddSegment()
	for i, x := range data {
		// A fresh segment: the writes cannot fail.
		_ = m.Write(base.Add(i), vm.IntValue(x))
	}
	h.readOnly = append(h.readOnly, span{base, len(data)})
	return base
}

// SystemCall runs the request at ptr and writes its response after it.
// It implements cairo1.SyscallHandler.
func (h *syscallHandler) SystemCall(st *vm.State, ptr vm.Relocatable) error {
	if pr := h.ex.profiling(); pr != nil {
		pr.p.SyscallRuns++
		pr.push(catSyscall)
		defer pr.pop()
	}
	return h.systemCall(ptr)
}

// systemCall is SystemCall, unmeasured.
func (h *syscallHandler) systemCall(ptr vm.Relocatable) error {
	if ptr != h.ptr {
		return syscallErr("", "Bad syscall_ptr, Expected %s, got %s.", h.ptr, ptr)
	}
	hdr, err := h.readFields(h.hdrBuf[:0], "RequestHeader", requestHeaderFields)
	if err != nil {
		return err
	}
	sel := hdr[0].Felt()
	s, ok := syscallBySelector[sel]
	if !ok {
		return syscallErr("", "Unsupported syscall selector %s", pyBytes(sel))
	}
	if s.name != "keccak" {
		h.ex.SyscallCounts[s.name]++
	}
	req, err := h.readFields(h.reqBuf[:0], s.name, s.ptrs)
	if err != nil {
		return err
	}
	g := hdr[1].Felt()
	initialGas := uint64(1<<64 - 1)
	if g.IsUint64() {
		initialGas = g.Uint64()
	}
	required := s.gas - SyscallBaseGasCost
	switch s.name {
	case "deploy":
		n, err := spanLen(req[2], req[3])
		if err != nil {
			return syscallErr(s.name, "%v", err)
		}
		required += uint64(n) * DeployCalldataFactor
	case "meta_tx_v0":
		n, err := spanLen(req[2], req[3])
		if err != nil {
			return syscallErr(s.name, "%v", err)
		}
		required += uint64(n) * MetaTxV0CalldataFactor
	}
	var resp response
	if initialGas < required {
		resp = h.failure(initialGas, errOutOfGas)
	} else if resp, err = s.run(h, initialGas-required, req); err != nil {
		return err
	}
	m := h.mem()
	head := [2]vm.Value{vm.FeltValue(feltU64(resp.gas)), vm.IntValue(boolU64(resp.failed))}
	for _, vs := range [2][]vm.Value{head[:], resp.body} {
		for i := range vs {
			if err := m.Write(h.ptr, vs[i]); err != nil {
				return syscallErr(s.name, "%v", err)
			}
			h.ptr = h.ptr.Add(1)
		}
	}
	return nil
}

// requestHeaderFields are the types of a request header's fields
// (selector, gas): both felts.
var requestHeaderFields = []bool{false, false}

// readFields reads len(ptrs) request fields at the syscall pointer,
// advancing it, and checks each field's type (pointer or felt). They are
// appended to buf, whose room the caller lends to save an allocation.
func (h *syscallHandler) readFields(buf []reqField, what string, ptrs []bool) ([]reqField, error) {
	m := h.mem()
	out := append(buf[:0], make([]reqField, len(ptrs))...)
	for i, isPtr := range ptrs {
		addr := h.ptr.Add(i)
		v := m.Get(addr)
		if !v.Known() {
			return nil, syscallErr(what, "Unknown value for memory cell at address %s.", addr)
		}
		if v.IsPtr() != isPtr {
			want := "int"
			if isPtr {
				want = "RelocatableValue"
			}
			return nil, syscallErr(what, "Argument %d to %s is of unexpected type. Expected: value of type %s; got: %s.",
				i, what, want, v)
		}
		out[i] = v
	}
	h.ptr = h.ptr.Add(len(ptrs))
	return out, nil
}

// Error texts of failed syscalls (cairo-lang's CairoErrorCode), returned
// to the contract as panic data.
const (
	errOutOfGas         = "Out of gas"
	errInvalidInputLen  = "Invalid input length"
	errInvalidArgument  = "Invalid argument"
	errBlockNumberRange = "Block number out of range"
)

// failure is a failed syscall's response: the gas left and a span holding
// the error text.
func (h *syscallHandler) failure(gas uint64, code string) response {
	start := h.allocateSegment([]vm.Value{vm.FeltValue(shortString(code))})
	return response{gas: gas, failed: true, body: []vm.Value{vm.PtrValue(start), vm.PtrValue(start.Add(1))}}
}

func ok(gas uint64, body ...vm.Value) response { return response{gas: gas, body: body} }

// feltRange reads the felts from start to end (pointers into one segment).
func (h *syscallHandler) feltRange(start, end reqField) ([]asm.Felt, error) {
	n, err := spanLen(start, end)
	if err != nil {
		return nil, err
	}
	m := h.mem()
	s := start.Ptr()
	out := make([]asm.Felt, n)
	for i := range out {
		v := m.Get(s.Add(i))
		if !v.IsFelt() {
			if !v.Known() {
				return nil, fmt.Errorf("Unknown value for memory cell at address %s.", s.Add(i))
			}
			return nil, fmt.Errorf("Expected integer at address %s. Found: %s.", s.Add(i), v)
		}
		out[i] = v.Felt()
	}
	return out, nil
}

// spanLen is end - start for two pointers into one segment.
func spanLen(start, end reqField) (int, error) {
	if !start.IsPtr() || !end.IsPtr() {
		return 0, errors.New("a span's start and end must be pointers")
	}
	s, e := start.Ptr(), end.Ptr()
	if s.Segment != e.Segment {
		return 0, fmt.Errorf("Inconsistent start and end segment indices (%d != %d).", s.Segment, e.Segment)
	}
	if s.Offset > e.Offset {
		return 0, fmt.Errorf("The start offset cannot be greater than the end offset(%d > %d).", s.Offset, e.Offset)
	}
	return e.Offset - s.Offset, nil
}

// postRun checks the syscall stop pointer the entry point returned and
// that no read-only segment was written beyond what the handler wrote,
// and marks those segments as accessed.
func (h *syscallHandler) postRun(stop vm.Relocatable) error {
	if stop != h.ptr {
		return newError(CodeSecurityError, "Bad syscall_stop_ptr, Expected %s, got %s.", h.ptr, stop)
	}
	m := h.mem()
	for _, s := range h.readOnly {
		if m.UsedSize(s.base.Segment) != s.size {
			return newError(CodeSecurityError, "Out of bounds write to a read-only segment.")
		}
		h.r.MarkAccessed(s.base, s.size)
	}
	return nil
}

func (h *syscallHandler) validateMode() bool { return h.ex.Tx.Mode == ModeValidate }

// Storage.

func (h *syscallHandler) storageRead(gas uint64, req []reqField) (response, error) {
	if !req[0].IsZero() {
		return response{}, syscallErr("storage_read", "Unsupported address domain: %s.", req[0])
	}
	key := req[1].Felt()
	h.access(key)
	v, err := h.ex.State.Storage(h.call.ContractAddress, key)
	if err != nil {
		return response{}, syscallErr("storage_read", "%v", err)
	}
	h.readValues = append(h.readValues, v)
	return ok(gas, vm.FeltValue(v)), nil
}

func (h *syscallHandler) storageWrite(gas uint64, req []reqField) (response, error) {
	if !req[0].IsZero() {
		return response{}, syscallErr("storage_write", "Unsupported address domain: %s.", req[0])
	}
	key := req[1].Felt()
	h.access(key)
	if err := h.ex.State.SetStorage(h.call.ContractAddress, key, req[2].Felt()); err != nil {
		return response{}, syscallErr("storage_write", "%v", err)
	}
	return ok(gas), nil
}

// Events and messages.

func (h *syscallHandler) emitEvent(gas uint64, req []reqField) (response, error) {
	keys, err := h.feltRange(req[0], req[1])
	if err != nil {
		return response{}, syscallErr("emit_event", "%v", err)
	}
	data, err := h.feltRange(req[2], req[3])
	if err != nil {
		return response{}, syscallErr("emit_event", "%v", err)
	}
	h.events = append(h.events, Event{Order: h.ex.nEvents, Keys: keys, Data: data})
	h.ex.nEvents++
	return ok(gas), nil
}

// l1AddressBound is 2^160: L1 (Ethereum) addresses lie below it.
var l1AddressBound = new(big.Int).Lsh(big.NewInt(1), 160)

func (h *syscallHandler) sendMessageToL1(gas uint64, req []reqField) (response, error) {
	payload, err := h.feltRange(req[1], req[2])
	if err != nil {
		return response{}, syscallErr("send_message_to_l1", "%v", err)
	}
	to := req[0].Felt()
	if to.BigInt().Cmp(l1AddressBound) >= 0 {
		return response{}, syscallErr("send_message_to_l1", "Invalid L1 address %s: expected a value below 2**160.", to.Hex())
	}
	h.messages = append(h.messages, L2ToL1Message{Order: h.ex.nMessages, ToAddress: to, Payload: payload})
	h.ex.nMessages++
	return ok(gas), nil
}

// Calls.

// runInner executes a call made by a syscall, records its CallInfo, and
// answers with the gas left and its return data (or its panic data).
func (h *syscallHandler) runInner(gas uint64, c Call, success func(start, end vm.Relocatable) []vm.Value) (response, error) {
	info, err := h.ex.Execute(c)
	if err != nil {
		var se *Error
		if !errors.As(err, &se) {
			se = &Error{Code: CodeSecurityError, Message: err.Error(), Err: err}
		}
		return response{}, &CalledContractError{Contract: c.ContractAddress.Hex(), Err: se}
	}
	h.inner = append(h.inner, info)
	gas -= info.GasConsumed
	start := h.allocateFelts(info.Retdata)
	end := start.Add(len(info.Retdata))
	if info.Failed {
		return response{gas: gas, failed: true, body: []vm.Value{vm.PtrValue(start), vm.PtrValue(end)}}, nil
	}
	return ok(gas, success(start, end)...), nil
}

func retdataSpan(start, end vm.Relocatable) []vm.Value {
	return []vm.Value{vm.PtrValue(start), vm.PtrValue(end)}
}

func (h *syscallHandler) callContract(gas uint64, req []reqField) (response, error) {
	sel := req[1].Felt()
	if sel == executeEntryPointSelector {
		return h.failure(gas, errInvalidArgument), nil
	}
	addr := req[0].Felt()
	if h.validateMode() && addr != h.call.ContractAddress {
		return response{}, syscallErr("call_contract", "Unauthorized syscall call_contract in execution mode VALIDATE.")
	}
	calldata, err := h.feltRange(req[2], req[3])
	if err != nil {
		return response{}, syscallErr("call_contract", "%v", err)
	}
	return h.runInner(gas, Call{ContractAddress: addr, EntryPointType: class.External, Selector: sel,
		Calldata: calldata, Caller: h.call.ContractAddress, CallType: CallTypeCall, InitialGas: gas}, retdataSpan)
}

func (h *syscallHandler) libraryCall(gas uint64, req []reqField) (response, error) {
	calldata, err := h.feltRange(req[2], req[3])
	if err != nil {
		return response{}, syscallErr("library_call", "%v", err)
	}
	return h.runInner(gas, Call{ContractAddress: h.call.ContractAddress, EntryPointType: class.External,
		Selector: req[1].Felt(), Calldata: calldata, Caller: h.call.Caller, CallType: CallTypeDelegate,
		ClassHash: req[0].Felt(), HasClassHash: true, InitialGas: gas}, retdataSpan)
}

func (h *syscallHandler) metaTxV0(gas uint64, req []reqField) (response, error) {
	if req[1].Felt() != executeEntryPointSelector {
		return h.failure(gas, errInvalidArgument), nil
	}
	// cairo-lang v0.14.0.1's business-logic handler does not run meta
	// transactions either.
	return response{}, syscallErr("meta_tx_v0", "Unsupported call type meta_tx_v0.")
}

func (h *syscallHandler) deploy(gas uint64, req []reqField) (response, error) {
	fromZero := req[4].Felt()
	if !fromZero.IsZero() && !fromZero.IsOne() {
		return response{}, syscallErr("deploy", "The deploy_from_zero field must be 0 or 1.")
	}
	calldata, err := h.feltRange(req[2], req[3])
	if err != nil {
		return response{}, syscallErr("deploy", "%v", err)
	}
	classHash, salt := req[0].Felt(), req[1].Felt()
	deployer := h.call.ContractAddress
	if fromZero.IsOne() {
		deployer = asm.Felt{}
	}
	addr := state.ContractAddress(salt, classHash, calldata, deployer)
	st := h.ex.State
	cp := st.Checkpoint()
	info, err := h.ex.DeployContract(addr, classHash, calldata, h.call.ContractAddress, gas)
	if err != nil || info.Failed {
		if rerr := st.RevertTo(cp); rerr != nil && err == nil {
			err = rerr
		}
	} else if rerr := st.Release(cp); rerr != nil {
		err = rerr
	}
	if err != nil {
		var called *CalledContractError
		var se *Error
		switch {
		case errors.As(err, &called):
			return response{}, called
		case errors.As(err, &se):
			// Checks before the constructor runs fail the syscall itself.
			return response{}, syscallErr("deploy", "%s", se.Message)
		}
		return response{}, syscallErr("deploy", "%v", err)
	}
	h.inner = append(h.inner, info)
	gas -= info.GasConsumed
	start := h.allocateFelts(info.Retdata)
	end := start.Add(len(info.Retdata))
	if info.Failed {
		return response{gas: gas, failed: true, body: []vm.Value{vm.PtrValue(start), vm.PtrValue(end)}}, nil
	}
	return ok(gas, vm.FeltValue(addr), vm.PtrValue(start), vm.PtrValue(end)), nil
}

func (h *syscallHandler) replaceClass(gas uint64, req []reqField) (response, error) {
	ch := req[0].Felt()
	cch, err := h.ex.State.CompiledClassHash(ch)
	if err != nil {
		return response{}, syscallErr("replace_class", "%v", err)
	}
	if cch.IsZero() {
		return response{}, syscallErr("replace_class", "Class with hash %s is not declared.", ch.String())
	}
	if err := h.ex.State.SetClassHash(h.call.ContractAddress, ch); err != nil {
		return response{}, syscallErr("replace_class", "%v", err)
	}
	return ok(gas), nil
}

// Information.

// storedBlockHashBuffer is how many of the latest blocks have no hash
// available to get_block_hash; blockHashContract stores the others.
const storedBlockHashBuffer = 10

var blockHashContract = feltU64(1)

func (h *syscallHandler) getBlockHash(gas uint64, req []reqField) (response, error) {
	if h.validateMode() {
		return response{}, syscallErr("get_block_hash", "Unauthorized syscall get_block_hash in execution mode VALIDATE.")
	}
	bn := req[0].Felt()
	if !bn.IsUint64() || bn.Uint64() > h.ex.Block.Number || h.ex.Block.Number-bn.Uint64() < storedBlockHashBuffer {
		return h.failure(gas, errBlockNumberRange), nil
	}
	v, err := h.ex.State.Storage(blockHashContract, bn)
	if err != nil {
		return response{}, syscallErr("get_block_hash", "%v", err)
	}
	return ok(gas, vm.FeltValue(v)), nil
}

func (h *syscallHandler) getClassHashAt(gas uint64, req []reqField) (response, error) {
	v, err := h.ex.State.ClassHash(req[0].Felt())
	if err != nil {
		return response{}, syscallErr("get_class_hash_at", "%v", err)
	}
	return ok(gas, vm.FeltValue(v)), nil
}

// Validation rounds the block number and timestamp it sees.
const (
	validateBlockNumberRounding = 100
	validateTimestampRounding   = 3600
)

func (h *syscallHandler) getExecutionInfo(gas uint64, _ []reqField) (response, error) {
	if !h.hasExecInfo {
		h.execInfo = h.buildExecutionInfo()
		h.hasExecInfo = true
	}
	return ok(gas, vm.PtrValue(h.execInfo)), nil
}

// buildExecutionInfo writes the ExecutionInfo struct of the call and the
// structs it points to, in cairo-lang's order: the signature, the block
// info, the transaction info, the execution info.
func (h *syscallHandler) buildExecutionInfo() vm.Relocatable {
	e, tx := h.ex, h.ex.Tx
	sig := h.allocateFelts(tx.Signature)
	block := []vm.Value{vm.IntValue(e.Block.Number), vm.IntValue(e.Block.Timestamp), vm.FeltValue(e.Block.SequencerAddress)}
	if h.validateMode() {
		block = []vm.Value{
			vm.IntValue(e.Block.Number / validateBlockNumberRounding * validateBlockNumberRounding),
			vm.IntValue(e.Block.Timestamp / validateTimestampRounding * validateTimestampRounding),
			vm.IntValue(0),
		}
	}
	// Fields of v3 transactions: zeros before v3, as cairo-lang writes.
	rbStart, rbEnd := vm.IntValue(0), vm.IntValue(0)
	pmStart, pmEnd := vm.IntValue(0), vm.IntValue(0)
	adStart, adEnd := vm.IntValue(0), vm.IntValue(0)
	tip, nonceDA, feeDA := vm.IntValue(0), vm.IntValue(0), vm.IntValue(0)
	if v := tx.Version; v.IsUint64() && v.Uint64() >= 3 || !v.IsUint64() && new(big.Int).Mod(v.BigInt(), two128).Int64() >= 3 {
		var rb []vm.Value
		for _, b := range tx.ResourceBounds {
			rb = append(rb, vm.FeltValue(b.Resource), vm.FeltValue(b.MaxAmount), vm.FeltValue(b.MaxPricePerUnit))
		}
		s := h.allocateSegment(rb)
		rbStart, rbEnd = vm.PtrValue(s), vm.PtrValue(s.Add(len(rb)))
		s = h.allocateFelts(tx.PaymasterData)
		pmStart, pmEnd = vm.PtrValue(s), vm.PtrValue(s.Add(len(tx.PaymasterData)))
		s = h.allocateFelts(tx.AccountDeploymentData)
		adStart, adEnd = vm.PtrValue(s), vm.PtrValue(s.Add(len(tx.AccountDeploymentData)))
		tip, nonceDA, feeDA = vm.FeltValue(tx.Tip), vm.FeltValue(tx.NonceDataAvailabilityMode), vm.FeltValue(tx.FeeDataAvailabilityMode)
	}
	txInfo := []vm.Value{
		vm.FeltValue(tx.Version), vm.FeltValue(tx.AccountAddress), vm.FeltValue(tx.MaxFee),
		vm.PtrValue(sig), vm.PtrValue(sig.Add(len(tx.Signature))),
		vm.FeltValue(tx.Hash), vm.FeltValue(e.ChainID), vm.FeltValue(tx.Nonce),
		rbStart, rbEnd, tip, pmStart, pmEnd, nonceDA, feeDA, adStart, adEnd,
	}
	blockPtr := h.allocateSegment(block)
	txPtr := h.allocateSegment(txInfo)
	return h.allocateSegment([]vm.Value{
		vm.PtrValue(blockPtr), vm.PtrValue(txPtr),
		vm.FeltValue(h.call.Caller), vm.FeltValue(h.call.ContractAddress), vm.FeltValue(h.call.Selector),
	})
}

// Hashes.

// keccakRateWords is the keccak syscall's block: 17 64-bit words.
const keccakRateWords = 17

func (h *syscallHandler) keccak(gas uint64, req []reqField) (response, error) {
	input, err := h.feltRange(req[0], req[1])
	if err != nil {
		return response{}, syscallErr("keccak", "%v", err)
	}
	if len(input)%keccakRateWords != 0 {
		return h.failure(gas, errInvalidInputLen), nil
	}
	rounds := len(input) / keccakRateWords
	cost := uint64(rounds) * KeccakRoundCost
	if cost > gas {
		return h.failure(gas, errOutOfGas), nil
	}
	gas -= cost
	h.ex.SyscallCounts["keccak"] += rounds
	if pr := h.ex.profiling(); pr != nil {
		pr.p.HashRuns += rounds
		pr.push(catHash)
		defer pr.pop()
	}
	var st [25]uint64
	for r := range rounds {
		for i := range keccakRateWords {
			w := input[r*keccakRateWords+i]
			if !w.IsUint64() {
				return response{}, syscallErr("keccak", "keccak input word %s does not fit in 64 bits", w.Hex())
			}
			st[i] ^= w.Uint64()
		}
		asm.KeccakF1600(&st)
	}
	lo := new(big.Int).SetUint64(st[1])
	lo.Lsh(lo, 64).Or(lo, new(big.Int).SetUint64(st[0]))
	hi := new(big.Int).SetUint64(st[3])
	hi.Lsh(hi, 64).Or(hi, new(big.Int).SetUint64(st[2]))
	return ok(gas, vm.FeltValue(asm.FeltFromBig(lo)), vm.FeltValue(asm.FeltFromBig(hi))), nil
}

func (h *syscallHandler) sha256ProcessBlock(gas uint64, req []reqField) (response, error) {
	m := h.mem()
	read := func(base vm.Relocatable, n int) ([]uint32, error) {
		out := make([]uint32, n)
		for i := range out {
			v := m.Get(base.Add(i))
			f := v.Felt()
			if !v.IsFelt() || !f.IsUint64() || f.Uint64() >= 1<<32 {
				return nil, fmt.Errorf("expected a 32-bit word at %s, found %s", base.Add(i), v)
			}
			out[i] = uint32(f.Uint64())
		}
		return out, nil
	}
	stWords, err := read(req[0].Ptr(), 8)
	if err != nil {
		return response{}, syscallErr("sha256_process_block", "%v", err)
	}
	in, err := read(req[1].Ptr(), 16)
	if err != nil {
		return response{}, syscallErr("sha256_process_block", "%v", err)
	}
	var state [8]uint32
	var block [16]uint32
	copy(state[:], stWords)
	copy(block[:], in)
	if pr := h.ex.profiling(); pr != nil {
		pr.p.HashRuns++
		pr.push(catHash)
		asm.SHA256Compress(&state, &block)
		pr.pop()
	} else {
		asm.SHA256Compress(&state, &block)
	}
	out := make([]vm.Value, 8)
	for i, w := range state {
		out[i] = vm.IntValue(uint64(w))
	}
	return ok(gas, vm.PtrValue(h.allocateSegment(out))), nil
}

// pyBytes renders a felt as Python's repr of its big-endian bytes
// (b'Foo'), as cairo-lang's unsupported-selector message does.
func pyBytes(f asm.Felt) string {
	var sb strings.Builder
	sb.WriteString("b'")
	for _, c := range f.BigInt().Bytes() {
		switch {
		case c == '\\' || c == '\'':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case c >= 0x20 && c < 0x7f:
			sb.WriteByte(c)
		default:
			fmt.Fprintf(&sb, "\\x%02x", c)
		}
	}
	sb.WriteString("'")
	return sb.String()
}

func boolU64(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
