package hints

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sort"

	"github.com/cairn-vm/cairn/asm"

	"github.com/cairn-vm/cairn/vm"
)

// squash_dict.cairo: the prover groups the DictAccess entries by key and
// feeds the verifier, key by key in ascending order, the indices of the
// entries that touch each key, also ascending. The hints keep cairo-lang's
// Python state in the scope squash_dict enters: access_indices (key ->
// indices), keys (a descending stack of the keys left), key,
// current_access_indices (a descending stack of the current key's indices
// left) and current_access_index.

var squashHints = []builtinHint{
	{"squash_dict", codeSquashDict, hintSquashDict},
	{"squash_dict_inner_first_iteration", codeSquashFirstIteration, hintSquashFirstIteration},
	{"squash_dict_inner_skip_loop", codeSquashSkipLoop, hintSquashSkipLoop},
	{"squash_dict_inner_check_access_index", codeSquashCheckAccessIndex, hintSquashCheckAccessIndex},
	{"squash_dict_inner_continue_loop", codeSquashContinueLoop, hintSquashContinueLoop},
	{"squash_dict_inner_len_assert", codeSquashLenAssert, hintSquashLenAssert},
	{"squash_dict_inner_used_accesses_assert", codeSquashUsedAccesses, hintSquashUsedAccesses},
	{"squash_dict_inner_assert_len_keys", codeSquashAssertLenKeys, hintSquashAssertLenKeys},
	{"squash_dict_inner_next_key", codeSquashNextKey, hintSquashNextKey},
}

func init() { addFamily(squashHints) }

// indexLists maps memory values to the (ascending) positions where they
// occur: squash_dict's access_indices and usort's positions_dict.
type indexLists map[vm.Value][]int

// intStack is a Python list of small ints used through pop(): the next
// element to pop is the last one. The scope holds a *intStack, popped in
// place (a Python list is a reference too).
type intStack []int

// scopeIndexLists returns the indexLists scope variable name.
func (c *Context) scopeIndexLists(name string) (indexLists, error) {
	v, ok := c.ScopeGet(name)
	if !ok {
		return nil, fmt.Errorf("name '%s' is not defined", name)
	}
	m, ok := v.(indexLists)
	if !ok {
		return nil, fmt.Errorf("scope variable %s is %T, not a dict of index lists", name, v)
	}
	return m, nil
}

// scopeIntStack returns the intStack scope variable name.
func (c *Context) scopeIntStack(name string) (*intStack, error) {
	v, ok := c.ScopeGet(name)
	if !ok {
		return nil, fmt.Errorf("name '%s' is not defined", name)
	}
	s, ok := v.(*intStack)
	if !ok {
		return nil, fmt.Errorf("scope variable %s is %T, not a list of integers", name, v)
	}
	return s, nil
}

// popInt is name.pop() on an intStack scope variable.
func (c *Context) popInt(name string) (int, error) {
	s, err := c.scopeIntStack(name)
	if err != nil {
		return 0, err
	}
	n := len(*s)
	if n == 0 {
		return 0, errors.New("IndexError: pop from empty list")
	}
	top := (*s)[n-1]
	*s = (*s)[:n-1]
	return top, nil
}

// valueStack is a Python list of memory values used through pop(). The
// scope holds a *valueStack, popped in place, like an intStack.
type valueStack []vm.Value

// scopeValueStack returns the valueStack scope variable name.
func (c *Context) scopeValueStack(name string) (*valueStack, error) {
	v, ok := c.ScopeGet(name)
	if !ok {
		return nil, fmt.Errorf("name '%s' is not defined", name)
	}
	s, ok := v.(*valueStack)
	if !ok {
		return nil, fmt.Errorf("scope variable %s is %T, not a list", name, v)
	}
	return s, nil
}

// scopeMemValue returns a scope variable holding a Python int or
// relocatable value (see scopeValue) as a memory value.
func (c *Context) scopeMemValue(name string) (vm.Value, error) {
	x, ok := c.ScopeGet(name)
	if !ok {
		return vm.Value{}, fmt.Errorf("name '%s' is not defined", name)
	}
	switch x := x.(type) {
	case vm.Relocatable:
		return vm.PtrValue(x), nil
	case vm.Value:
		if x.Known() {
			return dictKey(x), nil
		}
	default:
		if n, ok := scopeInt(x); ok {
			return bigValue(n), nil
		}
	}
	return vm.Value{}, fmt.Errorf("scope variable %s is %T, not an integer or a relocatable value", name, x)
}

// indicesOf is access_indices[key] for the scope's key.
func (c *Context) indicesOf(listsName, keyName string) ([]int, error) {
	lists, err := c.scopeIndexLists(listsName)
	if err != nil {
		return nil, err
	}
	key, err := c.scopeMemValue(keyName)
	if err != nil {
		return nil, err
	}
	idx, ok := lists[key]
	if !ok {
		return nil, fmt.Errorf("KeyError: %s", pyRepr(key))
	}
	return idx, nil
}

