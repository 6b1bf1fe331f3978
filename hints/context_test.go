package hints

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/cairn-vm/cairn/vm"
)

const u256 = "starkware.cairo.common.uint256.Uint256"

// idsFixture is a hint (alloc, never run) whose flow holds references of
// every shape, at hint ap offset 5.
func idsFixture(t *testing.T) *fixture {
	f := newFixture(t, codeAlloc, 5,
		tref{name: "a", value: "[cast(fp + (-3), felt*)]"},
		tref{name: "t1", value: "[cast(ap + (-1), felt*)]", off: 2},
		tref{name: "t0", value: "[cast(ap, felt*)]", off: 5},
		tref{name: "old", value: "[cast(ap + (-1), felt*)]", off: 2, group: 7},
		tref{name: "oldfp", value: "[cast(fp + 1, felt*)]", off: 2, group: 7},
		tref{name: "ptr", value: "cast(ap + (-1), felt*)", off: 5},
		tref{name: "dd", value: "[cast([fp + (-4)] + 2, felt*)]"},
		tref{name: "sum", value: "cast([fp + (-4)] + 2, felt)"},
		tref{name: "five", value: "cast(5, felt)"},
		tref{name: "neg", value: "cast(-5, felt)"},
		tref{name: "local0", value: "[cast(fp, felt*)]"},
		tref{name: "ddd", value: "[[cast(fp + 3, felt**)]]"},
		tref{name: "u", value: "[cast(fp + (-6), " + u256 + "*)]"},
		tref{name: "p", value: "[cast(fp + (-7), __main__.Pair**)]"},
		tref{name: "pv", value: "[cast(fp + (-12), __main__.Pair*)]"},
		tref{name: "tup", value: "cast((1, 2), " + u256 + ")"},
		tref{name: "prod", value: "cast(2 * [fp + (-3)] + (-1) * [ap + (-2)], felt)", off: 5},
		tref{name: "SHADOW", value: "[cast(fp + 9, felt*)]"},
	)
	f.prog.Identifiers[testScope+".gone"] = &vm.Identifier{Type: "reference"}
	return f
}

func TestIdsReferences(t *testing.T) {
	f := idsFixture(t)
	c := f.ctx()
	ap := f.st.AP
	arr := f.st.Mem.AddSegment() // 2:0
	f.putBig(f.fp(-3), b(42))
	f.put(f.fp(-4), vm.PtrValue(arr))
	f.putBig(arr.Add(2), b(7))
	f.putBig(ap.Add(-4), b(11)) // t1: ap - (5 - 2) - 1
	f.putBig(ap.Add(-2), b(3))
	f.put(f.fp(3), vm.PtrValue(arr.Add(5)))
	f.put(arr.Add(5), vm.PtrValue(arr.Add(9)))
	f.putBig(arr.Add(9), b(99))

	check := func(name string, want vm.Value) {
		t.Helper()
		got, err := c.Get(name)
		if err != nil {
			t.Fatalf("Get(%s): %v", name, err)
		}
		if !got.Equal(want) {
			t.Fatalf("Get(%s) = %s, want %s", name, got, want)
		}
	}
	check("a", vm.IntValue(42))
	check("t1", vm.IntValue(11))
	check("ptr", vm.PtrValue(ap.Add(-1)))
	check("dd", vm.IntValue(7))
	check("sum", vm.PtrValue(arr.Add(2)))
	check("five", vm.IntValue(5))
	check("neg", bigValue(b(-5)))
	check("ddd", vm.PtrValue(arr.Add(9)))
	check("prod", bigValue(b(2*42-3)))

	if v, err := c.Big("neg"); err != nil || v.Cmp(sub(P, b(5))) != 0 {
		t.Errorf("Big(neg) = %v, %v", v, err)
	}
	if v, err := c.Signed("neg"); err != nil || v.Int64() != -5 {
		t.Errorf("Signed(neg) = %v, %v", v, err)
	}
	if _, err := c.Felt("ptr"); err == nil || err.Error() != "Expected integer, found: 1:29." {
		t.Errorf("Felt(ptr) error %v", err)
	}

	// An fp-based reference survives another ap-tracking group; an ap-based
	// one is revoked.
	f.putBig(f.fp(1), b(5))
	check("oldfp", vm.IntValue(5))
	_, err := c.Get("old")
	var rev *RevokedError
	if !errors.As(err, &rev) || err.Error() != "Reference 'old' is revoked." || rev.RefGroup != 7 || rev.HintGroup != 1 {
		t.Errorf("Get(old) error %v", err)
	}
	if _, err := c.Get("gone"); !errors.As(err, &rev) {
		t.Errorf("Get(gone) error %v", err)
	}

	// Unwritten cells are cairo-lang's UnknownMemoryError.
	if _, err := c.Get("local0"); err == nil || err.Error() != "Unknown value for memory cell at address 1:20." {
		t.Errorf("Get(local0) error %v", err)
	}
	// Set writes the cell a reference denotes, once.
	if err := c.Set("local0", vm.IntValue(8)); err != nil {
		t.Fatal(err)
	}
	check("local0", vm.IntValue(8))
	if err := c.Set("t0", vm.IntValue(1)); err != nil {
		t.Fatal(err)
	}
	if got := f.get(ap); !got.Equal(vm.IntValue(1)) {
		t.Errorf("Set(t0) wrote %s at ap", got)
	}
	if err := c.Set("local0", vm.IntValue(9)); err == nil {
		t.Error("second write of a different value succeeded")
	}
	if err := c.Set("ptr", vm.IntValue(1)); err == nil || !strings.Contains(err.Error(), "does not reference memory and cannot be assigned") {
		t.Errorf("Set(ptr) error %v", err)
	}
	if a, err := c.CellAddr("dd"); err != nil || a != arr.Add(2) {
		t.Errorf("CellAddr(dd) = %v, %v", a, err)
	}
	// The reference in the hint's flow wins over a constant of the same name.
	f.putBig(f.fp(9), b(123))
	check("SHADOW", vm.IntValue(123))
}

