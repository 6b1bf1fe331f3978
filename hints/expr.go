package hints

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/cairn-vm/cairn/asm"
)

// This file parses the reference expressions of cairo-compile's reference
// manager ("[cast(fp + (-3), felt*)]", "cast([ap + (-1)] + 2, felt)",
// "cast((1, 2, 3), BigInt3)", ...) and the Cairo types inside them. The
// grammar is the subset of Cairo 0 expressions the compiler writes there:
//
//	expr    := sum
//	sum     := product (('+' | '-') product)*
//	product := unary (('*' | '/') unary)*
//	unary   := '-' unary | '&' unary | power
//	power   := atom ('**' unary)?
//	atom    := INT | 'ap' | 'fp' | '[' expr ']' | 'cast' '(' expr ',' type ')'
//	         | '(' expr ')' | '(' [item (',' item)* [',']] ')'   (a tuple)
//	item    := [NAME '='] expr
//	type    := ('felt' | 'codeoffset' | NAME('.' NAME)* | '(' [titem (',' titem)* [',']] ')') '*'*
//	titem   := [NAME ':'] type
//
// Whitespace, newlines included, separates tokens.

// maxDepth bounds the nesting of expressions and types the parser accepts.
const maxDepth = 200

// typeKind is the shape of a Cairo type.
type typeKind uint8

const (
	typeFelt typeKind = iota
	typeCodeoffset
	typeStruct
	typePointer
	typeTuple
)

// cairoType is a Cairo 0 type: felt, codeoffset, a struct (by full name), a
// pointer, or a tuple (whose members may be named).
type cairoType struct {
	kind    typeKind
	name    string       // struct name, as written
	elem    *cairoType   // pointee
	members []*cairoType // tuple members
	names   []string     // tuple member names ("" when unnamed)
}

var (
	feltType = &cairoType{kind: typeFelt}
)

func pointerTo(t *cairoType) *cairoType { return &cairoType{kind: typePointer, elem: t} }

// isFeltLike reports whether t is felt or codeoffset (both are field elements).
func (t *cairoType) isFeltLike() bool { return t.kind == typeFelt || t.kind == typeCodeoffset }

// isSimple reports whether ids.x of this type is a plain value in cairo-lang:
// felt, felt*, T** and deeper pointers (vm_consts.is_simple_type).
func (t *cairoType) isSimple() bool {
	if t.isFeltLike() {
		return true
	}
	return t.kind == typePointer && (t.elem.isFeltLike() || t.elem.kind == typePointer)
}

func (t *cairoType) String() string {
	switch t.kind {
	case typeFelt:
		return "felt"
	case typeCodeoffset:
		return "codeoffset"
	case typeStruct:
		return t.name
	case typePointer:
		return t.elem.String() + "*"
	case typeTuple:
		var b strings.Builder
		b.WriteByte('(')
		for i, m := range t.members {
			if i > 0 {
				b.WriteString(", ")
			}
			if t.names[i] != "" {
				b.WriteString(t.names[i])
				b.WriteString(": ")
			}
			b.WriteString(m.String())
		}
		b.WriteByte(')')
		return b.String()
	}
	return "?"
}

// expr is a node of a parsed reference expression.
type expr interface{ format(b *strings.Builder) }

type (
	exprConst struct {
		val  *big.Int
		felt asm.Felt // val mod P
	}
	exprReg   struct{ ap bool }
	exprDeref struct{ addr expr }
	exprCast  struct {
		e expr
		t *cairoType
	}
	exprBin struct {
		op   string // "+", "-", "*", "/", "**"
		a, b expr
	}
	exprNeg   struct{ e expr }
	exprAddr  struct{ e expr }
	exprTuple struct {
		elems []expr
		names []string
	}
)

