package wasm

import (
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"
)

// Section ids of the binary format (specification section 5.5.2).
const (
	SectionCustom    byte = 0
	SectionType      byte = 1
	SectionImport    byte = 2
	SectionFunction  byte = 3
	SectionTable     byte = 4
	SectionMemory    byte = 5
	SectionGlobal    byte = 6
	SectionExport    byte = 7
	SectionStart     byte = 8
	SectionElement   byte = 9
	SectionCode      byte = 10
	SectionData      byte = 11
	SectionDataCount byte = 12
)

// Magic and Version open every module: "\0asm" and version 1 as a
// little-endian u32.
const (
	Magic   = "\x00asm"
	Version = "\x01\x00\x00\x00"
)

// Module builds a WebAssembly module. Index spaces are allocated as items
// are added, so an index returned by an Add method is final; for that
// reason every import must be added before the first definition of its
// kind (function imports before DeclareFunction/AddFunction, global
// imports before AddGlobal).
//
// Every method checks what it can at once and returns an error without
// changing the module; Validate (and Encode, which calls it) checks the
// function bodies against the complete module. A Module is not safe for
// concurrent use.
type Module struct {
	types   []FuncType
	typeKey map[string]TypeIdx

	imports []importEntry

	funcTypes        []TypeIdx // whole function index space
	numImportedFuncs int
	funcs            []funcDef // defined functions, after the imported ones

	globalTypes        []GlobalType // whole global index space
	numImportedGlobals int
	globals            []globalDef // defined globals, after the imported ones

	hasMemory      bool
	memoryImported bool
	memory         Limits

	exports     []exportEntry
	exportNames map[string]struct{}

	hasStart bool
	start    FuncIdx

	data []dataSegment

	funcNames map[FuncIdx]string
}

type importEntry struct {
	module, name string
	kind         ExternKind
	typ          TypeIdx    // ExternFunc
	limits       Limits     // ExternMemory
	global       GlobalType // ExternGlobal
}

type funcDef struct {
	typ     TypeIdx
	locals  []ValType
	body    *Code
	defined bool
}

type globalDef struct {
	typ  GlobalType
	init ConstExpr
}

type exportEntry struct {
	name string
	kind ExternKind
	idx  uint32
}

type dataSegment struct {
	offset uint32
	bytes  []byte
}

// NewModule returns an empty module.
func NewModule() *Module {
	return &Module{
		typeKey:     make(map[string]TypeIdx),
		exportNames: make(map[string]struct{}),
		funcNames:   make(map[FuncIdx]string),
	}
}

// AddType adds the function type ft to the type section and returns its
// index. Equal types share one entry, so adding a type twice returns the
// same index.
func (m *Module) AddType(ft FuncType) (TypeIdx, error) {
	if err := ft.validate(); err != nil {
		return 0, err
	}
	key := string(ft.appendEncoding(nil))
	if idx, ok := m.typeKey[key]; ok {
		return idx, nil
	}
	idx := TypeIdx(len(m.types))
	m.types = append(m.types, FuncType{Params: slices.Clone(ft.Params), Results: slices.Clone(ft.Results)})
	m.typeKey[key] = idx
	return idx, nil
}

// Type returns the function type at index t.
func (m *Module) Type(t TypeIdx) (FuncType, bool) {
	if int64(t) >= int64(len(m.types)) {
		return FuncType{}, false
	}
	return m.types[t], true
}

// FuncType returns the signature of function f (imported or defined).
func (m *Module) FuncType(f FuncIdx) (FuncType, bool) {
	if int64(f) >= int64(len(m.funcTypes)) {
		return FuncType{}, false
	}
	return m.types[m.funcTypes[f]], true
}

// NumFuncs returns the size of the function index space (imports and
// definitions).
func (m *Module) NumFuncs() int { return len(m.funcTypes) }

// NumGlobals returns the size of the global index space.
func (m *Module) NumGlobals() int { return len(m.globalTypes) }

func checkName(what, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("wasm: %s %q is not valid UTF-8", what, s)
	}
	return nil
}

