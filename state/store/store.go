package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/state"
	"github.com/cairn-vm/cairn/state/commitment"
)

// Options configures OpenWith. The zero value is what Open uses.
type Options struct {
	// FS is the file system the database lives in; nil means the
	// operating system's. vfs.NewMem() keeps the database in memory (it
	// survives Close and reopening over the same FS, which tests use);
	// vfs.NewCrashableMem() also simulates crashes (MemFS.CrashClone).
	FS vfs.FS
	// CacheSize is the size in bytes of Pebble's block cache; 0 means
	// 64 MiB.
	CacheSize int64
	// ClassCache is how many parsed classes are kept; 0 means 1024.
	// Parsing a class costs milliseconds, and executions look one up on
	// every call, so the cache is what makes CompiledClass cheap.
	ClassCache int
}

// DB is the flat Starknet state of the last committed block, with every
// block's diff and state root, and the tries' nodes. See the package
// documentation.
//
// A DB is safe for concurrent use. Reads see the state of the last
// committed block, each read on its own; use Snapshot for several reads
// that must see one block.
type DB struct {
	pdb   *pebble.DB
	nodes *Nodes

	commitMu sync.Mutex // serialises CommitBlock
	head     atomic.Int64
	closed   atomic.Bool

	classes classCache
}

var _ state.Reader = (*DB)(nil)

// Open opens (creating if needed) the database in directory dir.
func Open(dir string) (*DB, error) { return OpenWith(dir, Options{}) }

// OpenMem opens a fresh database in memory, for tests.
func OpenMem() (*DB, error) { return OpenWith("", Options{FS: vfs.NewMem()}) }

// OpenWith opens (creating if needed) the database in directory dir with
// the given options. A directory holding another kind of Pebble database,
// or another format version, fails with a *FormatError; a database whose
// head block is incomplete fails with a *CorruptError.
func OpenWith(dir string, o Options) (*DB, error) {
	if o.CacheSize == 0 {
		o.CacheSize = 64 << 20
	}
	if o.ClassCache == 0 {
		o.ClassCache = 1024
	}
	cache := pebble.NewCache(o.CacheSize)
	defer cache.Unref()
	popts := &pebble.Options{
		FS:                 o.FS,
		Cache:              cache,
		Logger:             quietLogger{},
		FormatMajorVersion: pebble.FormatNewest,
	}
	pdb, err := pebble.Open(dir, popts)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dir, err)
	}
	db := &DB{pdb: pdb, classes: classCache{max: o.ClassCache, m: make(map[asm.Felt]*class.Class)}}
	db.nodes = &Nodes{db: db, pending: make(map[asm.Felt]commitment.Node)}
	if err := db.init(); err != nil {
		pdb.Close()
		return nil, err
	}
	return db, nil
}

// init checks the format marker (writing it into an empty database) and
// the head block.
func (db *DB) init() error {
	v, ok, err := get(db.pdb, keyFormat)
	if err != nil {
		return err
	}
	if !ok {
		// Only an empty database may get the marker: anything else is some
		// other program's data, which we must not start writing into.
		it, err := db.pdb.NewIter(nil)
		if err != nil {
			return err
		}
		nonEmpty := it.First()
		if err := errors.Join(it.Error(), it.Close()); err != nil {
			return err
		}
		if nonEmpty {
			return &FormatError{Want: formatVersion}
		}
		if err := db.pdb.Set(keyFormat, []byte(formatVersion), pebble.Sync); err != nil {
			return fmt.Errorf("store: write format marker: %w", err)
		}
		db.head.Store(-1)
		return nil
	}
	if string(v) != formatVersion {
		return &FormatError{Found: string(v), Want: formatVersion}
	}
	h, ok, err := get(db.pdb, keyHead)
	if err != nil {
		return err
	}
	if !ok {
		db.head.Store(-1)
		if _, ok, err := get(db.pdb, blockKey(prefixHeader, 0)); err != nil {
			return err
		} else if ok {
			return &CorruptError{What: "head", Key: keyHead, Reason: "block 0 is stored but there is no head"}
		}
		return nil
	}
	if len(h) != 8 || binary.BigEndian.Uint64(h) > 1<<62 {
		return &CorruptError{What: "head", Key: keyHead, Reason: fmt.Sprintf("%d-byte value %x", len(h), h)}
	}
	n := binary.BigEndian.Uint64(h)
	// Every block is one batch with its head pointer, so the head block
	// is complete and no block follows it; anything else is not a database
	// this package wrote.
	if _, err := readRoot(db.pdb, n); err != nil {
		if errors.Is(err, ErrNoBlock) {
			return &CorruptError{What: "head", Key: blockKey(prefixHeader, n), Reason: fmt.Sprintf("head %d has no header", n)}
		}
		return err
	}
	if _, err := readDiff(db.pdb, n); err != nil {
		if errors.Is(err, ErrNoBlock) {
			return &CorruptError{What: "head", Key: blockKey(prefixDiff, n), Reason: fmt.Sprintf("head %d has no diff", n)}
		}
		return err
	}
	if _, ok, err := get(db.pdb, blockKey(prefixHeader, n+1)); err != nil {
		return err
	} else if ok {
		return &CorruptError{What: "head", Key: keyHead, Reason: fmt.Sprintf("block %d is stored past head %d", n+1, n)}
	}
	db.head.Store(int64(n))
	return nil
}

