package commitment

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/state"
)

// naiveState is a whole state as maps, for naiveStateRoot.
type naiveState struct {
	contracts map[asm.Felt]*naiveContract
	compiled  map[asm.Felt]asm.Felt
}

func newNaiveState() *naiveState {
	return &naiveState{contracts: map[asm.Felt]*naiveContract{}, compiled: map[asm.Felt]asm.Felt{}}
}

func (m *naiveState) contract(a asm.Felt) *naiveContract {
	c := m.contracts[a]
	if c == nil {
		c = &naiveContract{storage: map[asm.Felt]asm.Felt{}}
		m.contracts[a] = c
	}
	return c
}

// apply applies d the way a diff is defined: deployed, then replaced
// classes, nonces, storage (0 deletes) and declared classes.
func (m *naiveState) apply(d *state.Diff) {
	for _, x := range d.DeployedContracts {
		m.contract(x.Address).classHash = x.ClassHash
	}
	for _, x := range d.ReplacedClasses {
		m.contract(x.ContractAddress).classHash = x.ClassHash
	}
	for _, x := range d.Nonces {
		m.contract(x.ContractAddress).nonce = x.Nonce
	}
	for _, sd := range d.StorageDiffs {
		c := m.contract(sd.Address)
		for _, e := range sd.StorageEntries {
			if e.Value.IsZero() {
				delete(c.storage, e.Key)
			} else {
				c.storage[e.Key] = e.Value
			}
		}
	}
	for _, x := range d.DeclaredClasses {
		m.compiled[x.ClassHash] = x.CompiledClassHash
	}
}

func (m *naiveState) root() asm.Felt { return naiveStateRoot(m.contracts, m.compiled) }

// reopenDiff is a random diff over a pool of addresses that exercises
// every way a contract's leaf changes: storage writes and deletions,
// nonces alone (the cached inner hash), deployments and class
// replacements, a contract emptied out of the trie, and declared classes
// when classes is set.
func reopenDiff(r *rand.Rand, m *naiveState, pool []asm.Felt, classes bool) state.Diff {
	var d state.Diff
	used := map[asm.Felt]bool{}
	for range 1 + r.IntN(8) {
		a := pool[r.IntN(len(pool))]
		if used[a] {
			continue
		}
		used[a] = true
		switch r.IntN(6) {
		case 0:
			d.Nonces = append(d.Nonces, state.NonceUpdate{ContractAddress: a, Nonce: asm.FeltFromUint64(r.Uint64N(5))})
		case 1:
			d.DeployedContracts = append(d.DeployedContracts, state.DeployedContract{Address: a, ClassHash: randValue(r)})
		case 2:
			d.ReplacedClasses = append(d.ReplacedClasses, state.ReplacedClass{ContractAddress: a, ClassHash: randValue(r)})
			d.Nonces = append(d.Nonces, state.NonceUpdate{ContractAddress: a, Nonce: asm.FeltFromUint64(1 + r.Uint64N(5))})
		case 3: // empty it: no class, no nonce, no storage
			d.ReplacedClasses = append(d.ReplacedClasses, state.ReplacedClass{ContractAddress: a})
			d.Nonces = append(d.Nonces, state.NonceUpdate{ContractAddress: a})
			sd := state.ContractStorageDiff{Address: a}
			if c := m.contracts[a]; c != nil {
				for k := range c.storage {
					sd.StorageEntries = append(sd.StorageEntries, state.StorageEntry{Key: k})
				}
			}
			if len(sd.StorageEntries) > 0 {
				d.StorageDiffs = append(d.StorageDiffs, sd)
			}
		default:
			sd := state.ContractStorageDiff{Address: a}
			for range 1 + r.IntN(5) {
				e := state.StorageEntry{Key: asm.FeltFromUint64(r.Uint64N(30))}
				if r.IntN(4) > 0 {
					e.Value = randValue(r)
				}
				sd.StorageEntries = append(sd.StorageEntries, e)
			}
			d.StorageDiffs = append(d.StorageDiffs, sd)
		}
	}
	if classes && r.IntN(2) == 0 {
		d.DeclaredClasses = append(d.DeclaredClasses, state.DeclaredClass{ClassHash: randValue(r), CompiledClassHash: randValue(r)})
	}
	return d
}

// checkOpened compares what an opened State reads with the naive model.
func checkOpened(t *testing.T, s *State, m *naiveState) {
	t.Helper()
	for a, nc := range m.contracts {
		c, ok, err := s.LoadContract(a)
		if err != nil {
			t.Fatalf("contract %s: %v", a.Hex(), err)
		}
		root := naiveRoot(Pedersen, Height, nc.storage)
		if want := !(nc.classHash.IsZero() && nc.nonce.IsZero() && root.IsZero()); ok != want {
			t.Fatalf("contract %s: has a leaf %v, want %v", a.Hex(), ok, want)
		}
		if c != (Contract{ClassHash: nc.classHash, StorageRoot: root, Nonce: nc.nonce}) {
			t.Fatalf("contract %s: read %+v", a.Hex(), c)
		}
		for k, v := range nc.storage {
			if got, err := s.Storage(a, k); err != nil || got != v {
				t.Fatalf("storage %s/%s = %s (%v), want %s", a.Hex(), k.Hex(), got.Hex(), err, v.Hex())
			}
		}
	}
}

