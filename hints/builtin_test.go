package hints

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/cairn-vm/cairn/vm"
)

// Reference shapes as cairo-compile writes them for the library functions.
var (
	fpArg = func(i int) string { return fmt.Sprintf("[cast(fp + (-%d), felt*)]", i) }
	local = func(i int) string {
		if i == 0 {
			return "[cast(fp, felt*)]"
		}
		return fmt.Sprintf("[cast(fp + %d, felt*)]", i)
	}
	// rcCell is [range_check_ptr + i] where range_check_ptr = [fp - n].
	rcCell = func(n, i int) string {
		if i == 0 {
			return fmt.Sprintf("[cast([fp + (-%d)], felt*)]", n)
		}
		return fmt.Sprintf("[cast([fp + (-%d)] + %d, felt*)]", n, i)
	}
)

// withRC gives the fixture a range-check segment at [fp - n] and returns its base.
func (f *fixture) withRC(n int) vm.Relocatable {
	rc := f.st.Mem.AddSegment()
	f.put(f.fp(-n), vm.PtrValue(rc))
	return rc
}

// signed is the as_int view of an integer in [0, P).
func signed(v *big.Int) *big.Int {
	if v.Cmp(new(big.Int).Rsh(P, 1)) >= 0 { // as_int: val < PRIME // 2 stays

		return sub(v, P)
	}
	return new(big.Int).Set(v)
}

// floorDivMod computes Python's divmod for d > 0 by truncation and
// adjustment (independently of the implementation's Euclidean DivMod).
func floorDivMod(v, d *big.Int) (*big.Int, *big.Int) {
	q, r := new(big.Int).QuoRem(v, d, new(big.Int))
	if r.Sign() < 0 {
		q.Sub(q, b(1))
		r.Add(r, d)
	}
	return q, r
}

func TestAlloc(t *testing.T) {
	f := newFixture(t, codeAlloc, 0)
	f.mustRun()
	if got := f.get(f.st.AP); !got.Equal(vm.PtrValue(vm.Relocatable{Segment: 2})) {
		t.Errorf("alloc wrote %s", got)
	}
	f.st.AP = f.st.AP.Add(1)
	f.mustRun()
	if got := f.get(f.st.AP); !got.Equal(vm.PtrValue(vm.Relocatable{Segment: 3})) {
		t.Errorf("second alloc wrote %s", got)
	}
	// memory[ap] is write-once.
	wantErr(t, f.run(), "inconsistent memory assignment")
}

func TestMemcpyLoop(t *testing.T) {
	for _, variant := range []struct{ enter, step, lenName, flag string }{
		{codeMemcpyEnterScope, codeMemcpyContinue, "len", "continue_copying"},
		{codeMemsetEnterScope, codeMemsetContinue, "n", "continue_loop"},
	} {
		for _, n := range []int64{1, 2, 5} {
			enter := newFixture(t, variant.enter, 0, tref{name: variant.lenName, value: fpArg(3)})
			step := newFixture(t, variant.step, 3,
				tref{name: variant.flag, value: "[cast(ap, felt*)]", off: 3})
			exit := newFixture(t, codeExitScope, 0)
			step.st, exit.st = enter.st, enter.st
			enter.putBig(enter.fp(-3), b(n))
			enter.mustRun()
			if len(enter.st.Scopes) != 2 {
				t.Fatalf("scopes %d after vm_enter_scope", len(enter.st.Scopes))
			}
			for i := int64(1); i <= n; i++ {
				step.mustRun()
				want := int64(0)
				if i < n {
					want = 1
				}
				if got := step.getBig(step.st.AP); got.Int64() != want {
					t.Fatalf("%s n=%d iteration %d: flag %s, want %d", variant.flag, n, i, got, want)
				}
				step.st.AP = step.st.AP.Add(2)
			}
			exit.mustRun()
			if len(enter.st.Scopes) != 1 {
				t.Fatalf("scopes %d after vm_exit_scope", len(enter.st.Scopes))
			}
			wantErr(t, exit.run(), "Cannot exit main scope.")
			wantErr(t, step.run(), "name 'n' is not defined")
		}
	}
	// vm_enter_scope() pushes an empty scope.
	f := newFixture(t, codeEnterScope, 0)
	f.st.Scope()["x"] = 1
	f.mustRun()
	if len(f.st.Scopes) != 2 || len(f.st.Scope()) != 0 {
		t.Errorf("vm_enter_scope(): scopes %v", f.st.Scopes)
	}
}

