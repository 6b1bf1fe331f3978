package vm

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Builtin errors. Rule failures come as a *BuiltinError, whose message is
// cairo-lang's and which wraps one of these.
var (
	// ErrUnknownBuiltin: a program builtin the layout lacks, or a name no
	// runner knows.
	ErrUnknownBuiltin = errors.New("unknown builtin")
	// ErrBuiltinOrder: the program's builtins are not a subsequence of the
	// canonical order.
	ErrBuiltinOrder = errors.New("builtins out of order")
	// ErrBuiltinInput: a builtin input cell holds a relocatable value where
	// a felt is expected, or a felt out of the builtin's range.
	ErrBuiltinInput = errors.New("invalid builtin input")
	// ErrRangeCheck: a value written to a range-check segment is out of
	// bounds or not a felt.
	ErrRangeCheck = errors.New("range check failed")
	// ErrECOpFailed: the ec_op builtin cannot compute P + m*Q (a point off
	// the curve, or the AIR meets two points with the same x).
	ErrECOpFailed = errors.New("ec_op failed")
	// ErrSignature: an ECDSA instance whose signature is invalid or missing.
	ErrSignature = errors.New("invalid signature")
	// ErrInsufficientAllocatedCells is cairo-lang's
	// InsufficientAllocatedCells: a proof-mode run needs more steps.
	ErrInsufficientAllocatedCells = errors.New("insufficient allocated cells")
	// ErrInconsistentAutoDeduction: a builtin output cell holds a value
	// other than the one its rule deduces (checked at the end of the run).
	ErrInconsistentAutoDeduction = errors.New("inconsistent auto deduction")
	// ErrMissingBuiltinCells: a secure-run check found builtin instances
	// with unwritten inputs.
	ErrMissingBuiltinCells = errors.New("missing builtin memory cells")
	// ErrBuiltinRatio: a proof-mode step count the builtin's ratio does not
	// divide (cairo-lang's safe_div assertion; fatal, unlike
	// ErrInsufficientAllocatedCells).
	ErrBuiltinRatio = errors.New("steps not divisible by the builtin ratio")
	// ErrModBuiltin: the add_mod/mul_mod fill procedure or checks failed.
	ErrModBuiltin = errors.New("mod builtin error")
)

// BuiltinError is the failure of a builtin rule: Msg is cairo-lang's
// message, Err the sentinel it wraps, Addr the cell concerned.
type BuiltinError struct {
	Builtin string
	Addr    Relocatable
	Msg     string
	Err     error
}

// Error returns cairo-lang's message.
func (e *BuiltinError) Error() string { return e.Msg }

// Unwrap returns the sentinel error.
func (e *BuiltinError) Unwrap() error { return e.Err }

func builtinErr(name string, addr Relocatable, sentinel error, format string, args ...any) error {
	return &BuiltinError{Builtin: name, Addr: addr, Msg: fmt.Sprintf(format, args...), Err: sentinel}
}

func insufficient(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInsufficientAllocatedCells, fmt.Sprintf(format, args...))
}

// pyList formats names as a Python list, as cairo-lang's messages do.
func pyList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "'" + n + "'"
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func isSubsequence(sub, seq []string) bool {
	i := 0
	for _, s := range seq {
		if i < len(sub) && s == sub[i] {
			i++
		}
	}
	return i == len(sub)
}

