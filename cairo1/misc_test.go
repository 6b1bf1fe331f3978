package cairo1

import (
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/vm"
)

func TestAllocSegment(t *testing.T) {
	f := fresh(t)
	n := f.st.Mem.NumSegments()
	f.mustRun(&class.AllocSegment{Dst: ap(0)})
	f.mustRun(&class.AllocSegment{Dst: fp(-1)})
	f.wantValue("first segment", ap(0), vm.PtrValue(vm.Relocatable{Segment: n}))
	f.wantValue("second segment", fp(-1), vm.PtrValue(vm.Relocatable{Segment: n + 1}))
	// The destination is write-once.
	h := &class.AllocSegment{Dst: ap(0)}
	wantErr(t, f.run(h), h, vm.ErrWriteOnce)
}

func TestAllocConstantSize(t *testing.T) {
	f := fresh(t)
	n := f.st.Mem.NumSegments()
	sizes := []int64{3, 0, 2, 1}
	off := 0
	for i, s := range sizes {
		f.mustRun(&class.AllocConstantSize{Size: imm(bi(s)), Dst: ap(int16(i))})
		f.wantValue(fmt.Sprintf("block %d", i), ap(int16(i)), vm.PtrValue(vm.Relocatable{Segment: n, Offset: off}))
		off += int(s)
	}
	// One segment for all blocks, interleaved with other allocations.
	f.mustRun(&class.AllocSegment{Dst: ap(10)})
	f.mustRun(&class.AllocConstantSize{Size: imm(bi(1)), Dst: ap(11)})
	f.wantValue("after AllocSegment", ap(11), vm.PtrValue(vm.Relocatable{Segment: n, Offset: off}))
	if f.st.Mem.NumSegments() != n+2 {
		t.Errorf("%d segments, want %d", f.st.Mem.NumSegments(), n+2)
	}
}

func TestDebugPrint(t *testing.T) {
	f := fresh(t)
	data := f.st.Mem.AddSegment()
	vals := []*big.Int{bi(0), bi(1), bi(255), pow2(128), pMinus1}
	var want strings.Builder
	for i, v := range vals {
		f.setAt(data.Add(i), feltOf(v))
		fmt.Fprintf(&want, "0x%s\n", v.Text(16))
	}
	f.set(fp(0), vm.PtrValue(data))
	f.mustRun(&class.DebugPrint{Start: deref(fp(0)), End: binOpImm(class.Add, fp(0), bi(int64(len(vals))))})
	if string(f.st.Output) != want.String() {
		t.Errorf("output %q, want %q", f.st.Output, want.String())
	}
	// An empty range prints nothing.
	f.st.Output = nil
	f.mustRun(&class.DebugPrint{Start: deref(fp(0)), End: deref(fp(0))})
	if len(f.st.Output) != 0 {
		t.Errorf("empty range printed %q", f.st.Output)
	}
	// hex() of a relocatable fails, and so does an unknown cell.
	f.setAt(data.Add(5), vm.PtrValue(data))
	h := &class.DebugPrint{Start: binOpImm(class.Add, fp(0), bi(5)), End: binOpImm(class.Add, fp(0), bi(6))}
	wantErr(t, f.run(h), h, ErrNotInteger)
	h = &class.DebugPrint{Start: binOpImm(class.Add, fp(0), bi(6)), End: binOpImm(class.Add, fp(0), bi(8))}
	wantErr(t, f.run(h), h, vm.ErrUnknownCell)
}

// isSquare is Euler's criterion mod P.
func isSquare(v *big.Int) bool {
	v = mod(v)
	if v.Sign() == 0 {
		return true
	}
	e := new(big.Int).Rsh(sub(primeP, bi(1)), 1)
	return new(big.Int).Exp(v, e, primeP).Cmp(bi(1)) == 0
}

