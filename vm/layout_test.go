package vm

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cairn-vm/cairn/internal/corpusdir"
)

// layoutSpec is cairo-lang's instances.py (v0.14.0.1), copied by hand as a
// specification: each layout's builtins in order with their ratios, and
// its scalar parameters.
var layoutSpec = []struct {
	name                         string
	builtins                     []string
	ratios                       []int // per builtin, output excluded
	rcUnits, pubMemFrac, nCols   int
	dilutedLog                   int // -99: no diluted pool
	memoryUnitsPerStep, cpuSteps int
}{
	{"plain", nil, nil, 16, 4, 8, -99, 8, 1},
	{"small", []string{"output", "pedersen", "range_check", "ecdsa"}, []int{8, 8, 512}, 16, 4, 25, -99, 8, 1},
	{"dex", []string{"output", "pedersen", "range_check", "ecdsa"}, []int{8, 8, 512}, 4, 4, 22, -99, 8, 1},
	{"recursive", []string{"output", "pedersen", "range_check", "bitwise"}, []int{128, 8, 8}, 4, 8, 10, 4, 8, 1},
	{"starknet", []string{"output", "pedersen", "range_check", "ecdsa", "bitwise", "ec_op", "poseidon"},
		[]int{32, 16, 2048, 64, 1024, 32}, 4, 4, 10, 1, 8, 1},
	{"starknet_with_keccak", []string{"output", "pedersen", "range_check", "ecdsa", "bitwise", "ec_op", "keccak", "poseidon"},
		[]int{32, 16, 2048, 64, 1024, 2048, 32}, 4, 4, 15, 4, 8, 1},
	{"recursive_large_output", []string{"output", "pedersen", "range_check", "bitwise", "poseidon"},
		[]int{128, 8, 8, 8}, 4, 8, 12, 4, 8, 1},
	{"recursive_with_poseidon", []string{"output", "pedersen", "range_check", "bitwise", "poseidon"},
		[]int{256, 16, 16, 64}, 4, 8, 8, 3, 8, 1},
	{"all_solidity", []string{"output", "pedersen", "range_check", "ecdsa", "bitwise", "ec_op"},
		[]int{8, 8, 512, 256, 256}, 8, 8, 27, 4, 8, 1},
	{"all_cairo", []string{"output", "pedersen", "range_check", "ecdsa", "bitwise", "ec_op", "keccak", "poseidon",
		"range_check96", "add_mod", "mul_mod"},
		[]int{256, 8, 2048, 16, 1024, 2048, 256, 8, 128, 256}, 8, 8, 12, 4, 8, 1},
}

func TestLayoutsMatchInstances(t *testing.T) {
	for _, spec := range layoutSpec {
		l, err := LayoutByName(spec.name)
		if err != nil {
			t.Fatalf("%s: %v", spec.name, err)
		}
		if l.Name != spec.name {
			t.Errorf("%s: Name = %q", spec.name, l.Name)
		}
		if got := l.BuiltinNames(); !slices.Equal(got, spec.builtins) && !(len(got) == 0 && len(spec.builtins) == 0) {
			t.Errorf("%s: builtins %v, instances.py has %v", spec.name, got, spec.builtins)
		}
		i := 0
		for _, b := range l.Builtins {
			if b.Name == BuiltinOutput {
				continue
			}
			if b.Ratio != spec.ratios[i] || b.RatioDen != 1 || b.DynamicRatio {
				t.Errorf("%s: %s ratio %d/%d, want %d/1", spec.name, b.Name, b.Ratio, b.RatioDen, spec.ratios[i])
			}
			i++
		}
		if l.RCUnits != spec.rcUnits || l.PublicMemoryFraction != spec.pubMemFrac || l.NTraceColumns != spec.nCols ||
			l.MemoryUnitsPerStep != spec.memoryUnitsPerStep || l.CPUComponentStep != spec.cpuSteps {
			t.Errorf("%s: rc_units %d, public_memory_fraction %d, n_trace_columns %d, memory_units_per_step %d, cpu_component_step %d",
				spec.name, l.RCUnits, l.PublicMemoryFraction, l.NTraceColumns, l.MemoryUnitsPerStep, l.CPUComponentStep)
		}
		switch {
		case spec.dilutedLog == -99 && l.Diluted != nil:
			t.Errorf("%s: has a diluted pool", spec.name)
		case spec.dilutedLog != -99 && (l.Diluted == nil || l.Diluted.LogUnitsPerStep != spec.dilutedLog ||
			l.Diluted.Spacing != 4 || l.Diluted.NBits != 16):
			t.Errorf("%s: diluted pool %+v, want log %d spacing 4 n_bits 16", spec.name, l.Diluted, spec.dilutedLog)
		}
	}
}

