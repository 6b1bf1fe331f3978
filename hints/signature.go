package hints

import (
	"errors"
	"math/big"

	"github.com/cairn-vm/cairn/vm"
)

// Signature hints: the signature builtin's add_signature, and the modular
// arithmetic of cairo_secp signature.cairo (div_mod_n and its quotient
// checks) and of the ec_recover library (cairo-lang's whitelist
// ec_recover.json), over the secp256k1 group order N or a modulus the
// program gives.

var signatureHints = []builtinHint{
	{"ecdsa_add_signature", codeECDSAAddSignature, hintECDSAAddSignature},
	{"div_mod_n", codeDivModNImportN, hintDivModN(true)},
	{"div_mod_n_scope_n", codeDivModNScopeN, hintDivModN(false)},
	{"div_mod_n_safe_div", codeDivModNSafeDiv, hintDivModNSafeDiv("b", "a", "k", false)},
	{"div_mod_n_safe_div_plus_one", codeDivModNSafeDivPlusOne, hintDivModNSafeDiv("b", "a", "k_plus_one", true)},
	{"ec_recover_div_mod_n_safe_div", codeDivModNSafeDivS, hintDivModNSafeDiv("s", "x", "k", false)},
	{"ec_recover_div_mod_n", codeDivModNConstN, hintECRecoverDivModN(false)},
	{"ec_recover_div_mod_ids_n", codeDivModNIdsN, hintECRecoverDivModN(true)},
	{"ec_recover_sub_a_b", codeSubAB, hintECRecoverSubAB},
	{"ec_recover_product_mod", codeMulModM, hintECRecoverProductMod},
	{"ec_recover_product_div_m", codeMulModMQuotient, hintECRecoverProductDivM},
}

func init() { addFamily(signatureHints) }

// hintECDSAAddSignature is "ecdsa_builtin.add_signature(ids.ecdsa_ptr.
// address_, (ids.signature_r, ids.signature_s))": the signature the
// builtin will check when the instance at ecdsa_ptr is written.
func hintECDSAAddSignature(c *Context) error {
	var b *vm.ECDSABuiltin
	for _, r := range c.State.Builtins {
		if e, ok := r.(*vm.ECDSABuiltin); ok {
			b = e
			break
		}
	}
	if b == nil {
		return errors.New("name 'ecdsa_builtin' is not defined")
	}
	addr, err := c.Addr("ecdsa_ptr")
	if err != nil {
		return err
	}
	r, err := c.Felt("signature_r")
	if err != nil {
		return err
	}
	s, err := c.Felt("signature_s")
	if err != nil {
		return err
	}
	return b.AddSignature(addr, r, s)
}

