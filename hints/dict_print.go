package hints

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/cairn-vm/cairn/vm"
)

// Debug printing of a dict (and of an array, whose hint starts the same
// way), as in cairo-vm's print_dict / print_arr test helpers: a name
// packed as a short string, then Python's repr of the data.

var dictPrintHints = []builtinHint{
	{"print_dict", codePrintDict, hintPrintDict},
	{"print_array", codePrintArray, hintPrintArray},
}

func init() { addFamily(dictPrintHints) }

const codePrintDict = `print(bytes.fromhex(f"{ids.name:062x}").decode().replace('\x00',''))
data = __dict_manager.get_dict(ids.dict_ptr)
print(
    {k: v if isinstance(v, int) else [memory[v + i] for i in range(ids.pointer_size)] for k, v in data.items()}
)`

const codePrintArray = `print(bytes.fromhex(f"{ids.name:062x}").decode().replace('\x00',''))
arr = [memory[ids.arr + i] for i in range(ids.arr_len)]
print(arr)`

// printName prints bytes.fromhex(f"{ids.name:062x}").decode() without its
// NUL characters: the felt read as a big-endian short string.
func (c *Context) printName() error {
	v, err := c.Get("name")
	if err != nil {
		return err
	}
	if !v.IsFelt() {
		return errors.New("ValueError: Unknown format code 'x' for object of type 'str'")
	}
	h := feltBig(v).Text(16)
	if len(h) < 62 {
		h = strings.Repeat("0", 62-len(h)) + h
	}
	if len(h)%2 != 0 {
		return fmt.Errorf("ValueError: non-hexadecimal number found in fromhex() arg at position %d", len(h))
	}
	raw, err := hex.DecodeString(h)
	if err != nil {
		return err
	}
	if !utf8.Valid(raw) {
		return errors.New("UnicodeDecodeError: 'utf-8' codec can't decode the name")
	}
	c.Print(strings.ReplaceAll(string(raw), "\x00", "") + "\n")
	return nil
}

// readList is [memory[base + i] for i in range(ids.<lenName>)].
func (c *Context) readList(base vm.Value, lenName string) ([]vm.Value, error) {
	n, err := c.Big(lenName)
	if err != nil {
		return nil, err
	}
	count := loopCount(n)
	if count > 0 && !base.IsPtr() {
		return nil, fmt.Errorf("cannot read memory at %s: not a relocatable address", pyStr(base))
	}
	var out []vm.Value
	for i := 0; i < count; i++ {
		v, err := c.Read(base.Ptr().Add(i))
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// pyListRepr is Python's repr of a list of memory values.
func pyListRepr(vs []vm.Value) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = pyRepr(v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func hintPrintDict(c *Context) error {
	if err := c.printName(); err != nil {
		return err
	}
	t, err := c.dictTracker("dict_ptr")
	if err != nil {
		return err
	}
	items := make([]string, 0, t.Data.Len())
	for _, k := range t.Data.keys {
		v := t.Data.vals[k]
		s := pyRepr(v)
		if v.IsPtr() {
			l, err := c.readList(v, "pointer_size")
			if err != nil {
				return err
			}
			s = pyListRepr(l)
		}
		items = append(items, pyRepr(k)+": "+s)
	}
	c.Print("{" + strings.Join(items, ", ") + "}\n")
	return nil
}

func hintPrintArray(c *Context) error {
	if err := c.printName(); err != nil {
		return err
	}
	arr, err := c.Get("arr")
	if err != nil {
		return err
	}
	l, err := c.readList(arr, "arr_len")
	if err != nil {
		return err
	}
	c.Print(pyListRepr(l) + "\n")
	return nil
}
