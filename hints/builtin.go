package hints

import (
	"errors"
	"fmt"
	"math/big"
	"sort"

	"github.com/cairn-vm/cairn/vm"
)

// builtinHint is one entry of the Default registry.
type builtinHint struct {
	name string
	code string
	fn   Func
}

// builtinHints are cairo-lang's common-library hints implemented here, with
// their code exactly as cairo-compile stores it.
var builtinHints = []builtinHint{
	{"alloc", codeAlloc, hintAlloc},
	{"vm_enter_scope", codeEnterScope, hintEnterScope},
	{"vm_exit_scope", codeExitScope, hintExitScope},
	{"memcpy_enter_scope", codeMemcpyEnterScope, enterScopeN("len")},
	{"memcpy_continue_copying", codeMemcpyContinue, loopStep("continue_copying")},
	{"memset_enter_scope", codeMemsetEnterScope, enterScopeN("n")},
	{"memset_continue_loop", codeMemsetContinue, loopStep("continue_loop")},
	{"assert_nn", codeAssertNN, hintAssertNN},
	{"assert_not_zero", codeAssertNotZero, hintAssertNotZero},
	{"assert_not_equal", codeAssertNotEqual, hintAssertNotEqual},
	{"assert_lt_felt", codeAssertLtFelt, hintAssertLtFelt},
	{"assert_le_felt_v0", codeAssertLeFeltV0, hintAssertLeFeltV0},
	{"assert_le_felt_small_inputs", codeAssertLeFeltSmall, hintAssertLeFeltSmall},
	{"assert_le_felt", codeAssertLeFelt, hintAssertLeFelt},
	{"assert_le_felt_excluded_0", codeExcluded0, hintExcluded(0)},
	{"assert_le_felt_excluded_1", codeExcluded1, hintExcluded(1)},
	{"assert_le_felt_excluded_2", codeExcluded2, hintExcluded2},
	{"is_nn", codeIsNN, hintIsNN},
	{"is_nn_out_of_range", codeIsNNOutOfRange, hintIsNNOutOfRange},
	{"is_le_felt", codeIsLeFelt, hintIsLeFelt},
	{"is_positive", codeIsPositive, hintIsPositive},
	{"unsigned_div_rem", codeUnsignedDivRem, hintUnsignedDivRem},
	{"signed_div_rem", codeSignedDivRem, hintSignedDivRem},
	{"split_felt", codeSplitFelt, hintSplitFelt},
	{"assert_250_bit", codeAssert250Bit, hintAssert250Bit},
	{"sqrt", codeSqrt, hintSqrt},
	{"split_int", codeSplitInt, hintSplitInt},
	{"split_int_assert_range", codeSplitIntAssertRange, hintSplitIntAssertRange},
	{"find_element", codeFindElement, hintFindElement},
	{"search_sorted_lower", codeSearchSortedLower, hintSearchSorted(false)},
	{"search_sorted_optimistic", codeSearchSortedOptimistic, hintSearchSorted(true)},
}

// pyStr formats a memory value as Python's str() does for cairo-lang's
// values: a felt as its integer in [0, PRIME), a relocatable as seg:off.
func pyStr(v vm.Value) string {
	if v.IsFelt() {
		return feltBig(v).String()
	}
	return v.String()
}

// boolValue is 1 or 0 as a felt.
func boolValue(b bool) vm.Value {
	if b {
		return vm.IntValue(1)
	}
	return vm.IntValue(0)
}

// integer reads ids.name and applies assert_integer.
func (c *Context) integer(name string) (vm.Value, error) {
	var v vm.Value
	if err := c.getInto(name, &v); err != nil {
		return vm.Value{}, err
	}
	if !v.IsFelt() {
		return vm.Value{}, expectedInteger(v)
	}
	return v, nil
}

// --- alloc.cairo -----------------------------------------------------------

const codeAlloc = "memory[ap] = segments.add()"

func hintAlloc(c *Context) error {
	return c.WriteAP(vm.PtrValue(c.Mem().AddSegment()))
}

// --- scopes, memcpy.cairo, memset.cairo -------------------------------------

