//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package journal

import "os"

// lockFile is a no-op where flock is not available: the journal is then
// not protected against a second process opening it.
func lockFile(string) (*os.File, error) { return nil, nil }

func unlockFile(*os.File) {}
