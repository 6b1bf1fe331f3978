//go:build linux

package vm

import (
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Large cell arrays live outside the Go heap, in anonymous mappings aligned
// to 2 MiB and advised as transparent huge pages. Measured on the VMs cairn
// is tested on: a first touch of a 4 KiB page costs ~15 µs, so a long run's
// execution segment (hundreds of MB) spends more time in page faults than in
// execution; with huge pages that falls to the cost of zeroing. Keeping the
// arrays off the heap also keeps them from triggering garbage collections
// (they hold no pointers). The mappings are released when the Memory that
// owns them becomes unreachable.

const (
	hugePage = 2 << 20
	// mmapMinBytes is the smallest array worth a mapping of its own.
	mmapMinBytes = 4 << 20
)

// The collector does not see mapped bytes, so a program that drops many
// large Memories could map far more than it uses before a collection runs
// their cleanups. mappedBytes counts live mappings; when they grow by
// gcEvery since the last forced collection, newCells forces one.
const gcEvery = 1 << 30

var (
	mappedBytes atomic.Int64
	gcAt        atomic.Int64
)

// MappedBytes returns the bytes of cell arrays currently mapped outside the
// Go heap (for tests and diagnostics).
func MappedBytes() int64 { return mappedBytes.Load() }

func init() { gcAt.Store(gcEvery) }

// cellArena owns the mappings of one Memory.
type cellArena struct {
	mu      sync.Mutex
	regions []mapping
}

type mapping struct {
	addr unsafe.Pointer
	size uintptr
}

func (a *cellArena) release() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, r := range a.regions {
		_ = unix.MunmapPtr(r.addr, r.size)
		mappedBytes.Add(-int64(r.size))
	}
	a.regions = nil
}

// newCells returns n zeroed cells.
func (m *Memory) newCells(n int) []Value {
	size := uintptr(n) * unsafe.Sizeof(Value{})
	if size < mmapMinBytes {
		cells := make([]Value, n)
		adviseHuge(cells)
		return cells
	}
	size = (size + hugePage - 1) &^ (hugePage - 1)
	if live := mappedBytes.Load(); live > gcAt.Load() {
		runtime.GC() // queues the cleanups of unreachable Memories
		gcAt.Store(live + gcEvery)
	}
	// Map one huge page more than needed and trim both ends, so the array
	// starts on a 2 MiB boundary.
	raw, err := unix.MmapPtr(-1, 0, nil, size+hugePage, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
	if err != nil {
		return make([]Value, n)
	}
	base := uintptr(raw)
	start := (base + hugePage - 1) &^ (hugePage - 1)
	if head := start - base; head > 0 {
		_ = unix.MunmapPtr(raw, head)
	}
	p := unsafe.Add(raw, start-base)
	if tail := base + size + hugePage - (start + size); tail > 0 {
		_ = unix.MunmapPtr(unsafe.Add(p, size), tail)
	}
	region := unsafe.Slice((*byte)(p), size)
	_ = unix.Madvise(region, unix.MADV_HUGEPAGE)
	// Fault the pages in on another thread while this one runs: a long
	// run fills its execution segment front to back, and the kernel's
	// zeroing of each huge page then overlaps with execution instead of
	// stalling it. Failure (an older kernel, the mapping released early) only
	// loses the overlap.
	go func() { _ = unix.Madvise(region, unix.MADV_POPULATE_WRITE) }()
	if m.arena == nil {
		m.arena = &cellArena{}
		runtime.AddCleanup(m, (*cellArena).release, m.arena)
	}
	m.arena.mu.Lock()
	m.arena.regions = append(m.arena.regions, mapping{p, size})
	mappedBytes.Add(int64(size))
	m.arena.mu.Unlock()
	return unsafe.Slice((*Value)(p), n)
}

// freeCells returns the mapping of cells, an array newCells made, to the
// system at once (the first page of a segment is reallocated as it doubles).
func (m *Memory) freeCells(cells []Value) {
	if m.arena == nil || len(cells) == 0 {
		return
	}
	p := unsafe.Pointer(&cells[0])
	a := m.arena
	a.mu.Lock()
	defer a.mu.Unlock()
	for i, r := range a.regions {
		if r.addr == p {
			_ = unix.MunmapPtr(r.addr, r.size)
			mappedBytes.Add(-int64(r.size))
			a.regions = append(a.regions[:i], a.regions[i+1:]...)
			return
		}
	}
}

// releaseCells unmaps every array newCells mapped for m.
func (m *Memory) releaseCells() {
	if m.arena != nil {
		m.arena.release()
	}
}