// [[reg + k] + j] references are read without evaluating the expression
// when the inner cell holds an ordinary pointer; every other case must
// give what evaluation gives, errors included.
func TestIdsDerefPtrMatchesEval(t *testing.T) {
	for _, tc := range []struct {
		name  string
		inner func(f *fixture, arr vm.Relocatable) // what [fp - 4] holds
	}{
		{"pointer", func(f *fixture, arr vm.Relocatable) { f.put(f.fp(-4), vm.PtrValue(arr.Add(1))) }},
		{"felt", func(f *fixture, arr vm.Relocatable) { f.putBig(f.fp(-4), b(3)) }},
		{"unknown", func(f *fixture, arr vm.Relocatable) {}},
		{"below the segment", func(f *fixture, arr vm.Relocatable) { f.put(f.fp(-4), vm.PtrValue(arr)) }},
	} {
		f := newFixture(t, codeAlloc, 0,
			tref{name: "dd", value: "[cast([fp + (-4)] + (-1), felt*)]"},
			tref{name: "dd2", value: "[cast([fp + (-4)] + 2, felt*)]"})
		c := f.ctx()
		arr := f.st.Mem.AddSegment()
		f.putBig(arr, b(70))
		tc.inner(f, arr)
		for _, name := range []string{"dd", "dd2"} {
			if got := c.h.roots[name].ref.simple; got != simpleDerefPtr {
				t.Fatalf("%s is not classified as [[reg + k] + j] (%d)", name, got)
			}
			env := c.env(c.h.roots[name])
			want, wantErr := env.eval(c.h.roots[name].ref.e)
			got, err := c.Get(name)
			if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() || err == nil && !got.Equal(want) {
				t.Errorf("%s: Get(%s) = %s, %v; evaluation gives %s, %v", tc.name, name, got, err, want, wantErr)
			}
			addr, err := c.CellAddr(name)
			want, wantErr = env.eval(stripCasts(c.h.roots[name].ref.e).(*exprDeref).addr)
			if wantErr == nil && !want.IsPtr() {
				wantErr = fmt.Errorf("ids.%s: address %s is not relocatable", name, want)
			}
			if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() || err == nil && !vm.PtrValue(addr).Equal(want) {
				t.Errorf("%s: CellAddr(%s) = %s, %v; evaluation gives %s, %v", tc.name, name, addr, err, want, wantErr)
			}
		}
	}
}

