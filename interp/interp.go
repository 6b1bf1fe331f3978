// Package interp is cairn's reference interpreter: a direct, obviously
// correct reading of the Cairo semantics (whitepaper section 4.5 and
// cairo-lang's vm_core), over decoded instructions cached per pc, with no
// allocation per step.
package interp

import (
	"errors"
	"fmt"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/vm"
)

// Engine is the interpreter. It keeps a decoded-instruction cache for the
// program segment, so one Engine should serve one program; it is not safe
// for concurrent use (make one per goroutine).
type Engine struct {
	// shared, when set, is a program decoded ahead of time (NewShared):
	// the cache is read-only and serves every state running that program.
	shared *Decoded
	cache  []cached
	// st is the state the cache was filled for: decoding marks the
	// instruction's words as accessed in that state's memory, so a new
	// state starts a new cache.
	st *vm.State
}

type cached struct {
	in       vm.Instruction
	ok       bool
	fast     uint8 // fast handler, fastNone for the general path
	immInt   int   // the immediate as a small signed integer, when immSmall
	immSmall bool
	hints    []vm.Hint // run before the instruction
}

// New returns an interpreter.
func New() *Engine { return &Engine{} }

// Decoded is a program decoded once, for running it many times (a contract
// class's entry points): every word that decodes as an instruction, with
// its hints. It is read-only, so any number of engines may share it.
type Decoded struct{ entries []cached }

// Predecode decodes code, the program segment's words, and binds each pc's
// hints. A word that does not decode, or whose immediate lies beyond code,
// is left to the general path, which decodes it when (if ever) it runs.
func Predecode(code []asm.Felt, hints map[int][]vm.Hint) *Decoded {
	d := &Decoded{entries: make([]cached, len(code))}
	for pc := range code {
		if !code[pc].IsUint64() {
			continue
		}
		in, err := vm.Decode(code[pc].Uint64())
		if err != nil || pc+in.Size > len(code) {
			continue
		}
		c := &d.entries[pc]
		c.in, c.ok, c.hints = in, true, hints[pc]
		if in.Op1 == vm.Op1Imm {
			c.immInt, c.immSmall = vm.SmallInt(&code[pc+1])
		}
		c.fast = classify(&in, c.immSmall)
	}
	return d
}

// NewShared returns an interpreter over a predecoded program. Unlike New's
// cache, it does not mark instruction words as accessed when it first
// meets them: the runner must have marked the program's words (as
// vm.FunctionRunner does), and every state it runs must hold that program
// in its program segment, with those hints.
func NewShared(d *Decoded) *Engine { return &Engine{shared: d, cache: d.entries} }

// Name implements vm.Engine.
func (e *Engine) Name() string { return "interp" }

// RunUntilPC implements vm.Engine.
func (e *Engine) RunUntilPC(st *vm.State, end vm.Relocatable, maxSteps int) error {
	if e.shared != nil {
		e.st = st
	}
	for st.PC != end {
		if maxSteps > 0 && st.Steps >= maxSteps {
			return &vm.VMError{PC: st.PC, Err: fmt.Errorf("%w: %d steps", vm.ErrStepLimit, maxSteps)}
		}
		// The common step, inline: a cached instruction without hints
		// that the fast path takes. Anything else goes through step.
		pc := st.PC
		if e.st == st && pc.Segment == st.ProgramBase.Segment && uint(pc.Offset) < uint(len(e.cache)) {
			if c := &e.cache[pc.Offset]; c.ok {
				for _, h := range c.hints {
					if err := h.Execute(st); err != nil {
						return wrap(pc, err)
					}
				}
				if c.fast != fastNone && e.fastStep(st, c) {
					continue
				}
				if err := e.exec(st); err != nil {
					return err
				}
				continue
			}
		}
		if err := e.step(st); err != nil {
			return err
		}
	}
	return nil
}

