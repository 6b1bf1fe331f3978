package vm

import (
	"encoding/json"
	"reflect"
	"testing"
)

// splitObject must agree with encoding/json on every object it accepts,
// and refuse what is not one well-formed object.
func TestSplitObject(t *testing.T) {
	good := []string{
		`{}`,
		` { "a" : 1 , "b":[1,2,{"c":"}"}], "d": {"e": "x\"]}"}, "f": null, "g": true, "h": -1.5e3 } `,
		`{"debug_info": {"instruction_locations": {"0": {"inst": {"start_line": 1}}}}, "data": ["0x1"]}`,
		"{\"s\":\"tab\\tand \\\\ slash\"}",
	}
	for _, in := range good {
		got, err := splitObject([]byte(in))
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		var want map[string]json.RawMessage
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatalf("test input %s is not JSON: %v", in, err)
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d members, encoding/json finds %d", in, len(got), len(want))
		}
		for k, w := range want {
			var a, b any
			if json.Unmarshal(got[k], &a) != nil || json.Unmarshal(w, &b) != nil || !reflect.DeepEqual(a, b) {
				t.Errorf("%s: member %q = %s, want %s", in, k, got[k], w)
			}
		}
	}
	bad := []string{``, `[]`, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":1} x`, `{"a":"x}`, `{"a":[1,2}`, `{"a":1 "b":2}`,
		`{"a":1,"a":2}`, `{"\u0061":1}`}
	for _, in := range bad {
		if _, err := splitObject([]byte(in)); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

// A program whose JSON is broken outside the members cairn decodes still
// fails to load, with encoding/json's position.
func TestParseProgramRejectsBrokenMembers(t *testing.T) {
	in := `{"prime": "0x800000000000011000000000000000000000000000000000000000000000001", "data": [], "other": [1, 2,]}`
	if _, err := ParseProgram([]byte(in)); err == nil {
		t.Fatal("broken member accepted")
	}
}
