package class

// Hint is one Cairo 1 hint of a class, parsed at load time from
// cairo-lang-casm's structured JSON form (crates/cairo-lang-casm/src/hints/
// mod.rs in starkware-libs/cairo). The concrete values are pointers to the
// types below (*TestLessThan, *SystemCall, ...), one type per variant of
// CoreHint, DeprecatedHint, StarknetHint and ExternalHint; an executor
// switches on the type. Inputs are ResOperands, outputs CellRefs; the json
// tags are the field names of the JSON form.
//
// The comments say what each hint computes, summarising the Python code that
// cairo-lang-casm generates for it (the class's pythonic_hints), which is
// what cairo-lang runs. Nothing here executes a hint.
type Hint interface {
	// Name is the variant's name as the JSON spells it ("TestLessThan").
	Name() string
}

// Core hints (cairo-lang-casm CoreHint).

// AllocSegment writes the start of a new memory segment to Dst.
type AllocSegment struct {
	Dst CellRef `json:"dst"`
}

// TestLessThan writes 1 to Dst if LHS < RHS (as integers below P), else 0.
type TestLessThan struct {
	LHS ResOperand `json:"lhs"`
	RHS ResOperand `json:"rhs"`
	Dst CellRef    `json:"dst"`
}

// TestLessThanOrEqual writes 1 to Dst if LHS <= RHS, else 0.
type TestLessThanOrEqual struct {
	LHS ResOperand `json:"lhs"`
	RHS ResOperand `json:"rhs"`
	Dst CellRef    `json:"dst"`
}

// TestLessThanOrEqualAddress is TestLessThanOrEqual on two relocatable
// addresses (of one segment): it writes 1 to Dst if LHS <= RHS, else 0.
type TestLessThanOrEqualAddress struct {
	LHS ResOperand `json:"lhs"`
	RHS ResOperand `json:"rhs"`
	Dst CellRef    `json:"dst"`
}

// WideMul128 multiplies two 128-bit values and writes the product's high
// and low 128 bits.
type WideMul128 struct {
	LHS  ResOperand `json:"lhs"`
	RHS  ResOperand `json:"rhs"`
	High CellRef    `json:"high"`
	Low  CellRef    `json:"low"`
}

// DivMod writes LHS / RHS and LHS % RHS (integer division). It may write a
// cell that is already assigned.
type DivMod struct {
	LHS       ResOperand `json:"lhs"`
	RHS       ResOperand `json:"rhs"`
	Quotient  CellRef    `json:"quotient"`
	Remainder CellRef    `json:"remainder"`
}

// Uint256DivMod divides a u256 by a u256, each as two 128-bit limbs (limb 0
// least significant), and writes quotient and remainder as two limbs each.
type Uint256DivMod struct {
	Dividend0  ResOperand `json:"dividend0"`
	Dividend1  ResOperand `json:"dividend1"`
	Divisor0   ResOperand `json:"divisor0"`
	Divisor1   ResOperand `json:"divisor1"`
	Quotient0  CellRef    `json:"quotient0"`
	Quotient1  CellRef    `json:"quotient1"`
	Remainder0 CellRef    `json:"remainder0"`
	Remainder1 CellRef    `json:"remainder1"`
}

// Uint512DivModByUint256 divides a u512 (four 128-bit limbs) by a u256 (two
// limbs) and writes the quotient (four limbs) and remainder (two limbs);
// limb 0 is least significant.
type Uint512DivModByUint256 struct {
	Dividend0  ResOperand `json:"dividend0"`
	Dividend1  ResOperand `json:"dividend1"`
	Dividend2  ResOperand `json:"dividend2"`
	Dividend3  ResOperand `json:"dividend3"`
	Divisor0   ResOperand `json:"divisor0"`
	Divisor1   ResOperand `json:"divisor1"`
	Quotient0  CellRef    `json:"quotient0"`
	Quotient1  CellRef    `json:"quotient1"`
	Quotient2  CellRef    `json:"quotient2"`
	Quotient3  CellRef    `json:"quotient3"`
	Remainder0 CellRef    `json:"remainder0"`
	Remainder1 CellRef    `json:"remainder1"`
}

// SquareRoot writes isqrt(Value) to Dst.
type SquareRoot struct {
	Value ResOperand `json:"value"`
	Dst   CellRef    `json:"dst"`
}

