package state

import (
	"errors"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
)

// Cached is a write-back State over a parent Reader: reads fall through to
// the parent (once per key, then from the cache), writes stay in the Cached
// until Commit applies them to the parent.
//
// Checkpoints give nested undo: Checkpoint before a call, RevertTo when the
// call fails (its writes and those of everything it called disappear),
// Release when it succeeds (its writes stay, and an outer RevertTo still
// undoes them). Checkpoints nest like calls: reverting or releasing one also
// drops every checkpoint taken after it.
//
// The Cached records what it read from the parent (Reads, the read set) and
// what it wrote (Diff, the write set as a Starknet state diff). Reads are
// recorded once, with the value first seen, and are kept across reverts;
// reads answered by the Cached's own writes are not reads of the parent and
// are not recorded.
//
// A Cached is not safe for concurrent use: it belongs to one goroutine (one
// transaction) at a time. Many Cached layers may read one shared parent
// concurrently when the parent allows it (see Memory).
//
// The zero Cached is an empty layer over the empty state.
type Cached struct {
	parent Reader

	// Values first read from the parent: the read set, and the initial
	// values the diff is computed against.
	storageInit      map[storageKey]asm.Felt
	nonceInit        map[asm.Felt]asm.Felt
	classHashInit    map[asm.Felt]asm.Felt
	compiledHashInit map[asm.Felt]asm.Felt
	classInit        map[asm.Felt]*class.Class // nil: not declared

	// The write set.
	storage     map[storageKey]asm.Felt
	nonces      map[asm.Felt]asm.Felt
	classHashes map[asm.Felt]asm.Felt
	declares    map[asm.Felt]declared

	// Undo log, kept only while a checkpoint is active.
	journal     []undo
	checkpoints []checkpoint
	nextID      int
}

var _ State = (*Cached)(nil)

type checkpoint struct {
	id, journalLen int
}

// undo kinds.
const (
	undoStorage = iota
	undoNonce
	undoClassHash
	undoDeclare
)

// undo restores one entry of the write set: a is the contract or class
// hash, b the storage key; had says whether the entry existed before.
type undo struct {
	kind     uint8
	had      bool
	a, b     asm.Felt
	prev     asm.Felt
	prevDecl declared
}

// NewCached returns an empty write-back layer over parent. A nil parent
// stands for the empty state (which cannot be committed to).
func NewCached(parent Reader) *Cached {
	return &Cached{parent: parent}
}

func (c *Cached) reader() Reader {
	if c.parent == nil {
		return empty{}
	}
	return c.parent
}

// Storage returns the value at key in contract's storage as this layer sees
// it. Errors come from the parent.
func (c *Cached) Storage(contract, key asm.Felt) (asm.Felt, error) {
	k := storageKey{contract, key}
	if v, ok := c.storage[k]; ok {
		return v, nil
	}
	return c.storageFromParent(k)
}

func (c *Cached) storageFromParent(k storageKey) (asm.Felt, error) {
	if v, ok := c.storageInit[k]; ok {
		return v, nil
	}
	v, err := c.reader().Storage(k.contract, k.key)
	if err != nil {
		return asm.Felt{}, err
	}
	if c.storageInit == nil {
		c.storageInit = make(map[storageKey]asm.Felt)
	}
	c.storageInit[k] = v
	return v, nil
}

// Nonce returns contract's nonce as this layer sees it. Errors come from
// the parent.
func (c *Cached) Nonce(contract asm.Felt) (asm.Felt, error) {
	if v, ok := c.nonces[contract]; ok {
		return v, nil
	}
	return cachedRead(&c.nonceInit, contract, c.reader().Nonce)
}

// ClassHash returns the class hash deployed at contract as this layer sees
// it (zero if none). Errors come from the parent.
func (c *Cached) ClassHash(contract asm.Felt) (asm.Felt, error) {
	if v, ok := c.classHashes[contract]; ok {
		return v, nil
	}
	return cachedRead(&c.classHashInit, contract, c.reader().ClassHash)
}

// CompiledClassHash returns the compiled class hash declared for classHash
// as this layer sees it (zero if undeclared). Errors come from the parent.
func (c *Cached) CompiledClassHash(classHash asm.Felt) (asm.Felt, error) {
	if d, ok := c.declares[classHash]; ok {
		return d.compiledHash, nil
	}
	return cachedRead(&c.compiledHashInit, classHash, c.reader().CompiledClassHash)
}

