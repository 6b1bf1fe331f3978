package assembler

import (
	"encoding/json"
	"errors"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/cairn-vm/cairn/asm"
)

func hexWords(ws []asm.Felt) []string {
	out := make([]string, len(ws))
	for i := range ws {
		out[i] = ws[i].Hex()
	}
	return out
}

// pMinus returns P - x in hex.
func pMinus(x int64) string {
	f := asm.FeltFromInt64(-x)
	return f.Hex()
}

// TestEncodings checks words worked out by hand from the whitepaper's
// layout (off_dst, off_op0, off_op1 biased by 2^15 in bits 0-47, then the
// flags), the vectors of cairo-lang's encode_test.py, and words that occur
// in the corpus's cairo-compile output.
func TestEncodings(t *testing.T) {
	cases := []struct {
		src  string
		want []string
	}{
		// dst [ap+0] 0x8000, op0 [ap-1] 0x7fff, off_op1 1 0x8001; flags
		// imm 0x4 | add 0x20 | ap++ 0x800 | assert_eq 0x4000 = 0x4824.
		{"[ap] = [ap - 1] + 2, ap++", []string{"0x482480017fff8000", "0x2"}},
		// The whitepaper's ret: fp = [fp - 2], jmp abs [fp - 1].
		{"ret", []string{"0x208b7fff7fff7ffe"}},
		// cairo-lang encode_test.py.
		{"[ap] = 1, ap++", []string{"0x480680017fff8000", "0x1"}},
		{"[ap] = 1; ap++", []string{"0x480680017fff8000", "0x1"}},
		{"[ap] = 1", []string{"0x400680017fff8000", "0x1"}},
		{"jmp rel [ap + 2] + [fp]", []string{"0x129800080027fff"}},
		{"jmp abs [ap + 2] + [fp]", []string{"0xa9800080027fff"}},
		{"jmp rel [fp - 16] if [ap + 3] != 0", []string{"0x20a7ff07fff8003"}},
		{"call rel 1234", []string{"0x1104800180018000", "0x4d2"}},
		{"ap += 123", []string{"0x40780017fff7fff", "0x7b"}},
		// Words of the corpus programs.
		{"call rel 5", []string{"0x1104800180018000", "0x5"}},
		{"jmp rel 0", []string{"0x10780017fff7fff", "0x0"}},
		{"jmp rel 4 if [ap - 1] != 0", []string{"0x20680017fff7fff", "0x4"}},
		{"[ap] = [fp - 3] + (-1), ap++", []string{"0x482680017ffd8000", pMinus(1)}},
		{"[ap] = [fp - 3], ap++", []string{"0x480a7ffd7fff8000"}},
		{"[ap] = [fp - 5] + [fp - 4], ap++", []string{"0x482a7ffc7ffb8000"}},
		{"[ap] = [ap - 2], ap++", []string{"0x48127ffe7fff8000"}},
		{"[ap - 1] = 0x90", []string{"0x400680017fff7fff", "0x90"}},
		{"[ap - 1] = [[fp - 3]]", []string{"0x400280007ffd7fff"}},
		{"[ap] = [ap - 2] + [ap - 1], ap++", []string{"0x48307fff7ffe8000"}},
		{"[ap] = [ap - 1] * 2, ap++", []string{"0x484480017fff8000", "0x2"}},
		// By hand: op1 fp 0x8 | abs 0x80 | call 0x1000; dst [ap], op0 [ap+1].
		{"call abs [fp - 1]", []string{"0x10887fff80018000"}},
		// dst [fp-1], op0 [fp-1], imm: 0x1|0x2|0x4 | abs 0x80.
		{"jmp abs 12", []string{"0x8780017fff7fff", "0xc"}},
		// op1 [ap-1]: 0x1|0x2|0x10 | rel 0x100.
		{"jmp rel [ap - 1]", []string{"0x1137fff7fff7fff"}},
		// op0 fp 0x2 | op1 fp 0x8 | mul 0x40 | assert_eq 0x4000.
		{"[ap] = [fp] * [fp + 1]", []string{"0x404a800180008000"}},
		// dst/op0 [fp-1], op1 [fp-2]: 0x1|0x2|0x8 | ap add 0x400.
		{"ap += [fp - 2]", []string{"0x40b7ffe7fff7fff"}},
		// dst fp 0x1 | assert_eq; op0 [ap-2], op1 [op0 + 3].
		{"[fp - 1] = [[ap - 2] + 3]", []string{"0x400180037ffe7fff"}},
		// dst [fp+2] | op0 [fp-1] | imm | jnz 0x200 | ap++ 0x800.
		{"jmp rel 3 if [fp + 2] != 0, ap++", []string{"0xa0780017fff8002", "0x3"}},
		{"[ap + 2] = 17", []string{"0x400680017fff8002", "0x11"}},
		{"dw 0x1234", []string{"0x1234"}},
		{"dw 42", []string{"0x2a"}},
		{"dw -1", []string{pMinus(1)}},
	}
	for _, c := range cases {
		ws, err := AssembleWords(c.src)
		if err != nil {
			t.Errorf("%q: %v", c.src, err)
			continue
		}
		if got := hexWords(ws); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %v, want %v", c.src, got, c.want)
		}
	}
}

