package assembler

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/cairn-vm/cairn/asm"
)

// Line is one line of a disassembly.
type Line struct {
	// PC is the address of the line's first word.
	PC int
	// Size is the number of words the line covers: 2 for an instruction with
	// an immediate, else 1.
	Size int
	// Text is the line in the syntax Assemble accepts.
	Text string
	// Data is true for a dw line: a word that is not an instruction the
	// assembler would write (data, or an encoding with unusual defaults).
	Data bool
}

// Disassemble decodes a program's words into assembly text, one instruction
// per line, that Assemble turns back into the same words. Words that are
// not instructions in the assembler's canonical encoding become dw lines.
func Disassemble(data []asm.Felt) string {
	var b strings.Builder
	for _, l := range DisassembleLines(data) {
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// DisassembleLines decodes a program's words linearly from pc 0: an
// instruction with an immediate takes the following word with it.
func DisassembleLines(data []asm.Felt) []Line {
	var lines []Line
	for pc := 0; pc < len(data); {
		if text, size, ok := DisassembleAt(data, pc); ok {
			lines = append(lines, Line{PC: pc, Size: size, Text: text})
			pc += size
			continue
		}
		lines = append(lines, Line{PC: pc, Size: 1, Text: "dw " + data[pc].Hex(), Data: true})
		pc++
	}
	return lines
}

// DisassembleAt decodes the instruction at data[pc]. It reports false when
// the word is not an instruction, when its immediate is missing, or when
// assembling the text would not give back exactly the same words.
func DisassembleAt(data []asm.Felt, pc int) (text string, size int, ok bool) {
	if pc < 0 || pc >= len(data) || !data[pc].IsUint64() {
		return "", 0, false
	}
	in, err := Decode(data[pc].Uint64())
	if err != nil {
		return "", 0, false
	}
	size = in.Size()
	if pc+size > len(data) {
		return "", 0, false
	}
	if size == 2 {
		in.Imm = data[pc+1]
	}
	text, ok = Format(&in)
	if !ok {
		return "", 0, false
	}
	words, err := AssembleWords(text)
	if err != nil || len(words) != size {
		return "", 0, false
	}
	for i := range words {
		if !words[i].Equal(&data[pc+i]) {
			return "", 0, false
		}
	}
	return text, size, true
}

var halfP = new(big.Int).Rsh(asm.ModulusBig(), 1)

// formatImm writes a field element as the assembler reads it back: small
// values in decimal, values just below P as negative decimals, others in hex.
func formatImm(f *asm.Felt) string {
	v := f.BigInt()
	if v.Cmp(halfP) > 0 {
		neg := new(big.Int).Sub(asm.ModulusBig(), v)
		if neg.IsUint64() {
			return "-" + neg.String()
		}
		return f.Hex()
	}
	if v.IsUint64() {
		return v.String()
	}
	return f.Hex()
}

func formatAddr(r Reg, off int) string {
	switch {
	case off == 0:
		return "[" + r.String() + "]"
	case off < 0:
		return fmt.Sprintf("[%s - %d]", r, -off)
	}
	return fmt.Sprintf("[%s + %d]", r, off)
}

// formatOp1 writes op1; for an immediate inside a sum or product a negative
// value is parenthesized.
func formatOp1(in *Instruction, inOperator bool) (string, bool) {
	switch in.Op1 {
	case Op1Imm:
		s := formatImm(&in.Imm)
		if inOperator && strings.HasPrefix(s, "-") {
			s = "(" + s + ")"
		}
		return s, true
	case Op1FP:
		return formatAddr(FP, in.OffOp1), true
	case Op1AP:
		return formatAddr(AP, in.OffOp1), true
	}
	// [[op0] + off]
	inner := formatAddr(in.Op0Reg, in.OffOp0)
	switch {
	case in.OffOp1 == 0:
		return "[" + inner + "]", true
	case in.OffOp1 < 0:
		return fmt.Sprintf("[%s - %d]", inner, -in.OffOp1), true
	}
	return fmt.Sprintf("[%s + %d]", inner, in.OffOp1), true
}

func formatRes(in *Instruction) (string, bool) {
	switch in.Res {
	case ResOp1:
		return formatOp1(in, false)
	case ResAdd, ResMul:
		if in.Op1 == Op1Op0 {
			return "", false
		}
		op1, _ := formatOp1(in, true)
		op := " + "
		if in.Res == ResMul {
			op = " * "
		}
		return formatAddr(in.Op0Reg, in.OffOp0) + op + op1, true
	}
	return "", false
}

func apSuffix(in *Instruction) (string, bool) {
	switch in.AP {
	case APRegular:
		return "", true
	case APAdd1:
		return ", ap++", true
	}
	return "", false
}

// Format writes an instruction in assembly syntax. It reports false for
// decodable words that have no syntax (a nop that neither jumps nor moves
// ap, an assertion that jumps, ...). The text names only the fields the
// instruction uses; Assemble fills in the others with cairo-lang's defaults.
func Format(in *Instruction) (string, bool) {
	switch in.Opcode {
	case OpRet:
		return "ret", true
	case OpCall:
		if in.Res != ResOp1 || in.Op1 == Op1Op0 || (in.PC != PCJumpAbs && in.PC != PCJumpRel) {
			return "", false
		}
		op1, _ := formatOp1(in, false)
		return "call " + relAbs(in.PC) + " " + op1, true
	case OpAssertEq:
		if in.PC != PCRegular {
			return "", false
		}
		suffix, ok := apSuffix(in)
		res, ok2 := formatRes(in)
		if !ok || !ok2 {
			return "", false
		}
		return formatAddr(in.DstReg, in.OffDst) + " = " + res + suffix, true
	}
	switch in.PC {
	case PCJumpAbs, PCJumpRel:
		suffix, ok := apSuffix(in)
		res, ok2 := formatRes(in)
		if !ok || !ok2 {
			return "", false
		}
		return "jmp " + relAbs(in.PC) + " " + res + suffix, true
	case PCJnz:
		suffix, ok := apSuffix(in)
		if !ok || in.Op1 == Op1Op0 {
			return "", false
		}
		op1, _ := formatOp1(in, false)
		return "jmp rel " + op1 + " if " + formatAddr(in.DstReg, in.OffDst) + " != 0" + suffix, true
	case PCRegular:
		if in.AP != APAdd {
			return "", false
		}
		res, ok := formatRes(in)
		if !ok {
			return "", false
		}
		return "ap += " + res, true
	}
	return "", false
}

func relAbs(pc PCUpdate) string {
	if pc == PCJumpRel {
		return "rel"
	}
	return "abs"
}
