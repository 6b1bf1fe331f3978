package hints

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/vm"
)

// Elliptic-curve hints: cairo_secp ec.cairo over secp256k1 and its
// secp256r1 variants (slopes, new_x and new_y of doubling and addition,
// negation, get_point_from_x, ec_mul's scalar bits, the ec_mulmuladd
// windows), and the STARK-curve hints of ec.cairo and signature.cairo
// (recover_y, the random point ec_op and chained_ec_op add, a square root
// in the Cairo field). Each secp point is a pair of BigInt3 (x, y).

var ecHints = []builtinHint{
	{"ec_negate", codeEcNegate, hintEcNegate(secpImportK1P)},
	{"ec_double_slope", codeEcDoubleSlope, hintEcDoubleSlope(secpImportK1P, "point", ecAlphaConst(big.NewInt(0)))},
	{"ec_double_slope_div_mod", codeEcDoubleSlopeDivMod, hintEcDoubleSlope(secpImportK1P, "pt", nil)},
	{"ec_double_slope_scope_alpha", codeEcDoubleSlopeScopeAlpha, hintEcDoubleSlope(secpScopeP, "point", ecAlphaScope)},
	{"fast_ec_add_slope", codeFastEcAddSlope, hintLineSlope(secpImportK1P, "point0", "point1", true)},
	{"fast_ec_add_slope_div_mod", codeFastEcAddSlopeDivMod, hintLineSlope(secpImportK1P, "pt0", "pt1", false)},
	{"fast_ec_add_slope_scope_p", codeFastEcAddSlopeScopeP, hintLineSlope(secpScopeP, "point0", "point1", true)},
	{"ec_double_new_x", codeEcDoubleNewXPoint, hintEcDoubleNewX(secpImportK1P, "point")},
	{"ec_double_new_x_pt", codeEcDoubleNewXPt, hintEcDoubleNewX(secpImportK1P, "pt")},
	{"ec_double_new_x_scope_p", codeEcDoubleNewXScopeP, hintEcDoubleNewX(secpScopeP, "point")},
	{"ec_double_new_y", codeEcDoubleNewY, hintNewY("x", "y")},
	{"fast_ec_add_new_x", codeFastEcAddNewXPoint, hintFastEcAddNewX(secpImportK1P, "point0", "point1")},
	{"fast_ec_add_new_x_pt", codeFastEcAddNewXPt, hintFastEcAddNewX(secpImportK1P, "pt0", "pt1")},
	{"fast_ec_add_new_x_scope_p", codeFastEcAddNewXScopeP, hintFastEcAddNewX(secpScopeP, "point0", "point1")},
	{"fast_ec_add_new_y", codeFastEcAddNewY, hintNewY("x0", "y0")},
	{"get_point_from_x", codeGetPointFromX, hintGetPointFromX},
	{"ec_mul_inner_scalar_parity", codeEcMulScalarParity, hintEcMulScalarParity},
	{"ec_mulmuladd_dibit", codeEcMulMulAddDibit, hintEcMulMulAddDibit},
	{"ec_mulmuladd_quad_bit", codeEcMulMulAddQuadBit, hintEcMulMulAddQuadBit},
	{"ec_mulmuladd_len_hi", codeEcMulMulAddLenHi, hintEcMulMulAddLenHi},
	{"ec_recover_y", codeRecoverY, hintRecoverY},
	{"ec_op_random_point", codeEcOpRandomPoint, hintEcOpRandomPoint},
	{"chained_ec_op_random_point", codeChainedEcOpRandomPoint, hintChainedEcOpRandomPoint(false)},
	{"chained_ec_op_random_point_print", codeChainedEcOpRandomPointPrint, hintChainedEcOpRandomPoint(true)},
	{"stark_sqrt_or_third", codeStarkSqrt, hintStarkSqrt},
}

func init() { addFamily(ecHints) }

// ecAlpha gives a doubling hint's curve coefficient alpha, or nil for the
// hint that has none (3 * x**2 / 2y).
type ecAlpha func(c *Context) (*big.Int, error)

func ecAlphaConst(v *big.Int) ecAlpha {
	return func(*Context) (*big.Int, error) { return v, nil }
}

