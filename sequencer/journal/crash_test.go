package journal_test

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/sequencer/journal"
	"github.com/cairn-vm/cairn/state"
	"github.com/cairn-vm/cairn/state/commitment"
	"github.com/cairn-vm/cairn/state/store"
)

// The crash test: a child process (this test binary, re-executed with
// TestCrashChild selected and crashEnv set) runs a sequencer's persistence
// loop: it appends the transactions of the next block to the journal,
// computes the block's state root over the store's trie nodes, commits the
// block, and every third block drops the journal records of committed
// blocks. It reports each step on stdout after the call returned. The
// parent kills it with SIGKILL at a random moment, reopens both files and
// checks them against what the child reported, then starts the next round
// on the same files.

const (
	crashEnv  = "CAIRN_JOURNAL_CRASH_DIR"
	roundEnv  = "CAIRN_JOURNAL_CRASH_ROUND"
	crashSeed = 11
	// contracts and keys bound the key space crashDiff writes, so the
	// parent can read every entry that can exist.
	contracts = 6
	keys      = 40
)

// crashDiff is block n's diff, a function of n only, so that the parent
// knows what any block the child may have committed contains.
func crashDiff(n uint64) (*state.Diff, map[asm.Felt][]byte) {
	rng := rand.New(rand.NewPCG(crashSeed, n))
	d := &state.Diff{}
	for c := uint64(1); c <= contracts; c++ {
		if rng.IntN(2) == 0 {
			continue
		}
		sd := state.ContractStorageDiff{Address: asm.FeltFromUint64(c)}
		for k := uint64(1); k <= keys; k++ {
			if rng.IntN(10) == 0 {
				v := rng.Uint64N(4) // small values: zeros delete, repeats happen
				if rng.IntN(2) == 0 {
					v = rng.Uint64()
				}
				sd.StorageEntries = append(sd.StorageEntries, state.StorageEntry{Key: asm.FeltFromUint64(k), Value: asm.FeltFromUint64(v)})
			}
		}
		if len(sd.StorageEntries) > 0 {
			d.StorageDiffs = append(d.StorageDiffs, sd)
		}
		switch rng.IntN(5) {
		case 0:
			d.Nonces = append(d.Nonces, state.NonceUpdate{ContractAddress: asm.FeltFromUint64(c), Nonce: asm.FeltFromUint64(n)})
		case 1:
			d.DeployedContracts = append(d.DeployedContracts, state.DeployedContract{Address: asm.FeltFromUint64(c), ClassHash: asm.FeltFromUint64(rng.Uint64N(3))})
		}
	}
	var classes map[asm.Felt][]byte
	if n%5 == 0 {
		h := asm.FeltFromUint64(1_000_000 + n)
		d.DeclaredClasses = []state.DeclaredClass{{ClassHash: h, CompiledClassHash: asm.FeltFromUint64(n + 1)}}
		classes = map[asm.Felt][]byte{h: crashClass}
	}
	return d, classes
}

var crashClass = []byte(`{"prime": "0x800000000000011000000000000000000000000000000000000000000000001",
 "compiler_version": "2.99.0", "bytecode": ["0x1", "0x2"], "hints": [],
 "entry_points_by_type": {"EXTERNAL": [{"selector": "0x1", "offset": 0, "builtins": []}], "L1_HANDLER": [], "CONSTRUCTOR": []}}`)

// record is the journal record of transaction i of block n, appended in
// round r; padding varies its size.
func record(r int, n uint64, i int) []byte {
	return fmt.Appendf(nil, "%d-%d-%d|%s", r, n, i, strings.Repeat("p", (int(n)*31+i*7)%200))
}

type recID struct {
	round int
	block uint64
	i     int
}

func parseRecord(b []byte) (recID, bool) {
	head, _, ok := bytes.Cut(b, []byte("|"))
	if !ok {
		return recID{}, false
	}
	var id recID
	if _, err := fmt.Sscanf(string(head), "%d-%d-%d", &id.round, &id.block, &id.i); err != nil {
		return recID{}, false
	}
	return id, bytes.Equal(record(id.round, id.block, id.i), b)
}

