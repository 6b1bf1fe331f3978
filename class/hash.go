package class

import "github.com/cairn-vm/cairn/asm"

// compiledClassVersion is COMPILED_CLASS_VERSION, the short string
// "COMPILED_CLASS_V1" as a felt.
var compiledClassVersion = asm.FeltFromBytesBE([]byte("COMPILED_CLASS_V1"))

// CompiledClassHash returns the class's compiled class hash as Starknet
// v0.14.0 defines it (cairo-lang's compute_compiled_class_hash; the
// Poseidon-based one, which later versions call the legacy hash):
//
//	poseidon_hash_many([
//	    "COMPILED_CLASS_V1",
//	    entry_points_hash(EXTERNAL),
//	    entry_points_hash(L1_HANDLER),
//	    entry_points_hash(CONSTRUCTOR),
//	    bytecode_hash,
//	])
//
// where entry_points_hash hashes (selector, offset,
// poseidon_hash_many(builtin names as short strings)) for each entry point,
// and bytecode_hash follows bytecode_segment_lengths (see BytecodeHash).
// It is computed on the first call and cached; do not modify the class
// after that.
func (c *Class) CompiledClassHash() asm.Felt {
	c.hashOnce.Do(func() {
		c.hash = asm.PoseidonHashMany([]asm.Felt{
			compiledClassVersion,
			entryPointsHash(c.External),
			entryPointsHash(c.L1Handler),
			entryPointsHash(c.Constructor),
			c.BytecodeHash(),
		})
	})
	return c.hash
}

func entryPointsHash(eps []EntryPoint) asm.Felt {
	elems := make([]asm.Felt, 0, 3*len(eps))
	for _, ep := range eps {
		names := make([]asm.Felt, len(ep.Builtins))
		for i, b := range ep.Builtins {
			names[i] = asm.FeltFromBytesBE([]byte(b))
		}
		elems = append(elems, ep.Selector, asm.FeltFromUint64(uint64(ep.Offset)), asm.PoseidonHashMany(names))
	}
	return asm.PoseidonHashMany(elems)
}

// BytecodeHash returns the hash of the bytecode that the compiled class hash
// commits to (cairo-lang's BytecodeSegmentStructure.hash): a leaf hashes
// its words with poseidon_hash_many; a node is
// 1 + poseidon_hash_many(len_0, hash_0, len_1, hash_1, ...) over its
// children. Without bytecode_segment_lengths the whole bytecode is one
// leaf. This lets the Starknet OS load only the segments a run visits.
func (c *Class) BytecodeHash() asm.Felt {
	if c.Segments == nil {
		return asm.PoseidonHashMany(c.Bytecode)
	}
	h, _ := segmentHash(c.Segments, c.Bytecode)
	return h
}

// segmentHash hashes s over the start of code and returns the words it
// used. It clamps to code, so a hand-built Segments that does not match the
// bytecode gives a wrong hash rather than a panic (Parse checks they match).
func segmentHash(s *BytecodeSegment, code []asm.Felt) (asm.Felt, int) {
	if s.Leaf {
		n := min(max(s.Len, 0), len(code))
		return asm.PoseidonHashMany(code[:n]), n
	}
	elems := make([]asm.Felt, 0, 2*len(s.Children))
	used := 0
	for i := range s.Children {
		h, n := segmentHash(&s.Children[i], code[used:])
		used += n
		elems = append(elems, asm.FeltFromUint64(uint64(n)), h)
	}
	h := asm.PoseidonHashMany(elems)
	one := asm.One()
	h.Add(&h, &one)
	return h, used
}
