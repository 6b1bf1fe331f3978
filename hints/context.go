package hints

import (
	"fmt"
	"math/big"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/vm"
)

// progInfo is what the compiled hints of one program share: the parsed
// reference manager and the identifier tables.
type progInfo struct {
	p    *vm.Program
	refs []*parsedRef // by reference-manager index

	scopesOnce sync.Once
	scopes     map[string]bool // every proper prefix of an identifier name
}

// parsedRef is one reference-manager entry, parsed once at load.
type parsedRef struct {
	src        string
	e          expr
	t          *cairoType
	ap         bool // mentions ap, so ap tracking applies
	apTracking vm.ApTracking
	err        error

	// Most references are [reg + k], reg + k or [[reg + k] + j] (casts
	// aside); they are evaluated without walking the expression.
	simple    simpleRef
	simpleAP  bool
	simpleOff int
	innerOff  int // j of [[reg + k] + j]
}

type simpleRef uint8

const (
	notSimple      simpleRef = iota
	simpleDeref              // [reg + off]
	simpleAddr               // reg + off
	simpleDerefPtr           // [[reg + off] + innerOff], the member of a struct a pointer points to
)

// plusConst splits e (casts aside) into x, x + k or x - k with a small
// constant k.
func plusConst(e expr) (x expr, k int, ok bool) {
	e = stripCasts(e)
	b, isBin := e.(*exprBin)
	if !isBin {
		return e, 0, true
	}
	c, isConst := stripCasts(b.b).(*exprConst)
	if !isConst || !c.val.IsInt64() || (b.op != "+" && b.op != "-") {
		return nil, 0, false
	}
	n := c.val.Int64()
	if n > 1<<40 || n < -(1<<40) {
		return nil, 0, false
	}
	if b.op == "-" {
		n = -n
	}
	return stripCasts(b.a), int(n), true
}

// regPlusConst matches reg, reg + k and reg - k (casts aside) with a small k.
func regPlusConst(e expr) (ap bool, off int, ok bool) {
	x, k, ok := plusConst(e)
	r, isReg := x.(*exprReg)
	if !ok || !isReg {
		return false, 0, false
	}
	return r.ap, k, true
}

func (pr *parsedRef) classify() {
	if d, ok := stripCasts(pr.e).(*exprDeref); ok {
		if ap, off, ok := regPlusConst(d.addr); ok {
			pr.simple, pr.simpleAP, pr.simpleOff = simpleDeref, ap, off
		} else if x, j, ok := plusConst(d.addr); ok {
			if inner, isDeref := x.(*exprDeref); isDeref {
				if ap, off, ok := regPlusConst(inner.addr); ok {
					pr.simple, pr.simpleAP, pr.simpleOff, pr.innerOff = simpleDerefPtr, ap, off, j
				}
			}
		}
		return
	}
	if ap, off, ok := regPlusConst(pr.e); ok {
		pr.simple, pr.simpleAP, pr.simpleOff = simpleAddr, ap, off
	}
}

func newProgInfo(p *vm.Program) *progInfo {
	pi := &progInfo{p: p, refs: make([]*parsedRef, len(p.References))}
	for i, r := range p.References {
		pr := &parsedRef{src: r.Value, apTracking: r.APTracking}
		pr.e, pr.err = parseExpr(r.Value)
		if pr.err == nil {
			pr.t, pr.err = typeOf(pr.e)
		}
		if pr.err == nil {
			pr.ap = hasAP(pr.e)
			pr.classify()
			if t, err := pi.resolveType(pr.t); err == nil {
				pr.t = t
			}
		}
		pi.refs[i] = pr
	}
	return pi
}

// isScope reports whether name is a scope: a proper prefix of some
// identifier's name (a module or namespace path).
func (pi *progInfo) isScope(name string) bool {
	pi.scopesOnce.Do(func() {
		pi.scopes = map[string]bool{}
		for full := range pi.p.Identifiers {
			for i := 0; i < len(full); i++ {
				if full[i] == '.' {
					pi.scopes[full[:i]] = true
				}
			}
		}
	})
	return pi.scopes[name]
}

// resolveType replaces struct names that are aliases or type definitions by
// what they denote.
func (pi *progInfo) resolveType(t *cairoType) (*cairoType, error) {
	return pi.resolveTypeDepth(t, 0)
}

