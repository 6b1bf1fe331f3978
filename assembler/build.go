package assembler

import (
	"fmt"
	"math/big"
)

// This file turns parsed instructions into Instruction values. It follows
// the rules of cairo-lang's instruction builder (the operand forms each
// instruction accepts and the fields it fills in when an operand is not
// involved), so that the words match cairo-compile's bit for bit:
//
//   - an unused dst is [fp - 1] (jmp, ap +=);
//   - an unused op0 is [fp - 1] (res that is a single operand, jnz);
//   - an immediate op1 has off_op1 = 1;
//   - call uses dst = [ap + 0] (old fp), op0 = [ap + 1] (return pc);
//   - ret is dst = [fp - 2] (new fp), op0 = [fp - 1], op1 = [fp - 1] (new pc).

// simplify folds constant subexpressions, rewrites x - c as x + (-c) and
// (x + c1) + c2 as x + (c1 + c2), as cairo-lang's preprocessor does before
// instructions are built.
func simplify(e expr) (expr, *posError) {
	switch e := e.(type) {
	case *exprNeg:
		x, err := simplify(e.x)
		if err != nil {
			return nil, err
		}
		if c, ok := x.(*exprConst); ok {
			return &exprConst{col: e.col, val: new(big.Int).Neg(c.val)}, nil
		}
		return &exprNeg{col: e.col, x: x}, nil
	case *exprDeref:
		a, err := simplify(e.addr)
		if err != nil {
			return nil, err
		}
		return &exprDeref{col: e.col, addr: a}, nil
	case *exprOp:
		a, err := simplify(e.a)
		if err != nil {
			return nil, err
		}
		b, err := simplify(e.b)
		if err != nil {
			return nil, err
		}
		ca, aConst := a.(*exprConst)
		cb, bConst := b.(*exprConst)
		if aConst && bConst {
			v := new(big.Int)
			switch e.op {
			case "+":
				v.Add(ca.val, cb.val)
			case "-":
				v.Sub(ca.val, cb.val)
			case "*":
				v.Mul(ca.val, cb.val)
			default:
				return nil, &posError{col: e.opCol, msg: "division of constants is not supported"}
			}
			return &exprConst{col: e.col, val: v}, nil
		}
		op := e.op
		if bConst && op == "-" {
			op, cb = "+", &exprConst{col: cb.col, val: new(big.Int).Neg(cb.val)}
			b = cb
		}
		if bConst && op == "+" {
			if inner, ok := a.(*exprOp); ok && inner.op == "+" {
				if c1, ok := inner.b.(*exprConst); ok {
					return &exprOp{col: e.col, opCol: inner.opCol, op: "+", a: inner.a,
						b: &exprConst{col: c1.col, val: new(big.Int).Add(c1.val, cb.val)}}, nil
				}
			}
		}
		return &exprOp{col: e.col, opCol: e.opCol, op: op, a: a, b: b}, nil
	}
	return e, nil
}

type resDesc struct {
	off1, off2 int
	imm        *big.Int
	op0        Reg
	op1        Op1Src
	res        ResLogic
}

func errAt(e expr, format string, args ...any) *posError {
	return &posError{col: e.column(), msg: fmt.Sprintf(format, args...)}
}

// deref returns the address inside [addr].
func deref(e expr) (expr, *posError) {
	d, ok := e.(*exprDeref)
	if !ok {
		return nil, errAt(e, "expected a dereference expression, found %s", e.format())
	}
	return d.addr, nil
}

// splitOffset reads "x + c", "x - c" or "x" as (x, c).
func splitOffset(e expr) (expr, int, *posError) {
	op, ok := e.(*exprOp)
	if !ok {
		return e, 0, nil
	}
	sign := int64(1)
	switch op.op {
	case "+":
	case "-":
		sign = -1
	default:
		return nil, 0, &posError{col: op.opCol, msg: fmt.Sprintf("expected '+' or '-', found '%s'", op.op)}
	}
	c, ok := op.b.(*exprConst)
	if !ok || !c.val.IsInt64() || sign*c.val.Int64() < minOffset || sign*c.val.Int64() > maxOffset {
		return nil, 0, errAt(op.b, "expected a constant offset in the range [-2^15, 2^15)")
	}
	return op.a, int(sign * c.val.Int64()), nil
}

func register(e expr) (Reg, *posError) {
	r, ok := e.(*exprReg)
	if !ok {
		if id, isID := e.(*exprIdent); isID {
			return 0, errAt(e, "expected a register (ap or fp), found %q", id.name)
		}
		return 0, errAt(e, "expected a register, found %s", e.format())
	}
	return r.reg, nil
}

func labelValueErr(id *exprIdent) *posError {
	return errAt(id, "label %q used as a value: labels may only follow jmp or call", id.name)
}

func regOffset(e expr) (Reg, int, *posError) {
	x, off, err := splitOffset(e)
	if err != nil {
		return 0, 0, err
	}
	r, err := register(x)
	return r, off, err
}

