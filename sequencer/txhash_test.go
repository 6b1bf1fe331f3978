package sequencer_test

import (
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/sequencer"
	"github.com/cairn-vm/cairn/starknet"
)

func felt(t *testing.T, s string) asm.Felt {
	t.Helper()
	f, err := asm.FeltFromString(s)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// The vectors are starknet-jvm's transaction-hash tests (calldata 999,
// 888, 777, max fee 0xabcd987654210, SN_GOERLI), computed by an
// independent implementation of cairo-lang's calculate_transaction_hash_common.
func TestTxHashVectors(t *testing.T) {
	calldata := []asm.Felt{asm.FeltFromUint64(999), asm.FeltFromUint64(888), asm.FeltFromUint64(777)}
	maxFee := felt(t, "0xabcd987654210")
	for _, c := range []struct {
		name string
		tx   *sequencer.Tx
		want string
	}{
		{"invoke v1", sequencer.NewInvoke(felt(t, "0x6352037a8acbb31095a8ed0f4aa8d8639e13b705b043a1b08f9640d2f9f0d56"),
			asm.FeltFromUint64(9876), maxFee, calldata),
			"0x119b1a69e0c35b9035be945d3a1d551f2f78473b10311734fafb1f5df3f61d9"},
		{"deploy_account v1", sequencer.NewDeployAccount(felt(t, "0x21a7f43387573b68666669a0ed764252ce5367708e696e31967764a90b429c2"),
			asm.FeltFromUint64(1234), maxFee, calldata),
			"0x68beaf15e356928a1850cf343be85032efad964324b0abca4a9a57ff2057ef7"},
	} {
		if got := c.tx.Hash(starknet.ChainIDGoerli); got != felt(t, c.want) {
			t.Errorf("%s: hash %s, want %s", c.name, got.Hex(), c.want)
		}
	}
}

// Hash keeps its result; asking for another chain must not return it.
func TestTxHashCacheIsPerChain(t *testing.T) {
	mk := func() *sequencer.Tx {
		return sequencer.NewInvoke(asm.FeltFromUint64(0x1234), asm.FeltFromUint64(3), asm.FeltFromUint64(100),
			[]asm.Felt{asm.FeltFromUint64(7)})
	}
	other := asm.FeltFromUint64(0x534e5f4d41494e) // SN_MAIN
	tx := mk()
	onGoerli := tx.Hash(starknet.ChainIDGoerli)
	if again := tx.Hash(starknet.ChainIDGoerli); again != onGoerli {
		t.Fatalf("second hash %s, first %s", again.Hex(), onGoerli.Hex())
	}
	got, want := tx.Hash(other), mk().Hash(other)
	if got != want || got == onGoerli {
		t.Fatalf("hash on another chain %s, want %s (goerli %s)", got.Hex(), want.Hex(), onGoerli.Hex())
	}
}
