package sequencer

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/sequencer/journal"
	"github.com/cairn-vm/cairn/state"
	"github.com/cairn-vm/cairn/state/commitment"
	"github.com/cairn-vm/cairn/state/store"
)

// A node's directory holds the state store and the journal:
//
//	dir/state    the state/store database (flat state, blocks, trie nodes)
//	dir/journal  the journal of accepted transactions (sequencer/journal)
//
// The journal holds two kinds of record, told apart by their first byte:
//
//	'T' hash(32) MarshalTx(tx)   an accepted transaction and its hash
//	'B' uvarint(n) hash(32)...    the hashes of the transactions of block n,
//	                              appended just before block n is committed
//
// The 'B' record is what lets a restart tell which journaled transactions
// a committed block holds whatever their type (an L1 handler has no account
// nonce to tell by): a crash between a block's commit and the journal
// rewrite that drops its transactions leaves the record, and the store's
// head says whether the block it names was committed.
const (
	stateDir    = "state"
	journalFile = "journal"
	recTx       = 'T'
	recBlock    = 'B'
)

// Sentinel errors of the node; the typed errors match them with errors.Is.
var (
	// ErrNodeClosed: a call on a closed Node.
	ErrNodeClosed = errors.New("sequencer: node closed")
	// ErrNodeBroken: a call after a failure that left the node's memory
	// and its files possibly apart; reopen the node to recover.
	ErrNodeBroken = errors.New("sequencer: node broken by an earlier failure")
	// ErrNoGenesis: Open of a fresh directory without a genesis.
	ErrNoGenesis = errors.New("sequencer: fresh node directory and no genesis")
	// ErrGenesisMismatch: Open with a genesis other than the stored one.
	ErrGenesisMismatch = errors.New("sequencer: genesis differs from the stored block 0")
	// ErrRecovery: Open found a journal record or stored block it cannot
	// use.
	ErrRecovery = errors.New("sequencer: node recovery failed")
	// ErrNoConfig: Open without NodeOptions.Config.
	ErrNoConfig = errors.New("sequencer: node options without a Config")
)

// NodeBrokenError is returned by every call after a failure in the middle
// of producing a block (Err), which may leave the in-memory commitment
// ahead of the store, or the journal unusable. It matches ErrNodeBroken and
// unwraps to Err. Reopening the node recovers from what is on disk.
type NodeBrokenError struct {
	Err error
}

// Error implements error.
func (e *NodeBrokenError) Error() string {
	return fmt.Sprintf("sequencer: node unusable after a failure; reopen it to recover: %v", e.Err)
}

// Is reports whether target is ErrNodeBroken.
func (e *NodeBrokenError) Is(target error) bool { return target == ErrNodeBroken }

// Unwrap returns the failure.
func (e *NodeBrokenError) Unwrap() error { return e.Err }

// GenesisMismatchError is returned by Open when the genesis given is not
// the one block 0 of the directory holds. It matches ErrGenesisMismatch.
type GenesisMismatchError struct {
	Dir string
}

// Error implements error.
func (e *GenesisMismatchError) Error() string {
	return fmt.Sprintf("sequencer: the genesis given is not block 0 of the node in %s", e.Dir)
}

// Is reports whether target is ErrGenesisMismatch.
func (e *GenesisMismatchError) Is(target error) bool { return target == ErrGenesisMismatch }

// RecoveryError is returned by Open for a journal record it cannot decode
// (Record is its index; -1 for a stored block) or a state that its stored
// blocks do not rebuild. It matches ErrRecovery and unwraps to Err.
type RecoveryError struct {
	Record int
	Reason string
	Err    error
}

// Error implements error.
func (e *RecoveryError) Error() string {
	where := "stored blocks"
	if e.Record >= 0 {
		where = fmt.Sprintf("journal record %d", e.Record)
	}
	if e.Err != nil {
		return fmt.Sprintf("sequencer: node recovery: %s: %s: %v", where, e.Reason, e.Err)
	}
	return fmt.Sprintf("sequencer: node recovery: %s: %s", where, e.Reason)
}

