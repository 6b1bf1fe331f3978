package commitment

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/state"
)

// TestStateAgainstNaive applies random block-like diffs to a State and
// compares every root with the naive commitment of the whole state,
// recomputed from scratch (naiveStateRoot).
func TestStateAgainstNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	s := NewState(NewMemoryStore(), NewMemoryStore())
	contracts := map[asm.Felt]*naiveContract{}
	compiled := map[asm.Felt]asm.Felt{}
	var addrs, classes []asm.Felt
	g := &keyGen{r: r, height: 251}
	for block := range 12 {
		var d state.Diff
		pick := func() asm.Felt {
			if len(addrs) > 0 && r.IntN(3) > 0 {
				return addrs[r.IntN(len(addrs))]
			}
			a := g.next()
			addrs = append(addrs, a)
			return a
		}
		nc := func(a asm.Felt) *naiveContract {
			c := contracts[a]
			if c == nil {
				c = &naiveContract{storage: map[asm.Felt]asm.Felt{}}
				contracts[a] = c
			}
			return c
		}
		seen := map[asm.Felt]bool{}
		for range 1 + r.IntN(5) {
			a := pick()
			if seen[a] {
				continue
			}
			seen[a] = true
			sd := state.ContractStorageDiff{Address: a}
			c := nc(a)
			for range 1 + r.IntN(6) {
				e := state.StorageEntry{Key: asm.FeltFromUint64(uint64(r.IntN(40))), Value: randValue(r)}
				if r.IntN(4) == 0 {
					e.Value = asm.Felt{}
				}
				if _, dup := c.storage[e.Key]; dup && r.IntN(2) == 0 {
					e.Value = asm.Felt{} // delete an existing cell
				}
				sd.StorageEntries = append(sd.StorageEntries, e)
				c.storage[e.Key] = e.Value
			}
			d.StorageDiffs = append(d.StorageDiffs, sd)
		}
		for range r.IntN(3) {
			a := pick()
			n := asm.FeltFromUint64(uint64(r.IntN(3)))
			d.Nonces = append(d.Nonces, state.NonceUpdate{ContractAddress: a, Nonce: n})
			nc(a).nonce = n
		}
		for range r.IntN(3) {
			a := pick()
			ch := randValue(r)
			if r.IntN(3) == 0 {
				ch = asm.Felt{} // a contract without class, like the system contracts
			}
			d.DeployedContracts = append(d.DeployedContracts, state.DeployedContract{Address: a, ClassHash: ch})
			nc(a).classHash = ch
		}
		for range r.IntN(2) {
			if len(addrs) == 0 {
				break
			}
			a := addrs[r.IntN(len(addrs))]
			if deployedIn(d, a) {
				continue
			}
			ch := randValue(r)
			d.ReplacedClasses = append(d.ReplacedClasses, state.ReplacedClass{ContractAddress: a, ClassHash: ch})
			nc(a).classHash = ch
		}
		for range r.IntN(3) {
			var ch asm.Felt
			if len(classes) > 0 && r.IntN(2) == 0 {
				ch = classes[r.IntN(len(classes))]
			} else {
				ch = g.next()
				classes = append(classes, ch)
			}
			cc := randValue(r)
			if block == 5 { // remove every class: the root falls back to the contract trie's
				for _, x := range classes {
					d.DeclaredClasses = append(d.DeclaredClasses, state.DeclaredClass{ClassHash: x})
					compiled[x] = asm.Felt{}
				}
				break
			}
			d.DeclaredClasses = append(d.DeclaredClasses, state.DeclaredClass{ClassHash: ch, CompiledClassHash: cc})
			compiled[ch] = cc
		}
		got, err := s.Apply(&d)
		if err != nil {
			t.Fatal(err)
		}
		if want := naiveStateRoot(contracts, compiled); got != want {
			t.Fatalf("block %d: root %s, naive %s", block, got.Hex(), want.Hex())
		}
		for a, c := range contracts {
			for k, v := range c.storage {
				if got, err := s.Storage(a, k); err != nil || got != v {
					t.Fatalf("block %d: storage %s[%s] = %s, %v; want %s", block, a.Hex(), k.Hex(), got.Hex(), err, v.Hex())
				}
			}
		}
	}
}

