package vm

import "github.com/cairn-vm/cairn/asm"

// HashMemo remembers the last Pedersen hashes a group of runs computed,
// for a pedersen builtin to reuse (PedersenBuiltin.Memo). A Starknet
// transaction computes the same storage addresses several times (a
// balance is read, then written: two hashes of one key), and each hash is
// some ten microseconds. It is not safe for concurrent use; give each
// goroutine its own.
type HashMemo struct {
	entries [hashMemoSize]hashEntry
	n, next int
}

const hashMemoSize = 16

type hashEntry struct{ a, b, h asm.Felt }

// Pedersen returns asm.Pedersen(a, b), from the memo when it is there.
func (m *HashMemo) Pedersen(a, b *asm.Felt) asm.Felt {
	for i := range m.n {
		if e := &m.entries[i]; e.a == *a && e.b == *b {
			return e.h
		}
	}
	h := asm.Pedersen(a, b)
	m.Add(*a, *b, h)
	return h
}

// Add records that h is the Pedersen hash of a and b (a caller that
// computed it already, such as a sequencer deriving a balance's storage
// key); the oldest entry makes room when the memo is full. Recording a
// wrong h would make the builtin lie: callers must pass asm.Pedersen's
// result.
func (m *HashMemo) Add(a, b, h asm.Felt) {
	m.entries[m.next] = hashEntry{a, b, h}
	m.next = (m.next + 1) % hashMemoSize
	m.n = min(m.n+1, hashMemoSize)
}
