package starknet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/jit"
	"github.com/cairn-vm/cairn/state"
)

// ErrScenario is wrapped by every error loading or resolving a scenario.
var ErrScenario = errors.New("starknet: invalid scenario")

// Scenario is a sequence of calls against a fresh state, in the corpus's
// format (corpus/calls/README.md): contracts are declared and deployed in
// order, then the steps run, each call's writes kept only if it did not
// fail.
type Scenario struct {
	Name      string
	Block     BlockInfo
	Contracts []ScenarioContract
	Steps     []ScenarioStep
	// ClassDir is where the contracts' class files are (the corpus's casm
	// folder, ../../casm from the scenario file).
	ClassDir string
	// Engine is the executors' Engine ("" for the interpreter).
	Engine string
	// JIT adds up the JIT's work over the scenario's calls (after Run).
	JIT jit.Stats
}

// ScenarioContract is a contract to declare and deploy.
type ScenarioContract struct {
	Alias               string
	Class               string // file name in ClassDir
	Salt, Deployer      string
	ConstructorCalldata []string
	Caller              string // the constructor's caller; the deployer when empty
}

// ScenarioStep is one call. Felts are decimal or 0x-hex strings;
// "@alias" is a deployed contract's address and "#alias" its class hash.
type ScenarioStep struct {
	Contract       string
	EntryPoint     string
	EntryPointType string // EXTERNAL unless given
	Calldata       []string
	Caller         string
	Note           string
	Tx             *ScenarioTx
}

// ScenarioTx is a step's transaction information.
type ScenarioTx struct {
	Hash, Version, Nonce, Account, MaxFee string
	Signature                             []string
	Mode                                  string // EXECUTE or VALIDATE
}

// jsonFelt accepts a JSON string or number as a felt spelling.
type jsonFelt string

func (f *jsonFelt) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = jsonFelt(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("expected a felt (string or number), got %s", b)
	}
	*f = jsonFelt(n.String())
	return nil
}

func strs(fs []jsonFelt) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = string(f)
	}
	return out
}

type scenarioJSON struct {
	Name  string `json:"name"`
	Block struct {
		Number    jsonFelt `json:"block_number"`
		Timestamp jsonFelt `json:"block_timestamp"`
		Sequencer jsonFelt `json:"sequencer_address"`
	} `json:"block"`
	Contracts json.RawMessage `json:"contracts"`
	Steps     []struct {
		Contract       string     `json:"contract"`
		EntryPoint     string     `json:"entry_point"`
		EntryPointType string     `json:"entry_point_type"`
		Calldata       []jsonFelt `json:"calldata"`
		Caller         jsonFelt   `json:"caller"`
		Note           string     `json:"note"`
		Tx             *struct {
			Hash      jsonFelt   `json:"transaction_hash"`
			Signature []jsonFelt `json:"signature"`
			Version   jsonFelt   `json:"version"`
			Nonce     jsonFelt   `json:"nonce"`
			Account   jsonFelt   `json:"account_contract_address"`
			MaxFee    jsonFelt   `json:"max_fee"`
			Mode      string     `json:"execution_mode"`
		} `json:"tx"`
	} `json:"steps"`
}

type contractJSON struct {
	Class               string     `json:"class"`
	Salt                jsonFelt   `json:"salt"`
	Deployer            jsonFelt   `json:"deployer"`
	ConstructorCalldata []jsonFelt `json:"constructor_calldata"`
	Caller              jsonFelt   `json:"caller"`
}

// LoadScenario reads a scenario file. Its classes are looked up in
// ../../casm from the file, as in the corpus.
func LoadScenario(path string) (*Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrScenario, err)
	}
	sc, err := ParseScenario(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sc.ClassDir = filepath.Join(filepath.Dir(path), "..", "..", "casm")
	return sc, nil
}

