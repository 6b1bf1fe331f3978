package class_test

import (
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
)

const starkPrime = "0x800000000000011000000000000000000000000000000000000000000000001"

// synthetic is a small valid class that uses the operand and hint forms the
// corpus lacks (DoubleDeref, Mul, bare-string hints, Cheatcode, nested
// segments).
const synthetic = `{
  "prime": "` + starkPrime + `",
  "compiler_version": "2.99.0",
  "bytecode": ["0x1", "0x2", "0x3", "0x4", "0x5"],
  "bytecode_segment_lengths": [2, [1, 2]],
  "hints": [
    [0, [{"AllocSegment": {"dst": {"register": "AP", "offset": 0}}}]],
    [3, [
      "AssertAllKeysUsed",
      {"TestLessThan": {
        "lhs": {"DoubleDeref": [{"register": "FP", "offset": -3}, 2]},
        "rhs": {"BinOp": {"op": "Mul", "a": {"register": "AP", "offset": -1}, "b": {"Deref": {"register": "FP", "offset": 4}}}},
        "dst": {"register": "AP", "offset": 1}}},
      {"Cheatcode": {
        "selector": "0x6d6f636b",
        "input_start": {"Deref": {"register": "AP", "offset": -2}},
        "input_end": {"Immediate": "-0x10"},
        "output_start": {"register": "AP", "offset": 0},
        "output_end": {"register": "AP", "offset": 1},
        "an_extra_field": "ignored, as serde ignores it"}},
      {"AssertCurrentAccessIndicesIsEmpty": null}
    ]]
  ],
  "pythonic_hints": [],
  "entry_points_by_type": {
    "EXTERNAL": [
      {"selector": "0x1", "offset": 0, "builtins": ["range_check"]},
      {"selector": "0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e", "offset": "0x3", "builtins": []}
    ],
    "L1_HANDLER": [],
    "CONSTRUCTOR": [{"selector": "0x28ffe4ff0f226a9107253e17a904099aa4f63a02a5621de0576e5aa71bc5194", "offset": 1, "builtins": ["pedersen", "range_check"]}]
  }
}`

func cell(r class.Register, off int16) class.CellRef { return class.CellRef{Register: r, Offset: off} }

