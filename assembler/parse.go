package assembler

import (
	"fmt"
	"math/big"
)

// expr is an expression of the instruction syntax. col is the 1-based
// column where it starts.
type expr interface {
	column() int
	format() string
}

type (
	exprConst struct {
		col int
		val *big.Int
	}
	exprReg struct {
		col int
		reg Reg
	}
	exprDeref struct {
		col  int
		addr expr
	}
	exprOp struct {
		col   int
		opCol int
		op    string // + - * /
		a, b  expr
	}
	exprNeg struct {
		col int
		x   expr
	}
	exprIdent struct {
		col  int
		name string
	}
)

func (e *exprConst) column() int { return e.col }
func (e *exprReg) column() int   { return e.col }
func (e *exprDeref) column() int { return e.col }
func (e *exprOp) column() int    { return e.col }
func (e *exprNeg) column() int   { return e.col }
func (e *exprIdent) column() int { return e.col }

func (e *exprConst) format() string {
	if e.val.Sign() < 0 {
		return "(" + e.val.String() + ")"
	}
	return e.val.String()
}
func (e *exprReg) format() string   { return e.reg.String() }
func (e *exprDeref) format() string { return "[" + e.addr.format() + "]" }
func (e *exprOp) format() string {
	return formatOperand(e.a) + " " + e.op + " " + formatOperand(e.b)
}
func (e *exprNeg) format() string   { return "-" + formatOperand(e.x) }
func (e *exprIdent) format() string { return e.name }

func formatOperand(e expr) string {
	if _, ok := e.(*exprOp); ok {
		return "(" + e.format() + ")"
	}
	return e.format()
}

// keywords may not name labels.
var keywords = map[string]bool{
	"ap": true, "fp": true, "jmp": true, "call": true, "ret": true,
	"rel": true, "abs": true, "if": true, "dw": true,
}

type stmtKind uint8

const (
	sAssertEq  stmtKind = iota
	sJump               // jmp rel/abs val
	sJnz                // jmp rel val if cond != 0
	sJumpLabel          // jmp label [if cond != 0]
	sCall               // call rel/abs val
	sCallLabel          // call label
	sRet
	sAddAP
	sDw
)

// stmt is one parsed instruction (or dw) with its source span.
type stmt struct {
	kind      stmtKind
	col, end  int // [col, end) columns of the instruction text
	a, b      expr
	val       expr
	rel       bool
	cond      expr // sJnz and conditional sJumpLabel
	label     string
	labelCol  int
	incAP     bool
	incAPCol  int
	directive string // %builtins / %lang, with args
	args      []token
	dirCol    int
}

const maxDepth = 200

type parser struct {
	toks  []token
	i     int
	depth int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) peekAt(k int) token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) isPunct(s string) bool {
	t := p.peek()
	return t.kind == tPunct && t.text == s
}

func (p *parser) isIdent(s string) bool {
	t := p.peek()
	return t.kind == tIdent && t.text == s
}

func (p *parser) errAt(t token, format string, args ...any) *posError {
	return &posError{col: t.col, msg: fmt.Sprintf(format, args...)}
}

func (p *parser) expectPunct(s string) (token, *posError) {
	t := p.peek()
	if t.kind != tPunct || t.text != s {
		return t, p.errAt(t, "expected '%s', found %s", s, t.describe())
	}
	return p.next(), nil
}

// lastEnd is the column just past the last consumed token.
func (p *parser) lastEnd() int {
	if p.i == 0 {
		return p.toks[0].col
	}
	t := p.toks[p.i-1]
	return t.col + len(t.text)
}

func (p *parser) parseExpr() (expr, *posError) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, p.errAt(p.peek(), "expression nested too deeply")
	}
	a, err := p.parseProduct()
	if err != nil {
		return nil, err
	}
	for p.isPunct("+") || p.isPunct("-") {
		op := p.next()
		b, err := p.parseProduct()
		if err != nil {
			return nil, err
		}
		a = &exprOp{col: a.column(), opCol: op.col, op: op.text, a: a, b: b}
	}
	return a, nil
}

func (p *parser) parseProduct() (expr, *posError) {
	a, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for p.isPunct("*") || p.isPunct("/") {
		op := p.next()
		b, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		a = &exprOp{col: a.column(), opCol: op.col, op: op.text, a: a, b: b}
	}
	return a, nil
}

func (p *parser) parseUnary() (expr, *posError) {
	if p.isPunct("-") {
		t := p.next()
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return nil, p.errAt(p.peek(), "expression nested too deeply")
		}
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &exprNeg{col: t.col, x: x}, nil
	}
	return p.parseAtom()
}

func (p *parser) parseAtom() (expr, *posError) {
	t := p.peek()
	switch t.kind {
	case tInt:
		p.next()
		return &exprConst{col: t.col, val: t.val}, nil
	case tIdent:
		switch {
		case t.text == "ap":
			p.next()
			return &exprReg{col: t.col, reg: AP}, nil
		case t.text == "fp":
			p.next()
			return &exprReg{col: t.col, reg: FP}, nil
		case keywords[t.text]:
			return nil, p.errAt(t, "expected an expression, found keyword %q", t.text)
		}
		p.next()
		return &exprIdent{col: t.col, name: t.text}, nil
	case tPunct:
		switch t.text {
		case "[":
			p.next()
			addr, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			if _, err := p.expectPunct("]"); err != nil {
				return nil, err
			}
			return &exprDeref{col: t.col, addr: addr}, nil
		case "(":
			p.next()
			x, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			if _, err := p.expectPunct(")"); err != nil {
				return nil, err
			}
			return x, nil
		}
	}
	return nil, p.errAt(t, "expected an expression, found %s", t.describe())
}

