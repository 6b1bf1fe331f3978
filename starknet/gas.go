package starknet

import (
	"fmt"

	"github.com/cairn-vm/cairn/asm"
)

// Gas constants of Starknet v0.14.0 (cairo-lang's GasCost, which the
// versioned constants derive from the syscalls' execution resources).
const (
	// StepGasCost is the gas of one Cairo step.
	StepGasCost = 100
	// SyscallBaseGasCost is what the compiled code charges before every
	// system call; the handler charges the rest of the syscall's cost.
	SyscallBaseGasCost = 100 * StepGasCost
	// EntryPointInitialBudget is taken from the gas before an entry point
	// runs (and so counts in its gas consumed).
	EntryPointInitialBudget = 100 * StepGasCost
	// DefaultInitialGas is the gas a call starts with unless told otherwise.
	DefaultInitialGas = 100_000_000 * StepGasCost
	// DeployCalldataFactor is the gas deploy charges per constructor
	// calldata felt.
	DeployCalldataFactor = 4850
	// KeccakRoundCost is the gas of one keccak_f round of the keccak
	// syscall (17 u64 words of input).
	KeccakRoundCost = 171707
	// MetaTxV0CalldataFactor is the gas meta_tx_v0 charges per calldata felt.
	MetaTxV0CalldataFactor = 4850
)

// SyscallGasCost returns the full gas cost of a system call by its name
// ("storage_read"), before the per-felt and per-round parts of deploy,
// meta_tx_v0 and keccak; ok is false for an unknown name.
func SyscallGasCost(name string) (cost uint64, ok bool) {
	s, ok := syscallByName[name]
	if !ok {
		return 0, false
	}
	return s.gas, true
}

// Builtin-cost tables: the gas of one instance of pedersen, bitwise,
// ec_op, poseidon, add_mod, mul_mod and blake, which Cairo 1 code reads
// through the pointer that follows the bytecode (compilers from 2.20 read
// the blake entry too). cairo-lang's executor writes five zeros; Starknet's
// sequencer writes the real costs (v0.14.0 versioned constants; blake
// costs 0 there).
var (
	BuiltinCostsZero     = []uint64{0, 0, 0, 0, 0}
	BuiltinCostsStarknet = []uint64{4050, 583, 4085, 491, 230, 604, 0}
)

// BuiltinCosts returns the builtin-cost table named "zero" (cairo-lang's)
// or "starknet" (the sequencer's).
func BuiltinCosts(name string) ([]uint64, error) {
	switch name {
	case "zero":
		return BuiltinCostsZero, nil
	case "starknet":
		return BuiltinCostsStarknet, nil
	}
	return nil, fmt.Errorf("unknown builtin cost table %q (want zero or starknet)", name)
}

// syscall describes one system call: its name, the selector the compiled
// code sends (a short string), its gas, and the size of its request after
// the two-felt header. ptrs marks the request fields that are pointers
// (cairo-lang checks each field's type).
type syscall struct {
	name     string
	selector string
	gas      uint64
	reqSize  int
	ptrs     []bool
	run      func(h *syscallHandler, gas uint64, req []reqField) (response, error)
}

