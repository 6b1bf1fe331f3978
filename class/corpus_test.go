package class_test

import (
	"bytes"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/internal/corpusdir"
)

func corpusClasses(t *testing.T) (dir string, files []string) {
	t.Helper()
	dir = corpusdir.OrSkip(t)
	files, err := filepath.Glob(filepath.Join(dir, "casm", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no classes in %s/casm (%v)", dir, err)
	}
	return dir, files
}

func loadCorpusClass(t *testing.T, dir, name string) *class.Class {
	t.Helper()
	c, err := class.Load(filepath.Join(dir, "casm", name))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustFelt(t *testing.T, s string) asm.Felt {
	t.Helper()
	f, err := asm.FeltFromString(s)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// rawClass is the corpus JSON read independently of the loader.
type rawClass struct {
	Bytecode          []string                   `json:"bytecode"`
	Hints             [][2]json.RawMessage       `json:"hints"`
	EntryPointsByType map[string][]rawEntryPoint `json:"entry_points_by_type"`
}

type rawEntryPoint struct {
	Selector string   `json:"selector"`
	Offset   int      `json:"offset"`
	Builtins []string `json:"builtins"`
}

// encodeHint writes a parsed hint back in cairo-lang-casm's JSON form: the
// bare name for a hint without fields, else {name: fields}.
func encodeHint(t *testing.T, h class.Hint) any {
	t.Helper()
	if reflect.TypeOf(h).Elem().NumField() == 0 {
		return h.Name()
	}
	b, err := json.Marshal(map[string]any{h.Name(): h})
	if err != nil {
		t.Fatal(err)
	}
	return decodeAny(t, b)
}

func decodeAny(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestLoadCorpus loads every corpus class and checks the result against the
// JSON read independently: the bytecode words, the entry points, and every
// hint, which must encode back to exactly the JSON it was parsed from.
func TestLoadCorpus(t *testing.T) {
	_, files := corpusClasses(t)
	kinds := map[string]int{}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			c, err := class.Load(f)
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var raw rawClass
			if err := json.Unmarshal(b, &raw); err != nil {
				t.Fatal(err)
			}

			if len(c.Bytecode) != len(raw.Bytecode) {
				t.Fatalf("bytecode: %d words, want %d", len(c.Bytecode), len(raw.Bytecode))
			}
			for i, w := range raw.Bytecode {
				want, ok := new(big.Int).SetString(strings.TrimPrefix(w, "0x"), 16)
				if !ok || c.Bytecode[i].BigInt().Cmp(want) != 0 {
					t.Fatalf("bytecode[%d] = %s, want %s", i, c.Bytecode[i].Hex(), w)
				}
			}

			for name, eps := range raw.EntryPointsByType {
				kind, ok := class.ParseEntryPointType(name)
				if !ok {
					t.Fatalf("entry point type %q", name)
				}
				got := c.EntryPoints(kind)
				if len(got) != len(eps) {
					t.Fatalf("%s: %d entry points, want %d", name, len(got), len(eps))
				}
				for i, ep := range eps {
					sel := mustFelt(t, ep.Selector)
					if got[i].Selector != sel || got[i].Offset != ep.Offset || !reflect.DeepEqual(got[i].Builtins, ep.Builtins) {
						t.Errorf("%s[%d] = %+v, want %+v", name, i, got[i], ep)
					}
					found, ok := c.EntryPoint(kind, sel)
					if !ok || found.Offset != ep.Offset {
						t.Errorf("EntryPoint(%s, %s) = %+v, %v", name, ep.Selector, found, ok)
					}
				}
			}

			n := 0
			for _, entry := range raw.Hints {
				var pc int
				var hs []json.RawMessage
				if err := json.Unmarshal(entry[0], &pc); err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(entry[1], &hs); err != nil {
					t.Fatal(err)
				}
				got := c.Hints[pc]
				if len(got) != len(hs) {
					t.Fatalf("pc %d: %d hints, want %d", pc, len(got), len(hs))
				}
				for i, h := range hs {
					want := decodeAny(t, h)
					if enc := encodeHint(t, got[i]); !reflect.DeepEqual(enc, want) {
						t.Errorf("pc %d hint %d: parsed as %#v, encodes as\n%v\nwant\n%v", pc, i, got[i], enc, want)
					}
					kinds[got[i].Name()]++
					n++
				}
			}
			total := 0
			for _, hs := range c.Hints {
				total += len(hs)
			}
			if total != n {
				t.Errorf("%d hints loaded, the JSON has %d", total, n)
			}
		})
	}
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	t.Logf("%d hint kinds in the corpus: %s", len(names), strings.Join(names, " "))
}

// TestCompiledClassHashDeployments checks the compiled class hash of every
// class deployed in the call scenarios against the hash StarkWare's executor
// (cairo-lang v0.14.0.1) reported for it.
func TestCompiledClassHashDeployments(t *testing.T) {
	dir := corpusdir.OrSkip(t)
	results, err := filepath.Glob(filepath.Join(dir, "calls", "results", "*.json"))
	if err != nil || len(results) == 0 {
		t.Skipf("no call results in %s", dir)
	}
	checked := map[string]bool{}
	for _, r := range results {
		var res struct {
			Deployments map[string]struct {
				Class             string `json:"class"`
				ClassHash         string `json:"class_hash"`
				CompiledClassHash string `json:"compiled_class_hash"`
			} `json:"deployments"`
		}
		b, err := os.ReadFile(r)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &res); err != nil {
			t.Fatal(err)
		}
		for alias, d := range res.Deployments {
			want := d.CompiledClassHash
			if want == "" {
				want = d.ClassHash
			}
			c := loadCorpusClass(t, dir, d.Class)
			got := c.CompiledClassHash()
			if got != mustFelt(t, want) {
				t.Errorf("%s: %s (%s): compiled class hash %s, want %s", filepath.Base(r), alias, d.Class, got.Hex(), want)
			}
			checked[d.Class] = true
		}
	}
	if len(checked) == 0 {
		t.Fatal("no deployments found")
	}
	t.Logf("matched %d classes: %v", len(checked), checked)
}

