package sequencer

import (
	"errors"
	"fmt"
	"time"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/starknet"
	"github.com/cairn-vm/cairn/state"
)

// Status is how a transaction ended.
type Status uint8

// The statuses.
const (
	// Succeeded: validated and executed; its writes and fee are kept.
	Succeeded Status = iota
	// Reverted: validated, but its execution failed or cost more than
	// the max fee. Its nonce and fee are kept, nothing else.
	Reverted
	// Rejected: not validated (bad nonce, unable to pay, failed
	// validation). It changes nothing and pays nothing; a block builder
	// would leave it out.
	Rejected
)

// String returns "SUCCEEDED", "REVERTED" or "REJECTED".
func (s Status) String() string {
	switch s {
	case Succeeded:
		return "SUCCEEDED"
	case Reverted:
		return "REVERTED"
	case Rejected:
		return "REJECTED"
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// Event is an event a transaction emitted, with the contract that
// emitted it.
type Event struct {
	From       asm.Felt
	Keys, Data []asm.Felt
}

// Message is an L2 -> L1 message a transaction sent.
type Message struct {
	From, To asm.Felt
	Payload  []asm.Felt
}

// Receipt is the outcome of one transaction.
type Receipt struct {
	TxHash asm.Felt
	Type   TxType
	Status Status
	// Reason says why the transaction reverted or was rejected.
	Reason string
	// ActualFee is what the transaction paid (zero when rejected).
	ActualFee asm.Felt
	// Discounted is set when the access-list discount applied.
	Discounted bool
	// Events and Messages of the calls that did not fail, in order.
	Events   []Event
	Messages []Message
	// Resources are the steps, memory holes and builtins of validation
	// and execution (a failed execution's not included).
	Resources starknet.Resources
	// GasConsumed is the Cairo gas of validation and execution.
	GasConsumed uint64
	// Divergence, under Config.Differential, describes how the engine's
	// run differed from the interpreter's (whose result this receipt
	// is); empty when they agreed or were not compared.
	Divergence string
}

// Divergences returns the indices of the transactions whose engine run
// diverged from the interpreter's (see Config.Differential).
func (r *BlockResult) Divergences() []int {
	var out []int
	for i, rc := range r.Receipts {
		if rc != nil && rc.Divergence != "" {
			out = append(out, i)
		}
	}
	return out
}

// BlockResult is what executing a block gives.
type BlockResult struct {
	Receipts []*Receipt
	// Diff is the block's state diff against the base: every entry whose
	// final value differs from the base's.
	Diff state.Diff
	// Root is the state root after the block, when the base is a
	// Committer (zero otherwise).
	Root  asm.Felt
	Stats Stats
}

// Stats counts an executor's work on a block.
type Stats struct {
	Txs   int
	Steps int // Cairo steps in the receipts
	// Executions counts transaction executions, re-executions included
	// (Txs for Serial).
	Executions int
	// ReExecutions counts executions beyond the first of each
	// transaction.
	ReExecutions int
	// Independent counts the declared transactions that conflict with no
	// other declared one (they get the access-list discount). Planned
	// counts the declared transactions AccessList ran without
	// speculation, in Groups conflict groups; Fallback is whether the
	// block had to be run again with Block-STM because another
	// transaction touched what they did.
	Independent int
	Planned     int
	Groups      int
	Fallback    bool
	// Commit is the wall time spent after the transactions ran: building
	// the diff and, over a Committer, waiting for the base commitment and
	// applying the diff to it for the new root. It is part of Execute's
	// time, reported apart because it is hashing (a few Pedersen hashes
	// per changed storage cell and contract), not execution.
	Commit time.Duration
}

// Sentinel errors; the typed errors below match them with errors.Is.
var (
	// ErrInvalidNonce: a transaction's nonce is not its account's.
	ErrInvalidNonce = errors.New("sequencer: invalid nonce")
	// ErrInsufficientBalance: the account cannot pay the max fee.
	ErrInsufficientBalance = errors.New("sequencer: insufficient balance for max fee")
	// ErrValidation: validation failed.
	ErrValidation = errors.New("sequencer: validation failed")
	// ErrAccessViolation: an access outside a transaction's access list.
	ErrAccessViolation = errors.New("sequencer: access outside the access list")
	// ErrMaxFeeExceeded: the actual fee exceeded the max fee.
	ErrMaxFeeExceeded = errors.New("sequencer: actual fee exceeds max fee")
)

// InvalidNonceError is a transaction whose nonce is not its account's.
type InvalidNonceError struct {
	Account, Want, Got asm.Felt
}

// Error implements error.
func (e *InvalidNonceError) Error() string {
	return fmt.Sprintf("invalid nonce of %s: the account's is %s, the transaction's %s", e.Account.Hex(), e.Want, e.Got)
}

// Is reports whether target is ErrInvalidNonce.
func (e *InvalidNonceError) Is(target error) bool { return target == ErrInvalidNonce }

// BalanceError is an account that cannot pay a fee.
type BalanceError struct {
	Account       asm.Felt
	Balance, Need string // decimal u256 values
}

// Error implements error.
func (e *BalanceError) Error() string {
	return fmt.Sprintf("balance of %s is %s, needs %s", e.Account.Hex(), e.Balance, e.Need)
}

// Is reports whether target is ErrInsufficientBalance.
func (e *BalanceError) Is(target error) bool { return target == ErrInsufficientBalance }

// ValidationError is a failed validation: a revert, an execution error,
// or return data other than 'VALID'.
type ValidationError struct {
	Account asm.Felt
	Reason  string
}

// Error implements error.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("validation of %s failed: %s", e.Account.Hex(), e.Reason)
}

// Is reports whether target is ErrValidation.
func (e *ValidationError) Is(target error) bool { return target == ErrValidation }

// AccessViolationError is an access outside a transaction's access list.
type AccessViolationError struct {
	Contract, Key asm.Felt
	Write         bool
	What          string // "storage", "deploy", "declare"
}

// Error implements error.
func (e *AccessViolationError) Error() string {
	op := "read"
	if e.Write {
		op = "write"
	}
	if e.What != "storage" {
		return fmt.Sprintf("access list violation: %s at %s", e.What, e.Contract.Hex())
	}
	return fmt.Sprintf("access list violation: %s of storage %s of %s", op, e.Key.Hex(), e.Contract.Hex())
}

// Is reports whether target is ErrAccessViolation.
func (e *AccessViolationError) Is(target error) bool { return target == ErrAccessViolation }

// ExecError is a block an executor could not complete: the base state
// failed, or cairn did (a panic is a bug).
type ExecError struct {
	Tx  int // the transaction's index in the block
	Err error
}

// Error implements error.
func (e *ExecError) Error() string { return fmt.Sprintf("sequencer: transaction %d: %v", e.Tx, e.Err) }

// Unwrap returns Err.
func (e *ExecError) Unwrap() error { return e.Err }
