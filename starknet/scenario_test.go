package starknet_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cairn-vm/cairn/internal/corpusdir"
	"github.com/cairn-vm/cairn/jit"
	"github.com/cairn-vm/cairn/starknet"
)

// callFields are the fields of a call result compared with the reference,
// as the judge's calls_check.py compares them.
var callFields = []string{"failure_flag", "retdata", "gas_consumed", "n_steps", "n_memory_holes",
	"builtin_instance_counter", "events", "l2_to_l1_messages", "storage_read_values", "accessed_storage_keys",
	"syscall_counter", "error"}

// TestScenarios replays every scenario of the corpus's calls/ folder with
// both builtin-cost tables and compares each call, inner calls included,
// and each deployment with the reference results field by field.
// Under the JIT too: the same results, with compiled code running.
func TestScenarios(t *testing.T) {
	var stats jit.Stats
	for _, engine := range []string{"interp", "jit"} {
		t.Run(engine, func(t *testing.T) { testScenarios(t, engine, &stats) })
	}
	if jit.Available() && stats.Entries == 0 {
		t.Error("no call entered compiled code")
	}
	t.Logf("jit: %+v", stats)
}

func testScenarios(t *testing.T, engine string, stats *jit.Stats) {
	dir := filepath.Join(corpusdir.OrSkip(t), "calls")
	files, err := filepath.Glob(filepath.Join(dir, "scenarios", "*.json"))
	if err != nil || len(files) == 0 {
		t.Skipf("no scenarios in %s", dir)
	}
	for _, table := range []string{"zero", "starknet"} {
		resDir := "results"
		if table == "starknet" {
			resDir = "results_builtin_costs"
		}
		costs, err := starknet.BuiltinCosts(table)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".json")
			t.Run(table+"/"+name, func(t *testing.T) {
				exp := readJSON(t, filepath.Join(dir, resDir, filepath.Base(f)))
				sc, err := starknet.LoadScenario(f)
				if err != nil {
					t.Fatal(err)
				}
				sc.Engine = engine
				res, err := sc.Run(costs)
				stats.Add(sc.JIT)
				if err != nil {
					t.Fatal(err)
				}
				b, err := json.Marshal(res)
				if err != nil {
					t.Fatal(err)
				}
				got := decode(t, b)
				compareScenario(t, exp, got)
			})
		}
	}
}

func compareScenario(t *testing.T, exp, got map[string]any) {
	t.Helper()
	gotDeps, _ := got["deployments"].(map[string]any)
	expDeps, _ := exp["deployments"].(map[string]any)
	for name, d := range expDeps {
		ed, _ := d.(map[string]any)
		gd, _ := gotDeps[name].(map[string]any)
		for _, k := range []string{"class_hash", "address"} {
			if !reflect.DeepEqual(norm(ed[k]), norm(gd[k])) {
				t.Errorf("deployment %s.%s: expected %v, got %v", name, k, ed[k], gd[k])
			}
		}
	}
	expRes, _ := exp["results"].([]any)
	gotRes, _ := got["results"].([]any)
	if len(gotRes) != len(expRes) {
		t.Fatalf("%d results, expected %d", len(gotRes), len(expRes))
	}
	for i := range expRes {
		e, _ := expRes[i].(map[string]any)
		g, _ := gotRes[i].(map[string]any)
		er, _ := e["result"].(map[string]any)
		gr, _ := g["result"].(map[string]any)
		var problems []string
		diffCall(er, gr, fmt.Sprintf("[%d] %v", i, e["entry_point"]), &problems)
		for _, p := range problems {
			t.Error(p)
		}
	}
}

func diffCall(exp, got map[string]any, path string, out *[]string) {
	for _, f := range callFields {
		_, inE := exp[f]
		_, inG := got[f]
		if !inE && !inG {
			continue
		}
		if e, g := norm(exp[f]), norm(got[f]); !reflect.DeepEqual(e, g) {
			*out = append(*out, fmt.Sprintf("%s.%s: expected %v, got %v", path, f, exp[f], got[f]))
		}
	}
	ei, _ := exp["internal_calls"].([]any)
	gi, _ := got["internal_calls"].([]any)
	if len(ei) != len(gi) {
		*out = append(*out, fmt.Sprintf("%s.internal_calls: %d calls, expected %d", path, len(gi), len(ei)))
	}
	for i := range min(len(ei), len(gi)) {
		e, _ := ei[i].(map[string]any)
		g, _ := gi[i].(map[string]any)
		diffCall(e, g, fmt.Sprintf("%s.internal[%d]", path, i), out)
	}
}

// norm is calls_check.py's normalisation: numeric strings become hex,
// and object members that are zero, null, false or empty are dropped
// (failure_flag excepted).
func norm(v any) any {
	switch x := v.(type) {
	case string:
		if n, ok := pyInt(x); ok {
			return "0x" + n.Text(16)
		}
		return x
	case json.Number:
		return x.String()
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = norm(x[i])
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, m := range x {
			if k != "failure_flag" && isEmpty(m) {
				continue
			}
			out[k] = norm(m)
		}
		return out
	}
	return v
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case json.Number:
		f, err := x.Float64()
		return err == nil && f == 0
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// pyInt parses a string as Python's int(s, 0) does for the spellings the
// results use: 0x-hex or decimal without leading zeros.
func pyInt(s string) (*big.Int, bool) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		return new(big.Int).SetString(s[2:], 16)
	}
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return nil, false
	}
	return new(big.Int).SetString(s, 10)
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, b)
}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v map[string]any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
