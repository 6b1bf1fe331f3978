package sequencer

import (
	"container/heap"
	"errors"
	"fmt"
	"slices"

	"github.com/cairn-vm/cairn/asm"
)

// Sentinel errors of the mempool; the typed errors match them with
// errors.Is.
var (
	// ErrDuplicateTx: a transaction whose hash the mempool holds already.
	ErrDuplicateTx = errors.New("sequencer: duplicate transaction")
	// ErrNonceTaken: another transaction of the same account with the
	// same nonce is in the mempool.
	ErrNonceTaken = errors.New("sequencer: nonce already used in the mempool")
	// ErrStaleNonce: a nonce below the account's: the account has used it.
	ErrStaleNonce = errors.New("sequencer: nonce already used by the account")
	// ErrUnknownTxType: a transaction of no known type.
	ErrUnknownTxType = errors.New("sequencer: unknown transaction type")
)

// DuplicateTxError is a transaction already in the mempool. It matches
// ErrDuplicateTx.
type DuplicateTxError struct {
	Hash asm.Felt
}

// Error implements error.
func (e *DuplicateTxError) Error() string {
	return fmt.Sprintf("sequencer: transaction %s is already in the mempool", e.Hash.Hex())
}

// Is reports whether target is ErrDuplicateTx.
func (e *DuplicateTxError) Is(target error) bool { return target == ErrDuplicateTx }

// NonceTakenError is a transaction whose account and nonce are those of
// another transaction in the mempool (Held). It matches ErrNonceTaken.
type NonceTakenError struct {
	Account, Nonce, Held asm.Felt
}

// Error implements error.
func (e *NonceTakenError) Error() string {
	return fmt.Sprintf("sequencer: nonce %s of %s is taken by transaction %s in the mempool", e.Nonce, e.Account.Hex(), e.Held.Hex())
}

// Is reports whether target is ErrNonceTaken.
func (e *NonceTakenError) Is(target error) bool { return target == ErrNonceTaken }

// StaleNonceError is a transaction whose nonce is below its account's
// (Want, the next nonce the account can use). It matches ErrStaleNonce.
type StaleNonceError struct {
	Account, Nonce, Want asm.Felt
}

// Error implements error.
func (e *StaleNonceError) Error() string {
	return fmt.Sprintf("sequencer: nonce %s of %s is used already; the next is %s", e.Nonce, e.Account.Hex(), e.Want)
}

// Is reports whether target is ErrStaleNonce.
func (e *StaleNonceError) Is(target error) bool { return target == ErrStaleNonce }

// UnknownTxTypeError is a transaction of no known type. It matches
// ErrUnknownTxType.
type UnknownTxTypeError struct {
	Type TxType
}

// Error implements error.
func (e *UnknownTxTypeError) Error() string {
	return fmt.Sprintf("sequencer: unknown transaction type %s", e.Type)
}

// Is reports whether target is ErrUnknownTxType.
func (e *UnknownTxTypeError) Is(target error) bool { return target == ErrUnknownTxType }

// NonceSource gives an account's nonce in the state the mempool's
// transactions will execute on: the next nonce the account can use.
type NonceSource func(account asm.Felt) (asm.Felt, error)

// Mempool holds accepted transactions until a block includes them: per
// account in nonce order, and in arrival order across accounts.
//
// Add makes only the checks that need no execution: a known type, a hash
// not held already, and for the account's transactions a nonce neither
// held by another transaction in the mempool nor below the account's
// nonce (such a transaction can never execute). Whether the account can
// pay, and validation, are execution's business.
//
// Ready hands out transactions in arrival order, each only once its
// account's previous nonce is executed or handed out before it in the
// same call: a transaction whose predecessor nonce is missing waits for
// it. L1 handlers carry no account nonce (theirs is the L1 message's) and
// are ready on arrival.
//
// A Mempool is not safe for concurrent use.
type Mempool struct {
	chainID asm.Felt
	nonce   NonceSource
	seq     uint64
	byHash  map[asm.Felt]*PoolTx
	// accounts holds the transactions of each account with at least one
	// in the mempool, and the account's next nonce.
	accounts map[asm.Felt]*poolAccount
	// l1 holds the L1 handlers, which have no account nonce.
	l1 map[asm.Felt]*PoolTx
}

// PoolTx is a transaction in the mempool with its hash.
type PoolTx struct {
	Tx   *Tx
	Hash asm.Felt
	seq  uint64 // arrival order
	// held: reserved by Hold and not yet released, so not ready.
	held bool
}

