// Package assembler turns Cairo assembly text into a Cairo 0 program in
// cairo-compile's JSON format, and decodes program words back into text.
//
// The syntax is the instruction syntax of Cairo 0 (the Cairo whitepaper,
// eprint 2021/1063 section 4.5, and cairo-lang's parser), one instruction
// per line, with // comments:
//
//	[ap] = [fp - 3] + [ap - 1], ap++    // assert_eq: dst = res
//	[ap + 2] = 17                        // immediate
//	[fp - 1] = [[ap - 2] + 3]            // double dereference
//	[ap] = [fp] * [fp + 1]
//	[ap] = [ap - 1] + 5, ap++
//	jmp rel 5                            // also jmp abs 12, jmp rel [ap - 1]
//	jmp loop                             // relative jump to a label
//	jmp rel 4 if [ap - 1] != 0           // also jmp loop if [fp + 2] != 0
//	call rel 3                           // also call abs [fp - 1], call f
//	ret
//	ap += 3                              // also ap += [fp - 2]
//	loop:                                // a label (may precede an instruction)
//	dw 0x1234                            // a raw data word
//	%builtins output pedersen range_check
//	%lang starknet                       // accepted and ignored
//
// Offsets may be written [fp - 3], [fp + (-3)] or [fp + -3] and must lie in
// [-2^15, 2^15). Constants are decimal or 0x-hex, may be negated and
// combined with + - * and parentheses; immediates are reduced modulo P.
// As in cairo-lang, "x = y - z" means "y = x + z", "x = y / z" means
// "y = x * z", an assertion that is not an instruction is tried with its
// sides swapped, and a trailing ';' is accepted.
//
// Encoding follows cairo-lang's instruction builder and encoder, including
// the operands it fills in when an instruction does not use them, so the
// words are the ones cairo-compile writes for the same instructions.
package assembler
