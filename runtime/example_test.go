package runtime_test

import (
	"fmt"

	"github.com/cairn-vm/cairn/runtime"
)

// Load a program once and run it: fib.casm computes fib(1000) mod P and
// writes it to the output builtin.
func Example() {
	prog, err := runtime.Load("../testdata/fib.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := prog.Run(runtime.Options{Layout: "small"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("steps:", res.Steps)
	for _, v := range res.Output() {
		fmt.Println(runtime.FormatOutput(v))
	}
	// Output:
	// steps: 4006
	// 136380566276010706690742754800077408887173906373294333363333681744450488681
}

// A step limit stops a run with an error that names the pc.
func ExampleOptions_maxSteps() {
	prog, err := runtime.Load("../testdata/loop.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = prog.Run(runtime.Options{Layout: "small", MaxSteps: 100})
	fmt.Println(err != nil)
	// Output:
	// true
}