// TestOpenState builds states with Apply, opens them again from their
// root alone, and checks that the opened State reads the same contracts
// and storage as the naive model and that Apply on it and on the original
// give the naive roots, block after block, with and without a class trie
// and with one store or two.
func TestOpenState(t *testing.T) {
	for _, tc := range []struct {
		name              string
		classes, oneStore bool
	}{
		{"contracts-only", false, false},
		{"with-classes", true, false},
		{"one-store", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(21, 22))
			nodes, classNodes := NewMemoryStore(), NewMemoryStore()
			if tc.oneStore {
				classNodes = nodes
			}
			pool := []asm.Felt{maxKey}
			for i := range 15 {
				pool = append(pool, asm.FeltFromUint64(0x100+uint64(i)))
			}
			orig := NewState(nodes, classNodes)
			m := newNaiveState()
			for range 8 {
				d := reopenDiff(r, m, pool, tc.classes)
				m.apply(&d)
				if _, err := orig.Apply(&d); err != nil {
					t.Fatal(err)
				}
			}
			if got, want := orig.Root(), m.root(); got != want {
				t.Fatalf("original: root %s, naive %s", got.Hex(), want.Hex())
			}
			if cr := orig.ClassesRoot(); tc.classes && cr.IsZero() {
				t.Fatal("no class trie to reopen")
			}
			opened, err := OpenState(nodes, classNodes, orig.Root())
			if err != nil {
				t.Fatal(err)
			}
			oc, ok, wc, wk := opened.ContractsRoot(), opened.ClassesRoot(), orig.ContractsRoot(), orig.ClassesRoot()
			if oc != wc || ok != wk {
				t.Fatalf("opened roots %s, %s; want %s, %s", oc.Hex(), ok.Hex(), wc.Hex(), wk.Hex())
			}
			for block := range 8 {
				d := reopenDiff(r, m, pool, tc.classes)
				m.apply(&d)
				want := m.root()
				got, err := opened.Apply(&d)
				if err != nil {
					t.Fatal(err)
				}
				if again, err := orig.Apply(&d); err != nil || again != want || got != want {
					t.Fatalf("block %d: opened %s, original %s (%v), naive %s", block, got.Hex(), again.Hex(), err, want.Hex())
				}
				// Opening the new root afresh reads the same state.
				fresh, err := OpenState(nodes, classNodes, got)
				if err != nil {
					t.Fatal(err)
				}
				checkOpened(t, fresh, m)
			}
			checkOpened(t, opened, m)
		})
	}
}

// TestOpenStateErrors: the empty root opens the empty state; a root the
// stores lack, or a contract whose preimage is missing, is a
// *MissingNodeError.
func TestOpenStateErrors(t *testing.T) {
	empty, err := OpenState(NewMemoryStore(), NewMemoryStore(), asm.Felt{})
	if err != nil {
		t.Fatal(err)
	}
	if r := empty.Root(); !r.IsZero() {
		t.Fatalf("empty root opens with root %s", r.Hex())
	}
	d := state.Diff{Nonces: []state.NonceUpdate{{ContractAddress: asm.FeltFromUint64(7), Nonce: asm.One()}}}
	m := newNaiveState()
	m.apply(&d)
	if got, err := empty.Apply(&d); err != nil || got != m.root() {
		want := m.root()
		t.Fatalf("Apply on the opened empty state: %s (%v), naive %s", got.Hex(), err, want.Hex())
	}

	var me *MissingNodeError
	if _, err := OpenState(NewMemoryStore(), NewMemoryStore(), asm.FeltFromUint64(99)); !errors.As(err, &me) {
		t.Fatalf("unknown root: %v", err)
	}

	// Stores holding the tries but not some leaf's preimage nodes: the
	// first leaf's (smallest address) fails OpenState, another's the
	// reads and the Apply that need it.
	nodes := NewMemoryStore()
	s := NewState(nodes, nodes)
	a, b := asm.FeltFromUint64(5), asm.FeltFromUint64(9)
	if _, err := s.Apply(&state.Diff{Nonces: []state.NonceUpdate{{ContractAddress: a, Nonce: asm.One()}, {ContractAddress: b, Nonce: asm.FeltFromUint64(2)}}}); err != nil {
		t.Fatal(err)
	}
	without := func(leaf asm.Felt) *MemoryStore {
		partial := NewMemoryStore()
		nodes.Range(func(h asm.Felt, n Node) bool {
			if h != leaf {
				partial.Put(h, n)
			}
			return true
		})
		return partial
	}
	leafA := ContractStateHash(asm.Felt{}, asm.Felt{}, asm.One())
	leafB := ContractStateHash(asm.Felt{}, asm.Felt{}, asm.FeltFromUint64(2))
	noA := without(leafA)
	if _, err := OpenState(noA, noA, s.Root()); !errors.As(err, &me) || me.Hash != leafA {
		t.Fatalf("first leaf's preimage missing: OpenState %v", err)
	}
	noB := without(leafB)
	opened, err := OpenState(noB, noB, s.Root())
	if err != nil {
		t.Fatal(err)
	}
	if c, ok, err := opened.LoadContract(a); err != nil || !ok || c.Nonce != asm.One() {
		t.Fatalf("contract a: %+v, %v, %v", c, ok, err)
	}
	if _, _, err := opened.LoadContract(b); !errors.As(err, &me) || me.Hash != leafB {
		t.Fatalf("missing preimage: %v", err)
	}
	if _, err := opened.Apply(&state.Diff{Nonces: []state.NonceUpdate{{ContractAddress: b, Nonce: asm.FeltFromUint64(3)}}}); !errors.As(err, &me) {
		t.Fatalf("Apply over a missing preimage: %v", err)
	}
	if opened.Root() != s.Root() {
		t.Fatal("a failed Apply moved the root")
	}
}