func TestAssertNN(t *testing.T) {
	for _, v := range edgeValues() {
		f := newFixture(t, codeAssertNN, 0, tref{name: "a", value: fpArg(3)}, tref{name: "range_check_ptr", value: fpArg(4)})
		f.putBig(f.fp(-3), v)
		err := f.run()
		if v.Cmp(two128) < 0 {
			if err != nil {
				t.Errorf("assert_nn(%s): %v", v, err)
			}
		} else {
			wantErr(t, err, fmt.Sprintf("a = %s is out of range.", v))
		}
	}
	f := newFixture(t, codeAssertNN, 0, tref{name: "a", value: fpArg(3)})
	f.put(f.fp(-3), vm.PtrValue(vm.Relocatable{Segment: 1, Offset: 4}))
	wantErr(t, f.run(), "Expected integer, found: 1:4.")
	// Negative values in the signed view are out of range.
	f = newFixture(t, codeAssertNN, 0, tref{name: "a", value: fpArg(3)})
	f.putBig(f.fp(-3), b(-1))
	wantErr(t, f.run(), fmt.Sprintf("a = %s is out of range.", pMinus1))
}

func TestAssertNotZero(t *testing.T) {
	for _, v := range edgeValues() {
		f := newFixture(t, codeAssertNotZero, 0, tref{name: "value", value: fpArg(3)})
		f.putBig(f.fp(-3), v)
		err := f.run()
		if v.Sign() == 0 {
			wantErr(t, err, "assert_not_zero failed: 0 = 0.")
		} else if err != nil {
			t.Errorf("assert_not_zero(%s): %v", v, err)
		}
	}
	f := newFixture(t, codeAssertNotZero, 0, tref{name: "value", value: fpArg(3)})
	f.put(f.fp(-3), vm.PtrValue(vm.Relocatable{Segment: 1}))
	wantErr(t, f.run(), "Expected integer, found: 1:0.")
}

func TestAssertNotEqual(t *testing.T) {
	run := func(a, bv vm.Value) error {
		f := newFixture(t, codeAssertNotEqual, 0, tref{name: "a", value: fpArg(4)}, tref{name: "b", value: fpArg(3)})
		f.put(f.fp(-4), a)
		f.put(f.fp(-3), bv)
		return f.run()
	}
	vals := edgeValues()
	for i, x := range vals {
		for j, y := range vals {
			err := run(bigValue(x), bigValue(y))
			if i == j {
				wantErr(t, err, fmt.Sprintf("assert_not_equal failed: %s = %s.", x, y))
			} else if err != nil {
				t.Errorf("assert_not_equal(%s, %s): %v", x, y, err)
			}
		}
	}
	// -1 and P - 1 are the same felt.
	wantErr(t, run(bigValue(b(-1)), bigValue(pMinus1)), fmt.Sprintf("assert_not_equal failed: %s = %s.", pMinus1, pMinus1))
	p := func(seg, off int) vm.Value { return vm.PtrValue(vm.Relocatable{Segment: seg, Offset: off}) }
	wantErr(t, run(p(1, 3), p(1, 3)), "assert_not_equal failed: 1:3 = 1:3.")
	if err := run(p(1, 3), p(1, 4)); err != nil {
		t.Error(err)
	}
	wantErr(t, run(p(1, 3), p(0, 3)), "assert_not_equal failed: non-comparable values: 1:3, 0:3.")
	wantErr(t, run(p(1, 3), vm.IntValue(3)), "assert_not_equal failed: non-comparable values: 1:3, 3.")
}

