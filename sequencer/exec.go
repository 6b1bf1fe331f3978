package sequencer

import (
	"cmp"
	"math/big"
	"slices"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/internal/parallel"
	"github.com/cairn-vm/cairn/starknet"
	"github.com/cairn-vm/cairn/state"
)

// The account entry points.
var (
	selValidate       = class.Selector("__validate__")
	selExecute        = class.Selector("__execute__")
	selValidateDeploy = class.Selector("__validate_deploy__")
	selValidateDecl   = class.Selector("__validate_declare__")
	validRetdata      = asm.FeltFromBytesBE([]byte("VALID"))
)

var two128 = new(big.Int).Lsh(big.NewInt(1), 128)

// prepared is what every executor computes once per transaction of a
// block before running it: its hash, its sender's fee-token balance keys,
// its access list as a set, and whether it is independent (see the
// package documentation).
type prepared struct {
	hash asm.Felt
	// balLo and balHi are the keys of the sender's balance in the fee
	// token. Each is a Pedersen hash (of the order of 10 µs), and a
	// transaction needs them for pre-validation, for the fee and on every
	// fee-token access its access list guards: computing them once per
	// transaction took a fifth of a transfer's time.
	balLo, balHi asm.Felt
	// balHash, when the fee token has the default layout, is the
	// Pedersen hash balLo derives from, which the token's own code
	// computes again: it is handed to the transaction's pedersen
	// builtin (starknet.Executor.Hashes) instead.
	balHash     asm.Felt
	acl         map[loc]uint8 // nil: no access list; aclRead or aclWrite
	independent bool
}

const (
	aclRead uint8 = 1 + iota
	aclWrite
)

// loc is a storage cell.
type loc struct{ contract, key asm.Felt }

// prepare computes the prepared form of b's transactions on up to
// workers goroutines. What each transaction needs (its hash, usually
// cached since the transaction's admission; its balance keys; its
// access-list set)
// depends on it alone, so the parallel executors spread it rather than
// run it as a serial phase before the block; Serial passes 1. Only the
// independence marking, which looks at the whole block, is serial.
func (c *Config) prepare(b *Block, workers int) []prepared {
	chain := c.chainID()
	ps := make([]prepared, len(b.Txs))
	parallel.For(len(b.Txs), workers, func(i int) {
		tx := b.Txs[i]
		ps[i].hash = tx.Hash(chain)
		if c.BalanceKey == nil {
			ps[i].balHash = erc20BalanceHash(tx.Sender)
			ps[i].balLo = state.NormalizeAddress(ps[i].balHash)
			one := asm.One()
			ps[i].balHi.Add(&ps[i].balLo, &one)
		} else {
			ps[i].balLo, ps[i].balHi = c.balanceKeys(tx.Sender)
		}
		if tx.Type == Invoke && tx.Access != nil {
			ps[i].acl = aclSet(tx.Access)
		}
	})
	c.markIndependent(b, ps)
	return ps
}

func aclSet(a *AccessList) map[loc]uint8 {
	m := map[loc]uint8{}
	for ctr, keys := range a.Reads {
		for _, k := range keys {
			if m[loc{ctr, k}] == 0 {
				m[loc{ctr, k}] = aclRead
			}
		}
	}
	for ctr, keys := range a.Writes {
		for _, k := range keys {
			m[loc{ctr, k}] = aclWrite
		}
	}
	return m
}