// sequencerHashes are the Poseidon (v1) compiled class hashes that the
// Starknet sequencer's test utilities pin for its feature contracts
// (starkware-libs/sequencer crates/blockifier_test_utils/src/contracts.rs,
// the *_COMPILED_CLASS_HASH_V1 constants at commit eb81d093, and at
// 0b626c5a for the fuzz_revert contracts), the commits the corpus copies of
// these classes come from.
var sequencerHashes = map[string]string{
	"seq__account_with_long_validate.json":      "0x3b95a890b6ec1c7360dae74c79bd3c6c8702b615c0959857263f1012ee8fd95",
	"seq__account_with_dummy_validate.json":     "0x4709fae1451c5a159b880f568d01ca623ce96e8943c7df91cf696940692b58",
	"seq__empty_account.json":                   "0x580eedf2308fdcd855257c118ad55a115ba2c13a04deefa9a5b39290a88f65b",
	"seq__block_info_test_contract.json":        "0x5a89da92ac02d9c20b36b04230733af6f433d5951643287192b8e50fbbcd085",
	"seq__erc20_cairo1.json":                    "0x266f53b3f6cc2367c334b75ea86aff748ca27aa321019778af81be69d549159",
	"seq__empty_contract.json":                  "0x317d3ac2cf840e487b6d0014a75f0cf507dff0bc143c710388e323487089bfa",
	"seq__experimental_contract.json":           "0x3e72aadba820fb1ec7cf27240d4b4279a9e7e947d6f387d44b5688599bd6988",
	"seq__account_faulty.json":                  "0x66128249de909088d8a1826f9f8a250843b7ac5f76ed14b179255cf0385bc36",
	"seq__legacy_test_contract.json":            "0x487f75f1dffb55763c65598e8634a2ee7390e8620f9d65a25ed1c9653c3c6a7",
	"seq__test_contract_execution_info_v1.json": "0x4d9b6a21d9261ca5f4002ba074925ace389746af0dddc39c91514cced81a5e7",
	"seq__fuzz_revert.json":                     "0x402bb379923bafcf02a7cf080b1853928bebb44fa5b9293b089d59fb2a00d79",
	"seq__fuzz_revert_2.json":                   "0x2e041699d01078b7260a894d7d035c0320ef918e952889bff10a7a4f2a152ec",
	"seq__fuzz_revert_orchestrator.json":        "0x3488a0e58b766d90112ae53d5c99b3b1706bbf38d6f8365cb2e59fefdce4c00",
}

// TestCompiledClassHashSequencer covers the three shapes of bytecode
// segmentation: a list of segments (most), none at all (the 2.1.0 legacy
// contract: one leaf) and the bare integer 0 (the empty contract).
func TestCompiledClassHashSequencer(t *testing.T) {
	dir := corpusdir.OrSkip(t)
	for file, want := range sequencerHashes {
		if _, err := os.Stat(filepath.Join(dir, "casm", file)); err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		c := loadCorpusClass(t, dir, file)
		if got := c.CompiledClassHash(); got != mustFelt(t, want) {
			t.Errorf("%s: compiled class hash %s, want %s", file, got.Hex(), want)
		}
		// Cached: the same value again.
		if got := c.CompiledClassHash(); got != mustFelt(t, want) {
			t.Errorf("%s: second call gave %s", file, got.Hex())
		}
	}
}