// leFeltFixture runs one assert_le_felt / assert_lt_felt / is_le_felt variant.
func leFeltFixture(t *testing.T, code string, a, bv *big.Int) (*fixture, error) {
	f := newFixture(t, code, 0,
		tref{name: "a", value: fpArg(4)}, tref{name: "b", value: fpArg(3)},
		tref{name: "range_check_ptr", value: fpArg(5)}, tref{name: "small_inputs", value: local(0)})
	f.withRC(5)
	f.putBig(f.fp(-4), a)
	f.putBig(f.fp(-3), bv)
	return f, f.run()
}

func TestAssertLtLeFelt(t *testing.T) {
	vals := edgeValues()
	for _, x := range vals {
		for _, y := range vals {
			lt, le := x.Cmp(y) < 0, x.Cmp(y) <= 0
			_, err := leFeltFixture(t, codeAssertLtFelt, x, y)
			if lt && err != nil {
				t.Errorf("assert_lt_felt(%s, %s): %v", x, y, err)
			} else if !lt {
				wantErr(t, err, fmt.Sprintf("a = %s is not less than b = %s.", x, y))
			}
			_, err = leFeltFixture(t, codeAssertLeFeltV0, x, y)
			if le && err != nil {
				t.Errorf("assert_le_felt v0 (%s, %s): %v", x, y, err)
			} else if !le {
				wantErr(t, err, fmt.Sprintf("a = %s is not less than or equal to b = %s.", x, y))
			}
			f, err := leFeltFixture(t, codeAssertLeFeltSmall, x, y)
			if !le {
				wantErr(t, err, fmt.Sprintf("a = %s is not less than or equal to b = %s.", x, y))
			} else if err != nil {
				t.Errorf("assert_le_felt small (%s, %s): %v", x, y, err)
			} else {
				small := x.Cmp(two128) < 0 && sub(y, x).Cmp(two128) < 0
				if got := f.getBig(f.fp(0)).Int64(); got != map[bool]int64{false: 0, true: 1}[small] {
					t.Errorf("assert_le_felt(%s, %s): small_inputs %d", x, y, got)
				}
			}
			f, err = leFeltFixture(t, codeIsLeFelt, x, y)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.getBig(f.st.AP).Int64(); got != map[bool]int64{true: 0, false: 1}[le] {
				t.Errorf("is_le_felt(%s, %s) wrote %d", x, y, got)
			}
		}
	}
	f := newFixture(t, codeAssertLtFelt, 0, tref{name: "a", value: fpArg(4)}, tref{name: "b", value: fpArg(3)})
	f.putBig(f.fp(-4), b(1))
	f.put(f.fp(-3), vm.PtrValue(vm.Relocatable{Segment: 1}))
	wantErr(t, f.run(), "Expected integer, found: 1:0.")
}

func TestAssertLeFeltArcs(t *testing.T) {
	over3, _ := testIdentifiers()[testScope+".PRIME_OVER_3_HIGH"], 0
	over2 := testIdentifiers()[testScope+".PRIME_OVER_2_HIGH"]
	vals := edgeValues()
	for _, x := range vals {
		for _, y := range vals {
			f, err := leFeltFixture(t, codeAssertLeFelt, x, y)
			if x.Cmp(y) > 0 {
				wantErr(t, err, fmt.Sprintf("a = %s is not less than or equal to b = %s.", x, y))
				continue
			}
			if err != nil {
				t.Errorf("assert_le_felt(%s, %s): %v", x, y, err)
				continue
			}
			// The three arcs a, b - a, P - 1 - b; the longest is excluded
			// (ties go to the higher index).
			lens := []*big.Int{x, sub(y, x), sub(pMinus1, y)}
			ex := 0
			for i := 1; i < 3; i++ {
				if lens[i].Cmp(lens[ex]) >= 0 {
					ex = i
				}
			}
			var short []*big.Int
			for i := 0; i < 3; i++ {
				if i != ex {
					short = append(short, lens[i])
				}
			}
			if short[0].Cmp(short[1]) > 0 {
				short[0], short[1] = short[1], short[0]
			}
			if got, _ := f.ctx().ScopeInt("excluded"); got == nil || got.Int64() != int64(ex) {
				t.Errorf("assert_le_felt(%s, %s): excluded %v, want %d", x, y, got, ex)
			}
			rc := f.get(f.fp(-5)).Ptr()
			for i, d := range []*big.Int{over3.Value, over2.Value} {
				q, r := new(big.Int).QuoRem(short[i], d, new(big.Int))
				if f.getBig(rc.Add(2*i+1)).Cmp(q) != 0 || f.getBig(rc.Add(2*i)).Cmp(r) != 0 {
					t.Errorf("assert_le_felt(%s, %s): arc %d split wrong", x, y, i)
				}
			}
			// The excluded hints that follow read the scope variable.
			for k, code := range []string{codeExcluded0, codeExcluded1} {
				g := newFixture(t, code, 0)
				g.st = f.st
				g.st.AP = g.st.AP.Add(1 + k)
				g.mustRun()
				if got := g.getBig(g.st.AP).Int64(); got != map[bool]int64{true: 1, false: 0}[ex != k] {
					t.Errorf("excluded=%d: %q wrote %d", ex, code, got)
				}
			}
			g := newFixture(t, codeExcluded2, 0)
			g.st = f.st
			if err := g.run(); (err == nil) != (ex == 2) {
				t.Errorf("excluded=%d: assert excluded == 2 gave %v", ex, err)
			}
		}
	}
}

