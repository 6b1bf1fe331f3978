package wasm

import (
	"fmt"
	"math"
)

// BodyError reports an invalid instruction in a function body, found
// either while the body was being emitted (structure: nesting, label
// depths, alignment) or by Module.Validate (types, indices).
type BodyError struct {
	Func    FuncIdx // the function, when HasFunc is set
	HasFunc bool
	Instr   int    // 0-based position of the instruction in the body
	Op      string // text-format name of the instruction
	Msg     string
}

// Error formats the error as "wasm: func F: instruction N (op): msg".
func (e *BodyError) Error() string {
	if e.HasFunc {
		return fmt.Sprintf("wasm: func %d: instruction %d (%s): %s", e.Func, e.Instr, e.Op, e.Msg)
	}
	return fmt.Sprintf("wasm: instruction %d (%s): %s", e.Instr, e.Op, e.Msg)
}

// Code builds the body of one function: a sequence of instructions
// terminated by the final End that closes the function itself.
//
// Each method appends one instruction in its binary encoding. Misuse that
// can be detected without the module (Else without an open If, a branch
// to a label that does not enclose it, an instruction after the final
// End, an over-large alignment, an invalid block type) records an error instead of
// emitting the instruction; the first such error is kept, returned by Err
// and by every later Module.DefineFunction, Validate or Encode that sees
// the body, and all later calls are ignored. Operand types and index
// ranges are checked by Module.Validate, which knows the module.
//
// The zero Code is an empty body ready for use. A Code must not be
// changed after it has been given to a Module.
type Code struct {
	buf    []byte
	ctrl   []ctrlEntry // open block/loop/if, innermost last
	nextID uint32
	instrs int // instructions emitted so far
	done   bool
	err    error
}

type ctrlEntry struct {
	op byte // opBlock, opLoop, opIf or opElse
	id uint32
}

// Label names an open block, loop or if, as returned by Block, Loop and
// If. BrTo, BrIfTo and BrTableTo turn it into the relative label depth
// the binary format needs. A Label is valid until the End that closes its
// block. The zero Label is never valid.
type Label struct {
	code  *Code
	index int // position in Code.ctrl
	id    uint32
}

// Err returns the first misuse recorded, or nil.
func (c *Code) Err() error { return c.err }

// Done reports whether the final End, which closes the function body, has
// been emitted.
func (c *Code) Done() bool { return c.done }

// OpenBlocks returns the number of blocks, loops and ifs not yet closed
// (not counting the function body itself).
func (c *Code) OpenBlocks() int { return len(c.ctrl) }

// Len returns the size in bytes of the instructions emitted so far.
func (c *Code) Len() int { return len(c.buf) }

// Instructions returns the number of instructions emitted so far.
func (c *Code) Instructions() int { return c.instrs }

// Bytes returns the encoded instructions emitted so far. The slice
// aliases the Code's buffer and must not be modified.
func (c *Code) Bytes() []byte { return c.buf }

// Reset empties the body (keeping its buffer) so that it can be reused
// for another function. It must not be called on a Code already given to
// a Module that is still to be encoded.
func (c *Code) Reset() {
	c.buf = c.buf[:0]
	c.ctrl = c.ctrl[:0]
	c.instrs = 0
	c.done = false
	c.err = nil
}

// fail records the first misuse.
func (c *Code) fail(op byte, format string, args ...any) {
	if c.err == nil {
		c.err = &BodyError{Instr: c.instrs, Op: opName[op], Msg: fmt.Sprintf(format, args...)}
	}
}

// begin checks that an instruction may be emitted.
func (c *Code) begin(op byte) bool {
	if c.err != nil {
		return false
	}
	if c.done {
		c.fail(op, "instruction after the final end of the body")
		return false
	}
	return true
}

// op emits an instruction without immediates.
func (c *Code) op(op byte) {
	if c.begin(op) {
		c.buf = append(c.buf, op)
		c.instrs++
	}
}