func TestFieldSqrt(t *testing.T) {
	vals := append([]*big.Int{bi(3), bi(4), bi(5), bi(9), hexBig("0x123456789abcdef")}, edges...)
	half := new(big.Int).Rsh(primeP, 1)
	for _, v := range vals {
		f := fresh(t)
		f.setBig(fp(0), v)
		f.mustRun(&class.FieldSqrt{Val: deref(fp(0)), Sqrt: ap(0)})
		r := f.bigAt(ap(0))
		target := mod(v)
		if !isSquare(v) {
			target = mod(new(big.Int).Mul(v, bi(3)))
		}
		if got := mod(new(big.Int).Mul(r, r)); got.Cmp(target) != 0 {
			t.Errorf("sqrt(%s) = %s, whose square is %s, want %s", v, r, got, target)
		}
		// The minimum of the two roots.
		if r.Cmp(half) > 0 {
			t.Errorf("sqrt(%s) = %s is not the smaller root", v, r)
		}
	}
}

// starkBeta is BETA of the STARK curve y^2 = x^3 + x + BETA.
var starkBeta = hexBig("0x6f21413efbe40de150e596d72f7a8c5609ad26c15c915c1f4cdfcb99cee9e89")

func onCurve(x, y *big.Int) bool {
	lhs := mod(new(big.Int).Mul(y, y))
	rhs := new(big.Int).Exp(x, bi(3), primeP)
	rhs.Add(rhs, x).Add(rhs, starkBeta)
	return lhs.Cmp(mod(rhs)) == 0
}

func TestRandomEcPoint(t *testing.T) {
	f := fresh(t)
	var first [2]*big.Int
	seen := map[string]bool{}
	for i := range 8 {
		f.mustRun(&class.RandomEcPoint{X: ap(int16(2 * i)), Y: ap(int16(2*i + 1))})
		x, y := f.bigAt(ap(int16(2*i))), f.bigAt(ap(int16(2*i+1)))
		if !onCurve(x, y) {
			t.Errorf("(%s, %s) is not on the curve", x, y)
		}
		if seen[x.String()] {
			t.Errorf("x = %s drawn twice", x)
		}
		seen[x.String()] = true
		if i == 0 {
			first = [2]*big.Int{x, y}
		}
	}
	// Each execution draws the same sequence.
	g := fresh(t)
	g.mustRun(&class.RandomEcPoint{X: ap(0), Y: ap(1)})
	if g.bigAt(ap(0)).Cmp(first[0]) != 0 || g.bigAt(ap(1)).Cmp(first[1]) != 0 {
		t.Errorf("a new execution drew another first point")
	}
}

// modWords splits a value into the mod builtins' four 96-bit words.
func modWords(v *big.Int) [4]vm.Value {
	var w [4]vm.Value
	mask := sub(pow2(96), bi(1))
	for i := range w {
		w[i] = feltOf(new(big.Int).And(new(big.Int).Rsh(v, uint(96*i)), mask))
	}
	return w
}

func readModWords(f *fixture, at vm.Relocatable) *big.Int {
	v := new(big.Int)
	for i := 3; i >= 0; i-- {
		x := f.getAt(at.Add(i)).Felt()
		v.Lsh(v, 96).Add(v, x.BigInt())
	}
	return v
}