// ParseScenario parses a scenario (ClassDir is left empty).
func ParseScenario(b []byte) (*Scenario, error) {
	var sj scenarioJSON
	if err := json.Unmarshal(b, &sj); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrScenario, err)
	}
	sc := &Scenario{Name: sj.Name}
	var err error
	if sc.Block.Number, err = parseU64(string(sj.Block.Number), 0); err != nil {
		return nil, fmt.Errorf("%w: block_number: %v", ErrScenario, err)
	}
	if sc.Block.Timestamp, err = parseU64(string(sj.Block.Timestamp), 0); err != nil {
		return nil, fmt.Errorf("%w: block_timestamp: %v", ErrScenario, err)
	}
	if sc.Block.SequencerAddress, err = parseFeltOr(string(sj.Block.Sequencer)); err != nil {
		return nil, fmt.Errorf("%w: sequencer_address: %v", ErrScenario, err)
	}
	// Contracts deploy in the file's order, so the object is read key by key.
	if len(sj.Contracts) > 0 {
		dec := json.NewDecoder(bytes.NewReader(sj.Contracts))
		if t, err := dec.Token(); err != nil || t != json.Delim('{') {
			return nil, fmt.Errorf("%w: contracts must be an object", ErrScenario)
		}
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return nil, fmt.Errorf("%w: contracts: %v", ErrScenario, err)
			}
			alias, _ := t.(string)
			var cj contractJSON
			if err := dec.Decode(&cj); err != nil {
				return nil, fmt.Errorf("%w: contract %s: %v", ErrScenario, alias, err)
			}
			if cj.Class == "" {
				return nil, fmt.Errorf("%w: contract %s has no class", ErrScenario, alias)
			}
			sc.Contracts = append(sc.Contracts, ScenarioContract{Alias: alias, Class: cj.Class, Salt: string(cj.Salt),
				Deployer: string(cj.Deployer), ConstructorCalldata: strs(cj.ConstructorCalldata), Caller: string(cj.Caller)})
		}
	}
	for i, s := range sj.Steps {
		if s.Contract == "" || s.EntryPoint == "" {
			return nil, fmt.Errorf("%w: step %d needs a contract and an entry_point", ErrScenario, i)
		}
		st := ScenarioStep{Contract: s.Contract, EntryPoint: s.EntryPoint, EntryPointType: s.EntryPointType,
			Calldata: strs(s.Calldata), Caller: string(s.Caller), Note: s.Note}
		if s.Tx != nil {
			st.Tx = &ScenarioTx{Hash: string(s.Tx.Hash), Version: string(s.Tx.Version), Nonce: string(s.Tx.Nonce),
				Account: string(s.Tx.Account), MaxFee: string(s.Tx.MaxFee), Signature: strs(s.Tx.Signature), Mode: s.Tx.Mode}
		}
		sc.Steps = append(sc.Steps, st)
	}
	return sc, nil
}

func parseU64(s string, def uint64) (uint64, error) {
	if s == "" {
		return def, nil
	}
	f, err := asm.FeltFromString(s)
	if err != nil {
		return 0, err
	}
	if !f.IsUint64() {
		return 0, fmt.Errorf("%s does not fit in 64 bits", s)
	}
	return f.Uint64(), nil
}

func parseFeltOr(s string) (asm.Felt, error) {
	if s == "" {
		return asm.Felt{}, nil
	}
	return ParseFelt(s)
}

// ParseFelt parses a felt written in decimal or 0x-hex (below P).
func ParseFelt(s string) (asm.Felt, error) {
	return asm.FeltFromString(strings.TrimSpace(s))
}

// ScenarioResult is the outcome of a scenario, in the reference results'
// shape (MarshalJSON).
type ScenarioResult struct {
	Name         string
	BuiltinCosts []uint64
	Deployments  []DeploymentResult
	Steps        []StepResult
}

// DeploymentResult is a deployed contract.
type DeploymentResult struct {
	Alias, Class        string
	ClassHash, Address  asm.Felt
	ConstructorCalldata []asm.Felt
	Caller              asm.Felt
	// Constructor is the constructor's run (nil when the class has none);
	// Err a failure that is not a revert.
	Constructor   *CallInfo
	SyscallCounts map[string]int
	Err           *Error
}

