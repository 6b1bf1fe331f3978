package progen

import (
	"errors"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/cairn-vm/cairn/interp"
	"github.com/cairn-vm/cairn/vm"
)

// run runs p with the interpreter and returns its steps and error.
func run(t *testing.T, p *Program, proof bool) (int, error) {
	t.Helper()
	l, err := vm.LayoutByName(p.Layout)
	if err != nil {
		t.Fatal(err)
	}
	r, err := vm.NewRunner(p.Program, vm.RunConfig{Layout: l, ProofMode: proof, Trace: true, MaxSteps: p.MaxSteps, SecureRun: !proof}, nil)
	if err != nil {
		t.Fatalf("NewRunner: %v\n%s", err, p.Source)
	}
	defer r.State.Mem.Release()
	err = r.Run(interp.New())
	return r.State.Steps, err
}

func TestSeedsAssembleAndMostlyRun(t *testing.T) {
	const n = 400
	ok, limit, steps := 0, 0, 0
	kinds := map[string]int{}
	pcNum := regexp.MustCompile(`\d+:\d+|\d+`)
	for seed := range uint64(n) {
		p, err := Generate(FromSeed(seed))
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		s, err := run(t, p, false)
		steps += s
		switch {
		case err == nil:
			ok++
		case errors.Is(err, vm.ErrStepLimit):
			limit++
		default:
			msg := err.Error()
			if i := strings.Index(msg, "error at pc="); i >= 0 {
				msg = msg[i:]
			}
			kinds[pcNum.ReplaceAllString(msg, "N")]++
		}
	}
	var ks []string
	for k := range kinds {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return kinds[ks[i]] > kinds[ks[j]] })
	for _, k := range ks {
		t.Logf("%4d  %.150s", kinds[k], k)
	}
	t.Logf("%d programs: %d ran to the end, %d hit the step limit; %d steps in all", n, ok, limit, steps)
	if ok < n/2 {
		t.Errorf("only %d of %d programs ran to the end", ok, n)
	}
}

func TestBytesAlwaysGiveAProgram(t *testing.T) {
	inputs := [][]byte{nil, {0}, {0xff}, []byte("hello, fuzzer"), make([]byte, 300)}
	for i := range 200 {
		b := make([]byte, i*3)
		for j := range b {
			b[j] = byte(j*37 + i*11)
		}
		inputs = append(inputs, b)
	}
	for _, in := range inputs {
		p, err := Generate(FromBytes(in))
		if err != nil {
			t.Fatalf("%x: %v", in, err)
		}
		if _, err := run(t, p, p.ProofMode); err != nil && !isVMError(err) {
			t.Logf("%x: %v", in, err)
		}
	}
}

func isVMError(err error) bool {
	var ve *vm.VMError
	return errors.As(err, &ve)
}

func TestDeterministic(t *testing.T) {
	for seed := range uint64(20) {
		a, err1 := Generate(FromSeed(seed))
		b, err2 := Generate(FromSeed(seed))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if a.Source != b.Source {
			t.Fatalf("seed %d gives two programs", seed)
		}
	}
}