// CompiledClass returns the class declared under classHash as this layer
// sees it, or an error matching ErrClassNotDeclared. That a class is not
// declared is recorded in the read set like any other read; other errors
// come from the parent and are not recorded.
func (c *Cached) CompiledClass(classHash asm.Felt) (*class.Class, error) {
	if d, ok := c.declares[classHash]; ok {
		return d.class, nil
	}
	cl, ok := c.classInit[classHash]
	if !ok {
		var err error
		cl, err = c.reader().CompiledClass(classHash)
		switch {
		case err == nil && cl == nil:
			// A parent that returns no class and no error: treat the
			// class as not declared rather than hand out nil.
		case err != nil && !isNotDeclared(err):
			return nil, err
		case err != nil:
			cl = nil
		}
		if c.classInit == nil {
			c.classInit = make(map[asm.Felt]*class.Class)
		}
		c.classInit[classHash] = cl
	}
	if cl == nil {
		return nil, &ClassNotDeclaredError{ClassHash: classHash}
	}
	return cl, nil
}

func isNotDeclared(err error) bool { return errors.Is(err, ErrClassNotDeclared) }

// cachedRead returns (*init)[k], reading it from the parent with get and
// recording it on a miss.
func cachedRead(init *map[asm.Felt]asm.Felt, k asm.Felt, get func(asm.Felt) (asm.Felt, error)) (asm.Felt, error) {
	if v, ok := (*init)[k]; ok {
		return v, nil
	}
	v, err := get(k)
	if err != nil {
		return asm.Felt{}, err
	}
	if *init == nil {
		*init = make(map[asm.Felt]asm.Felt)
	}
	(*init)[k] = v
	return v, nil
}

// SetStorage sets the value at key in contract's storage. It never fails.
func (c *Cached) SetStorage(contract, key, value asm.Felt) error {
	k := storageKey{contract, key}
	if c.storage == nil {
		c.storage = make(map[storageKey]asm.Felt)
	}
	if len(c.checkpoints) > 0 {
		prev, had := c.storage[k]
		c.journal = append(c.journal, undo{kind: undoStorage, had: had, a: contract, b: key, prev: prev})
	}
	c.storage[k] = value
	return nil
}

// SetNonce sets contract's nonce. It never fails.
func (c *Cached) SetNonce(contract, nonce asm.Felt) error {
	c.setFelt(&c.nonces, undoNonce, contract, nonce)
	return nil
}

// IncrementNonce adds one to contract's nonce. It reads the nonce (through
// the cache, so possibly from the parent: errors come from there) and fails
// with a *NonceOverflowError when it is P-1.
func (c *Cached) IncrementNonce(contract asm.Felt) error {
	n, err := c.Nonce(contract)
	if err != nil {
		return err
	}
	if n, err = nextNonce(contract, n); err != nil {
		return err
	}
	return c.SetNonce(contract, n)
}

// SetClassHash deploys classHash at contract or replaces its class. It
// reads the parent's class hash for contract (recorded in the read set) to
// tell a deployment from a replacement in the diff; errors come from there,
// or are an *AddressError for address zero.
func (c *Cached) SetClassHash(contract, classHash asm.Felt) error {
	if err := checkDeploy(contract); err != nil {
		return err
	}
	if _, err := cachedRead(&c.classHashInit, contract, c.reader().ClassHash); err != nil {
		return err
	}
	c.setFelt(&c.classHashes, undoClassHash, contract, classHash)
	return nil
}

// DeclareClass declares c under classHash with its compiled class hash. It
// fails only for a nil c (ErrNilClass).
func (c *Cached) DeclareClass(classHash, compiledClassHash asm.Felt, cl *class.Class) error {
	if cl == nil {
		return ErrNilClass
	}
	if c.declares == nil {
		c.declares = make(map[asm.Felt]declared)
	}
	if len(c.checkpoints) > 0 {
		prev, had := c.declares[classHash]
		c.journal = append(c.journal, undo{kind: undoDeclare, had: had, a: classHash, prevDecl: prev})
	}
	c.declares[classHash] = declared{compiledHash: compiledClassHash, class: cl}
	return nil
}

func (c *Cached) setFelt(m *map[asm.Felt]asm.Felt, kind uint8, k, v asm.Felt) {
	if *m == nil {
		*m = make(map[asm.Felt]asm.Felt)
	}
	if len(c.checkpoints) > 0 {
		prev, had := (*m)[k]
		c.journal = append(c.journal, undo{kind: kind, had: had, a: k, prev: prev})
	}
	(*m)[k] = v
}