// ecAlphaScope reads ALPHA from the scope, where the secp256r1 programs'
// import hint binds it.
func ecAlphaScope(c *Context) (*big.Int, error) { return c.ScopeInt("ALPHA") }

// ecPackPoint packs ids.<pt>.x and ids.<pt>.y.
func ecPackPoint(c *Context, pt string) (x, y *big.Int, err error) {
	if x, err = secpPack(c, pt+".x"); err != nil {
		return nil, nil, err
	}
	y, err = secpPack(c, pt+".y")
	return x, y, err
}

// hintEcNegate is "y = pack(ids.point.y, PRIME) % SECP_P; value = (-y) %
// SECP_P".
func hintEcNegate(m secpModulus) Func {
	return func(c *Context) error {
		p, err := m.get(c)
		if err != nil {
			return err
		}
		y, err := secpPack(c, "point.y")
		if err != nil {
			return err
		}
		y = pyMod(y, p)
		c.ScopeSet("y", y)
		c.ScopeSet("value", pyMod(new(big.Int).Neg(y), p))
		return nil
	}
}

// hintEcDoubleSlope is "value = slope = ec_double_slope(point=(x, y),
// alpha=ALPHA, p=SECP_P)", the tangent's slope (3x^2 + alpha) / 2y; with a
// nil alpha it is "div_mod(3 * x ** 2, 2 * y, SECP_P)", which has no
// y != 0 assertion of its own.
func hintEcDoubleSlope(m secpModulus, pt string, alpha ecAlpha) Func {
	return func(c *Context) error {
		p, err := m.get(c)
		if err != nil {
			return err
		}
		x, y, err := ecPackPoint(c, pt)
		if err != nil {
			return err
		}
		secpSetScope(c, x, "x")
		secpSetScope(c, y, "y")
		num := new(big.Int).Mul(x, x)
		num.Mul(num, big.NewInt(3))
		if alpha != nil {
			a, err := alpha(c)
			if err != nil {
				return err
			}
			if pyMod(y, p).Sign() == 0 {
				return errors.New("AssertionError: point[1] % p != 0")
			}
			num.Add(num, a)
		}
		slope, err := secpDivMod(num, new(big.Int).Lsh(y, 1), p)
		if err != nil {
			return err
		}
		secpSetScope(c, slope, "value", "slope")
		return nil
	}
}

// hintLineSlope is "value = slope = line_slope(point1=(x0, y0),
// point2=(x1, y1), p=SECP_P)", the chord's slope (y0 - y1) / (x0 - x1);
// assert is false for the variant written with div_mod, which does not
// check x0 != x1 first.
func hintLineSlope(m secpModulus, pt0, pt1 string, assert bool) Func {
	return func(c *Context) error {
		p, err := m.get(c)
		if err != nil {
			return err
		}
		x0, y0, err := ecPackPoint(c, pt0)
		if err != nil {
			return err
		}
		x1, y1, err := ecPackPoint(c, pt1)
		if err != nil {
			return err
		}
		for name, v := range map[string]*big.Int{"x0": x0, "y0": y0, "x1": x1, "y1": y1} {
			c.ScopeSet(name, v)
		}
		dx := new(big.Int).Sub(x0, x1)
		if assert && pyMod(dx, p).Sign() == 0 {
			return errors.New("AssertionError: (point1[0] - point2[0]) % p != 0")
		}
		slope, err := secpDivMod(new(big.Int).Sub(y0, y1), dx, p)
		if err != nil {
			return err
		}
		secpSetScope(c, slope, "value", "slope")
		return nil
	}
}

// hintEcDoubleNewX is "value = new_x = (pow(slope, 2, SECP_P) - 2 * x) %
// SECP_P" with slope, x and y packed from the ids.
func hintEcDoubleNewX(m secpModulus, pt string) Func {
	return func(c *Context) error {
		p, err := m.get(c)
		if err != nil {
			return err
		}
		slope, err := secpPack(c, "slope")
		if err != nil {
			return err
		}
		x, y, err := ecPackPoint(c, pt)
		if err != nil {
			return err
		}
		secpSetScope(c, slope, "slope")
		secpSetScope(c, x, "x")
		secpSetScope(c, y, "y")
		nx := new(big.Int).Exp(slope, big.NewInt(2), p)
		nx.Sub(nx, new(big.Int).Lsh(x, 1))
		secpSetScope(c, pyMod(nx, p), "value", "new_x")
		return nil
	}
}