// RunSteps implements vm.Engine.
func (e *Engine) RunSteps(st *vm.State, n int) error {
	for range n {
		if err := e.step(st); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) step(st *vm.State) error {
	pc := st.PC
	if pc.Segment == st.ProgramBase.Segment && st.HasHint(pc.Offset) {
		for _, h := range st.Hints[pc.Offset] {
			if err := h.Execute(st); err != nil {
				return wrap(pc, err)
			}
		}
	}
	return e.exec(st)
}

// exec runs the instruction at pc, its hints already run.
func (e *Engine) exec(st *vm.State) error {
	pc := st.PC
	var in *vm.Instruction
	if c := e.cachedAt(st, pc); c != nil {
		if c.fast != fastNone && e.fastStep(st, c) {
			return nil
		}
		in = &c.in
	} else {
		dec, err := decodeAt(st.Mem, pc)
		if err != nil {
			return wrap(pc, err)
		}
		in = &dec
	}
	if err := execute(st, in); err != nil {
		return wrap(pc, err)
	}
	return nil
}

func wrap(pc vm.Relocatable, err error) error {
	var ve *vm.VMError
	if errors.As(err, &ve) {
		return err
	}
	return &vm.VMError{PC: pc, Err: err}
}

// cachedAt returns the decoded instruction at a program-segment pc from
// the cache, decoding it on first use; nil for pcs outside the program
// segment or words that do not decode (the general path reports those).
func (e *Engine) cachedAt(st *vm.State, pc vm.Relocatable) *cached {
	if pc.Segment != st.ProgramBase.Segment || pc.Offset < 0 {
		return nil
	}
	if e.shared != nil {
		if pc.Offset < len(e.cache) && e.cache[pc.Offset].ok {
			return &e.cache[pc.Offset]
		}
		return nil
	}
	if e.st != st {
		e.st, e.cache = st, e.cache[:0]
	}
	if pc.Offset >= len(e.cache) {
		n := max(st.Mem.UsedSize(pc.Segment), pc.Offset+1)
		grown := make([]cached, n)
		copy(grown, e.cache)
		e.cache = grown
	}
	c := &e.cache[pc.Offset]
	if c.ok {
		return c
	}
	in, err := decodeAt(st.Mem, pc)
	if err != nil {
		return nil
	}
	c.in, c.ok = in, true
	if st.HasHint(pc.Offset) {
		c.hints = st.Hints[pc.Offset]
	}
	// Every execution of this instruction accesses its word(s); marking
	// them once here spares the fast path the work.
	st.Mem.MarkAccessed(pc)
	if in.Size == 2 {
		st.Mem.MarkAccessed(pc.Add(1))
	}
	if in.Op1 == vm.Op1Imm {
		if imm := st.Mem.Get(pc.Add(1)); imm.IsFelt() {
			f := imm.Felt()
			c.immInt, c.immSmall = vm.SmallInt(&f)
		}
	}
	c.fast = classify(&in, c.immSmall)
	return c
}

func decodeAt(m *vm.Memory, pc vm.Relocatable) (vm.Instruction, error) {
	w := m.Get(pc)
	if !w.Known() {
		return vm.Instruction{}, fmt.Errorf("%w: no instruction at %s", vm.ErrUnknownCell, pc)
	}
	if !w.IsFelt() {
		return vm.Instruction{}, fmt.Errorf("%w: the word at %s is a relocatable value", vm.ErrInvalidInstruction, pc)
	}
	f := w.Felt()
	if !f.IsUint64() {
		return vm.Instruction{}, fmt.Errorf("%w: %s does not fit in 63 bits", vm.ErrInvalidInstruction, f.Hex())
	}
	return vm.Decode(f.Uint64())
}

func regAddr(st *vm.State, r vm.Register, off int) vm.Relocatable {
	if r == vm.AP {
		return vm.Relocatable{Segment: st.AP.Segment, Offset: st.AP.Offset + off}
	}
	return vm.Relocatable{Segment: st.FP.Segment, Offset: st.FP.Offset + off}
}

// execute runs one decoded instruction: operand addresses, deduction of
// unknown operands, the opcode's assertions, and the register updates, in
// cairo-lang's order.
func execute(st *vm.State, in *vm.Instruction) error {
	m := st.Mem
	dstAddr := regAddr(st, in.DstReg, in.OffDst)
	op0Addr := regAddr(st, in.Op0Reg, in.OffOp0)
	dst := m.Get(dstAddr)
	op0 := m.Get(op0Addr)
	var op1Addr vm.Relocatable
	switch in.Op1 {
	case vm.Op1Imm:
		op1Addr = st.PC.Add(1)
	case vm.Op1FromAP:
		op1Addr = st.AP.Add(in.OffOp1)
	case vm.Op1FromFP:
		op1Addr = st.FP.Add(in.OffOp1)
	default:
		if !op0.Known() {
			return vm.ErrUnknownOp0
		}
		if !op0.IsPtr() {
			return fmt.Errorf("%w: op0 = %s", vm.ErrOp0NotPointer, op0)
		}
		op1Addr = op0.Ptr().Add(in.OffOp1)
	}
	op1 := m.Get(op1Addr)

	// Builtin cells are deduced before the instruction's own rules, as
	// cairo-lang does; what they produce is already in memory.
	var err error
	if !op0.Known() {
		if op0, _, err = m.Deduce(op0Addr); err != nil {
			return err
		}
	}
	if !op1.Known() {
		if op1, _, err = m.Deduce(op1Addr); err != nil {
			return err
		}
	}
	writeDst, writeOp0, writeOp1 := !dst.Known(), !op0.Known(), !op1.Known()

	var res vm.Value
	resKnown := false
	if !op0.Known() {
		if op0, res, resKnown, err = deduceOp0(st, in, dst, op1); err != nil {
			return err
		}
	}
	if !op1.Known() {
		var r vm.Value
		var known bool
		if op1, r, known, err = deduceOp1(in, dst, op0); err != nil {
			return err
		}
		if !resKnown && known {
			res, resKnown = r, true
		}
	}
	if !op0.Known() {
		return fmt.Errorf("%w: op0 at %s", vm.ErrUnknownCell, op0Addr)
	}
	if !op1.Known() {
		return fmt.Errorf("%w: op1 at %s", vm.ErrUnknownCell, op1Addr)
	}
	if !resKnown {
		if res, resKnown, err = computeRes(in, op0, op1); err != nil {
			return err
		}
	}
	if !dst.Known() {
		if in.Opcode == vm.OpAssertEq && resKnown {
			dst = res
		} else if in.Opcode == vm.OpCall {
			dst = vm.PtrValue(st.FP)
		}
	}
	if !dst.Known() {
		return fmt.Errorf("%w: dst at %s", vm.ErrUnknownCell, dstAddr)
	}
	if writeDst {
		if err := m.Write(dstAddr, dst); err != nil {
			return err
		}
	}
	if writeOp0 {
		if err := m.Write(op0Addr, op0); err != nil {
			return err
		}
	}
	if writeOp1 {
		if err := m.Write(op1Addr, op1); err != nil {
			return err
		}
	}

	switch in.Opcode {
	case vm.OpAssertEq:
		if !resKnown {
			return fmt.Errorf("%w: assert_eq needs a constrained res", vm.ErrUnconstrainedRes)
		}
		if !dst.Equal(res) {
			return fmt.Errorf("%w: %s != %s", vm.ErrAssertEq, dst, res)
		}
	case vm.OpCall:
		ret := vm.PtrValue(st.PC.Add(in.Size))
		if !op0.Equal(ret) {
			return fmt.Errorf("%w: %s != %s", vm.ErrCallReturnPC, op0, ret)
		}
		if !dst.Equal(vm.PtrValue(st.FP)) {
			return fmt.Errorf("%w: %s != %s", vm.ErrCallReturnFP, dst, st.FP)
		}
	}

	if st.TraceOn {
		record(st)
	}
	m.MarkAccessed(dstAddr)
	m.MarkAccessed(op0Addr)
	m.MarkAccessed(op1Addr)
	m.MarkAccessed(st.PC)

	return updateRegisters(st, in, dst, op1, res, resKnown)
}

func updateRegisters(st *vm.State, in *vm.Instruction, dst, op1, res vm.Value, resKnown bool) error {
	// fp first: it reads the old ap.
	switch in.FP {
	case vm.FPAPPlus2:
		st.FP = st.AP.Add(2)
	case vm.FPDst:
		switch {
		case dst.IsPtr():
			st.FP = dst.Ptr()
		case dst.IsFelt():
			f := dst.Felt()
			if !f.IsUint64() || f.Uint64() >= 1<<62 {
				return fmt.Errorf("%w: fp = %s", vm.ErrFPUpdate, dst)
			}
			st.FP = vm.Relocatable{Segment: st.FP.Segment, Offset: int(f.Uint64())}
		}
	}
	switch in.AP {
	case vm.APAdd:
		if !resKnown {
			return fmt.Errorf("%w: ap += res with res unconstrained", vm.ErrUnconstrainedRes)
		}
		if !res.IsFelt() {
			return fmt.Errorf("%w: ap += %s (not a field element)", vm.ErrAPUpdate, res)
		}
		ap, err := vm.Add(vm.PtrValue(st.AP), res)
		if err != nil {
			return fmt.Errorf("%w: %v", vm.ErrAPUpdate, err)
		}
		st.AP = ap.Ptr()
	case vm.APAdd1:
		st.AP.Offset++
	case vm.APAdd2:
		st.AP.Offset += 2
	}
	switch in.PC {
	case vm.PCRegular:
		st.PC.Offset += in.Size
	case vm.PCJumpAbs:
		if !resKnown {
			return fmt.Errorf("%w: jmp abs with res unconstrained", vm.ErrUnconstrainedRes)
		}
		if !res.IsPtr() {
			return fmt.Errorf("%w: jmp abs to %s (not a relocatable value)", vm.ErrJumpTarget, res)
		}
		st.PC = res.Ptr()
	case vm.PCJumpRel:
		if !resKnown {
			return fmt.Errorf("%w: jmp rel with res unconstrained", vm.ErrUnconstrainedRes)
		}
		if !res.IsFelt() {
			return fmt.Errorf("%w: jmp rel by %s (not a field element)", vm.ErrJumpTarget, res)
		}
		pc, err := vm.Add(vm.PtrValue(st.PC), res)
		if err != nil {
			return fmt.Errorf("%w: %v", vm.ErrJumpTarget, err)
		}
		st.PC = pc.Ptr()
	case vm.PCJnz:
		if dst.IsZero() {
			st.PC.Offset += in.Size
			break
		}
		if !op1.IsFelt() {
			return fmt.Errorf("%w: jnz by %s (not a field element)", vm.ErrJumpTarget, op1)
		}
		pc, err := vm.Add(vm.PtrValue(st.PC), op1)
		if err != nil {
			return fmt.Errorf("%w: %v", vm.ErrJumpTarget, err)
		}
		st.PC = pc.Ptr()
	}
	st.Steps++
	return nil
}

func deduceOp0(st *vm.State, in *vm.Instruction, dst, op1 vm.Value) (op0, res vm.Value, resKnown bool, err error) {
	switch in.Opcode {
	case vm.OpCall:
		return vm.PtrValue(st.PC.Add(in.Size)), vm.Value{}, false, nil
	case vm.OpAssertEq:
		switch in.Res {
		case vm.ResAdd:
			if dst.Known() && op1.Known() {
				v, err := vm.Sub(dst, op1)
				if err != nil {
					return vm.Value{}, vm.Value{}, false, err
				}
				return v, dst, true, nil
			}
		case vm.ResMul:
			if dst.IsFelt() && op1.IsFelt() && !op1.IsZero() {
				return divFelt(dst, op1), dst, true, nil
			}
		}
	}
	return vm.Value{}, vm.Value{}, false, nil
}

func deduceOp1(in *vm.Instruction, dst, op0 vm.Value) (op1, res vm.Value, resKnown bool, err error) {
	if in.Opcode != vm.OpAssertEq {
		return vm.Value{}, vm.Value{}, false, nil
	}
	switch in.Res {
	case vm.ResOp1:
		if dst.Known() {
			return dst, dst, true, nil
		}
	case vm.ResAdd:
		if dst.Known() && op0.Known() {
			v, err := vm.Sub(dst, op0)
			if err != nil {
				return vm.Value{}, vm.Value{}, false, err
			}
			return v, dst, true, nil
		}
	case vm.ResMul:
		if dst.IsFelt() && op0.IsFelt() && !op0.IsZero() {
			return divFelt(dst, op0), dst, true, nil
		}
	}
	return vm.Value{}, vm.Value{}, false, nil
}

func divFelt(a, b vm.Value) vm.Value {
	var q asm.Felt
	fa, fb := a.Felt(), b.Felt()
	q.Div(&fa, &fb)
	return vm.FeltValue(q)
}

func computeRes(in *vm.Instruction, op0, op1 vm.Value) (vm.Value, bool, error) {
	switch in.Res {
	case vm.ResOp1:
		return op1, true, nil
	case vm.ResAdd:
		v, err := vm.Add(op0, op1)
		return v, err == nil, err
	case vm.ResMul:
		v, err := vm.Mul(op0, op1)
		return v, err == nil, err
	}
	return vm.Value{}, false, nil
}