// The system calls of Starknet v0.14.0 (new_syscalls.cairo), with
// cairo-lang's GasCost.
var syscalls = []*syscall{
	{name: "call_contract", selector: "CallContract", gas: 91560, ptrs: fields(false, false, true, true)},
	{name: "deploy", selector: "Deploy", gas: 147120, ptrs: fields(false, false, true, true, false)},
	{name: "emit_event", selector: "EmitEvent", gas: 10000, ptrs: fields(true, true, true, true)},
	{name: "get_block_hash", selector: "GetBlockHash", gas: 10840, ptrs: fields(false)},
	{name: "get_class_hash_at", selector: "GetClassHashAt", gas: 10000, ptrs: fields(false)},
	{name: "get_execution_info", selector: "GetExecutionInfo", gas: 12640, ptrs: fields()},
	{name: "keccak", selector: "Keccak", gas: 10000, ptrs: fields(true, true)},
	{name: "library_call", selector: "LibraryCall", gas: 89160, ptrs: fields(false, false, true, true)},
	{name: "meta_tx_v0", selector: "MetaTxV0", gas: 167950, ptrs: fields(false, false, true, true, true, true)},
	{name: "replace_class", selector: "ReplaceClass", gas: 10670, ptrs: fields(false)},
	{name: "secp256k1_add", selector: "Secp256k1Add", gas: 43230, ptrs: fields(true, true)},
	{name: "secp256k1_get_point_from_x", selector: "Secp256k1GetPointFromX", gas: 41800, ptrs: fields(false, false, false)},
	{name: "secp256k1_get_xy", selector: "Secp256k1GetXy", gas: 21670, ptrs: fields(true)},
	{name: "secp256k1_mul", selector: "Secp256k1Mul", gas: 8143850, ptrs: fields(true, false, false)},
	{name: "secp256k1_new", selector: "Secp256k1New", gas: 48750, ptrs: fields(false, false, false, false)},
	{name: "secp256r1_add", selector: "Secp256r1Add", gas: 63490, ptrs: fields(true, true)},
	{name: "secp256r1_get_point_from_x", selector: "Secp256r1GetPointFromX", gas: 54680, ptrs: fields(false, false, false)},
	{name: "secp256r1_get_xy", selector: "Secp256r1GetXy", gas: 21870, ptrs: fields(true)},
	{name: "secp256r1_mul", selector: "Secp256r1Mul", gas: 13511870, ptrs: fields(true, false, false)},
	{name: "secp256r1_new", selector: "Secp256r1New", gas: 61630, ptrs: fields(false, false, false, false)},
	{name: "send_message_to_l1", selector: "SendMessageToL1", gas: 14470, ptrs: fields(false, true, true)},
	{name: "sha256_process_block", selector: "Sha256ProcessBlock", gas: 841295, ptrs: fields(true, true)},
	{name: "storage_read", selector: "StorageRead", gas: 10000, ptrs: fields(false, false)},
	{name: "storage_write", selector: "StorageWrite", gas: 10000, ptrs: fields(false, false, false)},
}

func fields(ptrs ...bool) []bool { return ptrs }

var (
	syscallBySelector = map[asm.Felt]*syscall{}
	syscallByName     = map[string]*syscall{}
)

func init() {
	for _, s := range syscalls {
		s.reqSize = len(s.ptrs)
		syscallBySelector[shortString(s.selector)] = s
		syscallByName[s.name] = s
	}
	// The handlers refer to the table, so they are attached here.
	handlers := map[string]func(h *syscallHandler, gas uint64, req []reqField) (response, error){
		"call_contract":              (*syscallHandler).callContract,
		"deploy":                     (*syscallHandler).deploy,
		"emit_event":                 (*syscallHandler).emitEvent,
		"get_block_hash":             (*syscallHandler).getBlockHash,
		"get_class_hash_at":          (*syscallHandler).getClassHashAt,
		"get_execution_info":         (*syscallHandler).getExecutionInfo,
		"keccak":                     (*syscallHandler).keccak,
		"library_call":               (*syscallHandler).libraryCall,
		"meta_tx_v0":                 (*syscallHandler).metaTxV0,
		"replace_class":              (*syscallHandler).replaceClass,
		"secp256k1_add":              secpAdd(secp256k1),
		"secp256k1_get_point_from_x": secpGetPointFromX(secp256k1),
		"secp256k1_get_xy":           (*syscallHandler).secpGetXY,
		"secp256k1_mul":              secpMul(secp256k1),
		"secp256k1_new":              secpNew(secp256k1),
		"secp256r1_add":              secpAdd(secp256r1),
		"secp256r1_get_point_from_x": secpGetPointFromX(secp256r1),
		"secp256r1_get_xy":           (*syscallHandler).secpGetXY,
		"secp256r1_mul":              secpMul(secp256r1),
		"secp256r1_new":              secpNew(secp256r1),
		"send_message_to_l1":         (*syscallHandler).sendMessageToL1,
		"sha256_process_block":       (*syscallHandler).sha256ProcessBlock,
		"storage_read":               (*syscallHandler).storageRead,
		"storage_write":              (*syscallHandler).storageWrite,
	}
	for _, s := range syscalls {
		s.run = handlers[s.name]
	}
}

// shortString is the felt of an ASCII string of at most 31 characters.
func shortString(s string) asm.Felt { return asm.FeltFromBytesBE([]byte(s)) }