// Uint256SquareRoot takes value = ValueLow + ValueHigh*2^128 and writes
// root = isqrt(value) as two 64-bit limbs (Sqrt0 low, Sqrt1 = root >> 64),
// remainder = value - root^2 as two 128-bit limbs, and whether
// 2*root - remainder >= 2^128.
type Uint256SquareRoot struct {
	ValueLow                     ResOperand `json:"value_low"`
	ValueHigh                    ResOperand `json:"value_high"`
	Sqrt0                        CellRef    `json:"sqrt0"`
	Sqrt1                        CellRef    `json:"sqrt1"`
	RemainderLow                 CellRef    `json:"remainder_low"`
	RemainderHigh                CellRef    `json:"remainder_high"`
	SqrtMul2MinusRemainderGeU128 CellRef    `json:"sqrt_mul_2_minus_remainder_ge_u128"`
}

// LinearSplit finds x = min(Value / Scalar, MaxX) and y = Value - x*Scalar,
// so that x*Scalar + y = Value and x <= MaxX, and writes them to X and Y.
type LinearSplit struct {
	Value  ResOperand `json:"value"`
	Scalar ResOperand `json:"scalar"`
	MaxX   ResOperand `json:"max_x"`
	X      CellRef    `json:"x"`
	Y      CellRef    `json:"y"`
}

// AllocFelt252Dict allocates a new dict segment and records its start in the
// segment arena's dict_infos (the dict manager's new dict).
type AllocFelt252Dict struct {
	SegmentArenaPtr ResOperand `json:"segment_arena_ptr"`
}

// Felt252DictEntryInit starts a dict access at DictPtr (the dict's current
// end): it advances the dict tracker by one access (3 cells) and writes the
// current value of Key (0 if absent) to [DictPtr + 1], the access's previous
// value.
type Felt252DictEntryInit struct {
	DictPtr ResOperand `json:"dict_ptr"`
	Key     ResOperand `json:"key"`
}

// Felt252DictEntryUpdate sets, in the dict manager, the key of the access
// that ends at DictPtr (the key at [DictPtr - 3]) to Value.
type Felt252DictEntryUpdate struct {
	DictPtr ResOperand `json:"dict_ptr"`
	Value   ResOperand `json:"value"`
}

// GetSegmentArenaIndex writes to DictIndex the index in the segment arena's
// dict_infos of the dict whose end pointer is DictEndPtr.
type GetSegmentArenaIndex struct {
	DictEndPtr ResOperand `json:"dict_end_ptr"`
	DictIndex  CellRef    `json:"dict_index"`
}

// InitSquashData prepares squash_dict: it groups the NAccesses dict accesses
// starting at DictAccesses by key (PtrDiff must be a multiple of 3, the
// DictAccess size), keeps the keys in descending order, writes whether the
// largest key is at least the range-check bound (2^128) to BigKeys and pops
// the smallest key into FirstKey.
type InitSquashData struct {
	DictAccesses ResOperand `json:"dict_accesses"`
	PtrDiff      ResOperand `json:"ptr_diff"`
	NAccesses    ResOperand `json:"n_accesses"`
	BigKeys      CellRef    `json:"big_keys"`
	FirstKey     CellRef    `json:"first_key"`
}

// GetCurrentAccessIndex pops the smallest access index of the current key
// and writes it to [RangeCheckPtr].
type GetCurrentAccessIndex struct {
	RangeCheckPtr ResOperand `json:"range_check_ptr"`
}

// ShouldSkipSquashLoop writes 1 to ShouldSkipLoop if the current key has no
// access indices left, else 0.
type ShouldSkipSquashLoop struct {
	ShouldSkipLoop CellRef `json:"should_skip_loop"`
}

// GetCurrentAccessDelta pops the next access index of the current key and
// writes (new index - current index - 1) to IndexDeltaMinus1.
type GetCurrentAccessDelta struct {
	IndexDeltaMinus1 CellRef `json:"index_delta_minus1"`
}

// ShouldContinueSquashLoop writes 1 to ShouldContinue if the current key has
// access indices left, else 0.
type ShouldContinueSquashLoop struct {
	ShouldContinue CellRef `json:"should_continue"`
}

