package hints

import (
	"math/big"
	"testing"

	"github.com/cairn-vm/cairn/vm"
)

func TestHintEncodeBitLength(t *testing.T) {
	for _, tc := range []struct {
		x    *big.Int
		want int64
	}{
		{b(0), 0}, {b(1), 1}, {b(255), 8}, {b(256), 9},
		{sub(two128, b(1)), 128}, {two128, 129},
		{pMinus1, 252}, // PRIME = 2**251 + 17 * 2**192 + 1
	} {
		f := newFixture(t, codeEncodeBitLength, 0, tref{name: "x", value: fpArg(3)}, tref{name: "bit_length", value: local(0)})
		f.putBig(f.fp(-3), tc.x)
		f.mustRun()
		if got := f.getBig(f.fp(0)); got.Int64() != tc.want {
			t.Fatalf("bit_length(%s) = %s, want %d", tc.x, got, tc.want)
		}
		// x stays in the scope for later hints.
		if x, ok := f.st.Scope()["x"].(*big.Int); !ok || x.Cmp(tc.x) != 0 {
			t.Fatalf("scope x = %v, want %s", f.st.Scope()["x"], tc.x)
		}
	}
	f := newFixture(t, codeEncodeBitLength, 0, tref{name: "x", value: fpArg(3)}, tref{name: "bit_length", value: local(0)})
	f.put(f.fp(-3), vm.PtrValue(f.exec))
	wantErr(t, f.run(), "'RelocatableValue' object has no attribute 'bit_length'")
}
