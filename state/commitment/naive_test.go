package commitment

import (
	"math/big"
	"slices"

	"github.com/cairn-vm/cairn/asm"
)

// The naive root is a direct transcription of the recursive definition in
// Starknet's documentation ("Merkle-Patricia tree", Specifications): every
// node is a triplet (length, path, bottom), a leaf x is (0, 0, x), and
// parent(left, right) is
//
//	(0,0,0)                      if both are (0,0,0)
//	(lL+1, pL, bL)               if only right is (0,0,0)
//	(lR+1, pR + 2^lR, bR)        if only left is (0,0,0)
//	(0, 0, h(H(left), H(right))) otherwise
//
// with H(length, path, bottom) = bottom if length = 0, else
// h(bottom, path) + length. It walks every one of the height levels, keeps
// paths as big integers and shares no code with the trie.

type triplet struct {
	length int
	path   *big.Int
	bottom asm.Felt
}

func (t triplet) zero() bool { return t.length == 0 && t.bottom.IsZero() }

func (t triplet) hash(h HashFunc) asm.Felt {
	if t.length == 0 {
		return t.bottom
	}
	p := asm.FeltFromBig(t.path)
	r := h(&t.bottom, &p)
	l := asm.FeltFromUint64(uint64(t.length))
	r.Add(&r, &l)
	return r
}

type naiveLeaf struct {
	key   *big.Int
	value asm.Felt
}

// naiveRoot returns the root of the trie holding leaves (zero values are
// absent leaves).
func naiveRoot(h HashFunc, height int, leaves map[asm.Felt]asm.Felt) asm.Felt {
	var ls []naiveLeaf
	for k, v := range leaves {
		if !v.IsZero() {
			ls = append(ls, naiveLeaf{k.BigInt(), v})
		}
	}
	slices.SortFunc(ls, func(a, b naiveLeaf) int { return a.key.Cmp(b.key) })
	return naiveNode(h, height, 0, ls).hash(h)
}

func naiveNode(h HashFunc, height, depth int, ls []naiveLeaf) triplet {
	if len(ls) == 0 {
		return triplet{path: new(big.Int)}
	}
	if depth == height {
		return triplet{path: new(big.Int), bottom: ls[0].value}
	}
	bit := height - 1 - depth
	i := 0
	for i < len(ls) && ls[i].key.Bit(bit) == 0 {
		i++
	}
	left := naiveNode(h, height, depth+1, ls[:i])
	right := naiveNode(h, height, depth+1, ls[i:])
	switch {
	case left.zero() && right.zero():
		return left
	case right.zero():
		return triplet{left.length + 1, left.path, left.bottom}
	case left.zero():
		p := new(big.Int).Lsh(big.NewInt(1), uint(right.length))
		return triplet{right.length + 1, p.Add(p, right.path), right.bottom}
	}
	hl, hr := left.hash(h), right.hash(h)
	return triplet{path: new(big.Int), bottom: h(&hl, &hr)}
}

// naiveStateRoot is the state commitment of a whole state, from scratch:
// storage roots by naiveRoot, contract leaves by the documented formula
// h(h(h(class_hash, storage_root), nonce), 0), classes'
// Poseidon('CONTRACT_CLASS_LEAF_V0', compiled), and the global root rule.
// It does not use ContractStateHash, ClassLeaf or GlobalRoot.
type naiveContract struct {
	classHash, nonce asm.Felt
	storage          map[asm.Felt]asm.Felt
}

func naiveStateRoot(contracts map[asm.Felt]*naiveContract, compiled map[asm.Felt]asm.Felt) asm.Felt {
	leaves := make(map[asm.Felt]asm.Felt)
	zero := asm.Felt{}
	for addr, c := range contracts {
		root := naiveRoot(Pedersen, 251, c.storage)
		if c.classHash.IsZero() && c.nonce.IsZero() && root.IsZero() {
			continue
		}
		v := asm.Pedersen(&c.classHash, &root)
		v = asm.Pedersen(&v, &c.nonce)
		leaves[addr] = asm.Pedersen(&v, &zero)
	}
	prefix := asm.FeltFromBytesBE([]byte("CONTRACT_CLASS_LEAF_V0"))
	classLeaves := make(map[asm.Felt]asm.Felt)
	for ch, cc := range compiled {
		if !cc.IsZero() {
			classLeaves[ch] = asm.PoseidonHash(prefix, cc)
		}
	}
	cr := naiveRoot(Pedersen, 251, leaves)
	kr := naiveRoot(Poseidon, 251, classLeaves)
	if kr.IsZero() {
		return cr
	}
	return asm.PoseidonHashMany([]asm.Felt{asm.FeltFromBytesBE([]byte("STARKNET_STATE_V0")), cr, kr})
}