// Is reports whether target is ErrRecovery.
func (e *RecoveryError) Is(target error) bool { return target == ErrRecovery }

// Unwrap returns the underlying error, or nil.
func (e *RecoveryError) Unwrap() error { return e.Err }

// GenesisState is the state a node's chain starts from, committed as
// block 0: a diff over the empty state and the CASM JSON of every class it
// declares (the store keeps classes as their JSON).
type GenesisState struct {
	Diff    state.Diff
	Classes map[asm.Felt][]byte
}

// NewGenesisState runs setup over an empty state, as NewGenesis does, and
// returns its diff with classes, the JSON of the classes setup declares,
// keyed by class hash.
func NewGenesisState(setup func(st *state.Cached) error, classes map[asm.Felt][]byte) (*GenesisState, error) {
	st := state.NewCached(state.NewMemory())
	if err := setup(st); err != nil {
		return nil, err
	}
	return &GenesisState{Diff: st.Diff(), Classes: classes}, nil
}

// NodeOptions configure a Node.
type NodeOptions struct {
	// Config is the chain's configuration (required).
	Config *Config
	// Executor runs blocks; &Serial{Config} when nil. Any Executor gives
	// the same blocks.
	Executor Executor
	// Limits bound each block (see Builder).
	Limits Limits
	// Genesis is committed as block 0 of a fresh directory; for an
	// existing one, when set, it must be the stored block 0.
	Genesis *GenesisState
	// SequencerAddress receives the fees.
	SequencerAddress asm.Felt
	// Now gives block timestamps; the Unix time when nil.
	Now func() uint64
}

// Node is a crash-safe sequencer: a mempool, a block builder, the state
// in a state/store database and a journal of the accepted transactions,
// in one directory.
//
// Submit makes a transaction durable in the journal before it returns, so
// an acknowledged transaction survives any crash. ProduceBlock builds a
// block out of the mempool, commits it to the store atomically (flat
// state, diff, root, trie nodes), then drops its transactions from the
// journal. Open after a crash reopens the store at its last committed
// block and puts the journal's transactions that no committed block
// holds back into the mempool: a transaction is committed exactly once.
//
// The journal cannot hold declares (see MarshalTx), so Submit refuses
// them. An L1 handler has no account nonce: one whose block is committed
// and whose journal record is dropped is not recognised if submitted
// again (L1 message nonces are for the L1 side to enforce).
//
// Submit and ProduceBlock may be called concurrently (block productions
// run one at a time); Close must not overlap other calls.
type Node struct {
	dir     string
	chainID asm.Felt
	builder Builder
	seqAddr asm.Felt
	now     func() uint64

	db *store.DB
	j  *journal.Journal
	// cs is the commitment of the head block over the store's trie nodes;
	// only block production touches it.
	cs *commitment.State

	prodMu sync.Mutex // serialises block production

	mu     sync.Mutex // guards what follows
	pool   *Mempool
	broken error
	closed bool

	recovery NodeRecovery

	// hook, when set (by tests), is called at each named step of
	// Submit and ProduceBlock, to crash the process there.
	hook func(stage string)
}

// NodeRecovery describes what Open found.
type NodeRecovery struct {
	// Created reports a fresh directory, whose genesis Open committed.
	Created bool
	// Head is the last committed block.
	Head uint64
	// Replayed is the number of stored blocks whose diffs rebuilt the
	// commitment: 0 when it was opened on the head's stored root.
	Replayed int
	// Records is the number of journal records found; Restored of them
	// went back into the mempool, Skipped were transactions already
	// executed (by nonce or in a committed block), Markers were block
	// records.
	Records, Restored, Skipped, Markers int
}