func TestIsNN(t *testing.T) {
	for _, v := range append(edgeValues(), b(-1), b(-2), new(big.Int).Neg(two128), sub(b(-1), two128)) {
		f := newFixture(t, codeIsNN, 0, tref{name: "a", value: fpArg(3)})
		f.putBig(f.fp(-3), v)
		f.mustRun()
		want := int64(1)
		if modP(v).Cmp(two128) < 0 {
			want = 0
		}
		if got := f.getBig(f.st.AP).Int64(); got != want {
			t.Errorf("is_nn(%s) wrote %d, want %d", v, got, want)
		}
		g := newFixture(t, codeIsNNOutOfRange, 0, tref{name: "a", value: fpArg(3)})
		g.putBig(g.fp(-3), v)
		g.mustRun()
		want = 1
		if modP(sub(new(big.Int).Neg(modP(v)), b(1))).Cmp(two128) < 0 {
			want = 0
		}
		if got := g.getBig(g.st.AP).Int64(); got != want {
			t.Errorf("is_nn out_of_range(%s) wrote %d, want %d", v, got, want)
		}
	}
	// A relocatable value compares above every integer.
	f := newFixture(t, codeIsNN, 0, tref{name: "a", value: fpArg(3)})
	f.put(f.fp(-3), vm.PtrValue(vm.Relocatable{Segment: 1}))
	f.mustRun()
	if got := f.getBig(f.st.AP).Int64(); got != 1 {
		t.Errorf("is_nn(relocatable) wrote %d", got)
	}
	f = newFixture(t, codeIsNNOutOfRange, 0, tref{name: "a", value: fpArg(3)})
	f.put(f.fp(-3), vm.PtrValue(vm.Relocatable{Segment: 1}))
	wantErr(t, f.run(), "bad operand type for unary -")
}

func TestIsPositive(t *testing.T) {
	for _, v := range append(edgeValues(), b(-1), new(big.Int).Neg(sub(two128, b(1))), new(big.Int).Neg(two128)) {
		f := newFixture(t, codeIsPositive, 0, tref{name: "value", value: fpArg(3)}, tref{name: "is_positive", value: local(0)})
		f.putBig(f.fp(-3), v)
		err := f.run()
		s := signed(modP(v))
		if new(big.Int).Abs(s).Cmp(two128) >= 0 {
			wantErr(t, err, fmt.Sprintf("value=%s is out of the valid range.", s))
			continue
		}
		if err != nil {
			t.Errorf("is_positive(%s): %v", v, err)
			continue
		}
		if got := f.getBig(f.fp(0)).Int64(); got != map[bool]int64{true: 1, false: 0}[s.Sign() > 0] {
			t.Errorf("is_positive(%s) = %d", v, got)
		}
	}
}