// memIndexLimit bounds the cells a hint loop may visit: no segment holds
// more, so a loop that would go further meets an unknown cell first.
const memIndexLimit = 1 << 40

// loopCount is range(n) for a count a hint reads: n itself when small,
// otherwise memIndexLimit, which the loop never reaches.
func loopCount(n *big.Int) int {
	if n.Sign() <= 0 {
		return 0
	}
	if !n.IsInt64() || n.Int64() > memIndexLimit {
		return memIndexLimit
	}
	return int(n.Int64())
}

// sortValues sorts memory values ascending as Python's sorted() does (see
// pyLess).
func sortValues(vs []vm.Value) {
	sort.Slice(vs, func(i, j int) bool { return pyLess(vs[i], vs[j]) })
}

const codeSquashDict = `dict_access_size = ids.DictAccess.SIZE
address = ids.dict_accesses.address_
assert ids.ptr_diff % dict_access_size == 0, \
    'Accesses array size must be divisible by DictAccess.SIZE'
n_accesses = ids.n_accesses
if '__squash_dict_max_size' in globals():
    assert n_accesses <= __squash_dict_max_size, \
        f'squash_dict() can only be used with n_accesses<={__squash_dict_max_size}. ' \
        f'Got: n_accesses={n_accesses}.'
# A map from key to the list of indices accessing it.
access_indices = {}
for i in range(n_accesses):
    key = memory[address + dict_access_size * i]
    access_indices.setdefault(key, []).append(i)
# Descending list of keys.
keys = sorted(access_indices.keys(), reverse=True)
# Are the keys used bigger than range_check bound.
ids.big_keys = 1 if keys[0] >= range_check_builtin.bound else 0
ids.first_key = key = keys.pop()`

func hintSquashDict(c *Context) error {
	size, err := c.dictAccessSize()
	if err != nil {
		return err
	}
	address, err := c.Addr("dict_accesses")
	if err != nil {
		return err
	}
	diff, err := c.Big("ptr_diff")
	if err != nil {
		return err
	}
	if new(big.Int).Mod(diff, big.NewInt(int64(size))).Sign() != 0 {
		return errors.New("Accesses array size must be divisible by DictAccess.SIZE")
	}
	n, err := c.Big("n_accesses")
	if err != nil {
		return err
	}
	if mv, ok := c.ScopeGet("__squash_dict_max_size"); ok {
		max, ok := scopeInt(mv)
		if !ok {
			return fmt.Errorf("__squash_dict_max_size is %T, not an integer", mv)
		}
		if n.Cmp(max) > 0 {
			return fmt.Errorf("squash_dict() can only be used with n_accesses<=%s. Got: n_accesses=%s.", max, n)
		}
	}
	lists := indexLists{}
	var keys valueStack
	mem := c.Mem()
	for i, count := 0, loopCount(n); i < count; i++ {
		var k vm.Value
		if a := address.Add(size * i); !mem.GetInto(a, &k) {
			return unknownCellError(a)
		}
		k = dictKey(k)
		idx, seen := lists[k]
		if !seen {
			keys = append(keys, k)
		}
		lists[k] = append(idx, i)
	}
	if len(keys) == 0 {
		return errors.New("IndexError: list index out of range")
	}
	sortValues(keys)
	// keys is ascending here; reversed it is the Python code's
	// descending list, a stack whose pop() gives the smallest key.
	largest := keys[len(keys)-1]
	bigKeys := largest.IsPtr()
	if largest.IsFelt() {
		f := largest.Felt()
		bigKeys = !feltBelow2_128(&f)
	}
	for i, j := 0, len(keys)-1; i < j; i, j = i+1, j-1 {
		keys[i], keys[j] = keys[j], keys[i]
	}
	c.ScopeSet("access_indices", lists)
	c.ScopeSet("keys", &keys)
	if err := c.Set("big_keys", boolValue(bigKeys)); err != nil {
		return err
	}
	first := keys[len(keys)-1]
	keys = keys[:len(keys)-1]
	if err := c.Set("first_key", first); err != nil {
		return err
	}
	// key is kept as the memory value it is (scopeMemValue reads it back
	// without converting through a big.Int).
	c.ScopeSet("key", first)
	return nil
}

const codeSquashFirstIteration = `current_access_indices = sorted(access_indices[key])[::-1]
current_access_index = current_access_indices.pop()
memory[ids.range_check_ptr] = current_access_index`

func hintSquashFirstIteration(c *Context) error {
	idx, err := c.indicesOf("access_indices", "key")
	if err != nil {
		return err
	}
	if len(idx) == 0 {
		return errors.New("IndexError: pop from empty list")
	}
	// The list the previous key left (empty by now) is reused: nothing but
	// these hints holds it, and the loop runs once per key.
	stack, ok := c.reusableIntStack("current_access_indices")
	if !ok {
		stack = new(intStack)
	}
	*stack = append((*stack)[:0], idx...)
	slices.Sort(*stack)
	slices.Reverse(*stack)
	cur := (*stack)[len(*stack)-1]
	*stack = (*stack)[:len(*stack)-1]
	c.ScopeSet("current_access_indices", stack)
	c.setScopeIndex("current_access_index", cur)
	rc, err := c.Get("range_check_ptr")
	if err != nil {
		return err
	}
	if !rc.IsPtr() {
		return fmt.Errorf("cannot write memory at %s: not a relocatable address", pyStr(rc))
	}
	return c.Write(rc.Ptr(), vm.IntValue(uint64(cur)))
}