func (pi *progInfo) resolveTypeDepth(t *cairoType, depth int) (*cairoType, error) {
	if depth > 32 {
		return nil, fmt.Errorf("type definitions nested too deeply")
	}
	switch t.kind {
	case typePointer:
		e, err := pi.resolveTypeDepth(t.elem, depth+1)
		if err != nil {
			return nil, err
		}
		if e == t.elem {
			return t, nil
		}
		return pointerTo(e), nil
	case typeTuple:
		out := &cairoType{kind: typeTuple, names: t.names, members: make([]*cairoType, len(t.members))}
		for i, m := range t.members {
			r, err := pi.resolveTypeDepth(m, depth+1)
			if err != nil {
				return nil, err
			}
			out.members[i] = r
		}
		return out, nil
	case typeStruct:
		id, canon := pi.p.ResolveIdentifier(t.name)
		if id == nil {
			return t, nil
		}
		switch id.Type {
		case "struct":
			if canon == t.name {
				return t, nil
			}
			return &cairoType{kind: typeStruct, name: canon}, nil
		case "type_definition":
			d, err := parseType(id.CairoType)
			if err != nil {
				return nil, err
			}
			return pi.resolveTypeDepth(d, depth+1)
		}
	}
	return t, nil
}

// structDef returns the struct identifier a struct type names.
func (pi *progInfo) structDef(t *cairoType) (*vm.Identifier, error) {
	id, _ := pi.p.ResolveIdentifier(t.name)
	if id == nil || id.Type != "struct" {
		return nil, fmt.Errorf("Unknown struct '%s'.", t.name)
	}
	return id, nil
}

// compiledHint is a hint bound to its function, its pc and its references.
type compiledHint struct {
	fn    Func
	spec  *vm.HintSpec
	pc    int
	prog  *progInfo
	roots map[string]*binding         // ids name (last component) -> reference
	plans atomic.Pointer[[]planEntry] // resolved ids paths, copied on write
	mu    sync.Mutex
}

// binding is one reference as seen from one hint: the parsed expression
// and the ap correction (hint ap offset - reference ap offset).
type binding struct {
	name     string
	fullName string
	ref      *parsedRef
	apDiff   int
	err      error // revoked or unparseable
}

func newCompiledHint(pi *progInfo, spec *vm.HintSpec, pc int, f Func) *compiledHint {
	h := &compiledHint{fn: f, spec: spec, pc: pc, prog: pi, roots: map[string]*binding{}}
	rank := map[string]int{}
	for full, idx := range spec.FlowTracking.ReferenceIDs {
		dot := strings.LastIndexByte(full, '.')
		short, prefix := full[dot+1:], ""
		if dot >= 0 {
			prefix = full[:dot]
		}
		r := -1
		for i, s := range spec.AccessibleScopes {
			if s == prefix {
				r = i
			}
		}
		if r < 0 {
			continue
		}
		if old, ok := rank[short]; ok && old >= r {
			continue
		}
		rank[short] = r
		h.roots[short] = h.bind(short, full, idx)
	}
	return h
}

// bind makes the binding of reference-manager entry idx under name.
func (h *compiledHint) bind(name, full string, idx int) *binding {
	b := &binding{name: name, fullName: full}
	if idx < 0 || idx >= len(h.prog.refs) {
		b.err = fmt.Errorf("reference %s points to entry %d, outside the reference manager", full, idx)
		return b
	}
	b.ref = h.prog.refs[idx]
	if b.ref.err != nil {
		b.err = fmt.Errorf("reference %s = %q: %w", full, b.ref.src, b.ref.err)
		return b
	}
	if b.ref.ap {
		hg := h.spec.FlowTracking.APTracking
		if b.ref.apTracking.Group != hg.Group {
			b.err = &RevokedError{Name: name, RefGroup: b.ref.apTracking.Group, HintGroup: hg.Group}
			return b
		}
		b.apDiff = hg.Offset - b.ref.apTracking.Offset
	}
	return b
}

// baseMode says how a member path finds the address of its root struct.
type baseMode uint8

const (
	baseNone       baseMode = iota
	baseStructAddr          // a struct-typed reference [addr]: the struct is at addr
	basePtrValue            // a T*-typed reference: the struct is where it points
)

// step moves along a member path: hop first reads the pointer stored at the
// current address, then off is added.
type step struct {
	off int
	hop bool
}