// hintFastEcAddNewX is "value = new_x = (pow(slope, 2, SECP_P) - x0 - x1)
// % SECP_P".
func hintFastEcAddNewX(m secpModulus, pt0, pt1 string) Func {
	return func(c *Context) error {
		p, err := m.get(c)
		if err != nil {
			return err
		}
		slope, err := secpPack(c, "slope")
		if err != nil {
			return err
		}
		x0, err := secpPack(c, pt0+".x")
		if err != nil {
			return err
		}
		x1, err := secpPack(c, pt1+".x")
		if err != nil {
			return err
		}
		y0, err := secpPack(c, pt0+".y")
		if err != nil {
			return err
		}
		for name, v := range map[string]*big.Int{"slope": slope, "x0": x0, "x1": x1, "y0": y0} {
			c.ScopeSet(name, v)
		}
		nx := new(big.Int).Exp(slope, big.NewInt(2), p)
		nx.Sub(nx, x0)
		nx.Sub(nx, x1)
		secpSetScope(c, pyMod(nx, p), "value", "new_x")
		return nil
	}
}

// hintNewY is "value = new_y = (slope * (<x> - new_x) - <y>) % SECP_P",
// all read from the scope the new_x hint left.
func hintNewY(xName, yName string) Func {
	return func(c *Context) error {
		vals := map[string]*big.Int{}
		for _, n := range []string{"slope", xName, "new_x", yName, "SECP_P"} {
			v, err := c.ScopeInt(n)
			if err != nil {
				return err
			}
			vals[n] = v
		}
		p := vals["SECP_P"]
		if p.Sign() == 0 {
			return errZeroDivision
		}
		ny := new(big.Int).Sub(vals[xName], vals["new_x"])
		ny.Mul(ny, vals["slope"])
		ny.Sub(ny, vals[yName])
		secpSetScope(c, pyMod(ny, p), "value", "new_y")
		return nil
	}
}

// hintGetPointFromX is get_point_from_x's hint: y = sqrt(x^3 + BETA) as
// (x^3 + BETA)^((p + 1) / 4) (p = 3 mod 4), with value = y or -y, whichever
// has the parity of ids.v.
func hintGetPointFromX(c *Context) error {
	p, err := secpImportK1P.get(c)
	if err != nil {
		return err
	}
	xc, err := secpPack(c, "x_cube")
	if err != nil {
		return err
	}
	beta, err := c.Big("BETA")
	if err != nil {
		return err
	}
	v, err := c.Big("v")
	if err != nil {
		return err
	}
	xc = pyMod(xc, p)
	ysq := pyMod(new(big.Int).Add(xc, beta), p)
	exp := new(big.Int).Rsh(new(big.Int).Add(p, big.NewInt(1)), 2)
	y := new(big.Int).Exp(ysq, exp, p)
	c.ScopeSet("x_cube_int", xc)
	c.ScopeSet("y_square_int", ysq)
	c.ScopeSet("y", y)
	if v.Bit(0) == y.Bit(0) {
		c.ScopeSet("value", y)
	} else {
		c.ScopeSet("value", pyMod(new(big.Int).Neg(y), p))
	}
	return nil
}

// hintEcMulScalarParity is ec_mul_inner's "memory[ap] = (ids.scalar %
// PRIME) % 2".
func hintEcMulScalarParity(c *Context) error {
	s, err := c.Big("scalar")
	if err != nil {
		return err
	}
	return c.WriteAP(vm.IntValue(uint64(s.Bit(0))))
}

// ecScalarBit is (ids.<scalar> >> shift) & 1 for a felt scalar; a negative
// shift is Python's ValueError.
func ecScalarBit(c *Context, scalar string, shift *big.Int) (uint, error) {
	s, err := c.Big(scalar)
	if err != nil {
		return 0, err
	}
	if shift.Sign() < 0 {
		return 0, errors.New("negative shift count")
	}
	if !shift.IsInt64() || shift.Int64() > int64(s.BitLen()) {
		return 0, nil
	}
	return s.Bit(int(shift.Int64())), nil
}

