package commitment

import (
	"math/rand/v2"
	"testing"

	"github.com/cairn-vm/cairn/asm"
)

// TestTrieLargeBatch checks batches big enough for the update to go
// parallel and for whole levels to be hashed in batches: thousands of
// inserts into an empty trie, then overwrites, deletions and new keys,
// against the naive root.
func TestTrieLargeBatch(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	tr := NewTrie(NewMemoryStore(), Pedersen)
	model := map[asm.Felt]asm.Felt{}
	first := randUpdates(r, 3000)
	for _, u := range first {
		model[u.Key] = u.Value
	}
	if root, err := tr.Update(first); err != nil || root != naiveRoot(Pedersen, Height, model) {
		t.Fatalf("first batch: root %s (%v)", root.Hex(), err)
	}
	var second []Update
	for i, u := range first {
		switch i % 3 {
		case 0:
			second = append(second, Update{Key: u.Key}) // delete
			delete(model, u.Key)
		case 1:
			v := randValue(r)
			second = append(second, Update{Key: u.Key, Value: v})
			model[u.Key] = v
		}
	}
	for _, u := range randUpdates(r, 1000) {
		second = append(second, u)
		model[u.Key] = u.Value
	}
	r.Shuffle(len(second), func(i, j int) { second[i], second[j] = second[j], second[i] })
	if root, err := tr.Update(second); err != nil || root != naiveRoot(Pedersen, Height, model) {
		t.Fatalf("second batch: root %s (%v)", root.Hex(), err)
	}
	for k, v := range model {
		if got, err := tr.Get(k); err != nil || got != v {
			t.Fatalf("Get(%s) = %s (%v), want %s", k.Hex(), got.Hex(), err, v.Hex())
		}
	}
}
