package starknet

import (
	"maps"
	"math/big"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/assembler"
	"github.com/cairn-vm/cairn/cairo1"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/internal/corpusdir"
	"github.com/cairn-vm/cairn/interp"
	"github.com/cairn-vm/cairn/state"
	"github.com/cairn-vm/cairn/vm"
)

// The libfuncs_coverage class (starkware-libs/cairo,
// crates/cairo-lang-starknet/cairo_level_tests/contracts/libfuncs_coverage.cairo
// at 302fe00e, compiled with Cairo 2.20) exists so that the compiler emits
// every libfunc: its one entry point calls all_libfuncs(Libfuncs::None),
// which does nothing. What the other variants of Libfuncs run (each ends
// in use_and_panic, a panic) is reachable only by calling the internal
// function all_libfuncs itself with a Libfuncs value, which these tests
// do: they run it at its pc with the implicit arguments the entry point's
// wrapper passes and the enum laid out as sierra-to-casm lays enums out.
//
// From the Sierra of that commit (libfuncs_coverage__libfuncs_coverage.sierra):
//
//	all_libfuncs(RangeCheck, SegmentArena, AddMod, MulMod, RangeCheck96,
//	    EcOp, GasBuiltin, Bitwise, Pedersen, Poseidon, System, Libfuncs)
//	    -> (the same eleven, PanicResult<((),)>)
//
// Libfuncs has 36 variants; its largest payload is Circuit's three u384
// (12 felts), so a value is 13 felts: the variant selector, zeros up to
// the payload's start, the payload.

// allLibfuncsPC is where all_libfuncs starts: the entry point's wrapper
// calls it (pc 100: call rel 62), and it begins with the match on its enum
// argument, a relative jump by the variant selector 13 cells below fp.
const allLibfuncsPC = 162

// Variants of Libfuncs, in declaration order.
const (
	lfNone = iota
	lfU8
	lfU16
	lfU32
	lfU64
	lfU128
	lfU256
	lfI8
	lfI16
	lfI32
	lfI64
	lfI128
	lfBool
	lfFelt252
	lfConversions
	lfEc
	lfSha256
	lfSha512
	lfBlake2s
	lfArrayU128
	lfArrayU256
	lfDictU128
	lfDictFelt252
	lfDictNullable
	lfNullableFelt252
	lfNullableU256
	lfNullableNonCopy
	lfCircuit
	lfIsValidSignature
	lfSecp256R1
	lfStarknet
	lfConsts
	lfSnapshot
	lfBoxedAccess
	lfRangeIter
	lfGas
	lfVariants
)

// variantSelector is sierra-to-casm's get_variant_selector: the index for
// enums of at most two variants, otherwise the relative jump into the
// match's jump table, 2(n - i) - 1.
func variantSelector(n, i int) vm.Value {
	if n <= 2 {
		return vm.IntValue(uint64(i))
	}
	return vm.IntValue(uint64(2*(n-i) - 1))
}

// enumOf lays out variant i of an enum of n variants whose largest payload
// is size cells: the selector, zero padding, then the payload
// (sierra-to-casm's build_enum_init).
func enumOf(n, i, size int, payload ...vm.Value) []vm.Value {
	out := []vm.Value{variantSelector(n, i)}
	for range size - len(payload) {
		out = append(out, vm.IntValue(0))
	}
	return append(out, payload...)
}

func libfuncs(i int, payload ...vm.Value) []vm.Value { return enumOf(lfVariants, i, 12, payload...) }

func cat(parts ...[]vm.Value) []vm.Value { return slices.Concat(parts...) }

func iv(vs ...uint64) []vm.Value {
	out := make([]vm.Value, len(vs))
	for i, v := range vs {
		out[i] = vm.IntValue(v)
	}
	return out
}

func fv(fs ...asm.Felt) []vm.Value { return feltValues(fs) }

