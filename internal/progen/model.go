package progen

import (
	"fmt"
	"math/big"
	"slices"
)

// prime is the Cairo prime P = 2^251 + 17 * 2^192 + 1.
var prime = func() *big.Int {
	p := new(big.Int).Lsh(big.NewInt(1), 251)
	p.Add(p, new(big.Int).Lsh(big.NewInt(17), 192))
	return p.Add(p, big.NewInt(1))
}()

// mod reduces x into [0, P) in place and returns it.
func mod(x *big.Int) *big.Int { return x.Mod(x, prime) }

// kind is what the generator knows a written cell holds.
type kind uint8

const (
	kFelt    kind = iota + 1
	kExec         // a pointer into the execution segment
	kProg         // a pointer into the program segment
	kBuiltin      // a pointer into a builtin's segment
	kOpaque       // a pointer the program does not dereference
)

// value is the model of a written cell.
type value struct {
	k kind
	v *big.Int // kFelt: the value, nil where the generator cannot compute it
	// tgt reports that the pointer's target is known: for kExec the cell
	// fp + off of the current function, for kProg the pc of label lbl
	// plus off.
	tgt bool
	off int
	lbl string
	b   int // kBuiltin: index of the builtin in the program's list
}

func felt(v *big.Int) value { return value{k: kFelt, v: v} }

func unknownFelt() value { return value{k: kFelt} }

func (v value) isPtr() bool { return v.k != kFelt }

// smallInt returns a felt's value as a signed integer in (-2^20, 2^20).
func (v value) smallInt() (int, bool) {
	if v.k != kFelt || v.v == nil {
		return 0, false
	}
	if v.v.IsInt64() && v.v.Int64() < 1<<20 {
		return int(v.v.Int64()), true
	}
	neg := new(big.Int).Sub(prime, v.v)
	if neg.IsInt64() && neg.Int64() < 1<<20 {
		return -int(neg.Int64()), true
	}
	return 0, false
}

// same reports that two cells certainly hold the same value.
func same(a, b value) bool {
	if a.k != b.k {
		return false
	}
	switch a.k {
	case kFelt:
		return a.v != nil && b.v != nil && a.v.Cmp(b.v) == 0
	case kExec:
		return a.tgt && b.tgt && a.off == b.off
	case kProg:
		return a.tgt && b.tgt && a.lbl == b.lbl && a.off == b.off
	}
	return false
}

// bptr is a builtin a scope may use: the cell that holds a pointer into
// the builtin's segment, and how many cells past that pointer the scope
// has allocated.
type bptr struct {
	cell    int // offset of the pointer's cell in the scope
	used    int
	written map[int]value // builtin cells written, by offset from the pointer
}

// scope is a region of a function's frame the generator can address
// statically: the function's top level (offsets from fp) or one iteration
// of a loop (offsets from ap at the iteration's start).
type scope struct {
	top   bool
	cells map[int]value // written cells the program may read
	ap    int           // ap, as an offset
	hw    int           // every cell at or above hw is free
	steps int           // steps run in this scope so far (an estimate)
	bp    map[int]*bptr // builtins usable here, by index
}

func newScope(top bool) *scope {
	return &scope{top: top, cells: map[int]value{}, bp: map[int]*bptr{}}
}

func (s *scope) clone() *scope {
	c := *s
	c.cells = make(map[int]value, len(s.cells))
	for k, v := range s.cells {
		c.cells[k] = v
	}
	c.bp = map[int]*bptr{}
	return &c
}

func (s *scope) write(off int, v value) {
	s.cells[off] = v
	s.hw = max(s.hw, off+1)
}

func (s *scope) offsets() []int {
	out := make([]int, 0, len(s.cells))
	for o := range s.cells {
		out = append(out, o)
	}
	slices.Sort(out)
	return out
}

// ref is a cell an instruction can name.
type ref struct {
	text string // "[ap - 2]", "[fp + 3]"
	v    value
	s    *scope
	off  int
}

const maxOff = 1<<15 - 1

func inRange(off int) bool { return off >= -maxOff && off <= maxOff }

func regText(reg string, off int) string {
	switch {
	case off == 0:
		return "[" + reg + "]"
	case off < 0:
		return fmt.Sprintf("[%s - %d]", reg, -off)
	}
	return fmt.Sprintf("[%s + %d]", reg, off)
}

// offText formats an offset for "[[reg + a] + off]".
func offText(off int) string {
	switch {
	case off == 0:
		return ""
	case off < 0:
		return fmt.Sprintf(" - %d", -off)
	}
	return fmt.Sprintf(" + %d", off)
}

// immText formats a felt immediate, as a signed decimal when it is small
// either way round and in hex otherwise.
func immText(x *big.Int) string {
	if x.IsInt64() && x.Int64() < 1<<20 {
		return x.String()
	}
	neg := new(big.Int).Sub(prime, x)
	if neg.IsInt64() && neg.Int64() < 1<<20 {
		return "(-" + neg.String() + ")"
	}
	return "0x" + x.Text(16)
}