// plan is a resolved ids path: a reference with member steps, or a constant.
type plan struct {
	err     error
	b       *binding
	base    baseMode
	steps   []step
	final   *cairoType
	isConst bool
	konst   *big.Int
}

// resolve returns the plan of an ids path, building it on first use.
func (h *compiledHint) resolve(path string) *plan {
	if l := h.plans.Load(); l != nil {
		for i := range *l {
			if e := &(*l)[i]; e.name == path {
				return e.p
			}
		}
	}
	// Plans are built once per name. Readers scan an immutable list: a
	// hint uses a handful of names, mostly string literals, whose
	// comparison is cheaper than hashing them.
	h.mu.Lock()
	defer h.mu.Unlock()
	old := h.plans.Load()
	if old != nil {
		for _, e := range *old {
			if e.name == path {
				return e.p
			}
		}
	}
	var next []planEntry
	if old != nil {
		next = append(next, *old...)
	}
	p := h.build(path)
	next = append(next, planEntry{path, p})
	h.plans.Store(&next)
	return p
}

// planEntry is one resolved ids path of a hint.
type planEntry struct {
	name string
	p    *plan
}

func (h *compiledHint) build(path string) *plan {
	parts := strings.Split(path, ".")
	for _, s := range parts {
		if s == "" {
			return &plan{err: fmt.Errorf("invalid ids name %q", path)}
		}
	}
	if b, ok := h.roots[parts[0]]; ok {
		return h.refPlan(b, parts[1:], path)
	}
	return h.identPlan(parts, path)
}

func (h *compiledHint) refPlan(b *binding, members []string, path string) *plan {
	if b.err != nil {
		return &plan{err: b.err}
	}
	t := b.ref.t
	pl := &plan{b: b, final: t}
	if len(members) == 0 {
		return pl
	}
	var cur *cairoType
	switch {
	case t.kind == typeStruct:
		if _, ok := stripCasts(b.ref.e).(*exprDeref); !ok {
			return &plan{err: fmt.Errorf("Expected expression of type '%s' to have an address.", t)}
		}
		pl.base, cur = baseStructAddr, t
	case t.kind == typePointer && t.elem.kind == typeStruct:
		pl.base, cur = basePtrValue, t.elem
	default:
		return &plan{err: fmt.Errorf("ids.%s: '%s' has type '%s', which has no members", path, b.name, t)}
	}
	hop := false
	for i, m := range members {
		def, err := h.prog.structDef(cur)
		if err != nil {
			return &plan{err: err}
		}
		mem, ok := def.Members[m]
		if !ok {
			return &plan{err: fmt.Errorf("'%s' is not a member of '%s'.", m, cur.name)}
		}
		mt, err := parseType(mem.CairoType)
		if err == nil {
			mt, err = h.prog.resolveType(mt)
		}
		if err != nil {
			return &plan{err: fmt.Errorf("member %s of %s: %w", m, cur.name, err)}
		}
		pl.steps = append(pl.steps, step{off: mem.Offset, hop: hop})
		pl.final = mt
		if i == len(members)-1 {
			break
		}
		switch {
		case mt.kind == typeStruct:
			cur, hop = mt, false
		case mt.kind == typePointer && mt.elem.kind == typeStruct:
			cur, hop = mt.elem, true
		default:
			return &plan{err: fmt.Errorf("ids.%s: member '%s' has type '%s', which has no members", path, m, mt)}
		}
	}
	return pl
}

// search finds name in the accessible scopes, innermost first, then as a
// full name, as cairo-lang's IdentifierManager.search does; failing that,
// it looks for a scope of that name.
func (h *compiledHint) search(scopes []string, name string) (id *vm.Identifier, canon string, scope bool) {
	for i := len(scopes) - 1; i >= -1; i-- {
		full := name
		if i >= 0 {
			full = scopes[i] + "." + name
		}
		if id, canon := h.prog.p.ResolveIdentifier(full); id != nil {
			return id, canon, false
		}
	}
	for i := len(scopes) - 1; i >= -1; i-- {
		full := name
		if i >= 0 {
			full = scopes[i] + "." + name
		}
		if h.prog.isScope(full) {
			return nil, full, true
		}
	}
	return nil, "", false
}

