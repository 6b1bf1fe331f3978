package jit

import "runtime"

// compilerSupported mirrors wazero's rule: its optimizing compiler
// runs on amd64 and arm64 under the common operating systems.
func compilerSupported() bool {
	switch runtime.GOOS {
	case "linux", "darwin", "freebsd", "netbsd", "windows":
		return runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64"
	}
	return false
}
