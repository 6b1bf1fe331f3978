package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/internal/corpusdir"
	"github.com/cairn-vm/cairn/sequencer"
	"github.com/cairn-vm/cairn/sequencer/workload"
)

// cmdBench runs a benchmark: cairn bench sequencer [flags].
func cmdBench(args []string) error {
	if len(args) == 0 || args[0] != "sequencer" {
		fmt.Fprintln(os.Stderr, "usage: cairn bench sequencer --txs N --contention low|high|full [--workers N] [--validate] [--executors serial,blockstm,accesslist] [--hints] [--rounds N] [--engine interp|jit|auto] [--differential F] [--node DIR [--node-block N] [--node-executor E]] [--cpuprofile F]")
		return exitError(2)
	}
	return benchSequencer(args[1:])
}

// benchSequencer executes one block of ERC20 transfers through accounts
// with each executor and reports throughput, speedup over serial,
// re-executions and the state root, which must be the same for all.
func benchSequencer(args []string) error {
	fs := flag.NewFlagSet("cairn bench sequencer", flag.ContinueOnError)
	var (
		n          = fs.Int("txs", 1000, "transactions in the block")
		contention = fs.String("contention", "low", "low (every transfer to its own address), high (to 4 hot addresses) or full (all to one)")
		workers    = fs.Int("workers", runtime.GOMAXPROCS(0), "goroutines of the parallel executors")
		validate   = fs.Bool("validate", false, "accounts that check Stark-curve signatures (account__account) instead of a dummy __validate__")
		executors  = fs.String("executors", "serial,blockstm,accesslist", "executors to run, comma-separated")
		corpus     = fs.String("corpus", "", "conformance corpus directory (default: $CAIRN_CORPUS or ../shared/corpus)")
		engine     = fs.String("engine", "interp", "Cairo engine: interp, jit or auto")
		diff       = fs.Float64("differential", 0, "share of the transactions (0 to 1) also run with the interpreter and compared, under --engine jit or auto")
		hints      = fs.Bool("hints", false, "give blockstm the declared access lists as scheduling hints (accesslist always uses them)")
		rounds     = fs.Int("rounds", 1, "run each executor this many times and report its fastest run (the machine is shared and noisy)")
		cpuprofile = fs.String("cpuprofile", "", "write a CPU profile of the timed runs to this file")
		nodeDir    = fs.String("node", "", "also run the transfers through a crash-safe node in this fresh directory: journal, mempool, blocks, store")
		nodeBlock  = fs.Int("node-block", 0, "transactions per node block (with --node; 0: all in one block)")
		nodeExec   = fs.String("node-executor", "accesslist", "the node's executor (with --node)")
	)
	if _, err := parseInterspersed(fs, args); err != nil {
		return exitError(2)
	}
	if *n <= 0 || *workers <= 0 || *rounds <= 0 {
		return errors.New("--txs, --workers and --rounds must be positive")
	}
	dir := *corpus
	if dir == "" {
		d, err := corpusdir.Dir()
		if err != nil {
			return err
		}
		dir = d
	}
	var names []string
	for _, s := range strings.Split(*executors, ",") {
		if s = strings.TrimSpace(s); s != "" {
			names = append(names, s)
		}
	}

	progress := func(format string, a ...any) { fmt.Fprintf(os.Stderr, "\r\033[K"+format, a...) }
	progress("building genesis: %d accounts (validate=%v)...", *n, *validate)
	t0 := time.Now()
	w, err := workload.New(workload.Options{Corpus: dir, Accounts: *n, Validate: *validate, Balance: 1_000_000_000_000})
	if err != nil {
		return err
	}
	w.Config.Engine = *engine
	w.Config.Differential = *diff
	progress("signing %d transfers (contention %s)...", *n, *contention)
	// Every transfer declares its access list, for every executor: the
	// discount it earns is part of the fee, so the roots agree.
	b, err := w.TransferBlock(*n, workload.Contention(*contention), true, 1)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "\r\033[Kgenesis and block ready in %.2fs: %d txs, %d workers, GOMAXPROCS %d\n",
		time.Since(t0).Seconds(), *n, *workers, runtime.GOMAXPROCS(0))

	makeExec := func(name string) (sequencer.Executor, int, error) {
		switch name {
		case "serial":
			return &sequencer.Serial{Config: w.Config}, 1, nil
		case "blockstm":
			return &sequencer.BlockSTM{Config: w.Config, Workers: *workers, Hints: *hints}, *workers, nil
		case "accesslist":
			return &sequencer.AccessListExecutor{Config: w.Config, Workers: *workers}, *workers, nil
		}
		return nil, 0, fmt.Errorf("unknown executor %q (serial, blockstm, accesslist)", name)
	}
	for _, name := range names {
		if _, _, err := makeExec(name); err != nil {
			return err
		}
	}

	// Warm up (hint compilation, hash tables) on a prefix of the block.
	warm := &sequencer.Block{Number: b.Number, Timestamp: b.Timestamp, SequencerAddress: b.SequencerAddress, Txs: b.Txs[:min(len(b.Txs), 8)]}
	if _, err := (&sequencer.Serial{Config: w.Config}).Execute(context.Background(), w.Genesis, warm); err != nil {
		return err
	}

	type result struct {
		name    string
		workers int
		secs    float64
		res     *sequencer.BlockResult
	}
	run := func(name string) (result, error) {
		ex, nw, _ := makeExec(name)
		best := result{name: name, workers: nw}
		for i := range *rounds {
			progress("running %s (%d workers), round %d of %d...", name, nw, i+1, *rounds)
			start := time.Now()
			res, err := ex.Execute(context.Background(), w.Genesis, b)
			secs := time.Since(start).Seconds()
			if err != nil {
				return result{}, fmt.Errorf("%s: %w", name, err)
			}
			if best.res == nil || secs < best.secs {
				best.secs, best.res = secs, res
			}
		}
		return best, nil
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return err
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	var serialSecs float64
	if !contains(names, "serial") {
		// The baseline of the speedups.
		r, err := run("serial")
		if err != nil {
			return err
		}
		serialSecs = r.secs
	}
	var results []result
	for _, name := range names {
		r, err := run(name)
		if err != nil {
			return err
		}
		if name == "serial" {
			serialSecs = r.secs
		}
		ok := map[sequencer.Status]int{}
		for _, rc := range r.res.Receipts {
			ok[rc.Status]++
		}
		commit := r.res.Stats.Commit.Seconds()
		fmt.Fprintf(os.Stderr, "\r\033[K%-10s %8.3fs  %9.0f tx/s (execution %7.3fs %9.0f tx/s, root %6.1fms)  %11.0f steps/s  re-executions %d  independent %d  planned %d in %d groups  fallback %v  succeeded %d reverted %d rejected %d\n",
			r.name, r.secs, float64(*n)/r.secs, r.secs-commit, float64(*n)/(r.secs-commit), 1000*commit,
			float64(r.res.Stats.Steps)/r.secs, r.res.Stats.ReExecutions,
			r.res.Stats.Independent, r.res.Stats.Planned, r.res.Stats.Groups, r.res.Stats.Fallback, ok[sequencer.Succeeded], ok[sequencer.Reverted], ok[sequencer.Rejected])
		if d := r.res.Divergences(); len(d) > 0 {
			fmt.Fprintf(os.Stderr, "%-10s %d transactions diverged from the interpreter; the first, %d: %s\n", r.name, len(d), d[0], r.res.Receipts[d[0]].Divergence)
		}
		results = append(results, r)
	}
	same := true
	for _, r := range results {
		// tps is end to end (the state root included); exec_tps leaves
		// out the time after execution (diff and root, commit_ms).
		commit := r.res.Stats.Commit.Seconds()
		fmt.Printf("executor=%s workers=%d tps=%.0f speedup=%.2f exec_tps=%.0f commit_ms=%.1f root=%s\n", r.name, r.workers,
			float64(*n)/r.secs, serialSecs/r.secs, float64(*n)/(r.secs-commit), 1000*commit, r.res.Root.Hex())
		same = same && r.res.Root == results[0].res.Root
	}
	if !same {
		return errors.New("the executors' state roots differ")
	}
	if *nodeDir != "" {
		ex, _, err := makeExec(*nodeExec)
		if err != nil {
			return err
		}
		if len(results) == 0 {
			return errors.New("--node needs an executor run to compare its root with")
		}
		// Transfers commute, so the node's root is the executors' when it
		// makes one block, or when every transfer is independent wherever
		// the blocks are cut (low contention); otherwise the access-list
		// discount, which depends on the other transactions of a block,
		// makes the fees differ.
		compare := *nodeBlock <= 0 || *nodeBlock >= len(b.Txs) || workload.Contention(*contention) == workload.Low
		return benchNode(*nodeDir, w, b, ex, *nodeBlock, results[0].res.Root, compare, progress)
	}
	return nil
}