func (h *compiledHint) identPlan(parts []string, path string) *plan {
	scopes := h.spec.AccessibleScopes
	for len(parts) > 0 {
		id, canon, isScope := h.search(scopes, parts[0])
		if id == nil && !isScope {
			return &plan{err: fmt.Errorf("Unknown identifier '%s'.", path)}
		}
		name := parts[0]
		parts = parts[1:]
		kind := "scope"
		if id != nil {
			kind = id.Type
		}
		switch kind {
		case "scope", "namespace", "function", "label":
			if len(parts) == 0 {
				return &plan{err: fmt.Errorf("ids.%s is a scope, not a value", path)}
			}
			scopes = []string{canon}
		case "const":
			if len(parts) > 0 {
				return &plan{err: fmt.Errorf("ids.%s: '%s' is a constant and has no member '%s'", path, name, parts[0])}
			}
			if id.Value == nil {
				return &plan{err: fmt.Errorf("constant %s has no value", canon)}
			}
			return &plan{isConst: true, konst: id.Value}
		case "struct":
			if len(parts) != 1 {
				return &plan{err: fmt.Errorf("ids.%s: a struct gives only SIZE and member offsets", path)}
			}
			if parts[0] == "SIZE" {
				if id.Size == nil {
					return &plan{err: fmt.Errorf("struct %s has no size", canon)}
				}
				return &plan{isConst: true, konst: big.NewInt(int64(*id.Size))}
			}
			m, ok := id.Members[parts[0]]
			if !ok {
				return &plan{err: fmt.Errorf("'%s' is not a member of '%s'.", parts[0], canon)}
			}
			return &plan{isConst: true, konst: big.NewInt(int64(m.Offset))}
		case "reference":
			idx, ok := h.spec.FlowTracking.ReferenceIDs[canon]
			if !ok {
				return &plan{err: &RevokedError{Name: name, RefGroup: -1, HintGroup: h.spec.FlowTracking.APTracking.Group}}
			}
			return h.refPlan(h.bind(name, canon, idx), parts, path)
		default:
			return &plan{err: fmt.Errorf("Unsupported identifier type '%s' of identifier '%s'.", kind, path)}
		}
	}
	return &plan{err: fmt.Errorf("Unknown identifier '%s'.", path)}
}

// Context is what a hint function sees: the machine state, the hint as the
// compiler recorded it, its pc, and access to its ids (references,
// struct members and constants), resolved from the program's reference
// manager and identifiers.
//
// Names follow the hint's Python: Get("a") is ids.a, Get("a.low") is
// ids.a.low (a member of a struct-typed reference, or of the struct a
// pointer-typed reference points to), Const("DictAccess.SIZE") is
// ids.DictAccess.SIZE.
type Context struct {
	// State is the machine; hints read and write its memory, registers and
	// scopes.
	State *vm.State
	// Spec is the hint as cairo-compile recorded it.
	Spec *vm.HintSpec
	// PC is the hint's offset in the program segment.
	PC int

	h *compiledHint
}

func (c *Context) plan(name string) (*plan, error) {
	p := c.h.resolve(name)
	if p.err != nil {
		return nil, p.err
	}
	return p, nil
}

func (c *Context) env(b *binding) evalEnv {
	return evalEnv{mem: c.State.Mem, ap: c.State.AP.Add(-b.apDiff), fp: c.State.FP}
}

// simpleAddr is reg + off of a simple reference, with the ap correction.
func (c *Context) simpleAddr(b *binding) vm.Relocatable {
	if b.ref.simpleAP {
		return c.State.AP.Add(b.ref.simpleOff - b.apDiff)
	}
	return c.State.FP.Add(b.ref.simpleOff)
}

// cellOf is the address of the cell a simple [..] reference denotes,
// found without evaluating its expression. ok is false for other
// references, and for a [[reg + k] + j] whose pointer is not an ordinary
// one (see ptrAt) or would step below its segment: evaluation then finds
// the address or the error.
func (c *Context) cellOf(b *binding) (a vm.Relocatable, ok bool) {
	switch b.ref.simple {
	case simpleDeref:
		return c.simpleAddr(b), true
	case simpleDerefPtr:
		p, ok := ptrAt(c.State.Mem, c.simpleAddr(b))
		if !ok || p.Offset+b.ref.innerOff < 0 {
			return vm.Relocatable{}, false
		}
		return p.Add(b.ref.innerOff), true
	}
	return vm.Relocatable{}, false
}

