package vm

import (
	"errors"
	"fmt"
)

// Register is the base of an operand address.
type Register uint8

// Registers an offset is applied to.
const (
	AP Register = iota
	FP
)

// Op1Src says where op1 is read from.
type Op1Src uint8

// Op1 sources: [op0 + off2], the immediate at pc + 1, [fp + off2], [ap + off2].
const (
	Op1FromOp0 Op1Src = iota
	Op1Imm
	Op1FromFP
	Op1FromAP
)

// ResLogic says how res is computed.
type ResLogic uint8

// Res computations. ResUnconstrained is what jnz instructions decode to.
const (
	ResOp1 ResLogic = iota
	ResAdd
	ResMul
	ResUnconstrained
)

// PCUpdate says how pc moves.
type PCUpdate uint8

// Pc updates.
const (
	PCRegular PCUpdate = iota
	PCJumpAbs
	PCJumpRel
	PCJnz
)

// APUpdate says how ap moves.
type APUpdate uint8

// Ap updates. APAdd2 is what call decodes to.
const (
	APRegular APUpdate = iota
	APAdd
	APAdd1
	APAdd2
)

// FPUpdate says how fp moves; it follows from the opcode.
type FPUpdate uint8

// Fp updates.
const (
	FPRegular FPUpdate = iota
	FPAPPlus2
	FPDst
)

// Opcode is the instruction's opcode.
type Opcode uint8

// Opcodes.
const (
	OpNop Opcode = iota
	OpCall
	OpRet
	OpAssertEq
)

// Instruction is a decoded instruction word.
type Instruction struct {
	OffDst, OffOp0, OffOp1 int
	DstReg, Op0Reg         Register
	Op1                    Op1Src
	Res                    ResLogic
	PC                     PCUpdate
	AP                     APUpdate
	FP                     FPUpdate
	Opcode                 Opcode
	Size                   int // 2 when op1 is an immediate
}

// ErrInvalidInstruction is wrapped by every decoding error.
var ErrInvalidInstruction = errors.New("invalid instruction")

func decodeErr(word uint64, format string, args ...any) error {
	return fmt.Errorf("%w 0x%x: %s", ErrInvalidInstruction, word, fmt.Sprintf(format, args...))
}

// Decode decodes an instruction word as cairo-lang does, rejecting every
// flag combination it rejects: bit 63 set, more than one bit of a one-hot
// group, res bits on a jnz, an ap update on a call, and an immediate whose
// off_op1 is not 1.
func Decode(word uint64) (Instruction, error) {
	if word>>63 != 0 {
		return Instruction{}, decodeErr(word, "the high bit must be zero")
	}
	var in Instruction
	in.OffDst = int(word&0xffff) - 0x8000
	in.OffOp0 = int(word>>16&0xffff) - 0x8000
	in.OffOp1 = int(word>>32&0xffff) - 0x8000
	f := word >> 48
	in.DstReg = Register(f & 1)
	in.Op0Reg = Register(f >> 1 & 1)
	switch f >> 2 & 7 {
	case 0:
		in.Op1 = Op1FromOp0
	case 1:
		in.Op1 = Op1Imm
	case 2:
		in.Op1 = Op1FromFP
	case 4:
		in.Op1 = Op1FromAP
	default:
		return in, decodeErr(word, "invalid op1 source flags %03b", f>>2&7)
	}
	switch f >> 7 & 7 {
	case 0:
		in.PC = PCRegular
	case 1:
		in.PC = PCJumpAbs
	case 2:
		in.PC = PCJumpRel
	case 4:
		in.PC = PCJnz
	default:
		return in, decodeErr(word, "invalid pc update flags %03b", f>>7&7)
	}
	switch f >> 5 & 3 {
	case 0:
		in.Res = ResOp1
		if in.PC == PCJnz {
			in.Res = ResUnconstrained
		}
	case 1:
		in.Res = ResAdd
	case 2:
		in.Res = ResMul
	default:
		return in, decodeErr(word, "invalid res logic flags %02b", f>>5&3)
	}
	if in.PC == PCJnz && in.Res != ResUnconstrained {
		return in, decodeErr(word, "jnz must have an unconstrained res")
	}
	switch f >> 10 & 3 {
	case 0:
		in.AP = APRegular
	case 1:
		in.AP = APAdd
	case 2:
		in.AP = APAdd1
	default:
		return in, decodeErr(word, "invalid ap update flags %02b", f>>10&3)
	}
	switch f >> 12 & 7 {
	case 0:
		in.Opcode = OpNop
	case 1:
		in.Opcode = OpCall
	case 2:
		in.Opcode = OpRet
	case 4:
		in.Opcode = OpAssertEq
	default:
		return in, decodeErr(word, "invalid opcode flags %03b", f>>12&7)
	}
	switch in.Opcode {
	case OpCall:
		if in.AP != APRegular {
			return in, decodeErr(word, "call must not update ap")
		}
		in.AP = APAdd2
		in.FP = FPAPPlus2
	case OpRet:
		in.FP = FPDst
	}
	in.Size = 1
	if in.Op1 == Op1Imm {
		if in.OffOp1 != 1 {
			return in, decodeErr(word, "an immediate operand needs off_op1 = 1, got %d", in.OffOp1)
		}
		in.Size = 2
	}
	return in, nil
}