// ProducedBlock is what ProduceBlock did.
type ProducedBlock struct {
	// Committed reports that a block was committed; it is false when every
	// candidate was rejected (or waits for a rejected one's nonce).
	Committed bool
	// Number is the block's number (the next block's when none was
	// committed), Root its state root, Txs its transactions, Receipts
	// and Diff its execution's.
	Number   uint64
	Root     asm.Felt
	Txs      []*Tx
	Receipts []*Receipt
	Diff     state.Diff
	// Rejected are the candidates rejected by execution, dropped from the
	// mempool and the journal.
	Rejected []RejectedTx
	// Pending is the number of transactions left in the mempool.
	Pending int
}

// Open opens the node in dir, creating the directory and committing
// o.Genesis as block 0 if it is fresh.
//
// On an existing directory it reopens the store at its head block, opens
// the head's commitment on its stored root (commitment.OpenState over the
// store's trie nodes; failing that, it rebuilds it by replaying the stored
// block diffs and checks it against the stored root), and reloads the
// journal: transactions that a committed block holds, or
// whose nonce is below their account's stored nonce, are dropped from it,
// the others go back into the mempool in their journal order.
//
// Errors: ErrNoConfig, ErrNoGenesis, a *GenesisMismatchError, a
// *RecoveryError, and the store's and journal's own (for instance
// journal.ErrLocked when another node has dir open).
func Open(dir string, o NodeOptions) (*Node, error) {
	if o.Config == nil {
		return nil, ErrNoConfig
	}
	n := &Node{dir: dir, chainID: o.Config.chainID(), seqAddr: o.SequencerAddress, now: o.Now}
	if n.now == nil {
		n.now = func() uint64 { return uint64(time.Now().Unix()) }
	}
	ex := o.Executor
	if ex == nil {
		ex = &Serial{Config: o.Config}
	}
	n.builder = Builder{Executor: ex, Limits: o.Limits}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("sequencer: node directory: %w", err)
	}
	// The journal first: its lock keeps a second node off the directory
	// before anything is read.
	j, recs, err := journal.Open(filepath.Join(dir, journalFile))
	if err != nil {
		return nil, err
	}
	db, err := store.Open(filepath.Join(dir, stateDir))
	if err != nil {
		j.Close()
		return nil, err
	}
	n.j, n.db = j, db
	if err := n.recover(o.Genesis, recs); err != nil {
		n.j.Close()
		n.db.Close()
		return nil, err
	}
	return n, nil
}

// recover brings the commitment to the head (committing the genesis on a
// fresh store) and the journal's transactions into the mempool.
func (n *Node) recover(g *GenesisState, recs [][]byte) error {
	n.cs = commitment.NewState(n.db.Nodes(), n.db.Nodes())
	head, ok := n.db.Head()
	if !ok {
		if g == nil {
			return ErrNoGenesis
		}
		root, err := n.cs.Apply(&g.Diff)
		if err != nil {
			return fmt.Errorf("sequencer: genesis commitment: %w", err)
		}
		if err := n.db.CommitBlock(0, &g.Diff, g.Classes, root); err != nil {
			return fmt.Errorf("sequencer: commit genesis: %w", err)
		}
		n.recovery.Created = true
	} else {
		if err := n.reopen(head, g); err != nil {
			return err
		}
	}
	n.recovery.Head, _ = n.db.Head()
	n.pool = NewMempool(n.chainID, n.db.Nonce)
	return n.reload(recs)
}

// reopen checks the genesis against block 0 and opens the commitment of
// block head on its stored root: commitment.OpenState reads a node or two,
// and the rest of the state as blocks need it. A store whose root cannot
// be opened so (its blocks were committed without the records OpenState
// reads) gets its commitment rebuilt by replaying every stored diff.
func (n *Node) reopen(head uint64, g *GenesisState) error {
	if g != nil {
		d, err := n.db.BlockDiff(0)
		if err != nil {
			return &RecoveryError{Record: -1, Reason: "block 0 diff", Err: err}
		}
		if !bytes.Equal(store.MarshalDiff(d), store.MarshalDiff(&g.Diff)) {
			return &GenesisMismatchError{Dir: n.dir}
		}
	}
	root, err := n.db.Root(head)
	if err != nil {
		return &RecoveryError{Record: -1, Reason: fmt.Sprintf("root of block %d", head), Err: err}
	}
	cs, err := commitment.OpenState(n.db.Nodes(), n.db.Nodes(), root)
	var missing *commitment.MissingNodeError
	switch {
	case err == nil:
		n.cs = cs
		return nil
	case errors.As(err, &missing):
		return n.replay(head, root)
	}
	return &RecoveryError{Record: -1, Reason: fmt.Sprintf("opening the commitment of block %d", head), Err: err}
}

