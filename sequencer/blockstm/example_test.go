package blockstm_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/sequencer/blockstm"
	"github.com/cairn-vm/cairn/state"
)

var (
	token     = asm.FeltFromUint64(0x70c)
	sequencer = asm.FeltFromUint64(0x5e0)
	fee       = asm.FeltFromUint64(1)
)

func balance(account asm.Felt) blockstm.Location { return blockstm.StorageAt(token, account) }

// transfer moves amount from one account to another and pays the fee to
// the sequencer. The fee is a delta: transfers between different accounts
// do not conflict although they all pay the same sequencer.
func transfer(from, to, amount uint64) blockstm.Tx[blockstm.Location, asm.Felt, string] {
	return blockstm.TxFunc[blockstm.Location, asm.Felt, string](func(v blockstm.View[blockstm.Location, asm.Felt]) (string, error) {
		src, dst, amt := asm.FeltFromUint64(from), asm.FeltFromUint64(to), asm.FeltFromUint64(amount)
		have, err := v.Read(balance(src))
		if err != nil {
			return "", err
		}
		if have.Cmp(&amt) < 0 {
			return "", errors.New("insufficient balance")
		}
		have.Sub(&have, &amt)
		v.Write(balance(src), have)
		got, err := v.Read(balance(dst))
		if err != nil {
			return "", err
		}
		got.Add(&got, &amt)
		v.Write(balance(dst), got)
		v.Add(balance(sequencer), fee)
		return fmt.Sprintf("%d -> %d: %d", from, to, amount), nil
	})
}

func Example() {
	genesis := state.NewMemory()
	genesis.SetStorage(token, asm.FeltFromUint64(1), asm.FeltFromUint64(100))
	genesis.SetStorage(token, asm.FeltFromUint64(3), asm.FeltFromUint64(50))

	block := []blockstm.Tx[blockstm.Location, asm.Felt, string]{
		transfer(1, 2, 60),
		transfer(3, 4, 20),
		transfer(2, 5, 70), // 2 holds only the 60 it just received
		transfer(1, 6, 40),
	}
	exec := &blockstm.Parallel[blockstm.Location, asm.Felt, string]{
		Base:    blockstm.StateBase{R: genesis},
		Add:     blockstm.AddFelt,
		Workers: 4,
	}
	res, err := exec.Execute(context.Background(), block)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, r := range res.Txs {
		fmt.Printf("tx %d: %q %v\n", i, r.Output, r.Err)
	}
	for _, acct := range []uint64{1, 2, 3, 4, 6} {
		fmt.Printf("account %d: %s\n", acct, res.State[balance(asm.FeltFromUint64(acct))])
	}
	fmt.Println("sequencer:", res.State[balance(sequencer)])
	// Output:
	// tx 0: "1 -> 2: 60" <nil>
	// tx 1: "3 -> 4: 20" <nil>
	// tx 2: "" insufficient balance
	// tx 3: "1 -> 6: 40" <nil>
	// account 1: 0
	// account 2: 60
	// account 3: 30
	// account 4: 20
	// account 6: 40
	// sequencer: 3
}
