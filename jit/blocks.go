package jit

import (
	"slices"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/vm"
)

// How the compiled code executes an instruction. Every inline kind has a
// slow path too: when a step is not ordinary (a cell to deduce in a builtin
// segment, a failed assertion, pointer arithmetic the inline code does not
// do), it asks Go to run that one step with the interpreter, which stays
// the definition of the semantics.
type kind uint8

const (
	kindSlow   kind = iota // always Go: hints, rare shapes
	kindAssert             // assert_eq, res = op1 | op0 + op1 | op0 * op1
	kindJnz                // jnz by an immediate
	kindJmpRel             // jmp rel by an immediate
	kindCall               // call rel by an immediate
	kindRet
	kindAPAdd // ap += immediate
)

// instr is one decoded instruction of a block.
type instr struct {
	pc       int
	in       vm.Instruction
	kind     kind
	imm      asm.Felt // the immediate, for Op1Imm
	immInt   int      // the immediate as a small signed integer, when immSmall
	immSmall bool
	hinted   bool
	// apDelta is ap's offset from its value at the block's start, before
	// this instruction runs.
	apDelta int
}

// block is a straight run of instructions entered only at its first.
type block struct {
	start  int
	instrs []instr
	// Extremes of the execution-segment offsets the inline instructions
	// touch, relative to ap and fp at the block's start; checked once on
	// entry so that no inline access needs a bounds check of its own.
	apLo, apHi, fpLo, fpHi int
	usesAP, usesFP         bool
}

// next is the pc after the block's last instruction.
func (b *block) next() int {
	last := &b.instrs[len(b.instrs)-1]
	return last.pc + last.in.Size
}

// analysis is a program cut into blocks.
type analysis struct {
	codeLen int
	blocks  []block
	leader  []int32 // pc -> block index, -1 where no block starts
	// ranges are the groups of blocks compiled as one wasm function each
	// (see groups), groupOf the group of every block.
	ranges  [][2]int
	groupOf []int32
}

// decodeAt decodes the instruction at pc of code, with its immediate.
func decodeAt(code []asm.Felt, pc int) (instr, bool) {
	if pc < 0 || pc >= len(code) || !code[pc].IsUint64() {
		return instr{}, false
	}
	in, err := vm.Decode(code[pc].Uint64())
	if err != nil || pc+in.Size > len(code) {
		return instr{}, false
	}
	ins := instr{pc: pc, in: in}
	if in.Op1 == vm.Op1Imm {
		ins.imm = code[pc+1]
		ins.immInt, ins.immSmall = vm.SmallInt(&ins.imm)
	}
	ins.kind = classify(&ins)
	return ins, true
}

func classify(i *instr) kind {
	in := &i.in
	apStatic := in.AP == vm.APRegular || in.AP == vm.APAdd1
	switch {
	case in.Opcode == vm.OpAssertEq && in.Res != vm.ResUnconstrained && in.PC == vm.PCRegular && apStatic:
		return kindAssert
	case in.Opcode == vm.OpNop && in.PC == vm.PCJnz && in.Op1 == vm.Op1Imm && i.immSmall && apStatic:
		return kindJnz
	case in.Opcode == vm.OpNop && in.PC == vm.PCJumpRel && in.Op1 == vm.Op1Imm && in.Res == vm.ResOp1 &&
		i.immSmall && apStatic:
		return kindJmpRel
	case in.Opcode == vm.OpCall && in.PC == vm.PCJumpRel && in.Op1 == vm.Op1Imm && in.Res == vm.ResOp1 &&
		i.immSmall && in.DstReg == vm.AP && in.OffDst == 0 && in.Op0Reg == vm.AP && in.OffOp0 == 1:
		return kindCall
	case in.Opcode == vm.OpRet && in.PC == vm.PCJumpAbs && in.Res == vm.ResOp1 && in.AP == vm.APRegular &&
		in.DstReg == vm.FP && in.OffDst == -2 && in.Op1 == vm.Op1FromFP && in.OffOp1 == -1:
		return kindRet
	case in.Opcode == vm.OpNop && in.PC == vm.PCRegular && in.AP == vm.APAdd && in.Op1 == vm.Op1Imm &&
		in.Res == vm.ResOp1 && i.immSmall:
		return kindAPAdd
	}
	return kindSlow
}

// endsBlock reports whether control may leave the straight line after i,
// or ap moves by an amount known only when it runs.
func endsBlock(i *instr) bool {
	in := &i.in
	if in.PC != vm.PCRegular || in.Opcode == vm.OpCall || in.Opcode == vm.OpRet {
		return true
	}
	return in.AP == vm.APAdd && i.kind != kindAPAdd || in.AP == vm.APAdd2
}

// staticTarget returns the target of a jump, jnz or call by an immediate.
func staticTarget(i *instr) (int, bool) {
	if i.in.Op1 != vm.Op1Imm || !i.immSmall {
		return 0, false
	}
	switch {
	case i.in.PC == vm.PCJnz, i.in.PC == vm.PCJumpRel && i.in.Res == vm.ResOp1:
		return i.pc + i.immInt, true
	}
	return 0, false
}

