package class

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/cairn-vm/cairn/asm"
)

// Load errors. A *LoadError wraps one of these, so errors.Is works.
var (
	ErrMalformed   = errors.New("malformed class")
	ErrWrongPrime  = errors.New("unsupported prime")
	ErrUnknownHint = errors.New("unknown hint kind")
)

// LoadError is a load failure with where it happened: the file (when loaded
// with Load) and the JSON path of the offending value, such as
// "hints[12][1][0].TestLessThan.lhs.Deref.register" or
// "entry_points_by_type.EXTERNAL[3].selector". Path is empty for errors
// about the document as a whole (a JSON syntax error, whose line and column
// are in the message).
type LoadError struct {
	File string
	Path string
	Err  error
}

func (e *LoadError) Error() string {
	var sb strings.Builder
	sb.WriteString("class: ")
	if e.File != "" {
		sb.WriteString(e.File)
		sb.WriteString(": ")
	}
	if e.Path != "" {
		sb.WriteString(e.Path)
		sb.WriteString(": ")
	}
	sb.WriteString(e.Err.Error())
	return sb.String()
}

// Unwrap returns the reason (one of the Err* values, wrapped with details,
// or the file system's error).
func (e *LoadError) Unwrap() error { return e.Err }

// EntryPointType is the kind of an entry point, as entry_points_by_type
// groups them.
type EntryPointType uint8

// The entry-point types of a Cairo 1 class.
const (
	External EntryPointType = iota
	L1Handler
	Constructor
)

var entryPointTypeNames = [...]string{"EXTERNAL", "L1_HANDLER", "CONSTRUCTOR"}

// String returns the JSON key: "EXTERNAL", "L1_HANDLER" or "CONSTRUCTOR".
func (t EntryPointType) String() string {
	if int(t) < len(entryPointTypeNames) {
		return entryPointTypeNames[t]
	}
	return "EntryPointType(" + strconv.Itoa(int(t)) + ")"
}

// ParseEntryPointType reads "EXTERNAL", "L1_HANDLER" or "CONSTRUCTOR".
func ParseEntryPointType(s string) (EntryPointType, bool) {
	for i, n := range entryPointTypeNames {
		if n == s {
			return EntryPointType(i), true
		}
	}
	return 0, false
}

// EntryPoint is one callable function of a class.
type EntryPoint struct {
	// Selector is sn_keccak of the function's name (see Selector).
	Selector asm.Felt
	// Offset is the pc of the function's first instruction in Bytecode.
	Offset int
	// Builtins are the builtins the function takes, in the order of its
	// implicit arguments ("range_check", "pedersen", ...).
	Builtins []string
}

// BytecodeSegment is bytecode_segment_lengths, the compiler's split of the
// bytecode into segments that the Starknet OS may load separately: a leaf
// covers Len words hashed together, a node lists child segments (Len is
// their total). Nodes may nest.
type BytecodeSegment struct {
	Leaf     bool
	Len      int
	Children []BytecodeSegment
}

// Class is a loaded Cairo 1 contract class (CASM). It is read-only after
// loading and safe for concurrent use.
type Class struct {
	// CompilerVersion is the compiler_version field ("2.20.0"), or "".
	CompilerVersion string
	// Bytecode is the program, one felt per word; pc n is Bytecode[n].
	Bytecode []asm.Felt
	// Segments is bytecode_segment_lengths, or nil when the class has none
	// (older compilers), which counts as one leaf over the whole bytecode.
	Segments *BytecodeSegment
	// Hints are the hints to run before the instruction at each pc, in
	// order, parsed once at load.
	Hints map[int][]Hint
	// The entry points by type, each sorted by selector (strictly
	// ascending, as Starknet requires).
	External, L1Handler, Constructor []EntryPoint

	hashOnce sync.Once
	hash     asm.Felt
}

// EntryPoints returns the entry points of one type, sorted by selector.
func (c *Class) EntryPoints(kind EntryPointType) []EntryPoint {
	switch kind {
	case External:
		return c.External
	case L1Handler:
		return c.L1Handler
	case Constructor:
		return c.Constructor
	}
	return nil
}

// EntryPoint finds the entry point of the given type with the given
// selector.
func (c *Class) EntryPoint(kind EntryPointType, selector asm.Felt) (EntryPoint, bool) {
	eps := c.EntryPoints(kind)
	i := sort.Search(len(eps), func(i int) bool { return eps[i].Selector.Cmp(&selector) >= 0 })
	if i < len(eps) && eps[i].Selector == selector {
		return eps[i], true
	}
	return EntryPoint{}, false
}

