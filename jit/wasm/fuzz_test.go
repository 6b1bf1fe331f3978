package wasm_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/cairn-vm/cairn/jit/wasm"
)

// The fuzz target drives a type-directed generator with the fuzzer's
// bytes. The generator keeps its own model of the operand stack (it is
// independent of the package's validator) and emits only instructions
// whose operands it has, so the bodies are well formed; wazero is the
// judge. Some inputs switch on "chaos" (random instructions regardless of
// types: then Encode must fail exactly when wazero rejects the unchecked
// encoding) or "unbalanced" bodies (which must be refused).

const unknownType wasm.ValType = 0 // an operand of a polymorphic stack

type gframe struct {
	kind            byte // 'f' function, 'b' block, 'l' loop, 'i' if, 'e' else
	params, results []wasm.ValType
	height          int
	unreachable     bool
	label           wasm.Label
}

type fuzzGen struct {
	data []byte
	pos  int

	m       *wasm.Module
	c       *wasm.Code
	funcs   []wasm.FuncType // by function index
	globals []wasm.GlobalType
	hasMem  bool

	locals  []wasm.ValType // parameters, then locals
	results []wasm.ValType
	stack   []wasm.ValType
	frames  []gframe
	steps   int

	chaosOK bool // the input allows chaos
	chaos   bool // a chaos instruction was emitted

	// leaveOpen > 0 stops generation, without an End, at the first
	// attempt to close a frame when at most leaveOpen frames are open.
	leaveOpen int
}

// choose returns a number in [0, n) from the input; 0 once it runs out,
// which steers the generator towards closing its blocks.
func (g *fuzzGen) choose(n int) int {
	if g.pos >= len(g.data) || n <= 1 {
		return 0
	}
	b := g.data[g.pos]
	g.pos++
	return int(b) % n
}

func (g *fuzzGen) u64() uint64 {
	switch g.choose(4) {
	case 0:
		var v uint64
		for i := 0; i < 8; i++ {
			v = v<<8 | uint64(g.choose(256))
		}
		return v
	case 1:
		return uint64(g.choose(256))
	case 2:
		return -uint64(g.choose(256))
	}
	return []uint64{0, 1, math.MaxUint64, 1 << 63, math.MaxInt64, math.MaxUint32, 1 << 31, 64, 63}[g.choose(9)]
}

var genTypes = []wasm.ValType{wasm.I64, wasm.I64, wasm.I32, wasm.I32, wasm.I64, wasm.I32, wasm.F32, wasm.F64}

func (g *fuzzGen) valType() wasm.ValType { return genTypes[g.choose(len(genTypes))] }

func (g *fuzzGen) types(max int) []wasm.ValType {
	ts := make([]wasm.ValType, g.choose(max+1))
	for i := range ts {
		ts[i] = g.valType()
	}
	return ts
}

func (g *fuzzGen) top() *gframe { return &g.frames[len(g.frames)-1] }

func (g *fuzzGen) push(ts ...wasm.ValType) { g.stack = append(g.stack, ts...) }

// pop removes n operands; below the frame's height (possible only on a
// polymorphic stack) there is nothing to remove.
func (g *fuzzGen) pop(n int) {
	f := g.top()
	for ; n > 0 && len(g.stack) > f.height; n-- {
		g.stack = g.stack[:len(g.stack)-1]
	}
}

func matches(have, want []wasm.ValType) bool {
	if len(have) != len(want) {
		return false
	}
	for i := range have {
		if have[i] != want[i] && have[i] != unknownType {
			return false
		}
	}
	return true
}

// operand pushes a fresh value of type t, consuming no operands.
func (g *fuzzGen) operand(t wasm.ValType) {
	c := g.c
	switch g.choose(5) {
	case 1:
		var idx []uint32
		for i, lt := range g.locals {
			if lt == t {
				idx = append(idx, uint32(i))
			}
		}
		if len(idx) > 0 {
			c.LocalGet(idx[g.choose(len(idx))])
			g.push(t)
			return
		}
	case 2:
		var idx []wasm.GlobalIdx
		for i, gt := range g.globals {
			if gt.Type == t {
				idx = append(idx, wasm.GlobalIdx(i))
			}
		}
		if len(idx) > 0 {
			c.GlobalGet(idx[g.choose(len(idx))])
			g.push(t)
			return
		}
	case 3:
		if g.hasMem && (t == wasm.I32 || t == wasm.I64) {
			c.I32Const(int32(g.choose(64)))
			g.push(wasm.I32)
			g.memOp(t, false)
			return
		}
	}
	switch t {
	case wasm.I32:
		c.I32Const(int32(g.u64()))
	case wasm.I64:
		c.I64Const(int64(g.u64()))
	case wasm.F32:
		c.F32Const(float32(g.choose(1000)) / 8)
	case wasm.F64:
		c.F64Const(float64(g.u64()))
	}
	g.push(t)
}

