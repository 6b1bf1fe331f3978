package blockstm

import (
	"math/rand/v2"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/state"
)

func felt(v uint64) asm.Felt { return asm.FeltFromUint64(v) }

func TestStateBase(t *testing.T) {
	m := state.NewMemory()
	c, k := felt(10), felt(20)
	m.SetStorage(c, k, felt(1))
	m.SetNonce(c, felt(2))
	m.SetClassHash(c, felt(3))
	b := StateBase{R: m}
	for _, tc := range []struct {
		loc  Location
		want uint64
	}{
		{StorageAt(c, k), 1}, {NonceOf(c), 2}, {ClassHashOf(c), 3},
		{CompiledClassHashOf(felt(3)), 0}, {StorageAt(c, felt(21)), 0},
	} {
		if got, err := b.Get(tc.loc); err != nil || got != felt(tc.want) {
			t.Errorf("%v: %s, %v; want %d", tc.loc, got, err, tc.want)
		}
	}
	if _, err := b.Get(Location{}); err == nil {
		t.Error("zero Location read")
	}
	// Different kinds at one address are different locations.
	if StorageAt(c, asm.Felt{}) == NonceOf(c) || NonceOf(c) == ClassHashOf(c) {
		t.Error("locations of different kinds collide")
	}
}

// TestStarknetTransfers runs random token transfers over a state.Memory,
// in parallel and serially. Each bumps the sender's nonce, pays a fee to
// the sequencer as a delta, sometimes deploys a contract, and reverts (fee
// and nonce kept) when the sender is too poor.
func TestStarknetTransfers(t *testing.T) {
	const accounts = 8
	genesis := state.NewMemory()
	for a := range accounts {
		genesis.SetStorage(token, felt(uint64(a)), felt(1000))
	}
	genesis.SetStorage(token, sequencer, felt(5))
	for seed := range seeds(t) {
		r := rand.New(rand.NewPCG(uint64(seed), 3))
		txs := make([]Tx[Location, asm.Felt, string], 100)
		for i := range txs {
			txs[i] = transferTx(felt(r.Uint64N(accounts)), felt(r.Uint64N(accounts)), felt(r.Uint64N(400)), r.IntN(10) == 0)
		}
		res := checkSameWith(t, txs, Base[Location, asm.Felt](StateBase{R: genesis}), AddFelt, 1+seed%4)
		if got := res.State[StorageAt(token, sequencer)]; got != felt(5+uint64(len(txs))) {
			t.Fatalf("sequencer holds %s", got)
		}
	}
}

var (
	token     = felt(0x70c)
	sequencer = felt(0x5e0)
)

func transferTx(from, to, amount asm.Felt, deploy bool) Tx[Location, asm.Felt, string] {
	return TxFunc[Location, asm.Felt, string](func(v View[Location, asm.Felt]) (string, error) {
		n, err := v.Read(NonceOf(from))
		if err != nil {
			return "", err
		}
		v.Write(NonceOf(from), AddFelt(n, felt(1)))
		v.Add(StorageAt(token, sequencer), felt(1))
		if deploy {
			at := AddFelt(felt(1000), n)
			if h, err := v.Read(ClassHashOf(at)); err != nil || !h.IsZero() {
				return "taken", err
			}
			v.Write(ClassHashOf(at), felt(0xc1a55))
		}
		have, err := v.Read(StorageAt(token, from))
		if err != nil {
			return "", err
		}
		if have.Cmp(&amount) < 0 {
			return "reverted", nil
		}
		v.Write(StorageAt(token, from), *have.Sub(&have, &amount))
		got, err := v.Read(StorageAt(token, to))
		if err != nil {
			return "", err
		}
		v.Write(StorageAt(token, to), AddFelt(got, amount))
		return "ok", nil
	})
}