// Checkpoint marks the current writes and returns an id for RevertTo or
// Release. Ids are never reused within a Cached.
func (c *Cached) Checkpoint() int {
	id := c.nextID
	c.nextID++
	c.checkpoints = append(c.checkpoints, checkpoint{id: id, journalLen: len(c.journal)})
	return id
}

// find returns the index of checkpoint id on the stack, or -1.
func (c *Cached) find(id int) int {
	for i := len(c.checkpoints) - 1; i >= 0; i-- {
		if c.checkpoints[i].id == id {
			return i
		}
	}
	return -1
}

// RevertTo undoes every write made since checkpoint cp was taken, and
// drops cp and every later checkpoint. Reads are kept. It fails, changing
// nothing, with a *CheckpointError when cp is not active.
func (c *Cached) RevertTo(cp int) error {
	i := c.find(cp)
	if i < 0 {
		return &CheckpointError{Checkpoint: cp}
	}
	to := c.checkpoints[i].journalLen
	for j := len(c.journal) - 1; j >= to; j-- {
		c.undo(&c.journal[j])
	}
	clear(c.journal[to:])
	c.journal = c.journal[:to]
	c.dropFrom(i)
	return nil
}

// Release drops checkpoint cp and every later one, keeping the writes made
// since (an enclosing checkpoint can still revert them). It fails with a
// *CheckpointError when cp is not active.
func (c *Cached) Release(cp int) error {
	i := c.find(cp)
	if i < 0 {
		return &CheckpointError{Checkpoint: cp}
	}
	c.dropFrom(i)
	return nil
}

// dropFrom truncates the checkpoint stack to i entries; with none left the
// undo log is no longer needed.
func (c *Cached) dropFrom(i int) {
	c.checkpoints = c.checkpoints[:i]
	if i == 0 {
		clear(c.journal)
		c.journal = c.journal[:0]
	}
}

func (c *Cached) undo(u *undo) {
	switch u.kind {
	case undoStorage:
		k := storageKey{u.a, u.b}
		if u.had {
			c.storage[k] = u.prev
		} else {
			delete(c.storage, k)
		}
	case undoNonce:
		restore(c.nonces, u)
	case undoClassHash:
		restore(c.classHashes, u)
	case undoDeclare:
		if u.had {
			c.declares[u.a] = u.prevDecl
		} else {
			delete(c.declares, u.a)
		}
	}
}

func restore(m map[asm.Felt]asm.Felt, u *undo) {
	if u.had {
		m[u.a] = u.prev
	} else {
		delete(m, u.a)
	}
}

// Reset discards every write, read and checkpoint, leaving an empty layer
// over the same parent (a transaction to execute again, say).
func (c *Cached) Reset() {
	*c = Cached{parent: c.parent, nextID: c.nextID}
}

// Commit applies the write set to the parent, which must be a State
// (otherwise ErrReadOnlyParent), and then Resets c: the parent now holds
// what c held, and every checkpoint is dropped. Take Reads and Diff before
// committing if they are needed.
//
// It applies exactly the entries of Diff, plus the class objects of the
// declared classes, in Diff's order: declared classes, deployed and
// replaced class hashes, nonces, storage. Writes of the value the parent
// already held (as far as c read it) are skipped. If the parent fails, the
// error is returned, the parent may hold part of the writes, and c is left
// as it was. Committing into a Memory or into another Cached over a Memory
// cannot fail.
func (c *Cached) Commit() error {
	dst, ok := c.parent.(State)
	if !ok {
		return ErrReadOnlyParent
	}
	d := c.Diff()
	for _, e := range d.DeclaredClasses {
		if err := dst.DeclareClass(e.ClassHash, e.CompiledClassHash, c.declares[e.ClassHash].class); err != nil {
			return err
		}
	}
	for _, e := range d.DeployedContracts {
		if err := dst.SetClassHash(e.Address, e.ClassHash); err != nil {
			return err
		}
	}
	for _, e := range d.ReplacedClasses {
		if err := dst.SetClassHash(e.ContractAddress, e.ClassHash); err != nil {
			return err
		}
	}
	for _, e := range d.Nonces {
		if err := dst.SetNonce(e.ContractAddress, e.Nonce); err != nil {
			return err
		}
	}
	for _, s := range d.StorageDiffs {
		for _, e := range s.StorageEntries {
			if err := dst.SetStorage(s.Address, e.Key, e.Value); err != nil {
				return err
			}
		}
	}
	c.Reset()
	return nil
}