// refValue is the value of a reference expression.
func (c *Context) refValue(b *binding) (vm.Value, error) {
	if a, ok := c.cellOf(b); ok {
		return readCell(c.State.Mem, a)
	}
	if b.ref.simple == simpleAddr {
		return vm.PtrValue(c.simpleAddr(b)), nil
	}
	env := c.env(b)
	return env.eval(b.ref.e)
}

// ptrAt reads the relocatable value at addr in place, without copying the
// 40-byte cell out and back through the callers: the pointers of dict
// accesses and struct members that most hints start from. ok is false for
// anything else (an unknown cell, a felt, a cell outside the real
// segments, a pointer that Memory.Get would relocate): the caller then
// takes the general path, which reports the errors.
func ptrAt(m *vm.Memory, addr vm.Relocatable) (p vm.Relocatable, ok bool) {
	cell := m.CellPtr(addr.Segment, addr.Offset)
	if cell == nil || cell.Kind() != vm.KindPtr || cell.Segment() < 0 && m.HasRelocationRules() {
		return vm.Relocatable{}, false
	}
	return vm.Relocatable{Segment: cell.Segment(), Offset: cell.Offset()}, true
}

// memberAddr is the address a member path ends at.
func (c *Context) memberAddr(name string, p *plan) (vm.Relocatable, error) {
	a, err := c.structAddr(name, p)
	if err != nil {
		return vm.Relocatable{}, err
	}
	for _, s := range p.steps {
		if s.hop {
			if next, ok := ptrAt(c.State.Mem, a); ok {
				a = next
			} else {
				v, err := readCell(c.State.Mem, a)
				if err != nil {
					return vm.Relocatable{}, err
				}
				if !v.IsPtr() {
					return vm.Relocatable{}, fmt.Errorf("ids.%s: the pointer at %s is %s, not a relocatable value", name, a, v)
				}
				a = v.Ptr()
			}
		}
		a = a.Add(s.off)
	}
	return a, nil
}

// structAddr is the address of the struct a member path starts from.
func (c *Context) structAddr(name string, p *plan) (vm.Relocatable, error) {
	var base vm.Value
	var err error
	if a, ok := c.cellOf(p.b); ok {
		if p.base == baseStructAddr {
			return a, nil
		}
		if ptr, ok := ptrAt(c.State.Mem, a); ok {
			return ptr, nil
		}
	} else if p.base == basePtrValue && p.b.ref.simple == simpleAddr {
		return c.simpleAddr(p.b), nil // cast(reg + k, T*): the struct is at reg + k
	}
	switch {
	case p.base == baseStructAddr:
		env := c.env(p.b)
		base, err = env.eval(stripCasts(p.b.ref.e).(*exprDeref).addr)
	default:
		base, err = c.refValue(p.b)
	}
	if err != nil {
		return vm.Relocatable{}, err
	}
	if !base.IsPtr() {
		return vm.Relocatable{}, fmt.Errorf("ids.%s: the struct address %s is not relocatable", name, base)
	}
	return base.Ptr(), nil
}

// Get returns the value of ids.name: the value of a felt or pointer
// reference or member, or a constant (reduced modulo PRIME). A struct-typed
// name has no single value: read its members or use Addr.
func (c *Context) Get(name string) (vm.Value, error) {
	var v vm.Value
	err := c.getInto(name, &v)
	return v, err
}

// getInto is Get writing into *out: the hot path of every hint, which
// copies the 40-byte value once rather than through every layer.
func (c *Context) getInto(name string, out *vm.Value) error {
	p, err := c.plan(name)
	if err != nil {
		return err
	}
	return c.valueOf(name, p, out)
}

// valueOf is getInto for a resolved plan.
func (c *Context) valueOf(name string, p *plan, out *vm.Value) error {
	var err error
	if p.isConst {
		*out = bigValue(p.konst)
		return nil
	}
	if p.final.kind == typeStruct || p.final.kind == typeTuple {
		return fmt.Errorf("ids.%s has type '%s': read its members or its address", name, p.final)
	}
	var a vm.Relocatable
	if len(p.steps) > 0 {
		if a, err = c.memberAddr(name, p); err != nil {
			return err
		}
	} else if cell, ok := c.cellOf(p.b); ok {
		a = cell
	} else {
		v, err := c.refValue(p.b)
		if err != nil {
			return err
		}
		*out = v
		return nil
	}
	if !c.State.Mem.GetInto(a, out) {
		return unknownCellError(a)
	}
	return nil
}