func divRemFixture(t *testing.T, value, div *big.Int) (*fixture, error) {
	f := newFixture(t, codeUnsignedDivRem, 0,
		tref{name: "div", value: fpArg(3)}, tref{name: "value", value: fpArg(4)},
		tref{name: "q", value: rcCell(5, 1)}, tref{name: "r", value: rcCell(5, 0)},
		tref{name: "range_check_ptr", value: "cast([fp + (-5)] + 2, felt)"})
	f.withRC(5)
	f.putBig(f.fp(-3), div)
	f.putBig(f.fp(-4), value)
	return f, f.run()
}

func TestUnsignedDivRem(t *testing.T) {
	maxDiv := new(big.Int).Quo(P, two128)
	two64 := new(big.Int).Lsh(b(1), 64)
	divs := []*big.Int{b(1), b(2), b(3), b(1 << 40), sub(two64, b(1)), two64, add(two64, b(13)), sub(maxDiv, b(1)), maxDiv}
	// Around 2^64, where the hint leaves machine integers for big.Int.
	values := append(edgeValues(), sub(two64, b(1)), two64, b(1<<40+7))
	for _, v := range values {
		for _, d := range divs {
			f, err := divRemFixture(t, v, d)
			if err != nil {
				t.Errorf("unsigned_div_rem(%s, %s): %v", v, d, err)
				continue
			}
			q, r := floorDivMod(v, d)
			rc := f.get(f.fp(-5)).Ptr()
			if f.getBig(rc.Add(1)).Cmp(q) != 0 || f.getBig(rc).Cmp(r) != 0 {
				t.Errorf("unsigned_div_rem(%s, %s) = (%s, %s), want (%s, %s)", v, d, f.getBig(rc.Add(1)), f.getBig(rc), q, r)
			}
		}
	}
	for _, d := range []*big.Int{b(0), add(maxDiv, b(1)), pMinus1, b(-1)} {
		_, err := divRemFixture(t, b(5), d)
		wantErr(t, err, fmt.Sprintf("div=0x%s is out of the valid range.", modP(d).Text(16)))
	}
}

func signedDivRemFixture(t *testing.T, value, div, bound *big.Int) (*fixture, error) {
	f := newFixture(t, codeSignedDivRem, 0,
		tref{name: "value", value: fpArg(5)}, tref{name: "div", value: fpArg(4)}, tref{name: "bound", value: fpArg(3)},
		tref{name: "r", value: rcCell(6, 0)}, tref{name: "biased_q", value: rcCell(6, 1)},
		tref{name: "range_check_ptr", value: "cast([fp + (-6)] + 2, felt)"})
	f.withRC(6)
	f.putBig(f.fp(-5), value)
	f.putBig(f.fp(-4), div)
	f.putBig(f.fp(-3), bound)
	return f, f.run()
}

func TestSignedDivRem(t *testing.T) {
	values := append(edgeValues(), b(-1), b(-7), b(-8), new(big.Int).Neg(two128), new(big.Int).Neg(new(big.Int).Lsh(b(1), 200)))
	divs := []*big.Int{b(1), b(3), b(8), new(big.Int).Lsh(b(1), 64)}
	bounds := []*big.Int{b(10), new(big.Int).Lsh(b(1), 64), new(big.Int).Lsh(b(1), 127)}
	for _, v := range values {
		for _, d := range divs {
			for _, bd := range bounds {
				f, err := signedDivRemFixture(t, v, d, bd)
				iv := signed(modP(v))
				q, r := floorDivMod(iv, d)
				rc := f.get(f.fp(-6)).Ptr()
				if got := f.getBig(rc); got.Cmp(r) != 0 {
					t.Errorf("signed_div_rem(%s, %s, %s): r = %s, want %s", iv, d, bd, got, r)
				}
				if q.Cmp(new(big.Int).Neg(bd)) < 0 || q.Cmp(bd) >= 0 {
					wantErr(t, err, fmt.Sprintf("%s / %s = %s is out of the range [-%s, %s).", iv, d, q, bd, bd))
					continue
				}
				if err != nil {
					t.Errorf("signed_div_rem(%s, %s, %s): %v", iv, d, bd, err)
					continue
				}
				if got := f.getBig(rc.Add(1)); got.Cmp(add(q, bd)) != 0 {
					t.Errorf("signed_div_rem(%s, %s, %s): biased_q %s, want %s", iv, d, bd, got, add(q, bd))
				}
			}
		}
	}
	_, err := signedDivRemFixture(t, b(1), b(1), add(new(big.Int).Lsh(b(1), 127), b(1)))
	wantErr(t, err, "bound=0x80000000000000000000000000000001 is out of the valid range.")
	_, err = signedDivRemFixture(t, b(1), b(0), b(1))
	wantErr(t, err, "div=0x0 is out of the valid range.")
}

