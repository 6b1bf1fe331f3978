package sequencer

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/sequencer/blockstm"
	"github.com/cairn-vm/cairn/state"
	"github.com/cairn-vm/cairn/state/commitment"
)

// Executor executes a block over a base state. Every executor gives the
// same BlockResult (receipts, diff, root) for the same block and base;
// only Stats differ.
type Executor interface {
	// Name is the executor's short name ("serial", "blockstm",
	// "accesslist").
	Name() string
	// Execute runs b over base, which must allow concurrent reads and
	// must not change during the call. The error is ctx's, or an
	// *ExecError.
	Execute(ctx context.Context, base state.Reader, b *Block) (*BlockResult, error)
}

// Committer is a base state that knows its commitment. An executor
// running over one computes the new state root.
type Committer interface {
	// Commitment returns a commitment of the state, fresh for each call:
	// the executor applies the block's diff to it.
	Commitment() (*commitment.State, error)
}

// Serial runs the transactions one after the other over one state.Cached
// on the base: the reference for the other executors.
type Serial struct {
	Config *Config
}

// Name returns "serial".
func (*Serial) Name() string { return "serial" }

// Execute implements Executor.
func (s *Serial) Execute(ctx context.Context, base state.Reader, b *Block) (*BlockResult, error) {
	cfg := s.Config
	commit := baseCommitment(base)
	ps := cfg.prepare(b, 1)
	blk := state.NewCached(base)
	seqLo, _ := cfg.balanceKeys(b.SequencerAddress)
	credit := func(fee asm.Felt) error {
		v, err := blk.Storage(cfg.FeeToken, seqLo)
		if err != nil {
			return err
		}
		// Felt addition, as the delta of the parallel executors.
		v.Add(&v, &fee)
		return blk.SetStorage(cfg.FeeToken, seqLo, v)
	}
	res := &BlockResult{Receipts: make([]*Receipt, len(b.Txs))}
	for i, tx := range b.Txs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cp := blk.Checkpoint()
		r, err := safeRun(cfg, blk, b, tx, &ps[i], credit)
		if err != nil {
			return nil, &ExecError{Tx: i, Err: err}
		}
		if r.Status == Rejected {
			err = blk.RevertTo(cp)
		} else {
			err = blk.Release(cp)
		}
		if err != nil {
			return nil, &ExecError{Tx: i, Err: err}
		}
		res.Receipts[i] = r
	}
	final := writesOfDiff(blk.Diff())
	if err := finish(base, commit, final, res); err != nil {
		return nil, err
	}
	res.Stats.Executions = len(b.Txs)
	return res, nil
}

// safeRun is cfg.run with a panic turned into an error: a panic is a bug
// of cairn, which should stop the block rather than the process.
func safeRun(cfg *Config, st *state.Cached, b *Block, tx *Tx, p *prepared, credit func(asm.Felt) error) (r *Receipt, err error) {
	defer func() {
		if x := recover(); x != nil {
			r, err = nil, fmt.Errorf("panic: %v", x)
		}
	}()
	return cfg.run(st, b, tx, p, credit)
}

// writesOfDiff returns a diff's entries as locations.
func writesOfDiff(d state.Diff) map[blockstm.Location]asm.Felt {
	m := map[blockstm.Location]asm.Felt{}
	for _, s := range d.StorageDiffs {
		for _, e := range s.StorageEntries {
			m[blockstm.StorageAt(s.Address, e.Key)] = e.Value
		}
	}
	for _, n := range d.Nonces {
		m[blockstm.NonceOf(n.ContractAddress)] = n.Nonce
	}
	for _, x := range d.DeployedContracts {
		m[blockstm.ClassHashOf(x.Address)] = x.ClassHash
	}
	for _, x := range d.ReplacedClasses {
		m[blockstm.ClassHashOf(x.ContractAddress)] = x.ClassHash
	}
	for _, x := range d.DeclaredClasses {
		m[blockstm.CompiledClassHashOf(x.ClassHash)] = x.CompiledClassHash
	}
	return m
}

