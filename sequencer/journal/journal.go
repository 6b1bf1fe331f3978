package journal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// File layout: an 8-byte header (magic), then records, each framed as
//
//	length   uint32 little-endian, the payload's length
//	checksum uint32 little-endian, CRC-32C of the length's 4 bytes and the payload
//	payload  length bytes
//
// The checksum covers the length too, so a damaged length is caught rather
// than read as a frame boundary, and an all-zero tail (what some file
// systems leave after a crash) fails it: the CRC-32C of zeros is not zero.
const (
	magic     = "CAIRNJ\x00\x01"
	frameHead = 8
)

// MaxRecordSize is the largest record Append accepts. A frame that claims
// more is treated as damage when the journal is opened.
const MaxRecordSize = 64 << 20

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Journal is an append-only file of records. See the package documentation.
// Its methods are safe for concurrent use.
type Journal struct {
	path string
	lock *os.File // the held lock file; see lockFile

	mu      sync.Mutex
	idle    sync.Cond // signalled when writing becomes false
	f       *os.File
	size    int64 // bytes in the file that are durable or being made so
	writing bool  // a leader is writing and syncing a group
	queue   *group
	err     error // sticky: the first write or sync failure
	closed  bool

	recovery Recovery
	stats    Stats

	beforeWrite func() // a test hook, called by the leader before each write
}

// Stats counts a Journal's work since Open.
type Stats struct {
	Records uint64 // records appended
	Syncs   uint64 // fsyncs of appended groups: Records/Syncs is the grouping
}

// group is the records queued while a leader writes the previous group;
// one write and one fsync make them all durable.
type group struct {
	buf  []byte
	n    int // records in buf
	done chan struct{}
	err  error
}

// Recovery describes what Open found.
type Recovery struct {
	// Records is the number of records that survived.
	Records int
	// Dropped is the number of bytes past the last good record, removed
	// from the file: a record torn by a crash, or damage.
	Dropped int64
	// Created reports that the file did not exist (or held only a torn
	// header) and was created.
	Created bool
}

// Open opens the journal at path, creating it if it does not exist, and
// returns the records it holds in the order they were appended.
//
// Opening is recovery: the records are read up to the first frame that is
// incomplete or fails its checksum, and the file is truncated there, so
// that new records follow the last good one. A crash during an Append
// leaves at most that Append's group torn, and no caller was told it was
// durable, so nothing acknowledged is lost. Damage in the middle of the
// file loses the records after it as well: a frame boundary cannot be found
// again reliably once one length is wrong (a payload may hold bytes that
// look like a frame), and guessing risks returning garbage as a record.
// [Journal.Recovery] says how many bytes were dropped.
//
// A file that is not a journal fails with a *FormatError and is left alone;
// a journal another process has open fails with a *LockedError.
func Open(path string) (*Journal, [][]byte, error) {
	lock, err := lockFile(path + ".lock")
	if err != nil {
		return nil, nil, err
	}
	j, recs, err := open(path)
	if err != nil {
		unlockFile(lock)
		return nil, nil, err
	}
	j.lock = lock
	return j, recs, nil
}

func open(path string) (*Journal, [][]byte, error) {
	// A temporary file is what a Rewrite or a creation left when the
	// process died before its rename: never the journal.
	if err := os.Remove(path + ".tmp"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("journal: remove stale temporary file: %w", err)
	}
	j := &Journal{path: path}
	j.idle.L = &j.mu
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("journal: %w", err)
	}
	if err != nil || (len(data) < len(magic) && string(data) == magic[:len(data)]) {
		// Missing, or a header torn at creation (the rename makes that
		// impossible, but a copy by hand could do it): a new, empty journal.
		f, err := j.replace(nil)
		if err != nil {
			return nil, nil, err
		}
		j.f, j.size = f, int64(len(magic))
		j.recovery = Recovery{Created: true}
		return j, nil, nil
	}
	if len(data) < len(magic) || string(data[:len(magic)]) != magic {
		return nil, nil, &FormatError{Path: path, Header: append([]byte(nil), data[:min(len(data), len(magic))]...)}
	}
	recs, end := scan(data)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("journal: %w", err)
	}
	if end < int64(len(data)) {
		// Truncate and sync before anything is appended: otherwise a new
		// record could land after the garbage, and the next recovery would
		// stop at the garbage and lose it.
		if err := f.Truncate(end); err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("journal: truncate damaged tail: %w", err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("journal: sync after truncation: %w", err)
		}
	}
	if _, err := f.Seek(end, io.SeekStart); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("journal: %w", err)
	}
	j.f, j.size = f, end
	j.recovery = Recovery{Records: len(recs), Dropped: int64(len(data)) - end}
	return j, recs, nil
}

