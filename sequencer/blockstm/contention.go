package blockstm

import "sync/atomic"

// Contention control. When nearly every transaction depends on the one
// before (a block of transfers all paying one account), speculation is
// pure loss: each transaction runs once on a stale value, is aborted or
// suspended, and runs again, while one worker at a time does useful work
// and the wasted executions compete with it for the cores and the
// collector. So the committer measures, per window of commits, how many
// committed transactions read a location that one of the transactions
// just below them wrote (those that ran at the same time as they would
// under speculation: as many as there are other workers). The measure
// needs no speculation: it is the same whether the window ran
// speculatively or in order. After a window in which more than half the
// transactions depended so, the next window runs in order (an execution
// is handed out only for the next transaction to commit, which reads
// final values and cannot conflict); after a calmer one, speculatively.
// A block without such dependencies never leaves speculation; a block of
// one long chain pays for one speculative window.
//
// Speculation also stops at maxAhead transactions beyond the next to
// commit: running further ahead only piles up executions on values that
// the commits below are still changing, which every contended block would
// pay for once before its first window is over.
const (
	contentionWindow = 16 // commits per measured window
	maxAhead         = 32
)

// contention is the committer's state: only the committer changes it
// (under engine.commitMu); workers read ordered and committed.
type contention struct {
	ordered   atomic.Bool  // executions go in commit order
	committed atomic.Int64 // transactions below are committed

	inWindow, dependent int
}

// gated reports whether the execution of tx must wait for the commits
// below it.
func (s *scheduler) gated(tx int64) bool {
	c := s.ctl.committed.Load()
	return tx > c+maxAhead || s.ctl.ordered.Load() && tx > c
}

// committedUpTo records that every transaction below n is committed, the
// last of them depending on the ones just below it or not, and at the end
// of a window decides how the next one runs.
func (s *scheduler) committedUpTo(n int64, dependent bool) {
	c := &s.ctl
	c.committed.Store(n)
	c.inWindow++
	if dependent {
		c.dependent++
	}
	if c.inWindow == contentionWindow {
		c.ordered.Store(2*c.dependent > contentionWindow)
		c.inWindow, c.dependent = 0, 0
	}
	// The commit may free an execution. In order, it is the next
	// transaction's, which the committing worker takes itself when it
	// looks for a task (a worker about to sleep sees gen move): waking the
	// others would only have them race it for the claim.
	s.gen.Add(1)
	if !c.ordered.Load() || c.inWindow == 0 {
		s.signal()
	}
}

// dependsOnRecent reports whether reads meet a write of the last committed
// transactions that a speculative run would have overlapped with it, and
// then records writes as the latest.
func (e *engine[K, V, O]) dependsOnRecent(reads []readRecord[K, V], writes []write[K, V]) bool {
	dep := false
	for _, ws := range e.recent {
		for _, w := range ws {
			for _, r := range reads {
				if r.loc == w.loc {
					dep = true
					break
				}
			}
		}
	}
	if len(e.recent) > 0 {
		copy(e.recent, e.recent[1:])
		e.recent[len(e.recent)-1] = writes
	}
	return dep
}
