package jit

import "github.com/cairn-vm/cairn/internal/wazeroengines"

// compilerSupported says whether wazero's optimizing compiler runs here;
// the JIT does not run its code on wazero's interpreter.
func compilerSupported() bool { return wazeroengines.CompilerSupported() }
