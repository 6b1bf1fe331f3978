package runtime_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/internal/corpusdir"
	"github.com/cairn-vm/cairn/runtime"
	"github.com/cairn-vm/cairn/starknet"
	"github.com/cairn-vm/cairn/state"
)

// corpusClass loads a class of the corpus's casm folder (the test skips
// without the corpus).
func corpusClass(tb testing.TB, file string) *runtime.Class {
	tb.Helper()
	cl, err := runtime.LoadClass(filepath.Join(corpusdir.OrSkip(tb), "casm", file))
	if err != nil {
		tb.Fatal(err)
	}
	return cl
}

func fu(v uint64) asm.Felt { return asm.FeltFromUint64(v) }

func fbig(x *big.Int) asm.Felt { return asm.FeltFromBig(x) }

func fhex(tb testing.TB, s string) asm.Felt {
	tb.Helper()
	f, err := asm.FeltFromString(s)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

func shortStr(tb testing.TB, s string) asm.Felt {
	tb.Helper()
	f, err := state.ShortString(s)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// mapEntry is the storage address of a Cairo 1 Map entry: the variable's
// sn_keccak, then pedersen with each key, reduced below 2^251 - 256.
func mapEntry(name string, keys ...asm.Felt) asm.Felt {
	a := class.Selector(name)
	for i := range keys {
		a = asm.Pedersen(&a, &keys[i])
	}
	return state.NormalizeAddress(a)
}

func code(err error) starknet.ErrorCode {
	var se *starknet.Error
	if errors.As(err, &se) {
		return se.Code
	}
	return ""
}

// erc20 deploys the corpus's ERC20 (starkware-libs/cairo's
// cairo_level_tests/contracts/erc20.cairo: constructor(name, symbol,
// decimals, initial_supply: u256, recipient)) with supply minted to owner.
func erc20(tb testing.TB, cs *runtime.Contracts, supply uint64, owner asm.Felt) asm.Felt {
	tb.Helper()
	cl := corpusClass(tb, "erc20__erc_20.json")
	hash, err := cs.Declare(cl)
	if err != nil {
		tb.Fatal(err)
	}
	ctor := []asm.Felt{shortStr(tb, "NAME"), shortStr(tb, "SYM"), fu(18), fu(supply), {}, owner}
	addr, err := cs.Deploy(hash, ctor, fu(7), asm.Felt{})
	if err != nil {
		tb.Fatal(err)
	}
	return addr
}

// TestContractsERC20 drives the ERC20 through the runtime API; expected
// values come from the contract's source and ERC20 semantics.
func TestContractsERC20(t *testing.T) {
	cl := corpusClass(t, "erc20__erc_20.json")
	if !cl.HasEntryPoint("transfer") || cl.HasEntryPoint("mint") {
		t.Errorf("HasEntryPoint: transfer %v, mint %v", cl.HasEntryPoint("transfer"), cl.HasEntryPoint("mint"))
	}
	if h, cch := cl.Hash(), cl.CASM().CompiledClassHash(); h != cch {
		t.Errorf("Hash %s is not the compiled class hash %s", h.Hex(), cch.Hex())
	}
	cs := runtime.NewContracts()
	cs.Block = starknet.BlockInfo{Number: 1000, Timestamp: 1700000000}
	hash, err := cs.Declare(cl)
	if err != nil || hash != cl.Hash() {
		t.Fatalf("Declare: %v %s", err, hash.Hex())
	}
	if again, err := cs.Declare(cl); err != nil || again != hash {
		t.Errorf("declaring again: %v %s", err, again.Hex())
	}
	owner, bob := fu(0x111), fu(0x333)
	ctor := []asm.Felt{shortStr(t, "NAME"), shortStr(t, "SYM"), fu(18), fu(1000), {}, owner}
	salt, deployer := fu(7), fu(0x999)
	addr, ctorRes, err := cs.DeployResult(hash, ctor, salt, deployer)
	if err != nil {
		t.Fatal(err)
	}
	if want := state.ContractAddress(salt, hash, ctor, deployer); addr != want {
		t.Errorf("deployed at %s, want %s", addr.Hex(), want.Hex())
	}
	if got, _ := cs.State().ClassHash(addr); got != hash {
		t.Errorf("class at the address %s", got.Hex())
	}
	transferKey := class.Selector("Transfer")
	// The constructor mints: Transfer(0, owner, 1000).
	if ctorRes == nil || len(ctorRes.Events) != 1 || !slices.Equal(ctorRes.Events[0].Keys, []asm.Felt{transferKey}) ||
		!slices.Equal(ctorRes.Events[0].Data, []asm.Felt{{}, owner, fu(1000), {}}) {
		t.Errorf("constructor result %+v", ctorRes)
	}

	res, err := cs.Call(addr, "transfer", []asm.Felt{bob, fu(250), {}}, owner)
	if err != nil || res.Failed || len(res.Retdata) != 0 {
		t.Fatalf("transfer: %v %+v", err, res)
	}
	if len(res.Events) != 1 || !slices.Equal(res.Events[0].Data, []asm.Felt{owner, bob, fu(250), {}}) {
		t.Errorf("transfer events %+v", res.Events)
	}
	if res.RevertReason != "" || res.SyscallCounts["emit_event"] != 1 || res.Resources.Steps == 0 ||
		res.GasConsumed <= starknet.EntryPointInitialBudget {
		t.Errorf("transfer result %+v", res)
	}
	for who, want := range map[asm.Felt]uint64{owner: 750, bob: 250} {
		res, err := cs.Call(addr, "balance_of", []asm.Felt{who}, owner)
		if err != nil || res.Failed || !slices.Equal(res.Retdata, []asm.Felt{fu(want), {}}) {
			t.Errorf("balance_of %s: %v %+v", who.Hex(), err, res)
		}
		// The u256 balance lies at the map entry (low) and the next key.
		if v, _ := cs.Storage(addr, mapEntry("balances", who)); v != fu(want) {
			t.Errorf("stored balance of %s = %s, want %d", who.Hex(), v.Hex(), want)
		}
	}
	// Without a balance the u256 subtraction panics: a revert, not an error,
	// and nothing changes.
	res, err = cs.Call(addr, "transfer", []asm.Felt{owner, fu(1), {}}, fu(0x444))
	if err != nil || !res.Failed || res.RevertReason != "0x753235365f737562204f766572666c6f77 ('u256_sub Overflow')" ||
		len(res.Events) != 0 {
		t.Errorf("transfer without balance: %v %+v", err, res)
	}
	if v, _ := cs.Storage(addr, mapEntry("balances", owner)); v != fu(750) {
		t.Errorf("a revert changed the owner's balance to %s", v.Hex())
	}

	// Typed errors.
	if _, err := cs.Call(addr, "mint", nil, owner); code(err) != starknet.CodeEntryPointNotFound {
		t.Errorf("missing entry point: %v", err)
	}
	if _, err := cs.Call(fu(0xdead), "transfer", nil, owner); code(err) != starknet.CodeUninitializedContract {
		t.Errorf("undeployed contract: %v", err)
	}
	if _, err := cs.Deploy(hash, ctor, salt, deployer); code(err) != starknet.CodeContractAddressUnavailable {
		t.Errorf("deploying twice at one address: %v", err)
	}
	if _, err := cs.Deploy(fu(0xbad), nil, asm.Felt{}, asm.Felt{}); code(err) != starknet.CodeUndeclaredClass {
		t.Errorf("undeclared class: %v", err)
	}
	// The constructor without its arguments panics in deserialisation.
	_, err = cs.Deploy(hash, nil, fu(8), asm.Felt{})
	var re *runtime.RevertError
	if !errors.As(err, &re) || !slices.Equal(starknet.RevertReasonText(re.Result.Retdata), []string{"Failed to deserialize param #1"}) {
		t.Errorf("constructor without calldata: %v", err)
	} else if got, _ := cs.State().ClassHash(re.Address); !got.IsZero() {
		t.Errorf("a reverted constructor left class %s deployed", got.Hex())
	}
	if _, err := cs.Declare(nil); !errors.Is(err, runtime.ErrNilClass) {
		t.Errorf("Declare(nil): %v", err)
	}
	if _, err := runtime.NewClass(nil); !errors.Is(err, runtime.ErrNilClass) {
		t.Errorf("NewClass(nil): %v", err)
	}
	var le *class.LoadError
	if _, err := runtime.ParseClass([]byte(`{"prime": "0x11"}`)); !errors.As(err, &le) {
		t.Errorf("ParseClass of a bad class: %v", err)
	}
	if _, err := runtime.LoadClass(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("LoadClass of a missing file succeeded")
	}

	// A step limit is an error of its own.
	cs.MaxSteps = 10
	if _, err := cs.Call(addr, "transfer", []asm.Felt{bob, fu(1), {}}, owner); code(err) != starknet.CodeOutOfResources {
		t.Errorf("step limit: %v", err)
	}
}

// accountScenario is what the corpus's account scenario gives: the key
// pair, and the transaction hash with its signature.
type accountScenario struct {
	PrivateKey string `json:"private_key"`
	Contracts  struct {
		Account struct {
			ConstructorCalldata []string `json:"constructor_calldata"`
		} `json:"account"`
	} `json:"contracts"`
	Steps []struct {
		Tx *struct {
			Hash      string   `json:"transaction_hash"`
			Signature []string `json:"signature"`
		} `json:"tx"`
	} `json:"steps"`
}

// TestAccountSignatures runs the corpus's account contract
// (cairo_level_tests/contracts/account.cairo): __validate__ checks that the
// transaction's signature is a Stark-curve ECDSA signature of the
// transaction hash by the public key given to the constructor, and
// __execute__ (caller 0, version != 0) performs the calls. Signatures are
// made in the test by an implementation of StarkWare's signing of its own
// (class_ecdsa_test.go), which first reproduces the scenario's public key
// and signature.
func TestAccountSignatures(t *testing.T) {
	dir := corpusdir.OrSkip(t)
	b, err := os.ReadFile(filepath.Join(dir, "calls", "scenarios", "account__account.json"))
	if err != nil {
		t.Skip(err)
	}
	var sc accountScenario
	if err := json.Unmarshal(b, &sc); err != nil {
		t.Fatal(err)
	}
	priv, ok := new(big.Int).SetString(strings.TrimPrefix(sc.PrivateKey, "0x"), 16)
	if !ok || len(sc.Contracts.Account.ConstructorCalldata) != 1 || len(sc.Steps) == 0 || sc.Steps[0].Tx == nil {
		t.Fatalf("unexpected scenario %s", b)
	}
	pub := starkPublicKey(priv)
	if want := fhex(t, sc.Contracts.Account.ConstructorCalldata[0]); fbig(pub) != want {
		t.Fatalf("public key of the scenario's private key: %x, scenario has %s", pub, want.Hex())
	}
	tx0 := sc.Steps[0].Tx
	hash0 := fhex(t, tx0.Hash)
	r0, s0 := starkSign(hash0.BigInt(), priv)
	if len(tx0.Signature) != 2 || fbig(r0) != fhex(t, tx0.Signature[0]) || fbig(s0) != fhex(t, tx0.Signature[1]) {
		t.Errorf("signing the scenario's hash gave (%x, %x), the scenario has %v", r0, s0, tx0.Signature)
	}

	cs := runtime.NewContracts()
	cs.Block = starknet.BlockInfo{Number: 1000, Timestamp: 1700000000, SequencerAddress: fu(0x1000)}
	accHash, err := cs.Declare(corpusClass(t, "account__account.json"))
	if err != nil {
		t.Fatal(err)
	}
	helloHash, err := cs.Declare(corpusClass(t, "hello_starknet__hello_starknet.json"))
	if err != nil {
		t.Fatal(err)
	}
	account, err := cs.Deploy(accHash, []asm.Felt{fbig(pub)}, fu(1), asm.Felt{})
	if err != nil {
		t.Fatal(err)
	}
	hello, err := cs.Deploy(helloHash, nil, asm.Felt{}, asm.Felt{})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := cs.Storage(account, class.Selector("public_key")); v != fbig(pub) {
		t.Fatalf("stored public key %s", v.Hex())
	}

	// A transaction hash of our own: a Pedersen chain over some fields, as
	// transaction hashes are (any felt below 2^251 is signable).
	h := fu(0x494e564f4b45)
	for _, f := range []asm.Felt{fu(1), account, fu(42)} {
		h = asm.Pedersen(&h, &f)
	}
	hash := h.BigInt()
	if hash.Cmp(two251) >= 0 {
		hash.Rsh(hash, 4)
	}
	r, s := starkSign(hash, priv)
	// Array<Call>: one call of hello.increase_balance(5).
	calls := []asm.Felt{fu(1), hello, class.Selector("increase_balance"), fu(1), fu(5)}
	tx := func(hash *big.Int, mode starknet.ExecutionMode, sig ...*big.Int) *starknet.TxInfo {
		t := &starknet.TxInfo{Version: fu(1), AccountAddress: account, Hash: fbig(hash), Mode: mode}
		for _, x := range sig {
			t.Signature = append(t.Signature, fbig(x))
		}
		return t
	}
	call := func(entry string, tx *starknet.TxInfo, caller asm.Felt, calldata []asm.Felt) *runtime.CallResult {
		t.Helper()
		res, err := cs.Invoke(runtime.Invocation{Contract: account, Selector: class.Selector(entry),
			Calldata: calldata, Caller: caller, Tx: tx})
		if err != nil {
			t.Fatalf("%s: %v", entry, err)
		}
		return res
	}
	valid := []asm.Felt{shortStr(t, "VALID")}
	wantOK := func(what string, res *runtime.CallResult, want []asm.Felt) {
		t.Helper()
		if res.Failed || !slices.Equal(res.Retdata, want) {
			t.Errorf("%s: failed=%v %s retdata %v, want %v", what, res.Failed, res.RevertReason, res.Retdata, want)
		}
	}
	wantRevert := func(what string, res *runtime.CallResult, reason string) {
		t.Helper()
		if !res.Failed || !slices.Equal(starknet.RevertReasonText(res.Retdata), []string{reason}) {
			t.Errorf("%s: failed=%v retdata %v, want a revert with %q", what, res.Failed, res.Retdata, reason)
		}
	}

	wantOK("__validate__ with a valid signature", call("__validate__", tx(hash, starknet.ModeValidate, r, s), asm.Felt{}, calls), valid)
	wantOK("__validate_declare__", call("__validate_declare__", tx(hash, starknet.ModeValidate, r, s), asm.Felt{},
		[]asm.Felt{helloHash}), valid)
	wantOK("__validate_deploy__", call("__validate_deploy__", tx(hash, starknet.ModeValidate, r, s), asm.Felt{},
		[]asm.Felt{accHash, fu(1), fbig(pub)}), valid)
	// ECDSA accepts (r, n - s) as well: (n-s)·R = -(s·R), and the contract
	// compares x coordinates.
	negS := new(big.Int).Sub(starkOrder, s)
	wantOK("__validate__ with (r, n - s)", call("__validate__", tx(hash, starknet.ModeValidate, r, negS), asm.Felt{}, calls), valid)

	one := big.NewInt(1)
	for _, bad := range []struct {
		what       string
		hash, r, s *big.Int
	}{
		{"r + 1", hash, new(big.Int).Add(r, one), s},
		{"s + 1", hash, r, new(big.Int).Add(s, one)},
		{"r and s swapped", hash, s, r},
		{"another hash", new(big.Int).Add(hash, one), r, s},
		{"the scenario's signature of another hash", hash, r0, s0},
		{"s = 0", hash, r, new(big.Int)},
	} {
		wantRevert("__validate__ with "+bad.what, call("__validate__", tx(bad.hash, starknet.ModeValidate, bad.r, bad.s), asm.Felt{}, calls),
			"INVALID_SIGNATURE")
	}
	wantRevert("__validate__ with one signature felt", call("__validate__", tx(hash, starknet.ModeValidate, r), asm.Felt{}, calls),
		"INVALID_SIGNATURE_LENGTH")

	// __execute__ makes the call: hello's balance goes from 0 to 5; the
	// result is Array<Span<felt252>>: one empty span.
	execTx := tx(hash, starknet.ModeExecute, r, s)
	res := call("__execute__", execTx, asm.Felt{}, calls)
	wantOK("__execute__", res, []asm.Felt{fu(1), {}})
	if len(res.Info.InternalCalls) != 1 || res.Info.InternalCalls[0].Call.ContractAddress != hello ||
		res.Info.InternalCalls[0].Call.Caller != account || res.SyscallCounts["call_contract"] != 1 {
		t.Errorf("__execute__ inner calls %+v, syscalls %v", res.Info.InternalCalls, res.SyscallCounts)
	}
	balance := func(want uint64) {
		t.Helper()
		res, err := cs.Call(hello, "get_balance", nil, asm.Felt{})
		if err != nil || res.Failed || !slices.Equal(res.Retdata, []asm.Felt{fu(want)}) {
			t.Errorf("get_balance: %v %+v, want %d", err, res, want)
		}
	}
	balance(5)
	// Two calls: increase_balance(5), then get_balance, whose result (10)
	// comes back in the second span.
	two := []asm.Felt{fu(2), hello, class.Selector("increase_balance"), fu(1), fu(5), hello, class.Selector("get_balance"), fu(0)}
	wantOK("__execute__ of two calls", call("__execute__", execTx, asm.Felt{}, two), []asm.Felt{fu(2), {}, fu(1), fu(10)})
	balance(10)
	wantRevert("__execute__ from another caller", call("__execute__", execTx, fu(0x123), calls), "INVALID_CALLER")
	v0 := *execTx
	v0.Version = asm.Felt{}
	wantRevert("__execute__ in a version-0 transaction", call("__execute__", &v0, asm.Felt{}, calls), "INVALID_TX_VERSION")
	balance(10)
}

// TestEveryCorpusClass loads every class of the corpus, deploys it with
// no constructor arguments (or, when its constructor needs some, places
// it at an address without running the constructor), and calls every
// external entry point with empty calldata. Each call must end in a
// result (possibly a Cairo revert) or a typed *starknet.Error, never a
// panic or a Go runtime error. It runs with cairo-lang's zero builtin-cost
// table (five entries) and with a seven-entry table, which classes of
// recent compilers read (see builtinCosts7).
func TestEveryCorpusClass(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(corpusdir.OrSkip(t), "casm", "*.json"))
	if err != nil || len(files) == 0 {
		t.Skip("no classes in the corpus")
	}
	if len(files) < 29 {
		t.Errorf("%d classes in the corpus, expected 29", len(files))
	}
	for _, table := range []struct {
		name  string
		costs []uint64
	}{{"zero", nil}, {"seven", builtinCosts7}} {
		var calls, results, reverts, errs int
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".json")
			cl, err := runtime.LoadClass(f)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			cs := runtime.NewContracts()
			cs.BuiltinCosts = table.costs
			cs.MaxSteps = 1_000_000
			hash, err := cs.Declare(cl)
			if err != nil {
				t.Fatal(err)
			}
			addr, err := cs.Deploy(hash, nil, asm.Felt{}, asm.Felt{})
			if err != nil {
				checkFailure(t, name+" constructor", err)
				// A constructor that needs arguments: run the entry points
				// over uninitialised storage.
				addr = fu(0x5eed)
				if err := cs.State().SetClassHash(addr, hash); err != nil {
					t.Fatal(err)
				}
			}
			for _, ep := range cl.CASM().External {
				calls++
				res, err := cs.CallSelector(addr, ep.Selector, nil, fu(0x111))
				switch {
				case err != nil:
					errs++
					checkFailure(t, name+" "+ep.Selector.Hex(), err)
				case res.Failed:
					reverts++
					if len(res.Retdata) == 0 || res.RevertReason == "" {
						t.Errorf("%s %s: a revert without panic data", name, ep.Selector.Hex())
					}
				default:
					results++
				}
			}
		}
		t.Logf("%s table: %d entry points: %d returned, %d reverted, %d failed with a *starknet.Error", table.name, calls, results, reverts, errs)
		if calls < 200 {
			t.Errorf("only %d entry points called", calls)
		}
	}
}

