package assembler

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/cairn-vm/cairn/asm"
)

// Reg is the register an operand address is relative to.
type Reg uint8

// The two address registers.
const (
	AP Reg = iota
	FP
)

// String returns "ap" or "fp".
func (r Reg) String() string {
	if r == FP {
		return "fp"
	}
	return "ap"
}

// Op1Src is where op1 is read from.
type Op1Src uint8

// Op1 sources: [op0 + off_op1], the immediate word at pc + 1, [fp + off_op1]
// and [ap + off_op1].
const (
	Op1Op0 Op1Src = iota
	Op1Imm
	Op1FP
	Op1AP
)

// ResLogic is how res is computed from the operands.
type ResLogic uint8

// Res computations; ResUnconstrained is the res of a conditional jump.
const (
	ResOp1 ResLogic = iota
	ResAdd
	ResMul
	ResUnconstrained
)

// PCUpdate is how pc moves after the instruction.
type PCUpdate uint8

// Pc updates.
const (
	PCRegular PCUpdate = iota
	PCJumpAbs
	PCJumpRel
	PCJnz
)

// APUpdate is how ap moves after the instruction. APAdd2 is implied by the
// call opcode and has no flag bit of its own.
type APUpdate uint8

// Ap updates.
const (
	APRegular APUpdate = iota
	APAdd
	APAdd1
	APAdd2
)

// Opcode is the instruction's opcode. The fp update follows from it: call
// sets fp = ap + 2, ret sets fp = dst, the others leave fp alone.
type Opcode uint8

// Opcodes.
const (
	OpNop Opcode = iota
	OpCall
	OpRet
	OpAssertEq
)

// Flag bit positions within the 16 flag bits (the word's bits 48 to 63),
// as the whitepaper (section 4.5) and cairo-lang's encoder number them.
const (
	flagDstReg      = 0
	flagOp0Reg      = 1
	flagOp1Imm      = 2
	flagOp1FP       = 3
	flagOp1AP       = 4
	flagResAdd      = 5
	flagResMul      = 6
	flagPCJumpAbs   = 7
	flagPCJumpRel   = 8
	flagPCJnz       = 9
	flagAPAdd       = 10
	flagAPAdd1      = 11
	flagOpCall      = 12
	flagOpRet       = 13
	flagOpAssertEq  = 14
	offsetBias      = 1 << 15
	minOffset       = -(1 << 15)
	maxOffset       = 1<<15 - 1
	flagsShift      = 48
	instructionBits = 63
)

// Instruction is one Cairo instruction with every field of its encoding.
// Imm is meaningful only when Op1 is Op1Imm; it is then the second word.
type Instruction struct {
	OffDst, OffOp0, OffOp1 int
	DstReg, Op0Reg         Reg
	Op1                    Op1Src
	Res                    ResLogic
	PC                     PCUpdate
	AP                     APUpdate
	Opcode                 Opcode
	Imm                    asm.Felt
}

// Size is the number of words the instruction takes: 2 with an immediate.
func (in *Instruction) Size() int {
	if in.Op1 == Op1Imm {
		return 2
	}
	return 1
}

// errEncode is wrapped by every encoding error.
var errEncode = errors.New("cannot encode instruction")

// Encode returns the instruction word, checking the constraints cairo-lang's
// encoder asserts: offsets in [-2^15, 2^15), res unconstrained exactly on
// jnz, ap update add2 exactly on call.
func (in *Instruction) Encode() (uint64, error) {
	for _, off := range [...]int{in.OffDst, in.OffOp0, in.OffOp1} {
		if off < minOffset || off > maxOffset {
			return 0, fmt.Errorf("%w: offset %d out of range [-2^15, 2^15)", errEncode, off)
		}
	}
	if (in.Res == ResUnconstrained) != (in.PC == PCJnz) {
		return 0, fmt.Errorf("%w: res must be unconstrained exactly when pc_update is jnz", errEncode)
	}
	if (in.AP == APAdd2) != (in.Opcode == OpCall) {
		return 0, fmt.Errorf("%w: ap_update must be add2 exactly when the opcode is call", errEncode)
	}
	var flags uint64
	if in.DstReg == FP {
		flags |= 1 << flagDstReg
	}
	if in.Op0Reg == FP {
		flags |= 1 << flagOp0Reg
	}
	switch in.Op1 {
	case Op1Imm:
		flags |= 1 << flagOp1Imm
	case Op1FP:
		flags |= 1 << flagOp1FP
	case Op1AP:
		flags |= 1 << flagOp1AP
	}
	switch in.Res {
	case ResAdd:
		flags |= 1 << flagResAdd
	case ResMul:
		flags |= 1 << flagResMul
	}
	switch in.PC {
	case PCJumpAbs:
		flags |= 1 << flagPCJumpAbs
	case PCJumpRel:
		flags |= 1 << flagPCJumpRel
	case PCJnz:
		flags |= 1 << flagPCJnz
	}
	switch in.AP {
	case APAdd:
		flags |= 1 << flagAPAdd
	case APAdd1:
		flags |= 1 << flagAPAdd1
	}
	switch in.Opcode {
	case OpCall:
		flags |= 1 << flagOpCall
	case OpRet:
		flags |= 1 << flagOpRet
	case OpAssertEq:
		flags |= 1 << flagOpAssertEq
	}
	w := flags << flagsShift
	w |= uint64(in.OffOp1+offsetBias) << 32
	w |= uint64(in.OffOp0+offsetBias) << 16
	w |= uint64(in.OffDst + offsetBias)
	return w, nil
}

