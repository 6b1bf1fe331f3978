package progen

import (
	"fmt"
	"math/big"
)

// stmt emits one statement.
func (g *gen) stmt(f *fstate) {
	switch g.pick(160, 80, 224, 128, 144, 96, 160, 80, 64, 96, 48, 64, 1) {
	case 0:
		g.stImm(f)
	case 1:
		g.stCopy(f)
	case 2:
		g.stArith(f)
	case 3:
		g.stDeduce(f)
	case 4:
		g.stPointer(f)
	case 5:
		g.stAssert(f)
	case 6:
		g.stBuiltin(f)
	case 7:
		g.stLoop(f)
	case 8:
		g.stBranch(f)
	case 9:
		g.stCall(f)
	case 10:
		g.stJump(f)
	case 11:
		g.stAPAdd(f)
	default:
		g.stChaos(f)
	}
}

// stImm: [x] = imm.
func (g *gen) stImm(f *fstate) {
	k := g.imm()
	off, dst, inc := g.fresh(f)
	g.ins(f, 2, "%s = %s%s", dst, immText(k), apSuffix(inc))
	g.written(f, off, felt(k), inc)
}

// stCopy: [x] = [y].
func (g *gen) stCopy(f *fstate) {
	r, ok := g.choose(g.readable(f), anyValue)
	if !ok {
		g.stImm(f)
		return
	}
	off, dst, inc := g.fresh(f)
	g.ins(f, 1, "%s = %s%s", dst, r.text, apSuffix(inc))
	g.written(f, off, r.v, inc)
}

// stArith: [x] = [a] + [b], [a] * [b], [a] + imm, [a] * imm.
func (g *gen) stArith(f *fstate) {
	rs := g.readable(f)
	a, ok := g.choose(rs, anyValue)
	if !ok {
		g.stImm(f)
		return
	}
	mul := g.coin(35)
	var b value
	var op1 string
	size := 1
	if g.coin(45) {
		k := g.imm()
		if a.v.isPtr() && !mul {
			k = big.NewInt(int64(g.intn(8)))
		}
		b, op1, size = felt(k), immText(k), 2
	} else {
		r, ok := g.choose(rs, anyValue)
		if !ok {
			return
		}
		b, op1 = r.v, r.text
	}
	var res value
	if mul {
		if a.v.k != kFelt || b.k != kFelt {
			return
		}
		res = mulFelt(a.v, b)
	} else if res, ok = add(a.v, b); !ok {
		return
	}
	off, dst, inc := g.fresh(f)
	op := "+"
	if mul {
		op = "*"
	}
	g.ins(f, size, "%s = %s %s %s%s", dst, a.text, op, op1, apSuffix(inc))
	g.written(f, off, res, inc)
}

// stDeduce writes a free cell as the unknown operand of an addition or a
// multiplication whose result is a known cell: [d] = [x] + [b],
// [d] = [a] + [x], [d] = [x] + imm, [d] = [x] * [b], or the "x = d - b"
// spelling.
func (g *gen) stDeduce(f *fstate) {
	rs := g.readable(f)
	d, ok := g.choose(rs, anyValue)
	if !ok {
		g.stImm(f)
		return
	}
	off, x, _ := g.fresh(f)
	inc := g.coin(60) && off == f.cur().ap
	mul := g.coin(20)
	if mul {
		b, ok := g.choose(rs, func(v value) bool { return isKnownFelt(v) && v.v.Sign() != 0 || v.k == kFelt && g.coin(10) })
		if !ok || d.v.k != kFelt {
			return
		}
		res := unknownFelt()
		if d.v.v != nil && b.v.v != nil {
			if inv := new(big.Int).ModInverse(b.v.v, prime); inv != nil {
				res = felt(mod(inv.Mul(inv, d.v.v)))
			}
		}
		if g.coin(50) {
			g.ins(f, 1, "%s = %s * %s%s", d.text, x, b.text, apSuffix(inc))
		} else {
			g.ins(f, 1, "%s = %s * %s%s", d.text, b.text, x, apSuffix(inc))
		}
		g.written(f, off, res, inc)
		return
	}
	if g.coin(30) {
		k := g.imm()
		if d.v.isPtr() {
			k = big.NewInt(int64(g.intn(4)))
		}
		res, ok := sub(d.v, felt(k))
		if !ok {
			return
		}
		g.ins(f, 2, "%s = %s + %s%s", d.text, x, immText(k), apSuffix(inc))
		g.written(f, off, res, inc)
		return
	}
	b, ok := g.choose(rs, anyValue)
	if !ok {
		return
	}
	res, ok := sub(d.v, b.v)
	if !ok {
		return
	}
	switch g.intn(3) {
	case 0:
		g.ins(f, 1, "%s = %s + %s%s", d.text, x, b.text, apSuffix(inc))
	case 1:
		g.ins(f, 1, "%s = %s + %s%s", d.text, b.text, x, apSuffix(inc))
	default:
		g.ins(f, 1, "%s = %s - %s%s", x, d.text, b.text, apSuffix(inc))
	}
	g.written(f, off, res, inc)
}