const (
	codeEnterScope       = "vm_enter_scope()"
	codeExitScope        = "vm_exit_scope()"
	codeMemcpyEnterScope = "vm_enter_scope({'n': ids.len})"
	codeMemcpyContinue   = "n -= 1\nids.continue_copying = 1 if n > 0 else 0"
	codeMemsetEnterScope = "vm_enter_scope({'n': ids.n})"
	codeMemsetContinue   = "n -= 1\nids.continue_loop = 1 if n > 0 else 0"
)

func hintEnterScope(c *Context) error { c.EnterScope(nil); return nil }

func hintExitScope(c *Context) error {
	if err := c.ExitScope(); err != nil {
		return errors.New("Cannot exit main scope.")
	}
	return nil
}

// scopeValue converts a memory value to the scope representation of a
// Python value: *big.Int for integers, vm.Relocatable for addresses.
func scopeValue(v vm.Value) any {
	if v.IsPtr() {
		return v.Ptr()
	}
	return feltBig(v)
}

// enterScopeN is vm_enter_scope({'n': ids.<name>}).
func enterScopeN(name string) Func {
	return func(c *Context) error {
		v, err := c.Get(name)
		if err != nil {
			return err
		}
		c.EnterScope(map[string]any{"n": scopeValue(v)})
		return nil
	}
}

// loopStep is "n -= 1; ids.<flag> = 1 if n > 0 else 0".
func loopStep(flag string) Func {
	return func(c *Context) error {
		n, err := c.ScopeInt("n")
		if err != nil {
			return err
		}
		n = new(big.Int).Sub(n, big.NewInt(1))
		c.ScopeSet("n", n)
		return c.Set(flag, boolValue(n.Sign() > 0))
	}
}

// --- math.cairo --------------------------------------------------------------

const codeAssertNN = `from starkware.cairo.common.math_utils import assert_integer
assert_integer(ids.a)
assert 0 <= ids.a % PRIME < range_check_builtin.bound, f'a = {ids.a} is out of range.'`

func hintAssertNN(c *Context) error {
	a, err := c.integer("a")
	if err != nil {
		return err
	}
	f := a.Felt()
	if !feltBelow2_128(&f) {
		return fmt.Errorf("a = %s is out of range.", pyStr(a))
	}
	return nil
}

const codeAssertNotZero = `from starkware.cairo.common.math_utils import assert_integer
assert_integer(ids.value)
assert ids.value % PRIME != 0, f'assert_not_zero failed: {ids.value} = 0.'`

func hintAssertNotZero(c *Context) error {
	v, err := c.integer("value")
	if err != nil {
		return err
	}
	if v.IsZero() {
		return fmt.Errorf("assert_not_zero failed: %s = 0.", pyStr(v))
	}
	return nil
}

const codeAssertNotEqual = `from starkware.cairo.lang.vm.relocatable import RelocatableValue
both_ints = isinstance(ids.a, int) and isinstance(ids.b, int)
both_relocatable = (
    isinstance(ids.a, RelocatableValue) and isinstance(ids.b, RelocatableValue) and
    ids.a.segment_index == ids.b.segment_index)
assert both_ints or both_relocatable, \
    f'assert_not_equal failed: non-comparable values: {ids.a}, {ids.b}.'
assert (ids.a - ids.b) % PRIME != 0, f'assert_not_equal failed: {ids.a} = {ids.b}.'`

func hintAssertNotEqual(c *Context) error {
	a, err := c.Get("a")
	if err != nil {
		return err
	}
	b, err := c.Get("b")
	if err != nil {
		return err
	}
	bothInts := a.IsFelt() && b.IsFelt()
	bothPtrs := a.IsPtr() && b.IsPtr() && a.Ptr().Segment == b.Ptr().Segment
	if !bothInts && !bothPtrs {
		return fmt.Errorf("assert_not_equal failed: non-comparable values: %s, %s.", pyStr(a), pyStr(b))
	}
	// Offsets of one segment differ by less than PRIME, so (a - b) % PRIME
	// is zero exactly when the values are equal.
	if a.Equal(b) {
		return fmt.Errorf("assert_not_equal failed: %s = %s.", pyStr(a), pyStr(b))
	}
	return nil
}