// Felt returns ids.name as a field element; a relocatable value is an
// error (cairo-lang's assert_integer message).
func (c *Context) Felt(name string) (asm.Felt, error) {
	var v vm.Value
	if err := c.getInto(name, &v); err != nil {
		return asm.Felt{}, err
	}
	if !v.IsFelt() {
		return asm.Felt{}, expectedInteger(v)
	}
	return v.Felt(), nil
}

// Big returns ids.name as the Python integer a hint sees: a felt's value
// in [0, PRIME), or a constant's value as the compiler recorded it (which
// may be negative). A relocatable value is an error.
func (c *Context) Big(name string) (*big.Int, error) {
	p, err := c.plan(name)
	if err != nil {
		return nil, err
	}
	if p.isConst {
		return new(big.Int).Set(p.konst), nil
	}
	var v vm.Value
	if err := c.valueOf(name, p, &v); err != nil {
		return nil, err
	}
	if !v.IsFelt() {
		return nil, expectedInteger(v)
	}
	return v.FeltRef().BigInt(), nil
}

// Signed returns as_int(ids.name, PRIME): the felt lifted to
// (-PRIME/2, PRIME/2).
func (c *Context) Signed(name string) (*big.Int, error) {
	v, err := c.Big(name)
	if err != nil {
		return nil, err
	}
	return asInt(v), nil
}

// Const returns the value of a constant reachable from the hint's scopes:
// ids.SOME_CONST, ids.Struct.SIZE, ids.Struct.member (its offset),
// ids.namespace.CONST. Names are searched in the hint's accessible scopes,
// innermost first, through aliases.
func (c *Context) Const(name string) (*big.Int, error) {
	p, err := c.plan(name)
	if err != nil {
		return nil, err
	}
	if !p.isConst {
		return nil, fmt.Errorf("ids.%s is not a constant", name)
	}
	return new(big.Int).Set(p.konst), nil
}

// ConstInt is Const for a constant that fits in an int64 (a struct size,
// a member offset, a bound), without allocating.
func (c *Context) ConstInt(name string) (int64, error) {
	p, err := c.plan(name)
	if err != nil {
		return 0, err
	}
	if !p.isConst {
		return 0, fmt.Errorf("ids.%s is not a constant", name)
	}
	if !p.konst.IsInt64() {
		return 0, fmt.Errorf("ids.%s = %s does not fit in 64 bits", name, p.konst)
	}
	return p.konst.Int64(), nil
}

// Addr returns where ids.name.address_ points: the address of a
// struct-typed reference or member, or the value of a pointer-typed one.
func (c *Context) Addr(name string) (vm.Relocatable, error) {
	p, err := c.plan(name)
	if err != nil {
		return vm.Relocatable{}, err
	}
	if p.isConst {
		return vm.Relocatable{}, fmt.Errorf("ids.%s is a constant, not an address", name)
	}
	var v vm.Value
	switch {
	case len(p.steps) == 0 && (p.final.kind == typeStruct || p.final.kind == typeTuple):
		d, ok := stripCasts(p.b.ref.e).(*exprDeref)
		if !ok {
			return vm.Relocatable{}, fmt.Errorf("Expected expression of type '%s' to have an address.", p.final)
		}
		env := c.env(p.b)
		v, err = env.eval(d.addr)
	case len(p.steps) == 0 && p.final.kind == typePointer:
		if cell, ok := c.cellOf(p.b); ok {
			if a, ok := ptrAt(c.State.Mem, cell); ok {
				return a, nil
			}
		}
		v, err = c.refValue(p.b)
	case len(p.steps) > 0 && (p.final.kind == typeStruct || p.final.kind == typeTuple):
		a, err := c.memberAddr(name, p)
		return a, err
	case len(p.steps) > 0 && p.final.kind == typePointer:
		a, err := c.memberAddr(name, p)
		if err != nil {
			return vm.Relocatable{}, err
		}
		v, err = readCell(c.State.Mem, a)
	default:
		return vm.Relocatable{}, fmt.Errorf("ids.%s has type '%s' and has no address", name, p.final)
	}
	if err != nil {
		return vm.Relocatable{}, err
	}
	if !v.IsPtr() {
		return vm.Relocatable{}, fmt.Errorf("ids.%s is %s, not a relocatable address", name, v)
	}
	return v.Ptr(), nil
}

