package starknet_test

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/starknet"
	"github.com/cairn-vm/cairn/state"
)

// counterState declares the test contract and deploys it with an initial
// value.
func counterState(t *testing.T, initial uint64) (*state.Cached, asm.Felt) {
	t.Helper()
	cl, err := starknet.LoadCounter()
	if err != nil {
		t.Fatal(err)
	}
	st := state.NewCached(state.NewMemory())
	hash := cl.CompiledClassHash()
	if err := st.DeclareClass(hash, hash, cl); err != nil {
		t.Fatal(err)
	}
	cd := felts(initial)
	addr := state.ContractAddress(asm.Felt{}, hash, cd, asm.Felt{})
	info, err := starknet.NewExecutor(st, starknet.BlockInfo{}, starknet.TxInfo{}).Deploy(addr, hash, cd, asm.Felt{})
	if err != nil || info == nil || info.Failed {
		t.Fatalf("deploy: %v %+v", err, info)
	}
	if info.Resources.Steps != starknet.CounterSteps["constructor"] || info.Call.EntryPointType != class.Constructor {
		t.Errorf("constructor ran %d steps as %v", info.Resources.Steps, info.Call.EntryPointType)
	}
	return st, addr
}

func counterCall(addr asm.Felt, entry string, calldata ...asm.Felt) starknet.Call {
	return starknet.Call{ContractAddress: addr, Selector: class.Selector(entry), Calldata: calldata,
		Caller: asm.FeltFromUint64(0x111), InitialGas: starknet.DefaultInitialGas}
}

func TestExecuteResources(t *testing.T) {
	st, addr := counterState(t, 5)
	ex := starknet.NewExecutor(st, starknet.BlockInfo{}, starknet.TxInfo{})
	info, err := ex.Execute(counterCall(addr, "increment", asm.FeltFromUint64(3)))
	if err != nil {
		t.Fatal(err)
	}
	// No instruction charges gas and storage syscalls cost their base
	// only: the call consumes the entry-point budget.
	if info.Failed || !slices.Equal(info.Retdata, felts(8)) || info.GasConsumed != starknet.EntryPointInitialBudget {
		t.Errorf("increment: failed=%v retdata=%v gas=%d", info.Failed, info.Retdata, info.GasConsumed)
	}
	// The syscall responses' failure flags are the only cells written and
	// never read.
	if r := info.Resources; r.Steps != starknet.CounterSteps["increment"] || r.MemoryHoles != 2 || len(r.Builtins) != 0 {
		t.Errorf("resources %+v", r)
	}
	if !slices.Equal(info.StorageReadValues, felts(5)) || !slices.Equal(info.AccessedStorageKeys, felts(0x1234)) {
		t.Errorf("storage reads %v, keys %v", info.StorageReadValues, info.AccessedStorageKeys)
	}
	if ex.SyscallCounts["storage_read"] != 1 || ex.SyscallCounts["storage_write"] != 1 {
		t.Errorf("syscall counts %v", ex.SyscallCounts)
	}
}

func TestExecuteRevertDiscardsWrites(t *testing.T) {
	st, addr := counterState(t, 5)
	info, err := starknet.NewExecutor(st, starknet.BlockInfo{}, starknet.TxInfo{}).Execute(counterCall(addr, "fail"))
	if err != nil {
		t.Fatal(err)
	}
	if !info.Failed || !slices.Equal(starknet.RevertReasonText(info.Retdata), []string{"boom"}) {
		t.Errorf("fail: failed=%v retdata=%v", info.Failed, info.Retdata)
	}
	if info.Resources.Steps != starknet.CounterSteps["fail"] || len(info.AccessedStorageKeys) != 1 {
		t.Errorf("fail: resources %+v, keys %v", info.Resources, info.AccessedStorageKeys)
	}
	if v, _ := st.Storage(addr, asm.FeltFromUint64(0x1234)); v != asm.FeltFromUint64(5) {
		t.Errorf("after a revert, storage = %v, want 5", v)
	}
}

