// Package workload builds Starknet states and blocks for testing and
// benchmarking the sequencer: an ERC20 fee token (the corpus's
// erc20__erc_20 class), funded accounts (account__account, which checks
// Stark-curve signatures, or seq__account_with_dummy_validate, which
// accepts anything), and blocks of token transfers between them at a
// chosen contention.
package workload

import (
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/sequencer"
	"github.com/cairn-vm/cairn/starknet"
	"github.com/cairn-vm/cairn/state"
)

// Options say what state to build.
type Options struct {
	// Corpus is the conformance corpus directory (its casm/ holds the
	// classes).
	Corpus string
	// Accounts is the number of accounts.
	Accounts int
	// Validate selects the signature-checking account class.
	Validate bool
	// Balance is each account's initial token balance.
	Balance uint64
	// Setup, when set, runs last in the genesis (to declare and place
	// more contracts).
	Setup func(st *state.Cached) error
}

// Account is a deployed account and the key that signs for it.
type Account struct {
	Address asm.Felt
	Key     *big.Int // nil for an account that does not check signatures
	Nonce   uint64   // the next nonce
}

// World is a genesis state with a fee token and accounts, and the
// sequencer configuration that goes with it.
type World struct {
	Genesis   *sequencer.Genesis
	Config    *sequencer.Config
	Token     asm.Felt // the ERC20, also the fee token
	Sequencer asm.Felt
	Accounts  []*Account
	Validate  bool
	// AccountClass is the accounts' class hash.
	AccountClass asm.Felt

	genesisDiff state.Diff
	classJSON   map[asm.Felt][]byte
}

// NodeGenesis returns the genesis as a sequencer.Node commits it (block 0
// of a fresh directory): the diff the world's genesis made over the empty
// state, and the CASM JSON of the classes it declares.
func (w *World) NodeGenesis() *sequencer.GenesisState {
	return &sequencer.GenesisState{Diff: w.genesisDiff, Classes: w.classJSON}
}

// ErrCorpus is wrapped by the error of a class that cannot be loaded.
var ErrCorpus = errors.New("workload: corpus class")

func loadClass(corpus, name string) (*class.Class, []byte, error) {
	js, err := os.ReadFile(filepath.Join(corpus, "casm", name))
	if err != nil {
		return nil, nil, fmt.Errorf("%w %s: %w", ErrCorpus, name, err)
	}
	cl, err := class.Parse(js)
	if err != nil {
		return nil, nil, fmt.Errorf("%w %s: %w", ErrCorpus, name, err)
	}
	if err := starknet.PrepareClass(cl); err != nil {
		return nil, nil, fmt.Errorf("%w %s: %w", ErrCorpus, name, err)
	}
	return cl, js, nil
}

// Classes of the corpus the workload uses.
const (
	ERC20Class         = "erc20__erc_20.json"
	SignedAccountClass = "account__account.json"
	DummyAccountClass  = "seq__account_with_dummy_validate.json"
)

