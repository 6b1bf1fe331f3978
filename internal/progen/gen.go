package progen

import (
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/cairn-vm/cairn/assembler"
	"github.com/cairn-vm/cairn/vm"
)

// Program is a generated program and the run settings the generator chose
// for it.
type Program struct {
	// Source is the program's Cairo assembly text.
	Source string
	// Program is Source assembled and parsed.
	Program *vm.Program
	// JSON is the program in cairo-compile's JSON format.
	JSON []byte
	// Builtins are the program's %builtins, in order.
	Builtins []string
	// Layout names a layout that has every builtin of the program: plain or
	// small, recursive where the program uses bitwise.
	Layout string
	// ProofMode suggests a run in proof mode (every program supports it).
	ProofMode bool
	// MaxSteps is a step limit for the run: far above what the program
	// needs, or now and then below it so that the run stops at the limit.
	MaxSteps int
	// Steps estimates the steps main runs (loops and calls included).
	Steps int
}

// line is a line of the program text: a label, or an instruction (or dw)
// of size words whose text may depend on the final pcs of labels (fix).
type line struct {
	label string
	text  string
	fix   func(pc func(string) int) string
	size  int
}

// fnInfo describes a generated function.
type fnInfo struct {
	name        string
	index       int
	nargs, nret int
	rec         bool // the last argument is a recursion depth; nret == 1
	main        bool
	// advance is how far the function moves ap from its entry to its ret;
	// steps is how many steps it runs, ret included. For a recursive
	// function both are base + depth * per-level.
	advance, steps       int
	recAdvance, recSteps int
	lines                []line
}

func (fi *fnInfo) advanceFor(depth int) int { return fi.advance + depth*fi.recAdvance }

func (fi *fnInfo) stepsFor(depth int) int { return fi.steps + depth*fi.recSteps }

// fstate is a function while its body is generated.
type fstate struct {
	fn     *fnInfo
	scopes []*scope
	loops  int // loops open
	ifs    int // branches open
	budget int // steps left for the function (an estimate)
}

func (f *fstate) cur() *scope     { return f.scopes[len(f.scopes)-1] }
func (f *fstate) topS() *scope    { return f.scopes[0] }
func (f *fstate) setCur(s *scope) { f.scopes[len(f.scopes)-1] = s }

type gen struct {
	src      Source
	builtins []string
	funcs    []*fnInfo // funcs[0] is main
	fpc      *fnInfo   // get_fp_and_pc
	out      *[]line   // the function being emitted
	nlabels  int
	ninstr   int
	pcs      map[string]int // label pcs, once rendered
}

// Limits that keep programs small and their runs short.
const (
	maxInstr     = 600
	maxLoopDepth = 3
	maxIfDepth   = 2
	maxFuncs     = 5
	maxDepthArg  = 5
)

