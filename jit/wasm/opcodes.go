package wasm

// Single-byte opcodes emitted by Code (WebAssembly Core Specification,
// section 5.4 "Instructions").
const (
	opUnreachable byte = 0x00
	opNop         byte = 0x01
	opBlock       byte = 0x02
	opLoop        byte = 0x03
	opIf          byte = 0x04
	opElse        byte = 0x05
	opEnd         byte = 0x0B
	opBr          byte = 0x0C
	opBrIf        byte = 0x0D
	opBrTable     byte = 0x0E
	opReturn      byte = 0x0F
	opCall        byte = 0x10

	opDrop   byte = 0x1A
	opSelect byte = 0x1B

	opLocalGet  byte = 0x20
	opLocalSet  byte = 0x21
	opLocalTee  byte = 0x22
	opGlobalGet byte = 0x23
	opGlobalSet byte = 0x24

	opI32Load    byte = 0x28
	opI64Load    byte = 0x29
	opI32Load8S  byte = 0x2C
	opI32Load8U  byte = 0x2D
	opI32Load16S byte = 0x2E
	opI32Load16U byte = 0x2F
	opI64Load8S  byte = 0x30
	opI64Load8U  byte = 0x31
	opI64Load16S byte = 0x32
	opI64Load16U byte = 0x33
	opI64Load32S byte = 0x34
	opI64Load32U byte = 0x35
	opI32Store   byte = 0x36
	opI64Store   byte = 0x37
	opI32Store8  byte = 0x3A
	opI32Store16 byte = 0x3B
	opI64Store8  byte = 0x3C
	opI64Store16 byte = 0x3D
	opI64Store32 byte = 0x3E
	opMemorySize byte = 0x3F
	opMemoryGrow byte = 0x40

	opI32Const byte = 0x41
	opI64Const byte = 0x42
	opF32Const byte = 0x43
	opF64Const byte = 0x44

	opI32Eqz byte = 0x45
	opI32Eq  byte = 0x46
	opI32Ne  byte = 0x47
	opI32LtS byte = 0x48
	opI32LtU byte = 0x49
	opI32GtS byte = 0x4A
	opI32GtU byte = 0x4B
	opI32LeS byte = 0x4C
	opI32LeU byte = 0x4D
	opI32GeS byte = 0x4E
	opI32GeU byte = 0x4F

	opI64Eqz byte = 0x50
	opI64Eq  byte = 0x51
	opI64Ne  byte = 0x52
	opI64LtS byte = 0x53
	opI64LtU byte = 0x54
	opI64GtS byte = 0x55
	opI64GtU byte = 0x56
	opI64LeS byte = 0x57
	opI64LeU byte = 0x58
	opI64GeS byte = 0x59
	opI64GeU byte = 0x5A

	opI32Clz    byte = 0x67
	opI32Ctz    byte = 0x68
	opI32Popcnt byte = 0x69
	opI32Add    byte = 0x6A
	opI32Sub    byte = 0x6B
	opI32Mul    byte = 0x6C
	opI32DivS   byte = 0x6D
	opI32DivU   byte = 0x6E
	opI32RemS   byte = 0x6F
	opI32RemU   byte = 0x70
	opI32And    byte = 0x71
	opI32Or     byte = 0x72
	opI32Xor    byte = 0x73
	opI32Shl    byte = 0x74
	opI32ShrS   byte = 0x75
	opI32ShrU   byte = 0x76
	opI32Rotl   byte = 0x77
	opI32Rotr   byte = 0x78

	opI64Clz    byte = 0x79
	opI64Ctz    byte = 0x7A
	opI64Popcnt byte = 0x7B
	opI64Add    byte = 0x7C
	opI64Sub    byte = 0x7D
	opI64Mul    byte = 0x7E
	opI64DivS   byte = 0x7F
	opI64DivU   byte = 0x80
	opI64RemS   byte = 0x81
	opI64RemU   byte = 0x82
	opI64And    byte = 0x83
	opI64Or     byte = 0x84
	opI64Xor    byte = 0x85
	opI64Shl    byte = 0x86
	opI64ShrS   byte = 0x87
	opI64ShrU   byte = 0x88
	opI64Rotl   byte = 0x89
	opI64Rotr   byte = 0x8A

	opI32WrapI64    byte = 0xA7
	opI64ExtendI32S byte = 0xAC
	opI64ExtendI32U byte = 0xAD

	// Sign-extension operators (WebAssembly 2.0).
	opI32Extend8S  byte = 0xC0
	opI32Extend16S byte = 0xC1
	opI64Extend8S  byte = 0xC2
	opI64Extend16S byte = 0xC3
	opI64Extend32S byte = 0xC4

	// opPrefixFC introduces the bulk-memory instructions, followed by a
	// u32 sub-opcode.
	opPrefixFC byte = 0xFC
)

