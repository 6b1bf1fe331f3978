package sequencer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/cairn-vm/cairn/asm"
)

// The binary encoding of a transaction, as the node's journal stores it:
//
//	version  byte, txCodecVersion
//	type     byte, a TxType
//	present  byte, a bit per fixed felt that follows (bit i: fixedFelts[i]),
//	         so that the fields a type does not use cost one bit each
//	felts    32 bytes big-endian each, for the bits set, in bit order
//	calldata uvarint count, then 32-byte felts
//	signature uvarint count, then 32-byte felts
//	access   byte 0 (none) or 1, then the reads and the writes, each a
//	         uvarint count of contracts sorted by address, and per
//	         contract its address and a felt list (uvarint count, felts)
//
// Every felt must be below P, every count must fit the bytes left, and
// nothing may follow the last field: a decoder that accepted more would
// turn damage into a different, valid-looking transaction.
//
// A declare is not encodable: a [Tx] holds its class only as a loaded
// *class.Class, which keeps neither its JSON nor anything else that could
// rebuild it, so MarshalTx refuses it with an *UnsupportedTxError.
const txCodecVersion = 1

// fixedFelts are the felt fields of a Tx, in their presence-bit order.
var fixedFelts = [...]func(*Tx) *asm.Felt{
	func(tx *Tx) *asm.Felt { return &tx.Sender },
	func(tx *Tx) *asm.Felt { return &tx.Nonce },
	func(tx *Tx) *asm.Felt { return &tx.MaxFee },
	func(tx *Tx) *asm.Felt { return &tx.ClassHash },
	func(tx *Tx) *asm.Felt { return &tx.Salt },
	func(tx *Tx) *asm.Felt { return &tx.CompiledClassHash },
	func(tx *Tx) *asm.Felt { return &tx.Selector },
}

// Sentinel errors of the codec; the typed errors match them with
// errors.Is.
var (
	// ErrTxEncoding: bytes that are not a transaction's encoding.
	ErrTxEncoding = errors.New("sequencer: corrupt transaction encoding")
	// ErrUnsupportedTx: a transaction the encoding cannot represent.
	ErrUnsupportedTx = errors.New("sequencer: transaction cannot be encoded")
)

// TxEncodingError reports bytes UnmarshalTx cannot decode: Offset is where
// decoding failed. It matches ErrTxEncoding.
type TxEncodingError struct {
	Offset int
	Reason string
}

// Error implements error.
func (e *TxEncodingError) Error() string {
	return fmt.Sprintf("sequencer: corrupt transaction encoding at byte %d: %s", e.Offset, e.Reason)
}

// Is reports whether target is ErrTxEncoding.
func (e *TxEncodingError) Is(target error) bool { return target == ErrTxEncoding }

// UnsupportedTxError reports a transaction MarshalTx cannot encode. It
// matches ErrUnsupportedTx.
type UnsupportedTxError struct {
	Type   TxType
	Reason string
}

// Error implements error.
func (e *UnsupportedTxError) Error() string {
	return fmt.Sprintf("sequencer: cannot encode a %s transaction: %s", e.Type, e.Reason)
}

// Is reports whether target is ErrUnsupportedTx.
func (e *UnsupportedTxError) Is(target error) bool { return target == ErrUnsupportedTx }

// MarshalTx returns the binary encoding of tx (see UnmarshalTx). It fails
// with an *UnsupportedTxError for a declare (its class cannot be
// rebuilt from a *class.Class) and for an unknown type.
func MarshalTx(tx *Tx) ([]byte, error) {
	switch tx.Type {
	case Invoke, DeployAccount, L1Handler:
	case Declare:
		return nil, &UnsupportedTxError{Type: tx.Type, Reason: "its class is held only as a parsed *class.Class, which keeps nothing to rebuild it from"}
	default:
		return nil, &UnsupportedTxError{Type: tx.Type, Reason: "unknown transaction type"}
	}
	b := make([]byte, 0, 3+32*(len(fixedFelts)+len(tx.Calldata)+len(tx.Signature))+8)
	b = append(b, txCodecVersion, byte(tx.Type), 0)
	var present byte
	for i, f := range fixedFelts {
		if v := f(tx); !v.IsZero() {
			present |= 1 << i
			b = appendFelt(b, *v)
		}
	}
	b[2] = present
	b = appendFelts(b, tx.Calldata)
	b = appendFelts(b, tx.Signature)
	if tx.Access == nil {
		return append(b, 0), nil
	}
	b = append(b, 1)
	b = appendAccess(b, tx.Access.Reads)
	b = appendAccess(b, tx.Access.Writes)
	return b, nil
}

func appendFelt(b []byte, f asm.Felt) []byte {
	x := f.BytesBE()
	return append(b, x[:]...)
}

func appendFelts(b []byte, fs []asm.Felt) []byte {
	b = binary.AppendUvarint(b, uint64(len(fs)))
	for _, f := range fs {
		b = appendFelt(b, f)
	}
	return b
}

