package hints

import (
	"fmt"
	"math/big"

	"github.com/cairn-vm/cairn/vm"
)

// Memory-segment helpers shared by the hint families: the parts of
// cairo-lang's MemorySegmentManager that hints call as segments.*.

// AddSegment is segments.add(): a new, empty segment.
func (c *Context) AddSegment() vm.Relocatable { return c.State.Mem.AddSegment() }

// AddTempSegment is segments.add_temp_segment(): a temporary segment, to be
// relocated by a rule (relocate_segment) before the run ends.
func (c *Context) AddTempSegment() vm.Relocatable { return c.State.Mem.AddTempSegment() }

// WriteArg is segments.write_arg(base, vals): vals written at consecutive
// cells from base.
func (c *Context) WriteArg(base vm.Relocatable, vals []vm.Value) error {
	for i, v := range vals {
		if err := c.State.Mem.Write(base.Add(i), v); err != nil {
			return err
		}
	}
	return nil
}

// WriteBigs is segments.write_arg(base, ints) for Python integers, each
// reduced modulo PRIME.
func (c *Context) WriteBigs(base vm.Relocatable, ints []*big.Int) error {
	vals := make([]vm.Value, len(ints))
	for i, n := range ints {
		vals[i] = bigValue(n)
	}
	return c.WriteArg(base, vals)
}

// ReadBigs reads n consecutive known felts from base as integers in
// [0, PRIME); a relocatable or unknown cell is an error.
func (c *Context) ReadBigs(base vm.Relocatable, n int) ([]*big.Int, error) {
	out := make([]*big.Int, n)
	for i := range out {
		v, err := c.Read(base.Add(i))
		if err != nil {
			return nil, err
		}
		if !v.IsFelt() {
			return nil, fmt.Errorf("expected a felt at %s, found %s", base.Add(i), v)
		}
		f := v.Felt()
		out[i] = f.BigInt()
	}
	return out, nil
}

// Print appends s to what the program printed (Python's print writes to
// stdout; the runner hands State.Output to the caller).
func (c *Context) Print(s string) { c.State.Output = append(c.State.Output, s...) }
