package commitment

import (
	"errors"

	"github.com/cairn-vm/cairn/asm"
)

// Node is an inner node of a trie, as a store keeps it. Leaves are not
// nodes: a leaf's value is the child hash held by the node above it.
//
// A binary node has Length 0; A and B are the hashes of its left (bit 0)
// and right (bit 1) children, and its hash is h(A, B).
//
// An edge node has Length 1 to 251; A is the hash of the node (or leaf) it
// leads to, B is its path: Length bits, the first step in the most
// significant one, 0 for left and 1 for right. Its hash is h(A, B) + Length.
// An edge never leads to another edge, so every subtree has exactly one
// shape and one hash.
//
// Two felts and a byte make a node easy to serialise; see [Node.MarshalBinary].
type Node struct {
	Length uint8
	A, B   asm.Felt
}

// BinaryNode returns the binary node with the given children's hashes.
func BinaryNode(left, right asm.Felt) Node { return Node{A: left, B: right} }

// EdgeNode returns the edge node that follows path (length bits) to child.
func EdgeNode(child, path asm.Felt, length uint8) Node {
	return Node{Length: length, A: child, B: path}
}

// IsEdge reports whether n is an edge node.
func (n Node) IsEdge() bool { return n.Length != 0 }

// Hash returns the node's hash under h: the key a store files it under.
func (n Node) Hash(h HashFunc) asm.Felt {
	r := h(&n.A, &n.B)
	if n.Length != 0 {
		l := asm.FeltFromUint64(uint64(n.Length))
		r.Add(&r, &l)
	}
	return r
}

// nodeSize is the length of a serialised node: the length byte, then A and
// B as 32-byte big-endian integers.
const nodeSize = 1 + 32 + 32

// MarshalBinary encodes n in 65 bytes: Length, then A and B big-endian.
func (n Node) MarshalBinary() ([]byte, error) {
	b := make([]byte, nodeSize)
	b[0] = n.Length
	a, c := n.A.BytesBE(), n.B.BytesBE()
	copy(b[1:33], a[:])
	copy(b[33:], c[:])
	return b, nil
}

// ErrNodeEncoding is returned by [Node.UnmarshalBinary] for bytes that are
// not a node's encoding.
var ErrNodeEncoding = errors.New("commitment: malformed node encoding")

// UnmarshalBinary decodes what MarshalBinary wrote. It rejects a wrong
// length, a length byte above 251, and integers that are not below P.
func (n *Node) UnmarshalBinary(b []byte) error {
	if len(b) != nodeSize || b[0] > Height {
		return ErrNodeEncoding
	}
	a, err := feltFromCanonical(b[1:33])
	if err != nil {
		return err
	}
	c, err := feltFromCanonical(b[33:])
	if err != nil {
		return err
	}
	*n = Node{Length: b[0], A: a, B: c}
	return nil
}

// feltFromCanonical reads a 32-byte big-endian integer that must be below P
// (SetBytesBE would silently reduce it, and a reduced hash is another node).
func feltFromCanonical(b []byte) (asm.Felt, error) {
	f := asm.FeltFromBytesBE(b)
	if back := f.BytesBE(); string(back[:]) != string(b) {
		return asm.Felt{}, ErrNodeEncoding
	}
	return f, nil
}
