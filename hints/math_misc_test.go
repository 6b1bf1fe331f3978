package hints

import (
	"math/big"
	"testing"

	"github.com/cairn-vm/cairn/vm"
)

func TestMathImport(t *testing.T) {
	f := newFixture(t, codeMathImport, 0)
	f.mustRun()
	if v := f.st.Mem.Get(f.st.AP); v.Known() {
		t.Errorf("import math wrote %s at ap", v)
	}
}

// mtPowFixture is pow.cairo's bit hint with prev_locs at fp - 5 and locs
// at fp, both LoopLocals (base, exp, bit, ...).
func mtPowFixture(t *testing.T) *fixture {
	f := utFixture(t, codeMathPowBit, utRef("prev_locs", -5, "__main__.LoopLocals"), utRef("locs", 0, "__main__.LoopLocals"))
	f.prog.Identifiers["__main__.LoopLocals"] = &vm.Identifier{Type: "struct", Size: intp(5), Members: map[string]vm.Member{
		"bit": {CairoType: "felt", Offset: 0}, "temp0": {CairoType: "felt", Offset: 1}, "res": {CairoType: "felt", Offset: 2},
		"base": {CairoType: "felt", Offset: 3}, "exp": {CairoType: "felt", Offset: 4}}}
	return f
}

func TestMathPowBit(t *testing.T) {
	for _, e := range edgeValues() {
		f := mtPowFixture(t)
		f.putBig(f.fp(-1), e) // prev_locs.exp
		f.mustRun()
		want := new(big.Int).Mod(e, b(2))
		if got := f.getBig(f.fp(0)); got.Cmp(want) != 0 {
			t.Errorf("exp %s: bit %s, want %s", e, got, want)
		}
	}
	f := mtPowFixture(t)
	f.put(f.fp(-1), vm.PtrValue(vm.Relocatable{Segment: 1, Offset: 1}))
	wantErr(t, f.run(), "unsupported operand type(s) for &")
}

func TestMathLSB(t *testing.T) {
	for _, a := range edgeValues() {
		f := newFixture(t, codeMathLSB, 0, tref{name: "a", value: fpArg(4)}, tref{name: "b", value: fpArg(3)},
			tref{name: "a_lsb", value: local(0)}, tref{name: "b_lsb", value: local(1)})
		f.putBig(f.fp(-4), a)
		f.putBig(f.fp(-3), add(a, b(1)))
		f.mustRun()
		wa, wb := new(big.Int).Mod(a, b(2)), new(big.Int).Mod(modP(add(a, b(1))), b(2))
		if ga, gb := f.getBig(f.fp(0)), f.getBig(f.fp(1)); ga.Cmp(wa) != 0 || gb.Cmp(wb) != 0 {
			t.Errorf("a=%s: lsb %s %s, want %s %s", a, ga, gb, wa, wb)
		}
	}
}

func TestMathNormalizeAddress(t *testing.T) {
	addrBound := sub(new(big.Int).Lsh(b(1), 251), b(256)) // storage.cairo's ADDR_BOUND
	setBound := func(f *fixture, v *big.Int) {
		f.prog.Identifiers["__main__.f.ADDR_BOUND"] = &vm.Identifier{Type: "const", Value: v}
	}
	vals := append(edgeValues(), sub(addrBound, b(1)), addrBound, add(addrBound, b(1)))
	for _, addr := range vals {
		f := newFixture(t, codeMathNormalizeAddress, 0, tref{name: "addr", value: fpArg(3)}, tref{name: "is_small", value: local(0)})
		setBound(f, addrBound)
		f.putBig(f.fp(-3), addr)
		f.mustRun()
		want := int64(0)
		if addr.Cmp(addrBound) < 0 {
			want = 1
		}
		if got := f.getBig(f.fp(0)); got.Int64() != want {
			t.Errorf("addr %s: is_small %s, want %d", addr, got, want)
		}

		g := newFixture(t, codeMathIs250, 0, tref{name: "addr", value: fpArg(3)}, tref{name: "is_250", value: local(0)})
		g.putBig(g.fp(-3), addr)
		g.mustRun()
		want = 0
		if addr.Cmp(two250) < 0 {
			want = 1
		}
		if got := g.getBig(g.fp(0)); got.Int64() != want {
			t.Errorf("addr %s: is_250 %s, want %d", addr, got, want)
		}
	}
	// An address is never below an integer.
	f := newFixture(t, codeMathIs250, 0, tref{name: "addr", value: fpArg(3)}, tref{name: "is_250", value: local(0)})
	f.put(f.fp(-3), vm.PtrValue(vm.Relocatable{Segment: 1}))
	f.mustRun()
	if got := f.getBig(f.fp(0)); got.Sign() != 0 {
		t.Errorf("is_250 of an address: %s", got)
	}
	// Bounds outside (2**250, 2**251], or not above PRIME / 2, are refused;
	// a negative constant is reduced modulo PRIME first.
	for _, bad := range []*big.Int{two250, add(new(big.Int).Lsh(b(1), 251), b(1)), add(new(big.Int).Rsh(P, 1), b(0)), b(-1)} {
		f := newFixture(t, codeMathNormalizeAddress, 0, tref{name: "addr", value: fpArg(3)}, tref{name: "is_small", value: local(0)})
		setBound(f, bad)
		f.putBig(f.fp(-3), b(1))
		wantErr(t, f.run(), "normalize_address() cannot be used with the current constants.")
	}
	f = newFixture(t, codeMathNormalizeAddress, 0, tref{name: "addr", value: fpArg(3)}, tref{name: "is_small", value: local(0)})
	setBound(f, sub(addrBound, P)) // the same bound, as a negative constant
	f.putBig(f.fp(-3), b(1))
	f.mustRun()
	if got := f.getBig(f.fp(0)); got.Int64() != 1 {
		t.Errorf("is_small with a negative constant: %s", got)
	}
}