func TestSplitFelt(t *testing.T) {
	for _, v := range edgeValues() {
		f := newFixture(t, codeSplitFelt, 0,
			tref{name: "value", value: fpArg(3)}, tref{name: "low", value: rcCell(4, 0)}, tref{name: "high", value: rcCell(4, 1)})
		rc := f.withRC(4)
		f.putBig(f.fp(-3), v)
		f.mustRun()
		low := new(big.Int).Mod(v, two128)
		high := new(big.Int).Quo(v, two128)
		if f.getBig(rc).Cmp(low) != 0 || f.getBig(rc.Add(1)).Cmp(high) != 0 {
			t.Errorf("split_felt(%s) = (%s, %s)", v, f.getBig(rc.Add(1)), f.getBig(rc))
		}
	}
	f := newFixture(t, codeSplitFelt, 0, tref{name: "value", value: fpArg(3)})
	f.prog.Identifiers[testScope+".MAX_LOW"].Value = b(1)
	wantErr(t, f.run(), "PRIME - 1 == ids.MAX_HIGH * 2**128 + ids.MAX_LOW")
}

func TestAssert250Bit(t *testing.T) {
	for _, v := range edgeValues() {
		f := newFixture(t, codeAssert250Bit, 0,
			tref{name: "value", value: fpArg(3)}, tref{name: "low", value: rcCell(4, 0)}, tref{name: "high", value: rcCell(4, 1)})
		rc := f.withRC(4)
		f.putBig(f.fp(-3), v)
		err := f.run()
		if v.Cmp(two250) >= 0 {
			wantErr(t, err, fmt.Sprintf("%s is outside of the range [0, 2**250).", v))
			continue
		}
		if err != nil {
			t.Errorf("assert_250_bit(%s): %v", v, err)
			continue
		}
		if f.getBig(rc).Cmp(new(big.Int).Mod(v, two128)) != 0 || f.getBig(rc.Add(1)).Cmp(new(big.Int).Quo(v, two128)) != 0 {
			t.Errorf("assert_250_bit(%s): wrong split", v)
		}
	}
}

func TestSqrt(t *testing.T) {
	for _, v := range append(edgeValues(), b(3), b(4), b(15), b(16), new(big.Int).Mul(two128, two128)) {
		v = modP(v)
		f := newFixture(t, codeSqrt, 0, tref{name: "value", value: fpArg(3)}, tref{name: "root", value: local(0)})
		f.putBig(f.fp(-3), v)
		err := f.run()
		if v.Cmp(two250) >= 0 {
			wantErr(t, err, fmt.Sprintf("value=%s is outside of the range [0, 2**250).", v))
			continue
		}
		if err != nil {
			t.Errorf("sqrt(%s): %v", v, err)
			continue
		}
		r := f.getBig(f.fp(0))
		r1 := add(r, b(1))
		if new(big.Int).Mul(r, r).Cmp(v) > 0 || new(big.Int).Mul(r1, r1).Cmp(v) <= 0 {
			t.Errorf("sqrt(%s) = %s", v, r)
		}
	}
	f := newFixture(t, codeSqrt, 0, tref{name: "value", value: fpArg(3)})
	f.putBig(f.fp(-3), b(-1))
	wantErr(t, f.run(), fmt.Sprintf("value=%s is outside of the range [0, 2**250).", pMinus1))
}