func TestParseSynthetic(t *testing.T) {
	c, err := class.Parse([]byte(synthetic))
	if err != nil {
		t.Fatal(err)
	}
	if c.CompilerVersion != "2.99.0" || len(c.Bytecode) != 5 || c.Bytecode[4] != asm.FeltFromUint64(5) {
		t.Fatalf("class %+v", c)
	}
	if got := c.HintPCs(); !slices.Equal(got, []int{0, 3}) {
		t.Fatalf("HintPCs = %v", got)
	}
	if h, ok := c.Hints[0][0].(*class.AllocSegment); !ok || h.Dst != cell(class.AP, 0) {
		t.Errorf("hint at 0: %#v", c.Hints[0][0])
	}
	hs := c.Hints[3]
	if len(hs) != 4 {
		t.Fatalf("pc 3: %d hints", len(hs))
	}
	if _, ok := hs[0].(*class.AssertAllKeysUsed); !ok {
		t.Errorf("hint 0: %#v", hs[0])
	}
	lt, ok := hs[1].(*class.TestLessThan)
	if !ok {
		t.Fatalf("hint 1: %#v", hs[1])
	}
	if lt.LHS.Kind != class.KindDoubleDeref || lt.LHS.Cell != cell(class.FP, -3) || lt.LHS.Offset != 2 {
		t.Errorf("lhs %+v", lt.LHS)
	}
	if lt.RHS.Kind != class.KindBinOp || lt.RHS.Op != class.Mul || lt.RHS.Cell != cell(class.AP, -1) ||
		lt.RHS.B.Kind != class.KindDeref || lt.RHS.B.Cell != cell(class.FP, 4) {
		t.Errorf("rhs %+v", lt.RHS)
	}
	if lt.Dst != cell(class.AP, 1) {
		t.Errorf("dst %v", lt.Dst)
	}
	if s := lt.LHS.String() + " | " + lt.RHS.String(); s != "[[fp + -3] + 2] | [ap + -1] * [fp + 4]" {
		t.Errorf("operand strings %q", s)
	}
	cc, ok := hs[2].(*class.Cheatcode)
	if !ok {
		t.Fatalf("hint 2: %#v", hs[2])
	}
	if cc.Selector.Value.Cmp(big.NewInt(0x6d6f636b)) != 0 || cc.InputEnd.Kind != class.KindImmediate ||
		cc.InputEnd.Imm.Value.Cmp(big.NewInt(-16)) != 0 || cc.OutputEnd != cell(class.AP, 1) {
		t.Errorf("cheatcode %+v", cc)
	}
	// The immediate's felt is its value mod P: -16 is P - 16.
	want := asm.FeltFromUint64(16)
	want.Neg(&want)
	if cc.InputEnd.Imm.Felt != want {
		t.Errorf("-0x10 as a felt: %s", cc.InputEnd.Imm.Felt.Hex())
	}
	if _, ok := hs[3].(*class.AssertCurrentAccessIndicesIsEmpty); !ok {
		t.Errorf("hint 3: %#v", hs[3])
	}

	// Entry points: the offset given as a hex string, lookup by selector.
	ep, ok := c.EntryPoint(class.External, class.Selector("transfer"))
	if !ok || ep.Offset != 3 || len(ep.Builtins) != 0 {
		t.Errorf("transfer: %+v %v", ep, ok)
	}
	if _, ok := c.EntryPoint(class.External, asm.FeltFromUint64(2)); ok {
		t.Error("found an entry point with selector 2")
	}
	if _, ok := c.EntryPoint(class.L1Handler, asm.FeltFromUint64(1)); ok {
		t.Error("found selector 1 among the L1 handlers")
	}
	ctor, ok := c.EntryPoint(class.Constructor, class.Selector("constructor"))
	if !ok || ctor.Offset != 1 || !slices.Equal(ctor.Builtins, []string{"pedersen", "range_check"}) {
		t.Errorf("constructor: %+v %v", ctor, ok)
	}

	// Segments: [2, [1, 2]].
	s := c.Segments
	if s == nil || s.Leaf || s.Len != 5 || len(s.Children) != 2 || !s.Children[0].Leaf || s.Children[0].Len != 2 ||
		s.Children[1].Leaf || s.Children[1].Len != 3 || len(s.Children[1].Children) != 2 {
		t.Errorf("segments %+v", s)
	}
}