// Payload layouts of the nested enums, for an integer type of w felts:
//
//	NumericLibfuncs<T>      Add, Sub, Mul, Equal: (T, T)            size 2w
//	BitwiseLibfuncs<T>      And, Or, Xor: (T, T)                    size 2w
//	IntLibfuncs<T>          Div, Mod, Lt: (T, T); Inc, Dec: T;
//	                        Numeric: NumericLibfuncs<T>             size 1 + 2w
//	UnsignedIntLibfuncs<T>  Sqrt: T; Bitwise; Int                   size 2 + 2w
func numeric(i int, w int, ab ...vm.Value) []vm.Value { return enumOf(4, i, 2*w, ab...) }
func intLib(i int, w int, payload ...vm.Value) []vm.Value {
	return enumOf(6, i, 1+2*w, payload...)
}
func uintLib(i int, w int, payload ...vm.Value) []vm.Value {
	return enumOf(3, i, 2+2*w, payload...)
}

// lfHarness runs all_libfuncs of the class with Libfuncs values.
type lfHarness struct {
	t         *testing.T
	cl        *class.Class
	hash      asm.Felt
	addr      asm.Felt
	st        *state.Cached
	hints     map[int][]vm.Hint
	costs     []uint64
	runKinds  map[string]int // the kinds of the current run
	recording bool
	panicData []asm.Felt // the panic data of the last run that panicked
}

// recordingHint records the kind of each hint run.
type recordingHint struct {
	h    vm.Hint
	kind string
	lf   *lfHarness
}

func (rh *recordingHint) Execute(st *vm.State) error {
	if rh.lf.recording {
		rh.lf.runKinds[rh.kind]++
	}
	return rh.h.Execute(st)
}

// lfRun is one call of all_libfuncs: the runner (for building payloads
// in memory) and the implicit arguments, which a payload may change (a
// dict built by hand moves the segment arena).
type lfRun struct {
	r        *vm.FunctionRunner
	builtins map[string]vm.Value
}

func (l *lfRun) mem() *vm.Memory { return l.r.State.Mem }

// segment writes values to a new segment and returns its base.
func (l *lfRun) segment(vs ...vm.Value) vm.Relocatable {
	m := l.mem()
	base := m.AddSegment()
	for i, v := range vs {
		if err := m.Write(base.Add(i), v); err != nil {
			panic(err)
		}
	}
	return base
}

// span is an Array/Span of felts: start and end pointers.
func (l *lfRun) span(vs ...vm.Value) []vm.Value {
	base := l.segment(vs...)
	return []vm.Value{vm.PtrValue(base), vm.PtrValue(base.Add(len(vs)))}
}

