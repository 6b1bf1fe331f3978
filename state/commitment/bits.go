package commitment

import (
	"math/bits"

	"github.com/cairn-vm/cairn/asm"
)

// path is a non-negative integer below 2^256 as four little-endian 64-bit
// limbs: a key, or the bits of an edge node's path, right-aligned. The trie
// works on these rather than on felts because it only ever needs bit
// operations, and asm.Felt keeps its value in Montgomery form.
type path [4]uint64

func pathOf(f *asm.Felt) path { return path(f.Regular()) }

// felt returns p as a field element. Paths are below 2^251 < P, so this is
// the cheap conversion.
func (p path) felt() asm.Felt {
	var f asm.Felt
	f.SetLimbs(p)
	return f
}

// bit returns bit i (0 is the least significant).
func (p path) bit(i int) uint64 { return p[i>>6] >> (i & 63) & 1 }

// bitLen returns the number of bits needed to write p (0 for 0).
func (p path) bitLen() int {
	for i := 3; i >= 0; i-- {
		if p[i] != 0 {
			return 64*i + bits.Len64(p[i])
		}
	}
	return 0
}

func (p path) xor(q path) path { return path{p[0] ^ q[0], p[1] ^ q[1], p[2] ^ q[2], p[3] ^ q[3]} }
func (p path) or(q path) path  { return path{p[0] | q[0], p[1] | q[1], p[2] | q[2], p[3] | q[3]} }

// low returns the n lowest bits of p.
func (p path) low(n int) path {
	for i := range p {
		switch lo := 64 * i; {
		case n <= lo:
			p[i] = 0
		case n < lo+64:
			p[i] &= 1<<(n-lo) - 1
		}
	}
	return p
}

// shr returns p >> n.
func (p path) shr(n int) path {
	var r path
	w, s := n>>6, uint(n&63)
	for i := 0; i+w < 4; i++ {
		r[i] = p[i+w] >> s
		if s != 0 && i+w+1 < 4 {
			r[i] |= p[i+w+1] << (64 - s)
		}
	}
	return r
}

// shl returns p << n, dropping bits above 2^256.
func (p path) shl(n int) path {
	var r path
	w, s := n>>6, uint(n&63)
	for i := 3; i-w >= 0; i-- {
		r[i] = p[i-w] << s
		if s != 0 && i-w-1 >= 0 {
			r[i] |= p[i-w-1] >> (64 - s)
		}
	}
	return r
}

func (p path) cmp(q path) int {
	for i := 3; i >= 0; i-- {
		if p[i] != q[i] {
			if p[i] < q[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// commonPrefix returns how many of the n lowest bits of a and b agree,
// counted from bit n-1 down.
func commonPrefix(a, b path, n int) int { return n - a.xor(b).low(n).bitLen() }
