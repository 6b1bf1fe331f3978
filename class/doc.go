// Package class loads Cairo 1 contract classes in their compiled (CASM)
// form: bytecode, hints by pc parsed once into Go values, entry points by
// type, and the class identity Starknet gives them (compiled class hash,
// entry-point selectors).
package class

// Class is a loaded CASM contract class.
type Class struct{}
