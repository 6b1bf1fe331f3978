package main

import (
	"errors"
	"flag"
	"io"
	"os"
	"strings"

	"github.com/cairn-vm/cairn/assembler"
)

// cmdAsm assembles Cairo assembly text into cairo-compile's program JSON.
func cmdAsm(args []string) error {
	fs := flag.NewFlagSet("cairn asm", flag.ContinueOnError)
	out := fs.String("o", "", "output file (default: FILE with .json instead of .casm; - for stdout)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return exitError(2)
	}
	if len(pos) != 1 {
		return errors.New("usage: cairn asm FILE.casm [-o OUT.json]")
	}
	src, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	js, err := assembler.AssembleJSON(pos[0], src)
	if err != nil {
		return err
	}
	dst := *out
	if dst == "" {
		dst = strings.TrimSuffix(pos[0], ".casm") + ".json"
	}
	if dst == "-" {
		_, err := os.Stdout.Write(js)
		return err
	}
	return writeFileAtomic(dst, func(w io.Writer) error {
		_, err := w.Write(js)
		return err
	})
}