// StepResult is one step's call and outcome: Info when the call ran to its
// end (successfully or not), Err otherwise.
type StepResult struct {
	Index          int
	Step           ScenarioStep
	Address        asm.Felt
	Selector       asm.Felt
	EntryPointType class.EntryPointType
	Calldata       []asm.Felt
	Caller         asm.Felt
	Info           *CallInfo
	SyscallCounts  map[string]int
	Err            *Error
}

// Run executes the scenario on a fresh in-memory state with the given
// builtin-cost table. Only a malformed scenario (an unknown alias, a bad
// felt, a missing class file) is an error; failed calls are results.
func (sc *Scenario) Run(costs []uint64) (*ScenarioResult, error) {
	base := state.NewMemory()
	st := state.NewCached(base)
	res := &ScenarioResult{Name: sc.Name, BuiltinCosts: costs}
	addrs := map[string]asm.Felt{}
	hashes := map[string]asm.Felt{}
	resolve := func(s string) (asm.Felt, error) {
		switch {
		case strings.HasPrefix(s, "@"):
			a, ok := addrs[s[1:]]
			if !ok {
				return asm.Felt{}, fmt.Errorf("%w: unknown contract %s", ErrScenario, s)
			}
			return a, nil
		case strings.HasPrefix(s, "#"):
			h, ok := hashes[s[1:]]
			if !ok {
				return asm.Felt{}, fmt.Errorf("%w: unknown contract %s", ErrScenario, s)
			}
			return h, nil
		case s == "":
			return asm.Felt{}, nil
		}
		f, err := ParseFelt(s)
		if err != nil {
			return asm.Felt{}, fmt.Errorf("%w: %v", ErrScenario, err)
		}
		return f, nil
	}
	resolveAll := func(ss []string) ([]asm.Felt, error) {
		out := make([]asm.Felt, len(ss))
		for i, s := range ss {
			f, err := resolve(s)
			if err != nil {
				return nil, err
			}
			out[i] = f
		}
		return out, nil
	}
	classes := map[string]*class.Class{}
	for _, c := range sc.Contracts {
		cl, err := class.Load(filepath.Join(sc.ClassDir, c.Class))
		if err != nil {
			return nil, fmt.Errorf("%w: contract %s: %v", ErrScenario, c.Alias, err)
		}
		h := cl.CompiledClassHash()
		hashes[c.Alias] = h
		classes[c.Alias] = cl
	}
	for _, c := range sc.Contracts {
		cl, h := classes[c.Alias], hashes[c.Alias]
		if err := st.DeclareClass(h, h, cl); err != nil {
			return nil, fmt.Errorf("%w: contract %s: %v", ErrScenario, c.Alias, err)
		}
		salt, err := resolve(c.Salt)
		if err != nil {
			return nil, err
		}
		deployer, err := resolve(c.Deployer)
		if err != nil {
			return nil, err
		}
		caller := deployer
		if c.Caller != "" {
			if caller, err = resolve(c.Caller); err != nil {
				return nil, err
			}
		}
		calldata, err := resolveAll(c.ConstructorCalldata)
		if err != nil {
			return nil, err
		}
		addr := state.ContractAddress(salt, h, calldata, deployer)
		addrs[c.Alias] = addr
		ex := NewExecutor(st, sc.Block, TxInfo{Version: feltU64(1)})
		ex.BuiltinCosts, ex.Engine = costs, sc.Engine
		d := DeploymentResult{Alias: c.Alias, Class: c.Class, ClassHash: h, Address: addr,
			ConstructorCalldata: calldata, Caller: caller}
		info, err := ex.Deploy(addr, h, calldata, caller)
		sc.JIT.Add(ex.JIT)
		d.Constructor, d.SyscallCounts = info, ex.SyscallCounts
		if err != nil {
			d.Err = asError(err)
		}
		res.Deployments = append(res.Deployments, d)
	}
	for i, s := range sc.Steps {
		addr, ok := addrs[s.Contract]
		if !ok {
			return nil, fmt.Errorf("%w: step %d: unknown contract %q", ErrScenario, i, s.Contract)
		}
		calldata, err := resolveAll(s.Calldata)
		if err != nil {
			return nil, err
		}
		caller, err := resolve(s.Caller)
		if err != nil {
			return nil, err
		}
		kind := class.External
		if s.EntryPointType != "" {
			k, ok := class.ParseEntryPointType(s.EntryPointType)
			if !ok {
				return nil, fmt.Errorf("%w: step %d: unknown entry_point_type %q", ErrScenario, i, s.EntryPointType)
			}
			kind = k
		}
		tx := TxInfo{Version: feltU64(1)}
		if t := s.Tx; t != nil {
			if tx, err = scenarioTx(t, resolve, resolveAll); err != nil {
				return nil, fmt.Errorf("step %d: %w", i, err)
			}
		}
		ex := NewExecutor(st, sc.Block, tx)
		ex.BuiltinCosts, ex.Engine = costs, sc.Engine
		c := Call{ContractAddress: addr, EntryPointType: kind, Selector: class.Selector(s.EntryPoint),
			Calldata: calldata, Caller: caller, CallType: CallTypeCall, InitialGas: DefaultInitialGas}
		info, err := ex.Execute(c)
		sc.JIT.Add(ex.JIT)
		r := StepResult{Index: i, Step: s, Address: addr, Selector: c.Selector, EntryPointType: kind,
			Calldata: calldata, Caller: caller, Info: info, SyscallCounts: ex.SyscallCounts}
		if err != nil {
			r.Info, r.Err = nil, asError(err)
		}
		res.Steps = append(res.Steps, r)
	}
	return res, nil
}