func TestEvalCircuit(t *testing.T) {
	f := fresh(t)
	l, err := vm.LayoutByName("all_cairo")
	if err != nil {
		t.Fatal(err)
	}
	bs, err := vm.NewBuiltins(l, []string{vm.BuiltinAddMod, vm.BuiltinMulMod}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		b.InitSegments(f.st.Mem)
	}
	for _, b := range bs {
		if z, ok := b.(interface{ InitZeroSegment(*vm.Memory) }); ok {
			z.InitZeroSegment(f.st.Mem)
		}
	}
	f.st.Builtins = bs
	var addB, mulB vm.Builtin
	for _, b := range bs {
		switch b.Name() {
		case vm.BuiltinAddMod:
			addB = b
		case vm.BuiltinMulMod:
			mulB = b
		}
	}
	// The circuit over the 255-bit prime 2^255 - 19: v2 = v0 + v1,
	// v3 = v2 * v0.
	p := sub(pow2(255), bi(19))
	a0 := hexBig("0x1234567890abcdef1234567890abcdef1234567890abcdef")
	a1 := sub(p, bi(5))
	values := f.st.Mem.AddSegment()
	offsets := f.st.Mem.AddSegment()
	for i, w := range modWords(a0) {
		f.setAt(values.Add(i), w)
	}
	for i, w := range modWords(a1) {
		f.setAt(values.Add(4+i), w)
	}
	for i, o := range []uint64{0, 4, 8} {
		f.setAt(offsets.Add(i), vm.IntValue(o))
	}
	mulTable := offsets.Add(3)
	for i, o := range []uint64{8, 0, 12} {
		f.setAt(mulTable.Add(i), vm.IntValue(o))
	}
	for _, b := range []vm.Builtin{addB, mulB} {
		for i, w := range modWords(p) {
			f.setAt(b.Base().Add(i), w)
		}
		f.setAt(b.Base().Add(4), vm.PtrValue(values))
	}
	f.setAt(addB.Base().Add(5), vm.PtrValue(offsets))
	f.setAt(addB.Base().Add(6), vm.IntValue(1))
	f.setAt(mulB.Base().Add(5), vm.PtrValue(mulTable))
	f.set(fp(0), vm.PtrValue(addB.Base()))
	f.set(fp(1), vm.PtrValue(mulB.Base()))
	f.mustRun(&class.EvalCircuit{NAddMods: imm(bi(1)), AddModBuiltin: deref(fp(0)), NMulMods: imm(bi(1)), MulModBuiltin: deref(fp(1))})
	v2 := new(big.Int).Mod(add(a0, a1), p)
	v3 := new(big.Int).Mod(new(big.Int).Mul(v2, a0), p)
	if got := readModWords(f, values.Add(8)); got.Cmp(v2) != 0 {
		t.Errorf("v2 = %x, want %x", got, v2)
	}
	if got := readModWords(f, values.Add(12)); got.Cmp(v3) != 0 {
		t.Errorf("v3 = %x, want %x", got, v3)
	}
	f.wantBigAt("mul_mod n", mulB.Base().Add(6), bi(1))

	// Without the runners, gates cannot be filled.
	g := fresh(t)
	g.set(fp(0), vm.PtrValue(g.exec))
	h := &class.EvalCircuit{NAddMods: imm(bi(1)), AddModBuiltin: deref(fp(0)), NMulMods: imm(bi(0)), MulModBuiltin: deref(fp(0))}
	wantErr(t, g.run(h), h, ErrMissingBuiltin)
	h = &class.EvalCircuit{NAddMods: imm(bi(0)), AddModBuiltin: deref(fp(0)), NMulMods: imm(bi(0)), MulModBuiltin: deref(fp(0))}
	wantErr(t, g.run(h), h, nil)
}

// recordingHandler is a SyscallHandler that records its requests and
// writes a response cell after each.
type recordingHandler struct {
	ptrs []vm.Relocatable
	err  error
}

func (r *recordingHandler) SystemCall(st *vm.State, ptr vm.Relocatable) error {
	r.ptrs = append(r.ptrs, ptr)
	if r.err != nil {
		return r.err
	}
	return st.Mem.Write(ptr.Add(2), vm.IntValue(uint64(len(r.ptrs))))
}

func TestSystemCall(t *testing.T) {
	f := fresh(t)
	sys := f.st.Mem.AddSegment()
	f.set(fp(-3), vm.PtrValue(sys))
	handler := &recordingHandler{}
	f.st.Scopes[0][SyscallHandlerVar] = handler
	f.mustRun(&class.SystemCall{System: deref(fp(-3))})
	f.mustRun(&class.SystemCall{System: binOpImm(class.Add, fp(-3), bi(5))})
	if len(handler.ptrs) != 2 || handler.ptrs[0] != sys || handler.ptrs[1] != sys.Add(5) {
		t.Errorf("handler got %v", handler.ptrs)
	}
	f.wantBigAt("response", sys.Add(7), bi(2))
	// The handler's errors come back wrapped.
	cause := errors.New("out of gas")
	handler.err = cause
	h := &class.SystemCall{System: deref(fp(-3))}
	wantErr(t, f.run(h), h, cause)
	// No handler, or a handler of the wrong type.
	delete(f.st.Scopes[0], SyscallHandlerVar)
	wantErr(t, f.run(h), h, ErrNoSyscallHandler)
	f.st.Scopes[0][SyscallHandlerVar] = "handler"
	wantErr(t, f.run(h), h, ErrNoSyscallHandler)
	// The system pointer must be an address.
	f.st.Scopes[0][SyscallHandlerVar] = handler
	h = &class.SystemCall{System: imm(bi(4))}
	wantErr(t, f.run(h), h, ErrNotAddress)
}

