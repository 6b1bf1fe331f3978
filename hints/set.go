package hints

import (
	"errors"
	"fmt"

	"github.com/cairn-vm/cairn/vm"
)

// set.cairo: set_add looks for an element (elm_size consecutive cells) in
// an array of such elements; the Cairo code then either checks the match
// or appends the element.

var setHints = []builtinHint{
	{"set_add", codeSetAdd, hintSetAdd},
}

func init() { addFamily(setHints) }

const codeSetAdd = `assert ids.elm_size > 0
assert ids.set_ptr <= ids.set_end_ptr
elm_list = memory.get_range(ids.elm_ptr, ids.elm_size)
for i in range(0, ids.set_end_ptr - ids.set_ptr, ids.elm_size):
    if memory.get_range(ids.set_ptr + i, ids.elm_size) == elm_list:
        ids.index = i // ids.elm_size
        ids.is_elm_in_set = 1
        break
else:
    ids.is_elm_in_set = 0`

// setPtr reads a pointer argument of set_add.
func (c *Context) setPtr(name string) (vm.Relocatable, error) {
	v, err := c.Get(name)
	if err != nil {
		return vm.Relocatable{}, err
	}
	if !v.IsPtr() {
		return vm.Relocatable{}, fmt.Errorf("ids.%s is %s, not a relocatable address", name, pyStr(v))
	}
	return v.Ptr(), nil
}

func hintSetAdd(c *Context) error {
	es, err := c.Get("elm_size")
	if err != nil {
		return err
	}
	if !es.IsFelt() || es.IsZero() {
		return errors.New("AssertionError: ids.elm_size > 0")
	}
	set, err := c.setPtr("set_ptr")
	if err != nil {
		return err
	}
	end, err := c.setPtr("set_end_ptr")
	if err != nil {
		return err
	}
	if pyLess(vm.PtrValue(end), vm.PtrValue(set)) {
		return errors.New("AssertionError: ids.set_ptr <= ids.set_end_ptr")
	}
	elm, err := c.setPtr("elm_ptr")
	if err != nil {
		return err
	}
	// memory.get_range reads every cell, so an element longer than any
	// segment fails on an unknown cell within memIndexLimit cells.
	size := loopCount(feltBig(es))
	want := make([]vm.Value, 0, min(size, 1<<16))
	for j := 0; j < size; j++ {
		v, err := c.Read(elm.Add(j))
		if err != nil {
			return err
		}
		want = append(want, v)
	}
	if set.Segment != end.Segment {
		return fmt.Errorf("Can only subtract two relocatable values of the same segment (%d != %d).", end.Segment, set.Segment)
	}
	cells := setCells{mem: c.Mem(), seg: set.Segment}
	for i := 0; i < end.Offset-set.Offset; i += size {
		base := set.Offset + i
		match := true
		for j := range want {
			v := cells.at(base + j)
			if v == nil {
				return unknownCellError(vm.Relocatable{Segment: set.Segment, Offset: base + j})
			}
			if match && !v.Equal(want[j]) {
				match = false
			}
		}
		if match {
			if err := c.SetUint("index", uint64(i/size)); err != nil {
				return err
			}
			return c.SetUint("is_elm_in_set", 1)
		}
	}
	return c.SetUint("is_elm_in_set", 0)
}

// setCells reads the known cells of the set's segment. set_add scans the
// whole set on every call, so a set built by n calls costs O(n^2) reads:
// cells of a real segment are read in place, without copying them out.
type setCells struct {
	mem *vm.Memory
	seg int
	tmp vm.Value
}

// at returns the known cell at offset off, or nil when it is unknown.
func (s *setCells) at(off int) *vm.Value {
	if s.seg >= 0 {
		p := s.mem.CellPtr(s.seg, off)
		if p == nil || p.Kind() == vm.KindUnknown {
			return nil
		}
		return p
	}
	s.tmp = s.mem.Get(vm.Relocatable{Segment: s.seg, Offset: off})
	if !s.tmp.Known() {
		return nil
	}
	return &s.tmp
}
