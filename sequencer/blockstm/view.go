package blockstm

import (
	"runtime/debug"
)

// source is where a view reads the locations its transaction has not
// written: the multi-version memory below the transaction (parallel) or
// the state left by the transactions before it (serial).
type source[K comparable, V any] interface {
	read(loc K) (V, error)
}

// write is one entry of a transaction's write set: a value, or a delta
// still to be added to whatever lies below.
type write[K comparable, V any] struct {
	loc   K
	val   V
	delta bool
}

// view is the View both executors give a transaction. It buffers the
// writes (the write set, in first-touch order so that results are
// deterministic) and remembers every value read from the source, so that
// reading a location twice gives the same value even if the source
// changed in between: an execution sees one state, stale or not.
type view[K comparable, V any] struct {
	src    source[K, V]
	add    func(x, y V) V
	writes []write[K, V]
	index  map[K]int // loc -> position in writes
	reads  map[K]V
	err    error // sticky: the first error of the source
}

func newView[K comparable, V any](src source[K, V], add func(x, y V) V) *view[K, V] {
	return &view[K, V]{src: src, add: add}
}

// Read implements View.
func (v *view[K, V]) Read(loc K) (V, error) {
	if v.err != nil {
		var zero V
		return zero, v.err
	}
	if i, ok := v.index[loc]; ok {
		w := &v.writes[i]
		if !w.delta {
			return w.val, nil
		}
		// Reading a location the transaction only added to: now it does
		// depend on the value below, and its own write becomes a value.
		below, err := v.readBelow(loc)
		if err != nil {
			return below, err
		}
		w.val, w.delta = v.add(below, w.val), false
		return w.val, nil
	}
	return v.readBelow(loc)
}

func (v *view[K, V]) readBelow(loc K) (V, error) {
	if val, ok := v.reads[loc]; ok {
		return val, nil
	}
	val, err := v.src.read(loc)
	if err != nil {
		v.err = err
		return val, err
	}
	if v.reads == nil {
		v.reads = make(map[K]V)
	}
	v.reads[loc] = val
	return val, nil
}

// Write implements View.
func (v *view[K, V]) Write(loc K, val V) {
	if i, ok := v.index[loc]; ok {
		v.writes[i].val, v.writes[i].delta = val, false
		return
	}
	v.append(write[K, V]{loc: loc, val: val})
}

// Add implements View.
func (v *view[K, V]) Add(loc K, delta V) {
	if v.add == nil {
		panic("blockstm: View.Add without an Add function in the executor")
	}
	if i, ok := v.index[loc]; ok {
		// A value stays a value, a delta a (bigger) delta.
		v.writes[i].val = v.add(v.writes[i].val, delta)
		return
	}
	if below, ok := v.reads[loc]; ok {
		// The location was read already, so the transaction depends on it
		// anyway: store the sum, which is cheaper for readers above.
		v.append(write[K, V]{loc: loc, val: v.add(below, delta)})
		return
	}
	v.append(write[K, V]{loc: loc, val: delta, delta: true})
}

func (v *view[K, V]) append(w write[K, V]) {
	if v.index == nil {
		v.index = make(map[K]int)
	}
	v.index[w.loc] = len(v.writes)
	v.writes = append(v.writes, w)
}

// outcome is what one execution of a transaction produced.
type outcome[K comparable, V any, O any] struct {
	out    O
	err    error         // the transaction's own error: its writes are dropped
	fatal  error         // a base failure or a panic: stops the block if committed
	writes []write[K, V] // nil when err or fatal is set
}

// execute runs tx against v and sorts out what happened. A panic is
// recovered: in a parallel run it may come from an inconsistent
// speculative state and then means nothing.
func execute[K comparable, V any, O any](tx Tx[K, V, O], v *view[K, V]) (o outcome[K, V, O]) {
	defer func() {
		if r := recover(); r != nil {
			o = outcome[K, V, O]{fatal: &PanicError{Value: r, Stack: debug.Stack()}}
		}
	}()
	o.out, o.err = tx.Execute(v)
	switch {
	case v.err != nil:
		// The source failed (or, in parallel, met an ESTIMATE): whatever
		// the transaction made of that error does not count.
		o = outcome[K, V, O]{fatal: v.err}
	case o.err == nil:
		o.writes = v.writes
	}
	return o
}