type poolAccount struct {
	next  asm.Felt // the account's next nonce, after the executed blocks
	byNon map[asm.Felt]*PoolTx
}

// NewMempool returns an empty mempool for transactions on chainID (the
// hashes it checks), reading an account's nonce from nonce the first time
// it sees one of the account's transactions.
func NewMempool(chainID asm.Felt, nonce NonceSource) *Mempool {
	return &Mempool{chainID: chainID, nonce: nonce, byHash: map[asm.Felt]*PoolTx{},
		accounts: map[asm.Felt]*poolAccount{}, l1: map[asm.Felt]*PoolTx{}}
}

// Len returns the number of transactions held.
func (m *Mempool) Len() int { return len(m.byHash) }

// Has reports whether the mempool holds a transaction of this hash.
func (m *Mempool) Has(hash asm.Felt) bool { _, ok := m.byHash[hash]; return ok }

// Add accepts tx after the checks described on Mempool, and returns its
// hash. The errors are *UnknownTxTypeError, *DuplicateTxError,
// *NonceTakenError, *StaleNonceError, or the NonceSource's.
func (m *Mempool) Add(tx *Tx) (asm.Felt, error) {
	p, err := m.add(tx, false)
	if err != nil {
		return asm.Felt{}, err
	}
	return p.Hash, nil
}

// Hold is Add for a transaction that is not ready to be handed out yet
// (the node holds it while it makes it durable): it takes its place, and
// its hash and nonce, but Ready skips it, and its account's later nonces
// wait for it, until Release. Drop it with Remove if it is abandoned.
func (m *Mempool) Hold(tx *Tx) (asm.Felt, error) {
	p, err := m.add(tx, true)
	if err != nil {
		return asm.Felt{}, err
	}
	return p.Hash, nil
}

// Release makes a held transaction ready; it reports whether the mempool
// held one of that hash.
func (m *Mempool) Release(hash asm.Felt) bool {
	p, ok := m.byHash[hash]
	if ok {
		p.held = false
	}
	return ok
}

func (m *Mempool) add(tx *Tx, held bool) (*PoolTx, error) {
	switch tx.Type {
	case Invoke, DeployAccount, Declare, L1Handler:
	default:
		return nil, &UnknownTxTypeError{Type: tx.Type}
	}
	h := tx.Hash(m.chainID)
	if _, ok := m.byHash[h]; ok {
		return nil, &DuplicateTxError{Hash: h}
	}
	p := &PoolTx{Tx: tx, Hash: h, seq: m.seq, held: held}
	if tx.Type == L1Handler {
		m.l1[h] = p
	} else {
		a, err := m.account(tx.Sender)
		if err != nil {
			return nil, err
		}
		if q, ok := a.byNon[tx.Nonce]; ok {
			return nil, &NonceTakenError{Account: tx.Sender, Nonce: tx.Nonce, Held: q.Hash}
		}
		if tx.Nonce.Cmp(&a.next) < 0 {
			m.dropIfEmpty(tx.Sender, a)
			return nil, &StaleNonceError{Account: tx.Sender, Nonce: tx.Nonce, Want: a.next}
		}
		a.byNon[tx.Nonce] = p
	}
	m.seq++
	m.byHash[h] = p
	return p, nil
}

// account returns the account's entry, creating it with the nonce from
// the NonceSource.
func (m *Mempool) account(addr asm.Felt) (*poolAccount, error) {
	if a, ok := m.accounts[addr]; ok {
		return a, nil
	}
	n, err := m.nonce(addr)
	if err != nil {
		return nil, err
	}
	a := &poolAccount{next: n, byNon: map[asm.Felt]*PoolTx{}}
	m.accounts[addr] = a
	return a, nil
}

// dropIfEmpty forgets an account without transactions: its nonce is read
// again from the state when it next has one, so the mempool keeps nothing
// per idle account.
func (m *Mempool) dropIfEmpty(addr asm.Felt, a *poolAccount) {
	if len(a.byNon) == 0 {
		delete(m.accounts, addr)
	}
}