const codeAssertLtFelt = `from starkware.cairo.common.math_utils import assert_integer
assert_integer(ids.a)
assert_integer(ids.b)
assert (ids.a % PRIME) < (ids.b % PRIME), \
    f'a = {ids.a % PRIME} is not less than b = {ids.b % PRIME}.'`

// twoIntegers reads ids.a and ids.b with assert_integer on both.
func (c *Context) twoIntegers() (a, b vm.Value, err error) {
	if a, err = c.integer("a"); err != nil {
		return
	}
	b, err = c.integer("b")
	return
}

func hintAssertLtFelt(c *Context) error {
	a, b, err := c.twoIntegers()
	if err != nil {
		return err
	}
	if !pyLess(a, b) {
		return fmt.Errorf("a = %s is not less than b = %s.", pyStr(a), pyStr(b))
	}
	return nil
}

const codeAssertLeFeltV0 = `from starkware.cairo.common.math_utils import assert_integer
assert_integer(ids.a)
assert_integer(ids.b)
assert (ids.a % PRIME) <= (ids.b % PRIME), \
    f'a = {ids.a % PRIME} is not less than or equal to b = {ids.b % PRIME}.'`

func hintAssertLeFeltV0(c *Context) error {
	a, b, err := c.twoIntegers()
	if err != nil {
		return err
	}
	if pyLess(b, a) {
		return fmt.Errorf("a = %s is not less than or equal to b = %s.", pyStr(a), pyStr(b))
	}
	return nil
}

const codeAssertLeFeltSmall = `from starkware.cairo.common.math_utils import assert_integer
assert_integer(ids.a)
assert_integer(ids.b)
a = ids.a % PRIME
b = ids.b % PRIME
assert a <= b, f'a = {a} is not less than or equal to b = {b}.'

ids.small_inputs = int(
    a < range_check_builtin.bound and (b - a) < range_check_builtin.bound)`

func hintAssertLeFeltSmall(c *Context) error {
	a, b, err := c.twoIntegers()
	if err != nil {
		return err
	}
	if pyLess(b, a) {
		return fmt.Errorf("a = %s is not less than or equal to b = %s.", pyStr(a), pyStr(b))
	}
	fa, fb := a.Felt(), b.Felt()
	d := fb
	d.Sub(&d, &fa) // b - a, not negative since a <= b
	return c.Set("small_inputs", boolValue(feltBelow2_128(&fa) && feltBelow2_128(&d)))
}

const codeAssertLeFelt = `import itertools

from starkware.cairo.common.math_utils import assert_integer
assert_integer(ids.a)
assert_integer(ids.b)
a = ids.a % PRIME
b = ids.b % PRIME
assert a <= b, f'a = {a} is not less than or equal to b = {b}.'

# Find an arc less than PRIME / 3, and another less than PRIME / 2.
lengths_and_indices = [(a, 0), (b - a, 1), (PRIME - 1 - b, 2)]
lengths_and_indices.sort()
assert lengths_and_indices[0][0] <= PRIME // 3 and lengths_and_indices[1][0] <= PRIME // 2
excluded = lengths_and_indices[2][1]

memory[ids.range_check_ptr + 1], memory[ids.range_check_ptr + 0] = (
    divmod(lengths_and_indices[0][0], ids.PRIME_OVER_3_HIGH))
memory[ids.range_check_ptr + 3], memory[ids.range_check_ptr + 2] = (
    divmod(lengths_and_indices[1][0], ids.PRIME_OVER_2_HIGH))`

type arc struct {
	length *big.Int
	index  int
}

