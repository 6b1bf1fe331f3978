package hints

import (
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/cairn-vm/cairn/internal/corpusdir"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/vm"
)

// tref is a reference a test hint sees: ids.<name> = value, recorded at
// ap tracking (group 1, off).
type tref struct {
	name, value string
	off         int
	group       int // 0 means the hint's group (1)
}

// fixture is a one-hint program and a machine to run it on: the execution
// segment is segment 1, fp = 1:20 and ap = 1:30.
type fixture struct {
	t    *testing.T
	prog *vm.Program
	st   *vm.State
	exec vm.Relocatable
	hint vm.Hint
}

const testScope = "__main__.f"

// newFixture builds a program whose pc 0 carries code, with refs in the
// hint's flow (ap tracking group 1, offset hintOff), and the shared test
// identifiers (structs Uint256 and Pair, constants).
func newFixture(t *testing.T, code string, hintOff int, refs ...tref) *fixture {
	t.Helper()
	p := &vm.Program{
		Hints:       map[int][]vm.HintSpec{},
		Identifiers: testIdentifiers(),
		MainScope:   "__main__",
	}
	spec := vm.HintSpec{
		Code:             code,
		AccessibleScopes: []string{"__main__", testScope},
		FlowTracking: vm.FlowTrackingData{
			APTracking:   vm.ApTracking{Group: 1, Offset: hintOff},
			ReferenceIDs: map[string]int{},
		},
	}
	for _, r := range refs {
		spec.FlowTracking.ReferenceIDs[testScope+"."+r.name] = len(p.References)
		g := r.group
		if g == 0 {
			g = 1
		}
		p.References = append(p.References, vm.Reference{Value: r.value, APTracking: vm.ApTracking{Group: g, Offset: r.off}})
		p.Identifiers[testScope+"."+r.name] = &vm.Identifier{Type: "reference", FullName: testScope + "." + r.name}
	}
	p.Hints[0] = []vm.HintSpec{spec}
	hs, err := Default().Compile(p)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	mem := vm.NewMemory()
	mem.AddSegment()
	exec := mem.AddSegment()
	st := &vm.State{Mem: mem, AP: exec.Add(30), FP: exec.Add(20), Program: p, Scopes: []map[string]any{{}}}
	return &fixture{t: t, prog: p, st: st, exec: exec, hint: hs[0][0]}
}

func intp(n int) *int { return &n }

func testIdentifiers() map[string]*vm.Identifier {
	ids := map[string]*vm.Identifier{
		"__main__.f": {Type: "function", PC: intp(0)},
		"starkware.cairo.common.uint256.Uint256": {Type: "struct", Size: intp(2), Members: map[string]vm.Member{
			"low": {CairoType: "felt", Offset: 0}, "high": {CairoType: "felt", Offset: 1}}},
		"__main__.Uint256": {Type: "alias", Destination: "starkware.cairo.common.uint256.Uint256"},
		"__main__.Pair": {Type: "struct", Size: intp(4), Members: map[string]vm.Member{
			"a":    {CairoType: "starkware.cairo.common.uint256.Uint256", Offset: 0},
			"next": {CairoType: "__main__.Pair*", Offset: 2},
			"x":    {CairoType: "felt", Offset: 3}}},
		"starkware.cairo.common.dict_access.DictAccess": {Type: "struct", Size: intp(3), Members: map[string]vm.Member{
			"key": {CairoType: "felt", Offset: 0}, "prev_value": {CairoType: "felt", Offset: 1}, "new_value": {CairoType: "felt", Offset: 2}}},
		"__main__.DictAccess":          {Type: "alias", Destination: "starkware.cairo.common.dict_access.DictAccess"},
		"__main__.f.MAX_HIGH":          {Type: "const", Value: new(big.Int).Rsh(new(big.Int).Sub(asm.ModulusBig(), big.NewInt(1)), 128)},
		"__main__.f.MAX_LOW":           {Type: "const", Value: big.NewInt(0)},
		"__main__.f.UPPER_BOUND":       {Type: "const", Value: new(big.Int).Lsh(big.NewInt(1), 250)},
		"__main__.f.SHIFT":             {Type: "const", Value: new(big.Int).Lsh(big.NewInt(1), 128)},
		"__main__.NEG":                 {Type: "const", Value: big.NewInt(-5)},
		"__main__.f.SHADOW":            {Type: "const", Value: big.NewInt(2)},
		"__main__.SHADOW":              {Type: "const", Value: big.NewInt(1)},
		"__main__.ns.INNER":            {Type: "const", Value: big.NewInt(77)},
		"__main__.ns":                  {Type: "namespace"},
		"__main__.f.PRIME_OVER_3_HIGH": {Type: "const", Value: mustBig("0x2aaaaaaaaaaaab05555555555555556")},
		"__main__.f.PRIME_OVER_2_HIGH": {Type: "const", Value: mustBig("0x4000000000000088000000000000001")},
	}
	return ids
}

