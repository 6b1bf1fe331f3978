// Package blockstm executes the transactions of a block in parallel and
// gets exactly the result of executing them one after the other, in block
// order. It is Block-STM (Gelashvili et al., "Block-STM: Scaling Blockchain
// Execution by Turning Ordering Curse to a Performance Blessing", 2022),
// the engine of Aptos' executor, of pevm, and of blockifier's concurrent
// mode.
//
// # The contract
//
// A transaction ([Tx]) executes against a [View]: it reads locations, writes
// them, and adds to them ([View.Add], a commutative delta). [Parallel] and
// [Serial] are two [Executor]s over the same transactions and the same
// [Base] state; for deterministic transactions their results are equal: the
// same output and error for every transaction, the same writes, the same
// final state. The tests check exactly that over random workloads.
//
// # How the parallel executor works
//
// Every transaction is executed optimistically by one of N workers, against
// a multi-version memory: for every location, the value written by each
// transaction that wrote it (the mvMemory type). A read by transaction i
// sees the write of the highest transaction below i, or the base state when
// there is none: what a serial execution would see if every lower
// transaction had already run. A transaction's incarnation records what it
// read; validating it means reading those locations again and checking
// that nothing changed. A failed validation aborts the incarnation: its
// writes become ESTIMATE markers, the transaction runs again (incarnation +
// 1), and every higher transaction is validated again. A read that meets
// an ESTIMATE stops the execution and suspends the transaction until the
// writer has run again, instead of letting it compute on a value that is
// about to change.
//
// The collaborative scheduler hands out those tasks. Two counters, the
// lowest transaction that may need executing and the lowest that may need
// validating, only move down when an abort or a re-execution makes earlier
// work stale, and otherwise sweep upwards; every worker takes the lower of
// the two tasks, so validations run close behind executions and no central
// queue exists.
//
// Transactions are committed in order, as soon as every lower one is: the
// committer validates the next transaction once more, now that nothing
// below it can change, and the result of that validation is final. This is
// also how the run ends (every transaction committed), so the executor
// needs none of the paper's counting of active tasks.
//
// So the result's correctness rests on the commit-time validation alone;
// the scheduler's validations and the ESTIMATE markers are there for
// speed: they find conflicts early, while other transactions still run, so
// that re-executions happen in parallel instead of one by one at the
// commit. (The unit tests pin that machinery down separately, since the
// end-to-end comparison with Serial cannot see it.)
//
// # Hints
//
// A caller that knows what transactions will touch (declared access
// lists) can say so ([Parallel.Hints]): each expected write starts as an
// ESTIMATE of its transaction, and a transaction whose expected reads or
// writes meet an ESTIMATE below is suspended before it runs. Transactions
// that all update one location then run in order, without the aborted
// first incarnations plain Block-STM spends finding that out. Hints only
// move work in time: the commit-time validation decides the result as
// always.
//
// # Contention
//
// Speculation pays only when transactions mostly miss each other. The
// committer measures, per window of 16 commits, how many transactions
// read what one of the transactions just below them wrote; after a window
// where more than half did, the next one runs in order (only the next
// transaction to commit is executed, so nothing is aborted), after a
// calmer one speculatively again, and no execution runs more than 32
// transactions ahead of the commits. A block of transfers all paying one
// account then costs about what the serial run does, instead of nearly
// every transaction running twice; one without such chains is unaffected.
//
// # Deltas
//
// Starknet charges every transaction a fee paid to the sequencer: if each
// transaction read and wrote the sequencer's balance, every transaction
// would depend on the one before and nothing would run in parallel. So a
// transaction can add to a location without reading it ([View.Add]): the
// delta is stored in the multi-version memory as such, creates no read, and
// is turned into a value when the transaction commits. A transaction that
// does read such a location sees the base value plus every lower delta
// (and depends, as it should, on all of them).
//
// # Validation by value
//
// A read is valid when the value it would see now equals the value it saw.
// The paper compares versions (which incarnation wrote the value); values
// serve as well (a transaction is a function of the values it reads) and
// also cover a sum of deltas, which has no single writer. Values must
// therefore be comparable with ==.
//
// # Speculation
//
// An incarnation may see a state that no serial execution would (it read
// one value before a lower transaction wrote it and another after). Its
// result is thrown away by validation, but it must not damage anything
// meanwhile: a panic is recovered and only matters if the incarnation
// commits, and a transaction must not loop forever on unexpected values
// (Starknet's step limit guarantees that).
package blockstm
