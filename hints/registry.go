package hints

import (
	"errors"
	"sort"
	"strings"
	"sync"

	"github.com/cairn-vm/cairn/vm"
)

// Func implements one hint. It reads and writes the machine through ctx and
// returns an error to stop the run; the compiled hint wraps it in a
// *HintError.
type Func func(ctx *Context) error

// Registry maps hint code to the Go functions that implement it. Codes are
// matched after NormalizeCode. A Registry is not safe for concurrent
// Register calls; Lookup, Known and Compile may run concurrently once
// registration is done, and the hints Compile returns may run concurrently
// on different vm.States.
type Registry struct {
	funcs map[string]Func
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{funcs: map[string]Func{}} }

// Register binds code (cairo-lang's Python text of the hint, as the
// compiler stores it or as written between %{ and %}) to f, replacing any
// earlier binding of the same normalised code.
func (r *Registry) Register(code string, f Func) {
	if f == nil {
		panic("hints: Register with a nil Func")
	}
	r.funcs[NormalizeCode(code)] = f
}

// Lookup returns the function registered for code.
func (r *Registry) Lookup(code string) (Func, bool) {
	f, ok := r.funcs[NormalizeCode(code)]
	return f, ok
}

// Known reports whether code has a registered implementation.
func (r *Registry) Known(code string) bool {
	_, ok := r.funcs[NormalizeCode(code)]
	return ok
}

// Len returns the number of registered codes.
func (r *Registry) Len() int { return len(r.funcs) }

// Codes returns the registered codes (normalised), sorted.
func (r *Registry) Codes() []string {
	out := make([]string, 0, len(r.funcs))
	for c := range r.funcs {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// NormalizeCode is the matching rule for hint code: line endings become
// "\n", trailing whitespace is stripped from every line, blank lines at the
// start and the end are dropped, and the indentation common to all
// non-blank lines is removed (as Python's textwrap.dedent does), so that the
// text cairo-compile stores and the text between %{ and %} in a source file
// match. Everything else, relative indentation and blank lines inside the
// code included, must be identical.
func NormalizeCode(code string) string {
	code = strings.ReplaceAll(code, "\r\n", "\n")
	lines := strings.Split(code, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r\f\v")
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	prefix := ""
	first := true
	for _, l := range lines {
		if l == "" {
			continue
		}
		ind := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if first {
			prefix, first = ind, false
			continue
		}
		n := 0
		for n < len(prefix) && n < len(ind) && prefix[n] == ind[n] {
			n++
		}
		prefix = prefix[:n]
	}
	if prefix != "" {
		for i, l := range lines {
			lines[i] = strings.TrimPrefix(l, prefix)
		}
	}
	return strings.Join(lines, "\n")
}

// Builtin describes one hint of Default: a short name and its code.
type Builtin struct {
	Name string
	Code string
}

// families are the groups of built-in hints, each defined in its own file
// (math, dictionaries, secp, hashes, ...) and added by that file's init.
var families [][]builtinHint

// addFamily adds a group of built-in hints to Default.
func addFamily(hs []builtinHint) { families = append(families, hs) }

func allBuiltins() []builtinHint {
	out := append([]builtinHint(nil), builtinHints...)
	for _, f := range families {
		out = append(out, f...)
	}
	return out
}

// Builtins returns the hints Default registers, in registration order.
func Builtins() []Builtin {
	all := allBuiltins()
	out := make([]Builtin, len(all))
	for i, b := range all {
		out[i] = Builtin{Name: b.name, Code: b.code}
	}
	return out
}

// Default returns a new registry holding every built-in hint. Each call
// returns a fresh registry that the caller may extend.
func Default() *Registry {
	r := NewRegistry()
	for _, b := range allBuiltins() {
		r.Register(b.code, b.fn)
	}
	return r
}

// ErrNilProgram is returned by Compile without a program.
var ErrNilProgram = errors.New("hints: nil program")

// Compile binds every hint of p to its function once, at load: the
// program's reference expressions are parsed, and each hint's ids names are
// bound to their references with the ap correction precomputed. A hint with
// no registered function compiles to one that fails with *UnknownHintError
// when reached, so Compile fails only without a program.
func (r *Registry) Compile(p *vm.Program) (map[int][]vm.Hint, error) {
	if p == nil {
		return nil, ErrNilProgram
	}
	pi := newProgInfo(p)
	out := make(map[int][]vm.Hint, len(p.Hints))
	for pc, specs := range p.Hints {
		hs := make([]vm.Hint, len(specs))
		for i := range specs {
			spec := &specs[i]
			f, ok := r.funcs[NormalizeCode(spec.Code)]
			if !ok {
				u := &UnknownHintError{Code: spec.Code, PC: pc}
				if l := p.Location(pc); l != nil {
					u.Location = l.Loc.String()
				}
				hs[i] = unknownHint{u}
				continue
			}
			hs[i] = newCompiledHint(pi, spec, pc, f)
		}
		out[pc] = hs
	}
	return out, nil
}

// unknownHint is the compiled form of a hint with no implementation.
type unknownHint struct{ err *UnknownHintError }

func (u unknownHint) Execute(*vm.State) error { return u.err }

var contextPool = sync.Pool{New: func() any { return new(Context) }}

// Execute runs the hint on st.
func (h *compiledHint) Execute(st *vm.State) error {
	// Contexts are recycled: a hint-heavy run executes millions of hints,
	// and a hint function must not keep its Context after it returns.
	ctx := contextPool.Get().(*Context)
	*ctx = Context{State: st, Spec: h.spec, PC: h.pc, h: h}
	err := h.fn(ctx)
	*ctx = Context{}
	contextPool.Put(ctx)
	if err != nil {
		var he *HintError
		if errors.As(err, &he) {
			return err
		}
		return &HintError{PC: h.pc, Code: h.spec.Code, Err: err}
	}
	return nil
}