// Generate builds a program from src's decisions.
func Generate(src Source) (*Program, error) {
	g := &gen{src: src}
	p := &Program{}
	// Run settings first, so that a fuzzer's first bytes choose them.
	settings := g.intn(256)
	p.ProofMode = settings&3 == 0
	smallLimit := settings&0x1c == 0
	plainIfNone := settings&0x20 == 0
	for _, b := range []string{"output", "pedersen", "range_check", "bitwise"} {
		if g.intn(2) == 1 {
			g.builtins = append(g.builtins, b)
		}
	}
	p.Builtins = append([]string{}, g.builtins...)
	switch {
	case len(g.builtins) == 0 && plainIfNone:
		p.Layout = "plain"
	case slices.Contains(g.builtins, "bitwise"):
		p.Layout = "recursive"
	default:
		p.Layout = "small"
	}
	nf := 1 + g.intn(maxFuncs)
	for i := range nf {
		fi := &fnInfo{index: i, name: fmt.Sprintf("f%d", i)}
		if i == 0 {
			fi.name, fi.main = "main", true
			fi.nret = len(g.builtins)
		} else {
			fi.rec = g.intn(3) == 0
			if fi.rec {
				fi.nargs, fi.nret = 2, 1
			} else {
				fi.nargs, fi.nret = g.intn(4), g.intn(3)
			}
		}
		g.funcs = append(g.funcs, fi)
	}
	g.fpc = &fnInfo{name: "get_fp_and_pc", steps: 1}
	g.fpc.lines = []line{{label: g.fpc.name}, {text: "ret", size: 1}}
	// Callees first: a caller needs their ap advance and step count.
	for i := nf - 1; i >= 0; i-- {
		g.genFunc(g.funcs[i])
	}
	p.Steps = g.funcs[0].steps
	p.MaxSteps = 4*p.Steps + 1000
	if smallLimit {
		p.MaxSteps = 1 + g.intn(max(p.Steps, 1)+8)
	}
	p.Source = g.render()
	prog, err := assembler.Assemble("progen.casm", []byte(p.Source))
	if err != nil {
		return nil, fmt.Errorf("progen: the generated program does not assemble: %w\n%s", err, p.Source)
	}
	if err := g.checkLabels(prog.Labels); err != nil {
		return nil, fmt.Errorf("progen: %w\n%s", err, p.Source)
	}
	if p.JSON, err = prog.JSON(); err != nil {
		return nil, err
	}
	if p.Program, err = vm.ParseProgram(p.JSON); err != nil {
		return nil, fmt.Errorf("progen: the generated program does not load: %w", err)
	}
	return p, nil
}

func (g *gen) intn(n int) int { return g.src.Intn(n) }

func (g *gen) coin(pct int) bool { return g.intn(100) < pct }

// pick returns an index chosen with the given weights; with an exhausted
// byte source it is 0.
func (g *gen) pick(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	r := g.intn(total)
	for i, w := range weights {
		if r < w {
			return i
		}
		r -= w
	}
	return 0
}

func (g *gen) newLabel(prefix string) string {
	g.nlabels++
	return fmt.Sprintf("%s%d", prefix, g.nlabels)
}

// emitting

func (g *gen) label(name string) { *g.out = append(*g.out, line{label: name}) }

// ins emits a live instruction of size words: one step in the current
// scope.
func (g *gen) ins(f *fstate, size int, format string, args ...any) {
	g.raw(size, fmt.Sprintf(format, args...))
	f.cur().steps++
}

func (g *gen) raw(size int, text string) {
	*g.out = append(*g.out, line{text: text, size: size})
	g.ninstr++
}

// insFix emits a live instruction whose text depends on label pcs.
func (g *gen) insFix(f *fstate, size int, fix func(pc func(string) int) string) {
	*g.out = append(*g.out, line{fix: fix, size: size})
	g.ninstr++
	f.cur().steps++
}

// render lays the program out and returns its text.
func (g *gen) render() string {
	var all []line
	all = append(all, line{text: "%builtins " + strings.Join(g.builtins, " ")})
	all = append(all, line{label: "__start__"},
		line{text: fmt.Sprintf("ap += %d", len(g.builtins)), size: 2},
		line{text: "call main", size: 2},
		line{label: "__end__"},
		line{text: "jmp rel 0", size: 2})
	for _, fi := range g.funcs {
		all = append(all, fi.lines...)
	}
	all = append(all, g.fpc.lines...)
	pcs := map[string]int{}
	pc := 0
	for _, l := range all {
		if l.label != "" {
			pcs[l.label] = pc
		}
		pc += l.size
	}
	pcOf := func(name string) int {
		v, ok := pcs[name]
		if !ok {
			panic("progen: undefined label " + name)
		}
		return v
	}
	var b strings.Builder
	for _, l := range all {
		switch {
		case l.label != "":
			b.WriteString(l.label + ":\n")
		case l.fix != nil:
			b.WriteString("    " + l.fix(pcOf) + "\n")
		default:
			b.WriteString("    " + l.text + "\n")
		}
	}
	g.pcs = pcs
	return b.String()
}

