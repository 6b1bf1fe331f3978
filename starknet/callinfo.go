package starknet

import (
	"bytes"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
)

// CallType is how a contract is called: a plain call runs the called
// contract's class in its own context; a delegate call (library_call)
// runs another class in the caller's context.
type CallType uint8

// The call types.
const (
	CallTypeCall CallType = iota
	CallTypeDelegate
)

// String returns "Call" or "Delegate", as cairo-lang names them.
func (t CallType) String() string {
	if t == CallTypeDelegate {
		return "Delegate"
	}
	return "Call"
}

// Call is an entry-point invocation.
type Call struct {
	// ContractAddress is the contract whose storage and context the call
	// runs in.
	ContractAddress asm.Felt
	// EntryPointType is External, L1Handler or Constructor.
	EntryPointType class.EntryPointType
	// Selector is the entry point's selector (class.Selector(name)).
	Selector asm.Felt
	Calldata []asm.Felt
	// Caller is the address get_caller_address returns.
	Caller asm.Felt
	// CallType is CallTypeCall, or CallTypeDelegate for a library call.
	CallType CallType
	// ClassHash is the class a library call runs; for a plain call
	// (ClassHash unset) the class deployed at ContractAddress runs.
	ClassHash    asm.Felt
	HasClassHash bool
	// InitialGas is the gas the call starts with (DefaultInitialGas at
	// the top level); the entry point itself gets InitialGas minus
	// EntryPointInitialBudget.
	InitialGas uint64
}

// Event is an event a call emitted; Order is its index among the events
// of the transaction.
type Event struct {
	Order int
	Keys  []asm.Felt
	Data  []asm.Felt
}

// L2ToL1Message is a message a call sent to L1; Order is its index among
// the messages of the transaction.
type L2ToL1Message struct {
	Order     int
	ToAddress asm.Felt
	Payload   []asm.Felt
}

// Resources are the execution resources of a call and the calls it made:
// Cairo steps, memory holes, and used builtin instances by cairo-lang's
// name ("range_check_builtin"), builtins with no instance left out.
type Resources struct {
	Steps       int
	MemoryHoles int
	Builtins    map[string]int
}

// Add adds o to r.
func (r *Resources) Add(o Resources) {
	r.Steps += o.Steps
	r.MemoryHoles += o.MemoryHoles
	for k, v := range o.Builtins {
		if v == 0 {
			continue
		}
		if r.Builtins == nil {
			r.Builtins = map[string]int{}
		}
		r.Builtins[k] += v
	}
}

// CallInfo is the outcome of an entry-point call that ran to its end,
// successfully or with a Cairo revert.
type CallInfo struct {
	// Call is the call as made; ClassHash is the class that ran.
	Call      Call
	ClassHash asm.Felt
	// Failed is the failure flag: the entry point panicked (reverted).
	// Its writes were discarded.
	Failed bool
	// Retdata is the return data, or the panic data of a revert.
	Retdata []asm.Felt
	// GasConsumed is Call.InitialGas minus the gas left at return.
	GasConsumed uint64
	// Resources include those of the inner calls.
	Resources Resources
	Events    []Event
	Messages  []L2ToL1Message
	// StorageReadValues are the values storage_read returned, in order.
	StorageReadValues []asm.Felt
	// AccessedStorageKeys are the storage keys read or written, sorted by
	// their 0x-hex spelling (as cairo-lang lists the set).
	AccessedStorageKeys []asm.Felt
	// InternalCalls are the calls this call made, in order.
	InternalCalls []*CallInfo
}

// sortedKeys returns the keys of a set of felts, sorted by hex string.
func sortedKeys(set map[asm.Felt]struct{}) []asm.Felt {
	type keyed struct {
		k   asm.Felt
		hex hexDigits
	}
	ks := make([]keyed, 0, len(set))
	for k := range set {
		ks = append(ks, keyed{k, hexOf(&k)}) // once per key, not per comparison
	}
	slices.SortFunc(ks, func(a, b keyed) int { return bytes.Compare(a.hex.digits(), b.hex.digits()) })
	keys := make([]asm.Felt, len(ks))
	for i := range ks {
		keys[i] = ks[i].k
	}
	return keys
}