// HintPCs returns the pcs that carry hints, ascending.
func (c *Class) HintPCs() []int {
	pcs := make([]int, 0, len(c.Hints))
	for pc := range c.Hints {
		pcs = append(pcs, pc)
	}
	sort.Ints(pcs)
	return pcs
}

// Selector returns the entry-point selector of a function name:
// sn_keccak(name), the Keccak-256 of its ASCII bytes truncated to the low
// 250 bits. Starknet calls entry points by selector, never by name.
func Selector(name string) asm.Felt {
	return asm.StarknetKeccak([]byte(name))
}

// Load reads and parses a CASM class file.
func Load(path string) (*Class, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &LoadError{File: path, Err: err}
	}
	c, err := Parse(b)
	if err != nil {
		var le *LoadError
		if errors.As(err, &le) {
			le.File = path
			return nil, le
		}
		return nil, &LoadError{File: path, Err: err}
	}
	return c, nil
}

// Parse parses a CASM class: the JSON that starknet-sierra-compile writes
// (cairo-lang-starknet-classes' CasmContractClass). It checks what
// cairo-lang checks when it loads a compiled class: the prime is the STARK
// prime, the entry points of each type are sorted and unique with at most
// one constructor, every entry point lists its builtins, and
// bytecode_segment_lengths covers the bytecode exactly with no empty
// segment. It also rejects what could only fail later: bytecode words that
// are not field elements, hints or entry points outside the bytecode, and
// hints it does not know. pythonic_hints is ignored. Every failure is a
// *LoadError; Parse never panics.
func Parse(b []byte) (*Class, error) {
	doc, err := decodeJSON(b)
	if err != nil {
		return nil, err
	}
	root, err := asObject(doc, "")
	if err != nil {
		return nil, &LoadError{Err: fmt.Errorf("%w: the class is not a JSON object", ErrMalformed)}
	}
	c := &Class{}

	primeV, ok := root["prime"]
	if !ok {
		return nil, malformed("", "missing field prime")
	}
	if err := checkPrime(primeV); err != nil {
		return nil, err
	}
	if v, ok := root["compiler_version"]; ok && v != nil {
		s, ok := v.(string)
		if !ok {
			return nil, malformed("compiler_version", "compiler_version "+describe(v)+" is not a string")
		}
		c.CompilerVersion = s
	}

	codeV, ok := root["bytecode"]
	if !ok {
		return nil, malformed("", "missing field bytecode")
	}
	code, err := asArray(codeV, "bytecode")
	if err != nil {
		return nil, err
	}
	c.Bytecode = make([]asm.Felt, len(code))
	for i, w := range code {
		if c.Bytecode[i], err = parseFelt(w, "bytecode["+strconv.Itoa(i)+"]", "bytecode word"); err != nil {
			return nil, err
		}
	}

	if v, ok := root["bytecode_segment_lengths"]; ok && v != nil {
		seg, err := parseSegments(v, "bytecode_segment_lengths", len(c.Bytecode))
		if err != nil {
			return nil, err
		}
		if seg.Len != len(c.Bytecode) {
			return nil, malformed("bytecode_segment_lengths", fmt.Sprintf("the segments cover %d words but the bytecode has %d", seg.Len, len(c.Bytecode)))
		}
		c.Segments = &seg
	}

	hintsV, ok := root["hints"]
	if !ok {
		return nil, malformed("", "missing field hints")
	}
	if c.Hints, err = parseHints(hintsV, len(c.Bytecode)); err != nil {
		return nil, err
	}

	epsV, ok := root["entry_points_by_type"]
	if !ok {
		return nil, malformed("", "missing field entry_points_by_type")
	}
	if err := c.parseEntryPoints(epsV); err != nil {
		return nil, err
	}
	return c, nil
}

// decodeJSON decodes the whole document, numbers kept as json.Number.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, &LoadError{Err: jsonErr(b, err)}
	}
	if _, err := dec.Token(); err != io.EOF {
		off := dec.InputOffset()
		line, col := lineCol(b, off)
		return nil, &LoadError{Err: fmt.Errorf("%w: line %d column %d: data after the JSON value", ErrMalformed, line, col)}
	}
	return doc, nil
}

func jsonErr(b []byte, err error) error {
	switch {
	case errors.Is(err, io.EOF):
		return fmt.Errorf("%w: empty input", ErrMalformed)
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := lineCol(b, int64(len(b)))
		return fmt.Errorf("%w: line %d column %d: truncated JSON", ErrMalformed, line, col)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := lineCol(b, se.Offset)
		return fmt.Errorf("%w: line %d column %d: %v", ErrMalformed, line, col, err)
	}
	return fmt.Errorf("%w: %v", ErrMalformed, err)
}

