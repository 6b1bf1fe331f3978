package store

import (
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/cairn-vm/cairn/state/commitment"
)

// TestReopenCommitment commits blocks with their commitment computed over
// the DB's Nodes, closes and reopens the database, opens the commitment
// from the head's stored root alone (commitment.OpenState, no replay), and
// checks that the following blocks get the same roots as a State that
// computed every block in memory.
func TestReopenCommitment(t *testing.T) {
	fs := vfs.NewMem()
	db := mustOpen(t, "db", fs)
	cs := commitment.NewState(db.Nodes(), db.Nodes())
	ref := commitment.NewState(commitment.NewMemoryStore(), commitment.NewMemoryStore())
	const first, total = 6, 12
	for n := uint64(0); n < first; n++ {
		d, cl := blockDiff(7, n, 40)
		root, err := cs.Apply(d)
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := ref.Apply(d); root != want {
			t.Fatalf("block %d: root %v over the store, %v in memory", n, root, want)
		}
		if err := db.CommitBlock(n, d, cl, root); err != nil {
			t.Fatal(err)
		}
	}
	if cr := ref.ClassesRoot(); cr.IsZero() {
		t.Fatal("the chain declares no class: the roots record goes untested")
	}
	db.Close()

	for n := uint64(first); n < total; n++ {
		db = mustOpen(t, "db", fs)
		head, ok := db.Head()
		if !ok || head != n-1 {
			t.Fatalf("head %d (%v), want %d", head, ok, n-1)
		}
		root, err := db.Root(head)
		if err != nil {
			t.Fatal(err)
		}
		opened, err := commitment.OpenState(db.Nodes(), db.Nodes(), root)
		if err != nil {
			t.Fatal(err)
		}
		if opened.Root() != ref.Root() {
			t.Fatalf("block %d: opened root %v, want %v", n, opened.Root(), ref.Root())
		}
		d, cl := blockDiff(7, n, 40)
		got, err := opened.Apply(d)
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := ref.Apply(d); got != want {
			t.Fatalf("block %d: root %v on the reopened commitment, %v in memory", n, got, want)
		}
		if err := db.CommitBlock(n, d, cl, got); err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
}
