package hints

import (
	"math/big"
	"testing"

	"github.com/cairn-vm/cairn/vm"
)

func TestPrintVarsSum(t *testing.T) {
	for _, c := range []struct {
		a, b vm.Value
		want string
		err  string
	}{
		{vm.IntValue(5), vm.IntValue(7), "a:  5\nb:  7\nc:  12\n", ""},
		{vm.IntValue(0), vm.IntValue(0), "a:  0\nb:  0\nc:  0\n", ""},
		// The sum is a Python int, not reduced modulo PRIME.
		{bigValue(pMinus1), vm.IntValue(2), "a:  " + pMinus1.String() + "\nb:  2\nc:  " + new(big.Int).Add(P, big.NewInt(1)).String() + "\n", ""},
		{vm.PtrValue(vm.Relocatable{Segment: 2, Offset: 3}), vm.IntValue(4), "a:  2:3\nb:  4\nc:  2:7\n", ""},
		{vm.IntValue(4), vm.PtrValue(vm.Relocatable{Segment: 2, Offset: 3}), "a:  4\nb:  2:3\nc:  2:7\n", ""},
		{vm.PtrValue(vm.Relocatable{Segment: 2}), vm.PtrValue(vm.Relocatable{Segment: 2, Offset: 1}), "", "Cannot add two relocatable values: 2:0 + 2:1."},
	} {
		f := newFixture(t, codePrintVarsSum, 0, tref{name: "a", value: fpArg(4)}, tref{name: "b", value: fpArg(3)})
		f.put(f.fp(-4), c.a)
		f.put(f.fp(-3), c.b)
		if c.err != "" {
			wantErr(t, f.run(), c.err)
			if len(f.st.Output) != 0 {
				t.Errorf("printed %q before failing", f.st.Output)
			}
			continue
		}
		f.mustRun()
		if got := string(f.st.Output); got != c.want {
			t.Errorf("printed %q, want %q", got, c.want)
		}
	}
}
