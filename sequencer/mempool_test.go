package sequencer_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/sequencer"
)

func f(v uint64) asm.Felt { return asm.FeltFromUint64(v) }

// poolTx is a transaction told apart by its calldata (so each has its own
// hash) from account a at nonce n.
func poolTx(a, n, tag uint64) *sequencer.Tx {
	return sequencer.NewInvoke(f(a), f(n), f(1000), []asm.Felt{f(tag)})
}

func names(ps []*sequencer.PoolTx) string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += " "
		}
		if p.Tx.Type == sequencer.L1Handler {
			s += fmt.Sprintf("l1:%d", p.Tx.Calldata[0].Uint64())
			continue
		}
		s += fmt.Sprintf("%d/%d", p.Tx.Sender.Uint64(), p.Tx.Nonce.Uint64())
	}
	return s
}

func TestMempoolOrder(t *testing.T) {
	state := map[asm.Felt]asm.Felt{f(1): f(5), f(2): f(0), f(3): f(0)}
	m := sequencer.NewMempool(asm.Felt{}, func(a asm.Felt) (asm.Felt, error) { return state[a], nil })
	add := func(tx *sequencer.Tx) {
		t.Helper()
		if _, err := m.Add(tx); err != nil {
			t.Fatal(err)
		}
	}
	add(poolTx(1, 6, 0)) // waits for nonce 5
	add(poolTx(2, 0, 0))
	add(poolTx(1, 5, 0))
	add(poolTx(3, 1, 0)) // waits for nonce 0, which never comes
	add(sequencer.NewL1Handler(f(9), f(1), f(0), []asm.Felt{f(1)}))
	add(poolTx(2, 1, 0))
	add(poolTx(1, 8, 0)) // gap at 7
	// Arrival order, each account's nonces in order: 1/6 arrived first but
	// goes right after 1/5.
	if got, want := names(m.Ready(0)), "2/0 1/5 1/6 l1:1 2/1"; got != want {
		t.Fatalf("ready %q, want %q", got, want)
	}
	if got, want := names(m.Ready(3)), "2/0 1/5 1/6"; got != want {
		t.Fatalf("ready(3) %q, want %q", got, want)
	}
	if got, want := names(m.Account(f(1))), "1/5 1/6 1/8"; got != want {
		t.Fatalf("account 1 %q, want %q", got, want)
	}

	// The basic checks.
	if _, err := m.Add(poolTx(2, 0, 0)); !errors.Is(err, sequencer.ErrDuplicateTx) {
		t.Errorf("duplicate: %v", err)
	}
	var nt *sequencer.NonceTakenError
	if _, err := m.Add(poolTx(2, 0, 1)); !errors.As(err, &nt) || nt.Nonce != f(0) {
		t.Errorf("taken nonce: %v", err)
	}
	if _, err := m.Add(poolTx(1, 4, 0)); !errors.Is(err, sequencer.ErrStaleNonce) {
		t.Errorf("stale nonce: %v", err)
	}
	if _, err := m.Add(&sequencer.Tx{Type: 42}); !errors.Is(err, sequencer.ErrUnknownTxType) {
		t.Errorf("unknown type: %v", err)
	}

	// A block executes 2/0 and 1/5: 1/6 and 2/1 are next, and 1/7 fills
	// the gap before 1/8, which then follows it.
	ready := m.Ready(2)
	m.Executed([]*sequencer.Tx{ready[0].Tx, ready[1].Tx})
	add(poolTx(1, 7, 0))
	if got, want := names(m.Ready(0)), "1/6 l1:1 2/1 1/7 1/8"; got != want {
		t.Fatalf("after a block: ready %q, want %q", got, want)
	}
	if m.Len() != 6 {
		t.Fatalf("%d transactions, want 6", m.Len())
	}
	// A rejected 1/6 is removed: 1's later nonces wait for another 6.
	if !m.Remove(m.Account(f(1))[0].Hash) {
		t.Fatal("remove")
	}
	if got, want := names(m.Ready(0)), "l1:1 2/1"; got != want {
		t.Fatalf("after a rejection: ready %q, want %q", got, want)
	}
	add(poolTx(1, 6, 9))
	// 1/6 arrived last, and 1/7 and 1/8, though earlier, wait for it.
	if got, want := names(m.Ready(0)), "l1:1 2/1 1/6 1/7 1/8"; got != want {
		t.Fatalf("after the resubmission: ready %q, want %q", got, want)
	}
}

func TestMempoolHold(t *testing.T) {
	m := sequencer.NewMempool(asm.Felt{}, func(asm.Felt) (asm.Felt, error) { return asm.Felt{}, nil })
	h, err := m.Hold(poolTx(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Add(poolTx(1, 1, 0)); err != nil {
		t.Fatal(err)
	}
	if got := names(m.Ready(0)); got != "" {
		t.Fatalf("ready %q while 1/0 is held", got)
	}
	if _, err := m.Add(poolTx(1, 0, 0)); !errors.Is(err, sequencer.ErrDuplicateTx) {
		t.Fatalf("a held transaction's duplicate: %v", err)
	}
	m.Release(h)
	if got, want := names(m.Ready(0)), "1/0 1/1"; got != want {
		t.Fatalf("ready %q, want %q", got, want)
	}
	// Executing 1/0 and 1/1 leaves nothing, and forgets the account: its
	// nonce is read again from the state.
	m.Executed([]*sequencer.Tx{poolTx(1, 0, 0), poolTx(1, 1, 0)})
	if m.Len() != 0 {
		t.Fatalf("%d left", m.Len())
	}
}