// TestEquivalentSpellings checks that the spellings cairo-lang accepts for
// one instruction (offset forms, Cairo 1 casm's "+ -3" and trailing ';',
// constant folding, the sugar for - and /, swapped sides) give its words.
func TestEquivalentSpellings(t *testing.T) {
	groups := [][]string{
		{"[ap] = [fp + (-3)] + [ap - 1], ap++", "[ap] = [fp - 3] + [ap - 1], ap++", "[ap + 0] = [fp + -3] + [ap + -1], ap++;",
			"[ap]=[fp-3]+[ap-1],ap++", "[ap] = [fp - 1 - 2] + [ap + 1 - 2], ap++", "[ap] = [fp - (1 + 2)] + [ap - 1], ap++"},
		{"[ap] = [ap - 1] + (-5), ap++", "[ap] = [ap - 1] - 5, ap++", "[ap] = [ap - 1] + -5, ap++",
			"[ap] = [ap - 1] + 0x800000000000011000000000000000000000000000000000000000000000001 - 5, ap++"},
		{"[fp] = [ap] + [ap - 1]", "[ap] = [fp] - [ap - 1]"},
		{"[fp] = [ap] * [ap - 1]", "[ap] = [fp] / [ap - 1]"},
		{"[fp] = [[ap]]", "[[ap]] = [fp]"},
		{"[ap] = 6", "[ap] = 2 * 3", "[ap] = (1 + 2) * 2", "[ap] = -(-6)"},
		{"jmp rel -3", "jmp rel (-3)", "jmp rel 0 - 3"},
		{"[ap + 1] = [ap] + 3", "[ap + 1] = [ap] + 1 + 2"},
	}
	for _, g := range groups {
		want, err := AssembleWords(g[0])
		if err != nil {
			t.Fatalf("%q: %v", g[0], err)
		}
		for _, s := range g[1:] {
			got, err := AssembleWords(s)
			if err != nil {
				t.Errorf("%q: %v", s, err)
				continue
			}
			if !reflect.DeepEqual(hexWords(got), hexWords(want)) {
				t.Errorf("%q: %v, but %q: %v", s, hexWords(got), g[0], hexWords(want))
			}
		}
	}
}

