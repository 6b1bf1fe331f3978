package starknet

import (
	"math/big"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/vm"
)

// curve is a short Weierstrass curve y^2 = x^3 + a*x + b over F_p.
type curve struct {
	p, a, b *big.Int
}

func hexInt(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("bad constant " + s) // constants of this file
	}
	return v
}

var (
	secp256k1 = &curve{
		p: hexInt("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f"),
		a: big.NewInt(0),
		b: big.NewInt(7),
	}
	secp256r1 = &curve{
		p: hexInt("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"),
		a: hexInt("ffffffff00000001000000000000000000000000fffffffffffffffffffffffc"),
		b: hexInt("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b"),
	}
)

// ecPoint is an affine point, or the point at infinity.
type ecPoint struct {
	x, y *big.Int
	inf  bool
}

// ySquared returns x^3 + a*x + b mod p.
func (c *curve) ySquared(x *big.Int) *big.Int {
	y2 := new(big.Int).Exp(x, big.NewInt(3), c.p)
	y2.Add(y2, new(big.Int).Mul(c.a, x))
	y2.Add(y2, c.b)
	return y2.Mod(y2, c.p)
}

// add is ec_safe_add: P + Q, with the point at infinity and P + (-P).
func (c *curve) add(p, q ecPoint) ecPoint {
	if p.inf {
		return q
	}
	if q.inf {
		return p
	}
	if p.x.Cmp(q.x) == 0 {
		if new(big.Int).Mod(new(big.Int).Add(p.y, q.y), c.p).Sign() == 0 {
			return ecPoint{inf: true}
		}
		return c.double(p)
	}
	// lambda = (qy - py) / (qx - px)
	num := new(big.Int).Sub(q.y, p.y)
	den := new(big.Int).Sub(q.x, p.x)
	den.Mod(den, c.p).ModInverse(den, c.p)
	l := num.Mul(num, den)
	l.Mod(l, c.p)
	return c.fromSlope(l, p, q.x)
}

// double is 2P.
func (c *curve) double(p ecPoint) ecPoint {
	if p.inf || p.y.Sign() == 0 {
		return ecPoint{inf: true}
	}
	// lambda = (3x^2 + a) / 2y
	num := new(big.Int).Mul(p.x, p.x)
	num.Mul(num, big.NewInt(3)).Add(num, c.a)
	den := new(big.Int).Lsh(p.y, 1)
	den.Mod(den, c.p).ModInverse(den, c.p)
	l := num.Mul(num, den)
	l.Mod(l, c.p)
	return c.fromSlope(l, p, p.x)
}

// fromSlope is the third point on the line of slope l through p and a
// point with x-coordinate qx, negated.
func (c *curve) fromSlope(l *big.Int, p ecPoint, qx *big.Int) ecPoint {
	x := new(big.Int).Mul(l, l)
	x.Sub(x, p.x).Sub(x, qx).Mod(x, c.p)
	y := new(big.Int).Sub(p.x, x)
	y.Mul(y, l).Sub(y, p.y).Mod(y, c.p)
	return ecPoint{x: x, y: y}
}

// mul is ec_safe_mult: m*P by double-and-add.
func (c *curve) mul(m *big.Int, p ecPoint) ecPoint {
	r := ecPoint{inf: true}
	for i := m.BitLen() - 1; i >= 0; i-- {
		r = c.double(r)
		if m.Bit(i) == 1 {
			r = c.add(r, p)
		}
	}
	return r
}

// u256 reads a Uint256 from its two felt halves (low, high).
func u256(lo, hi reqField) *big.Int {
	l, h := lo.Felt(), hi.Felt()
	v := h.BigInt()
	v.Lsh(v, 128)
	return v.Add(v, l.BigInt())
}

// u256Values splits v into its low and high 128-bit halves.
func u256Values(v *big.Int) []vm.Value {
	lo := new(big.Int).Mod(v, two128)
	hi := new(big.Int).Rsh(v, 128)
	return []vm.Value{vm.FeltValue(asm.FeltFromBig(lo)), vm.FeltValue(asm.FeltFromBig(hi))}
}