// scan returns the records of a journal file's bytes (after the header,
// which the caller checked) up to the first bad frame, and the offset where
// the good part ends. The records are copies, not views of data.
func scan(data []byte) ([][]byte, int64) {
	var recs [][]byte
	off := len(magic)
	for {
		rest := data[off:]
		if len(rest) < frameHead {
			break
		}
		n := binary.LittleEndian.Uint32(rest)
		if n > MaxRecordSize || int64(n) > int64(len(rest)-frameHead) {
			break
		}
		payload := rest[frameHead : frameHead+int(n)]
		if checksum(rest[:4], payload) != binary.LittleEndian.Uint32(rest[4:]) {
			break
		}
		recs = append(recs, append([]byte{}, payload...))
		off += frameHead + int(n)
	}
	return recs, int64(off)
}

func checksum(length, payload []byte) uint32 {
	return crc32.Update(crc32.Checksum(length, castagnoli), castagnoli, payload)
}

// appendFrame appends rec's frame to buf.
func appendFrame(buf, rec []byte) []byte {
	var h [frameHead]byte
	binary.LittleEndian.PutUint32(h[:4], uint32(len(rec)))
	binary.LittleEndian.PutUint32(h[4:], checksum(h[:4], rec))
	return append(append(buf, h[:]...), rec...)
}

// Stats returns the journal's counters.
func (j *Journal) Stats() Stats {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.stats
}

// Recovery returns what Open found.
func (j *Journal) Recovery() Recovery { return j.recovery }

// Path returns the journal's file name.
func (j *Journal) Path() string { return j.path }

// Size returns the journal file's length in bytes, header included.
func (j *Journal) Size() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.size
}

// Append appends rec and returns once it is durable (written and fsynced).
// rec may be reused as soon as Append returns.
//
// Concurrent Appends are group-committed: while one goroutine writes and
// syncs, the records of the others queue up, and the next write and fsync
// carry them all, so N concurrent callers pay about one fsync between them
// instead of N each. The order of records in the file is the order in which
// the calls got in line.
//
// A record over MaxRecordSize is a *RecordTooLargeError. After a failed
// write or fsync every call fails (a *BrokenError): the file's tail is
// unknown then (a failed fsync may have dropped written pages), and only a
// reopen, which recovers from what is really on disk, is safe.
func (j *Journal) Append(rec []byte) error {
	if len(rec) > MaxRecordSize {
		return &RecordTooLargeError{Size: len(rec)}
	}
	return j.commit(1, func(buf []byte) []byte { return appendFrame(buf, rec) })
}

// AppendBatch appends recs, in order, with one write and one fsync, and
// returns once all are durable. A crash before it returns may leave any
// prefix of recs in the journal. It group-commits with concurrent Appends
// like Append.
func (j *Journal) AppendBatch(recs [][]byte) error {
	for _, r := range recs {
		if len(r) > MaxRecordSize {
			return &RecordTooLargeError{Size: len(r)}
		}
	}
	if len(recs) == 0 {
		return nil
	}
	return j.commit(len(recs), func(buf []byte) []byte {
		for _, r := range recs {
			buf = appendFrame(buf, r)
		}
		return buf
	})
}

// commit queues the frames add writes into the current group and waits for
// the group to be durable, writing it (and any groups that queue meanwhile)
// itself when no other goroutine is.
func (j *Journal) commit(n int, add func([]byte) []byte) error {
	j.mu.Lock()
	if err := j.usable(); err != nil {
		j.mu.Unlock()
		return err
	}
	if j.queue == nil {
		j.queue = &group{done: make(chan struct{})}
	}
	g := j.queue
	g.buf = add(g.buf)
	g.n += n
	if j.writing {
		// A leader is busy; it picks this group up when it is done.
		j.mu.Unlock()
		<-g.done
		return g.err
	}
	j.writing = true
	for j.queue != nil {
		next := j.queue
		j.queue = nil
		err := j.err
		if err == nil {
			j.mu.Unlock()
			if j.beforeWrite != nil {
				j.beforeWrite()
			}
			err = j.writeSync(next.buf)
			j.mu.Lock()
			if err != nil {
				j.err = &BrokenError{Err: err}
				err = j.err
			} else {
				j.size += int64(len(next.buf))
				j.stats.Records += uint64(next.n)
				j.stats.Syncs++
			}
		}
		next.err = err
		close(next.done)
	}
	j.writing = false
	j.idle.Broadcast()
	j.mu.Unlock()
	return g.err
}

