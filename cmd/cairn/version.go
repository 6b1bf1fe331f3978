package main

import (
	"fmt"

	"github.com/cairn-vm/cairn/asm"
)

func cmdVersion() error {
	fmt.Printf("cairn %s\n%s\n", version, asm.CPU())
	return nil
}