// hintEcMulMulAddDibit is ec_mulmuladd's "ids.dibit = u_m + 2 * v_m", the
// bits m of ids.scalar_u and ids.scalar_v.
func hintEcMulMulAddDibit(c *Context) error {
	m, err := c.Big("m")
	if err != nil {
		return err
	}
	u, err := ecScalarBit(c, "scalar_u", m)
	if err != nil {
		return err
	}
	v, err := ecScalarBit(c, "scalar_v", m)
	if err != nil {
		return err
	}
	return c.SetUint("dibit", uint64(u+2*v))
}

// hintEcMulMulAddQuadBit is ec_mulmuladd_W's "ids.quad_bit = 8 v_m + 4 u_m
// + 2 v_(m-1) + u_(m-1)".
func hintEcMulMulAddQuadBit(c *Context) error {
	m, err := c.Big("m")
	if err != nil {
		return err
	}
	m1 := new(big.Int).Sub(m, big.NewInt(1))
	var q uint
	for _, t := range []struct {
		scalar string
		shift  *big.Int
		weight uint
	}{{"scalar_v", m, 8}, {"scalar_u", m, 4}, {"scalar_v", m1, 2}, {"scalar_u", m1, 1}} {
		b, err := ecScalarBit(c, t.scalar, t.shift)
		if err != nil {
			return err
		}
		q += t.weight * b
	}
	return c.SetUint("quad_bit", uint64(q))
}

// hintEcMulMulAddLenHi is "ids.len_hi = max(ids.scalar_u.d2.bit_length(),
// ids.scalar_v.d2.bit_length()) - 1" (-1 when both are zero).
func hintEcMulMulAddLenHi(c *Context) error {
	u, err := c.Big("scalar_u.d2")
	if err != nil {
		return err
	}
	v, err := c.Big("scalar_v.d2")
	if err != nil {
		return err
	}
	return c.SetBig("len_hi", big.NewInt(int64(max(u.BitLen(), v.BitLen())-1)))
}

// --- the STARK curve (starkware.crypto.signature) ---------------------------

var (
	// starkAlpha and starkBeta are signature.ALPHA and BETA: the STARK
	// curve is y^2 = x^3 + x + BETA over the Cairo field (FIELD_PRIME).
	starkAlpha = big.NewInt(1)
	starkBeta  = secpInt("6f21413efbe40de150e596d72f7a8c5609ad26c15c915c1f4cdfcb99cee9e89")
)

// starkImport binds what "from starkware.crypto.signature.signature import
// ALPHA, BETA, FIELD_PRIME" binds.
func starkImport(c *Context) {
	c.ScopeSet("ALPHA", new(big.Int).Set(starkAlpha))
	c.ScopeSet("BETA", new(big.Int).Set(starkBeta))
	c.ScopeSet("FIELD_PRIME", new(big.Int).Set(primeBig))
}

// starkRecoverY is math_utils.recover_y on the STARK curve: the smaller
// square root of x^3 + x + BETA, for any integer x (reduced first).
func starkRecoverY(x *big.Int) (*big.Int, error) {
	var f asm.Felt
	f.SetBigInt(x)
	y, ok := asm.RecoverY(&f)
	if !ok {
		return nil, fmt.Errorf("%s does not represent the x coordinate of a point on the curve.", x)
	}
	return y.BigInt(), nil
}

// hintRecoverY is "ids.p.x = ids.x; ids.p.y = recover_y(ids.x, ALPHA,
// BETA, FIELD_PRIME)".
func hintRecoverY(c *Context) error {
	starkImport(c)
	x, err := c.Get("x")
	if err != nil {
		return err
	}
	if err := c.Set("p.x", x); err != nil {
		return err
	}
	if !x.IsFelt() {
		return expectedInteger(x)
	}
	y, err := starkRecoverY(feltBig(x))
	if err != nil {
		return err
	}
	return c.SetBig("p.y", y)
}

