package assembler

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/cairn-vm/cairn/asm"
)

// SyntaxError is an error in the assembly text, at a 1-based line and byte
// column.
type SyntaxError struct {
	File      string
	Line, Col int
	Msg       string
}

// Error formats the error as file:line:col: msg.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// BuiltinOrder is the order cairo-lang's layouts declare builtins in; a
// %builtins directive must list a subsequence of it.
var BuiltinOrder = []string{
	"output", "pedersen", "range_check", "ecdsa", "bitwise", "ec_op",
	"keccak", "poseidon", "range_check96", "add_mod", "mul_mod",
}

// Span is where an instruction or dw came from: 1-based line, columns
// [StartCol, EndCol).
type Span struct {
	Line, StartCol, EndCol int
}

// Program is an assembled program.
type Program struct {
	// File is the source name given to Assemble; it is recorded in the
	// debug information.
	File string
	// Data is the program's words: instructions, their immediates and dw
	// words.
	Data []asm.Felt
	// Builtins are the names from the %builtins directive, in order.
	Builtins []string
	// Labels maps each label to its pc.
	Labels map[string]int
	// Main is the entry point: the pc of the label main, else 0.
	Main int
	// Spans maps the pc of each instruction and dw word to its source.
	Spans map[int]Span
}

type pending struct {
	st    *stmt
	line  int
	pc    int
	built bool // in and word hold the statement's result (no label)
	in    Instruction
	word  *big.Int
}

// Assemble assembles Cairo assembly text. filename is used in error
// messages and the debug information. The first error stops assembly; it is
// a *SyntaxError.
func Assemble(filename string, src []byte) (*Program, error) {
	p := &Program{File: filename, Labels: map[string]int{}, Spans: map[int]Span{}, Builtins: []string{}}
	fail := func(line int, e *posError) error {
		return &SyntaxError{File: filename, Line: line, Col: e.col, Msg: e.msg}
	}
	labelLine := map[string]int{}
	var items []pending
	builtinsLine := 0
	pc := 0
	lines := strings.Split(string(src), "\n")
	for i, text := range lines {
		line := i + 1
		toks, perr := lexLine(text)
		if perr != nil {
			return nil, fail(line, perr)
		}
		label, st, perr := parseLine(toks)
		if perr != nil {
			return nil, fail(line, perr)
		}
		if label != nil {
			if prev, dup := labelLine[label.text]; dup {
				return nil, fail(line, &posError{col: label.col, msg: fmt.Sprintf("label %q is already defined at line %d", label.text, prev)})
			}
			labelLine[label.text] = line
			p.Labels[label.text] = pc
		}
		if st == nil {
			continue
		}
		if st.directive != "" {
			if st.directive == "builtins" {
				if builtinsLine != 0 {
					return nil, fail(line, &posError{col: st.dirCol, msg: fmt.Sprintf("%%builtins is already given at line %d", builtinsLine)})
				}
				builtinsLine = line
				names, perr := checkBuiltins(st.args)
				if perr != nil {
					return nil, fail(line, perr)
				}
				p.Builtins = names
			}
			continue
		}
		it := pending{st: st, line: line, pc: pc}
		size := 2 // a jump or call to a label: an instruction and its offset
		if st.kind != sJumpLabel && st.kind != sCallLabel {
			it.in, it.word, perr = build(st, 0)
			if perr != nil {
				return nil, fail(line, perr)
			}
			it.built = true
			size = 1
			if it.word == nil {
				size = it.in.Size()
			}
		}
		items = append(items, it)
		p.Spans[pc] = Span{Line: line, StartCol: st.col, EndCol: st.end}
		pc += size
	}
	p.Data = make([]asm.Felt, 0, pc)
	for _, it := range items {
		in, word := it.in, it.word
		if !it.built {
			target, ok := p.Labels[it.st.label]
			if !ok {
				return nil, fail(it.line, &posError{col: it.st.labelCol, msg: fmt.Sprintf("undefined label %q", it.st.label)})
			}
			var perr *posError
			if in, word, perr = build(it.st, int64(target-it.pc)); perr != nil {
				return nil, fail(it.line, perr)
			}
		}
		if word != nil {
			p.Data = append(p.Data, feltFromBig(word))
			continue
		}
		w, err := in.Encode()
		if err != nil {
			return nil, fail(it.line, &posError{col: it.st.col, msg: err.Error()})
		}
		p.Data = append(p.Data, asm.FeltFromUint64(w))
		if in.Op1 == Op1Imm {
			p.Data = append(p.Data, in.Imm)
		}
	}
	if pcMain, ok := p.Labels["main"]; ok {
		p.Main = pcMain
	}
	return p, nil
}

func checkBuiltins(args []token) ([]string, *posError) {
	rank := map[string]int{}
	for i, b := range BuiltinOrder {
		rank[b] = i
	}
	names := []string{}
	last := -1
	for _, a := range args {
		r, ok := rank[a.text]
		if !ok {
			return nil, &posError{col: a.col, msg: fmt.Sprintf("unknown builtin %q (known: %s)", a.text, strings.Join(BuiltinOrder, ", "))}
		}
		if r <= last {
			return nil, &posError{col: a.col, msg: fmt.Sprintf("builtin %q is repeated or out of order: the order is %s", a.text, strings.Join(BuiltinOrder, ", "))}
		}
		last = r
		names = append(names, a.text)
	}
	return names, nil
}

// AssembleJSON assembles Cairo assembly text into cairo-compile's program
// JSON.
func AssembleJSON(filename string, src []byte) ([]byte, error) {
	p, err := Assemble(filename, src)
	if err != nil {
		return nil, err
	}
	return p.JSON()
}

// AssembleWords assembles text and returns only its words, as a convenience
// for tests and tools that do not need the JSON.
func AssembleWords(src string) ([]asm.Felt, error) {
	p, err := Assemble("<input>", []byte(src))
	if err != nil {
		return nil, err
	}
	return p.Data, nil
}