// parseLine parses one tokenized line: an optional label definition, then a
// directive, an instruction or nothing, then an optional ';'.
func parseLine(toks []token) (label *token, st *stmt, perr *posError) {
	p := &parser{toks: toks}
	if t := p.peek(); t.kind == tIdent && p.peekAt(1).kind == tPunct && p.peekAt(1).text == ":" {
		if keywords[t.text] {
			return nil, nil, p.errAt(t, "%q is a keyword and cannot name a label", t.text)
		}
		p.next()
		p.next()
		label = &t
	}
	switch {
	case p.isPunct("%"):
		st, perr = p.parseDirective()
	case p.peek().kind == tEOF || p.isPunct(";"):
	default:
		st, perr = p.parseInstruction()
	}
	if perr != nil {
		return nil, nil, perr
	}
	if st != nil && p.isPunct(";") {
		p.next()
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, nil, p.errAt(t, "unexpected %s", t.describe())
	}
	return label, st, nil
}

func (p *parser) parseDirective() (*stmt, *posError) {
	pct := p.next()
	name := p.peek()
	if name.kind != tIdent || name.col != pct.col+1 {
		return nil, p.errAt(pct, "expected a directive name after '%%'")
	}
	p.next()
	st := &stmt{directive: name.text, dirCol: pct.col, col: pct.col}
	switch name.text {
	case "builtins":
		for p.peek().kind == tIdent {
			st.args = append(st.args, p.next())
		}
	case "lang":
		t := p.peek()
		if t.kind != tIdent {
			return nil, p.errAt(t, "expected a language name after %%lang, found %s", t.describe())
		}
		st.args = append(st.args, p.next())
	default:
		return nil, p.errAt(pct, "unknown directive %%%s", name.text)
	}
	st.end = p.lastEnd()
	return st, nil
}

func (p *parser) labelName() (token, bool) {
	t := p.peek()
	if t.kind == tIdent && !keywords[t.text] {
		return t, true
	}
	return t, false
}

func (p *parser) parseInstruction() (*stmt, *posError) {
	start := p.peek()
	st := &stmt{col: start.col}
	var err *posError
	switch {
	case start.kind == tIdent && start.text == "ret":
		p.next()
		st.kind = sRet
	case start.kind == tIdent && start.text == "call":
		p.next()
		switch {
		case p.isIdent("rel") || p.isIdent("abs"):
			st.kind = sCall
			st.rel = p.next().text == "rel"
			st.val, err = p.parseExpr()
		default:
			t, ok := p.labelName()
			if !ok {
				return nil, p.errAt(t, "expected 'rel', 'abs' or a label after call, found %s", t.describe())
			}
			p.next()
			st.kind, st.label, st.labelCol = sCallLabel, t.text, t.col
		}
	case start.kind == tIdent && start.text == "jmp":
		p.next()
		switch {
		case p.isIdent("rel") || p.isIdent("abs"):
			st.kind = sJump
			st.rel = p.next().text == "rel"
			st.val, err = p.parseExpr()
		default:
			t, ok := p.labelName()
			if !ok {
				return nil, p.errAt(t, "expected 'rel', 'abs' or a label after jmp, found %s", t.describe())
			}
			p.next()
			st.kind, st.label, st.labelCol = sJumpLabel, t.text, t.col
		}
		if err == nil && p.isIdent("if") {
			ifTok := p.next()
			if st.kind == sJump {
				if !st.rel {
					return nil, p.errAt(ifTok, "a conditional jump must be relative: jmp rel ... if ... != 0")
				}
				st.kind = sJnz
			}
			if st.cond, err = p.parseExpr(); err != nil {
				return nil, err
			}
			if _, err := p.expectPunct("!="); err != nil {
				return nil, err
			}
			z := p.peek()
			if z.kind != tInt || z.val.Sign() != 0 {
				return nil, p.errAt(z, "expected 0 after '!=', found %s", z.describe())
			}
			p.next()
		}
	case start.kind == tIdent && start.text == "ap" && p.peekAt(1).kind == tPunct && p.peekAt(1).text == "+=":
		p.next()
		p.next()
		st.kind = sAddAP
		st.val, err = p.parseExpr()
	case start.kind == tIdent && start.text == "dw":
		p.next()
		st.kind = sDw
		st.val, err = p.parseExpr()
	default:
		st.kind = sAssertEq
		if st.a, err = p.parseExpr(); err != nil {
			return nil, err
		}
		if _, err := p.expectPunct("="); err != nil {
			return nil, err
		}
		st.b, err = p.parseExpr()
	}
	if err != nil {
		return nil, err
	}
	// ", ap++" (cairo-lang's syntax since 0.10) or "; ap++" (older).
	if (p.isPunct(",") || p.isPunct(";")) && (p.isPunct(",") || p.peekAt(1).kind == tIdent && p.peekAt(1).text == "ap") {
		sep := p.next()
		if !p.isIdent("ap") || p.peekAt(1).kind != tPunct || p.peekAt(1).text != "++" {
			return nil, p.errAt(p.peek(), "expected 'ap++' after '%s', found %s", sep.text, p.peek().describe())
		}
		st.incAP, st.incAPCol = true, p.next().col
		p.next()
	}
	st.end = p.lastEnd()
	return st, nil
}
