package assembler

import (
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/cairn-vm/cairn/internal/corpusdir"

	"github.com/cairn-vm/cairn/asm"
)

// corpusDir returns the Cairo 0 programs of the conformance corpus, or
// skips the test.
func corpusDir(t testing.TB) string { return filepath.Join(corpusdir.OrSkip(t), "cairo0") }

type corpusProgram struct {
	Data      []string `json:"data"`
	DebugInfo *struct {
		InstructionLocations map[string]json.RawMessage `json:"instruction_locations"`
	} `json:"debug_info"`
}

func loadCorpusProgram(t *testing.T, path string) ([]asm.Felt, []int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cp corpusProgram
	if err := json.Unmarshal(b, &cp); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	data := make([]asm.Felt, len(cp.Data))
	for i, s := range cp.Data {
		v, ok := new(big.Int).SetString(strings.TrimPrefix(s, "0x"), 16)
		if !ok || !strings.HasPrefix(s, "0x") {
			t.Fatalf("%s: data[%d] = %q", path, i, s)
		}
		data[i] = feltFromBig(v)
	}
	var pcs []int
	if cp.DebugInfo != nil {
		for k := range cp.DebugInfo.InstructionLocations {
			pc, err := strconv.Atoi(k)
			if err != nil {
				t.Fatalf("%s: instruction location %q", path, k)
			}
			pcs = append(pcs, pc)
		}
		sort.Ints(pcs)
	}
	return data, pcs
}

// TestCorpusRoundTrip disassembles the words of every compiled program of
// the corpus, assembles the text again and demands the same words. That
// alone would hold for any encoder (a word the disassembler cannot
// reproduce becomes dw), so it also demands that every dw be a data word
// (small, or a power of two: the corpus's tables) and that every pc
// cairo-compile's debug information lists start a line. Together these
// check that the assembler writes each instruction of the corpus exactly
// as cairo-compile did, unused fields included.
func TestCorpusRoundTrip(t *testing.T) {
	dir := corpusDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Skipf("no programs in %s", dir)
	}
	var programs, words, instrWords, dwWords, oddDw, checkedPCs, withDebug, dwAtPCs int
	for _, f := range files {
		name := filepath.Base(f)
		data, pcs := loadCorpusProgram(t, f)
		lines := DisassembleLines(data)
		text := Disassemble(data)
		p, err := Assemble(name, []byte(text))
		if err != nil {
			t.Errorf("%s: reassembling the disassembly: %v", name, err)
			continue
		}
		if len(p.Data) != len(data) {
			t.Errorf("%s: %d words in, %d out", name, len(data), len(p.Data))
			continue
		}
		for i := range data {
			if !data[i].Equal(&p.Data[i]) {
				t.Errorf("%s: word %d: %s in, %s out", name, i, data[i].Hex(), p.Data[i].Hex())
				break
			}
		}
		byPC := map[int]Line{}
		for _, l := range lines {
			byPC[l.PC] = l
			if l.Data {
				dwWords++
				if !looksLikeData(&data[l.PC]) {
					// Every dw of the corpus is a small constant or a
					// power of two; anything else is an instruction
					// cairo-compile wrote that the assembler does not
					// reproduce.
					oddDw++
					in, derr := Decode(data[l.PC].Uint64())
					t.Errorf("%s: pc %d: word %s is not reproduced by the assembler (decoded %+v, %v)", name, l.PC, data[l.PC].Hex(), in, derr)
				}
			} else {
				instrWords += l.Size
			}
		}
		if len(pcs) > 0 {
			withDebug++
		}
		for _, pc := range pcs {
			l, ok := byPC[pc]
			switch {
			case !ok:
				t.Errorf("%s: pc %d is an instruction (debug_info) but the linear disassembly does not start a line there", name, pc)
			case l.Data:
				// A dw statement (cairo-compile records those as
				// instructions too); other words were checked above.
				dwAtPCs++
			}
			checkedPCs++
		}
		programs++
		words += len(data)
	}
	t.Logf("%d programs, %d words round-tripped: %d as instructions (with immediates), %d as dw (%d of them not small or a power of two); "+
		"%d instruction pcs from the debug_info of %d programs checked (%d of them dw data words)",
		programs, words, instrWords, dwWords, oddDw, checkedPCs, withDebug, dwAtPCs)
}

// looksLikeData reports whether a word at a pc cairo-compile lists as an
// instruction is a dw data word rather than an instruction: it has no flag
// bits (a nop that moves nothing, which the builder never writes) or is a
// power of two (the data tables of the corpus: powers of 2 and 256).
func looksLikeData(f *asm.Felt) bool {
	v := f.BigInt()
	if v.BitLen() <= flagsShift {
		return true
	}
	return v.BitLen() == int(v.TrailingZeroBits())+1
}
