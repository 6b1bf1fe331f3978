package vm

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"unsafe"

	"github.com/cairn-vm/cairn/asm"
)

// ErrFunctionRunner is wrapped by the set-up and end-of-run checks of a
// FunctionRunner (bad builtin list, calls out of order, a bad return
// stack).
var ErrFunctionRunner = errors.New("function runner")

// functionLayoutBuiltins is the order in which cairo-lang's Starknet
// executor creates the runners of an entry point's own builtins: the
// starknet layout's builtins, then segment_arena, which the executor adds
// to the layout.
var functionLayoutBuiltins = []string{
	BuiltinOutput, BuiltinPedersen, BuiltinRangeCheck, BuiltinECDSA, BuiltinBitwise,
	BuiltinECOp, BuiltinPoseidon, BuiltinSegmentArena,
}

// functionExtraBuiltins are the runners cairo-lang's CairoFunctionRunner
// always has, in the order it adds them after the layout's.
var functionExtraBuiltins = []string{
	BuiltinPedersen, BuiltinRangeCheck, BuiltinOutput, BuiltinECDSA, BuiltinBitwise, BuiltinECOp,
	BuiltinKeccak, BuiltinPoseidon, BuiltinRangeCheck96, BuiltinAddMod, BuiltinMulMod,
}

// FunctionBuiltinOrder returns the builtin runners a function run creates,
// in segment order, for a function that takes the builtins entry (in its
// argument order). It follows cairo-lang's CairoFunctionRunner under the
// Starknet executor: the function's builtins that the starknet layout
// (plus segment_arena) has, in the layout's order, then every builtin
// CairoFunctionRunner always adds that is not yet there. Unknown names and
// duplicates are errors (wrapping ErrUnknownBuiltin).
func FunctionBuiltinOrder(entry []string) ([]string, error) {
	known := append(slices.Clone(functionExtraBuiltins), BuiltinSegmentArena)
	for i, n := range entry {
		if !slices.Contains(known, n) {
			return nil, fmt.Errorf("%w: %q (known builtins: %v)", ErrUnknownBuiltin, n, known)
		}
		if slices.Contains(entry[:i], n) {
			return nil, fmt.Errorf("%w: %q listed twice", ErrUnknownBuiltin, n)
		}
	}
	var order []string
	for _, n := range functionLayoutBuiltins {
		if slices.Contains(entry, n) {
			order = append(order, n)
		}
	}
	for _, n := range functionExtraBuiltins {
		if !slices.Contains(order, n) {
			order = append(order, n)
		}
	}
	// A builtin outside the starknet layout (range_check96, add_mod,
	// mul_mod, keccak) is among the extra ones; segment_arena exists only
	// when the function takes it.
	return order, nil
}

// FunctionRunner runs one function of a bytecode program from its entry
// pc with given arguments, as cairo-lang's CairoFunctionRunner does for a
// Cairo 1 contract entry point (run_from_entrypoint): program and
// execution segments, one segment per builtin runner, the arguments
// followed by a return fp of 0 and a return pc in a fresh segment, a run
// to that pc, and the end of the run (temporary segments relocated,
// builtin deductions verified). It knows nothing of Starknet: the caller
// adds its own segments and reads the return values.
//
// The life of a FunctionRunner: NewFunctionRunner, optionally
// AppendProgramData and the caller's own segments, Start, Run, then the
// queries (ReturnValues, ValidateBuiltins, MarkAccessed, MemoryHoles,
// BuiltinInstances, VerifySecure).
type FunctionRunner struct {
	// State is the machine; its Scopes[0] is the main hint scope.
	State *State
	// ProgramBase and ExecBase are the bases of the program and execution
	// segments.
	ProgramBase, ExecBase Relocatable
	// End is the return pc: the run stops when pc reaches it.
	End Relocatable

	builtins []Builtin // every runner, in segment order
	entry    []Builtin // the function's builtins, in argument order
	codeLen  int       // words of bytecode
	progLen  int       // words in the program segment (bytecode and extra data)
	nArgs    int
	started  bool
	ended    bool

	img  *CodeImage // where the program page came from, and goes back to
	page *[]Value
	set  *builtinSet // the runners, kept by the image for a later call
}