func newLFHarness(t *testing.T) *lfHarness {
	cl, err := class.Load(filepath.Join(corpusdir.OrSkip(t), "casm", "libfuncs_coverage__libfuncs_coverage.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The function starts with the match on its argument.
	want, err := assembler.AssembleWords("jmp rel [fp - 15]")
	if err != nil || len(want) != 1 || cl.Bytecode[allLibfuncsPC] != want[0] {
		t.Fatalf("pc %d is not all_libfuncs' match (%v)", allLibfuncsPC, err)
	}
	compiled, err := cairo1.Compile(cl)
	if err != nil {
		t.Fatal(err)
	}
	lf := &lfHarness{t: t, cl: cl, costs: append(slices.Clone(BuiltinCostsStarknet), 0)}
	lf.hints = map[int][]vm.Hint{}
	for pc, hs := range compiled {
		for i, h := range hs {
			lf.hints[pc] = append(lf.hints[pc], &recordingHint{h: h, kind: cl.Hints[pc][i].Name(), lf: lf})
		}
	}
	lf.st = state.NewCached(state.NewMemory())
	lf.hash = cl.CompiledClassHash()
	if err := lf.st.DeclareClass(lf.hash, lf.hash, cl); err != nil {
		t.Fatal(err)
	}
	lf.addr = asm.FeltFromUint64(0x11bf)
	if err := lf.st.SetClassHash(lf.addr, lf.hash); err != nil {
		t.Fatal(err)
	}
	return lf
}

// run calls all_libfuncs with the Libfuncs value build returns; it
// returns the PanicResult's flag (1: the function panicked) and the
// error of the run.
func (lf *lfHarness) run(build func(l *lfRun) []vm.Value) (panicked bool, kinds map[string]int, err error) {
	t := lf.t
	ep := lf.cl.External[0]
	r, err := vm.NewFunctionRunner(lf.cl.Bytecode, ep.Builtins)
	if err != nil {
		t.Fatal(err)
	}
	ex := NewExecutor(lf.st, BlockInfo{Number: 1000, Timestamp: 1700000000}, TxInfo{Version: feltU64(1)})
	ex.BuiltinCosts = lf.costs
	c := Call{ContractAddress: lf.addr, Selector: ep.Selector, Caller: asm.FeltFromUint64(0x111), InitialGas: DefaultInitialGas}
	h := newSyscallHandler(ex, c, lf.hash, r, r.State.Mem.AddSegment())
	costPtr := h.allocateSegment(u64Values(lf.costs))
	if err := r.AppendProgramData([]vm.Value{vm.IntValue(retInstruction), vm.PtrValue(costPtr)}); err != nil {
		t.Fatal(err)
	}
	l := &lfRun{r: r, builtins: map[string]vm.Value{}}
	for i, b := range r.EntryBuiltins() {
		l.builtins[b.Name()] = r.BuiltinArgs()[i]
	}
	enum := build(l)
	if len(enum) != 13 {
		t.Fatalf("a Libfuncs value of %d felts", len(enum))
	}
	b := l.builtins
	args := []vm.Value{b[vm.BuiltinRangeCheck], b[vm.BuiltinSegmentArena], b["add_mod"], b["mul_mod"], b[vm.BuiltinRangeCheck96],
		b["ec_op"], vm.IntValue(DefaultInitialGas), b[vm.BuiltinBitwise], b[vm.BuiltinPedersen], b[vm.BuiltinPoseidon],
		vm.PtrValue(h.base)}
	for i, a := range args {
		if !a.Known() {
			t.Fatalf("implicit argument %d missing (builtins %v)", i, ep.Builtins)
		}
	}
	r.State.Scopes[0][cairo1.SyscallHandlerVar] = h
	r.State.Scopes[0][cairo1.SquashDictMaxSizeVar] = big.NewInt(1 << 20)
	if err := r.Start(allLibfuncsPC, append(args, enum...), lf.hints); err != nil {
		t.Fatal(err)
	}
	lf.runKinds = map[string]int{}
	lf.recording = true
	err = r.Run(interp.New(), DefaultMaxSteps)
	lf.recording = false
	if err != nil {
		return false, lf.runKinds, err
	}
	rv, err := r.ReturnValues(14)
	if err != nil {
		return false, lf.runKinds, err
	}
	flag := rv[11].Felt()
	if !flag.IsZero() {
		lf.panicData = nil
		for a := rv[12].Ptr(); a != rv[13].Ptr(); a = a.Add(1) {
			lf.panicData = append(lf.panicData, r.State.Mem.Get(a).Felt())
		}
	}
	return !flag.IsZero(), lf.runKinds, nil
}

// handDict builds, as the Cairo code of felt252_dict_new and of the
// entry get/finalize pairs would, a Felt252Dict<felt252> with the given
// accesses (key, new value) in this run's segment arena, running the
// class's own dict hints (AllocFelt252Dict, Felt252DictEntryInit,
// Felt252DictEntryUpdate) to keep the dict manager in step. It returns
// the dict's end pointer; the segment arena argument moves past the new
// dict's SegmentInfo, as felt252_dict_new returns it.
func (l *lfRun) handDict(t *testing.T, accesses []dictAccess) vm.Value {
	st, m := l.r.State, l.mem()
	arena := l.builtins[vm.BuiltinSegmentArena].Ptr()
	scratch := m.AddSegment()
	st.FP, st.AP = scratch, scratch
	next := int16(0)
	operand := func(v vm.Value) class.ResOperand {
		if err := m.Write(scratch.Add(int(next)), v); err != nil {
			t.Fatal(err)
		}
		next++
		return class.ResOperand{Kind: class.KindDeref, Cell: class.CellRef{Register: class.FP, Offset: next - 1}}
	}
	imm := func(v asm.Felt) class.ResOperand {
		return class.ResOperand{Kind: class.KindImmediate, Imm: class.Immediate{Value: v.BigInt(), Felt: v}}
	}
	exec := func(h class.Hint) {
		b, err := cairo1.Bind(0, h)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Execute(st); err != nil {
			t.Fatalf("%s: %v", h.Name(), err)
		}
	}
	write := func(at vm.Relocatable, v vm.Value) {
		if err := m.Write(at, v); err != nil {
			t.Fatal(err)
		}
	}
	exec(&class.AllocFelt252Dict{SegmentArenaPtr: operand(vm.PtrValue(arena))})
	infos := m.Get(arena.Add(-3)).Ptr()
	n := m.Get(arena.Add(-2)).Felt()
	nd := m.Get(arena.Add(-1))
	d := m.Get(infos.Add(3 * int(n.Uint64()))).Ptr()
	one := asm.FeltFromUint64(1)
	var n1 asm.Felt
	n1.Add(&n, &one)
	write(arena, vm.PtrValue(infos))
	write(arena.Add(1), vm.FeltValue(n1))
	write(arena.Add(2), nd)
	l.builtins[vm.BuiltinSegmentArena] = vm.PtrValue(arena.Add(3))
	for _, a := range accesses {
		exec(&class.Felt252DictEntryInit{DictPtr: operand(vm.PtrValue(d)), Key: imm(a.key)})
		write(d, vm.FeltValue(a.key))
		write(d.Add(2), vm.FeltValue(a.value))
		d = d.Add(3)
		exec(&class.Felt252DictEntryUpdate{DictPtr: operand(vm.PtrValue(d)), Value: imm(a.value)})
	}
	return vm.PtrValue(d)
}

// dictAccess is one access of a hand-built dict: the key and its new
// value.
type dictAccess struct{ key, value asm.Felt }

func bigFelt(s string) asm.Felt {
	f, err := asm.FeltFromString(s)
	if err != nil {
		panic(err)
	}
	return f
}

// TestLibfuncsCoverageHints runs the libfuncs_coverage class and checks
// that, between its entry point and the calls of all_libfuncs below,
// every kind of hint the class contains runs, without error.
//
// The entry point alone runs two: the gas check of its wrapper
// (TestLessThanOrEqual) and the allocation of its empty return data
// (AllocSegment); all_libfuncs(None) does nothing. The other kinds are in
// the code of the other variants, which the calls below choose, each with
// arguments that reach the libfunc under test (and so its hints) and
// then use_and_panic, whose panic!() panics with an empty ByteArray. The
// dict squashing hints that need several keys and several accesses to a
// key (GetNextDictKey, GetCurrentAccessDelta, ShouldContinueSquashLoop,
// and the AssertLe* arcs of keys of 2^128 and more) need a dict that
// already has entries when it reaches all_libfuncs, which no Cairo code
// of the class makes: the test builds one (handDict) with the class's own
// dict hints. Every kind present is reached; none is left out.
func TestLibfuncsCoverageHints(t *testing.T) {
	lf := newLFHarness(t)
	present := map[string]bool{}
	for _, hs := range lf.cl.Hints {
		for _, h := range hs {
			present[h.Name()] = true
		}
	}

	// The entry point, as Starknet calls it (with a builtin-cost table of
	// seven entries: the class reads the seventh).
	ex := NewExecutor(lf.st, BlockInfo{}, TxInfo{Version: feltU64(1)})
	ex.BuiltinCosts = lf.costs
	ex.Profile = &Profile{}
	info, err := ex.Execute(Call{ContractAddress: lf.addr, Selector: class.Selector("entry_point"),
		Caller: feltU64(0x111), InitialGas: DefaultInitialGas})
	if err != nil || info.Failed || len(info.Retdata) != 0 {
		t.Fatalf("entry_point: %v %+v", err, info)
	}
	want := map[string]int{"TestLessThanOrEqual": 1, "AllocSegment": 1}
	if !maps.Equal(ex.Profile.HintKinds, want) {
		t.Errorf("entry_point ran hints %v, want %v", ex.Profile.HintKinds, want)
	}
	seen := maps.Clone(ex.Profile.HintKinds)

	g := [2]asm.Felt{ // the STARK curve's generator
		bigFelt("0x1ef15c18599971b7beced415a40f0c7deacfd9b0d1819e03d723d8bc943cfca"),
		bigFelt("0x5668060aa49730b7be4801df46ec62de53ecd11abe43a32873000c36e8dc1f"),
	}
	big1, big2 := bigFelt("0x1"+strings.Repeat("0", 50)), bigFelt("0x2"+strings.Repeat("0", 50)) // above 2^128
	span8 := func(l *lfRun) []vm.Value { return l.span(iv(1, 2, 3, 4, 5, 6, 7, 8)...) }
	cases := []struct {
		name   string
		build  func(l *lfRun) []vm.Value
		panics bool     // false: all_libfuncs returns
		want   []string // hint kinds the libfunc under test must run
	}{
		{"None", func(l *lfRun) []vm.Value { return libfuncs(lfNone) }, false, nil},
		// u8: 7 / 2 (u8_safe_divmod), 7 < 2, sqrt(200).
		{"U8 Div", func(l *lfRun) []vm.Value { return libfuncs(lfU8, uintLib(2, 1, intLib(0, 1, iv(7, 2)...)...)...) }, true,
			[]string{"DivMod"}},
		{"U8 Lt", func(l *lfRun) []vm.Value { return libfuncs(lfU8, uintLib(2, 1, intLib(2, 1, iv(7, 2)...)...)...) }, true,
			[]string{"TestLessThan"}},
		{"U8 Sqrt", func(l *lfRun) []vm.Value { return libfuncs(lfU8, uintLib(0, 1, iv(200)...)...) }, true,
			[]string{"SquareRoot"}},
		// u128: 2^40 * 2^40 (u128_guarantee_mul).
		{"U128 Mul", func(l *lfRun) []vm.Value {
			return libfuncs(lfU128, uintLib(2, 1, intLib(5, 1, numeric(2, 1, iv(1<<40, 1<<40)...)...)...)...)
		}, true, []string{"WideMul128"}},
		// u256: sqrt(5·2^128 + 1000), (5·2^128 + 100) / 7.
		{"U256 Sqrt", func(l *lfRun) []vm.Value { return libfuncs(lfU256, uintLib(0, 2, iv(1000, 5)...)...) }, true,
			[]string{"Uint256SquareRoot"}},
		{"U256 Div", func(l *lfRun) []vm.Value {
			return libfuncs(lfU256, uintLib(2, 2, intLib(0, 2, iv(100, 5, 7, 0)...)...)...)
		}, true, []string{"Uint256DivMod"}},
		// A felt252 -> u128 conversion of a value above 2^128 (it fails:
		// None).
		{"Felt252TryInto U128", func(l *lfRun) []vm.Value {
			return libfuncs(lfConversions, enumOf(2, 1, 3, enumOf(14, 4, 1, fv(big1)...)...)...)
		}, true, []string{"DivMod"}},
		// Arrays of eight u128: get(2), slice(2, 5), multi_pop_front::<5>.
		{"ArrayU128 Get", func(l *lfRun) []vm.Value {
			return libfuncs(lfArrayU128, enumOf(13, 4, 3, append(span8(l), vm.IntValue(2))...)...)
		}, true, []string{"TestLessThan"}},
		{"ArrayU128 Slice", func(l *lfRun) []vm.Value { return libfuncs(lfArrayU128, enumOf(13, 10, 3, span8(l)...)...) }, true,
			[]string{"TestLessThanOrEqual"}},
		{"ArrayU128 MultiPopFront", func(l *lfRun) []vm.Value {
			return libfuncs(lfArrayU128, enumOf(13, 8, 3, span8(l)...)...)
		}, true, []string{"TestLessThanOrEqualAddress"}},
		// A new dict, dropped: allocated, then squashed with no access.
		{"DictFelt252 Default", func(l *lfRun) []vm.Value { return libfuncs(lfDictFelt252, enumOf(3, 0, 2)...) }, true,
			[]string{"AllocFelt252Dict", "GetSegmentArenaIndex"}},
		// dict.entry(big2) on a dict holding big1 (twice), big2 and 5,
		// then its squash.
		{"DictFelt252 EntryGet", func(l *lfRun) []vm.Value {
			d := l.handDict(t, []dictAccess{{big1, feltU64(10)}, {big2, feltU64(20)}, {big1, feltU64(11)}, {feltU64(5), feltU64(30)}})
			return libfuncs(lfDictFelt252, enumOf(3, 1, 2, d, vm.FeltValue(big2))...)
		}, true, []string{"Felt252DictEntryInit", "Felt252DictEntryUpdate", "GetSegmentArenaIndex", "InitSquashData",
			"GetCurrentAccessIndex", "ShouldSkipSquashLoop", "GetCurrentAccessDelta", "ShouldContinueSquashLoop", "GetNextDictKey",
			"AssertLeFindSmallArcs", "AssertLeIsFirstArcExcluded", "AssertLeIsSecondArcExcluded"}},
		// (in1 + in2)^-1 and friends modulo 7, with in1 = 3, in2 = 5.
		{"Circuit", func(l *lfRun) []vm.Value { return libfuncs(lfCircuit, iv(7, 0, 0, 0, 3, 0, 0, 0, 5, 0, 0, 0)...) }, true,
			[]string{"EvalCircuit"}},
		// The STARK curve: a point from x = 1 (a square root), and an EC
		// state (initialised at a random point) over the generator.
		{"Ec PointNewNzFromX", func(l *lfRun) []vm.Value { return libfuncs(lfEc, enumOf(5, 1, 2, iv(1)...)...) }, true,
			[]string{"FieldSqrt"}},
		{"Ec StateUsage", func(l *lfRun) []vm.Value { return libfuncs(lfEc, enumOf(5, 4, 2, fv(g[0], g[1])...)...) }, true,
			[]string{"RandomEcPoint"}},
		// is_valid_signature(1, 2, 3, P) on secp256r1, P the point of x =
		// the curve's generator's: syscalls, inverses and products mod n.
		{"Secp256R1", func(l *lfRun) []vm.Value {
			return libfuncs(lfSecp256R1, cat(iv(1, 0, 2, 0, 3, 0),
				fv(bigFelt("0x77037D812DEB33A0F4A13945D898C296"), bigFelt("0x6B17D1F2E12C4247F8BCE6E563A440F2")))...)
		}, true, []string{"SystemCall", "U256InvModN", "Uint512DivModByUint256"}},
		{"Starknet GetExecutionInfo", func(l *lfRun) []vm.Value { return libfuncs(lfStarknet, enumOf(14, 7, 6)...) }, true,
			[]string{"SystemCall"}},
		// for _ in 0..5 {}: gas withdrawn on every iteration.
		{"RangeIter", func(l *lfRun) []vm.Value { return libfuncs(lfRangeIter, iv(0, 5)...) }, false,
			[]string{"TestLessThanOrEqual"}},
		{"Gas", func(l *lfRun) []vm.Value { return libfuncs(lfGas) }, false, []string{"TestLessThanOrEqual"}},
	}
	emptyByteArray := []asm.Felt{byteArrayMagic, {}, {}, {}} // panic!(): an empty message
	for _, c := range cases {
		panicked, kinds, err := lf.run(c.build)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if panicked != c.panics {
			t.Errorf("%s: panicked = %v (%v), want %v", c.name, panicked, RevertReasonText(lf.panicData), c.panics)
		} else if panicked && !slices.Equal(lf.panicData, emptyByteArray) {
			t.Errorf("%s panicked with %v, not use_and_panic's empty message", c.name, RevertReasonText(lf.panicData))
		}
		for _, k := range c.want {
			if kinds[k] == 0 {
				t.Errorf("%s did not run %s (ran %v)", c.name, k, kinds)
			}
		}
		for k, n := range kinds {
			seen[k] += n
		}
	}
	// A division by zero panics before the division's hint.
	if panicked, kinds, err := lf.run(func(l *lfRun) []vm.Value {
		return libfuncs(lfU8, uintLib(2, 1, intLib(0, 1, iv(7, 0)...)...)...)
	}); err != nil || !panicked || !slices.Equal(RevertReasonText(lf.panicData), []string{"Division by 0"}) || kinds["DivMod"] != 0 {
		t.Errorf("u8 7 / 0: %v panicked=%v %v %v", err, panicked, RevertReasonText(lf.panicData), kinds)
	}

	var missing, extra []string
	for k := range present {
		if seen[k] == 0 {
			missing = append(missing, k)
		}
	}
	for k := range seen {
		if !present[k] {
			extra = append(extra, k)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("hint kinds present but not run: %v; run but not present: %v", missing, extra)
	}
	if len(present) != 30 {
		t.Errorf("%d hint kinds in the class, expected 30", len(present))
	}
}
