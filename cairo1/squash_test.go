package cairo1

import (
	"fmt"
	"math/big"
	"sort"
	"testing"

	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/vm"
)

// squashFixture writes an accesses array (key, prev, new per access) and
// hands out fresh cells for the hints' outputs.
type squashFixture struct {
	*fixture
	accesses vm.Relocatable
	next     int16
}

func newSquashFixture(t *testing.T, keys []*big.Int) *squashFixture {
	f := &squashFixture{fixture: newFixture(t)}
	f.accesses = f.st.Mem.AddSegment()
	for i, k := range keys {
		f.setAt(f.accesses.Add(3*i), feltOf(mod(k)))
		f.setAt(f.accesses.Add(3*i+1), vm.IntValue(0))
		f.setAt(f.accesses.Add(3*i+2), vm.IntValue(0))
	}
	f.set(fp(0), vm.PtrValue(f.accesses))
	return f
}

func (f *squashFixture) cell() class.CellRef { f.next++; return ap(f.next) }

func (f *squashFixture) initSquash(n int) (bigKeys, firstKey class.CellRef, err error) {
	bigKeys, firstKey = f.cell(), f.cell()
	err = f.run(&class.InitSquashData{DictAccesses: deref(fp(0)), PtrDiff: imm(bi(int64(3 * n))),
		NAccesses: imm(bi(int64(n))), BigKeys: bigKeys, FirstKey: firstKey})
	return bigKeys, firstKey, err
}

// TestSquashLoop plays squash_dict's loop over the accesses and checks
// every hint against the accesses grouped here.
func TestSquashLoop(t *testing.T) {
	keys := []*big.Int{bi(5), bi(3), bi(5), pow2(128), bi(3), bi(5), bi(0), pMinus1, u128Max, bi(5)}
	f := newSquashFixture(t, keys)
	bigKeys, firstKey, err := f.initSquash(len(keys))
	if err != nil {
		t.Fatal(err)
	}
	// Expected: keys ascending, each with its access indices ascending.
	groups := map[string][]int{}
	var order []*big.Int
	for i, k := range keys {
		s := k.String()
		if _, ok := groups[s]; !ok {
			order = append(order, k)
		}
		groups[s] = append(groups[s], i)
	}
	sort.Slice(order, func(i, j int) bool { return order[i].Cmp(order[j]) < 0 })
	f.wantBig("big_keys", bigKeys, bi(1)) // P - 1 >= 2^128
	f.wantBig("first_key", firstKey, order[0])

	rc := f.st.Mem.AddSegment()
	for ki, key := range order {
		idx := groups[key.String()]
		if ki > 0 {
			c := f.cell()
			f.mustRun(&class.GetNextDictKey{NextKey: c})
			f.wantBig("next_key", c, key)
		}
		f.set(fp(1+int16(ki)), vm.PtrValue(rc.Add(ki)))
		f.mustRun(&class.GetCurrentAccessIndex{RangeCheckPtr: deref(fp(1 + int16(ki)))})
		f.wantBigAt(fmt.Sprintf("first access index of key %s", key), rc.Add(ki), bi(int64(idx[0])))
		c := f.cell()
		f.mustRun(&class.ShouldSkipSquashLoop{ShouldSkipLoop: c})
		skip := bi(0)
		if len(idx) == 1 {
			skip = bi(1)
		}
		f.wantBig(fmt.Sprintf("should_skip_loop of key %s", key), c, skip)
		for j := 1; j < len(idx); j++ {
			c := f.cell()
			f.mustRun(&class.GetCurrentAccessDelta{IndexDeltaMinus1: c})
			f.wantBig(fmt.Sprintf("index_delta_minus1 of key %s, access %d", key, j), c, bi(int64(idx[j]-idx[j-1]-1)))
			c = f.cell()
			f.mustRun(&class.ShouldContinueSquashLoop{ShouldContinue: c})
			cont := bi(0)
			if j < len(idx)-1 {
				cont = bi(1)
			}
			f.wantBig(fmt.Sprintf("should_continue of key %s, access %d", key, j), c, cont)
		}
		// The deprecated assertions hold at the end of each key.
		f.mustRun(&class.AssertCurrentAccessIndicesIsEmpty{})
		c = f.cell()
		f.set(c, vm.IntValue(uint64(len(idx))))
		f.mustRun(&class.AssertAllAccessesUsed{NUsedAccesses: c})
		c = f.cell()
		f.set(c, vm.IntValue(uint64(len(idx)+1)))
		h := &class.AssertAllAccessesUsed{NUsedAccesses: c}
		wantErr(t, f.run(h), h, ErrAssertion)
		if ki < len(order)-1 {
			h := &class.AssertAllKeysUsed{}
			wantErr(t, f.run(h), h, ErrAssertion)
		}
	}
	f.mustRun(&class.AssertAllKeysUsed{})
	h := &class.GetNextDictKey{NextKey: f.cell()}
	wantErr(t, f.run(h), h, ErrAssertion)
	hd := &class.GetCurrentAccessDelta{IndexDeltaMinus1: f.cell()}
	wantErr(t, f.run(hd), hd, ErrSquash)
}