// starkRandomPoint is math_utils.random_ec_point(FIELD_PRIME, ALPHA, BETA,
// seed): x is the SHA-256 of sha256(seed)[1:] and a 10-byte little-endian
// counter, the first x (not reduced) that has a y on the curve, and y is
// the smaller root, negated when the low bit of sha256(seed)[0] is set.
func starkRandomPoint(seed []byte) (x, y *big.Int, err error) {
	h := sha256.Sum256(seed)
	for i := uint64(0); i < 100; i++ {
		var ctr [10]byte
		binary.LittleEndian.PutUint64(ctr[:], i)
		d := sha256.Sum256(append(append([]byte(nil), h[1:]...), ctr[:]...))
		x = new(big.Int).SetBytes(d[:])
		y, err = starkRecoverY(x)
		if err != nil {
			continue
		}
		if h[0]&1 != 0 {
			y = pyMod(new(big.Int).Neg(y), primeBig)
		}
		return x, y, nil
	}
	return nil, nil, errors.New("Could not find a point on the curve.")
}

// starkToBytes is starkware.python.utils.to_bytes(v): 32 bytes, big
// endian. Memory values are felts, below 2^256; an address has no bytes.
func starkToBytes(v vm.Value) ([]byte, error) {
	if !v.IsFelt() {
		return nil, errors.New("'RelocatableValue' object has no attribute 'to_bytes'")
	}
	f := v.Felt()
	b := f.BigInt().FillBytes(make([]byte, 32))
	return b, nil
}

// starkSeed concatenates to_bytes of each value.
func starkSeed(vals []vm.Value) ([]byte, error) {
	out := make([]byte, 0, 32*len(vals))
	for _, v := range vals {
		b, err := starkToBytes(v)
		if err != nil {
			return nil, err
		}
		out = append(out, b...)
	}
	return out, nil
}

// starkWriteS computes the random point of the seed and writes it to
// ids.s.x and ids.s.y.
func starkWriteS(c *Context, seed []byte) error {
	x, y, err := starkRandomPoint(seed)
	if err != nil {
		return err
	}
	if err := c.SetBig("s.x", x); err != nil {
		return err
	}
	return c.SetBig("s.y", y)
}

// hintEcOpRandomPoint is ec_op's hint: s, a random point whose seed is
// p.x, p.y, m, q.x and q.y, which the Cairo code adds before and
// subtracts after the computation so that no step meets equal x.
func hintEcOpRandomPoint(c *Context) error {
	starkImport(c)
	var vals []vm.Value
	for _, n := range []string{"p.x", "p.y", "m", "q.x", "q.y"} {
		v, err := c.Get(n)
		if err != nil {
			return err
		}
		vals = append(vals, v)
	}
	seed, err := starkSeed(vals)
	if err != nil {
		return err
	}
	return starkWriteS(c, seed)
}

// hintChainedEcOpRandomPoint is chained_ec_op's hint: the seed is p.x, p.y,
// the len scalars at ids.m and the len points at ids.q. The print variant
// (a test program's) also prints the seed and the point.
func hintChainedEcOpRandomPoint(verbose bool) Func {
	return func(c *Context) error {
		starkImport(c)
		lv, err := c.Get("len")
		if err != nil {
			return err
		}
		if !lv.IsFelt() {
			return fmt.Errorf("Invalid value for len. Got: %s.", pyStr(lv))
		}
		n := feltBig(lv)
		c.ScopeSet("n_elms", n)
		if mv, ok := c.ScopeGet("__chained_ec_op_max_len"); ok {
			if limit, isInt := scopeInt(mv); isInt && n.Cmp(limit) > 0 {
				return fmt.Errorf("chained_ec_op() can only be used with len<=%s. Got: n_elms=%s.", limit, n)
			}
		}
		if !n.IsInt64() || n.Int64() > int64(1)<<40 {
			return fmt.Errorf("chained_ec_op: len %s is too large", n)
		}
		vals := make([]vm.Value, 0, 2+3*n.Int64())
		for _, name := range []string{"p.x", "p.y"} {
			v, err := c.Get(name)
			if err != nil {
				return err
			}
			vals = append(vals, v)
		}
		m, err := c.Addr("m")
		if err != nil {
			return err
		}
		q, err := c.Addr("q")
		if err != nil {
			return err
		}
		for _, r := range []struct {
			base vm.Relocatable
			n    int
		}{{m, int(n.Int64())}, {q, 2 * int(n.Int64())}} {
			for i := 0; i < r.n; i++ {
				v, err := c.Read(r.base.Add(i))
				if err != nil {
					return err
				}
				vals = append(vals, v)
			}
		}
		seed, err := starkSeed(vals)
		if err != nil {
			return err
		}
		if verbose {
			c.Print(pyBytesRepr(seed) + "\n")
		}
		if err := starkWriteS(c, seed); err != nil {
			return err
		}
		if verbose {
			for _, name := range []string{"s.x", "s.y", "s.x", "s.y"} {
				v, err := c.Get(name)
				if err != nil {
					return err
				}
				c.Print(pyStr(v) + "\n")
			}
		}
		return nil
	}
}