// baseCommitment starts getting the base's commitment, which does not
// depend on the block, so that it overlaps the block's execution; the
// function returned waits for it (nil when the base is no Committer).
func baseCommitment(base state.Reader) func() (*commitment.State, error) {
	c, ok := base.(Committer)
	if !ok {
		return func() (*commitment.State, error) { return nil, nil }
	}
	var cs *commitment.State
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		cs, err = c.Commitment()
	}()
	return func() (*commitment.State, error) {
		<-done
		return cs, err
	}
}

// finish fills res's diff (final against base), root and step count.
func finish(base state.Reader, commit func() (*commitment.State, error), final map[blockstm.Location]asm.Felt, res *BlockResult) error {
	start := time.Now()
	defer func() { res.Stats.Commit = time.Since(start) }()
	d, err := diffAgainst(base, final)
	if err != nil {
		return &ExecError{Tx: len(res.Receipts), Err: err}
	}
	res.Diff = d
	cs, err := commit()
	if err != nil {
		return &ExecError{Tx: len(res.Receipts), Err: err}
	}
	if cs != nil {
		if res.Root, err = cs.Apply(&d); err != nil {
			return &ExecError{Tx: len(res.Receipts), Err: err}
		}
	}
	res.Stats.Txs = len(res.Receipts)
	for _, r := range res.Receipts {
		res.Stats.Steps += r.Resources.Steps
	}
	return nil
}

// diffAgainst is the state diff of final values against base: entries
// equal to the base's are left out. Every executor builds its diff this
// way, so that a write of the value already there (which one executor
// may drop and another keep) never makes two diffs differ.
func diffAgainst(base state.Reader, final map[blockstm.Location]asm.Felt) (state.Diff, error) {
	var d state.Diff
	get := blockstm.StateBase{R: base}
	storage := map[asm.Felt][]state.StorageEntry{}
	for l, v := range final {
		old, err := get.Get(l)
		if err != nil {
			return d, err
		}
		if old == v {
			continue
		}
		switch l.Kind {
		case blockstm.KindStorage:
			storage[l.Contract] = append(storage[l.Contract], state.StorageEntry{Key: l.Key, Value: v})
		case blockstm.KindNonce:
			d.Nonces = append(d.Nonces, state.NonceUpdate{ContractAddress: l.Contract, Nonce: v})
		case blockstm.KindClassHash:
			if old.IsZero() {
				d.DeployedContracts = append(d.DeployedContracts, state.DeployedContract{Address: l.Contract, ClassHash: v})
			} else {
				d.ReplacedClasses = append(d.ReplacedClasses, state.ReplacedClass{ContractAddress: l.Contract, ClassHash: v})
			}
		case blockstm.KindCompiledClassHash:
			d.DeclaredClasses = append(d.DeclaredClasses, state.DeclaredClass{ClassHash: l.Contract, CompiledClassHash: v})
		}
	}
	for a, es := range storage {
		slices.SortFunc(es, func(x, y state.StorageEntry) int { return x.Key.Cmp(&y.Key) })
		d.StorageDiffs = append(d.StorageDiffs, state.ContractStorageDiff{Address: a, StorageEntries: es})
	}
	slices.SortFunc(d.StorageDiffs, func(x, y state.ContractStorageDiff) int { return x.Address.Cmp(&y.Address) })
	slices.SortFunc(d.Nonces, func(x, y state.NonceUpdate) int { return x.ContractAddress.Cmp(&y.ContractAddress) })
	slices.SortFunc(d.DeployedContracts, func(x, y state.DeployedContract) int { return x.Address.Cmp(&y.Address) })
	slices.SortFunc(d.ReplacedClasses, func(x, y state.ReplacedClass) int { return x.ContractAddress.Cmp(&y.ContractAddress) })
	slices.SortFunc(d.DeclaredClasses, func(x, y state.DeclaredClass) int { return x.ClassHash.Cmp(&y.ClassHash) })
	return d, nil
}
