package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/state"
)

const starkPrime = "0x800000000000011000000000000000000000000000000000000000000000001"

// testClass is a small valid CASM class (the class package's synthetic
// test class); tag makes distinct JSON documents of it.
func testClass(tag int) []byte {
	return []byte(`{
  "prime": "` + starkPrime + `",
  "compiler_version": "2.99.` + fmt.Sprint(tag) + `",
  "bytecode": ["0x1", "0x2", "0x3", "0x4", "0x5"],
  "bytecode_segment_lengths": [2, [1, 2]],
  "hints": [
    [0, [{"AllocSegment": {"dst": {"register": "AP", "offset": 0}}}]],
    [3, ["AssertAllKeysUsed", {"AssertCurrentAccessIndicesIsEmpty": null}]]
  ],
  "pythonic_hints": [],
  "entry_points_by_type": {
    "EXTERNAL": [
      {"selector": "0x1", "offset": 0, "builtins": ["range_check"]},
      {"selector": "0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e", "offset": "0x3", "builtins": []}
    ],
    "L1_HANDLER": [],
    "CONSTRUCTOR": [{"selector": "0x28ffe4ff0f226a9107253e17a904099aa4f63a02a5621de0576e5aa71bc5194", "offset": 1, "builtins": ["pedersen", "range_check"]}]
  }
}`)
}

func felt(v uint64) asm.Felt { return asm.FeltFromUint64(v) }

// randFelt is a felt below 2^251 (so it fits the tries), small with some
// probability so that values collide and zeros (deletions) occur.
func randFelt(rng *rand.Rand) asm.Felt {
	switch rng.IntN(4) {
	case 0:
		return felt(uint64(rng.IntN(3)))
	case 1:
		return felt(rng.Uint64())
	default:
		var l [4]uint64
		l[0], l[1], l[2], l[3] = rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64()>>6
		var f asm.Felt
		f.SetLimbs(l)
		return f
	}
}

// blockDiff is block n's diff in a test chain with the given seed: a
// function of (seed, n) only, so a test can regenerate what a crashed child
// committed. Writes fall on a small key space so that blocks overwrite and
// delete each other's values. Every seventh block declares a class.
func blockDiff(seed, n uint64, writes int) (*state.Diff, map[asm.Felt][]byte) {
	rng := rand.New(rand.NewPCG(seed, n))
	d := &state.Diff{}
	contracts := 8
	storage := map[[2]uint64]asm.Felt{}
	for range writes {
		storage[[2]uint64{uint64(1 + rng.IntN(contracts)), uint64(1 + rng.IntN(4*writes+16))}] = randFelt(rng)
	}
	keys := make([][2]uint64, 0, len(storage))
	for k := range storage {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]uint64) int {
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		return int(a[1]) - int(b[1])
	})
	for _, k := range keys {
		if len(d.StorageDiffs) == 0 || d.StorageDiffs[len(d.StorageDiffs)-1].Address != felt(k[0]) {
			d.StorageDiffs = append(d.StorageDiffs, state.ContractStorageDiff{Address: felt(k[0])})
		}
		s := &d.StorageDiffs[len(d.StorageDiffs)-1]
		s.StorageEntries = append(s.StorageEntries, state.StorageEntry{Key: felt(k[1]), Value: storage[k]})
	}
	for c := 1; c <= contracts; c++ {
		switch rng.IntN(6) {
		case 0:
			d.Nonces = append(d.Nonces, state.NonceUpdate{ContractAddress: felt(uint64(c)), Nonce: felt(n + 1)})
		case 1:
			d.DeployedContracts = append(d.DeployedContracts, state.DeployedContract{Address: felt(uint64(c)), ClassHash: felt(uint64(900 + rng.IntN(3)))})
		case 2:
			d.ReplacedClasses = append(d.ReplacedClasses, state.ReplacedClass{ContractAddress: felt(uint64(c)), ClassHash: randFelt(rng)})
		}
	}
	var classes map[asm.Felt][]byte
	if n%7 == 0 {
		h := felt(10_000 + n)
		d.DeclaredClasses = []state.DeclaredClass{{ClassHash: h, CompiledClassHash: felt(20_000 + n)}}
		classes = map[asm.Felt][]byte{h: testClass(int(n))}
	}
	return d, classes
}

