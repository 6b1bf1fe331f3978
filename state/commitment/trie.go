package commitment

import (
	"cmp"
	"slices"

	"github.com/cairn-vm/cairn/asm"
)

// Height is the height of Starknet's tries: keys are 251-bit integers.
const Height = 251

// Update sets the leaf at Key to Value; a zero Value deletes the leaf (a
// trie does not distinguish a zero leaf from an absent one).
type Update struct {
	Key, Value asm.Felt
}

// Trie is a binary Merkle-Patricia trie as Starknet defines it: a root hash
// over nodes in a [NodeStore], a hash function and a height. The empty trie
// has root 0.
//
// A Trie is a handle on one root. [Trie.Update] moves it to a new root and
// leaves the old nodes in the store, so a Trie opened on an earlier root
// ([OpenTrie]) still reads the earlier contents. A Trie is not safe for
// concurrent updates; concurrent reads are fine.
type Trie struct {
	store  NodeStore
	hash   HashFunc
	height int
	root   asm.Felt
}

// NewTrie returns an empty trie of height 251 over store.
func NewTrie(store NodeStore, hash HashFunc) *Trie {
	return &Trie{store: store, hash: hash, height: Height}
}

// OpenTrie returns the trie of the given height whose root is root, with
// its nodes in store. Nothing is read until it is used, so a root the store
// lacks shows up as a *MissingNodeError then. The height must be between 1
// and 251 (*HeightError otherwise); heights other than 251 exist for tests
// and for tries Starknet builds elsewhere (block commitments use 64).
func OpenTrie(store NodeStore, hash HashFunc, height int, root asm.Felt) (*Trie, error) {
	if height < 1 || height > Height {
		return nil, &HeightError{Height: height}
	}
	return &Trie{store: store, hash: hash, height: height, root: root}, nil
}

// Root returns the trie's root hash (0 when empty).
func (t *Trie) Root() asm.Felt { return t.root }

// Height returns the trie's height.
func (t *Trie) Height() int { return t.height }

// checkKey returns key's bits, or a *KeyError when key >= 2^height.
func (t *Trie) checkKey(key *asm.Felt) (path, error) {
	k := pathOf(key)
	if k.bitLen() > t.height {
		return path{}, &KeyError{Key: *key, Height: t.height}
	}
	return k, nil
}

// Get returns the leaf at key (0 when absent).
func (t *Trie) Get(key asm.Felt) (asm.Felt, error) {
	k, err := t.checkKey(&key)
	if err != nil {
		return asm.Felt{}, err
	}
	h := t.root
	for d := 0; ; {
		if h.IsZero() || d == t.height {
			return h, nil
		}
		n, err := t.load(h, d)
		if err != nil {
			return asm.Felt{}, err
		}
		if n.IsEdge() {
			l := int(n.Length)
			if k.shr(t.height-d-l).low(l) != pathOf(&n.B) {
				return asm.Felt{}, nil
			}
			h, d = n.A, d+l
			continue
		}
		if k.bit(t.height-1-d) == 0 {
			h = n.A
		} else {
			h = n.B
		}
		d++
	}
}

// load reads the node filed under h, reached at depth d, and checks that it
// can be there.
func (t *Trie) load(h asm.Felt, d int) (Node, error) {
	n, ok, err := t.store.Node(h)
	if err != nil {
		return Node{}, err
	}
	if !ok {
		return Node{}, &MissingNodeError{Hash: h}
	}
	if n.IsEdge() {
		l := int(n.Length)
		if d+l > t.height || pathOf(&n.B).bitLen() > l {
			return Node{}, &CorruptNodeError{Hash: h, Depth: d}
		}
	}
	return n, nil
}

// entry is an update with its key as bits. Its value is either known, or
// (p set) the hash of a pending node, which is never 0.
type entry struct {
	key   path
	value asm.Felt
	p     *pending
	seq   int32 // the update's place in its batch
}

// zero reports whether e deletes its key.
func (e *entry) zero() bool { return e.p == nil && e.value.IsZero() }

// Update applies a batch of updates and returns the new root. Only the
// paths to updated keys are rebuilt and rehashed, each node once per batch
// however many of the batch's keys lie under it. When a key appears more
// than once the last update wins. A key of 2^height or more fails the whole
// batch with a *KeyError before anything is written; the trie then keeps
// its root. A store error also leaves the root unchanged (nodes already
// written stay in the store, unreferenced).
func (t *Trie) Update(batch []Update) (asm.Felt, error) {
	if len(batch) == 0 {
		return t.root, nil
	}
	h := newHasher(t.hash)
	root, p, err := t.stage(batch, h)
	if err != nil {
		return t.root, err
	}
	if p != nil {
		if err := hashAll(t.store, h); err != nil {
			return t.root, err
		}
		root = p.hash
	}
	t.root = root
	return root, nil
}

// stage works out the trie that batch makes, without hashing: the new
// nodes are pending in h, and the new root is returned either as a hash
// (when no node is new) or as the pending node that will have it. The trie
// itself is not changed; hashAll and setting the root complete the update.
func (t *Trie) stage(batch []Update, h *hasher) (asm.Felt, *pending, error) {
	es := make([]entry, len(batch))
	for i := range batch {
		k, err := t.checkKey(&batch[i].Key)
		if err != nil {
			return asm.Felt{}, nil, err
		}
		es[i] = entry{key: k, value: batch[i].Value, seq: int32(i)}
	}
	return t.stageEntries(es, h)
}

// stageEntries is stage on entries with checked keys and seq set; it
// reorders es.
func (t *Trie) stageEntries(es []entry, h *hasher) (asm.Felt, *pending, error) {
	// Sorted keys let every subtree's updates be one contiguous run, split
	// at each binary node by a binary search. Equal keys stay in batch
	// order (seq), so that the last one can win.
	slices.SortFunc(es, func(a, b entry) int {
		if c := a.key.cmp(b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	out := es[:0]
	for i := range es {
		if len(out) > 0 && out[len(out)-1].key == es[i].key {
			out[len(out)-1] = es[i]
			continue
		}
		out = append(out, es[i])
	}

	u := newUpdater(t, h)
	s, err := u.update(0, ref(t.root), out)
	if err != nil {
		return asm.Felt{}, nil, err
	}
	root, p := u.hashOf(&s)
	return root, p, nil
}

// splitAt returns the index of the first entry whose bit i is 1; entries
// share their bits above i and are sorted, so those with 0 come first.
func splitAt(es []entry, i int) int {
	n, _ := slices.BinarySearchFunc(es, 1, func(e entry, _ int) int { return cmp.Compare(int(e.key.bit(i)), 1) })
	return n
}
