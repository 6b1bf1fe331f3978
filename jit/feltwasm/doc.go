// Package feltwasm emits WebAssembly code for arithmetic on Cairo field
// elements, the operations that cairn's JIT inlines into the code it
// generates. It writes instructions with package jit/wasm; the code runs
// under wazero's compiler or interpreter.
//
// # Felts in linear memory
//
// A felt occupies 32 bytes of linear memory: the four little-endian 64-bit
// limbs of its Montgomery form (value·2^256 mod P), which is exactly the
// in-memory layout of asm.Felt, so Go reads the same bytes as an asm.Felt.
// Every felt is fully reduced (its Montgomery form is below P), so limb
// equality is value equality, and every emitter here keeps it so. Operands
// are given as an Addr: an i32 local holding a base address plus a static
// byte offset, so felts in one block (registers, a frame, a segment page)
// share one local.
//
// # Emitters and scratch locals
//
// Add, Sub and Mul need temporaries (i64 locals and two i32 locals). They
// take them from an Emitter,
// which reserves locals on first use from an allocator the caller owns (a
// function returning a fresh local index, such as Locals.New) and reuses
// them for every later operation in the same function: a function body
// that inlines a thousand additions still declares only one set. The
// temporaries are dead between operations, and WebAssembly compilers turn
// locals into SSA values, so sharing them costs nothing. Create one Emitter
// per function body.
//
// Every operation loads all its inputs before it stores its result, so the
// destination may be the same felt as either operand (x = x + y, x = x·x).
// Nothing here branches: Add, Sub and Mul are straight-line code, and the
// conditional corrections are done with select.
//
// # Multiplication
//
// WebAssembly has no 64x64->128-bit multiply, so Mul works internally in
// radix 2^28: each operand becomes nine 28-bit limbs (read straight from
// memory with unaligned 32-bit loads, 252 bits being exactly the field's
// size), whose 56-bit products accumulate in i64 columns without overflow.
// Montgomery reduction uses the shape of P = 2^251 + 17·2^192 + 1: P ≡ 1
// mod 2^28, so each reduction digit m is the column's low bits, and
// subtracting m·P touches only two other columns, with a shift and a small
// constant multiply (no multiplication by P's limbs). Nine 28-bit steps and
// one 4-bit step divide by 2^256, carries are propagated while the columns
// are summed, and one branchless correction makes the result fully reduced,
// bit for bit what gnark-crypto's fp.Element.Mul returns. Mul inlines this
// (about 700 wasm instructions, 1.3 KB, some 480 x86-64 instructions under
// wazero's compiler); AddMulFunc defines it once as a function that
// generated code calls with CallMul, for about the same time per product.
//
// Under wazero's compiler on a shared 2.6 GHz Xeon, an inline Add or Sub
// costs 3.5-4 ns when operations overlap and 5.5-7 ns in a chain through
// memory (x = x + y), and a Mul 30-33 ns, against 3-3.5 ns and 16-19 ns for
// asm.Felt's assembly (BenchmarkWasm, BenchmarkGo). The multiply is bound
// by instruction throughput: its 81 digit products alone take some 240 of
// the instructions, as wazero's two-operand imul needs a copy for each.
package feltwasm
