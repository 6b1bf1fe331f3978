package sequencer

import (
	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/starknet"
	"github.com/cairn-vm/cairn/state"
)

// Config is what a sequencer's executors share: the chain, the fee token
// and the fee schedule, and how Cairo runs.
type Config struct {
	// ChainID is the chain id of the transaction hashes and of
	// get_execution_info (starknet.ChainIDGoerli when zero).
	ChainID asm.Felt
	// FeeToken is the ERC20 contract fees are paid in.
	FeeToken asm.Felt
	// BalanceKey returns the storage key of the low word of an account's
	// u256 balance in FeeToken (the high word is the next key).
	// ERC20BalanceKey when nil.
	BalanceKey func(account asm.Felt) asm.Felt
	// Fee is the fee schedule.
	Fee FeeSchedule
	// AccessListDiscount is the percentage (0 to 100) taken off the fee
	// of an independent declared transaction.
	AccessListDiscount uint64
	// MaxSteps is each transaction's step budget, validation and
	// execution together (starknet.DefaultMaxSteps when 0).
	MaxSteps int
	// Engine runs Cairo: "interp" (or ""), "jit" or "auto".
	Engine string
	// Differential, with an Engine other than the interpreter, runs a
	// share of the transactions with the interpreter as well and compares
	// the two runs (receipt, fee, state writes): 0 none, 1 all, a
	// fraction in between the transactions whose hash falls in it (the
	// same ones in every executor). The interpreter's result is the one
	// kept; a difference is reported in Receipt.Divergence.
	Differential float64
	// BuiltinCosts is the builtin-cost table (starknet.BuiltinCostsZero
	// when nil).
	BuiltinCosts []uint64
}

// FeeSchedule prices a transaction: fee = gas × GasPrice, where gas =
// TxGas + StepGas × steps + BuiltinGas × builtin instances, over
// validation and execution. An execution that failed with an error
// (rather than a Cairo revert) has no resources to count and is charged
// FailureGas for it instead.
type FeeSchedule struct {
	GasPrice   uint64
	TxGas      uint64
	StepGas    uint64
	BuiltinGas uint64
	FailureGas uint64
}

// DefaultFeeSchedule is a schedule with round numbers: 1 fee unit per gas,
// 10,000 gas per transaction, 1 per step, 20 per builtin instance, 100,000
// for a failed execution.
var DefaultFeeSchedule = FeeSchedule{GasPrice: 1, TxGas: 10_000, StepGas: 1, BuiltinGas: 20, FailureGas: 100_000}

// ERC20BalanceKey is the storage key of balances[account] in a Cairo 1
// ERC20 whose balances are a Map<ContractAddress, u256> named "balances":
// pedersen(sn_keccak("balances"), account) reduced below 2^251 - 256, as
// storage_base_address_from_felt252 does.
func ERC20BalanceKey(account asm.Felt) asm.Felt {
	return state.NormalizeAddress(erc20BalanceHash(account))
}

// erc20BalanceHash is the hash ERC20BalanceKey reduces.
func erc20BalanceHash(account asm.Felt) asm.Felt {
	base := balancesVar
	return asm.Pedersen(&base, &account)
}

var balancesVar = class.Selector("balances")

func (c *Config) chainID() asm.Felt {
	if c.ChainID.IsZero() {
		return starknet.ChainIDGoerli
	}
	return c.ChainID
}

func (c *Config) balanceKey(account asm.Felt) asm.Felt {
	if c.BalanceKey != nil {
		return c.BalanceKey(account)
	}
	return ERC20BalanceKey(account)
}

// balanceKeys returns the keys of the low and high words of account's
// fee-token balance.
func (c *Config) balanceKeys(account asm.Felt) (lo, hi asm.Felt) {
	lo = c.balanceKey(account)
	one := asm.One()
	hi.Add(&lo, &one)
	return lo, hi
}

// gas returns the gas of resources.
func (f *FeeSchedule) gas(r starknet.Resources) uint64 {
	g := f.TxGas + f.StepGas*uint64(r.Steps)
	for _, n := range r.Builtins {
		g += f.BuiltinGas * uint64(n)
	}
	return g
}