// deployedIn reports whether d deploys at a (a diff does not both deploy
// and replace at one address).
func deployedIn(d state.Diff, a asm.Felt) bool {
	for _, x := range d.DeployedContracts {
		if x.Address == a {
			return true
		}
	}
	for _, x := range d.ReplacedClasses {
		if x.ContractAddress == a {
			return true
		}
	}
	return false
}

// TestSystemContractLeaf: a contract without class (address 1, the block
// hash contract) is in the trie while it has storage and leaves it when its
// storage empties.
func TestSystemContractLeaf(t *testing.T) {
	s := NewState(NewMemoryStore(), NewMemoryStore())
	one, key := asm.One(), asm.FeltFromUint64(100)
	root, err := s.Apply(&state.Diff{StorageDiffs: []state.ContractStorageDiff{{Address: one, StorageEntries: []state.StorageEntry{{Key: key, Value: asm.FeltFromUint64(7)}}}}})
	if err != nil {
		t.Fatal(err)
	}
	c, ok := s.Contract(one)
	if !ok {
		t.Fatal("address 1 has no leaf")
	}
	leaf := ContractStateHash(asm.Felt{}, c.StorageRoot, asm.Felt{})
	single := NewTrie(NewMemoryStore(), Pedersen)
	if want, _ := single.Update([]Update{{one, leaf}}); root != want {
		t.Errorf("root %s, want the trie of the one leaf h(h(h(0, root), 0), 0) = %s", root.Hex(), want.Hex())
	}
	root, err = s.Apply(&state.Diff{StorageDiffs: []state.ContractStorageDiff{{Address: one, StorageEntries: []state.StorageEntry{{Key: key}}}}})
	if err != nil || !root.IsZero() {
		t.Errorf("after emptying address 1: root %s, %v; want 0", root.Hex(), err)
	}
	if _, ok := s.Contract(one); ok {
		t.Error("address 1 still has a leaf")
	}
}

// TestApplyErrors: keys of 2^251 and more fail with a *KeyError and leave
// the State as it was.
func TestApplyErrors(t *testing.T) {
	s := NewState(NewMemoryStore(), NewMemoryStore())
	good := state.Diff{DeployedContracts: []state.DeployedContract{{Address: asm.FeltFromUint64(9), ClassHash: asm.One()}}}
	root, _ := s.Apply(&good)
	big251 := asm.FeltFromBig(new(big.Int).Lsh(big.NewInt(1), 251))
	for name, d := range map[string]state.Diff{
		"address": {DeployedContracts: []state.DeployedContract{{Address: big251, ClassHash: asm.One()}}},
		"storage key": {StorageDiffs: []state.ContractStorageDiff{{Address: asm.FeltFromUint64(9),
			StorageEntries: []state.StorageEntry{{Key: big251, Value: asm.One()}}}}},
		"class hash": {Nonces: []state.NonceUpdate{{ContractAddress: asm.FeltFromUint64(9), Nonce: asm.One()}},
			DeclaredClasses: []state.DeclaredClass{{ClassHash: asm.FeltFromInt64(-1), CompiledClassHash: asm.One()}}},
	} {
		_, err := s.Apply(&d)
		var ke *KeyError
		if !errors.As(err, &ke) {
			t.Errorf("%s: %v, want a *KeyError", name, err)
		}
		if got := s.Root(); got != root {
			t.Errorf("%s: a failed Apply moved the root", name)
		}
		if c, _ := s.Contract(asm.FeltFromUint64(9)); !c.Nonce.IsZero() {
			t.Errorf("%s: a failed Apply changed a nonce", name)
		}
	}
}
