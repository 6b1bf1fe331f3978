package sequencer_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/cairn-vm/cairn/internal/corpusdir"
	"github.com/cairn-vm/cairn/sequencer"
	"github.com/cairn-vm/cairn/sequencer/workload"
)

// exampleRun builds a world of 4 accounts that check signatures, sends a
// block of 4 signed ERC20 transfers that all go to one address, and runs
// it with each executor.
func exampleRun(out io.Writer, corpus string) error {
	w, err := workload.New(workload.Options{Corpus: corpus, Accounts: 4, Validate: true, Balance: 1_000_000})
	if err != nil {
		return err
	}
	b, err := w.TransferBlock(4, workload.Full, true, 1)
	if err != nil {
		return err
	}
	for _, ex := range []sequencer.Executor{
		&sequencer.Serial{Config: w.Config},
		&sequencer.BlockSTM{Config: w.Config, Workers: 2},
		&sequencer.AccessListExecutor{Config: w.Config, Workers: 2},
	} {
		res, err := ex.Execute(context.Background(), w.Genesis, b)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s: %s, fee %s, root %s\n", ex.Name(), res.Receipts[0].Status, res.Receipts[0].ActualFee, res.Root.Hex()[:10])
	}
	return nil
}

// Example runs one block with the three executors; they give the same
// receipts and the same state root. It needs the conformance corpus
// (../shared/corpus, or $CAIRN_CORPUS), so it has no fixed output;
// TestExample runs it.
func Example() {
	dir, err := corpusdir.Dir()
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := exampleRun(os.Stdout, dir); err != nil {
		fmt.Println(err)
	}
}

func TestExample(t *testing.T) {
	dir := corpusdir.OrSkip(t)
	if err := exampleRun(io.Discard, dir); err != nil {
		t.Fatal(err)
	}
}
