//go:build linux

package jit

import (
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/cairn-vm/cairn/vm"
)

// space is a run's linear memory: a vm.CellSpace for its vm.Memory and
// the backing store of its wasm instance (wazero's experimental
// LinearMemory), one reservation for both.
type space struct {
	mem  []byte // the whole reservation
	base unsafe.Pointer

	execSeg  int           // the execution segment, kept contiguous at execBase
	progSeg  int           // the program segment, whose first page is at progBase
	heapNext int           // next free byte of the heap region
	free     map[int][]int // freed heap arrays by cell count: their addresses

	m   *vm.Memory
	run *run // the compiled execution over this memory

	releaseOnce sync.Once
	onRelease   func() // closes the wasm instance first
}

// newSpace reserves a linear memory; nil when the system refuses.
func newSpace(progSeg, execSeg int) *space {
	mem, err := unix.Mmap(-1, 0, linearBytes, unix.PROT_READ|unix.PROT_WRITE,
		unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
	if err != nil {
		return nil
	}
	// Long runs fill hundreds of MB of cells: huge pages cut the cost of
	// first touches by two orders of magnitude on the VMs measured (see
	// RATIONALE, memory).
	_ = unix.Madvise(mem[heapBase:], unix.MADV_HUGEPAGE)
	return &space{mem: mem, base: unsafe.Pointer(&mem[0]), execSeg: execSeg, progSeg: progSeg, heapNext: heapBase, free: map[int][]int{}}
}

func (s *space) word(addr int) *int64 { return (*int64)(unsafe.Add(s.base, addr)) }

func (s *space) u32(addr int) *uint32 { return (*uint32)(unsafe.Add(s.base, addr)) }

func (s *space) ctl(i int) *int64 { return s.word(ctlBase + 8*i) }

func (s *space) cellsAt(addr, n int) []vm.Value {
	return unsafe.Slice((*vm.Value)(unsafe.Add(s.base, addr)), n)
}

func (s *space) addrOf(cells []vm.Value) int {
	return int(uintptr(unsafe.Pointer(&cells[0])) - uintptr(s.base))
}

// Cells implements vm.CellSpace. The execution segment's pages are slices
// of one contiguous region, so its first page "doubling" in place is free.
func (s *space) Cells(seg, page, n int) []vm.Value {
	if n == 0 {
		return nil
	}
	if seg == s.execSeg {
		first := page * vm.PageCells
		if first+n > execCells {
			return make([]vm.Value, n)
		}
		cells := s.cellsAt(execBase+first*vm.CellBytes, n)
		s.populate(cells)
		return cells
	}
	if seg == s.progSeg && page == 0 && n <= maxCode {
		return s.cellsAt(progBase, n) // earlier, smaller first pages were here too
	}
	if l := s.free[n]; len(l) > 0 {
		addr := l[len(l)-1]
		s.free[n] = l[:len(l)-1]
		cells := s.cellsAt(addr, n)
		clear(cells)
		return cells
	}
	bytes := n * vm.CellBytes
	align := 64
	if bytes >= 4<<20 {
		align = 2 << 20
	}
	addr := (s.heapNext + align - 1) &^ (align - 1)
	if addr+bytes > execBase {
		return make([]vm.Value, n)
	}
	s.heapNext = addr + bytes
	return s.cellsAt(addr, n) // never used before: zero
}

// populate has the kernel fault in the pages of a large array on another
// thread while the run goes on (a long run fills its execution segment
// front to back), as vm does for the arrays it maps itself.
func (s *space) populate(cells []vm.Value) {
	if len(cells)*vm.CellBytes < 4<<20 {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&cells[0])), len(cells)*vm.CellBytes)
	go func() { _ = unix.Madvise(b, unix.MADV_POPULATE_WRITE) }()
}

// inside reports whether cells lie in the linear memory.
func (s *space) inside(cells []vm.Value) bool {
	if len(cells) == 0 {
		return false
	}
	p := uintptr(unsafe.Pointer(&cells[0]))
	return p >= uintptr(s.base) && p < uintptr(s.base)+linearBytes
}

// Free implements vm.CellSpace: heap arrays are kept for reuse by size.
func (s *space) Free(cells []vm.Value) {
	if !s.inside(cells) {
		return
	}
	addr := s.addrOf(cells)
	if addr >= execBase || addr < heapBase {
		return // part of the execution or program segment's region
	}
	s.free[len(cells)] = append(s.free[len(cells)], addr)
}

// SizeSlot implements vm.CellSpace: sizes live in the segment table, where
// compiled code updates them.
func (s *space) SizeSlot(seg int) *int {
	if seg == s.execSeg {
		return (*int)(unsafe.Pointer(s.ctl(ctlExecSize)))
	}
	if seg < 0 || seg >= maxTabSegs {
		return nil
	}
	return (*int)(unsafe.Pointer(s.word(segTabBase + seg*segTabEntry + segSize)))
}

// Changed implements vm.CellSpace: it rewrites the segment's table entry.
func (s *space) Changed(seg int) {
	if seg < 0 || seg >= maxTabSegs || s.m == nil {
		return
	}
	e := segTabBase + seg*segTabEntry
	pages := s.m.Pages(seg)
	var addr, n, flags int
	if seg == s.execSeg {
		*s.ctl(ctlExecCap) = 0
	}
	for _, pg := range pages {
		if len(pg) > 0 && !s.inside(pg) {
			flags |= segFlagForeign
		}
	}
	if len(pages) > 0 && len(pages[0]) > 0 && flags == 0 {
		addr, n = s.addrOf(pages[0]), len(pages[0])
		if seg == s.execSeg {
			// Contiguous: every page counts.
			n = (len(pages)-1)*vm.PageCells + len(pages[len(pages)-1])
			*s.ctl(ctlExecCap) = int64(n)
		}
	}
	if s.m.HasDeducer(seg) {
		flags |= segFlagDeduce
	}
	if !s.m.Unvalidated(seg) {
		flags |= segFlagValidate
	}
	*s.u32(e + segPage0Addr) = uint32(addr)
	*s.u32(e + segPage0Len) = uint32(n)
	*s.u32(e + segFlags) = uint32(flags)
}

// Release implements vm.CellSpace.
func (s *space) Release() {
	s.releaseOnce.Do(func() {
		if s.onRelease != nil {
			s.onRelease()
		}
		_ = unix.Munmap(s.mem)
		s.mem, s.base, s.m = nil, nil, nil
	})
}

// linearMemory is the space as wazero's experimental.LinearMemory.
type linearMemory struct{ s *space }

// Reallocate implements experimental.LinearMemory: the memory is declared
// at its full size, so it is asked for once, and never moves.
func (l linearMemory) Reallocate(size uint64) []byte {
	if l.s.mem == nil || size > uint64(len(l.s.mem)) {
		return nil
	}
	return l.s.mem[:size]
}

// Free implements experimental.LinearMemory. The reservation belongs to
// the vm.Memory and goes with it (space.Release).
func (linearMemory) Free() {}

func spaceAvailable() bool { return true }
