package state

import (
	"errors"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
)

// The model: the parent's state as plain maps, the writes as plain maps,
// and a checkpoint as a whole copy of the writes. Nothing is journaled, so
// it is obviously right about reverts; the test compares Cached with it
// after every operation.

type view struct {
	storage  map[storageKey]asm.Felt
	nonce    map[asm.Felt]asm.Felt
	classOf  map[asm.Felt]asm.Felt
	declared map[asm.Felt]declared
}

func newView() view {
	return view{
		storage:  map[storageKey]asm.Felt{},
		nonce:    map[asm.Felt]asm.Felt{},
		classOf:  map[asm.Felt]asm.Felt{},
		declared: map[asm.Felt]declared{},
	}
}

func (v view) clone() view {
	return view{maps.Clone(v.storage), maps.Clone(v.nonce), maps.Clone(v.classOf), maps.Clone(v.declared)}
}

type savedView struct {
	id     int
	writes view
}

type model struct {
	base   view // the parent (missing = zero / undeclared)
	writes view
	stack  []savedView
	// Which parent entries the Cached must have recorded as read.
	readStorage  map[storageKey]bool
	readNonce    map[asm.Felt]bool
	readClassOf  map[asm.Felt]bool
	readCompiled map[asm.Felt]bool
	readClass    map[asm.Felt]bool
}

func newModel(base view) *model {
	return &model{
		base: base, writes: newView(),
		readStorage: map[storageKey]bool{}, readNonce: map[asm.Felt]bool{}, readClassOf: map[asm.Felt]bool{},
		readCompiled: map[asm.Felt]bool{}, readClass: map[asm.Felt]bool{},
	}
}

func (m *model) storage(k storageKey) asm.Felt {
	if v, ok := m.writes.storage[k]; ok {
		return v
	}
	m.readStorage[k] = true
	return m.base.storage[k]
}

func (m *model) nonce(c asm.Felt) asm.Felt {
	if v, ok := m.writes.nonce[c]; ok {
		return v
	}
	m.readNonce[c] = true
	return m.base.nonce[c]
}

func (m *model) classOf(c asm.Felt) asm.Felt {
	if v, ok := m.writes.classOf[c]; ok {
		return v
	}
	m.readClassOf[c] = true
	return m.base.classOf[c]
}

func (m *model) compiledHash(h asm.Felt) asm.Felt {
	if d, ok := m.writes.declared[h]; ok {
		return d.compiledHash
	}
	m.readCompiled[h] = true
	return m.base.declared[h].compiledHash
}

func (m *model) class(h asm.Felt) *class.Class {
	if d, ok := m.writes.declared[h]; ok {
		return d.class
	}
	m.readClass[h] = true
	return m.base.declared[h].class
}

// diff is the model's expected Diff.
func (m *model) diff() Diff {
	var d Diff
	keys := slices.SortedFunc(maps.Keys(m.writes.storage), func(a, b storageKey) int {
		if r := a.contract.Cmp(&b.contract); r != 0 {
			return r
		}
		return a.key.Cmp(&b.key)
	})
	for _, k := range keys {
		v := m.writes.storage[k]
		if b := m.base.storage[k]; m.readStorage[k] && b.Equal(&v) {
			continue
		}
		if n := len(d.StorageDiffs); n == 0 || !d.StorageDiffs[n-1].Address.Equal(&k.contract) {
			d.StorageDiffs = append(d.StorageDiffs, ContractStorageDiff{Address: k.contract})
		}
		s := &d.StorageDiffs[len(d.StorageDiffs)-1]
		s.StorageEntries = append(s.StorageEntries, StorageEntry{k.key, v})
	}
	for _, c := range sortedFelts(maps.Keys(m.writes.nonce)) {
		v := m.writes.nonce[c]
		if b := m.base.nonce[c]; m.readNonce[c] && b.Equal(&v) {
			continue
		}
		d.Nonces = append(d.Nonces, NonceUpdate{c, v})
	}
	for _, c := range sortedFelts(maps.Keys(m.writes.classOf)) {
		v, b := m.writes.classOf[c], m.base.classOf[c]
		switch {
		case b.Equal(&v):
		case b.IsZero():
			d.DeployedContracts = append(d.DeployedContracts, DeployedContract{c, v})
		default:
			d.ReplacedClasses = append(d.ReplacedClasses, ReplacedClass{c, v})
		}
	}
	for _, h := range sortedFelts(maps.Keys(m.writes.declared)) {
		v, b := m.writes.declared[h].compiledHash, m.base.declared[h].compiledHash
		if m.readCompiled[h] && !b.IsZero() && b.Equal(&v) {
			continue
		}
		d.DeclaredClasses = append(d.DeclaredClasses, DeclaredClass{h, v})
	}
	return d
}