func (a recID) cmp(b recID) int {
	return cmp.Or(cmp.Compare(a.round, b.round), cmp.Compare(a.block, b.block), cmp.Compare(a.i, b.i))
}

// TestCrashChild is the child's loop; it is skipped unless crashEnv is set.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashEnv)
	if dir == "" {
		t.Skip("the crash test's child process; run by TestCrash")
	}
	round, _ := strconv.Atoi(os.Getenv(roundEnv))
	say := func(format string, args ...any) {
		// One write per line, unbuffered: a line the parent reads is a
		// step that completed.
		os.Stdout.Write(fmt.Appendf(nil, format+"\n", args...))
	}
	fail := func(err error) {
		say("ERROR %v", err)
		os.Exit(3)
	}
	db, err := store.Open(filepath.Join(dir, "db"))
	if err != nil {
		fail(err)
	}
	j, _, err := journal.Open(filepath.Join(dir, "journal"))
	if err != nil {
		fail(err)
	}
	// The commitment cannot be reopened from a root yet, so rebuild it by
	// replaying the committed diffs over the stored nodes. (This replay is
	// what grows the test's time with each round.)
	cs := commitment.NewState(db.Nodes(), db.Nodes())
	next := uint64(0)
	if h, ok := db.Head(); ok {
		next = h + 1
		for n := range next {
			d, err := db.BlockDiff(n)
			if err != nil {
				fail(err)
			}
			if _, err := cs.Apply(d); err != nil {
				fail(err)
			}
		}
	}
	say("READY %d", next)
	rng := rand.New(rand.NewPCG(uint64(round), 0))
	for n := next; ; n++ {
		txs := 1 + rng.IntN(4)
		if n%2 == 0 {
			batch := make([][]byte, txs)
			for i := range batch {
				batch[i] = record(round, n, i)
			}
			if err := j.AppendBatch(batch); err != nil {
				fail(err)
			}
			for i := range batch {
				say("J %d-%d-%d", round, n, i)
			}
		} else {
			for i := range txs {
				if err := j.Append(record(round, n, i)); err != nil {
					fail(err)
				}
				say("J %d-%d-%d", round, n, i)
			}
		}
		d, classes := crashDiff(n)
		root, err := cs.Apply(d)
		if err != nil {
			fail(err)
		}
		if err := db.CommitBlock(n, d, classes, root); err != nil {
			fail(err)
		}
		say("B %d", n)
		if n%3 == 0 {
			err := j.Filter(func(r []byte) bool {
				id, ok := parseRecord(r)
				return !ok || id.block > n
			})
			if err != nil {
				fail(err)
			}
			say("D %d", n)
		}
	}
}

// crashReport is what a child said before it died.
type crashReport struct {
	ready     bool
	appended  []recID
	committed int64 // last block reported committed, -1 if none
	dropped   int64 // last drop level reported, -1 if none
}

