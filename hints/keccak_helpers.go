package hints

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/cairn-vm/cairn/vm"
)

// Helpers shared by the hash hint families (keccak, blake2s, sha256): the
// few Python idioms their hints are made of (int(ids.SIZE) under a range
// assert, memory.get_range, a pointer taken from ids, a comparison or a
// divmod over ids), with the failures Python would raise.

// hashIDPtr returns ids.name as an address: the pointer the hint indexes
// memory with or hands to segments.write_arg.
func hashIDPtr(c *Context, name string) (vm.Relocatable, error) {
	v, err := c.Get(name)
	if err != nil {
		return vm.Relocatable{}, err
	}
	if !v.IsPtr() {
		return vm.Relocatable{}, fmt.Errorf("ids.%s = %s is not a relocatable address", name, pyStr(v))
	}
	return v.Ptr(), nil
}

// hashIDBounded is `v = int(ids.name)` followed by
// `assert 0 <= v < limit`, the guard the hash hints put on the size
// constants they read; pyVar is the Python variable the assert names.
func hashIDBounded(c *Context, name, pyVar string, limit int64) (int, error) {
	v, err := c.Big(name)
	if err != nil {
		return 0, err
	}
	if v.Sign() < 0 || v.Cmp(big.NewInt(limit)) >= 0 {
		return 0, fmt.Errorf("AssertionError: 0 <= %s < %d", pyVar, limit)
	}
	return int(v.Int64()), nil
}

// hashGetRange is memory.get_range(base + off, n): n known cells from
// base + off. A Python RelocatableValue may have a negative offset; reading
// there fails as an unknown cell does.
func hashGetRange(c *Context, base vm.Relocatable, off, n int) ([]vm.Value, error) {
	out := make([]vm.Value, n)
	for i := range out {
		a := base.Add(off + i)
		if a.Offset < 0 {
			return nil, unknownCellError(a)
		}
		v, err := c.Read(a)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// hashWriteWords is segments.write_arg(base, words) for machine words.
func hashWriteWords[T uint32 | uint64](c *Context, base vm.Relocatable, words []T) error {
	for i, w := range words {
		if err := c.Write(base.Add(i), vm.IntValue(uint64(w))); err != nil {
			return err
		}
	}
	return nil
}

// hashLow64 returns the low 64 bits of a felt's integer value.
func hashLow64(v vm.Value) uint64 {
	f := v.Felt()
	return f.Regular()[0]
}

// hashOperandError is Python's TypeError for an arithmetic operator applied
// to a relocatable value where the hint expects an integer.
func hashOperandError(op string) error {
	return fmt.Errorf("unsupported operand type(s) for %s: 'RelocatableValue' and 'int'", op)
}

// hashIDInt returns ids.name as the Python integer an operator sees (a
// felt's value in [0, PRIME), a constant as recorded); a relocatable value
// fails as Python's op would.
func hashIDInt(c *Context, name, op string) (*big.Int, error) {
	p, err := c.plan(name)
	if err != nil {
		return nil, err
	}
	if p.isConst {
		return new(big.Int).Set(p.konst), nil
	}
	v, err := c.Get(name)
	if err != nil {
		return nil, err
	}
	if !v.IsFelt() {
		return nil, hashOperandError(op)
	}
	return feltBig(v), nil
}

// hashIDLess is Python's ids.a < ids.b for a felt or relocatable a and an
// integer b: every relocatable value compares greater than every integer.
func hashIDLess(c *Context, a, b string) (bool, error) {
	av, err := c.Get(a)
	if err != nil {
		return false, err
	}
	bv, err := c.Big(b)
	if err != nil {
		return false, err
	}
	if av.IsPtr() {
		return false, nil
	}
	return feltBig(av).Cmp(bv) < 0, nil
}

// hashSetDivMod performs `ids.q, ids.r = divmod(x, d)` (q written first, as
// Python assigns a tuple left to right).
func hashSetDivMod(c *Context, q, r string, x, d *big.Int) error {
	if d.Sign() == 0 {
		return errors.New("integer division or modulo by zero")
	}
	qv, rv := pyDivMod(x, d)
	if err := c.SetBig(q, qv); err != nil {
		return err
	}
	return c.SetBig(r, rv)
}

// hashPow256 is 256 ** n.
func hashPow256(n uint) *big.Int { return new(big.Int).Lsh(big.NewInt(1), 8*n) }
