package store

import (
	"errors"
	"fmt"
)

// Sentinel errors. Each typed error below matches one of them with
// errors.Is, so callers can test the kind without a type assertion.
var (
	// ErrCorrupt: a stored value that this package cannot have written (a
	// wrong length, a felt not below P, a checksum mismatch, a head without
	// its block). The database must not be trusted past this point.
	ErrCorrupt = errors.New("store: corrupt database")
	// ErrFormat: the directory holds a database that is not a cairn state
	// store, or one of another format version.
	ErrFormat = errors.New("store: database format mismatch")
	// ErrBlockOrder: CommitBlock of a number other than head+1 (or 0 on an
	// empty database).
	ErrBlockOrder = errors.New("store: block out of order")
	// ErrNoBlock: BlockDiff or Root of a block that was never committed.
	ErrNoBlock = errors.New("store: no such block")
	// ErrInvalidClass: CommitBlock with a declared class whose JSON is
	// missing or does not parse, or with JSON for a class the diff does not
	// declare.
	ErrInvalidClass = errors.New("store: invalid declared class")
	// ErrClosed: a call on a closed DB or Snapshot.
	ErrClosed = errors.New("store: closed")
)

// CorruptError reports a stored value that cannot be decoded. It matches
// ErrCorrupt.
type CorruptError struct {
	What   string // what was being read: "storage value", "block 12 diff", ...
	Key    []byte // the database key, for inspection with Pebble's tools
	Reason string
}

// Error implements error.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("store: corrupt database: %s (key %x): %s", e.What, e.Key, e.Reason)
}

// Is reports whether target is ErrCorrupt.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// FormatError reports a database of another kind or version. It matches
// ErrFormat.
type FormatError struct {
	Found string // the format marker found; empty when there is none
	Want  string
}

// Error implements error.
func (e *FormatError) Error() string {
	if e.Found == "" {
		return fmt.Sprintf("store: database format mismatch: a non-empty database without a format marker (want %q)", e.Want)
	}
	return fmt.Sprintf("store: database format mismatch: found %q, want %q", e.Found, e.Want)
}

// Is reports whether target is ErrFormat.
func (e *FormatError) Is(target error) bool { return target == ErrFormat }

// BlockOrderError is returned by CommitBlock for a number that does not
// follow the head. It matches ErrBlockOrder.
type BlockOrderError struct {
	Got     uint64
	Head    uint64
	HasHead bool // false: the database has no block, and Got must be 0
}

// Error implements error.
func (e *BlockOrderError) Error() string {
	if !e.HasHead {
		return fmt.Sprintf("store: block %d out of order: the database is empty, the first block is 0", e.Got)
	}
	return fmt.Sprintf("store: block %d out of order: head is %d, the next block is %d", e.Got, e.Head, e.Head+1)
}

// Is reports whether target is ErrBlockOrder.
func (e *BlockOrderError) Is(target error) bool { return target == ErrBlockOrder }

// NoBlockError is returned for a block that was never committed. It
// matches ErrNoBlock.
type NoBlockError struct {
	Number uint64
}

// Error implements error.
func (e *NoBlockError) Error() string { return fmt.Sprintf("store: block %d not committed", e.Number) }

// Is reports whether target is ErrNoBlock.
func (e *NoBlockError) Is(target error) bool { return target == ErrNoBlock }

// ClassError is returned by CommitBlock for a declared class it cannot
// store. It matches ErrInvalidClass and unwraps to the parser's error, if
// any.
type ClassError struct {
	ClassHash string // hex
	Reason    string
	Err       error // class.Parse's error, or nil
}

// Error implements error.
func (e *ClassError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("store: declared class %s: %s: %v", e.ClassHash, e.Reason, e.Err)
	}
	return fmt.Sprintf("store: declared class %s: %s", e.ClassHash, e.Reason)
}

// Is reports whether target is ErrInvalidClass.
func (e *ClassError) Is(target error) bool { return target == ErrInvalidClass }

// Unwrap returns the parser's error, or nil.
func (e *ClassError) Unwrap() error { return e.Err }
