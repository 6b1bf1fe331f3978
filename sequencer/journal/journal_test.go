package journal

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
)

func mustOpen(t testing.TB, path string) (*Journal, [][]byte) {
	t.Helper()
	j, recs, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return j, recs
}

func rec(i int) []byte {
	// Sizes vary from 0 to a few hundred bytes.
	return bytes.Repeat([]byte{byte('a' + i%26)}, (i*37)%300)
}

func equalRecords(t *testing.T, got, want [][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d records, want %d", len(got), len(want))
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("record %d: %q, want %q", i, got[i], want[i])
		}
	}
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, recs := mustOpen(t, path)
	if len(recs) != 0 || !j.Recovery().Created {
		t.Fatalf("new journal: %d records, %+v", len(recs), j.Recovery())
	}
	var want [][]byte
	for i := range 20 {
		if err := j.Append(rec(i)); err != nil {
			t.Fatal(err)
		}
		want = append(want, rec(i))
	}
	big := bytes.Repeat([]byte("x"), 1<<20)
	batch := [][]byte{{}, big, []byte("after the big one")}
	if err := j.AppendBatch(batch); err != nil {
		t.Fatal(err)
	}
	if err := j.AppendBatch(nil); err != nil {
		t.Fatal(err)
	}
	want = append(want, batch...)
	size := j.Size()
	if st, _ := os.Stat(path); st.Size() != size {
		t.Fatalf("Size %d, file %d", size, st.Size())
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if err := j.Append(nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("Append after Close: %v", err)
	}
	j, recs = mustOpen(t, path)
	defer j.Close()
	equalRecords(t, recs, want)
	if r := j.Recovery(); r.Records != len(want) || r.Dropped != 0 || r.Created {
		t.Fatalf("recovery %+v", r)
	}
}

// TestTornTail cuts the file at every byte offset inside its last record
// (as a crash during the Append could) and reopens: the earlier records
// survive, the torn one is gone, the file is truncated, and an Append after
// recovery is read back after the survivors.
func TestTornTail(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "j")
	j, _ := mustOpen(t, path)
	var want [][]byte
	for i := 1; i <= 5; i++ {
		j.Append(rec(i))
		want = append(want, rec(i))
	}
	lastStart := j.Size()
	last := []byte("the last record, torn by a crash")
	j.Append(last)
	full := j.Size()
	j.Close()
	data, _ := os.ReadFile(path)
	if int64(len(data)) != full {
		t.Fatal("file size")
	}
	for cut := lastStart; cut < full; cut++ {
		p := filepath.Join(dir, fmt.Sprint("cut", cut))
		os.WriteFile(p, data[:cut], 0o644)
		j, recs, err := Open(p)
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		equalRecords(t, recs, want)
		if r := j.Recovery(); r.Dropped != cut-lastStart {
			t.Fatalf("cut at %d: dropped %d", cut, r.Dropped)
		}
		if st, _ := os.Stat(p); st.Size() != lastStart {
			t.Fatalf("cut at %d: file not truncated (%d bytes)", cut, st.Size())
		}
		if err := j.Append([]byte("next")); err != nil {
			t.Fatal(err)
		}
		j.Close()
		j, recs = mustOpen(t, p)
		equalRecords(t, recs, append(slices.Clone(want), []byte("next")))
		j.Close()
	}
	// The whole file, and a cut exactly at a record boundary, lose nothing.
	for _, n := range []int64{full, lastStart} {
		p := filepath.Join(dir, fmt.Sprint("whole", n))
		os.WriteFile(p, data[:n], 0o644)
		j, recs := mustOpen(t, p)
		if j.Recovery().Dropped != 0 || len(recs) != len(want)+int(n/full) {
			t.Fatalf("cut at %d: %d records, %+v", n, len(recs), j.Recovery())
		}
		j.Close()
	}
}

