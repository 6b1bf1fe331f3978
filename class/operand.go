package class

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"

	"github.com/cairn-vm/cairn/asm"
)

// Register is the base register of a cell reference.
type Register uint8

// The two registers a hint operand can be relative to.
const (
	AP Register = iota
	FP
)

// String returns "ap" or "fp", as cairo-lang-casm displays them.
func (r Register) String() string {
	switch r {
	case AP:
		return "ap"
	case FP:
		return "fp"
	}
	return "Register(" + strconv.Itoa(int(r)) + ")"
}

// CellRef is the memory cell [Register + Offset]. The offset is an i16 in
// cairo-lang-casm, and the loader rejects anything outside that range.
type CellRef struct {
	Register Register
	Offset   int16
}

// String returns "[ap + -1]" (cairo-lang-casm's Display form).
func (c CellRef) String() string {
	return "[" + c.Register.String() + " + " + strconv.Itoa(int(c.Offset)) + "]"
}

// MarshalJSON writes the cairo-lang-casm form {"register": "AP", "offset": -1}.
func (c CellRef) MarshalJSON() ([]byte, error) {
	reg := "AP"
	if c.Register == FP {
		reg = "FP"
	}
	return []byte(`{"register":"` + reg + `","offset":` + strconv.Itoa(int(c.Offset)) + `}`), nil
}

// Immediate is a constant operand. cairo-lang-casm keeps it as an unbounded
// signed integer (BigIntAsHex, written "0x1f" or "-0x80"): Value is that
// integer exactly, as the Python hints see it, and Felt is Value mod P,
// reduced once at load so that executing a hint needs no big-integer work.
type Immediate struct {
	Value *big.Int
	Felt  asm.Felt
}

// String returns the value in decimal.
func (i Immediate) String() string {
	if i.Value == nil {
		return "0"
	}
	return i.Value.String()
}

// MarshalJSON writes the BigIntAsHex form: "0x1f", "-0x80".
func (i Immediate) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Quote(i.hex())), nil
}

func (i Immediate) hex() string {
	if i.Value == nil {
		return "0x0"
	}
	if i.Value.Sign() < 0 {
		return "-0x" + new(big.Int).Neg(i.Value).Text(16)
	}
	return "0x" + i.Value.Text(16)
}

// Operation is the operator of a BinOp operand.
type Operation uint8

// The two operations cairo-lang-casm's BinOpOperand can apply.
const (
	Add Operation = iota
	Mul
)

// String returns "+" or "*".
func (o Operation) String() string {
	if o == Mul {
		return "*"
	}
	return "+"
}

// OperandKind says which variant of ResOperand (or DerefOrImmediate) a value
// holds.
type OperandKind uint8

// The variants of cairo-lang-casm's ResOperand. DerefOrImmediate uses only
// KindDeref and KindImmediate.
const (
	KindDeref       OperandKind = iota // [cell]
	KindDoubleDeref                    // [[cell] + offset]
	KindImmediate                      // a constant
	KindBinOp                          // [a] op b
)

// String returns the variant's name as the JSON spells it.
func (k OperandKind) String() string {
	switch k {
	case KindDeref:
		return "Deref"
	case KindDoubleDeref:
		return "DoubleDeref"
	case KindImmediate:
		return "Immediate"
	case KindBinOp:
		return "BinOp"
	}
	return "OperandKind(" + strconv.Itoa(int(k)) + ")"
}

// DerefOrImmediate is the second operand of a BinOp: a cell or a constant.
// Kind is KindDeref (Cell is set) or KindImmediate (Imm is set).
type DerefOrImmediate struct {
	Kind OperandKind
	Cell CellRef
	Imm  Immediate
}

// String returns cairo-lang-casm's Display form.
func (d DerefOrImmediate) String() string {
	if d.Kind == KindImmediate {
		return d.Imm.String()
	}
	return d.Cell.String()
}

// MarshalJSON writes {"Deref": cell} or {"Immediate": "0x.."}.
func (d DerefOrImmediate) MarshalJSON() ([]byte, error) {
	if d.Kind == KindImmediate {
		return json.Marshal(map[string]any{"Immediate": d.Imm})
	}
	return json.Marshal(map[string]any{"Deref": d.Cell})
}

// ResOperand is a hint's input operand, cairo-lang-casm's ResOperand, kept
// flat (one struct, a Kind to switch on) so that evaluating it allocates
// nothing:
//
//	KindDeref:       the value of [Cell]
//	KindDoubleDeref: the value of [[Cell] + Offset]
//	KindImmediate:   Imm
//	KindBinOp:       [Cell] Op B (Cell is the BinOp's a), reduced mod P
type ResOperand struct {
	Kind   OperandKind
	Cell   CellRef
	Offset int16 // KindDoubleDeref only
	Op     Operation
	B      DerefOrImmediate // KindBinOp only
	Imm    Immediate        // KindImmediate only
}

// String returns cairo-lang-casm's Display form ("[ap + -1]",
// "[[fp + -3] + 2]", "17", "[ap + 0] + 5").
func (r ResOperand) String() string {
	switch r.Kind {
	case KindDoubleDeref:
		return "[" + r.Cell.String() + " + " + strconv.Itoa(int(r.Offset)) + "]"
	case KindImmediate:
		return r.Imm.String()
	case KindBinOp:
		return r.Cell.String() + " " + r.Op.String() + " " + r.B.String()
	}
	return r.Cell.String()
}