// GetNextDictKey pops the next key to squash into NextKey (an error if there
// is none).
type GetNextDictKey struct {
	NextKey CellRef `json:"next_key"`
}

// AssertLeFindSmallArcs, for A <= B, sorts the arcs (0,A), (A,B), (B,P-1) by
// length, remembers which one is excluded (the longest), and writes the
// shortest as divmod by ceil(P/3 / 2^128) to [RangeCheckPtr+1],
// [RangeCheckPtr+0] and the second as divmod by ceil(P/2 / 2^128) to
// [RangeCheckPtr+3], [RangeCheckPtr+2].
type AssertLeFindSmallArcs struct {
	RangeCheckPtr ResOperand `json:"range_check_ptr"`
	A             ResOperand `json:"a"`
	B             ResOperand `json:"b"`
}

// AssertLeIsFirstArcExcluded writes 1 to SkipExcludeAFlag unless the arc
// (0,a) was the excluded one (then 0).
type AssertLeIsFirstArcExcluded struct {
	SkipExcludeAFlag CellRef `json:"skip_exclude_a_flag"`
}

// AssertLeIsSecondArcExcluded writes 1 to SkipExcludeBMinusA unless the arc
// (a,b) was the excluded one (then 0).
type AssertLeIsSecondArcExcluded struct {
	SkipExcludeBMinusA CellRef `json:"skip_exclude_b_minus_a"`
}

// RandomEcPoint writes a random point of the STARK curve to X and Y.
type RandomEcPoint struct {
	X CellRef `json:"x"`
	Y CellRef `json:"y"`
}

// FieldSqrt writes a square root of Val if Val is a quadratic residue, else
// of 3*Val (3 is a non-residue, so exactly one of the two is a residue
// unless Val is 0).
type FieldSqrt struct {
	Val  ResOperand `json:"val"`
	Sqrt CellRef    `json:"sqrt"`
}

// DebugPrint prints the felts from address Start up to End (in hex).
type DebugPrint struct {
	Start ResOperand `json:"start"`
	End   ResOperand `json:"end"`
}

// AllocConstantSize writes to Dst an address with Size free cells after it,
// carved from one shared segment allocated on first use.
type AllocConstantSize struct {
	Size ResOperand `json:"size"`
	Dst  CellRef    `json:"dst"`
}

// U256InvModN gives the inverse of b = B0 + B1*2^128 modulo
// n = N0 + N1*2^128, or a proof that there is none. With an inverse r it
// writes G0OrNoInv = 0, r into SOrR0/SOrR1 and k = (r*b - 1)/n into
// TOrK0/TOrK1. Without one it writes g = gcd (2 if g is even) into
// G0OrNoInv/G1Option, s = b/g and t = n/g; n = 1 counts as no inverse with
// g = 1, s = b, t = 1. All values are written as 128-bit limbs.
type U256InvModN struct {
	B0        ResOperand `json:"b0"`
	B1        ResOperand `json:"b1"`
	N0        ResOperand `json:"n0"`
	N1        ResOperand `json:"n1"`
	G0OrNoInv CellRef    `json:"g0_or_no_inv"`
	G1Option  CellRef    `json:"g1_option"`
	SOrR0     CellRef    `json:"s_or_r0"`
	SOrR1     CellRef    `json:"s_or_r1"`
	TOrK0     CellRef    `json:"t_or_k0"`
	TOrK1     CellRef    `json:"t_or_k1"`
}

// EvalCircuit fills the memory of NAddMods add_mod and NMulMods mul_mod
// builtin instances starting at AddModBuiltin and MulModBuiltin
// (cairo-lang's ModBuiltinRunner.fill_memory).
type EvalCircuit struct {
	NAddMods      ResOperand `json:"n_add_mods"`
	AddModBuiltin ResOperand `json:"add_mod_builtin"`
	NMulMods      ResOperand `json:"n_mul_mods"`
	MulModBuiltin ResOperand `json:"mul_mod_builtin"`
}

// Deprecated hints (cairo-lang-casm DeprecatedHint): kept because classes
// compiled by early Cairo 1 compilers are deployed with them.

// AssertCurrentAccessIndicesIsEmpty asserts that the current key has no
// access indices left. Its JSON form is the bare string.
type AssertCurrentAccessIndicesIsEmpty struct{}

