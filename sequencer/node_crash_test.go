package sequencer_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cairn-vm/cairn/internal/corpusdir"
	"github.com/cairn-vm/cairn/sequencer"
	"github.com/cairn-vm/cairn/sequencer/workload"
)

// The node crash test: a child process (this test binary, re-executed
// with TestNodeCrashChild selected and nodeCrashDir set) opens a node in
// the shared directory, submits a fixed stream of transfers from index
// nodeCrashStart on, printing "A i" once Submit of transfer i returned,
// while a goroutine produces blocks, printing "B n" after each commit.
// The parent kills it with SIGKILL, either at a random moment or, by
// nodeCrashAt, from inside at a chosen step of the node (the child sends
// itself the SIGKILL there), and starts the next child on the same
// directory. At the end the parent opens the node itself, drains the
// mempool into blocks, and checks that every acknowledged transfer was
// committed exactly once and that the state root is the one of a
// reference run of the same transfers, executed in one block with no
// crash.

const (
	nodeCrashDir   = "CAIRN_NODE_CRASH_DIR"
	nodeCrashStart = "CAIRN_NODE_CRASH_START"
	nodeCrashAt    = "CAIRN_NODE_CRASH_AT" // "stage:k", the k-th time the stage is reached
	crashAccounts  = 8
	crashStream    = 360
	crashSeed      = 5
)

// crashLimits make blocks of a few transactions, cut by each limit in
// turn, so that a kill lands in the middle of a block more often than not.
var crashLimits = sequencer.Limits{MaxTxs: 12, MaxSteps: 568 * 9, MaxDiffEntries: 20}

// TestNodeCrashChild is the child; it is skipped unless nodeCrashDir is
// set.
func TestNodeCrashChild(t *testing.T) {
	dir := os.Getenv(nodeCrashDir)
	if dir == "" {
		t.Skip("the node crash test's child process; run by TestNodeCrash")
	}
	say := func(format string, args ...any) {
		// One write per line: a line the parent reads whole is a step
		// that completed.
		os.Stdout.Write(fmt.Appendf(nil, format+"\n", args...))
	}
	fail := func(err error) {
		say("ERROR %v", err)
		os.Exit(3)
	}
	start, err := strconv.Atoi(os.Getenv(nodeCrashStart))
	if err != nil {
		fail(err)
	}
	corpus, err := corpusdir.Dir()
	if err != nil {
		fail(err)
	}
	w, g, err := buildNodeWorld(corpus, crashAccounts)
	if err != nil {
		fail(err)
	}
	stream := transferStream(w, crashStream, crashSeed)
	n, err := sequencer.Open(dir, nodeOptions(w, g, &sequencer.BlockSTM{Config: w.Config, Workers: 2}, crashLimits))
	if err != nil {
		fail(err)
	}
	if at := os.Getenv(nodeCrashAt); at != "" {
		stage, ks, _ := strings.Cut(at, ":")
		k, _ := strconv.Atoi(ks)
		var seen atomic.Int64
		sequencer.SetNodeHook(n, func(s string) {
			if s == stage && seen.Add(1) == int64(k) {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {} // the signal is on its way
			}
		})
	}
	r := n.Recovery()
	say("READY %d %d %d", r.Head, r.Restored, r.Skipped)
	go func() {
		for {
			b, err := n.ProduceBlock(context.Background())
			if err != nil {
				fail(err)
			}
			switch {
			case b == nil:
				time.Sleep(time.Millisecond)
			case b.Committed:
				say("B %d %d", b.Number, len(b.Txs))
			}
		}
	}()
	for i := start; i < len(stream); i++ {
		// Keep a few blocks' worth in the mempool, not the whole stream:
		// submitting is much faster than executing, and a kill should find
		// both under way.
		for n.Pending() >= 3*crashLimits.MaxTxs {
			time.Sleep(time.Millisecond)
		}
		_, err := n.Submit(stream[i])
		// Known already: pending from an earlier life (recovered from the
		// journal) or executed. Durable either way.
		if err != nil && !errors.Is(err, sequencer.ErrDuplicateTx) && !errors.Is(err, sequencer.ErrStaleNonce) {
			fail(err)
		}
		say("A %d", i)
	}
	say("DONE")
	select {}
}

