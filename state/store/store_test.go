package store

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/state"
	"github.com/cairn-vm/cairn/state/commitment"
)

func mustOpen(t testing.TB, dir string, fs vfs.FS) *DB {
	t.Helper()
	db, err := OpenWith(dir, Options{FS: fs})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// commitChain commits blocks from..to-1 of the seed's chain, with roots
// that are just the block number (the store does not check roots).
func commitChain(t testing.TB, db *DB, seed, from, to uint64, m *model) {
	t.Helper()
	for n := from; n < to; n++ {
		d, cl := blockDiff(seed, n, 20)
		if err := db.CommitBlock(n, d, cl, felt(n+1)); err != nil {
			t.Fatalf("block %d: %v", n, err)
		}
		if m != nil {
			m.apply(d, cl)
		}
	}
}

// checkState checks every Reader method of r against m, and the raw
// contents of db.
func checkState(t *testing.T, db *DB, r state.Reader, m *model) {
	t.Helper()
	if s := m.diff(dump(t, db)); s != "" {
		t.Fatal("flat state:", s)
	}
	for k, v := range m.storage {
		if got, err := r.Storage(k[0], k[1]); err != nil || got != v {
			t.Fatalf("Storage(%v, %v) = %v, %v; want %v", k[0], k[1], got, err, v)
		}
	}
	for c := uint64(0); c < 10; c++ {
		if got, err := r.Nonce(felt(c)); err != nil || got != m.nonces[felt(c)] {
			t.Fatalf("Nonce(%d) = %v, %v; want %v", c, got, err, m.nonces[felt(c)])
		}
		if got, err := r.ClassHash(felt(c)); err != nil || got != m.classOf[felt(c)] {
			t.Fatalf("ClassHash(%d) = %v, %v; want %v", c, got, err, m.classOf[felt(c)])
		}
	}
	if got, err := r.Storage(felt(77), felt(77)); err != nil || !got.IsZero() {
		t.Fatalf("unwritten storage = %v, %v", got, err)
	}
	for h, cch := range m.compiled {
		if got, err := r.CompiledClassHash(h); err != nil || got != cch {
			t.Fatalf("CompiledClassHash(%v) = %v, %v; want %v", h, got, err, cch)
		}
		c, err := r.CompiledClass(h)
		if err != nil {
			t.Fatalf("CompiledClass(%v): %v", h, err)
		}
		want, _ := class.Parse([]byte(m.json[h]))
		if c.CompilerVersion != want.CompilerVersion || !reflect.DeepEqual(c.Bytecode, want.Bytecode) {
			t.Fatalf("CompiledClass(%v) = %q, want %q", h, c.CompilerVersion, want.CompilerVersion)
		}
	}
	if _, err := r.CompiledClass(felt(5)); !errors.Is(err, state.ErrClassNotDeclared) {
		t.Fatalf("CompiledClass of an undeclared class: %v", err)
	}
}

func TestRoundTrip(t *testing.T) {
	db, err := OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, ok := db.Head(); ok {
		t.Fatal("empty database has a head")
	}
	m := newModel()
	for n := uint64(0); n < 30; n++ {
		d, cl := blockDiff(1, n, 25)
		if err := db.CommitBlock(n, d, cl, felt(n*3)); err != nil {
			t.Fatal(err)
		}
		m.apply(d, cl)
		if h, ok := db.Head(); !ok || h != n {
			t.Fatalf("head %d %v after block %d", h, ok, n)
		}
		checkState(t, db, db, m)
	}
	for n := uint64(0); n < 30; n++ {
		want, _ := blockDiff(1, n, 25)
		got, err := db.BlockDiff(n)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("block %d diff:\n got %+v\nwant %+v", n, got, want)
		}
		if r, err := db.Root(n); err != nil || r != felt(n*3) {
			t.Fatalf("Root(%d) = %v, %v", n, r, err)
		}
	}
	if _, err := db.BlockDiff(30); !errors.Is(err, ErrNoBlock) {
		t.Fatalf("BlockDiff past head: %v", err)
	}
	if _, err := db.Root(31); !errors.Is(err, ErrNoBlock) {
		t.Fatalf("Root past head: %v", err)
	}
}