func (e *exprConst) format(b *strings.Builder) {
	if e.val.Sign() < 0 {
		fmt.Fprintf(b, "(%s)", e.val)
		return
	}
	b.WriteString(e.val.String())
}
func (e *exprReg) format(b *strings.Builder) {
	if e.ap {
		b.WriteString("ap")
	} else {
		b.WriteString("fp")
	}
}
func (e *exprDeref) format(b *strings.Builder) {
	b.WriteByte('[')
	e.addr.format(b)
	b.WriteByte(']')
}
func (e *exprCast) format(b *strings.Builder) {
	b.WriteString("cast(")
	e.e.format(b)
	b.WriteString(", ")
	b.WriteString(e.t.String())
	b.WriteByte(')')
}
func (e *exprBin) format(b *strings.Builder) {
	b.WriteByte('(')
	e.a.format(b)
	b.WriteString(" " + e.op + " ")
	e.b.format(b)
	b.WriteByte(')')
}
func (e *exprNeg) format(b *strings.Builder) {
	b.WriteString("(-")
	e.e.format(b)
	b.WriteByte(')')
}
func (e *exprAddr) format(b *strings.Builder) {
	b.WriteByte('&')
	e.e.format(b)
}
func (e *exprTuple) format(b *strings.Builder) {
	b.WriteByte('(')
	for i, x := range e.elems {
		if i > 0 {
			b.WriteString(", ")
		}
		if e.names[i] != "" {
			b.WriteString(e.names[i] + "=")
		}
		x.format(b)
	}
	if len(e.elems) == 1 && e.names[0] == "" {
		b.WriteByte(',')
	}
	b.WriteByte(')')
}

func formatExpr(e expr) string {
	var b strings.Builder
	e.format(&b)
	return b.String()
}

// token kinds.
const (
	tokEOF = iota
	tokInt
	tokName
	tokPunct
)

type token struct {
	kind int
	text string
	pos  int
}

// errParse is the root of reference-expression syntax errors.
var errParse = errors.New("cannot parse reference expression")

func lex(s string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c >= '0' && c <= '9':
			j := i + 1
			if c == '0' && j < len(s) && (s[j] == 'x' || s[j] == 'X') {
				j++
				for j < len(s) && isHexDigit(s[j]) {
					j++
				}
			} else {
				for j < len(s) && s[j] >= '0' && s[j] <= '9' {
					j++
				}
			}
			if j < len(s) && isNameChar(s[j]) {
				return nil, fmt.Errorf("%w: bad number at offset %d", errParse, i)
			}
			toks = append(toks, token{tokInt, s[i:j], i})
			i = j
		case isNameStart(c):
			j := i + 1
			for j < len(s) && isNameChar(s[j]) {
				j++
			}
			toks = append(toks, token{tokName, s[i:j], i})
			i = j
		case c == '*' && i+1 < len(s) && s[i+1] == '*':
			toks = append(toks, token{tokPunct, "**", i})
			i += 2
		case strings.IndexByte("()[],+-*/&:=.", c) >= 0:
			toks = append(toks, token{tokPunct, s[i : i+1], i})
			i++
		default:
			return nil, fmt.Errorf("%w: unexpected character %q at offset %d", errParse, c, i)
		}
	}
	toks = append(toks, token{tokEOF, "", len(s)})
	return toks, nil
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
func isNameStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isNameChar(c byte) bool  { return isNameStart(c) || c >= '0' && c <= '9' }

type parser struct {
	toks  []token
	i     int
	depth int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) is(text string) bool {
	t := p.peek()
	return (t.kind == tokPunct || t.kind == tokName) && t.text == text
}

func (p *parser) accept(text string) bool {
	if p.is(text) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expect(text string) error {
	if !p.accept(text) {
		return p.errorf("expected %q", text)
	}
	return nil
}

func (p *parser) errorf(format string, args ...any) error {
	t := p.peek()
	where := "end of input"
	if t.kind != tokEOF {
		where = fmt.Sprintf("%q at offset %d", t.text, t.pos)
	}
	return fmt.Errorf("%w: %s, found %s", errParse, fmt.Sprintf(format, args...), where)
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return fmt.Errorf("%w: nested too deeply", errParse)
	}
	return nil
}

// parseExpr parses a whole reference expression.
func parseExpr(s string) (expr, error) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	e, err := p.sum()
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tokEOF {
		return nil, p.errorf("unexpected trailing input")
	}
	return e, nil
}

