package commitment

import (
	"github.com/cairn-vm/cairn/asm"
)

// rootsRecord is what Apply files under a global root that is not the
// contract trie's root itself: the two roots it was made from. It is not a
// trie node (its key is Poseidon('STARKNET_STATE_V0', A, B), not a hash
// of the pair), but it has a node's encoding, so that any NodeStore keeps
// it, and it is checked by recomputing that key when read.
func rootsRecord(contractsRoot, classesRoot asm.Felt) Node {
	return BinaryNode(contractsRoot, classesRoot)
}

// OpenState returns the State whose root ([State.Root]) is root, over node
// stores that an earlier State's Apply (over the same stores, or stores
// that kept what it put) filled: nodes for the storage and contract tries,
// classNodes for the class trie, as NewState takes them. The empty root 0
// gives the empty state.
//
// Opening reads a few dozen nodes at most, whatever the size of the
// state: the roots of the two tries come from the record Apply files under
// each global root with a class trie (without one, the global root is the
// contract trie's root), and a contract's class hash, storage root and
// nonce are read from its leaf's hash chain in the store when a diff, or
// Contract or Storage, first names it. From then on the State is like the
// one that computed root: the same Apply gives the same new root.
//
// A root that is neither a record nor a node in nodes fails with a
// *MissingNodeError, and so does a store without the preimage of the
// contract trie's first leaf, which OpenState reads to check that the
// store has them (stores written before Apply filed them do not): such a
// state can only be rebuilt by replaying its diffs. A contract whose
// preimage is missing all the same fails when it is read.
func OpenState(nodes, classNodes NodeStore, root asm.Felt) (*State, error) {
	s := NewState(nodes, classNodes)
	if root.IsZero() {
		return s, nil
	}
	s.complete = false
	n, ok, err := classNodes.Node(root)
	if err != nil {
		return nil, err
	}
	if ok && !n.IsEdge() && !n.B.IsZero() && GlobalRoot(n.A, n.B) == root {
		s.contracts.root, s.classes.root = n.A, n.B
	} else {
		s.contracts.root = root
	}
	if err := s.checkPreimages(); err != nil {
		return nil, err
	}
	return s, nil
}

// checkPreimages reads the preimage of the contract trie's first leaf (the
// one reached by going left wherever possible); the empty trie passes.
func (s *State) checkPreimages() error {
	t := &s.contracts
	h, d := t.root, 0
	for !h.IsZero() && d < t.height {
		n, err := t.load(h, d)
		if err != nil {
			return err
		}
		h = n.A
		if n.IsEdge() {
			d += int(n.Length)
		} else {
			d++
		}
	}
	if h.IsZero() {
		return nil
	}
	_, _, err := s.readChain(h)
	return err
}
