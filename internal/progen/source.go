package progen

import "math/rand/v2"

// Source supplies the generator's decisions.
type Source interface {
	// Intn returns a number in [0, n); n > 0.
	Intn(n int) int
	// Done reports that the source has no more decisions of its own to
	// give (a byte string that has been read to its end): the generator
	// then finishes the program as briefly as it can.
	Done() bool
}

// bytesSource reads decisions from a byte string: one byte per decision
// among at most 256 choices, more for larger ones, and zeros once the
// string is exhausted.
type bytesSource struct {
	data []byte
	i    int
}

// FromBytes returns a Source that reads its decisions from data, as a
// fuzzer's input: small changes to data make small changes to the program.
func FromBytes(data []byte) Source { return &bytesSource{data: data} }

func (s *bytesSource) Intn(n int) int {
	if n <= 1 {
		return 0
	}
	var v uint64
	for m := uint64(n - 1); m > 0; m >>= 8 {
		v <<= 8
		if s.i < len(s.data) {
			v |= uint64(s.data[s.i])
			s.i++
		}
	}
	return int(v % uint64(n))
}

func (s *bytesSource) Done() bool { return s.i >= len(s.data) }

type randSource struct{ r *rand.Rand }

// FromSeed returns a pseudo-random Source: the same seed gives the same
// program.
func FromSeed(seed uint64) Source {
	return &randSource{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (s *randSource) Intn(n int) int { return s.r.IntN(n) }

func (s *randSource) Done() bool { return false }