// replay rebuilds the commitment of block head from the stored diffs and
// checks it against the stored root. The nodes it puts stay pending in the
// store's node store, and the next block's commit writes them: a store
// that lacked them (or OpenState's records) then has them, and the next
// reopen needs no replay.
func (n *Node) replay(head uint64, want asm.Felt) error {
	for b := uint64(0); b <= head; b++ {
		d, err := n.db.BlockDiff(b)
		if err != nil {
			return &RecoveryError{Record: -1, Reason: fmt.Sprintf("block %d diff", b), Err: err}
		}
		if _, err := n.cs.Apply(d); err != nil {
			return &RecoveryError{Record: -1, Reason: fmt.Sprintf("replaying block %d", b), Err: err}
		}
		n.recovery.Replayed++
	}
	if got := n.cs.Root(); got != want {
		return &RecoveryError{Record: -1, Reason: fmt.Sprintf("replaying blocks 0 to %d gives root %s, the store has %s", head, got.Hex(), want.Hex())}
	}
	return nil
}

// reload puts the journal's transactions back into the mempool and
// rewrites the journal without the records it no longer needs.
func (n *Node) reload(recs [][]byte) error {
	n.recovery.Records = len(recs)
	head, _ := n.db.Head()
	committed := map[asm.Felt]bool{}
	type txRec struct {
		i    int
		hash asm.Felt
		tx   *Tx
	}
	var txs []txRec
	for i, r := range recs {
		switch {
		case len(r) > 0 && r[0] == recBlock:
			num, hashes, err := decodeBlockRecord(r)
			if err != nil {
				return &RecoveryError{Record: i, Reason: "block record", Err: err}
			}
			n.recovery.Markers++
			// A record of a block past the head is one whose commit never
			// happened: its transactions are still pending.
			if num <= head {
				for _, h := range hashes {
					committed[h] = true
				}
			}
		case len(r) > 0 && r[0] == recTx:
			if len(r) < 33 {
				return &RecoveryError{Record: i, Reason: fmt.Sprintf("transaction record of %d bytes", len(r))}
			}
			hash := asm.FeltFromBytesBE(r[1:33])
			tx, err := UnmarshalTx(r[33:])
			if err != nil {
				return &RecoveryError{Record: i, Reason: "transaction", Err: err}
			}
			if h := tx.Hash(n.chainID); h != hash {
				return &RecoveryError{Record: i, Reason: fmt.Sprintf("transaction hashes to %s on this chain, the record says %s (another chain id?)", h.Hex(), hash.Hex())}
			}
			txs = append(txs, txRec{i, hash, tx})
		default:
			return &RecoveryError{Record: i, Reason: "record of unknown kind"}
		}
	}
	var keep [][]byte
	for _, t := range txs {
		if committed[t.hash] {
			n.recovery.Skipped++
			continue
		}
		_, err := n.pool.Add(t.tx)
		switch {
		case errors.Is(err, ErrStaleNonce), errors.Is(err, ErrDuplicateTx):
			// Executed already (its nonce is spent), or a second copy.
			n.recovery.Skipped++
			continue
		case errors.Is(err, ErrNonceTaken):
			// Cannot happen from one node's journal (Submit refuses a
			// taken nonce), but keeping the first of two is what Submit
			// would have done.
			n.recovery.Skipped++
			continue
		case err != nil:
			return &RecoveryError{Record: t.i, Reason: "back into the mempool", Err: err}
		}
		n.recovery.Restored++
		keep = append(keep, recs[t.i])
	}
	if len(keep) < len(recs) {
		if err := n.j.Rewrite(keep); err != nil {
			return err
		}
	}
	return nil
}