// markIndependent sets the independent flag of each declared transaction
// whose footprint (its access list, its account's storage and nonce, its
// fee-token balance) no other declared transaction writes, and that writes
// nothing another one reads. The sequencer's balance is written by every
// transaction's fee, so a transaction that declares it (or is sent by the
// sequencer) is never independent.
func (c *Config) markIndependent(b *Block, ps []prepared) {
	writers := map[loc]int{}
	touchers := map[loc]int{}
	contracts := map[asm.Felt]int{} // declared transactions touching a contract's storage
	footprint := func(i int) (map[loc]uint8, asm.Felt) {
		tx := b.Txs[i]
		fp := make(map[loc]uint8, len(ps[i].acl)+2)
		for l, m := range ps[i].acl {
			fp[l] = m
		}
		fp[loc{c.FeeToken, ps[i].balLo}] = aclWrite
		fp[loc{c.FeeToken, ps[i].balHi}] = aclWrite
		return fp, tx.Sender
	}
	fps := make([]map[loc]uint8, len(ps))
	for i := range ps {
		if ps[i].acl == nil {
			continue
		}
		fp, sender := footprint(i)
		fps[i] = fp
		seen := map[asm.Felt]bool{sender: true}
		contracts[sender]++
		for l, m := range fp {
			touchers[l]++
			if m == aclWrite {
				writers[l]++
			}
			if !seen[l.contract] {
				seen[l.contract] = true
				contracts[l.contract]++
			}
		}
	}
	// sentBy counts the declared transactions each account sends (it may
	// touch any of its own storage).
	sentBy := map[asm.Felt]int{}
	for i, fp := range fps {
		if fp != nil {
			sentBy[b.Txs[i].Sender]++
		}
	}
	seqLo, seqHi := c.balanceKeys(b.SequencerAddress)
	for i, fp := range fps {
		if fp == nil {
			continue
		}
		sender := b.Txs[i].Sender
		ok := contracts[sender] == 1 && sender != b.SequencerAddress
		for l, m := range fp {
			if !ok {
				break
			}
			switch {
			case l.contract == c.FeeToken && (l.key == seqLo || l.key == seqHi):
				ok = false
			case l.contract != sender && contracts[l.contract] > 1 && sentBy[l.contract] > 0:
				ok = false // another declared transaction is the account there
			case m == aclWrite:
				ok = touchers[l] == 1
			default:
				ok = writers[l] == 0
			}
		}
		ps[i].independent = ok
	}
}

// run executes one transaction over st and returns its receipt. st is the
// transaction's own view of the state: the caller keeps its writes unless
// the transaction is rejected. credit pays the fee to the sequencer; how
// is the executor's business (a read and a write, or a delta). The error
// is a failure of the state outside Cairo execution.
func (c *Config) run(st starknet.State, b *Block, tx *Tx, p *prepared, credit func(fee asm.Felt) error) (*Receipt, error) {
	if c.differential(p.hash) {
		return c.runChecked(st, b, tx, p, credit)
	}
	return c.runWith(st, b, tx, p, c.Engine, credit)
}

// runWith is run with the given Cairo engine.
func (c *Config) runWith(st starknet.State, b *Block, tx *Tx, p *prepared, engine string, credit func(fee asm.Felt) error) (*Receipt, error) {
	r := &Receipt{TxHash: p.hash, Type: tx.Type}
	ex := starknet.NewExecutor(st, starknet.BlockInfo{Number: b.Number, Timestamp: b.Timestamp, SequencerAddress: b.SequencerAddress},
		starknet.TxInfo{Version: tx.Version(), AccountAddress: tx.Sender, MaxFee: tx.MaxFee, Signature: tx.Signature,
			Hash: p.hash, Nonce: tx.Nonce})
	ex.ChainID = c.chainID()
	ex.BuiltinCosts = c.BuiltinCosts
	ex.MaxSteps = c.MaxSteps
	ex.Engine = engine
	if c.BalanceKey == nil {
		ex.Hashes.Add(balancesVar, tx.Sender, p.balHash)
	}
	t := &txRun{cfg: c, st: st, ex: ex, tx: tx, p: p, r: r, credit: credit}
	var err error
	switch tx.Type {
	case Invoke:
		err = t.invoke()
	case DeployAccount:
		err = t.deployAccount()
	case Declare:
		err = t.declare()
	case L1Handler:
		t.l1Handler()
	default:
		t.reject(&ValidationError{Account: tx.Sender, Reason: "unknown transaction type " + tx.Type.String()})
	}
	if err != nil {
		return nil, err
	}
	if r.Status == Rejected {
		// Nothing of a rejected transaction counts.
		*r = Receipt{TxHash: r.TxHash, Type: r.Type, Status: Rejected, Reason: r.Reason}
	}
	return r, nil
}

// txRun is one transaction being executed.
type txRun struct {
	cfg    *Config
	st     starknet.State
	ex     *starknet.Executor
	tx     *Tx
	p      *prepared
	r      *Receipt
	credit func(asm.Felt) error
}

func (t *txRun) reject(err error) {
	t.r.Status = Rejected
	t.r.Reason = err.Error()
}

