package hints

import (
	"errors"
)

// Hints of the encode_packed library (Solidity's abi.encodePacked in Cairo 0,
// cairo-lang's encode_packed whitelist).

var encodePackedHints = []builtinHint{
	{"encode_packed_bit_length", codeEncodeBitLength, hintEncodeBitLength},
}

func init() { addFamily(encodePackedHints) }

const codeEncodeBitLength = `x = ids.x
ids.bit_length = x.bit_length()`

// hintEncodeBitLength writes the bit length of ids.x (of its integer in
// [0, PRIME)). The hint leaves x in its scope, where a later hint of the
// same scope may read it (is_zero's `x == 0` hints do), so x is recorded.
func hintEncodeBitLength(c *Context) error {
	v, err := c.Get("x")
	if err != nil {
		return err
	}
	c.ScopeSet("x", scopeValue(v))
	if !v.IsFelt() {
		return errors.New("'RelocatableValue' object has no attribute 'bit_length'")
	}
	return c.SetUint("bit_length", uint64(feltBig(v).BitLen()))
}
