package commitment

import (
	"math/rand/v2"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/state"
)

// randomDiff returns a block-like diff: storage of a few contracts, some
// nonces and deployments, and a declared class.
func randomDiff(r *rand.Rand, contracts int) state.Diff {
	var d state.Diff
	for c := range contracts {
		a := asm.FeltFromUint64(0x1000 + uint64(c))
		sd := state.ContractStorageDiff{Address: a}
		for k := range 1 + r.IntN(40) {
			sd.StorageEntries = append(sd.StorageEntries, state.StorageEntry{Key: asm.FeltFromUint64(uint64(k)*7 + r.Uint64N(7)), Value: randValue(r)})
		}
		d.StorageDiffs = append(d.StorageDiffs, sd)
		if r.IntN(2) == 0 {
			d.Nonces = append(d.Nonces, state.NonceUpdate{ContractAddress: a, Nonce: asm.FeltFromUint64(1 + r.Uint64N(9))})
		}
		if r.IntN(3) == 0 {
			d.DeployedContracts = append(d.DeployedContracts, state.DeployedContract{Address: a, ClassHash: randValue(r)})
		}
	}
	d.DeclaredClasses = []state.DeclaredClass{{ClassHash: randValue(r), CompiledClassHash: randValue(r)}}
	return d
}

// TestClone: a clone has its origin's root, updating it leaves the origin
// (and its store) untouched, and the clone's new root is the one the
// origin would have reached itself.
func TestClone(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	nodes, classNodes := NewMemoryStore(), NewMemoryStore()
	base := NewState(nodes, classNodes)
	genesis := randomDiff(r, 30)
	root0, err := base.Apply(&genesis)
	if err != nil {
		t.Fatal(err)
	}
	held := nodes.Len() + classNodes.Len()
	for i := range 3 {
		d := randomDiff(r, 10+i)
		c := base.Clone()
		if cr := c.Root(); cr != root0 {
			t.Fatalf("clone root %s, want %s", cr.Hex(), root0.Hex())
		}
		got, err := c.Apply(&d)
		if err != nil {
			t.Fatal(err)
		}
		if now := base.Root(); now != root0 || nodes.Len()+classNodes.Len() != held {
			t.Fatalf("updating a clone changed its origin: root %s, %d nodes (had %d)", now.Hex(), nodes.Len()+classNodes.Len(), held)
		}
		// The same two diffs on a State built from nothing.
		fresh := NewState(NewMemoryStore(), NewMemoryStore())
		if _, err := fresh.Apply(&genesis); err != nil {
			t.Fatal(err)
		}
		want, err := fresh.Apply(&d)
		if err != nil {
			t.Fatal(err)
		}
		if got != want || c.ContractsRoot() != fresh.ContractsRoot() || c.ClassesRoot() != fresh.ClassesRoot() {
			t.Fatalf("clone reached %s, a fresh state %s", got.Hex(), want.Hex())
		}
		// The clone reads its storage through both layers.
		sd := d.StorageDiffs[0]
		v, err := c.Storage(sd.Address, sd.StorageEntries[0].Key)
		if err != nil || v != sd.StorageEntries[0].Value {
			t.Fatalf("clone storage: %s, %v", v.Hex(), err)
		}
	}
}