// TestCorrupt damages a record in the middle (payload, length, checksum)
// or appends zeros: the records before the damage survive, nothing after it
// is returned, and the file is cut there.
func TestCorrupt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "j")
	j, _ := mustOpen(t, path)
	var starts []int64
	var want [][]byte
	for i := 1; i <= 6; i++ {
		starts = append(starts, j.Size())
		j.Append(rec(i))
		want = append(want, rec(i))
	}
	j.Close()
	data, _ := os.ReadFile(path)
	cases := []struct {
		name    string
		edit    func([]byte) []byte
		survive int
	}{
		{"payload byte", func(b []byte) []byte { b[starts[3]+frameHead+2] ^= 0x40; return b }, 3},
		{"length byte", func(b []byte) []byte { b[starts[2]] ^= 1; return b }, 2},
		{"huge length", func(b []byte) []byte { b[starts[2]+3] = 0xff; return b }, 2},
		{"checksum byte", func(b []byte) []byte { b[starts[4]+5] ^= 0x80; return b }, 4},
		{"first record", func(b []byte) []byte { b[starts[0]+frameHead] ^= 1; return b }, 0},
		{"zeros after the end", func(b []byte) []byte { return append(b, make([]byte, 4096)...) }, 6},
		{"garbage after the end", func(b []byte) []byte { return append(b, "garbage garbage garbage"...) }, 6},
	}
	for _, c := range cases {
		p := filepath.Join(dir, c.name)
		edited := c.edit(bytes.Clone(data))
		os.WriteFile(p, edited, 0o644)
		j, recs, err := Open(p)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		equalRecords(t, recs, want[:c.survive])
		end := int64(len(data))
		if c.survive < len(starts) {
			end = starts[c.survive]
		}
		if st, _ := os.Stat(p); st.Size() != end || j.Recovery().Dropped != int64(len(edited))-end {
			t.Fatalf("%s: file %d bytes, want %d; %+v", c.name, st.Size(), end, j.Recovery())
		}
		j.Close()
	}
}

func TestFormat(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "notes.txt")
	os.WriteFile(p, []byte("not a journal, but someone's notes"), 0o644)
	_, _, err := Open(p)
	var fe *FormatError
	if !errors.As(err, &fe) || !errors.Is(err, ErrFormat) {
		t.Fatalf("Open of a text file: %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "not a journal, but someone's notes" {
		t.Fatal("Open changed a file that is not a journal")
	}
	if _, _, err := Open(p); !errors.Is(err, ErrFormat) {
		t.Fatalf("the lock was not released after a failed Open: %v", err)
	}
	// A header torn at creation is an empty journal.
	p = filepath.Join(dir, "torn")
	os.WriteFile(p, []byte(magic[:3]), 0o644)
	j, recs := mustOpen(t, p)
	if len(recs) != 0 || !j.Recovery().Created {
		t.Fatal("torn header")
	}
	j.Close()
}

func TestRewrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "j")
	j, _ := mustOpen(t, path)
	for i := range 10 {
		j.Append(rec(i))
	}
	keep := [][]byte{rec(7), rec(3), []byte("new")}
	if err := j.Rewrite(keep); err != nil {
		t.Fatal(err)
	}
	j.Append([]byte("after"))
	// Filter sees the records in the file, the one just appended included.
	if err := j.Filter(func(r []byte) bool { return !bytes.Equal(r, rec(3)) }); err != nil {
		t.Fatal(err)
	}
	j.Append([]byte("after the filter"))
	want := [][]byte{rec(7), []byte("new"), []byte("after"), []byte("after the filter")}
	j.Close()
	j, recs := mustOpen(t, path)
	equalRecords(t, recs, want)
	if err := j.Rewrite(nil); err != nil {
		t.Fatal(err)
	}
	if j.Size() != int64(len(magic)) {
		t.Fatalf("size %d after dropping everything", j.Size())
	}
	j.Close()
	// A temporary file left by a rewrite that crashed before its rename is
	// not the journal: Open removes it and keeps the journal.
	os.WriteFile(path+".tmp", append([]byte(magic), "half a rewrite"...), 0o644)
	j, recs = mustOpen(t, path)
	if len(recs) != 0 {
		t.Fatal("records from a stale temporary file")
	}
	if _, err := os.Stat(path + ".tmp"); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("stale temporary file kept")
	}
	j.Close()
}

func TestLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, _ := mustOpen(t, path)
	_, _, err := Open(path)
	var le *LockedError
	if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v", err)
	}
	j.Close()
	j, _ = mustOpen(t, path)
	j.Close()
}

