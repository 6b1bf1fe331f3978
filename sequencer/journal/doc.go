// Package journal is the sequencer's write-ahead journal of accepted
// transactions: an append-only file of opaque records, each durable when
// Append returns.
//
// The sequencer appends a transaction when it accepts it, before telling
// the client, and drops it (Rewrite, Filter) once a committed block
// includes it. After a crash, Open returns exactly the accepted records
// that no rewrite dropped, so the sequencer can put them back in its
// mempool: an acknowledged transaction is never lost, and a committed one
// comes back at most once per crash between its block's commit and the
// rewrite (the sequencer skips a record whose transaction its state already
// shows as executed, for instance by nonce).
//
// # Format and recovery
//
// An 8-byte header, then frames of length, CRC-32C and payload. A crash
// can only tear the frames being appended, at the end of the file; Open
// reads up to the first bad frame and truncates the file there (see Open).
// Rewrite and Filter write a new file and rename it over the old one, so a
// crash leaves one or the other, whole.
//
// # Group commit
//
// An fsync costs from tens of microseconds (a datacenter NVMe drive) to
// milliseconds, and it dominates an Append. Concurrent Appends share fsyncs:
// while one goroutine syncs, the others' records queue up and go to disk
// together with the next fsync. AppendBatch does the same for records a
// single goroutine has in hand.
//
// A Journal holds an exclusive lock (flock on path.lock) while open, so two
// processes cannot interleave their appends.
package journal
