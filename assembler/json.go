package assembler

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
)

// Prime is the Cairo prime as cairo-compile writes it.
const Prime = "0x800000000000011000000000000000000000000000000000000000000000001"

// CompilerVersion is what the assembler writes as compiler_version; it names
// this assembler, not a cairo-lang release.
const CompilerVersion = "cairn-asm-0.1.0"

// MainScope is the scope every identifier of an assembled program is in.
const MainScope = "__main__"

type programJSON struct {
	Attributes       []struct{}            `json:"attributes"`
	Builtins         []string              `json:"builtins"`
	CompilerVersion  string                `json:"compiler_version"`
	Data             []string              `json:"data"`
	DebugInfo        *debugInfoJSON        `json:"debug_info"`
	Hints            struct{}              `json:"hints"`
	Identifiers      map[string]identifier `json:"identifiers"`
	MainScope        string                `json:"main_scope"`
	Prime            string                `json:"prime"`
	ReferenceManager referenceManager      `json:"reference_manager"`
}

type referenceManager struct {
	References []struct{} `json:"references"`
}

type identifier struct {
	Decorators *[]string `json:"decorators,omitempty"`
	PC         int       `json:"pc"`
	Type       string    `json:"type"`
}

type debugInfoJSON struct {
	FileContents         struct{}     `json:"file_contents"`
	InstructionLocations locationsMap `json:"instruction_locations"`
}

type inputFile struct {
	Filename string `json:"filename"`
}

type locationJSON struct {
	EndCol    int       `json:"end_col"`
	EndLine   int       `json:"end_line"`
	InputFile inputFile `json:"input_file"`
	StartCol  int       `json:"start_col"`
	StartLine int       `json:"start_line"`
}

type instructionLocation struct {
	AccessibleScopes []string     `json:"accessible_scopes"`
	FlowTrackingData *struct{}    `json:"flow_tracking_data"`
	Hints            []struct{}   `json:"hints"`
	Inst             locationJSON `json:"inst"`
}

// locationsMap marshals with its pcs in numeric order, as cairo-compile's
// sorted dump of an int-keyed dict does.
type locationsMap map[int]instructionLocation

// MarshalJSON writes the map with its keys in numeric order.
func (m locationsMap) MarshalJSON() ([]byte, error) {
	pcs := make([]int, 0, len(m))
	for pc := range m {
		pcs = append(pcs, pc)
	}
	sort.Ints(pcs)
	var b bytes.Buffer
	b.WriteByte('{')
	for i, pc := range pcs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(strconv.Itoa(pc)))
		b.WriteByte(':')
		v, err := json.Marshal(m[pc])
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// JSON returns the program in cairo-compile's output format (keys sorted,
// four-space indent, a final newline): no hints, no references, identifiers
// for main (a function) and every other label, and debug information that
// maps each pc to its source line and columns.
func (p *Program) JSON() ([]byte, error) {
	out := programJSON{
		Attributes:      []struct{}{},
		Builtins:        p.Builtins,
		CompilerVersion: CompilerVersion,
		Data:            make([]string, len(p.Data)),
		Identifiers:     map[string]identifier{},
		MainScope:       MainScope,
		Prime:           Prime,
		ReferenceManager: referenceManager{
			References: []struct{}{},
		},
	}
	if out.Builtins == nil {
		out.Builtins = []string{}
	}
	for i := range p.Data {
		out.Data[i] = p.Data[i].Hex()
	}
	noDecorators := []string{}
	out.Identifiers[MainScope+".main"] = identifier{Decorators: &noDecorators, PC: p.Main, Type: "function"}
	for name, pc := range p.Labels {
		if name == "main" {
			continue
		}
		out.Identifiers[MainScope+"."+name] = identifier{PC: pc, Type: "label"}
	}
	locs := locationsMap{}
	for pc, s := range p.Spans {
		locs[pc] = instructionLocation{
			AccessibleScopes: []string{MainScope},
			Hints:            []struct{}{},
			Inst: locationJSON{
				EndCol: s.EndCol, EndLine: s.Line, StartCol: s.StartCol, StartLine: s.Line,
				InputFile: inputFile{Filename: p.File},
			},
		}
	}
	out.DebugInfo = &debugInfoJSON{InstructionLocations: locs}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
