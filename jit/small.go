package jit

// The felts that pointer arithmetic adds are nearly always small integers,
// and a small integer's Montgomery form (n·R mod P, R = 2^256) has a shape
// that needs no multiplication to recognise: R ≡ -(544·2^192 + 32) mod P,
// since 2^256 = 32·2^251 and 2^251 ≡ -(17·2^192 + 1). So for
// 0 < n < 2^49, where 544n·2^192 + 32n stays below P,
//
//	n·R mod P  = P - 32n - 544n·2^192 = [2^64 + 1 - 32n, 2^64-1, 2^64-1, p3 - 1 - 544n]
//	-n·R mod P = 32n + 544n·2^192     = [32n, 0, 0, 544n]
//
// (limbs little-endian, p3 = P's top limb). smallLimit bounds the n this
// recognises; anything else goes to Go (vm.SmallInt), which is exact for
// every felt.
const (
	smallLimit = 1 << 49
	pTop       = 0x0800000000000011
)

// smallFromMont is the Go statement of what the compiled code's small
// helper computes: the small integer whose Montgomery form is l, when l
// has one of the two shapes above (ok false otherwise, including for
// small integers of other shapes, which there are none of below
// smallLimit).
func smallFromMont(l [4]uint64) (int64, bool) {
	switch {
	case l == [4]uint64{}:
		return 0, true
	case l[1] == 0 && l[2] == 0:
		m := l[0] >> 5
		if l[0]&31 == 0 && m > 0 && m < smallLimit && l[3] == 544*m {
			return -int64(m), true
		}
	case l[1] == ^uint64(0) && l[2] == ^uint64(0):
		t := 1 - l[0]
		n := t >> 5
		if t&31 == 0 && n > 0 && n < smallLimit && l[3] == pTop-1-544*n {
			return int64(n), true
		}
	}
	return 0, false
}