// NewFunctionRunner creates the program segment holding code, the
// execution segment and the builtin segments for a function taking the
// builtins entry (see FunctionBuiltinOrder). Every word of code counts as
// accessed, as cairo-lang's VM marks the program's data.
func NewFunctionRunner(code []asm.Felt, entry []string) (*FunctionRunner, error) {
	return NewFunctionRunnerImage(NewCodeImage(code), entry)
}

// CodeImage is bytecode prepared for loading: the program segment's cells,
// built once per class, and a pool of program pages that earlier calls
// handed back (FunctionRunner.Release).
//
// A call only ever reads its bytecode: every word is known (memory is
// write-once, so a write that agrees changes nothing) and already marked
// accessed. So a page whose call has ended still holds the image, and the
// next call needs only the few cells after the bytecode cleared, instead
// of a fresh copy of the whole class (hundreds of kilobytes for an ERC20,
// which was a quarter of a token transfer's time).
type CodeImage struct {
	cells []Value
	pages sync.Pool // *[]Value: the image marked accessed, then loadSlack unknown cells
	sizes SizeHints // where the last call's segments ended up
	kinds builtinKinds

	hintMu   sync.Mutex
	hintKey  hintBitsKey // what hintBits was built from
	hintBits []uint64    // read-only once built
}

// hintBitsKey identifies a hint map (by identity and size) and a program
// length.
type hintBitsKey struct {
	hints   unsafe.Pointer
	n       int
	progLen int
}

// setHints is st.SetHints(h, progLen), with the pc bitmap of the image's
// last hint map reused: a class's calls all install the same compiled
// hints, and building the bitmap walked the whole map each call. The
// bitmap is only read during a run.
func (img *CodeImage) setHints(st *State, h map[int][]Hint, progLen int) {
	key := hintBitsKey{hints: reflect.ValueOf(h).UnsafePointer(), n: len(h), progLen: progLen}
	img.hintMu.Lock()
	if key.hints != nil && img.hintBits != nil && img.hintKey == key {
		st.Hints, st.HintPCs = h, img.hintBits
		img.hintMu.Unlock()
		return
	}
	img.hintMu.Unlock()
	st.SetHints(h, progLen)
	img.hintMu.Lock()
	img.hintKey, img.hintBits = key, st.HintPCs
	img.hintMu.Unlock()
}

// NewCodeImage prepares code for NewFunctionRunnerImage.
func NewCodeImage(code []asm.Felt) *CodeImage {
	img := &CodeImage{cells: make([]Value, len(code))}
	for i := range code {
		img.cells[i] = FeltValue(code[i])
		img.cells[i].kind |= accessedBit
	}
	return img
}

// Len is the number of words of the image.
func (img *CodeImage) Len() int { return len(img.cells) }

// page returns a program page: the image, accessed, and loadSlack unknown
// cells after it (boxed as the pool keeps it).
func (img *CodeImage) page() *[]Value {
	if p, ok := img.pages.Get().(*[]Value); ok {
		return p
	}
	pg := make([]Value, len(img.cells)+loadSlack)
	copy(pg, img.cells)
	return &pg
}

// NewFunctionRunnerImage is NewFunctionRunner over a prepared image.
func NewFunctionRunnerImage(img *CodeImage, entry []string) (*FunctionRunner, error) {
	code := img.cells
	kind, err := img.kinds.kind(entry)
	if err != nil {
		return nil, err
	}
	set, err := kind.get()
	if err != nil {
		return nil, err
	}
	st := set.state
	set.state = nil
	if st == nil {
		st = &State{Mem: NewMemory(), Scopes: []map[string]any{{}}}
	}
	st.Mem.sizes = &img.sizes
	img.sizes.reserve(st.Mem)
	r := &FunctionRunner{State: st, codeLen: len(code), progLen: len(code), set: set}
	m := st.Mem
	r.ProgramBase = m.AddSegment()
	r.ExecBase = m.AddSegment()
	for _, b := range set.builtins {
		b.InitSegments(m)
	}
	r.builtins, r.entry = set.builtins, set.entry
	if len(code) > 0 {
		r.img, r.page = img, img.page()
		m.adoptPage(r.ProgramBase.Segment, *r.page, len(code))
	}
	st.Builtins = r.builtins
	st.ProgramBase, st.ExecBase = r.ProgramBase, r.ExecBase
	return r, nil
}