func hintAssertLeFelt(c *Context) error {
	av, bv, err := c.twoIntegers()
	if err != nil {
		return err
	}
	if pyLess(bv, av) {
		return fmt.Errorf("a = %s is not less than or equal to b = %s.", pyStr(av), pyStr(bv))
	}
	a, b := feltBig(av), feltBig(bv)
	arcs := []arc{
		{a, 0},
		{new(big.Int).Sub(b, a), 1},
		{new(big.Int).Sub(new(big.Int).Sub(primeBig, big.NewInt(1)), b), 2},
	}
	sort.Slice(arcs, func(i, j int) bool {
		if d := arcs[i].length.Cmp(arcs[j].length); d != 0 {
			return d < 0
		}
		return arcs[i].index < arcs[j].index
	})
	third := new(big.Int).Quo(primeBig, big.NewInt(3))
	if arcs[0].length.Cmp(third) > 0 || arcs[1].length.Cmp(halfPrime) > 0 {
		return errors.New("AssertionError: lengths_and_indices[0][0] <= PRIME // 3 and lengths_and_indices[1][0] <= PRIME // 2")
	}
	c.ScopeSet("excluded", big.NewInt(int64(arcs[2].index)))
	rc, err := c.Get("range_check_ptr")
	if err != nil {
		return err
	}
	if !rc.IsPtr() {
		return fmt.Errorf("range_check_ptr is %s, not a relocatable value", pyStr(rc))
	}
	p := rc.Ptr()
	for i, name := range []string{"PRIME_OVER_3_HIGH", "PRIME_OVER_2_HIGH"} {
		d, err := c.Big(name)
		if err != nil {
			return err
		}
		if d.Sign() == 0 {
			return errors.New("integer division or modulo by zero")
		}
		q, r := pyDivMod(arcs[i].length, d)
		if err := c.Write(p.Add(2*i+1), bigValue(q)); err != nil {
			return err
		}
		if err := c.Write(p.Add(2*i), bigValue(r)); err != nil {
			return err
		}
	}
	return nil
}

const (
	codeExcluded0 = "memory[ap] = 1 if excluded != 0 else 0"
	codeExcluded1 = "memory[ap] = 1 if excluded != 1 else 0"
	codeExcluded2 = "assert excluded == 2"
)

func hintExcluded(k int64) Func {
	return func(c *Context) error {
		e, err := c.ScopeInt("excluded")
		if err != nil {
			return err
		}
		return c.WriteAP(boolValue(e.Cmp(big.NewInt(k)) != 0))
	}
}

func hintExcluded2(c *Context) error {
	e, err := c.ScopeInt("excluded")
	if err != nil {
		return err
	}
	if e.Cmp(big.NewInt(2)) != 0 {
		return errors.New("AssertionError: excluded == 2")
	}
	return nil
}

const codeIsPositive = `from starkware.cairo.common.math_utils import is_positive
ids.is_positive = 1 if is_positive(
    value=ids.value, prime=PRIME, rc_bound=range_check_builtin.bound) else 0`

func hintIsPositive(c *Context) error {
	v, err := c.integer("value")
	if err != nil {
		return err
	}
	val := asInt(feltBig(v))
	if new(big.Int).Abs(val).Cmp(rcBound) >= 0 {
		return fmt.Errorf("value=%s is out of the valid range.", val)
	}
	return c.Set("is_positive", boolValue(val.Sign() > 0))
}

const codeUnsignedDivRem = `from starkware.cairo.common.math_utils import assert_integer
assert_integer(ids.div)
assert 0 < ids.div <= PRIME // range_check_builtin.bound, \
    f'div={hex(ids.div)} is out of the valid range.'
ids.q, ids.r = divmod(ids.value, ids.div)`

// maxDiv is PRIME // range_check_builtin.bound.
var maxDiv = new(big.Int).Quo(primeBig, rcBound)

// divisor reads ids.div and checks 0 < div <= PRIME // 2^128. small is
// its value when it fits in 64 bits (so needs no big.Int), else 0.
func (c *Context) divisor() (div vm.Value, small uint64, err error) {
	div, err = c.integer("div")
	if err != nil {
		return vm.Value{}, 0, err
	}
	if d, ok := feltUint64(&div); ok && d > 0 {
		return div, d, nil // below 2^64 < PRIME // 2^128
	}
	if d := feltBig(div); d.Sign() <= 0 || d.Cmp(maxDiv) > 0 {
		return vm.Value{}, 0, fmt.Errorf("div=%s is out of the valid range.", pyHex(d))
	}
	return div, 0, nil
}