// TestBytecodeHashSegments evaluates cairo-lang's definition
// (compiled_class_hash_objects.py) by hand on the synthetic class:
// leaf = poseidon_hash_many(words), node = 1 + poseidon_hash_many(len_i,
// hash_i, ...).
func TestBytecodeHashSegments(t *testing.T) {
	f := asm.FeltFromUint64
	leaf := func(ws ...uint64) asm.Felt {
		fs := make([]asm.Felt, len(ws))
		for i, w := range ws {
			fs[i] = f(w)
		}
		return asm.PoseidonHashMany(fs)
	}
	node := func(pairs ...asm.Felt) asm.Felt {
		h := asm.PoseidonHashMany(pairs)
		one := asm.One()
		h.Add(&h, &one)
		return h
	}
	inner := node(f(1), leaf(3), f(2), leaf(4, 5))
	want := node(f(2), leaf(1, 2), f(3), inner)

	c, err := class.Parse([]byte(synthetic))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.BytecodeHash(); got != want {
		t.Errorf("BytecodeHash = %s, want %s", got.Hex(), want.Hex())
	}

	// Without bytecode_segment_lengths, or with the bare length, the whole
	// bytecode is one leaf; [5] is a node with one leaf, a different hash.
	for _, tc := range []struct {
		segs string
		want asm.Felt
	}{
		{"", leaf(1, 2, 3, 4, 5)},
		{`"bytecode_segment_lengths": 5,`, leaf(1, 2, 3, 4, 5)},
		{`"bytecode_segment_lengths": null,`, leaf(1, 2, 3, 4, 5)},
		{`"bytecode_segment_lengths": [5],`, node(f(5), leaf(1, 2, 3, 4, 5))},
	} {
		doc := `{"prime": "` + starkPrime + `", "bytecode": ["0x1", "0x2", "0x3", "0x4", "0x5"], ` + tc.segs +
			`"hints": [], "entry_points_by_type": {"EXTERNAL": [], "L1_HANDLER": [], "CONSTRUCTOR": []}}`
		c, err := class.Parse([]byte(doc))
		if err != nil {
			t.Fatalf("%s: %v", tc.segs, err)
		}
		if got := c.BytecodeHash(); got != tc.want {
			t.Errorf("%q: BytecodeHash = %s, want %s", tc.segs, got.Hex(), tc.want.Hex())
		}
	}

	// The compiled class hash combines the parts as compiled_class_hash.py
	// does.
	ep := func(sel asm.Felt, off uint64, builtins ...string) []asm.Felt {
		names := make([]asm.Felt, len(builtins))
		for i, b := range builtins {
			names[i] = asm.FeltFromBytesBE([]byte(b))
		}
		return []asm.Felt{sel, f(off), asm.PoseidonHashMany(names)}
	}
	ext := asm.PoseidonHashMany(append(ep(f(1), 0, "range_check"), ep(class.Selector("transfer"), 3)...))
	ctor := asm.PoseidonHashMany(ep(class.Selector("constructor"), 1, "pedersen", "range_check"))
	version := asm.FeltFromBytesBE([]byte("COMPILED_CLASS_V1"))
	wantClass := asm.PoseidonHashMany([]asm.Felt{version, ext, asm.PoseidonHashMany(nil), ctor, want})
	if got := c.CompiledClassHash(); got != wantClass {
		t.Errorf("CompiledClassHash = %s, want %s", got.Hex(), wantClass.Hex())
	}
}

func TestSelector(t *testing.T) {
	// Values from cairo-lang's src/starkware/starknet/core/os/constants.cairo
	// (get_selector_from_name of each name).
	for name, want := range map[string]string{
		"transfer":             "0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e",
		"constructor":          "0x28ffe4ff0f226a9107253e17a904099aa4f63a02a5621de0576e5aa71bc5194",
		"__execute__":          "0x15d40a3d6ca2ac30f4031e42be28da9b056fef9bb7357ac5e85627ee876e5ad",
		"__validate__":         "0x162da33a4585851fe8d3af3c2a9c60b557814e221e0d4f30ff0b2189d9c7775",
		"__validate_declare__": "0x289da278a8dc833409cabfdad1581e8e7d40e42dcaed693fa4008dcdb4963b3",
		"__validate_deploy__":  "0x36fcbf06cd96843058359e1a75928beacfac10727dab22a3972f0af8aa92895",
	} {
		got := class.Selector(name)
		if got != mustFelt(t, want) {
			t.Errorf("Selector(%q) = %s, want %s", name, got.Hex(), want)
		}
		if got.BitLen() > 250 {
			t.Errorf("Selector(%q) has %d bits", name, got.BitLen())
		}
	}
}

// TestHintKinds checks the loader knows exactly the variants of
// cairo-lang-casm's hint enums (crates/cairo-lang-casm/src/hints/mod.rs:
// CoreHint, DeprecatedHint, StarknetHint, ExternalHint).
func TestHintKinds(t *testing.T) {
	want := []string{
		// CoreHint
		"AllocSegment", "TestLessThan", "TestLessThanOrEqual", "TestLessThanOrEqualAddress",
		"WideMul128", "DivMod", "Uint256DivMod", "Uint512DivModByUint256", "SquareRoot",
		"Uint256SquareRoot", "LinearSplit", "AllocFelt252Dict", "Felt252DictEntryInit",
		"Felt252DictEntryUpdate", "GetSegmentArenaIndex", "InitSquashData", "GetCurrentAccessIndex",
		"ShouldSkipSquashLoop", "GetCurrentAccessDelta", "ShouldContinueSquashLoop", "GetNextDictKey",
		"AssertLeFindSmallArcs", "AssertLeIsFirstArcExcluded", "AssertLeIsSecondArcExcluded",
		"RandomEcPoint", "FieldSqrt", "DebugPrint", "AllocConstantSize", "U256InvModN", "EvalCircuit",
		// DeprecatedHint
		"AssertCurrentAccessIndicesIsEmpty", "AssertAllAccessesUsed", "AssertAllKeysUsed",
		"AssertLeAssertThirdArcExcluded", "AssertLtAssertValidInput", "Felt252DictRead", "Felt252DictWrite",
		// StarknetHint
		"SystemCall", "Cheatcode",
		// ExternalHint
		"AddRelocationRule", "WriteRunParam", "AddMarker", "AddTrace",
	}
	got := class.HintKinds()
	a, b := slices.Clone(got), slices.Clone(want)
	slices.Sort(a)
	slices.Sort(b)
	if !slices.Equal(a, b) {
		t.Errorf("HintKinds() = %v\nwant %v", got, want)
	}
}