// reusableIntStack returns the intStack scope variable name when there is
// one, for a hint that is about to replace it with a new list.
func (c *Context) reusableIntStack(name string) (*intStack, bool) {
	v, _ := c.ScopeGet(name)
	s, ok := v.(*intStack)
	return s, ok && s != nil
}

// setScopeIndex sets the integer scope variable name to n. A *big.Int it
// already holds is updated in place: only the squash hints create and read
// current_access_index, none keeps it, and the loop sets it once per
// access, where a new big.Int each time was a large part of its cost.
func (c *Context) setScopeIndex(name string, n int) {
	if v, ok := c.ScopeGet(name); ok {
		if x, ok := v.(*big.Int); ok && x != nil {
			x.SetInt64(int64(n))
			return
		}
	}
	c.ScopeSet(name, big.NewInt(int64(n)))
}

const codeSquashSkipLoop = "ids.should_skip_loop = 0 if current_access_indices else 1"

func hintSquashSkipLoop(c *Context) error {
	s, err := c.scopeIntStack("current_access_indices")
	if err != nil {
		return err
	}
	return c.Set("should_skip_loop", boolValue(len(*s) == 0))
}

const codeSquashCheckAccessIndex = `new_access_index = current_access_indices.pop()
ids.loop_temps.index_delta_minus1 = new_access_index - current_access_index - 1
current_access_index = new_access_index`

func hintSquashCheckAccessIndex(c *Context) error {
	next, err := c.popInt("current_access_indices")
	if err != nil {
		return err
	}
	cur, err := c.ScopeInt("current_access_index")
	if err != nil {
		return err
	}
	var delta vm.Value
	if cur.IsInt64() {
		// Usually a small non-negative number: IntValue has those ready.
		if d := int64(next) - cur.Int64() - 1; d >= 0 {
			delta = vm.IntValue(uint64(d))
		} else {
			delta = vm.FeltValue(asm.FeltFromInt64(d))
		}
	} else {
		d := big.NewInt(int64(next))
		d.Sub(d, cur)
		delta = bigValue(d.Sub(d, big.NewInt(1)))
	}
	if err := c.Set("loop_temps.index_delta_minus1", delta); err != nil {
		return err
	}
	c.setScopeIndex("current_access_index", next)
	return nil
}

const codeSquashContinueLoop = "ids.loop_temps.should_continue = 1 if current_access_indices else 0"

func hintSquashContinueLoop(c *Context) error {
	s, err := c.scopeIntStack("current_access_indices")
	if err != nil {
		return err
	}
	return c.Set("loop_temps.should_continue", boolValue(len(*s) > 0))
}

const codeSquashLenAssert = "assert len(current_access_indices) == 0"

func hintSquashLenAssert(c *Context) error {
	s, err := c.scopeIntStack("current_access_indices")
	if err != nil {
		return err
	}
	if len(*s) != 0 {
		return errors.New("AssertionError: len(current_access_indices) == 0")
	}
	return nil
}

const codeSquashUsedAccesses = "assert ids.n_used_accesses == len(access_indices[key])"

func hintSquashUsedAccesses(c *Context) error {
	n, err := c.Get("n_used_accesses")
	if err != nil {
		return err
	}
	idx, err := c.indicesOf("access_indices", "key")
	if err != nil {
		return err
	}
	if !n.Equal(vm.IntValue(uint64(len(idx)))) {
		return errors.New("AssertionError: ids.n_used_accesses == len(access_indices[key])")
	}
	return nil
}

const codeSquashAssertLenKeys = "assert len(keys) == 0"

func hintSquashAssertLenKeys(c *Context) error {
	keys, err := c.scopeValueStack("keys")
	if err != nil {
		return err
	}
	if len(*keys) != 0 {
		return errors.New("AssertionError: len(keys) == 0")
	}
	return nil
}

const codeSquashNextKey = `assert len(keys) > 0, 'No keys left but remaining_accesses > 0.'
ids.next_key = key = keys.pop()`

func hintSquashNextKey(c *Context) error {
	keys, err := c.scopeValueStack("keys")
	if err != nil {
		return err
	}
	if len(*keys) == 0 {
		return errors.New("No keys left but remaining_accesses > 0.")
	}
	k := (*keys)[len(*keys)-1]
	*keys = (*keys)[:len(*keys)-1]
	if err := c.Set("next_key", k); err != nil {
		return err
	}
	c.ScopeSet("key", k)
	return nil
}