// stPointer: get_fp_and_pc, double-dereference reads and writes through
// frame and program pointers, pointer + immediate.
func (g *gen) stPointer(f *fstate) {
	rs := g.readable(f)
	switch g.pick(3, 5, 3, 2) {
	case 0:
		g.callFn(f, g.fpc, 0, "")
	case 1:
		// [x] = [[p] + k], reading a known cell.
		p, ok := g.choose(rs, func(v value) bool { return v.k == kExec || v.k == kProg })
		if !ok {
			g.callFn(f, g.fpc, 0, "")
			return
		}
		var k int
		var res value
		switch {
		case p.v.k == kExec && p.v.tgt:
			top := f.topS()
			offs := top.offsets()
			var c []int
			for _, o := range offs {
				if inRange(o - p.v.off) {
					c = append(c, o)
				}
			}
			if len(c) == 0 {
				return
			}
			o := c[g.intn(len(c))]
			k, res = o-p.v.off, top.cells[o]
		case p.v.k == kExec:
			k, res = -1-g.intn(2), value{k: kOpaque}
		case p.v.tgt:
			k, res = -g.intn(3)-p.v.off, unknownFelt()
			if p.v.off+k < -2 || !inRange(k) {
				return
			}
		default:
			k, res = -1-g.intn(2), unknownFelt()
		}
		off, dst, inc := g.fresh(f)
		g.ins(f, 1, "%s = [%s%s]%s", dst, p.text, offText(k), apSuffix(inc))
		g.written(f, off, res, inc)
	case 2:
		// [[p] + k] = [src]: a free cell of the top level (written) or a
		// known one (compared, with an equal value).
		p, ok := g.choose(rs, func(v value) bool { return v.k == kExec && v.tgt })
		if !ok {
			return
		}
		top := f.topS()
		if f.cur() == top && g.coin(50) {
			o := max(top.hw, top.ap) + g.intn(3)
			src, ok := g.choose(rs, anyValue)
			if !ok || !inRange(o-p.v.off) {
				return
			}
			g.ins(f, 1, "[%s%s] = %s", p.text, offText(o-p.v.off), src.text)
			top.write(o, src.v)
			return
		}
		var c []ref
		for _, r := range rs {
			if r.s == top && inRange(r.off-p.v.off) {
				c = append(c, r)
			}
		}
		if len(c) == 0 {
			return
		}
		r := c[g.intn(len(c))]
		q := r // the same cell, or one of the same value
		for _, x := range rs {
			if x.off != r.off && same(x.v, r.v) && g.coin(50) {
				q = x
				break
			}
		}
		g.ins(f, 1, "%s = [%s%s]", q.text, p.text, offText(r.off-p.v.off))
	default:
		// [x] = [p] + k for a pointer p.
		p, ok := g.choose(rs, func(v value) bool { return v.isPtr() })
		if !ok {
			return
		}
		k := g.intn(6) - 2
		res, ok := addPtr(p.v, k)
		if !ok {
			return
		}
		off, dst, inc := g.fresh(f)
		g.ins(f, 2, "%s = %s + %s%s", dst, p.text, immText(mod(big.NewInt(int64(k)))), apSuffix(inc))
		g.written(f, off, res, inc)
	}
}