// AssertAllAccessesUsed asserts that NUsedAccesses equals the number of
// accesses of the current key.
type AssertAllAccessesUsed struct {
	NUsedAccesses CellRef `json:"n_used_accesses"`
}

// AssertAllKeysUsed asserts that no keys are left to squash. Its JSON form
// is the bare string.
type AssertAllKeysUsed struct{}

// AssertLeAssertThirdArcExcluded asserts that the arc (b, P) was the
// excluded one. Its JSON form is the bare string.
type AssertLeAssertThirdArcExcluded struct{}

// AssertLtAssertValidInput asserts that A and B are integers and A < B.
type AssertLtAssertValidInput struct {
	A ResOperand `json:"a"`
	B ResOperand `json:"b"`
}

// Felt252DictRead writes the value of Key in the dict at DictPtr to
// ValueDst.
type Felt252DictRead struct {
	DictPtr  ResOperand `json:"dict_ptr"`
	Key      ResOperand `json:"key"`
	ValueDst CellRef    `json:"value_dst"`
}

// Felt252DictWrite sets Key to Value in the dict at DictPtr.
type Felt252DictWrite struct {
	DictPtr ResOperand `json:"dict_ptr"`
	Key     ResOperand `json:"key"`
	Value   ResOperand `json:"value"`
}

// Starknet hints (cairo-lang-casm StarknetHint).

// SystemCall executes the syscall whose request starts at address System
// (syscall_handler.syscall(syscall_ptr=System)).
type SystemCall struct {
	System ResOperand `json:"system"`
}

// Cheatcode is a test-runner hint (snforge and the like); Starknet itself
// does not run it (its Python form raises NotImplementedError). Selector
// names the cheatcode, the input is the felts from InputStart to InputEnd,
// and the output range is written to OutputStart and OutputEnd.
type Cheatcode struct {
	Selector    Immediate  `json:"selector"`
	InputStart  ResOperand `json:"input_start"`
	InputEnd    ResOperand `json:"input_end"`
	OutputStart CellRef    `json:"output_start"`
	OutputEnd   CellRef    `json:"output_end"`
}

// External hints (cairo-lang-casm ExternalHint): emitted for programs run
// outside Starknet (cairo-run wrappers), never in a contract class, but part
// of the same JSON form.

// AddRelocationRule relocates the segment at Src to Dst.
type AddRelocationRule struct {
	Src ResOperand `json:"src"`
	Dst ResOperand `json:"dst"`
}

// WriteRunParam writes the run argument numbered Index to Dst and onward.
type WriteRunParam struct {
	Index ResOperand `json:"index"`
	Dst   CellRef    `json:"dst"`
}

// AddMarker records an array marker (Start to End) for debugging.
type AddMarker struct {
	Start ResOperand `json:"start"`
	End   ResOperand `json:"end"`
}

// AddTrace records a trace call with Flag for debugging.
type AddTrace struct {
	Flag ResOperand `json:"flag"`
}

// The Name methods have pointer receivers, so that only pointers are Hints
// and a type switch has one case per kind.

// Name returns "AllocSegment".
func (*AllocSegment) Name() string { return "AllocSegment" }

// Name returns "TestLessThan".
func (*TestLessThan) Name() string { return "TestLessThan" }

// Name returns "TestLessThanOrEqual".
func (*TestLessThanOrEqual) Name() string { return "TestLessThanOrEqual" }

// Name returns "TestLessThanOrEqualAddress".
func (*TestLessThanOrEqualAddress) Name() string { return "TestLessThanOrEqualAddress" }

// Name returns "WideMul128".
func (*WideMul128) Name() string { return "WideMul128" }

// Name returns "DivMod".
func (*DivMod) Name() string { return "DivMod" }

// Name returns "Uint256DivMod".
func (*Uint256DivMod) Name() string { return "Uint256DivMod" }

// Name returns "Uint512DivModByUint256".
func (*Uint512DivModByUint256) Name() string { return "Uint512DivModByUint256" }

// Name returns "SquareRoot".
func (*SquareRoot) Name() string { return "SquareRoot" }

// Name returns "Uint256SquareRoot".
func (*Uint256SquareRoot) Name() string { return "Uint256SquareRoot" }