func lineCol(b []byte, off int64) (line, col int) {
	o := int(min(max(off, 0), int64(len(b))))
	line = 1 + bytes.Count(b[:o], []byte("\n"))
	col = o - bytes.LastIndexByte(b[:o], '\n')
	return line, col
}

func checkPrime(v any) error {
	s, ok := v.(string)
	if !ok || len(s) < 3 || s[:2] != "0x" || !isHex(s[2:]) {
		return malformed("prime", "prime "+describe(v)+" is not a 0x-prefixed hex string")
	}
	p, _ := new(big.Int).SetString(s[2:], 16) // digits checked
	if p.Cmp(asm.ModulusBig()) != 0 {
		return &LoadError{Path: "prime", Err: fmt.Errorf("%w %s: Starknet classes run over P = 2^251 + 17*2^192 + 1", ErrWrongPrime, s)}
	}
	return nil
}

// parseFelt reads a BigUintAsHex that must be a field element: "0x" and hex
// digits, below P.
func parseFelt(v any, path, what string) (asm.Felt, error) {
	s, ok := v.(string)
	if !ok || len(s) < 3 || s[0] != '0' || s[1]|0x20 != 'x' || !isHex(s[2:]) {
		return asm.Felt{}, malformed(path, what+" "+describe(v)+" is not a 0x-prefixed hex string")
	}
	f, err := asm.FeltFromString(s)
	if err != nil {
		return asm.Felt{}, malformed(path, what+" "+describe(v)+" is not below P")
	}
	return f, nil
}

// maxSegmentLeaf bounds one bytecode_segment_lengths entry, so that sums of
// them cannot overflow; any larger value fails the coverage check anyway.
const maxSegmentLeaf = 1 << 40

// parseSegments reads a NestedIntList: an int (a leaf) or a list of them.
// As cairo-lang does, it rejects a node child that covers no words.
func parseSegments(v any, path string, codeLen int) (BytecodeSegment, error) {
	if _, ok := v.(json.Number); ok {
		n, err := asInt(v, path, 0, maxSegmentLeaf)
		if err != nil {
			return BytecodeSegment{}, err
		}
		return BytecodeSegment{Leaf: true, Len: int(n)}, nil
	}
	arr, ok := v.([]any)
	if !ok {
		return BytecodeSegment{}, malformed(path, "segment length "+describe(v)+" is neither an integer nor a list")
	}
	node := BytecodeSegment{Children: make([]BytecodeSegment, 0, len(arr))}
	for i, x := range arr {
		p := path + "[" + strconv.Itoa(i) + "]"
		child, err := parseSegments(x, p, codeLen)
		if err != nil {
			return BytecodeSegment{}, err
		}
		if child.Len == 0 {
			return BytecodeSegment{}, malformed(p, "empty bytecode segment")
		}
		node.Len += child.Len
		if node.Len > codeLen {
			return BytecodeSegment{}, malformed(p, fmt.Sprintf("the segments cover more than the bytecode's %d words", codeLen))
		}
		node.Children = append(node.Children, child)
	}
	return node, nil
}

// parseHints reads [[pc, [hint, ...]], ...].
func parseHints(v any, codeLen int) (map[int][]Hint, error) {
	arr, err := asArray(v, "hints")
	if err != nil {
		return nil, err
	}
	hints := make(map[int][]Hint, len(arr))
	for i, entry := range arr {
		path := "hints[" + strconv.Itoa(i) + "]"
		pair, ok := entry.([]any)
		if !ok || len(pair) != 2 {
			return nil, malformed(path, "hint entry "+describe(entry)+" is not a [pc, hints] pair")
		}
		pc64, err := asInt(pair[0], path+"[0]", 0, int64(codeLen)-1)
		if err != nil {
			if codeLen == 0 {
				return nil, malformed(path+"[0]", "hint in a class without bytecode")
			}
			return nil, err
		}
		pc := int(pc64)
		list, err := asArray(pair[1], path+"[1]")
		if err != nil {
			return nil, err
		}
		for j, hv := range list {
			h, err := parseHint(hv, pc, path+"[1]["+strconv.Itoa(j)+"]")
			if err != nil {
				return nil, err
			}
			hints[pc] = append(hints[pc], h)
		}
	}
	return hints, nil
}

// maxBuiltinName is the longest name that fits one felt as a short string.
const maxBuiltinName = 31