func TestInitSquashDataBigKeys(t *testing.T) {
	for _, c := range []struct {
		keys []*big.Int
		big  int64
	}{
		{[]*big.Int{bi(0)}, 0},
		{[]*big.Int{bi(1), u128Max, bi(1)}, 0},
		{[]*big.Int{pow2(128)}, 1},
		{[]*big.Int{bi(7), pow2(128), bi(3)}, 1},
		{[]*big.Int{pMinus1, bi(0)}, 1},
	} {
		f := newSquashFixture(t, c.keys)
		bigKeys, firstKey, err := f.initSquash(len(c.keys))
		if err != nil {
			t.Fatal(err)
		}
		min := c.keys[0]
		for _, k := range c.keys {
			if k.Cmp(min) < 0 {
				min = k
			}
		}
		f.wantBig(fmt.Sprintf("big_keys of %v", c.keys), bigKeys, bi(c.big))
		f.wantBig(fmt.Sprintf("first_key of %v", c.keys), firstKey, min)
	}
}

func TestInitSquashDataErrors(t *testing.T) {
	f := newSquashFixture(t, []*big.Int{bi(1), bi(2)})
	h := &class.InitSquashData{DictAccesses: deref(fp(0)), PtrDiff: imm(bi(4)), NAccesses: imm(bi(2)), BigKeys: ap(0), FirstKey: ap(1)}
	wantErr(t, f.run(h), h, ErrAssertion)
	h = &class.InitSquashData{DictAccesses: deref(fp(0)), PtrDiff: imm(bi(0)), NAccesses: imm(bi(0)), BigKeys: ap(0), FirstKey: ap(1)}
	wantErr(t, f.run(h), h, ErrSquash)
	// Reading past the accesses.
	h = &class.InitSquashData{DictAccesses: deref(fp(0)), PtrDiff: imm(bi(9)), NAccesses: imm(bi(3)), BigKeys: ap(0), FirstKey: ap(1)}
	wantErr(t, f.run(h), h, vm.ErrUnknownCell)

	// The loop's hints need a squash in progress.
	g := fresh(t)
	g.set(fp(0), vm.PtrValue(g.exec))
	for _, h := range []class.Hint{
		&class.GetCurrentAccessIndex{RangeCheckPtr: deref(fp(0))},
		&class.ShouldSkipSquashLoop{ShouldSkipLoop: ap(0)},
		&class.GetCurrentAccessDelta{IndexDeltaMinus1: ap(0)},
		&class.ShouldContinueSquashLoop{ShouldContinue: ap(0)},
		&class.GetNextDictKey{NextKey: ap(0)},
		&class.AssertCurrentAccessIndicesIsEmpty{},
		&class.AssertAllAccessesUsed{NUsedAccesses: ap(0)},
		&class.AssertAllKeysUsed{},
	} {
		wantErr(t, g.run(h), h, ErrSquash)
	}
}

// The constants of the arcs hint, as cairo-lang-casm writes them:
// ceil((PRIME / 3) / 2^128) and ceil((PRIME / 2) / 2^128).
var (
	arcsC3 = hexBig("3544607988759775765608368578435044694")
	arcsC2 = hexBig("5316911983139663648412552867652567041")
)

