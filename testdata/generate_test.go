package testdata

import (
	"bytes"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/assembler"
)

var update = flag.Bool("update", false, "rewrite the committed .json files from the .casm sources")

func assemble(t *testing.T, p Program) *assembler.Program {
	t.Helper()
	src, err := os.ReadFile(Path(p.Source))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := assembler.Assemble(p.Source, src)
	if err != nil {
		t.Fatalf("%s: %v", p.Source, err)
	}
	return prog
}

// TestGeneratedJSONUpToDate assembles each source and compares the result
// with the committed JSON; with -update it rewrites the JSON instead.
func TestGeneratedJSONUpToDate(t *testing.T) {
	for _, p := range Programs {
		prog := assemble(t, p)
		got, err := prog.JSON()
		if err != nil {
			t.Fatal(err)
		}
		path := Path(p.JSON)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./testdata -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date with %s: run go test ./testdata -update", p.JSON, p.Source)
		}
	}
}

// TestTable checks the table against the sources: every .casm file is
// listed, with its builtins and an entry label.
func TestTable(t *testing.T) {
	sources, _ := filepath.Glob(filepath.Join(Dir(), "*.casm"))
	if len(sources) != len(Programs) {
		t.Errorf("%d .casm files, %d programs in the table", len(sources), len(Programs))
	}
	for _, p := range Programs {
		prog := assemble(t, p)
		if !slices.Equal(prog.Builtins, p.Builtins) {
			t.Errorf("%s: builtins %v, table says %v", p.Name, prog.Builtins, p.Builtins)
		}
		if _, ok := prog.Labels[p.Entry]; !ok {
			t.Errorf("%s: no label %q", p.Name, p.Entry)
		}
		if q, ok := ByName(p.Name); !ok || q.Source != p.Source {
			t.Errorf("ByName(%q) = %+v, %v", p.Name, q, ok)
		}
	}
}

func decimal(v *big.Int) string {
	return new(big.Int).Mod(v, asm.ModulusBig()).String()
}

// TestExpectedOutputs recomputes the expected outputs with math/big (the
// Pedersen hash is StarkWare's published test vector) and checks the table.
func TestExpectedOutputs(t *testing.T) {
	// fib(1000), exactly, then reduced.
	a, b := big.NewInt(0), big.NewInt(1)
	for range 1000 {
		a, b = b, new(big.Int).Add(a, b)
	}
	// x = x*x + n for n = 250000 down to 1.
	p := asm.ModulusBig()
	x := big.NewInt(1)
	for n := int64(250000); n >= 1; n-- {
		x.Mul(x, x)
		x.Add(x, big.NewInt(n))
		x.Mod(x, p)
	}
	// Pedersen test vector (crypto-cpp's and starknet.js's).
	pedX, _ := new(big.Int).SetString("3d937c035c878245caf64531a5756109c53068da139362728feb561405371cb", 16)
	pedY, _ := new(big.Int).SetString("208a0a10250e382e1e4bbe2880906c2791bf6275695e02fbbc6aeff9cd8b31a", 16)
	pedH, _ := new(big.Int).SetString("30e480bed5fe53fa909cc0f8c4d99b8f9f2c016be4c41e13a4848797979c662", 16)
	rc := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))

	want := map[string][]string{
		"fib":      {decimal(a)},
		"loop":     {decimal(x)},
		"builtins": {decimal(pedH), decimal(rc)},
	}
	for _, prog := range Programs {
		if !slices.Equal(prog.Output, want[prog.Name]) {
			t.Errorf("%s: table output %v, recomputed %v", prog.Name, prog.Output, want[prog.Name])
		}
	}
	// The builtins program hashes the vector's inputs.
	bp, _ := ByName("builtins")
	data := assemble(t, bp).Data
	for _, in := range []*big.Int{pedX, pedY, rc} {
		f := asm.Felt{}
		f.SetBigInt(in)
		if !slices.ContainsFunc(data, func(d asm.Felt) bool { return d.Equal(&f) }) {
			t.Errorf("builtins.casm does not contain the immediate %s", f.Hex())
		}
	}
}