// TestSelectorsFromCalls checks Selector against the (name, selector) pairs
// StarkWare's executor recorded for every scenario call, and that the called
// class has (or, for the calls that failed with ENTRY_POINT_NOT_FOUND, does
// not have) an entry point with that selector.
func TestSelectorsFromCalls(t *testing.T) {
	dir := corpusdir.OrSkip(t)
	results, err := filepath.Glob(filepath.Join(dir, "calls", "results", "*.json"))
	if err != nil || len(results) == 0 {
		t.Skipf("no call results in %s", dir)
	}
	n := 0
	for _, r := range results {
		var res struct {
			Deployments map[string]struct {
				Class string `json:"class"`
			} `json:"deployments"`
			Results []struct {
				Contract       string `json:"contract"`
				EntryPoint     string `json:"entry_point"`
				Selector       string `json:"selector"`
				EntryPointType string `json:"entry_point_type"`
				Result         struct {
					Error *struct {
						Code string `json:"code"`
					} `json:"error"`
				} `json:"result"`
			} `json:"results"`
		}
		b, err := os.ReadFile(r)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &res); err != nil {
			t.Fatal(err)
		}
		for _, call := range res.Results {
			if call.EntryPoint == "" || call.Selector == "" {
				continue
			}
			want := mustFelt(t, call.Selector)
			if got := class.Selector(call.EntryPoint); got != want {
				t.Errorf("Selector(%q) = %s, want %s", call.EntryPoint, got.Hex(), call.Selector)
			}
			d, ok := res.Deployments[call.Contract]
			if !ok {
				continue
			}
			kind, ok := class.ParseEntryPointType(call.EntryPointType)
			if !ok {
				t.Fatalf("entry point type %q", call.EntryPointType)
			}
			c := loadCorpusClass(t, dir, d.Class)
			_, found := c.EntryPoint(kind, want)
			notFound := call.Result.Error != nil && strings.Contains(call.Result.Error.Code, "ENTRY_POINT_NOT_FOUND")
			if found == notFound {
				t.Errorf("%s: %s.%s: entry point found = %v, but the executor's result says not found = %v", filepath.Base(r), call.Contract, call.EntryPoint, found, notFound)
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no calls checked")
	}
}

// TestSelectorsOfAccount checks the account class's entry points against
// the selectors cairo-lang's Starknet OS hard-codes (constants.cairo).
func TestSelectorsOfAccount(t *testing.T) {
	dir := corpusdir.OrSkip(t)
	c := loadCorpusClass(t, dir, "account__account.json")
	for _, tc := range []struct {
		kind class.EntryPointType
		name string
		sel  string
	}{
		{class.Constructor, "constructor", "0x28ffe4ff0f226a9107253e17a904099aa4f63a02a5621de0576e5aa71bc5194"},
		{class.External, "__execute__", "0x15d40a3d6ca2ac30f4031e42be28da9b056fef9bb7357ac5e85627ee876e5ad"},
		{class.External, "__validate__", "0x162da33a4585851fe8d3af3c2a9c60b557814e221e0d4f30ff0b2189d9c7775"},
		{class.External, "__validate_declare__", "0x289da278a8dc833409cabfdad1581e8e7d40e42dcaed693fa4008dcdb4963b3"},
		{class.External, "__validate_deploy__", "0x36fcbf06cd96843058359e1a75928beacfac10727dab22a3972f0af8aa92895"},
	} {
		if _, ok := c.EntryPoint(tc.kind, mustFelt(t, tc.sel)); !ok {
			t.Errorf("account has no %s entry point %s (%s)", tc.kind, tc.sel, tc.name)
		}
		if _, ok := c.EntryPoint(tc.kind, class.Selector(tc.name)); !ok {
			t.Errorf("account has no %s entry point Selector(%q)", tc.kind, tc.name)
		}
	}
	// The constructor is not an external entry point.
	if _, ok := c.EntryPoint(class.External, class.Selector("constructor")); ok {
		t.Error("constructor found among the external entry points")
	}
}

// BenchmarkParse parses the corpus's largest class (30,801 words, 992
// hints).
func BenchmarkParse(b *testing.B) {
	dir := corpusdir.OrSkip(b)
	data, err := os.ReadFile(filepath.Join(dir, "casm", "seq__test_contract.json"))
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := class.Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompiledClassHash hashes the same class from scratch each time.
func BenchmarkCompiledClassHash(b *testing.B) {
	dir := corpusdir.OrSkip(b)
	data, err := os.ReadFile(filepath.Join(dir, "casm", "seq__test_contract.json"))
	if err != nil {
		b.Skip(err)
	}
	for b.Loop() {
		b.StopTimer()
		c, err := class.Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		_ = c.CompiledClassHash()
	}
}
