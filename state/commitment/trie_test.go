package commitment

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/cairn-vm/cairn/asm"
)

// maxKey is 2^251 - 1, the largest key of a Starknet trie.
var maxKey = asm.FeltFromBig(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 251), big.NewInt(1)))

func feltBig(b *big.Int) asm.Felt { return asm.FeltFromBig(b) }

// keyGen draws keys below 2^height, biased towards the cases a Patricia
// trie gets wrong: the extremes, neighbours of keys already used, keys that
// differ from one in a single (often low) bit, i.e. share a long prefix.
type keyGen struct {
	r      *rand.Rand
	height int
	used   []asm.Felt
}

func (g *keyGen) next() asm.Felt {
	lim := new(big.Int).Lsh(big.NewInt(1), uint(g.height))
	var k *big.Int
	pick := g.r.IntN(10)
	if len(g.used) == 0 {
		pick = 9
	}
	switch pick {
	case 0:
		k = new(big.Int)
	case 1:
		k = new(big.Int).Sub(lim, big.NewInt(1))
	case 2, 3: // a neighbour
		u := g.used[g.r.IntN(len(g.used))]
		k = u.BigInt()
		k.Add(k, big.NewInt(int64(g.r.IntN(5)-2)))
	case 4, 5: // one bit flipped: shares every other bit
		u := g.used[g.r.IntN(len(g.used))]
		k = u.BigInt()
		bit := g.r.IntN(g.height)
		if g.r.IntN(2) == 0 {
			bit = g.r.IntN(min(8, g.height))
		}
		k.SetBit(k, bit, k.Bit(bit)^1)
	case 6: // a small key
		k = big.NewInt(int64(g.r.IntN(64)))
	default:
		var b [32]byte
		for i := range b {
			b[i] = byte(g.r.Uint32())
		}
		k = new(big.Int).SetBytes(b[:])
	}
	k.Mod(k, lim)
	f := feltBig(k)
	g.used = append(g.used, f)
	return f
}

func randValue(r *rand.Rand) asm.Felt {
	var b [32]byte
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	b[0] &= 0x07
	v := asm.FeltFromBytesBE(b[:])
	if v.IsZero() {
		v = asm.One()
	}
	return v
}

// TestTrieAgainstNaive applies random batches (inserts, overwrites,
// deletions, deletions of absent keys, repeated keys) to one trie and after
// each batch compares its root with the naive root of a map holding the
// same leaves, and every leaf read back with Get.
func TestTrieAgainstNaive(t *testing.T) {
	for _, tc := range []struct {
		height, rounds, batch int
		hash                  HashFunc
		name                  string
	}{
		{251, 12, 24, Pedersen, "pedersen-251"},
		{251, 8, 16, Poseidon, "poseidon-251"},
		{6, 40, 12, Pedersen, "pedersen-6"}, // dense: most keys collide
		{1, 10, 3, Pedersen, "pedersen-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(tc.height), 7))
			g := &keyGen{r: r, height: tc.height}
			tr, err := OpenTrie(NewMemoryStore(), tc.hash, tc.height, asm.Felt{})
			if err != nil {
				t.Fatal(err)
			}
			model := map[asm.Felt]asm.Felt{}
			for round := range tc.rounds {
				var batch []Update
				for range 1 + r.IntN(tc.batch) {
					var u Update
					switch x := r.IntN(10); {
					case x < 3 && len(model) > 0: // delete or overwrite an existing key
						for k := range model {
							u.Key = k
							break
						}
						if x < 2 {
							u.Value = asm.Felt{}
						} else {
							u.Value = randValue(r)
						}
					case x == 3: // delete, probably absent
						u.Key = g.next()
					default:
						u.Key, u.Value = g.next(), randValue(r)
					}
					batch = append(batch, u)
					if r.IntN(8) == 0 { // the same key again: the last one wins
						batch = append(batch, Update{Key: u.Key, Value: randValue(r)})
					}
				}
				for _, u := range batch {
					if u.Value.IsZero() {
						delete(model, u.Key)
					} else {
						model[u.Key] = u.Value
					}
				}
				root, err := tr.Update(batch)
				if err != nil {
					t.Fatal(err)
				}
				if want := naiveRoot(tc.hash, tc.height, model); root != want {
					t.Fatalf("round %d: root %s, naive %s", round, root.Hex(), want.Hex())
				}
				for k, v := range model {
					got, err := tr.Get(k)
					if err != nil || got != v {
						t.Fatalf("round %d: Get(%s) = %s, %v; want %s", round, k.Hex(), got.Hex(), err, v.Hex())
					}
				}
			}
			// Emptying the trie in one batch gives the empty root.
			var batch []Update
			for k := range model {
				batch = append(batch, Update{Key: k})
			}
			if root, err := tr.Update(batch); err != nil || !root.IsZero() {
				t.Fatalf("after deleting everything: root %s, %v", root.Hex(), err)
			}
		})
	}
}