func checkImportNames(module, name string) error {
	if module == "" {
		// Valid in the specification, but rejected by wazero.
		return errors.New("wasm: import module name is empty")
	}
	if err := checkName("import module name", module); err != nil {
		return err
	}
	return checkName("import name", name)
}

// AddImport imports the function module.name with signature sig and
// returns its index. All function imports must precede the first
// DeclareFunction or AddFunction.
func (m *Module) AddImport(module, name string, sig FuncType) (FuncIdx, error) {
	if err := checkImportNames(module, name); err != nil {
		return 0, err
	}
	if len(m.funcs) > 0 {
		return 0, fmt.Errorf("wasm: function import %s.%s added after a function definition", module, name)
	}
	t, err := m.AddType(sig)
	if err != nil {
		return 0, err
	}
	m.imports = append(m.imports, importEntry{module: module, name: name, kind: ExternFunc, typ: t})
	m.funcTypes = append(m.funcTypes, t)
	m.numImportedFuncs++
	return FuncIdx(len(m.funcTypes) - 1), nil
}

// AddMemoryImport imports the memory module.name with the given limits.
// A module has at most one memory, imported or defined.
func (m *Module) AddMemoryImport(module, name string, lim Limits) error {
	if err := checkImportNames(module, name); err != nil {
		return err
	}
	if m.hasMemory {
		return errors.New("wasm: module already has a memory")
	}
	if err := lim.validate(); err != nil {
		return err
	}
	m.imports = append(m.imports, importEntry{module: module, name: name, kind: ExternMemory, limits: lim})
	m.hasMemory, m.memoryImported, m.memory = true, true, lim
	return nil
}

// AddGlobalImport imports the global module.name of type gt and returns
// its index. All global imports must precede the first AddGlobal.
func (m *Module) AddGlobalImport(module, name string, gt GlobalType) (GlobalIdx, error) {
	if err := checkImportNames(module, name); err != nil {
		return 0, err
	}
	if !gt.Type.Valid() {
		return 0, fmt.Errorf("wasm: invalid global type %v", gt.Type)
	}
	if len(m.globals) > 0 {
		return 0, fmt.Errorf("wasm: global import %s.%s added after a global definition", module, name)
	}
	m.imports = append(m.imports, importEntry{module: module, name: name, kind: ExternGlobal, global: gt})
	m.globalTypes = append(m.globalTypes, gt)
	m.numImportedGlobals++
	return GlobalIdx(len(m.globalTypes) - 1), nil
}

// DeclareFunction allocates the index of a function with signature sig
// whose body is given later with DefineFunction. Declaring first lets
// bodies call functions defined after them.
func (m *Module) DeclareFunction(sig FuncType) (FuncIdx, error) {
	t, err := m.AddType(sig)
	if err != nil {
		return 0, err
	}
	m.funcs = append(m.funcs, funcDef{typ: t})
	m.funcTypes = append(m.funcTypes, t)
	return FuncIdx(len(m.funcTypes) - 1), nil
}

// DefineFunction gives the declared function f its extra locals (which
// follow the parameters in the local index space) and its body. The body
// must be complete (its final End emitted) and free of recorded errors;
// the module keeps a reference to it.
func (m *Module) DefineFunction(f FuncIdx, locals []ValType, body *Code) error {
	if int64(f) < int64(m.numImportedFuncs) || int64(f) >= int64(len(m.funcTypes)) {
		return fmt.Errorf("wasm: func %d is not a declared function", f)
	}
	d := &m.funcs[int(f)-m.numImportedFuncs]
	if d.defined {
		return fmt.Errorf("wasm: func %d is already defined", f)
	}
	for _, t := range locals {
		if !t.Valid() {
			return fmt.Errorf("wasm: func %d: invalid local type %v", f, t)
		}
	}
	if err := checkBody(f, body); err != nil {
		return err
	}
	d.locals = slices.Clone(locals)
	d.body = body
	d.defined = true
	return nil
}

// checkBody checks what a Code knows about itself.
func checkBody(f FuncIdx, body *Code) error {
	if body == nil {
		return fmt.Errorf("wasm: func %d: nil body", f)
	}
	if body.err != nil {
		var be *BodyError
		if errors.As(body.err, &be) {
			e := *be
			e.Func, e.HasFunc = f, true
			return &e
		}
		return fmt.Errorf("wasm: func %d: %w", f, body.err)
	}
	if !body.done {
		return fmt.Errorf("wasm: func %d: body is not terminated by its final end (open blocks: %d)", f, len(body.ctrl))
	}
	return nil
}

