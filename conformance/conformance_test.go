package conformance

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/cairn-vm/cairn/runtime"
)

// memorySHA hashes a memory file the way the corpus does: its 40-byte
// records sorted as byte strings, concatenated.
func memorySHA(mem []byte) string {
	recs := make([]string, 0, len(mem)/40)
	for i := 0; i+40 <= len(mem); i += 40 {
		recs = append(recs, string(mem[i:i+40]))
	}
	sort.Strings(recs)
	h := sha256.New()
	for _, r := range recs {
		h.Write([]byte(r))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

type outcome struct {
	name, mode string
	err        string // empty when passed
	skipped    string
}

func runCase(dir string, e Entry, mode string, exp *Expected, engine string) outcome {
	o := outcome{name: e.Name, mode: mode}
	prog, err := runtime.Load(filepath.Join(dir, e.File))
	if err != nil {
		o.err = "load: " + err.Error()
		return o
	}
	opts := runtime.Options{Layout: e.Layout, Trace: true, ProofMode: mode == "proof", Engine: engine}
	if e.LayoutParams != "" {
		opts.LayoutParamsFile = filepath.Join(dir, e.LayoutParams)
	}
	res, err := prog.Run(opts)
	if err != nil {
		o.err = "run: " + err.Error()
		return o
	}
	// A long program's cells are hundreds of megabytes outside the Go
	// heap: give them back now rather than when a collection finds the
	// result unreachable, or the suite's peak memory is many programs'.
	defer res.Release()
	var why []string
	if res.Steps != exp.Steps {
		why = append(why, fmt.Sprintf("steps %d, want %d", res.Steps, exp.Steps))
	}
	var tr, mem bytes.Buffer
	if err := res.WriteTrace(&tr); err != nil {
		why = append(why, "trace: "+err.Error())
	} else if sha(tr.Bytes()) != exp.TraceSHA256 {
		why = append(why, "trace differs")
	}
	if err := res.WriteMemory(&mem); err != nil {
		why = append(why, "memory: "+err.Error())
	} else if memorySHA(mem.Bytes()) != exp.MemorySHA256 {
		why = append(why, "memory differs")
	}
	if mode == "proof" && exp.AIRPublicInput != "" {
		var got bytes.Buffer
		if err := res.WriteAIRPublicInput(&got); err != nil {
			why = append(why, "air_public_input: "+err.Error())
		} else if d := jsonDiff(got.Bytes(), filepath.Join(dir, exp.AIRPublicInput)); d != "" {
			why = append(why, "air_public_input differs: "+d)
		}
	}
	o.err = strings.Join(why, "; ")
	return o
}

func jsonDiff(got []byte, wantFile string) string {
	wb, err := os.ReadFile(wantFile)
	if err != nil {
		return err.Error()
	}
	var g, w map[string]any
	if err := json.Unmarshal(got, &g); err != nil {
		return "ours is not JSON: " + err.Error()
	}
	if err := json.Unmarshal(wb, &w); err != nil {
		return err.Error()
	}
	var keys []string
	for k := range w {
		if !reflect.DeepEqual(g[k], w[k]) {
			keys = append(keys, k)
		}
	}
	for k := range g {
		if _, ok := w[k]; !ok {
			keys = append(keys, k+" (extra)")
		}
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

// TestCorpus runs every program of the corpus manifest in every mode it
// lists and compares steps, trace, memory and AIR public input with the
// reference VMs' results; error entries must end in an error.
func TestCorpus(t *testing.T) {
	testCorpus(t, os.Getenv("CAIRN_ENGINE"))
}

func testCorpus(t *testing.T, engine string) {
	dir, err := Dir()
	if err != nil {
		t.Skip(err)
	}
	m, err := LoadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	skips, err := LoadSkips("skip.txt")
	if err != nil {
		t.Fatal(err)
	}
	type job struct {
		e    Entry
		mode string
		exp  *Expected
	}
	// CAIRN_CORPUS_RUN (a regular expression) limits the run to the
	// programs whose names match, skip list ignored: the way to try a
	// program while its hints are being written.
	var only *regexp.Regexp
	if pat := os.Getenv("CAIRN_CORPUS_RUN"); pat != "" {
		if only, err = regexp.Compile(pat); err != nil {
			t.Fatalf("CAIRN_CORPUS_RUN: %v", err)
		}
	}
	var jobs []job
	for _, e := range m.Programs {
		if only != nil {
			if !only.MatchString(e.Name) {
				continue
			}
			delete(skips, e.Name)
		}
		for _, mode := range []string{"exec", "proof"} {
			exp := e.Exec
			if mode == "proof" {
				exp = e.Proof
			}
			if exp == nil {
				continue
			}
			if testing.Short() && exp.Steps > 2_000_000 {
				continue
			}
			jobs = append(jobs, job{e, mode, exp})
		}
	}
	results := make([]outcome, len(jobs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, j := range jobs {
		if reason, ok := skips[j.e.Name]; ok {
			results[i] = outcome{name: j.e.Name, mode: j.mode, skipped: reason}
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = runCase(dir, j.e, j.mode, j.exp, engine)
		}()
	}
	wg.Wait()
	passed, failed, skipped := 0, 0, 0
	for _, o := range results {
		switch {
		case o.skipped != "":
			skipped++
		case o.err != "":
			failed++
			t.Errorf("%s %s: %s", o.name, o.mode, o.err)
		default:
			passed++
		}
	}
	for _, e := range m.Errors {
		prog, err := runtime.Load(filepath.Join(dir, e.File))
		if err == nil {
			_, err = prog.Run(runtime.Options{Layout: e.Layout, Engine: engine})
		}
		if err == nil {
			failed++
			t.Errorf("%s: ran without error; the reference fails with %q", e.Name, e.ReferenceError)
			continue
		}
		passed++
		t.Logf("%s: error as expected: %v", e.Name, err)
	}
	summary := fmt.Sprintf("corpus (engine %s): %d passed, %d failed, %d skipped (missing hints)",
		orDefault(engine), passed, failed, skipped)
	t.Log(summary)
	fmt.Println(summary)
}

func orDefault(s string) string {
	if s == "" {
		return "interp"
	}
	return s
}
