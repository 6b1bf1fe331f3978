package parallel

import (
	"sync/atomic"
	"testing"
)

// Every index is visited exactly once, for any worker count.
func TestForVisitsEachIndexOnce(t *testing.T) {
	for _, workers := range []int{-1, 0, 1, 2, 7} {
		for _, n := range []int{0, 1, 5, 1000} {
			seen := make([]atomic.Int32, n)
			For(n, workers, func(i int) { seen[i].Add(1) })
			for i := range seen {
				if got := seen[i].Load(); got != 1 {
					t.Fatalf("workers %d, n %d: index %d visited %d times", workers, n, i, got)
				}
			}
		}
	}
}