// checkLabels compares the assembler's label pcs with the generator's, so
// that an instruction size the generator got wrong shows at once.
func (g *gen) checkLabels(labels map[string]int) error {
	for name, pc := range g.pcs {
		if labels[name] != pc {
			return fmt.Errorf("label %s: the generator laid it out at pc %d, the assembler at %d", name, pc, labels[name])
		}
	}
	return nil
}

// functions

func (g *gen) genFunc(fi *fnInfo) {
	g.out = &fi.lines
	f := &fstate{fn: fi}
	top := newScope(true)
	f.scopes = []*scope{top}
	g.label(fi.name)
	nb := len(g.builtins)
	if fi.main {
		for b := range nb {
			off := -(2 + nb - b)
			top.cells[off] = value{k: kBuiltin, b: b}
			top.bp[b] = &bptr{cell: off, written: map[int]value{}}
		}
		top.cells[-1] = value{k: kOpaque}
		top.cells[-2] = value{k: kOpaque}
		f.budget = 200 + g.intn(2500)
	} else {
		for i := range fi.nargs {
			top.cells[-3-i] = unknownFelt()
		}
		top.cells[-1] = value{k: kProg}
		top.cells[-2] = value{k: kExec}
		f.budget = 10 + g.intn(250)
	}
	if fi.rec {
		g.genRec(f)
		return
	}
	g.body(f, 40)
	g.settle(f)
	top = f.topS() // a branch replaces the scope
	if fi.main {
		for b := range nb {
			bp := top.bp[b]
			g.ins(f, 2, "[ap] = %s + %d, ap++", regText("fp", bp.cell), bp.used)
			top.ap++
		}
	} else {
		for range fi.nret {
			g.pushFelt(f)
		}
	}
	g.ins(f, 1, "ret")
	fi.advance, fi.steps = top.ap, top.steps
}

// genRec emits a recursive function of two arguments, acc at [fp - 4] and
// the depth n at [fp - 3]: it returns a value of acc at depth 0 and
// otherwise runs a body, calls itself with n - 1 and returns a value of
// what the call returned.
func (g *gen) genRec(f *fstate) {
	fi, top := f.fn, f.topS()
	step := fi.name + "_step"
	g.ins(f, 2, "jmp %s if [fp - 3] != 0", step)
	g.ins(f, 2, "[ap] = [fp - 4] + %s, ap++", immText(g.imm()))
	g.ins(f, 1, "ret")
	fi.advance, fi.steps = 1, top.steps
	top.steps = 0
	g.label(step)
	f.budget = min(f.budget, 60)
	g.body(f, 10)
	g.settle(f)
	top = f.topS()
	switch g.intn(3) {
	case 0:
		g.ins(f, 1, "[ap] = [fp - 4] + [fp - 3], ap++")
	case 1:
		g.ins(f, 1, "[ap] = [fp - 4] * [fp - 3], ap++")
	default:
		g.ins(f, 2, "[ap] = [fp - 4] + %s, ap++", immText(g.imm()))
	}
	g.ins(f, 2, "[ap] = [fp - 3] + (-1), ap++")
	g.ins(f, 2, "call %s", fi.name)
	if g.coin(50) {
		g.ins(f, 1, "[ap] = [ap - 1] * [fp - 3], ap++")
	} else {
		g.ins(f, 2, "[ap] = [ap - 1] + %s, ap++", immText(g.imm()))
	}
	g.ins(f, 1, "ret")
	// jnz (1) + body + two pushes, call, result, ret (5).
	fi.recAdvance = top.ap + 5
	fi.recSteps = 1 + top.steps
}

// body emits statements until the source says stop (1/stopDen each), the
// budget runs out or the program is large enough.
func (g *gen) body(f *fstate, stopDen int) {
	for g.ninstr < maxInstr && f.cur().steps < f.budget {
		if g.src.Done() || g.intn(stopDen) == 0 {
			return
		}
		g.stmt(f)
	}
}