func TestIdsStructs(t *testing.T) {
	f := idsFixture(t)
	c := f.ctx()
	s := f.st.Mem.AddSegment() // the Pair p points to: 2:0
	t2 := f.st.Mem.AddSegment()
	f.put(f.fp(-7), vm.PtrValue(s))
	f.putBig(s, b(10))               // p.a.low
	f.putBig(s.Add(1), b(20))        // p.a.high
	f.put(s.Add(2), vm.PtrValue(t2)) // p.next
	f.putBig(s.Add(3), b(30))        // p.x
	f.putBig(t2.Add(3), b(40))       // p.next.x
	f.putBig(f.fp(-6), b(1))         // u.low
	f.putBig(f.fp(-5), pMinus1)      // u.high
	f.putBig(f.fp(-9), b(50))        // pv.x
	f.putBig(f.fp(-11), b(60))       // pv.a.high
	checks := map[string]vm.Value{
		"u.low":        vm.IntValue(1),
		"u.high":       bigValue(pMinus1),
		"p":            vm.PtrValue(s),
		"p.x":          vm.IntValue(30),
		"p.a.low":      vm.IntValue(10),
		"p.a.high":     vm.IntValue(20),
		"p.next":       vm.PtrValue(t2),
		"p.next.x":     vm.IntValue(40),
		"pv.x":         vm.IntValue(50),
		"pv.a.high":    vm.IntValue(60),
		"Uint256.SIZE": vm.IntValue(2),
	}
	for name, want := range checks {
		got, err := c.Get(name)
		if err != nil {
			t.Errorf("Get(%s): %v", name, err)
			continue
		}
		if !got.Equal(want) {
			t.Errorf("Get(%s) = %s, want %s", name, got, want)
		}
	}
	addrs := map[string]vm.Relocatable{"u": f.fp(-6), "p": s, "p.a": s, "p.next": t2, "pv": f.fp(-12), "pv.a": f.fp(-12)}
	for name, want := range addrs {
		got, err := c.Addr(name)
		if err != nil || got != want {
			t.Errorf("Addr(%s) = %v, %v; want %v", name, got, err, want)
		}
	}
	if err := c.Set("p.next.a.high", vm.IntValue(5)); err != nil {
		t.Fatal(err)
	}
	if got := f.get(t2.Add(1)); !got.Equal(vm.IntValue(5)) {
		t.Errorf("Set(p.next.a.high) wrote %s", got)
	}
	errs := map[string]string{
		"u":       "has type '" + u256 + "'",
		"u.nope":  "'nope' is not a member of '" + u256 + "'.",
		"p.a":     "has type '" + u256 + "'",
		"a.low":   "has no members",
		"p.x.y":   "has no members",
		"tup.low": "Expected expression of type '" + u256 + "' to have an address.",
		"nope":    "Unknown identifier 'nope'.",
		"a..b":    "invalid ids name",
	}
	for name, want := range errs {
		_, err := c.Get(name)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Get(%s) error %v, want %q", name, err, want)
		}
	}
	if _, err := c.Addr("a"); err == nil {
		t.Error("Addr of a felt succeeded")
	}
}

func TestIdsConstants(t *testing.T) {
	c := idsFixture(t).ctx()
	want := map[string]*big.Int{
		"SHIFT":                two128,
		"MAX_LOW":              b(0),
		"DictAccess.SIZE":      b(3),
		"DictAccess.new_value": b(2),
		"Uint256.high":         b(1),
		"NEG":                  b(-5),
		"ns.INNER":             b(77),
		"__main__.ns.INNER":    b(77),
		"starkware.cairo.common.dict_access.DictAccess.SIZE": b(3),
	}
	for name, w := range want {
		got, err := c.Const(name)
		if err != nil || got.Cmp(w) != 0 {
			t.Errorf("Const(%s) = %v, %v; want %v", name, got, err, w)
		}
	}
	// Big gives a constant's value as recorded; Get reduces it modulo P.
	if v, _ := c.Big("NEG"); v.Int64() != -5 {
		t.Errorf("Big(NEG) = %v", v)
	}
	if v, _ := c.Get("NEG"); !v.Equal(bigValue(b(-5))) {
		t.Errorf("Get(NEG) = %v", v)
	}
	for name, msg := range map[string]string{
		"nope":            "Unknown identifier 'nope'.",
		"DictAccess.nope": "'nope' is not a member of",
		"DictAccess":      "SIZE",
		"ns":              "is a scope",
		"SHIFT.x":         "is a constant",
		"a":               "is not a constant",
	} {
		if _, err := c.Const(name); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("Const(%s) error %v, want %q", name, err, msg)
		}
	}
	if err := c.Set("SHIFT", vm.IntValue(1)); err == nil {
		t.Error("Set of a constant succeeded")
	}
}

// TestIdsConstShadowing: the innermost accessible scope wins.
func TestIdsConstShadowing(t *testing.T) {
	f := newFixture(t, codeAlloc, 0)
	c := f.ctx()
	if v, err := c.Const("SHADOW"); err != nil || v.Int64() != 2 {
		t.Errorf("Const(SHADOW) = %v, %v; want the inner 2", v, err)
	}
}

func TestIdsScopes(t *testing.T) {
	c := idsFixture(t).ctx()
	if _, err := c.ScopeInt("n"); err == nil || err.Error() != "name 'n' is not defined" {
		t.Errorf("ScopeInt error %v", err)
	}
	c.EnterScope(map[string]any{"n": 3})
	if v, err := c.ScopeInt("n"); err != nil || v.Int64() != 3 {
		t.Errorf("ScopeInt = %v, %v", v, err)
	}
	if err := c.ExitScope(); err != nil {
		t.Fatal(err)
	}
	if err := c.ExitScope(); err == nil {
		t.Error("exited the main scope")
	}
}