// hexDigits is a felt's hex spelling without the 0x and leading zeros
// (Felt.Hex's), kept in place rather than in a string.
type hexDigits struct {
	buf [64]byte
	n   int
}

func (h *hexDigits) digits() []byte { return h.buf[64-h.n:] }

func hexOf(f *asm.Felt) hexDigits {
	const digits = "0123456789abcdef"
	var h hexDigits
	l := f.Regular()
	for i := range 64 {
		h.buf[63-i] = digits[l[i/16]>>(4*(i%16))&15]
	}
	h.n = 64
	for h.n > 1 && h.buf[64-h.n] == '0' {
		h.n--
	}
	return h
}

// RevertReasonText decodes a call's panic data as the reference results
// show it: one string per felt, its text when the felt is a printable
// short string, its 0x-hex value otherwise. Panic data serialised as a
// ByteArray (the magic felt first) is decoded whole, as one string.
func RevertReasonText(data []asm.Felt) []string {
	if s, ok := decodeByteArrayPanic(data); ok {
		return []string{s}
	}
	out := make([]string, len(data))
	for i := range data {
		if s, ok := decodeShortString(data[i]); ok {
			out[i] = s
		} else {
			out[i] = data[i].Hex()
		}
	}
	return out
}

// RevertReason formats panic data as the Starknet sequencer does:
// "0x... ('text')" for one felt, "(0x... ('a'), 0x...)" for several,
// the decoded string alone for a ByteArray panic.
func RevertReason(data []asm.Felt) string {
	if s, ok := decodeByteArrayPanic(data); ok {
		return fmt.Sprintf("%q", s)
	}
	parts := make([]string, len(data))
	for i := range data {
		parts[i] = data[i].Hex()
		if s, ok := decodeShortString(data[i]); ok {
			parts[i] += " ('" + s + "')"
		}
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// decodeShortString returns the text of a felt that is a non-empty
// printable-ASCII short string.
func decodeShortString(f asm.Felt) (string, bool) {
	if f.IsZero() {
		return "", false
	}
	b := f.BigInt().Bytes()
	if len(b) > 31 {
		return "", false
	}
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return "", false
		}
	}
	return string(b), true
}

// byteArrayMagic is the first felt of a panic with a ByteArray message
// (Cairo's BYTE_ARRAY_MAGIC).
var byteArrayMagic = mustFelt("0x46a6158a16a947e5916b2a2ca68501a45e93d7110e81aa2d6438b1c57c879a3")

func mustFelt(s string) asm.Felt {
	f, err := asm.FeltFromString(s)
	if err != nil {
		panic(err) // a constant of this file
	}
	return f
}

// decodeByteArrayPanic decodes [magic, n, word_1..word_n, pending,
// pending_len]: n full 31-byte words and a pending word of pending_len
// bytes.
func decodeByteArrayPanic(data []asm.Felt) (string, bool) {
	if len(data) < 4 || data[0] != byteArrayMagic || !data[1].IsUint64() {
		return "", false
	}
	n := data[1].Uint64()
	if n > uint64(len(data)) || uint64(len(data)) != n+4 {
		return "", false
	}
	var sb strings.Builder
	for i := range n {
		w := data[2+i].BigInt()
		sb.Write(w.FillBytes(make([]byte, 31)))
	}
	pl := data[len(data)-1]
	if !pl.IsUint64() || pl.Uint64() > 30 {
		return "", false
	}
	p := data[len(data)-2].BigInt()
	if p.BitLen() > int(8*pl.Uint64()) {
		return "", false
	}
	sb.Write(p.FillBytes(make([]byte, pl.Uint64())))
	return sb.String(), true
}

// felts converts a slice of felts to their 0x-hex strings.
func hexList(fs []asm.Felt) []string {
	out := make([]string, len(fs))
	for i := range fs {
		out[i] = fs[i].Hex()
	}
	return out
}

// two128 is 2^128, for u256 halves.
var two128 = new(big.Int).Lsh(big.NewInt(1), 128)