// settle moves ap past every cell written, as a call, a loop iteration's
// end, a branch's end and a ret need.
func (g *gen) settle(f *fstate) {
	s := f.cur()
	if s.hw > s.ap {
		g.ins(f, 2, "ap += %d", s.hw-s.ap)
		s.ap = s.hw
	}
}

// cells an instruction can read

// readable lists the cells of the current scope and, inside a loop, those
// of the function's top level (through fp).
func (g *gen) readable(f *fstate) []ref {
	var out []ref
	cur, top := f.cur(), f.topS()
	for _, o := range cur.offsets() {
		if rel := o - cur.ap; inRange(rel) {
			t := regText("ap", rel)
			if cur.top && inRange(o) && g.intn(3) == 0 {
				t = regText("fp", o)
			}
			out = append(out, ref{text: t, v: cur.cells[o], s: cur, off: o})
		} else if cur.top && inRange(o) {
			out = append(out, ref{text: regText("fp", o), v: cur.cells[o], s: cur, off: o})
		}
	}
	if cur != top {
		for _, o := range top.offsets() {
			if inRange(o) {
				out = append(out, ref{text: regText("fp", o), v: top.cells[o], s: top, off: o})
			}
		}
	}
	return out
}

func (g *gen) choose(rs []ref, ok func(value) bool) (ref, bool) {
	var c []ref
	for _, r := range rs {
		if ok(r.v) {
			c = append(c, r)
		}
	}
	if len(c) == 0 {
		return ref{}, false
	}
	return c[g.intn(len(c))], true
}

func isFelt(v value) bool      { return v.k == kFelt }
func isKnownFelt(v value) bool { return v.k == kFelt && v.v != nil }
func anyValue(value) bool      { return true }

// fresh chooses a free cell to write: usually [ap] (then ap++), sometimes
// a cell a little above, through ap or (at the top level) fp.
func (g *gen) fresh(f *fstate) (off int, text string, incAP bool) {
	s := f.cur()
	off = max(s.hw, s.ap)
	if g.coin(25) {
		off += g.intn(3)
	}
	if off == s.ap {
		incAP = g.coin(85)
	} else {
		incAP = g.coin(20)
	}
	text = regText("ap", off-s.ap)
	if s.top && g.coin(20) {
		text = regText("fp", off)
	}
	return off, text, incAP
}

func apSuffix(inc bool) string {
	if inc {
		return ", ap++"
	}
	return ""
}

// written records a write to a fresh cell and the ap++ of its instruction.
func (g *gen) written(f *fstate, off int, v value, incAP bool) {
	s := f.cur()
	s.write(off, v)
	if incAP {
		s.ap++
	}
}

// immediates

var (
	two128 = new(big.Int).Lsh(big.NewInt(1), 128)
	two251 = new(big.Int).Lsh(big.NewInt(1), 251)
)

// imm returns an immediate in [0, P): small ones most often, both signs,
// and values around the powers of two the field code cares about.
func (g *gen) imm() *big.Int {
	small := func(lo, hi int) *big.Int { return big.NewInt(int64(lo + g.intn(hi-lo+1))) }
	var x *big.Int
	switch g.pick(8, 3, 2, 2, 2, 2, 1, 1) {
	case 0:
		x = small(-8, 16)
	case 1:
		x = small(0, 1<<16)
	case 2:
		k := []uint{31, 32, 63, 64, 65, 127}[g.intn(6)]
		x = new(big.Int).Lsh(big.NewInt(1), k)
		x.Add(x, small(-2, 2))
	case 3:
		x = new(big.Int).Add(two128, small(-2, 2))
	case 4:
		x = small(-1<<16, -1)
	case 5:
		buf := make([]byte, 32)
		for i := range buf {
			buf[i] = byte(g.intn(256))
		}
		x = new(big.Int).SetBytes(buf)
	case 6:
		x = new(big.Int).Add(two251, small(-2, 2))
	default:
		x = new(big.Int).Lsh(big.NewInt(1), uint(g.intn(251)))
		x.Neg(x)
	}
	return mod(x)
}

