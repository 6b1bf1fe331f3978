package sequencer_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/sequencer"
)

func randFelt(r *rand.Rand) asm.Felt {
	switch r.IntN(4) {
	case 0:
		return asm.Felt{}
	case 1:
		return asm.FeltFromUint64(r.Uint64N(1000))
	}
	var b [32]byte
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	b[0] &= 0x07 // below P
	return asm.FeltFromBytesBE(b[:])
}

func randFelts(r *rand.Rand) []asm.Felt {
	n := r.IntN(5)
	if n == 0 {
		return nil
	}
	fs := make([]asm.Felt, n)
	for i := range fs {
		fs[i] = randFelt(r)
	}
	return fs
}

// randTx returns a transaction with every field the codec carries set at
// random; empty lists and maps are nil, as the decoder returns them.
func randTx(r *rand.Rand) *sequencer.Tx {
	types := []sequencer.TxType{sequencer.Invoke, sequencer.DeployAccount, sequencer.L1Handler}
	tx := &sequencer.Tx{Type: types[r.IntN(len(types))], Sender: randFelt(r), Calldata: randFelts(r),
		Signature: randFelts(r), Nonce: randFelt(r), MaxFee: randFelt(r), ClassHash: randFelt(r),
		Salt: randFelt(r), CompiledClassHash: randFelt(r), Selector: randFelt(r)}
	if r.IntN(2) == 0 {
		tx.Access = &sequencer.AccessList{}
		for range r.IntN(3) {
			keys := randFelts(r)
			if keys == nil {
				keys = []asm.Felt{{}}
			}
			tx.Access.Read(asm.FeltFromUint64(r.Uint64N(1<<40)), keys...)
		}
		for range r.IntN(3) {
			tx.Access.Write(randFelt(r), randFelt(r), randFelt(r))
		}
	}
	return tx
}

func TestTxCodecRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	chain := asm.FeltFromUint64(0x534e)
	for i := range 500 {
		tx := randTx(r)
		b, err := sequencer.MarshalTx(tx)
		if err != nil {
			t.Fatalf("tx %d: %v", i, err)
		}
		got, err := sequencer.UnmarshalTx(b)
		if err != nil {
			t.Fatalf("tx %d: %v", i, err)
		}
		if !reflect.DeepEqual(got, tx) {
			t.Fatalf("tx %d: decoded\n%+v\nwant\n%+v", i, got, tx)
		}
		if got.Hash(chain) != tx.Hash(chain) {
			t.Fatalf("tx %d: hash changed", i)
		}
		again, _ := sequencer.MarshalTx(got)
		if !bytes.Equal(again, b) {
			t.Fatalf("tx %d: re-encoding differs", i)
		}
	}
}

func TestTxCodecCorrupt(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	tx := randTx(r)
	tx.Calldata = []asm.Felt{asm.FeltFromUint64(7), asm.FeltFromUint64(8)}
	tx.Sender = asm.FeltFromUint64(0xabc)
	good, err := sequencer.MarshalTx(tx)
	if err != nil {
		t.Fatal(err)
	}
	bad := func(name string, b []byte) {
		t.Helper()
		_, err := sequencer.UnmarshalTx(b)
		var ce *sequencer.TxEncodingError
		if !errors.As(err, &ce) || !errors.Is(err, sequencer.ErrTxEncoding) {
			t.Errorf("%s: error %v, want a *TxEncodingError", name, err)
		}
	}
	// Every truncation fails.
	for n := range len(good) {
		bad("truncated", good[:n])
	}
	bad("trailing byte", append(bytes.Clone(good), 0))
	b := bytes.Clone(good)
	b[0] = 9
	bad("version", b)
	b = bytes.Clone(good)
	b[1] = byte(sequencer.Declare)
	bad("declare", b)
	b = bytes.Clone(good)
	b[1] = 77
	bad("type", b)
	b = bytes.Clone(good)
	b[2] |= 0x80
	bad("mask", b)
	// The sender is the first felt: make it P, which is not below P.
	b = bytes.Clone(good)
	p := []byte{0x08, 0, 0, 0, 0, 0, 0, 0x11}
	copy(b[3:35], make([]byte, 32))
	copy(b[3:], p)
	b[34] = 1
	bad("felt not below P", b)
	// A huge calldata count.
	tx2 := &sequencer.Tx{Type: sequencer.Invoke}
	b, _ = sequencer.MarshalTx(tx2)
	b = append(b[:3], 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0)
	bad("count", b)
	if _, err := sequencer.UnmarshalTx(good); err != nil {
		t.Fatalf("the good encoding: %v", err)
	}
}

func TestTxCodecDeclare(t *testing.T) {
	tx := &sequencer.Tx{Type: sequencer.Declare, Class: &class.Class{}}
	_, err := sequencer.MarshalTx(tx)
	var ue *sequencer.UnsupportedTxError
	if !errors.As(err, &ue) || !errors.Is(err, sequencer.ErrUnsupportedTx) || ue.Type != sequencer.Declare {
		t.Fatalf("declare: %v, want an *UnsupportedTxError", err)
	}
	if _, err := sequencer.MarshalTx(&sequencer.Tx{Type: 9}); !errors.Is(err, sequencer.ErrUnsupportedTx) {
		t.Fatalf("unknown type: %v", err)
	}
}
