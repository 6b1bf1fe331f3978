package journal_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/cairn-vm/cairn/sequencer/journal"
)

// Accepted transactions go to the journal before the client hears back;
// once a block includes some of them, Filter drops those; after a restart
// Open returns the rest.
func Example() {
	dir, _ := os.MkdirTemp("", "journal-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "accepted.journal")

	j, _, err := journal.Open(path)
	if err != nil {
		panic(err)
	}
	for _, tx := range []string{"tx1", "tx2", "tx3"} {
		if err := j.Append([]byte(tx)); err != nil { // durable on return
			panic(err)
		}
	}
	// A block with tx1 and tx3 is committed.
	included := map[string]bool{"tx1": true, "tx3": true}
	if err := j.Filter(func(rec []byte) bool { return !included[string(rec)] }); err != nil {
		panic(err)
	}
	j.Append([]byte("tx4"))
	j.Close()

	// After a restart (or a crash): the transactions still to execute.
	j, recs, err := journal.Open(path)
	if err != nil {
		panic(err)
	}
	defer j.Close()
	for _, r := range recs {
		fmt.Println(string(r))
	}
	// Output:
	// tx2
	// tx4
}
