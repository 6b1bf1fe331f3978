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

// deployCorpus declares and deploys a corpus class with a constructor's
// calldata.
func deployCorpus(t *testing.T, file string, ctor ...asm.Felt) (*state.Cached, asm.Felt, asm.Felt) {
	t.Helper()
	cl, err := class.Load(filepath.Join(corpusdir.OrSkip(t), "casm", file))
	if err != nil {
		t.Fatal(err)
	}
	st := state.NewCached(state.NewMemory())
	h := cl.CompiledClassHash()
	if err := st.DeclareClass(h, h, cl); err != nil {
		t.Fatal(err)
	}
	addr := state.ContractAddress(asm.Felt{}, h, ctor, asm.Felt{})
	if info, err := starknet.NewExecutor(st, starknet.BlockInfo{}, starknet.TxInfo{}).Deploy(addr, h, ctor, asm.Felt{}); err != nil || info != nil && info.Failed {
		t.Fatalf("deploy %s: %v %+v", file, err, info)
	}
	return st, addr, h
}

// TestExecutionInfoV1 has the sequencer's execution-info contract (the v1
// TxInfo of older compilers) compare what get_execution_info returns with
// the values given as calldata.
func TestExecutionInfoV1(t *testing.T) {
	st, addr, _ := deployCorpus(t, "seq__test_contract_execution_info_v1.json")
	block := starknet.BlockInfo{Number: 1234, Timestamp: 1700000000, SequencerAddress: asm.FeltFromUint64(0x1000)}
	tx := starknet.TxInfo{Version: asm.FeltFromUint64(1), AccountAddress: asm.FeltFromUint64(0xacc), MaxFee: asm.FeltFromUint64(999),
		Signature: felts(7, 8, 9), Hash: asm.FeltFromUint64(0x7a5), Nonce: asm.FeltFromUint64(4)}
	caller := asm.FeltFromUint64(0x111)
	sel := class.Selector("test_get_execution_info")
	cd := []asm.Felt{asm.FeltFromUint64(1234), asm.FeltFromUint64(1700000000), asm.FeltFromUint64(0x1000), caller, addr, sel,
		tx.Version, tx.AccountAddress, tx.MaxFee, asm.FeltFromUint64(3)}
	cd = append(cd, tx.Signature...)
	cd = append(cd, tx.Hash, starknet.ChainIDGoerli, tx.Nonce)
	info, err := starknet.NewExecutor(st, block, tx).Execute(starknet.Call{ContractAddress: addr, Selector: sel,
		Calldata: cd, Caller: caller, InitialGas: starknet.DefaultInitialGas})
	if err != nil {
		t.Fatal(err)
	}
	if info.Failed {
		t.Fatalf("reverted: %v", starknet.RevertReasonText(info.Retdata))
	}
	// Validation sees the block number and timestamp rounded down and no
	// sequencer.
	tx.Mode = starknet.ModeValidate
	info, err = starknet.NewExecutor(st, block, tx).Execute(starknet.Call{ContractAddress: addr, Selector: sel,
		Calldata: cd, Caller: caller, InitialGas: starknet.DefaultInitialGas})
	if err != nil {
		t.Fatal(err)
	}
	if got := starknet.RevertReasonText(info.Retdata); !info.Failed || len(got) != 1 || got[0] != "BLOCK_NUMBER_MISMATCH" {
		t.Errorf("validate mode: failed=%v %v", info.Failed, got)
	}
	cd[0], cd[1], cd[2] = asm.FeltFromUint64(1200), asm.FeltFromUint64(1699999200), asm.Felt{}
	info, err = starknet.NewExecutor(st, block, tx).Execute(starknet.Call{ContractAddress: addr, Selector: sel,
		Calldata: cd, Caller: caller, InitialGas: starknet.DefaultInitialGas})
	if err != nil || info.Failed {
		t.Errorf("validate mode with rounded block info: %v %v", err, info)
	}
}

// TestExecutionInfoV2 checks the v2 TxInfo of a v3 transaction (resource
// bounds, tip, paymaster data, data-availability modes, deployment data)
// with the sequencer's test contract.
func TestExecutionInfoV2(t *testing.T) {
	st, addr, _ := deployCorpus(t, "seq__test_contract.json", felts(1, 2)...)
	block := starknet.BlockInfo{Number: 1234, Timestamp: 1700000000, SequencerAddress: asm.FeltFromUint64(0x1000)}
	l1gas, _ := state.ShortString("L1_GAS")
	l2gas, _ := state.ShortString("L2_GAS")
	hash := asm.FeltFromUint64(0x7a5)
	tx := starknet.TxInfo{Version: asm.FeltFromUint64(3), AccountAddress: asm.FeltFromUint64(0xacc),
		Signature: []asm.Felt{hash}, Hash: hash, Nonce: asm.FeltFromUint64(4),
		ResourceBounds: []starknet.ResourceBounds{{Resource: l1gas, MaxAmount: asm.FeltFromUint64(10), MaxPricePerUnit: asm.FeltFromUint64(20)},
			{Resource: l2gas, MaxAmount: asm.FeltFromUint64(30), MaxPricePerUnit: asm.FeltFromUint64(40)}},
		Tip: asm.FeltFromUint64(5), PaymasterData: felts(6), NonceDataAvailabilityMode: asm.FeltFromUint64(1),
		AccountDeploymentData: felts(8, 9)}
	caller := asm.FeltFromUint64(0x111)
	sel := class.Selector("test_get_execution_info_v2")
	cd := []asm.Felt{asm.FeltFromUint64(1234), asm.FeltFromUint64(1700000000), asm.FeltFromUint64(0x1000), caller, addr, sel,
		tx.Version, tx.AccountAddress, {}, asm.FeltFromUint64(1), hash, hash, starknet.ChainIDGoerli, tx.Nonce,
		asm.FeltFromUint64(2), l1gas, asm.FeltFromUint64(10), asm.FeltFromUint64(20), l2gas, asm.FeltFromUint64(30), asm.FeltFromUint64(40),
		asm.FeltFromUint64(5), asm.FeltFromUint64(1), asm.FeltFromUint64(6), asm.FeltFromUint64(1), {},
		asm.FeltFromUint64(2), asm.FeltFromUint64(8), asm.FeltFromUint64(9)}
	info, err := starknet.NewExecutor(st, block, tx).Execute(starknet.Call{ContractAddress: addr, Selector: sel,
		Calldata: cd, Caller: caller, InitialGas: starknet.DefaultInitialGas})
	if err != nil {
		t.Fatal(err)
	}
	if info.Failed {
		t.Fatalf("reverted: %v", starknet.RevertReasonText(info.Retdata))
	}
}

