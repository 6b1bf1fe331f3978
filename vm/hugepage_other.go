//go:build !linux

package vm

func adviseHuge([]Value) {}

func adviseHugeTrace([]TraceEntry) {}

type cellArena struct{}

func (m *Memory) newCells(n int) []Value { return make([]Value, n) }

// MappedBytes is 0: without Linux's mappings every cell array is on the heap.
func MappedBytes() int64 { return 0 }

func (m *Memory) freeCells([]Value) {}

func (m *Memory) releaseCells() {}
