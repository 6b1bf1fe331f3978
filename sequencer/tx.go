package sequencer

import (
	"fmt"
	"sync/atomic"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/state"
)

// TxType is the kind of a transaction.
type TxType uint8

// The transaction types.
const (
	// Invoke calls an account's __validate__ and __execute__ with Calldata.
	Invoke TxType = iota
	// DeployAccount deploys an account at the address of ClassHash, Salt
	// and Calldata (the constructor's), which must hold the fee already,
	// and calls its __validate_deploy__.
	DeployAccount
	// Declare declares Class under ClassHash with CompiledClassHash,
	// validated by the sending account's __validate_declare__.
	Declare
	// L1Handler calls the L1 handler Selector of the contract Sender with
	// Calldata (the L1 sender first). It pays no fee on L2.
	L1Handler
)

// String returns the type's name as Starknet spells it.
func (t TxType) String() string {
	switch t {
	case Invoke:
		return "INVOKE"
	case DeployAccount:
		return "DEPLOY_ACCOUNT"
	case Declare:
		return "DECLARE"
	case L1Handler:
		return "L1_HANDLER"
	}
	return fmt.Sprintf("TxType(%d)", uint8(t))
}

// Tx is a transaction. Which fields matter depends on Type; see the
// constructors' documentation of each type.
type Tx struct {
	Type TxType
	// Sender is the account (Invoke, Declare) or the called contract
	// (L1Handler). For DeployAccount it is the address the account gets;
	// NewDeployAccount fills it.
	Sender asm.Felt
	// Calldata is __execute__'s (Invoke), the constructor's
	// (DeployAccount) or the L1 handler's.
	Calldata  []asm.Felt
	Signature []asm.Felt
	Nonce     asm.Felt
	// MaxFee bounds the fee; the account must hold it before the
	// transaction runs.
	MaxFee asm.Felt
	// ClassHash and Salt: the deployed account's class (DeployAccount);
	// ClassHash is also the declared class's hash (Declare).
	ClassHash, Salt asm.Felt
	// CompiledClassHash and Class: the declared class (Declare).
	CompiledClassHash asm.Felt
	Class             *class.Class
	// Selector is the L1 handler's entry point (L1Handler).
	Selector asm.Felt
	// Access, when set, declares what an Invoke's execution touches (see
	// the package documentation).
	Access *AccessList

	// hashed is the last Hash result. A sequencer hashes a transaction
	// when it accepts it (the hash names it to its sender, and the
	// signature signs it) and again in every block execution; a transfer's
	// hash is some sixteen Pedersen hashes, a fifth of its execution time,
	// so the first result is kept.
	hashed atomic.Pointer[txHash]
}

type txHash struct{ chain, hash asm.Felt }

// NewInvoke returns a version-1 invoke transaction from account.
func NewInvoke(account, nonce, maxFee asm.Felt, calldata []asm.Felt) *Tx {
	return &Tx{Type: Invoke, Sender: account, Nonce: nonce, MaxFee: maxFee, Calldata: calldata}
}

// NewDeployAccount returns a deploy-account transaction; Sender is set to
// the address the account will have (deployer zero, as Starknet does).
func NewDeployAccount(classHash, salt, maxFee asm.Felt, ctorCalldata []asm.Felt) *Tx {
	return &Tx{Type: DeployAccount, ClassHash: classHash, Salt: salt, MaxFee: maxFee, Calldata: ctorCalldata,
		Sender: state.ContractAddress(salt, classHash, ctorCalldata, asm.Felt{})}
}

// NewDeclare returns a version-2 declare of cl under classHash, sent by
// account. The compiled class hash is computed from cl.
func NewDeclare(account, nonce, maxFee, classHash asm.Felt, cl *class.Class) *Tx {
	return &Tx{Type: Declare, Sender: account, Nonce: nonce, MaxFee: maxFee, ClassHash: classHash,
		CompiledClassHash: cl.CompiledClassHash(), Class: cl}
}

// NewL1Handler returns an L1 handler transaction calling selector on
// contract with calldata (its first felt is the L1 sender).
func NewL1Handler(contract, selector, nonce asm.Felt, calldata []asm.Felt) *Tx {
	return &Tx{Type: L1Handler, Sender: contract, Selector: selector, Nonce: nonce, Calldata: calldata}
}

// Version returns the transaction's version: 1 for invoke and deploy
// account, 2 for declare, 0 for an L1 handler.
func (tx *Tx) Version() asm.Felt {
	switch tx.Type {
	case Declare:
		return asm.FeltFromUint64(2)
	case L1Handler:
		return asm.Felt{}
	}
	return asm.FeltFromUint64(1)
}

// Hash returns the transaction hash on chainID, as Starknet computes it
// for these versions (cairo-lang's calculate_transaction_hash_common: a
// Pedersen hash on elements of the prefix, version, address, selector,
// hashed calldata, max fee, chain id, nonce and, for a declare, the
// compiled class hash). Signatures sign this hash.
//
// The result is cached in tx: the fields that enter the hash must not be
// changed once it has been computed (Signature and Access do not enter it).
func (tx *Tx) Hash(chainID asm.Felt) asm.Felt {
	if c := tx.hashed.Load(); c != nil && c.chain == chainID {
		return c.hash
	}
	h := tx.computeHash(chainID)
	tx.hashed.Store(&txHash{chain: chainID, hash: h})
	return h
}

func (tx *Tx) computeHash(chainID asm.Felt) asm.Felt {
	var prefix string
	addr, selector, data := tx.Sender, asm.Felt{}, tx.Calldata
	extra := []asm.Felt(nil)
	switch tx.Type {
	case Invoke:
		prefix = "invoke"
	case DeployAccount:
		prefix = "deploy_account"
		data = append([]asm.Felt{tx.ClassHash, tx.Salt}, tx.Calldata...)
	case Declare:
		prefix = "declare"
		data = []asm.Felt{tx.ClassHash}
		extra = []asm.Felt{tx.CompiledClassHash}
	case L1Handler:
		prefix = "l1_handler"
		selector = tx.Selector
	}
	p, _ := state.ShortString(prefix) // constants of this function: short strings
	elems := append([]asm.Felt{p, tx.Version(), addr, selector, asm.PedersenArray(data...), tx.MaxFee, chainID, tx.Nonce}, extra...)
	return asm.PedersenArray(elems...)
}

// AccessList declares the storage an invoke's execution reads and writes,
// per contract. A key in Writes may also be read.
type AccessList struct {
	Reads, Writes map[asm.Felt][]asm.Felt // contract -> storage keys
}

// Read adds a storage key that may be read and returns a.
func (a *AccessList) Read(contract asm.Felt, keys ...asm.Felt) *AccessList {
	if a.Reads == nil {
		a.Reads = map[asm.Felt][]asm.Felt{}
	}
	a.Reads[contract] = append(a.Reads[contract], keys...)
	return a
}

// Write adds a storage key that may be written (and read) and returns a.
func (a *AccessList) Write(contract asm.Felt, keys ...asm.Felt) *AccessList {
	if a.Writes == nil {
		a.Writes = map[asm.Felt][]asm.Felt{}
	}
	a.Writes[contract] = append(a.Writes[contract], keys...)
	return a
}

// Block is a block's header fields that execution sees and its
// transactions, in order.
type Block struct {
	Number, Timestamp uint64
	// SequencerAddress receives the fees.
	SequencerAddress asm.Felt
	Txs              []*Tx
}
