package vm

import (
	"math/rand/v2"
	"testing"

	"github.com/cairn-vm/cairn/asm"
)

// TestHashMemo checks the memo against asm.Pedersen on pairs that repeat,
// more distinct ones than it holds (so entries are evicted), and seeded
// entries.
func TestHashMemo(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pool := make([]asm.Felt, 24)
	for i := range pool {
		pool[i] = asm.FeltFromUint64(r.Uint64())
	}
	m := new(HashMemo)
	seedA, seedB := asm.FeltFromUint64(5), asm.FeltFromUint64(6)
	m.Add(seedA, seedB, asm.Pedersen(&seedA, &seedB))
	if got, want := m.Pedersen(&seedA, &seedB), asm.Pedersen(&seedA, &seedB); got != want {
		t.Fatalf("seeded entry: %s, want %s", got.Hex(), want.Hex())
	}
	for i := range 400 {
		a, b := pool[r.IntN(len(pool))], pool[r.IntN(4)]
		if got, want := m.Pedersen(&a, &b), asm.Pedersen(&a, &b); got != want {
			t.Fatalf("pair %d: %s, want %s", i, got.Hex(), want.Hex())
		}
	}
}
