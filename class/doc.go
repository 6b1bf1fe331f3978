// Package class loads Cairo 1 contract classes in their compiled (CASM)
// form, the JSON that starknet-sierra-compile writes: bytecode, hints by pc
// parsed once into Go values, entry points by type, and the identity
// Starknet gives a class (its compiled class hash, and the selectors its
// entry points are called by).
//
// Hints come in cairo-lang-casm's structured form (the "hints" field), one
// Go type per hint kind (see Hint); the Python text of the same hints
// ("pythonic_hints") is ignored. This package only describes hints; running
// them is the executor's business.
package class
