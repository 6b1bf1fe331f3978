package vm

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cairn-vm/cairn/internal/corpusdir"
)

func FuzzParseProgram(f *testing.F) {
	f.Add([]byte(`{"prime":"0x800000000000011000000000000000000000000000000000000000000000001","data":["0x208b7fff7fff7ffe"],"builtins":[],"hints":{},"identifiers":{"__main__.main":{"type":"function","pc":0}},"reference_manager":{"references":[]},"main_scope":"__main__"}`))
	f.Add([]byte(`{"prime":"0x11","data":[]}`))
	f.Add([]byte(`{"data":["0xzz"]}`))
	if dir, err := corpusdir.Dir(); err == nil {
		files, _ := filepath.Glob(filepath.Join(dir, "cairo0", "*fib*.json"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseProgram(b)
		if err == nil && p == nil {
			t.Fatal("nil program without error")
		}
	})
}

func TestParseProgramErrors(t *testing.T) {
	cases := map[string]string{
		"truncated":   `{"prime": "0x8000`,
		"wrong prime": `{"prime":"0x11","data":[]}`,
		"no prime":    `{"data":[]}`,
		"bad word":    `{"prime":"0x800000000000011000000000000000000000000000000000000000000000001","data":["0xzz"]}`,
		"word >= P":   `{"prime":"0x800000000000011000000000000000000000000000000000000000000000001","data":["0x800000000000011000000000000000000000000000000000000000000000001"]}`,
		"hint pc":     `{"prime":"0x800000000000011000000000000000000000000000000000000000000000001","data":["0x1"],"hints":{"5":[{"code":"x"}]}}`,
	}
	for name, src := range cases {
		if _, err := ParseProgram([]byte(src)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