func TestUnsupportedHints(t *testing.T) {
	f := fresh(t)
	for _, h := range []class.Hint{
		&class.Cheatcode{Selector: immOf(bi(0x61626364)), InputStart: deref(fp(0)), InputEnd: deref(fp(1)), OutputStart: ap(0), OutputEnd: ap(1)},
		&class.WriteRunParam{Index: imm(bi(0)), Dst: ap(0)},
	} {
		wantErr(t, f.run(h), h, ErrNotImplemented)
	}
}

func TestExternalHints(t *testing.T) {
	f := fresh(t)
	tmp := f.st.Mem.AddTempSegment()
	f.set(fp(0), vm.PtrValue(tmp))
	f.set(fp(1), vm.PtrValue(f.exec.Add(50)))
	f.mustRun(&class.AddRelocationRule{Src: deref(fp(0)), Dst: deref(fp(1))})
	f.set(fp(2), vm.PtrValue(tmp.Add(2)))
	f.wantValue("a pointer into the relocated segment", fp(2), vm.PtrValue(f.exec.Add(52)))
	h := &class.AddRelocationRule{Src: deref(fp(0)), Dst: deref(fp(1))}
	wantErr(t, f.run(h), h, vm.ErrRelocationRule)

	data := f.st.Mem.AddSegment()
	for i := range 3 {
		f.setAt(data.Add(i), vm.IntValue(uint64(10+i)))
	}
	f.set(fp(3), vm.PtrValue(data))
	f.mustRun(&class.AddMarker{Start: deref(fp(3)), End: binOpImm(class.Add, fp(3), bi(3))})
	f.mustRun(&class.AddMarker{Start: deref(fp(3)), End: deref(fp(3))})
	m := Markers(f.st)
	if len(m) != 2 || len(m[0]) != 3 || len(m[1]) != 0 {
		t.Fatalf("markers %v", m)
	}
	for i, x := range m[0] {
		if want := asm.FeltFromUint64(uint64(10 + i)); x != want {
			t.Errorf("marker[%d] = %s", i, &x)
		}
	}
	f.mustRun(&class.AddTrace{Flag: imm(bi(0x70616e6963))})
	ht := &class.AddTrace{Flag: deref(fp(3))}
	wantErr(t, f.run(ht), ht, ErrNotInteger)
}

// TestOperandErrors: the failures of operand evaluation.
func TestOperandErrors(t *testing.T) {
	f := fresh(t)
	f.setBig(fp(0), bi(5))
	f.set(fp(1), vm.PtrValue(f.exec.Add(2)))
	cases := []struct {
		op   class.ResOperand
		want error
	}{
		{deref(fp(9)), vm.ErrUnknownCell},
		{dderef(fp(0), 1), ErrNotAddress},     // [5 + 1]
		{dderef(fp(1), 0), vm.ErrUnknownCell}, // [1:2]
		{dderef(fp(1), -3), ErrOutOfRange},    // 1:-1
		{deref(fp(-21)), vm.ErrNegativeOffset},
		{binOpImm(class.Add, fp(1), bi(-3)), ErrOutOfRange},
		{binOpCell(class.Mul, fp(0), fp(1)), ErrNotInteger},
	}
	for _, c := range cases {
		h := &class.TestLessThan{LHS: c.op, RHS: imm(bi(0)), Dst: ap(0)}
		wantErr(t, f.run(h), h, c.want)
	}
	// felt + relocatable commutes, as Python's int + RelocatableValue does.
	f.mustRun(&class.TestLessThanOrEqualAddress{LHS: binOpCell(class.Add, fp(0), fp(1)), RHS: binOpImm(class.Add, fp(1), bi(5)), Dst: ap(1)})
	f.wantBig("5 + 1:2 <= 1:2 + 5", ap(1), bi(1))
	// A relocatable plus P - 1 moves back one cell (% PRIME).
	f.setAt(f.exec.Add(1), vm.IntValue(42))
	f.mustRun(&class.TestLessThan{LHS: imm(bi(41)), RHS: dderef(fp(1), -1), Dst: ap(2)})
	f.wantBig("41 < [1:1]", ap(2), bi(1))
	f.setBig(fp(2), pMinus1)
	f.set(fp(3), vm.PtrValue(f.exec.Add(1)))
	f.mustRun(&class.TestLessThanOrEqualAddress{LHS: binOpCell(class.Add, fp(1), fp(2)), RHS: deref(fp(3)), Dst: ap(3)})
	f.wantBig("1:2 + (P - 1) <= 1:1", ap(3), bi(1))
}

