package sequencer_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/internal/corpusdir"
	"github.com/cairn-vm/cairn/sequencer"
	"github.com/cairn-vm/cairn/sequencer/workload"
	"github.com/cairn-vm/cairn/state"
)

// runAll runs b with every executor, checks that they agree, and returns
// the serial result.
func runAll(t *testing.T, w *workload.World, b *sequencer.Block) *sequencer.BlockResult {
	t.Helper()
	ctx := context.Background()
	want, err := (&sequencer.Serial{Config: w.Config}).Execute(ctx, w.Genesis, b)
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range []sequencer.Executor{
		&sequencer.BlockSTM{Config: w.Config, Workers: 3},
		&sequencer.AccessListExecutor{Config: w.Config, Workers: 3},
	} {
		got, err := ex.Execute(ctx, w.Genesis, b)
		if err != nil {
			t.Fatalf("%s: %v", ex.Name(), err)
		}
		sameResult(t, ex.Name(), want, got)
	}
	return want
}

// TestAccessLists: a declared, independent transfer gets the discount; one
// that declares too little reverts with an access violation and still
// pays; an undeclared one pays the full fee.
func TestAccessLists(t *testing.T) {
	w := world(t, 3, false)
	to := []asm.Felt{asm.FeltFromUint64(0xa1), asm.FeltFromUint64(0xa2), asm.FeltFromUint64(0xa3)}
	b := &sequencer.Block{Number: 1, SequencerAddress: w.Sequencer}
	for i, a := range w.Accounts {
		tx := w.Transfer(a, to[i], 10, 10_000_000)
		switch i {
		case 0:
			w.Declare(tx, to[i])
		case 1:
			tx.Access = &sequencer.AccessList{}
		}
		b.Txs = append(b.Txs, tx)
	}
	res := runAll(t, w, b)
	r0, r1, r2 := res.Receipts[0], res.Receipts[1], res.Receipts[2]
	if r0.Status != sequencer.Succeeded || !r0.Discounted || r2.Status != sequencer.Succeeded || r2.Discounted {
		t.Fatalf("receipts %+v %+v", r0, r2)
	}
	if full, disc := r2.ActualFee.Uint64(), r0.ActualFee.Uint64(); disc != full*(100-w.Config.AccessListDiscount)/100 {
		t.Errorf("discounted fee %d, full fee %d", disc, full)
	}
	if r1.Status != sequencer.Reverted || !strings.Contains(r1.Reason, "access list violation") || r1.ActualFee.IsZero() {
		t.Errorf("violating tx: %s %q fee %s", r1.Status, r1.Reason, r1.ActualFee)
	}
	if got := balance(t, w, res, to[1]); !got.IsZero() {
		t.Errorf("the violating transfer moved %s", got)
	}
}

// TestTxTypes runs a block with a transfer that funds a new account's
// address, its DEPLOY_ACCOUNT, a DECLARE and an L1 handler, plus the
// rejections each can meet.
func TestTxTypes(t *testing.T) {
	dir := corpusdir.OrSkip(t)
	testContract, err := class.Load(filepath.Join(dir, "casm", "test_contract__test_contract.json"))
	if err != nil {
		t.Skip(err)
	}
	hello, err := class.Load(filepath.Join(dir, "casm", "hello_starknet__hello_starknet.json"))
	if err != nil {
		t.Skip(err)
	}
	l1Contract := asm.FeltFromUint64(0xc0ffee)
	w, err := workload.New(workload.Options{Corpus: dir, Accounts: 2, Balance: 1_000_000_000, Setup: func(st *state.Cached) error {
		h := testContract.CompiledClassHash()
		if err := st.DeclareClass(h, h, testContract); err != nil {
			return err
		}
		return st.SetClassHash(l1Contract, h)
	}})
	if err != nil {
		t.Fatal(err)
	}
	salt := asm.FeltFromUint64(77)
	deploy := sequencer.NewDeployAccount(w.AccountClass, salt, asm.FeltFromUint64(10_000_000), nil)
	helloHash := asm.FeltFromUint64(0xabc123)
	a0, a1 := w.Accounts[0], w.Accounts[1]
	b := &sequencer.Block{Number: 2, Timestamp: 1_700_000_000, SequencerAddress: w.Sequencer, Txs: []*sequencer.Tx{
		// Deploying before the address holds the fee: rejected.
		deploy,
		w.Transfer(a0, deploy.Sender, 100_000_000, 10_000_000),
		deploy,
		deploy, // again: the nonce is 1 now
		sequencer.NewDeclare(a1.Address, asm.FeltFromUint64(0), asm.FeltFromUint64(10_000_000), helloHash, hello),
		sequencer.NewDeclare(a1.Address, asm.FeltFromUint64(1), asm.FeltFromUint64(10_000_000), helloHash, hello),
		sequencer.NewL1Handler(l1Contract, class.Selector("l1_handle"), asm.Felt{}, []asm.Felt{asm.FeltFromUint64(1), asm.FeltFromUint64(5)}),
		sequencer.NewL1Handler(l1Contract, class.Selector("no_such_handler"), asm.Felt{}, nil),
	}}
	res := runAll(t, w, b)
	want := []sequencer.Status{sequencer.Rejected, sequencer.Succeeded, sequencer.Succeeded, sequencer.Rejected,
		sequencer.Succeeded, sequencer.Rejected, sequencer.Succeeded, sequencer.Reverted}
	for i, r := range res.Receipts {
		if r.Status != want[i] {
			t.Errorf("tx %d (%s): %s %q, want %s", i, r.Type, r.Status, r.Reason, want[i])
		}
	}
	if r := res.Receipts[0]; !strings.Contains(r.Reason, "balance") {
		t.Errorf("deploy without funds: %q", r.Reason)
	}
	found := false
	for _, d := range res.Diff.DeployedContracts {
		found = found || (d.Address == deploy.Sender && d.ClassHash == w.AccountClass)
	}
	if !found {
		t.Errorf("account not deployed: %+v", res.Diff.DeployedContracts)
	}
	if len(res.Diff.DeclaredClasses) != 1 || res.Diff.DeclaredClasses[0].ClassHash != helloHash ||
		res.Diff.DeclaredClasses[0].CompiledClassHash != hello.CompiledClassHash() {
		t.Errorf("declared %+v", res.Diff.DeclaredClasses)
	}
	if !res.Receipts[6].ActualFee.IsZero() {
		t.Errorf("an L1 handler paid %s on L2", res.Receipts[6].ActualFee)
	}
}

// TestInvalidNonceError checks the typed errors' matching.
func TestTypedErrors(t *testing.T) {
	var err error = &sequencer.InvalidNonceError{}
	if !errors.Is(err, sequencer.ErrInvalidNonce) || errors.Is(err, sequencer.ErrValidation) {
		t.Error("InvalidNonceError matching")
	}
	err = &sequencer.ExecError{Tx: 3, Err: &sequencer.AccessViolationError{What: "storage"}}
	if !errors.Is(err, sequencer.ErrAccessViolation) {
		t.Error("ExecError does not unwrap")
	}
}
