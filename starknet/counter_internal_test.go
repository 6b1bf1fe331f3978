package starknet

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/assembler"
	"github.com/cairn-vm/cairn/class"
)

// counterSource is a hand-written Cairo 1 contract in assembly, so that
// the package's tests and Example need nothing outside the repository.
// Every entry point takes no builtins: its arguments are [fp-6] gas,
// [fp-5] the syscall pointer, [fp-4] and [fp-3] the calldata span; it
// returns gas, the syscall pointer after its requests, the failure flag and
// the return-data span. Requests are written through the syscall pointer
// and the SystemCall hints sit at the labels ending in _sys; the
// AllocSegment hints at the labels ending in _alloc.
//
//	constructor(initial): storage[0x1234] = initial
//	increment(amount) -> new: storage[0x1234] += amount, returns the sum
//	fail(): writes storage[0x1234] = 99, then reverts with 'boom'
const counterSource = `
constructor:
    [ap] = 0x53746f726167655772697465, ap++     // 'StorageWrite'
    [ap - 1] = [[fp - 5]]
    [fp - 6] = [[fp - 5] + 1]                  // gas
    [ap] = 0, ap++                             // address domain
    [ap - 1] = [[fp - 5] + 2]
    [ap] = 0x1234, ap++                        // key
    [ap - 1] = [[fp - 5] + 3]
    [ap] = [[fp - 4]], ap++                    // value: calldata[0]
    [ap - 1] = [[fp - 5] + 4]
ctor_sys:
    [ap] = [[fp - 5] + 5], ap++                // gas left
    [ap] = [fp - 5] + 7, ap++                  // syscall pointer after the write
    [ap] = 0, ap++                             // success
    [ap] = [fp - 3], ap++                      // empty return data
    [ap] = [fp - 3], ap++
    ret

increment:
    [ap] = 0x53746f7261676552656164, ap++       // 'StorageRead'
    [ap - 1] = [[fp - 5]]
    [fp - 6] = [[fp - 5] + 1]
    [ap] = 0, ap++
    [ap - 1] = [[fp - 5] + 2]
    [ap] = 0x1234, ap++
    [ap - 1] = [[fp - 5] + 3]
inc_read_sys:
    [ap] = [[fp - 5] + 6], ap++                // value read
    [ap] = [[fp - 4]], ap++                    // amount: calldata[0]
    [ap] = [ap - 2] + [ap - 1], ap++           // new value
    [ap] = 0x53746f726167655772697465, ap++     // 'StorageWrite'
    [ap - 1] = [[fp - 5] + 7]
    [ap] = [[fp - 5] + 4], ap++                // gas left by the read
    [ap - 1] = [[fp - 5] + 8]
    [ap] = 0, ap++
    [ap - 1] = [[fp - 5] + 9]
    [ap] = 0x1234, ap++
    [ap - 1] = [[fp - 5] + 10]
    [ap - 5] = [[fp - 5] + 11]                 // the new value
inc_write_sys:
    [ap] = [[fp - 5] + 12], ap++               // gas left by the write
inc_alloc:
    ap += 1                                    // a new segment for the return data
    [ap - 7] = [[ap - 1]]                      // return data: the new value
    [ap] = [ap - 2], ap++                      // gas
    [ap] = [fp - 5] + 14, ap++                 // syscall pointer after two requests
    [ap] = 0, ap++                             // success
    [ap] = [ap - 4], ap++                      // return data start
    [ap] = [ap - 1] + 1, ap++                  // and end
    ret

fail:
    [ap] = 0x53746f726167655772697465, ap++
    [ap - 1] = [[fp - 5]]
    [fp - 6] = [[fp - 5] + 1]
    [ap] = 0, ap++
    [ap - 1] = [[fp - 5] + 2]
    [ap] = 0x1234, ap++
    [ap - 1] = [[fp - 5] + 3]
    [ap] = 99, ap++
    [ap - 1] = [[fp - 5] + 4]
fail_sys:
    [ap] = [[fp - 5] + 5], ap++                // gas left
fail_alloc:
    ap += 1
    [ap] = 0x626f6f6d, ap++                    // 'boom'
    [ap - 1] = [[ap - 2]]
    [ap] = [ap - 3], ap++                      // gas
    [ap] = [fp - 5] + 7, ap++                  // syscall pointer
    [ap] = 1, ap++                             // failure
    [ap] = [ap - 5], ap++                      // panic data start
    [ap] = [ap - 1] + 1, ap++                  // and end
    ret
`