// benchNode submits the block's transactions to a node in a fresh
// directory (each durable in the journal before Submit returns; they are
// submitted from many goroutines, as clients would, so that appends share
// fsyncs), then has it produce blocks of blockSize until its mempool is
// empty, each committed to the store; when compare is set, its final root
// must be want, the executors' root of the same transactions in one block.
func benchNode(dir string, w *workload.World, b *sequencer.Block, ex sequencer.Executor, blockSize int, want asm.Felt,
	compare bool, progress func(string, ...any)) error {
	if blockSize <= 0 {
		blockSize = len(b.Txs)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("--node %s: the directory is not empty", dir)
	}
	progress("opening a node in %s...", dir)
	node, err := sequencer.Open(dir, sequencer.NodeOptions{Config: w.Config, Executor: ex, Genesis: w.NodeGenesis(),
		SequencerAddress: b.SequencerAddress, Limits: sequencer.Limits{MaxTxs: blockSize}})
	if err != nil {
		return err
	}
	defer node.Close()
	progress("submitting %d transactions...", len(b.Txs))
	start := time.Now()
	var next atomic.Int64
	errs := make(chan error, 64)
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(b.Txs) {
					return
				}
				if _, err := node.Submit(b.Txs[i]); err != nil {
					errs <- fmt.Errorf("submit %d: %w", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	submitSecs := time.Since(start).Seconds()
	progress("producing blocks of %d...", blockSize)
	start = time.Now()
	blocks, err := node.Drain(context.Background())
	if err != nil {
		return err
	}
	blockSecs := time.Since(start).Seconds()
	head, root, err := node.Head()
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "\r\033[Knode       submitted %d in %.3fs (%.0f tx/s, durable), %d blocks to head %d in %.3fs (%.0f tx/s, committed to the store)\n",
		len(b.Txs), submitSecs, float64(len(b.Txs))/submitSecs, blocks, head, blockSecs, float64(len(b.Txs))/blockSecs)
	fmt.Printf("node executor=%s blocks=%d submit_tps=%.0f block_tps=%.0f root=%s\n", ex.Name(), blocks,
		float64(len(b.Txs))/submitSecs, float64(len(b.Txs))/blockSecs, root.Hex())
	if !compare {
		fmt.Fprintln(os.Stderr, "node       root not compared: the access-list discount depends on how the blocks are cut")
	} else if root != want {
		return fmt.Errorf("the node's state root %s differs from the executors' %s", root.Hex(), want.Hex())
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