// ecPointSize is the size of the EcPoint struct a handle points to; the
// handles are addresses in an empty segment, one struct apart.
const ecPointSize = 6

func (h *syscallHandler) newECPoint(p ecPoint) vm.Relocatable {
	if !h.hasEcSeg {
		h.ecSeg = h.mem().AddSegment()
		h.hasEcSeg = true
		h.ecPoints = map[vm.Relocatable]ecPoint{}
	}
	handle := h.ecSeg.Add(len(h.ecPoints) * ecPointSize)
	h.ecPoints[handle] = p
	return handle
}

func (h *syscallHandler) ecPoint(name string, v reqField) (ecPoint, error) {
	p, ok := h.ecPoints[v.Ptr()]
	if !ok {
		return ecPoint{}, syscallErr(name, "%s is not a point returned by a secp syscall", v)
	}
	return p, nil
}

type syscallFunc = func(h *syscallHandler, gas uint64, req []reqField) (response, error)

func secpNew(c *curve) syscallFunc {
	return func(h *syscallHandler, gas uint64, req []reqField) (response, error) {
		x, y := u256(req[0], req[1]), u256(req[2], req[3])
		if x.Cmp(c.p) >= 0 || y.Cmp(c.p) >= 0 {
			return h.failure(gas, errInvalidArgument), nil
		}
		if x.Sign() == 0 && y.Sign() == 0 {
			return ok(gas, vm.IntValue(0), vm.PtrValue(h.newECPoint(ecPoint{inf: true}))), nil
		}
		y2 := new(big.Int).Mul(y, y)
		if y2.Mod(y2, c.p).Cmp(c.ySquared(x)) != 0 {
			return ok(gas, vm.IntValue(1), vm.IntValue(0)), nil
		}
		return ok(gas, vm.IntValue(0), vm.PtrValue(h.newECPoint(ecPoint{x: x, y: y}))), nil
	}
}

func secpAdd(c *curve) syscallFunc {
	return func(h *syscallHandler, gas uint64, req []reqField) (response, error) {
		p, err := h.ecPoint("secp_add", req[0])
		if err != nil {
			return response{}, err
		}
		q, err := h.ecPoint("secp_add", req[1])
		if err != nil {
			return response{}, err
		}
		return ok(gas, vm.PtrValue(h.newECPoint(c.add(p, q)))), nil
	}
}

func secpMul(c *curve) syscallFunc {
	return func(h *syscallHandler, gas uint64, req []reqField) (response, error) {
		p, err := h.ecPoint("secp_mul", req[0])
		if err != nil {
			return response{}, err
		}
		return ok(gas, vm.PtrValue(h.newECPoint(c.mul(u256(req[1], req[2]), p)))), nil
	}
}

func secpGetPointFromX(c *curve) syscallFunc {
	return func(h *syscallHandler, gas uint64, req []reqField) (response, error) {
		x := u256(req[0], req[1])
		if x.Cmp(c.p) >= 0 {
			return h.failure(gas, errInvalidArgument), nil
		}
		y2 := c.ySquared(x)
		e := new(big.Int).Add(c.p, big.NewInt(1))
		e.Rsh(e, 2)
		y := new(big.Int).Exp(y2, e, c.p)
		parity := req[2].Felt()
		if uint64(y.Bit(0)) != parity.Uint64() || !parity.IsUint64() {
			y.Sub(c.p, y).Mod(y, c.p)
		}
		sq := new(big.Int).Mul(y, y)
		if sq.Mod(sq, c.p).Cmp(y2) != 0 {
			return ok(gas, vm.IntValue(1), vm.IntValue(0)), nil
		}
		return ok(gas, vm.IntValue(0), vm.PtrValue(h.newECPoint(ecPoint{x: x, y: y}))), nil
	}
}

func (h *syscallHandler) secpGetXY(gas uint64, req []reqField) (response, error) {
	p, err := h.ecPoint("secp_get_xy", req[0])
	if err != nil {
		return response{}, err
	}
	x, y := big.NewInt(0), big.NewInt(0)
	if !p.inf {
		x, y = p.x, p.y
	}
	return ok(gas, append(u256Values(x), u256Values(y)...)...), nil
}