// call runs an entry point of the sender (caller zero, as the protocol
// calls accounts) in mode, adding its resources, gas and (when it
// succeeded) events to the receipt.
func (t *txRun) call(mode starknet.ExecutionMode, typ class.EntryPointType, sel asm.Felt, calldata []asm.Felt) (*starknet.CallInfo, error) {
	t.ex.Tx.Mode = mode
	info, err := t.ex.Execute(starknet.Call{ContractAddress: t.tx.Sender, EntryPointType: typ, Selector: sel,
		Calldata: calldata, CallType: starknet.CallTypeCall, InitialGas: starknet.DefaultInitialGas})
	if err == nil {
		t.account(info)
	}
	return info, err
}

// account adds a finished call's resources, gas and events to the receipt.
func (t *txRun) account(info *starknet.CallInfo) {
	t.r.Resources.Add(info.Resources)
	t.r.GasConsumed += info.GasConsumed
	if !info.Failed {
		collect(info, t.r)
	}
}

// validate runs a validation entry point; the error is a
// *ValidationError.
func (t *txRun) validate(sel asm.Felt, calldata []asm.Felt) error {
	info, err := t.call(starknet.ModeValidate, class.External, sel, calldata)
	switch {
	case err != nil:
		return &ValidationError{Account: t.tx.Sender, Reason: err.Error()}
	case info.Failed:
		return &ValidationError{Account: t.tx.Sender, Reason: starknet.RevertReason(info.Retdata)}
	case len(info.Retdata) != 1 || info.Retdata[0] != validRetdata:
		return &ValidationError{Account: t.tx.Sender, Reason: "validation did not return 'VALID'"}
	}
	return nil
}

// preValidate checks what every account transaction needs before it
// runs: a deployed account (unless deploying it), the nonce, and a
// balance that covers the max fee. It reports whether the transaction
// may go on.
func (t *txRun) preValidate(deployed bool) (bool, error) {
	if deployed {
		h, err := t.st.ClassHash(t.tx.Sender)
		if err != nil {
			return false, err
		}
		if h.IsZero() {
			t.reject(&ValidationError{Account: t.tx.Sender, Reason: "account not deployed"})
			return false, nil
		}
	}
	n, err := t.st.Nonce(t.tx.Sender)
	if err != nil {
		return false, err
	}
	if n != t.tx.Nonce {
		t.reject(&InvalidNonceError{Account: t.tx.Sender, Want: n, Got: t.tx.Nonce})
		return false, nil
	}
	bal, err := t.balance()
	if err != nil {
		return false, err
	}
	if need := t.tx.MaxFee.BigInt(); bal.Cmp(need) < 0 {
		t.reject(&BalanceError{Account: t.tx.Sender, Balance: bal.String(), Need: need.String()})
		return false, nil
	}
	return true, nil
}

// balance returns the sender's fee-token balance.
func (t *txRun) balance() (*big.Int, error) {
	l, err := t.st.Storage(t.cfg.FeeToken, t.p.balLo)
	if err != nil {
		return nil, err
	}
	h, err := t.st.Storage(t.cfg.FeeToken, t.p.balHi)
	if err != nil {
		return nil, err
	}
	v := h.BigInt()
	v.Lsh(v, 128)
	return v.Add(v, l.BigInt()), nil
}

// fee returns the fee of the receipt's resources plus extra gas, with the
// access-list discount when the transaction is independent.
func (t *txRun) fee(extraGas uint64) *big.Int {
	f := t.cfg.Fee
	g := new(big.Int).SetUint64(f.gas(t.r.Resources))
	g.Add(g, new(big.Int).SetUint64(extraGas))
	g.Mul(g, new(big.Int).SetUint64(f.GasPrice))
	if t.p.independent && t.cfg.AccessListDiscount > 0 {
		d := min(t.cfg.AccessListDiscount, 100)
		g.Mul(g, big.NewInt(int64(100-d)))
		g.Quo(g, big.NewInt(100))
		t.r.Discounted = true
	}
	return g
}

// pay debits fee from the sender's balance, which must cover it, and
// credits the sequencer.
func (t *txRun) pay(fee *big.Int) error {
	t.r.ActualFee = asm.FeltFromBig(fee)
	if fee.Sign() == 0 {
		return nil
	}
	bal, err := t.balance()
	if err != nil {
		return err
	}
	bal.Sub(bal, fee)
	l := new(big.Int).Mod(bal, two128)
	h := new(big.Int).Rsh(bal, 128)
	if err := t.st.SetStorage(t.cfg.FeeToken, t.p.balLo, asm.FeltFromBig(l)); err != nil {
		return err
	}
	if err := t.st.SetStorage(t.cfg.FeeToken, t.p.balHi, asm.FeltFromBig(h)); err != nil {
		return err
	}
	return t.credit(t.r.ActualFee)
}

