package hints

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/cairn-vm/cairn/vm"
)

func TestNormalizeCode(t *testing.T) {
	want := "n -= 1\nids.continue_copying = 1 if n > 0 else 0"
	for _, in := range []string{
		want,
		"\n\n" + want + "\n\n",
		"n -= 1   \nids.continue_copying = 1 if n > 0 else 0\t",
		"n -= 1\r\nids.continue_copying = 1 if n > 0 else 0\r\n",
		"\n        n -= 1\n        ids.continue_copying = 1 if n > 0 else 0\n    ",
	} {
		if got := NormalizeCode(in); got != want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", in, got, want)
		}
	}
	// Relative indentation and inner blank lines are kept.
	in := "    if x:\n        y = 1\n\n    z = 2\n"
	if got, w := NormalizeCode(in), "if x:\n    y = 1\n\nz = 2"; got != w {
		t.Errorf("NormalizeCode(%q) = %q, want %q", in, got, w)
	}
	// Different code stays different.
	if NormalizeCode("a = 1") == NormalizeCode("a  = 1") {
		t.Error("inner whitespace must matter")
	}
}

func TestRegistry(t *testing.T) {
	r := NewRegistry()
	if r.Known(codeAlloc) {
		t.Fatal("empty registry knows alloc")
	}
	r.Register("\n    "+codeAlloc+"\n", hintAlloc)
	if !r.Known(codeAlloc) || r.Len() != 1 {
		t.Fatal("registered code not found")
	}
	if _, ok := r.Lookup("memory[ap] = segments.add( )"); ok {
		t.Fatal("lookup matched different code")
	}
	d := Default()
	for _, bh := range Builtins() {
		if !d.Known(bh.Code) {
			t.Errorf("Default lacks %s", bh.Name)
		}
		if NormalizeCode(bh.Code) != bh.Code {
			t.Errorf("%s: code is not in normal form", bh.Name)
		}
	}
	if d.Len() != len(Builtins()) {
		t.Errorf("Default has %d codes, Builtins lists %d (duplicate code?)", d.Len(), len(Builtins()))
	}
	// Default returns independent registries.
	d.Register("custom()", hintAlloc)
	if Default().Known("custom()") {
		t.Error("Default registries share state")
	}
}

func TestUnknownHint(t *testing.T) {
	p := &vm.Program{Hints: map[int][]vm.HintSpec{12: {{Code: "import os\nos.exit()"}}}}
	p.SetLocations(map[int]*vm.InstructionLocation{
		12: {Loc: vm.Location{File: "file.cairo", StartLine: 3, StartCol: 5}},
	})
	hs, err := Default().Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	err = hs[12][0].Execute(&vm.State{})
	var u *UnknownHintError
	if !errors.As(err, &u) {
		t.Fatalf("error %T, want *UnknownHintError", err)
	}
	if want := "unknown hint at pc 0:12 (file.cairo:3:5): import os"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if u.PC != 12 || u.Code != "import os\nos.exit()" || u.Location != "file.cairo:3:5" {
		t.Errorf("fields %+v", u)
	}
	if _, err := Default().Compile(nil); err == nil {
		t.Error("Compile(nil) succeeded")
	}
}

// TestBuiltinCodesAttested checks that every built-in hint's code is, byte
// for byte, a code that cairo-compile wrote into a corpus program or that a
// cairo-lang whitelist lists.
func TestBuiltinCodesAttested(t *testing.T) {
	dir := corpusDir(t)
	codes := map[string]bool{}
	for _, p := range corpusPrograms(t, dir) {
		for _, hs := range p.Hints {
			for _, h := range hs {
				codes[h.Code] = true
			}
		}
	}
	wls, _ := filepath.Glob(filepath.Join(dir, "whitelists", "*.json"))
	for _, f := range wls {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var wl struct {
			Allowed []struct {
				Lines []string `json:"hint_lines"`
			} `json:"allowed_reference_expressions_for_hint"`
		}
		if err := json.Unmarshal(b, &wl); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, a := range wl.Allowed {
			codes[strings.Join(a.Lines, "\n")] = true
		}
	}
	// Codes taken from cairo-lang's sources that no corpus file holds.
	fromSource := map[string]bool{"search_sorted_optimistic": true, "blake2s_encode_felt252_to_u32s": true,
		"blake2s_encode_is_small": true, "sha256_finalize_batch": true}
	for _, bh := range Builtins() {
		if !codes[bh.Code] && !fromSource[bh.Name] {
			t.Errorf("%s: code not found in the corpus programs or whitelists", bh.Name)
		}
	}
}