// need makes the top of the stack match ts, using what is there when it
// fits and pushing fresh operands for the rest.
func (g *fuzzGen) need(ts []wasm.ValType) {
	f := g.top()
	avail := g.stack[f.height:]
	if f.unreachable && len(avail) <= len(ts) && matches(avail, ts[len(ts)-len(avail):]) && g.choose(2) == 0 {
		return // the polymorphic stack supplies the missing operands
	}
	k := min(len(ts), len(avail))
	for ; k > 0; k-- {
		if matches(avail[len(avail)-k:], ts[:k]) {
			break
		}
	}
	for _, t := range ts[k:] {
		g.operand(t)
	}
}

// fix makes the operands of the current frame exactly ts (for End, Else).
func (g *fuzzGen) fix(ts []wasm.ValType) {
	f := g.top()
	for {
		avail := g.stack[f.height:]
		if len(avail) <= len(ts) && matches(avail, ts[:len(avail)]) {
			break
		}
		g.c.Drop()
		g.pop(1)
	}
	avail := g.stack[f.height:]
	if f.unreachable && len(avail) == 0 && g.choose(2) == 0 {
		return
	}
	for _, t := range ts[len(avail):] {
		g.operand(t)
	}
}

func (g *fuzzGen) setUnreachable() {
	f := g.top()
	g.stack = g.stack[:f.height]
	f.unreachable = true
}

func labelOf(f *gframe) []wasm.ValType {
	if f.kind == 'l' {
		return f.params
	}
	return f.results
}

type genOp struct {
	emit func(*wasm.Code)
	in   []wasm.ValType
	out  wasm.ValType
}

var genNumeric = func() []genOp {
	var ops []genOp
	add := func(in []wasm.ValType, out wasm.ValType, fs ...func(*wasm.Code)) {
		for _, f := range fs {
			ops = append(ops, genOp{f, in, out})
		}
	}
	i32, i64 := wasm.I32, wasm.I64
	add(vt(i32, i32), i32, (*wasm.Code).I32Add, (*wasm.Code).I32Sub, (*wasm.Code).I32Mul, (*wasm.Code).I32DivU,
		(*wasm.Code).I32DivS, (*wasm.Code).I32RemU, (*wasm.Code).I32RemS, (*wasm.Code).I32And, (*wasm.Code).I32Or,
		(*wasm.Code).I32Xor, (*wasm.Code).I32Shl, (*wasm.Code).I32ShrS, (*wasm.Code).I32ShrU, (*wasm.Code).I32Rotl,
		(*wasm.Code).I32Rotr, (*wasm.Code).I32Eq, (*wasm.Code).I32Ne, (*wasm.Code).I32LtU, (*wasm.Code).I32LtS,
		(*wasm.Code).I32GtU, (*wasm.Code).I32GtS, (*wasm.Code).I32LeU, (*wasm.Code).I32LeS, (*wasm.Code).I32GeU,
		(*wasm.Code).I32GeS)
	add(vt(i64, i64), i64, (*wasm.Code).I64Add, (*wasm.Code).I64Sub, (*wasm.Code).I64Mul, (*wasm.Code).I64DivU,
		(*wasm.Code).I64DivS, (*wasm.Code).I64RemU, (*wasm.Code).I64RemS, (*wasm.Code).I64And, (*wasm.Code).I64Or,
		(*wasm.Code).I64Xor, (*wasm.Code).I64Shl, (*wasm.Code).I64ShrS, (*wasm.Code).I64ShrU, (*wasm.Code).I64Rotl,
		(*wasm.Code).I64Rotr)
	add(vt(i64, i64), i32, (*wasm.Code).I64Eq, (*wasm.Code).I64Ne, (*wasm.Code).I64LtU, (*wasm.Code).I64LtS,
		(*wasm.Code).I64GtU, (*wasm.Code).I64GtS, (*wasm.Code).I64LeU, (*wasm.Code).I64LeS, (*wasm.Code).I64GeU,
		(*wasm.Code).I64GeS)
	add(vt(i32), i32, (*wasm.Code).I32Eqz, (*wasm.Code).I32Clz, (*wasm.Code).I32Ctz, (*wasm.Code).I32Popcnt,
		(*wasm.Code).I32Extend8S, (*wasm.Code).I32Extend16S)
	add(vt(i64), i64, (*wasm.Code).I64Clz, (*wasm.Code).I64Ctz, (*wasm.Code).I64Popcnt, (*wasm.Code).I64Extend8S,
		(*wasm.Code).I64Extend16S, (*wasm.Code).I64Extend32S)
	add(vt(i64), i32, (*wasm.Code).I64Eqz, (*wasm.Code).I32WrapI64)
	add(vt(i32), i64, (*wasm.Code).I64ExtendI32U, (*wasm.Code).I64ExtendI32S)
	return ops
}()

