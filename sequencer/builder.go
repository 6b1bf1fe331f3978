package sequencer

import (
	"context"
	"errors"
	"fmt"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/state"
)

// Limits bound a block. A zero field is no limit.
type Limits struct {
	// MaxTxs is the most transactions in a block.
	MaxTxs int
	// MaxSteps is the most Cairo steps, the sum of the receipts'
	// Resources.Steps.
	MaxSteps int
	// MaxDiffEntries is the most entries in the block's state diff: storage
	// entries, nonces, deployed contracts, replaced classes and declared
	// classes ([DiffEntries]).
	MaxDiffEntries int
}

// DiffEntries returns the number of entries of d that Limits.MaxDiffEntries
// counts.
func DiffEntries(d *state.Diff) int {
	n := len(d.Nonces) + len(d.DeployedContracts) + len(d.ReplacedClasses) + len(d.DeclaredClasses)
	for _, s := range d.StorageDiffs {
		n += len(s.StorageEntries)
	}
	return n
}

// Builder makes a block out of candidate transactions (the mempool's
// ready ones, in order) within Limits, executing it with Executor.
//
// A transaction's steps and writes are only known once it has run, so
// the builder executes and then cuts: the block is the longest prefix of
// the candidates whose steps and diff fit, and the transactions after it
// are left for a later block (they stay in the mempool). Steps are known
// per transaction from the receipts, and a transaction's execution
// depends only on those before it, so the cut for steps is exact; the
// diff of a prefix is only known by executing it, so the diff limit is met
// by bisecting on the prefix's length (log2 of the block's length more
// executions, only for a block that hits the limit). The first
// candidate always makes a block, even alone over a limit, so that one
// large transaction cannot hold its account back forever; each
// transaction's steps are bounded anyway, by Config.MaxSteps.
//
// Rejected transactions (bad nonce, unable to pay, failed validation)
// change nothing and are left out of the block, which is executed again
// without them so that its receipts are exactly its transactions' (they
// may still matter to the others: the access-list discount depends on the
// whole block). An account's transactions after its rejected one fail for
// the nonce the rejection left unused: they are left for a later block,
// not rejected, since a transaction taking that nonce makes them valid.
//
// Any Executor gives the same block: they all give the same receipts and
// diff for the same transactions.
type Builder struct {
	Executor Executor
	Limits   Limits
}

// Built is a block the builder made.
type Built struct {
	// Block is the block: the header given to Build and the included
	// transactions, in order. It has none when no candidate could go in
	// (each was rejected, or waits for a rejected one's nonce).
	Block *Block
	// Result is the Executor's result for Block (nil when Block is empty).
	Result *BlockResult
	// Rejected are the candidates left out as rejected, with their
	// receipts (Reason says why).
	Rejected []RejectedTx
	// Left is the number of candidates neither in the block nor rejected:
	// those after it that did not fit, and those waiting for the nonce of
	// a rejected one.
	Left int
	// Executions counts the block executions it took.
	Executions int
}

// RejectedTx is a transaction the builder left out of a block because its
// execution rejected it.
type RejectedTx struct {
	Tx      *Tx
	Receipt *Receipt
}

// ErrNoExecutor: a Builder without an Executor.
var ErrNoExecutor = errors.New("sequencer: builder has no executor")

// Build executes candidates (at most Limits.MaxTxs of them) over base as
// a block with header's number, timestamp and sequencer address, and
// returns the block that fits the limits. The error is ctx's, the
// Executor's, or ErrNoExecutor.
func (b *Builder) Build(ctx context.Context, base state.Reader, header Block, candidates []*Tx) (*Built, error) {
	if b.Executor == nil {
		return nil, ErrNoExecutor
	}
	txs := candidates
	if b.Limits.MaxTxs > 0 && len(txs) > b.Limits.MaxTxs {
		txs = txs[:b.Limits.MaxTxs]
	}
	out := &Built{}
	run := func(txs []*Tx) (*BlockResult, error) {
		blk := header
		blk.Txs = txs
		out.Executions++
		res, err := b.Executor.Execute(ctx, base, &blk)
		if err != nil {
			return nil, fmt.Errorf("sequencer: building block %d: %w", header.Number, err)
		}
		return res, nil
	}
	// Every turn either returns or shortens txs, so this ends.
	for len(txs) > 0 {
		res, err := run(txs)
		if err != nil {
			return nil, err
		}
		if k := b.stepsFit(res); k < len(txs) {
			txs = txs[:k]
			continue
		}
		if b.diffOver(res) && len(txs) > 1 {
			k, err := b.diffFit(txs, run)
			if err != nil {
				return nil, err
			}
			txs = txs[:k]
			continue
		}
		var kept []*Tx
		blocked := map[asm.Felt]bool{}
		for i, r := range res.Receipts {
			tx := txs[i]
			switch {
			case r.Status != Rejected:
				kept = append(kept, tx)
			case tx.Type != L1Handler && blocked[tx.Sender]:
				// Rejected for the nonce an earlier rejection left
				// unused: it waits for a transaction that takes it.
			default:
				if tx.Type != L1Handler {
					blocked[tx.Sender] = true
				}
				out.Rejected = append(out.Rejected, RejectedTx{Tx: tx, Receipt: r})
			}
		}
		if len(kept) < len(txs) {
			// Left out, the rejected transactions change no state, so the
			// block still fits.
			txs = kept
			continue
		}
		blk := header
		blk.Txs = txs
		out.Block, out.Result = &blk, res
		out.Left = len(candidates) - len(txs) - len(out.Rejected)
		return out, nil
	}
	blk := header
	blk.Txs = nil
	out.Block = &blk
	out.Left = len(candidates) - len(out.Rejected)
	return out, nil
}

// stepsFit returns the length of the longest prefix of the block whose
// steps fit, at least 1.
func (b *Builder) stepsFit(res *BlockResult) int {
	if b.Limits.MaxSteps <= 0 {
		return len(res.Receipts)
	}
	sum := 0
	for i, r := range res.Receipts {
		sum += r.Resources.Steps
		if sum > b.Limits.MaxSteps {
			return max(i, 1)
		}
	}
	return len(res.Receipts)
}

func (b *Builder) diffOver(res *BlockResult) bool {
	return b.Limits.MaxDiffEntries > 0 && DiffEntries(&res.Diff) > b.Limits.MaxDiffEntries
}

// diffFit returns the length of a prefix of txs, between 1 and
// len(txs)-1, whose diff fits: the longest such when the diff grows with
// the prefix, as it does but for writes undone later in the block.
// txs itself is known not to fit.
func (b *Builder) diffFit(txs []*Tx, run func([]*Tx) (*BlockResult, error)) (int, error) {
	lo, hi := 1, len(txs)-1 // lo: fits, or is the minimum; hi+1 does not fit
	for lo < hi {
		mid := (lo + hi + 1) / 2
		res, err := run(txs[:mid])
		if err != nil {
			return 0, err
		}
		if b.diffOver(res) {
			hi = mid - 1
		} else {
			lo = mid
		}
	}
	return lo, nil
}