// stAssert compares cells that already hold values: mostly assertions
// that hold, now and then one that may not.
func (g *gen) stAssert(f *fstate) {
	rs := g.readable(f)
	a, ok := g.choose(rs, anyValue)
	if !ok {
		return
	}
	inc := g.coin(10)
	emitted := false
	emit := func(size int, format string, args ...any) {
		g.ins(f, size, format+apSuffix(inc), args...)
		emitted = true
	}
	switch g.pick(4, 4, 3) {
	case 0:
		if isKnownFelt(a.v) {
			emit(2, "%s = %s", a.text, immText(a.v.v))
			break
		}
		emit(1, "%s = %s", a.text, a.text)
	case 1:
		for _, b := range rs {
			if b.s != a.s && same(a.v, b.v) || b.s == a.s && b.off == a.off {
				emit(1, "%s = %s", a.text, b.text)
				break
			}
		}
	case 2:
		// [a] = [b] + [c] where the values agree.
		b, ok1 := g.choose(rs, isKnownFelt)
		if !ok1 || !isKnownFelt(a.v) {
			return
		}
		need := subFelt(a.v, b.v)
		for _, c := range rs {
			if same(c.v, need) {
				emit(1, "%s = %s + %s", a.text, b.text, c.text)
				break
			}
		}
	}
	if inc && emitted {
		f.cur().ap++
	}
}

// stBuiltin uses a builtin the scope has a pointer for.
func (g *gen) stBuiltin(f *fstate) {
	s := f.cur()
	var bs []int
	for b := range g.builtins {
		if s.bp[b] != nil {
			bs = append(bs, b)
		}
	}
	if len(bs) == 0 {
		g.stArith(f)
		return
	}
	b := bs[g.intn(len(bs))]
	bp := s.bp[b]
	useFP := s.top && g.coin(50)
	// cell names builtin cell k, relative to the current ap.
	cell := func(k int) string {
		ptr := regText("ap", bp.cell-s.ap)
		if useFP {
			ptr = regText("fp", bp.cell)
		}
		return fmt.Sprintf("[%s%s]", ptr, offText(k))
	}
	// store writes a felt into builtin cell k: below 2^128 when small.
	store := func(k int, small bool) {
		ok := isFelt
		if small {
			ok = func(v value) bool { return isKnownFelt(v) && v.v.Cmp(two128) < 0 }
		}
		src, found := g.choose(g.readable(f), ok)
		if !found || g.coin(15) {
			v := g.smallImm()
			if !small && g.coin(50) {
				v = g.imm()
			}
			g.settle(f)
			g.ins(f, 2, "[ap] = %s, ap++", immText(v))
			s.write(s.ap, felt(v))
			s.ap++
			src = ref{text: "[ap - 1]", v: felt(v)}
		}
		g.ins(f, 1, "%s = %s", src.text, cell(k))
		bp.written[k] = src.v
	}
	// load reads builtin cell k into a free cell.
	load := func(k int, v value) {
		off, dst, inc := g.fresh(f)
		g.ins(f, 1, "%s = %s%s", dst, cell(k), apSuffix(inc))
		g.written(f, off, v, inc)
		bp.written[k] = v
	}
	u := bp.used
	switch name := g.builtins[b]; {
	case len(bp.written) > 0 && g.coin(20):
		// Read back a cell written before.
		for k := range bp.used {
			if v, ok := bp.written[k]; ok {
				load(k, v)
				return
			}
		}
	case name == "output":
		bp.used++
		if r, ok := g.choose(g.readable(f), anyValue); ok && g.coin(80) {
			g.ins(f, 1, "%s = %s", r.text, cell(u))
			bp.written[u] = r.v
			return
		}
		store(u, false)
	case name == "range_check":
		bp.used++
		store(u, !g.coin(8))
	case name == "pedersen":
		bp.used += 3
		store(u, false)
		store(u+1, false)
		if g.coin(75) {
			load(u+2, unknownFelt())
		}
	case name == "bitwise":
		bp.used += 5
		store(u, true)
		store(u+1, true)
		for k := 2; k < 5; k++ {
			if g.coin(60) {
				load(u+k, unknownFelt())
			}
		}
	}
}

