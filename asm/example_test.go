package asm_test

import (
	"fmt"

	"github.com/cairn-vm/cairn/asm"
)

func Example() {
	// 123456789 = 0x75bcd15, so 123456789·16 = 0x75bcd150.
	a, err := asm.FeltFromString("123456789")
	if err != nil {
		panic(err)
	}
	b, _ := asm.FeltFromString("0x10")
	var c asm.Felt
	c.Mul(&a, &b)
	fmt.Println(c.Hex(), c.String())

	// Field arithmetic wraps: (-1)·2 = P-2, and P = 0x800000000000011·2^192 + 1.
	m, _ := asm.FeltFromString("-1")
	two := asm.FeltFromUint64(2)
	c.Mul(&m, &two)
	fmt.Println(c.Hex())
	fmt.Println(c.Signed())
	// Output:
	// 0x75bcd150 1975308624
	// 0x800000000000010ffffffffffffffffffffffffffffffffffffffffffffffff
	// -2
}
