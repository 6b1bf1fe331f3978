//go:build !linux

package vm

func adviseHuge([]Value) {}

func adviseHugeTrace([]TraceEntry) {}