// fakeHint is a hint type cairo1 does not know.
type fakeHint struct{}

func (*fakeHint) Name() string { return "Fake" }

func TestCompileErrors(t *testing.T) {
	if _, err := Compile(nil); err == nil {
		t.Error("Compile(nil) succeeded")
	}
	c := &class.Class{Hints: map[int][]class.Hint{3: {&class.AllocSegment{Dst: ap(0)}, &fakeHint{}}}}
	_, err := Compile(c)
	var he *HintError
	if !errors.As(err, &he) || he.PC != 3 || he.Hint != "Fake" || !errors.Is(err, ErrUnknownHint) {
		t.Errorf("Compile with an unknown hint: %v", err)
	}
	c.Hints[3][1] = (*class.TestLessThan)(nil)
	if _, err := Compile(c); !errors.Is(err, ErrUnknownHint) {
		t.Errorf("Compile with a nil hint: %v", err)
	}
	c.Hints[3][1] = nil
	if _, err := Compile(c); !errors.Is(err, ErrUnknownHint) {
		t.Errorf("Compile with a nil interface: %v", err)
	}
	c.Hints[3] = c.Hints[3][:1]
	c.Hints[9] = []class.Hint{&class.AllocSegment{Dst: ap(1)}}
	hs, err := Compile(c)
	if err != nil || len(hs) != 2 || len(hs[3]) != 1 || len(hs[9]) != 1 {
		t.Errorf("Compile = %v, %v", hs, err)
	}
}

func TestHintErrorMessage(t *testing.T) {
	f := fresh(t)
	h := &class.DivMod{LHS: imm(bi(1)), RHS: imm(bi(0)), Quotient: ap(0), Remainder: ap(1)}
	err := f.run(h)
	if want := "cairo1: DivMod hint at pc 7: integer division or modulo by zero"; err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

// TestEvalCircuitRandomMemory runs EvalCircuit over builtin instances and
// tables of random contents: it fails or succeeds, never panics.
func TestEvalCircuitRandomMemory(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	l, err := vm.LayoutByName("all_cairo")
	if err != nil {
		t.Fatal(err)
	}
	for try := range 300 {
		f := fresh(t)
		bs, err := vm.NewBuiltins(l, []string{vm.BuiltinAddMod, vm.BuiltinMulMod}, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range bs {
			b.InitSegments(f.st.Mem)
		}
		for _, b := range bs {
			if z, ok := b.(interface{ InitZeroSegment(*vm.Memory) }); ok {
				z.InitZeroSegment(f.st.Mem)
			}
		}
		f.st.Builtins = bs
		tables := []vm.Relocatable{f.st.Mem.AddSegment(), f.st.Mem.AddSegment()}
		val := func() vm.Value {
			switch rng.IntN(4) {
			case 0:
				return vm.PtrValue(tables[rng.IntN(2)].Add(rng.IntN(4)))
			case 1:
				return vm.IntValue(uint64(rng.IntN(16)))
			case 2:
				return vm.IntValue(rng.Uint64())
			}
			return feltOf(mod(new(big.Int).Lsh(big.NewInt(rng.Int64()), uint(rng.IntN(250)))))
		}
		for _, b := range bs {
			for i := range 7 {
				if rng.IntN(5) != 0 {
					_ = f.st.Mem.Write(b.Base().Add(i), val())
				}
			}
		}
		for _, s := range tables {
			for i := range 24 {
				if rng.IntN(4) != 0 {
					_ = f.st.Mem.Write(s.Add(i), val())
				}
			}
		}
		f.set(fp(0), vm.PtrValue(bs[0].Base()))
		f.set(fp(1), vm.PtrValue(bs[1].Base()))
		h := &class.EvalCircuit{NAddMods: imm(bi(int64(rng.IntN(3)))), AddModBuiltin: deref(fp(0)),
			NMulMods: imm(bi(int64(rng.IntN(3)))), MulModBuiltin: deref(fp(1))}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("try %d panicked: %v", try, r)
				}
			}()
			_ = f.run(h)
		}()
	}
}
