package wasm

import (
	"fmt"
	"slices"
)

// validator type-checks function bodies with the algorithm of the
// specification's appendix "Validation Algorithm": an operand stack of
// value types (unknown where the stack is polymorphic after an
// unconditional branch) and a stack of control frames.
type validator struct {
	m      *Module
	vals   []ValType
	ctrls  []frame
	locals []ValType // parameters, then declared locals
	ft     FuncType

	code  []byte
	pos   int // offset of the next byte to decode
	instr int // index of the instruction being checked
	op    byte
	f     FuncIdx
	tmp   []ValType
}

type frame struct {
	op          byte // opBlock (also the function body), opLoop, opIf, opElse
	start, end  []ValType
	height      int
	unreachable bool
}

func newValidator(m *Module) *validator { return &validator{m: m} }

// errorf returns a *BodyError for the current instruction.
func (v *validator) errorf(format string, args ...any) error {
	name := opName[v.op]
	if v.op == opPrefixFC {
		name = "0xfc prefix"
	}
	return &BodyError{Func: v.f, HasFunc: true, Instr: v.instr, Op: name, Msg: fmt.Sprintf(format, args...)}
}

func (v *validator) push(t ValType) { v.vals = append(v.vals, t) }

func (v *validator) pushAll(ts []ValType) { v.vals = append(v.vals, ts...) }

func (v *validator) pop() (ValType, error) {
	f := &v.ctrls[len(v.ctrls)-1]
	if len(v.vals) == f.height {
		if f.unreachable {
			return unknown, nil
		}
		return 0, v.errorf("operand stack underflow")
	}
	t := v.vals[len(v.vals)-1]
	v.vals = v.vals[:len(v.vals)-1]
	return t, nil
}

func (v *validator) popExpect(want ValType) (ValType, error) {
	got, err := v.pop()
	if err != nil {
		return 0, err
	}
	if got != want && got != unknown && want != unknown {
		return 0, v.errorf("type mismatch: expected %v, got %v", want, got)
	}
	if got == unknown {
		return want, nil
	}
	return got, nil
}

func (v *validator) popAll(ts []ValType) error {
	for i := len(ts) - 1; i >= 0; i-- {
		if _, err := v.popExpect(ts[i]); err != nil {
			return err
		}
	}
	return nil
}

func (v *validator) pushCtrl(op byte, start, end []ValType) {
	v.ctrls = append(v.ctrls, frame{op: op, start: start, end: end, height: len(v.vals)})
	v.pushAll(start)
}

func (v *validator) popCtrl() (frame, error) {
	f := v.ctrls[len(v.ctrls)-1]
	if err := v.popAll(f.end); err != nil {
		return frame{}, err
	}
	if len(v.vals) != f.height {
		return frame{}, v.errorf("%d extra values on the operand stack at the end of the block (expected [%s])", len(v.vals)-f.height, joinTypes(f.end))
	}
	v.ctrls = v.ctrls[:len(v.ctrls)-1]
	return f, nil
}

func labelTypes(f *frame) []ValType {
	if f.op == opLoop {
		return f.start
	}
	return f.end
}

func (v *validator) setUnreachable() {
	f := &v.ctrls[len(v.ctrls)-1]
	v.vals = v.vals[:f.height]
	f.unreachable = true
}

// label returns the frame of relative depth d.
func (v *validator) label(d uint32) (*frame, error) {
	if uint64(d) >= uint64(len(v.ctrls)) {
		return nil, v.errorf("label depth %d out of range", d)
	}
	return &v.ctrls[len(v.ctrls)-1-int(d)], nil
}

// --- decoding of immediates ---

func (v *validator) readByte() (byte, error) {
	if v.pos >= len(v.code) {
		return 0, v.errorf("truncated instruction")
	}
	b := v.code[v.pos]
	v.pos++
	return b, nil
}

func (v *validator) readU32() (uint32, error) {
	x, n, err := readUnsigned(v.code[v.pos:], 32)
	if err != nil {
		return 0, v.errorf("malformed immediate")
	}
	v.pos += n
	return uint32(x), nil
}

func (v *validator) readS(bits uint) (int64, error) {
	x, n, err := readSigned(v.code[v.pos:], bits)
	if err != nil {
		return 0, v.errorf("malformed immediate")
	}
	v.pos += n
	return x, nil
}

func (v *validator) skip(n int) error {
	if len(v.code)-v.pos < n {
		return v.errorf("truncated instruction")
	}
	v.pos += n
	return nil
}

