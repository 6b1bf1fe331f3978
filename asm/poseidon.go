package asm

import (
	"math/bits"

	"github.com/consensys/gnark-crypto/ecc/stark-curve/fp"
)

//go:generate go test -run ^TestPoseidonConstants$ -poseidon.write

// Starknet's Poseidon is the Hades permutation over the Cairo field with
// state width 3 (rate 2, capacity 1), 8 full rounds split 4 + 4 around 83
// partial rounds, the S-box x^3 and the MDS matrix
//
//	[[3, 1, 1], [1, -1, 1], [1, 1, -2]]
//
// (cairo-lang src/starkware/cairo/common/poseidon_utils.py). A round adds the
// round key, applies the S-box (to every element in a full round, to the last
// element only in a partial round) and multiplies by the MDS matrix.
//
// The round keys ark[i][j] = sha256("Hades" + decimal(3*i+j)) mod P are
// compiled in poseidon_constants.go in a compressed form: in a partial round
// the keys added to s0 and s1 only pass through the linear layer, so they are
// pushed forward into the next round's keys, leaving one key per partial
// round (for s2) and a modified key for the first full round after the
// partial rounds. poseidon_test.go regenerates both the raw and the
// compressed keys from the sha256 rule and checks this file against a plain
// round-by-round reference.
const (
	poseidonFullRounds    = 8
	poseidonPartialRounds = 83
)

// The field is P = 2^251 + 17*2^192 + 1: as little-endian limbs
// (1, 0, 0, poseidonPTop). The linear layer works on these limbs directly.
const poseidonPTop = 0x0800000000000011

// reduceBelow8P returns v mod P for v < 8P < 2^255 given as limbs: with
// q = floor(v / 2^251) <= 15, v - q*P lies in (-P, P), so one subtraction of
// q*P and one conditional (masked) addition of P finish the job.
func reduceBelow8P(v0, v1, v2, v3 uint64) (uint64, uint64, uint64, uint64) {
	q := v3 >> 59
	var b uint64
	v0, b = bits.Sub64(v0, q, 0)
	v1, b = bits.Sub64(v1, 0, b)
	v2, b = bits.Sub64(v2, 0, b)
	v3, b = bits.Sub64(v3, q*poseidonPTop, b)
	m := -b
	var c uint64
	v0, c = bits.Add64(v0, m&1, 0)
	v1, c = bits.Add64(v1, 0, c)
	v2, c = bits.Add64(v2, 0, c)
	v3 += m&poseidonPTop + c
	return v0, v1, v2, v3
}

// poseidonMixAdd sets (s0, s1, s2) to M*(s0, s1, s2) + (k0, k1, k2) with the
// MDS matrix M = [[3, 1, 1], [1, -1, 1], [1, 1, -2]], all inputs reduced.
// Each output is formed as a non-negative integer below 8P (negated terms
// become P - x) and reduced once, instead of a chain of modular additions.
// k0 and k1 may be nil (zero), as in the partial rounds.
func poseidonMixAdd(s0, s1, s2 *fp.Element, k0, k1, k2 *fp.Element) {
	a, b, c := *s0, *s1, *s2
	var cy, bw uint64
	// nb = P - b, nc = P - c (in [1, P]).
	var nb, nc fp.Element
	nb[0], bw = bits.Sub64(1, b[0], 0)
	nb[1], bw = bits.Sub64(0, b[1], bw)
	nb[2], bw = bits.Sub64(0, b[2], bw)
	nb[3], _ = bits.Sub64(poseidonPTop, b[3], bw)
	nc[0], bw = bits.Sub64(1, c[0], 0)
	nc[1], bw = bits.Sub64(0, c[1], bw)
	nc[2], bw = bits.Sub64(0, c[2], bw)
	nc[3], _ = bits.Sub64(poseidonPTop, c[3], bw)
	// t = a + c is shared by out0 = 3a + b + c and out1 = a + c + (P - b).
	var t fp.Element
	t[0], cy = bits.Add64(a[0], c[0], 0)
	t[1], cy = bits.Add64(a[1], c[1], cy)
	t[2], cy = bits.Add64(a[2], c[2], cy)
	t[3], _ = bits.Add64(a[3], c[3], cy)

	// out1 = t + nb + k1 < 4P.
	var o fp.Element
	o[0], cy = bits.Add64(t[0], nb[0], 0)
	o[1], cy = bits.Add64(t[1], nb[1], cy)
	o[2], cy = bits.Add64(t[2], nb[2], cy)
	o[3], _ = bits.Add64(t[3], nb[3], cy)
	if k1 != nil {
		o[0], cy = bits.Add64(o[0], k1[0], 0)
		o[1], cy = bits.Add64(o[1], k1[1], cy)
		o[2], cy = bits.Add64(o[2], k1[2], cy)
		o[3], _ = bits.Add64(o[3], k1[3], cy)
	}
	s1[0], s1[1], s1[2], s1[3] = reduceBelow8P(o[0], o[1], o[2], o[3])

	// out0 = t + 2a + b + k0 < 6P.
	o[0], cy = bits.Add64(t[0], a[0]<<1, 0)
	o[1], cy = bits.Add64(t[1], a[1]<<1|a[0]>>63, cy)
	o[2], cy = bits.Add64(t[2], a[2]<<1|a[1]>>63, cy)
	o[3], _ = bits.Add64(t[3], a[3]<<1|a[2]>>63, cy)
	o[0], cy = bits.Add64(o[0], b[0], 0)
	o[1], cy = bits.Add64(o[1], b[1], cy)
	o[2], cy = bits.Add64(o[2], b[2], cy)
	o[3], _ = bits.Add64(o[3], b[3], cy)
	if k0 != nil {
		o[0], cy = bits.Add64(o[0], k0[0], 0)
		o[1], cy = bits.Add64(o[1], k0[1], cy)
		o[2], cy = bits.Add64(o[2], k0[2], cy)
		o[3], _ = bits.Add64(o[3], k0[3], cy)
	}
	s0[0], s0[1], s0[2], s0[3] = reduceBelow8P(o[0], o[1], o[2], o[3])

	// out2 = a + b + 2(P - c) + k2 < 5P.
	o[0], cy = bits.Add64(a[0], b[0], 0)
	o[1], cy = bits.Add64(a[1], b[1], cy)
	o[2], cy = bits.Add64(a[2], b[2], cy)
	o[3], _ = bits.Add64(a[3], b[3], cy)
	o[0], cy = bits.Add64(o[0], nc[0]<<1, 0)
	o[1], cy = bits.Add64(o[1], nc[1]<<1|nc[0]>>63, cy)
	o[2], cy = bits.Add64(o[2], nc[2]<<1|nc[1]>>63, cy)
	o[3], _ = bits.Add64(o[3], nc[3]<<1|nc[2]>>63, cy)
	if k2 != nil {
		o[0], cy = bits.Add64(o[0], k2[0], 0)
		o[1], cy = bits.Add64(o[1], k2[1], cy)
		o[2], cy = bits.Add64(o[2], k2[2], cy)
		o[3], _ = bits.Add64(o[3], k2[3], cy)
	}
	s2[0], s2[1], s2[2], s2[3] = reduceBelow8P(o[0], o[1], o[2], o[3])
}