type genMem struct {
	emit  func(*wasm.Code, wasm.MemArg)
	typ   wasm.ValType
	width int
}

var genLoads = []genMem{
	{(*wasm.Code).I32Load, wasm.I32, 4}, {(*wasm.Code).I32Load8S, wasm.I32, 1}, {(*wasm.Code).I32Load8U, wasm.I32, 1},
	{(*wasm.Code).I32Load16S, wasm.I32, 2}, {(*wasm.Code).I32Load16U, wasm.I32, 2},
	{(*wasm.Code).I64Load, wasm.I64, 8}, {(*wasm.Code).I64Load8S, wasm.I64, 1}, {(*wasm.Code).I64Load8U, wasm.I64, 1},
	{(*wasm.Code).I64Load16S, wasm.I64, 2}, {(*wasm.Code).I64Load16U, wasm.I64, 2},
	{(*wasm.Code).I64Load32S, wasm.I64, 4}, {(*wasm.Code).I64Load32U, wasm.I64, 4},
}

var genStores = []genMem{
	{(*wasm.Code).I32Store, wasm.I32, 4}, {(*wasm.Code).I32Store8, wasm.I32, 1}, {(*wasm.Code).I32Store16, wasm.I32, 2},
	{(*wasm.Code).I64Store, wasm.I64, 8}, {(*wasm.Code).I64Store8, wasm.I64, 1}, {(*wasm.Code).I64Store16, wasm.I64, 2},
	{(*wasm.Code).I64Store32, wasm.I64, 4},
}

func (g *fuzzGen) memArg(width int) wasm.MemArg {
	return wasm.MemArg{Align: uint32(g.choose(naturalAlignInt(width) + 1)), Offset: uint32(g.choose(4)) * 1000}
}

func naturalAlignInt(width int) int { return int(naturalAlign(width)) }

// memOp emits a load or store of type t; the address (and for a store the
// value) must already be on the stack.
func (g *fuzzGen) memOp(t wasm.ValType, store bool) {
	list := genLoads
	if store {
		list = genStores
	}
	var cands []genMem
	for _, m := range list {
		if m.typ == t {
			cands = append(cands, m)
		}
	}
	m := cands[g.choose(len(cands))]
	m.emit(g.c, g.memArg(m.width))
	if store {
		g.pop(2)
	} else {
		g.pop(1)
		g.push(t)
	}
}

func (g *fuzzGen) blockType() (wasm.BlockType, []wasm.ValType, []wasm.ValType) {
	switch g.choose(3) {
	case 1:
		t := g.valType()
		return wasm.BlockValue(t), nil, vt(t)
	case 2:
		ft := wasm.FuncType{Params: g.types(2), Results: g.types(2)}
		idx, err := g.m.AddType(ft)
		if err != nil {
			panic(err)
		}
		return wasm.BlockFunc(idx), ft.Params, ft.Results
	}
	return wasm.BlockEmpty, nil, nil
}

// closeFrame ends the innermost frame (or turns an if into its else).
// It reports whether the function body is complete.
func (g *fuzzGen) closeFrame() bool {
	if len(g.frames) <= g.leaveOpen {
		return true
	}
	f := g.top()
	g.fix(f.results)
	if f.kind == 'i' && (!slices.Equal(f.params, f.results) || g.choose(2) == 1) {
		g.c.Else()
		g.stack = append(g.stack[:f.height], f.params...)
		f.kind, f.unreachable = 'e', false
		return false
	}
	g.c.End()
	g.frames = g.frames[:len(g.frames)-1]
	if len(g.frames) == 0 {
		return true
	}
	g.stack = append(g.stack[:f.height], f.results...)
	return false
}