// AddFunction declares and defines a function in one step (see
// DeclareFunction and DefineFunction) and returns its index.
func (m *Module) AddFunction(sig FuncType, locals []ValType, body *Code) (FuncIdx, error) {
	nt := len(m.types)
	f, err := m.DeclareFunction(sig)
	if err != nil {
		return 0, err
	}
	if err := m.DefineFunction(f, locals, body); err != nil {
		// Undo the declaration, which is the last entry.
		m.funcs = m.funcs[:len(m.funcs)-1]
		m.funcTypes = m.funcTypes[:len(m.funcTypes)-1]
		if len(m.types) > nt {
			delete(m.typeKey, string(m.types[nt].appendEncoding(nil)))
			m.types = m.types[:nt]
		}
		return 0, err
	}
	return f, nil
}

// AddMemory defines the module's memory. A module has at most one
// memory, imported or defined; its index is 0.
func (m *Module) AddMemory(lim Limits) error {
	if m.hasMemory {
		return errors.New("wasm: module already has a memory")
	}
	if err := lim.validate(); err != nil {
		return err
	}
	m.hasMemory, m.memoryImported, m.memory = true, false, lim
	return nil
}

// AddGlobal defines a global of type gt initialised by init, whose type
// must be gt.Type, and returns its index.
func (m *Module) AddGlobal(gt GlobalType, init ConstExpr) (GlobalIdx, error) {
	if !gt.Type.Valid() {
		return 0, fmt.Errorf("wasm: invalid global type %v", gt.Type)
	}
	var t ValType
	switch init.op {
	case opI32Const:
		t = I32
	case opI64Const:
		t = I64
	case opF32Const:
		t = F32
	case opF64Const:
		t = F64
	case opGlobalGet:
		g := init.bits
		if g >= uint64(m.numImportedGlobals) {
			return 0, fmt.Errorf("wasm: global initialiser global.get %d does not name an imported global", g)
		}
		if m.globalTypes[g].Mutable {
			return 0, fmt.Errorf("wasm: global initialiser global.get %d names a mutable global", g)
		}
		t = m.globalTypes[g].Type
	default:
		return 0, errors.New("wasm: global has no initialiser")
	}
	if t != gt.Type {
		return 0, fmt.Errorf("wasm: global of type %v initialised with a %v", gt.Type, t)
	}
	m.globals = append(m.globals, globalDef{typ: gt, init: init})
	m.globalTypes = append(m.globalTypes, gt)
	return GlobalIdx(len(m.globalTypes) - 1), nil
}

// AddExport exports the item idx of the given kind under name. Export
// names must be distinct. The memory's index is 0.
func (m *Module) AddExport(name string, kind ExternKind, idx uint32) error {
	if err := checkName("export name", name); err != nil {
		return err
	}
	if _, dup := m.exportNames[name]; dup {
		return fmt.Errorf("wasm: duplicate export name %q", name)
	}
	switch kind {
	case ExternFunc:
		if int64(idx) >= int64(len(m.funcTypes)) {
			return fmt.Errorf("wasm: export %q: unknown func %d", name, idx)
		}
	case ExternMemory:
		if idx != 0 || !m.hasMemory {
			return fmt.Errorf("wasm: export %q: unknown memory %d", name, idx)
		}
	case ExternGlobal:
		if int64(idx) >= int64(len(m.globalTypes)) {
			return fmt.Errorf("wasm: export %q: unknown global %d", name, idx)
		}
	default:
		return fmt.Errorf("wasm: export %q: unsupported kind %v", name, kind)
	}
	m.exports = append(m.exports, exportEntry{name: name, kind: kind, idx: idx})
	m.exportNames[name] = struct{}{}
	return nil
}