// Close closes the database. Nodes put but not committed with a block are
// lost. Close is idempotent; the DB's other methods fail with ErrClosed
// afterwards (Head keeps answering). Close must not overlap other calls,
// and every Snapshot must be closed first: Pebble does not allow reads
// racing with its Close, and checking for them would cost every read a
// lock.
func (db *DB) Close() error {
	db.commitMu.Lock()
	defer db.commitMu.Unlock()
	if db.closed.Swap(true) {
		return nil
	}
	return db.pdb.Close()
}

// Head returns the number of the last committed block, and false when no
// block has been committed.
func (db *DB) Head() (uint64, bool) {
	h := db.head.Load()
	return uint64(h), h >= 0
}

// Nodes returns the trie-node store over this database, for
// commitment.NewState and commitment.OpenTrie. Nodes put into it are
// written by the next CommitBlock, in the block's batch. There is one per
// DB.
func (db *DB) Nodes() *Nodes { return db.nodes }

// CommitBlock writes block number: the flat state changes of diff (nil is
// an empty diff), the
// JSON of the classes it declares (classes, keyed by class hash), the diff
// itself, the header (the state root), the head pointer, and every trie
// node put into Nodes since the last commit, all in one Pebble batch
// committed with sync. When it returns nil the block is durable; when it
// fails, or the process dies before it returns, none of the block is there.
//
// number must be head+1 (0 on an empty database), else a *BlockOrderError.
// Every class declared with a nonzero compiled class hash needs its JSON in
// classes, unless that class is already stored (a new compiled class hash
// for a declared class); the JSON must parse (class.Parse) and classes may
// hold nothing else, else a *ClassError. A compiled class hash of zero
// removes the class, as in the commitment. Storage values, nonces and class
// hashes of zero delete their entries: they read as zero either way.
//
// The diff is applied in the commitment's order: deployed contracts, then
// replaced classes, then nonces, storage and declared classes, so a diff
// that names an entry twice ends with the later value.
func (db *DB) CommitBlock(number uint64, diff *state.Diff, classes map[asm.Felt][]byte, root asm.Felt) error {
	db.commitMu.Lock()
	defer db.commitMu.Unlock()
	if db.closed.Load() {
		return ErrClosed
	}
	if diff == nil {
		diff = &state.Diff{}
	}
	if h, ok := db.Head(); (!ok && number != 0) || (ok && number != h+1) {
		return &BlockOrderError{Got: number, Head: h, HasHead: ok}
	}

	// Validate the classes before writing anything, so a bad class fails
	// the block without a partial batch to undo.
	parsed := make(map[asm.Felt]*class.Class, len(classes))
	for _, dc := range diff.DeclaredClasses {
		if dc.CompiledClassHash.IsZero() {
			continue
		}
		js, ok := classes[dc.ClassHash]
		if !ok {
			if _, stored, err := get(db.pdb, feltKey(prefixJSON, dc.ClassHash)); err != nil {
				return err
			} else if !stored {
				return &ClassError{ClassHash: dc.ClassHash.Hex(), Reason: "declared without its JSON"}
			}
			continue
		}
		c, err := class.Parse(js)
		if err != nil {
			return &ClassError{ClassHash: dc.ClassHash.Hex(), Reason: "JSON does not parse", Err: err}
		}
		parsed[dc.ClassHash] = c
	}
	for h := range classes {
		if _, ok := parsed[h]; !ok {
			return &ClassError{ClassHash: h.Hex(), Reason: "JSON given for a class the diff does not declare with a nonzero compiled class hash"}
		}
	}

	b := db.pdb.NewBatch()
	defer b.Close()
	var err error
	set := func(k, v []byte) {
		if err == nil {
			err = b.Set(k, v, nil)
		}
	}
	setFelt := func(k []byte, v asm.Felt) {
		if err != nil {
			return
		}
		if v.IsZero() {
			err = b.Delete(k, nil)
			return
		}
		err = b.Set(k, feltBytes(v), nil)
	}
	for _, x := range diff.DeployedContracts {
		setFelt(feltKey(prefixClass, x.Address), x.ClassHash)
	}
	for _, x := range diff.ReplacedClasses {
		setFelt(feltKey(prefixClass, x.ContractAddress), x.ClassHash)
	}
	for _, x := range diff.Nonces {
		setFelt(feltKey(prefixNonce, x.ContractAddress), x.Nonce)
	}
	for _, s := range diff.StorageDiffs {
		for _, e := range s.StorageEntries {
			setFelt(storageKey(s.Address, e.Key), e.Value)
		}
	}
	for _, x := range diff.DeclaredClasses {
		setFelt(feltKey(prefixCompiled, x.ClassHash), x.CompiledClassHash)
		if x.CompiledClassHash.IsZero() {
			if err == nil {
				err = b.Delete(feltKey(prefixJSON, x.ClassHash), nil)
			}
		} else if js, ok := classes[x.ClassHash]; ok {
			set(feltKey(prefixJSON, x.ClassHash), js)
		}
	}
	set(blockKey(prefixDiff, number), MarshalDiff(diff))
	set(blockKey(prefixHeader, number), feltBytes(root))
	var hb [8]byte
	binary.BigEndian.PutUint64(hb[:], number)
	set(keyHead, hb[:])
	flushing := db.nodes.startFlush()
	for h, n := range flushing {
		v, _ := n.MarshalBinary()
		set(feltKey(prefixNode, h), v)
	}
	if err == nil {
		err = b.Commit(pebble.Sync)
	}
	db.nodes.endFlush(err == nil)
	if err != nil {
		return fmt.Errorf("store: commit block %d: %w", number, err)
	}
	db.head.Store(int64(number))
	for _, x := range diff.DeclaredClasses {
		if c, ok := parsed[x.ClassHash]; ok {
			db.classes.put(x.ClassHash, c)
		} else {
			// Removed, or a new compiled class hash for stored JSON (the
			// cached class is still right then; dropping it is simpler).
			db.classes.drop(x.ClassHash)
		}
	}
	return nil
}

