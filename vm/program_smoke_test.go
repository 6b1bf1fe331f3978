package vm

import (
	"path/filepath"
	"testing"

	"github.com/cairn-vm/cairn/internal/corpusdir"
)

func corpusDir(t testing.TB) string { return corpusdir.OrSkip(t) }

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