// SetStart makes f the start function, run when the module is
// instantiated. Its signature must be [] -> [].
func (m *Module) SetStart(f FuncIdx) error {
	ft, ok := m.FuncType(f)
	if !ok {
		return fmt.Errorf("wasm: start: unknown func %d", f)
	}
	if len(ft.Params) != 0 || len(ft.Results) != 0 {
		return fmt.Errorf("wasm: start func %d has signature %v, want () -> ()", f, ft)
	}
	m.hasStart, m.start = true, f
	return nil
}

// AddData adds an active data segment that copies data (copied here) into
// memory 0 at offset when the module is instantiated. The module needs a
// memory by the time it is encoded; for a defined memory the segment must
// fit in its initial size.
func (m *Module) AddData(offset uint32, data []byte) error {
	if uint64(offset)+uint64(len(data)) > uint64(MaxPages)*PageSize {
		return fmt.Errorf("wasm: data segment at %d of %d bytes exceeds 4 GiB", offset, len(data))
	}
	m.data = append(m.data, dataSegment{offset: offset, bytes: slices.Clone(data)})
	return nil
}

// SetFunctionName records a debug name for function f in the "name"
// custom section; wazero shows it in stack traces.
func (m *Module) SetFunctionName(f FuncIdx, name string) error {
	if int64(f) >= int64(len(m.funcTypes)) {
		return fmt.Errorf("wasm: name: unknown func %d", f)
	}
	if err := checkName("function name", name); err != nil {
		return err
	}
	m.funcNames[f] = name
	return nil
}

// Validate checks the module as a whole: every declared function has a
// complete body that type-checks (operand types, block and branch types,
// local, global, function and memory references), and data segments have
// a memory to go to. It is what Encode runs first.
func (m *Module) Validate() error {
	if err := m.validateStructure(); err != nil {
		return err
	}
	v := newValidator(m)
	for i := range m.funcs {
		d := &m.funcs[i]
		f := FuncIdx(m.numImportedFuncs + i)
		if err := v.function(f, m.types[d.typ], d.locals, d.body.buf); err != nil {
			return err
		}
	}
	return nil
}

// validateStructure checks everything but the instruction types.
func (m *Module) validateStructure() error {
	for i := range m.funcs {
		d := &m.funcs[i]
		f := FuncIdx(m.numImportedFuncs + i)
		if !d.defined {
			return fmt.Errorf("wasm: func %d is declared but has no body", f)
		}
		if err := checkBody(f, d.body); err != nil {
			return err
		}
	}
	for i, seg := range m.data {
		if !m.hasMemory {
			return fmt.Errorf("wasm: data segment %d: module has no memory", i)
		}
		end := uint64(seg.offset) + uint64(len(seg.bytes))
		if !m.memoryImported && end > uint64(m.memory.Min)*PageSize {
			return fmt.Errorf("wasm: data segment %d (bytes %d..%d) exceeds the initial memory of %d pages", i, seg.offset, end, m.memory.Min)
		}
	}
	return nil
}

// Encode validates the module and returns its binary encoding. The bytes
// depend only on the sequence of builder calls.
func (m *Module) Encode() ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m.encode(), nil
}