// Decode decodes an instruction word the way cairo-lang's decoder does,
// rejecting what it rejects: a word of 2^63 or more, two bits set in a
// one-hot group, res bits on a jnz, ap bits on a call. The immediate is not
// read; the caller fills Imm when Op1 is Op1Imm.
func Decode(word uint64) (Instruction, error) {
	var in Instruction
	if word>>instructionBits != 0 {
		return in, fmt.Errorf("word 0x%x: the reserved bit is set", word)
	}
	in.OffDst = int(word&0xffff) - offsetBias
	in.OffOp0 = int(word>>16&0xffff) - offsetBias
	in.OffOp1 = int(word>>32&0xffff) - offsetBias
	f := word >> flagsShift
	bit := func(n uint) uint64 { return f >> n & 1 }
	in.DstReg = Reg(bit(flagDstReg))
	in.Op0Reg = Reg(bit(flagOp0Reg))
	switch [3]uint64{bit(flagOp1Imm), bit(flagOp1FP), bit(flagOp1AP)} {
	case [3]uint64{0, 0, 0}:
		in.Op1 = Op1Op0
	case [3]uint64{1, 0, 0}:
		in.Op1 = Op1Imm
	case [3]uint64{0, 1, 0}:
		in.Op1 = Op1FP
	case [3]uint64{0, 0, 1}:
		in.Op1 = Op1AP
	default:
		return in, fmt.Errorf("word 0x%x: more than one op1 source", word)
	}
	switch [3]uint64{bit(flagPCJumpAbs), bit(flagPCJumpRel), bit(flagPCJnz)} {
	case [3]uint64{0, 0, 0}:
		in.PC = PCRegular
	case [3]uint64{1, 0, 0}:
		in.PC = PCJumpAbs
	case [3]uint64{0, 1, 0}:
		in.PC = PCJumpRel
	case [3]uint64{0, 0, 1}:
		in.PC = PCJnz
	default:
		return in, fmt.Errorf("word 0x%x: more than one pc update", word)
	}
	switch [2]uint64{bit(flagResAdd), bit(flagResMul)} {
	case [2]uint64{0, 0}:
		in.Res = ResOp1
		if in.PC == PCJnz {
			in.Res = ResUnconstrained
		}
	case [2]uint64{1, 0}:
		in.Res = ResAdd
	case [2]uint64{0, 1}:
		in.Res = ResMul
	default:
		return in, fmt.Errorf("word 0x%x: more than one res logic", word)
	}
	if in.PC == PCJnz && in.Res != ResUnconstrained {
		return in, fmt.Errorf("word 0x%x: jnz with a res logic", word)
	}
	switch [2]uint64{bit(flagAPAdd), bit(flagAPAdd1)} {
	case [2]uint64{0, 0}:
		in.AP = APRegular
	case [2]uint64{1, 0}:
		in.AP = APAdd
	case [2]uint64{0, 1}:
		in.AP = APAdd1
	default:
		return in, fmt.Errorf("word 0x%x: more than one ap update", word)
	}
	switch [3]uint64{bit(flagOpCall), bit(flagOpRet), bit(flagOpAssertEq)} {
	case [3]uint64{0, 0, 0}:
		in.Opcode = OpNop
	case [3]uint64{1, 0, 0}:
		in.Opcode = OpCall
	case [3]uint64{0, 1, 0}:
		in.Opcode = OpRet
	case [3]uint64{0, 0, 1}:
		in.Opcode = OpAssertEq
	default:
		return in, fmt.Errorf("word 0x%x: more than one opcode", word)
	}
	if in.Opcode == OpCall {
		if in.AP != APRegular {
			return in, fmt.Errorf("word 0x%x: call with an ap update", word)
		}
		in.AP = APAdd2
	}
	return in, nil
}

// feltFromBig reduces v modulo P.
func feltFromBig(v *big.Int) asm.Felt {
	var f asm.Felt
	f.SetBigInt(v)
	return f
}