func (m *model) reads() ReadSet {
	var r ReadSet
	keys := slices.SortedFunc(maps.Keys(m.readStorage), func(a, b storageKey) int {
		if r := a.contract.Cmp(&b.contract); r != 0 {
			return r
		}
		return a.key.Cmp(&b.key)
	})
	for _, k := range keys {
		r.Storage = append(r.Storage, StorageRead{k.contract, k.key, m.base.storage[k]})
	}
	for _, c := range sortedFelts(maps.Keys(m.readNonce)) {
		r.Nonces = append(r.Nonces, NonceRead{c, m.base.nonce[c]})
	}
	for _, c := range sortedFelts(maps.Keys(m.readClassOf)) {
		r.ClassHashes = append(r.ClassHashes, ClassHashRead{c, m.base.classOf[c]})
	}
	for _, h := range sortedFelts(maps.Keys(m.readCompiled)) {
		r.CompiledClassHashes = append(r.CompiledClassHashes, CompiledClassHashRead{h, m.base.declared[h].compiledHash})
	}
	for _, h := range sortedFelts(maps.Keys(m.readClass)) {
		r.Classes = append(r.Classes, ClassRead{h, m.base.declared[h].class != nil})
	}
	return r
}

// final is the state the parent should hold after a commit.
func (m *model) final() view {
	f := m.base.clone()
	maps.Copy(f.storage, m.writes.storage)
	maps.Copy(f.nonce, m.writes.nonce)
	maps.Copy(f.classOf, m.writes.classOf)
	maps.Copy(f.declared, m.writes.declared)
	return f
}

func sortedFelts(seq func(func(asm.Felt) bool)) []asm.Felt {
	return slices.SortedFunc(seq, func(a, b asm.Felt) int { return a.Cmp(&b) })
}

// The key space: few values so that keys collide, and large felts so that
// sorting by integer value is exercised (Montgomery form orders differently).
type space struct {
	contracts, keys, values, classHashes []asm.Felt
	classes                              []*class.Class
}

func newSpace() space {
	big1, _ := asm.FeltFromString("0x7ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff00")
	big2, _ := asm.FeltFromString("-1")
	big3, _ := asm.FeltFromString("0x400000000000000000000000000000000000000000000000000000000000005")
	small := func(xs ...uint64) []asm.Felt {
		var out []asm.Felt
		for _, x := range xs {
			out = append(out, asm.FeltFromUint64(x))
		}
		return out
	}
	return space{
		contracts:   append(small(1, 2, 0x100), big1, big3),
		keys:        append(small(0, 1, 2, 7), big2, big3),
		values:      append(small(0, 1, 2, 3), big2),
		classHashes: append(small(0, 0x11, 0x22, 0x33), big1),
		classes:     []*class.Class{nil, new(class.Class), new(class.Class), new(class.Class), new(class.Class)},
	}
}

