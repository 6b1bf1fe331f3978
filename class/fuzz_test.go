package class_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/internal/corpusdir"
)

// FuzzParseClass: Parse never panics, fails only with a *LoadError, and a
// class it accepts can be hashed and queried.
func FuzzParseClass(f *testing.F) {
	f.Add([]byte(synthetic))
	f.Add([]byte(`{"prime": "` + starkPrime + `", "bytecode": [], "bytecode_segment_lengths": 0, "hints": [],
		"entry_points_by_type": {"EXTERNAL": [], "L1_HANDLER": [], "CONSTRUCTOR": []}}`))
	f.Add([]byte(`{"prime": "` + starkPrime + `", "bytecode": ["0x1"], "bytecode_segment_lengths": [[[1]]],
		"hints": [[0, ["AssertAllKeysUsed", {"DivMod": {"lhs": {"Immediate": "-0x1"}, "rhs": {"DoubleDeref": [{"register": "FP", "offset": -32768}, 32767]},
		"quotient": {"register": "AP", "offset": 0}, "remainder": {"register": "AP", "offset": 1}}}]]],
		"entry_points_by_type": {"EXTERNAL": [{"selector": "0x0", "offset": "0x0", "builtins": []}], "L1_HANDLER": [], "CONSTRUCTOR": []}}`))
	f.Add([]byte(`{"prime": "0x1"}`))
	f.Add([]byte(`[`))
	if dir, err := corpusdir.Dir(); err == nil {
		for _, name := range []string{"minimal_contract__minimal_contract.json", "seq__empty_contract.json"} {
			if b, err := os.ReadFile(filepath.Join(dir, "casm", name)); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := class.Parse(data)
		if err != nil {
			var le *class.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error %T %v is not a *LoadError", err, err)
			}
			_ = err.Error()
			return
		}
		_ = c.CompiledClassHash()
		for _, kind := range []class.EntryPointType{class.External, class.L1Handler, class.Constructor} {
			for _, ep := range c.EntryPoints(kind) {
				if ep.Offset < 0 || ep.Offset >= len(c.Bytecode) {
					t.Fatalf("entry point offset %d outside the bytecode", ep.Offset)
				}
				if _, ok := c.EntryPoint(kind, ep.Selector); !ok {
					t.Fatalf("entry point %s not found by selector", ep.Selector.Hex())
				}
			}
		}
		for pc, hs := range c.Hints {
			if pc < 0 || pc >= len(c.Bytecode) {
				t.Fatalf("hint at pc %d outside the bytecode", pc)
			}
			for _, h := range hs {
				if h == nil || h.Name() == "" {
					t.Fatalf("bad hint %#v", h)
				}
			}
		}
	})
}
