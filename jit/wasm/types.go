package wasm

import (
	"fmt"
	"math"
	"strings"
)

// ValType is a WebAssembly value type, stored as its binary encoding.
type ValType byte

// The number types. The values are their single-byte binary encodings.
const (
	I32 ValType = 0x7F
	I64 ValType = 0x7E
	F32 ValType = 0x7D
	F64 ValType = 0x7C
)

// unknown is the validator's "any type" produced by a polymorphic
// (unreachable) operand stack. It is never encoded.
const unknown ValType = 0

// Valid reports whether t is one of I32, I64, F32 or F64.
func (t ValType) Valid() bool {
	switch t {
	case I32, I64, F32, F64:
		return true
	}
	return false
}

// String returns the text-format name of t ("i32", "i64", "f32", "f64").
func (t ValType) String() string {
	switch t {
	case I32:
		return "i32"
	case I64:
		return "i64"
	case F32:
		return "f32"
	case F64:
		return "f64"
	case unknown:
		return "unknown"
	}
	return fmt.Sprintf("valtype(0x%02x)", byte(t))
}

// FuncType is a function signature: parameter types and result types.
// Several results need the multi-value feature, which is part of
// WebAssembly 2.0 and supported by wazero.
type FuncType struct {
	Params  []ValType
	Results []ValType
}

// String returns the signature as "(i64, i64) -> (i32)".
func (ft FuncType) String() string {
	return "(" + joinTypes(ft.Params) + ") -> (" + joinTypes(ft.Results) + ")"
}

func joinTypes(ts []ValType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.String()
	}
	return strings.Join(s, ", ")
}

func (ft FuncType) validate() error {
	for _, t := range ft.Params {
		if !t.Valid() {
			return fmt.Errorf("wasm: invalid parameter type %v in %v", t, ft)
		}
	}
	for _, t := range ft.Results {
		if !t.Valid() {
			return fmt.Errorf("wasm: invalid result type %v in %v", t, ft)
		}
	}
	return nil
}

// appendEncoding appends the binary encoding of ft (0x60 vec(params) vec(results)).
func (ft FuncType) appendEncoding(b []byte) []byte {
	b = append(b, 0x60)
	b = appendU32(b, uint32(len(ft.Params)))
	for _, t := range ft.Params {
		b = append(b, byte(t))
	}
	b = appendU32(b, uint32(len(ft.Results)))
	for _, t := range ft.Results {
		b = append(b, byte(t))
	}
	return b
}

// TypeIdx indexes the module's type section (see Module.AddType).
type TypeIdx uint32

// FuncIdx indexes the module's function index space: imported functions
// first, in import order, then defined functions.
type FuncIdx uint32

// GlobalIdx indexes the module's global index space: imported globals
// first, in import order, then defined globals.
type GlobalIdx uint32

// BlockType is the type of a block, loop or if. The zero value is the
// empty block type ([] -> []).
type BlockType struct {
	kind byte // 0 empty, 1 single value, 2 type index
	val  ValType
	typ  TypeIdx
}

// BlockEmpty is the block type [] -> [] (encoded 0x40).
var BlockEmpty = BlockType{}

// BlockValue returns the block type [] -> [t] (encoded as t itself).
func BlockValue(t ValType) BlockType { return BlockType{kind: 1, val: t} }

// BlockFunc returns the block type given by a function type of the module
// (encoded as a signed 33-bit LEB128 type index). It allows block
// parameters and several results (multi-value).
func BlockFunc(t TypeIdx) BlockType { return BlockType{kind: 2, typ: t} }

// String describes the block type.
func (bt BlockType) String() string {
	switch bt.kind {
	case 0:
		return "[]"
	case 1:
		return "[" + bt.val.String() + "]"
	}
	return fmt.Sprintf("type[%d]", uint32(bt.typ))
}

func (bt BlockType) appendEncoding(b []byte) []byte {
	switch bt.kind {
	case 0:
		return append(b, 0x40)
	case 1:
		return append(b, byte(bt.val))
	}
	return appendS64(b, int64(bt.typ))
}

// Limits are the size bounds of a memory, in 64 KiB pages.
type Limits struct {
	Min    uint32
	Max    uint32 // only meaningful when HasMax is set
	HasMax bool
}

// MaxPages is the largest page count a 32-bit memory can have (4 GiB).
const MaxPages = 65536

