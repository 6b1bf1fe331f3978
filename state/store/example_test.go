package store_test

import (
	"errors"
	"fmt"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/state"
	"github.com/cairn-vm/cairn/state/commitment"
	"github.com/cairn-vm/cairn/state/store"
)

// A block's diff: its state root computed over the store's trie nodes,
// then the flat values, the diff, the root and the nodes committed in one
// batch. The DB then reads as the state of the head block.
func Example() {
	db, err := store.OpenMem() // store.Open(dir) on disk
	if err != nil {
		panic(err)
	}
	defer db.Close()

	token, balance := asm.FeltFromUint64(0x1234), asm.FeltFromUint64(7)
	diff := &state.Diff{
		StorageDiffs: []state.ContractStorageDiff{{Address: token,
			StorageEntries: []state.StorageEntry{{Key: balance, Value: asm.FeltFromUint64(100)}}}},
		DeployedContracts: []state.DeployedContract{{Address: token, ClassHash: asm.FeltFromUint64(0xc1a55)}},
	}
	cs := commitment.NewState(db.Nodes(), db.Nodes())
	root, err := cs.Apply(diff)
	if err != nil {
		panic(err)
	}
	if err := db.CommitBlock(0, diff, nil, root); err != nil {
		panic(err)
	}

	head, _ := db.Head()
	v, _ := db.Storage(token, balance)
	stored, _ := db.Root(head)
	fmt.Println("head", head, "balance", v, "root stored:", stored == root)

	// Blocks go in order: block 5 cannot follow block 0.
	err = db.CommitBlock(5, &state.Diff{}, nil, asm.Felt{})
	fmt.Println(errors.Is(err, store.ErrBlockOrder), err)
	// Output:
	// head 0 balance 100 root stored: true
	// true store: block 5 out of order: head is 0, the next block is 1
}