func TestMathPoseidonLengths(t *testing.T) {
	for _, k := range []int64{2, 10} {
		code := map[int64]string{2: codeMathNGe2, 10: codeMathNGe10}[k]
		for _, n := range append(edgeValues(), b(9), b(10), b(11)) {
			f := newFixture(t, code, 0, tref{name: "n", value: fpArg(3)})
			f.putBig(f.fp(-3), n)
			f.mustRun()
			want := int64(0)
			if n.Cmp(b(k)) >= 0 {
				want = 1
			}
			if got := f.getBig(f.st.AP); got.Int64() != want {
				t.Errorf("n=%s >= %d: %s", n, k, got)
			}
		}
		f := newFixture(t, code, 0, tref{name: "n", value: fpArg(3)})
		f.put(f.fp(-3), vm.PtrValue(vm.Relocatable{Segment: 1}))
		f.mustRun()
		if got := f.getBig(f.st.AP); got.Int64() != 1 {
			t.Errorf("address >= %d: %s", k, got)
		}
	}

	seg := vm.Relocatable{Segment: 2, Offset: 4}
	ptr := func(off int) vm.Value { return vm.PtrValue(vm.Relocatable{Segment: 2, Offset: off}) }
	for _, c := range []struct {
		k          int64
		end, start vm.Value
		want       int64
		err        string
	}{
		{10, ptr(14), vm.PtrValue(seg), 1, ""},
		{10, ptr(13), vm.PtrValue(seg), 0, ""},
		{2, ptr(6), vm.PtrValue(seg), 1, ""},
		{2, ptr(5), vm.PtrValue(seg), 0, ""},
		{2, ptr(0), vm.PtrValue(seg), 0, ""}, // negative difference
		{2, vm.IntValue(3), vm.IntValue(5), 0, ""},
		{2, vm.IntValue(7), vm.IntValue(5), 1, ""},
		{10, ptr(0), vm.IntValue(5), 1, ""}, // an address
		{2, vm.IntValue(3), vm.PtrValue(seg), 0, "unsupported operand type(s) for -"},
		{2, vm.PtrValue(vm.Relocatable{Segment: 3}), vm.PtrValue(seg), 0, "Can only subtract two relocatable values of the same segment (3 != 2)."},
	} {
		code := map[int64]string{2: codeMathElementsGe2, 10: codeMathElementsGe10}[c.k]
		f := newFixture(t, code, 0, tref{name: "elements_end", value: fpArg(4)}, tref{name: "elements", value: fpArg(3)})
		f.put(f.fp(-4), c.end)
		f.put(f.fp(-3), c.start)
		if c.err != "" {
			wantErr(t, f.run(), c.err)
			continue
		}
		f.mustRun()
		if got := f.getBig(f.st.AP); got.Int64() != c.want {
			t.Errorf("%s - %s >= %d: %s, want %d", c.end, c.start, c.k, got, c.want)
		}
	}
}