// appendAccess encodes a contract -> keys map with the contracts sorted,
// so that one access list always has one encoding.
func appendAccess(b []byte, m map[asm.Felt][]asm.Felt) []byte {
	contracts := make([]asm.Felt, 0, len(m))
	for c := range m {
		contracts = append(contracts, c)
	}
	slices.SortFunc(contracts, func(x, y asm.Felt) int { return x.Cmp(&y) })
	b = binary.AppendUvarint(b, uint64(len(contracts)))
	for _, c := range contracts {
		b = appendFelt(b, c)
		b = appendFelts(b, m[c])
	}
	return b
}

// UnmarshalTx decodes MarshalTx's encoding. Bytes that are not one (a
// wrong version or type, a truncation, a felt not below P, trailing
// bytes) fail with a *TxEncodingError. Empty lists and maps decode as nil.
func UnmarshalTx(b []byte) (*Tx, error) {
	d := decoder{b: b}
	version := d.byte("version")
	if d.err == nil && version != txCodecVersion {
		d.fail(0, fmt.Sprintf("version %d, want %d", version, txCodecVersion))
	}
	typ := TxType(d.byte("type"))
	if d.err == nil {
		switch typ {
		case Invoke, DeployAccount, L1Handler:
		case Declare:
			d.fail(1, "a declare, which is never encoded")
		default:
			d.fail(1, fmt.Sprintf("unknown transaction type %d", uint8(typ)))
		}
	}
	tx := &Tx{Type: typ}
	present := d.byte("field mask")
	if d.err == nil && present>>len(fixedFelts) != 0 {
		d.fail(2, fmt.Sprintf("field mask %#x has bits past the %d fields", present, len(fixedFelts)))
	}
	for i, f := range fixedFelts {
		if present&(1<<i) != 0 {
			*f(tx) = d.felt()
		}
	}
	tx.Calldata = d.felts("calldata")
	tx.Signature = d.felts("signature")
	switch d.byte("access list flag") {
	case 0:
	case 1:
		tx.Access = &AccessList{Reads: d.access("reads"), Writes: d.access("writes")}
	default:
		if d.err == nil {
			d.fail(d.off-1, "access list flag is neither 0 nor 1")
		}
	}
	if d.err == nil && d.off != len(b) {
		d.fail(d.off, fmt.Sprintf("%d bytes after the transaction", len(b)-d.off))
	}
	if d.err != nil {
		return nil, d.err
	}
	return tx, nil
}

// decoder reads an encoding; after the first failure every read returns
// zero values and err keeps that failure.
type decoder struct {
	b   []byte
	off int
	err *TxEncodingError
}

func (d *decoder) fail(off int, reason string) {
	if d.err == nil {
		d.err = &TxEncodingError{Offset: off, Reason: reason}
	}
}

func (d *decoder) byte(what string) byte {
	if d.err != nil {
		return 0
	}
	if d.off >= len(d.b) {
		d.fail(d.off, "truncated before the "+what)
		return 0
	}
	d.off++
	return d.b[d.off-1]
}

func (d *decoder) felt() asm.Felt {
	if d.err != nil {
		return asm.Felt{}
	}
	if len(d.b)-d.off < 32 {
		d.fail(d.off, "truncated felt")
		return asm.Felt{}
	}
	raw := d.b[d.off : d.off+32]
	f := asm.FeltFromBytesBE(raw)
	// FeltFromBytesBE reduces mod P: a felt that does not come back as the
	// same bytes was not below P, which no encoder writes.
	if back := f.BytesBE(); string(back[:]) != string(raw) {
		d.fail(d.off, "felt not below P")
		return asm.Felt{}
	}
	d.off += 32
	return f
}

// count reads a uvarint count of items of size bytes each and checks
// that they fit in what is left, so that a damaged count cannot make the
// decoder allocate more than the input's size.
func (d *decoder) count(what string, size int) int {
	if d.err != nil {
		return 0
	}
	n, k := binary.Uvarint(d.b[d.off:])
	if k <= 0 {
		d.fail(d.off, "bad count of "+what)
		return 0
	}
	if n > uint64(len(d.b)-d.off-k)/uint64(size) {
		d.fail(d.off, fmt.Sprintf("count %d of %s does not fit the %d bytes left", n, what, len(d.b)-d.off-k))
		return 0
	}
	d.off += k
	return int(n)
}

func (d *decoder) felts(what string) []asm.Felt {
	n := d.count(what, 32)
	if n == 0 {
		return nil
	}
	fs := make([]asm.Felt, n)
	for i := range fs {
		fs[i] = d.felt()
	}
	return fs
}

func (d *decoder) access(what string) map[asm.Felt][]asm.Felt {
	// A contract takes at least 33 bytes: its address and a count.
	n := d.count("contracts of the access list's "+what, 33)
	if n == 0 {
		return nil
	}
	m := make(map[asm.Felt][]asm.Felt, n)
	var prev asm.Felt
	for i := range n {
		off := d.off
		c := d.felt()
		if d.err == nil && i > 0 && c.Cmp(&prev) <= 0 {
			d.fail(off, "access list contracts not in ascending order")
		}
		prev = c
		m[c] = d.felts("access list keys")
	}
	return m
}
