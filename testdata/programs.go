// Package testdata holds cairn's own test programs: Cairo assembly sources
// (*.casm), the program JSON the assembler makes of them (*.json, kept up to
// date by TestGeneratedJSONUpToDate; run "go test ./testdata -update" after
// editing a source), and a table of what each program must do, for the
// interpreter and engine tests.
//
// The go tool leaves directories named testdata out of ./... patterns: name
// this package explicitly (go test ./testdata).
package testdata

//go:generate go test -run TestGeneratedJSONUpToDate -update .

import (
	"path/filepath"
	"runtime"
)

// Program describes one test program.
type Program struct {
	// Name is the program's short name.
	Name string
	// Source is the assembly file, relative to Dir.
	Source string
	// JSON is the assembled program (cairo-compile's format), relative to
	// Dir.
	JSON string
	// Entry is the entry point's label.
	Entry string
	// Builtins are the builtins of the %builtins directive, in order.
	Builtins []string
	// Layout is the smallest cairo-lang layout that has those builtins.
	Layout string
	// Output is what the program writes to the output builtin: each cell
	// in decimal, in [0, P).
	Output []string
	// Steps is the number of instructions main executes, its final ret
	// included (a run of cairo-run without --proof_mode).
	Steps int
}

// Programs lists the test programs. The expected values are recomputed
// independently by this package's tests.
var Programs = []Program{
	{
		Name:     "fib",
		Source:   "fib.casm",
		JSON:     "fib.json",
		Entry:    "main",
		Builtins: []string{"output"},
		Layout:   "small",
		// fib(1000) mod P.
		Output: []string{"136380566276010706690742754800077408887173906373294333363333681744450488681"},
		Steps:  3 + 4*1000 + 3,
	},
	{
		Name:     "builtins",
		Source:   "builtins.casm",
		JSON:     "builtins.json",
		Entry:    "main",
		Builtins: []string{"output", "pedersen", "range_check"},
		Layout:   "small",
		Output: []string{
			// Pedersen(0x3d937c03..., 0x208a0a10...) = 0x30e480be...9c662.
			"1382171651951541052082654537810074813456022260470662576358627909045455537762",
			// 2^128 - 1, range-checked.
			"340282366920938463463374607431768211455",
		},
		Steps: 13,
	},
	{
		Name:     "loop",
		Source:   "loop.casm",
		JSON:     "loop.json",
		Entry:    "main",
		Builtins: []string{"output"},
		Layout:   "small",
		// x = 1, then x = x*x + n for n = 250000 down to 1, mod P.
		Output: []string{"390639727856958859069785003780842116475983769167833674009861844335653282374"},
		Steps:  2 + 4*250000 + 3,
	},
}

// Dir returns the directory of the test programs (this package's source
// directory).
func Dir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "testdata"
	}
	return filepath.Dir(file)
}

// Path returns the absolute path of a file of this directory.
func Path(name string) string { return filepath.Join(Dir(), name) }

// ByName returns the program with the given name.
func ByName(name string) (Program, bool) {
	for _, p := range Programs {
		if p.Name == name {
			return p, true
		}
	}
	return Program{}, false
}