// BlockDiff returns the diff committed with block n, or a *NoBlockError.
func (db *DB) BlockDiff(n uint64) (*state.Diff, error) {
	if db.closed.Load() {
		return nil, ErrClosed
	}
	return readDiff(db.pdb, n)
}

// Root returns the state root committed with block n, or a *NoBlockError.
func (db *DB) Root(n uint64) (asm.Felt, error) {
	if db.closed.Load() {
		return asm.Felt{}, ErrClosed
	}
	return readRoot(db.pdb, n)
}

func readDiff(r pebble.Reader, n uint64) (*state.Diff, error) {
	k := blockKey(prefixDiff, n)
	v, ok, err := get(r, k)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &NoBlockError{Number: n}
	}
	d, err := UnmarshalDiff(v)
	if err != nil {
		return nil, &CorruptError{What: fmt.Sprintf("block %d diff", n), Key: k, Reason: err.Error()}
	}
	return d, nil
}

func readRoot(r pebble.Reader, n uint64) (asm.Felt, error) {
	k := blockKey(prefixHeader, n)
	v, ok, err := get(r, k)
	if err != nil {
		return asm.Felt{}, err
	}
	if !ok {
		return asm.Felt{}, &NoBlockError{Number: n}
	}
	f, ok := decodeFelt(v)
	if !ok {
		return asm.Felt{}, &CorruptError{What: fmt.Sprintf("block %d header", n), Key: k, Reason: fmt.Sprintf("%d-byte root %x", len(v), v)}
	}
	return f, nil
}

// get returns a copy of the value at k, and whether there is one. Pebble's
// value is only valid until its closer is called, so it is copied.
func get(r pebble.Reader, k []byte) ([]byte, bool, error) {
	v, closer, err := r.Get(k)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: read %x: %w", k, err)
	}
	out := append([]byte(nil), v...)
	closer.Close()
	return out, true, nil
}

