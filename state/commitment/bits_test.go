package commitment

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

func pathBig(p path) *big.Int {
	b := new(big.Int)
	for i := 3; i >= 0; i-- {
		b.Lsh(b, 64)
		b.Or(b, new(big.Int).SetUint64(p[i]))
	}
	return b
}

// TestPathOps checks the limb arithmetic against math/big at every shift.
func TestPathOps(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	mask256 := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
	for range 50 {
		p := path{r.Uint64(), r.Uint64(), r.Uint64(), r.Uint64() >> r.IntN(64)}
		q := p
		q[r.IntN(4)] ^= 1 << r.IntN(64)
		pb := pathBig(p)
		for n := 0; n <= 256; n++ {
			if got, want := pathBig(p.shr(n)), new(big.Int).Rsh(pb, uint(n)); got.Cmp(want) != 0 {
				t.Fatalf("shr(%d)", n)
			}
			if got, want := pathBig(p.shl(n)), new(big.Int).And(new(big.Int).Lsh(pb, uint(n)), mask256); got.Cmp(want) != 0 {
				t.Fatalf("shl(%d)", n)
			}
			low := new(big.Int).And(pb, new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(n)), big.NewInt(1)))
			if got := pathBig(p.low(n)); got.Cmp(low) != 0 {
				t.Fatalf("low(%d)", n)
			}
			if n < 256 && p.bit(n) != uint64(pb.Bit(n)) {
				t.Fatalf("bit(%d)", n)
			}
			want := 0
			for i := n - 1; i >= 0 && p.bit(i) == q.bit(i); i-- {
				want++
			}
			if got := commonPrefix(p, q, n); got != want {
				t.Fatalf("commonPrefix(n=%d) = %d, want %d", n, got, want)
			}
		}
		if p.bitLen() != pb.BitLen() || pathBig(p.xor(q)).Cmp(new(big.Int).Xor(pb, pathBig(q))) != 0 {
			t.Fatal("bitLen or xor")
		}
		if got, want := p.cmp(q), pb.Cmp(pathBig(q)); got != want {
			t.Fatalf("cmp = %d, want %d", got, want)
		}
	}
}
