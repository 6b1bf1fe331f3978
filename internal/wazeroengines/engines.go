// Package wazeroengines says which of wazero's engines run on this
// platform, for the JIT and for the tests that run modules on each.
package wazeroengines

import (
	"runtime"

	"github.com/tetratelabs/wazero"
)

// CompilerSupported mirrors wazero's own rule (its internal/platform): the
// optimizing compiler runs on amd64 and arm64 under the common operating
// systems; everywhere else only the interpreter does.
func CompilerSupported() bool {
	switch runtime.GOOS {
	case "linux", "darwin", "freebsd", "netbsd", "windows":
		return runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64"
	}
	return false
}

// Engine is one of wazero's engines, by name.
type Engine struct {
	Name   string
	Config func() wazero.RuntimeConfig
}

// All lists the engines that run here: the compiler where supported
// (first), and always the interpreter.
func All() []Engine {
	es := []Engine{{"interpreter", wazero.NewRuntimeConfigInterpreter}}
	if CompilerSupported() {
		es = append([]Engine{{"compiler", wazero.NewRuntimeConfigCompiler}}, es...)
	}
	return es
}