// pyBytesRepr is Python's repr of a bytes object: b'...' (b"..." when the
// bytes hold a ' and no "), printable ASCII as is, \t \n \r \\ and the
// quote escaped, other bytes as \xhh.
func pyBytesRepr(b []byte) string {
	quote := byte('\'')
	if strings.IndexByte(string(b), '\'') >= 0 && strings.IndexByte(string(b), '"') < 0 {
		quote = '"'
	}
	var sb strings.Builder
	sb.WriteByte('b')
	sb.WriteByte(quote)
	for _, c := range b {
		switch {
		case c == quote || c == '\\':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case c == '\t':
			sb.WriteString(`\t`)
		case c == '\n':
			sb.WriteString(`\n`)
		case c == '\r':
			sb.WriteString(`\r`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&sb, `\x%02x`, c)
		default:
			sb.WriteByte(c)
		}
	}
	sb.WriteByte(quote)
	return sb.String()
}

// hintStarkSqrt is "ids.y = sqrt(x) if x is a square in the Cairo field,
// else sqrt(x / 3)" (3 is not a square there, so x / 3 is one when x is
// not); the root is the smaller of the two, as math_utils.sqrt returns.
func hintStarkSqrt(c *Context) error {
	c.ScopeSet("FIELD_PRIME", new(big.Int).Set(primeBig))
	xv, err := c.Felt("x")
	if err != nil {
		return err
	}
	c.ScopeSet("x", xv.BigInt())
	if xv.Legendre() < 0 {
		var three asm.Felt
		three.SetUint64(3)
		xv.Div(&xv, &three)
	}
	var y asm.Felt
	if !y.SqrtCanonical(&xv) {
		return errors.New("min() arg is an empty sequence")
	}
	return c.Set("y", vm.FeltValue(y))
}

const codeEcNegate = `from starkware.cairo.common.cairo_secp.secp_utils import SECP_P, pack

y = pack(ids.point.y, PRIME) % SECP_P
# The modulo operation in python always returns a nonnegative number.
value = (-y) % SECP_P`

const codeEcDoubleSlope = `from starkware.cairo.common.cairo_secp.secp_utils import SECP_P, pack
from starkware.python.math_utils import ec_double_slope

# Compute the slope.
x = pack(ids.point.x, PRIME)
y = pack(ids.point.y, PRIME)
value = slope = ec_double_slope(point=(x, y), alpha=0, p=SECP_P)`

const codeEcDoubleSlopeDivMod = `from starkware.cairo.common.cairo_secp.secp_utils import SECP_P, pack
from starkware.python.math_utils import div_mod

# Compute the slope.
x = pack(ids.pt.x, PRIME)
y = pack(ids.pt.y, PRIME)
value = slope = div_mod(3 * x ** 2, 2 * y, SECP_P)`

const codeEcDoubleSlopeScopeAlpha = `from starkware.cairo.common.cairo_secp.secp_utils import pack
from starkware.python.math_utils import ec_double_slope

# Compute the slope.
x = pack(ids.point.x, PRIME)
y = pack(ids.point.y, PRIME)
value = slope = ec_double_slope(point=(x, y), alpha=ALPHA, p=SECP_P)`

const codeFastEcAddSlope = `from starkware.cairo.common.cairo_secp.secp_utils import SECP_P, pack
from starkware.python.math_utils import line_slope

# Compute the slope.
x0 = pack(ids.point0.x, PRIME)
y0 = pack(ids.point0.y, PRIME)
x1 = pack(ids.point1.x, PRIME)
y1 = pack(ids.point1.y, PRIME)
value = slope = line_slope(point1=(x0, y0), point2=(x1, y1), p=SECP_P)`