func hintUnsignedDivRem(c *Context) error {
	dv, d, err := c.divisor()
	if err != nil {
		return err
	}
	v, err := c.Get("value")
	if err != nil {
		return err
	}
	if !v.IsFelt() {
		return errors.New("unsupported operand type(s) for divmod(): 'RelocatableValue' and 'int'")
	}
	// Values and divisors below 2^64, nearly every call, are divided as
	// machine integers: through big.Int this hint cost several times more.
	if x, ok := feltUint64(&v); ok && d > 0 {
		if err := c.Set("q", vm.IntValue(x/d)); err != nil {
			return err
		}
		return c.Set("r", vm.IntValue(x%d))
	}
	q, r := pyDivMod(feltBig(v), feltBig(dv))
	if err := c.SetBig("q", q); err != nil {
		return err
	}
	return c.SetBig("r", r)
}

const codeSignedDivRem = `from starkware.cairo.common.math_utils import as_int, assert_integer

assert_integer(ids.div)
assert 0 < ids.div <= PRIME // range_check_builtin.bound, \
    f'div={hex(ids.div)} is out of the valid range.'

assert_integer(ids.bound)
assert ids.bound <= range_check_builtin.bound // 2, \
    f'bound={hex(ids.bound)} is out of the valid range.'

int_value = as_int(ids.value, PRIME)
q, ids.r = divmod(int_value, ids.div)

assert -ids.bound <= q < ids.bound, \
    f'{int_value} / {ids.div} = {q} is out of the range [{-ids.bound}, {ids.bound}).'

ids.biased_q = q + ids.bound`

var halfRCBound = new(big.Int).Rsh(rcBound, 1)

func hintSignedDivRem(c *Context) error {
	dv, _, err := c.divisor()
	if err != nil {
		return err
	}
	div := feltBig(dv)
	bv, err := c.integer("bound")
	if err != nil {
		return err
	}
	bound := feltBig(bv)
	if bound.Cmp(halfRCBound) > 0 {
		return fmt.Errorf("bound=%s is out of the valid range.", pyHex(bound))
	}
	v, err := c.integer("value")
	if err != nil {
		return err
	}
	intValue := asInt(feltBig(v))
	q, r := pyDivMod(intValue, div)
	if err := c.SetBig("r", r); err != nil {
		return err
	}
	negBound := new(big.Int).Neg(bound)
	if q.Cmp(negBound) < 0 || q.Cmp(bound) >= 0 {
		return fmt.Errorf("%s / %s = %s is out of the range [%s, %s).", intValue, div, q, negBound, bound)
	}
	return c.SetBig("biased_q", new(big.Int).Add(q, bound))
}

const codeSplitFelt = `from starkware.cairo.common.math_utils import assert_integer
assert ids.MAX_HIGH < 2**128 and ids.MAX_LOW < 2**128
assert PRIME - 1 == ids.MAX_HIGH * 2**128 + ids.MAX_LOW
assert_integer(ids.value)
ids.low = ids.value & ((1 << 128) - 1)
ids.high = ids.value >> 128`

var mask128 = new(big.Int).Sub(rcBound, big.NewInt(1))

func hintSplitFelt(c *Context) error {
	hi, err := c.Big("MAX_HIGH")
	if err != nil {
		return err
	}
	lo, err := c.Big("MAX_LOW")
	if err != nil {
		return err
	}
	if hi.Cmp(rcBound) >= 0 || lo.Cmp(rcBound) >= 0 {
		return errors.New("AssertionError: ids.MAX_HIGH < 2**128 and ids.MAX_LOW < 2**128")
	}
	sum := new(big.Int).Lsh(hi, 128)
	sum.Add(sum, lo)
	if sum.Cmp(new(big.Int).Sub(primeBig, big.NewInt(1))) != 0 {
		return errors.New("AssertionError: PRIME - 1 == ids.MAX_HIGH * 2**128 + ids.MAX_LOW")
	}
	v, err := c.integer("value")
	if err != nil {
		return err
	}
	x := feltBig(v)
	if err := c.SetBig("low", new(big.Int).And(x, mask128)); err != nil {
		return err
	}
	return c.SetBig("high", new(big.Int).Rsh(x, 128))
}

const codeAssert250Bit = `from starkware.cairo.common.math_utils import as_int

# Correctness check.
value = as_int(ids.value, PRIME) % PRIME
assert value < ids.UPPER_BOUND, f'{value} is outside of the range [0, 2**250).'

# Calculation for the assertion.
ids.high, ids.low = divmod(ids.value, ids.SHIFT)`

