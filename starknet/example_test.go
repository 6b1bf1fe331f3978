package starknet_test

import (
	"fmt"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/starknet"
	"github.com/cairn-vm/cairn/state"
)

// A contract is declared and deployed on a fresh state, then called: a
// successful call keeps its writes, a reverted one does not.
func Example() {
	cl, err := starknet.LoadCounter() // a small test contract (counter_internal_test.go)
	if err != nil {
		fmt.Println(err)
		return
	}
	st := state.NewCached(state.NewMemory())
	hash := cl.CompiledClassHash()
	if err := st.DeclareClass(hash, hash, cl); err != nil {
		fmt.Println(err)
		return
	}
	initial := []asm.Felt{asm.FeltFromUint64(5)}
	addr := state.ContractAddress(asm.Felt{}, hash, initial, asm.Felt{})
	block := starknet.BlockInfo{Number: 1000, Timestamp: 1700000000}

	ex := starknet.NewExecutor(st, block, starknet.TxInfo{})
	if _, err := ex.Deploy(addr, hash, initial, asm.Felt{}); err != nil {
		fmt.Println(err)
		return
	}
	call := func(name string, calldata ...uint64) {
		c := starknet.Call{ContractAddress: addr, Selector: class.Selector(name), Caller: asm.FeltFromUint64(0x111),
			InitialGas: starknet.DefaultInitialGas}
		for _, v := range calldata {
			c.Calldata = append(c.Calldata, asm.FeltFromUint64(v))
		}
		info, err := starknet.NewExecutor(st, block, starknet.TxInfo{}).Execute(c)
		switch {
		case err != nil:
			fmt.Println(name, "error:", err)
		case info.Failed:
			fmt.Println(name, "reverted:", starknet.RevertReason(info.Retdata))
		default:
			fmt.Println(name, "returned", info.Retdata, "in", info.Resources.Steps, "steps")
		}
	}
	call("increment", 3)
	call("fail")
	call("increment", 0)
	// Output:
	// increment returned [8] in 28 steps
	// fail reverted: 0x626f6f6d ('boom')
	// increment returned [8] in 28 steps
}
