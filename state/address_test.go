package state

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/internal/corpusdir"
)

func felt(t testing.TB, s string) asm.Felt {
	t.Helper()
	f, err := asm.FeltFromString(s)
	if err != nil {
		t.Fatalf("felt %q: %v", s, err)
	}
	return f
}

// TestContractAddressCorpus checks ContractAddress against the addresses
// cairo-lang's executor gave the deployments of the corpus's call scenarios.
func TestContractAddressCorpus(t *testing.T) {
	dir := filepath.Join(corpusdir.OrSkip(t), "calls")
	scenarios, err := filepath.Glob(filepath.Join(dir, "scenarios", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(scenarios) == 0 {
		t.Skipf("no scenarios under %s", dir)
	}
	type contract struct {
		Class               string   `json:"class"`
		Salt                string   `json:"salt"`
		Deployer            string   `json:"deployer"`
		ConstructorCalldata []string `json:"constructor_calldata"`
	}
	type deployment struct {
		ClassHash           string   `json:"class_hash"`
		Address             string   `json:"address"`
		ConstructorCalldata []string `json:"constructor_calldata"`
	}
	n := 0
	for _, sp := range scenarios {
		var sc struct {
			Contracts map[string]contract `json:"contracts"`
		}
		var res struct {
			Deployments map[string]deployment `json:"deployments"`
		}
		readJSON(t, sp, &sc)
		readJSON(t, filepath.Join(dir, "results", filepath.Base(sp)), &res)
		for alias, c := range sc.Contracts {
			d, ok := res.Deployments[alias]
			if !ok {
				t.Errorf("%s: %s has no deployment in the results", filepath.Base(sp), alias)
				continue
			}
			salt, deployer := asm.Felt{}, asm.Felt{}
			if c.Salt != "" {
				salt = felt(t, c.Salt)
			}
			if c.Deployer != "" {
				deployer = felt(t, c.Deployer)
			}
			var calldata []asm.Felt
			for _, s := range c.ConstructorCalldata {
				calldata = append(calldata, felt(t, s))
			}
			// The results echo the calldata they used, in hex.
			if len(d.ConstructorCalldata) != len(calldata) {
				t.Fatalf("%s/%s: calldata %v in the scenario, %v in the results", filepath.Base(sp), alias, c.ConstructorCalldata, d.ConstructorCalldata)
			}
			for i := range calldata {
				if f := felt(t, d.ConstructorCalldata[i]); !f.Equal(&calldata[i]) {
					t.Fatalf("%s/%s: calldata[%d] %s vs %s", filepath.Base(sp), alias, i, c.ConstructorCalldata[i], d.ConstructorCalldata[i])
				}
			}
			got := ContractAddress(salt, felt(t, d.ClassHash), calldata, deployer)
			want := felt(t, d.Address)
			if !got.Equal(&want) {
				t.Errorf("%s/%s: address %s, want %s", filepath.Base(sp), alias, got.Hex(), want.Hex())
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no deployments checked")
	}
	t.Logf("%d deployments checked", n)
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestContractAddressPublished uses the vectors of starknet-jvm's
// ContractAddressCalculatorTest (generated there with starknet.js).
func TestContractAddressPublished(t *testing.T) {
	classHash := felt(t, "951442054899045155353616354734460058868858519055082696003992725251069061570")
	calldata := []asm.Felt{asm.FeltFromUint64(21), asm.FeltFromUint64(37)}
	salt := asm.FeltFromUint64(1111)
	for _, tc := range []struct {
		deployer uint64
		want     string
	}{
		{0, "1357105550695717639826158786311415599375114169232402161465584707209611368775"},
		{1234, "3179899882984850239687045389724311807765146621017486664543269641150383510696"},
	} {
		got := ContractAddress(salt, classHash, calldata, asm.FeltFromUint64(tc.deployer))
		if want := felt(t, tc.want); !got.Equal(&want) {
			t.Errorf("deployer %d: %s, want %s", tc.deployer, got.String(), tc.want)
		}
	}
}

func TestNormalizeAddress(t *testing.T) {
	bound := felt(t, "0x7ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff00") // 2^251 - 256
	if b := AddressUpperBound(); !b.Equal(&bound) {
		t.Fatalf("bound %s", b.Hex())
	}
	for _, tc := range [][2]string{
		{"0x0", "0x0"},
		{"0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeff", "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeff"},
		{"0x7ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff00", "0x0"},
		{"0x7ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff01", "0x1"},
		{"0x800000000000000000000000000000000000000000000000000000000000000", "0x100"},
		{"0x800000000000011000000000000000000000000000000000000000000000000", "0x11000000000000000000000000000000000000000000000100"}, // P-1
	} {
		got := NormalizeAddress(felt(t, tc[0]))
		if want := felt(t, tc[1]); !got.Equal(&want) {
			t.Errorf("NormalizeAddress(%s) = %s, want %s", tc[0], got.Hex(), tc[1])
		}
	}
}

func TestShortString(t *testing.T) {
	for _, tc := range [][2]string{
		{"", "0x0"},
		{"A", "0x41"},
		{"NAME", "0x4e414d45"}, // the erc20 scenario's constructor argument
		{"SYM", "0x53594d"},
		{"STARKNET_CONTRACT_ADDRESS", "0x535441524b4e45545f434f4e54524143545f41444452455353"},
		{strings.Repeat("\x7f", 31), "0x" + strings.Repeat("7f", 31)},
	} {
		got, err := ShortString(tc[0])
		if err != nil {
			t.Fatalf("%q: %v", tc[0], err)
		}
		if want := felt(t, tc[1]); !got.Equal(&want) {
			t.Errorf("ShortString(%q) = %s, want %s", tc[0], got.Hex(), tc[1])
		}
	}
	if p, _ := ShortString("STARKNET_CONTRACT_ADDRESS"); !p.Equal(&contractAddressPrefix) {
		t.Error("contractAddressPrefix differs from ShortString")
	}
	for _, s := range []string{strings.Repeat("a", 32), "caf\u00e9", "\xff"} {
		_, err := ShortString(s)
		var se *ShortStringError
		if !errors.Is(err, ErrShortString) || !errors.As(err, &se) || se.S != s {
			t.Errorf("ShortString(%q): err %v", s, err)
		}
	}
}
