package state

import (
	"errors"
	"fmt"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
)

// Reader is the read side of the Starknet state. Every value that was never
// written reads as zero: the storage of any key, the nonce of any contract,
// the class hash of an undeployed address, the compiled class hash of an
// undeclared class. The one exception is CompiledClass, which has no zero
// value and returns an error matching [ErrClassNotDeclared] instead.
//
// An implementation may fail (a database, a remote store); the errors of the
// implementations in this package are described on each method.
type Reader interface {
	// Storage returns the value at key in contract's storage.
	Storage(contract, key asm.Felt) (asm.Felt, error)
	// Nonce returns contract's nonce.
	Nonce(contract asm.Felt) (asm.Felt, error)
	// ClassHash returns the class hash deployed at contract, or zero when
	// nothing is deployed there.
	ClassHash(contract asm.Felt) (asm.Felt, error)
	// CompiledClass returns the declared class with hash classHash, or an
	// error matching ErrClassNotDeclared (a *ClassNotDeclaredError).
	CompiledClass(classHash asm.Felt) (*class.Class, error)
	// CompiledClassHash returns the compiled class hash declared for
	// classHash, or zero when the class is not declared.
	CompiledClassHash(classHash asm.Felt) (asm.Felt, error)
}

// State is a Reader that can also be written.
type State interface {
	Reader
	// SetStorage sets the value at key in contract's storage.
	SetStorage(contract, key, value asm.Felt) error
	// SetNonce sets contract's nonce.
	SetNonce(contract, nonce asm.Felt) error
	// IncrementNonce adds one to contract's nonce; a nonce of P-1 cannot be
	// incremented (a *NonceOverflowError).
	IncrementNonce(contract asm.Felt) error
	// SetClassHash deploys classHash at contract, or replaces the class of
	// a deployed contract (replace_class). Address zero is reserved (an
	// *AddressError).
	SetClassHash(contract, classHash asm.Felt) error
	// DeclareClass declares class c under classHash with its compiled class
	// hash. c must not be nil (ErrNilClass).
	DeclareClass(classHash, compiledClassHash asm.Felt, c *class.Class) error
}

// Sentinel errors. Each typed error below matches one of them with
// errors.Is, so callers can test the kind without a type assertion.
var (
	// ErrClassNotDeclared: CompiledClass of a hash that is not declared.
	ErrClassNotDeclared = errors.New("state: class not declared")
	// ErrNonceOverflow: IncrementNonce of a nonce equal to P-1.
	ErrNonceOverflow = errors.New("state: nonce overflow")
	// ErrInvalidAddress: SetClassHash at contract address zero.
	ErrInvalidAddress = errors.New("state: invalid contract address")
	// ErrNilClass: DeclareClass with a nil class.
	ErrNilClass = errors.New("state: nil class")
	// ErrUnknownCheckpoint: RevertTo or Release of a checkpoint that is not
	// active (never taken, already reverted or released, or dropped by an
	// outer revert, release or commit).
	ErrUnknownCheckpoint = errors.New("state: unknown checkpoint")
	// ErrReadOnlyParent: Commit of a Cached whose parent is only a Reader.
	ErrReadOnlyParent = errors.New("state: parent is read-only")
	// ErrShortString: ShortString of a string that is not a Cairo short
	// string (more than 31 characters, or not ASCII).
	ErrShortString = errors.New("state: invalid short string")
)

// ClassNotDeclaredError is returned by CompiledClass for a class hash that
// is not declared. It matches ErrClassNotDeclared.
type ClassNotDeclaredError struct {
	ClassHash asm.Felt
}

// Error implements error.
func (e *ClassNotDeclaredError) Error() string {
	return fmt.Sprintf("state: class %s not declared", e.ClassHash.Hex())
}

// Is reports whether target is ErrClassNotDeclared.
func (e *ClassNotDeclaredError) Is(target error) bool { return target == ErrClassNotDeclared }

// NonceOverflowError is returned by IncrementNonce when the nonce is already
// P-1. It matches ErrNonceOverflow.
type NonceOverflowError struct {
	Contract asm.Felt
}

// Error implements error.
func (e *NonceOverflowError) Error() string {
	return fmt.Sprintf("state: nonce of %s overflows", e.Contract.Hex())
}

// Is reports whether target is ErrNonceOverflow.
func (e *NonceOverflowError) Is(target error) bool { return target == ErrNonceOverflow }

// AddressError is returned by SetClassHash for a reserved contract address
// (zero). It matches ErrInvalidAddress.
type AddressError struct {
	Address asm.Felt
}

// Error implements error.
func (e *AddressError) Error() string {
	return fmt.Sprintf("state: cannot deploy at reserved address %s", e.Address.Hex())
}

// Is reports whether target is ErrInvalidAddress.
func (e *AddressError) Is(target error) bool { return target == ErrInvalidAddress }

// CheckpointError is returned by RevertTo and Release for a checkpoint that
// is not active. It matches ErrUnknownCheckpoint.
type CheckpointError struct {
	Checkpoint int
}

// Error implements error.
func (e *CheckpointError) Error() string {
	return fmt.Sprintf("state: checkpoint %d is not active", e.Checkpoint)
}

// Is reports whether target is ErrUnknownCheckpoint.
func (e *CheckpointError) Is(target error) bool { return target == ErrUnknownCheckpoint }

// ShortStringError is returned by ShortString. It matches ErrShortString.
type ShortStringError struct {
	S      string // the rejected string
	Reason string // why
}

// Error implements error.
func (e *ShortStringError) Error() string {
	return fmt.Sprintf("state: invalid short string %q: %s", e.S, e.Reason)
}

// Is reports whether target is ErrShortString.
func (e *ShortStringError) Is(target error) bool { return target == ErrShortString }

// maxNonce is P-1, the nonce IncrementNonce refuses.
var maxNonce = func() asm.Felt {
	var m asm.Felt
	one := asm.One()
	m.Neg(&one)
	return m
}()

// nextNonce returns n+1, or a *NonceOverflowError when n is P-1.
func nextNonce(contract, n asm.Felt) (asm.Felt, error) {
	if n.Equal(&maxNonce) {
		return asm.Felt{}, &NonceOverflowError{Contract: contract}
	}
	one := asm.One()
	n.Add(&n, &one)
	return n, nil
}

// checkDeploy validates the arguments of SetClassHash.
func checkDeploy(contract asm.Felt) error {
	if contract.IsZero() {
		return &AddressError{Address: contract}
	}
	return nil
}

// storageKey identifies one storage cell.
type storageKey struct {
	contract, key asm.Felt
}

// declared is a declared class: its compiled class hash and the class.
type declared struct {
	compiledHash asm.Felt
	class        *class.Class
}

// empty is the Reader of the empty state, the parent of a Cached made over
// nil.
type empty struct{}

func (empty) Storage(_, _ asm.Felt) (asm.Felt, error) { return asm.Felt{}, nil }
func (empty) Nonce(asm.Felt) (asm.Felt, error)        { return asm.Felt{}, nil }
func (empty) ClassHash(asm.Felt) (asm.Felt, error)    { return asm.Felt{}, nil }
func (empty) CompiledClass(h asm.Felt) (*class.Class, error) {
	return nil, &ClassNotDeclaredError{ClassHash: h}
}
func (empty) CompiledClassHash(asm.Felt) (asm.Felt, error) { return asm.Felt{}, nil }