func (c *Class) parseEntryPoints(v any) error {
	obj, err := asObject(v, "entry_points_by_type")
	if err != nil {
		return err
	}
	for k := range obj {
		if _, ok := ParseEntryPointType(k); !ok {
			return malformed("entry_points_by_type", "unknown entry point type "+strconv.Quote(k))
		}
	}
	for i, name := range entryPointTypeNames {
		path := "entry_points_by_type." + name
		lv, ok := obj[name]
		if !ok {
			return malformed("entry_points_by_type", "missing field "+name)
		}
		list, err := asArray(lv, path)
		if err != nil {
			return err
		}
		eps := make([]EntryPoint, len(list))
		for j, ev := range list {
			p := path + "[" + strconv.Itoa(j) + "]"
			if eps[j], err = parseEntryPoint(ev, p, len(c.Bytecode)); err != nil {
				return err
			}
			if j > 0 && eps[j-1].Selector.Cmp(&eps[j].Selector) >= 0 {
				return malformed(p+".selector", "entry points must be unique and sorted by selector")
			}
		}
		switch EntryPointType(i) {
		case External:
			c.External = eps
		case L1Handler:
			c.L1Handler = eps
		case Constructor:
			if len(eps) > 1 {
				return malformed(path, "a class may have at most one constructor")
			}
			c.Constructor = eps
		}
	}
	return nil
}

func parseEntryPoint(v any, path string, codeLen int) (EntryPoint, error) {
	obj, err := asObject(v, path)
	if err != nil {
		return EntryPoint{}, err
	}
	for _, f := range []string{"selector", "offset", "builtins"} {
		if _, ok := obj[f]; !ok {
			return EntryPoint{}, malformed(path, "missing field "+f)
		}
	}
	var ep EntryPoint
	if ep.Selector, err = parseFelt(obj["selector"], path+".selector", "selector"); err != nil {
		return EntryPoint{}, err
	}
	// The offset is an integer; cairo-lang also accepts a "0x.." string.
	offV := obj["offset"]
	if s, ok := offV.(string); ok {
		if len(s) < 3 || s[:2] != "0x" || !isHex(s[2:]) || len(s) > 18 {
			return EntryPoint{}, malformed(path+".offset", "offset "+describe(offV)+" is not an integer")
		}
		n, _ := strconv.ParseUint(s[2:], 16, 64)
		offV = json.Number(strconv.FormatUint(n, 10))
	}
	if codeLen == 0 {
		return EntryPoint{}, malformed(path+".offset", "entry point in a class without bytecode")
	}
	off, err := asInt(offV, path+".offset", 0, int64(codeLen)-1)
	if err != nil {
		return EntryPoint{}, err
	}
	ep.Offset = int(off)
	bl, err := asArray(obj["builtins"], path+".builtins")
	if err != nil {
		return EntryPoint{}, err
	}
	ep.Builtins = make([]string, len(bl))
	for i, b := range bl {
		p := path + ".builtins[" + strconv.Itoa(i) + "]"
		s, ok := b.(string)
		if !ok {
			return EntryPoint{}, malformed(p, "builtin "+describe(b)+" is not a string")
		}
		if s == "" || len(s) > maxBuiltinName || !isASCII(s) {
			return EntryPoint{}, malformed(p, "builtin name "+strconv.Quote(s)+" is not 1 to 31 ASCII characters")
		}
		ep.Builtins[i] = s
	}
	return ep, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Helpers over the decoded document.

func malformed(path, msg string) *LoadError {
	return &LoadError{Path: path, Err: fmt.Errorf("%w: %s", ErrMalformed, msg)}
}

func asObject(v any, path string) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, malformed(path, "expected an object, got "+describe(v))
	}
	return m, nil
}

func asArray(v any, path string) ([]any, error) {
	a, ok := v.([]any)
	if !ok {
		return nil, malformed(path, "expected a list, got "+describe(v))
	}
	return a, nil
}

// asInt reads an integer in [lo, hi].
func asInt(v any, path string, lo, hi int64) (int64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, malformed(path, "expected an integer, got "+describe(v))
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil || i < lo || i > hi {
		return 0, malformed(path, fmt.Sprintf("%s is not an integer in [%d, %d]", n, lo, hi))
	}
	return i, nil
}

// describe names a decoded JSON value for an error message.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if len(x) > 40 {
			x = x[:37] + "..."
		}
		return strconv.Quote(x)
	case json.Number:
		s := string(x)
		if len(s) > 40 {
			s = s[:37] + "..."
		}
		return s
	case bool:
		return strconv.FormatBool(x)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
