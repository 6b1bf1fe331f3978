package hints

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/cairn-vm/cairn/vm"
)

// usort.cairo: the prover sorts the input, removes duplicates and counts
// them; verify_usort then walks each output value's positions in the
// input. The Python state lives in the scope usort enters: positions_dict
// (value -> ascending positions), and per value positions (a stack of the
// positions left) and last_pos.

var usortHints = []builtinHint{
	{"usort_enter_scope", codeUsortEnterScope, hintUsortEnterScope},
	{"usort_body", codeUsortBody, hintUsortBody},
	{"usort_verify", codeUsortVerify, hintUsortVerify},
	{"usort_verify_multiplicity_body", codeUsortMultiplicityBody, hintUsortMultiplicityBody},
	{"usort_verify_multiplicity_assert", codeUsortMultiplicityAssert, hintUsortMultiplicityAssert},
}

func init() { addFamily(usortHints) }

const usortMaxSizeName = "__usort_max_size"

const codeUsortEnterScope = "vm_enter_scope(dict(__usort_max_size = globals().get('__usort_max_size')))"

// hintUsortEnterScope passes __usort_max_size into the new scope; a
// missing one becomes Python's None, kept as a nil value.
func hintUsortEnterScope(c *Context) error {
	v, _ := c.ScopeGet(usortMaxSizeName)
	c.EnterScope(map[string]any{usortMaxSizeName: v})
	return nil
}

const codeUsortBody = `from collections import defaultdict

input_ptr = ids.input
input_len = int(ids.input_len)
if __usort_max_size is not None:
    assert input_len <= __usort_max_size, (
        f"usort() can only be used with input_len<={__usort_max_size}. "
        f"Got: input_len={input_len}."
    )

positions_dict = defaultdict(list)
for i in range(input_len):
    val = memory[input_ptr + i]
    positions_dict[val].append(i)

output = sorted(positions_dict.keys())
ids.output_len = len(output)
ids.output = segments.gen_arg(output)
ids.multiplicities = segments.gen_arg([len(positions_dict[k]) for k in output])`

func hintUsortBody(c *Context) error {
	in, err := c.Get("input")
	if err != nil {
		return err
	}
	lv, err := c.Get("input_len")
	if err != nil {
		return err
	}
	if !lv.IsFelt() {
		return errors.New("int() argument must be a string, a bytes-like object or a real number, not 'RelocatableValue'")
	}
	n := feltBig(lv)
	max, ok := c.ScopeGet(usortMaxSizeName)
	if !ok {
		return fmt.Errorf("name '%s' is not defined", usortMaxSizeName)
	}
	if max != nil {
		m, ok := scopeInt(max)
		if !ok {
			return fmt.Errorf("%s is %T, not an integer", usortMaxSizeName, max)
		}
		if n.Cmp(m) > 0 {
			return fmt.Errorf("usort() can only be used with input_len<=%s. Got: input_len=%s.", m, n)
		}
	}
	positions := indexLists{}
	var output []vm.Value
	for i, count := 0, loopCount(n); i < count; i++ {
		if !in.IsPtr() {
			return fmt.Errorf("cannot read memory at %s: not a relocatable address", pyStr(in))
		}
		v, err := c.Read(in.Ptr().Add(i))
		if err != nil {
			return err
		}
		v = dictKey(v)
		if _, seen := positions[v]; !seen {
			output = append(output, v)
		}
		positions[v] = append(positions[v], i)
	}
	c.ScopeSet("positions_dict", positions)
	sortValues(output)
	if err := c.SetUint("output_len", uint64(len(output))); err != nil {
		return err
	}
	out := c.AddSegment()
	if err := c.WriteArg(out, output); err != nil {
		return err
	}
	if err := c.Set("output", vm.PtrValue(out)); err != nil {
		return err
	}
	mult := make([]vm.Value, len(output))
	for i, v := range output {
		mult[i] = vm.IntValue(uint64(len(positions[v])))
	}
	ms := c.AddSegment()
	if err := c.WriteArg(ms, mult); err != nil {
		return err
	}
	return c.Set("multiplicities", vm.PtrValue(ms))
}

const codeUsortVerify = `last_pos = 0
positions = positions_dict[ids.value][::-1]`

func hintUsortVerify(c *Context) error {
	c.ScopeSet("last_pos", new(big.Int))
	lists, err := c.scopeIndexLists("positions_dict")
	if err != nil {
		return err
	}
	v, err := c.Get("value")
	if err != nil {
		return err
	}
	// positions_dict is a defaultdict(list): a missing value reads as [].
	pos := lists[dictKey(v)]
	stack := make(intStack, len(pos))
	for i, p := range pos {
		stack[len(pos)-1-i] = p
	}
	c.ScopeSet("positions", &stack)
	return nil
}

const codeUsortMultiplicityBody = `current_pos = positions.pop()
ids.next_item_index = current_pos - last_pos
last_pos = current_pos + 1`

func hintUsortMultiplicityBody(c *Context) error {
	cur, err := c.popInt("positions")
	if err != nil {
		return err
	}
	last, err := c.ScopeInt("last_pos")
	if err != nil {
		return err
	}
	if err := c.SetBig("next_item_index", new(big.Int).Sub(big.NewInt(int64(cur)), last)); err != nil {
		return err
	}
	c.ScopeSet("last_pos", big.NewInt(int64(cur)+1))
	return nil
}

const codeUsortMultiplicityAssert = "assert len(positions) == 0"

func hintUsortMultiplicityAssert(c *Context) error {
	s, err := c.scopeIntStack("positions")
	if err != nil {
		return err
	}
	if len(*s) != 0 {
		return errors.New("AssertionError: len(positions) == 0")
	}
	return nil
}
