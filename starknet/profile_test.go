package starknet_test

import (
	"maps"
	"reflect"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/starknet"
)

// TestProfile checks the Executor's profile against what the calls report
// on their own: it changes no result, its parts add up to its total, it
// counts every syscall (as SystemCall hints too), every hash builtin
// instance, and the steps of inner calls.
func TestProfile(t *testing.T) {
	owner, bob := asm.FeltFromUint64(0x111), asm.FeltFromUint64(0x333)
	ctor := []asm.Felt{asm.FeltFromUint64(0x4e), asm.FeltFromUint64(0x53), asm.FeltFromUint64(18), asm.FeltFromUint64(1000), {}, owner}
	st, token, _ := deployCorpus(t, "erc20__erc_20.json", ctor...)
	transfer := starknet.Call{ContractAddress: token, Selector: class.Selector("transfer"),
		Calldata: []asm.Felt{bob, asm.FeltFromUint64(1), {}}, Caller: owner, InitialGas: starknet.DefaultInitialGas}

	plain := starknet.NewExecutor(st, starknet.BlockInfo{}, starknet.TxInfo{})
	want, err := plain.Execute(transfer)
	if err != nil || want.Failed {
		t.Fatalf("transfer: %v %+v", err, want)
	}
	p := &starknet.Profile{}
	ex := starknet.NewExecutor(st, starknet.BlockInfo{}, starknet.TxInfo{})
	ex.Profile = p
	got, err := ex.Execute(transfer)
	if err != nil {
		t.Fatal(err)
	}
	// The same call again gives the same result (the balances moved by 1,
	// which transfer does not return).
	if got.Failed || !reflect.DeepEqual(got.Retdata, want.Retdata) || got.GasConsumed != want.GasConsumed ||
		!reflect.DeepEqual(got.Resources, want.Resources) || len(got.Events) != len(want.Events) ||
		!maps.Equal(ex.SyscallCounts, plain.SyscallCounts) {
		t.Errorf("profiled call differs:\n%+v\n%+v", got, want)
	}
	checkProfile(t, p, got, ex.SyscallCounts)

	// A call that makes an inner call: its steps and syscalls count, and
	// the profile keeps adding up.
	st2, addr, _ := deployCorpus(t, "seq__test_contract.json", asm.FeltFromUint64(1), asm.FeltFromUint64(2))
	p2 := &starknet.Profile{}
	ex2 := starknet.NewExecutor(st2, starknet.BlockInfo{}, starknet.TxInfo{})
	ex2.Profile = p2
	info, err := ex2.Execute(starknet.Call{ContractAddress: addr, Selector: class.Selector("test_call_contract"),
		Calldata: []asm.Felt{addr, class.Selector("test_storage_read_write"), asm.FeltFromUint64(2), asm.FeltFromUint64(79), asm.FeltFromUint64(7)},
		Caller:   owner, InitialGas: starknet.DefaultInitialGas})
	if err != nil || info.Failed || len(info.InternalCalls) != 1 {
		t.Fatalf("test_call_contract: %v %+v", err, info)
	}
	checkProfile(t, p2, info, ex2.SyscallCounts)
	if p2.Steps <= info.InternalCalls[0].Resources.Steps {
		t.Errorf("profile steps %d, inner call alone %d", p2.Steps, info.InternalCalls[0].Resources.Steps)
	}

	// Profiles accumulate; Reset clears.
	if _, err := ex.Execute(transfer); err != nil {
		t.Fatal(err)
	}
	if p.Calls != 2 || p.Steps != 2*got.Resources.Steps {
		t.Errorf("after two calls: %d calls, %d steps", p.Calls, p.Steps)
	}
	p.Reset()
	if p.Calls != 0 || p.Total != 0 || p.HintKinds != nil {
		t.Errorf("Reset left %+v", p)
	}
}

func checkProfile(t *testing.T, p *starknet.Profile, info *starknet.CallInfo, counts map[string]int) {
	t.Helper()
	if p.Calls != 1 || p.Steps != info.Resources.Steps {
		t.Errorf("profile: %d calls, %d steps; the call ran %d", p.Calls, p.Steps, info.Resources.Steps)
	}
	if p.VM+p.Setup+p.Hints+p.Syscalls+p.Hashing != p.Total || p.VM <= 0 || p.Setup <= 0 || p.Hints <= 0 || p.Syscalls <= 0 {
		t.Errorf("profile parts %v + %v + %v + %v + %v, total %v", p.VM, p.Setup, p.Hints, p.Syscalls, p.Hashing, p.Total)
	}
	syscalls := 0
	for name, n := range counts {
		if name != "keccak" { // counted in rounds
			syscalls += n
		}
	}
	hintRuns := 0
	for _, n := range p.HintKinds {
		hintRuns += n
	}
	if p.SyscallRuns != syscalls || p.HintKinds["SystemCall"] != syscalls || p.HintRuns != hintRuns {
		t.Errorf("profile: %d syscalls, %d SystemCall hints, %d hints (%d by kind); the call made %v",
			p.SyscallRuns, p.HintKinds["SystemCall"], p.HintRuns, hintRuns, counts)
	}
	// These calls hash with pedersen only: one deduced cell per instance.
	hashes := info.Resources.Builtins["pedersen_builtin"]
	if p.HashRuns != hashes || (hashes > 0) != (p.Hashing > 0) {
		t.Errorf("profile: %d hashes in %v; the call used %v", p.HashRuns, p.Hashing, info.Resources.Builtins)
	}
}