const codeFastEcAddSlopeDivMod = `from starkware.cairo.common.cairo_secp.secp_utils import SECP_P, pack
from starkware.python.math_utils import div_mod

# Compute the slope.
x0 = pack(ids.pt0.x, PRIME)
y0 = pack(ids.pt0.y, PRIME)
x1 = pack(ids.pt1.x, PRIME)
y1 = pack(ids.pt1.y, PRIME)
value = slope = div_mod(y0 - y1, x0 - x1, SECP_P)`

const codeFastEcAddSlopeScopeP = `from starkware.cairo.common.cairo_secp.secp_utils import pack
from starkware.python.math_utils import line_slope

# Compute the slope.
x0 = pack(ids.point0.x, PRIME)
y0 = pack(ids.point0.y, PRIME)
x1 = pack(ids.point1.x, PRIME)
y1 = pack(ids.point1.y, PRIME)
value = slope = line_slope(point1=(x0, y0), point2=(x1, y1), p=SECP_P)`

const codeEcDoubleNewXPoint = `from starkware.cairo.common.cairo_secp.secp_utils import SECP_P, pack

slope = pack(ids.slope, PRIME)
x = pack(ids.point.x, PRIME)
y = pack(ids.point.y, PRIME)

value = new_x = (pow(slope, 2, SECP_P) - 2 * x) % SECP_P`

const codeEcDoubleNewXPt = `from starkware.cairo.common.cairo_secp.secp_utils import SECP_P, pack

slope = pack(ids.slope, PRIME)
x = pack(ids.pt.x, PRIME)
y = pack(ids.pt.y, PRIME)

value = new_x = (pow(slope, 2, SECP_P) - 2 * x) % SECP_P`

const codeEcDoubleNewXScopeP = `from starkware.cairo.common.cairo_secp.secp_utils import pack

slope = pack(ids.slope, PRIME)
x = pack(ids.point.x, PRIME)
y = pack(ids.point.y, PRIME)

value = new_x = (pow(slope, 2, SECP_P) - 2 * x) % SECP_P`

const codeEcDoubleNewY = `value = new_y = (slope * (x - new_x) - y) % SECP_P`

const codeFastEcAddNewXPoint = `from starkware.cairo.common.cairo_secp.secp_utils import SECP_P, pack

slope = pack(ids.slope, PRIME)
x0 = pack(ids.point0.x, PRIME)
x1 = pack(ids.point1.x, PRIME)
y0 = pack(ids.point0.y, PRIME)

value = new_x = (pow(slope, 2, SECP_P) - x0 - x1) % SECP_P`

const codeFastEcAddNewXPt = `from starkware.cairo.common.cairo_secp.secp_utils import SECP_P, pack

slope = pack(ids.slope, PRIME)
x0 = pack(ids.pt0.x, PRIME)
x1 = pack(ids.pt1.x, PRIME)
y0 = pack(ids.pt0.y, PRIME)

value = new_x = (pow(slope, 2, SECP_P) - x0 - x1) % SECP_P`

const codeFastEcAddNewXScopeP = `from starkware.cairo.common.cairo_secp.secp_utils import pack

slope = pack(ids.slope, PRIME)
x0 = pack(ids.point0.x, PRIME)
x1 = pack(ids.point1.x, PRIME)
y0 = pack(ids.point0.y, PRIME)

value = new_x = (pow(slope, 2, SECP_P) - x0 - x1) % SECP_P`

const codeFastEcAddNewY = `value = new_y = (slope * (x0 - new_x) - y0) % SECP_P`

const codeGetPointFromX = `from starkware.cairo.common.cairo_secp.secp_utils import SECP_P, pack

x_cube_int = pack(ids.x_cube, PRIME) % SECP_P
y_square_int = (x_cube_int + ids.BETA) % SECP_P
y = pow(y_square_int, (SECP_P + 1) // 4, SECP_P)

# We need to decide whether to take y or SECP_P - y.
if ids.v % 2 == y % 2:
    value = y
else:
    value = (-y) % SECP_P`

const codeEcMulScalarParity = `memory[ap] = (ids.scalar % PRIME) % 2`

const codeEcMulMulAddDibit = `ids.dibit = ((ids.scalar_u >> ids.m) & 1) + 2 * ((ids.scalar_v >> ids.m) & 1)`

