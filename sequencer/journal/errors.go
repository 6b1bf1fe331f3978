package journal

import (
	"errors"
	"fmt"
)

// Sentinel errors. Each typed error below matches one of them with
// errors.Is.
var (
	// ErrClosed: a call on a closed Journal.
	ErrClosed = errors.New("journal: closed")
	// ErrFormat: Open of a file that is not a journal.
	ErrFormat = errors.New("journal: not a journal file")
	// ErrLocked: Open of a journal that another Journal (in this process
	// or another) holds open.
	ErrLocked = errors.New("journal: locked by another process")
	// ErrTooLarge: a record over MaxRecordSize.
	ErrTooLarge = errors.New("journal: record too large")
	// ErrBroken: a call after a write, fsync or rewrite failed.
	ErrBroken = errors.New("journal: broken by an earlier failure")
)

// FormatError is returned by Open for a file whose header is not a
// journal's. It matches ErrFormat.
type FormatError struct {
	Path   string
	Header []byte // the file's first bytes
}

// Error implements error.
func (e *FormatError) Error() string {
	return fmt.Sprintf("journal: %s is not a journal (header %q)", e.Path, e.Header)
}

// Is reports whether target is ErrFormat.
func (e *FormatError) Is(target error) bool { return target == ErrFormat }

// LockedError is returned by Open when the journal's lock file is held. It
// matches ErrLocked.
type LockedError struct {
	Path string // the lock file
}

// Error implements error.
func (e *LockedError) Error() string {
	return fmt.Sprintf("journal: %s is held by another open journal", e.Path)
}

// Is reports whether target is ErrLocked.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// RecordTooLargeError is returned for a record over MaxRecordSize. It
// matches ErrTooLarge.
type RecordTooLargeError struct {
	Size int
}

// Error implements error.
func (e *RecordTooLargeError) Error() string {
	return fmt.Sprintf("journal: record of %d bytes is over the limit of %d", e.Size, MaxRecordSize)
}

// Is reports whether target is ErrTooLarge.
func (e *RecordTooLargeError) Is(target error) bool { return target == ErrTooLarge }

// BrokenError is returned by every call after a write, fsync or rewrite
// failed; Err is that failure. It matches ErrBroken and unwraps to Err.
type BrokenError struct {
	Err error
}

// Error implements error.
func (e *BrokenError) Error() string {
	return fmt.Sprintf("journal: unusable after a failed write; reopen it to recover: %v", e.Err)
}

// Is reports whether target is ErrBroken.
func (e *BrokenError) Is(target error) bool { return target == ErrBroken }

// Unwrap returns the original failure.
func (e *BrokenError) Unwrap() error { return e.Err }