// CellAddr returns the address of the memory cell ids.name denotes, the
// cell that Set writes.
func (c *Context) CellAddr(name string) (vm.Relocatable, error) {
	p, err := c.plan(name)
	if err != nil {
		return vm.Relocatable{}, err
	}
	if p.isConst {
		return vm.Relocatable{}, fmt.Errorf("Cannot change the value of a constant.")
	}
	if len(p.steps) > 0 {
		return c.memberAddr(name, p)
	}
	if a, ok := c.cellOf(p.b); ok {
		return a, nil
	}
	d, ok := stripCasts(p.b.ref.e).(*exprDeref)
	if !ok {
		return vm.Relocatable{}, fmt.Errorf("%s (= %s) does not reference memory and cannot be assigned.", p.b.fullName, p.b.ref.src)
	}
	env := c.env(p.b)
	a, err := env.eval(d.addr)
	if err != nil {
		return vm.Relocatable{}, err
	}
	if !a.IsPtr() {
		return vm.Relocatable{}, fmt.Errorf("ids.%s: address %s is not relocatable", name, a)
	}
	return a.Ptr(), nil
}

// Set writes v into the cell ids.name denotes (ids.name = v). Memory is
// write-once: writing a different value into a written cell is an error.
func (c *Context) Set(name string, v vm.Value) error {
	a, err := c.CellAddr(name)
	if err != nil {
		return err
	}
	return c.State.Mem.Write(a, v)
}

// SetBig writes a Python integer (reduced modulo PRIME) into ids.name.
func (c *Context) SetBig(name string, v *big.Int) error { return c.Set(name, bigValue(v)) }

// SetUint writes a small integer into ids.name.
func (c *Context) SetUint(name string, v uint64) error { return c.Set(name, vm.IntValue(v)) }

// AP returns the current ap.
func (c *Context) AP() vm.Relocatable { return c.State.AP }

// FP returns the current fp.
func (c *Context) FP() vm.Relocatable { return c.State.FP }

// Mem returns the memory.
func (c *Context) Mem() *vm.Memory { return c.State.Mem }

// WriteAP performs memory[ap] = v.
func (c *Context) WriteAP(v vm.Value) error { return c.State.Mem.Write(c.State.AP, v) }

// Read returns memory[addr] as a hint sees it: an unwritten cell is an
// error (cairo-lang's UnknownMemoryError).
func (c *Context) Read(addr vm.Relocatable) (vm.Value, error) { return readCell(c.State.Mem, addr) }

// Write performs memory[addr] = v.
func (c *Context) Write(addr vm.Relocatable, v vm.Value) error { return c.State.Mem.Write(addr, v) }

// ScopeGet returns a variable of the innermost hint scope (the globals the
// hint's Python code sees). By convention integers are *big.Int and
// relocatable values vm.Relocatable.
func (c *Context) ScopeGet(name string) (any, bool) {
	v, ok := c.State.Scope()[name]
	return v, ok
}

// ScopeSet sets a variable of the innermost hint scope.
func (c *Context) ScopeSet(name string, v any) { c.State.Scope()[name] = v }

// ScopeDelete removes a variable from the innermost hint scope (del name).
func (c *Context) ScopeDelete(name string) { delete(c.State.Scope(), name) }

// ScopeInt returns an integer variable of the innermost hint scope; a
// missing one is Python's NameError.
func (c *Context) ScopeInt(name string) (*big.Int, error) {
	v, ok := c.ScopeGet(name)
	if !ok {
		return nil, fmt.Errorf("name '%s' is not defined", name)
	}
	n, ok := scopeInt(v)
	if !ok {
		return nil, fmt.Errorf("scope variable %s is %T, not an integer", name, v)
	}
	return n, nil
}

// EnterScope is vm_enter_scope(vars).
func (c *Context) EnterScope(vars map[string]any) { c.State.EnterScope(vars) }

// ExitScope is vm_exit_scope().
func (c *Context) ExitScope() error { return c.State.ExitScope() }