// Builtins returns every builtin runner of the run, in segment order.
func (r *FunctionRunner) Builtins() []Builtin { return r.builtins }

// EntryBuiltins returns the runners of the function's own builtins, in
// its argument order.
func (r *FunctionRunner) EntryBuiltins() []Builtin { return r.entry }

// Release hands the program page back to the runner's image, for the next
// call of the same code to reuse, and releases the memory (see
// Memory.Release). Neither the runner nor its State may be used
// afterwards (State is nil then; a second Release does nothing). The page
// goes back only if it is still the program segment's (an engine that
// moved the memory elsewhere keeps its own).
func (r *FunctionRunner) Release() {
	st := r.State
	if st == nil {
		return
	}
	m := st.Mem
	// An engine that attached its own cell space may keep what it learnt
	// of the runners and of the memory: only plain memories' go back.
	plain := m.space == nil
	if plain && r.img != nil {
		r.img.sizes.remember(m)
	}
	r.releasePage()
	segs, slab := m.segs, m.firstSlab
	m.Release()
	set := r.set
	r.set, r.State = nil, nil
	if !plain || set == nil {
		return
	}
	if len(st.Scopes) > 0 && st.Scopes[0] != nil {
		// The State and Memory structs, the segment structs and the main
		// scope go to the next call with these runners, emptied.
		scope := st.Scopes[0]
		clear(scope)
		clear(st.Scopes[:cap(st.Scopes)])
		clear(slab)
		clear(segs[:cap(segs)])
		arena := m.arena // released, and reusable
		*m = Memory{arena: arena, slab: slab, firstSlab: slab, segs: segs[:0]}
		*st = State{Mem: m, Scopes: append(st.Scopes[:0], scope)}
		set.state = st
	}
	set.kind.put(set)
}

// releasePage gives the program page back to the image.
func (r *FunctionRunner) releasePage() {
	if r.page == nil {
		return
	}
	box := r.page
	pg := *box
	r.page = nil
	s := r.State.Mem.seg(r.ProgramBase.Segment)
	if s == nil || len(s.pages) != 1 || len(s.pages[0]) != len(pg) || &s.pages[0][0] != &pg[0] {
		return
	}
	s.dropPages()
	clear(pg[r.codeLen:])
	r.img.pages.Put(box)
}

// BuiltinArgs returns the builtin pointers the function receives first:
// the base of each of its builtins, in its argument order.
func (r *FunctionRunner) BuiltinArgs() []Value { return r.AppendBuiltinArgs(nil) }

// AppendBuiltinArgs appends BuiltinArgs to dst, without a slice per
// builtin.
func (r *FunctionRunner) AppendBuiltinArgs(dst []Value) []Value {
	for _, b := range r.entry {
		if a, ok := b.(initialStackAppender); ok {
			dst = a.appendInitialStack(dst)
		} else {
			dst = append(dst, b.InitialStack()...)
		}
	}
	return dst
}

// AppendProgramData writes words after the bytecode in the program
// segment (cairo-lang's program_extra_data: a Cairo 1 program ends with a
// ret and a pointer to the builtin cost table). They do not count as
// accessed until MarkAccessed says so. It must precede Start.
func (r *FunctionRunner) AppendProgramData(data []Value) error {
	if r.started {
		return fmt.Errorf("%w: program data appended after Start", ErrFunctionRunner)
	}
	for _, v := range data {
		if err := r.State.Mem.Write(r.ProgramBase.Add(r.progLen), v); err != nil {
			return err
		}
		r.progLen++
	}
	return nil
}