// Name returns "LinearSplit".
func (*LinearSplit) Name() string { return "LinearSplit" }

// Name returns "AllocFelt252Dict".
func (*AllocFelt252Dict) Name() string { return "AllocFelt252Dict" }

// Name returns "Felt252DictEntryInit".
func (*Felt252DictEntryInit) Name() string { return "Felt252DictEntryInit" }

// Name returns "Felt252DictEntryUpdate".
func (*Felt252DictEntryUpdate) Name() string { return "Felt252DictEntryUpdate" }

// Name returns "GetSegmentArenaIndex".
func (*GetSegmentArenaIndex) Name() string { return "GetSegmentArenaIndex" }

// Name returns "InitSquashData".
func (*InitSquashData) Name() string { return "InitSquashData" }

// Name returns "GetCurrentAccessIndex".
func (*GetCurrentAccessIndex) Name() string { return "GetCurrentAccessIndex" }

// Name returns "ShouldSkipSquashLoop".
func (*ShouldSkipSquashLoop) Name() string { return "ShouldSkipSquashLoop" }

// Name returns "GetCurrentAccessDelta".
func (*GetCurrentAccessDelta) Name() string { return "GetCurrentAccessDelta" }

// Name returns "ShouldContinueSquashLoop".
func (*ShouldContinueSquashLoop) Name() string { return "ShouldContinueSquashLoop" }

// Name returns "GetNextDictKey".
func (*GetNextDictKey) Name() string { return "GetNextDictKey" }

// Name returns "AssertLeFindSmallArcs".
func (*AssertLeFindSmallArcs) Name() string { return "AssertLeFindSmallArcs" }

// Name returns "AssertLeIsFirstArcExcluded".
func (*AssertLeIsFirstArcExcluded) Name() string { return "AssertLeIsFirstArcExcluded" }

// Name returns "AssertLeIsSecondArcExcluded".
func (*AssertLeIsSecondArcExcluded) Name() string { return "AssertLeIsSecondArcExcluded" }

// Name returns "RandomEcPoint".
func (*RandomEcPoint) Name() string { return "RandomEcPoint" }

// Name returns "FieldSqrt".
func (*FieldSqrt) Name() string { return "FieldSqrt" }

// Name returns "DebugPrint".
func (*DebugPrint) Name() string { return "DebugPrint" }

// Name returns "AllocConstantSize".
func (*AllocConstantSize) Name() string { return "AllocConstantSize" }

// Name returns "U256InvModN".
func (*U256InvModN) Name() string { return "U256InvModN" }

// Name returns "EvalCircuit".
func (*EvalCircuit) Name() string { return "EvalCircuit" }

// Name returns "AssertCurrentAccessIndicesIsEmpty".
func (*AssertCurrentAccessIndicesIsEmpty) Name() string { return "AssertCurrentAccessIndicesIsEmpty" }

// Name returns "AssertAllAccessesUsed".
func (*AssertAllAccessesUsed) Name() string { return "AssertAllAccessesUsed" }

// Name returns "AssertAllKeysUsed".
func (*AssertAllKeysUsed) Name() string { return "AssertAllKeysUsed" }

// Name returns "AssertLeAssertThirdArcExcluded".
func (*AssertLeAssertThirdArcExcluded) Name() string { return "AssertLeAssertThirdArcExcluded" }

// Name returns "AssertLtAssertValidInput".
func (*AssertLtAssertValidInput) Name() string { return "AssertLtAssertValidInput" }

// Name returns "Felt252DictRead".
func (*Felt252DictRead) Name() string { return "Felt252DictRead" }

// Name returns "Felt252DictWrite".
func (*Felt252DictWrite) Name() string { return "Felt252DictWrite" }

// Name returns "SystemCall".
func (*SystemCall) Name() string { return "SystemCall" }

// Name returns "Cheatcode".
func (*Cheatcode) Name() string { return "Cheatcode" }

// Name returns "AddRelocationRule".
func (*AddRelocationRule) Name() string { return "AddRelocationRule" }

// Name returns "WriteRunParam".
func (*WriteRunParam) Name() string { return "WriteRunParam" }

// Name returns "AddMarker".
func (*AddMarker) Name() string { return "AddMarker" }

// Name returns "AddTrace".
func (*AddTrace) Name() string { return "AddTrace" }
