package vm

import (
	"errors"
	"testing"
)

// Encodings from cairo-compile output, decoded by hand from the whitepaper's
// bit layout (section 4.5).
func TestDecodeKnownWords(t *testing.T) {
	cases := []struct {
		name string
		word uint64
		want Instruction
	}{
		{"ret", 0x208b7fff7fff7ffe, Instruction{OffDst: -2, OffOp0: -1, OffOp1: -1, DstReg: FP, Op0Reg: FP,
			Op1: Op1FromFP, Res: ResOp1, PC: PCJumpAbs, AP: APRegular, FP: FPDst, Opcode: OpRet, Size: 1}},
		{"[ap] = imm, ap++", 0x480680017fff8000, Instruction{OffDst: 0, OffOp0: -1, OffOp1: 1, DstReg: AP, Op0Reg: FP,
			Op1: Op1Imm, Res: ResOp1, PC: PCRegular, AP: APAdd1, Opcode: OpAssertEq, Size: 2}},
		{"call rel imm", 0x1104800180018000, Instruction{OffDst: 0, OffOp0: 1, OffOp1: 1, DstReg: AP, Op0Reg: AP,
			Op1: Op1Imm, Res: ResOp1, PC: PCJumpRel, AP: APAdd2, FP: FPAPPlus2, Opcode: OpCall, Size: 2}},
		{"jmp rel imm if [fp-3] != 0", 0x20780017fff7ffd, Instruction{OffDst: -3, OffOp0: -1, OffOp1: 1, DstReg: FP, Op0Reg: FP,
			Op1: Op1Imm, Res: ResUnconstrained, PC: PCJnz, AP: APRegular, Opcode: OpNop, Size: 2}},
		{"[ap-1] = imm", 0x400680017fff7fff, Instruction{OffDst: -1, OffOp0: -1, OffOp1: 1, DstReg: AP, Op0Reg: FP,
			Op1: Op1Imm, Res: ResOp1, PC: PCRegular, AP: APRegular, Opcode: OpAssertEq, Size: 2}},
		{"[ap] = [fp-5] + [fp-4], ap++", 0x482a7ffc7ffb8000, Instruction{OffDst: 0, OffOp0: -5, OffOp1: -4, DstReg: AP, Op0Reg: FP,
			Op1: Op1FromFP, Res: ResAdd, PC: PCRegular, AP: APAdd1, Opcode: OpAssertEq, Size: 1}},
	}
	for _, c := range cases {
		got, err := Decode(c.word)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s: got %+v\nwant %+v", c.name, got, c.want)
		}
	}
}

func TestDecodeRejectsInvalid(t *testing.T) {
	base := uint64(0x7fff7fff8000) // offsets only
	cases := map[string]uint64{
		"high bit":             1<<63 | 0x208b7fff7fff7ffe,
		"op1 src imm+fp":       base | 0x3<<50,
		"op1 src fp+ap":        base | 0x6<<50,
		"res add+mul":          base | 0x3<<53,
		"pc abs+rel":           base | 0x3<<55,
		"pc rel+jnz":           base | 0x6<<55,
		"ap add+add1":          base | 0x3<<58,
		"opcode call+ret":      base | 0x3<<60,
		"opcode ret+assert":    base | 0x6<<60,
		"call with ap++":       0x1104800180018000 | 1<<59,
		"jnz with res add":     0x20780017fff7ffd | 1<<53,
		"immediate off_op1!=1": 0x480680027fff8000,
	}
	for name, w := range cases {
		if _, err := Decode(w); !errors.Is(err, ErrInvalidInstruction) {
			t.Errorf("%s (0x%x): got %v, want ErrInvalidInstruction", name, w, err)
		}
	}
}

// Every flag combination decodes or is rejected; none panics, and accepted
// words keep their offsets.
func TestDecodeAllFlagCombinations(t *testing.T) {
	accepted := 0
	for flags := uint64(0); flags < 1<<15; flags++ {
		w := flags<<48 | 0x8001<<32 | 0x7fff<<16 | 0x8002
		in, err := Decode(w)
		if err != nil {
			continue
		}
		accepted++
		if in.OffDst != 2 || in.OffOp0 != -1 || in.OffOp1 != 1 {
			t.Fatalf("flags %x: offsets %d %d %d", flags, in.OffDst, in.OffOp0, in.OffOp1)
		}
	}
	// dst_reg, op0_reg: 4; op1: 4; res: 3 (or 1 under jnz); pc: 4; ap: 3
	// (1 under call); opcode: 4. Counted independently of Decode:
	want := 0
	for _, pc := range []int{0, 1, 2, 4} {
		for _, op := range []int{0, 1, 2, 4} {
			res := 3
			if pc == 4 {
				res = 1
			}
			ap := 3
			if op == 1 {
				ap = 1
			}
			want += 4 * 4 * res * ap
		}
	}
	if accepted != want {
		t.Errorf("accepted %d flag combinations, want %d", accepted, want)
	}
}

func FuzzDecode(f *testing.F) {
	for _, w := range []uint64{0x208b7fff7fff7ffe, 0x480680017fff8000, 0x1104800180018000, 1 << 63} {
		f.Add(w)
	}
	f.Fuzz(func(t *testing.T, w uint64) {
		in, err := Decode(w)
		if err == nil && (in.Size < 1 || in.Size > 2) {
			t.Fatalf("size %d", in.Size)
		}
	})
}
