package state_test

import (
	"fmt"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/state"
)

// A transaction's calls share one Cached: a checkpoint before each call, a
// revert when the call fails. The failed call's write disappears, the
// earlier call's write stays, and nothing reaches the parent until Commit.
func Example() {
	base := state.NewMemory()
	counter, key := asm.FeltFromUint64(0x1234), asm.FeltFromUint64(7)
	_ = base.SetStorage(counter, key, asm.FeltFromUint64(1))

	tx := state.NewCached(base)

	// The first call succeeds: counter = 2.
	cp := tx.Checkpoint()
	_ = tx.SetStorage(counter, key, asm.FeltFromUint64(2))
	_ = tx.Release(cp)

	// The second call writes 3 and a second key, then fails.
	cp = tx.Checkpoint()
	_ = tx.SetStorage(counter, key, asm.FeltFromUint64(3))
	_ = tx.SetStorage(counter, asm.FeltFromUint64(8), asm.FeltFromUint64(1))
	_ = tx.RevertTo(cp)

	v, _ := tx.Storage(counter, key)
	before, _ := base.Storage(counter, key)
	fmt.Println("in the transaction:", v.String(), "in the parent:", before.String())

	d := tx.Diff()
	for _, s := range d.StorageDiffs {
		for _, e := range s.StorageEntries {
			fmt.Println("diff:", s.Address.Hex(), e.Key.Hex(), "=", e.Value.Hex())
		}
	}
	if err := tx.Commit(); err != nil {
		fmt.Println(err)
	}
	after, _ := base.Storage(counter, key)
	fmt.Println("after commit:", after.String())
	// Output:
	// in the transaction: 2 in the parent: 1
	// diff: 0x1234 0x7 = 0x2
	// after commit: 2
}

// The address deploy_syscall gives a contract: here the erc20 of the
// corpus's scenarios, deployed with salt 0 from address 0.
func ExampleContractAddress() {
	classHash, _ := asm.FeltFromString("0x884514363ea97dace7bd156b86f28a0d44c89b62db9cce312f2ec5c8e8ef0a")
	name, _ := state.ShortString("NAME")
	symbol, _ := state.ShortString("SYM")
	calldata := []asm.Felt{name, symbol, asm.FeltFromUint64(18), asm.FeltFromUint64(1000), {}, asm.FeltFromUint64(0x111)}
	addr := state.ContractAddress(asm.Felt{}, classHash, calldata, asm.Felt{})
	fmt.Println(addr.Hex())
	// Output:
	// 0x5869412fcb0d56f39f091f762147de5f210ae84d2cc9e21f62d4f32c45de070
}