func TestSplitInt(t *testing.T) {
	run := func(value, base, bound *big.Int) (*fixture, error) {
		f := newFixture(t, codeSplitInt, 0,
			tref{name: "value", value: fpArg(7)}, tref{name: "n", value: fpArg(6)}, tref{name: "base", value: fpArg(5)},
			tref{name: "bound", value: fpArg(4)}, tref{name: "output", value: "[cast(fp + (-3), felt**)]"})
		out := f.withRC(3)
		_ = out
		f.putBig(f.fp(-7), value)
		f.putBig(f.fp(-6), b(1))
		f.putBig(f.fp(-5), base)
		f.putBig(f.fp(-4), bound)
		return f, f.run()
	}
	for _, v := range edgeValues() {
		for _, base := range []*big.Int{b(2), b(10), two128, new(big.Int).Lsh(b(1), 64)} {
			for _, bound := range []*big.Int{base, b(5)} {
				f, err := run(v, base, bound)
				res := new(big.Int).Mod(v, base)
				if got := f.getBig(f.get(f.fp(-3)).Ptr()); got.Cmp(res) != 0 {
					t.Errorf("split_int(%s, base %s) wrote %s, want %s", v, base, got, res)
				}
				if res.Cmp(bound) >= 0 {
					wantErr(t, err, fmt.Sprintf("split_int(): Limb %s is out of range.", res))
				} else if err != nil {
					t.Errorf("split_int(%s, %s, %s): %v", v, base, bound, err)
				}
			}
		}
	}
	_, err := run(b(5), b(0), b(1))
	wantErr(t, err, "integer division or modulo by zero")
	for _, v := range []*big.Int{b(0), b(1), pMinus1} {
		f := newFixture(t, codeSplitIntAssertRange, 0, tref{name: "value", value: fpArg(3)})
		f.putBig(f.fp(-3), v)
		err := f.run()
		if v.Sign() == 0 && err != nil {
			t.Error(err)
		} else if v.Sign() != 0 {
			wantErr(t, err, "split_int(): value is out of range.")
		}
	}
}

// arrayFixture lays out an array of 2-cell elements whose first cells are
// keys, and binds find_element's arguments.
func arrayFixture(t *testing.T, code string, keys []vm.Value, nElms, key vm.Value) *fixture {
	return arrayFixtureSize(t, code, keys, vm.IntValue(2), nElms, key)
}

func arrayFixtureSize(t *testing.T, code string, keys []vm.Value, elmSize, nElms, key vm.Value) *fixture {
	f := newFixture(t, code, 0,
		tref{name: "array_ptr", value: "[cast(fp + (-6), felt**)]"}, tref{name: "elm_size", value: fpArg(5)},
		tref{name: "n_elms", value: fpArg(4)}, tref{name: "key", value: fpArg(3)},
		tref{name: "index", value: local(0)}, tref{name: "exists", value: local(1)})
	arr := f.withRC(6)
	for i, k := range keys {
		f.put(arr.Add(2*i), k)
		f.putBig(arr.Add(2*i+1), b(int64(1000+i)))
	}
	f.put(f.fp(-5), elmSize)
	f.put(f.fp(-4), nElms)
	f.put(f.fp(-3), key)
	return f
}

func vals(xs ...*big.Int) []vm.Value {
	out := make([]vm.Value, len(xs))
	for i, x := range xs {
		out[i] = bigValue(x)
	}
	return out
}