// stLoop emits a counted loop: the counter (and maybe a builtin pointer)
// is carried in the last cells of each iteration; the body sees them at
// [ap - 1] (and [ap - 2]) relative to the iteration's start.
func (g *gen) stLoop(f *fstate) {
	parent := f.cur()
	n := 1 + g.intn(6)
	left := f.budget - parent.steps
	if f.loops >= maxLoopDepth || f.ifs > 0 || left < 8*n {
		g.stArith(f)
		return
	}
	g.settle(f)
	carry := -1
	if len(parent.bp) > 0 && g.coin(50) {
		for b := range g.builtins {
			if parent.bp[b] != nil && (carry < 0 || g.coin(50)) {
				carry = b
			}
		}
	}
	if carry >= 0 {
		bp := parent.bp[carry]
		text := regText("ap", bp.cell-parent.ap)
		if parent.top {
			text = regText("fp", bp.cell)
		}
		g.ins(f, 2, "[ap] = %s + %d, ap++", text, bp.used)
		parent.write(parent.ap, value{k: kBuiltin, b: carry})
		parent.ap++
	}
	// The counter goes from n * dec down by dec to 0.
	dec := big.NewInt(1)
	switch g.intn(4) {
	case 0:
		dec = g.imm()
		if dec.Sign() == 0 {
			dec.SetInt64(1)
		}
	case 1:
		dec.SetInt64(-1)
		mod(dec)
	}
	init := mod(new(big.Int).Mul(dec, big.NewInt(int64(n))))
	g.ins(f, 2, "[ap] = %s, ap++", immText(init))
	parent.write(parent.ap, felt(init))
	parent.ap++
	ap0 := parent.ap
	loop := g.newLabel("loop")
	g.label(loop)
	ls := newScope(false)
	ls.cells[-1] = unknownFelt()
	if carry >= 0 {
		ls.cells[-2] = value{k: kBuiltin, b: carry}
		ls.bp[carry] = &bptr{cell: -2, written: map[int]value{}}
	}
	f.scopes = append(f.scopes, ls)
	f.loops++
	saved := f.budget
	f.budget = left / n
	g.body(f, 10)
	f.budget = saved
	g.settle(f)
	ls = f.cur() // a branch in the body replaces the scope
	if carry >= 0 {
		g.ins(f, 2, "[ap] = [ap - %d] + %d, ap++", 2+ls.ap, ls.bp[carry].used)
		ls.ap++
	}
	g.ins(f, 2, "[ap] = [ap - %d] + %s, ap++", 1+ls.ap, immText(mod(new(big.Int).Neg(dec))))
	ls.ap++
	g.ins(f, 2, "jmp %s if [ap - 1] != 0", loop)
	f.loops--
	f.scopes = f.scopes[:len(f.scopes)-1]
	d := ls.ap
	end := ap0 + n*d
	parent.ap, parent.hw = end, end
	parent.steps += n * ls.steps
	parent.write(end-1, felt(new(big.Int)))
	if carry >= 0 {
		parent.write(end-2, value{k: kBuiltin, b: carry})
		parent.bp[carry].used += n * ls.bp[carry].used
	}
}