// Sub-opcodes after opPrefixFC.
const (
	subMemoryCopy uint32 = 10
	subMemoryFill uint32 = 11
)

// opName gives the text-format name of every opcode Code emits.
var opName = map[byte]string{
	opUnreachable: "unreachable", opNop: "nop", opBlock: "block", opLoop: "loop",
	opIf: "if", opElse: "else", opEnd: "end", opBr: "br", opBrIf: "br_if",
	opBrTable: "br_table", opReturn: "return", opCall: "call",
	opDrop: "drop", opSelect: "select",
	opLocalGet: "local.get", opLocalSet: "local.set", opLocalTee: "local.tee",
	opGlobalGet: "global.get", opGlobalSet: "global.set",
	opI32Load: "i32.load", opI64Load: "i64.load",
	opI32Load8S: "i32.load8_s", opI32Load8U: "i32.load8_u",
	opI32Load16S: "i32.load16_s", opI32Load16U: "i32.load16_u",
	opI64Load8S: "i64.load8_s", opI64Load8U: "i64.load8_u",
	opI64Load16S: "i64.load16_s", opI64Load16U: "i64.load16_u",
	opI64Load32S: "i64.load32_s", opI64Load32U: "i64.load32_u",
	opI32Store: "i32.store", opI64Store: "i64.store",
	opI32Store8: "i32.store8", opI32Store16: "i32.store16",
	opI64Store8: "i64.store8", opI64Store16: "i64.store16", opI64Store32: "i64.store32",
	opMemorySize: "memory.size", opMemoryGrow: "memory.grow",
	opI32Const: "i32.const", opI64Const: "i64.const", opF32Const: "f32.const", opF64Const: "f64.const",
	opI32Eqz: "i32.eqz", opI32Eq: "i32.eq", opI32Ne: "i32.ne",
	opI32LtS: "i32.lt_s", opI32LtU: "i32.lt_u", opI32GtS: "i32.gt_s", opI32GtU: "i32.gt_u",
	opI32LeS: "i32.le_s", opI32LeU: "i32.le_u", opI32GeS: "i32.ge_s", opI32GeU: "i32.ge_u",
	opI64Eqz: "i64.eqz", opI64Eq: "i64.eq", opI64Ne: "i64.ne",
	opI64LtS: "i64.lt_s", opI64LtU: "i64.lt_u", opI64GtS: "i64.gt_s", opI64GtU: "i64.gt_u",
	opI64LeS: "i64.le_s", opI64LeU: "i64.le_u", opI64GeS: "i64.ge_s", opI64GeU: "i64.ge_u",
	opI32Clz: "i32.clz", opI32Ctz: "i32.ctz", opI32Popcnt: "i32.popcnt",
	opI32Add: "i32.add", opI32Sub: "i32.sub", opI32Mul: "i32.mul",
	opI32DivS: "i32.div_s", opI32DivU: "i32.div_u", opI32RemS: "i32.rem_s", opI32RemU: "i32.rem_u",
	opI32And: "i32.and", opI32Or: "i32.or", opI32Xor: "i32.xor",
	opI32Shl: "i32.shl", opI32ShrS: "i32.shr_s", opI32ShrU: "i32.shr_u",
	opI32Rotl: "i32.rotl", opI32Rotr: "i32.rotr",
	opI64Clz: "i64.clz", opI64Ctz: "i64.ctz", opI64Popcnt: "i64.popcnt",
	opI64Add: "i64.add", opI64Sub: "i64.sub", opI64Mul: "i64.mul",
	opI64DivS: "i64.div_s", opI64DivU: "i64.div_u", opI64RemS: "i64.rem_s", opI64RemU: "i64.rem_u",
	opI64And: "i64.and", opI64Or: "i64.or", opI64Xor: "i64.xor",
	opI64Shl: "i64.shl", opI64ShrS: "i64.shr_s", opI64ShrU: "i64.shr_u",
	opI64Rotl: "i64.rotl", opI64Rotr: "i64.rotr",
	opI32WrapI64: "i32.wrap_i64", opI64ExtendI32S: "i64.extend_i32_s", opI64ExtendI32U: "i64.extend_i32_u",
	opI32Extend8S: "i32.extend8_s", opI32Extend16S: "i32.extend16_s",
	opI64Extend8S: "i64.extend8_s", opI64Extend16S: "i64.extend16_s", opI64Extend32S: "i64.extend32_s",
}