func mustBig(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 0)
	if !ok {
		panic(s)
	}
	return v
}

// fp returns fp + off.
func (f *fixture) fp(off int) vm.Relocatable { return f.st.FP.Add(off) }

// put writes v at addr.
func (f *fixture) put(addr vm.Relocatable, v vm.Value) {
	f.t.Helper()
	if err := f.st.Mem.Write(addr, v); err != nil {
		f.t.Fatalf("write %s: %v", addr, err)
	}
}

// putBig writes an integer (mod P) at addr.
func (f *fixture) putBig(addr vm.Relocatable, v *big.Int) { f.put(addr, bigValue(v)) }

func (f *fixture) run() error { return f.hint.Execute(f.st) }

func (f *fixture) mustRun() {
	f.t.Helper()
	if err := f.run(); err != nil {
		f.t.Fatalf("hint failed: %v", err)
	}
}

// get returns the known value at addr.
func (f *fixture) get(addr vm.Relocatable) vm.Value {
	f.t.Helper()
	v := f.st.Mem.Get(addr)
	if !v.Known() {
		f.t.Fatalf("cell %s not written", addr)
	}
	return v
}

// getBig returns the felt at addr as an integer.
func (f *fixture) getBig(addr vm.Relocatable) *big.Int {
	f.t.Helper()
	v := f.get(addr)
	if !v.IsFelt() {
		f.t.Fatalf("cell %s is %s, not a felt", addr, v)
	}
	return feltBig(v)
}

// ctx returns a Context for the fixture's hint (to test ids access directly).
func (f *fixture) ctx() *Context {
	h := f.hint.(*compiledHint)
	return &Context{State: f.st, Spec: h.spec, PC: h.pc, h: h}
}

// wantErr checks err is a *HintError whose message contains want.
func wantErr(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	var he *HintError
	if !errors.As(err, &he) {
		t.Fatalf("error %T (%v) is not a *HintError", err, err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not contain %q", err.Error(), want)
	}
}

// Edge values used across the hint tests.
var (
	P       = asm.ModulusBig()
	two128  = new(big.Int).Lsh(big.NewInt(1), 128)
	two250  = new(big.Int).Lsh(big.NewInt(1), 250)
	pMinus1 = new(big.Int).Sub(P, big.NewInt(1))
)

func b(n int64) *big.Int { return big.NewInt(n) }

func add(x, y *big.Int) *big.Int { return new(big.Int).Add(x, y) }
func sub(x, y *big.Int) *big.Int { return new(big.Int).Sub(x, y) }

// modP reduces into [0, P).
func modP(x *big.Int) *big.Int { return new(big.Int).Mod(x, P) }

// edgeValues are the integers every arithmetic hint is tried on.
func edgeValues() []*big.Int {
	return []*big.Int{
		b(0), b(1), b(2), b(17),
		sub(two128, b(1)), two128, add(two128, b(1)),
		sub(two250, b(1)), two250, add(two250, b(12345)),
		new(big.Int).Rsh(P, 1), add(new(big.Int).Rsh(P, 1), b(1)),
		sub(P, two128), sub(P, add(two128, b(1))),
		sub(P, b(2)), pMinus1,
	}
}

// corpusDir returns the corpus directory or skips the test.
func corpusDir(t testing.TB) string { return corpusdir.OrSkip(t) }
