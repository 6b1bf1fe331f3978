package conformance

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cairn-vm/cairn/internal/corpusdir"
)

// Manifest is the corpus's expected.json.
type Manifest struct {
	Programs []Entry      `json:"programs"`
	Errors   []ErrorEntry `json:"errors"`
}

// Entry is one program with what a correct VM produces for it.
type Entry struct {
	Name         string     `json:"name"`
	File         string     `json:"file"`
	Layout       string     `json:"layout"`
	LayoutParams string     `json:"layout_params"`
	Exec         *Expected  `json:"exec"`
	Proof        *Expected  `json:"proof"`
	Benchmark    *Benchmark `json:"benchmark"`
}

// Benchmark is cairo-vm-go's time for the program (whole process, no
// trace) on the corpus's reference machine.
type Benchmark struct {
	Seconds     float64 `json:"cairo_vm_go_seconds_no_trace"`
	StepsPerSec float64 `json:"cairo_vm_go_steps_per_s"`
}

// Expected is the reference result of one mode.
type Expected struct {
	Steps          int    `json:"steps"`
	TraceSHA256    string `json:"trace_sha256"`
	MemorySHA256   string `json:"memory_sha256"`
	Reference      string `json:"reference"`
	AIRPublicInput string `json:"air_public_input"`
}

// ErrorEntry is a program on which every reference VM stops with an error.
type ErrorEntry struct {
	Name           string `json:"name"`
	File           string `json:"file"`
	Layout         string `json:"layout"`
	ReferenceError string `json:"reference_error"`
}

// Dir returns the corpus directory: $CAIRN_CORPUS, else ../shared/corpus
// beside the repository root.
func Dir() (string, error) { return corpusdir.Dir() }

// LoadManifest reads expected.json from the corpus directory.
func LoadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("expected.json: %w", err)
	}
	return &m, nil
}

// LoadSkips reads the skip list: one "name<whitespace>reason" per line, '#'
// comments. A program may be skipped only for a hint that the hint library
// does not have yet, which the reason names.
func LoadSkips(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	skips := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, reason, _ := strings.Cut(line, " ")
		reason = strings.TrimSpace(reason)
		if reason == "" {
			return nil, fmt.Errorf("%s:%d: %s has no reason", path, n, name)
		}
		skips[name] = reason
	}
	return skips, sc.Err()
}