// fallsThrough reports whether the next instruction may run after i.
func fallsThrough(i *instr) bool {
	switch i.in.PC {
	case vm.PCRegular, vm.PCJnz:
		return true
	}
	// A call returns to the next instruction; jumps and ret never fall
	// through.
	return i.in.Opcode == vm.OpCall
}

// analyze finds the blocks reachable from entries, the pcs where execution
// may begin (main, labels, functions: targets of computed jumps too).
func analyze(code []asm.Felt, entries []int, hinted func(pc int) bool) *analysis {
	n := len(code)
	isLeader := make([]bool, n+1)
	explored := make([]bool, n+1)
	var work []int
	push := func(pc int, lead bool) {
		if pc < 0 || pc >= n {
			return
		}
		if lead {
			isLeader[pc] = true
		}
		if !explored[pc] {
			explored[pc] = true
			work = append(work, pc)
		}
	}
	for _, pc := range entries {
		push(pc, true)
	}
	decoded := make(map[int]instr)
	for len(work) > 0 {
		pc := work[len(work)-1]
		work = work[:len(work)-1]
		ins, ok := decodeAt(code, pc)
		if !ok {
			continue
		}
		if hinted(pc) {
			ins.hinted, ins.kind = true, kindSlow
		}
		decoded[pc] = ins
		if t, ok := staticTarget(&ins); ok {
			push(t, true)
		}
		if fallsThrough(&ins) {
			push(pc+ins.in.Size, endsBlock(&ins))
		}
	}
	a := &analysis{codeLen: n, leader: make([]int32, n)}
	for i := range a.leader {
		a.leader[i] = -1
	}
	var starts []int
	for pc := range n {
		if isLeader[pc] {
			if _, ok := decoded[pc]; ok {
				starts = append(starts, pc)
			}
		}
	}
	slices.Sort(starts)
	for _, start := range starts {
		if len(a.blocks) >= maxBlocks {
			break
		}
		b := block{start: start}
		pc, apDelta := start, 0
		for {
			ins, ok := decoded[pc]
			if !ok || pc != start && isLeader[pc] {
				break
			}
			ins.apDelta = apDelta
			b.instrs = append(b.instrs, ins)
			if ins.kind != kindSlow {
				b.note(&ins)
			}
			switch {
			case ins.kind == kindAPAdd:
				apDelta += ins.immInt
			case ins.in.AP == vm.APAdd1:
				apDelta++
			}
			if endsBlock(&ins) {
				break
			}
			pc += ins.in.Size
		}
		a.leader[start] = int32(len(a.blocks))
		a.blocks = append(a.blocks, b)
	}
	a.ranges = a.groups(maxGroupBlocks)
	a.groupOf = make([]int32, len(a.blocks))
	for g, r := range a.ranges {
		for j := r[0]; j < r[1]; j++ {
			a.groupOf[j] = int32(g)
		}
	}
	return a
}

// note widens the block's access extremes by an inline instruction's
// register-relative operands.
func (b *block) note(i *instr) {
	in := &i.in
	add := func(r vm.Register, off int) {
		if r == vm.AP {
			off += i.apDelta
			if !b.usesAP {
				b.apLo, b.apHi, b.usesAP = off, off, true
			}
			b.apLo, b.apHi = min(b.apLo, off), max(b.apHi, off)
			return
		}
		if !b.usesFP {
			b.fpLo, b.fpHi, b.usesFP = off, off, true
		}
		b.fpLo, b.fpHi = min(b.fpLo, off), max(b.fpHi, off)
	}
	add(in.DstReg, in.OffDst)
	add(in.Op0Reg, in.OffOp0)
	switch in.Op1 {
	case vm.Op1FromAP:
		add(vm.AP, in.OffOp1)
	case vm.Op1FromFP:
		add(vm.FP, in.OffOp1)
	}
}

// groups cuts the blocks into runs of consecutive blocks, each compiled as
// one wasm function: a run starts at every block a call by an immediate
// targets (a function's first block, so that a Cairo function's loops stay
// inside one wasm function) and holds at most max blocks.
func (a *analysis) groups(max int) [][2]int {
	starts := make([]bool, len(a.blocks)+1)
	for _, b := range a.blocks {
		for k := range b.instrs {
			i := &b.instrs[k]
			if i.in.Opcode != vm.OpCall {
				continue
			}
			if t, ok := staticTarget(i); ok && t >= 0 && t < len(a.leader) && a.leader[t] >= 0 {
				starts[a.leader[t]] = true
			}
		}
	}
	var gs [][2]int
	lo := 0
	for j := 1; j <= len(a.blocks); j++ {
		if j == len(a.blocks) || starts[j] || j-lo >= max {
			gs = append(gs, [2]int{lo, j})
			lo = j
		}
	}
	return gs
}