// childReport is what a child said before it died.
type childReport struct {
	ready   string
	acked   []int
	blocks  int
	lastB   int
	done    bool
	errLine string
}

// killPlan says when a child dies: at the k-th time it reaches the node's
// step at ("stage:k"), where it kills itself; or, from the parent, delay
// after it acknowledged acks transfers (after it said it is ready when
// acks is 0, after its start when early is set). When the step is not
// reached, the parent kills it after delay.
type killPlan struct {
	at    string
	acks  int
	delay time.Duration
	early bool
}

// runNodeChild runs a child from transfer start until it dies as p says.
func runNodeChild(t *testing.T, dir string, start int, p killPlan) childReport {
	t.Helper()
	at := p.at
	cmd := exec.Command(os.Args[0], "-test.run=^TestNodeCrashChild$", "-test.timeout=60s")
	cmd.Env = append(os.Environ(), nodeCrashDir+"="+dir, nodeCrashStart+"="+strconv.Itoa(start), nodeCrashAt+"="+at)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	rep := childReport{lastB: -1}
	var mu sync.Mutex
	// acked is closed once p.acks transfers are acknowledged, or all of
	// the stream is.
	ready, done, acked := make(chan struct{}), make(chan struct{}), make(chan struct{})
	closeAcked := sync.OnceFunc(func() { close(acked) })
	go func() {
		defer close(done)
		br := bufio.NewReader(out)
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return // a line without its newline is not trusted
			}
			line = strings.TrimSuffix(line, "\n")
			mu.Lock()
			switch {
			case strings.HasPrefix(line, "READY"):
				rep.ready = line
				close(ready)
			case strings.HasPrefix(line, "A "):
				i, _ := strconv.Atoi(line[2:])
				rep.acked = append(rep.acked, i)
				if len(rep.acked) == p.acks {
					closeAcked()
				}
			case strings.HasPrefix(line, "B "):
				var num, txs int
				fmt.Sscanf(line, "B %d %d", &num, &txs)
				rep.blocks++
				rep.lastB = num
			case line == "DONE":
				rep.done = true
				closeAcked()
			case strings.HasPrefix(line, "ERROR"):
				rep.errLine = line
			}
			mu.Unlock()
		}
	}()
	if !p.early {
		select {
		case <-ready:
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("the child did not get ready")
		}
	}
	if p.acks > 0 {
		// Counting acknowledgements rather than time makes each round
		// progress on a loaded machine too.
		select {
		case <-acked:
		case <-done:
		case <-time.After(20 * time.Second):
			t.Errorf("the child did not acknowledge %d transfers", p.acks)
		}
	}
	select {
	case <-done: // killed itself, or failed
	case <-time.After(p.delay):
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-done
	cmd.Wait()
	mu.Lock()
	defer mu.Unlock()
	if rep.errLine != "" {
		t.Fatalf("child: %s", rep.errLine)
	}
	return rep
}

func TestNodeCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test starts child processes")
	}
	corpusdir.OrSkip(t)
	dir := t.TempDir()
	seed := uint64(time.Now().UnixNano())
	t.Logf("kill delays seeded with %d", seed)
	rng := rand.New(rand.NewPCG(seed, 3))

	// The kills: from inside, exactly at each step of the node where a
	// crash leaves the files in a different shape, and from outside at
	// random moments after some random number of acknowledgements. A
	// step the child does not reach in time falls back to the delay.
	plans := []killPlan{
		{at: "submit-durable:5", delay: 5 * time.Second},                     // durable, not acknowledged
		{at: "block-recorded:2", delay: 5 * time.Second},                     // block record, no block
		{at: "block-committed:3", delay: 5 * time.Second},                    // block committed, journal not rewritten
		{at: "journal-filtered:1", delay: 5 * time.Second},                   // a clean point
		{delay: time.Duration(rng.IntN(40)) * time.Millisecond, early: true}, // while recovering, most likely
		{at: "block-committed:1", delay: 5 * time.Second},
	}
	minAcks := 5 // the first plan's four, and at least one more
	for range 6 {
		p := killPlan{acks: 10 + rng.IntN(30), delay: time.Duration(rng.IntN(40)) * time.Millisecond}
		minAcks += p.acks
		plans = append(plans, p)
	}
	start := time.Now()
	acked := 0 // transfers 0..acked-1 were acknowledged
	for round, p := range plans {
		rep := runNodeChild(t, dir, acked, p)
		for _, i := range rep.acked {
			// The child submits one transfer at a time, in order: its
			// acknowledgements continue the prefix.
			if i != acked {
				t.Fatalf("round %d: acknowledgement of transfer %d after %d", round, i, acked-1)
			}
			acked++
		}
		t.Logf("round %d (at %q, acks %d, delay %v, early %v): %q, %d acknowledged (%d in all), %d blocks up to %d, done %v",
			round, p.at, p.acks, p.delay, p.early, rep.ready, len(rep.acked), acked, rep.blocks, rep.lastB, rep.done)
	}

	// Recover in this process (with another executor than the children's)
	// and drain the mempool.
	w, g := nodeWorld(t, crashAccounts)
	stream := transferStream(w, crashStream, crashSeed)
	o := nodeOptions(w, g, &sequencer.Serial{Config: w.Config}, crashLimits)
	n := openNode(t, dir, o)
	t.Logf("final recovery: %+v", n.Recovery())
	if _, err := n.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p := n.Pending(); p != 0 {
		t.Fatalf("%d transactions left in the mempool after draining", p)
	}
	// Every record is dropped once its block is committed.
	n.Close()
	n = openNode(t, dir, o)
	defer n.Close()
	if r := n.Recovery(); r.Records != 0 || n.Pending() != 0 {
		t.Fatalf("reopened after draining: %+v, %d pending", r, n.Pending())
	}

	// The committed transfers are, for each account, a prefix of its
	// transfers in the stream, whose length its nonce says. Acknowledged
	// transfers must all be in; beyond them, only the one the last child
	// had in flight may be (durable, but killed before it said so).
	committed := map[*workload.Account]uint64{}
	for _, a := range w.Accounts {
		nonce, err := n.State().Nonce(a.Address)
		if err != nil {
			t.Fatal(err)
		}
		committed[a] = nonce.Uint64()
	}
	count := func(m int) map[*workload.Account]uint64 {
		c := map[*workload.Account]uint64{}
		for _, tx := range stream[:m] {
			for _, a := range w.Accounts {
				if a.Address == tx.Sender {
					c[a]++
				}
			}
		}
		return c
	}
	m := acked
	if acked < len(stream) {
		inFlight := count(acked + 1)
		same := true
		for _, a := range w.Accounts {
			same = same && committed[a] == inFlight[a]
		}
		if same {
			m = acked + 1
		}
	}
	want := count(m)
	for i, a := range w.Accounts {
		if committed[a] != want[a] {
			t.Fatalf("account %d: nonce %d after the crashes, but %d of its transfers were acknowledged (%d of the stream in all)",
				i, committed[a], count(acked)[a], acked)
		}
	}
	if acked < min(minAcks, len(stream)) {
		t.Fatalf("only %d transfers acknowledged in %d rounds, want %d", acked, len(plans), min(minAcks, len(stream)))
	}

	// The state is the reference run's.
	ref, _ := nodeWorld(t, crashAccounts)
	want2 := referenceRoot(t, ref, transferStream(ref, crashStream, crashSeed)[:m])
	_, root, err := n.Head()
	if err != nil {
		t.Fatal(err)
	}
	if root != want2 {
		t.Fatalf("root %s after the crashes, the reference run of the %d committed transfers gives %s", root.Hex(), m, want2.Hex())
	}
	t.Logf("%d rounds, %d transfers committed, in %v", len(plans), m, time.Since(start))
}