// counterSteps are the instructions each entry point executes (it has no
// branches).
var counterSteps = map[string]int{"constructor": 15, "increment": 28, "fail": 19}

var (
	counterOnce  sync.Once
	counterClass *class.Class
	counterErr   error
)

// loadCounter assembles counterSource into a CASM class.
func loadCounter() (*class.Class, error) {
	counterOnce.Do(func() { counterClass, counterErr = buildCounter() })
	return counterClass, counterErr
}

func buildCounter() (*class.Class, error) {
	progJSON, err := assembler.AssembleJSON("counter.casm", []byte(counterSource))
	if err != nil {
		return nil, err
	}
	var prog struct {
		Data        []string `json:"data"`
		Identifiers map[string]struct {
			PC   int    `json:"pc"`
			Type string `json:"type"`
		} `json:"identifiers"`
	}
	if err := json.Unmarshal(progJSON, &prog); err != nil {
		return nil, err
	}
	label := func(name string) int { return prog.Identifiers["__main__."+name].PC }
	type hintAt struct {
		pc   int
		hint any
	}
	var hints []hintAt
	for name, id := range prog.Identifiers {
		if id.Type != "label" {
			continue
		}
		short := strings.TrimPrefix(name, "__main__.")
		switch {
		case strings.HasSuffix(short, "_sys"):
			system := map[string]any{"Deref": map[string]any{"register": "FP", "offset": -5}}
			if short == "inc_write_sys" {
				system = map[string]any{"BinOp": map[string]any{"op": "Add",
					"a": map[string]any{"register": "FP", "offset": -5}, "b": map[string]any{"Immediate": "0x7"}}}
			}
			hints = append(hints, hintAt{id.PC, map[string]any{"SystemCall": map[string]any{"system": system}}})
		case strings.HasSuffix(short, "_alloc"):
			hints = append(hints, hintAt{id.PC, map[string]any{"AllocSegment": map[string]any{
				"dst": map[string]any{"register": "AP", "offset": 0}}}})
		}
	}
	slices.SortFunc(hints, func(a, b hintAt) int { return a.pc - b.pc })
	hintList := make([]any, len(hints))
	for i, h := range hints {
		hintList[i] = []any{h.pc, []any{h.hint}}
	}
	ep := func(name string) map[string]any {
		sel := class.Selector(name)
		return map[string]any{"selector": sel.Hex(), "offset": label(name), "builtins": []string{}}
	}
	external := []map[string]any{ep("increment"), ep("fail")}
	slices.SortFunc(external, func(a, b map[string]any) int {
		x, _ := asm.FeltFromString(a["selector"].(string))
		y, _ := asm.FeltFromString(b["selector"].(string))
		return x.Cmp(&y)
	})
	casm := map[string]any{
		"prime":            assembler.Prime,
		"compiler_version": "cairn-test",
		"bytecode":         prog.Data,
		"hints":            hintList,
		"entry_points_by_type": map[string]any{
			"EXTERNAL":    external,
			"L1_HANDLER":  []any{},
			"CONSTRUCTOR": []any{ep("constructor")},
		},
	}
	b, err := json.Marshal(casm)
	if err != nil {
		return nil, err
	}
	cl, err := class.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("counter class: %w", err)
	}
	return cl, nil
}