// classFor returns the class object of class hash h: one per hash, as in
// Starknet, where the hash identifies the class.
func (sp space) classFor(h asm.Felt) *class.Class {
	return sp.classes[slices.IndexFunc(sp.classHashes, func(x asm.Felt) bool { return x.Equal(&h) })]
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// fillRandom writes random entries into s and into v alike.
func (sp space) fillRandom(t *testing.T, r *rand.Rand, s State, v view, n int) {
	for range n {
		c := pick(r, sp.contracts)
		switch r.IntN(4) {
		case 0:
			k, val := pick(r, sp.keys), pick(r, sp.values)
			must(t, s.SetStorage(c, k, val))
			v.storage[storageKey{c, k}] = val
		case 1:
			val := pick(r, sp.values)
			must(t, s.SetNonce(c, val))
			v.nonce[c] = val
		case 2:
			h := pick(r, sp.classHashes[1:])
			must(t, s.SetClassHash(c, h))
			v.classOf[c] = h
		case 3:
			h, ch := pick(r, sp.classHashes[1:]), pick(r, sp.values[1:])
			cl := sp.classFor(h)
			must(t, s.DeclareClass(h, ch, cl))
			v.declared[h] = declared{ch, cl}
		}
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func eqFelt(t *testing.T, what string, got, want asm.Felt) {
	t.Helper()
	if !got.Equal(&want) {
		t.Fatalf("%s: got %s, want %s", what, got.Hex(), want.Hex())
	}
}

// checkView compares what r returns over the whole key space with v.
func (sp space) checkView(t *testing.T, r Reader, v view) {
	t.Helper()
	for _, c := range sp.contracts {
		for _, k := range sp.keys {
			got, err := r.Storage(c, k)
			must(t, err)
			eqFelt(t, "storage", got, v.storage[storageKey{c, k}])
		}
		got, err := r.Nonce(c)
		must(t, err)
		eqFelt(t, "nonce", got, v.nonce[c])
		got, err = r.ClassHash(c)
		must(t, err)
		eqFelt(t, "class hash", got, v.classOf[c])
	}
	for _, h := range sp.classHashes {
		got, err := r.CompiledClassHash(h)
		must(t, err)
		eqFelt(t, "compiled class hash", got, v.declared[h].compiledHash)
		cl, err := r.CompiledClass(h)
		if want := v.declared[h].class; want == nil {
			if !errors.Is(err, ErrClassNotDeclared) || cl != nil {
				t.Fatalf("class %s: %v, %v; want not declared", h.Hex(), cl, err)
			}
		} else if err != nil || cl != want {
			t.Fatalf("class %s: %p, %v; want %p", h.Hex(), cl, err, want)
		}
	}
}

func diffEqual(a, b Diff) bool {
	ja, err1 := a.MarshalJSON()
	jb, err2 := b.MarshalJSON()
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

func readsEqual(a, b ReadSet) bool {
	return slices.Equal(a.Storage, b.Storage) && slices.Equal(a.Nonces, b.Nonces) &&
		slices.Equal(a.ClassHashes, b.ClassHashes) && slices.Equal(a.CompiledClassHashes, b.CompiledClassHashes) &&
		slices.Equal(a.Classes, b.Classes)
}

// TestCachedAgainstModel runs random sequences of reads, writes,
// checkpoints, reverts and releases on a Cached and on the model, compares
// every read, the diff and the read set along the way, and finally commits
// and compares the parent with the model's final state. Half the runs use a
// Memory as the parent, half a Cached (with writes of its own) over one.
func TestCachedAgainstModel(t *testing.T) {
	sp := newSpace()
	runs, steps := 300, 200
	if testing.Short() {
		runs = 50
	}
	for run := range runs {
		r := rand.New(rand.NewPCG(uint64(run), 0x5eed))
		base := newView()
		mem := NewMemory()
		sp.fillRandom(t, r, mem, base, 10)
		var parent State = mem
		if run%2 == 1 {
			mid := NewCached(mem)
			sp.fillRandom(t, r, mid, base, 10)
			parent = mid
		}
		c := NewCached(parent)
		m := newModel(base)
		var ops []string
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("run %d after %v: "+format, append([]any{run, ops}, args...)...)
		}
		for range steps {
			ct := pick(r, sp.contracts)
			switch op := r.IntN(14); op {
			case 0, 1:
				k, v := pick(r, sp.keys), pick(r, sp.values)
				ops = append(ops, "store")
				must(t, c.SetStorage(ct, k, v))
				m.writes.storage[storageKey{ct, k}] = v
			case 2:
				k := pick(r, sp.keys)
				ops = append(ops, "load")
				got, err := c.Storage(ct, k)
				must(t, err)
				if want := m.storage(storageKey{ct, k}); !got.Equal(&want) {
					fail("storage %s", got.Hex())
				}
			case 3:
				v := pick(r, sp.values)
				ops = append(ops, "setnonce")
				must(t, c.SetNonce(ct, v))
				m.writes.nonce[ct] = v
			case 4:
				ops = append(ops, "incnonce")
				want := m.nonce(ct)
				err := c.IncrementNonce(ct)
				if want.Equal(&maxNonce) {
					if !errors.Is(err, ErrNonceOverflow) {
						fail("increment of P-1: %v", err)
					}
					break
				}
				must(t, err)
				one := asm.One()
				want.Add(&want, &one)
				m.writes.nonce[ct] = want
			case 5:
				ops = append(ops, "nonce")
				got, err := c.Nonce(ct)
				must(t, err)
				if want := m.nonce(ct); !got.Equal(&want) {
					fail("nonce %s", got.Hex())
				}
			case 6:
				h := pick(r, sp.classHashes)
				ops = append(ops, "setclass")
				must(t, c.SetClassHash(ct, h))
				m.readClassOf[ct] = true
				m.writes.classOf[ct] = h
			case 7:
				ops = append(ops, "classhash")
				got, err := c.ClassHash(ct)
				must(t, err)
				if want := m.classOf(ct); !got.Equal(&want) {
					fail("class hash %s", got.Hex())
				}
			case 8:
				h, ch := pick(r, sp.classHashes[1:]), pick(r, sp.values[1:])
				cl := sp.classFor(h)
				ops = append(ops, "declare")
				must(t, c.DeclareClass(h, ch, cl))
				m.writes.declared[h] = declared{ch, cl}
			case 9:
				h := pick(r, sp.classHashes)
				ops = append(ops, "class")
				got, err := c.CompiledClass(h)
				want := m.class(h)
				if want == nil && (!errors.Is(err, ErrClassNotDeclared) || got != nil) || want != nil && (err != nil || got != want) {
					fail("class %s: %p %v, want %p", h.Hex(), got, err, want)
				}
				ops = append(ops, "compiledhash")
				gh, err := c.CompiledClassHash(h)
				must(t, err)
				if wh := m.compiledHash(h); !gh.Equal(&wh) {
					fail("compiled class hash %s", gh.Hex())
				}
			case 10, 11:
				id := c.Checkpoint()
				ops = append(ops, "checkpoint")
				m.stack = append(m.stack, savedView{id, m.writes.clone()})
			case 12, 13:
				revert := op == 12
				if revert {
					ops = append(ops, "revert")
				} else {
					ops = append(ops, "release")
				}
				do := c.Release
				if revert {
					do = c.RevertTo
				}
				if len(m.stack) == 0 || r.IntN(8) == 0 {
					// A checkpoint that is not active: never issued, or
					// already dropped.
					bad := 1 << 30
					if len(m.stack) > 0 && m.stack[0].id > 0 {
						bad = m.stack[0].id - 1
					}
					if err := do(bad); !errors.Is(err, ErrUnknownCheckpoint) {
						fail("checkpoint %d: %v", bad, err)
					}
					break
				}
				i := r.IntN(len(m.stack))
				must(t, do(m.stack[i].id))
				if revert {
					m.writes = m.stack[i].writes
				}
				m.stack = m.stack[:i]
			}
			if d, want := c.Diff(), m.diff(); !diffEqual(d, want) {
				j1, _ := d.MarshalJSON()
				j2, _ := want.MarshalJSON()
				fail("diff\n got %s\nwant %s", j1, j2)
			}
		}
		if got, want := c.Reads(), m.reads(); !readsEqual(got, want) {
			fail("reads\n got %+v\nwant %+v", got, want)
		}
		must(t, c.Commit())
		if d := c.Diff(); !d.Empty() {
			t.Fatalf("run %d: diff after commit: %+v", run, d)
		}
		if rs := c.Reads(); rs.Len() != 0 {
			t.Fatalf("run %d: reads after commit: %+v", run, rs)
		}
		final := m.final()
		sp.checkView(t, parent, final)
		sp.checkView(t, c, final)
		if mid, ok := parent.(*Cached); ok {
			must(t, mid.Commit())
			sp.checkView(t, mem, final)
		}
	}
}