func TestLimits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, _ := mustOpen(t, path)
	defer j.Close()
	huge := make([]byte, MaxRecordSize+1)
	if err := j.Append(huge); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized Append: %v", err)
	}
	if err := j.AppendBatch([][]byte{{1}, huge}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized AppendBatch: %v", err)
	}
	if j.Size() != int64(len(magic)) {
		t.Fatal("a refused batch wrote something")
	}
}

// TestBroken makes the file fail under the journal: the failing Append and
// every later call report a *BrokenError, and a reopen recovers.
func TestBroken(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, _ := mustOpen(t, path)
	j.Append([]byte("one"))
	j.f.Close() // the next write fails with "file already closed"
	err := j.Append([]byte("two"))
	var be *BrokenError
	if !errors.As(err, &be) || !errors.Is(err, ErrBroken) || !errors.Is(err, os.ErrClosed) {
		t.Fatalf("Append on a failed file: %v", err)
	}
	if err := j.Append([]byte("three")); !errors.Is(err, ErrBroken) {
		t.Fatalf("Append after a failure: %v", err)
	}
	if err := j.Rewrite(nil); !errors.Is(err, ErrBroken) {
		t.Fatalf("Rewrite after a failure: %v", err)
	}
	j.Close()
	j, recs := mustOpen(t, path)
	equalRecords(t, recs, [][]byte{[]byte("one")})
	j.Close()
}

// TestConcurrentAppend appends from several goroutines: every record is
// there once, each goroutine's in its order, a batch's records together,
// and the group commit made fewer fsyncs than records.
func TestConcurrentAppend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, _ := mustOpen(t, path)
	const writers, each = 8, 40
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				var err error
				if i%5 == 4 {
					err = j.AppendBatch([][]byte{fmt.Appendf(nil, "%d/%d", w, i), fmt.Appendf(nil, "%d/%d+", w, i)})
				} else {
					err = j.Append(fmt.Appendf(nil, "%d/%d", w, i))
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	st := j.Stats()
	t.Logf("%d records in %d fsyncs", st.Records, st.Syncs)
	if st.Records != writers*each*6/5 || st.Syncs > st.Records {
		t.Fatalf("stats %+v", st)
	}
	j.Close()
	j, recs := mustOpen(t, path)
	defer j.Close()
	next := make([]int, writers)
	plus := false
	for _, r := range recs {
		var w, i int
		var tail string
		n, _ := fmt.Sscanf(string(r), "%d/%d%s", &w, &i, &tail)
		if n < 2 {
			t.Fatalf("record %q", r)
		}
		if tail == "+" {
			if !plus {
				t.Fatalf("%q does not follow its batch's first record", r)
			}
			plus = false
			continue
		}
		if plus {
			t.Fatalf("a batch was split: %q", r)
		}
		if i != next[w] {
			t.Fatalf("writer %d: record %d after %d", w, i, next[w]-1)
		}
		next[w]++
		plus = i%5 == 4
	}
	for w, n := range next {
		if n != each {
			t.Fatalf("writer %d: %d records", w, n)
		}
	}
}

// TestGroupCommit holds the first write until five more Appends have
// queued behind it: they must all go out in one more write and fsync.
func TestGroupCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, _ := mustOpen(t, path)
	defer j.Close()
	queued := func() int {
		j.mu.Lock()
		defer j.mu.Unlock()
		if j.queue == nil {
			return 0
		}
		return j.queue.n
	}
	first := true
	j.beforeWrite = func() {
		if first {
			first = false
			for queued() < 5 {
				runtime.Gosched()
			}
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() { j.Append([]byte("leader")) })
	// Wait until the leader is inside its write, so that the others queue.
	for {
		j.mu.Lock()
		w := j.writing
		j.mu.Unlock()
		if w {
			break
		}
		runtime.Gosched()
	}
	for i := range 5 {
		wg.Go(func() { j.Append(fmt.Appendf(nil, "follower %d", i)) })
	}
	wg.Wait()
	if st := j.Stats(); st.Records != 6 || st.Syncs != 2 {
		t.Fatalf("6 records should take 2 fsyncs: %+v", st)
	}
}
