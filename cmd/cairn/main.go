// Command cairn runs Cairo programs.
//
//	cairn run PROGRAM.json [--layout L] [--proof_mode] [--trace_file F] [--memory_file F]
//	          [--air_public_input F] [--air_private_input F] [--print_output]
//	          [--entrypoint NAME] [--cairo_layout_params_file F] [--max_steps N] [--engine E] [--differential] [--jit_cache DIR]
//	cairn asm FILE.casm [-o OUT.json]
//	cairn call CLASS.json --entrypoint NAME [--calldata F,...] [--constructor_calldata F,...] [--caller ADDR]
//	cairn call --scenario FILE [--builtin_costs zero|starknet]
//	cairn hints [--missing] [WHITELIST.json|PROGRAM.json|DIR ...]
//	cairn bench sequencer [--txs N] [--contention low|high|full] [--workers N] [--validate] [--executors E,...]
//	                      [--hints] [--rounds N] [--cpuprofile F]
//	cairn version
package main

import (
	"fmt"
	"os"
)

const version = "0.1.0"

func usage() {
	fmt.Fprint(os.Stderr, `cairn: a fast Cairo VM

usage:
  cairn run PROGRAM.json [flags]   run a compiled Cairo 0 program (cairo-run's flags; see cairn run -h)
  cairn asm FILE.casm [-o OUT]     assemble Cairo assembly into program JSON
  cairn call CLASS.json --entrypoint NAME [--calldata F,..] [--constructor_calldata F,..] [--caller A] | --scenario FILE
                                   call a Cairo 1 contract entry point on a fresh state (see cairn call -h)
  cairn hints [FILES|DIRS]         list implemented hints, or those of whitelists/programs as implemented or missing
  cairn bench sequencer [flags]    ERC20 transfers through the sequencer's executors (see cairn bench sequencer -h)
  cairn version                    print the version and the CPU report
`)
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = cmdRun(os.Args[2:])
	case "asm":
		err = cmdAsm(os.Args[2:])
	case "call":
		err = cmdCall(os.Args[2:])
	case "hints":
		err = cmdHints(os.Args[2:])
	case "bench":
		err = cmdBench(os.Args[2:])
	case "version", "--version", "-version":
		err = cmdVersion()
	case "help", "-h", "--help":
		usage()
		return
	default:
		fmt.Fprintf(os.Stderr, "cairn: unknown command %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	if err != nil {
		if ee, ok := err.(exitError); ok {
			os.Exit(int(ee))
		}
		fmt.Fprintf(os.Stderr, "cairn: error: %v\n", err)
		os.Exit(1)
	}
}

// exitError ends the process with a status after a message was printed.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