const codeEcMulMulAddQuadBit = `ids.quad_bit = (
    8 * ((ids.scalar_v >> ids.m) & 1)
    + 4 * ((ids.scalar_u >> ids.m) & 1)
    + 2 * ((ids.scalar_v >> (ids.m - 1)) & 1)
    + ((ids.scalar_u >> (ids.m - 1)) & 1)
)`

const codeEcMulMulAddLenHi = `ids.len_hi = max(ids.scalar_u.d2.bit_length(), ids.scalar_v.d2.bit_length())-1`

const codeRecoverY = `from starkware.crypto.signature.signature import ALPHA, BETA, FIELD_PRIME
from starkware.python.math_utils import recover_y
ids.p.x = ids.x
# This raises an exception if ` + "`" + `x` + "`" + ` is not on the curve.
ids.p.y = recover_y(ids.x, ALPHA, BETA, FIELD_PRIME)`

const codeEcOpRandomPoint = `from starkware.crypto.signature.signature import ALPHA, BETA, FIELD_PRIME
from starkware.python.math_utils import random_ec_point
from starkware.python.utils import to_bytes

# Define a seed for random_ec_point that's dependent on all the input, so that:
#   (1) The added point s is deterministic.
#   (2) It's hard to choose inputs for which the builtin will fail.
seed = b"".join(map(to_bytes, [ids.p.x, ids.p.y, ids.m, ids.q.x, ids.q.y]))
ids.s.x, ids.s.y = random_ec_point(FIELD_PRIME, ALPHA, BETA, seed)`

const codeChainedEcOpRandomPoint = `from starkware.crypto.signature.signature import ALPHA, BETA, FIELD_PRIME
from starkware.python.math_utils import random_ec_point
from starkware.python.utils import to_bytes

n_elms = ids.len
assert isinstance(n_elms, int) and n_elms >= 0, \
    f'Invalid value for len. Got: {n_elms}.'
if '__chained_ec_op_max_len' in globals():
    assert n_elms <= __chained_ec_op_max_len, \
        f'chained_ec_op() can only be used with len<={__chained_ec_op_max_len}. ' \
        f'Got: n_elms={n_elms}.'

# Define a seed for random_ec_point that's dependent on all the input, so that:
#   (1) The added point s is deterministic.
#   (2) It's hard to choose inputs for which the builtin will fail.
seed = b"".join(
    map(
        to_bytes,
        [
            ids.p.x,
            ids.p.y,
            *memory.get_range(ids.m, n_elms),
            *memory.get_range(ids.q.address_, 2 * n_elms),
        ],
    )
)
ids.s.x, ids.s.y = random_ec_point(FIELD_PRIME, ALPHA, BETA, seed)`

const codeChainedEcOpRandomPointPrint = `from starkware.crypto.signature.signature import ALPHA, BETA, FIELD_PRIME
from starkware.python.math_utils import random_ec_point
from starkware.python.utils import to_bytes

n_elms = ids.len
assert isinstance(n_elms, int) and n_elms >= 0, \
    f'Invalid value for len. Got: {n_elms}.'
if '__chained_ec_op_max_len' in globals():
    assert n_elms <= __chained_ec_op_max_len, \
        f'chained_ec_op() can only be used with len<={__chained_ec_op_max_len}. ' \
        f'Got: n_elms={n_elms}.'

# Define a seed for random_ec_point that's dependent on all the input, so that:
#   (1) The added point s is deterministic.
#   (2) It's hard to choose inputs for which the builtin will fail.
seed = b"".join(
    map(
        to_bytes,
        [
            ids.p.x,
            ids.p.y,
            *memory.get_range(ids.m, n_elms),
            *memory.get_range(ids.q.address_, 2 * n_elms),
        ],
    )
)
print(seed)
ids.s.x, ids.s.y = random_ec_point(FIELD_PRIME, ALPHA, BETA, seed)
print(ids.s.x)
print(ids.s.y)
print(ids.s.x)
print(ids.s.y)`

const codeStarkSqrt = `from starkware.crypto.signature.signature import FIELD_PRIME
from starkware.python.math_utils import div_mod, is_quad_residue, sqrt

x = ids.x
if is_quad_residue(x, FIELD_PRIME):
    ids.y = sqrt(x, FIELD_PRIME)
else:
    ids.y = sqrt(div_mod(x, 3, FIELD_PRIME), FIELD_PRIME)`
