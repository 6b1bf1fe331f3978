package sequencer

import (
	"context"
	"errors"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/sequencer/blockstm"
	"github.com/cairn-vm/cairn/state"
)

// BlockSTM runs a block's transactions speculatively in parallel with
// Block-STM (package blockstm), with the same result as Serial.
type BlockSTM struct {
	Config *Config
	// Workers is the number of goroutines (GOMAXPROCS when 0 or less).
	Workers int
	// Hints gives Block-STM the declared transactions' access lists as
	// what they will read and write (see stmRun.hints), as the
	// access-list executor does for the transactions it cannot run up
	// front. Off, the execution is purely speculative; the result is the
	// same either way. On a block of transfers to one account it turns
	// aborted speculative executions into waits.
	Hints bool
}

// Name returns "blockstm".
func (*BlockSTM) Name() string { return "blockstm" }

// Execute implements Executor.
func (e *BlockSTM) Execute(ctx context.Context, base state.Reader, b *Block) (*BlockResult, error) {
	commit := baseCommitment(base)
	ps := e.Config.prepare(b, e.Workers)
	idx := make([]int, len(b.Txs))
	for i := range idx {
		idx[i] = i
	}
	run := newSTMRun(e.Config, base, b, ps)
	run.hinted = e.Hints
	out, st, stats, err := run.execute(ctx, blockstm.StateBase{R: base}, idx, e.Workers)
	if err != nil {
		return nil, err
	}
	res := &BlockResult{Receipts: make([]*Receipt, len(b.Txs))}
	for i, o := range out {
		res.Receipts[i] = o.receipt
	}
	if err := finish(base, commit, st, res); err != nil {
		return nil, err
	}
	res.Stats.Executions = stats.Executions
	res.Stats.ReExecutions = stats.ReExecutions()
	return res, nil
}

// stmRun is a block run with blockstm: the transactions as blockstm
// transactions over Starknet Locations.
type stmRun struct {
	cfg     *Config
	block   *Block
	ps      []prepared
	classes *classes
	seqLo   blockstm.Location
	// hinted says to give Block-STM each declared transaction's access
	// list as its expected reads and writes (blockstm.Parallel.Hints).
	hinted bool
}

func newSTMRun(cfg *Config, base state.Reader, b *Block, ps []prepared) *stmRun {
	lo, _ := cfg.balanceKeys(b.SequencerAddress)
	return &stmRun{cfg: cfg, block: b, ps: ps, classes: newClasses(base, b), seqLo: blockstm.StorageAt(cfg.FeeToken, lo)}
}

// txOut is the output of one transaction under blockstm: its receipt and
// the locations it read (for the access-list executor's check).
type txOut struct {
	receipt *Receipt
	reads   []blockstm.Location
}

// execute runs the transactions idx (in that order) over base and
// returns their outputs, the final value of every location they wrote,
// and blockstm's counts.
func (r *stmRun) execute(ctx context.Context, base blockstm.Base[blockstm.Location, asm.Felt], idx []int, workers int) (
	[]txOut, map[blockstm.Location]asm.Felt, blockstm.Stats, error) {
	txs := make([]blockstm.Tx[blockstm.Location, asm.Felt, txOut], len(idx))
	for j, i := range idx {
		txs[j] = blockstm.TxFunc[blockstm.Location, asm.Felt, txOut](func(v blockstm.View[blockstm.Location, asm.Felt]) (txOut, error) {
			return r.tx(i, v)
		})
	}
	p := &blockstm.Parallel[blockstm.Location, asm.Felt, txOut]{Base: base, Add: blockstm.AddFelt, Workers: workers}
	if r.hinted {
		p.Hints = func(j int) (reads, writes []blockstm.Location) { return r.hints(idx[j]) }
	}
	res, err := p.Execute(ctx, txs)
	if err != nil {
		var te *blockstm.TxError
		if errors.As(err, &te) {
			return nil, nil, blockstm.Stats{}, &ExecError{Tx: idx[te.Tx], Err: te.Err}
		}
		return nil, nil, blockstm.Stats{}, err
	}
	out := make([]txOut, len(idx))
	for j, t := range res.Txs {
		if t.Err != nil {
			return nil, nil, blockstm.Stats{}, &ExecError{Tx: idx[j], Err: t.Err}
		}
		out[j] = t.Output
	}
	return out, res.State, res.Stats, nil
}