// parseType parses a whole Cairo type ("felt", "a.b.T*", "(x: felt, y: T*)").
func parseType(s string) (*cairoType, error) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	t, err := p.typ()
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tokEOF {
		return nil, p.errorf("unexpected trailing input")
	}
	return t, nil
}

func (p *parser) sum() (expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	a, err := p.product()
	if err != nil {
		return nil, err
	}
	for p.is("+") || p.is("-") {
		op := p.next().text
		b, err := p.product()
		if err != nil {
			return nil, err
		}
		a = &exprBin{op: op, a: a, b: b}
	}
	return a, nil
}

func (p *parser) product() (expr, error) {
	a, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.is("*") || p.is("/") {
		op := p.next().text
		b, err := p.unary()
		if err != nil {
			return nil, err
		}
		a = &exprBin{op: op, a: a, b: b}
	}
	return a, nil
}

func (p *parser) unary() (expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	switch {
	case p.accept("-"):
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		if c, ok := e.(*exprConst); ok {
			return newConst(new(big.Int).Neg(c.val)), nil
		}
		return &exprNeg{e: e}, nil
	case p.accept("&"):
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &exprAddr{e: e}, nil
	}
	a, err := p.atom()
	if err != nil {
		return nil, err
	}
	if p.accept("**") {
		b, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &exprBin{op: "**", a: a, b: b}, nil
	}
	return a, nil
}

func newConst(v *big.Int) *exprConst {
	c := &exprConst{val: v}
	c.felt.SetBigInt(v)
	return c
}