func op1Of(r Reg) Op1Src {
	if r == FP {
		return Op1FP
	}
	return Op1AP
}

// parseRes reads the right-hand side of an assertion, a jump target or an
// ap increment: an immediate, [reg + off], [[reg + off] + off] or
// [reg + off] (+|*) ([reg + off] | immediate).
func parseRes(e expr) (resDesc, *posError) {
	switch e := e.(type) {
	case *exprConst:
		return resDesc{off1: -1, off2: 1, imm: e.val, op0: FP, op1: Op1Imm, res: ResOp1}, nil
	case *exprDeref:
		addr := e.addr
		inner := addr
		if op, ok := addr.(*exprOp); ok {
			inner = op.a
		}
		if _, ok := inner.(*exprDeref); ok {
			// [[reg + off1] + off2]
			x, off2, err := splitOffset(addr)
			if err != nil {
				return resDesc{}, err
			}
			a, _ := deref(x)
			r, off1, err := regOffset(a)
			if err != nil {
				return resDesc{}, err
			}
			return resDesc{off1: off1, off2: off2, op0: r, op1: Op1Op0, res: ResOp1}, nil
		}
		r, off2, err := regOffset(addr)
		if err != nil {
			return resDesc{}, err
		}
		return resDesc{off1: -1, off2: off2, op0: FP, op1: op1Of(r), res: ResOp1}, nil
	case *exprOp:
		var d resDesc
		switch e.op {
		case "+":
			d.res = ResAdd
		case "*":
			d.res = ResMul
		default:
			return resDesc{}, &posError{col: e.opCol, msg: fmt.Sprintf("expected '+' or '*', found '%s'", e.op)}
		}
		a, err := deref(e.a)
		if err != nil {
			return resDesc{}, err
		}
		if d.op0, d.off1, err = regOffset(a); err != nil {
			return resDesc{}, err
		}
		switch b := e.b.(type) {
		case *exprConst:
			d.off2, d.op1, d.imm = 1, Op1Imm, b.val
		case *exprDeref:
			r, off2, err := regOffset(b.addr)
			if err != nil {
				return resDesc{}, err
			}
			d.off2, d.op1 = off2, op1Of(r)
		default:
			return resDesc{}, errAt(e.b, "expected a constant or a dereference expression, found %s", e.b.format())
		}
		return d, nil
	case *exprIdent:
		return resDesc{}, labelValueErr(e)
	}
	return resDesc{}, errAt(e, "invalid right-hand side %s", e.format())
}

func (d resDesc) into(in *Instruction) {
	in.OffOp0, in.OffOp1, in.Op0Reg, in.Op1, in.Res = d.off1, d.off2, d.op0, d.op1, d.res
	if d.imm != nil {
		in.Imm = feltFromBig(d.imm)
	}
}

func apUpdate(incAP bool) APUpdate {
	if incAP {
		return APAdd1
	}
	return APRegular
}

// buildAssertEq builds dst = res, trying b = a when a = b is not an
// instruction (so "[[ap]] = [fp]" works), with the sugar
// "x = y - z" for "y = x + z" and "x = y / z" for "y = x * z".
func buildAssertEq(a, b expr, incAP bool) (Instruction, *posError) {
	in, err := buildAssertEqInner(a, b, incAP)
	if err == nil {
		return in, nil
	}
	if in2, err2 := buildAssertEqInner(b, a, incAP); err2 == nil {
		return in2, nil
	}
	return in, err
}

func buildAssertEqInner(a, b expr, incAP bool) (Instruction, *posError) {
	if op, ok := b.(*exprOp); ok {
		inv := map[string]string{"-": "+", "/": "*"}[op.op]
		if inv != "" {
			if _, isConst := op.b.(*exprConst); isConst {
				return Instruction{}, errAt(op.b, "subtraction and division are not supported for immediates")
			}
			a, b = op.a, &exprOp{col: a.column(), opCol: op.opCol, op: inv, a: a, b: op.b}
		}
	}
	addr, err := deref(a)
	if err != nil {
		return Instruction{}, err
	}
	in := Instruction{Opcode: OpAssertEq, AP: apUpdate(incAP)}
	if in.DstReg, in.OffDst, err = regOffset(addr); err != nil {
		return Instruction{}, err
	}
	d, err := parseRes(b)
	if err != nil {
		return Instruction{}, err
	}
	d.into(&in)
	return in, nil
}

func buildJump(val expr, rel, incAP bool) (Instruction, *posError) {
	d, err := parseRes(val)
	if err != nil {
		return Instruction{}, err
	}
	in := Instruction{OffDst: -1, DstReg: FP, PC: PCJumpAbs, AP: apUpdate(incAP), Opcode: OpNop}
	if rel {
		in.PC = PCJumpRel
	}
	d.into(&in)
	return in, nil
}

