package commitment

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/cairn-vm/cairn/asm"
)

// A batch update works on subtrees in the form Starknet's documentation
// defines them, the triplet (length, path, bottom): an edge of length bits
// over path down to bottom, where bottom is a binary node's hash or a leaf
// value, and length 0 for a subtree that is that binary node or leaf
// itself. Edges are only hashed (and stored) once they end up under a
// binary node or at the root, so an edge that shrinks or grows several
// times during a batch costs one hash.
//
// The update itself computes no hash: the nodes it makes are [pending]
// nodes of a [hasher], which hashes them afterwards level by level, every
// node of a level in one batch (see hasher.go).

type subKind uint8

const (
	subEmpty  subKind = iota
	subRef            // only the hash is known (in bottom): not read from the store yet
	subLeaf           // a leaf value, in bottom
	subBinary         // a binary node whose hash is bottom
	subEdge           // (length, path, bottom)
)

type sub struct {
	kind   subKind
	length int
	path   path
	bottom asm.Felt
	// p, when set, is the pending node (made by this batch, not hashed
	// yet) whose hash bottom stands for: a binary node, or a leaf whose
	// value is itself still to be hashed
	p *pending
	// children of a subBinary read from the store (not kept for binary
	// nodes made by the batch: the batch never visits those again)
	left, right asm.Felt
}

func ref(h asm.Felt) sub {
	if h.IsZero() {
		return sub{}
	}
	return sub{kind: subRef, bottom: h}
}

// same reports whether a and b are the same resolved subtree.
func same(a, b *sub) bool {
	return a.kind == b.kind && a.length == b.length && a.path == b.path && a.bottom == b.bottom && a.p == b.p
}

type updater struct {
	t *Trie
	h *hasher
	// spare is how many more goroutines the batch may start; see pair.
	spare *atomic.Int32
}

func newUpdater(t *Trie, h *hasher) *updater {
	u := &updater{t: t, h: h, spare: new(atomic.Int32)}
	u.spare.Store(int32(runtime.GOMAXPROCS(0) - 1))
	return u
}

// parallelMin is the number of updates on each side of a binary node from
// which the two sides are worth a goroutine: walking down to a leaf costs
// a few store reads, and a goroutine about as much as a few such walks.
const parallelMin = 64

// task is the computation of one child of a binary node: update the
// subtree s at depth d by es, or (build) make a new subtree of es.
type task struct {
	build bool
	d     int
	s     sub
	es    []entry
}

func (u *updater) run(t *task) (sub, error) {
	if t.build {
		return u.build(t.d, t.es)
	}
	return u.update(t.d, t.s, t.es)
}

// pair computes the two children of a binary node, on two goroutines when
// both have enough updates and the batch has a spare goroutine (the store
// is safe for concurrent use); the second goroutine's nodes go to a hasher
// of its own, forked from u's. Tasks are values rather than closures so
// that the sequential case, nearly every node, allocates nothing.
func (u *updater) pair(a, b task) (left, right sub, err error) {
	if min(len(a.es), len(b.es)) >= parallelMin {
		if u.spare.Add(-1) >= 0 {
			ub := &updater{t: u.t, h: u.h.fork(), spare: u.spare}
			var r sub
			var rerr error
			var wg sync.WaitGroup
			wg.Go(func() { r, rerr = ub.run(&b) })
			left, err = u.run(&a)
			wg.Wait()
			u.spare.Add(1)
			if err == nil {
				err = rerr
			}
			return left, r, err
		}
		u.spare.Add(1)
	}
	if left, err = u.run(&a); err != nil {
		return
	}
	right, err = u.run(&b)
	return
}

// resolve turns a subRef at depth d into the subtree it names; other kinds
// are returned as they are.
func (u *updater) resolve(d int, s sub) (sub, error) {
	if s.kind != subRef {
		return s, nil
	}
	if d == u.t.height {
		return sub{kind: subLeaf, bottom: s.bottom}, nil
	}
	n, err := u.t.load(s.bottom, d)
	if err != nil {
		return sub{}, err
	}
	if !n.IsEdge() {
		return sub{kind: subBinary, bottom: s.bottom, left: n.A, right: n.B}, nil
	}
	return sub{kind: subEdge, length: int(n.Length), path: pathOf(&n.B), bottom: n.A}, nil
}

// update applies es (sorted, distinct keys, all under this subtree) to the
// subtree s rooted at depth d and returns the new subtree.
func (u *updater) update(d int, s sub, es []entry) (sub, error) {
	if len(es) == 0 {
		return s, nil
	}
	if s.kind == subRef {
		r, err := u.resolve(d, s)
		if err != nil {
			return sub{}, err
		}
		out, err := u.update(d, r, es)
		if err != nil || !same(&out, &r) {
			return out, err
		}
		return s, nil // unchanged: keep the hash instead of the resolved form
	}
	if d == u.t.height { // a leaf's place: es is the one update of this key
		if es[0].zero() {
			return sub{}, nil
		}
		return sub{kind: subLeaf, bottom: es[0].value, p: es[0].p}, nil
	}
	switch s.kind {
	case subEdge:
		return u.updateEdge(d, s, es)
	case subBinary:
		i := splitAt(es, u.t.height-1-d)
		left, right, err := u.pair(task{d: d + 1, s: ref(s.left), es: es[:i]}, task{d: d + 1, s: ref(s.right), es: es[i:]})
		if err != nil {
			return sub{}, err
		}
		if left.kind == subRef && left.bottom == s.left && right.kind == subRef && right.bottom == s.right {
			return s, nil // both children unchanged
		}
		return u.combine(d+1, left, right)
	default: // subEmpty (a subLeaf only occurs at the leaves' depth)
		return u.build(d, es)
	}
}

