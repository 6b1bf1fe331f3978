package sequencer_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/internal/corpusdir"
	"github.com/cairn-vm/cairn/sequencer"
	"github.com/cairn-vm/cairn/sequencer/workload"
	"github.com/cairn-vm/cairn/state"
)

// exampleNode opens a node over a world of 3 accounts, submits transfers,
// produces a block, and shows that after a restart the node is at that
// block with the transfer that did not fit back in its mempool.
func exampleNode(out io.Writer, corpus, dir string) error {
	// The genesis a node commits as block 0: the world's genesis diff,
	// taken by a Setup that runs last, and the JSON of its classes.
	var diff state.Diff
	w, err := workload.New(workload.Options{Corpus: corpus, Accounts: 3, Balance: 1_000_000_000,
		Setup: func(st *state.Cached) error { diff = st.Diff(); return nil }})
	if err != nil {
		return err
	}
	classes := map[asm.Felt][]byte{}
	for _, name := range []string{workload.ERC20Class, workload.DummyAccountClass} {
		js, err := os.ReadFile(filepath.Join(corpus, "casm", name))
		if err != nil {
			return err
		}
		cl, err := class.Parse(js)
		if err != nil {
			return err
		}
		classes[cl.CompiledClassHash()] = js
	}
	opts := sequencer.NodeOptions{
		Config:           w.Config,
		Executor:         &sequencer.BlockSTM{Config: w.Config, Workers: 2},
		Limits:           sequencer.Limits{MaxTxs: 2, MaxSteps: 1_000_000, MaxDiffEntries: 1000},
		Genesis:          &sequencer.GenesisState{Diff: diff, Classes: classes},
		SequencerAddress: w.Sequencer,
	}
	n, err := sequencer.Open(dir, opts)
	if err != nil {
		return err
	}
	for i := range 3 {
		tx := w.Transfer(w.Accounts[i], w.Accounts[(i+1)%3].Address, 10, 10_000_000)
		// Durable in the journal once Submit returns.
		if _, err := n.Submit(tx); err != nil {
			return err
		}
	}
	b, err := n.ProduceBlock(context.Background())
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "block %d: %d transactions, %d pending\n", b.Number, len(b.Txs), b.Pending)
	if err := n.Close(); err != nil {
		return err
	}

	n, err = sequencer.Open(dir, opts)
	if err != nil {
		return err
	}
	defer n.Close()
	head, _, err := n.Head()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "reopened at block %d with %d pending\n", head, n.Pending())
	blocks, err := n.Drain(context.Background())
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "drained in %d block\n", blocks)
	return nil
}

// ExampleNode runs a node through a restart. It needs the conformance
// corpus (../shared/corpus, or $CAIRN_CORPUS), so it has no fixed output;
// TestExampleNode runs it. It prints
//
//	block 1: 2 transactions, 1 pending
//	reopened at block 1 with 1 pending
//	drained in 1 block
func ExampleNode() {
	corpus, err := corpusdir.Dir()
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, err := os.MkdirTemp("", "node")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	if err := exampleNode(os.Stdout, corpus, dir); err != nil {
		fmt.Println(err)
	}
}

func TestExampleNode(t *testing.T) {
	corpus := corpusdir.OrSkip(t)
	out := new(stringWriter)
	if err := exampleNode(out, corpus, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	want := "block 1: 2 transactions, 1 pending\nreopened at block 1 with 1 pending\ndrained in 1 block\n"
	if out.s != want {
		t.Fatalf("printed\n%s\nwant\n%s", out.s, want)
	}
}

type stringWriter struct{ s string }

func (w *stringWriter) Write(b []byte) (int, error) { w.s += string(b); return len(b), nil }
