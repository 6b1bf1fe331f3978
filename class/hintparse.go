package class

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// hintKinds lists one value of every hint type; hintTypes maps each kind's
// name to its type and field layout.
var hintKinds = []Hint{
	&AllocSegment{}, &TestLessThan{}, &TestLessThanOrEqual{}, &TestLessThanOrEqualAddress{},
	&WideMul128{}, &DivMod{}, &Uint256DivMod{}, &Uint512DivModByUint256{}, &SquareRoot{},
	&Uint256SquareRoot{}, &LinearSplit{}, &AllocFelt252Dict{}, &Felt252DictEntryInit{},
	&Felt252DictEntryUpdate{}, &GetSegmentArenaIndex{}, &InitSquashData{},
	&GetCurrentAccessIndex{}, &ShouldSkipSquashLoop{}, &GetCurrentAccessDelta{},
	&ShouldContinueSquashLoop{}, &GetNextDictKey{}, &AssertLeFindSmallArcs{},
	&AssertLeIsFirstArcExcluded{}, &AssertLeIsSecondArcExcluded{}, &RandomEcPoint{},
	&FieldSqrt{}, &DebugPrint{}, &AllocConstantSize{}, &U256InvModN{}, &EvalCircuit{},

	&AssertCurrentAccessIndicesIsEmpty{}, &AssertAllAccessesUsed{}, &AssertAllKeysUsed{},
	&AssertLeAssertThirdArcExcluded{}, &AssertLtAssertValidInput{}, &Felt252DictRead{},
	&Felt252DictWrite{},

	&SystemCall{}, &Cheatcode{},

	&AddRelocationRule{}, &WriteRunParam{}, &AddMarker{}, &AddTrace{},
}

type fieldKind uint8

const (
	fieldCell fieldKind = iota
	fieldRes
	fieldImm
)

type hintField struct {
	index int
	name  string // the JSON key
	kind  fieldKind
}

type hintType struct {
	typ    reflect.Type // the struct type (not the pointer)
	fields []hintField
}

var hintTypes = buildHintTypes()

func buildHintTypes() map[string]*hintType {
	cellT := reflect.TypeFor[CellRef]()
	resT := reflect.TypeFor[ResOperand]()
	immT := reflect.TypeFor[Immediate]()
	m := make(map[string]*hintType, len(hintKinds))
	for _, h := range hintKinds {
		t := reflect.TypeOf(h).Elem()
		ht := &hintType{typ: t}
		for i := range t.NumField() {
			f := t.Field(i)
			hf := hintField{index: i, name: strings.Split(f.Tag.Get("json"), ",")[0]}
			switch f.Type {
			case cellT:
				hf.kind = fieldCell
			case resT:
				hf.kind = fieldRes
			case immT:
				hf.kind = fieldImm
			default:
				// A programming error in this package, caught by every test.
				panic("class: hint " + t.Name() + " field " + f.Name + " has unsupported type " + f.Type.String())
			}
			ht.fields = append(ht.fields, hf)
		}
		m[h.Name()] = ht
	}
	return m
}

// HintKinds returns the names of every hint kind the loader understands.
func HintKinds() []string {
	names := make([]string, len(hintKinds))
	for i, h := range hintKinds {
		names[i] = h.Name()
	}
	return names
}

// parseHint reads one hint in serde's externally tagged form: a bare string
// for a variant without fields ("AssertAllKeysUsed"), otherwise an object
// with one key, the variant's name, whose value holds the fields. Extra
// fields are ignored and missing ones are errors, as serde does.
func parseHint(v any, pc int, path string) (Hint, error) {
	var name string
	var body any
	bare := false
	if s, ok := v.(string); ok {
		name, bare = s, true
	} else {
		var err error
		if name, body, err = variant(v, path); err != nil {
			return nil, err
		}
	}
	ht, ok := hintTypes[name]
	if !ok {
		return nil, &LoadError{Path: path, Err: fmt.Errorf("%w %s at pc %d", ErrUnknownHint, strconv.Quote(name), pc)}
	}
	hv := reflect.New(ht.typ)
	h := hv.Interface().(Hint)
	if len(ht.fields) == 0 {
		// A unit variant: the bare string, or {"Name": null}.
		if !bare && body != nil {
			return nil, malformed(path+"."+name, "hint "+name+" takes no fields")
		}
		return h, nil
	}
	if bare {
		return nil, malformed(path, "hint "+name+" needs fields")
	}
	p := path + "." + name
	obj, err := asObject(body, p)
	if err != nil {
		return nil, err
	}
	sv := hv.Elem()
	for _, f := range ht.fields {
		fv, ok := obj[f.name]
		if !ok {
			return nil, malformed(p, "missing field "+f.name)
		}
		fp := p + "." + f.name
		switch f.kind {
		case fieldCell:
			c, err := parseCellRef(fv, fp)
			if err != nil {
				return nil, err
			}
			sv.Field(f.index).Set(reflect.ValueOf(c))
		case fieldRes:
			r, err := parseResOperand(fv, fp)
			if err != nil {
				return nil, err
			}
			sv.Field(f.index).Set(reflect.ValueOf(r))
		case fieldImm:
			imm, err := parseImmediate(fv, fp)
			if err != nil {
				return nil, err
			}
			sv.Field(f.index).Set(reflect.ValueOf(imm))
		}
	}
	return h, nil
}
