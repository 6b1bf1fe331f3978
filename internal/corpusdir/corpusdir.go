// Package corpusdir finds the conformance corpus, which lives outside this
// repository: $CAIRN_CORPUS, else ../shared/corpus beside the repository root.
package corpusdir

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the corpus directory, or an error saying where it looked.
func Dir() (string, error) {
	if d := os.Getenv("CAIRN_CORPUS"); d != "" {
		return check(d)
	}
	wd, _ := os.Getwd()
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return check(filepath.Join(d, "..", "shared", "corpus"))
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s, and CAIRN_CORPUS is not set", wd)
		}
	}
}

// OrSkip returns the corpus directory, or skips the test with the reason.
func OrSkip(tb testing.TB) string {
	tb.Helper()
	d, err := Dir()
	if err != nil {
		tb.Skip(err)
	}
	return d
}

func check(d string) (string, error) {
	if _, err := os.Stat(filepath.Join(d, "expected.json")); err != nil {
		return "", fmt.Errorf("corpus not found at %s (set CAIRN_CORPUS)", d)
	}
	return d, nil
}