// step emits one instruction (with the operands it needs); it reports
// whether the body is complete.
func (g *fuzzGen) step() bool {
	c := g.c
	g.steps++
	if g.steps > 400 || len(g.stack) > 200 {
		return g.closeFrame()
	}
	switch g.choose(24) {
	case 0:
		if len(g.frames) == 1 && g.pos < len(g.data) && g.choose(4) != 0 {
			return false // keep the top level going while input lasts
		}
		return g.closeFrame()
	case 1, 2, 3, 4, 5, 6:
		op := genNumeric[g.choose(len(genNumeric))]
		g.need(op.in)
		op.emit(c)
		g.pop(len(op.in))
		g.push(op.out)
	case 7:
		g.operand(g.valType())
	case 8:
		if len(g.locals) == 0 {
			return false
		}
		i := g.choose(len(g.locals))
		t := g.locals[i]
		g.need(vt(t))
		g.pop(1)
		if g.choose(2) == 0 {
			c.LocalSet(uint32(i))
		} else {
			c.LocalTee(uint32(i))
			g.push(t)
		}
	case 9:
		for i, gt := range g.globals {
			if gt.Mutable && g.choose(2) == 0 {
				g.need(vt(gt.Type))
				c.GlobalSet(wasm.GlobalIdx(i))
				g.pop(1)
				break
			}
		}
	case 10:
		if !g.hasMem {
			return false
		}
		switch g.choose(6) {
		case 0:
			t := []wasm.ValType{wasm.I32, wasm.I64}[g.choose(2)]
			g.need(vt(wasm.I32))
			g.memOp(t, false)
		case 1:
			t := []wasm.ValType{wasm.I32, wasm.I64}[g.choose(2)]
			g.need(vt(wasm.I32, t))
			g.memOp(t, true)
		case 2:
			c.MemorySize()
			g.push(wasm.I32)
		case 3:
			g.need(vt(wasm.I32))
			c.MemoryGrow()
			g.pop(1)
			g.push(wasm.I32)
		case 4:
			g.need(vt(wasm.I32, wasm.I32, wasm.I32))
			c.MemoryCopy()
			g.pop(3)
		case 5:
			g.need(vt(wasm.I32, wasm.I32, wasm.I32))
			c.MemoryFill()
			g.pop(3)
		}
	case 11, 12:
		if len(g.frames) > 12 {
			return false
		}
		bt, params, results := g.blockType()
		kind := []byte{'b', 'l', 'i'}[g.choose(3)]
		if kind == 'i' {
			g.need(append(slices.Clone(params), wasm.I32))
			g.pop(1 + len(params))
		} else {
			g.need(params)
			g.pop(len(params))
		}
		var l wasm.Label
		switch kind {
		case 'b':
			l = c.Block(bt)
		case 'l':
			l = c.Loop(bt)
		default:
			l = c.If(bt)
		}
		g.frames = append(g.frames, gframe{kind: kind, params: params, results: results, height: len(g.stack), label: l})
		g.push(params...)
	case 13, 14:
		d := g.choose(len(g.frames))
		f := &g.frames[len(g.frames)-1-d]
		lt := labelOf(f)
		byLabel := f.kind != 'f' && g.choose(2) == 0
		if g.choose(2) == 0 {
			g.need(lt)
			if byLabel {
				c.BrTo(f.label)
			} else {
				c.Br(uint32(d))
			}
			g.setUnreachable()
		} else {
			g.need(append(slices.Clone(lt), wasm.I32))
			if byLabel {
				c.BrIfTo(f.label)
			} else {
				c.BrIf(uint32(d))
			}
			g.pop(1 + len(lt))
			g.push(lt...)
		}
	case 15:
		d := g.choose(len(g.frames))
		lt := labelOf(&g.frames[len(g.frames)-1-d])
		var targets []uint32
		for i, n := 0, g.choose(5); i < n; i++ {
			e := g.choose(len(g.frames))
			if slices.Equal(labelOf(&g.frames[len(g.frames)-1-e]), lt) {
				targets = append(targets, uint32(e))
			}
		}
		g.need(append(slices.Clone(lt), wasm.I32))
		c.BrTable(targets, uint32(d))
		g.setUnreachable()
	case 16:
		if g.choose(2) == 0 {
			g.need(g.results)
			c.Return()
		} else {
			c.Unreachable()
		}
		g.setUnreachable()
	case 17:
		f := g.choose(len(g.funcs))
		ft := g.funcs[f]
		g.need(ft.Params)
		c.Call(wasm.FuncIdx(f))
		g.pop(len(ft.Params))
		g.push(ft.Results...)
	case 18:
		if len(g.stack) == g.top().height {
			g.operand(g.valType())
		}
		c.Drop()
		g.pop(1)
	case 19:
		t := g.valType()
		if n := len(g.stack); n > g.top().height && g.stack[n-1] != unknownType {
			t = g.stack[n-1]
		}
		g.need(vt(t, t, wasm.I32))
		c.Select()
		g.pop(3)
		g.push(t)
	case 20:
		c.Nop()
	case 21:
		if g.chaosOK {
			g.chaosStep()
		}
	}
	return false
}