type corpusProgram struct {
	name string
	*vm.Program
}

var corpusCache struct {
	sync.Mutex
	dir   string
	progs []corpusProgram
}

// corpusPrograms loads the corpus's Cairo 0 programs once per test binary.
func corpusPrograms(t testing.TB, dir string) []corpusProgram {
	corpusCache.Lock()
	defer corpusCache.Unlock()
	if corpusCache.dir == dir && corpusCache.progs != nil {
		return corpusCache.progs
	}
	files, _ := filepath.Glob(filepath.Join(dir, "cairo0", "*.json"))
	if len(files) == 0 {
		t.Skipf("no Cairo 0 programs in %s", dir)
	}
	var out []corpusProgram
	for _, f := range files {
		p, err := vm.LoadProgramFile(f)
		if err != nil {
			t.Logf("skipping %s: %v", filepath.Base(f), err)
			continue
		}
		out = append(out, corpusProgram{filepath.Base(f), p})
	}
	corpusCache.dir, corpusCache.progs = dir, out
	return out
}

// TestCompileCorpus compiles every corpus program: Compile must succeed,
// every hint gets a vm.Hint, and every ids name a hint's flow tracking
// holds binds to a reference that parsed. It reports coverage.
func TestCompileCorpus(t *testing.T) {
	dir := corpusDir(t)
	reg := Default()
	total, known := 0, 0
	missing := map[string]int{}
	for _, p := range corpusPrograms(t, dir) {
		hs, err := reg.Compile(p.Program)
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		for pc, specs := range p.Hints {
			if len(hs[pc]) != len(specs) {
				t.Fatalf("%s: pc %d has %d compiled hints for %d specs", p.name, pc, len(hs[pc]), len(specs))
			}
			for i, spec := range specs {
				total++
				ch, ok := hs[pc][i].(*compiledHint)
				if !ok {
					first := strings.SplitN(spec.Code, "\n", 2)[0]
					missing[first]++
					continue
				}
				known++
				for name, b := range ch.roots {
					var rev *RevokedError
					if b.err != nil && !errors.As(b.err, &rev) {
						t.Errorf("%s pc %d: ids.%s: %v", p.name, pc, name, b.err)
					}
				}
			}
		}
	}
	t.Logf("hints in corpus programs: %d, implemented: %d", total, known)
	type kv struct {
		k string
		n int
	}
	var list []kv
	for k, n := range missing {
		list = append(list, kv{k, n})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].n > list[j].n || list[i].n == list[j].n && list[i].k < list[j].k })
	for i, e := range list {
		if i == 10 {
			break
		}
		t.Logf("not implemented (%d): %s", e.n, e.k)
	}
}

// TestWhitelistsCovered: every hint of cairo-lang's Starknet whitelists has
// an implementation (what `cairn hints WHITELISTS` reports).
func TestWhitelistsCovered(t *testing.T) {
	dir := corpusDir(t)
	wls, _ := filepath.Glob(filepath.Join(dir, "whitelists", "*.json"))
	if len(wls) == 0 {
		t.Skip("no whitelists in the corpus")
	}
	reg := Default()
	for _, f := range wls {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var wl struct {
			Allowed []struct {
				Lines []string `json:"hint_lines"`
			} `json:"allowed_reference_expressions_for_hint"`
		}
		if err := json.Unmarshal(b, &wl); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, a := range wl.Allowed {
			if code := strings.Join(a.Lines, "\n"); !reg.Known(code) {
				t.Errorf("%s: no implementation of %q", filepath.Base(f), a.Lines[0])
			}
		}
	}
}
