// Package store persists the Starknet state for the sequencer in Pebble:
// the flat state of the last committed block, the diff and state root of
// every block, and the nodes of the commitment tries.
//
// # Flat state
//
// A [DB] is a [state.Reader] of the head block: storage, nonces, the class
// hash of each contract, the compiled class hash of each class, and the
// classes themselves, stored as their CASM JSON and parsed (once, then
// cached) when first asked for. Flat means one key per entry holding its
// latest value, so a read is one lookup whatever the history; older states
// are not kept as such, but every block's diff is, and [DB.Snapshot] gives
// a consistent view of one block while later ones commit.
//
// # Blocks
//
// [DB.CommitBlock] writes a block in one Pebble batch committed with sync:
// the flat values its diff changes, the declared classes' JSON, the diff
// itself ([MarshalDiff]'s compact encoding), the header (the state root),
// the head pointer, and the trie nodes computed for it. A block is
// therefore on disk entirely or not at all, whenever the process dies, and
// the head pointer never names a block that is not all there. Blocks are
// numbered from 0 and committed in order: a number other than head+1 is
// refused.
//
// # Tries
//
// [Nodes] is the [commitment.NodeStore] of the DB. A commitment.State over
// it computes a block's root; its new nodes wait in memory and are written
// by the block's CommitBlock, in the same batch:
//
//	cs := commitment.NewState(db.Nodes(), db.Nodes())
//	root, err := cs.Apply(diff)
//	err = db.CommitBlock(n, diff, classJSON, root)
//
// # Errors
//
// Every failure of this package's own making is typed and matches a
// sentinel: [ErrCorrupt] (a value this package cannot have written),
// [ErrFormat] (not a store of this format), [ErrBlockOrder], [ErrNoBlock],
// [ErrInvalidClass], [ErrClosed]. Pebble's own errors are wrapped.
package store
