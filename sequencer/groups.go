package sequencer

import (
	"cmp"
	"slices"

	"github.com/cairn-vm/cairn/asm"
)

// conflictGroups partitions the block's plannable transactions (declared
// invokes that neither touch nor are sent by the sequencer) into groups
// that can run side by side: two transactions are in one group when their
// footprints (see markIndependent) share a storage cell, or when one may
// touch any storage of an account that the other touches (it is sent by
// that account). Each group is in block order; the groups come largest
// first, for the workers to take in turn.
//
// Enforcement makes this exact: a transaction's execution depends only on
// the cells of its footprint (any other access reverts it, and so depends
// on nothing), and the sequencer's fee credit commutes, so transactions of
// different groups cannot observe each other, and a group run in block
// order on its own is what the serial run does with those cells.
func (c *Config) conflictGroups(b *Block, ps []prepared) [][]int {
	parent := map[int]int{}
	var find func(int) int
	find = func(i int) int {
		p, ok := parent[i]
		if !ok || p == i {
			return i
		}
		r := find(p)
		parent[i] = r
		return r
	}
	union := func(i, j int) {
		if ri, rj := find(i), find(j); ri != rj {
			if ri < rj {
				parent[rj] = ri
			} else {
				parent[ri] = rj
			}
		}
	}

	seqLo, seqHi := c.balanceKeys(b.SequencerAddress)
	plannable := func(i int) bool {
		tx := b.Txs[i]
		if tx.Type != Invoke || ps[i].acl == nil || tx.Sender == b.SequencerAddress {
			return false
		}
		for l := range ps[i].acl {
			if l.contract == c.FeeToken && (l.key == seqLo || l.key == seqHi) {
				return false
			}
			if l.contract == b.SequencerAddress {
				return false
			}
		}
		return true
	}

	var members []int
	cell := map[loc]int{}            // first transaction with the cell in its footprint
	sentBy := map[asm.Felt]int{}     // first transaction sent by an account
	touching := map[asm.Felt][]int{} // transactions declaring storage of a contract
	first := func(m map[loc]int, l loc, i int) {
		if j, ok := m[l]; ok {
			union(i, j)
		} else {
			m[l] = i
		}
	}
	for i := range ps {
		if !plannable(i) {
			continue
		}
		members = append(members, i)
		parent[i] = i
		seen := map[asm.Felt]bool{}
		for l := range ps[i].acl {
			first(cell, l, i)
			if !seen[l.contract] {
				seen[l.contract] = true
				touching[l.contract] = append(touching[l.contract], i)
			}
		}
		first(cell, loc{c.FeeToken, ps[i].balLo}, i)
		first(cell, loc{c.FeeToken, ps[i].balHi}, i)
		if j, ok := sentBy[b.Txs[i].Sender]; ok {
			union(i, j)
		} else {
			sentBy[b.Txs[i].Sender] = i
		}
	}
	// An account's transactions may touch any of its storage: they are
	// linked with every transaction declaring some of it.
	for account, i := range sentBy {
		for _, j := range touching[account] {
			union(i, j)
		}
	}

	byRoot := map[int][]int{}
	var roots []int
	for _, i := range members {
		r := find(i)
		if _, ok := byRoot[r]; !ok {
			roots = append(roots, r)
		}
		byRoot[r] = append(byRoot[r], i)
	}
	groups := make([][]int, 0, len(roots))
	for _, r := range roots {
		groups = append(groups, byRoot[r])
	}
	slices.SortStableFunc(groups, func(x, y []int) int { return cmp.Compare(len(y), len(x)) })
	return groups
}
