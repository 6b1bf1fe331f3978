package store

import (
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/state"
	"github.com/cairn-vm/cairn/state/commitment"
)

// writeDiff is a diff of 1,000 storage writes: 10 contracts, 100 fresh keys
// each (block i writes keys of its own, so the database grows as a chain
// does), plus 10 nonces.
func writeDiff(i int) *state.Diff {
	d := &state.Diff{}
	for c := range 10 {
		s := state.ContractStorageDiff{Address: felt(uint64(c + 1))}
		for k := range 100 {
			s.StorageEntries = append(s.StorageEntries, state.StorageEntry{
				Key: felt(uint64(i*100 + k)), Value: felt(uint64(i*1000 + k + 1)),
			})
		}
		d.StorageDiffs = append(d.StorageDiffs, s)
		d.Nonces = append(d.Nonces, state.NonceUpdate{ContractAddress: felt(uint64(c + 1)), Nonce: felt(uint64(i + 1))})
	}
	return d
}

func benchCommit(b *testing.B, db *DB, withCommitment bool) {
	b.Helper()
	defer db.Close()
	var cs *commitment.State
	if withCommitment {
		cs = commitment.NewState(db.Nodes(), db.Nodes())
	}
	diffs := make([]*state.Diff, 64)
	for i := range diffs {
		diffs[i] = writeDiff(i)
	}
	b.ResetTimer()
	for i := range b.N {
		d := diffs[i%len(diffs)]
		if i >= len(diffs) {
			b.StopTimer()
			d = writeDiff(i) // fresh keys
			b.StartTimer()
		}
		var root asm.Felt
		if cs != nil {
			var err error
			if root, err = cs.Apply(d); err != nil {
				b.Fatal(err)
			}
		}
		if err := db.CommitBlock(uint64(i), d, nil, root); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "writes/s")
}

// BenchmarkCommitBlock commits blocks of 1,000 storage writes with sync,
// on disk (the test's temporary directory) and in memory (the cost without
// the device). Over a long run most of the time is Pebble's background
// compaction of the growing database, which competes for the CPUs.
func BenchmarkCommitBlock(b *testing.B) {
	b.Run("disk", func(b *testing.B) { benchCommit(b, mustOpen(b, b.TempDir(), nil), false) })
	b.Run("mem", func(b *testing.B) { benchCommit(b, mustOpen(b, "db", vfs.NewMem()), false) })
	// With the state root computed over the store's nodes first, as the
	// sequencer will do it (Pedersen hashing is most of this).
	b.Run("disk+commitment", func(b *testing.B) { benchCommit(b, mustOpen(b, b.TempDir(), nil), true) })
}

// BenchmarkStorage reads committed storage cells (Pebble's memtable and
// block cache, no device reads).
func BenchmarkStorage(b *testing.B) {
	db := mustOpen(b, b.TempDir(), nil)
	defer db.Close()
	for i := range 20 {
		if err := db.CommitBlock(uint64(i), writeDiff(i), nil, asm.Felt{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := db.Storage(felt(uint64(1+i%10)), felt(uint64(i%2000))); err != nil {
			b.Fatal(err)
		}
	}
}