func hintAssert250Bit(c *Context) error {
	v, err := c.integer("value")
	if err != nil {
		return err
	}
	value := feltBig(v) // as_int(v) % PRIME is v itself
	upper, err := c.Big("UPPER_BOUND")
	if err != nil {
		return err
	}
	if value.Cmp(upper) >= 0 {
		return fmt.Errorf("%s is outside of the range [0, 2**250).", value)
	}
	shift, err := c.Big("SHIFT")
	if err != nil {
		return err
	}
	if shift.Sign() == 0 {
		return errors.New("integer division or modulo by zero")
	}
	q, r := pyDivMod(value, shift)
	if err := c.SetBig("high", q); err != nil {
		return err
	}
	return c.SetBig("low", r)
}

const codeSqrt = `from starkware.python.math_utils import isqrt
value = ids.value % PRIME
assert value < 2 ** 250, f"value={value} is outside of the range [0, 2**250)."
assert 2 ** 250 < PRIME
ids.root = isqrt(value)`

var bound250 = new(big.Int).Lsh(big.NewInt(1), 250)

func hintSqrt(c *Context) error {
	v, err := c.Get("value")
	if err != nil {
		return err
	}
	if !v.IsFelt() {
		// A relocatable value is never below an integer in cairo-lang.
		return fmt.Errorf("value=%s is outside of the range [0, 2**250).", pyStr(v))
	}
	value := feltBig(v)
	if value.Cmp(bound250) >= 0 {
		return fmt.Errorf("value=%s is outside of the range [0, 2**250).", value)
	}
	return c.SetBig("root", isqrt(value))
}

const codeSplitInt = `memory[ids.output] = res = (int(ids.value) % PRIME) % ids.base
assert res < ids.bound, f'split_int(): Limb {res} is out of range.'`

func hintSplitInt(c *Context) error {
	v, err := c.Get("value")
	if err != nil {
		return err
	}
	if !v.IsFelt() {
		return errors.New("int() argument must be a string, a bytes-like object or a real number, not 'RelocatableValue'")
	}
	base, err := c.Get("base")
	if err != nil {
		return err
	}
	if !base.IsFelt() {
		return errors.New("unsupported operand type(s) for %: 'int' and 'RelocatableValue'")
	}
	b := feltBig(base)
	if b.Sign() == 0 {
		return errors.New("integer division or modulo by zero")
	}
	res := pyMod(feltBig(v), b)
	out, err := c.Get("output")
	if err != nil {
		return err
	}
	if !out.IsPtr() {
		return fmt.Errorf("cannot write memory at %s: not a relocatable address", pyStr(out))
	}
	if err := c.Write(out.Ptr(), bigValue(res)); err != nil {
		return err
	}
	bound, err := c.Get("bound")
	if err != nil {
		return err
	}
	if !pyLess(bigValue(res), bound) {
		return fmt.Errorf("split_int(): Limb %s is out of range.", res)
	}
	return nil
}

const codeSplitIntAssertRange = "assert ids.value == 0, 'split_int(): value is out of range.'"

func hintSplitIntAssertRange(c *Context) error {
	v, err := c.Get("value")
	if err != nil {
		return err
	}
	if !v.IsZero() {
		return errors.New("split_int(): value is out of range.")
	}
	return nil
}

// --- math_cmp.cairo ------------------------------------------------------------

const (
	codeIsNN           = "memory[ap] = 0 if 0 <= (ids.a % PRIME) < range_check_builtin.bound else 1"
	codeIsNNOutOfRange = "memory[ap] = 0 if 0 <= ((-ids.a - 1) % PRIME) < range_check_builtin.bound else 1"
	codeIsLeFelt       = "memory[ap] = 0 if (ids.a % PRIME) <= (ids.b % PRIME) else 1"
)

func hintIsNN(c *Context) error {
	a, err := c.Get("a")
	if err != nil {
		return err
	}
	// A relocatable value is never below range_check_builtin.bound.
	in := false
	if a.IsFelt() {
		f := a.Felt()
		in = feltBelow2_128(&f)
	}
	return c.WriteAP(boolValue(!in))
}

