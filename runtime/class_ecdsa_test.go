package runtime_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"math/big"

	starkcurve "github.com/consensys/gnark-crypto/ecc/stark-curve"
	"github.com/consensys/gnark-crypto/ecc/stark-curve/fr"
)

// Stark-curve ECDSA signing as StarkWare specifies it (cairo-lang's
// starkware/crypto/signature/signature.py, sign and
// generate_k_rfc6979), written here from that specification on
// gnark-crypto's curve arithmetic, independently of cairn's own ECDSA code
// (asm.VerifyECDSA), so that the account tests check the contract against
// signatures cairn did not make.
//
//	r = x(k·G), s = (z + r·d) / k mod n, with k from RFC 6979 (HMAC-SHA256),
//	the message hash z < 2^251 and r, s^-1 in [1, 2^251).

// starkOrder is n, the order of the curve's generator.
var starkOrder = fr.Modulus()

var two251 = new(big.Int).Lsh(big.NewInt(1), 251)

// starkPublicKey returns x(d·G).
func starkPublicKey(d *big.Int) *big.Int {
	var p starkcurve.G1Affine
	p.ScalarMultiplicationBase(d)
	return p.X.BigInt(new(big.Int))
}

// starkSign signs the message hash z with the private key d, taking k as
// cairo-lang's sign does (RFC 6979, then a seed of 1, 2, ... while a k
// gives an r or w out of range).
func starkSign(z, d *big.Int) (r, s *big.Int) {
	var seed *big.Int
	for {
		k := rfc6979K(z, d, seed)
		if seed == nil {
			seed = big.NewInt(1)
		} else {
			seed = new(big.Int).Add(seed, big.NewInt(1))
		}
		r, s, ok := starkSignWithK(z, d, k)
		if ok {
			return r, s
		}
	}
}

// starkSignWithK is the signature with a given nonce k; ok is false when
// k gives an r or w that StarkWare's scheme rejects.
func starkSignWithK(z, d, k *big.Int) (r, s *big.Int, ok bool) {
	var R starkcurve.G1Affine
	R.ScalarMultiplicationBase(k)
	r = R.X.BigInt(new(big.Int)) // not reduced mod n: StarkWare's r is x itself
	if r.Sign() == 0 || r.Cmp(two251) >= 0 {
		return nil, nil, false
	}
	t := new(big.Int).Mul(r, d)
	t.Add(t, z).Mod(t, starkOrder)
	if t.Sign() == 0 {
		return nil, nil, false
	}
	// w = k / (z + r·d) must be in [1, 2^251); s = 1/w.
	w := new(big.Int).ModInverse(t, starkOrder)
	w.Mul(w, k).Mod(w, starkOrder)
	if w.Sign() == 0 || w.Cmp(two251) >= 0 {
		return nil, nil, false
	}
	s = new(big.Int).ModInverse(w, starkOrder)
	return r, s, true
}

// rfc6979K is generate_k_rfc6979: python-ecdsa's RFC 6979 generate_k over
// n with SHA-256, the message hash (shifted left by 4 bits when its length
// is one nibble short of a whole byte count, as elliptic.js does) as the
// data, and the seed's bytes as extra entropy.
func rfc6979K(z, d, seed *big.Int) *big.Int {
	msg := new(big.Int).Set(z)
	if bl := msg.BitLen(); bl%8 >= 1 && bl%8 <= 4 && bl >= 248 {
		msg.Lsh(msg, 4)
	}
	qlen := starkOrder.BitLen()                // 252
	rolen := (qlen + 7) / 8                    // 32
	olen := (1 + len(starkOrder.Text(16))) / 2 // python-ecdsa's orderlen: 32
	intBytes := func(x *big.Int, n int) []byte { return x.FillBytes(make([]byte, n)) }
	bits2int := func(b []byte) *big.Int {
		x := new(big.Int).SetBytes(b)
		if l := len(b) * 8; l > qlen {
			x.Rsh(x, uint(l-qlen))
		}
		return x
	}
	data := msg.Bytes()
	z1 := bits2int(data)
	if z2 := new(big.Int).Sub(z1, starkOrder); z2.Sign() >= 0 {
		z1 = z2
	}
	var extra []byte
	if seed != nil {
		extra = seed.Bytes()
	}
	bx := [][]byte{intBytes(d, olen), intBytes(z1, olen), extra}
	mac := func(key []byte, parts ...[]byte) []byte {
		h := hmac.New(sha256.New, key)
		for _, p := range parts {
			h.Write(p)
		}
		return h.Sum(nil)
	}
	v := make([]byte, sha256.Size)
	for i := range v {
		v[i] = 1
	}
	k := make([]byte, sha256.Size)
	k = mac(k, append(append([]byte{}, v...), 0), bx[0], bx[1], bx[2])
	v = mac(k, v)
	k = mac(k, append(append([]byte{}, v...), 1), bx[0], bx[1], bx[2])
	v = mac(k, v)
	for {
		var t []byte
		for len(t) < rolen {
			v = mac(k, v)
			t = append(t, v...)
		}
		secret := bits2int(t)
		if secret.Sign() > 0 && secret.Cmp(starkOrder) < 0 {
			return secret
		}
		k = mac(k, append(append([]byte{}, v...), 0))
		v = mac(k, v)
	}
}