// updateEdge applies es to the edge s at depth d.
func (u *updater) updateEdge(d int, s sub, es []entry) (sub, error) {
	rem, l := u.t.height-d, s.length
	// How far the updates follow the edge: the keys sharing a prefix with
	// the path form a run of the sorted keys, so the first and the last
	// key bound all of them.
	m := l
	for _, e := range [2]*entry{&es[0], &es[len(es)-1]} {
		m = min(m, commonPrefix(e.key.shr(rem-l), s.path, l))
	}
	if m == l { // every update lies below the edge's bottom
		out, err := u.update(d+l, ref(s.bottom), es)
		if err != nil {
			return sub{}, err
		}
		return u.prepend(s.path, l, d+l, out)
	}
	// The updates leave the edge after m bits: a binary node goes there,
	// with the rest of the edge on one side and new leaves on the other.
	rest := sub{kind: subEdge, length: l - m - 1, path: s.path.low(l - m - 1), bottom: s.bottom}
	if rest.length == 0 {
		rest = ref(s.bottom)
	}
	i := splitAt(es, rem-1-m)
	ta, tb := task{d: d + m + 1, s: rest, es: es[:i]}, task{d: d + m + 1, build: true, es: es[i:]}
	if s.path.bit(l-1-m) == 1 { // the rest of the edge goes right
		ta, tb = task{d: d + m + 1, build: true, es: es[:i]}, task{d: d + m + 1, s: rest, es: es[i:]}
	}
	left, right, err := u.pair(ta, tb)
	if err != nil {
		return sub{}, err
	}
	b, err := u.combine(d+m+1, left, right)
	if err != nil {
		return sub{}, err
	}
	return u.prepend(s.path.shr(l-m), m, d+m, b)
}

// build returns the subtree at depth d holding the nonzero values of es.
func (u *updater) build(d int, es []entry) (sub, error) {
	for len(es) > 0 && es[0].zero() { // deleting what is not there
		es = es[1:]
	}
	for len(es) > 0 && es[len(es)-1].zero() {
		es = es[:len(es)-1]
	}
	rem := u.t.height - d
	switch {
	case len(es) == 0:
		return sub{}, nil
	case len(es) == 1 && rem == 0:
		return sub{kind: subLeaf, bottom: es[0].value, p: es[0].p}, nil
	case len(es) == 1:
		return sub{kind: subEdge, length: rem, path: es[0].key.low(rem), bottom: es[0].value, p: es[0].p}, nil
	}
	// Keys are distinct, so they part somewhere above the leaves: skip the
	// levels they share and put a binary node where they part.
	c := commonPrefix(es[0].key, es[len(es)-1].key, rem)
	i := splitAt(es, rem-1-c)
	left, right, err := u.pair(task{d: d + c + 1, build: true, es: es[:i]}, task{d: d + c + 1, build: true, es: es[i:]})
	if err != nil {
		return sub{}, err
	}
	b, err := u.combine(d+c+1, left, right)
	if err != nil {
		return sub{}, err
	}
	return u.prepend(es[0].key.shr(rem-c).low(c), c, d+c, b)
}

// combine returns the subtree whose children (at depth cd) are left and
// right: the parent rule of Starknet's documentation. An empty child turns
// the parent into an edge one bit longer than the other child.
func (u *updater) combine(cd int, left, right sub) (sub, error) {
	switch {
	case left.kind == subEmpty && right.kind == subEmpty:
		return sub{}, nil
	case left.kind == subEmpty:
		return u.prepend(path{1}, 1, cd, right)
	case right.kind == subEmpty:
		return u.prepend(path{}, 1, cd, left)
	}
	hl, pl := u.hashOf(&left)
	hr, pr := u.hashOf(&right)
	return sub{kind: subBinary, p: u.h.node(BinaryNode(hl, hr), pl, pr)}, nil
}

// prepend returns the subtree reached from m bits (p) above s, where s is
// at depth sd: an edge, merged with s when s is itself an edge.
func (u *updater) prepend(p path, m, sd int, s sub) (sub, error) {
	s, err := u.resolve(sd, s)
	if err != nil || s.kind == subEmpty || m == 0 {
		return s, err
	}
	if s.kind != subEdge {
		return sub{kind: subEdge, length: m, path: p, bottom: s.bottom, p: s.p}, nil
	}
	return sub{kind: subEdge, length: m + s.length, path: p.shl(s.length).or(s.path), bottom: s.bottom, p: s.p}, nil
}

// hashOf returns the hash of s: a known hash, or the pending node that
// will have it. An edge becomes a pending node here, once it is final.
func (u *updater) hashOf(s *sub) (asm.Felt, *pending) {
	if s.kind != subEdge {
		return s.bottom, s.p // zero for subEmpty
	}
	return asm.Felt{}, u.h.node(EdgeNode(s.bottom, s.path.felt(), uint8(s.length)), s.p, nil)
}
