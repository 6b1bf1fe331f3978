package hints

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/cairn-vm/cairn/vm"
)

// Small arithmetic hints: pow.cairo's exponent bit, storage.cairo's
// normalize_address, and poseidon hash_many's length tests.
// Each mirrors Python on the values ids gives: felts as integers in
// [0, PRIME), addresses as RelocatableValue (which compares above every
// integer).

var mathMiscHints = []builtinHint{
	{"import_math", codeMathImport, hintMathNop},
	{"pow_bit", codeMathPowBit, hintMathPowBit},
	{"lsb_a_b", codeMathLSB, hintMathLSB},
	{"normalize_address_is_small", codeMathNormalizeAddress, hintMathNormalizeAddress},
	{"normalize_address_is_250", codeMathIs250, hintMathIs250},
	{"poseidon_n_ge_10", codeMathNGe10, hintMathGe("n", 10)},
	{"poseidon_n_ge_2", codeMathNGe2, hintMathGe("n", 2)},
	{"poseidon_elements_ge_10", codeMathElementsGe10, hintMathElementsGe(10)},
	{"poseidon_elements_ge_2", codeMathElementsGe2, hintMathElementsGe(2)},
}

func init() { addFamily(mathMiscHints) }

// codeMathImport only imports a module; it changes nothing the program sees.
const codeMathImport = "import math"

func hintMathNop(*Context) error { return nil }

// mathTypeError is Python's TypeError for a binary operator applied to a
// RelocatableValue and an int.
func mathTypeError(op string) error {
	return fmt.Errorf("unsupported operand type(s) for %s: 'RelocatableValue' and 'int'", op)
}

// mathInt reads ids.name as an integer; a relocatable value fails with
// the TypeError of op, the operator the Python applies to it.
func mathInt(c *Context, name, op string) (*big.Int, error) {
	v, err := c.Get(name)
	if err != nil {
		return nil, err
	}
	if !v.IsFelt() {
		return nil, mathTypeError(op)
	}
	return feltBig(v), nil
}

// --- pow.cairo ---------------------------------------------------------------------

const codeMathPowBit = "ids.locs.bit = (ids.prev_locs.exp % PRIME) & 1"

func hintMathPowBit(c *Context) error {
	e, err := mathInt(c, "prev_locs.exp", "&")
	if err != nil {
		return err
	}
	return c.SetUint("locs.bit", uint64(e.Bit(0)))
}

const codeMathLSB = `ids.a_lsb = ids.a & 1
ids.b_lsb = ids.b & 1`

func hintMathLSB(c *Context) error {
	for _, n := range []string{"a", "b"} {
		v, err := mathInt(c, n, "&")
		if err != nil {
			return err
		}
		if err := c.SetUint(n+"_lsb", uint64(v.Bit(0))); err != nil {
			return err
		}
	}
	return nil
}

// --- storage.cairo: normalize_address ----------------------------------------------

const codeMathNormalizeAddress = `# Verify the assumptions on the relationship between 2**250, ADDR_BOUND and PRIME.
ADDR_BOUND = ids.ADDR_BOUND % PRIME
assert (2**250 < ADDR_BOUND <= 2**251) and (2 * 2**250 < PRIME) and (
        ADDR_BOUND * 2 > PRIME), \
    'normalize_address() cannot be used with the current constants.'
ids.is_small = 1 if ids.addr < ADDR_BOUND else 0`

var mathTwo251 = new(big.Int).Lsh(big.NewInt(1), 251)

func hintMathNormalizeAddress(c *Context) error {
	b, err := c.Big("ADDR_BOUND")
	if err != nil {
		return err
	}
	bound := pyMod(b, primeBig)
	if bound.Cmp(bound250) <= 0 || bound.Cmp(mathTwo251) > 0 ||
		new(big.Int).Lsh(bound250, 1).Cmp(primeBig) >= 0 ||
		new(big.Int).Lsh(bound, 1).Cmp(primeBig) <= 0 {
		return errors.New("normalize_address() cannot be used with the current constants.")
	}
	addr, err := c.Get("addr")
	if err != nil {
		return err
	}
	return c.Set("is_small", boolValue(pyLess(addr, bigValue(bound))))
}

const codeMathIs250 = "ids.is_250 = 1 if ids.addr < 2**250 else 0"

func hintMathIs250(c *Context) error {
	addr, err := c.Get("addr")
	if err != nil {
		return err
	}
	return c.Set("is_250", boolValue(pyLess(addr, bigValue(bound250))))
}

// --- builtin_poseidon/poseidon.cairo: poseidon_hash_many ---------------------------

const (
	codeMathNGe10        = "memory[ap] = to_felt_or_relocatable(ids.n >= 10)"
	codeMathNGe2         = "memory[ap] = to_felt_or_relocatable(ids.n >= 2)"
	codeMathElementsGe10 = "memory[ap] = to_felt_or_relocatable(ids.elements_end - ids.elements >= 10)"
	codeMathElementsGe2  = "memory[ap] = to_felt_or_relocatable(ids.elements_end - ids.elements >= 2)"
)

// hintMathGe writes 1 if ids.name >= k (a relocatable value is >= every
// integer), 0 otherwise.
func hintMathGe(name string, k uint64) Func {
	return func(c *Context) error {
		v, err := c.Get(name)
		if err != nil {
			return err
		}
		return c.WriteAP(boolValue(!pyLess(v, vm.IntValue(k))))
	}
}

// hintMathElementsGe writes 1 if ids.elements_end - ids.elements >= k.
// The difference is Python's: two integers give an unreduced (possibly
// negative) integer, two addresses of one segment the offset difference,
// an address minus an integer an address (>= every integer).
func hintMathElementsGe(k int64) Func {
	return func(c *Context) error {
		end, err := c.Get("elements_end")
		if err != nil {
			return err
		}
		start, err := c.Get("elements")
		if err != nil {
			return err
		}
		var ge bool
		switch {
		case end.IsFelt() && start.IsFelt():
			ge = new(big.Int).Sub(feltBig(end), feltBig(start)).Cmp(big.NewInt(k)) >= 0
		case end.IsFelt():
			return errors.New("unsupported operand type(s) for -: 'int' and 'RelocatableValue'")
		case start.IsFelt():
			ge = true
		default:
			e, s := end.Ptr(), start.Ptr()
			if e.Segment != s.Segment {
				return fmt.Errorf("Can only subtract two relocatable values of the same segment (%d != %d).", e.Segment, s.Segment)
			}
			ge = int64(e.Offset)-int64(s.Offset) >= k
		}
		return c.WriteAP(boolValue(ge))
	}
}
