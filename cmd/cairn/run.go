package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cairn-vm/cairn/jit"
	"github.com/cairn-vm/cairn/runtime"
	"github.com/cairn-vm/cairn/vm"
)

func cmdRun(args []string) error {
	fs := flag.NewFlagSet("cairn run", flag.ContinueOnError)
	var (
		program      = fs.String("program", "", "program JSON (or give it as the first argument)")
		layout       = fs.String("layout", "plain", "layout: plain, small, dex, recursive, starknet, starknet_with_keccak, recursive_large_output, recursive_with_poseidon, all_solidity, all_cairo, dynamic")
		layoutParams = fs.String("cairo_layout_params_file", "", "parameters of the dynamic layout (JSON)")
		proofMode    = fs.Bool("proof_mode", false, "run in proof mode (from __start__, trace padded to a power of two)")
		traceFile    = fs.String("trace_file", "", "write the relocated trace here")
		memoryFile   = fs.String("memory_file", "", "write the relocated memory here")
		airPublic    = fs.String("air_public_input", "", "write the AIR public input here (proof mode)")
		airPrivate   = fs.String("air_private_input", "", "write the AIR private input here (proof mode; needs --trace_file and --memory_file)")
		printOutput  = fs.Bool("print_output", false, "print the output builtin's segment")
		printInfo    = fs.Bool("print_info", false, "print steps and resources")
		entrypoint   = fs.String("entrypoint", "main", "function to run")
		maxSteps     = fs.Int("max_steps", 0, "stop with an error after this many steps (0: no limit)")
		engine       = fs.String("engine", "interp", "execution engine: interp, jit or auto")
		differential = fs.Bool("differential", false, "run the interpreter too and stop at the first difference from --engine")
		jitCache     = fs.String("jit_cache", "", "keep the JIT's compiled code in this directory (compile once across runs)")
		showTrace    = fs.Bool("show_trace", false, "on error, print the Cairo traceback")
		noSecure     = fs.Bool("no_secure_run", false, "skip the relocation-safety checks")
	)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return exitError(2)
	}
	if *program == "" && len(pos) > 0 {
		*program, pos = pos[0], pos[1:]
	}
	if *program == "" || len(pos) > 0 {
		return errors.New("usage: cairn run PROGRAM.json [flags]")
	}
	if *airPrivate != "" && (*traceFile == "" || *memoryFile == "") {
		return errors.New("--air_private_input needs --trace_file and --memory_file")
	}
	if (*airPublic != "" || *airPrivate != "") && !*proofMode {
		return errors.New("--air_public_input and --air_private_input need --proof_mode")
	}
	if *jitCache != "" {
		if err := jit.SetCacheDir(*jitCache); err != nil {
			return err
		}
	}
	prog, err := runtime.Load(*program)
	if err != nil {
		return err
	}
	res, err := prog.Run(runtime.Options{
		Layout:           *layout,
		LayoutParamsFile: *layoutParams,
		ProofMode:        *proofMode,
		Trace:            *traceFile != "" || *airPublic != "",
		MaxSteps:         *maxSteps,
		Entrypoint:       *entrypoint,
		Engine:           *engine,
		NoSecureRun:      *noSecure,
		Differential:     *differential,
	})
	if err != nil {
		var ve *vm.VMError
		if *showTrace && errors.As(err, &ve) {
			fmt.Fprintln(os.Stderr, ve.Describe())
			return exitError(1)
		}
		return err
	}
	if *traceFile != "" {
		if err := writeFileAtomic(*traceFile, res.WriteTrace); err != nil {
			return fmt.Errorf("writing the trace: %w", err)
		}
	}
	if *memoryFile != "" {
		if err := writeFileAtomic(*memoryFile, res.WriteMemory); err != nil {
			return fmt.Errorf("writing the memory: %w", err)
		}
	}
	if *airPublic != "" {
		if err := writeFileAtomic(*airPublic, res.WriteAIRPublicInput); err != nil {
			return fmt.Errorf("writing the AIR public input: %w", err)
		}
	}
	if *airPrivate != "" {
		err := writeFileAtomic(*airPrivate, func(w io.Writer) error {
			return res.WriteAIRPrivateInput(w, *traceFile, *memoryFile)
		})
		if err != nil {
			return fmt.Errorf("writing the AIR private input: %w", err)
		}
	}
	if *printOutput {
		var b strings.Builder
		b.WriteString("Program output:\n")
		for _, v := range res.Output() {
			b.WriteString("  " + runtime.FormatOutput(v) + "\n")
		}
		b.WriteString("\n")
		fmt.Print(b.String())
	}
	if *printInfo {
		r := res.Resources()
		fmt.Printf("Number of steps: %d\nMemory holes: %d\n", r.Steps, r.MemoryHoles)
		for name, n := range r.Builtins {
			fmt.Printf("%s_builtin: %d instances\n", name, n)
		}
		if j := res.JIT; j.Entries > 0 || j.Fallbacks > 0 {
			fmt.Printf("JIT: %d entries into compiled code, %d steps handed to the interpreter from it, %d run by it outside, %d fallbacks\n",
				j.Entries, j.SlowSteps, j.InterpSteps, j.Fallbacks)
		}
	}
	return nil
}