func TestAssertLeFindSmallArcs(t *testing.T) {
	third := new(big.Int).Quo(primeP, bi(3))
	half := new(big.Int).Quo(primeP, bi(2))
	cases := [][2]*big.Int{
		{bi(0), bi(0)}, {bi(0), bi(1)}, {bi(1), bi(1)}, {bi(0), pMinus1}, {pMinus1, pMinus1},
		{bi(5), pMinus1}, {pow2(128), pow2(200)}, {third, new(big.Int).Mul(third, bi(2))},
		{sub(primeP, bi(2)), pMinus1}, {bi(1), half}, {half, half}, {u128Max, pow2(128)},
		{new(big.Int).Mul(third, bi(2)), pMinus1},
	}
	for _, c := range cases {
		a, b := c[0], c[1]
		f := fresh(t)
		rc := f.st.Mem.AddSegment()
		f.set(fp(0), vm.PtrValue(rc))
		f.setBig(fp(1), a)
		f.setBig(fp(2), b)
		f.mustRun(&class.AssertLeFindSmallArcs{RangeCheckPtr: deref(fp(0)), A: deref(fp(1)), B: deref(fp(2))})
		type arc struct {
			l *big.Int
			i int
		}
		arcs := []arc{{a, 0}, {sub(b, a), 1}, {sub(pMinus1, b), 2}}
		sort.SliceStable(arcs, func(i, j int) bool {
			if c := arcs[i].l.Cmp(arcs[j].l); c != 0 {
				return c < 0
			}
			return arcs[i].i < arcs[j].i
		})
		name := fmt.Sprintf("a=%s b=%s", a, b)
		q0, r0 := new(big.Int).DivMod(arcs[0].l, arcsC3, new(big.Int))
		q1, r1 := new(big.Int).DivMod(arcs[1].l, arcsC2, new(big.Int))
		f.wantBigAt(name+" rc[0]", rc, r0)
		f.wantBigAt(name+" rc[1]", rc.Add(1), q0)
		f.wantBigAt(name+" rc[2]", rc.Add(2), r1)
		f.wantBigAt(name+" rc[3]", rc.Add(3), q1)
		// The range checks that follow hold: both limbs below 2^128.
		for _, v := range []*big.Int{q0, r0, q1, r1} {
			if v.Cmp(pow2(128)) >= 0 {
				t.Errorf("%s: a range-checked value %s is not below 2^128", name, v)
			}
		}
		f.mustRun(&class.AssertLeIsFirstArcExcluded{SkipExcludeAFlag: ap(0)})
		f.mustRun(&class.AssertLeIsSecondArcExcluded{SkipExcludeBMinusA: ap(1)})
		ex := arcs[2].i
		f.wantBig(name+" skip_exclude_a_flag", ap(0), boolBig(ex != 0))
		f.wantBig(name+" skip_exclude_b_minus_a", ap(1), boolBig(ex != 1))
		h := &class.AssertLeAssertThirdArcExcluded{}
		if err := f.run(h); ex == 2 && err != nil {
			t.Errorf("%s: %v", name, err)
		} else if ex != 2 {
			wantErr(t, err, h, ErrAssertion)
		}
	}
	// a > b.
	f := fresh(t)
	f.set(fp(0), vm.PtrValue(f.st.Mem.AddSegment()))
	h := &class.AssertLeFindSmallArcs{RangeCheckPtr: deref(fp(0)), A: imm(bi(2)), B: imm(bi(1))}
	wantErr(t, f.run(h), h, ErrAssertion)
	// The flags need the arcs.
	g := fresh(t)
	for _, h := range []class.Hint{&class.AssertLeIsFirstArcExcluded{SkipExcludeAFlag: ap(0)},
		&class.AssertLeIsSecondArcExcluded{SkipExcludeBMinusA: ap(0)}, &class.AssertLeAssertThirdArcExcluded{}} {
		wantErr(t, g.run(h), h, ErrAssertion)
	}
}

func boolBig(b bool) *big.Int {
	if b {
		return bi(1)
	}
	return bi(0)
}

func TestAssertLtAssertValidInput(t *testing.T) {
	for _, c := range [][2]*big.Int{{bi(0), bi(1)}, {u128Max, pow2(128)}, {bi(0), pMinus1}, {sub(primeP, bi(2)), pMinus1}} {
		f := fresh(t)
		f.mustRun(&class.AssertLtAssertValidInput{A: imm(c[0]), B: imm(c[1])})
		h := &class.AssertLtAssertValidInput{A: imm(c[1]), B: imm(c[0])}
		wantErr(t, f.run(h), h, ErrAssertion)
		h = &class.AssertLtAssertValidInput{A: imm(c[0]), B: imm(c[0])}
		wantErr(t, f.run(h), h, ErrAssertion)
	}
	f := fresh(t)
	f.set(fp(0), vm.PtrValue(f.exec))
	h := &class.AssertLtAssertValidInput{A: deref(fp(0)), B: imm(bi(1))}
	wantErr(t, f.run(h), h, ErrNotInteger)
}

func TestInitSquashDataMaxSize(t *testing.T) {
	keys := []*big.Int{bi(1), bi(2), bi(1)}
	for _, c := range []struct {
		limit any
		fail  bool
	}{
		{nil, false}, {3, false}, {2, true}, {int64(2), true}, {uint64(3), false}, {big.NewInt(2), true},
	} {
		f := newSquashFixture(t, keys)
		if c.limit != nil {
			f.st.Scopes[0][SquashDictMaxSizeVar] = c.limit
		}
		_, _, err := f.initSquash(len(keys))
		if c.fail {
			wantErr(t, err, &class.InitSquashData{}, ErrAssertion)
		} else if err != nil {
			t.Errorf("limit %v: %v", c.limit, err)
		}
	}
	// The innermost scope's value counts too.
	f := newSquashFixture(t, keys)
	f.st.EnterScope(map[string]any{SquashDictMaxSizeVar: 1})
	_, _, err := f.initSquash(len(keys))
	wantErr(t, err, &class.InitSquashData{}, ErrAssertion)
}