func scenarioTx(t *ScenarioTx, resolve func(string) (asm.Felt, error), resolveAll func([]string) ([]asm.Felt, error)) (TxInfo, error) {
	var tx TxInfo
	var err error
	for _, f := range []struct {
		dst *asm.Felt
		src string
	}{{&tx.Hash, t.Hash}, {&tx.Version, t.Version}, {&tx.Nonce, t.Nonce}, {&tx.AccountAddress, t.Account}, {&tx.MaxFee, t.MaxFee}} {
		if *f.dst, err = resolve(f.src); err != nil {
			return tx, err
		}
	}
	if tx.Signature, err = resolveAll(t.Signature); err != nil {
		return tx, err
	}
	switch t.Mode {
	case "", "EXECUTE":
	case "VALIDATE":
		tx.Mode = ModeValidate
	default:
		return tx, fmt.Errorf("%w: unknown execution_mode %q", ErrScenario, t.Mode)
	}
	return tx, nil
}

// asError returns the *Error in err's chain (the inner one for a failed
// constructor), or wraps err as an unexpected failure.
func asError(err error) *Error {
	var se *Error
	if errors.As(err, &se) {
		return se
	}
	return &Error{Code: CodeUnexpectedFailure, Message: err.Error(), Err: err}
}

// MarshalJSON writes the result in the reference results' shape:
// deployments by alias (class_hash, compiled_class_hash, address,
// constructor_result) and one entry per step with its result.
func (r *ScenarioResult) MarshalJSON() ([]byte, error) {
	deps := object{}
	for _, d := range r.Deployments {
		o := object{
			{"class", d.Class},
			{"class_hash", d.ClassHash.Hex()},
			{"compiled_class_hash", d.ClassHash.Hex()},
			{"address", d.Address.Hex()},
			{"constructor_calldata", hexList(d.ConstructorCalldata)},
			{"caller", d.Caller.Hex()},
		}
		switch {
		case d.Err != nil:
			o = append(o, kv{"constructor_result", errorJSON(d.Err)})
		case d.Constructor != nil:
			o = append(o, kv{"constructor_result", topCallJSON(d.Constructor, d.SyscallCounts)})
		default:
			o = append(o, kv{"constructor_result", nil})
		}
		deps = append(deps, kv{d.Alias, o})
	}
	steps := make([]object, 0, len(r.Steps))
	for _, s := range r.Steps {
		var result any
		if s.Err != nil {
			result = errorJSON(s.Err)
		} else {
			result = topCallJSON(s.Info, s.SyscallCounts)
		}
		var note any
		if s.Step.Note != "" {
			note = s.Step.Note
		}
		steps = append(steps, object{
			{"index", s.Index},
			{"contract", s.Step.Contract},
			{"contract_address", s.Address.Hex()},
			{"entry_point", s.Step.EntryPoint},
			{"selector", s.Selector.Hex()},
			{"entry_point_type", s.EntryPointType.String()},
			{"calldata", hexList(s.Calldata)},
			{"caller", s.Caller.Hex()},
			{"note", note},
			{"result", result},
		})
	}
	costs := r.BuiltinCosts
	if costs == nil {
		costs = BuiltinCostsZero
	}
	return json.Marshal(object{
		{"scenario", r.Name},
		{"executor", "cairn"},
		{"initial_gas", DefaultInitialGas},
		{"builtin_costs_table", costs},
		{"entry_point_initial_budget", EntryPointInitialBudget},
		{"deployments", deps},
		{"results", steps},
	})
}