// doc returns the synthetic class as a generic JSON value to mutate.
func doc(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(synthetic), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func firstHint(m map[string]any) map[string]any {
	return m["hints"].([]any)[0].([]any)[1].([]any)[0].(map[string]any)
}

func externals(m map[string]any) []any {
	return m["entry_points_by_type"].(map[string]any)["EXTERNAL"].([]any)
}

func TestMalformed(t *testing.T) {
	for _, tc := range []struct {
		name   string
		raw    string               // the input, or
		mutate func(map[string]any) // a change to the synthetic class
		err    error
		path   string // the LoadError's Path
		msg    string // a part of the message
	}{
		{name: "empty", raw: "", err: class.ErrMalformed, msg: "empty input"},
		{name: "truncated", raw: synthetic[:len(synthetic)/2], err: class.ErrMalformed, msg: "truncated JSON"},
		{name: "syntax", raw: `{"prime": 0x1}`, err: class.ErrMalformed, msg: "line 1 column"},
		{name: "trailing", raw: synthetic + " {}", err: class.ErrMalformed, msg: "data after the JSON value"},
		{name: "not an object", raw: `[1, 2]`, err: class.ErrMalformed, msg: "not a JSON object"},
		{name: "wrong prime", mutate: func(m map[string]any) { m["prime"] = "0x7fffffff" }, err: class.ErrWrongPrime, path: "prime"},
		{name: "prime goldilocks", mutate: func(m map[string]any) { m["prime"] = "0xffffffff00000001" }, err: class.ErrWrongPrime, path: "prime"},
		{name: "prime decimal", mutate: func(m map[string]any) {
			m["prime"] = "3618502788666131213697322783095070105623107215331596699973092056135872020481"
		}, err: class.ErrMalformed, path: "prime"},
		{name: "no prime", mutate: func(m map[string]any) { delete(m, "prime") }, err: class.ErrMalformed, msg: "missing field prime"},
		{name: "no hints", mutate: func(m map[string]any) { delete(m, "hints") }, err: class.ErrMalformed, msg: "missing field hints"},
		{name: "bytecode word too big", mutate: func(m map[string]any) { m["bytecode"].([]any)[2] = starkPrime }, err: class.ErrMalformed, path: "bytecode[2]"},
		{name: "bytecode word decimal", mutate: func(m map[string]any) { m["bytecode"].([]any)[1] = "17" }, err: class.ErrMalformed, path: "bytecode[1]"},
		{name: "bytecode word number", mutate: func(m map[string]any) { m["bytecode"].([]any)[0] = 1 }, err: class.ErrMalformed, path: "bytecode[0]"},
		{name: "segments short", mutate: func(m map[string]any) { m["bytecode_segment_lengths"] = []any{2, 2} }, err: class.ErrMalformed, path: "bytecode_segment_lengths", msg: "cover 4 words"},
		{name: "segments long", mutate: func(m map[string]any) { m["bytecode_segment_lengths"] = []any{2, []any{3, 2}} }, err: class.ErrMalformed, path: "bytecode_segment_lengths[1]"},
		{name: "empty segment", mutate: func(m map[string]any) { m["bytecode_segment_lengths"] = []any{5, []any{}} }, err: class.ErrMalformed, path: "bytecode_segment_lengths[1]", msg: "empty bytecode segment"},
		{name: "negative segment", mutate: func(m map[string]any) { m["bytecode_segment_lengths"] = []any{-1, 6} }, err: class.ErrMalformed, path: "bytecode_segment_lengths[0]"},
		{name: "unknown hint", mutate: func(m map[string]any) {
			m["hints"].([]any)[1].([]any)[1].([]any)[1] = map[string]any{"FrobnicateTheDict": map[string]any{}}
		}, err: class.ErrUnknownHint, path: "hints[1][1][1]", msg: `"FrobnicateTheDict" at pc 3`},
		{name: "unknown bare hint", mutate: func(m map[string]any) { m["hints"].([]any)[1].([]any)[1].([]any)[0] = "Nope" }, err: class.ErrUnknownHint, msg: `"Nope" at pc 3`},
		{name: "hint with two keys", mutate: func(m map[string]any) { firstHint(m)["SystemCall"] = map[string]any{} }, err: class.ErrMalformed, path: "hints[0][1][0]"},
		{name: "bad register", mutate: func(m map[string]any) {
			firstHint(m)["AllocSegment"] = map[string]any{"dst": map[string]any{"register": "BP", "offset": 0}}
		}, err: class.ErrMalformed, path: "hints[0][1][0].AllocSegment.dst.register"},
		{name: "offset beyond i16", mutate: func(m map[string]any) {
			firstHint(m)["AllocSegment"] = map[string]any{"dst": map[string]any{"register": "AP", "offset": 32768}}
		}, err: class.ErrMalformed, path: "hints[0][1][0].AllocSegment.dst.offset"},
		{name: "fractional offset", mutate: func(m map[string]any) {
			firstHint(m)["AllocSegment"] = map[string]any{"dst": map[string]any{"register": "AP", "offset": 1.5}}
		}, err: class.ErrMalformed, path: "hints[0][1][0].AllocSegment.dst.offset"},
		{name: "missing field", mutate: func(m map[string]any) { firstHint(m)["AllocSegment"] = map[string]any{"dest": nil} }, err: class.ErrMalformed, msg: "missing field dst"},
		{name: "fields of a unit hint", mutate: func(m map[string]any) {
			m["hints"].([]any)[1].([]any)[1].([]any)[0] = map[string]any{"AssertAllKeysUsed": map[string]any{}}
		}, err: class.ErrMalformed, msg: "takes no fields"},
		{name: "bare hint that needs fields", mutate: func(m map[string]any) { m["hints"].([]any)[0].([]any)[1].([]any)[0] = "AllocSegment" }, err: class.ErrMalformed, msg: "needs fields"},
		{name: "immediate without 0x", mutate: func(m map[string]any) {
			firstHint(m)["SquareRoot"] = map[string]any{"value": map[string]any{"Immediate": "17"}, "dst": map[string]any{"register": "AP", "offset": 0}}
			delete(firstHint(m), "AllocSegment")
		}, err: class.ErrMalformed, path: "hints[0][1][0].SquareRoot.value.Immediate"},
		{name: "immediate with inner sign", mutate: func(m map[string]any) {
			firstHint(m)["SquareRoot"] = map[string]any{"value": map[string]any{"Immediate": "0x-5"}, "dst": map[string]any{"register": "AP", "offset": 0}}
			delete(firstHint(m), "AllocSegment")
		}, err: class.ErrMalformed, path: "hints[0][1][0].SquareRoot.value.Immediate"},
		{name: "immediate as number", mutate: func(m map[string]any) {
			firstHint(m)["SquareRoot"] = map[string]any{"value": map[string]any{"Immediate": 17}, "dst": map[string]any{"register": "AP", "offset": 0}}
			delete(firstHint(m), "AllocSegment")
		}, err: class.ErrMalformed, path: "hints[0][1][0].SquareRoot.value.Immediate"},
		{name: "unknown operand", mutate: func(m map[string]any) {
			firstHint(m)["SystemCall"] = map[string]any{"system": map[string]any{"TripleDeref": nil}}
			delete(firstHint(m), "AllocSegment")
		}, err: class.ErrMalformed, path: "hints[0][1][0].SystemCall.system", msg: "TripleDeref"},
		{name: "binop sub", mutate: func(m map[string]any) {
			firstHint(m)["SystemCall"] = map[string]any{"system": map[string]any{"BinOp": map[string]any{
				"op": "Sub", "a": map[string]any{"register": "AP", "offset": 0}, "b": map[string]any{"Immediate": "0x1"}}}}
			delete(firstHint(m), "AllocSegment")
		}, err: class.ErrMalformed, path: "hints[0][1][0].SystemCall.system.BinOp.op"},
		{name: "binop b double deref", mutate: func(m map[string]any) {
			firstHint(m)["SystemCall"] = map[string]any{"system": map[string]any{"BinOp": map[string]any{
				"op": "Add", "a": map[string]any{"register": "AP", "offset": 0},
				"b": map[string]any{"DoubleDeref": []any{map[string]any{"register": "AP", "offset": 0}, 1}}}}}
			delete(firstHint(m), "AllocSegment")
		}, err: class.ErrMalformed, path: "hints[0][1][0].SystemCall.system.BinOp.b"},
		{name: "double deref arity", mutate: func(m map[string]any) {
			firstHint(m)["SystemCall"] = map[string]any{"system": map[string]any{"DoubleDeref": []any{map[string]any{"register": "AP", "offset": 0}}}}
			delete(firstHint(m), "AllocSegment")
		}, err: class.ErrMalformed, path: "hints[0][1][0].SystemCall.system.DoubleDeref"},
		{name: "hint pc beyond bytecode", mutate: func(m map[string]any) { m["hints"].([]any)[1].([]any)[0] = 5 }, err: class.ErrMalformed, path: "hints[1][0]"},
		{name: "hint pc negative", mutate: func(m map[string]any) { m["hints"].([]any)[1].([]any)[0] = -1 }, err: class.ErrMalformed, path: "hints[1][0]"},
		{name: "hint entry shape", mutate: func(m map[string]any) { m["hints"].([]any)[1] = []any{3} }, err: class.ErrMalformed, path: "hints[1]"},
		{name: "no entry points", mutate: func(m map[string]any) { delete(m, "entry_points_by_type") }, err: class.ErrMalformed, msg: "missing field entry_points_by_type"},
		{name: "no L1 handlers", mutate: func(m map[string]any) { delete(m["entry_points_by_type"].(map[string]any), "L1_HANDLER") }, err: class.ErrMalformed, msg: "missing field L1_HANDLER"},
		{name: "unknown entry point type", mutate: func(m map[string]any) { m["entry_points_by_type"].(map[string]any)["VIEW"] = []any{} }, err: class.ErrMalformed, msg: `"VIEW"`},
		{name: "unsorted entry points", mutate: func(m map[string]any) {
			e := externals(m)
			e[0], e[1] = e[1], e[0]
		}, err: class.ErrMalformed, path: "entry_points_by_type.EXTERNAL[1].selector", msg: "sorted"},
		{name: "duplicate entry points", mutate: func(m map[string]any) {
			e := externals(m)
			e[1].(map[string]any)["selector"] = "0x1"
		}, err: class.ErrMalformed, path: "entry_points_by_type.EXTERNAL[1].selector"},
		{name: "two constructors", mutate: func(m map[string]any) {
			eps := m["entry_points_by_type"].(map[string]any)
			eps["CONSTRUCTOR"] = append(eps["CONSTRUCTOR"].([]any), map[string]any{"selector": "0x3" + strings.Repeat("0", 62), "offset": 0, "builtins": []any{}})
		}, err: class.ErrMalformed, msg: "at most one constructor"},
		{name: "selector too big", mutate: func(m map[string]any) { externals(m)[1].(map[string]any)["selector"] = starkPrime }, err: class.ErrMalformed, path: "entry_points_by_type.EXTERNAL[1].selector"},
		{name: "offset beyond bytecode", mutate: func(m map[string]any) { externals(m)[0].(map[string]any)["offset"] = 5 }, err: class.ErrMalformed, path: "entry_points_by_type.EXTERNAL[0].offset"},
		{name: "offset string", mutate: func(m map[string]any) { externals(m)[0].(map[string]any)["offset"] = "three" }, err: class.ErrMalformed, path: "entry_points_by_type.EXTERNAL[0].offset"},
		{name: "builtins missing", mutate: func(m map[string]any) { delete(externals(m)[0].(map[string]any), "builtins") }, err: class.ErrMalformed, msg: "missing field builtins"},
		{name: "builtins null", mutate: func(m map[string]any) { externals(m)[0].(map[string]any)["builtins"] = nil }, err: class.ErrMalformed, path: "entry_points_by_type.EXTERNAL[0].builtins"},
		{name: "builtin not a string", mutate: func(m map[string]any) { externals(m)[0].(map[string]any)["builtins"] = []any{7} }, err: class.ErrMalformed, path: "entry_points_by_type.EXTERNAL[0].builtins[0]"},
		{name: "builtin name too long", mutate: func(m map[string]any) {
			externals(m)[0].(map[string]any)["builtins"] = []any{strings.Repeat("x", 32)}
		}, err: class.ErrMalformed, path: "entry_points_by_type.EXTERNAL[0].builtins[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			input := []byte(tc.raw)
			if tc.mutate != nil {
				m := doc(t)
				tc.mutate(m)
				var err error
				if input, err = json.Marshal(m); err != nil {
					t.Fatal(err)
				}
			}
			c, err := class.Parse(input)
			if err == nil {
				t.Fatalf("no error; class %+v", c)
			}
			var le *class.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error %T %v is not a *LoadError", err, err)
			}
			if !errors.Is(err, tc.err) {
				t.Errorf("error %v does not wrap %v", err, tc.err)
			}
			if le.Path != tc.path && tc.path != "" {
				t.Errorf("path %q, want %q (%v)", le.Path, tc.path, err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("message %q lacks %q", err, tc.msg)
			}
		})
	}
}

func TestLoadFileErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := class.Load(filepath.Join(dir, "missing.json"))
	var le *class.LoadError
	if !errors.As(err, &le) || !errors.Is(err, os.ErrNotExist) || le.File == "" {
		t.Errorf("missing file: %v", err)
	}

	bad := filepath.Join(dir, "bad.json")
	m := doc(t)
	m["prime"] = "0x11"
	b, _ := json.Marshal(m)
	if err := os.WriteFile(bad, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = class.Load(bad)
	if !errors.As(err, &le) || le.File != bad || le.Path != "prime" || !errors.Is(err, class.ErrWrongPrime) {
		t.Fatalf("wrong prime: %v", err)
	}
	if !strings.HasPrefix(err.Error(), "class: "+bad+": prime: ") {
		t.Errorf("message %q", err)
	}
}

func TestEmptyClass(t *testing.T) {
	// The Starknet empty contract: no bytecode, segment lengths 0.
	c, err := class.Parse([]byte(`{"prime": "` + starkPrime + `", "compiler_version": "2.16.0", "bytecode": [],
		"bytecode_segment_lengths": 0, "hints": [], "pythonic_hints": [],
		"entry_points_by_type": {"EXTERNAL": [], "L1_HANDLER": [], "CONSTRUCTOR": []}}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Bytecode) != 0 || len(c.Hints) != 0 || c.Segments == nil || !c.Segments.Leaf || c.Segments.Len != 0 {
		t.Errorf("class %+v", c)
	}
	if _, ok := c.EntryPoint(class.External, class.Selector("transfer")); ok {
		t.Error("found an entry point in the empty class")
	}
}

func TestEntryPointType(t *testing.T) {
	for _, k := range []class.EntryPointType{class.External, class.L1Handler, class.Constructor} {
		got, ok := class.ParseEntryPointType(k.String())
		if !ok || got != k {
			t.Errorf("ParseEntryPointType(%q) = %v, %v", k.String(), got, ok)
		}
	}
	if _, ok := class.ParseEntryPointType("external"); ok {
		t.Error("lowercase type accepted")
	}
	var c class.Class
	if c.EntryPoints(class.EntryPointType(9)) != nil {
		t.Error("entry points of an unknown type")
	}
}