func (p *parser) atom() (expr, error) {
	t := p.peek()
	switch {
	case t.kind == tokInt:
		p.next()
		v, ok := new(big.Int).SetString(t.text, 0)
		if !ok {
			return nil, fmt.Errorf("%w: bad number %q", errParse, t.text)
		}
		return newConst(v), nil
	case t.kind == tokName && (t.text == "ap" || t.text == "fp"):
		p.next()
		return &exprReg{ap: t.text == "ap"}, nil
	case t.kind == tokName && t.text == "cast":
		p.next()
		if err := p.expect("("); err != nil {
			return nil, err
		}
		e, err := p.sum()
		if err != nil {
			return nil, err
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
		ty, err := p.typ()
		if err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return &exprCast{e: e, t: ty}, nil
	case p.accept("["):
		e, err := p.sum()
		if err != nil {
			return nil, err
		}
		if err := p.expect("]"); err != nil {
			return nil, err
		}
		return &exprDeref{addr: e}, nil
	case p.accept("("):
		return p.parenthesised()
	}
	return nil, p.errorf("expected an expression")
}

// parenthesised parses what follows '(': a parenthesised expression or a tuple.
func (p *parser) parenthesised() (expr, error) {
	tup := &exprTuple{}
	trailingComma := false
	for !p.accept(")") {
		name := ""
		if t := p.peek(); t.kind == tokName && p.toks[p.i+1].text == "=" && p.toks[p.i+1].kind == tokPunct {
			name = t.text
			p.i += 2
		}
		e, err := p.sum()
		if err != nil {
			return nil, err
		}
		tup.elems = append(tup.elems, e)
		tup.names = append(tup.names, name)
		trailingComma = false
		if p.accept(",") {
			trailingComma = true
			continue
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		break
	}
	if len(tup.elems) == 1 && !trailingComma && tup.names[0] == "" {
		return tup.elems[0], nil
	}
	return tup, nil
}

func (p *parser) typ() (*cairoType, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	var t *cairoType
	tok := p.peek()
	switch {
	case tok.kind == tokName && tok.text == "felt":
		p.next()
		t = feltType
	case tok.kind == tokName && tok.text == "codeoffset":
		p.next()
		t = &cairoType{kind: typeCodeoffset}
	case tok.kind == tokName:
		p.next()
		name := tok.text
		for p.is(".") {
			p.next()
			n := p.next()
			if n.kind != tokName {
				return nil, fmt.Errorf("%w: bad type name after %q", errParse, name)
			}
			name += "." + n.text
		}
		t = &cairoType{kind: typeStruct, name: name}
	case p.accept("("):
		t = &cairoType{kind: typeTuple}
		for !p.accept(")") {
			name := ""
			if n := p.peek(); n.kind == tokName && p.toks[p.i+1].kind == tokPunct && p.toks[p.i+1].text == ":" {
				name = n.text
				p.i += 2
			}
			m, err := p.typ()
			if err != nil {
				return nil, err
			}
			t.members = append(t.members, m)
			t.names = append(t.names, name)
			if p.accept(",") {
				continue
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			break
		}
	default:
		return nil, p.errorf("expected a type")
	}
	for {
		switch {
		case p.accept("*"):
			t = pointerTo(t)
		case p.accept("**"):
			t = pointerTo(pointerTo(t))
		default:
			return t, nil
		}
	}
}

// typeOf infers the type of a reference expression as cairo-lang's type
// system does for the shapes the compiler writes.
func typeOf(e expr) (*cairoType, error) {
	switch e := e.(type) {
	case *exprConst, *exprReg:
		return feltType, nil
	case *exprCast:
		if _, err := typeOf(e.e); err != nil {
			return nil, err
		}
		return e.t, nil
	case *exprDeref:
		t, err := typeOf(e.addr)
		if err != nil {
			return nil, err
		}
		switch {
		case t.kind == typePointer:
			return t.elem, nil
		case t.isFeltLike():
			return feltType, nil
		}
		return nil, fmt.Errorf("cannot dereference type '%s'", t)
	case *exprAddr:
		if _, ok := stripCasts(e.e).(*exprDeref); !ok {
			return nil, fmt.Errorf("cannot take the address of %s", formatExpr(e.e))
		}
		t, err := typeOf(e.e)
		if err != nil {
			return nil, err
		}
		return pointerTo(t), nil
	case *exprNeg:
		t, err := typeOf(e.e)
		if err != nil {
			return nil, err
		}
		if !t.isFeltLike() {
			return nil, fmt.Errorf("cannot negate type '%s'", t)
		}
		return feltType, nil
	case *exprBin:
		ta, err := typeOf(e.a)
		if err != nil {
			return nil, err
		}
		tb, err := typeOf(e.b)
		if err != nil {
			return nil, err
		}
		pa, pb := ta.kind == typePointer, tb.kind == typePointer
		fa, fb := ta.isFeltLike(), tb.isFeltLike()
		switch e.op {
		case "+":
			switch {
			case fa && fb:
				return feltType, nil
			case pa && fb:
				return ta, nil
			case fa && pb:
				return tb, nil
			}
		case "-":
			switch {
			case fa && fb, pa && pb:
				return feltType, nil
			case pa && fb:
				return ta, nil
			}
		default:
			if fa && fb {
				return feltType, nil
			}
		}
		return nil, fmt.Errorf("operator '%s' is not implemented for types '%s' and '%s'", e.op, ta, tb)
	case *exprTuple:
		t := &cairoType{kind: typeTuple}
		for i, x := range e.elems {
			m, err := typeOf(x)
			if err != nil {
				return nil, err
			}
			t.members = append(t.members, m)
			t.names = append(t.names, e.names[i])
		}
		return t, nil
	}
	return nil, fmt.Errorf("unsupported expression")
}

// stripCasts removes outer casts, as cairo-lang's simplify_type_system does
// before it looks for a dereference.
func stripCasts(e expr) expr {
	for {
		c, ok := e.(*exprCast)
		if !ok {
			return e
		}
		e = c.e
	}
}

// hasAP reports whether e mentions the ap register.
func hasAP(e expr) bool {
	switch e := e.(type) {
	case *exprReg:
		return e.ap
	case *exprDeref:
		return hasAP(e.addr)
	case *exprCast:
		return hasAP(e.e)
	case *exprBin:
		return hasAP(e.a) || hasAP(e.b)
	case *exprNeg:
		return hasAP(e.e)
	case *exprAddr:
		return hasAP(e.e)
	case *exprTuple:
		for _, x := range e.elems {
			if hasAP(x) {
				return true
			}
		}
	}
	return false
}
