package sequencer

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cairn-vm/cairn/asm"
)

// TestConflictGroupsAreComponents checks conflictGroups against a naive
// computation on random blocks: the connected components of the pairwise
// relation "share a footprint cell, share a sender, or one declares
// storage of the other's sender", over the plannable transactions.
func TestConflictGroupsAreComponents(t *testing.T) {
	token := asm.FeltFromUint64(0x70ce)
	seq := asm.FeltFromUint64(0x5e9)
	cfg := &Config{FeeToken: token}
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 7))
		accounts := 2 + r.IntN(12)
		acct := func() asm.Felt { return asm.FeltFromUint64(0xa000 + uint64(r.IntN(accounts))) }
		b := &Block{SequencerAddress: seq}
		for range 1 + r.IntN(40) {
			tx := NewInvoke(acct(), asm.FeltFromUint64(r.Uint64N(3)), asm.FeltFromUint64(1), nil)
			if r.IntN(2) == 0 {
				tx.Sender = seq // sent by the sequencer: never planned
				if r.IntN(4) != 0 {
					tx.Sender = acct()
				}
			}
			if r.IntN(6) != 0 {
				tx.Access = &AccessList{}
				for range r.IntN(4) {
					var contract asm.Felt
					switch r.IntN(4) {
					case 0:
						contract = acct() // another account's storage
					case 1:
						contract = asm.FeltFromUint64(0xc0 + r.Uint64N(3))
					default:
						contract = token
					}
					key := asm.FeltFromUint64(r.Uint64N(6))
					if contract == token && r.IntN(3) == 0 {
						key = ERC20BalanceKey(acct())
					}
					if contract == token && r.IntN(20) == 0 {
						key = ERC20BalanceKey(seq)
					}
					if r.IntN(2) == 0 {
						tx.Access.Read(contract, key)
					} else {
						tx.Access.Write(contract, key)
					}
				}
			}
			b.Txs = append(b.Txs, tx)
		}
		ps := cfg.prepare(b, 1)
		got := cfg.conflictGroups(b, ps)

		// The naive side.
		seqLo, seqHi := cfg.balanceKeys(seq)
		cells := make([]map[loc]bool, len(b.Txs))
		var plannable []int
		for i, tx := range b.Txs {
			if tx.Access == nil || tx.Sender == seq {
				continue
			}
			fp := map[loc]bool{{token, ps[i].balLo}: true, {token, ps[i].balHi}: true}
			ok := true
			for _, m := range []map[asm.Felt][]asm.Felt{tx.Access.Reads, tx.Access.Writes} {
				for contract, keys := range m {
					for _, k := range keys {
						if contract == token && (k == seqLo || k == seqHi) || contract == seq {
							ok = false
						}
						fp[loc{contract, k}] = true
					}
				}
			}
			if ok {
				cells[i] = fp
				plannable = append(plannable, i)
			}
		}
		related := func(i, j int) bool {
			if b.Txs[i].Sender == b.Txs[j].Sender {
				return true
			}
			for l := range cells[i] {
				if cells[j][l] || l.contract == b.Txs[j].Sender && l.contract != token {
					return true
				}
			}
			for l := range cells[j] {
				if l.contract == b.Txs[i].Sender && l.contract != token {
					return true
				}
			}
			return false
		}
		comp := map[int]int{}
		var want [][]int
		for _, i := range plannable {
			if _, ok := comp[i]; ok {
				continue
			}
			id := len(want)
			group, queue := []int{}, []int{i}
			comp[i] = id
			for len(queue) > 0 {
				x := queue[0]
				queue = queue[1:]
				group = append(group, x)
				for _, y := range plannable {
					if _, ok := comp[y]; !ok && related(x, y) {
						comp[y] = id
						queue = append(queue, y)
					}
				}
			}
			slices.Sort(group)
			want = append(want, group)
		}
		norm := func(gs [][]int) [][]int {
			out := slices.Clone(gs)
			slices.SortFunc(out, func(x, y []int) int { return x[0] - y[0] })
			return out
		}
		for k, g := range got {
			if !slices.IsSorted(g) {
				t.Fatalf("seed %d: group %d %v not in block order", seed, k, g)
			}
			if k > 0 && len(g) > len(got[k-1]) {
				t.Fatalf("seed %d: group %d is larger than the one before", seed, k)
			}
		}
		if g, w := norm(got), norm(want); !slices.EqualFunc(g, w, slices.Equal) {
			t.Fatalf("seed %d: groups %v, want %v", seed, g, w)
		}
	}
}
