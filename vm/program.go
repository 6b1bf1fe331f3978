package vm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/cairn-vm/cairn/asm"
)

// PrimeHex is the Cairo prime as cairo-compile writes it.
const PrimeHex = "0x800000000000011000000000000000000000000000000000000000000000001"

// Program load errors.
var (
	ErrMalformedProgram = errors.New("malformed program")
	ErrWrongPrime       = errors.New("unsupported prime")
)

// ProgramError is a load error with the file it came from.
type ProgramError struct {
	File string
	Err  error
}

func (e *ProgramError) Error() string {
	if e.File == "" {
		return e.Err.Error()
	}
	return e.File + ": " + e.Err.Error()
}

func (e *ProgramError) Unwrap() error { return e.Err }

// ApTracking locates ap relative to the start of a flow group; references
// recorded with one ap tracking are corrected by the difference to another.
type ApTracking struct {
	Group  int `json:"group"`
	Offset int `json:"offset"`
}

// FlowTrackingData is what a hint or instruction knows of ap and of the
// references in scope.
type FlowTrackingData struct {
	APTracking   ApTracking     `json:"ap_tracking"`
	ReferenceIDs map[string]int `json:"reference_ids"`
}

// HintSpec is one Cairo 0 hint as the compiler recorded it.
type HintSpec struct {
	Code             string           `json:"code"`
	AccessibleScopes []string         `json:"accessible_scopes"`
	FlowTracking     FlowTrackingData `json:"flow_tracking_data"`
}

// Reference is one entry of the reference manager.
type Reference struct {
	PC         int        `json:"pc"`
	Value      string     `json:"value"`
	APTracking ApTracking `json:"ap_tracking_data"`
}

// Identifier is one entry of the identifiers table. Value is kept exact
// (constants may exceed 64 bits or be negative).
type Identifier struct {
	Type        string            `json:"type"`
	PC          *int              `json:"pc,omitempty"`
	Value       *big.Int          `json:"-"`
	RawValue    json.Number       `json:"value,omitempty"`
	Destination string            `json:"destination,omitempty"`
	FullName    string            `json:"full_name,omitempty"`
	Size        *int              `json:"size,omitempty"`
	Members     map[string]Member `json:"members,omitempty"`
	CairoType   string            `json:"cairo_type,omitempty"`
	References  []Reference       `json:"references,omitempty"`
	Decorators  []string          `json:"decorators,omitempty"`
}

// Member is a struct member.
type Member struct {
	CairoType string `json:"cairo_type"`
	Offset    int    `json:"offset"`
}

// Location is a source position from debug_info.
type Location struct {
	File      string
	StartLine int
	StartCol  int
	EndLine   int
	EndCol    int
}

func (l Location) String() string { return fmt.Sprintf("%s:%d:%d", l.File, l.StartLine, l.StartCol) }

// InstructionLocation is the debug information of one pc.
type InstructionLocation struct {
	Loc              Location
	Parents          []Location // outermost last
	AccessibleScopes []string
	FlowTracking     FlowTrackingData
}

// Attribute is a compiler attribute over a pc range (error_message).
type Attribute struct {
	Name             string           `json:"name"`
	StartPC          int              `json:"start_pc"`
	EndPC            int              `json:"end_pc"`
	Value            string           `json:"value"`
	AccessibleScopes []string         `json:"accessible_scopes"`
	FlowTracking     FlowTrackingData `json:"flow_tracking_data"`
}

// Program is a loaded Cairo 0 program.
type Program struct {
	CompilerVersion string
	Data            []asm.Felt
	Builtins        []string
	Hints           map[int][]HintSpec
	Identifiers     map[string]*Identifier
	References      []Reference
	debug           *lazyDebugInfo // instruction locations, parsed on first use
	Attributes      []Attribute
	MainScope       string
	// Main, Start and End are the pcs of main, __start__ and __end__, or -1.
	Main, Start, End int
}

type rawProgram struct {
	Prime           string                           `json:"prime"`
	CompilerVersion string                           `json:"compiler_version"`
	Data            []string                         `json:"data"`
	Builtins        []string                         `json:"builtins"`
	Hints           map[string][]HintSpec            `json:"hints"`
	Identifiers     map[string]*Identifier           `json:"identifiers"`
	RefManager      struct{ References []Reference } `json:"reference_manager"`
	DebugInfo       json.RawMessage                  `json:"debug_info"`
	Attributes      []Attribute                      `json:"attributes"`
	MainScope       string                           `json:"main_scope"`
}