func errorJSON(e *Error) object {
	return object{{"error", object{{"code", string(e.Code)}, {"message", e.Message}}}}
}

// topCallJSON is a top-level call's result: the call's fields, the
// revert reason when it failed, the transaction's syscall counts and
// whether its writes were kept.
func topCallJSON(c *CallInfo, counts map[string]int) object {
	o := callFieldsJSON(c)
	if c.Failed {
		o = append(o, kv{"revert_reason_text", RevertReasonText(c.Retdata)})
	}
	names := make([]string, 0, len(counts))
	for k := range counts {
		names = append(names, k)
	}
	slices.Sort(names)
	sc := object{}
	for _, k := range names {
		sc = append(sc, kv{k, counts[k]})
	}
	return append(o, kv{"syscall_counter", sc}, kv{"state_committed", !c.Failed})
}

// innerCallJSON is an inner call: who called what, then the call's fields.
func innerCallJSON(c *CallInfo) object {
	o := object{
		{"contract_address", c.Call.ContractAddress.Hex()},
		{"caller_address", c.Call.Caller.Hex()},
		{"entry_point_selector", c.Call.Selector.Hex()},
		{"entry_point_type", c.Call.EntryPointType.String()},
		{"call_type", c.Call.CallType.String()},
		{"calldata", hexList(c.Call.Calldata)},
		{"class_hash", c.ClassHash.Hex()},
	}
	return append(o, callFieldsJSON(c)...)
}

func callFieldsJSON(c *CallInfo) object {
	builtins := object{}
	names := make([]string, 0, len(c.Resources.Builtins))
	for k := range c.Resources.Builtins {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		builtins = append(builtins, kv{k, c.Resources.Builtins[k]})
	}
	events := make([]object, len(c.Events))
	for i, e := range c.Events {
		events[i] = object{{"order", e.Order}, {"keys", hexList(e.Keys)}, {"data", hexList(e.Data)}}
	}
	msgs := make([]object, len(c.Messages))
	for i, m := range c.Messages {
		msgs[i] = object{{"order", m.Order}, {"to_address", m.ToAddress.Hex()}, {"payload", hexList(m.Payload)}}
	}
	inner := make([]object, len(c.InternalCalls))
	for i, in := range c.InternalCalls {
		inner[i] = innerCallJSON(in)
	}
	return object{
		{"failure_flag", c.Failed},
		{"retdata", hexList(c.Retdata)},
		{"gas_consumed", c.GasConsumed},
		{"n_steps", c.Resources.Steps},
		{"n_memory_holes", c.Resources.MemoryHoles},
		{"builtin_instance_counter", builtins},
		{"events", events},
		{"l2_to_l1_messages", msgs},
		{"storage_read_values", hexList(c.StorageReadValues)},
		{"accessed_storage_keys", hexList(c.AccessedStorageKeys)},
		{"internal_calls", inner},
	}
}

// object is a JSON object that keeps its keys in order.
type object []kv

type kv struct {
	k string
	v any
}

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(m.k)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(m.v)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