func TestLayoutBuiltinParams(t *testing.T) {
	l, _ := LayoutByName("small")
	if p := l.Builtin("pedersen"); p.Repetitions != 4 || p.ElementHeight != 256 || p.ElementBits != 252 || p.NInputs != 2 {
		t.Errorf("small pedersen %+v", p)
	}
	if r := l.Builtin("range_check"); r.NParts != 8 {
		t.Errorf("range_check n_parts %d", r.NParts)
	}
	l, _ = LayoutByName("all_cairo")
	if k := l.Builtin("keccak"); len(k.StateRep) != 8 || k.StateRep[0] != 200 || k.InstancesPerComponent != 16 {
		t.Errorf("keccak %+v", k)
	}
	if e := l.Builtin("ec_op"); e.ScalarHeight != 256 || e.ScalarBits != 252 {
		t.Errorf("ec_op %+v", e)
	}
	if b := l.Builtin("bitwise"); b.TotalNBits != 251 {
		t.Errorf("bitwise %+v", b)
	}
	if r := l.Builtin("range_check96"); r.NParts != 6 {
		t.Errorf("range_check96 %+v", r)
	}
	if m := l.Builtin("mul_mod"); m.WordBitLen != 96 || m.NWords != 4 || m.BatchSize != 1 {
		t.Errorf("mul_mod %+v", m)
	}
	// Diluted units: 4*16 + 4 for bitwise (251 bits, spacing 4, 16 bits);
	// 2^18/16 for keccak.
	if got := l.Builtin("bitwise").DilutedUnitsPerBuiltin(4, 16); got != 68 {
		t.Errorf("bitwise diluted units %d, want 68", got)
	}
	if got := l.Builtin("keccak").DilutedUnitsPerBuiltin(4, 16); got != 16384 {
		t.Errorf("keccak diluted units %d, want 16384", got)
	}
	if got := l.Builtin("mul_mod").RangeCheckUnitsPerBuiltin(); got != 66 {
		t.Errorf("mul_mod range check units %d, want 66", got)
	}
	if r, err := l.DilutedUnitsRowRatio(); err != nil || r != 1 {
		t.Errorf("all_cairo diluted_units_row_ratio %d %v, want 1", r, err)
	}
	l, _ = LayoutByName("starknet")
	if r, err := l.DilutedUnitsRowRatio(); err != nil || r != 8 {
		t.Errorf("starknet diluted_units_row_ratio %d %v, want 8", r, err)
	}
}