// TestSequencerTestContract runs entry points of the sequencer's test
// contract that check the syscalls' results themselves (hash values, curve
// points, storage round trips) and panic on a mismatch.
func TestSequencerTestContract(t *testing.T) {
	st, addr, hash := deployCorpus(t, "seq__test_contract.json", felts(1, 2)...)
	block := starknet.BlockInfo{Number: 1000, Timestamp: 1700000000}
	if err := st.SetStorage(asm.FeltFromUint64(1), asm.FeltFromUint64(900), asm.FeltFromUint64(0xabc)); err != nil {
		t.Fatal(err)
	}
	sel := class.Selector
	for _, c := range []struct {
		entry    string
		calldata []asm.Felt
		ret      []asm.Felt
		counts   map[string]int
	}{
		{"test_keccak", nil, nil, map[string]int{"keccak": 1}},
		{"test_sha256", nil, nil, map[string]int{"sha256_process_block": 1}},
		{"test_secp256k1", nil, nil, nil},
		{"test_secp256k1_point_from_x", nil, nil, map[string]int{"secp256k1_get_point_from_x": 3, "secp256k1_get_xy": 2}},
		{"test_secp256r1", nil, nil, nil},
		{"test_segment_arena", nil, felts(200), nil},
		{"test_poseidon_hades_permutation", nil, nil, nil},
		{"test_storage_read_write", felts(77, 5), felts(5), map[string]int{"storage_read": 1, "storage_write": 1}},
		{"test_get_block_hash", felts(900, 0xabc), felts(0xabc), map[string]int{"get_block_hash": 1}},
		{"test_get_class_hash_at", []asm.Felt{addr, hash, asm.FeltFromUint64(0x4444)}, nil, map[string]int{"get_class_hash_at": 2}},
		{"test_library_call", []asm.Felt{hash, sel("test_storage_read_write"), asm.FeltFromUint64(2), asm.FeltFromUint64(78), asm.FeltFromUint64(6)},
			felts(6), map[string]int{"library_call": 1, "storage_read": 1, "storage_write": 1}},
		{"test_call_contract", []asm.Felt{addr, sel("test_storage_read_write"), asm.FeltFromUint64(2), asm.FeltFromUint64(79), asm.FeltFromUint64(7)},
			felts(7), map[string]int{"call_contract": 1, "storage_read": 1, "storage_write": 1}},
		{"test_direct_execute_call", []asm.Felt{addr, {}}, nil, map[string]int{"call_contract": 1}},
		{"test_send_message_to_l1", felts(0x55, 1, 7), nil, map[string]int{"send_message_to_l1": 1}},
		{"test_deploy", []asm.Felt{hash, asm.FeltFromUint64(5), asm.FeltFromUint64(2), asm.FeltFromUint64(1), asm.FeltFromUint64(2), {}},
			nil, map[string]int{"deploy": 1, "storage_write": 1}},
	} {
		ex := starknet.NewExecutor(st, block, starknet.TxInfo{})
		info, err := ex.Execute(starknet.Call{ContractAddress: addr, Selector: sel(c.entry), Calldata: c.calldata,
			Caller: asm.FeltFromUint64(0x111), InitialGas: starknet.DefaultInitialGas})
		if err != nil {
			t.Errorf("%s: %v", c.entry, err)
			continue
		}
		if info.Failed {
			t.Errorf("%s reverted: %v", c.entry, starknet.RevertReasonText(info.Retdata))
			continue
		}
		if c.ret != nil && !slices.Equal(info.Retdata, c.ret) {
			t.Errorf("%s returned %v, want %v", c.entry, info.Retdata, c.ret)
		}
		for k, n := range c.counts {
			if ex.SyscallCounts[k] != n {
				t.Errorf("%s: %d %s syscalls, want %d (%v)", c.entry, ex.SyscallCounts[k], k, n, ex.SyscallCounts)
			}
		}
		switch c.entry {
		case "test_send_message_to_l1":
			if len(info.Messages) != 1 || info.Messages[0].ToAddress != asm.FeltFromUint64(0x55) || !slices.Equal(info.Messages[0].Payload, felts(7)) {
				t.Errorf("messages %+v", info.Messages)
			}
		case "test_deploy":
			want := state.ContractAddress(asm.FeltFromUint64(5), hash, felts(1, 2), addr)
			if got, _ := st.ClassHash(want); got != hash || len(info.InternalCalls) != 1 || info.InternalCalls[0].Call.ContractAddress != want {
				t.Errorf("deployed class %v at %s; inner %+v", got, want.Hex(), info.InternalCalls)
			}
		}
	}
}
