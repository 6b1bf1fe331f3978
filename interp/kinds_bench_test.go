package interp_test

import (
	"fmt"
	"testing"

	"github.com/cairn-vm/cairn/assembler"
	"github.com/cairn-vm/cairn/runtime"
)

// Micro-benchmarks per instruction kind: each program is a counting loop
// (decrement, jnz: two steps) around a body of one instruction kind
// repeated four times, so the kind makes two thirds of the steps.
// steps/s is over the whole run, loop overhead included.

const kindIters = 100_000

var kindBodies = []struct {
	name, body string
	pushes     int // cells one body instruction adds to the stack
}{
	{"assert_add_imm", `[ap] = [ap - 1] + 1, ap++`, 1},
	{"assert_add_regs", `[ap] = [ap - 1] + [ap - 2], ap++`, 1},
	{"assert_mul", `[ap] = [ap - 1] * [ap - 2], ap++`, 1},
	{"assert_copy", `[ap] = [ap - 1], ap++`, 1},
	{"deduce_op0", `[ap - 1] = [ap] + 1, ap++`, 1},
	{"double_deref", `[ap] = [[fp - 3]], ap++`, 1},
	{"pointer_add", `[ap] = [fp - 3] + 1, ap++`, 1},
	{"call_ret", `call f`, 2},
}

// kindProgram repeats body four times per iteration; the counter is the
// last cell pushed in the previous iteration.
func kindProgram(body string, pushes int) string {
	return fmt.Sprintf(`%%builtins output
main:
    [ap] = 5, ap++
    [ap - 1] = [[fp - 3]]
    [ap] = %d, ap++
loop:
    %s
    %s
    %s
    %s
    [ap] = [ap - %d] + (-1), ap++
    jmp loop if [ap - 1] != 0
    [ap] = [fp - 3] + 1, ap++
    ret
f:
    ret
`, kindIters, body, body, body, body, 4*pushes+1)
}

func BenchmarkInstructionKinds(b *testing.B) {
	for _, k := range kindBodies {
		b.Run(k.name, func(b *testing.B) {
			js, err := assembler.AssembleJSON(k.name+".casm", []byte(kindProgram(k.body, k.pushes)))
			if err != nil {
				b.Fatal(err)
			}
			p, err := runtime.Parse(js)
			if err != nil {
				b.Fatal(err)
			}
			steps := 0
			for b.Loop() {
				res, err := p.Run(runtime.Options{Layout: "small"})
				if err != nil {
					b.Fatal(err)
				}
				steps += res.Steps
			}
			b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "steps/s")
			b.ReportMetric(0, "ns/op")
		})
	}
}
