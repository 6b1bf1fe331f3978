package jit

import (
	"testing"
	"time"

	"github.com/cairn-vm/cairn/assembler"
	"github.com/cairn-vm/cairn/internal/progen"
	"github.com/cairn-vm/cairn/interp"
	"github.com/cairn-vm/cairn/vm"
)

// tier2Program is a loop long enough for the first tier to find it hot:
// felt arithmetic (an add with an immediate, a deduced operand of an
// addition, a multiplication), copies and a jnz, then a recursion
// (call, ret) that unwinds through every frame.
const tier2Program = `%builtins
main:
    [ap] = 40000, ap++
    [ap] = 3, ap++
loop:
    [ap] = [ap - 2] + (-1), ap++
    [ap - 2] = [ap] + [ap - 3], ap++
    [ap] = [ap - 1] * [ap - 1], ap++
    [ap] = [ap - 3], ap++
    [ap] = [ap - 1], ap++
    jmp loop if [ap - 1] != 0
    [ap] = 20000, ap++
    call down
    ret
down:
    jmp more if [fp - 3] != 0
    [ap] = [fp - 3], ap++
    ret
more:
    [ap] = [fp - 3] + (-1), ap++
    call down
    ret
`

func assemble(t *testing.T, src string) *progen.Program {
	t.Helper()
	asmProg, err := assembler.Assemble("tier2.casm", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	js, err := asmProg.JSON()
	if err != nil {
		t.Fatal(err)
	}
	prog, err := vm.ParseProgram(js)
	if err != nil {
		t.Fatal(err)
	}
	return &progen.Program{Source: src, Program: prog, MaxSteps: 1 << 22}
}

// TestTier2Entered checks that a hot loop moves to the second tier on its
// own, with results equal to the interpreter's, and that a later run of
// the same code starts there.
func TestTier2Entered(t *testing.T) {
	if !Available() {
		t.Skip("no compiled code on this platform")
	}
	p := assemble(t, tier2Program)
	for _, layout := range []string{"plain", "small"} {
		c := diffConfig{layout: layout}
		want := runDiff(t, p, c, interp.New())
		if want.err != "" || want.steps < 2*tier2Hot {
			t.Fatalf("%s: the interpreter: %d steps, error %q", c, want.steps, want.err)
		}
		e := New()
		got := runDiff(t, p, c, e)
		if d := diffOf(want, got); d != "" {
			t.Fatalf("%s: %s", c, d)
		}
		m := &ForProgram(p.Program).mods[1] // the runs record a trace
		if !m.t2Started.Load() {
			t.Fatalf("%s: %d steps in the first tier and no second tier asked for (stats %+v)", c, got.steps, e.Stats)
		}
		for deadline := time.Now().Add(time.Minute); !m.t2Done.Load() && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
		e = New()
		got = runDiff(t, p, c, e)
		if d := diffOf(want, got); d != "" {
			t.Fatalf("%s, second run: %s", c, d)
		}
		if e.Stats.Tier2 == 0 || m.t2 == nil {
			t.Errorf("%s: the second run did not start in the second tier (stats %+v)", c, e.Stats)
		}
	}
}

// TestTier2Switch has a run move from the first tier to the second in
// its middle, at a block where the first tier stopped: with the hot
// groups of this very run compiled at once, the state handed over must
// be exact.
func TestTier2Switch(t *testing.T) {
	if !Available() {
		t.Skip("no compiled code on this platform")
	}
	p := assemble(t, tier2Program+"    [ap] = 1, ap++\n") // other bytecode: a Code of its own
	c := diffConfig{layout: "plain"}
	want := runDiff(t, p, c, interp.New())
	e := New()
	got := runDiff(t, p, c, e)
	if d := diffOf(want, got); d != "" {
		t.Fatalf("%s", d)
	}
	// The first run asked for the second tier in the background; whether
	// it switched depends on timing, so the result above is what counts.
	// A run that switches at a known point: the second tier is ready and
	// the first tier runs until its first stop.
	code := ForProgram(p.Program)
	for deadline := time.Now().Add(time.Minute); !code.mods[1].t2Done.Load() && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	e = New()
	e.tier2Late = true
	got = runDiff(t, p, c, e)
	if d := diffOf(want, got); d != "" {
		t.Fatalf("switching late: %s", d)
	}
	if e.Stats.Tier2 == 0 || e.Stats.Entries <= e.Stats.Tier2 {
		t.Errorf("no switch from the first tier to the second: stats %+v", e.Stats)
	}
}

// TestDerefOffsetPast32Bits dereferences a pointer whose offset does not
// fit in 32 bits: the cell it names is far past the execution segment,
// not the one its low 32 bits would name.
func TestDerefOffsetPast32Bits(t *testing.T) {
	if !Available() {
		t.Skip("no compiled code on this platform")
	}
	src := `%builtins
main:
    call get_fp_and_pc              // [fp] = fp, [fp + 1] = return pc
    [ap] = [fp] + 4294967296, ap++  // fp + 2^32
    [ap] = [[ap - 1] + 1], ap++     // low 32 bits: [fp + 1], known
    ret
get_fp_and_pc:
    ret
`
	p := assemble(t, src)
	for _, layout := range []string{"plain", "small"} {
		c := diffConfig{layout: layout}
		want := runDiff(t, p, c, interp.New())
		for _, tier2 := range []bool{false, true} {
			e := New()
			e.tier2Now = tier2
			if d := diffOf(want, runDiff(t, p, c, e)); d != "" {
				t.Errorf("%s, second tier %v: %s", c, tier2, d)
			}
		}
	}
}