// New builds the world.
func New(o Options) (*World, error) {
	erc20, ercJSON, err := loadClass(o.Corpus, ERC20Class)
	if err != nil {
		return nil, err
	}
	accName := DummyAccountClass
	if o.Validate {
		accName = SignedAccountClass
	}
	acc, accJSON, err := loadClass(o.Corpus, accName)
	if err != nil {
		return nil, err
	}
	w := &World{Sequencer: asm.FeltFromUint64(0x5e9), Validate: o.Validate}
	ercHash, accHash := erc20.CompiledClassHash(), acc.CompiledClassHash()
	w.classJSON = map[asm.Felt][]byte{ercHash: ercJSON, accHash: accJSON}
	w.AccountClass = accHash
	ctor := []asm.Felt{shortString("TOKEN"), shortString("TKN"), asm.FeltFromUint64(18),
		asm.FeltFromUint64(o.Balance), {}, asm.FeltFromUint64(0x7ea5)}
	w.Token = state.ContractAddress(asm.Felt{}, ercHash, ctor, asm.Felt{})
	w.Config = &sequencer.Config{FeeToken: w.Token, Fee: sequencer.DefaultFeeSchedule, AccessListDiscount: 20}
	for i := range o.Accounts {
		a := &Account{}
		var cd []asm.Felt
		if o.Validate {
			a.Key = new(big.Int).SetUint64(0x5eed0000 + uint64(i)*7919)
			cd = []asm.Felt{PublicKey(a.Key)}
		}
		a.Address = state.ContractAddress(asm.FeltFromUint64(uint64(i)), accHash, cd, asm.Felt{})
		w.Accounts = append(w.Accounts, a)
	}
	w.Genesis, err = sequencer.NewGenesis(func(st *state.Cached) error {
		if err := st.DeclareClass(ercHash, ercHash, erc20); err != nil {
			return err
		}
		if err := st.DeclareClass(accHash, accHash, acc); err != nil {
			return err
		}
		ex := starknet.NewExecutor(st, starknet.BlockInfo{}, starknet.TxInfo{Version: asm.One()})
		if _, err := ex.Deploy(w.Token, ercHash, ctor, asm.Felt{}); err != nil {
			return fmt.Errorf("workload: deploying the token: %w", err)
		}
		for i, a := range w.Accounts {
			var cd []asm.Felt
			if a.Key != nil {
				cd = []asm.Felt{PublicKey(a.Key)}
			}
			if _, err := ex.Deploy(a.Address, accHash, cd, asm.Felt{}); err != nil {
				return fmt.Errorf("workload: deploying account %d: %w", i, err)
			}
			// The genesis funds each account as much as the constructor
			// minted for the treasury.
			lo := sequencer.ERC20BalanceKey(a.Address)
			if err := st.SetStorage(w.Token, lo, asm.FeltFromUint64(o.Balance)); err != nil {
				return err
			}
		}
		if o.Setup != nil {
			if err := o.Setup(st); err != nil {
				return err
			}
		}
		w.genesisDiff = st.Diff()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

func shortString(s string) asm.Felt { f, _ := state.ShortString(s); return f }

var selTransfer = class.Selector("transfer")

// TransferCalldata is the account's __execute__ calldata for
// token.transfer(to, amount).
func (w *World) TransferCalldata(to asm.Felt, amount uint64) []asm.Felt {
	args := []asm.Felt{to, asm.FeltFromUint64(amount), {}}
	if w.Validate {
		// account__account: Array<Call>, Call = (to, selector, calldata).
		return append([]asm.Felt{asm.One(), w.Token, selTransfer, asm.FeltFromUint64(3)}, args...)
	}
	// account_with_dummy_validate: one call (to, selector, calldata).
	return append([]asm.Felt{w.Token, selTransfer, asm.FeltFromUint64(3)}, args...)
}

// Transfer returns a signed invoke from a (at its next nonce, which it
// advances) transferring amount of the token to to.
func (w *World) Transfer(a *Account, to asm.Felt, amount uint64, maxFee uint64) *sequencer.Tx {
	tx := sequencer.NewInvoke(a.Address, asm.FeltFromUint64(a.Nonce), asm.FeltFromUint64(maxFee), w.TransferCalldata(to, amount))
	a.Nonce++
	w.Sign(tx, a)
	return tx
}

// Sign sets tx's signature for account a (nothing for an account without
// a key).
func (w *World) Sign(tx *sequencer.Tx, a *Account) {
	if a.Key == nil {
		return
	}
	r, s := Sign(tx.Hash(w.chainID()), a.Key)
	tx.Signature = []asm.Felt{r, s}
}

func (w *World) chainID() asm.Felt {
	if w.Config.ChainID.IsZero() {
		return starknet.ChainIDGoerli
	}
	return w.Config.ChainID
}

// Declare adds to tx the access list of a token transfer to to: the
// recipient's balance (the sender's is implicit).
func (w *World) Declare(tx *sequencer.Tx, to asm.Felt) {
	lo := sequencer.ERC20BalanceKey(to)
	var hi asm.Felt
	one := asm.One()
	hi.Add(&lo, &one)
	tx.Access = (&sequencer.AccessList{}).Write(w.Token, lo, hi)
}

// Contention is how much the transfers of a block overlap.
type Contention string

// The contention levels of TransferBlock.
const (
	// Low: every transfer goes to an address of its own.
	Low Contention = "low"
	// High: transfers go to one of a few hot addresses.
	High Contention = "high"
	// Full: every transfer goes to one address.
	Full Contention = "full"
)

// TransferBlock returns a block of n transfers of 1 token unit, sent
// round-robin by the accounts (so n <= len(Accounts) gives every
// transaction its own sender), to recipients as the contention says.
// declare adds each transfer's access list.
func (w *World) TransferBlock(n int, c Contention, declare bool, seed uint64) (*sequencer.Block, error) {
	if len(w.Accounts) == 0 {
		return nil, errors.New("workload: no accounts")
	}
	r := rand.New(rand.NewPCG(seed, 1))
	b := &sequencer.Block{Number: 1, Timestamp: 1_700_000_000, SequencerAddress: w.Sequencer}
	for i := range n {
		var to asm.Felt
		switch c {
		case Low:
			to = asm.FeltFromUint64(0x10_0000 + uint64(i))
		case High:
			to = asm.FeltFromUint64(0x20_0000 + r.Uint64N(4))
		case Full:
			to = asm.FeltFromUint64(0x30_0000)
		default:
			return nil, fmt.Errorf("workload: unknown contention %q (low, high, full)", c)
		}
		tx := w.Transfer(w.Accounts[i%len(w.Accounts)], to, 1, 10_000_000)
		if declare {
			w.Declare(tx, to) // not part of the hash: no new signature
		}
		// A sequencer hashes a transaction when it accepts it (and keeps
		// the hash in the Tx); the block's executions do not pay for it.
		tx.Hash(w.chainID())
		b.Txs = append(b.Txs, tx)
	}
	return b, nil
}
