package blockstm

import (
	"context"
	"errors"
	"fmt"
)

// Tx is a transaction: it executes against a View and returns an output.
//
// Execute must be deterministic: given the same values from Read it must
// make the same calls and return the same result, because the parallel
// executor may run it several times and keeps only an execution whose
// reads are still valid. It must not keep the View after returning, nor
// use it from other goroutines.
//
// A non-nil error means the transaction failed: its writes are dropped and
// the error is its result (a Starknet transaction that reverts but still
// pays its fee is a success whose output says so, with the fee writes). An
// error returned by Read must be returned as is (or at least the
// transaction must stop): it is either ErrDependency, which makes this
// execution void, or a failure of the base state, which stops the block.
type Tx[K comparable, V any, O any] interface {
	Execute(v View[K, V]) (O, error)
}

// TxFunc adapts a function to the Tx interface.
type TxFunc[K comparable, V any, O any] func(View[K, V]) (O, error)

// Execute calls f(v).
func (f TxFunc[K, V, O]) Execute(v View[K, V]) (O, error) { return f(v) }

// View is the state as one transaction sees it: the base state with the
// writes of every lower transaction applied, then its own writes.
type View[K comparable, V any] interface {
	// Read returns the value at loc. Reading a location twice gives the
	// same value, and a location the transaction wrote reads as written.
	// The error is ErrDependency or a failure of the base state; after an
	// error every Read returns the same error.
	Read(loc K) (V, error)
	// Write sets loc to val.
	Write(loc K, val V)
	// Add adds delta to the value at loc without reading it, so that
	// transactions that only add to a location (a fee paid to the
	// sequencer) do not depend on each other. The sum uses the executor's
	// Add function; calling Add without one panics.
	Add(loc K, delta V)
}

// Base is the state before the block. Get must be safe for concurrent use
// and must return the same result for the same location during a run.
type Base[K comparable, V any] interface {
	Get(loc K) (V, error)
}

// BaseFunc adapts a function to the Base interface.
type BaseFunc[K comparable, V any] func(K) (V, error)

// Get calls f(loc).
func (f BaseFunc[K, V]) Get(loc K) (V, error) { return f(loc) }

// MapBase is a Base held in a map; a missing location reads as the zero
// value. It must not be written during a run.
type MapBase[K comparable, V any] map[K]V

// Get returns m[loc]; it never fails.
func (m MapBase[K, V]) Get(loc K) (V, error) { return m[loc], nil }

// Executor executes a block of transactions in block order (or with that
// result). Parallel and Serial implement it.
type Executor[K comparable, V comparable, O any] interface {
	// Execute runs txs over the executor's base state. The error is
	// ctx's error, or a *TxError when a transaction's execution could not
	// complete (a failing base state, a panic); a transaction's own error
	// is part of the Result instead.
	Execute(ctx context.Context, txs []Tx[K, V, O]) (*Result[K, V, O], error)
}

// Write is a location and the value a transaction left there. A location
// the transaction added to holds the sum, as of that transaction.
type Write[K comparable, V any] struct {
	Loc   K
	Value V
}

// TxResult is the result of one transaction.
type TxResult[K comparable, V any, O any] struct {
	Output O
	Err    error // the transaction failed; Writes is empty
	// Writes lists the locations the transaction wrote or added to, in
	// the order it first touched them, with their values after it.
	Writes []Write[K, V]
}

// Result is the result of a block.
type Result[K comparable, V any, O any] struct {
	Txs   []TxResult[K, V, O] // one per transaction, in block order
	State map[K]V             // the final value of every location written
	Stats Stats
}

// Stats counts the work an executor did. For Serial, Executions equals Txs
// and everything else is zero.
type Stats struct {
	Txs         int // transactions in the block
	Executions  int // executions that ran to the end, re-executions included
	Validations int // validation tasks run (not counting the committer's)
	Aborts      int // completed executions discarded because their reads changed, found by a validation or at commit
	// Suspensions counts executions stopped at a read that met an
	// ESTIMATE: they did the work up to that read, no more, and the
	// transaction runs again once the lower one has.
	Suspensions int
}

// ReExecutions returns how many completed executions were beyond the
// first of each transaction: the work wasted on conflicts, apart from
// what Suspensions stopped early.
func (s Stats) ReExecutions() int { return s.Executions - s.Txs }

// ErrDependency is returned by View.Read when the location is being
// rewritten by a lower transaction that was aborted. The execution is void
// and will be resumed from the start once that transaction has run again;
// the transaction should return straight away.
var ErrDependency = errors.New("blockstm: read depends on a lower transaction being re-executed")

// TxError reports a transaction whose execution could not complete: a
// failure of the base state, or a panic (a *PanicError). It stops the
// block; transactions before Tx completed.
type TxError struct {
	Tx  int // index in the block
	Err error
}

// Error implements error.
func (e *TxError) Error() string { return fmt.Sprintf("blockstm: transaction %d: %v", e.Tx, e.Err) }

// Unwrap returns Err.
func (e *TxError) Unwrap() error { return e.Err }

// PanicError is a panic raised by a transaction's Execute.
type PanicError struct {
	Value any    // what was passed to panic
	Stack []byte // the stack of the panic, for debugging
}

// Error implements error.
func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }
