// Package hints runs Cairo 0 hints: the Python snippets between %{ and %}
// that cairo-lang executes before an instruction. cairn does not embed
// Python; each hint it supports is a Go function registered under the
// hint's exact code (see NormalizeCode for the matching rule), and the
// Default registry holds the hints of cairo-lang's common library.
//
// Registry.Compile binds a program's hints once, at load. It parses every
// reference of the program's reference manager ("[cast(fp + (-3), felt*)]")
// and binds, per hint, each ids name to its reference with the ap
// correction precomputed: a reference recorded in the same ap-tracking
// group as the hint is evaluated with ap - (hint offset - reference offset);
// an ap-based reference from another group is revoked (RevokedError), as
// cairo-lang's vm_consts does. Member paths (ids.a.low, ids.p.x) and
// constants (ids.SHIFT, ids.DictAccess.SIZE) are resolved on first use and
// cached. A hint with no registered function compiles to one that fails
// with *UnknownHintError if it is ever reached.
//
// Semantics follow cairo-lang's Python: ids.x of a felt is the integer in
// [0, PRIME); % and // round towards negative infinity; as_int lifts to
// (-PRIME/2, PRIME/2); relocatable values compare after every integer.
// Hint errors are *HintError values whose cause has cairo-lang's message.
//
// Scope variables (vm_enter_scope, n in memcpy, excluded in assert_le_felt)
// live in vm.State.Scopes; integers are stored as *big.Int and relocatable
// values as vm.Relocatable. Python locals that a hint leaves in its scope
// and that no later library hint reads are not recorded.
package hints
