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
	// site is the instruction's index in the program's site table; apHW
	// and fpHW (when hasAP, hasFP) the execution segment's size, from ap
	// and fp at the block's start, that the block's inline steps before
	// this one need (every cell a finished step touched is known, so its
	// segment's size is past it; the size is raised where Go takes over or
	// the block is left, not at every write).
	site         int
	apHW, fpHW   int
	hasAP, hasFP bool
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
	// end is what instr's high-water fields say, for the whole block.
	end instr
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
	sites   int // instructions in blocks
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
	nSites := 0
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
		b.highWater(&nSites)
		a.leader[start] = int32(len(a.blocks))
		a.blocks = append(a.blocks, b)
	}
	a.sites = nSites
	a.ranges = a.groups(maxGroupBlocks)
	a.groupOf = make([]int32, len(a.blocks))
	for g, r := range a.ranges {
		for j := r[0]; j < r[1]; j++ {
			a.groupOf[j] = int32(g)
		}
	}
	return a
}

// highWater numbers the block's instructions from *next and fills in
// their high-water fields.
func (b *block) highWater(next *int) {
	var hw instr
	for k := range b.instrs {
		i := &b.instrs[k]
		i.site = *next
		*next++
		i.apHW, i.fpHW, i.hasAP, i.hasFP = hw.apHW, hw.fpHW, hw.hasAP, hw.hasFP
		if i.kind == kindSlow {
			continue
		}
		var one block
		one.note(i)
		if one.usesAP {
			hw.apHW = max(one.apHi+1, hw.apHW)
			if !hw.hasAP {
				hw.apHW = one.apHi + 1
			}
			hw.hasAP = true
		}
		if one.usesFP {
			hw.fpHW = max(one.fpHi+1, hw.fpHW)
			if !hw.hasFP {
				hw.fpHW = one.fpHi + 1
			}
			hw.hasFP = true
		}
	}
	b.end = hw
}

// tables returns the block and site tables the compiled code reads
// (blockInfo and siteBase).
func (a *analysis) tables() (blocks, sites []int32) {
	blocks = make([]int32, len(a.blocks)*blockEntry/4)
	sites = make([]int32, a.sites*siteEntry/4)
	for j := range a.blocks {
		b := &a.blocks[j]
		e := blocks[j*blockEntry/4:]
		e[biStart/4], e[biLen/4] = int32(b.start), int32(len(b.instrs))
		e[biAPLo/4], e[biAPHi/4], e[biFPLo/4], e[biFPHi/4] = int32(b.apLo), int32(b.apHi), int32(b.fpLo), int32(b.fpHi)
		if b.usesAP {
			e[biFlags/4] |= 1
		}
		if b.usesFP {
			e[biFlags/4] |= 2
		}
		for k := range b.instrs {
			i := &b.instrs[k]
			s := sites[i.site*siteEntry/4:]
			s[sitePC/4], s[siteAP/4], s[siteK/4] = int32(i.pc), int32(i.apDelta), int32(k)
			s[siteAPHW/4], s[siteFPHW/4] = int32(i.apHW), int32(i.fpHW)
			if i.hasAP {
				s[siteFlags/4] |= 1
			}
			if i.hasFP {
				s[siteFlags/4] |= 2
			}
			operand := func(field int, bit int32, r vm.Register, off int) {
				if r == vm.AP {
					off += i.apDelta
				} else {
					s[siteRegs/4] |= bit
				}
				s[field/4] = int32(off * vm.CellBytes)
			}
			operand(siteDst, 1, i.in.DstReg, i.in.OffDst)
			operand(siteOp0, 2, i.in.Op0Reg, i.in.OffOp0)
			switch i.in.Op1 {
			case vm.Op1FromAP:
				operand(siteOp1, 4, vm.AP, i.in.OffOp1)
			case vm.Op1FromFP:
				operand(siteOp1, 4, vm.FP, i.in.OffOp1)
			case vm.Op1Imm:
				s[siteOp1/4] = int32(progBase + (i.pc+1)*vm.CellBytes)
			}
			switch i.in.Op1 {
			case vm.Op1Imm:
				s[siteMode/4] = op1Imm
				if i.immSmall && int(int32(i.immInt)) == i.immInt {
					s[siteImm/4] = int32(i.immInt)
					s[siteFlags/4] |= 4
				}
			case vm.Op1FromOp0:
				s[siteMode/4], s[siteImm/4] = op1Deref, int32(i.in.OffOp1)
			}
		}
	}
	return blocks, sites
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
