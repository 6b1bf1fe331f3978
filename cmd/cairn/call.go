package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/starknet"
)

// cmdCall runs a Cairo 1 contract entry point (cairn call CLASS.json
// --entrypoint NAME ...) or a scenario of calls (cairn call --scenario F).
func cmdCall(args []string) error {
	fs := flag.NewFlagSet("cairn call", flag.ContinueOnError)
	var (
		entrypoint   = fs.String("entrypoint", "", "external entry point to call: its name or its selector (decimal or 0x-hex)")
		calldata     = fs.String("calldata", "", "calldata: felts separated by commas (decimal or 0x-hex)")
		ctorCalldata = fs.String("constructor_calldata", "", "constructor calldata: felts separated by commas")
		caller       = fs.String("caller", "0", "caller address (of the constructor and of the call)")
		scenario     = fs.String("scenario", "", "run a scenario file and print its results as JSON")
		costs        = fs.String("builtin_costs", "zero", "builtin-cost table after the bytecode: zero (cairo-lang's) or starknet")
	)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return exitError(2)
	}
	table, err := starknet.BuiltinCosts(*costs)
	if err != nil {
		return err
	}
	if *scenario != "" {
		if len(pos) > 0 || *entrypoint != "" {
			return errors.New("--scenario takes no class and no --entrypoint")
		}
		sc, err := starknet.LoadScenario(*scenario)
		if err != nil {
			return err
		}
		res, err := sc.Run(table)
		if err != nil {
			return err
		}
		out, err := json.MarshalIndent(res, "", " ")
		if err != nil {
			return err
		}
		_, err = fmt.Printf("%s\n", out)
		return err
	}
	if len(pos) != 1 || *entrypoint == "" {
		return errors.New("usage: cairn call CLASS.json --entrypoint NAME [--calldata F,F,...] [--constructor_calldata F,F,...] [--caller ADDR] | cairn call --scenario FILE [--builtin_costs zero|starknet]")
	}
	cd, err := parseFelts("--calldata", *calldata)
	if err != nil {
		return err
	}
	ccd, err := parseFelts("--constructor_calldata", *ctorCalldata)
	if err != nil {
		return err
	}
	who, err := starknet.ParseFelt(*caller)
	if err != nil {
		return fmt.Errorf("--caller: %v", err)
	}
	cl, err := class.Load(pos[0])
	if err != nil {
		return err
	}
	info, err := starknet.RunClass(cl, *entrypoint, cd, ccd, who, table)
	if err != nil {
		return err
	}
	if info.Failed {
		fmt.Fprintf(os.Stderr, "cairn: call reverted: %s\n", starknet.RevertReason(info.Retdata))
		return exitError(1)
	}
	var b strings.Builder
	for _, f := range info.Retdata {
		b.WriteString(f.Hex())
		b.WriteByte('\n')
	}
	_, err = fmt.Print(b.String())
	return err
}

// parseFelts reads comma-separated felts.
func parseFelts(flagName, s string) ([]asm.Felt, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	out := make([]asm.Felt, len(parts))
	for i, p := range parts {
		f, err := starknet.ParseFelt(p)
		if err != nil {
			return nil, fmt.Errorf("%s: element %d (%q): %v", flagName, i+1, strings.TrimSpace(p), err)
		}
		out[i] = f
	}
	return out, nil
}