func TestFindElement(t *testing.T) {
	keys := vals(b(5), b(9), b(9), pMinus1)
	n := vm.IntValue(4)
	for _, c := range []struct {
		key   *big.Int
		index int64
	}{{b(5), 0}, {b(9), 1}, {pMinus1, 3}, {b(-1), 3}} {
		f := arrayFixture(t, codeFindElement, keys, n, bigValue(c.key))
		f.mustRun()
		if got := f.getBig(f.fp(0)).Int64(); got != c.index {
			t.Errorf("find_element(%s) = %d, want %d", c.key, got, c.index)
		}
	}
	f := arrayFixture(t, codeFindElement, keys, n, vm.IntValue(4))
	wantErr(t, f.run(), "Key 4 was not found.")
	f = arrayFixture(t, codeFindElement, keys, vm.IntValue(1), vm.IntValue(9))
	wantErr(t, f.run(), "Key 9 was not found.")
	f = arrayFixture(t, codeFindElement, keys, vm.IntValue(6), vm.IntValue(4))
	wantErr(t, f.run(), "Unknown value for memory cell at address 2:8.")
	f = arrayFixtureSize(t, codeFindElement, keys, vm.IntValue(0), n, vm.IntValue(9))
	wantErr(t, f.run(), "Invalid value for elm_size. Got: 0.")
	f = arrayFixture(t, codeFindElement, keys, vm.PtrValue(vm.Relocatable{Segment: 1}), vm.IntValue(9))
	wantErr(t, f.run(), "Invalid value for n_elms. Got: 1:0.")
	f = arrayFixture(t, codeFindElement, keys, n, vm.IntValue(9))
	f.st.Scope()["__find_element_max_size"] = big.NewInt(3)
	wantErr(t, f.run(), "find_element() can only be used with n_elms<=3. Got: n_elms=4.")
	// __find_element_index names the index and is consumed.
	f = arrayFixture(t, codeFindElement, keys, n, vm.IntValue(9))
	f.st.Scope()["__find_element_index"] = big.NewInt(2)
	f.mustRun()
	if got := f.getBig(f.fp(0)).Int64(); got != 2 {
		t.Errorf("find_element with __find_element_index = 2 wrote %d", got)
	}
	if _, ok := f.st.Scope()["__find_element_index"]; ok {
		t.Error("__find_element_index not deleted")
	}
	f = arrayFixture(t, codeFindElement, keys, n, vm.IntValue(9))
	f.st.Scope()["__find_element_index"] = big.NewInt(0)
	wantErr(t, f.run(), "Invalid index found in __find_element_index. index: 0, expected key 9, found key: 5.")
}

func TestSearchSorted(t *testing.T) {
	keys := vals(b(1), b(5), b(5), two128, pMinus1)
	ints := []*big.Int{b(1), b(5), b(5), two128, pMinus1}
	for _, nElms := range []int64{0, 1, 3, 5} {
		for _, key := range []*big.Int{b(0), b(1), b(2), b(5), b(6), sub(two128, b(1)), two128, sub(P, b(2)), pMinus1} {
			want, exists := nElms, int64(0)
			for i := int64(0); i < nElms; i++ {
				if ints[i].Cmp(key) >= 0 {
					want = i
					if ints[i].Cmp(key) == 0 {
						exists = 1
					}
					break
				}
			}
			f := arrayFixture(t, codeSearchSortedLower, keys, vm.IntValue(uint64(nElms)), bigValue(key))
			f.mustRun()
			if got := f.getBig(f.fp(0)).Int64(); got != want {
				t.Errorf("search_sorted_lower(n=%d, key=%s) = %d, want %d", nElms, key, got, want)
			}
			f = arrayFixture(t, codeSearchSortedOptimistic, keys, vm.IntValue(uint64(nElms)), bigValue(key))
			f.mustRun()
			if got, e := f.getBig(f.fp(0)).Int64(), f.getBig(f.fp(1)).Int64(); got != want || e != exists {
				t.Errorf("search_sorted_optimistic(n=%d, key=%s) = (%d, %d), want (%d, %d)", nElms, key, got, e, want, exists)
			}
		}
	}
	// A relocatable element is >= every integer key.
	f := arrayFixture(t, codeSearchSortedLower, []vm.Value{vm.IntValue(1), vm.PtrValue(vm.Relocatable{Segment: 1})}, vm.IntValue(2), bigValue(pMinus1))
	f.mustRun()
	if got := f.getBig(f.fp(0)).Int64(); got != 1 {
		t.Errorf("search_sorted_lower over a relocatable element = %d", got)
	}
	f = arrayFixtureSize(t, codeSearchSortedLower, keys, vm.PtrValue(vm.Relocatable{Segment: 1}), vm.IntValue(5), vm.IntValue(1))
	wantErr(t, f.run(), "Invalid value for elm_size. Got: 1:0.")
}
