package commitment_test

import (
	"fmt"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/state"
	"github.com/cairn-vm/cairn/state/commitment"
)

// A storage trie with one leaf, then deleted again. The root of the leaf
// 0x1 -> 0x1 is a vector from pathfinder's merkle-tree tests.
func Example() {
	t := commitment.NewTrie(commitment.NewMemoryStore(), commitment.Pedersen)
	one := asm.One()
	root, err := t.Update([]commitment.Update{{Key: one, Value: one}})
	if err != nil {
		panic(err)
	}
	fmt.Println(root.Hex())

	root, _ = t.Update([]commitment.Update{{Key: one}}) // value 0 deletes
	fmt.Println(root.Hex())
	// Output:
	// 0x2ebbd6878f81e49560ae863bd4ef327a417037bf57b63a016130ad0a94c8fa7
	// 0x0
}

// A block's state diff: a contract deployed with one storage cell, and a
// Sierra class declared, which brings in the class trie and the Poseidon
// global root.
func ExampleState_Apply() {
	s := commitment.NewState(commitment.NewMemoryStore(), commitment.NewMemoryStore())
	addr, class := asm.FeltFromUint64(0x1234), asm.FeltFromUint64(0xc1a55)
	root, err := s.Apply(&state.Diff{
		StorageDiffs: []state.ContractStorageDiff{{Address: addr,
			StorageEntries: []state.StorageEntry{{Key: asm.FeltFromUint64(5), Value: asm.FeltFromUint64(100)}}}},
		DeployedContracts: []state.DeployedContract{{Address: addr, ClassHash: class}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("no classes: root = contract trie root:", root == s.ContractsRoot())

	root, _ = s.Apply(&state.Diff{
		DeclaredClasses: []state.DeclaredClass{{ClassHash: class, CompiledClassHash: asm.FeltFromUint64(0xca5e)}},
	})
	fmt.Println("with a class:", root == commitment.GlobalRoot(s.ContractsRoot(), s.ClassesRoot()))
	v, _ := s.Storage(addr, asm.FeltFromUint64(5))
	fmt.Println("storage[5] =", v)
	// Output:
	// no classes: root = contract trie root: true
	// with a class: true
	// storage[5] = 100
}
