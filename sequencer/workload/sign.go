package workload

import (
	"crypto/hmac"
	"crypto/sha256"
	"math/big"

	"github.com/cairn-vm/cairn/asm"
	starkcurve "github.com/consensys/gnark-crypto/ecc/stark-curve"
	"github.com/consensys/gnark-crypto/ecc/stark-curve/fr"
)

// Stark-curve ECDSA as StarkWare defines it (cairo-lang's
// signature.py): r = x(k·G), s = (z + r·d)/k mod n, with r and w = 1/s in
// [1, 2^251). The nonce k is derived deterministically from the key and
// the message (HMAC-SHA256 with a counter), which is not cairo-lang's
// RFC 6979 choice of k but gives signatures that verify the same way:
// any k does.

var (
	starkOrder = fr.Modulus()
	two251     = new(big.Int).Lsh(big.NewInt(1), 251)
)

// PublicKey returns the public key (the x coordinate of d·G) of the
// private key d.
func PublicKey(d *big.Int) asm.Felt {
	var p starkcurve.G1Affine
	p.ScalarMultiplicationBase(d)
	return asm.FeltFromBig(p.X.BigInt(new(big.Int)))
}

// Sign signs the message hash z with the private key d and returns
// (r, s).
func Sign(z asm.Felt, d *big.Int) (r, s asm.Felt) {
	zb := z.BigInt()
	key := d.FillBytes(make([]byte, 32))
	for ctr := byte(0); ; ctr++ {
		m := hmac.New(sha256.New, key)
		zz := zb.FillBytes(make([]byte, 32))
		m.Write(zz)
		m.Write([]byte{ctr})
		k := new(big.Int).SetBytes(m.Sum(nil))
		k.Mod(k, starkOrder)
		if k.Sign() == 0 {
			continue
		}
		if r, s, ok := signWithK(zb, d, k); ok {
			return asm.FeltFromBig(r), asm.FeltFromBig(s)
		}
	}
}

func signWithK(z, d, k *big.Int) (r, s *big.Int, ok bool) {
	var R starkcurve.G1Affine
	R.ScalarMultiplicationBase(k)
	r = R.X.BigInt(new(big.Int))
	if r.Sign() == 0 || r.Cmp(two251) >= 0 {
		return nil, nil, false
	}
	t := new(big.Int).Mul(r, d)
	t.Add(t, z).Mod(t, starkOrder)
	if t.Sign() == 0 {
		return nil, nil, false
	}
	w := new(big.Int).ModInverse(t, starkOrder)
	w.Mul(w, k).Mod(w, starkOrder)
	if w.Sign() == 0 || w.Cmp(two251) >= 0 {
		return nil, nil, false
	}
	return r, new(big.Int).ModInverse(w, starkOrder), true
}
