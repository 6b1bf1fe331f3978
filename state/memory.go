package state

import (
	"maps"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
)

// Memory is an in-memory State: maps keyed by felts.
//
// Concurrency contract: Memory has no locks. Any number of goroutines may
// call its read methods (the Reader methods and Clone) at the same time,
// provided no goroutine writes it meanwhile. A write (any Set method,
// IncrementNonce, DeclareClass, or a Commit of a Cached over it) must not
// overlap any other call, and must happen before the reads that should see
// it in the Go memory model's sense (for example: build the Memory, then
// start the readers; or wait for the readers, commit, then start the next
// ones). The intended use is a base state that is read-only while
// transactions execute over it in their own Cached layers, and written only
// between such phases.
//
// The zero Memory is an empty state ready to use; NewMemory returns one too.
type Memory struct {
	storage     map[storageKey]asm.Felt
	nonces      map[asm.Felt]asm.Felt
	classHashes map[asm.Felt]asm.Felt
	classes     map[asm.Felt]declared
}

var _ State = (*Memory)(nil)

// NewMemory returns an empty in-memory state.
func NewMemory() *Memory {
	return &Memory{
		storage:     make(map[storageKey]asm.Felt),
		nonces:      make(map[asm.Felt]asm.Felt),
		classHashes: make(map[asm.Felt]asm.Felt),
		classes:     make(map[asm.Felt]declared),
	}
}

// Clone returns an independent copy of m (classes are shared: they are
// immutable once loaded).
func (m *Memory) Clone() *Memory {
	return &Memory{
		storage:     maps.Clone(m.storage),
		nonces:      maps.Clone(m.nonces),
		classHashes: maps.Clone(m.classHashes),
		classes:     maps.Clone(m.classes),
	}
}

// Storage returns the value at key in contract's storage (zero if never
// written). It never fails.
func (m *Memory) Storage(contract, key asm.Felt) (asm.Felt, error) {
	return m.storage[storageKey{contract, key}], nil
}

// Nonce returns contract's nonce (zero if never set). It never fails.
func (m *Memory) Nonce(contract asm.Felt) (asm.Felt, error) {
	return m.nonces[contract], nil
}

// ClassHash returns the class hash deployed at contract, zero if none. It
// never fails.
func (m *Memory) ClassHash(contract asm.Felt) (asm.Felt, error) {
	return m.classHashes[contract], nil
}

// CompiledClass returns the class declared under classHash, or a
// *ClassNotDeclaredError.
func (m *Memory) CompiledClass(classHash asm.Felt) (*class.Class, error) {
	d, ok := m.classes[classHash]
	if !ok {
		return nil, &ClassNotDeclaredError{ClassHash: classHash}
	}
	return d.class, nil
}

// CompiledClassHash returns the compiled class hash declared for classHash,
// zero if the class is not declared. It never fails.
func (m *Memory) CompiledClassHash(classHash asm.Felt) (asm.Felt, error) {
	return m.classes[classHash].compiledHash, nil
}

// SetStorage sets the value at key in contract's storage. It never fails.
// Writing zero removes the cell, which reads as zero either way.
func (m *Memory) SetStorage(contract, key, value asm.Felt) error {
	k := storageKey{contract, key}
	if value.IsZero() {
		delete(m.storage, k)
		return nil
	}
	if m.storage == nil {
		m.storage = make(map[storageKey]asm.Felt)
	}
	m.storage[k] = value
	return nil
}

// SetNonce sets contract's nonce. It never fails.
func (m *Memory) SetNonce(contract, nonce asm.Felt) error {
	if nonce.IsZero() {
		delete(m.nonces, contract)
		return nil
	}
	if m.nonces == nil {
		m.nonces = make(map[asm.Felt]asm.Felt)
	}
	m.nonces[contract] = nonce
	return nil
}

// IncrementNonce adds one to contract's nonce, or returns a
// *NonceOverflowError (and changes nothing) when it is P-1.
func (m *Memory) IncrementNonce(contract asm.Felt) error {
	n, err := nextNonce(contract, m.nonces[contract])
	if err != nil {
		return err
	}
	return m.SetNonce(contract, n)
}

// SetClassHash sets the class hash of contract (deploy, replace_class). It
// fails only for address zero (*AddressError).
func (m *Memory) SetClassHash(contract, classHash asm.Felt) error {
	if err := checkDeploy(contract); err != nil {
		return err
	}
	if classHash.IsZero() {
		delete(m.classHashes, contract)
		return nil
	}
	if m.classHashes == nil {
		m.classHashes = make(map[asm.Felt]asm.Felt)
	}
	m.classHashes[contract] = classHash
	return nil
}

// DeclareClass declares c under classHash; declaring a hash again replaces
// the entry. It fails only for a nil c (ErrNilClass).
func (m *Memory) DeclareClass(classHash, compiledClassHash asm.Felt, c *class.Class) error {
	if c == nil {
		return ErrNilClass
	}
	if m.classes == nil {
		m.classes = make(map[asm.Felt]declared)
	}
	m.classes[classHash] = declared{compiledHash: compiledClassHash, class: c}
	return nil
}
