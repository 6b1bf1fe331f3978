package cairo1

import (
	"fmt"
	"math/big"
	"slices"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/vm"
)

// The squash loop of felt252_dict_squash, as the Python hints run it with
// scope variables: access_indices (key -> the indices of its accesses),
// keys (descending; pop() gives the smallest), key (the key being
// squashed), current_access_indices (its indices, descending, popped from
// the end) and current_access_index.

// dictAccessSize is DictAccess.SIZE (key, prev_value, new_value).
const dictAccessSize = 3

// squashState holds the squash loop's scope variables.
type squashState struct {
	accessIndices map[vm.Value][]int
	keys          []vm.Value
	key           vm.Value
	hasKey        bool

	current        []int // current_access_indices, descending
	hasCurrentList bool
	currentIndex   int // current_access_index
	hasCurrent     bool
}

// rangeCheckBound is range_check_builtin.bound, 2^128.
var rangeCheckBound = vm.FeltValue(asm.FeltFromBig(new(big.Int).Lsh(big.NewInt(1), 128)))

// SquashDictMaxSizeVar is the scope variable that bounds the number of
// accesses InitSquashData accepts when it is set, as cairo-lang's
// __squash_dict_max_size static local does: Starknet's executor sets it to
// 2^20. InitSquashData reads it from the innermost scope, then the main
// one; an int, int64, uint64 or *big.Int.
const SquashDictMaxSizeVar = "__squash_dict_max_size"

// squashMaxSize returns __squash_dict_max_size when it is set.
func squashMaxSize(st *vm.State) (*big.Int, bool) {
	if len(st.Scopes) == 0 {
		return nil, false
	}
	for _, scope := range []map[string]any{st.Scopes[len(st.Scopes)-1], st.Scopes[0]} {
		switch v := scope[SquashDictMaxSizeVar].(type) {
		case int:
			return big.NewInt(int64(v)), true
		case int64:
			return big.NewInt(v), true
		case uint64:
			return new(big.Int).SetUint64(v), true
		case *big.Int:
			if v != nil {
				return v, true
			}
		}
	}
	return nil, false
}

// squashOf returns the squash loop's state; without one, InitSquashData has
// not run (in Python, its variables are not defined).
func squashOf(st *vm.State, name string) (*squashState, error) {
	es, err := stateOf(st)
	if err != nil {
		return nil, err
	}
	if es.squash == nil {
		return nil, fmt.Errorf("%w: name '%s' is not defined (no InitSquashData ran)", ErrSquash, name)
	}
	return es.squash, nil
}

func initSquashData(st *vm.State, h *class.InitSquashData) error {
	es, err := stateOf(st)
	if err != nil {
		return err
	}
	addr, err := evalPtr(st, &h.DictAccesses, "dict_accesses")
	if err != nil {
		return err
	}
	diff, err := evalFelt(st, &h.PtrDiff, "ptr_diff")
	if err != nil {
		return err
	}
	var three, q, r big.Int
	three.SetInt64(dictAccessSize)
	if q.DivMod(diff.BigInt(), &three, &r); r.Sign() != 0 {
		return assertion("Accesses array size must be divisible by DictAccess.SIZE")
	}
	nf, err := evalFelt(st, &h.NAccesses, "n_accesses")
	if err != nil {
		return err
	}
	if limit, ok := squashMaxSize(st); ok && nf.BigInt().Cmp(limit) > 0 {
		return assertion("squash_dict() can only be used with n_accesses<=%s. Got: n_accesses=%s.", limit, &nf)
	}
	n, err := feltInt(&nf, "n_accesses", maxOffset/dictAccessSize)
	if err != nil {
		return err
	}
	sq := es.squash
	if sq == nil {
		sq = &squashState{}
		es.squash = sq
	}
	sq.accessIndices = map[vm.Value][]int{}
	sq.keys = sq.keys[:0]
	for i := range n {
		at, err := addInt(addr, dictAccessSize*i)
		if err != nil {
			return err
		}
		k, err := readAt(st.Mem, at)
		if err != nil {
			return err
		}
		k = dictKey(k)
		if _, ok := sq.accessIndices[k]; !ok {
			sq.keys = append(sq.keys, k)
		}
		sq.accessIndices[k] = append(sq.accessIndices[k], i)
	}
	slices.SortFunc(sq.keys, func(a, b vm.Value) int { return compareValues(b, a) })
	if len(sq.keys) == 0 {
		return fmt.Errorf("%w: no accesses to squash (keys[0]: list index out of range)", ErrSquash)
	}
	if err := writeBool(st, h.BigKeys, compareValues(sq.keys[0], rangeCheckBound) >= 0); err != nil {
		return err
	}
	return popKey(st, sq, h.FirstKey)
}