// smallImm returns a value below 2^128 (range-check friendly).
func (g *gen) smallImm() *big.Int {
	switch g.intn(4) {
	case 0:
		return new(big.Int).Sub(two128, big.NewInt(int64(1+g.intn(3))))
	case 1:
		return new(big.Int).Lsh(big.NewInt(1), uint(g.intn(128)))
	}
	return big.NewInt(int64(g.intn(1000)))
}

// pushFelt pushes a felt at [ap] (ap++): a readable felt, an immediate or
// a sum.
func (g *gen) pushFelt(f *fstate) {
	s := f.cur()
	rs := g.readable(f)
	if r, ok := g.choose(rs, isFelt); ok && g.coin(70) {
		if g.coin(50) {
			g.ins(f, 1, "[ap] = %s, ap++", r.text)
			g.written(f, s.ap, r.v, true)
			return
		}
		k := g.imm()
		g.ins(f, 2, "[ap] = %s + %s, ap++", r.text, immText(k))
		g.written(f, s.ap, addFelt(r.v, felt(k)), true)
		return
	}
	k := g.imm()
	g.ins(f, 2, "[ap] = %s, ap++", immText(k))
	g.written(f, s.ap, felt(k), true)
}

func addFelt(a, b value) value {
	if a.v == nil || b.v == nil {
		return unknownFelt()
	}
	return felt(mod(new(big.Int).Add(a.v, b.v)))
}

func subFelt(a, b value) value {
	if a.v == nil || b.v == nil {
		return unknownFelt()
	}
	return felt(mod(new(big.Int).Sub(a.v, b.v)))
}

func mulFelt(a, b value) value {
	if a.v == nil || b.v == nil {
		return unknownFelt()
	}
	return felt(mod(new(big.Int).Mul(a.v, b.v)))
}

// addPtr is pointer p moved by k cells, or false where the generator
// cannot tell that the result is a valid pointer.
func addPtr(p value, k int) (value, bool) {
	if k < -1000 || k > 1000 {
		return value{}, false
	}
	switch p.k {
	case kExec, kProg:
		if !p.tgt {
			return value{k: kOpaque}, k >= 0
		}
		if p.off+k < -2 {
			return value{}, false
		}
		p.off += k
		return p, true
	case kBuiltin, kOpaque:
		return value{k: kOpaque}, k >= 0
	}
	return value{}, false
}

// add models dst = a + b, or false where it could fail.
func add(a, b value) (value, bool) {
	switch {
	case a.k == kFelt && b.k == kFelt:
		return addFelt(a, b), true
	case a.isPtr() && b.k == kFelt:
		if k, ok := b.smallInt(); ok {
			return addPtr(a, k)
		}
	case a.k == kFelt && b.isPtr():
		return add(b, a)
	}
	return value{}, false
}

// sub models a - b (a deduced operand), or false where it could fail.
func sub(a, b value) (value, bool) {
	switch {
	case a.k == kFelt && b.k == kFelt:
		return subFelt(a, b), true
	case a.isPtr() && b.k == kFelt:
		if k, ok := b.smallInt(); ok {
			return addPtr(a, -k)
		}
	case a.k == kExec && b.k == kExec, a.k == kProg && b.k == kProg:
		if a.tgt && b.tgt && (a.k == kExec || a.lbl == b.lbl) {
			return felt(mod(big.NewInt(int64(a.off - b.off)))), true
		}
		return unknownFelt(), true
	case a.k == kBuiltin && b.k == kBuiltin && a.b == b.b:
		return unknownFelt(), true
	}
	return value{}, false
}