// MarshalJSON writes the cairo-lang-casm JSON form of the operand.
func (r ResOperand) MarshalJSON() ([]byte, error) {
	switch r.Kind {
	case KindDoubleDeref:
		return json.Marshal(map[string]any{"DoubleDeref": []any{r.Cell, r.Offset}})
	case KindImmediate:
		return json.Marshal(map[string]any{"Immediate": r.Imm})
	case KindBinOp:
		op := "Add"
		if r.Op == Mul {
			op = "Mul"
		}
		return json.Marshal(map[string]any{"BinOp": map[string]any{"op": op, "a": r.Cell, "b": r.B}})
	}
	return json.Marshal(map[string]any{"Deref": r.Cell})
}

// The operand parsers below work on a document decoded into any with
// json.Decoder.UseNumber: objects are map[string]any, numbers json.Number.
// Each error names the JSON path of the offending value.

func parseCellRef(v any, path string) (CellRef, error) {
	obj, err := asObject(v, path)
	if err != nil {
		return CellRef{}, err
	}
	regV, ok := obj["register"]
	if !ok {
		return CellRef{}, malformed(path, "missing field register")
	}
	var c CellRef
	switch regV {
	case "AP":
		c.Register = AP
	case "FP":
		c.Register = FP
	default:
		return CellRef{}, malformed(path+".register", fmt.Sprintf("register %s is neither \"AP\" nor \"FP\"", describe(regV)))
	}
	offV, ok := obj["offset"]
	if !ok {
		return CellRef{}, malformed(path, "missing field offset")
	}
	off, err := asInt(offV, path+".offset", -1<<15, 1<<15-1)
	if err != nil {
		return CellRef{}, err
	}
	c.Offset = int16(off)
	return c, nil
}

// parseImmediate reads BigIntAsHex: an optional '-', "0x", hex digits.
func parseImmediate(v any, path string) (Immediate, error) {
	s, ok := v.(string)
	if !ok {
		return Immediate{}, malformed(path, "immediate "+describe(v)+" is not a hex string")
	}
	digits := s
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) < 3 || digits[:2] != "0x" || !isHex(digits[2:]) {
		return Immediate{}, malformed(path, "immediate "+strconv.Quote(s)+" is not [-]0x followed by hex digits")
	}
	val, _ := new(big.Int).SetString(digits[2:], 16) // digits checked
	if s[0] == '-' {
		val.Neg(val)
	}
	return Immediate{Value: val, Felt: asm.FeltFromBig(val)}, nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return s != ""
}

func parseDerefOrImmediate(v any, path string) (DerefOrImmediate, error) {
	name, inner, err := variant(v, path)
	if err != nil {
		return DerefOrImmediate{}, err
	}
	switch name {
	case "Deref":
		c, err := parseCellRef(inner, path+".Deref")
		return DerefOrImmediate{Kind: KindDeref, Cell: c}, err
	case "Immediate":
		imm, err := parseImmediate(inner, path+".Immediate")
		return DerefOrImmediate{Kind: KindImmediate, Imm: imm}, err
	}
	return DerefOrImmediate{}, malformed(path, "operand kind "+strconv.Quote(name)+" is neither Deref nor Immediate")
}

func parseResOperand(v any, path string) (ResOperand, error) {
	name, inner, err := variant(v, path)
	if err != nil {
		return ResOperand{}, err
	}
	p := path + "." + name
	switch name {
	case "Deref":
		c, err := parseCellRef(inner, p)
		return ResOperand{Kind: KindDeref, Cell: c}, err
	case "DoubleDeref":
		// A tuple variant: [cell, offset].
		arr, ok := inner.([]any)
		if !ok || len(arr) != 2 {
			return ResOperand{}, malformed(p, "DoubleDeref is not a [cell, offset] pair")
		}
		c, err := parseCellRef(arr[0], p+"[0]")
		if err != nil {
			return ResOperand{}, err
		}
		off, err := asInt(arr[1], p+"[1]", -1<<15, 1<<15-1)
		if err != nil {
			return ResOperand{}, err
		}
		return ResOperand{Kind: KindDoubleDeref, Cell: c, Offset: int16(off)}, nil
	case "Immediate":
		imm, err := parseImmediate(inner, p)
		return ResOperand{Kind: KindImmediate, Imm: imm}, err
	case "BinOp":
		obj, err := asObject(inner, p)
		if err != nil {
			return ResOperand{}, err
		}
		r := ResOperand{Kind: KindBinOp}
		for _, f := range []string{"op", "a", "b"} {
			if _, ok := obj[f]; !ok {
				return ResOperand{}, malformed(p, "missing field "+f)
			}
		}
		switch obj["op"] {
		case "Add":
			r.Op = Add
		case "Mul":
			r.Op = Mul
		default:
			return ResOperand{}, malformed(p+".op", "operation "+describe(obj["op"])+" is neither \"Add\" nor \"Mul\"")
		}
		if r.Cell, err = parseCellRef(obj["a"], p+".a"); err != nil {
			return ResOperand{}, err
		}
		if r.B, err = parseDerefOrImmediate(obj["b"], p+".b"); err != nil {
			return ResOperand{}, err
		}
		return r, nil
	}
	return ResOperand{}, malformed(path, "unknown operand kind "+strconv.Quote(name))
}

// variant reads a serde externally tagged enum value: an object with exactly
// one key, the variant's name.
func variant(v any, path string) (string, any, error) {
	obj, err := asObject(v, path)
	if err != nil {
		return "", nil, err
	}
	if len(obj) != 1 {
		return "", nil, malformed(path, fmt.Sprintf("expected an object with one key (the variant), got %d keys", len(obj)))
	}
	var name string
	var inner any
	for k, x := range obj {
		name, inner = k, x
	}
	return name, inner, nil
}