// op1Target reads the operand of jnz and call: [reg + off] or an immediate.
func op1Target(val expr, what string) (Op1Src, int, *big.Int, *posError) {
	switch v := val.(type) {
	case *exprDeref:
		r, off, err := regOffset(v.addr)
		if err != nil {
			return 0, 0, nil, err
		}
		return op1Of(r), off, nil, nil
	case *exprConst:
		return Op1Imm, 1, v.val, nil
	case *exprIdent:
		return 0, 0, nil, labelValueErr(v)
	}
	return 0, 0, nil, errAt(val, "invalid %s %s: expected a constant or [reg + off]", what, val.format())
}

func buildJnz(val, cond expr, incAP bool) (Instruction, *posError) {
	addr, err := deref(cond)
	if err != nil {
		return Instruction{}, err
	}
	in := Instruction{OffOp0: -1, Op0Reg: FP, Res: ResUnconstrained, PC: PCJnz, AP: apUpdate(incAP), Opcode: OpNop}
	if in.DstReg, in.OffDst, err = regOffset(addr); err != nil {
		return Instruction{}, err
	}
	var imm *big.Int
	if in.Op1, in.OffOp1, imm, err = op1Target(val, "jump offset"); err != nil {
		return Instruction{}, err
	}
	if imm != nil {
		in.Imm = feltFromBig(imm)
	}
	return in, nil
}

func buildCall(val expr, rel bool) (Instruction, *posError) {
	in := Instruction{OffDst: 0, OffOp0: 1, DstReg: AP, Op0Reg: AP, Res: ResOp1, PC: PCJumpAbs, AP: APAdd2, Opcode: OpCall}
	if rel {
		in.PC = PCJumpRel
	}
	var imm *big.Int
	var err *posError
	if in.Op1, in.OffOp1, imm, err = op1Target(val, "call target"); err != nil {
		return Instruction{}, err
	}
	if imm != nil {
		in.Imm = feltFromBig(imm)
	}
	return in, nil
}

// retInstruction is ret: fp = [fp - 2], jmp abs [fp - 1].
var retInstruction = Instruction{
	OffDst: -2, OffOp0: -1, OffOp1: -1, DstReg: FP, Op0Reg: FP, Op1: Op1FP,
	Res: ResOp1, PC: PCJumpAbs, AP: APRegular, Opcode: OpRet,
}

func buildAddAP(val expr) (Instruction, *posError) {
	d, err := parseRes(val)
	if err != nil {
		return Instruction{}, err
	}
	in := Instruction{OffDst: -1, DstReg: FP, PC: PCRegular, AP: APAdd, Opcode: OpNop}
	d.into(&in)
	return in, nil
}

// build assembles a statement; a jmp or call to a label jumps by
// labelOffset (the label's pc minus the statement's). It returns the
// instruction or, for dw, the word.
func build(st *stmt, labelOffset int64) (in Instruction, word *big.Int, err *posError) {
	simp := func(e expr) expr {
		if err != nil || e == nil {
			return e
		}
		var s expr
		s, err = simplify(e)
		return s
	}
	switch st.kind {
	case sRet, sAddAP, sDw, sCall, sCallLabel:
		if st.incAP {
			name := map[stmtKind]string{sRet: "ret", sAddAP: "ap +=", sDw: "dw", sCall: "call", sCallLabel: "call"}[st.kind]
			return in, nil, &posError{col: st.incAPCol, msg: fmt.Sprintf("ap++ may not be used with %s", name)}
		}
	}
	switch st.kind {
	case sAssertEq:
		a, b := simp(st.a), simp(st.b)
		if err != nil {
			return in, nil, err
		}
		in, err = buildAssertEq(a, b, st.incAP)
	case sJump:
		v := simp(st.val)
		if err != nil {
			return in, nil, err
		}
		in, err = buildJump(v, st.rel, st.incAP)
	case sJnz:
		v, c := simp(st.val), simp(st.cond)
		if err != nil {
			return in, nil, err
		}
		in, err = buildJnz(v, c, st.incAP)
	case sJumpLabel:
		off := &exprConst{col: st.labelCol, val: big.NewInt(labelOffset)}
		if st.cond == nil {
			in, err = buildJump(off, true, st.incAP)
			break
		}
		c := simp(st.cond)
		if err != nil {
			return in, nil, err
		}
		in, err = buildJnz(off, c, st.incAP)
	case sCall:
		v := simp(st.val)
		if err != nil {
			return in, nil, err
		}
		in, err = buildCall(v, st.rel)
	case sCallLabel:
		in, err = buildCall(&exprConst{col: st.labelCol, val: big.NewInt(labelOffset)}, true)
	case sRet:
		in = retInstruction
	case sAddAP:
		v := simp(st.val)
		if err != nil {
			return in, nil, err
		}
		in, err = buildAddAP(v)
	case sDw:
		v := simp(st.val)
		if err != nil {
			return in, nil, err
		}
		c, ok := v.(*exprConst)
		if !ok {
			if id, isID := v.(*exprIdent); isID {
				return in, nil, labelValueErr(id)
			}
			return in, nil, errAt(v, "dw must be followed by a constant expression")
		}
		return in, c.val, nil
	}
	return in, nil, err
}
