// Package commitment computes Starknet's state commitment: the binary
// Merkle-Patricia tries of height 251 that commit to contract storage, to
// contracts and to declared classes, and the global state root over them,
// as Starknet's documentation ("Starknet state") and cairo-lang's OS define
// them.
//
// # Tries
//
// A [Trie] maps 251-bit keys to nonzero felts (a zero value is an absent
// leaf; the empty trie's root is 0). Its nodes are binary nodes, hashed
// h(left, right), and edge nodes, which skip a run of single-child levels
// and are hashed h(child, path) + length; the hash function h is a
// parameter ([Pedersen] for the storage and contract tries, [Poseidon] for
// the class trie). [Trie.Update] applies a batch of updates and rehashes
// only the paths from the changed leaves to the root, each node once. It
// first works out the shape of the new trie and only then hashes its new
// nodes, bottom-up, all the nodes that do not depend on one another at
// once: split over the cores and, for Pedersen, hashed together by
// asm.PedersenBatch, which shares its field inversions across the batch.
//
// Nodes live in a [NodeStore] filed under their hash, the way cairo-lang
// keeps its "facts": tries are persistent (an update never modifies a node,
// so every earlier root stays readable with [OpenTrie]) and equal subtrees
// are stored once. [MemoryStore] is the in-memory store; [Node] has a fixed
// 65-byte encoding for a store on disk.
//
// # State commitment
//
// [State] holds a storage trie per contract, the contract trie (leaf:
// [ContractStateHash] of class hash, storage root and nonce) and the class
// trie (leaf: [ClassLeaf] of the compiled class hash). [State.Apply] takes a
// [state.Diff] (a block's storage diffs, nonces, deployed and replaced
// classes, declared classes), updates the storage tries of the contracts it
// names, rebuilds their leaves, updates the two global tries and returns
// the new root, [GlobalRoot]: Poseidon('STARKNET_STATE_V0', contracts_root,
// classes_root), or contracts_root while no class has been declared. The
// storage tries, the leaves and the contract trie are hashed as one batch
// of levels, so that even a contract trie level of a few nodes shares its
// batch with the storage tries' nodes of the same rank.
//
// Apply also files each leaf's preimage (class hash, storage root, nonce)
// as the nodes of its hash chain, and under each global root the two
// tries' roots, so that [OpenState] can take up a State from its root and
// its stores alone, as after a restart, without replaying the blocks.
//
// The tests check the tries against a naive recursive transcription of the
// documentation's definition, and the whole package against state roots
// Starknet published for mainnet and Sepolia blocks.
package commitment