// getCurrentAccessIndex starts the current key's indices and writes the
// first (smallest) to memory[range_check_ptr].
func getCurrentAccessIndex(st *vm.State, h *class.GetCurrentAccessIndex) error {
	sq, err := squashOf(st, "access_indices")
	if err != nil {
		return err
	}
	idx, ok := sq.accessIndices[sq.key]
	if !ok || !sq.hasKey {
		return fmt.Errorf("%w: key %s has no accesses", ErrSquash, sq.key)
	}
	sq.current = append(sq.current[:0], idx...)
	slices.Reverse(sq.current)
	sq.hasCurrentList = true
	sq.currentIndex, sq.hasCurrent = sq.current[len(sq.current)-1], true
	sq.current = sq.current[:len(sq.current)-1]
	ptr, err := evalPtr(st, &h.RangeCheckPtr, "range_check_ptr")
	if err != nil {
		return err
	}
	return st.Mem.Write(ptr, vm.IntValue(uint64(sq.currentIndex)))
}

// currentList returns current_access_indices.
func currentList(st *vm.State) (*squashState, error) {
	sq, err := squashOf(st, "current_access_indices")
	if err != nil {
		return nil, err
	}
	if !sq.hasCurrentList {
		return nil, fmt.Errorf("%w: name 'current_access_indices' is not defined (no GetCurrentAccessIndex ran)", ErrSquash)
	}
	return sq, nil
}

func shouldSkipSquashLoop(st *vm.State, h *class.ShouldSkipSquashLoop) error {
	sq, err := currentList(st)
	if err != nil {
		return err
	}
	return writeBool(st, h.ShouldSkipLoop, len(sq.current) == 0)
}

// getCurrentAccessDelta pops the next index and writes
// new - current - 1 (mod P).
func getCurrentAccessDelta(st *vm.State, h *class.GetCurrentAccessDelta) error {
	sq, err := currentList(st)
	if err != nil {
		return err
	}
	if len(sq.current) == 0 {
		return fmt.Errorf("%w: pop from empty list (current_access_indices)", ErrSquash)
	}
	if !sq.hasCurrent {
		return fmt.Errorf("%w: name 'current_access_index' is not defined", ErrSquash)
	}
	next := sq.current[len(sq.current)-1]
	sq.current = sq.current[:len(sq.current)-1]
	delta := asm.FeltFromInt64(int64(next) - int64(sq.currentIndex) - 1)
	if err := writeFelt(st, h.IndexDeltaMinus1, delta); err != nil {
		return err
	}
	sq.currentIndex = next
	return nil
}

func shouldContinueSquashLoop(st *vm.State, h *class.ShouldContinueSquashLoop) error {
	sq, err := currentList(st)
	if err != nil {
		return err
	}
	return writeBool(st, h.ShouldContinue, len(sq.current) != 0)
}

func getNextDictKey(st *vm.State, h *class.GetNextDictKey) error {
	sq, err := squashOf(st, "keys")
	if err != nil {
		return err
	}
	if len(sq.keys) == 0 {
		return assertion("No keys left but remaining_accesses > 0.")
	}
	return popKey(st, sq, h.NextKey)
}

// popKey is memory[dst] = key = keys.pop(): the write comes before the
// assignment to key.
func popKey(st *vm.State, sq *squashState, dst class.CellRef) error {
	k := sq.keys[len(sq.keys)-1]
	sq.keys = sq.keys[:len(sq.keys)-1]
	if err := writeCell(st, dst, k); err != nil {
		return err
	}
	sq.key, sq.hasKey = k, true
	return nil
}

// assertCurrentAccessIndicesIsEmpty (deprecated):
// assert len(current_access_indices) == 0.
func assertCurrentAccessIndicesIsEmpty(st *vm.State, _ *class.AssertCurrentAccessIndicesIsEmpty) error {
	sq, err := currentList(st)
	if err != nil {
		return err
	}
	if len(sq.current) != 0 {
		return assertion("len(current_access_indices) == %d, not 0", len(sq.current))
	}
	return nil
}

// assertAllAccessesUsed (deprecated):
// assert memory[n_used_accesses] == len(access_indices[key]).
func assertAllAccessesUsed(st *vm.State, h *class.AssertAllAccessesUsed) error {
	sq, err := squashOf(st, "access_indices")
	if err != nil {
		return err
	}
	idx, ok := sq.accessIndices[sq.key]
	if !ok || !sq.hasKey {
		return fmt.Errorf("%w: key %s has no accesses", ErrSquash, sq.key)
	}
	v, err := readCell(st, h.NUsedAccesses)
	if err != nil {
		return err
	}
	if !v.Equal(vm.IntValue(uint64(len(idx)))) {
		return assertion("n_used_accesses = %s, but key %s has %d accesses", v, sq.key, len(idx))
	}
	return nil
}

// assertAllKeysUsed (deprecated): assert len(keys) == 0.
func assertAllKeysUsed(st *vm.State, _ *class.AssertAllKeysUsed) error {
	sq, err := squashOf(st, "keys")
	if err != nil {
		return err
	}
	if len(sq.keys) != 0 {
		return assertion("len(keys) == %d, not 0", len(sq.keys))
	}
	return nil
}

