package vm

import (
	"slices"
	"sync"
)

// A contract call of a few hundred steps spent more time creating its
// dozen builtin runners (and the function's builtin order) than running.
// A CodeImage therefore keeps, per builtin list of the function, the order
// computed once and the runner sets of calls that have ended, each with a
// copy of every runner as it was constructed: restoring those copies gives
// runners equal to new ones, and InitSegments then attaches them to the
// new call's memory as it would new ones.

// maxPooledSets bounds the runner sets kept per builtin list.
const maxPooledSets = 16

// builtinKind is what the calls of functions with one builtin list share.
type builtinKind struct {
	entry []string // the function's builtins, in argument order
	order []string // FunctionBuiltinOrder(entry)

	mu   sync.Mutex
	free []*builtinSet
}

// builtinSet is the runners of one call.
type builtinSet struct {
	kind     *builtinKind
	builtins []Builtin // in segment order
	entry    []Builtin // the function's own, in argument order
	// restore puts each runner back as it was constructed; nil when a
	// runner is of a type that cannot be restored, and the set is not
	// kept.
	restore []func()
	// state is the emptied State (and Memory) of the last call that had
	// these runners, for the next one; nil when there is none.
	state *State
}

// builtinKinds is a CodeImage's builtinKind list (a class has few builtin
// lists, one per entry point at most).
type builtinKinds struct {
	mu    sync.Mutex
	kinds []*builtinKind
}

// kind returns the builtinKind of entry, computing its order on first use.
func (ks *builtinKinds) kind(entry []string) (*builtinKind, error) {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	for _, k := range ks.kinds {
		if slices.Equal(k.entry, entry) {
			return k, nil
		}
	}
	order, err := FunctionBuiltinOrder(entry)
	if err != nil {
		return nil, err
	}
	k := &builtinKind{entry: slices.Clone(entry), order: order}
	ks.kinds = append(ks.kinds, k)
	return k, nil
}

// get returns a runner set for a new call: a kept one restored, or new
// runners.
func (k *builtinKind) get() (*builtinSet, error) {
	k.mu.Lock()
	if n := len(k.free); n > 0 {
		s := k.free[n-1]
		k.free[n-1] = nil
		k.free = k.free[:n-1]
		k.mu.Unlock()
		for _, f := range s.restore {
			f()
		}
		return s, nil
	}
	k.mu.Unlock()
	return k.newSet()
}

// newSet creates the runners of k, as NewBuiltin makes them.
func (k *builtinKind) newSet() (*builtinSet, error) {
	s := &builtinSet{kind: k, builtins: make([]Builtin, 0, len(k.order)), entry: make([]Builtin, 0, len(k.entry))}
	restorable := true
	for _, n := range k.order {
		b, err := NewBuiltin(n, nil, true)
		if err != nil {
			return nil, err
		}
		s.builtins = append(s.builtins, b)
		if restorable {
			fs := restorers(b)
			if fs == nil {
				restorable = false
			}
			s.restore = append(s.restore, fs...)
		}
	}
	if !restorable {
		s.restore = nil
	}
	for _, n := range k.entry {
		s.entry = append(s.entry, s.builtins[slices.Index(k.order, n)])
	}
	return s, nil
}

// put keeps s for a later call.
func (k *builtinKind) put(s *builtinSet) {
	if s.restore == nil {
		s.state = nil
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.free) < maxPooledSets {
		k.free = append(k.free, s)
	}
}

// restorers returns functions that put b (and what only b points to) back
// into its present state, or nil for a runner type it does not know.
func restorers(b Builtin) []func() {
	switch b := b.(type) {
	case *OutputBuiltin:
		return []func(){snapshot(b)}
	case *PedersenBuiltin:
		return []func(){snapshot(b)}
	case *RangeCheckBuiltin:
		return []func(){snapshot(b)}
	case *ECDSABuiltin:
		return []func(){snapshot(b)}
	case *BitwiseBuiltin:
		return []func(){snapshot(b)}
	case *ECOpBuiltin:
		return []func(){snapshot(b)}
	case *KeccakBuiltin:
		return []func(){snapshot(b)}
	case *PoseidonBuiltin:
		return []func(){snapshot(b)}
	case *ModBuiltin:
		return []func(){snapshot(b), snapshot(b.zero)}
	case *SegmentArenaBuiltin:
		return []func(){snapshot(b)}
	}
	return nil
}

// snapshot returns a function that sets *p back to its present value.
func snapshot[T any](p *T) func() {
	v := *p
	return func() { *p = v }
}