// stBranch emits if/else on a cell: jnz to the then branch (by a label or
// a computed offset), both branches padded to the same ap; the cells both
// wrote alike stay known.
func (g *gen) stBranch(f *fstate) {
	if f.ifs >= maxIfDepth {
		g.stCopy(f)
		return
	}
	g.settle(f)
	parent := f.cur()
	then, end, jnz := g.newLabel("then"), g.newLabel("endif"), g.newLabel("jnz")
	computed := g.coin(30)
	dAt := parent.ap
	if computed {
		g.insFix(f, 2, func(pc func(string) int) string {
			return fmt.Sprintf("[ap] = %d, ap++", pc(then)-pc(jnz))
		})
		parent.write(parent.ap, unknownFelt())
		parent.ap++
	}
	cond, ok := g.choose(g.readable(f), func(v value) bool { return v.k == kFelt || g.coin(5) })
	if !ok {
		g.ins(f, 2, "[ap] = %d, ap++", g.intn(2))
		parent.write(parent.ap, unknownFelt())
		parent.ap++
		cond = ref{text: "[ap - 1]"}
	}
	g.label(jnz)
	if computed {
		target := regText("ap", dAt-parent.ap)
		if g.coin(15) {
			// The condition is the offset itself (never 0).
			g.ins(f, 1, "jmp rel %s if %s != 0", target, target)
		} else {
			g.ins(f, 1, "jmp rel %s if %s != 0", target, cond.text)
		}
	} else {
		g.ins(f, 2, "jmp %s if %s != 0", then, cond.text)
	}
	f.ifs++
	branch := func() *scope {
		s := parent.clone()
		s.steps = 0
		f.setCur(s)
		saved := f.budget
		f.budget = min(saved-parent.steps, 30)
		g.body(f, 6)
		f.budget = saved
		g.settle(f)
		return f.cur() // s, or what a nested branch left
	}
	var padE, padT int
	e := branch()
	g.insFix(f, 2, func(func(string) int) string { return fmt.Sprintf("ap += %d", padE) })
	g.ins(f, 2, "jmp %s", end)
	g.junk()
	g.label(then)
	t := branch()
	g.insFix(f, 2, func(func(string) int) string { return fmt.Sprintf("ap += %d", padT) })
	g.label(end)
	f.ifs--
	a := max(e.ap, t.ap)
	padE, padT = a-e.ap, a-t.ap
	m := parent.clone()
	m.bp = parent.bp
	m.cells = map[int]value{}
	for o, v := range e.cells {
		if w, ok := t.cells[o]; ok && (same(v, w) || v.k == w.k && v.k == kFelt) {
			if !same(v, w) {
				v = unknownFelt()
			}
			m.cells[o] = v
		}
	}
	m.ap, m.hw = a, a
	m.steps = parent.steps + 2 + max(e.steps, t.steps)
	f.setCur(m)
}

// stCall calls a later function (directly, by call rel [x] or by
// call abs [x]) with its arguments.
func (g *gen) stCall(f *fstate) {
	var c []*fnInfo
	left := f.budget - f.cur().steps
	for _, fi := range g.funcs[f.fn.index+1:] {
		if fi.stepsFor(1) < left {
			c = append(c, fi)
		}
	}
	if len(c) == 0 {
		g.stPointer(f)
		return
	}
	fi := c[g.intn(len(c))]
	depth := 0
	if fi.rec {
		for depth = g.intn(maxDepthArg + 1); depth > 0 && fi.stepsFor(depth) >= left; depth-- {
		}
	}
	how := ""
	switch g.intn(6) {
	case 0:
		how = "rel"
	case 1:
		how = "abs"
	}
	g.callFn(f, fi, depth, how)
}

