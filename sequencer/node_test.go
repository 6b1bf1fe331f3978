package sequencer_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/internal/corpusdir"
	"github.com/cairn-vm/cairn/sequencer"
	"github.com/cairn-vm/cairn/sequencer/journal"
	"github.com/cairn-vm/cairn/sequencer/workload"
	"github.com/cairn-vm/cairn/state"
	"github.com/cairn-vm/cairn/state/store"
)

// nodeWorld builds a workload world of accounts that accept any
// signature, and the genesis a node needs for it: the world's genesis diff
// (captured by a Setup that runs last, over the state that the whole
// genesis was built in) and the JSON of the two classes it declares.
func nodeWorld(t testing.TB, accounts int) (*workload.World, *sequencer.GenesisState) {
	t.Helper()
	w, g, err := buildNodeWorld(corpusdir.OrSkip(t), accounts)
	if err != nil {
		t.Fatal(err)
	}
	return w, g
}

func buildNodeWorld(corpus string, accounts int) (*workload.World, *sequencer.GenesisState, error) {
	w, err := workload.New(workload.Options{Corpus: corpus, Accounts: accounts, Balance: 1_000_000_000})
	if err != nil {
		return nil, nil, err
	}
	return w, w.NodeGenesis(), nil
}

// transferStream returns n transfers between the world's accounts and a
// few other addresses, from accounts drawn at random, each at its
// account's next nonce: the same stream for the same world and seed.
func transferStream(w *workload.World, n int, seed uint64) []*sequencer.Tx {
	r := rand.New(rand.NewPCG(seed, 7))
	txs := make([]*sequencer.Tx, n)
	for i := range txs {
		from := w.Accounts[r.IntN(len(w.Accounts))]
		to := asm.FeltFromUint64(0x40_0000 + r.Uint64N(16))
		if r.IntN(2) == 0 {
			to = w.Accounts[r.IntN(len(w.Accounts))].Address
		}
		txs[i] = w.Transfer(from, to, 1+r.Uint64N(100), 10_000_000)
	}
	return txs
}

// referenceRoot executes txs in one block with Serial over the world's
// in-memory genesis: the state root a node must reach with the same
// transactions, whatever its blocks and crashes.
func referenceRoot(t testing.TB, w *workload.World, txs []*sequencer.Tx) asm.Felt {
	t.Helper()
	b := &sequencer.Block{Number: 1, Timestamp: 1_700_000_000, SequencerAddress: w.Sequencer, Txs: txs}
	res, err := (&sequencer.Serial{Config: w.Config}).Execute(context.Background(), w.Genesis, b)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res.Receipts {
		if r.Status != sequencer.Succeeded {
			t.Fatalf("reference tx %d: %s %s", i, r.Status, r.Reason)
		}
	}
	return res.Root
}

func nodeOptions(w *workload.World, g *sequencer.GenesisState, ex sequencer.Executor, l sequencer.Limits) sequencer.NodeOptions {
	return sequencer.NodeOptions{Config: w.Config, Executor: ex, Limits: l, Genesis: g,
		SequencerAddress: w.Sequencer, Now: func() uint64 { return 1_700_000_000 }}
}