// hints returns what declared transaction i is expected to read and
// write: its access list, and its nonce and fee balance, which every
// invoke that is not rejected writes. The sequencer's balance is left
// out: fees are added to it, which conflicts with nothing. An undeclared
// transaction gets no hints: it may touch anything, and guessing only
// part of it would still leave it speculative.
func (r *stmRun) hints(i int) (reads, writes []blockstm.Location) {
	p := &r.ps[i]
	if p.acl == nil {
		return nil, nil
	}
	tx := r.block.Txs[i]
	writes = []blockstm.Location{blockstm.NonceOf(tx.Sender),
		blockstm.StorageAt(r.cfg.FeeToken, p.balLo), blockstm.StorageAt(r.cfg.FeeToken, p.balHi)}
	for l, m := range p.acl {
		if m == aclWrite {
			writes = append(writes, blockstm.StorageAt(l.contract, l.key))
		} else {
			reads = append(reads, blockstm.StorageAt(l.contract, l.key))
		}
	}
	return reads, writes
}

// tx executes transaction i against v: over a state.Cached whose parent
// is v, so that the executor's checkpoints and reverts stay within the
// transaction; what the Cached holds at the end is written to v, and the
// fee is added to the sequencer's balance as a delta.
func (r *stmRun) tx(i int, v blockstm.View[blockstm.Location, asm.Felt]) (txOut, error) {
	vr := &viewReader{v: v, classes: r.classes}
	c := state.NewCached(vr)
	var fee asm.Felt
	credited := false
	rec, err := r.cfg.run(c, r.block, r.block.Txs[i], &r.ps[i], func(f asm.Felt) error {
		fee, credited = f, true
		return nil
	})
	if vr.err != nil {
		// ErrDependency (or a failing base): this execution is void.
		return txOut{}, vr.err
	}
	if err != nil {
		return txOut{}, err
	}
	out := txOut{receipt: rec, reads: vr.reads}
	if rec.Status == Rejected {
		return out, nil
	}
	for l, val := range writesOfDiff(c.Diff()) {
		v.Write(l, val)
	}
	if credited {
		v.Add(r.seqLo, fee)
	}
	return out, nil
}

// viewReader is a blockstm View as a state.Reader. Class objects are not
// locations: a class is looked up by its class hash and the compiled
// class hash read from the view, which is what a transaction depends on.
type viewReader struct {
	v       blockstm.View[blockstm.Location, asm.Felt]
	classes *classes
	reads   []blockstm.Location
	err     error
}

func (r *viewReader) read(l blockstm.Location) (asm.Felt, error) {
	x, err := r.v.Read(l)
	if err != nil {
		r.err = err
		return x, err
	}
	r.reads = append(r.reads, l)
	return x, nil
}

func (r *viewReader) Storage(contract, key asm.Felt) (asm.Felt, error) {
	return r.read(blockstm.StorageAt(contract, key))
}

func (r *viewReader) Nonce(contract asm.Felt) (asm.Felt, error) {
	return r.read(blockstm.NonceOf(contract))
}

func (r *viewReader) ClassHash(contract asm.Felt) (asm.Felt, error) {
	return r.read(blockstm.ClassHashOf(contract))
}

func (r *viewReader) CompiledClassHash(classHash asm.Felt) (asm.Felt, error) {
	return r.read(blockstm.CompiledClassHashOf(classHash))
}

func (r *viewReader) CompiledClass(classHash asm.Felt) (*class.Class, error) {
	cch, err := r.CompiledClassHash(classHash)
	if err != nil {
		return nil, err
	}
	if cch.IsZero() {
		return nil, &state.ClassNotDeclaredError{ClassHash: classHash}
	}
	return r.classes.get(classHash, cch)
}

// classes finds class objects for the parallel executors: the base's,
// and those the block's declare transactions carry, by class hash and
// compiled class hash (which identifies the class).
type classes struct {
	base     state.Reader
	declared map[[2]asm.Felt]*class.Class
}

func newClasses(base state.Reader, b *Block) *classes {
	c := &classes{base: base, declared: map[[2]asm.Felt]*class.Class{}}
	for _, tx := range b.Txs {
		if tx.Type == Declare && tx.Class != nil {
			c.declared[[2]asm.Felt{tx.ClassHash, tx.CompiledClassHash}] = tx.Class
		}
	}
	return c
}

func (c *classes) get(classHash, compiledHash asm.Felt) (*class.Class, error) {
	if cl, ok := c.declared[[2]asm.Felt{classHash, compiledHash}]; ok {
		return cl, nil
	}
	return c.base.CompiledClass(classHash)
}