// callFn emits a call of fi: how is "" (call label), "rel" (call rel [x]
// with x the offset) or "abs" (call abs [x] with x a program pointer).
func (g *gen) callFn(f *fstate, fi *fnInfo, depth int, how string) {
	g.settle(f)
	s := f.cur()
	callLbl := g.newLabel("call")
	targetAt := -1
	switch how {
	case "rel":
		g.insFix(f, 2, func(pc func(string) int) string {
			return fmt.Sprintf("[ap] = %d, ap++", pc(fi.name)-pc(callLbl))
		})
		targetAt = s.ap
		s.write(s.ap, unknownFelt())
		s.ap++
	case "abs":
		p, ok := g.choose(g.readable(f), func(v value) bool { return v.k == kProg && v.tgt })
		if !ok {
			break
		}
		g.insFix(f, 2, func(pc func(string) int) string {
			return fmt.Sprintf("[ap] = %s + %d, ap++", p.text, pc(fi.name)-pc(p.v.lbl)-p.v.off)
		})
		targetAt = s.ap
		s.write(s.ap, value{k: kProg, tgt: true, lbl: fi.name})
		s.ap++
	}
	args := fi.nargs
	if fi.rec {
		args = 1
	}
	for range args {
		g.pushFelt(f)
	}
	if fi.rec {
		g.ins(f, 2, "[ap] = %d, ap++", depth)
		s.write(s.ap, felt(big.NewInt(int64(depth))))
		s.ap++
	}
	g.label(callLbl)
	switch {
	case targetAt >= 0 && how == "rel":
		g.ins(f, 1, "call rel %s", regText("ap", targetAt-s.ap))
	case targetAt >= 0:
		g.ins(f, 1, "call abs %s", regText("ap", targetAt-s.ap))
	default:
		g.ins(f, 2, "call %s", fi.name)
	}
	ret := g.newLabel("ret")
	g.label(ret)
	s.write(s.ap, value{k: kExec, tgt: true, off: 0})
	s.write(s.ap+1, value{k: kProg, tgt: true, lbl: ret})
	start := s.ap + 2
	s.ap = start + fi.advanceFor(depth)
	s.hw = s.ap
	for i := range fi.nret {
		s.write(s.ap-fi.nret+i, unknownFelt())
	}
	s.steps += fi.stepsFor(depth)
}

// stJump jumps forward over dead code by a computed offset: jmp rel [x]
// (x an immediate or a sum of two) or jmp abs [x] (x a program pointer
// plus an offset).
func (g *gen) stJump(f *fstate) {
	g.settle(f)
	s := f.cur()
	target, jmp := g.newLabel("skip"), g.newLabel("jmp")
	p, abs := g.choose(g.readable(f), func(v value) bool { return v.k == kProg && v.tgt })
	abs = abs && g.coin(50)
	switch {
	case abs:
		g.insFix(f, 2, func(pc func(string) int) string {
			return fmt.Sprintf("[ap] = %s + %d, ap++", p.text, pc(target)-pc(p.v.lbl)-p.v.off)
		})
	case g.coin(50):
		k := g.imm()
		g.ins(f, 2, "[ap] = %s, ap++", immText(k))
		g.insFix(f, 2, func(pc func(string) int) string {
			d := mod(new(big.Int).Sub(big.NewInt(int64(pc(target)-pc(jmp))), k))
			return fmt.Sprintf("[ap] = [ap - 1] + %s, ap++", immText(d))
		})
		s.write(s.ap, felt(k))
		s.ap++
	default:
		g.insFix(f, 2, func(pc func(string) int) string {
			return fmt.Sprintf("[ap] = %d, ap++", pc(target)-pc(jmp))
		})
	}
	if abs {
		s.write(s.ap, value{k: kProg, tgt: true, lbl: target})
	} else {
		s.write(s.ap, unknownFelt())
	}
	s.ap++
	inc := g.coin(20)
	g.label(jmp)
	if abs {
		g.ins(f, 1, "jmp abs [ap - 1]%s", apSuffix(inc))
	} else {
		g.ins(f, 1, "jmp rel [ap - 1]%s", apSuffix(inc))
	}
	if inc {
		s.ap++
	}
	g.junk()
	g.label(target)
}

// junk emits code that never runs: random words and instructions, one of
// them sometimes labelled (so that the JIT compiles it).
func (g *gen) junk() {
	for range g.intn(4) {
		if g.coin(30) {
			g.label(g.newLabel("dead"))
		}
		switch g.intn(5) {
		case 0:
			g.raw(1, fmt.Sprintf("dw %s", immText(g.imm())))
		case 1:
			w, imm := g.randomWord()
			g.raw(1, "dw "+w)
			if imm {
				g.raw(1, "dw 7")
			}
		case 2:
			g.raw(2, "[ap] = [ap - 1] + 3, ap++")
		case 3:
			g.raw(1, "ret")
		default:
			g.raw(2, "jmp rel -2")
		}
	}
}