// ProgramSize returns the number of words in the program segment:
// bytecode and appended data.
func (r *FunctionRunner) ProgramSize() int { return r.progLen }

// Start writes args, then a return fp of 0 and the return pc End (a new
// segment), at the start of the execution segment, sets pc to the bytecode
// offset entryPC and ap = fp to just after them, and installs hints
// (keyed by bytecode offset). The runs of one CodeImage may share a hint
// map, which must then not change between them.
func (r *FunctionRunner) Start(entryPC int, args []Value, hints map[int][]Hint) error {
	if r.started {
		return fmt.Errorf("%w: Start called twice", ErrFunctionRunner)
	}
	if entryPC < 0 || entryPC >= r.codeLen {
		return fmt.Errorf("%w: entry pc %d outside the bytecode (%d words)", ErrFunctionRunner, entryPC, r.codeLen)
	}
	r.started = true
	st, m := r.State, r.State.Mem
	r.End = m.AddSegment()
	for i := range args {
		if err := m.Write(r.ExecBase.Add(i), args[i]); err != nil {
			return err
		}
	}
	if err := m.Write(r.ExecBase.Add(len(args)), IntValue(0)); err != nil {
		return err
	}
	if err := m.Write(r.ExecBase.Add(len(args)+1), PtrValue(r.End)); err != nil {
		return err
	}
	r.nArgs = len(args)
	st.PC = r.ProgramBase.Add(entryPC)
	st.AP = r.ExecBase.Add(len(args) + 2)
	st.FP = st.AP
	if r.img != nil {
		r.img.setHints(st, hints, r.progLen)
	} else {
		st.SetHints(hints, r.progLen)
	}
	return nil
}

// Run executes until pc reaches End (maxSteps > 0 caps the steps), then
// ends the run as cairo-lang's end_run does: temporary segments with a
// relocation rule move into place, and every builtin's written outputs are
// checked against its deduction rule. Execution errors are *VMError
// values; the State is left as the error found it, so Traceback applies.
func (r *FunctionRunner) Run(e Engine, maxSteps int) error {
	if !r.started {
		return fmt.Errorf("%w: Run before Start", ErrFunctionRunner)
	}
	if r.ended {
		return fmt.Errorf("%w: Run called twice", ErrFunctionRunner)
	}
	if err := e.RunUntilPC(r.State, r.End, maxSteps); err != nil {
		return err
	}
	r.ended = true
	if err := r.State.Mem.RelocateTemporary(); err != nil {
		return err
	}
	return VerifyAutoDeductions(r.State.Mem, r.builtins)
}

// MarkAccessed marks n cells from addr as accessed, so that they do not
// count as memory holes (cairo-lang's mark_as_accessed: the arguments,
// read-only segments the caller wrote).
func (r *FunctionRunner) MarkAccessed(addr Relocatable, n int) {
	for i := range n {
		r.State.Mem.MarkAccessed(addr.Add(i))
	}
}

// MarkArgsAccessed marks the arguments Start wrote as accessed (the
// Starknet OS reads them).
func (r *FunctionRunner) MarkArgsAccessed() { r.MarkAccessed(r.ExecBase, r.nArgs) }

// ReturnValues returns the n cells below ap (the function's return
// values, the last one at ap-1).
func (r *FunctionRunner) ReturnValues(n int) ([]Value, error) {
	ap := r.State.AP
	if ap.Offset < n {
		return nil, fmt.Errorf("%w: %d return values below ap=%s", ErrFunctionRunner, n, ap)
	}
	out := make([]Value, n)
	for i := range n {
		addr := ap.Add(i - n)
		v := r.State.Mem.Get(addr)
		if !v.Known() {
			return nil, fmt.Errorf("%w at %s", ErrUnknownCell, addr)
		}
		out[i] = v
	}
	return out, nil
}

