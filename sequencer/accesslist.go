package sequencer

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/sequencer/blockstm"
	"github.com/cairn-vm/cairn/state"
)

// AccessListExecutor schedules by declaration. The independent declared
// transactions (see the package documentation) run first, in parallel,
// each over its own state.Cached on the base, with no multi-version
// memory, validation or re-execution: their declarations, enforced, say
// they cannot conflict with each other. The rest of the block then runs
// with Block-STM over the base plus their writes, each declared
// transaction's access list telling Block-STM what it will read and
// write (blockstm.Parallel.Hints): of several declared transfers to one
// account, each waits for the one before instead of running on a balance
// about to change.
//
// Running them first is a reordering, correct only if no other
// transaction of the block touches what they touched; undeclared
// transactions promise nothing, so that is checked afterwards against
// what each transaction actually read and wrote, and when it fails the
// whole block runs again with Block-STM (Stats.Fallback). Either way the
// result equals Serial's.
type AccessListExecutor struct {
	Config *Config
	// Workers is the number of goroutines (GOMAXPROCS when 0 or less).
	Workers int
}

// Name returns "accesslist".
func (*AccessListExecutor) Name() string { return "accesslist" }

// phase1 is the outcome of an independent transaction.
type phase1 struct {
	receipt *Receipt
	writes  map[blockstm.Location]asm.Felt
	reads   []blockstm.Location
	fee     asm.Felt
	err     error
}

// Execute implements Executor.
func (e *AccessListExecutor) Execute(ctx context.Context, base state.Reader, b *Block) (*BlockResult, error) {
	cfg := e.Config
	commit := baseCommitment(base)
	ps := cfg.prepare(b, e.Workers)
	var first, rest []int
	for i := range ps {
		if ps[i].independent {
			first = append(first, i)
		} else {
			rest = append(rest, i)
		}
	}
	workers := e.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}

	// Phase 1: the independent transactions, straight over the base.
	out := make([]phase1, len(first))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, len(first)) {
		wg.Go(func() {
			for {
				j := int(next.Add(1) - 1)
				if j >= len(first) || ctx.Err() != nil {
					return
				}
				out[j] = e.runAlone(base, b, first[j], &ps[first[j]])
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := &BlockResult{Receipts: make([]*Receipt, len(b.Txs))}
	overlay := map[blockstm.Location]asm.Felt{}
	touched := map[blockstm.Location]bool{} // read or written in phase 1; true: written
	var fees asm.Felt
	for j, o := range out {
		if o.err != nil {
			return nil, &ExecError{Tx: first[j], Err: o.err}
		}
		res.Receipts[first[j]] = o.receipt
		for _, l := range o.reads {
			if !touched[l] {
				touched[l] = false
			}
		}
		for l, v := range o.writes {
			overlay[l] = v
			touched[l] = true
		}
		fees.Add(&fees, &o.fee)
	}
	lo, _ := cfg.balanceKeys(b.SequencerAddress)
	seqLo := blockstm.StorageAt(cfg.FeeToken, lo)
	if !fees.IsZero() {
		v, err := base.Storage(cfg.FeeToken, lo)
		if err != nil {
			return nil, &ExecError{Tx: first[0], Err: err}
		}
		overlay[seqLo] = *v.Add(&v, &fees)
	}

	// Phase 2: the rest, with Block-STM over the base and phase 1.
	run := newSTMRun(cfg, base, b, ps)
	// The declared transactions left are those that conflict with
	// another: their declarations tell Block-STM which ones wait for
	// which, instead of it finding out by aborting them.
	run.hinted = true
	over := overlayBase{over: overlay, base: blockstm.StateBase{R: base}}
	txs, final, stats, err := run.execute(ctx, over, rest, workers)
	if err != nil {
		return nil, err
	}
	if len(first) > 0 && conflicts(txs, final, touched, seqLo) {
		// Something else touched what phase 1 did: its early run does
		// not stand for the block order. Run the block as a whole.
		commit() // not to leave it running; the fallback gets its own
		r, err := (&BlockSTM{Config: cfg, Workers: workers}).Execute(ctx, base, b)
		if err != nil {
			return nil, err
		}
		r.Stats.Fallback = true
		r.Stats.Executions += len(first) + stats.Executions
		r.Stats.ReExecutions += len(first) + stats.Executions
		return r, nil
	}
	for j, i := range rest {
		res.Receipts[i] = txs[j].receipt
	}
	for l, v := range final {
		overlay[l] = v
	}
	if err := finish(base, commit, overlay, res); err != nil {
		return nil, err
	}
	res.Stats.Independent = len(first)
	res.Stats.Executions = len(first) + stats.Executions
	res.Stats.ReExecutions = stats.ReExecutions()
	return res, nil
}

// runAlone runs transaction i over its own layer on the base.
func (e *AccessListExecutor) runAlone(base state.Reader, b *Block, i int, p *prepared) (o phase1) {
	c := state.NewCached(base)
	r, err := safeRun(e.Config, c, b, b.Txs[i], p, func(f asm.Felt) error {
		o.fee = f
		return nil
	})
	if err != nil {
		return phase1{err: err}
	}
	o.receipt = r
	rs := c.Reads()
	for _, x := range rs.Storage {
		o.reads = append(o.reads, blockstm.StorageAt(x.Contract, x.Key))
	}
	for _, x := range rs.Nonces {
		o.reads = append(o.reads, blockstm.NonceOf(x.Contract))
	}
	for _, x := range rs.ClassHashes {
		o.reads = append(o.reads, blockstm.ClassHashOf(x.Contract))
	}
	for _, x := range rs.CompiledClassHashes {
		o.reads = append(o.reads, blockstm.CompiledClassHashOf(x.ClassHash))
	}
	for _, x := range rs.Classes {
		o.reads = append(o.reads, blockstm.CompiledClassHashOf(x.ClassHash))
	}
	if r.Status == Rejected {
		o.fee = asm.Felt{}
		return o
	}
	o.writes = writesOfDiff(c.Diff())
	return o
}

// conflicts reports whether a phase-2 transaction read something phase 1
// wrote, wrote something phase 1 read or wrote, or read the sequencer's
// balance (which phase 1's fees, all added up front, would distort).
// Adding a fee to the sequencer's balance is no conflict: it commutes.
func conflicts(txs []txOut, final map[blockstm.Location]asm.Felt, touched map[blockstm.Location]bool, seqLo blockstm.Location) bool {
	for _, t := range txs {
		for _, l := range t.reads {
			if l == seqLo || touched[l] {
				return true
			}
		}
	}
	for l := range final {
		if l == seqLo {
			continue
		}
		if _, ok := touched[l]; ok {
			return true
		}
	}
	return false
}

// overlayBase is the base with phase 1's writes on top.
type overlayBase struct {
	over map[blockstm.Location]asm.Felt
	base blockstm.StateBase
}

func (o overlayBase) Get(l blockstm.Location) (asm.Felt, error) {
	if v, ok := o.over[l]; ok {
		return v, nil
	}
	return o.base.Get(l)
}