func encodeBlockRecord(num uint64, hashes []asm.Felt) []byte {
	b := binary.AppendUvarint([]byte{recBlock}, num)
	for _, h := range hashes {
		b = appendFelt(b, h)
	}
	return b
}

func decodeBlockRecord(r []byte) (uint64, []asm.Felt, error) {
	num, k := binary.Uvarint(r[1:])
	if k <= 0 {
		return 0, nil, &TxEncodingError{Offset: 1, Reason: "bad block number"}
	}
	rest := r[1+k:]
	if len(rest)%32 != 0 {
		return 0, nil, &TxEncodingError{Offset: 1 + k, Reason: fmt.Sprintf("%d bytes of hashes, not a multiple of 32", len(rest))}
	}
	hashes := make([]asm.Felt, 0, len(rest)/32)
	for off := 0; off < len(rest); off += 32 {
		hashes = append(hashes, asm.FeltFromBytesBE(rest[off:off+32]))
	}
	return num, hashes, nil
}

// Recovery returns what Open found.
func (n *Node) Recovery() NodeRecovery { return n.recovery }

// Dir returns the node's directory.
func (n *Node) Dir() string { return n.dir }

// State returns the state of the head block, read from the store. It is
// valid until Close.
func (n *Node) State() state.Reader { return n.db }

// Head returns the number and state root of the last committed block.
func (n *Node) Head() (uint64, asm.Felt, error) {
	h, _ := n.db.Head() // Open commits block 0 at the latest
	root, err := n.db.Root(h)
	return h, root, err
}

// Pending returns the number of transactions in the mempool.
func (n *Node) Pending() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.pool == nil {
		return 0
	}
	return n.pool.Len()
}

func (n *Node) stage(s string) {
	if n.hook != nil {
		n.hook(s)
	}
}

// usable reports why the node cannot take a call; n.mu is held.
func (n *Node) usable() error {
	if n.closed {
		return ErrNodeClosed
	}
	return n.broken
}

// breakWith makes the node broken by err and returns the error calls get.
func (n *Node) breakWith(err error) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.broken == nil {
		n.broken = &NodeBrokenError{Err: err}
	}
	return n.broken
}

// Submit accepts tx into the mempool and returns its hash once tx is
// durable in the journal. The mempool's checks come first (see Mempool):
// the errors are the mempool's, an *UnsupportedTxError for a declare,
// which the journal cannot hold (see MarshalTx), or the journal's. A
// transaction Submit refused was not accepted. One whose journal append
// failed is not in the mempool, but may be on disk (a failed fsync says
// nothing of what reached it) and come back after a restart: submitting
// it again is safe, since the hash and the nonce keep it to one
// execution.
func (n *Node) Submit(tx *Tx) (asm.Felt, error) {
	enc, err := MarshalTx(tx)
	if err != nil {
		return asm.Felt{}, err
	}
	n.mu.Lock()
	if err := n.usable(); err != nil {
		n.mu.Unlock()
		return asm.Felt{}, err
	}
	// Held, the transaction keeps its hash and nonce from other Submits
	// while the journal append (which group-commits with theirs) runs, but
	// no block takes it before it is durable.
	h, err := n.pool.Hold(tx)
	n.mu.Unlock()
	if err != nil {
		return asm.Felt{}, err
	}
	rec := make([]byte, 0, 33+len(enc))
	rec = append(rec, recTx)
	rec = appendFelt(rec, h)
	rec = append(rec, enc...)
	if err := n.j.Append(rec); err != nil {
		n.mu.Lock()
		n.pool.Remove(h)
		n.mu.Unlock()
		if errors.Is(err, journal.ErrBroken) {
			return asm.Felt{}, n.breakWith(err)
		}
		return asm.Felt{}, err
	}
	n.stage("submit-durable")
	n.mu.Lock()
	n.pool.Release(h)
	n.mu.Unlock()
	return h, nil
}

