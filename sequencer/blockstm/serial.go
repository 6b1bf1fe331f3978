package blockstm

import "context"

// Serial executes a block one transaction after the other: the reference
// that Parallel must equal, and the faster choice for blocks too small or
// too contended to gain from parallelism.
//
// The zero Serial runs over a base where every location holds the zero
// value, without deltas.
type Serial[K comparable, V comparable, O any] struct {
	// Base is the state before the block; nil reads as zero values.
	Base Base[K, V]
	// Add sums a value and a delta for View.Add (see Parallel.Add).
	Add func(x, y V) V
}

var _ Executor[int, int, int] = (*Serial[int, int, int])(nil)

// Execute implements Executor.
func (s *Serial[K, V, O]) Execute(ctx context.Context, txs []Tx[K, V, O]) (*Result[K, V, O], error) {
	src := &serialSource[K, V]{base: s.Base, state: make(map[K]V)}
	results := make([]TxResult[K, V, O], len(txs))
	for i, tx := range txs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		o := execute(tx, newView(source[K, V](src), s.Add))
		if o.fatal != nil {
			return nil, &TxError{Tx: i, Err: o.fatal}
		}
		writes := make([]Write[K, V], 0, len(o.writes))
		for _, w := range o.writes {
			if w.delta {
				// Applied now, like Parallel's commit: only here does
				// the transaction's delta meet the value below.
				below, err := src.read(w.loc)
				if err != nil {
					return nil, &TxError{Tx: i, Err: err}
				}
				w.val = s.Add(below, w.val)
			}
			writes = append(writes, Write[K, V]{Loc: w.loc, Value: w.val})
		}
		for _, w := range writes {
			src.state[w.Loc] = w.Value
		}
		if len(writes) == 0 {
			writes = nil
		}
		results[i] = TxResult[K, V, O]{Output: o.out, Err: o.err, Writes: writes}
	}
	r := newResult(results)
	r.Stats.Executions = len(txs)
	return r, nil
}

// serialSource is the state after the transactions executed so far.
type serialSource[K comparable, V any] struct {
	base  Base[K, V]
	state map[K]V
}

func (s *serialSource[K, V]) read(loc K) (V, error) {
	if v, ok := s.state[loc]; ok {
		return v, nil
	}
	if s.base == nil {
		var zero V
		return zero, nil
	}
	return s.base.Get(loc)
}
