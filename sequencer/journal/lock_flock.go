//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package journal

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockFile takes an exclusive flock on path (created if missing). The lock
// is on a file of its own, not on the journal, because Rewrite replaces the
// journal's file: a lock on the old inode would not exclude a process that
// opens the new one. The kernel releases the lock when the process dies, so
// a crash never leaves the journal locked.
func lockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("journal: lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &LockedError{Path: path}
		}
		return nil, fmt.Errorf("journal: lock %s: %w", path, err)
	}
	return f, nil
}

// unlockFile releases a lock taken by lockFile (closing the descriptor
// releases the flock).
func unlockFile(f *os.File) {
	if f != nil {
		f.Close()
	}
}