// stAPAdd: ap += imm (forward, or back over written cells) and
// ap += [x] with a known small x.
func (g *gen) stAPAdd(f *fstate) {
	s := f.cur()
	switch g.intn(4) {
	case 0:
		k := -1 - g.intn(3)
		if s.ap+k < 0 {
			k = 1
		}
		g.ins(f, 2, "ap += %d", k)
		s.ap += k
	case 1:
		r, ok := g.choose(g.readable(f), func(v value) bool {
			k, ok := v.smallInt()
			return ok && k >= 0 && k < 8
		})
		if !ok {
			k := g.intn(5)
			off := max(s.ap, s.hw)
			g.ins(f, 2, "%s = %d", regText("ap", off-s.ap), k)
			s.write(off, felt(big.NewInt(int64(k))))
			r = ref{text: regText("ap", off-s.ap), v: felt(big.NewInt(int64(k)))}
		}
		k, _ := r.v.smallInt()
		g.ins(f, 1, "ap += %s", r.text)
		s.ap += k
	default:
		k := g.intn(4)
		g.ins(f, 2, "ap += %d", k)
		s.ap += k
	}
}

// randomWord returns a random instruction word (flags and offsets random,
// so not always a valid instruction) and whether it takes an immediate.
func (g *gen) randomWord() (string, bool) {
	off := func() uint64 { return uint64(1<<15 + g.intn(9) - 4) }
	flags := uint64(g.intn(1 << 15))
	if g.coin(50) {
		// A valid shape: one choice per flag group.
		flags = uint64(g.intn(4)) | uint64([]int{0, 1, 2, 4}[g.intn(4)])<<2 |
			uint64([]int{0, 1, 2}[g.intn(3)])<<5 | uint64([]int{0, 1, 2, 4}[g.intn(4)])<<7 |
			uint64([]int{0, 1, 2}[g.intn(3)])<<10 | uint64([]int{0, 1, 2, 4}[g.intn(4)])<<12
	}
	w := off() | off()<<16 | off()<<32 | flags<<48
	return fmt.Sprintf("0x%x", w), flags&4 != 0
}

// stChaos emits, rarely, something that may well fail: a random
// instruction word, jmp rel 0 (the step limit), ret in the middle of a
// function, a multiplication by a pointer, a read of a free cell, an
// assertion that fails or a double dereference of a felt.
func (g *gen) stChaos(f *fstate) {
	rs := g.readable(f)
	s := f.cur()
	switch g.intn(8) {
	case 0:
		w, imm := g.randomWord()
		g.ins(f, 1, "dw %s", w)
		if imm {
			g.raw(1, fmt.Sprintf("dw %s", immText(g.imm())))
		}
	case 1:
		g.ins(f, 2, "jmp rel 0")
	case 2:
		g.ins(f, 1, "ret")
	case 3:
		if p, ok := g.choose(rs, func(v value) bool { return v.isPtr() }); ok {
			g.ins(f, 2, "[ap] = %s * 2, ap++", p.text)
			s.ap++
		}
	case 4:
		g.ins(f, 2, "[ap] = [ap + 3] + 1, ap++")
		s.ap++
	case 5:
		if x, ok := g.choose(rs, isFelt); ok {
			g.ins(f, 1, "[ap] = [%s + 1], ap++", x.text)
			s.ap++
		}
	default:
		// An assertion that may fail: a random other cell, or a value off
		// by one.
		a, ok := g.choose(rs, anyValue)
		if !ok {
			break
		}
		if b, ok := g.choose(rs, anyValue); ok && g.coin(50) {
			g.ins(f, 1, "%s = %s", a.text, b.text)
		} else if isKnownFelt(a.v) {
			g.ins(f, 2, "%s = %s", a.text, immText(mod(new(big.Int).Add(a.v.v, big.NewInt(1)))))
		}
	}
	s.hw = max(s.hw, s.ap)
}