// getFelt reads a felt value; an absent key is zero.
func getFelt(r pebble.Reader, k []byte, what string) (asm.Felt, error) {
	v, closer, err := r.Get(k)
	if errors.Is(err, pebble.ErrNotFound) {
		return asm.Felt{}, nil
	}
	if err != nil {
		return asm.Felt{}, fmt.Errorf("store: read %s: %w", what, err)
	}
	defer closer.Close()
	f, ok := decodeFelt(v)
	if !ok {
		return asm.Felt{}, &CorruptError{What: what, Key: k, Reason: fmt.Sprintf("%d-byte value %x is not a felt", len(v), v)}
	}
	return f, nil
}

// Storage returns the value at key in contract's storage at the head
// block (zero if never written). It fails only on a read error or a
// corrupt value.
func (db *DB) Storage(contract, key asm.Felt) (asm.Felt, error) {
	if db.closed.Load() {
		return asm.Felt{}, ErrClosed
	}
	return getFelt(db.pdb, storageKey(contract, key), "storage value")
}

// Nonce returns contract's nonce at the head block.
func (db *DB) Nonce(contract asm.Felt) (asm.Felt, error) {
	if db.closed.Load() {
		return asm.Felt{}, ErrClosed
	}
	return getFelt(db.pdb, feltKey(prefixNonce, contract), "nonce")
}

// ClassHash returns the class hash deployed at contract at the head block,
// zero if none.
func (db *DB) ClassHash(contract asm.Felt) (asm.Felt, error) {
	if db.closed.Load() {
		return asm.Felt{}, ErrClosed
	}
	return getFelt(db.pdb, feltKey(prefixClass, contract), "class hash")
}

// CompiledClassHash returns the compiled class hash declared for classHash,
// zero if the class is not declared.
func (db *DB) CompiledClassHash(classHash asm.Felt) (asm.Felt, error) {
	if db.closed.Load() {
		return asm.Felt{}, ErrClosed
	}
	return getFelt(db.pdb, feltKey(prefixCompiled, classHash), "compiled class hash")
}

// CompiledClass returns the class declared under classHash, parsed from its
// stored JSON on the first request and cached, or a
// *state.ClassNotDeclaredError. Stored JSON that no longer parses is a
// *CorruptError.
func (db *DB) CompiledClass(classHash asm.Felt) (*class.Class, error) {
	if db.closed.Load() {
		return nil, ErrClosed
	}
	// The cache is kept in step with commits (CommitBlock puts and drops
	// entries), so a hit is the head's class.
	if c := db.classes.get(classHash); c != nil {
		return c, nil
	}
	gen := db.classes.generation()
	c, err := parseStored(db.pdb, classHash)
	if err != nil {
		return nil, err
	}
	return db.classes.add(classHash, c, gen), nil
}

// parseStored reads and parses the JSON of classHash in r.
func parseStored(r pebble.Reader, classHash asm.Felt) (*class.Class, error) {
	k := feltKey(prefixJSON, classHash)
	js, ok, err := get(r, k)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &state.ClassNotDeclaredError{ClassHash: classHash}
	}
	c, err := class.Parse(js)
	if err != nil {
		return nil, &CorruptError{What: "class " + classHash.Hex(), Key: k, Reason: err.Error()}
	}
	return c, nil
}

// classCache holds parsed classes declared at the head block, by class
// hash, at most max of them.
type classCache struct {
	mu  sync.RWMutex
	max int
	m   map[asm.Felt]*class.Class
	gen uint64 // counts drops; see add
}

func (c *classCache) generation() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

func (c *classCache) get(h asm.Felt) *class.Class {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[h]
}

// add caches x, read from disk when the cache was at generation gen, and
// returns x, or the class another goroutine cached first (so concurrent
// readers share one parse). If a commit dropped classes since gen, x may
// have been removed meanwhile, so it is returned uncached: a cache entry
// must always be a class declared at the head.
func (c *classCache) add(h asm.Felt, x *class.Class, gen uint64) *class.Class {
	c.mu.Lock()
	defer c.mu.Unlock()
	if y, ok := c.m[h]; ok {
		return y
	}
	if c.gen == gen {
		c.insert(h, x)
	}
	return x
}

func (c *classCache) put(h asm.Felt, x *class.Class) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, h)
	c.insert(h, x)
}