// opU32 emits an instruction with one u32 immediate.
func (c *Code) opU32(op byte, x uint32) {
	if c.begin(op) {
		c.buf = appendU32(append(c.buf, op), x)
		c.instrs++
	}
}

// --- Control instructions ---

// Unreachable emits unreachable, which traps.
func (c *Code) Unreachable() { c.op(opUnreachable) }

// Nop emits nop.
func (c *Code) Nop() { c.op(opNop) }

func (c *Code) open(op byte, bt BlockType) Label {
	if !c.begin(op) {
		return Label{}
	}
	if bt.kind == 1 && !bt.val.Valid() {
		c.fail(op, "invalid block result type %v", bt.val)
		return Label{}
	}
	c.buf = bt.appendEncoding(append(c.buf, op))
	c.instrs++
	c.nextID++
	c.ctrl = append(c.ctrl, ctrlEntry{op: op, id: c.nextID})
	return Label{code: c, index: len(c.ctrl) - 1, id: c.nextID}
}

// Block emits block bt and returns its label. A branch to a block jumps
// to its End.
func (c *Code) Block(bt BlockType) Label { return c.open(opBlock, bt) }

// Loop emits loop bt and returns its label. A branch to a loop jumps back
// to its start.
func (c *Code) Loop(bt BlockType) Label { return c.open(opLoop, bt) }

// If emits if bt, which pops an i32 condition, and returns its label. A
// branch to an if jumps to its End.
func (c *Code) If(bt BlockType) Label { return c.open(opIf, bt) }

// Else emits else; the innermost open block must be an If without an
// Else yet.
func (c *Code) Else() {
	if !c.begin(opElse) {
		return
	}
	if n := len(c.ctrl); n == 0 || c.ctrl[n-1].op != opIf {
		c.fail(opElse, "else without a matching if")
		return
	}
	c.ctrl[len(c.ctrl)-1].op = opElse
	c.buf = append(c.buf, opElse)
	c.instrs++
}

// End emits end, closing the innermost open block, loop or if, or, when
// none is open, the function body itself. Nothing may follow the final
// End.
func (c *Code) End() {
	if !c.begin(opEnd) {
		return
	}
	if n := len(c.ctrl); n > 0 {
		c.ctrl = c.ctrl[:n-1]
	} else {
		c.done = true
	}
	c.buf = append(c.buf, opEnd)
	c.instrs++
}

// checkDepth reports whether depth names an enclosing label: an open
// block (0 = innermost) or, at depth OpenBlocks(), the function body.
func (c *Code) checkDepth(op byte, depth uint32) bool {
	if uint64(depth) > uint64(len(c.ctrl)) {
		c.fail(op, "label depth %d exceeds nesting depth %d", depth, len(c.ctrl))
		return false
	}
	return true
}

// Br emits br depth, an unconditional branch to the label depth levels
// out (0 = innermost open block; OpenBlocks() = the function body).
func (c *Code) Br(depth uint32) {
	if c.begin(opBr) && c.checkDepth(opBr, depth) {
		c.opU32(opBr, depth)
	}
}

// BrIf emits br_if depth, which pops an i32 and branches when it is
// non-zero.
func (c *Code) BrIf(depth uint32) {
	if c.begin(opBrIf) && c.checkDepth(opBrIf, depth) {
		c.opU32(opBrIf, depth)
	}
}

// BrTable emits br_table: it pops an i32 i and branches to targets[i], or
// to def when i is out of range. All targets must carry the same operand
// types (checked by Validate).
func (c *Code) BrTable(targets []uint32, def uint32) {
	if !c.begin(opBrTable) {
		return
	}
	if uint64(len(targets)) > math.MaxUint32 {
		c.fail(opBrTable, "too many targets")
		return
	}
	for _, d := range targets {
		if !c.checkDepth(opBrTable, d) {
			return
		}
	}
	if !c.checkDepth(opBrTable, def) {
		return
	}
	c.buf = appendU32(append(c.buf, opBrTable), uint32(len(targets)))
	for _, d := range targets {
		c.buf = appendU32(c.buf, d)
	}
	c.buf = appendU32(c.buf, def)
	c.instrs++
}

