//go:build !linux

package jit

import (
	"unsafe"

	"github.com/cairn-vm/cairn/vm"
)

// Without Linux's lazily committed reservations a 4 GiB linear memory is
// not to be had, so the engine runs everything with the interpreter.
func spaceAvailable() bool { return false }

type space struct {
	base unsafe.Pointer
	run  *run
	m    *vm.Memory

	onRelease func()
}

func newSpace(int, int) *space { return nil }

func (s *space) ctl(i int) *int64             { return new(int64) }
func (s *space) addrOf([]vm.Value) int        { return 0 }
func (s *space) inside([]vm.Value) bool       { return false }
func (s *space) Cells(_, _, n int) []vm.Value { return make([]vm.Value, n) }
func (s *space) Free([]vm.Value)              {}
func (s *space) SizeSlot(int) *int            { return nil }
func (s *space) Changed(int)                  {}
func (s *space) Release()                     {}

type linearMemory struct{ s *space }

func (linearMemory) Reallocate(uint64) []byte { return nil }
func (linearMemory) Free()                    {}