// decodeMembers decodes the members a run needs one by one and keeps
// debug_info undecoded (see splitObject); false means the input needs the
// full decoder (and its error positions).
func (raw *rawProgram) decodeMembers(b []byte) bool {
	members, err := splitObject(b)
	if err != nil {
		return false
	}
	targets := map[string]any{
		"prime": &raw.Prime, "compiler_version": &raw.CompilerVersion, "data": &raw.Data,
		"builtins": &raw.Builtins, "hints": &raw.Hints, "identifiers": &raw.Identifiers,
		"reference_manager": &raw.RefManager, "attributes": &raw.Attributes, "main_scope": &raw.MainScope,
	}
	for key, v := range members {
		if key == "debug_info" {
			raw.DebugInfo = v
			continue
		}
		t, ok := targets[key]
		if !ok {
			if !json.Valid(v) {
				return false
			}
			continue
		}
		if json.Unmarshal(v, t) != nil {
			return false
		}
	}
	return true
}

type rawLoc struct {
	StartLine int `json:"start_line"`
	StartCol  int `json:"start_col"`
	EndLine   int `json:"end_line"`
	EndCol    int `json:"end_col"`
	InputFile struct {
		Filename string `json:"filename"`
	} `json:"input_file"`
	Parent json.RawMessage `json:"parent_location"`
}

type rawDebugInfo struct {
	InstructionLocations map[string]struct {
		Inst             rawLoc           `json:"inst"`
		AccessibleScopes []string         `json:"accessible_scopes"`
		FlowTracking     FlowTrackingData `json:"flow_tracking_data"`
	} `json:"instruction_locations"`
}

// LoadProgramFile reads and parses a Cairo 0 program JSON file.
func LoadProgramFile(path string) (*Program, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &ProgramError{File: path, Err: err}
	}
	p, err := ParseProgram(b)
	if err != nil {
		var pe *ProgramError
		if errors.As(err, &pe) {
			pe.File = path
			return nil, pe
		}
		return nil, &ProgramError{File: path, Err: err}
	}
	return p, nil
}

func jsonErr(b []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	if errors.As(err, &se) {
		off = se.Offset
	} else if errors.As(err, &te) {
		off = te.Offset
	}
	if off < 0 {
		return fmt.Errorf("%w: %v", ErrMalformedProgram, err)
	}
	line := 1 + bytes.Count(b[:min(int(off), len(b))], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(b[:min(int(off), len(b))], '\n')
	return fmt.Errorf("%w: line %d column %d: %v", ErrMalformedProgram, line, col, err)
}

// ParseProgram parses a Cairo 0 program (cairo-compile's JSON output).
func ParseProgram(b []byte) (*Program, error) {
	var raw rawProgram
	if !raw.decodeMembers(b) {
		raw = rawProgram{}
		if err := json.Unmarshal(b, &raw); err != nil {
			return nil, &ProgramError{Err: jsonErr(b, err)}
		}
	}
	if raw.Prime == "" {
		return nil, &ProgramError{Err: fmt.Errorf("%w: no prime", ErrMalformedProgram)}
	}
	prime, ok := new(big.Int).SetString(strings.TrimPrefix(strings.ToLower(raw.Prime), "0x"), 16)
	if !ok || !strings.HasPrefix(strings.ToLower(raw.Prime), "0x") {
		prime, ok = new(big.Int).SetString(raw.Prime, 0)
	}
	if !ok || prime.Cmp(asm.ModulusBig()) != 0 {
		return nil, &ProgramError{Err: fmt.Errorf("%w %s: cairn runs programs over P = 2^251 + 17*2^192 + 1", ErrWrongPrime, raw.Prime)}
	}
	p := &Program{
		CompilerVersion: raw.CompilerVersion,
		Builtins:        raw.Builtins,
		Hints:           make(map[int][]HintSpec, len(raw.Hints)),
		Identifiers:     make(map[string]*Identifier, len(raw.Identifiers)),
		References:      raw.RefManager.References,
		Attributes:      raw.Attributes,
		MainScope:       raw.MainScope,
		Main:            -1,
		Start:           -1,
		End:             -1,
	}
	if p.MainScope == "" {
		p.MainScope = "__main__"
	}
	p.Data = make([]asm.Felt, len(raw.Data))
	for i, s := range raw.Data {
		f, err := parseDataWord(s)
		if err != nil {
			return nil, &ProgramError{Err: fmt.Errorf("%w: data[%d] = %q: %v", ErrMalformedProgram, i, s, err)}
		}
		p.Data[i] = f
	}
	for k, hs := range raw.Hints {
		pc, err := strconv.Atoi(k)
		if err != nil || pc < 0 || pc >= len(p.Data) {
			return nil, &ProgramError{Err: fmt.Errorf("%w: hint at pc %q outside the program", ErrMalformedProgram, k)}
		}
		p.Hints[pc] = hs
	}
	for name, id := range raw.Identifiers {
		if id == nil {
			return nil, &ProgramError{Err: fmt.Errorf("%w: identifier %s is null", ErrMalformedProgram, name)}
		}
		if id.RawValue != "" {
			v, ok := new(big.Int).SetString(string(id.RawValue), 10)
			if !ok {
				return nil, &ProgramError{Err: fmt.Errorf("%w: identifier %s: value %s", ErrMalformedProgram, name, id.RawValue)}
			}
			id.Value = v
		}
		p.Identifiers[name] = id
	}
	if len(raw.DebugInfo) > 0 && string(raw.DebugInfo) != "null" {
		p.debug = &lazyDebugInfo{raw: raw.DebugInfo}
	}
	p.Main = p.labelPC(p.MainScope + ".main")
	p.Start = p.labelPC(p.MainScope + ".__start__")
	p.End = p.labelPC(p.MainScope + ".__end__")
	return p, nil
}

// lazyDebugInfo holds debug_info as read. It is often half of a program
// file and matters only when an error is reported, so it is parsed on the
// first Location call rather than at load.
type lazyDebugInfo struct {
	once sync.Once
	raw  json.RawMessage
	locs map[int]*InstructionLocation
}

// SetLocations gives a program built in code its instruction locations.
func (p *Program) SetLocations(locs map[int]*InstructionLocation) {
	p.debug = &lazyDebugInfo{locs: locs}
	p.debug.once.Do(func() {})
}

// HasDebugInfo reports whether the program carries debug_info.
func (p *Program) HasDebugInfo() bool { return p.debug != nil }

// Location returns the source location and scopes of the instruction at
// pc, or nil when the program has no debug_info for it.
func (p *Program) Location(pc int) *InstructionLocation {
	if p.debug == nil {
		return nil
	}
	p.debug.once.Do(p.debug.parse)
	return p.debug.locs[pc]
}

func (d *lazyDebugInfo) parse() {
	var di rawDebugInfo
	if json.Unmarshal(d.raw, &di) != nil {
		return
	}
	d.raw = nil
	d.locs = make(map[int]*InstructionLocation, len(di.InstructionLocations))
	for k, l := range di.InstructionLocations {
		pc, err := strconv.Atoi(k)
		if err != nil {
			continue
		}
		il := &InstructionLocation{Loc: l.Inst.location(), AccessibleScopes: l.AccessibleScopes, FlowTracking: l.FlowTracking}
		parent := l.Inst.Parent
		for len(parent) > 0 && string(parent) != "null" {
			// parent_location is [location, "message"].
			var pair []json.RawMessage
			if json.Unmarshal(parent, &pair) != nil || len(pair) == 0 {
				break
			}
			var pl rawLoc
			if json.Unmarshal(pair[0], &pl) != nil {
				break
			}
			il.Parents = append(il.Parents, pl.location())
			parent = pl.Parent
		}
		d.locs[pc] = il
	}
}

func (l rawLoc) location() Location {
	return Location{File: l.InputFile.Filename, StartLine: l.StartLine, StartCol: l.StartCol, EndLine: l.EndLine, EndCol: l.EndCol}
}

func parseDataWord(s string) (asm.Felt, error) {
	var v big.Int
	var ok bool
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		_, ok = v.SetString(s[2:], 16)
	} else {
		_, ok = v.SetString(s, 10)
	}
	if !ok {
		return asm.Felt{}, errors.New("not a number")
	}
	if v.Sign() < 0 || v.Cmp(asm.ModulusBig()) >= 0 {
		return asm.Felt{}, errors.New("not a field element")
	}
	var f asm.Felt
	f.SetBigInt(&v)
	return f, nil
}

