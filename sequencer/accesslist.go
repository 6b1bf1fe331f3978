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

// AccessListExecutor schedules by declaration. The declared transactions
// are split into conflict groups (transactions whose footprints overlap
// are in one group; see conflictGroups) and the groups run first, in
// parallel, each in block order over its own state.Cached on the base,
// with no multi-version memory, validation or re-execution: their
// declarations, enforced, say that different groups cannot see each
// other. Transactions that conflict with no other declared transaction
// (independent ones) are groups of one; declared transfers to one hot
// account form one group that a single worker runs at serial speed
// instead of a chain of waits. The rest of the block then runs with
// Block-STM over the base plus their writes.
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

// groupOut is the outcome of a conflict group.
type groupOut struct {
	receipts []*Receipt // per member, in the group's order
	writes   map[blockstm.Location]asm.Felt
	reads    []blockstm.Location
	fee      asm.Felt // the members' fees, added up
	err      error
	errTx    int
}

// Execute implements Executor.
func (e *AccessListExecutor) Execute(ctx context.Context, base state.Reader, b *Block) (*BlockResult, error) {
	cfg := e.Config
	commit := baseCommitment(base)
	ps := cfg.prepare(b, e.Workers)
	groups := cfg.conflictGroups(b, ps)
	inGroup := make([]bool, len(b.Txs))
	planned := 0
	for _, g := range groups {
		for _, i := range g {
			inGroup[i] = true
		}
		planned += len(g)
	}
	var rest []int
	for i := range b.Txs {
		if !inGroup[i] {
			rest = append(rest, i)
		}
	}
	workers := e.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}

	// Phase 1: the conflict groups, straight over the base.
	out := make([]groupOut, len(groups))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, len(groups)) {
		wg.Go(func() {
			for {
				j := int(next.Add(1) - 1)
				if j >= len(groups) || ctx.Err() != nil {
					return
				}
				out[j] = e.runGroup(base, b, groups[j], ps)
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
			return nil, &ExecError{Tx: o.errTx, Err: o.err}
		}
		for k, i := range groups[j] {
			res.Receipts[i] = o.receipts[k]
		}
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
			return nil, &ExecError{Tx: groups[0][0], Err: err}
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
	if planned > 0 && conflicts(txs, final, touched, seqLo) {
		// Something else touched what phase 1 did: its early run does
		// not stand for the block order. Run the block as a whole.
		commit() // not to leave it running; the fallback gets its own
		r, err := (&BlockSTM{Config: cfg, Workers: workers}).Execute(ctx, base, b)
		if err != nil {
			return nil, err
		}
		r.Stats.Fallback = true
		r.Stats.Executions += planned + stats.Executions
		r.Stats.ReExecutions += planned + stats.Executions
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
	for i := range ps {
		if ps[i].independent {
			res.Stats.Independent++
		}
	}
	res.Stats.Planned = planned
	res.Stats.Groups = len(groups)
	res.Stats.Executions = planned + stats.Executions
	res.Stats.ReExecutions = stats.ReExecutions()
	return res, nil
}

// runGroup runs a conflict group's transactions in order over one layer
// on the base, as Serial does, except that the fees are added up for the
// sequencer's balance instead of written to it (no member reads it).
func (e *AccessListExecutor) runGroup(base state.Reader, b *Block, group []int, ps []prepared) (o groupOut) {
	c := state.NewCached(base)
	credit := func(f asm.Felt) error {
		o.fee.Add(&o.fee, &f)
		return nil
	}
	o.receipts = make([]*Receipt, len(group))
	for k, i := range group {
		cp := c.Checkpoint()
		fee := o.fee
		r, err := safeRun(e.Config, c, b, b.Txs[i], &ps[i], credit)
		if err == nil {
			if r.Status == Rejected {
				o.fee = fee
				err = c.RevertTo(cp)
			} else {
				err = c.Release(cp)
			}
		}
		if err != nil {
			return groupOut{err: err, errTx: i}
		}
		o.receipts[k] = r
	}
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
