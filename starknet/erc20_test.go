package starknet_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/internal/corpusdir"
	"github.com/cairn-vm/cairn/starknet"
	"github.com/cairn-vm/cairn/state"
)

func felts(vs ...uint64) []asm.Felt {
	out := make([]asm.Felt, len(vs))
	for i, v := range vs {
		out[i] = asm.FeltFromUint64(v)
	}
	return out
}

func short(t *testing.T, s string) asm.Felt {
	t.Helper()
	f, err := state.ShortString(s)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// storageVar is the storage address of a Cairo 1 storage variable
// (sn_keccak of its name), and mapKey that of a Map entry under it:
// pedersen(variable, key), reduced below 2^251 - 256.
func storageVar(name string) asm.Felt { return class.Selector(name) }

func mapKey(name string, keys ...asm.Felt) asm.Felt {
	a := storageVar(name)
	for i := range keys {
		a = asm.Pedersen(&a, &keys[i])
	}
	return state.NormalizeAddress(a)
}

func plusOne(f asm.Felt) asm.Felt {
	one := asm.FeltFromUint64(1)
	var r asm.Felt
	r.Add(&f, &one)
	return r
}

// TestERC20 runs the corpus's ERC20 (starkware-libs/cairo
// cairo_level_tests/contracts/erc20.cairo) end to end. Every expected
// value comes from the contract's source and ERC20 semantics: balances and
// allowances are u256 maps, transfers emit Transfer(from, to, value),
// approvals Approval(owner, spender, value), and a balance or allowance
// too small makes the u256 subtraction panic.
func TestERC20(t *testing.T) {
	path := filepath.Join(corpusdir.OrSkip(t), "casm", "erc20__erc_20.json")
	cl, err := class.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	st := state.NewCached(state.NewMemory())
	hash := cl.CompiledClassHash()
	if err := st.DeclareClass(hash, hash, cl); err != nil {
		t.Fatal(err)
	}
	owner, alice, bob, carol := asm.FeltFromUint64(0x111), asm.FeltFromUint64(0x222), asm.FeltFromUint64(0x333), asm.FeltFromUint64(0x444)
	name, symbol := short(t, "NAME"), short(t, "SYM")
	ctor := []asm.Felt{name, symbol, asm.FeltFromUint64(18), asm.FeltFromUint64(1000), {}, owner}
	addr := state.ContractAddress(asm.Felt{}, hash, ctor, asm.Felt{})
	block := starknet.BlockInfo{Number: 1000, Timestamp: 1700000000}
	transferKey, approvalKey := class.Selector("Transfer"), class.Selector("Approval")

	info, err := starknet.NewExecutor(st, block, starknet.TxInfo{}).Deploy(addr, hash, ctor, asm.Felt{})
	if err != nil || info == nil || info.Failed {
		t.Fatalf("constructor: %v %+v", err, info)
	}
	wantEvents(t, "constructor", info, starknet.Event{Order: 0, Keys: []asm.Felt{transferKey},
		Data: []asm.Felt{{}, owner, asm.FeltFromUint64(1000), {}}})

	call := func(caller asm.Felt, entry string, calldata ...asm.Felt) *starknet.CallInfo {
		t.Helper()
		info, err := starknet.NewExecutor(st, block, starknet.TxInfo{}).Execute(starknet.Call{
			ContractAddress: addr, Selector: class.Selector(entry), Calldata: calldata, Caller: caller,
			InitialGas: starknet.DefaultInitialGas})
		if err != nil {
			t.Fatalf("%s: %v", entry, err)
		}
		return info
	}
	wantRet := func(info *starknet.CallInfo, what string, want ...asm.Felt) {
		t.Helper()
		if info.Failed {
			t.Fatalf("%s reverted: %v", what, starknet.RevertReasonText(info.Retdata))
		}
		if !slices.Equal(info.Retdata, want) {
			t.Errorf("%s returned %v, want %v", what, info.Retdata, want)
		}
	}
	wantRevert := func(info *starknet.CallInfo, what, reason string) {
		t.Helper()
		if !info.Failed {
			t.Fatalf("%s succeeded (returned %v), want a revert with %q", what, info.Retdata, reason)
		}
		if got := starknet.RevertReasonText(info.Retdata); !slices.Equal(got, []string{reason}) {
			t.Errorf("%s reverted with %q, want %q", what, got, reason)
		}
	}
	u256 := func(v uint64) []asm.Felt { return []asm.Felt{asm.FeltFromUint64(v), {}} }
	balance := func(who asm.Felt, want uint64) {
		t.Helper()
		wantRet(call(owner, "balance_of", who), "balance_of "+who.Hex(), u256(want)...)
		// The balance is stored as a u256 at the map entry and the next key.
		k := mapKey("balances", who)
		lo, _ := st.Storage(addr, k)
		hi, _ := st.Storage(addr, plusOne(k))
		if lo != asm.FeltFromUint64(want) || !hi.IsZero() {
			t.Errorf("storage balance of %s = (%v, %v), want (%d, 0)", who.Hex(), lo, hi, want)
		}
	}

	wantRet(call(owner, "get_name"), "get_name", name)
	wantRet(call(owner, "get_symbol"), "get_symbol", symbol)
	wantRet(call(owner, "get_decimals"), "get_decimals", asm.FeltFromUint64(18))
	wantRet(call(owner, "get_total_supply"), "get_total_supply", u256(1000)...)
	balance(owner, 1000)

	// balance_of reads the two halves of the u256, low first.
	info = call(owner, "balance_of", owner)
	if want := felts(1000, 0); !slices.Equal(info.StorageReadValues, want) {
		t.Errorf("balance_of read %v, want %v", info.StorageReadValues, want)
	}
	k := mapKey("balances", owner)
	if want := []asm.Felt{k, plusOne(k)}; !sameSet(info.AccessedStorageKeys, want) {
		t.Errorf("balance_of accessed %v, want %v", info.AccessedStorageKeys, want)
	}

	// transfer moves the amount and emits Transfer(from, to, value).
	info = call(owner, "transfer", append([]asm.Felt{bob}, u256(250)...)...)
	wantRet(info, "transfer")
	wantEvents(t, "transfer", info, starknet.Event{Order: 0, Keys: []asm.Felt{transferKey},
		Data: []asm.Felt{owner, bob, asm.FeltFromUint64(250), {}}})
	balance(owner, 750)
	balance(bob, 250)

	// Without the balance, the u256 subtraction panics; nothing changes.
	info = call(alice, "transfer", append([]asm.Felt{bob}, u256(1)...)...)
	wantRevert(info, "transfer without balance", "u256_sub Overflow")
	if len(info.Events) != 0 {
		t.Errorf("a reverted transfer emitted %v", info.Events)
	}
	balance(alice, 0)
	balance(bob, 250)

	// approve sets the allowance and emits Approval(owner, spender, value).
	info = call(owner, "approve", append([]asm.Felt{alice}, u256(100)...)...)
	wantRet(info, "approve")
	wantEvents(t, "approve", info, starknet.Event{Order: 0, Keys: []asm.Felt{approvalKey},
		Data: []asm.Felt{owner, alice, asm.FeltFromUint64(100), {}}})
	wantRet(call(owner, "allowance", owner, alice), "allowance", u256(100)...)

	// transfer_from spends the allowance (an Approval with what is left)
	// and then transfers.
	info = call(alice, "transfer_from", append([]asm.Felt{owner, carol}, u256(30)...)...)
	wantRet(info, "transfer_from")
	wantEvents(t, "transfer_from", info,
		starknet.Event{Order: 0, Keys: []asm.Felt{approvalKey}, Data: []asm.Felt{owner, alice, asm.FeltFromUint64(70), {}}},
		starknet.Event{Order: 1, Keys: []asm.Felt{transferKey}, Data: []asm.Felt{owner, carol, asm.FeltFromUint64(30), {}}})
	wantRet(call(owner, "allowance", owner, alice), "allowance", u256(70)...)
	balance(carol, 30)
	balance(owner, 720)

	// More than the allowance: the allowance's subtraction panics.
	wantRevert(call(alice, "transfer_from", append([]asm.Felt{owner, carol}, u256(71)...)...),
		"transfer_from above the allowance", "u256_sub Overflow")
	wantRet(call(owner, "allowance", owner, alice), "allowance", u256(70)...)
	balance(carol, 30)

	// The contract's own checks.
	wantRevert(call(owner, "transfer", append([]asm.Felt{{}}, u256(1)...)...), "transfer to 0", "ERC20: transfer to 0")
	wantRevert(call(asm.Felt{}, "transfer", append([]asm.Felt{bob}, u256(1)...)...), "transfer from 0", "ERC20: transfer from 0")
	wantRet(call(owner, "get_total_supply"), "get_total_supply", u256(1000)...)

	// A missing entry point is an error, not a revert.
	_, err = starknet.NewExecutor(st, block, starknet.TxInfo{}).Execute(starknet.Call{ContractAddress: addr,
		Selector: class.Selector("mint"), Caller: owner, InitialGas: starknet.DefaultInitialGas})
	if se, ok := err.(*starknet.Error); !ok || se.Code != starknet.CodeEntryPointNotFound {
		t.Errorf("calling a missing entry point: %v, want %s", err, starknet.CodeEntryPointNotFound)
	}
}

func wantEvents(t *testing.T, what string, info *starknet.CallInfo, want ...starknet.Event) {
	t.Helper()
	if len(info.Events) != len(want) {
		t.Fatalf("%s emitted %d events, want %d: %+v", what, len(info.Events), len(want), info.Events)
	}
	for i, e := range info.Events {
		if e.Order != want[i].Order || !slices.Equal(e.Keys, want[i].Keys) || !slices.Equal(e.Data, want[i].Data) {
			t.Errorf("%s event %d = %+v, want %+v", what, i, e, want[i])
		}
	}
}

func sameSet(a, b []asm.Felt) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