// LabelDepth returns the relative depth of l at the current position, as
// Br expects it.
func (c *Code) LabelDepth(l Label) (uint32, error) {
	if l.code != c || l.index >= len(c.ctrl) || c.ctrl[l.index].id != l.id {
		return 0, fmt.Errorf("wasm: label is not an open block of this body")
	}
	return uint32(len(c.ctrl) - 1 - l.index), nil
}

func (c *Code) depthOf(op byte, l Label) (uint32, bool) {
	d, err := c.LabelDepth(l)
	if err != nil {
		c.fail(op, "branch to a label that is not an enclosing open block")
		return 0, false
	}
	return d, true
}

// BrTo emits br to the open block l.
func (c *Code) BrTo(l Label) {
	if !c.begin(opBr) {
		return
	}
	if d, ok := c.depthOf(opBr, l); ok {
		c.Br(d)
	}
}

// BrIfTo emits br_if to the open block l.
func (c *Code) BrIfTo(l Label) {
	if !c.begin(opBrIf) {
		return
	}
	if d, ok := c.depthOf(opBrIf, l); ok {
		c.BrIf(d)
	}
}

// BrTableTo emits br_table with targets and default given as labels.
func (c *Code) BrTableTo(targets []Label, def Label) {
	if !c.begin(opBrTable) {
		return
	}
	depths := make([]uint32, len(targets))
	for i, l := range targets {
		d, ok := c.depthOf(opBrTable, l)
		if !ok {
			return
		}
		depths[i] = d
	}
	dd, ok := c.depthOf(opBrTable, def)
	if !ok {
		return
	}
	c.BrTable(depths, dd)
}

// Return emits return.
func (c *Code) Return() { c.op(opReturn) }

// Call emits call f.
func (c *Code) Call(f FuncIdx) { c.opU32(opCall, uint32(f)) }

// --- Parametric instructions ---

// Drop emits drop.
func (c *Code) Drop() { c.op(opDrop) }

// Select emits select: it pops a condition c and two values of one number
// type, and pushes the first if c != 0, else the second.
func (c *Code) Select() { c.op(opSelect) }

// --- Variable instructions ---

// LocalGet emits local.get i. Parameters are locals 0..len(Params)-1 and
// declared locals follow.
func (c *Code) LocalGet(i uint32) { c.opU32(opLocalGet, i) }

// LocalSet emits local.set i.
func (c *Code) LocalSet(i uint32) { c.opU32(opLocalSet, i) }

// LocalTee emits local.tee i (set, keeping the value on the stack).
func (c *Code) LocalTee(i uint32) { c.opU32(opLocalTee, i) }

// GlobalGet emits global.get g.
func (c *Code) GlobalGet(g GlobalIdx) { c.opU32(opGlobalGet, uint32(g)) }

// GlobalSet emits global.set g; g must be mutable.
func (c *Code) GlobalSet(g GlobalIdx) { c.opU32(opGlobalSet, uint32(g)) }

// --- Memory instructions ---

func (c *Code) mem(op byte, m MemArg) {
	if !c.begin(op) {
		return
	}
	if max := maxAlign(memOps[op].width); m.Align > max {
		c.fail(op, "alignment 2**%d exceeds natural alignment 2**%d", m.Align, max)
		return
	}
	c.buf = appendU32(append(c.buf, op), m.Align)
	c.buf = appendU32(c.buf, m.Offset)
	c.instrs++
}

// I32Load emits i32.load.
func (c *Code) I32Load(m MemArg) { c.mem(opI32Load, m) }

// I64Load emits i64.load.
func (c *Code) I64Load(m MemArg) { c.mem(opI64Load, m) }

// I32Load8S emits i32.load8_s.
func (c *Code) I32Load8S(m MemArg) { c.mem(opI32Load8S, m) }