func TestLabels(t *testing.T) {
	src := `
start:
    jmp end              // forward: pc 0 -> 7
    call f               // pc 2 -> 5
back: jmp back if [ap - 1] != 0, ap++  // pc 4 -> 4
f:
    ret                  // pc 6
end:
    jmp start            // pc 7 -> 0
`
	p, err := Assemble("labels.casm", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	// back is at pc 4 and f at pc 6 (jnz label takes two words).
	wantLabels := map[string]int{"start": 0, "back": 4, "f": 6, "end": 7}
	if !reflect.DeepEqual(p.Labels, wantLabels) {
		t.Errorf("labels %v, want %v", p.Labels, wantLabels)
	}
	want := []string{
		"0x10780017fff7fff", "0x7", // jmp rel 7
		"0x1104800180018000", "0x4", // call rel 4
		"0xa0680017fff7fff", "0x0", // jmp rel 0 if [ap - 1] != 0, ap++
		"0x208b7fff7fff7ffe",
		"0x10780017fff7fff", pMinus(7), // jmp rel -7
	}
	if got := hexWords(p.Data); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	if p.Main != 0 {
		t.Errorf("main = %d without a main label, want 0", p.Main)
	}
}

func TestJSON(t *testing.T) {
	src := "%builtins output range_check\n%lang starknet\n[ap] = 1, ap++\nmain:\n[ap] = [fp - 4], ap++\nloop: jmp loop\n__end__:\nret\n"
	b, err := AssembleJSON("x.casm", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(b), "}\n") || !strings.HasPrefix(string(b), "{\n    \"attributes\": [],\n") {
		t.Errorf("unexpected layout:\n%s", b)
	}
	var got struct {
		Attributes      []any                     `json:"attributes"`
		Builtins        []string                  `json:"builtins"`
		CompilerVersion string                    `json:"compiler_version"`
		Data            []string                  `json:"data"`
		DebugInfo       map[string]map[string]any `json:"debug_info"`
		Hints           map[string]any            `json:"hints"`
		Identifiers     map[string]map[string]any `json:"identifiers"`
		MainScope       string                    `json:"main_scope"`
		Prime           string                    `json:"prime"`
		RefManager      map[string][]any          `json:"reference_manager"`
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Builtins, []string{"output", "range_check"}) {
		t.Errorf("builtins %v", got.Builtins)
	}
	if want := []string{"0x480680017fff8000", "0x1", "0x480a7ffc7fff8000", "0x10780017fff7fff", "0x0", "0x208b7fff7fff7ffe"}; !reflect.DeepEqual(got.Data, want) {
		t.Errorf("data %v, want %v", got.Data, want)
	}
	wantIDs := map[string]map[string]any{
		"__main__.main":    {"decorators": []any{}, "pc": 2.0, "type": "function"},
		"__main__.loop":    {"pc": 3.0, "type": "label"},
		"__main__.__end__": {"pc": 5.0, "type": "label"},
	}
	if !reflect.DeepEqual(got.Identifiers, wantIDs) {
		t.Errorf("identifiers %v, want %v", got.Identifiers, wantIDs)
	}
	if got.Prime != "0x800000000000011000000000000000000000000000000000000000000000001" || got.MainScope != "__main__" ||
		len(got.Hints) != 0 || len(got.Attributes) != 0 || got.RefManager["references"] == nil || len(got.RefManager["references"]) != 0 {
		t.Errorf("header fields: %+v", got)
	}
	locs := got.DebugInfo["instruction_locations"]
	if len(locs) != 4 {
		t.Fatalf("instruction_locations %v", locs)
	}
	inst := locs["3"].(map[string]any)["inst"].(map[string]any)
	wantInst := map[string]any{"start_line": 6.0, "end_line": 6.0, "start_col": 7.0, "end_col": 15.0, "input_file": map[string]any{"filename": "x.casm"}}
	if !reflect.DeepEqual(inst, wantInst) {
		t.Errorf("location of pc 3: %v, want %v", inst, wantInst)
	}
	// instruction_locations in numeric pc order, as cairo-compile writes.
	if i, j := strings.Index(string(b), `"2": {`), strings.Index(string(b), `"5": {`); i < 0 || j < i {
		t.Errorf("instruction_locations not in pc order")
	}
}

func TestSyntaxErrors(t *testing.T) {
	cases := []struct {
		src       string
		line, col int
		msg       string
	}{
		{"[ap] = [fp] +", 1, 14, "expected an expression"},
		{"\n\n  [ap] = [bp]", 3, 11, `expected a register (ap or fp), found "bp"`},
		{"[ap] = [fp + 32768]", 1, 14, "range [-2^15, 2^15)"},
		{"[ap - 32769] = 1", 1, 7, "range [-2^15, 2^15)"},
		{"[ap + 32767] = [fp - 32768]", 0, 0, ""},
		{"[ap] = [fp * 2]", 1, 12, "expected '+' or '-'"},
		{"[ap] = 5 + [fp]", 1, 8, "expected a dereference"},
		{"[ap] = [fp] / 2", 1, 15, "not supported for immediates"},
		{"jmp abs 5 if [ap] != 0", 1, 11, "must be relative"},
		{"jmp rel 5 if [ap] != 1", 1, 22, "expected 0"},
		{"jmp rel 5 if [ap] == 0", 1, 19, "expected '!='"},
		{"call rel 3, ap++", 1, 13, "ap++ may not be used with call"},
		{"ret, ap++", 1, 6, "ap++ may not be used with ret"},
		{"ap += 2, ap++", 1, 10, "ap++ may not be used with ap +="},
		{"[ap] = 1, ap+", 1, 11, "expected 'ap++'"},
		{"jmp nowhere", 1, 5, `undefined label "nowhere"`},
		{"x:\n[ap] = 1\n  x: ret", 3, 3, `label "x" is already defined at line 1`},
		{"ret:", 1, 1, "keyword"},
		{"jmp rel lbl\nlbl: ret", 1, 9, "labels may only follow jmp or call"},
		{"dw [ap]", 1, 4, "dw must be followed by a constant"},
		{"[ap] = 12ab", 1, 8, "malformed number"},
		{"[ap] = 1 @", 1, 10, "unexpected character '@'"},
		{"%builtins output foo", 1, 18, `unknown builtin "foo"`},
		{"%builtins range_check output", 1, 23, "out of order"},
		{"%builtins output\n%builtins output", 2, 1, "already given at line 1"},
		{"%include x", 1, 1, "unknown directive %include"},
		{"ret ret", 1, 5, `unexpected "ret"`},
		{"[ap] = [[ap] * 2]", 1, 14, "expected '+' or '-'"},
		{"[ap] = [fp] + [[fp]]", 1, 16, "expected a register"},
		{"ap = 3", 1, 1, "expected a dereference"},
		{"[ap] = 1 / 2", 1, 10, "division of constants"},
		{"[ap] = " + strings.Repeat("(", 300) + "1" + strings.Repeat(")", 300), 1, 0, "nested too deeply"},
	}
	for _, c := range cases {
		_, err := Assemble("e.casm", []byte(c.src))
		if c.line == 0 {
			if err != nil {
				t.Errorf("%q: unexpected error %v", c.src, err)
			}
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: got %v, want a *SyntaxError", c.src, err)
			continue
		}
		if se.File != "e.casm" || se.Line != c.line || (c.col != 0 && se.Col != c.col) || !strings.Contains(se.Msg, c.msg) {
			t.Errorf("%q: got %v, want e.casm:%d:%d: ...%s...", c.src, err, c.line, c.col, c.msg)
		}
		if !strings.HasPrefix(err.Error(), se.File+":") {
			t.Errorf("%q: Error() = %q", c.src, err.Error())
		}
	}
	e := &SyntaxError{File: "f.casm", Line: 3, Col: 7, Msg: "bad"}
	if e.Error() != "f.casm:3:7: bad" {
		t.Errorf("Error() = %q", e.Error())
	}
}

func TestDisassemble(t *testing.T) {
	src := `[ap] = [fp - 3] + [ap - 1], ap++
[ap + 2] = 17
[fp - 1] = [[ap - 2] + 3]
[ap] = [fp] * [fp + 1]
[ap] = [ap - 1] + (-5), ap++
[ap] = 0x800000000000000000000000000000000000000000000000000000000000000
jmp rel 5
jmp abs 12
jmp rel [ap - 1]
jmp rel -4 if [ap - 1] != 0
jmp rel [fp] if [fp + 2] != 0, ap++
call rel 3
call abs [fp - 1]
ret
ap += 3
ap += [fp - 2]
[ap] = [[fp]]
dw 0x1234
`
	p, err := Assemble("d.casm", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := Disassemble(p.Data)
	// dw 0x1234 has no flag bits: a nop that changes nothing, so it stays dw.
	if got != src {
		t.Errorf("disassembly differs:\n%s\nwant\n%s", got, src)
	}
	// A word with a non-default unused field is valid but not what the
	// assembler writes: it comes out as dw and still round-trips.
	odd := []asm.Felt{asm.FeltFromUint64(0x208b7fff7fff7ffd), asm.FeltFromUint64(0x4806800180008000)}
	lines := DisassembleLines(odd)
	if len(lines) != 2 || !lines[0].Data || lines[0].Text != "dw 0x208b7fff7fff7ffd" || !lines[1].Data {
		t.Errorf("non-canonical words: %+v", lines)
	}
	// A truncated immediate and a word of 2^63 or more are dw too.
	big63 := feltFromBig(new(big.Int).Lsh(big.NewInt(1), 63))
	if l := DisassembleLines([]asm.Felt{big63, asm.FeltFromUint64(0x480680017fff8000)}); len(l) != 2 || !l[0].Data || !l[1].Data {
		t.Errorf("%+v", l)
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, w := range []uint64{
		1 << 63,
		0x480680017fff8000 | 1<<(48+flagOp1FP),  // two op1 sources
		0x0001800080008000 | 3<<(48+flagResAdd), // add and mul
		0x0001800080008000 | 3<<(48+flagPCJumpAbs),
		0x0001800080008000 | 1<<(48+flagPCJnz) | 1<<(48+flagResAdd), // jnz with res
		0x0001800080008000 | 3<<(48+flagAPAdd),
		0x1104800180018000 | 1<<(48+flagAPAdd1), // call with ap++
		0x1104800180018000 | 1<<(48+flagOpRet),
	} {
		if in, err := Decode(w); err == nil {
			t.Errorf("Decode(0x%x) = %+v, want an error", w, in)
		}
	}
	in, err := Decode(0x208b7fff7fff7ffe)
	if err != nil || in != retInstruction {
		t.Errorf("Decode(ret) = %+v, %v", in, err)
	}
}

func FuzzAssemble(f *testing.F) {
	for _, s := range []string{
		"[ap] = [fp + (-3)] + [ap - 1], ap++",
		"main:\n[ap] = 1, ap++\njmp main if [ap - 1] != 0\nret\n",
		"%builtins output pedersen\ncall f\nf: ret\ndw 0x1234\n",
		"[fp - 1] = [[ap - 2] + 3]; ap++",
		"jmp rel [ap] + [fp]\nap += [fp] * 7\n[[ap]] = [fp]\n[ap] = [fp] / [ap]",
		"[ap] = -(3 * (2 - 5)) + 0xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Assemble("fuzz.casm", []byte(s))
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *SyntaxError", err)
			}
			if se.Line < 1 || se.Line > strings.Count(s, "\n")+1 || se.Col < 1 {
				t.Fatalf("error position out of range: %v", err)
			}
			return
		}
		if _, err := p.JSON(); err != nil {
			t.Fatal(err)
		}
		// What assembles disassembles to text that gives the same words.
		again, err := AssembleWords(Disassemble(p.Data))
		if err != nil {
			t.Fatalf("reassembling the disassembly: %v", err)
		}
		if !reflect.DeepEqual(hexWords(again), hexWords(p.Data)) {
			t.Fatalf("round trip changed the words: %v -> %v", hexWords(p.Data), hexWords(again))
		}
	})
}