// poseidonMix multiplies (s0, s1, s2) by the MDS matrix.
func poseidonMix(s0, s1, s2 *fp.Element) { poseidonMixAdd(s0, s1, s2, nil, nil, nil) }

// poseidonCube sets x = x^3.
func poseidonCube(x *fp.Element) {
	var q fp.Element
	q.Square(x)
	x.Mul(x, &q)
}

// PoseidonPermute applies Starknet's Hades permutation (width 3, 4+4 full
// rounds, 83 partial rounds, x^3 S-box) to s in place. It is the poseidon
// builtin's function and cairo-lang's hades_permutation.
//
// Each round's keys are added in the previous round's linear layer (the
// first round's up front), and a partial round is one key, one cube and one
// fused linear layer.
func PoseidonPermute(s *[3]Felt) {
	s0, s1, s2 := *s[0].e(), *s[1].e(), *s[2].e()
	f := &poseidonFirstFullKeys
	s0.Add(&s0, &f[0][0])
	s1.Add(&s1, &f[0][1])
	s2.Add(&s2, &f[0][2])
	for i := 1; i < len(f); i++ {
		poseidonCube(&s0)
		poseidonCube(&s1)
		poseidonCube(&s2)
		poseidonMixAdd(&s0, &s1, &s2, &f[i][0], &f[i][1], &f[i][2])
	}
	poseidonCube(&s0)
	poseidonCube(&s1)
	poseidonCube(&s2)
	k := &poseidonPartialKeys
	poseidonMixAdd(&s0, &s1, &s2, nil, nil, &k[0])
	for i := 1; i < len(k); i++ {
		poseidonCube(&s2)
		poseidonMixAdd(&s0, &s1, &s2, nil, nil, &k[i])
	}
	poseidonCube(&s2)
	l := &poseidonLastFullKeys
	for i := range l {
		poseidonMixAdd(&s0, &s1, &s2, &l[i][0], &l[i][1], &l[i][2])
		poseidonCube(&s0)
		poseidonCube(&s1)
		poseidonCube(&s2)
	}
	poseidonMix(&s0, &s1, &s2)
	*s[0].e(), *s[1].e(), *s[2].e() = s0, s1, s2
}

// PoseidonHash returns Starknet's poseidon_hash(x, y): the first element of
// the permutation of [x, y, 2].
func PoseidonHash(x, y Felt) Felt {
	s := [3]Felt{x, y, FeltFromUint64(2)}
	PoseidonPermute(&s)
	return s[0]
}

// PoseidonHashSingle returns Starknet's poseidon_hash_single(x): the first
// element of the permutation of [x, 0, 1].
func PoseidonHashSingle(x Felt) Felt {
	s := [3]Felt{x, {}, One()}
	PoseidonPermute(&s)
	return s[0]
}

// PoseidonHashMany returns Starknet's poseidon_hash_many(elems): the input is
// padded with a 1 and then with a 0 if needed to an even length, and absorbed
// two elements at a time (added to s0 and s1, then permuted) from the zero
// state; the hash is s0 after the last permutation.
func PoseidonHashMany(elems []Felt) Felt {
	var s [3]Felt
	for len(elems) >= 2 {
		s[0].Add(&s[0], &elems[0])
		s[1].Add(&s[1], &elems[1])
		PoseidonPermute(&s)
		elems = elems[2:]
	}
	one := One()
	if len(elems) == 1 {
		s[0].Add(&s[0], &elems[0])
		s[1].Add(&s[1], &one)
	} else {
		s[0].Add(&s[0], &one)
	}
	PoseidonPermute(&s)
	return s[0]
}
