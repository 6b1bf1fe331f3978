package vm

import (
	"os"
	"path/filepath"
	"testing"
)

func corpusDir(t testing.TB) string {
	dir := os.Getenv("CAIRN_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "corpus")
	}
	if _, err := os.Stat(filepath.Join(dir, "expected.json")); err != nil {
		t.Skipf("corpus not found at %s (set CAIRN_CORPUS): %v", dir, err)
	}
	return dir
}

func TestLoadCorpusPrograms(t *testing.T) {
	dir := corpusDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "cairo0", "*.json"))
	for _, f := range files {
		p, err := LoadProgramFile(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if len(p.Data) == 0 {
			t.Errorf("%s: no data", f)
		}
		for pc := range p.Hints {
			if pc >= len(p.Data) {
				t.Errorf("%s: hint pc %d beyond data", f, pc)
			}
		}
	}
}