// NewBuiltins creates the builtin runners of a run, as cairo-lang's
// CairoRunner does: one runner per layout builtin, in the layout's
// (canonical) order, for each builtin the program declares, and in proof
// mode for every builtin of the layout (Included() is false for those the
// program did not declare). segment_arena, which belongs to no layout, gets
// a runner when declared, after poseidon.
//
// Errors, checked in cairo-lang's order: a program builtin missing from the
// layout (wraps ErrUnknownBuiltin: `Builtins {'x'} are not present in
// layout "plain"`), then builtins not a subsequence of the canonical list
// (wraps ErrBuiltinOrder).
func NewBuiltins(layout *Layout, programBuiltins []string, proofMode bool) ([]Builtin, error) {
	if layout == nil {
		return nil, fmt.Errorf("%w: no layout", ErrUnknownLayout)
	}
	var missing []string
	for _, n := range programBuiltins {
		if n == BuiltinSegmentArena || layout.Has(n) {
			continue
		}
		if !slices.Contains(missing, n) {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		q := make([]string, len(missing))
		for i, n := range missing {
			q[i] = "'" + n + "'"
		}
		return nil, fmt.Errorf("%w: Builtins {%s} are not present in layout %q",
			ErrUnknownBuiltin, strings.Join(q, ", "), layout.Name)
	}
	order := canonicalBuiltins
	if slices.Contains(programBuiltins, BuiltinSegmentArena) {
		order = canonicalWithArena
	}
	if !isSubsequence(programBuiltins, order) {
		return nil, fmt.Errorf("%w: The builtins specified by the %%builtins directive must be subsequence of %s. Got %s.",
			ErrBuiltinOrder, pyList(order), pyList(programBuiltins))
	}
	var out []Builtin
	zero := &zeroSegment{}
	for _, name := range order {
		included := slices.Contains(programBuiltins, name)
		var def *BuiltinDef
		if name == BuiltinSegmentArena {
			if !included {
				continue
			}
		} else {
			def = layout.Builtin(name)
			if def == nil || !(included || proofMode) {
				continue
			}
		}
		b, err := newBuiltin(name, def, included, zero)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// NewBuiltin creates one builtin runner outside a layout (a Cairo 1 entry
// point's builtins, tests). def nil gives the builtin cairo-lang's default
// parameters with a dynamic ratio.
func NewBuiltin(name string, def *BuiltinDef, included bool) (Builtin, error) {
	return newBuiltin(name, def, included, &zeroSegment{})
}

func newBuiltin(name string, def *BuiltinDef, included bool, zero *zeroSegment) (Builtin, error) {
	if def == nil {
		d, ok := defaultDef(name)
		if !ok {
			return nil, fmt.Errorf("%w: %q (known builtins: %s)", ErrUnknownBuiltin, name,
				strings.Join(canonicalWithArena, ", "))
		}
		if name != BuiltinOutput {
			d.DynamicRatio = true
		}
		def = &d
	}
	if def.Name != "" && def.Name != name {
		return nil, fmt.Errorf("%w: definition of %s given for %s", ErrUnknownBuiltin, def.Name, name)
	}
	switch name {
	case BuiltinOutput:
		return newOutputBuiltin(included), nil
	case BuiltinPedersen:
		return newPedersenBuiltin(def, included), nil
	case BuiltinRangeCheck, BuiltinRangeCheck96:
		return newRangeCheckBuiltin(name, def, included), nil
	case BuiltinECDSA:
		return newECDSABuiltin(def, included), nil
	case BuiltinBitwise:
		return newBitwiseBuiltin(def, included), nil
	case BuiltinECOp:
		return newECOpBuiltin(def, included), nil
	case BuiltinKeccak:
		return newKeccakBuiltin(def, included), nil
	case BuiltinPoseidon:
		return newPoseidonBuiltin(def, included), nil
	case BuiltinAddMod, BuiltinMulMod:
		return newModBuiltin(name, def, included, zero), nil
	case BuiltinSegmentArena:
		return newSegmentArenaBuiltin(included), nil
	}
	return nil, fmt.Errorf("%w: %q (known builtins: %s)", ErrUnknownBuiltin, name,
		strings.Join(canonicalWithArena, ", "))
}

// builtinBase is what cairo-lang's SimpleBuiltinRunner does for every
// builtin with one segment: the segment, the stack, the proof-mode sizing.
type builtinBase struct {
	name       string
	included   bool
	base       Relocatable
	stop       Relocatable
	stopSet    bool
	cells      int // cells_per_instance
	inputCells int // n_input_cells
	ratio      int
	ratioDen   int
	dynamic    bool // ratio None
	perComp    int  // instances_per_component
	extraUnits int  // additional_memory_units_per_instance
	// usedOffset is subtracted from the segment's used size (segment_arena
	// starts its base after 3 initial cells).
	usedOffset int
	// noAllocation: the builtin has no trace cells (output, segment_arena):
	// allocated = used, no memory units.
	noAllocation bool
	// verified holds the output cells the rule deduced during the run
	// (their values need no end-of-run check, and their instances' inputs
	// are known to be valid).
	verified offsetSet
	// rule is the builtin's deduction rule, nil when it has none.
	rule func(m *Memory, addr Relocatable) (Value, bool, error)
}

func newBase(name string, def *BuiltinDef, included bool, cells, inputCells int) builtinBase {
	b := builtinBase{name: name, included: included, cells: cells, inputCells: inputCells,
		ratio: def.Ratio, ratioDen: max(def.RatioDen, 1), dynamic: def.DynamicRatio,
		perComp: max(def.InstancesPerComponent, 1)}
	return b
}

// Name is the builtin's name without the _builtin suffix.
func (b *builtinBase) Name() string { return b.name }

// Included reports whether the program declared the builtin.
func (b *builtinBase) Included() bool { return b.included }

// Base is the start of the builtin's segment.
func (b *builtinBase) Base() Relocatable { return b.base }

// InitialStack is [base] when included, nothing otherwise.
func (b *builtinBase) InitialStack() []Value { return b.appendInitialStack(nil) }

// initialStackAppender is a builtin that can append its InitialStack to a
// slice (a runner whose InitialStack differs must not be one).
type initialStackAppender interface{ appendInitialStack(dst []Value) []Value }

func (b *builtinBase) appendInitialStack(dst []Value) []Value {
	if !b.included {
		return dst
	}
	return append(dst, PtrValue(b.base))
}

// CellsPerInstance is the number of cells of one builtin instance.
func (b *builtinBase) CellsPerInstance() int { return b.cells }

// InputCellsPerInstance is the number of input cells (the first cells) of
// an instance; the others are deduced outputs.
func (b *builtinBase) InputCellsPerInstance() int { return b.inputCells }

// UsedCells is the used size of the builtin's segment (cairo-lang's
// get_used_cells): one past its highest written offset.
func (b *builtinBase) UsedCells(m *Memory) int {
	return max(m.UsedSize(b.base.Segment)-b.usedOffset, 0)
}

// UsedInstances is ceil(used cells / cells per instance).
func (b *builtinBase) UsedInstances(m *Memory) int {
	return (b.UsedCells(m) + b.cells - 1) / b.cells
}

// StopPtr returns the stop pointer FinalStack read (the base for a builtin
// the program did not declare); ok is false before FinalStack ran.
func (b *builtinBase) StopPtr() (Relocatable, bool) {
	if !b.included && !b.stopSet {
		return b.base, true
	}
	return b.stop, b.stopSet
}

// FinalStack is cairo-lang's final_stack: when the builtin is included, it
// reads the stop pointer at ptr-1, checks that it points into the
// builtin's segment at base + used instances * cells per instance, and
// returns ptr-1; otherwise the stop pointer is the base and ptr is returned
// unchanged.
func (b *builtinBase) FinalStack(m *Memory, ptr Relocatable) (Relocatable, error) {
	if !b.included {
		b.stop, b.stopSet = b.base, true
		return ptr, nil
	}
	if ptr.Offset < 1 {
		return Relocatable{}, builtinErr(b.name, ptr, ErrBuiltinStopPtr, "No stop pointer for %s below %s.", b.name, ptr)
	}
	at := ptr.Add(-1)
	v := m.Get(at)
	if !v.Known() {
		return Relocatable{}, builtinErr(b.name, at, ErrBuiltinStopPtr,
			"Unknown value for memory cell at address %s (stop pointer of %s).", at, b.name)
	}
	var used int
	if b.noAllocation && b.usedOffset == 0 {
		used = b.UsedCells(m) // output: one cell per instance
	} else {
		used = b.UsedInstances(m) * b.cells
	}
	want := b.base.Add(used)
	if !v.IsPtr() || v.Ptr() != want {
		return Relocatable{}, builtinErr(b.name, at, ErrBuiltinStopPtr,
			"Invalid stop pointer for %s. Expected: %s, found: %s", b.name, want, v)
	}
	b.stop, b.stopSet = v.Ptr(), true
	return at, nil
}

// Ratio returns the layout ratio num/den (steps per instance); (0, 1) for
// builtins without a fixed ratio (output, segment_arena, the dynamic layout
// without parameters) and for ratio 0 (no instances).
func (b *builtinBase) Ratio() (num, den int) {
	if b.noAllocation || b.dynamic {
		return 0, 1
	}
	return b.ratio, b.ratioDen
}

// AllocatedInstances is cairo-lang's get_allocated_instances: the number
// of instances a proof-mode trace of steps steps has room for.
func (b *builtinBase) AllocatedInstances(m *Memory, steps int) (int, error) {
	if b.noAllocation {
		return b.UsedInstances(m), nil
	}
	if b.dynamic {
		needed := (b.UsedInstances(m) + b.perComp - 1) / b.perComp
		comps := 0
		if needed > 0 {
			comps = 1
			for comps < needed {
				comps <<= 1
			}
		}
		return b.perComp * comps, nil
	}
	if b.ratio == 0 {
		return 0, nil
	}
	minSteps := (b.ratio*b.perComp + b.ratioDen - 1) / b.ratioDen
	if steps < minSteps {
		return 0, insufficient("Number of steps must be at least %d for the %s builtin.", minSteps, b.name)
	}
	x := steps * b.ratioDen
	if x%b.ratio != 0 {
		// cairo-lang's safe_div assertion: not an InsufficientAllocatedCells.
		return 0, builtinErr(b.name, b.base, ErrBuiltinRatio, "%d is not divisible by %d.", x, b.ratio)
	}
	return x / b.ratio, nil
}

// AllocatedCells is cairo-lang's get_used_cells_and_allocated_size: the
// size of the builtin's segment in a proof-mode trace of steps steps. The
// error wraps ErrInsufficientAllocatedCells when the builtin used more.
func (b *builtinBase) AllocatedCells(m *Memory, steps int) (int, error) {
	used := b.UsedCells(m)
	if b.noAllocation {
		return used, nil
	}
	n, err := b.AllocatedInstances(m, steps)
	if err != nil {
		return 0, err
	}
	size := b.cells * n
	if used > size {
		return 0, insufficient("The %s builtin used %d cells but the capacity is %d.", b.name, used, size)
	}
	return size, nil
}

// AllocatedMemoryUnits is cairo-lang's get_allocated_memory_units: the
// memory units the builtin takes from the trace (0 for output).
func (b *builtinBase) AllocatedMemoryUnits(m *Memory, steps int) (int, error) {
	if b.noAllocation {
		return 0, nil
	}
	n, err := b.AllocatedInstances(m, steps)
	if err != nil {
		return 0, err
	}
	return (b.cells + b.extraUnits) * n, nil
}

// Finalize is cairo-lang's finalize_segments: in proof mode it fixes the
// segment's size to the allocated size; outside proof mode (where
// cairo-run does not finalize) the size stays the used size.
func (b *builtinBase) Finalize(m *Memory, proofMode bool, steps int) error {
	if !proofMode {
		return nil
	}
	size, err := b.AllocatedCells(m, steps)
	if err != nil {
		return err
	}
	m.Finalize(b.base.Segment, size+b.usedOffset)
	return nil
}

// RangeCheckUsage returns the smallest and largest 16-bit range-check
// parts the builtin's cells use; ok is false when it uses none.
func (b *builtinBase) RangeCheckUsage(m *Memory) (rcMin, rcMax int, ok bool) { return 0, 0, false }

// UsedPermRangeCheckUnits is the number of range-check units the builtin
// uses (range_check: used cells times parts).
func (b *builtinBase) UsedPermRangeCheckUnits(m *Memory, steps int) (int, error) { return 0, nil }

// UsedDilutedCheckUnits is the number of diluted units one instance uses.
func (b *builtinBase) UsedDilutedCheckUnits(spacing, nBits int) int { return 0 }

// wholeSegmentAccounter is a builtin that can say, without calling
// MemoryAccesses, that its accesses are exactly every cell of its own
// segment (accountsWholeSegment), or, when its segment is empty, none at
// all. A runner whose MemoryAccesses does anything else must override
// accountsWholeSegment to return false.
type wholeSegmentAccounter interface{ accountsWholeSegment() bool }

func (b *builtinBase) accountsWholeSegment() bool { return !b.noAllocation }

// MemoryAccesses calls mark for each address the builtin itself accesses
// (cairo-lang's get_memory_accesses), which do not count as memory holes:
// every cell of its segment up to the segment's size.
func (b *builtinBase) MemoryAccesses(m *Memory, mark func(Relocatable)) error {
	if b.noAllocation {
		return nil
	}
	for off := range m.SegmentSize(b.base.Segment) {
		mark(Relocatable{b.base.Segment, off})
	}
	return nil
}

// RunSecurityChecks is cairo-lang's run_security_checks for a simple
// builtin (--secure_run): every instance up to the highest written cell
// has all its input cells, and the rule accepts every unwritten output.
//
// One pass over the segment, reading each cell in place, gathers what the
// three checks need: a long run's builtin segment holds millions of cells,
// and a pass per check, each copying the cells out, was a tenth of a
// bitwise-heavy run. The checks are then reported in cairo-lang's order.
// (A builtin's segment starts at offset 0, as InitSegments makes it.)
func (b *builtinBase) RunSecurityChecks(m *Memory) error {
	if b.noAllocation {
		return nil
	}
	seg := b.base.Segment
	count, maxOff := 0, -1
	// missing holds the first unknown input cells, ascending: 21 are
	// enough to tell "more than 20".
	var missing []int
	// cairo-lang runs the rule on every unknown output cell and discards the
	// value: only its errors matter, and they depend on the instance's
	// inputs alone, so one call per instance (the first unknown output, the
	// one cairo-lang would fail on first) decides the same. An instance
	// with a deduced output already passed the rule.
	var ruleErr error
	ruleErrAt := 0
	end := m.UsedSize(seg)
	for first := 0; first < end; first += b.cells {
		deduced, unknownOut := false, -1
		for j := range b.cells {
			off := first + j
			switch {
			case cellKnown(m, seg, off):
				count++
				maxOff = off
			case j < b.inputCells:
				if len(missing) <= 20 {
					missing = append(missing, off)
				}
			case unknownOut < 0:
				unknownOut = off
			}
			if j >= b.inputCells && b.verified.has(off) {
				deduced = true
			}
		}
		if b.rule != nil && ruleErr == nil && !deduced && unknownOut >= 0 {
			_, _, ruleErr = b.rule(m, Relocatable{seg, unknownOut})
			ruleErrAt = first
		}
	}
	n := 0
	if count > 0 {
		n = maxOff/b.cells + 1
	}
	if n > count/b.inputCells {
		return builtinErr(b.name, b.base, ErrMissingBuiltinCells, "Missing memory cells for %s.", b.name)
	}
	// Only the instances up to the highest written cell must be complete.
	var names []string
	for _, off := range missing {
		if off < n*b.cells {
			names = append(names, fmt.Sprint(off))
		}
	}
	if len(names) > 0 {
		dots := "."
		if len(names) > 20 {
			dots = "..."
			names = names[:20]
		}
		return builtinErr(b.name, b.base, ErrMissingBuiltinCells, "Missing memory cells for %s: %s%s",
			b.name, strings.Join(names, ", "), dots)
	}
	if ruleErr != nil && ruleErrAt < n*b.cells {
		return ruleErr
	}
	return nil
}

// VerifyAutoDeductions is the builtin's part of cairo-lang's
// verify_auto_deductions (end of run): every written output cell must hold
// what the rule deduces from the inputs. The cells the rule itself deduced
// during the run (b.verified) need no check, and they are skipped before
// the cell is read: in a bitwise-heavy run nearly every output is one of
// them, and reading millions of cells only to skip them was most of the
// cost. Cells are visited in ascending order of offset, so the first
// failing cell is the one cairo-lang reports.
func (b *builtinBase) VerifyAutoDeductions(m *Memory) error {
	if b.rule == nil {
		return nil
	}
	seg := b.base.Segment
	end := m.UsedSize(seg)
	for first := b.base.Offset; first < end; first += b.cells {
		for off := first + b.inputCells; off < min(first+b.cells, end); off++ {
			if b.verified.has(off) {
				continue
			}
			c := m.CellPtr(seg, off)
			if c == nil || c.kind&kindMask == kindUnknown {
				continue
			}
			cur := *c
			cur.kind &= kindMask
			addr := Relocatable{seg, off}
			v, ok, err := b.rule(m, addr)
			if err != nil {
				return err
			}
			if ok && !v.Equal(cur) {
				return builtinErr(b.name, addr, ErrInconsistentAutoDeduction,
					"Inconsistent auto deduction rule at address %s. %s != %s.", addr, cur, v)
			}
		}
	}
	return nil
}

// cellKnown reports whether the cell at (seg, off) of a real segment is
// known, without copying it out; a missing segment or cell is unknown.
func cellKnown(m *Memory, seg, off int) bool {
	c := m.CellPtr(seg, off)
	return c != nil && c.kind&kindMask != kindUnknown
}

// offsetSet is a bitset of segment offsets. Builtin segments are dense
// from offset 0, so a flat, doubling bitmap is both the smallest and the
// fastest form.
type offsetSet struct{ words []uint64 }

func (s *offsetSet) add(off int) {
	if off < 0 {
		return
	}
	w := off >> 6
	if w >= len(s.words) {
		grown := make([]uint64, max(64, 2*len(s.words), w+1))
		copy(grown, s.words)
		s.words = grown
	}
	s.words[w] |= 1 << (off & 63)
}

func (s *offsetSet) has(off int) bool {
	w := off >> 6
	return off >= 0 && w < len(s.words) && s.words[w]&(1<<(off&63)) != 0
}

// VerifyAutoDeductions runs every builtin's end-of-run check (cairo-lang's
// vm.end_run verify_auto_deductions), in order.
func VerifyAutoDeductions(m *Memory, builtins []Builtin) error {
	for _, b := range builtins {
		if err := b.VerifyAutoDeductions(m); err != nil {
			return err
		}
	}
	return nil
}