// model is the flat state a sequence of diffs should leave, kept
// independently of the store's code.
type model struct {
	storage  map[[2]asm.Felt]asm.Felt
	nonces   map[asm.Felt]asm.Felt
	classOf  map[asm.Felt]asm.Felt
	compiled map[asm.Felt]asm.Felt
	json     map[asm.Felt]string
}

func newModel() *model {
	return &model{
		storage:  map[[2]asm.Felt]asm.Felt{},
		nonces:   map[asm.Felt]asm.Felt{},
		classOf:  map[asm.Felt]asm.Felt{},
		compiled: map[asm.Felt]asm.Felt{},
		json:     map[asm.Felt]string{},
	}
}

func setOrDelete[K comparable](m map[K]asm.Felt, k K, v asm.Felt) {
	if v.IsZero() {
		delete(m, k)
	} else {
		m[k] = v
	}
}

func (m *model) apply(d *state.Diff, classes map[asm.Felt][]byte) {
	for _, x := range d.DeployedContracts {
		setOrDelete(m.classOf, x.Address, x.ClassHash)
	}
	for _, x := range d.ReplacedClasses {
		setOrDelete(m.classOf, x.ContractAddress, x.ClassHash)
	}
	for _, x := range d.Nonces {
		setOrDelete(m.nonces, x.ContractAddress, x.Nonce)
	}
	for _, s := range d.StorageDiffs {
		for _, e := range s.StorageEntries {
			setOrDelete(m.storage, [2]asm.Felt{s.Address, e.Key}, e.Value)
		}
	}
	for _, x := range d.DeclaredClasses {
		setOrDelete(m.compiled, x.ClassHash, x.CompiledClassHash)
		if x.CompiledClassHash.IsZero() {
			delete(m.json, x.ClassHash)
		} else if js, ok := classes[x.ClassHash]; ok {
			m.json[x.ClassHash] = string(js)
		}
	}
}

// dump reads the whole flat state of db straight from Pebble.
func dump(t testing.TB, db *DB) *model {
	t.Helper()
	m := newModel()
	it, err := db.pdb.NewIter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	f := func(b []byte) asm.Felt {
		x, ok := decodeFelt(b)
		if !ok {
			t.Fatalf("not a felt: %x", b)
		}
		return x
	}
	for ok := it.First(); ok; ok = it.Next() {
		k, v := it.Key(), it.Value()
		switch k[0] {
		case 's':
			m.storage[[2]asm.Felt{f(k[1:33]), f(k[33:])}] = f(v)
		case 'n':
			m.nonces[f(k[1:])] = f(v)
		case 'c':
			m.classOf[f(k[1:])] = f(v)
		case 'h':
			m.compiled[f(k[1:])] = f(v)
		case 'j':
			m.json[f(k[1:])] = string(v)
		}
	}
	if err := it.Error(); err != nil {
		t.Fatal(err)
	}
	return m
}

// diff describes the first difference between two models, or "".
func (m *model) diff(o *model) string {
	if s := mapDiff("storage", m.storage, o.storage); s != "" {
		return s
	}
	if s := mapDiff("nonce", m.nonces, o.nonces); s != "" {
		return s
	}
	if s := mapDiff("class hash", m.classOf, o.classOf); s != "" {
		return s
	}
	if s := mapDiff("compiled class hash", m.compiled, o.compiled); s != "" {
		return s
	}
	return mapDiff("class JSON", m.json, o.json)
}

func mapDiff[K, V comparable](what string, a, b map[K]V) string {
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return fmt.Sprintf("%s %v: want %v, have %v (present %v)", what, k, v, w, ok)
		}
	}
	for k, w := range b {
		if _, ok := a[k]; !ok {
			return fmt.Sprintf("%s %v: want absent, have %v", what, k, w)
		}
	}
	return ""
}
