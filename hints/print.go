package hints

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/cairn-vm/cairn/vm"
)

// Hints that print: each writes, through Context.Print, exactly the text
// Python's print writes (arguments joined by a space, then a newline).

var printHints = []builtinHint{
	{"print_vars_sum", codePrintVarsSum, hintPrintVarsSum},
}

func init() { addFamily(printHints) }

// printLine is print(*args): the arguments' str joined by spaces, and a
// newline.
func printLine(c *Context, args ...string) { c.Print(strings.Join(args, " ") + "\n") }

const codePrintVarsSum = `c = ids.a + ids.b
print("a: ", ids.a)
print("b: ", ids.b)
print("c: ", c)`

// printAdd is str(a + b) over memory values: integers add without
// reduction modulo PRIME, an address plus an integer (either way round)
// is an address, two addresses cannot be added.
func printAdd(a, b vm.Value) (string, error) {
	switch {
	case a.IsFelt() && b.IsFelt():
		return new(big.Int).Add(feltBig(a), feltBig(b)).String(), nil
	case a.IsPtr() && b.IsPtr():
		return "", fmt.Errorf("Cannot add two relocatable values: %s + %s.", pyStr(a), pyStr(b))
	case b.IsPtr():
		a, b = b, a
	}
	p := a.Ptr()
	off := new(big.Int).Add(big.NewInt(int64(p.Offset)), feltBig(b))
	return fmt.Sprintf("%d:%s", p.Segment, off), nil
}

func hintPrintVarsSum(c *Context) error {
	a, err := c.Get("a")
	if err != nil {
		return err
	}
	b, err := c.Get("b")
	if err != nil {
		return err
	}
	sum, err := printAdd(a, b)
	if err != nil {
		return err
	}
	printLine(c, "a: ", pyStr(a))
	printLine(c, "b: ", pyStr(b))
	printLine(c, "c: ", sum)
	return nil
}