// ProduceBlock builds the next block out of the mempool's ready
// transactions (see Builder and Mempool.Ready), commits it and drops its
// transactions, and the rejected ones, from the mempool and the journal.
// It returns nil when no transaction is ready.
//
// The order makes a crash anywhere safe: the block's record (its
// transaction hashes) is appended to the journal, then the block is
// committed to the store in one atomic batch, then the journal is
// rewritten without the block's transactions. A failure after the
// block's execution breaks the node (a *NodeBrokenError): its memory may
// be ahead of the files, and reopening recovers.
func (n *Node) ProduceBlock(ctx context.Context) (*ProducedBlock, error) {
	n.prodMu.Lock()
	defer n.prodMu.Unlock()
	n.mu.Lock()
	if err := n.usable(); err != nil {
		n.mu.Unlock()
		return nil, err
	}
	ready := n.pool.Ready(n.builder.Limits.MaxTxs)
	n.mu.Unlock()
	if len(ready) == 0 {
		return nil, nil
	}
	txs := make([]*Tx, len(ready))
	for i, p := range ready {
		txs[i] = p.Tx
	}
	head, _ := n.db.Head()
	header := Block{Number: head + 1, Timestamp: n.now(), SequencerAddress: n.seqAddr}
	// The store is the base: only this function commits to it, so it does
	// not change while the block executes.
	built, err := n.builder.Build(ctx, n.db, header, txs)
	if err != nil {
		return nil, err
	}
	out := &ProducedBlock{Number: header.Number, Rejected: built.Rejected}
	if len(built.Block.Txs) > 0 {
		res := built.Result
		out.Committed, out.Txs, out.Receipts, out.Diff = true, built.Block.Txs, res.Receipts, res.Diff
		root, err := n.cs.Apply(&res.Diff)
		if err != nil {
			n.db.Nodes().Discard()
			return nil, n.breakWith(fmt.Errorf("commitment of block %d: %w", header.Number, err))
		}
		out.Root = root
		hashes := make([]asm.Felt, len(res.Receipts))
		for i, r := range res.Receipts {
			hashes[i] = r.TxHash
		}
		if err := n.j.Append(encodeBlockRecord(header.Number, hashes)); err != nil {
			n.db.Nodes().Discard()
			return nil, n.breakWith(err)
		}
		n.stage("block-recorded")
		if err := n.db.CommitBlock(header.Number, &res.Diff, nil, root); err != nil {
			n.db.Nodes().Discard()
			return nil, n.breakWith(err)
		}
		n.stage("block-committed")
	}
	drop := map[asm.Felt]bool{}
	n.mu.Lock()
	for _, h := range n.pool.Executed(out.Txs) {
		drop[h] = true
	}
	for _, r := range built.Rejected {
		drop[r.Receipt.TxHash] = true
		n.pool.Remove(r.Receipt.TxHash)
	}
	out.Pending = n.pool.Len()
	n.mu.Unlock()
	err = n.j.Filter(func(r []byte) bool {
		switch {
		case len(r) >= 33 && r[0] == recTx:
			return !drop[asm.FeltFromBytesBE(r[1:33])]
		case len(r) > 0 && r[0] == recBlock:
			num, _, err := decodeBlockRecord(r)
			return err != nil || num > header.Number
		}
		return true
	})
	if err != nil {
		return nil, n.breakWith(err)
	}
	n.stage("journal-filtered")
	return out, nil
}

// Drain produces blocks until no transaction is ready, and returns the
// number of blocks committed.
func (n *Node) Drain(ctx context.Context) (int, error) {
	blocks := 0
	for {
		b, err := n.ProduceBlock(ctx)
		if err != nil || b == nil {
			return blocks, err
		}
		if b.Committed {
			blocks++
		}
	}
}

// Close closes the journal and the store. It waits for a block in
// production; it must not overlap Submit. Close is idempotent.
func (n *Node) Close() error {
	n.prodMu.Lock()
	defer n.prodMu.Unlock()
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil
	}
	n.closed = true
	return errors.Join(n.j.Close(), n.db.Close())
}
