// Package wasm builds WebAssembly modules and encodes them straight to the
// binary format (WebAssembly Core Specification 1.0/2.0, chapter 5), with
// no text-format step. It is the code-generation back end of cairn's JIT,
// whose output is run by wazero, and imports only the standard library.
//
// # Building a module
//
// A Module collects types, imports, functions, one memory, globals,
// exports, an optional start function and active data segments:
//
//	m := wasm.NewModule()
//	sig := wasm.FuncType{Params: []wasm.ValType{wasm.I64, wasm.I64}, Results: []wasm.ValType{wasm.I64}}
//	var c wasm.Code
//	c.LocalGet(0)
//	c.LocalGet(1)
//	c.I64Add()
//	c.End() // the final end closes the function body
//	f, err := m.AddFunction(sig, nil, &c)
//	...
//	err = m.AddExport("add", wasm.ExternFunc, uint32(f))
//	bin, err := m.Encode()
//
// Function types are deduplicated (AddType returns the existing index for
// an equal signature). Index spaces are allocated as items are added and
// imports come first in them, so imports of a kind must be added before
// definitions of that kind; DeclareFunction reserves a function index
// ahead of its body (DefineFunction) so that bodies can call functions
// defined later, recursion included.
//
// # Emitting code
//
// A Code holds one function body. It has one method per instruction: the
// control instructions (Block, Loop, If, Else, End, Br, BrIf, BrTable,
// Return, Call, Unreachable, Nop), Drop and Select, locals and globals,
// i32/i64 loads and stores of every width with a MemArg (alignment as a
// power of two, and a static offset), MemorySize, MemoryGrow, the
// bulk-memory MemoryCopy and MemoryFill, constants, and the i32/i64
// integer arithmetic, bitwise, shift/rotate, comparison, count and
// conversion instructions (including the 2.0 sign-extension operators).
// Floating-point values are supported only as types and constants.
//
// Branch targets are relative label depths, as in the binary format:
// Br(0) targets the innermost open block. Block, Loop and If also return
// a Label, and BrTo, BrIfTo and BrTableTo compute the depth of a Label at
// the point of the branch, so callers need not count nesting.
//
// # Errors
//
// Nothing panics on misuse. A Code records the first structural error
// (Else without an open If, a branch deeper than the nesting,
// an instruction after the final End, an alignment larger than the
// access) and ignores later calls; Module methods return errors for bad
// indices, duplicate export names, a second memory, imports after
// definitions and so on. Encode first runs Validate, which type-checks
// every body against the module with the specification's validation
// algorithm (operand and block types, branch targets, locals, globals,
// calls, memory presence) and reports a *BodyError naming the function
// and instruction. A body that is unbalanced or lacks its final End is
// rejected. A module that Encode accepts is therefore valid, and wazero
// compiles it.
//
// # Output
//
// Encode writes the magic and version, then the non-empty sections in the
// order the specification requires (type, import, function, memory,
// global, export, start, code, data) and, if any function has a name, a
// trailing "name" custom section. LEB128 numbers are minimal. The bytes
// depend only on the sequence of builder calls, so encoding is
// deterministic. Tables, element segments, passive data and
// call_indirect are not supported.
package wasm