// invoke is an invoke transaction: pre-validation, nonce, __validate__,
// __execute__ (reverted on failure), fee.
func (t *txRun) invoke() error {
	if ok, err := t.preValidate(true); !ok || err != nil {
		return err
	}
	if err := t.st.IncrementNonce(t.tx.Sender); err != nil {
		return err
	}
	if err := t.validate(selValidate, t.tx.Calldata); err != nil {
		t.reject(err)
		return nil
	}
	cp := t.st.Checkpoint()
	if t.p.acl != nil {
		// Only execution is bounded by the access list: validation
		// touches the account's own storage, which is implicitly
		// declared, and may call nothing else.
		t.ex.State = &guard{State: t.st, cfg: t.cfg, sender: t.tx.Sender, p: t.p}
	}
	nEvents := len(t.r.Events)
	info, err := t.call(starknet.ModeExecute, class.External, selExecute, t.tx.Calldata)
	t.ex.State = t.st
	var extra uint64
	switch {
	case err != nil:
		t.r.Status, t.r.Reason = Reverted, err.Error()
		extra = t.cfg.Fee.FailureGas
	case info.Failed:
		t.r.Status, t.r.Reason = Reverted, starknet.RevertReason(info.Retdata)
	}
	fee := t.fee(extra)
	maxFee := t.tx.MaxFee.BigInt()
	if fee.Cmp(maxFee) > 0 {
		fee = maxFee
		t.r.Status, t.r.Reason = Reverted, ErrMaxFeeExceeded.Error()
	}
	if t.r.Status == Succeeded {
		// Execution may have spent what the fee needs.
		bal, err := t.balance()
		if err != nil {
			return err
		}
		if bal.Cmp(fee) < 0 {
			t.r.Status = Reverted
			t.r.Reason = (&BalanceError{Account: t.tx.Sender, Balance: bal.String(), Need: fee.String()}).Error()
		}
	}
	if t.r.Status == Reverted {
		t.r.Events, t.r.Messages = t.r.Events[:nEvents], nil
		if err := t.st.RevertTo(cp); err != nil {
			return err
		}
	} else if err := t.st.Release(cp); err != nil {
		return err
	}
	return t.pay(fee)
}

// deployAccount deploys the account (constructor), validates it with
// __validate_deploy__, and charges the fee to the new account. Any
// failure rejects it.
func (t *txRun) deployAccount() error {
	if want := state.ContractAddress(t.tx.Salt, t.tx.ClassHash, t.tx.Calldata, asm.Felt{}); want != t.tx.Sender {
		t.reject(&ValidationError{Account: t.tx.Sender, Reason: "sender is not the deployed account's address " + want.Hex()})
		return nil
	}
	if ok, err := t.preValidate(false); !ok || err != nil {
		return err
	}
	t.ex.Tx.Mode = starknet.ModeExecute
	info, err := t.ex.DeployContract(t.tx.Sender, t.tx.ClassHash, t.tx.Calldata, asm.Felt{}, starknet.DefaultInitialGas)
	switch {
	case err != nil:
		t.reject(&ValidationError{Account: t.tx.Sender, Reason: err.Error()})
		return nil
	case info.Failed:
		t.reject(&ValidationError{Account: t.tx.Sender, Reason: "constructor reverted: " + starknet.RevertReason(info.Retdata)})
		return nil
	}
	t.account(info)
	if err := t.st.IncrementNonce(t.tx.Sender); err != nil {
		return err
	}
	cd := append([]asm.Felt{t.tx.ClassHash, t.tx.Salt}, t.tx.Calldata...)
	if err := t.validate(selValidateDeploy, cd); err != nil {
		t.reject(err)
		return nil
	}
	return t.payOrReject()
}

// payOrReject charges the fee of a transaction whose failure would be a
// rejection: one whose fee exceeds its max fee is rejected.
func (t *txRun) payOrReject() error {
	fee := t.fee(0)
	if fee.Cmp(t.tx.MaxFee.BigInt()) > 0 {
		t.reject(ErrMaxFeeExceeded)
		return nil
	}
	return t.pay(fee)
}

