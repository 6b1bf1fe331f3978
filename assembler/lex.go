package assembler

import (
	"fmt"
	"math/big"
	"strings"
	"unicode/utf8"
)

type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tInt
	tPunct
)

// token is one lexeme of a line; col is its 1-based byte column.
type token struct {
	kind tokKind
	text string
	col  int
	val  *big.Int // tInt only
}

func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of line"
	case tInt:
		return "number " + t.text
	case tIdent:
		return fmt.Sprintf("%q", t.text)
	}
	return fmt.Sprintf("'%s'", t.text)
}

// punctuation, longest first.
var puncts = []string{"++", "+=", "!=", "[", "]", "(", ")", "+", "-", "*", "/", "=", ",", ":", ";", "%"}

func isIdentStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isIdentChar(c byte) bool { return isIdentStart(c) || '0' <= c && c <= '9' }

// lexLine splits one line (without its newline) into tokens, dropping a
// trailing // comment. It ends the slice with a tEOF token.
func lexLine(line string) ([]token, *posError) {
	var toks []token
	i := 0
	for i < len(line) {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '/' && i+1 < len(line) && line[i+1] == '/':
			i = len(line)
			continue
		case isIdentStart(c):
			j := i + 1
			for j < len(line) && isIdentChar(line[j]) {
				j++
			}
			toks = append(toks, token{kind: tIdent, text: line[i:j], col: i + 1})
			i = j
			continue
		case '0' <= c && c <= '9':
			j := i + 1
			for j < len(line) && isIdentChar(line[j]) {
				j++
			}
			text := line[i:j]
			v, ok := parseInt(text)
			if !ok {
				return nil, &posError{col: i + 1, msg: fmt.Sprintf("malformed number %q", text)}
			}
			toks = append(toks, token{kind: tInt, text: text, col: i + 1, val: v})
			i = j
			continue
		}
		matched := false
		for _, p := range puncts {
			if strings.HasPrefix(line[i:], p) {
				toks = append(toks, token{kind: tPunct, text: p, col: i + 1})
				i += len(p)
				matched = true
				break
			}
		}
		if !matched {
			r, _ := utf8.DecodeRuneInString(line[i:])
			return nil, &posError{col: i + 1, msg: fmt.Sprintf("unexpected character %q", r)}
		}
	}
	toks = append(toks, token{kind: tEOF, col: len(line) + 1})
	return toks, nil
}

// parseInt reads a decimal or 0x-prefixed hexadecimal literal.
func parseInt(s string) (*big.Int, bool) {
	v := new(big.Int)
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		for _, c := range []byte(s[2:]) {
			if !isHex(c) {
				return nil, false
			}
		}
		_, ok := v.SetString(s[2:], 16)
		return v, ok
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return nil, false
		}
	}
	_, ok := v.SetString(s, 10)
	return v, ok
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// posError is an error at a column of the line being assembled.
type posError struct {
	col int
	msg string
}