// I32Load8U emits i32.load8_u.
func (c *Code) I32Load8U(m MemArg) { c.mem(opI32Load8U, m) }

// I32Load16S emits i32.load16_s.
func (c *Code) I32Load16S(m MemArg) { c.mem(opI32Load16S, m) }

// I32Load16U emits i32.load16_u.
func (c *Code) I32Load16U(m MemArg) { c.mem(opI32Load16U, m) }

// I64Load8S emits i64.load8_s.
func (c *Code) I64Load8S(m MemArg) { c.mem(opI64Load8S, m) }

// I64Load8U emits i64.load8_u.
func (c *Code) I64Load8U(m MemArg) { c.mem(opI64Load8U, m) }

// I64Load16S emits i64.load16_s.
func (c *Code) I64Load16S(m MemArg) { c.mem(opI64Load16S, m) }

// I64Load16U emits i64.load16_u.
func (c *Code) I64Load16U(m MemArg) { c.mem(opI64Load16U, m) }

// I64Load32S emits i64.load32_s.
func (c *Code) I64Load32S(m MemArg) { c.mem(opI64Load32S, m) }

// I64Load32U emits i64.load32_u.
func (c *Code) I64Load32U(m MemArg) { c.mem(opI64Load32U, m) }

// I32Store emits i32.store (operands: address, value).
func (c *Code) I32Store(m MemArg) { c.mem(opI32Store, m) }

// I64Store emits i64.store (operands: address, value).
func (c *Code) I64Store(m MemArg) { c.mem(opI64Store, m) }

// I32Store8 emits i32.store8.
func (c *Code) I32Store8(m MemArg) { c.mem(opI32Store8, m) }

// I32Store16 emits i32.store16.
func (c *Code) I32Store16(m MemArg) { c.mem(opI32Store16, m) }

// I64Store8 emits i64.store8.
func (c *Code) I64Store8(m MemArg) { c.mem(opI64Store8, m) }

// I64Store16 emits i64.store16.
func (c *Code) I64Store16(m MemArg) { c.mem(opI64Store16, m) }

// I64Store32 emits i64.store32.
func (c *Code) I64Store32(m MemArg) { c.mem(opI64Store32, m) }

// MemorySize emits memory.size, pushing the memory size in pages.
func (c *Code) MemorySize() {
	if c.begin(opMemorySize) {
		c.buf = append(c.buf, opMemorySize, 0x00)
		c.instrs++
	}
}

// MemoryGrow emits memory.grow: it pops a page delta and pushes the old
// size in pages, or -1 when the memory cannot grow that much.
func (c *Code) MemoryGrow() {
	if c.begin(opMemoryGrow) {
		c.buf = append(c.buf, opMemoryGrow, 0x00)
		c.instrs++
	}
}

// MemoryCopy emits memory.copy (bulk memory): operands destination,
// source, length; the ranges may overlap.
func (c *Code) MemoryCopy() {
	if c.begin(opPrefixFC) {
		c.buf = append(appendU32(append(c.buf, opPrefixFC), subMemoryCopy), 0x00, 0x00)
		c.instrs++
	}
}

// MemoryFill emits memory.fill (bulk memory): operands destination, byte
// value (i32), length.
func (c *Code) MemoryFill() {
	if c.begin(opPrefixFC) {
		c.buf = append(appendU32(append(c.buf, opPrefixFC), subMemoryFill), 0x00)
		c.instrs++
	}
}

// --- Constants ---

// I32Const emits i32.const v. Use int32(u) for an unsigned constant.
func (c *Code) I32Const(v int32) {
	if c.begin(opI32Const) {
		c.buf = appendS64(append(c.buf, opI32Const), int64(v))
		c.instrs++
	}
}

// I64Const emits i64.const v. Use int64(u) for an unsigned constant.
func (c *Code) I64Const(v int64) {
	if c.begin(opI64Const) {
		c.buf = appendS64(append(c.buf, opI64Const), v)
		c.instrs++
	}
}

