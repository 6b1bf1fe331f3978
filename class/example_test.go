package class_test

import (
	"fmt"

	"github.com/cairn-vm/cairn/class"
)

// Starknet calls an entry point by its selector, sn_keccak of the name.
func ExampleSelector() {
	sel := class.Selector("transfer")
	fmt.Println(sel.Hex())
	// Output: 0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e
}