func TestExecuteErrors(t *testing.T) {
	st, addr := counterState(t, 5)
	run := func(c starknet.Call, maxSteps int) (*starknet.CallInfo, error) {
		ex := starknet.NewExecutor(st, starknet.BlockInfo{}, starknet.TxInfo{})
		ex.MaxSteps = maxSteps
		return ex.Execute(c)
	}
	code := func(err error) starknet.ErrorCode {
		var se *starknet.Error
		if errors.As(err, &se) {
			return se.Code
		}
		return ""
	}

	_, err := run(counterCall(asm.FeltFromUint64(0x999), "increment"), 0)
	if code(err) != starknet.CodeUninitializedContract || err.(*starknet.Error).Message != "Requested contract address 0x999 is not deployed." {
		t.Errorf("undeployed: %v", err)
	}
	_, err = run(counterCall(addr, "nope"), 0)
	nope := class.Selector("nope")
	if code(err) != starknet.CodeEntryPointNotFound || !strings.HasPrefix(err.(*starknet.Error).Message,
		"Entry point "+nope.Hex()+" not found in contract with class hash 0x") {
		t.Errorf("missing entry point: %v", err)
	}
	// No calldata: reading calldata[0] fails in the VM (not a revert).
	_, err = run(counterCall(addr, "increment"), 0)
	if code(err) != starknet.CodeTransactionFailed || !regexp.MustCompile(`^Error at pc=0:\d+:\n`).MatchString(err.(*starknet.Error).Message) {
		t.Errorf("no calldata: %v", err)
	}
	// Too few steps.
	_, err = run(counterCall(addr, "increment", asm.FeltFromUint64(1)), 10)
	if code(err) != starknet.CodeOutOfResources || !strings.HasSuffix(err.Error(), "Error: End of program was not reached") {
		t.Errorf("step limit: %v", err)
	}
	// Less gas than the entry-point budget: a revert with 'Out of gas'.
	c := counterCall(addr, "increment", asm.FeltFromUint64(1))
	c.InitialGas = starknet.EntryPointInitialBudget - 1
	info, err := run(c, 0)
	if err != nil || !info.Failed || !slices.Equal(starknet.RevertReasonText(info.Retdata), []string{"Out of gas"}) || info.GasConsumed != 0 {
		t.Errorf("out of gas: %v %+v", err, info)
	}
	// None of this changed the state.
	if v, _ := st.Storage(addr, asm.FeltFromUint64(0x1234)); v != asm.FeltFromUint64(5) {
		t.Errorf("storage = %v, want 5", v)
	}
}

func TestRunClass(t *testing.T) {
	cl, err := starknet.LoadCounter()
	if err != nil {
		t.Fatal(err)
	}
	info, err := starknet.RunClass(cl, "increment", felts(4), felts(38), asm.FeltFromUint64(1), nil)
	if err != nil || info.Failed || !slices.Equal(info.Retdata, felts(42)) {
		t.Fatalf("RunClass: %v %+v", err, info)
	}
	if _, err := starknet.RunClass(cl, "increment", felts(4), nil, asm.Felt{}, nil); err == nil ||
		!strings.Contains(err.Error(), "constructor failed") {
		t.Errorf("constructor without calldata: %v", err)
	}
}

func TestRevertReason(t *testing.T) {
	boom, _ := state.ShortString("boom")
	odd := asm.FeltFromUint64(0x01ff)
	if got := starknet.RevertReasonText([]asm.Felt{boom, odd}); !slices.Equal(got, []string{"boom", "0x1ff"}) {
		t.Errorf("text %q", got)
	}
	if got := starknet.RevertReason([]asm.Felt{boom}); got != "0x626f6f6d ('boom')" {
		t.Errorf("one felt: %q", got)
	}
	if got := starknet.RevertReason([]asm.Felt{boom, odd}); got != "(0x626f6f6d ('boom'), 0x1ff)" {
		t.Errorf("two felts: %q", got)
	}
	// A ByteArray panic: magic, one full 31-byte word, a 3-byte pending word.
	magic, _ := asm.FeltFromString("0x46a6158a16a947e5916b2a2ca68501a45e93d7110e81aa2d6438b1c57c879a3")
	word := asm.FeltFromBytesBE([]byte("abcdefghijklmnopqrstuvwxyz01234"))
	pending := asm.FeltFromBytesBE([]byte("xyz"))
	data := []asm.Felt{magic, asm.FeltFromUint64(1), word, pending, asm.FeltFromUint64(3)}
	if got := starknet.RevertReasonText(data); !slices.Equal(got, []string{"abcdefghijklmnopqrstuvwxyz01234xyz"}) {
		t.Errorf("byte array: %q", got)
	}
}

func TestParseScenarioErrors(t *testing.T) {
	for _, src := range []string{
		`{`,
		`{"contracts": []}`,
		`{"contracts": {"a": {}}}`,
		`{"block": {"block_number": "x"}}`,
		`{"steps": [{"contract": "a"}]}`,
	} {
		if _, err := starknet.ParseScenario([]byte(src)); !errors.Is(err, starknet.ErrScenario) {
			t.Errorf("%s: %v", src, err)
		}
	}
	sc, err := starknet.ParseScenario([]byte(`{"steps": [{"contract": "a", "entry_point": "f", "caller": "0x1"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.Run(nil); !errors.Is(err, starknet.ErrScenario) {
		t.Errorf("unknown contract: %v", err)
	}
}

func TestEntryPointSelector(t *testing.T) {
	// sn_keccak("transfer"), as cairo-lang's constants.cairo and every
	// ERC20 ABI give it.
	const transfer = "0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e"
	want, err := asm.FeltFromString(transfer)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{"transfer", transfer, want.String()} {
		if got := starknet.EntryPointSelector(in); got != want {
			t.Errorf("EntryPointSelector(%q) = %s, want %s", in, got.Hex(), transfer)
		}
	}
}

// An engine name the executor does not have is an error, not a silent
// fallback to the interpreter.
func TestUnknownEngine(t *testing.T) {
	ex := starknet.NewExecutor(state.NewCached(state.NewMemory()), starknet.BlockInfo{}, starknet.TxInfo{})
	ex.Engine = "llvm"
	_, err := ex.Execute(starknet.Call{})
	if err == nil || !strings.Contains(err.Error(), `unknown engine "llvm"`) {
		t.Fatalf("got %v", err)
	}
}