// F32Const emits f32.const v.
func (c *Code) F32Const(v float32) {
	if c.begin(opF32Const) {
		c.buf = appendLE(append(c.buf, opF32Const), uint64(math.Float32bits(v)), 4)
		c.instrs++
	}
}

// F64Const emits f64.const v.
func (c *Code) F64Const(v float64) {
	if c.begin(opF64Const) {
		c.buf = appendLE(append(c.buf, opF64Const), math.Float64bits(v), 8)
		c.instrs++
	}
}

// --- i32 numeric instructions ---

// I32Eqz emits i32.eqz.
func (c *Code) I32Eqz() { c.op(opI32Eqz) }

// I32Eq emits i32.eq.
func (c *Code) I32Eq() { c.op(opI32Eq) }

// I32Ne emits i32.ne.
func (c *Code) I32Ne() { c.op(opI32Ne) }

// I32LtS emits i32.lt_s.
func (c *Code) I32LtS() { c.op(opI32LtS) }

// I32LtU emits i32.lt_u.
func (c *Code) I32LtU() { c.op(opI32LtU) }

// I32GtS emits i32.gt_s.
func (c *Code) I32GtS() { c.op(opI32GtS) }

// I32GtU emits i32.gt_u.
func (c *Code) I32GtU() { c.op(opI32GtU) }

// I32LeS emits i32.le_s.
func (c *Code) I32LeS() { c.op(opI32LeS) }

// I32LeU emits i32.le_u.
func (c *Code) I32LeU() { c.op(opI32LeU) }

// I32GeS emits i32.ge_s.
func (c *Code) I32GeS() { c.op(opI32GeS) }

// I32GeU emits i32.ge_u.
func (c *Code) I32GeU() { c.op(opI32GeU) }

// I32Clz emits i32.clz.
func (c *Code) I32Clz() { c.op(opI32Clz) }

// I32Ctz emits i32.ctz.
func (c *Code) I32Ctz() { c.op(opI32Ctz) }

// I32Popcnt emits i32.popcnt.
func (c *Code) I32Popcnt() { c.op(opI32Popcnt) }

// I32Add emits i32.add.
func (c *Code) I32Add() { c.op(opI32Add) }

// I32Sub emits i32.sub.
func (c *Code) I32Sub() { c.op(opI32Sub) }

// I32Mul emits i32.mul.
func (c *Code) I32Mul() { c.op(opI32Mul) }

// I32DivS emits i32.div_s.
func (c *Code) I32DivS() { c.op(opI32DivS) }

// I32DivU emits i32.div_u.
func (c *Code) I32DivU() { c.op(opI32DivU) }

// I32RemS emits i32.rem_s.
func (c *Code) I32RemS() { c.op(opI32RemS) }

// I32RemU emits i32.rem_u.
func (c *Code) I32RemU() { c.op(opI32RemU) }

// I32And emits i32.and.
func (c *Code) I32And() { c.op(opI32And) }

// I32Or emits i32.or.
func (c *Code) I32Or() { c.op(opI32Or) }

// I32Xor emits i32.xor.
func (c *Code) I32Xor() { c.op(opI32Xor) }

// I32Shl emits i32.shl.
func (c *Code) I32Shl() { c.op(opI32Shl) }

// I32ShrS emits i32.shr_s.
func (c *Code) I32ShrS() { c.op(opI32ShrS) }

// I32ShrU emits i32.shr_u.
func (c *Code) I32ShrU() { c.op(opI32ShrU) }

// I32Rotl emits i32.rotl.
func (c *Code) I32Rotl() { c.op(opI32Rotl) }

// I32Rotr emits i32.rotr.
func (c *Code) I32Rotr() { c.op(opI32Rotr) }

// I32WrapI64 emits i32.wrap_i64.
func (c *Code) I32WrapI64() { c.op(opI32WrapI64) }

// I32Extend8S emits i32.extend8_s.
func (c *Code) I32Extend8S() { c.op(opI32Extend8S) }

