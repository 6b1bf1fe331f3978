package state

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
)

const pMinus1 = "0x800000000000011000000000000000000000000000000000000000000000000"

// diffFixture makes the same writes, in an order shuffled by seed, over a
// parent where 0x6 and 0x7 are deployed.
func diffFixture(t *testing.T, seed uint64) *Cached {
	mem := NewMemory()
	must(t, mem.SetClassHash(f(7), f(0x70)))
	must(t, mem.SetClassHash(f(6), f(0x60)))
	must(t, mem.SetStorage(f(2), f(9), f(9)))
	big := felt(t, pMinus1)
	type w func(c *Cached) error
	writes := []w{
		func(c *Cached) error { return c.SetStorage(f(0x10), f(3), f(1)) },
		func(c *Cached) error { return c.SetStorage(f(2), big, f(2)) },
		func(c *Cached) error { return c.SetStorage(f(2), f(5), f(3)) },
		func(c *Cached) error { return c.SetStorage(f(1), f(0x100), f(4)) },
		func(c *Cached) error { return c.SetStorage(big, f(0), f(5)) },
		func(c *Cached) error { return c.SetStorage(f(2), f(0x4), big) },
		func(c *Cached) error { return c.SetNonce(f(0x10), f(1)) },
		func(c *Cached) error { return c.SetNonce(f(1), f(2)) },
		func(c *Cached) error { return c.SetNonce(big, f(3)) },
		func(c *Cached) error { return c.SetClassHash(f(3), f(0xaa)) },
		func(c *Cached) error { return c.SetClassHash(big, f(0xbb)) },
		func(c *Cached) error { return c.SetClassHash(f(2), f(0xbb)) },
		func(c *Cached) error { return c.SetClassHash(f(7), f(0xaa)) },
		func(c *Cached) error { return c.SetClassHash(f(6), f(0xbb)) },
		func(c *Cached) error { return c.DeclareClass(f(0xbb), f(0xb), new(class.Class)) },
		func(c *Cached) error { return c.DeclareClass(big, f(0xc), new(class.Class)) },
		func(c *Cached) error { return c.DeclareClass(f(0xaa), f(0xa), new(class.Class)) },
		// Read, then write back the same value: no change.
		func(c *Cached) error {
			v, err := c.Storage(f(2), f(9))
			if err != nil {
				return err
			}
			return c.SetStorage(f(2), f(9), v)
		},
	}
	r := rand.New(rand.NewPCG(seed, 1))
	r.Shuffle(len(writes), func(i, j int) { writes[i], writes[j] = writes[j], writes[i] })
	c := NewCached(mem)
	for _, w := range writes {
		must(t, w(c))
	}
	return c
}

const wantDiffJSON = `{"storage_diffs":[` +
	`{"address":"0x1","storage_entries":[{"key":"0x100","value":"0x4"}]},` +
	`{"address":"0x2","storage_entries":[{"key":"0x4","value":"` + pMinus1 + `"},{"key":"0x5","value":"0x3"},{"key":"` + pMinus1 + `","value":"0x2"}]},` +
	`{"address":"0x10","storage_entries":[{"key":"0x3","value":"0x1"}]},` +
	`{"address":"` + pMinus1 + `","storage_entries":[{"key":"0x0","value":"0x5"}]}],` +
	`"deprecated_declared_classes":[],` +
	`"declared_classes":[{"class_hash":"0xaa","compiled_class_hash":"0xa"},{"class_hash":"0xbb","compiled_class_hash":"0xb"},{"class_hash":"` + pMinus1 + `","compiled_class_hash":"0xc"}],` +
	`"deployed_contracts":[{"address":"0x2","class_hash":"0xbb"},{"address":"0x3","class_hash":"0xaa"},{"address":"` + pMinus1 + `","class_hash":"0xbb"}],` +
	`"replaced_classes":[{"contract_address":"0x6","class_hash":"0xbb"},{"contract_address":"0x7","class_hash":"0xaa"}],` +
	`"nonces":[{"contract_address":"0x1","nonce":"0x2"},{"contract_address":"0x10","nonce":"0x1"},{"contract_address":"` + pMinus1 + `","nonce":"0x3"}]}`

// raw returns the stored limbs of x, most significant first.
func raw(x asm.Felt) []uint64 { return []uint64{x[3], x[2], x[1], x[0]} }

// TestDiffOrder checks that the diff is sorted by integer value (not by the
// Montgomery form felts are stored in, nor by write or map order), whatever
// the order of the writes, and has the JSON-RPC StateDiff shape.
func TestDiffOrder(t *testing.T) {
	// The premise: sorting by the stored (Montgomery) limbs would give
	// another order for the fixture's felts.
	xs := []asm.Felt{f(1), f(2), f(3), f(5), f(0x10), f(0x100), f(0xaa), f(0xbb), felt(t, pMinus1)}
	if slices.IsSortedFunc(xs, func(a, b asm.Felt) int { return slices.Compare(raw(a), raw(b)) }) {
		t.Fatal("fixture felts sort alike in Montgomery form; pick others")
	}
	for seed := range uint64(20) {
		c := diffFixture(t, seed)
		got, err := json.Marshal(c.Diff())
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != wantDiffJSON {
			t.Fatalf("seed %d:\n got %s\nwant %s", seed, got, wantDiffJSON)
		}
	}
}

func TestDiffJSONRoundTrip(t *testing.T) {
	var d Diff
	if err := json.Unmarshal([]byte(wantDiffJSON), &d); err != nil {
		t.Fatal(err)
	}
	if !diffEqual(d, diffFixture(t, 0).Diff()) {
		t.Fatalf("round trip: %+v", d)
	}
	var empty Diff
	got, _ := json.Marshal(empty)
	const want = `{"storage_diffs":[],"deprecated_declared_classes":[],"declared_classes":[],"deployed_contracts":[],"replaced_classes":[],"nonces":[]}`
	if string(got) != want || !empty.Empty() {
		t.Fatalf("empty diff: %s", got)
	}
	if err := json.Unmarshal([]byte(`{"nonces":[{"contract_address":"0xzz","nonce":"0x1"}]}`), &d); err == nil {
		t.Fatal("bad felt accepted")
	}
}