// ValidateBuiltins reads the stop pointers of the function's builtins,
// which end just below end (the last builtin's at end-1), and checks each
// against its segment's use (cairo-lang's final_stack).
func (r *FunctionRunner) ValidateBuiltins(end Relocatable) error {
	ptr := end
	for i := len(r.entry) - 1; i >= 0; i-- {
		next, err := r.entry[i].FinalStack(r.State.Mem, ptr)
		if err != nil {
			return err
		}
		ptr = next
	}
	if ptr.Add(len(r.entry)) != end {
		return fmt.Errorf("%w: Bad returned builtins.", ErrFunctionRunner)
	}
	return nil
}

// MemoryHoles returns the cells below each segment's size (temporary
// segments included) that no instruction accessed, not counting the cells
// of builtin segments, which the builtins account for.
func (r *FunctionRunner) MemoryHoles() (int, error) {
	m := r.State.Mem
	// Most builtins account for every cell of their segment; only the
	// others need the cells they name one by one.
	var fullBuf [4]uint64
	full := fullBuf[:]
	if n := m.NumSegments(); n > 64*len(fullBuf) {
		full = make([]uint64, (n+63)/64)
	}
	isFull := func(seg int) bool { return seg >= 0 && full[seg/64]&(1<<(seg%64)) != 0 }
	var builtinCells map[int]map[int]bool
	for _, b := range r.builtins {
		seg := b.Base().Segment
		size := m.SegmentSize(seg)
		if w, ok := b.(wholeSegmentAccounter); ok && (w.accountsWholeSegment() || size == 0) {
			// What the general path below would find, without calling
			// MemoryAccesses for each cell.
			if seg >= 0 {
				full[seg/64] |= 1 << (seg % 64)
			}
			continue
		}
		var whole bool
		var err error
		if builtinCells, whole, err = builtinAccesses(m, b, seg, size, builtinCells); err != nil {
			return 0, err
		}
		if whole && seg >= 0 {
			full[seg/64] |= 1 << (seg % 64)
		}
	}
	holes := 0
	count := func(seg int) {
		if isFull(seg) {
			return
		}
		size := m.SegmentSize(seg)
		extra := builtinCells[seg]
		if len(extra) == 0 {
			holes += size - r.accessedCount(seg)
			return
		}
		for off := range size {
			if !extra[off] && !m.accessed(seg, off) {
				holes++
			}
		}
	}
	for i := range m.NumSegments() {
		count(i)
	}
	for j := range m.NumTempSegments() {
		count(-j - 1)
	}
	return holes, nil
}

// builtinAccesses reports whether b's accesses cover its segment (seg,
// of size cells) exactly, and otherwise adds them to cells (by segment
// and offset), which it returns.
func builtinAccesses(m *Memory, b Builtin, seg, size int, cells map[int]map[int]bool) (map[int]map[int]bool, bool, error) {
	n := 0
	if err := b.MemoryAccesses(m, func(a Relocatable) {
		if a.Segment == seg && a.Offset >= 0 && a.Offset < size {
			n++
		}
	}); err != nil {
		return cells, false, err
	}
	if n == size {
		return cells, true, nil
	}
	_ = b.MemoryAccesses(m, func(a Relocatable) {
		if cells == nil {
			cells = map[int]map[int]bool{}
		}
		if cells[a.Segment] == nil {
			cells[a.Segment] = map[int]bool{}
		}
		cells[a.Segment][a.Offset] = true
	})
	return cells, false, nil
}

// accessedCount is m.AccessedCount(seg), except that the program segment's
// bytecode, loaded from an image that marks every word accessed (marks are
// never cleared), is not scanned cell by cell: it is most of the memory a
// short call has.
func (r *FunctionRunner) accessedCount(seg int) int {
	m := r.State.Mem
	if seg != r.ProgramBase.Segment || r.img == nil || m.space != nil || r.ProgramBase.Offset != 0 ||
		m.SegmentSize(seg) < r.codeLen {
		return m.AccessedCount(seg)
	}
	return r.codeLen + m.accessedCountFrom(seg, r.codeLen)
}