func TestReopen(t *testing.T) {
	for _, onDisk := range []bool{false, true} {
		var fs vfs.FS
		dir := t.TempDir()
		if !onDisk {
			fs, dir = vfs.NewMem(), "db"
		}
		db := mustOpen(t, dir, fs)
		m := newModel()
		commitChain(t, db, 2, 0, 15, m)
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal("second Close:", err)
		}
		if _, err := db.Storage(felt(1), felt(1)); !errors.Is(err, ErrClosed) {
			t.Fatalf("read after Close: %v", err)
		}
		if err := db.CommitBlock(15, &state.Diff{}, nil, asm.Felt{}); !errors.Is(err, ErrClosed) {
			t.Fatalf("commit after Close: %v", err)
		}

		db = mustOpen(t, dir, fs)
		if h, ok := db.Head(); !ok || h != 14 {
			t.Fatalf("head after reopen: %d %v", h, ok)
		}
		checkState(t, db, db, m) // classes parsed again from the stored JSON
		commitChain(t, db, 2, 15, 20, m)
		checkState(t, db, db, m)
		db.Close()
	}
}

func TestBlockOrder(t *testing.T) {
	db, _ := OpenMem()
	defer db.Close()
	d := &state.Diff{StorageDiffs: []state.ContractStorageDiff{{Address: felt(1), StorageEntries: []state.StorageEntry{{Key: felt(1), Value: felt(1)}}}}}
	var oe *BlockOrderError
	if err := db.CommitBlock(1, d, nil, asm.Felt{}); !errors.As(err, &oe) || oe.HasHead || oe.Got != 1 || !errors.Is(err, ErrBlockOrder) {
		t.Fatalf("block 1 on an empty database: %v", err)
	}
	if v, _ := db.Storage(felt(1), felt(1)); !v.IsZero() {
		t.Fatal("a refused block wrote its storage")
	}
	if err := db.CommitBlock(0, d, nil, asm.Felt{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []uint64{0, 2, 1 << 40} {
		if err := db.CommitBlock(n, &state.Diff{}, nil, asm.Felt{}); !errors.As(err, &oe) || !oe.HasHead || oe.Head != 0 {
			t.Fatalf("block %d after 0: %v", n, err)
		}
	}
	if err := db.CommitBlock(1, &state.Diff{}, nil, asm.Felt{}); err != nil {
		t.Fatal(err)
	}
}

func TestClasses(t *testing.T) {
	fs := vfs.NewMem()
	db := mustOpen(t, "db", fs)
	h1, h2 := felt(0xc1), felt(0xc2)
	declare := func(h, cch asm.Felt) *state.Diff {
		return &state.Diff{
			StorageDiffs:    []state.ContractStorageDiff{{Address: felt(9), StorageEntries: []state.StorageEntry{{Key: felt(9), Value: felt(9)}}}},
			DeclaredClasses: []state.DeclaredClass{{ClassHash: h, CompiledClassHash: cch}},
		}
	}
	atomic := func(what string) {
		t.Helper()
		if v, _ := db.Storage(felt(9), felt(9)); !v.IsZero() {
			t.Fatalf("%s: the failed block's storage was written", what)
		}
		if _, ok := db.Head(); ok {
			t.Fatalf("%s: the failed block moved the head", what)
		}
	}

	err := db.CommitBlock(0, declare(h1, felt(1)), nil, asm.Felt{})
	if !errors.Is(err, ErrInvalidClass) {
		t.Fatalf("declare without JSON: %v", err)
	}
	atomic("no JSON")
	err = db.CommitBlock(0, declare(h1, felt(1)), map[asm.Felt][]byte{h1: []byte(`{"prime": 1`)}, asm.Felt{})
	var le *class.LoadError
	if !errors.Is(err, ErrInvalidClass) || !errors.As(err, &le) {
		t.Fatalf("declare with bad JSON: %v", err)
	}
	atomic("bad JSON")
	err = db.CommitBlock(0, declare(h1, felt(1)), map[asm.Felt][]byte{h1: testClass(1), h2: testClass(2)}, asm.Felt{})
	if !errors.Is(err, ErrInvalidClass) {
		t.Fatalf("JSON of an undeclared class: %v", err)
	}
	atomic("extra JSON")

	if err := db.CommitBlock(0, declare(h1, felt(1)), map[asm.Felt][]byte{h1: testClass(1)}, asm.Felt{}); err != nil {
		t.Fatal(err)
	}
	c1, err := db.CompiledClass(h1)
	if err != nil || c1.CompilerVersion != "2.99.1" {
		t.Fatalf("CompiledClass: %v %v", c1, err)
	}
	if again, _ := db.CompiledClass(h1); again != c1 {
		t.Fatal("the parsed class is not cached")
	}
	// A new compiled class hash for a stored class needs no JSON.
	if err := db.CommitBlock(1, declare(h1, felt(2)), nil, asm.Felt{}); err != nil {
		t.Fatal(err)
	}
	if cch, _ := db.CompiledClassHash(h1); cch != felt(2) {
		t.Fatalf("compiled class hash %v", cch)
	}
	if c, err := db.CompiledClass(h1); err != nil || c.CompilerVersion != "2.99.1" {
		t.Fatalf("CompiledClass after a new compiled class hash: %v", err)
	}
	snap, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	// Compiled class hash zero removes the class.
	if err := db.CommitBlock(2, declare(h1, asm.Felt{}), nil, asm.Felt{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CompiledClass(h1); !errors.Is(err, state.ErrClassNotDeclared) {
		t.Fatalf("removed class: %v", err)
	}
	if cch, _ := db.CompiledClassHash(h1); !cch.IsZero() {
		t.Fatal("removed class keeps its compiled class hash")
	}
	// The snapshot of block 1 still has it.
	if c, err := snap.CompiledClass(h1); err != nil || c.CompilerVersion != "2.99.1" {
		t.Fatalf("snapshot's class: %v", err)
	}
	snap.Close()

	// Reopened: parsed again from disk.
	if err := db.CommitBlock(3, declare(h2, felt(3)), map[asm.Felt][]byte{h2: testClass(2)}, asm.Felt{}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = mustOpen(t, "db", fs)
	defer db.Close()
	if c, err := db.CompiledClass(h2); err != nil || c.CompilerVersion != "2.99.2" {
		t.Fatalf("class after reopen: %v", err)
	}
	if _, err := db.CompiledClass(h1); !errors.Is(err, state.ErrClassNotDeclared) {
		t.Fatalf("removed class after reopen: %v", err)
	}
}

func TestSnapshot(t *testing.T) {
	db, _ := OpenMem()
	defer db.Close()
	m := newModel()
	commitChain(t, db, 3, 0, 5, m)
	snap, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	frozen := dump(t, db)
	commitChain(t, db, 3, 5, 12, m) // block 7 declares a class
	if h, ok := snap.Head(); !ok || h != 4 {
		t.Fatalf("snapshot head %d", h)
	}
	for k, v := range frozen.storage {
		if got, _ := snap.Storage(k[0], k[1]); got != v {
			t.Fatalf("snapshot storage %v = %v, want %v", k, got, v)
		}
	}
	for k := range m.storage {
		if _, ok := frozen.storage[k]; !ok {
			if got, _ := snap.Storage(k[0], k[1]); !got.IsZero() {
				t.Fatalf("snapshot sees a later write at %v", k)
			}
		}
	}
	if _, err := db.CompiledClass(felt(10_007)); err != nil {
		t.Fatal(err)
	}
	if _, err := snap.CompiledClass(felt(10_007)); !errors.Is(err, state.ErrClassNotDeclared) {
		t.Fatalf("snapshot sees a later class: %v", err)
	}
	if cch, _ := snap.CompiledClassHash(felt(10_007)); !cch.IsZero() {
		t.Fatal("snapshot sees a later compiled class hash")
	}
	checkState(t, db, db, m)
	snap.Close()
	if _, err := snap.Storage(felt(1), felt(1)); !errors.Is(err, ErrClosed) {
		t.Fatalf("read of a closed snapshot: %v", err)
	}
	if err := snap.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
}

// TestCrashCloneAtomicity takes simulated crashes (Pebble's crashable
// MemFS, which keeps all synced data and a random half of the rest) at
// random moments while blocks commit, and checks every crashed copy: its
// head is at least the last block whose CommitBlock had returned, and its
// flat state is exactly the replay of blocks 0..head, so no block is half
// there.
func TestCrashCloneAtomicity(t *testing.T) {
	fs := vfs.NewCrashableMem()
	db := mustOpen(t, "db", fs)
	const blocks = 60
	type clone struct {
		fs        *vfs.MemFS
		committed int64 // blocks known committed before the clone
	}
	var (
		mu     sync.Mutex
		done   int64 = -1
		clones []clone
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		rng := rand.New(rand.NewPCG(7, 7))
		for {
			select {
			case <-stop:
				return
			default:
			}
			mu.Lock()
			c := done
			mu.Unlock()
			fsc := fs.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 50, RNG: rand.New(rand.NewPCG(rng.Uint64(), 0))})
			clones = append(clones, clone{fsc, c})
			for range rng.IntN(20000) {
				_ = rng.Uint64() // a random pause without sleeping
			}
		}
	})
	for n := uint64(0); n < blocks; n++ {
		d, cl := blockDiff(4, n, 30)
		if err := db.CommitBlock(n, d, cl, felt(n)); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		done = int64(n)
		mu.Unlock()
	}
	close(stop)
	wg.Wait()
	db.Close()
	if len(clones) < 10 {
		t.Fatalf("only %d crash clones", len(clones))
	}
	// Check a spread of them: each reopen costs a few milliseconds.
	step := max(1, len(clones)/40)
	for i := 0; i < len(clones); i += step {
		c := clones[i]
		cdb, err := OpenWith("db", Options{FS: c.fs})
		if err != nil {
			t.Fatalf("clone %d: %v", i, err)
		}
		h, ok := cdb.Head()
		head := int64(h)
		if !ok {
			head = -1
		}
		if head < c.committed {
			t.Fatalf("clone %d: head %d, but block %d had committed", i, head, c.committed)
		}
		m := newModel()
		for n := int64(0); n <= head; n++ {
			d, cl := blockDiff(4, uint64(n), 30)
			m.apply(d, cl)
			if got, err := cdb.BlockDiff(uint64(n)); err != nil || !reflect.DeepEqual(got, d) {
				t.Fatalf("clone %d: block %d diff: %v", i, n, err)
			}
		}
		if s := m.diff(dump(t, cdb)); s != "" {
			t.Fatalf("clone %d (head %d): %s", i, head, s)
		}
		cdb.Close()
	}
}

// TestNodes computes the commitment over the store's NodeStore, commits,
// reopens, and reads the tries back from disk.
func TestNodes(t *testing.T) {
	fs := vfs.NewMem()
	db := mustOpen(t, "db", fs)
	cs := commitment.NewState(db.Nodes(), db.Nodes())
	ref := commitment.NewState(commitment.NewMemoryStore(), commitment.NewMemoryStore())
	var last *state.Diff
	for n := uint64(0); n < 10; n++ {
		d, cl := blockDiff(5, n, 40)
		root, err := cs.Apply(d)
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := ref.Apply(d); root != want {
			t.Fatalf("block %d: root %v over the store, %v in memory", n, root, want)
		}
		if db.Nodes().Pending() == 0 {
			t.Fatal("Apply put no nodes")
		}
		if err := db.CommitBlock(n, d, cl, root); err != nil {
			t.Fatal(err)
		}
		if p := db.Nodes().Pending(); p != 0 {
			t.Fatalf("%d nodes still pending after the commit", p)
		}
		last = d
	}
	// A refused block keeps its nodes pending; Discard drops them.
	d, _ := blockDiff(5, 10, 40)
	scratch := commitment.NewState(db.Nodes(), db.Nodes())
	if _, err := scratch.Apply(d); err != nil {
		t.Fatal(err)
	}
	if err := db.CommitBlock(99, d, nil, asm.Felt{}); !errors.Is(err, ErrBlockOrder) {
		t.Fatal(err)
	}
	if db.Nodes().Pending() == 0 {
		t.Fatal("a refused block dropped its nodes")
	}
	db.Nodes().Discard()
	if db.Nodes().Pending() != 0 {
		t.Fatal("Discard kept nodes")
	}
	contractsRoot := cs.ContractsRoot()
	db.Close()

	db = mustOpen(t, "db", fs)
	defer db.Close()
	root, _ := db.Root(9)
	if root != ref.Root() {
		t.Fatalf("stored root %v, want %v", root, ref.Root())
	}
	ct, err := commitment.OpenTrie(db.Nodes(), commitment.Pedersen, commitment.Height, contractsRoot)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range last.StorageDiffs {
		c, _ := ref.Contract(s.Address)
		leaf, err := ct.Get(s.Address)
		if err != nil {
			t.Fatal(err)
		}
		if leaf != commitment.ContractStateHash(c.ClassHash, c.StorageRoot, c.Nonce) {
			t.Fatalf("contract %v: leaf from disk does not match", s.Address)
		}
		st, err := commitment.OpenTrie(db.Nodes(), commitment.Pedersen, commitment.Height, c.StorageRoot)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range s.StorageEntries {
			v, err := st.Get(e.Key)
			if err != nil {
				t.Fatalf("storage trie from disk: %v", err)
			}
			if v != e.Value {
				t.Fatalf("storage %v/%v from the trie on disk = %v, want %v", s.Address, e.Key, v, e.Value)
			}
		}
	}
	// The whole history is on disk: replaying it over the store reads only
	// committed nodes and reaches the same root.
	again := commitment.NewState(db.Nodes(), db.Nodes())
	for n := uint64(0); n < 10; n++ {
		d, _ := db.BlockDiff(n)
		if _, err := again.Apply(d); err != nil {
			t.Fatal(err)
		}
	}
	if again.Root() != root {
		t.Fatal("replayed root differs")
	}
}

func TestCorrupt(t *testing.T) {
	fs := vfs.NewMem()
	db := mustOpen(t, "db", fs)
	commitChain(t, db, 6, 0, 3, nil)
	put := func(k, v []byte) {
		t.Helper()
		if err := db.pdb.Set(k, v, pebble.Sync); err != nil {
			t.Fatal(err)
		}
	}
	var ce *CorruptError
	put(storageKey(felt(1), felt(1)), []byte{1, 2, 3})
	if _, err := db.Storage(felt(1), felt(1)); !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("short storage value: %v", err)
	}
	p := asm.ModulusBig().FillBytes(make([]byte, 32)) // P itself: not a felt
	put(feltKey(prefixNonce, felt(1)), p)
	if _, err := db.Nonce(felt(1)); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("non-canonical nonce: %v", err)
	}
	enc, _, _ := get(db.pdb, blockKey(prefixDiff, 1))
	bad := bytes.Clone(enc)
	bad[len(bad)/2] ^= 1
	put(blockKey(prefixDiff, 1), bad)
	if _, err := db.BlockDiff(1); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("flipped diff bit: %v", err)
	}
	put(blockKey(prefixHeader, 1), []byte("root"))
	if _, err := db.Root(1); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("bad header: %v", err)
	}
	put(feltKey(prefixNode, felt(42)), []byte{1})
	if _, _, err := db.Nodes().Node(felt(42)); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("bad node: %v", err)
	}
	put(feltKey(prefixJSON, felt(43)), []byte("{}"))
	if _, err := db.CompiledClass(felt(43)); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("bad class JSON: %v", err)
	}

	// A head past the last block, a head without a diff, a block past the
	// head, a bad head value: Open refuses each.
	headAt := func(n uint64) []byte { return blockKey(0, n)[1:] }
	for _, c := range []struct {
		name string
		edit func()
	}{
		{"head past the blocks", func() { put(keyHead, headAt(7)) }},
		{"head without its diff", func() {
			put(keyHead, headAt(2))
			if err := db.pdb.Delete(blockKey(prefixDiff, 2), pebble.Sync); err != nil {
				t.Fatal(err)
			}
		}},
		{"block past the head", func() { put(keyHead, headAt(0)) }},
		{"bad head value", func() { put(keyHead, []byte{1}) }},
		{"blocks without a head", func() {
			if err := db.pdb.Delete(keyHead, pebble.Sync); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		c.edit()
		db.Close()
		if _, err := OpenWith("db", Options{FS: fs}); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("%s: Open: %v", c.name, err)
		}
		pdb, err := pebble.Open("db", &pebble.Options{FS: fs, Logger: quietLogger{}})
		if err != nil {
			t.Fatal(err)
		}
		db = &DB{pdb: pdb}
	}
	db.pdb.Close()
}