// chaosStep emits an instruction without preparing its operands, or one
// with a bad index; the result may be ill-typed.
func (g *fuzzGen) chaosStep() {
	g.chaos = true
	c := g.c
	switch g.choose(6) {
	case 0, 1, 2:
		op := genNumeric[g.choose(len(genNumeric))]
		op.emit(c)
		g.pop(len(op.in))
		g.push(op.out)
	case 3:
		c.LocalGet(uint32(len(g.locals) + g.choose(2)))
		g.push(wasm.I32)
	case 4:
		c.I32Const(0)
		c.GlobalSet(wasm.GlobalIdx(g.choose(len(g.globals) + 1)))
	case 5:
		c.Call(wasm.FuncIdx(len(g.funcs) + g.choose(2)))
	}
}

// body generates one function body.
func (g *fuzzGen) body(ft wasm.FuncType, locals []wasm.ValType) *wasm.Code {
	g.c = &wasm.Code{}
	g.locals = append(slices.Clone(ft.Params), locals...)
	g.results = ft.Results
	g.stack = g.stack[:0]
	g.frames = []gframe{{kind: 'f', results: ft.Results}}
	g.steps = 0
	for !g.step() {
	}
	return g.c
}

type fuzzResult struct {
	m          *wasm.Module
	chaos      bool
	unbalanced bool
	defineErr  error
}

// buildModule turns fuzz input into a module.
func buildModule(data []byte) fuzzResult {
	g := &fuzzGen{data: data, m: wasm.NewModule()}
	mode := g.choose(8)
	g.chaosOK = mode == 1 || mode == 2
	unbalanced := mode == 3
	m := g.m

	for i, n := 0, g.choose(3); i < n; i++ {
		ft := wasm.FuncType{Params: g.types(3), Results: g.types(2)}
		if _, err := m.AddImport("env", string(rune('a'+i)), ft); err != nil {
			panic(err)
		}
		g.funcs = append(g.funcs, ft)
	}
	switch g.choose(3) {
	case 1:
		if err := m.AddMemory(wasm.Limits{Min: uint32(g.choose(3)), Max: 4, HasMax: g.choose(2) == 0}); err != nil {
			panic(err)
		}
		g.hasMem = true
	case 2:
		if err := m.AddMemoryImport("env", "memory", wasm.Limits{Min: 1}); err != nil {
			panic(err)
		}
		g.hasMem = true
	}
	var imported []wasm.GlobalIdx
	for i, n := 0, g.choose(3); i < n; i++ {
		gt := wasm.GlobalType{Type: g.valType(), Mutable: g.choose(2) == 0}
		idx, err := m.AddGlobalImport("env", "g"+string(rune('a'+i)), gt)
		if err != nil {
			panic(err)
		}
		g.globals = append(g.globals, gt)
		if !gt.Mutable {
			imported = append(imported, idx)
		}
	}
	for i, n := 0, g.choose(4); i < n; i++ {
		gt := wasm.GlobalType{Type: g.valType(), Mutable: g.choose(2) == 0}
		var init wasm.ConstExpr
		switch gt.Type {
		case wasm.I32:
			init = wasm.ConstI32(int32(g.u64()))
		case wasm.I64:
			init = wasm.ConstI64(int64(g.u64()))
		case wasm.F32:
			init = wasm.ConstF32(1.25)
		case wasm.F64:
			init = wasm.ConstF64(-0.5)
		}
		for _, ig := range imported {
			if g.globals[ig].Type == gt.Type && g.choose(2) == 0 {
				init = wasm.ConstGlobalGet(ig)
			}
		}
		if _, err := m.AddGlobal(gt, init); err != nil {
			panic(err)
		}
		g.globals = append(g.globals, gt)
	}

	// Declare every function first so that any body may call any other.
	nf := 1 + g.choose(4)
	type decl struct {
		idx wasm.FuncIdx
		ft  wasm.FuncType
	}
	var decls []decl
	for i := 0; i < nf; i++ {
		ft := wasm.FuncType{Params: g.types(3), Results: g.types(2)}
		if i == 0 && g.choose(3) == 0 {
			ft = wasm.FuncType{}
		}
		f, err := m.DeclareFunction(ft)
		if err != nil {
			panic(err)
		}
		g.funcs = append(g.funcs, ft)
		decls = append(decls, decl{f, ft})
	}
	res := fuzzResult{m: m, unbalanced: unbalanced}
	for i, d := range decls {
		locals := g.types(4)
		body := g.body(d.ft, locals)
		if unbalanced && i == 0 {
			switch g.choose(3) {
			case 0: // the same kind of body, left open
				g.leaveOpen = 1 + g.choose(3)
				body = g.body(d.ft, locals)
				g.leaveOpen = 0
			case 1:
				body.End()
			case 2:
				body.Else()
			}
		}
		if err := m.DefineFunction(d.idx, locals, body); err != nil {
			res.defineErr = err
		}
		if err := m.AddExport("f"+string(rune('0'+i)), wasm.ExternFunc, uint32(d.idx)); err != nil {
			panic(err)
		}
	}
	if len(decls[0].ft.Params) == 0 && len(decls[0].ft.Results) == 0 && g.choose(2) == 0 {
		if err := m.SetStart(decls[0].idx); err != nil {
			panic(err)
		}
	}
	if g.hasMem && g.choose(2) == 0 {
		if err := m.AddExport("memory", wasm.ExternMemory, 0); err != nil {
			panic(err)
		}
	}
	for i := range g.globals {
		if g.choose(3) == 0 {
			if err := m.AddExport("g"+string(rune('0'+i)), wasm.ExternGlobal, uint32(i)); err != nil {
				panic(err)
			}
		}
	}
	res.chaos = g.chaos
	return res
}