// ResolveIdentifier follows aliases to the identifier a name denotes.
func (p *Program) ResolveIdentifier(name string) (*Identifier, string) {
	for range 64 {
		id, ok := p.Identifiers[name]
		if !ok {
			return nil, name
		}
		if id.Type != "alias" {
			return id, name
		}
		name = id.Destination
	}
	return nil, name
}

func (p *Program) labelPC(name string) int {
	id, _ := p.ResolveIdentifier(name)
	if id == nil || id.PC == nil {
		return -1
	}
	return *id.PC
}

// EntryPoint returns the pc of a function or label, looked up as given and in
// the main scope.
func (p *Program) EntryPoint(name string) (int, error) {
	for _, n := range []string{name, p.MainScope + "." + name} {
		if pc := p.labelPC(n); pc >= 0 {
			return pc, nil
		}
	}
	return -1, fmt.Errorf("entrypoint %q not found", name)
}

// Constant returns the value of a const identifier (after aliases).
func (p *Program) Constant(name string) (*big.Int, bool) {
	id, _ := p.ResolveIdentifier(name)
	if id == nil || id.Type != "const" || id.Value == nil {
		return nil, false
	}
	return id.Value, true
}

// HintPCs returns the pcs that carry hints, ascending.
func (p *Program) HintPCs() []int {
	pcs := make([]int, 0, len(p.Hints))
	for pc := range p.Hints {
		pcs = append(pcs, pc)
	}
	sort.Ints(pcs)
	return pcs
}

// ErrorMessages returns the error_message attributes whose range holds pc,
// innermost last, as cairo-lang prints them.
func (p *Program) ErrorMessages(pc int) []string {
	var msgs []string
	for _, a := range p.Attributes {
		if a.Name == "error_message" && a.StartPC <= pc && pc < a.EndPC {
			msgs = append(msgs, a.Value)
		}
	}
	return msgs
}