func openNode(t testing.TB, dir string, o sequencer.NodeOptions) *sequencer.Node {
	t.Helper()
	n, err := sequencer.Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNodeRestart(t *testing.T) {
	w, g := nodeWorld(t, 4)
	stream := transferStream(w, 30, 1)
	dir := t.TempDir()
	limits := sequencer.Limits{MaxTxs: 8}
	o := nodeOptions(w, g, nil, limits)
	n := openNode(t, dir, o)
	if r := n.Recovery(); !r.Created || r.Head != 0 {
		t.Fatalf("fresh open: %+v", r)
	}
	if h, root, err := n.Head(); err != nil || h != 0 || root != w.Genesis.Root() {
		t.Fatalf("head %d root %s (%v), want 0 and the genesis root %s", h, root.Hex(), err, w.Genesis.Root())
	}
	if _, err := sequencer.Open(dir, o); !errors.Is(err, journal.ErrLocked) {
		t.Fatalf("a second open: %v, want journal.ErrLocked", err)
	}
	for _, tx := range stream[:20] {
		if _, err := n.Submit(tx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := n.Submit(stream[3]); !errors.Is(err, sequencer.ErrDuplicateTx) {
		t.Fatalf("resubmission: %v", err)
	}
	if _, err := n.Submit(&sequencer.Tx{Type: sequencer.Declare, Class: &class.Class{}}); !errors.Is(err, sequencer.ErrUnsupportedTx) {
		t.Fatalf("declare: %v", err)
	}
	b, err := n.ProduceBlock(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !b.Committed || b.Number != 1 || len(b.Txs) != 8 || b.Pending != 12 {
		t.Fatalf("block %d committed %v with %d txs, %d pending", b.Number, b.Committed, len(b.Txs), b.Pending)
	}
	for i, tx := range b.Txs {
		if tx != stream[i] {
			t.Fatalf("block tx %d is not stream tx %d", i, i)
		}
	}
	if _, err := n.Submit(stream[2]); !errors.Is(err, sequencer.ErrStaleNonce) {
		t.Fatalf("resubmission of an executed transaction: %v", err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Submit(stream[20]); !errors.Is(err, sequencer.ErrNodeClosed) {
		t.Fatalf("submit after close: %v", err)
	}

	n = openNode(t, dir, o)
	if r := n.Recovery(); r.Created || r.Head != 1 || r.Restored != 12 || r.Replayed != 0 {
		t.Fatalf("reopen: %+v", r)
	}
	for _, tx := range stream[20:] {
		if _, err := n.Submit(tx); err != nil {
			t.Fatal(err)
		}
	}
	blocks, err := n.Drain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if blocks != 3 || n.Pending() != 0 {
		t.Fatalf("drained %d blocks, %d pending", blocks, n.Pending())
	}
	_, root, err := n.Head()
	if err != nil {
		t.Fatal(err)
	}
	if want := referenceRoot(t, w, stream); root != want {
		t.Fatalf("root %s, reference %s", root.Hex(), want.Hex())
	}
	n.Close()

	// Reopened with another genesis, without one, or over a fresh
	// directory without one.
	_, g2 := nodeWorld(t, 5)
	if _, err := sequencer.Open(dir, nodeOptions(w, g2, nil, limits)); !errors.Is(err, sequencer.ErrGenesisMismatch) {
		t.Fatalf("another genesis: %v", err)
	}
	o.Genesis = nil
	n = openNode(t, dir, o)
	if _, r, _ := n.Head(); r != root {
		t.Fatalf("reopened without a genesis: root %s", r.Hex())
	}
	n.Close()
	if _, err := sequencer.Open(t.TempDir(), o); !errors.Is(err, sequencer.ErrNoGenesis) {
		t.Fatalf("fresh directory without a genesis: %v", err)
	}
	if _, err := sequencer.Open(t.TempDir(), sequencer.NodeOptions{}); !errors.Is(err, sequencer.ErrNoConfig) {
		t.Fatalf("no config: %v", err)
	}
}

// referenceChain executes blocks one after the other with Serial over the
// world's in-memory genesis, and returns the final state root, computed
// on a clone of the genesis commitment. It is for transactions whose fees
// depend on how they are split into blocks (the access-list discount).
func referenceChain(t testing.TB, w *workload.World, blocks [][]*sequencer.Tx) asm.Felt {
	t.Helper()
	st := state.NewCached(w.Genesis)
	cs, err := w.Genesis.Commitment()
	if err != nil {
		t.Fatal(err)
	}
	root := cs.Root()
	for i, txs := range blocks {
		b := &sequencer.Block{Number: uint64(i + 1), Timestamp: 1_700_000_000, SequencerAddress: w.Sequencer, Txs: txs}
		res, err := (&sequencer.Serial{Config: w.Config}).Execute(context.Background(), st, b)
		if err != nil {
			t.Fatal(err)
		}
		d := res.Diff
		for _, x := range d.DeployedContracts {
			must(t, st.SetClassHash(x.Address, x.ClassHash))
		}
		for _, x := range d.Nonces {
			must(t, st.SetNonce(x.ContractAddress, x.Nonce))
		}
		for _, sd := range d.StorageDiffs {
			for _, e := range sd.StorageEntries {
				must(t, st.SetStorage(sd.Address, e.Key, e.Value))
			}
		}
		if root, err = cs.Apply(&d); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestNodeExecutorsAgree runs one stream of transfers that declare their
// access lists through nodes with each executor, with limits that cut
// blocks by each bound, and checks they make the same blocks and reach
// the root of a reference run of those blocks.
func TestNodeExecutorsAgree(t *testing.T) {
	w, g := nodeWorld(t, 6)
	stream := transferStream(w, 60, 2)
	for _, tx := range stream {
		if tx.Calldata[3] != w.Token {
			w.Declare(tx, tx.Calldata[3])
		}
	}
	limits := sequencer.Limits{MaxTxs: 14, MaxSteps: 568 * 12, MaxDiffEntries: 15}
	var sizes [][]int
	var want asm.Felt
	for _, ex := range []sequencer.Executor{&sequencer.Serial{Config: w.Config},
		&sequencer.BlockSTM{Config: w.Config, Workers: 2},
		&sequencer.AccessListExecutor{Config: w.Config, Workers: 2}} {
		n := openNode(t, t.TempDir(), nodeOptions(w, g, ex, limits))
		for _, tx := range stream {
			if _, err := n.Submit(tx); err != nil {
				t.Fatal(err)
			}
		}
		var sz []int
		var blocks [][]*sequencer.Tx
		for {
			b, err := n.ProduceBlock(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if b == nil {
				break
			}
			if len(b.Rejected) > 0 {
				t.Fatalf("%s: rejected %s", ex.Name(), b.Rejected[0].Receipt.Reason)
			}
			steps := 0
			for _, r := range b.Receipts {
				steps += r.Resources.Steps
			}
			if len(b.Txs) > limits.MaxTxs || steps > limits.MaxSteps || sequencer.DiffEntries(&b.Diff) > limits.MaxDiffEntries {
				t.Fatalf("%s: block %d of %d txs, %d steps, %d diff entries is over the limits", ex.Name(), b.Number, len(b.Txs), steps, sequencer.DiffEntries(&b.Diff))
			}
			sz = append(sz, len(b.Txs))
			blocks = append(blocks, b.Txs)
		}
		if want.IsZero() {
			want = referenceChain(t, w, blocks)
		}
		_, root, _ := n.Head()
		if root != want {
			t.Errorf("%s: root %s, reference %s", ex.Name(), root.Hex(), want.Hex())
		}
		n.Close()
		sizes = append(sizes, sz)
		t.Logf("%s: blocks of %v", ex.Name(), sz)
	}
	for i := 1; i < len(sizes); i++ {
		if len(sizes[i]) != len(sizes[0]) {
			t.Fatalf("executors made different blocks: %v", sizes)
		}
		for j := range sizes[i] {
			if sizes[i][j] != sizes[0][j] {
				t.Fatalf("executors made different blocks: %v", sizes)
			}
		}
	}
}

// TestNodeConcurrent submits from several goroutines while blocks are
// produced, then checks every transfer is committed once, and the root
// against a reference run of the blocks the node made.
func TestNodeConcurrent(t *testing.T) {
	w, g := nodeWorld(t, 8)
	// Each goroutine sends the transfers of its own accounts, in nonce
	// order; their interleaving is the scheduler's.
	stream := transferStream(w, 160, 3)
	const senders = 4
	bySender := make([][]*sequencer.Tx, senders)
	for _, tx := range stream {
		for i, a := range w.Accounts {
			if a.Address == tx.Sender {
				bySender[i%senders] = append(bySender[i%senders], tx)
			}
		}
	}
	n := openNode(t, t.TempDir(), nodeOptions(w, g, &sequencer.BlockSTM{Config: w.Config, Workers: 2}, sequencer.Limits{MaxTxs: 10}))
	defer n.Close()
	var blocks [][]*sequencer.Tx
	stop := make(chan struct{})
	produced := make(chan error, 1)
	go func() {
		for {
			b, err := n.ProduceBlock(context.Background())
			if err != nil {
				produced <- err
				return
			}
			if b != nil && b.Committed {
				blocks = append(blocks, b.Txs)
			}
			select {
			case <-stop:
				produced <- nil
				return
			default:
			}
		}
	}()
	errs := make(chan error, senders)
	for _, txs := range bySender {
		go func() {
			for _, tx := range txs {
				if _, err := n.Submit(tx); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range senders {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	if err := <-produced; err != nil {
		t.Fatal(err)
	}
	for {
		b, err := n.ProduceBlock(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			break
		}
		blocks = append(blocks, b.Txs)
	}
	seen := map[*sequencer.Tx]bool{}
	for _, txs := range blocks {
		for _, tx := range txs {
			if seen[tx] {
				t.Fatal("a transfer committed twice")
			}
			seen[tx] = true
		}
	}
	if len(seen) != len(stream) {
		t.Fatalf("%d of %d transfers committed", len(seen), len(stream))
	}
	_, root, _ := n.Head()
	if want := referenceChain(t, w, blocks); root != want {
		t.Fatalf("root %s, the reference run of the node's blocks gives %s", root.Hex(), want.Hex())
	}
	t.Logf("%d blocks", len(blocks))
}

// TestNodeRejected checks that a transaction execution rejects is dropped
// from the mempool and the journal, and that its account's next
// transaction waits for a replacement.
func TestNodeRejected(t *testing.T) {
	w, g := nodeWorld(t, 2)
	a, b := w.Accounts[0], w.Accounts[1]
	ok1 := w.Transfer(a, b.Address, 1, 10_000_000)
	poor := w.Transfer(b, a.Address, 1, 2_000_000_000) // over b's balance
	waits := w.Transfer(b, a.Address, 1, 10_000_000)   // nonce 1: waits for a new 0
	dir := t.TempDir()
	o := nodeOptions(w, g, nil, sequencer.Limits{})
	n := openNode(t, dir, o)
	for _, tx := range []*sequencer.Tx{ok1, poor, waits} {
		if _, err := n.Submit(tx); err != nil {
			t.Fatal(err)
		}
	}
	blk, err := n.ProduceBlock(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !blk.Committed || len(blk.Txs) != 1 || blk.Txs[0] != ok1 || len(blk.Rejected) != 1 || blk.Rejected[0].Tx != poor || blk.Pending != 1 {
		t.Fatalf("block: committed %v, %d txs, %d rejected, %d pending", blk.Committed, len(blk.Txs), len(blk.Rejected), blk.Pending)
	}
	if blk, err := n.ProduceBlock(context.Background()); blk != nil || err != nil {
		t.Fatalf("a block while b's nonce 1 waits: %v %v", blk, err)
	}
	n.Close()
	n = openNode(t, dir, o)
	if r := n.Recovery(); r.Restored != 1 || r.Records != 1 {
		t.Fatalf("reopen: %+v", r)
	}
	b.Nonce = 0
	again := w.Transfer(b, a.Address, 1, 10_000_000)
	if _, err := n.Submit(again); err != nil {
		t.Fatal(err)
	}
	if blocks, err := n.Drain(context.Background()); err != nil || blocks != 1 || n.Pending() != 0 {
		t.Fatalf("drain: %d blocks, %d pending, %v", blocks, n.Pending(), err)
	}
	_, root, _ := n.Head()
	if want := referenceRoot(t, w, []*sequencer.Tx{ok1, again, waits}); root != want {
		t.Fatalf("root %s, reference %s", root.Hex(), want.Hex())
	}
	n.Close()
}

// TestNodeReplayFallback opens a node over a store whose trie nodes are
// not there (its genesis was committed with a root computed elsewhere):
// the commitment cannot be opened on the root, and is rebuilt from the
// stored diffs instead.
func TestNodeReplayFallback(t *testing.T) {
	w, g := nodeWorld(t, 3)
	dir := t.TempDir()
	db, err := store.Open(filepath.Join(dir, "state"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CommitBlock(0, &g.Diff, g.Classes, w.Genesis.Root()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	n := openNode(t, dir, nodeOptions(w, g, nil, sequencer.Limits{}))
	if r := n.Recovery(); r.Replayed != 1 || r.Created {
		t.Fatalf("recovery %+v, want a replay of block 0", r)
	}
	txs := transferStream(w, 5, 4)
	for _, tx := range txs {
		if _, err := n.Submit(tx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := n.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, root, _ := n.Head()
	if want := referenceRoot(t, w, txs); root != want {
		t.Fatalf("root %s, reference %s", root.Hex(), want.Hex())
	}
	n.Close()
	// The block's commit wrote the replayed nodes: no replay now.
	n = openNode(t, dir, nodeOptions(w, g, nil, sequencer.Limits{}))
	if r := n.Recovery(); r.Replayed != 0 {
		t.Fatalf("second reopen: %+v, want no replay", r)
	}
	if _, r, _ := n.Head(); r != root {
		t.Fatalf("second reopen at root %s, want %s", r.Hex(), root.Hex())
	}
	n.Close()
	// A store whose root is not what its diffs give fails the replay.
	dir = t.TempDir()
	db, err = store.Open(filepath.Join(dir, "state"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CommitBlock(0, &g.Diff, g.Classes, asm.FeltFromUint64(12345)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := sequencer.Open(dir, nodeOptions(w, g, nil, sequencer.Limits{})); !errors.Is(err, sequencer.ErrRecovery) {
		t.Fatalf("a store with a wrong root: %v, want a *RecoveryError", err)
	}
}

func TestNodeGenesisState(t *testing.T) {
	contract := asm.FeltFromUint64(0xc0)
	setup := func(st *state.Cached) error {
		if err := st.SetClassHash(contract, asm.FeltFromUint64(0xc1a55)); err != nil {
			return err
		}
		if err := st.SetNonce(contract, asm.FeltFromUint64(3)); err != nil {
			return err
		}
		return st.SetStorage(contract, asm.FeltFromUint64(1), asm.FeltFromUint64(42))
	}
	g, err := sequencer.NewGenesisState(setup, nil)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := sequencer.NewGenesis(setup)
	if err != nil {
		t.Fatal(err)
	}
	n := openNode(t, t.TempDir(), sequencer.NodeOptions{Config: &sequencer.Config{}, Genesis: g})
	defer n.Close()
	if _, root, _ := n.Head(); root != ref.Root() {
		t.Fatalf("genesis root %s, NewGenesis gives %s", root.Hex(), ref.Root())
	}
	if v, err := n.State().Storage(contract, asm.FeltFromUint64(1)); err != nil || v != asm.FeltFromUint64(42) {
		t.Fatalf("storage %s (%v)", v, err)
	}
	if v, err := n.State().Nonce(contract); err != nil || v != asm.FeltFromUint64(3) {
		t.Fatalf("nonce %s (%v)", v, err)
	}

	// A genesis declaring a class without its JSON cannot be stored.
	w, g2 := nodeWorld(t, 1)
	g2.Classes = nil
	if _, err := sequencer.Open(t.TempDir(), nodeOptions(w, g2, nil, sequencer.Limits{})); !errors.Is(err, store.ErrInvalidClass) {
		t.Fatalf("genesis without its classes' JSON: %v", err)
	}
	if _, err := sequencer.NewGenesisState(func(*state.Cached) error { return errors.ErrUnsupported }, nil); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("a failing setup: %v", err)
	}
}

// TestNodeDeployAccount funds an address, deploys an account there, and
// restarts the node between the submissions and the block: both come back
// from the journal, in order.
func TestNodeDeployAccount(t *testing.T) {
	w, g := nodeWorld(t, 2)
	deploy := sequencer.NewDeployAccount(w.AccountClass, asm.FeltFromUint64(77), asm.FeltFromUint64(10_000_000), nil)
	fund := w.Transfer(w.Accounts[0], deploy.Sender, 50_000_000, 10_000_000)
	dir := t.TempDir()
	o := nodeOptions(w, g, &sequencer.BlockSTM{Config: w.Config, Workers: 2}, sequencer.Limits{})
	n := openNode(t, dir, o)
	for _, tx := range []*sequencer.Tx{fund, deploy} {
		if _, err := n.Submit(tx); err != nil {
			t.Fatal(err)
		}
	}
	n.Close()
	n = openNode(t, dir, o)
	defer n.Close()
	if r := n.Recovery(); r.Restored != 2 {
		t.Fatalf("reopen: %+v", r)
	}
	b, err := n.ProduceBlock(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Txs) != 2 || len(b.Rejected) != 0 {
		t.Fatalf("block of %d txs, %d rejected", len(b.Txs), len(b.Rejected))
	}
	for i, r := range b.Receipts {
		if r.Status != sequencer.Succeeded {
			t.Fatalf("tx %d: %s %s", i, r.Status, r.Reason)
		}
	}
	if ch, err := n.State().ClassHash(deploy.Sender); err != nil || ch != w.AccountClass {
		t.Fatalf("class at the deployed address %s (%v)", ch.Hex(), err)
	}
	if want := referenceRoot(t, w, []*sequencer.Tx{fund, deploy}); b.Root != want {
		t.Fatalf("root %s, reference %s", b.Root.Hex(), want.Hex())
	}
	if _, err := n.Submit(deploy); !errors.Is(err, sequencer.ErrStaleNonce) {
		t.Fatalf("the deployment again: %v", err)
	}
}