// numSig is the operand signature of an immediate-free numeric
// instruction: n operands of type in (1 or 2) producing one out.
type numSig struct {
	n       uint8
	in, out ValType
}

// numeric maps each immediate-free numeric opcode to its signature; the
// zero entry marks other opcodes.
var numeric [256]numSig

// memSig describes a load or store: the accessed value type, the access
// width in bytes (natural alignment), and whether it is a store.
type memSig struct {
	typ   ValType
	width uint8
	store bool
}

// memOps maps each load/store opcode to its signature.
var memOps [256]memSig

func init() {
	un := func(t, r ValType, ops ...byte) {
		for _, op := range ops {
			numeric[op] = numSig{1, t, r}
		}
	}
	bin := func(t, r ValType, ops ...byte) {
		for _, op := range ops {
			numeric[op] = numSig{2, t, r}
		}
	}
	un(I32, I32, opI32Eqz, opI32Clz, opI32Ctz, opI32Popcnt, opI32Extend8S, opI32Extend16S)
	un(I64, I32, opI64Eqz, opI32WrapI64)
	un(I64, I64, opI64Clz, opI64Ctz, opI64Popcnt, opI64Extend8S, opI64Extend16S, opI64Extend32S)
	un(I32, I64, opI64ExtendI32S, opI64ExtendI32U)
	bin(I32, I32, opI32Eq, opI32Ne, opI32LtS, opI32LtU, opI32GtS, opI32GtU, opI32LeS, opI32LeU, opI32GeS, opI32GeU)
	bin(I64, I32, opI64Eq, opI64Ne, opI64LtS, opI64LtU, opI64GtS, opI64GtU, opI64LeS, opI64LeU, opI64GeS, opI64GeU)
	bin(I32, I32, opI32Add, opI32Sub, opI32Mul, opI32DivS, opI32DivU, opI32RemS, opI32RemU,
		opI32And, opI32Or, opI32Xor, opI32Shl, opI32ShrS, opI32ShrU, opI32Rotl, opI32Rotr)
	bin(I64, I64, opI64Add, opI64Sub, opI64Mul, opI64DivS, opI64DivU, opI64RemS, opI64RemU,
		opI64And, opI64Or, opI64Xor, opI64Shl, opI64ShrS, opI64ShrU, opI64Rotl, opI64Rotr)

	mem := func(op byte, t ValType, width uint8, store bool) { memOps[op] = memSig{t, width, store} }
	mem(opI32Load, I32, 4, false)
	mem(opI64Load, I64, 8, false)
	mem(opI32Load8S, I32, 1, false)
	mem(opI32Load8U, I32, 1, false)
	mem(opI32Load16S, I32, 2, false)
	mem(opI32Load16U, I32, 2, false)
	mem(opI64Load8S, I64, 1, false)
	mem(opI64Load8U, I64, 1, false)
	mem(opI64Load16S, I64, 2, false)
	mem(opI64Load16U, I64, 2, false)
	mem(opI64Load32S, I64, 4, false)
	mem(opI64Load32U, I64, 4, false)
	mem(opI32Store, I32, 4, true)
	mem(opI64Store, I64, 8, true)
	mem(opI32Store8, I32, 1, true)
	mem(opI32Store16, I32, 2, true)
	mem(opI64Store8, I64, 1, true)
	mem(opI64Store16, I64, 2, true)
	mem(opI64Store32, I64, 4, true)
}

// maxAlign returns log2 of the natural alignment of a width-byte access.
func maxAlign(width uint8) uint32 {
	switch width {
	case 1:
		return 0
	case 2:
		return 1
	case 4:
		return 2
	}
	return 3
}