// EachBuiltinInstances calls f with the name (without the _builtin
// suffix) and the used instances of every builtin runner, in segment
// order: BuiltinInstances without its map.
func (r *FunctionRunner) EachBuiltinInstances(f func(name string, n int)) {
	for _, b := range r.builtins {
		f(b.Name(), b.UsedInstances(r.State.Mem))
	}
}

// BuiltinInstances returns the used instances of every builtin runner, by
// name (without the _builtin suffix), zeros included.
func (r *FunctionRunner) BuiltinInstances() map[string]int {
	out := make(map[string]int, len(r.builtins))
	for _, b := range r.builtins {
		out[b.Name()] += b.UsedInstances(r.State.Mem)
	}
	return out
}

// VerifySecure is cairo-lang's verify_secure_runner without the builtin
// bound checks (as the Starknet executor calls it): nothing written beyond
// the program segment's words, every pointer into an existing segment, and
// each builtin's own security checks. Errors wrap ErrSecurity.
func (r *FunctionRunner) VerifySecure() error {
	m := r.State.Mem
	if n := m.UsedSize(r.ProgramBase.Segment); n > r.progLen {
		return fmt.Errorf("%w: Out of bounds access to program segment at %d:%d.", ErrSecurity, r.ProgramBase.Segment, n-1)
	}
	nseg := m.NumSegments()
	for i := range nseg {
		from := 0
		if i == r.ProgramBase.Segment {
			// The bytecode was loaded as felts and memory is write-once:
			// only the words after it can hold pointers.
			from = r.ProgramBase.Offset + r.codeLen
		}
		if off, v, ok := m.pointerBeyond(i, from, nseg); ok {
			return fmt.Errorf("%w: Invalid memory value at address %d:%d: %s.", ErrSecurity, i, off, v)
		}
	}
	for _, b := range r.builtins {
		if err := b.RunSecurityChecks(m); err != nil {
			return fmt.Errorf("%w: %v", ErrSecurity, err)
		}
	}
	return nil
}

// maxTracebackEntries is cairo-lang's MAX_TRACEBACK_ENTRIES.
const maxTracebackEntries = 20

// Traceback returns the pcs of the call instructions on the stack at the
// state's current fp, most recent last, as cairo-lang's
// get_traceback_entries finds them: each frame keeps the caller's fp at
// [fp-2] and the return pc at [fp-1], and the call is the one-word
// instruction before the return pc, or else the two-word one.
func Traceback(st *State) []Relocatable {
	m := st.Mem
	fp := st.FP
	var calls []Relocatable
	for range maxTracebackEntries {
		if fp.Offset < 2 {
			break
		}
		prev, ret := m.Get(fp.Add(-2)), m.Get(fp.Add(-1))
		if prev.IsPtr() && prev.Ptr() == fp {
			break
		}
		if !prev.Known() || !ret.Known() || !ret.IsPtr() {
			break
		}
		rp := ret.Ptr()
		call, ok := Relocatable{}, false
		if rp.Offset >= 1 && isCallWord(m.Get(rp.Add(-1)), false) {
			call, ok = rp.Add(-1), true
		} else if rp.Offset >= 2 && m.Get(rp.Add(-1)).IsFelt() && isCallWord(m.Get(rp.Add(-2)), true) {
			call, ok = rp.Add(-2), true
		}
		if !ok {
			break
		}
		calls = append(calls, call)
		if !prev.IsPtr() {
			break
		}
		fp = prev.Ptr()
	}
	slices.Reverse(calls)
	return calls
}

// isCallWord is cairo-lang's is_call_instruction: the word decodes (with
// an immediate only when withImm) to a call whose res is op1 and whose pc
// jumps.
func isCallWord(v Value, withImm bool) bool {
	if !v.IsFelt() {
		return false
	}
	f := v.Felt()
	if !f.IsUint64() {
		return false
	}
	in, err := Decode(f.Uint64())
	if err != nil || (in.Size == 2 && !withImm) {
		return false
	}
	return in.Opcode == OpCall && in.Res == ResOp1 && (in.PC == PCJumpAbs || in.PC == PCJumpRel)
}