func TestFormat(t *testing.T) {
	fs := vfs.NewMem()
	pdb, err := pebble.Open("other", &pebble.Options{FS: fs, Logger: quietLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	pdb.Set([]byte("somebody else's key"), []byte("x"), pebble.Sync)
	pdb.Close()
	var fe *FormatError
	if _, err := OpenWith("other", Options{FS: fs}); !errors.As(err, &fe) || fe.Found != "" || !errors.Is(err, ErrFormat) {
		t.Fatalf("foreign database: %v", err)
	}

	db := mustOpen(t, "mine", fs)
	db.pdb.Set(keyFormat, []byte("cairn/state/store v0"), pebble.Sync)
	db.Close()
	if _, err := OpenWith("mine", Options{FS: fs}); !errors.As(err, &fe) || fe.Found != "cairn/state/store v0" {
		t.Fatalf("other version: %v", err)
	}
}

// TestMarshalDiff checks the encoding's round trip and that flipping any
// bit or cutting the encoding anywhere is detected.
func TestMarshalDiff(t *testing.T) {
	for n := uint64(0); n < 20; n++ {
		d, _ := blockDiff(8, n, int(n))
		b := MarshalDiff(d)
		got, err := UnmarshalDiff(b)
		if err != nil || !reflect.DeepEqual(got, d) {
			t.Fatalf("round trip %d: %v", n, err)
		}
		if n != 5 {
			continue
		}
		for i := range b {
			for bit := range 8 {
				x := bytes.Clone(b)
				x[i] ^= 1 << bit
				if _, err := UnmarshalDiff(x); err == nil {
					t.Fatalf("flipped bit %d of byte %d accepted", bit, i)
				}
			}
			if _, err := UnmarshalDiff(b[:i]); err == nil {
				t.Fatalf("truncated at %d accepted", i)
			}
		}
	}
	if got, err := UnmarshalDiff(MarshalDiff(&state.Diff{})); err != nil || !got.Empty() {
		t.Fatalf("empty diff: %v %v", got, err)
	}
}

func FuzzUnmarshalDiff(f *testing.F) {
	for n := uint64(0); n < 4; n++ {
		d, _ := blockDiff(9, n, 3)
		f.Add(MarshalDiff(d))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := UnmarshalDiff(b)
		if err != nil {
			return
		}
		if again := MarshalDiff(d); !bytes.Equal(again, b) {
			t.Fatalf("accepted %x, which encodes back as %x", b, again)
		}
	})
}

// TestConcurrentReads runs readers, snapshot readers and node lookups
// during commits (run with -race to check the locking).
func TestConcurrentReads(t *testing.T) {
	db, _ := OpenMem()
	defer db.Close()
	cs := commitment.NewState(db.Nodes(), db.Nodes())
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := db.Storage(felt(uint64(1+i%8)), felt(uint64(i%50))); err != nil {
					t.Error(err)
					return
				}
				if w == 1 && i%50 == 0 {
					s, err := db.Snapshot()
					if err != nil {
						t.Error(err)
						return
					}
					s.Nonce(felt(1))
					s.CompiledClass(felt(10_000))
					s.Close()
				}
				db.CompiledClass(felt(10_000))
			}
		})
	}
	for n := uint64(0); n < 15; n++ {
		d, cl := blockDiff(10, n, 20)
		root, err := cs.Apply(d)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CommitBlock(n, d, cl, root); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
}