func (v *validator) readBlockType() (params, results []ValType, err error) {
	if v.pos >= len(v.code) {
		return nil, nil, v.errorf("truncated block type")
	}
	b := v.code[v.pos]
	if b == 0x40 {
		v.pos++
		return nil, nil, nil
	}
	if t := ValType(b); t.Valid() {
		v.pos++
		return nil, []ValType{t}, nil
	}
	x, err := v.readS(33)
	if err != nil {
		return nil, nil, err
	}
	if x < 0 || x >= int64(len(v.m.types)) {
		return nil, nil, v.errorf("block type index %d out of range", x)
	}
	ft := v.m.types[x]
	return ft.Params, ft.Results, nil
}

func (v *validator) requireMemory() error {
	if !v.m.hasMemory {
		return v.errorf("module has no memory")
	}
	return nil
}

func (v *validator) zeroByte() error {
	b, err := v.readByte()
	if err != nil {
		return err
	}
	if b != 0 {
		return v.errorf("memory index must be 0")
	}
	return nil
}

// function type-checks one body.
func (v *validator) function(f FuncIdx, ft FuncType, locals []ValType, code []byte) error {
	v.f, v.ft, v.code, v.pos, v.instr = f, ft, code, 0, 0
	v.locals = append(append(v.locals[:0], ft.Params...), locals...)
	v.vals = v.vals[:0]
	v.ctrls = v.ctrls[:0]
	v.ctrls = append(v.ctrls, frame{op: opBlock, end: ft.Results})
	for ; v.pos < len(code); v.instr++ {
		v.op = code[v.pos]
		v.pos++
		if err := v.instruction(); err != nil {
			return err
		}
		if len(v.ctrls) == 0 {
			if v.pos != len(code) {
				v.instr++
				return v.errorf("instruction after the final end of the body")
			}
			return nil
		}
	}
	v.op = opEnd
	return v.errorf("body is not terminated by its final end")
}

func (v *validator) instruction() error {
	op := v.op
	if s := numeric[op]; s.n != 0 {
		for i := uint8(0); i < s.n; i++ {
			if _, err := v.popExpect(s.in); err != nil {
				return err
			}
		}
		v.push(s.out)
		return nil
	}
	if s := memOps[op]; s.width != 0 {
		if err := v.requireMemory(); err != nil {
			return err
		}
		align, err := v.readU32()
		if err != nil {
			return err
		}
		if _, err := v.readU32(); err != nil { // offset
			return err
		}
		if align > maxAlign(s.width) {
			return v.errorf("alignment 2**%d exceeds natural alignment", align)
		}
		if s.store {
			if _, err := v.popExpect(s.typ); err != nil {
				return err
			}
			_, err := v.popExpect(I32)
			return err
		}
		if _, err := v.popExpect(I32); err != nil {
			return err
		}
		v.push(s.typ)
		return nil
	}

	switch op {
	case opUnreachable:
		v.setUnreachable()
	case opNop:
	case opBlock, opLoop, opIf:
		params, results, err := v.readBlockType()
		if err != nil {
			return err
		}
		if op == opIf {
			if _, err := v.popExpect(I32); err != nil {
				return err
			}
		}
		if err := v.popAll(params); err != nil {
			return err
		}
		v.pushCtrl(op, params, results)
	case opElse:
		if len(v.ctrls) < 2 || v.ctrls[len(v.ctrls)-1].op != opIf {
			return v.errorf("else without a matching if")
		}
		f, err := v.popCtrl()
		if err != nil {
			return err
		}
		v.pushCtrl(opElse, f.start, f.end)
	case opEnd:
		f, err := v.popCtrl()
		if err != nil {
			return err
		}
		if f.op == opIf && !slices.Equal(f.start, f.end) {
			return v.errorf("if without else must have equal parameter and result types, have %v",
				FuncType{Params: f.start, Results: f.end})
		}
		if len(v.ctrls) > 0 {
			v.pushAll(f.end)
		}
	case opBr:
		d, err := v.readU32()
		if err != nil {
			return err
		}
		l, err := v.label(d)
		if err != nil {
			return err
		}
		if err := v.popAll(labelTypes(l)); err != nil {
			return err
		}
		v.setUnreachable()
	case opBrIf:
		d, err := v.readU32()
		if err != nil {
			return err
		}
		l, err := v.label(d)
		if err != nil {
			return err
		}
		if _, err := v.popExpect(I32); err != nil {
			return err
		}
		lt := labelTypes(l)
		if err := v.popAll(lt); err != nil {
			return err
		}
		v.pushAll(lt)
	case opBrTable:
		return v.brTable()
	case opReturn:
		if err := v.popAll(v.ft.Results); err != nil {
			return err
		}
		v.setUnreachable()
	case opCall:
		x, err := v.readU32()
		if err != nil {
			return err
		}
		ft, ok := v.m.FuncType(FuncIdx(x))
		if !ok {
			return v.errorf("unknown func %d", x)
		}
		if err := v.popAll(ft.Params); err != nil {
			return err
		}
		v.pushAll(ft.Results)
	case opDrop:
		if _, err := v.pop(); err != nil {
			return err
		}
	case opSelect:
		if _, err := v.popExpect(I32); err != nil {
			return err
		}
		t1, err := v.pop()
		if err != nil {
			return err
		}
		t2, err := v.pop()
		if err != nil {
			return err
		}
		if t1 != t2 && t1 != unknown && t2 != unknown {
			return v.errorf("select operands differ: %v and %v", t2, t1)
		}
		if t1 == unknown {
			t1 = t2
		}
		v.push(t1)
	case opLocalGet, opLocalSet, opLocalTee:
		x, err := v.readU32()
		if err != nil {
			return err
		}
		if uint64(x) >= uint64(len(v.locals)) {
			return v.errorf("unknown local %d (function has %d)", x, len(v.locals))
		}
		t := v.locals[x]
		if op != opLocalGet {
			if _, err := v.popExpect(t); err != nil {
				return err
			}
		}
		if op != opLocalSet {
			v.push(t)
		}
	case opGlobalGet, opGlobalSet:
		x, err := v.readU32()
		if err != nil {
			return err
		}
		if uint64(x) >= uint64(len(v.m.globalTypes)) {
			return v.errorf("unknown global %d", x)
		}
		g := v.m.globalTypes[x]
		if op == opGlobalGet {
			v.push(g.Type)
			return nil
		}
		if !g.Mutable {
			return v.errorf("global %d is immutable", x)
		}
		if _, err := v.popExpect(g.Type); err != nil {
			return err
		}
	case opMemorySize, opMemoryGrow:
		if err := v.requireMemory(); err != nil {
			return err
		}
		if err := v.zeroByte(); err != nil {
			return err
		}
		if op == opMemoryGrow {
			if _, err := v.popExpect(I32); err != nil {
				return err
			}
		}
		v.push(I32)
	case opI32Const:
		if _, err := v.readS(32); err != nil {
			return err
		}
		v.push(I32)
	case opI64Const:
		if _, err := v.readS(64); err != nil {
			return err
		}
		v.push(I64)
	case opF32Const:
		if err := v.skip(4); err != nil {
			return err
		}
		v.push(F32)
	case opF64Const:
		if err := v.skip(8); err != nil {
			return err
		}
		v.push(F64)
	case opPrefixFC:
		sub, err := v.readU32()
		if err != nil {
			return err
		}
		switch sub {
		case subMemoryCopy:
			if err := v.zeroByte(); err != nil {
				return err
			}
			if err := v.zeroByte(); err != nil {
				return err
			}
		case subMemoryFill:
			if err := v.zeroByte(); err != nil {
				return err
			}
		default:
			return v.errorf("unsupported 0xfc sub-opcode %d", sub)
		}
		if err := v.requireMemory(); err != nil {
			return err
		}
		for i := 0; i < 3; i++ {
			if _, err := v.popExpect(I32); err != nil {
				return err
			}
		}
	default:
		return v.errorf("unsupported opcode 0x%02x", op)
	}
	return nil
}