func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test starts child processes")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	seed := rng.Uint64()
	t.Logf("kill delays seeded with %d", seed)
	rng = rand.New(rand.NewPCG(seed, 2))

	// What the parent knows across rounds.
	var (
		appended  = map[recID]bool{} // every record a child reported
		committed = int64(-1)
		dropped   = int64(-1)
		replayed  = int64(-1) // blocks applied to ref and flat
		refNodes  = commitment.NewMemoryStore()
		ref       = commitment.NewState(refNodes, refNodes)
		flat      = state.NewMemory()
		declared  = map[asm.Felt]asm.Felt{}
	)

	start := time.Now()
	const rounds = 10
	for round := range rounds {
		var delay time.Duration
		switch {
		case round == 2:
			delay = time.Duration(rng.IntN(20)) * time.Millisecond // during the child's recovery
		default:
			delay = time.Duration(20+rng.IntN(200)) * time.Millisecond
		}
		rep := runChild(t, dir, round, delay, round != 2)
		t.Logf("round %d: killed after %v: ready %v, %d records, block %d, drop %d",
			round, delay, rep.ready, len(rep.appended), rep.committed, rep.dropped)
		for _, id := range rep.appended {
			appended[id] = true
		}
		committed = max(committed, rep.committed)
		dropped = max(dropped, rep.dropped)

		// The store: the head is at least the last reported block, and its
		// flat state and root are those of the replay of blocks 0..head.
		db, err := store.Open(filepath.Join(dir, "db"))
		if err != nil {
			t.Fatalf("round %d: reopen the store: %v", round, err)
		}
		head := int64(-1)
		if h, ok := db.Head(); ok {
			head = int64(h)
		}
		if head < committed {
			t.Fatalf("round %d: head %d, but the child committed block %d", round, head, committed)
		}
		for n := replayed + 1; n <= head; n++ {
			d, _ := crashDiff(uint64(n))
			if _, err := ref.Apply(d); err != nil {
				t.Fatal(err)
			}
			applyFlat(t, flat, d, declared)
			got, err := db.BlockDiff(uint64(n))
			if err != nil {
				t.Fatalf("round %d: block %d: %v", round, n, err)
			}
			if !bytes.Equal(store.MarshalDiff(got), store.MarshalDiff(d)) {
				t.Fatalf("round %d: block %d's stored diff differs", round, n)
			}
		}
		replayed = head
		if _, err := db.BlockDiff(uint64(head + 1)); err == nil {
			t.Fatalf("round %d: a block past the head", round)
		}
		if head >= 0 {
			if root, err := db.Root(uint64(head)); err != nil || root != ref.Root() {
				t.Fatalf("round %d: root of head %d = %v (%v), replay gives %v", round, head, root, err, ref.Root())
			}
		}
		compareFlat(t, round, db, flat, declared)
		// Every node of every committed root is on disk.
		missing := 0
		refNodes.Range(func(h asm.Felt, _ commitment.Node) bool {
			if _, ok, err := db.Nodes().Node(h); err != nil || !ok {
				missing++
			}
			return true
		})
		if missing > 0 {
			t.Fatalf("round %d: %d of %d trie nodes missing from the store", round, missing, refNodes.Len())
		}
		db.Close()

		// The journal: every reported record that no drop can have removed
		// is there, nothing a reported drop removed is, no record twice, in
		// append order, and an unreported record only as the tail of its
		// round.
		j, recs, err := journal.Open(filepath.Join(dir, "journal"))
		if err != nil {
			t.Fatalf("round %d: reopen the journal: %v", round, err)
		}
		present := map[recID]bool{}
		var prev recID
		lastReported := map[int]recID{}
		for id := range appended {
			if id.cmp(lastReported[id.round]) > 0 {
				lastReported[id.round] = id
			}
		}
		for i, r := range recs {
			id, ok := parseRecord(r)
			if !ok {
				t.Fatalf("round %d: record %d is not one the child wrote: %q", round, i, r)
			}
			if i > 0 && id.cmp(prev) <= 0 {
				t.Fatalf("round %d: record %v after %v", round, id, prev)
			}
			prev = id
			present[id] = true
			if int64(id.block) <= dropped {
				t.Fatalf("round %d: record %v survived the drop of blocks up to %d", round, id, dropped)
			}
			if !appended[id] && id.cmp(lastReported[id.round]) < 0 {
				t.Fatalf("round %d: unreported record %v before the round's last reported one %v", round, id, lastReported[id.round])
			}
		}
		// The drop after block head may have happened without its report.
		mayDrop := dropped
		if head >= 0 && head%3 == 0 {
			mayDrop = max(mayDrop, head)
		}
		for id := range appended {
			if int64(id.block) > mayDrop && !present[id] {
				t.Fatalf("round %d: record %v was reported appended and is lost", round, id)
			}
		}
		if mayDrop > dropped {
			// Whether that drop ran shows in the journal: then no record
			// up to head is left. Later rounds must hold it to that, and
			// not count the records it removed as lost.
			ran := true
			for id := range present {
				if int64(id.block) <= head {
					ran = false
					break
				}
			}
			if ran {
				dropped = mayDrop
			}
		}
		t.Logf("round %d: head %d, %d journal records (%d bytes dropped)", round, head, len(recs), j.Recovery().Dropped)
		j.Close()
	}
	if committed < 5 {
		t.Fatalf("the children committed only %d blocks in %d rounds", committed+1, rounds)
	}
	t.Logf("%d rounds in %v", rounds, time.Since(start))
}