// PageSize is the size of one memory page in bytes.
const PageSize = 65536

func (l Limits) validate() error {
	if l.Min > MaxPages {
		return fmt.Errorf("wasm: memory minimum %d pages exceeds %d", l.Min, MaxPages)
	}
	if l.HasMax {
		if l.Max > MaxPages {
			return fmt.Errorf("wasm: memory maximum %d pages exceeds %d", l.Max, MaxPages)
		}
		if l.Min > l.Max {
			return fmt.Errorf("wasm: memory minimum %d pages exceeds maximum %d", l.Min, l.Max)
		}
	}
	return nil
}

func (l Limits) appendEncoding(b []byte) []byte {
	if !l.HasMax {
		return appendU32(append(b, 0x00), l.Min)
	}
	b = appendU32(append(b, 0x01), l.Min)
	return appendU32(b, l.Max)
}

// GlobalType is the type of a global: its value type and mutability.
type GlobalType struct {
	Type    ValType
	Mutable bool
}

func (g GlobalType) appendEncoding(b []byte) []byte {
	mut := byte(0)
	if g.Mutable {
		mut = 1
	}
	return append(b, byte(g.Type), mut)
}

// MemArg is the immediate of a load or store: a static byte Offset added
// to the dynamic i32 address, and an alignment hint Align given as the
// base-2 logarithm of the byte alignment (0 = 1 byte, 3 = 8 bytes), as in
// the binary format. Align may not exceed the natural alignment of the
// access (e.g. 3 for i64.load, 0 for i32.load8_u). Engines treat it only
// as a hint, so the zero value is always correct.
type MemArg struct {
	Align  uint32
	Offset uint32
}

// ConstExpr is a constant expression, used to initialise globals. Build
// one with ConstI32, ConstI64, ConstF32, ConstF64 or ConstGlobalGet.
type ConstExpr struct {
	op   byte
	bits uint64
}

// ConstI32 is the constant expression (i32.const v).
func ConstI32(v int32) ConstExpr { return ConstExpr{op: opI32Const, bits: uint64(uint32(v))} }

// ConstI64 is the constant expression (i64.const v).
func ConstI64(v int64) ConstExpr { return ConstExpr{op: opI64Const, bits: uint64(v)} }

// ConstF32 is the constant expression (f32.const v).
func ConstF32(v float32) ConstExpr {
	return ConstExpr{op: opF32Const, bits: uint64(math.Float32bits(v))}
}

// ConstF64 is the constant expression (f64.const v).
func ConstF64(v float64) ConstExpr { return ConstExpr{op: opF64Const, bits: math.Float64bits(v)} }

// ConstGlobalGet is the constant expression (global.get g). As in
// WebAssembly 2.0, g must be an imported, immutable global.
func ConstGlobalGet(g GlobalIdx) ConstExpr { return ConstExpr{op: opGlobalGet, bits: uint64(g)} }

// appendEncoding appends the expression, including its terminating end.
func (c ConstExpr) appendEncoding(b []byte) []byte {
	b = append(b, c.op)
	switch c.op {
	case opI32Const:
		b = appendS64(b, int64(int32(uint32(c.bits))))
	case opI64Const:
		b = appendS64(b, int64(c.bits))
	case opF32Const:
		b = appendLE(b, c.bits, 4)
	case opF64Const:
		b = appendLE(b, c.bits, 8)
	case opGlobalGet:
		b = appendU32(b, uint32(c.bits))
	}
	return append(b, opEnd)
}

func appendLE(b []byte, v uint64, n int) []byte {
	for i := 0; i < n; i++ {
		b = append(b, byte(v>>(8*i)))
	}
	return b
}

// ExternKind is the kind of an import or export.
type ExternKind byte

// Export and import kinds, as encoded in the binary format. Tables are
// not supported by this package.
const (
	ExternFunc   ExternKind = 0x00
	ExternMemory ExternKind = 0x02
	ExternGlobal ExternKind = 0x03
)

// String returns "func", "memory" or "global".
func (k ExternKind) String() string {
	switch k {
	case ExternFunc:
		return "func"
	case ExternMemory:
		return "memory"
	case ExternGlobal:
		return "global"
	}
	return fmt.Sprintf("externkind(0x%02x)", byte(k))
}