func TestLayoutUnknownAndCopies(t *testing.T) {
	_, err := LayoutByName("nope")
	if !errors.Is(err, ErrUnknownLayout) {
		t.Fatalf("err = %v", err)
	}
	for _, n := range []string{"plain", "small", "starknet_with_keccak", "dynamic"} {
		if !strings.Contains(err.Error(), n) {
			t.Errorf("error %q does not name %s", err, n)
		}
	}
	for _, n := range LayoutNames() {
		if _, err := LayoutByName(n); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	a, _ := LayoutByName("small")
	a.Builtins[1].Ratio = 1
	b, _ := LayoutByName("small")
	if b.Builtins[1].Ratio != 8 {
		t.Error("LayoutByName returned a shared layout")
	}
	c := b.Clone()
	c.Builtins[1].Ratio = 3
	if b.Builtins[1].Ratio != 8 {
		t.Error("Clone shares builtins")
	}
}

func TestDynamicLayoutWithoutParams(t *testing.T) {
	l, err := LayoutByName("dynamic")
	if err != nil {
		t.Fatal(err)
	}
	if !l.Unparameterized || !slices.Equal(l.BuiltinNames(), canonicalBuiltins) || l.PublicMemoryFraction != 8 {
		t.Fatalf("dynamic: %+v", l)
	}
	for _, b := range l.Builtins[1:] {
		if !b.DynamicRatio {
			t.Errorf("%s: not a dynamic ratio", b.Name)
		}
	}
}

// testDynamicParams is a CairoLayoutParams file (the values of all_cairo
// with cpu_component_step 8).
const testDynamicParams = `{
  "rc_units": 4, "log_diluted_units_per_step": 4, "cpu_component_step": 8, "memory_units_per_step": 8,
  "uses_pedersen_builtin": true, "pedersen_ratio": 256,
  "uses_range_check_builtin": true, "range_check_ratio": 8,
  "uses_ecdsa_builtin": 1, "ecdsa_ratio": 2048,
  "uses_bitwise_builtin": true, "bitwise_ratio": 16,
  "uses_ec_op_builtin": true, "ec_op_ratio": 1024,
  "uses_keccak_builtin": false, "keccak_ratio": 0,
  "uses_poseidon_builtin": true, "poseidon_ratio": 256,
  "uses_range_check96_builtin": true, "range_check96_ratio": 1, "range_check96_ratio_den": 2,
  "uses_add_mod_builtin": true, "add_mod_ratio": 128, "add_mod_ratio_den": 1,
  "uses_mul_mod_builtin": true, "mul_mod_ratio": 256, "mul_mod_ratio_den": 1
}`

func TestParseDynamicLayout(t *testing.T) {
	l, err := ParseDynamicLayout([]byte(testDynamicParams))
	if err != nil {
		t.Fatal(err)
	}
	if l.Name != "dynamic" || l.CPUComponentStep != 8 || l.RCUnits != 4 || l.MemoryUnitsPerStep != 8 ||
		l.PublicMemoryFraction != 8 || l.Diluted.LogUnitsPerStep != 4 || l.Unparameterized {
		t.Fatalf("layout %+v", l)
	}
	if !slices.Equal(l.BuiltinNames(), canonicalBuiltins) {
		t.Fatalf("builtins %v", l.BuiltinNames())
	}
	want := map[string][2]int{"pedersen": {256, 1}, "keccak": {0, 1}, "range_check96": {1, 2}, "mul_mod": {256, 1}}
	for n, r := range want {
		if d := l.Builtin(n); d.Ratio != r[0] || d.RatioDen != r[1] {
			t.Errorf("%s ratio %d/%d, want %d/%d", n, d.Ratio, d.RatioDen, r[0], r[1])
		}
	}
	if r, _ := l.DilutedUnitsRowRatio(); r != 8 {
		t.Errorf("diluted_units_row_ratio %d, want 8", r)
	}

	bad := []struct{ name, json string }{
		{"missing field", strings.Replace(testDynamicParams, `"rc_units": 4,`, "", 1)},
		{"unknown field", strings.Replace(testDynamicParams, `"rc_units": 4,`, `"rc_units": 4, "foo": 1,`, 1)},
		{"ratio without use", strings.Replace(testDynamicParams, `"keccak_ratio": 0`, `"keccak_ratio": 2048`, 1)},
		{"not a number", strings.Replace(testDynamicParams, `"rc_units": 4`, `"rc_units": "4"`, 1)},
		{"not json", "{"},
	}
	for _, c := range bad {
		if _, err := ParseDynamicLayout([]byte(c.json)); !errors.Is(err, ErrUnknownLayout) {
			t.Errorf("%s: err = %v", c.name, err)
		}
	}

	path := filepath.Join(t.TempDir(), "params.json")
	if err := os.WriteFile(path, []byte(testDynamicParams), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDynamicLayout(path); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDynamicLayout(path + ".missing"); !errors.Is(err, ErrUnknownLayout) {
		t.Errorf("missing file: %v", err)
	}
}

// builtinsCorpusDir returns the conformance corpus directory, or skips.
func builtinsCorpusDir(t *testing.T) string { return corpusdir.OrSkip(t) }

// TestCorpusDynamicLayoutSegmentSizes loads the corpus's dynamic layout
// parameters and checks the proof-mode segment sizes against the
// begin_addr gaps of the AIR public input cairo-lang wrote for a run of
// 32768 steps (add_mod test program).
func TestCorpusDynamicLayoutSegmentSizes(t *testing.T) {
	dir := builtinsCorpusDir(t)
	l, err := LoadDynamicLayout(filepath.Join(dir, "expected", "dynamic_layout_params.json"))
	if err != nil {
		t.Fatal(err)
	}
	// From expected/stwo__test_prove_verify_add_mod_builtin.air_public_input.json:
	// consecutive begin_addr differences (n_steps = 32768; none of these
	// builtins used more than its allocation).
	want := map[string]int{"pedersen": 384, "range_check": 4096, "ecdsa": 32, "bitwise": 10240, "ec_op": 224,
		"keccak": 256, "poseidon": 768, "range_check96": 4096, "add_mod": 1792}
	bs, err := NewBuiltins(l, []string{"output", "pedersen", "range_check", "ecdsa", "bitwise", "ec_op",
		"keccak", "poseidon", "range_check96", "add_mod", "mul_mod"}, true)
	if err != nil {
		t.Fatal(err)
	}
	m := NewMemory()
	for _, b := range bs {
		b.InitSegments(m)
	}
	for _, b := range bs {
		w, ok := want[b.Name()]
		if !ok {
			continue
		}
		got, err := b.AllocatedCells(m, 32768)
		if err != nil || got != w {
			t.Errorf("%s: allocated %d (%v), cairo-lang %d", b.Name(), got, err, w)
		}
	}
}
