package runtime_test

import (
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/assembler"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/runtime"
)

// echoClass is a contract class written by hand in Cairo assembly, in the
// CASM JSON that starknet-sierra-compile writes. Its two external entry
// points take the Cairo 1 entry-point arguments (gas, syscall pointer,
// calldata start and end, the last four cells below fp) and return gas,
// syscall pointer, a failure flag and a span: echo returns its calldata,
// fail panics with it.
func echoClass() []byte {
	body := func(flag int) string {
		return fmt.Sprintf(`[ap] = [fp - 6], ap++
			[ap] = [fp - 5], ap++
			[ap] = %d, ap++
			[ap] = [fp - 4], ap++
			[ap] = [fp - 3], ap++
			ret`, flag)
	}
	echo, _ := assembler.AssembleWords(body(0))
	fail, _ := assembler.AssembleWords(body(1))
	type ep struct {
		Selector string   `json:"selector"`
		Offset   int      `json:"offset"`
		Builtins []string `json:"builtins"`
	}
	eps := []ep{{selectorHex("echo"), 0, []string{}}, {selectorHex("fail"), len(echo), []string{}}}
	slices.SortFunc(eps, func(a, b ep) int { // entry points go by ascending selector
		return mustBig(a.Selector).Cmp(mustBig(b.Selector))
	})
	var code []string
	for _, w := range append(echo, fail...) {
		code = append(code, w.Hex())
	}
	b, _ := json.Marshal(map[string]any{
		"prime":                "0x800000000000011000000000000000000000000000000000000000000000001",
		"compiler_version":     "2.20.0",
		"bytecode":             code,
		"hints":                []any{},
		"entry_points_by_type": map[string][]ep{"EXTERNAL": eps, "L1_HANDLER": {}, "CONSTRUCTOR": {}},
	})
	return b
}

func selectorHex(name string) string {
	s := class.Selector(name)
	return s.Hex()
}

func mustBig(hex string) *big.Int {
	f, _ := asm.FeltFromString(hex)
	return f.BigInt()
}

// Load a class once, then declare it, deploy it and call it on a state in
// memory. A Cairo revert is a result; other failures are typed errors.
func ExampleContracts() {
	cl, err := runtime.ParseClass(echoClass())
	if err != nil {
		fmt.Println(err)
		return
	}
	cs := runtime.NewContracts()
	hash, err := cs.Declare(cl)
	if err != nil {
		fmt.Println(err)
		return
	}
	addr, err := cs.Deploy(hash, nil, asm.Felt{}, asm.Felt{})
	if err != nil {
		fmt.Println(err)
		return
	}
	caller := asm.FeltFromUint64(0x111)
	res, err := cs.Call(addr, "echo", []asm.Felt{asm.FeltFromUint64(1), asm.FeltFromUint64(2)}, caller)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("echo:", hexes(res.Retdata), "steps:", res.Resources.Steps, "gas:", res.GasConsumed)

	boom, _ := asm.FeltFromString("0x626f6f6d") // 'boom'
	res, err = cs.Call(addr, "fail", []asm.Felt{boom}, caller)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("fail: reverted:", res.Failed, res.RevertReason)

	_, err = cs.Call(addr, "missing", nil, caller)
	fmt.Println(strings.SplitN(err.Error(), ":", 2)[0])
	// Output:
	// echo: [0x1 0x2] steps: 6 gas: 10000
	// fail: reverted: true 0x626f6f6d ('boom')
	// StarknetErrorCode.ENTRY_POINT_NOT_FOUND_IN_CONTRACT
}

func hexes(fs []asm.Felt) []string {
	out := make([]string, len(fs))
	for i := range fs {
		out[i] = fs[i].Hex()
	}
	return out
}

// With a class of the corpus: an ERC20 token, deployed with its
// constructor's arguments, and a transfer.
func ExampleLoadClass() {
	cl, err := runtime.LoadClass("../../shared/corpus/casm/erc20__erc_20.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	cs := runtime.NewContracts()
	hash, _ := cs.Declare(cl)
	owner, bob := asm.FeltFromUint64(0x111), asm.FeltFromUint64(0x222)
	name, _ := asm.FeltFromString("0x4e414d45") // 'NAME'
	// constructor(name, symbol, decimals, initial_supply: u256, recipient)
	ctor := []asm.Felt{name, name, asm.FeltFromUint64(18), asm.FeltFromUint64(1000), {}, owner}
	token, err := cs.Deploy(hash, ctor, asm.Felt{}, asm.Felt{})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := cs.Call(token, "transfer", []asm.Felt{bob, asm.FeltFromUint64(250), {}}, owner)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Failed, len(res.Events), res.Resources.Steps)
}