// writeSync writes b at the end of the file and fsyncs it. Only the leader
// calls it, so the file needs no lock of its own.
func (j *Journal) writeSync(b []byte) error {
	if _, err := j.f.Write(b); err != nil {
		return err
	}
	return j.f.Sync()
}

// usable reports why the journal cannot take a call; j.mu is held.
func (j *Journal) usable() error {
	if j.closed {
		return ErrClosed
	}
	return j.err
}

// Rewrite replaces the journal's records with keep, in order, atomically:
// after a crash the journal holds either all of its old records or exactly
// keep. It is how the records of a committed block are dropped: pass the
// records no block has included yet.
//
// Records appended concurrently with Rewrite are either appended before it
// (and then dropped unless in keep) or after it (and kept); use Filter to
// decide on the records actually in the file.
func (j *Journal) Rewrite(keep [][]byte) error {
	return j.rewrite(nil, keep)
}

// Filter keeps the records for which keep returns true and drops the
// others, atomically, like Rewrite. keep sees every record in the file at
// the time, including those of Appends that returned just before, and
// must not call the Journal.
func (j *Journal) Filter(keep func(rec []byte) bool) error {
	return j.rewrite(keep, nil)
}

// rewrite replaces the records with those of the file that filter keeps,
// or with keep when filter is nil.
func (j *Journal) rewrite(filter func([]byte) bool, keep [][]byte) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	// Wait out the leader: it writes j.f without the lock, and its groups'
	// callers must be answered before their records are rewritten.
	for j.writing {
		j.idle.Wait()
	}
	if err := j.usable(); err != nil {
		return err
	}
	if filter != nil {
		data := make([]byte, j.size)
		if _, err := j.f.ReadAt(data, 0); err != nil {
			j.err = &BrokenError{Err: err}
			return j.err
		}
		current, _ := scan(data)
		keep = current[:0]
		for _, r := range current {
			if filter(r) {
				keep = append(keep, r)
			}
		}
	}
	for _, r := range keep {
		if len(r) > MaxRecordSize {
			return &RecordTooLargeError{Size: len(r)}
		}
	}
	f, err := j.replace(keep)
	if err != nil {
		// The old file is untouched unless the rename happened and only
		// the directory sync failed; either way what is on disk is a
		// complete journal, but which one is unknown: refuse further use.
		j.err = &BrokenError{Err: err}
		return j.err
	}
	j.f.Close()
	j.f = f
	size := int64(len(magic))
	for _, r := range keep {
		size += int64(frameHead + len(r))
	}
	j.size = size
	return nil
}

// replace atomically makes path a journal holding recs: it writes them to
// path.tmp, fsyncs it, renames it over path and fsyncs the directory (the
// rename is only durable once the directory is). It returns the new file,
// open for appending at its end.
func (j *Journal) replace(recs [][]byte) (*os.File, error) {
	tmp := j.path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	buf := []byte(magic)
	for _, r := range recs {
		buf = appendFrame(buf, r)
	}
	fail := func(err error) (*os.File, error) {
		f.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("journal: rewrite: %w", err)
	}
	if _, err := f.Write(buf); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, j.path); err != nil {
		return fail(err)
	}
	if err := syncDir(filepath.Dir(j.path)); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal: sync directory: %w", err)
	}
	return f, nil
}

// syncDir fsyncs a directory, which makes the creation, removal or renaming
// of its entries durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	return errors.Join(err, d.Close())
}

// Close waits for Appends in progress, closes the file and releases the
// lock. Appends after Close fail with ErrClosed. Close is idempotent.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	for j.writing {
		j.idle.Wait()
	}
	if j.closed {
		return nil
	}
	j.closed = true
	err := j.f.Close()
	unlockFile(j.lock)
	return err
}