// secpScopeInts reads integer locals of the scope, in order.
func secpScopeInts(c *Context, names ...string) ([]*big.Int, error) {
	out := make([]*big.Int, len(names))
	for i, n := range names {
		v, err := c.ScopeInt(n)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// secpPackAB packs ids.a and ids.b and binds a and b.
func secpPackAB(c *Context) (a, b *big.Int, err error) {
	if a, err = secpPack(c, "a"); err != nil {
		return nil, nil, err
	}
	if b, err = secpPack(c, "b"); err != nil {
		return nil, nil, err
	}
	c.ScopeSet("a", a)
	c.ScopeSet("b", b)
	return a, b, nil
}

// hintDivModN is div_mod_n's "a = pack(ids.a); b = pack(ids.b); value = res
// = div_mod(a, b, N)"; importN is the variant that imports N (secp256k1's
// order), the other reads the N a secp256r1 import hint bound.
func hintDivModN(importN bool) Func {
	return func(c *Context) error {
		var n *big.Int
		if importN {
			n = secp256k1N
			c.ScopeSet("N", new(big.Int).Set(n))
		}
		a, b, err := secpPackAB(c)
		if err != nil {
			return err
		}
		if !importN {
			if n, err = c.ScopeInt("N"); err != nil {
				return err
			}
		}
		res, err := secpDivMod(a, b, n)
		if err != nil {
			return err
		}
		secpSetScope(c, res, "value", "res")
		return nil
	}
}

// hintDivModNSafeDiv is "value = <dst> = safe_div(res * <mul> - <sub>, N)"
// (+ 1 for k_plus_one): the quotient that proves res * mul = sub mod N.
func hintDivModNSafeDiv(mul, sub, dst string, plusOne bool) Func {
	return func(c *Context) error {
		v, err := secpScopeInts(c, "res", mul, sub, "N")
		if err != nil {
			return err
		}
		num := new(big.Int).Mul(v[0], v[1])
		num.Sub(num, v[2])
		k, err := secpSafeDiv(num, v[3])
		if err != nil {
			return err
		}
		if plusOne {
			k.Add(k, big.NewInt(1))
		}
		secpSetScope(c, k, "value", dst)
		return nil
	}
}

// hintECRecoverDivModN is ec_recover's "x = pack(ids.x) % N; s =
// pack(ids.s) % N; value = res = div_mod(x, s, N)", with N secp256k1's
// order or, for idsN, pack(ids.n).
func hintECRecoverDivModN(idsN bool) Func {
	return func(c *Context) error {
		n := new(big.Int).Set(secp256k1N)
		if idsN {
			var err error
			if n, err = secpPack(c, "n"); err != nil {
				return err
			}
		}
		c.ScopeSet("N", n)
		x, err := secpPack(c, "x")
		if err != nil {
			return err
		}
		s, err := secpPack(c, "s")
		if err != nil {
			return err
		}
		if n.Sign() == 0 {
			return errZeroDivision
		}
		x, s = pyMod(x, n), pyMod(s, n)
		c.ScopeSet("x", x)
		c.ScopeSet("s", s)
		res, err := secpDivMod(x, s, n)
		if err != nil {
			return err
		}
		secpSetScope(c, res, "value", "res")
		return nil
	}
}

// hintECRecoverSubAB is "a = pack(ids.a); b = pack(ids.b); value = res = a
// - b".
func hintECRecoverSubAB(c *Context) error {
	a, b, err := secpPackAB(c)
	if err != nil {
		return err
	}
	secpSetScope(c, new(big.Int).Sub(a, b), "value", "res")
	return nil
}

// hintECRecoverProductMod is "product = a * b; m = pack(ids.m); value = res
// = product % m".
func hintECRecoverProductMod(c *Context) error {
	a, b, err := secpPackAB(c)
	if err != nil {
		return err
	}
	product := new(big.Int).Mul(a, b)
	c.ScopeSet("product", product)
	m, err := secpPack(c, "m")
	if err != nil {
		return err
	}
	c.ScopeSet("m", m)
	if m.Sign() == 0 {
		return errZeroDivision
	}
	secpSetScope(c, pyMod(product, m), "value", "res")
	return nil
}

// hintECRecoverProductDivM is "value = k = product // m".
func hintECRecoverProductDivM(c *Context) error {
	v, err := secpScopeInts(c, "product", "m")
	if err != nil {
		return err
	}
	if v[1].Sign() == 0 {
		return errZeroDivision
	}
	secpSetScope(c, secpFloorDiv(v[0], v[1]), "value", "k")
	return nil
}

const codeECDSAAddSignature = `ecdsa_builtin.add_signature(ids.ecdsa_ptr.address_, (ids.signature_r, ids.signature_s))`

const codeDivModNImportN = `from starkware.cairo.common.cairo_secp.secp_utils import N, pack
from starkware.python.math_utils import div_mod, safe_div

a = pack(ids.a, PRIME)
b = pack(ids.b, PRIME)
value = res = div_mod(a, b, N)`

const codeDivModNScopeN = `from starkware.cairo.common.cairo_secp.secp_utils import pack
from starkware.python.math_utils import div_mod, safe_div

a = pack(ids.a, PRIME)
b = pack(ids.b, PRIME)
value = res = div_mod(a, b, N)`

const codeDivModNSafeDiv = `value = k = safe_div(res * b - a, N)`

const codeDivModNSafeDivPlusOne = `value = k_plus_one = safe_div(res * b - a, N) + 1`

const codeDivModNSafeDivS = `value = k = safe_div(res * s - x, N)`

const codeDivModNConstN = `from starkware.cairo.common.cairo_secp.secp_utils import pack
from starkware.python.math_utils import div_mod, safe_div

N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141
x = pack(ids.x, PRIME) % N
s = pack(ids.s, PRIME) % N
value = res = div_mod(x, s, N)`

const codeDivModNIdsN = `from starkware.cairo.common.cairo_secp.secp_utils import pack
from starkware.python.math_utils import div_mod, safe_div

N = pack(ids.n, PRIME)
x = pack(ids.x, PRIME) % N
s = pack(ids.s, PRIME) % N
value = res = div_mod(x, s, N)`

const codeSubAB = `from starkware.cairo.common.cairo_secp.secp_utils import pack
from starkware.python.math_utils import div_mod, safe_div

a = pack(ids.a, PRIME)
b = pack(ids.b, PRIME)

value = res = a - b`

const codeMulModM = `from starkware.cairo.common.cairo_secp.secp_utils import pack
from starkware.python.math_utils import div_mod, safe_div

a = pack(ids.a, PRIME)
b = pack(ids.b, PRIME)
product = a * b
m = pack(ids.m, PRIME)

value = res = product % m`

const codeMulModMQuotient = `value = k = product // m`