func hintIsNNOutOfRange(c *Context) error {
	a, err := c.Get("a")
	if err != nil {
		return err
	}
	if !a.IsFelt() {
		return errors.New("bad operand type for unary -: 'RelocatableValue'")
	}
	// (-a - 1) % PRIME for a in [0, PRIME) is PRIME - 1 - a.
	f := a.Felt()
	f.Neg(&f)
	one := vm.IntValue(1).Felt()
	f.Sub(&f, &one)
	return c.WriteAP(boolValue(!feltBelow2_128(&f)))
}

func hintIsLeFelt(c *Context) error {
	a, err := c.Get("a")
	if err != nil {
		return err
	}
	b, err := c.Get("b")
	if err != nil {
		return err
	}
	return c.WriteAP(boolValue(pyLess(b, a)))
}

// --- find_element.cairo ----------------------------------------------------------

const codeFindElement = `array_ptr = ids.array_ptr
elm_size = ids.elm_size
assert isinstance(elm_size, int) and elm_size > 0, \
    f'Invalid value for elm_size. Got: {elm_size}.'
key = ids.key

if '__find_element_index' in globals():
    ids.index = __find_element_index
    found_key = memory[array_ptr + elm_size * __find_element_index]
    assert found_key == key, \
        f'Invalid index found in __find_element_index. index: {__find_element_index}, ' \
        f'expected key {key}, found key: {found_key}.'
    # Delete __find_element_index to make sure it's not used for the next calls.
    del __find_element_index
else:
    n_elms = ids.n_elms
    assert isinstance(n_elms, int) and n_elms >= 0, \
        f'Invalid value for n_elms. Got: {n_elms}.'
    if '__find_element_max_size' in globals():
        assert n_elms <= __find_element_max_size, \
            f'find_element() can only be used with n_elms<={__find_element_max_size}. ' \
            f'Got: n_elms={n_elms}.'

    for i in range(n_elms):
        if memory[array_ptr + elm_size * i] == key:
            ids.index = i
            break
    else:
        raise ValueError(f'Key {key} was not found.')`

const codeSearchSortedLower = `array_ptr = ids.array_ptr
elm_size = ids.elm_size
assert isinstance(elm_size, int) and elm_size > 0, \
    f'Invalid value for elm_size. Got: {elm_size}.'

n_elms = ids.n_elms
assert isinstance(n_elms, int) and n_elms >= 0, \
    f'Invalid value for n_elms. Got: {n_elms}.'
if '__find_element_max_size' in globals():
    assert n_elms <= __find_element_max_size, \
        f'find_element() can only be used with n_elms<={__find_element_max_size}. ' \
        f'Got: n_elms={n_elms}.'

for i in range(n_elms):
    if memory[array_ptr + elm_size * i] >= ids.key:
        ids.index = i
        break
else:
    ids.index = n_elms`

const codeSearchSortedOptimistic = `array_ptr = ids.array_ptr
elm_size = ids.elm_size
assert isinstance(elm_size, int) and elm_size > 0, \
    f'Invalid value for elm_size. Got: {elm_size}.'

n_elms = ids.n_elms
assert isinstance(n_elms, int) and n_elms >= 0, \
    f'Invalid value for n_elms. Got: {n_elms}.'
if '__find_element_max_size' in globals():
    assert n_elms <= __find_element_max_size, \
        f'find_element() can only be used with n_elms<={__find_element_max_size}. ' \
        f'Got: n_elms={n_elms}.'

for i in range(n_elms):
    if memory[array_ptr + elm_size * i] >= ids.key:
        ids.index = i
        ids.exists = 1 if memory[array_ptr + elm_size * i] == ids.key else 0
        break
else:
    ids.index = n_elms
    ids.exists = 0`

// maxElementOffset bounds the offsets the element search computes; beyond
// it no memory cell can exist.
const maxElementOffset = 1 << 62

// arrayScan is the state the find_element family shares.
type arrayScan struct {
	c        *Context
	arrayPtr vm.Value
	elmSize  *big.Int
}