// checkFailure checks that a failure is typed: a constructor revert or a
// *starknet.Error with a code and a message, and not an internal error.
func checkFailure(t *testing.T, what string, err error) {
	t.Helper()
	var re *runtime.RevertError
	var se *starknet.Error
	switch {
	case errors.Is(err, runtime.ErrInternal):
		t.Errorf("%s: internal error: %v", what, err)
	case errors.As(err, &re):
		if re.Result == nil || !re.Result.Failed || re.Result.RevertReason == "" {
			t.Errorf("%s: revert error without a reason: %v", what, err)
		}
	case errors.As(err, &se):
		if se.Code == "" || se.Message == "" || strings.Contains(se.Message, "runtime error") || strings.Contains(se.Message, "panic") {
			t.Errorf("%s: unclear error: %v", what, err)
		}
	default:
		t.Errorf("%s: untyped error %T: %v", what, err, err)
	}
}

// builtinCosts7 is Starknet v0.14.0's builtin gas costs in the table
// layout of recent Cairo compilers (the libfuncs_coverage and
// circuit_contract classes, compiled with Cairo 2.20, read a seventh
// entry): pedersen, bitwise, ec_op, poseidon, add_mod, mul_mod, then blake
// (0 in v0.14.0's versioned constants).
var builtinCosts7 = append(slices.Clone(starknet.BuiltinCostsStarknet), 0)

// TestClassConcurrent shares one Class between Contracts used from
// several goroutines at once (go test -race checks the sharing).
func TestClassConcurrent(t *testing.T) {
	cl := corpusClass(t, "hello_starknet__hello_starknet.json")
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			cs := runtime.NewContracts()
			hash, err := cs.Declare(cl)
			if err != nil {
				errs <- err
				return
			}
			addr, err := cs.Deploy(hash, nil, fu(uint64(g)), asm.Felt{})
			if err != nil {
				errs <- err
				return
			}
			for i := range 20 {
				if _, err := cs.Call(addr, "increase_balance", []asm.Felt{fu(uint64(g + 1))}, asm.Felt{}); err != nil {
					errs <- err
					return
				}
				res, err := cs.Call(addr, "get_balance", nil, asm.Felt{})
				if err != nil || res.Failed || !slices.Equal(res.Retdata, []asm.Felt{fu(uint64((g + 1) * (i + 1)))}) {
					errs <- fmt.Errorf("goroutine %d call %d: %v %+v", g, i, err, res)
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