// brTable follows the specification's algorithm: every target must have
// the arity of the default, and the operands must match each target.
func (v *validator) brTable() error {
	n, err := v.readU32()
	if err != nil {
		return err
	}
	if uint64(n) > uint64(len(v.code)-v.pos) {
		return v.errorf("truncated br_table")
	}
	targets := make([]uint32, n)
	for i := range targets {
		if targets[i], err = v.readU32(); err != nil {
			return err
		}
	}
	def, err := v.readU32()
	if err != nil {
		return err
	}
	if _, err := v.popExpect(I32); err != nil {
		return err
	}
	dl, err := v.label(def)
	if err != nil {
		return err
	}
	arity := len(labelTypes(dl))
	for _, t := range targets {
		l, err := v.label(t)
		if err != nil {
			return err
		}
		lt := labelTypes(l)
		if len(lt) != arity {
			return v.errorf("br_table target %d has %d operands, default has %d", t, len(lt), arity)
		}
		// push_vals(pop_vals(label_types)): keep the popped types.
		if cap(v.tmp) < len(lt) {
			v.tmp = make([]ValType, len(lt))
		}
		v.tmp = v.tmp[:len(lt)]
		for i := len(lt) - 1; i >= 0; i-- {
			got, err := v.pop()
			if err != nil {
				return err
			}
			if got != lt[i] && got != unknown {
				return v.errorf("type mismatch for br_table target %d: expected %v, got %v", t, lt[i], got)
			}
			v.tmp[i] = got
		}
		v.pushAll(v.tmp)
	}
	if err := v.popAll(labelTypes(dl)); err != nil {
		return err
	}
	v.setUnreachable()
	return nil
}