// TestTrieOrderAndBatching: the root depends on the leaves only, not on how
// they were batched or ordered.
func TestTrieOrderAndBatching(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	g := &keyGen{r: r, height: 251}
	var ups []Update
	for range 60 {
		ups = append(ups, Update{Key: g.next(), Value: randValue(r)})
	}
	one := NewTrie(NewMemoryStore(), Pedersen)
	want, err := one.Update(ups)
	if err != nil {
		t.Fatal(err)
	}
	single := NewTrie(NewMemoryStore(), Pedersen)
	for i := len(ups) - 1; i >= 0; i-- { // reversed, one at a time: the
		// first occurrence of a repeated key must win here, as it is the
		// last in ups
		if k := ups[i].Key; i != lastIndex(ups, k) {
			continue
		}
		if _, err := single.Update(ups[i : i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if got := single.Root(); got != want {
		t.Fatalf("one at a time: %s, batch: %s", got.Hex(), want.Hex())
	}
}

func lastIndex(ups []Update, k asm.Felt) int {
	for i := len(ups) - 1; i >= 0; i-- {
		if ups[i].Key == k {
			return i
		}
	}
	return -1
}

// TestTrieExtremes: keys 0 and 2^251-1 part at the root (a binary root);
// adjacent keys part at the last level; a key alone is one edge of 251.
func TestTrieExtremes(t *testing.T) {
	one, two := asm.FeltFromUint64(1), asm.FeltFromUint64(2)
	zero := asm.Felt{}
	for _, leaves := range []map[asm.Felt]asm.Felt{
		{zero: one},
		{maxKey: one},
		{zero: one, maxKey: two},
		{zero: one, asm.FeltFromUint64(1): two},
		{maxKey: one, feltBig(new(big.Int).Sub(maxKey.BigInt(), big.NewInt(1))): two},
		{asm.FeltFromUint64(1 << 40): one, asm.FeltFromUint64(1<<40 + 1): two, maxKey: one},
	} {
		tr := NewTrie(NewMemoryStore(), Pedersen)
		var ups []Update
		for k, v := range leaves {
			ups = append(ups, Update{k, v})
		}
		root, err := tr.Update(ups)
		if err != nil {
			t.Fatal(err)
		}
		if want := naiveRoot(Pedersen, 251, leaves); root != want {
			t.Errorf("%v: root %s, naive %s", leaves, root.Hex(), want.Hex())
		}
	}
	// A single leaf: an edge of length 251 over the whole key.
	tr := NewTrie(NewMemoryStore(), Pedersen)
	root, _ := tr.Update([]Update{{maxKey, one}})
	want := asm.Pedersen(&one, &maxKey)
	l := asm.FeltFromUint64(251)
	want.Add(&want, &l)
	if root != want {
		t.Errorf("single leaf at 2^251-1: %s, want h(1, 2^251-1)+251 = %s", root.Hex(), want.Hex())
	}
}

// TestTrieKeyErrors: 2^251 and P-1 are felts but not keys; the batch fails
// whole and the root stays.
func TestTrieKeyErrors(t *testing.T) {
	tr := NewTrie(NewMemoryStore(), Pedersen)
	root, _ := tr.Update([]Update{{asm.FeltFromUint64(5), asm.One()}})
	for _, bad := range []asm.Felt{
		feltBig(new(big.Int).Lsh(big.NewInt(1), 251)),
		asm.FeltFromInt64(-1),
	} {
		_, err := tr.Update([]Update{{asm.FeltFromUint64(6), asm.One()}, {bad, asm.One()}})
		var ke *KeyError
		if !errors.As(err, &ke) || ke.Key != bad || ke.Height != 251 {
			t.Errorf("key %s: error %v, want *KeyError", bad.Hex(), err)
		}
		if tr.Root() != root {
			t.Errorf("root changed after a failed batch")
		}
		if _, err := tr.Get(bad); !errors.As(err, &ke) {
			t.Errorf("Get(%s): %v, want *KeyError", bad.Hex(), err)
		}
	}
	small, _ := OpenTrie(NewMemoryStore(), Pedersen, 4, asm.Felt{})
	if _, err := small.Update([]Update{{asm.FeltFromUint64(16), asm.One()}}); err == nil {
		t.Error("key 16 accepted by a trie of height 4")
	}
	for _, h := range []int{0, -1, 252} {
		var he *HeightError
		if _, err := OpenTrie(NewMemoryStore(), Pedersen, h, asm.Felt{}); !errors.As(err, &he) {
			t.Errorf("height %d: %v, want *HeightError", h, err)
		}
	}
}

// TestTriePersistence: an update leaves the earlier root readable, and a
// root the store lacks is reported as missing.
func TestTriePersistence(t *testing.T) {
	store := NewMemoryStore()
	tr := NewTrie(store, Pedersen)
	k := asm.FeltFromUint64(0x99cadc82)
	r1, _ := tr.Update([]Update{{k, asm.FeltFromUint64(1)}, {asm.FeltFromUint64(0x8975), asm.FeltFromUint64(3)}})
	if _, err := tr.Update([]Update{{k, asm.FeltFromUint64(2)}}); err != nil {
		t.Fatal(err)
	}
	old, _ := OpenTrie(store, Pedersen, Height, r1)
	if v, err := old.Get(k); err != nil || v != asm.FeltFromUint64(1) {
		t.Errorf("old root reads %s, %v; want 1", v.Hex(), err)
	}
	if v, _ := tr.Get(k); v != asm.FeltFromUint64(2) {
		t.Errorf("new root reads %s; want 2", v.Hex())
	}
	// Every stored node is filed under its own hash.
	store.Range(func(h asm.Felt, n Node) bool {
		if got := n.Hash(Pedersen); got != h {
			t.Errorf("node filed under %s hashes to %s", h.Hex(), got.Hex())
		}
		return true
	})
	missing, _ := OpenTrie(NewMemoryStore(), Pedersen, Height, r1)
	var me *MissingNodeError
	if _, err := missing.Get(k); !errors.As(err, &me) || me.Hash != r1 {
		t.Errorf("Get on a foreign root: %v, want *MissingNodeError", err)
	}
	if _, err := missing.Update([]Update{{k, asm.One()}}); !errors.As(err, &me) {
		t.Errorf("Update on a foreign root: %v, want *MissingNodeError", err)
	}
}

// TestTrieNoOp: writing values already there, or deleting absent keys,
// keeps the root and writes no node.
func TestTrieNoOp(t *testing.T) {
	store := NewMemoryStore()
	tr := NewTrie(store, Pedersen)
	ups := []Update{{asm.FeltFromUint64(1), asm.FeltFromUint64(7)}, {asm.FeltFromUint64(1000), asm.FeltFromUint64(8)}}
	root, _ := tr.Update(ups)
	n := store.Len()
	again, err := tr.Update(append(ups, Update{Key: asm.FeltFromUint64(3)}))
	if err != nil || again != root {
		t.Fatalf("no-op batch moved the root: %s -> %s (%v)", root.Hex(), again.Hex(), err)
	}
	if store.Len() != n {
		t.Errorf("no-op batch wrote %d nodes", store.Len()-n)
	}
	if root, _ := tr.Update(nil); root != again {
		t.Error("empty batch moved the root")
	}
}

// TestNodeEncoding round-trips nodes and rejects malformed encodings.
func TestNodeEncoding(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []Node{
		BinaryNode(randValue(r), randValue(r)),
		EdgeNode(randValue(r), asm.FeltFromUint64(5), 3),
		EdgeNode(randValue(r), maxKey, 251),
	} {
		b, _ := n.MarshalBinary()
		var m Node
		if err := m.UnmarshalBinary(b); err != nil || m != n {
			t.Errorf("round trip of %+v: %+v, %v", n, m, err)
		}
	}
	good, _ := EdgeNode(asm.One(), asm.One(), 1).MarshalBinary()
	for name, b := range map[string][]byte{
		"short":      good[:64],
		"length 252": append([]byte{252}, good[1:]...),
		"A = P":      append(append([]byte{0}, asm.ModulusBig().FillBytes(make([]byte, 32))...), good[33:]...),
	} {
		var m Node
		if err := m.UnmarshalBinary(b); !errors.Is(err, ErrNodeEncoding) {
			t.Errorf("%s: %v, want ErrNodeEncoding", name, err)
		}
	}
}

// TestTrieParallelBatch: batches large enough for the two sides of a
// binary node to be computed on two goroutines give the naive root (run
// with -race to check the sharing).
func TestTrieParallelBatch(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	r := rand.New(rand.NewPCG(9, 9))
	g := &keyGen{r: r, height: 251}
	model := map[asm.Felt]asm.Felt{}
	tr := NewTrie(NewMemoryStore(), Pedersen)
	for _, n := range []int{150, 300} {
		var batch []Update
		for range n {
			u := Update{Key: g.next(), Value: randValue(r)}
			if r.IntN(5) == 0 && len(model) > 0 {
				for k := range model {
					u = Update{Key: k}
					break
				}
			}
			batch = append(batch, u)
			if u.Value.IsZero() {
				delete(model, u.Key)
			} else {
				model[u.Key] = u.Value
			}
		}
		root, err := tr.Update(batch)
		if err != nil {
			t.Fatal(err)
		}
		if want := naiveRoot(Pedersen, 251, model); root != want {
			t.Fatalf("batch of %d: root %s, naive %s", n, root.Hex(), want.Hex())
		}
	}
}