// I32Extend16S emits i32.extend16_s.
func (c *Code) I32Extend16S() { c.op(opI32Extend16S) }

// --- i64 numeric instructions ---

// I64Eqz emits i64.eqz.
func (c *Code) I64Eqz() { c.op(opI64Eqz) }

// I64Eq emits i64.eq.
func (c *Code) I64Eq() { c.op(opI64Eq) }

// I64Ne emits i64.ne.
func (c *Code) I64Ne() { c.op(opI64Ne) }

// I64LtS emits i64.lt_s.
func (c *Code) I64LtS() { c.op(opI64LtS) }

// I64LtU emits i64.lt_u.
func (c *Code) I64LtU() { c.op(opI64LtU) }

// I64GtS emits i64.gt_s.
func (c *Code) I64GtS() { c.op(opI64GtS) }

// I64GtU emits i64.gt_u.
func (c *Code) I64GtU() { c.op(opI64GtU) }

// I64LeS emits i64.le_s.
func (c *Code) I64LeS() { c.op(opI64LeS) }

// I64LeU emits i64.le_u.
func (c *Code) I64LeU() { c.op(opI64LeU) }

// I64GeS emits i64.ge_s.
func (c *Code) I64GeS() { c.op(opI64GeS) }

// I64GeU emits i64.ge_u.
func (c *Code) I64GeU() { c.op(opI64GeU) }

// I64Clz emits i64.clz.
func (c *Code) I64Clz() { c.op(opI64Clz) }

// I64Ctz emits i64.ctz.
func (c *Code) I64Ctz() { c.op(opI64Ctz) }

// I64Popcnt emits i64.popcnt.
func (c *Code) I64Popcnt() { c.op(opI64Popcnt) }

// I64Add emits i64.add.
func (c *Code) I64Add() { c.op(opI64Add) }

// I64Sub emits i64.sub.
func (c *Code) I64Sub() { c.op(opI64Sub) }

// I64Mul emits i64.mul.
func (c *Code) I64Mul() { c.op(opI64Mul) }

// I64DivS emits i64.div_s.
func (c *Code) I64DivS() { c.op(opI64DivS) }

// I64DivU emits i64.div_u.
func (c *Code) I64DivU() { c.op(opI64DivU) }

// I64RemS emits i64.rem_s.
func (c *Code) I64RemS() { c.op(opI64RemS) }

// I64RemU emits i64.rem_u.
func (c *Code) I64RemU() { c.op(opI64RemU) }

// I64And emits i64.and.
func (c *Code) I64And() { c.op(opI64And) }

// I64Or emits i64.or.
func (c *Code) I64Or() { c.op(opI64Or) }

// I64Xor emits i64.xor.
func (c *Code) I64Xor() { c.op(opI64Xor) }

// I64Shl emits i64.shl.
func (c *Code) I64Shl() { c.op(opI64Shl) }

// I64ShrS emits i64.shr_s.
func (c *Code) I64ShrS() { c.op(opI64ShrS) }

// I64ShrU emits i64.shr_u.
func (c *Code) I64ShrU() { c.op(opI64ShrU) }

// I64Rotl emits i64.rotl.
func (c *Code) I64Rotl() { c.op(opI64Rotl) }

// I64Rotr emits i64.rotr.
func (c *Code) I64Rotr() { c.op(opI64Rotr) }

// I64ExtendI32S emits i64.extend_i32_s.
func (c *Code) I64ExtendI32S() { c.op(opI64ExtendI32S) }

// I64ExtendI32U emits i64.extend_i32_u.
func (c *Code) I64ExtendI32U() { c.op(opI64ExtendI32U) }

// I64Extend8S emits i64.extend8_s.
func (c *Code) I64Extend8S() { c.op(opI64Extend8S) }

// I64Extend16S emits i64.extend16_s.
func (c *Code) I64Extend16S() { c.op(opI64Extend16S) }

// I64Extend32S emits i64.extend32_s.
func (c *Code) I64Extend32S() { c.op(opI64Extend32S) }