// encode writes the binary module; the module must be valid.
func (m *Module) encode() []byte {
	size := 64
	for i := range m.funcs {
		size += len(m.funcs[i].body.buf) + 16
	}
	for _, d := range m.data {
		size += len(d.bytes) + 16
	}
	out := make([]byte, 0, size)
	out = append(out, Magic...)
	out = append(out, Version...)

	var sec []byte
	section := func(id byte) {
		out = append(out, id)
		out = appendU32(out, uint32(len(sec)))
		out = append(out, sec...)
		sec = sec[:0]
	}

	if len(m.types) > 0 {
		sec = appendU32(sec, uint32(len(m.types)))
		for _, ft := range m.types {
			sec = ft.appendEncoding(sec)
		}
		section(SectionType)
	}

	if len(m.imports) > 0 {
		sec = appendU32(sec, uint32(len(m.imports)))
		for _, im := range m.imports {
			sec = appendName(sec, im.module)
			sec = appendName(sec, im.name)
			sec = append(sec, byte(im.kind))
			switch im.kind {
			case ExternFunc:
				sec = appendU32(sec, uint32(im.typ))
			case ExternMemory:
				sec = im.limits.appendEncoding(sec)
			case ExternGlobal:
				sec = im.global.appendEncoding(sec)
			}
		}
		section(SectionImport)
	}

	if len(m.funcs) > 0 {
		sec = appendU32(sec, uint32(len(m.funcs)))
		for i := range m.funcs {
			sec = appendU32(sec, uint32(m.funcs[i].typ))
		}
		section(SectionFunction)
	}

	if m.hasMemory && !m.memoryImported {
		sec = appendU32(sec, 1)
		sec = m.memory.appendEncoding(sec)
		section(SectionMemory)
	}

	if len(m.globals) > 0 {
		sec = appendU32(sec, uint32(len(m.globals)))
		for _, g := range m.globals {
			sec = g.typ.appendEncoding(sec)
			sec = g.init.appendEncoding(sec)
		}
		section(SectionGlobal)
	}

	if len(m.exports) > 0 {
		sec = appendU32(sec, uint32(len(m.exports)))
		for _, e := range m.exports {
			sec = appendName(sec, e.name)
			sec = append(sec, byte(e.kind))
			sec = appendU32(sec, e.idx)
		}
		section(SectionExport)
	}

	if m.hasStart {
		sec = appendU32(sec, uint32(m.start))
		section(SectionStart)
	}

	if len(m.funcs) > 0 {
		// The code section is written in place: its size is computed
		// first so that the bodies are copied only once.
		total := sizeU32(uint32(len(m.funcs)))
		for i := range m.funcs {
			n := localsSize(m.funcs[i].locals) + len(m.funcs[i].body.buf)
			total += sizeU32(uint32(n)) + n
		}
		out = append(out, SectionCode)
		out = appendU32(out, uint32(total))
		out = appendU32(out, uint32(len(m.funcs)))
		for i := range m.funcs {
			d := &m.funcs[i]
			out = appendU32(out, uint32(localsSize(d.locals)+len(d.body.buf)))
			out = appendLocals(out, d.locals)
			out = append(out, d.body.buf...)
		}
	}

	if len(m.data) > 0 {
		sec = appendU32(sec, uint32(len(m.data)))
		for _, d := range m.data {
			sec = append(sec, 0x00) // active, memory 0
			sec = ConstI32(int32(d.offset)).appendEncoding(sec)
			sec = appendU32(sec, uint32(len(d.bytes)))
			sec = append(sec, d.bytes...)
		}
		section(SectionData)
	}

	if len(m.funcNames) > 0 {
		idx := make([]FuncIdx, 0, len(m.funcNames))
		for f := range m.funcNames {
			idx = append(idx, f)
		}
		slices.Sort(idx)
		var sub []byte
		sub = appendU32(sub, uint32(len(idx)))
		for _, f := range idx {
			sub = appendU32(sub, uint32(f))
			sub = appendName(sub, m.funcNames[f])
		}
		sec = appendName(sec, "name")
		sec = append(sec, 1) // function names subsection
		sec = appendU32(sec, uint32(len(sub)))
		sec = append(sec, sub...)
		section(SectionCustom)
	}
	return out
}

func appendName(b []byte, s string) []byte {
	b = appendU32(b, uint32(len(s)))
	return append(b, s...)
}

// localsSize is len(appendLocals(nil, locals)).
func localsSize(locals []ValType) int {
	runs, n := 0, 0
	for i := 0; i < len(locals); {
		j := i + 1
		for j < len(locals) && locals[j] == locals[i] {
			j++
		}
		runs++
		n += sizeU32(uint32(j-i)) + 1
		i = j
	}
	return sizeU32(uint32(runs)) + n
}

// appendLocals appends the locals declaration: runs of equal types as
// vec((count, type)).
func appendLocals(b []byte, locals []ValType) []byte {
	runs := 0
	for i := 0; i < len(locals); i++ {
		if i == 0 || locals[i] != locals[i-1] {
			runs++
		}
	}
	b = appendU32(b, uint32(runs))
	for i := 0; i < len(locals); {
		j := i + 1
		for j < len(locals) && locals[j] == locals[i] {
			j++
		}
		b = appendU32(b, uint32(j-i))
		b = append(b, byte(locals[i]))
		i = j
	}
	return b
}
