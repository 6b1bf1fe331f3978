// Package state is the Starknet state as the VM and its syscalls see it:
// contract storage, nonces, the class hash each deployed contract runs, and
// the declared classes with their compiled class hashes.
//
// # Layers
//
// [Reader] is the read side (storage_read, get_class_hash_at, the class a
// call executes); [State] adds the writes a transaction makes (storage_write,
// nonce increments, deploy and replace_class, declare). Both are small
// interfaces so that the same execution code runs over any backing store.
//
// [Memory] is the plain backing store: maps keyed by felts. It has no locks;
// it is built (genesis, a test fixture, the committed result of a block) and
// then shared by any number of goroutines that only read it. See [Memory]
// for the exact contract.
//
// [Cached] is a write-back layer over any Reader. Every write lands in the
// Cached, never in the parent, until [Cached.Commit]. It exists for two
// reasons:
//
//   - Reverted calls. Starknet keeps the writes of a call only if the call
//     (and so everything it called) succeeded. [Cached.Checkpoint] before a
//     call and [Cached.RevertTo] when it fails undo exactly that call's
//     writes, at any nesting depth, while the writes of earlier calls stay;
//     [Cached.Release] forgets a checkpoint when the call succeeds. A failed
//     transaction is a revert to a checkpoint taken before its execution.
//   - Parallel execution. A sequencer running the transactions of a block
//     concurrently (Block-STM) gives each transaction its own Cached over a
//     shared, read-only view. The Cached records what the transaction read
//     from that view ([Cached.Reads]: the read set, to validate against
//     later writers) and what it wrote ([Cached.Diff]: the write set, in
//     Starknet's state-diff shape). Reads are never reverted: a failed call's
//     reads still decided the outcome.
//
// A Cached is itself a State, so layers nest: a per-transaction Cached over a
// per-block Cached over a Memory, each committing into the one below.
//
// Deploying needs the address a contract gets, [ContractAddress], which is
// cairo-lang's calculate_contract_address_from_hash; [ShortString] encodes
// Cairo short-string literals such as its 'STARKNET_CONTRACT_ADDRESS' prefix.
package state
