package starknet

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/cairn-vm/cairn/asm"
)

// TestSortedKeys checks the order of accessed storage keys against
// sorting their Felt.Hex strings, on keys of every length (lexicographic
// order on hex strings is not numeric order: 0x10 sorts before 0x9).
func TestSortedKeys(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	set := map[asm.Felt]struct{}{}
	for _, v := range []uint64{0, 1, 9, 0x10, 0xf, 0x100, 0xff, 1 << 63} {
		set[asm.FeltFromUint64(v)] = struct{}{}
	}
	for range 200 {
		var f asm.Felt
		f.SetLimbs([4]uint64{rng.Uint64(), rng.Uint64() >> rng.IntN(64), rng.Uint64() >> rng.IntN(64), rng.Uint64() >> (5 + rng.IntN(59))})
		set[f] = struct{}{}
		for range 3 {
			var g asm.Felt
			g.SetLimbs([4]uint64{rng.Uint64() >> rng.IntN(64)})
			set[g] = struct{}{}
		}
	}
	var want []string
	for k := range set {
		want = append(want, k.Hex())
	}
	slices.SortFunc(want, strings.Compare)
	var got []string
	for _, k := range sortedKeys(set) {
		got = append(got, k.Hex())
	}
	if !slices.Equal(got, want) {
		t.Fatalf("sortedKeys order\n%v\nwant\n%v", got, want)
	}
	for k := range set {
		h := hexOf(&k)
		if "0x"+string(h.digits()) != k.Hex() {
			t.Fatalf("hexOf %s, Hex %s", h.digits(), k.Hex())
		}
	}
}