// The arcs of assert_le_felt252: for a <= b, the three arcs (0, a), (a, b)
// and (b, P - 1) cover the field; the two shortest are range checked (the
// shortest below P/3, the second below P/2) and the longest is excluded.

var (
	// primeOver3High is ceil((P / 3) / 2^128).
	primeOver3High, _ = new(big.Int).SetString("3544607988759775765608368578435044694", 10)
	// primeOver2High is ceil((P / 2) / 2^128).
	primeOver2High, _ = new(big.Int).SetString("5316911983139663648412552867652567041", 10)
)

func assertLeFindSmallArcs(st *vm.State, h *class.AssertLeFindSmallArcs) error {
	es, err := stateOf(st)
	if err != nil {
		return err
	}
	af, err := evalFelt(st, &h.A, "a")
	if err != nil {
		return err
	}
	bf, err := evalFelt(st, &h.B, "b")
	if err != nil {
		return err
	}
	a, b := af.BigInt(), bf.BigInt()
	if a.Cmp(b) > 0 {
		return assertion("a = %s is not less than or equal to b = %s.", a, b)
	}
	p := asm.ModulusBig()
	type arc struct {
		length *big.Int
		index  int
	}
	arcs := [3]arc{
		{a, 0},
		{new(big.Int).Sub(b, a), 1},
		{new(big.Int).Sub(new(big.Int).Sub(p, big.NewInt(1)), b), 2},
	}
	slices.SortStableFunc(arcs[:], func(x, y arc) int {
		if c := x.length.Cmp(y.length); c != 0 {
			return c
		}
		return cmpInt(x.index, y.index)
	})
	third := new(big.Int).Div(p, big.NewInt(3))
	half := new(big.Int).Rsh(p, 1)
	if arcs[0].length.Cmp(third) > 0 || arcs[1].length.Cmp(half) > 0 {
		return assertion("lengths_and_indices[0][0] <= PRIME // 3 and lengths_and_indices[1][0] <= PRIME // 2")
	}
	es.excluded, es.hasExcluded = arcs[2].index, true
	rc, err := evalPtr(st, &h.RangeCheckPtr, "range_check_ptr")
	if err != nil {
		return err
	}
	var q, r big.Int
	q.DivMod(arcs[0].length, primeOver3High, &r)
	if err := writeBigAt(st, rc, 1, &q); err != nil {
		return err
	}
	if err := writeBigAt(st, rc, 0, &r); err != nil {
		return err
	}
	q.DivMod(arcs[1].length, primeOver2High, &r)
	if err := writeBigAt(st, rc, 3, &q); err != nil {
		return err
	}
	return writeBigAt(st, rc, 2, &r)
}

// writeBigAt is memory[p + off] = v % PRIME.
func writeBigAt(st *vm.State, p vm.Relocatable, off int, v *big.Int) error {
	at, err := addInt(p, off)
	if err != nil {
		return err
	}
	return st.Mem.Write(at, vm.FeltValue(asm.FeltFromBig(v)))
}

// excludedArc returns the arc AssertLeFindSmallArcs excluded.
func excludedArc(st *vm.State) (int, error) {
	es, err := stateOf(st)
	if err != nil {
		return 0, err
	}
	if !es.hasExcluded {
		return 0, fmt.Errorf("%w: name 'excluded' is not defined (no AssertLeFindSmallArcs ran)", ErrAssertion)
	}
	return es.excluded, nil
}

func assertLeIsFirstArcExcluded(st *vm.State, h *class.AssertLeIsFirstArcExcluded) error {
	ex, err := excludedArc(st)
	if err != nil {
		return err
	}
	return writeBool(st, h.SkipExcludeAFlag, ex != 0)
}

func assertLeIsSecondArcExcluded(st *vm.State, h *class.AssertLeIsSecondArcExcluded) error {
	ex, err := excludedArc(st)
	if err != nil {
		return err
	}
	return writeBool(st, h.SkipExcludeBMinusA, ex != 1)
}

// assertLeAssertThirdArcExcluded (deprecated): assert excluded == 2.
func assertLeAssertThirdArcExcluded(st *vm.State, _ *class.AssertLeAssertThirdArcExcluded) error {
	ex, err := excludedArc(st)
	if err != nil {
		return err
	}
	if ex != 2 {
		return assertion("excluded == %d, not 2", ex)
	}
	return nil
}

// assertLtAssertValidInput (deprecated): a and b are integers and a < b.
func assertLtAssertValidInput(st *vm.State, h *class.AssertLtAssertValidInput) error {
	a, err := evalFelt(st, &h.A, "a")
	if err != nil {
		return err
	}
	b, err := evalFelt(st, &h.B, "b")
	if err != nil {
		return err
	}
	if a.Cmp(&b) >= 0 {
		return assertion("a = %s is not less than b = %s.", &a, &b)
	}
	return nil
}