// runChild runs one child until delay after it is ready (or after its
// start, when waitReady is false), kills it and returns its report.
func runChild(t *testing.T, dir string, round int, delay time.Duration, waitReady bool) crashReport {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.timeout=60s")
	cmd.Env = append(os.Environ(), crashEnv+"="+dir, roundEnv+"="+strconv.Itoa(round))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	rep := crashReport{committed: -1, dropped: -1}
	var mu sync.Mutex
	ready := make(chan struct{})
	var readErr string
	done := make(chan struct{})
	go func() {
		defer close(done)
		br := bufio.NewReader(out)
		for {
			// Only a complete line is a completed step. (The child writes
			// each line in one write, which a pipe keeps whole, but a
			// line without its newline is not trusted either way.)
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimSuffix(line, "\n")
			mu.Lock()
			switch {
			case strings.HasPrefix(line, "READY"):
				rep.ready = true
				close(ready)
			case strings.HasPrefix(line, "J "):
				var id recID
				if _, err := fmt.Sscanf(line, "J %d-%d-%d", &id.round, &id.block, &id.i); err == nil {
					rep.appended = append(rep.appended, id)
				}
			case strings.HasPrefix(line, "B "):
				n, _ := strconv.ParseInt(line[2:], 10, 64)
				rep.committed = n
			case strings.HasPrefix(line, "D "):
				n, _ := strconv.ParseInt(line[2:], 10, 64)
				rep.dropped = n
			case strings.HasPrefix(line, "ERROR"):
				readErr = line
			}
			mu.Unlock()
		}
	}()
	if waitReady {
		select {
		case <-ready:
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("the child did not get ready")
		}
	}
	time.Sleep(delay)
	cmd.Process.Signal(syscall.SIGKILL)
	<-done
	cmd.Wait()
	mu.Lock()
	defer mu.Unlock()
	if readErr != "" {
		t.Fatalf("round %d: child: %s", round, readErr)
	}
	return rep
}

// applyFlat applies a diff to the parent's model of the flat state.
func applyFlat(t *testing.T, m *state.Memory, d *state.Diff, declared map[asm.Felt]asm.Felt) {
	t.Helper()
	for _, x := range d.DeployedContracts {
		if err := m.SetClassHash(x.Address, x.ClassHash); err != nil {
			t.Fatal(err)
		}
	}
	for _, x := range d.Nonces {
		m.SetNonce(x.ContractAddress, x.Nonce)
	}
	for _, s := range d.StorageDiffs {
		for _, e := range s.StorageEntries {
			m.SetStorage(s.Address, e.Key, e.Value)
		}
	}
	for _, x := range d.DeclaredClasses {
		declared[x.ClassHash] = x.CompiledClassHash
	}
}

// compareFlat reads every entry crashDiff can write, from the store and
// from the model.
func compareFlat(t *testing.T, round int, db *store.DB, m *state.Memory, declared map[asm.Felt]asm.Felt) {
	t.Helper()
	for c := uint64(0); c <= contracts; c++ {
		addr := asm.FeltFromUint64(c)
		for k := uint64(0); k <= keys; k++ {
			key := asm.FeltFromUint64(k)
			got, err := db.Storage(addr, key)
			want, _ := m.Storage(addr, key)
			if err != nil || got != want {
				t.Fatalf("round %d: storage %d/%d = %v (%v), replay gives %v", round, c, k, got, err, want)
			}
		}
		got, err := db.Nonce(addr)
		want, _ := m.Nonce(addr)
		if err != nil || got != want {
			t.Fatalf("round %d: nonce of %d = %v (%v), replay gives %v", round, c, got, err, want)
		}
		got, err = db.ClassHash(addr)
		want, _ = m.ClassHash(addr)
		if err != nil || got != want {
			t.Fatalf("round %d: class hash of %d = %v (%v), replay gives %v", round, c, got, err, want)
		}
	}
	for h, cch := range declared {
		got, err := db.CompiledClassHash(h)
		if err != nil || got != cch {
			t.Fatalf("round %d: compiled class hash of %v = %v (%v), want %v", round, h, got, err, cch)
		}
		if _, err := db.CompiledClass(h); err != nil {
			t.Fatalf("round %d: class %v: %v", round, h, err)
		}
	}
}