// arrayScan reads ids.array_ptr and ids.elm_size and checks elm_size > 0.
func (c *Context) arrayScan() (*arrayScan, error) {
	arr, err := c.Get("array_ptr")
	if err != nil {
		return nil, err
	}
	es, err := c.Get("elm_size")
	if err != nil {
		return nil, err
	}
	if !es.IsFelt() || es.IsZero() {
		return nil, fmt.Errorf("Invalid value for elm_size. Got: %s.", pyStr(es))
	}
	return &arrayScan{c: c, arrayPtr: arr, elmSize: feltBig(es)}, nil
}

// at returns memory[array_ptr + elm_size * i].
func (s *arrayScan) at(i *big.Int) (vm.Value, error) {
	if !s.arrayPtr.IsPtr() {
		return vm.Value{}, fmt.Errorf("cannot read memory at %s: not a relocatable address", pyStr(s.arrayPtr))
	}
	p := s.arrayPtr.Ptr()
	off := new(big.Int).Mul(s.elmSize, i)
	off.Add(off, big.NewInt(int64(p.Offset)))
	if off.Sign() < 0 || off.Cmp(big.NewInt(maxElementOffset)) >= 0 {
		return vm.Value{}, fmt.Errorf("Unknown value for memory cell at address %d:%s.", p.Segment, off)
	}
	return s.c.Read(vm.Relocatable{Segment: p.Segment, Offset: int(off.Int64())})
}

// nElms reads ids.n_elms and checks it against __find_element_max_size.
func (c *Context) nElms() (*big.Int, error) {
	nv, err := c.Get("n_elms")
	if err != nil {
		return nil, err
	}
	if !nv.IsFelt() {
		return nil, fmt.Errorf("Invalid value for n_elms. Got: %s.", pyStr(nv))
	}
	n := feltBig(nv)
	if m, ok := c.ScopeGet("__find_element_max_size"); ok {
		max, ok := scopeInt(m)
		if !ok {
			return nil, fmt.Errorf("__find_element_max_size is %T, not an integer", m)
		}
		if n.Cmp(max) > 0 {
			return nil, fmt.Errorf("find_element() can only be used with n_elms<=%s. Got: n_elms=%s.", max, n)
		}
	}
	return n, nil
}

func hintFindElement(c *Context) error {
	s, err := c.arrayScan()
	if err != nil {
		return err
	}
	key, err := c.Get("key")
	if err != nil {
		return err
	}
	if iv, ok := c.ScopeGet("__find_element_index"); ok {
		idx, ok := scopeInt(iv)
		if !ok {
			return fmt.Errorf("__find_element_index is %T, not an integer", iv)
		}
		if err := c.SetBig("index", idx); err != nil {
			return err
		}
		found, err := s.at(idx)
		if err != nil {
			return err
		}
		if !found.Equal(key) {
			return fmt.Errorf("Invalid index found in __find_element_index. index: %s, expected key %s, found key: %s.", idx, pyStr(key), pyStr(found))
		}
		c.ScopeDelete("__find_element_index")
		return nil
	}
	n, err := c.nElms()
	if err != nil {
		return err
	}
	one := big.NewInt(1)
	for i := new(big.Int); i.Cmp(n) < 0; i.Add(i, one) {
		v, err := s.at(i)
		if err != nil {
			return err
		}
		if v.Equal(key) {
			return c.SetBig("index", i)
		}
	}
	return fmt.Errorf("Key %s was not found.", pyStr(key))
}

// hintSearchSorted is search_sorted_lower, and with exists also
// search_sorted_optimistic.
func hintSearchSorted(exists bool) Func {
	return func(c *Context) error {
		s, err := c.arrayScan()
		if err != nil {
			return err
		}
		n, err := c.nElms()
		if err != nil {
			return err
		}
		one := big.NewInt(1)
		for i := new(big.Int); i.Cmp(n) < 0; i.Add(i, one) {
			v, err := s.at(i)
			if err != nil {
				return err
			}
			key, err := c.Get("key")
			if err != nil {
				return err
			}
			if !pyLess(v, key) { // memory[...] >= ids.key
				if err := c.SetBig("index", i); err != nil {
					return err
				}
				if exists {
					return c.Set("exists", boolValue(v.Equal(key)))
				}
				return nil
			}
		}
		if err := c.SetBig("index", n); err != nil {
			return err
		}
		if exists {
			return c.Set("exists", vm.IntValue(0))
		}
		return nil
	}
}