// declare validates with __validate_declare__ and declares the class.
func (t *txRun) declare() error {
	if ok, err := t.preValidate(true); !ok || err != nil {
		return err
	}
	if t.tx.Class == nil || t.tx.Class.CompiledClassHash() != t.tx.CompiledClassHash {
		t.reject(&ValidationError{Account: t.tx.Sender, Reason: "the compiled class hash is not the class's"})
		return nil
	}
	have, err := t.st.CompiledClassHash(t.tx.ClassHash)
	if err != nil {
		return err
	}
	if !have.IsZero() {
		t.reject(&ValidationError{Account: t.tx.Sender, Reason: "class " + t.tx.ClassHash.Hex() + " is already declared"})
		return nil
	}
	if err := t.st.IncrementNonce(t.tx.Sender); err != nil {
		return err
	}
	if err := t.validate(selValidateDecl, []asm.Felt{t.tx.ClassHash}); err != nil {
		t.reject(err)
		return nil
	}
	if err := t.st.DeclareClass(t.tx.ClassHash, t.tx.CompiledClassHash, t.tx.Class); err != nil {
		return err
	}
	return t.payOrReject()
}

// l1Handler runs the handler; it pays no fee (that was paid on L1) and
// a failure reverts it.
func (t *txRun) l1Handler() {
	info, err := t.call(starknet.ModeExecute, class.L1Handler, t.tx.Selector, t.tx.Calldata)
	switch {
	case err != nil:
		t.r.Status, t.r.Reason = Reverted, err.Error()
	case info.Failed:
		t.r.Status, t.r.Reason = Reverted, starknet.RevertReason(info.Retdata)
	}
}

// collect appends the events and messages of a call and of its inner
// calls that did not fail, in the order they were emitted.
func collect(info *starknet.CallInfo, r *Receipt) {
	type ev struct {
		order int
		e     Event
	}
	type msg struct {
		order int
		m     Message
	}
	var evs []ev
	var msgs []msg
	var walk func(c *starknet.CallInfo)
	walk = func(c *starknet.CallInfo) {
		if c.Failed {
			return
		}
		for _, e := range c.Events {
			evs = append(evs, ev{e.Order, Event{From: c.Call.ContractAddress, Keys: e.Keys, Data: e.Data}})
		}
		for _, m := range c.Messages {
			msgs = append(msgs, msg{m.Order, Message{From: c.Call.ContractAddress, To: m.ToAddress, Payload: m.Payload}})
		}
		for _, in := range c.InternalCalls {
			walk(in)
		}
	}
	walk(info)
	slices.SortStableFunc(evs, func(a, b ev) int { return cmp.Compare(a.order, b.order) })
	slices.SortStableFunc(msgs, func(a, b msg) int { return cmp.Compare(a.order, b.order) })
	for _, e := range evs {
		r.Events = append(r.Events, e.e)
	}
	for _, m := range msgs {
		r.Messages = append(r.Messages, m.m)
	}
}

// guard is the state an invoke with an access list executes over: storage
// outside the list (other than the account's own and its fee balance)
// fails with an *AccessViolationError, and so does any deployment,
// replacement or declaration.
type guard struct {
	starknet.State
	cfg    *Config
	sender asm.Felt
	p      *prepared // the access list and the sender's balance keys
}

func (g *guard) allowed(contract, key asm.Felt, write bool) error {
	if contract == g.sender {
		return nil
	}
	if contract == g.cfg.FeeToken && (key == g.p.balLo || key == g.p.balHi) {
		return nil
	}
	m := g.p.acl[loc{contract, key}]
	if m == aclWrite || (m == aclRead && !write) {
		return nil
	}
	return &AccessViolationError{Contract: contract, Key: key, Write: write, What: "storage"}
}

func (g *guard) Storage(contract, key asm.Felt) (asm.Felt, error) {
	if err := g.allowed(contract, key, false); err != nil {
		return asm.Felt{}, err
	}
	return g.State.Storage(contract, key)
}

func (g *guard) SetStorage(contract, key, value asm.Felt) error {
	if err := g.allowed(contract, key, true); err != nil {
		return err
	}
	return g.State.SetStorage(contract, key, value)
}

func (g *guard) SetClassHash(contract, classHash asm.Felt) error {
	return &AccessViolationError{Contract: contract, Write: true, What: "deploy"}
}

func (g *guard) DeclareClass(classHash, compiledClassHash asm.Felt, cl *class.Class) error {
	return &AccessViolationError{Contract: classHash, Write: true, What: "declare"}
}
