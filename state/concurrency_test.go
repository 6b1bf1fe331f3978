package state

import (
	"fmt"
	"sync"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
)

// TestConcurrentReaders shares one Memory between goroutines that each run
// "transactions" in their own Cached over it: reads of the shared state,
// writes, checkpoints and reverts, diffs and read sets. Run with -race. The
// shared Memory must come out unchanged, and each goroutine must see only
// the base state and its own writes.
func TestConcurrentReaders(t *testing.T) {
	const contracts, keys = 8, 16
	cls := new(class.Class)
	mem := NewMemory()
	for c := range uint64(contracts) {
		must(t, mem.SetClassHash(f(c+1), f(0xc0)))
		must(t, mem.SetNonce(f(c+1), f(c)))
		for k := range uint64(keys) {
			must(t, mem.SetStorage(f(c+1), f(k), f(1000*c+k)))
		}
	}
	must(t, mem.DeclareClass(f(0xc0), f(0xcc), cls))
	snapshot := mem.Clone()

	workers, txs := 8, 200
	if testing.Short() {
		txs = 50
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			if err := worker(mem, uint64(w), txs, contracts, keys, cls); err != nil {
				errs <- fmt.Errorf("worker %d: %w", w, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for c := range uint64(contracts) {
		for k := range uint64(keys) {
			a, _ := mem.Storage(f(c+1), f(k))
			b, _ := snapshot.Storage(f(c+1), f(k))
			if !a.Equal(&b) {
				t.Fatal("shared state written")
			}
		}
	}
	if len(mem.storage) != len(snapshot.storage) || len(mem.nonces) != len(snapshot.nonces) {
		t.Fatal("shared state grew")
	}
}

func worker(mem *Memory, w uint64, txs, contracts, keys int, cls *class.Class) error {
	for i := range uint64(txs) {
		c := NewCached(mem)
		contract := f(i%uint64(contracts) + 1)
		key := f((i + w) % uint64(keys))
		v, err := c.Storage(contract, key)
		if err != nil {
			return err
		}
		want := f(1000*(i%uint64(contracts)) + (i+w)%uint64(keys))
		if !v.Equal(&want) {
			return fmt.Errorf("tx %d: read %s, want %s", i, v.Hex(), want.Hex())
		}
		var one asm.Felt
		one.SetUint64(1)
		v.Add(&v, &one)
		if err := c.SetStorage(contract, key, v); err != nil {
			return err
		}
		cp := c.Checkpoint()
		if err := c.IncrementNonce(contract); err != nil {
			return err
		}
		if err := c.SetStorage(contract, f(w+100), f(w)); err != nil {
			return err
		}
		if i%2 == 0 {
			if err := c.RevertTo(cp); err != nil {
				return err
			}
		}
		if h, err := c.ClassHash(contract); err != nil || !h.Equal(new(f(0xc0))) {
			return fmt.Errorf("class hash %s, %v", h.Hex(), err)
		}
		if got, err := c.CompiledClass(f(0xc0)); err != nil || got != cls {
			return fmt.Errorf("class: %v", err)
		}
		d := c.Diff()
		wantEntries := 1 + int(i%2)
		if len(d.StorageDiffs) != 1 || len(d.StorageDiffs[0].StorageEntries) != wantEntries {
			return fmt.Errorf("tx %d: diff %+v", i, d)
		}
		if r := c.Reads(); len(r.Storage) != 1 || len(r.ClassHashes) != 1 || len(r.Classes) != 1 || len(r.Nonces) != 1 {
			return fmt.Errorf("tx %d: reads %+v", i, r)
		}
	}
	return nil
}
