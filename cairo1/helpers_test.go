package cairo1

import (
	"errors"
	"math/big"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/vm"
)

// Expected values in these tests come from math/big computations written
// here, from the formulas of the hints' Python code, never from the code
// under test.

// primeP is P = 2^251 + 17 * 2^192 + 1, computed independently of asm.
var primeP = func() *big.Int {
	p := new(big.Int).Lsh(big.NewInt(1), 251)
	p.Add(p, new(big.Int).Lsh(big.NewInt(17), 192))
	return p.Add(p, big.NewInt(1))
}()

func pow2(n uint) *big.Int { return new(big.Int).Lsh(big.NewInt(1), n) }

func bi(n int64) *big.Int { return big.NewInt(n) }

func sub(a, b *big.Int) *big.Int { return new(big.Int).Sub(a, b) }

func add(a, b *big.Int) *big.Int { return new(big.Int).Add(a, b) }

func mod(a *big.Int) *big.Int { return new(big.Int).Mod(a, primeP) }

func hexBig(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 0)
	if !ok {
		panic("bad number " + s)
	}
	return v
}

// Edge values every integer hint meets.
var (
	u128Max = sub(pow2(128), bi(1))
	pMinus1 = sub(primeP, bi(1))
)

// fixture is a machine to run one hint on: segment 0 is the program,
// segment 1 the execution segment, fp = 1:20 and ap = 1:30.
type fixture struct {
	t    *testing.T
	st   *vm.State
	exec vm.Relocatable
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	mem := vm.NewMemory()
	mem.AddSegment()
	exec := mem.AddSegment()
	st := &vm.State{Mem: mem, AP: exec.Add(30), FP: exec.Add(20), Scopes: []map[string]any{{}}}
	return &fixture{t: t, st: st, exec: exec}
}

func ap(off int16) class.CellRef { return class.CellRef{Register: class.AP, Offset: off} }
func fp(off int16) class.CellRef { return class.CellRef{Register: class.FP, Offset: off} }

func deref(c class.CellRef) class.ResOperand { return class.ResOperand{Kind: class.KindDeref, Cell: c} }

func dderef(c class.CellRef, off int16) class.ResOperand {
	return class.ResOperand{Kind: class.KindDoubleDeref, Cell: c, Offset: off}
}

func immOf(v *big.Int) class.Immediate { return class.Immediate{Value: v, Felt: asm.FeltFromBig(v)} }

func imm(v *big.Int) class.ResOperand {
	return class.ResOperand{Kind: class.KindImmediate, Imm: immOf(v)}
}

func binOpImm(op class.Operation, a class.CellRef, b *big.Int) class.ResOperand {
	return class.ResOperand{Kind: class.KindBinOp, Cell: a, Op: op,
		B: class.DerefOrImmediate{Kind: class.KindImmediate, Imm: immOf(b)}}
}

func binOpCell(op class.Operation, a, b class.CellRef) class.ResOperand {
	return class.ResOperand{Kind: class.KindBinOp, Cell: a, Op: op,
		B: class.DerefOrImmediate{Kind: class.KindDeref, Cell: b}}
}

func feltOf(v *big.Int) vm.Value { return vm.FeltValue(asm.FeltFromBig(v)) }

// addr is the address of a cell.
func (f *fixture) addr(c class.CellRef) vm.Relocatable {
	base := f.st.AP
	if c.Register == class.FP {
		base = f.st.FP
	}
	return base.Add(int(c.Offset))
}

func (f *fixture) setAt(at vm.Relocatable, v vm.Value) {
	f.t.Helper()
	if err := f.st.Mem.Write(at, v); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) set(c class.CellRef, v vm.Value) { f.t.Helper(); f.setAt(f.addr(c), v) }

func (f *fixture) setBig(c class.CellRef, v *big.Int) { f.t.Helper(); f.set(c, feltOf(mod(v))) }

func (f *fixture) getAt(at vm.Relocatable) vm.Value {
	f.t.Helper()
	v := f.st.Mem.Get(at)
	if !v.Known() {
		f.t.Fatalf("cell %s was not written", at)
	}
	return v
}

func (f *fixture) get(c class.CellRef) vm.Value { f.t.Helper(); return f.getAt(f.addr(c)) }

// bigAt is the integer a cell holds.
func (f *fixture) bigAt(c class.CellRef) *big.Int {
	f.t.Helper()
	v := f.get(c)
	if !v.IsFelt() {
		f.t.Fatalf("cell %s holds the relocatable %s", c, v)
	}
	x := v.Felt()
	return x.BigInt()
}

// wantBig checks that the cell holds want mod P.
func (f *fixture) wantBig(what string, c class.CellRef, want *big.Int) {
	f.t.Helper()
	f.wantBigAt(what, f.addr(c), want)
}

func (f *fixture) wantBigAt(what string, at vm.Relocatable, want *big.Int) {
	f.t.Helper()
	got := f.getAt(at)
	if !got.IsFelt() {
		f.t.Errorf("%s = %s, want the integer %s", what, got, want)
		return
	}
	g := got.Felt()
	if w := mod(want); g.BigInt().Cmp(w) != 0 {
		f.t.Errorf("%s = %s, want %s", what, g.BigInt(), w)
	}
}

func (f *fixture) wantValue(what string, c class.CellRef, want vm.Value) {
	f.t.Helper()
	if got := f.get(c); !got.Equal(want) {
		f.t.Errorf("%s = %s, want %s", what, got, want)
	}
}

// run binds h at pc 7 and runs it.
func (f *fixture) run(h class.Hint) error {
	f.t.Helper()
	b, err := Bind(7, h)
	if err != nil {
		f.t.Fatalf("Bind(%s): %v", h.Name(), err)
	}
	return b.Execute(f.st)
}

func (f *fixture) mustRun(h class.Hint) {
	f.t.Helper()
	if err := f.run(h); err != nil {
		f.t.Fatalf("%s: %v", h.Name(), err)
	}
}

// wantErr checks that err is a *HintError of h at pc 7 wrapping target.
func wantErr(t *testing.T, err error, h class.Hint, target error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s succeeded, want an error wrapping %v", h.Name(), target)
	}
	var he *HintError
	if !errors.As(err, &he) {
		t.Fatalf("%s: error %v (%T) is not a *HintError", h.Name(), err, err)
	}
	if he.PC != 7 || he.Hint != h.Name() {
		t.Errorf("%s: HintError names pc %d, hint %s", h.Name(), he.PC, he.Hint)
	}
	if target != nil && !errors.Is(err, target) {
		t.Errorf("%s: error %v does not wrap %v", h.Name(), err, target)
	}
}

// fresh returns a new fixture per case of a table test.
func fresh(t *testing.T) *fixture { t.Helper(); return newFixture(t) }
