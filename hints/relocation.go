package hints

import (
	"fmt"

	"github.com/cairn-vm/cairn/vm"
)

// Temporary segments and their relocation (segments.cairo's
// relocate_segment and the programs that build data in a temporary segment
// before knowing where it will live).

var relocationHints = []builtinHint{
	{"relocate_segment", codeRelocateSegment, hintRelocateSegment},
	{"temporary_array", codeTemporaryArray, hintTemporaryArray},
}

func init() { addFamily(relocationHints) }

const codeRelocateSegment = "memory.add_relocation_rule(src_ptr=ids.src_ptr, dest_ptr=ids.dest_ptr)"

// relocPtr reads a relocatable argument of add_relocation_rule; an integer
// has no segment_index in Python either.
func (c *Context) relocPtr(name string) (vm.Relocatable, error) {
	v, err := c.Get(name)
	if err != nil {
		return vm.Relocatable{}, err
	}
	if !v.IsPtr() {
		return vm.Relocatable{}, fmt.Errorf("AttributeError: 'int' object has no attribute 'segment_index' (ids.%s = %s)", name, pyStr(v))
	}
	return v.Ptr(), nil
}

// hintRelocateSegment checks the rule as cairo-lang's MemoryDict does,
// with its messages, before recording it in the memory.
func hintRelocateSegment(c *Context) error {
	src, err := c.relocPtr("src_ptr")
	if err != nil {
		return err
	}
	dst, err := c.relocPtr("dest_ptr")
	if err != nil {
		return err
	}
	if src.Segment >= 0 {
		return fmt.Errorf("src_ptr.segment_index must be < 0, src_ptr=%s.", src)
	}
	if src.Offset != 0 {
		return fmt.Errorf("src_ptr.offset must be 0, src_ptr=%s.", src)
	}
	if err := c.Mem().AddRelocationRule(src, dst); err != nil {
		if -src.Segment <= c.Mem().NumTempSegments() {
			// The segment exists, so the memory refused a second rule.
			return fmt.Errorf("The segment with index %d already has a relocation rule.", src.Segment)
		}
		return err
	}
	return nil
}

const codeTemporaryArray = "ids.temporary_array = segments.add_temp_segment()"

func hintTemporaryArray(c *Context) error {
	return c.Set("temporary_array", vm.PtrValue(c.AddTempSegment()))
}