// Ready returns up to max transactions (all when max <= 0) that can go
// into the next block, in the order described on Mempool. It removes
// nothing: a block that includes them reports it with Executed.
func (m *Mempool) Ready(max int) []*PoolTx {
	// A heap of the first ready transaction of each account (and of every
	// L1 handler), by arrival: popping one makes its account's next nonce
	// the account's candidate. A transaction that arrived before its
	// predecessor goes right after it.
	h := &poolHeap{}
	for _, p := range m.l1 {
		if !p.held {
			*h = append(*h, poolItem{p: p})
		}
	}
	for _, a := range m.accounts {
		if p, ok := a.byNon[a.next]; ok && !p.held {
			*h = append(*h, poolItem{p: p, a: a, nonce: a.next})
		}
	}
	heap.Init(h)
	var out []*PoolTx
	one := asm.One()
	for h.Len() > 0 && (max <= 0 || len(out) < max) {
		it := heap.Pop(h).(poolItem)
		out = append(out, it.p)
		if it.a == nil {
			continue
		}
		next := it.nonce
		next.Add(&next, &one)
		if p, ok := it.a.byNon[next]; ok && !p.held {
			heap.Push(h, poolItem{p: p, a: it.a, nonce: next})
		}
	}
	return out
}

// Executed removes transactions a committed block included: each
// account's next nonce becomes the one after its transaction's, and its
// transactions with nonces below that (which can no longer execute) go
// too; their hashes are returned with those of txs.
func (m *Mempool) Executed(txs []*Tx) []asm.Felt {
	var removed []asm.Felt
	one := asm.One()
	for _, tx := range txs {
		if tx.Type == L1Handler {
			h := tx.Hash(m.chainID)
			if _, ok := m.l1[h]; ok {
				delete(m.l1, h)
				delete(m.byHash, h)
				removed = append(removed, h)
			}
			continue
		}
		a, ok := m.accounts[tx.Sender]
		if !ok {
			continue
		}
		var next asm.Felt
		next.Add(&tx.Nonce, &one)
		if next.Cmp(&a.next) <= 0 {
			continue
		}
		old := a.next
		a.next = next
		drop := func(n asm.Felt, p *PoolTx) {
			delete(a.byNon, n)
			delete(m.byHash, p.Hash)
			removed = append(removed, p.Hash)
		}
		// Every held nonce is at least the old next (Add refuses lower
		// ones), so those to drop are the nonces from old up to next: one
		// per transaction of a block, which is cheaper than a scan of the
		// account's transactions unless the gap is larger than them.
		var gap asm.Felt
		gap.Sub(&next, &old)
		if gap.IsUint64() && gap.Uint64() <= uint64(len(a.byNon)) {
			for n := old; n.Cmp(&next) < 0; n.Add(&n, &one) {
				if p, ok := a.byNon[n]; ok {
					drop(n, p)
				}
			}
		} else {
			for n, p := range a.byNon {
				if n.Cmp(&next) < 0 {
					drop(n, p)
				}
			}
		}
		m.dropIfEmpty(tx.Sender, a)
	}
	return removed
}

// Remove drops the transaction of this hash (one a block rejected, or
// one abandoned while held) and reports whether it was there. Its
// account's next nonce is unchanged, so the account's later transactions
// wait for another transaction with that nonce.
func (m *Mempool) Remove(hash asm.Felt) bool {
	p, ok := m.byHash[hash]
	if !ok {
		return false
	}
	delete(m.byHash, hash)
	if p.Tx.Type == L1Handler {
		delete(m.l1, hash)
		return true
	}
	if a, ok := m.accounts[p.Tx.Sender]; ok {
		delete(a.byNon, p.Tx.Nonce)
		m.dropIfEmpty(p.Tx.Sender, a)
	}
	return true
}

// Account returns an account's transactions in the mempool in nonce
// order.
func (m *Mempool) Account(addr asm.Felt) []*PoolTx {
	a, ok := m.accounts[addr]
	if !ok {
		return nil
	}
	out := make([]*PoolTx, 0, len(a.byNon))
	for _, p := range a.byNon {
		out = append(out, p)
	}
	slices.SortFunc(out, func(x, y *PoolTx) int { return x.Tx.Nonce.Cmp(&y.Tx.Nonce) })
	return out
}

type poolItem struct {
	p     *PoolTx
	a     *poolAccount // nil for an L1 handler
	nonce asm.Felt
}

type poolHeap []poolItem

func (h poolHeap) Len() int           { return len(h) }
func (h poolHeap) Less(i, j int) bool { return h[i].p.seq < h[j].p.seq }
func (h poolHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *poolHeap) Push(x any)        { *h = append(*h, x.(poolItem)) }
func (h *poolHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
