// Package progen generates random, valid Cairo 0 programs for differential
// testing of cairn's two engines (the interpreter and the JIT).
//
// A program is built from a stream of decisions (a Source): the bytes of a
// fuzzer's input (FromBytes), or a seeded pseudo-random generator
// (FromSeed). Every byte string gives a program; when the bytes run out, the
// generator closes what it has open and ends. The result is Cairo assembly
// text (Program.Source, for cairn's assembler and for humans reading a
// failure) and the parsed vm.Program.
//
// # What the programs do
//
// The generator keeps a model of the memory cells the program has written
// (their kind: felt, with its value where the generator can compute it, or a
// pointer into the execution, program or a builtin segment, with its target
// where known), so that most instructions it emits are meaningful: they read
// cells that hold values and write cells that are free. It emits
//
//   - straight-line assert_eq over ap- and fp-relative cells: immediates
//     (small, negative, 2^64-ish, 2^128-ish, near P, random 251-bit), copies,
//     additions and multiplications with cells and immediates;
//   - deductions: an unknown op0 or op1 of an addition (x - y, pointer -
//     pointer, pointer - felt) or of a multiplication (division);
//   - asserts over cells that already hold values: most hold, some fail;
//   - relocatable arithmetic: pointers to the frame (from a get_fp_and_pc
//     call or a call's saved fp), program pointers (return addresses),
//     pointer + immediate, pointer - pointer, double dereferences
//     [[reg + off] + k] for reads and writes;
//   - counted loops (a counter decremented by a constant, possibly large or
//     negative, and a backward jnz), nested, optionally carrying a builtin
//     pointer from iteration to iteration;
//   - if/else on data (jnz forward, by a label or by a computed offset), both
//     branches padded to the same ap;
//   - jumps by computed offsets over dead code: jmp rel [cell], jmp abs
//     [cell] (a program pointer plus an offset), call rel [cell], call abs
//     [cell];
//   - ap += immediate (forward and back) and ap += [cell];
//   - calls to generated functions (a DAG: a function calls only later ones)
//     with arguments and return values, and bounded recursion (a depth
//     argument passed as an immediate);
//   - the output, range_check, pedersen and bitwise builtins, declared with
//     %builtins, used through the pointers main receives at [fp - 3] and
//     below and returned on the stack as the runner expects; range-checked
//     values are mostly in range, sometimes not;
//   - rarely, a raw random instruction word, an unusual instruction shape
//     (ret in the middle of main, jmp rel 0, multiplication of a pointer) or
//     an assert known to fail, so that the engines also meet VM errors and
//     the step limit.
//
// Loops run a bounded number of times, recursion has a bounded depth and
// the call graph has no cycle other than self-recursion, so every program
// ends, fails with a VM error, or (through a rare jmp rel 0) reaches the
// step limit the generator suggests in Program.MaxSteps. Every program has
// __start__ and __end__ labels, so it also runs in proof mode.
//
// # Running the differential fuzzer for hours
//
// The fuzz target that uses this package is jit.FuzzEngines:
//
//	go test ./jit -run '^$' -fuzz FuzzEngines -fuzztime 1h
//
// The go tool prints the executions count and rate as it goes ("execs:
// N (R/sec)"); a failing input is saved under jit/testdata/fuzz/FuzzEngines
// and replayed by a plain go test ./jit. To see the program of an input,
// run go test ./jit -run 'FuzzEngines/NAME' -v: a failure prints its
// assembly text.
package progen