func (c *classCache) insert(h asm.Felt, x *class.Class) {
	if len(c.m) >= c.max {
		// Evict an arbitrary entry (map order): no bookkeeping on the
		// read path, and a class evicted by mistake costs one parse.
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[h] = x
}

func (c *classCache) drop(h asm.Felt) {
	c.mu.Lock()
	delete(c.m, h)
	c.gen++
	c.mu.Unlock()
}

// Snapshot is a consistent read-only view of one block's flat state: every
// read sees the state as of the Snapshot's creation, whatever is committed
// meanwhile. Close it to release the Pebble snapshot (which pins old data).
type Snapshot struct {
	db     *DB
	snap   *pebble.Snapshot
	head   int64
	closed atomic.Bool
}

var _ state.Reader = (*Snapshot)(nil)

// Snapshot returns a view of the state at the head block.
func (db *DB) Snapshot() (*Snapshot, error) {
	// Under commitMu, so that the head recorded is the block the snapshot
	// sees.
	db.commitMu.Lock()
	defer db.commitMu.Unlock()
	if db.closed.Load() {
		return nil, ErrClosed
	}
	return &Snapshot{db: db, snap: db.pdb.NewSnapshot(), head: db.head.Load()}, nil
}

// Head returns the block the snapshot sees, and false when it sees an empty
// database.
func (s *Snapshot) Head() (uint64, bool) { return uint64(s.head), s.head >= 0 }

// Close releases the snapshot; reads fail with ErrClosed afterwards. Close
// it before its DB, and not while its reads run (as for DB.Close). Close is
// idempotent.
func (s *Snapshot) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	return s.snap.Close()
}

// reader returns the Pebble snapshot, or ErrClosed.
func (s *Snapshot) reader() (pebble.Reader, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	return s.snap, nil
}

// Storage returns the value at key in contract's storage.
func (s *Snapshot) Storage(contract, key asm.Felt) (asm.Felt, error) {
	r, err := s.reader()
	if err != nil {
		return asm.Felt{}, err
	}
	return getFelt(r, storageKey(contract, key), "storage value")
}

// Nonce returns contract's nonce.
func (s *Snapshot) Nonce(contract asm.Felt) (asm.Felt, error) {
	r, err := s.reader()
	if err != nil {
		return asm.Felt{}, err
	}
	return getFelt(r, feltKey(prefixNonce, contract), "nonce")
}

// ClassHash returns the class hash deployed at contract, zero if none.
func (s *Snapshot) ClassHash(contract asm.Felt) (asm.Felt, error) {
	r, err := s.reader()
	if err != nil {
		return asm.Felt{}, err
	}
	return getFelt(r, feltKey(prefixClass, contract), "class hash")
}

// CompiledClassHash returns the compiled class hash declared for classHash,
// zero if none.
func (s *Snapshot) CompiledClassHash(classHash asm.Felt) (asm.Felt, error) {
	r, err := s.reader()
	if err != nil {
		return asm.Felt{}, err
	}
	return getFelt(r, feltKey(prefixCompiled, classHash), "compiled class hash")
}

// CompiledClass returns the class declared under classHash in the
// snapshot's block, or a *state.ClassNotDeclaredError.
func (s *Snapshot) CompiledClass(classHash asm.Felt) (*class.Class, error) {
	// The DB's cache follows the head, not this snapshot: check that the
	// class exists here before trusting it (a class hash names one class,
	// so a class declared both here and at the head is the same class).
	r, err := s.reader()
	if err != nil {
		return nil, err
	}
	_, closer, err := r.Get(feltKey(prefixJSON, classHash))
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, &state.ClassNotDeclaredError{ClassHash: classHash}
	}
	if err != nil {
		return nil, fmt.Errorf("store: read class %s: %w", classHash.Hex(), err)
	}
	closer.Close()
	if c, err := s.db.CompiledClass(classHash); err == nil {
		return c, nil // declared at the head too: the cached parse
	}
	// Removed since the snapshot (or the DB is closed): parse this
	// snapshot's copy, uncached.
	return parseStored(r, classHash)
}

// quietLogger drops Pebble's informational messages (it logs WAL and
// compaction events otherwise) and passes errors on.
type quietLogger struct{}

func (quietLogger) Infof(string, ...any)         {}
func (quietLogger) Errorf(f string, args ...any) { pebble.DefaultLogger.Errorf(f, args...) }
func (quietLogger) Fatalf(f string, args ...any) { pebble.DefaultLogger.Fatalf(f, args...) }

var _ io.Closer = (*Snapshot)(nil)
