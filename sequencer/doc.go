// Package sequencer executes blocks of Starknet transactions: invoke
// transactions through an account's __validate__ and __execute__, account
// deployments, declarations and L1 handlers, each charged a fee in an ERC20
// fee token that goes to the sequencer. A block gives one [Receipt] per
// transaction, the block's state diff and, over a [Committer] base, the new
// state root.
//
// Three [Executor]s run a block and must agree on every receipt, the diff
// and the root:
//
//   - [Serial] runs the transactions one after the other over one
//     state.Cached on the base state: the reference.
//   - [BlockSTM] runs them speculatively in parallel on sequencer/blockstm.
//     Each transaction executes over a state.Cached whose parent is the
//     transaction's blockstm View (so checkpoints and reverts stay inside
//     the transaction), and the fee paid to the sequencer is a commutative
//     delta (View.Add), so that a block of transactions that all pay the
//     same sequencer is not serialised by the fee.
//   - [AccessList] first runs, without any speculation, the transactions
//     whose declared access lists conflict with no other declared
//     transaction, then the rest with Block-STM on top of them, giving it
//     the declarations as hints (blockstm.Parallel.Hints), so that
//     declared transactions that conflict wait for each other instead of
//     being aborted and re-executed.
//
// # Transaction semantics
//
// An invoke is rejected (it changes nothing and is charged nothing) when
// its nonce is not the account's, when the account cannot pay its max fee,
// or when __validate__ fails. Otherwise the nonce is incremented, and
// __execute__ runs; when it fails (a Cairo revert or an execution error),
// or the actual fee exceeds the max fee, its writes are undone and the
// transaction is reverted, still paying its fee (the max fee in the second
// case). The fee is gas × gas price, gas being a base per transaction plus
// the Cairo steps and builtin instances of validation and execution (see
// [FeeSchedule]).
//
// The fee is charged natively, not by running the token's transfer: the
// account's u256 balance is debited, and the fee is added to the low word of
// the sequencer's balance as a felt. Adding without carrying is what makes
// the credit a delta that commutes; the low word would need 2^128 fee units
// to wrap.
//
// # Access lists
//
// An invoke may declare the storage it reads and writes ([AccessList]). Its
// account's own storage and nonce, and its fee-token balance, are implicitly
// declared. During __execute__ any other storage access outside the
// declaration, and any deployment or class replacement, fails the call with
// an [*AccessViolationError]: the transaction reverts and pays. Every
// executor enforces this, so it is part of a transaction's meaning, not of
// the schedule. A declared transaction that conflicts with no other declared
// transaction of the block is "independent" and gets
// [Config.AccessListDiscount] percent off its fee, in every executor.
//
// # The node
//
// [Node] is the sequencer loop over a directory: a [Mempool] ordered per
// account by nonce, a [Builder] that cuts blocks at [Limits] (transactions,
// Cairo steps, state-diff entries), any Executor, the flat state and trie
// nodes in state/store and the journal of accepted transactions
// (sequencer/journal). [Node.Submit] returns once the transaction is durable
// in the journal; [Node.ProduceBlock] executes the next block, commits it to
// the store atomically with its diff and root, and then drops its
// transactions from the journal. [Open] on an existing directory reopens
// the state at the stored head (commitment.OpenState) and puts the journaled
// transactions that no committed block holds back into the mempool, so that
// killing the process at any point loses no acknowledged transaction and
// the state root is that of a run without the crash.
//
// # Differential checking
//
// With [Config.Differential], a share of the transactions also runs with
// the interpreter; its result is kept and a difference from the chosen
// engine's is reported in [Receipt.Divergence].
package sequencer