var (
	fuzzOnce     sync.Once
	fuzzRuntimes []wazero.Runtime
)

// compileChecked compiles bin in every engine, reusing runtimes.
func compileChecked(bin []byte) error {
	ctx := context.Background()
	fuzzOnce.Do(func() {
		for _, e := range engines() {
			fuzzRuntimes = append(fuzzRuntimes, wazero.NewRuntimeWithConfig(ctx, e.Config()))
		}
	})
	for _, r := range fuzzRuntimes {
		cm, err := r.CompileModule(ctx, bin)
		if err != nil {
			return err
		}
		cm.Close(ctx)
	}
	return nil
}

func checkFuzzInput(t *testing.T, data []byte) {
	res := buildModule(data)
	bin, err := res.m.Encode()
	switch {
	case res.unbalanced:
		if res.defineErr == nil && err == nil {
			t.Fatalf("unbalanced body accepted")
		}
		return
	case res.defineErr != nil:
		t.Fatalf("DefineFunction refused a generated body: %v", res.defineErr)
	}
	if err != nil {
		var be *wasm.BodyError
		if !res.chaos || !errors.As(err, &be) {
			t.Fatalf("Encode rejected a generated module (chaos=%v): %v", res.chaos, err)
		}
		// The validator rejected a chaos module: wazero must agree.
		raw, rerr := wasm.EncodeUnchecked(res.m)
		if rerr != nil {
			t.Fatalf("EncodeUnchecked: %v", rerr)
		}
		if cerr := compileChecked(raw); cerr == nil {
			t.Fatalf("validator rejected a module wazero accepts: %v", err)
		}
		return
	}
	if cerr := compileChecked(bin); cerr != nil {
		t.Fatalf("wazero rejected an encoded module: %v", cerr)
	}
	again, err := res.m.Encode()
	if err != nil || !bytes.Equal(bin, again) {
		t.Fatalf("second Encode differs (%v)", err)
	}
}

func FuzzEncode(f *testing.F) {
	rng := rand.New(rand.NewPCG(11, 13))
	for i := 0; i < 300; i++ {
		b := make([]byte, 16+rng.IntN(2000))
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add([]byte{3})
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 21, 21, 21})
	f.Fuzz(checkFuzzInput)
}
