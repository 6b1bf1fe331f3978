package asm

import (
	"math/big"
	"math/rand"
	"testing"

	starkcurve "github.com/consensys/gnark-crypto/ecc/stark-curve"
)

// pedersenEdgeFelts are inputs at the edges of the window decomposition:
// zero, small values, P-1, powers of two around the 248-bit split, and
// values with zero bytes in the middle.
func pedersenEdgeFelts(t *testing.T) []Felt {
	var out []Felt
	for _, v := range []int64{0, 1, 2, 15, 16, 255, 256, 257, 65535, 65536, -1, -2} {
		out = append(out, FeltFromInt64(v))
	}
	for _, s := range []string{
		"0x800000000000000000000000000000000000000000000000000000000000000",  // 2^251
		"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",   // 2^248-1
		"0x100000000000000000000000000000000000000000000000000000000000000",  // 2^248
		"0x7ff0000000000000000000000000000000000000000000000000000000000ff",  // zero middle windows
		"0x100ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00",  // alternate zero bytes
		"0x00000000000000000000000000000000ffffffffffffffffffffffffffffffff", // 2^128-1
	} {
		out = append(out, hashTestFelt(t, s))
	}
	return out
}

// TestPedersenBatchAgainstSingle checks PedersenBatch against Pedersen on
// every pair of edge inputs and on random inputs, for batch sizes below,
// at and above the thresholds where the batch changes strategy.
func TestPedersenBatchAgainstSingle(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	edges := pedersenEdgeFelts(t)
	var a, b []Felt
	for _, x := range edges {
		for _, y := range edges {
			a, b = append(a, x), append(b, y)
		}
	}
	for range 700 {
		a, b = append(a, hashTestRandFelt(rng)), append(b, hashTestRandFelt(rng))
	}
	want := make([]Felt, len(a))
	for i := range a {
		want[i] = Pedersen(&a[i], &b[i])
	}
	// Shuffled, so that edge inputs share batches with random ones.
	perm := rng.Perm(len(a))
	pa, pb, pw := make([]Felt, len(a)), make([]Felt, len(a)), make([]Felt, len(a))
	for i, j := range perm {
		pa[i], pb[i], pw[i] = a[j], b[j], want[j]
	}
	for _, n := range []int{0, 1, pedersenBatchMin - 1, pedersenBatchMin, 13, pedersenLanes, pedersenLanes + 1, pedersenLanes + pedersenBatchMin - 1, len(a)} {
		got := make([]Felt, n)
		PedersenBatch(got, pa[:n], pb[:n])
		for i := range got {
			if got[i] != pw[i] {
				t.Fatalf("batch of %d: PedersenBatch(%s, %s) = %s, Pedersen %s", n, pa[i].Hex(), pb[i].Hex(), got[i].Hex(), pw[i].Hex())
			}
		}
	}
	// In place: the result over the first operand.
	in := append([]Felt(nil), pa...)
	PedersenBatch(in, in, pb)
	for i := range in {
		if in[i] != pw[i] {
			t.Fatalf("in place: element %d = %s, want %s", i, in[i].Hex(), pw[i].Hex())
		}
	}
}

// TestPedersenBatchDegenerate forces the degenerate additions that real
// inputs would need a discrete logarithm to reach, on batch tables where
// one entry is replaced by the shift point S: a lane whose first addition
// selects it with digit +1 doubles S, one selecting it with digit -1 sums
// to infinity, and a lane whose start entry is marked at infinity never
// adds at all. Those lanes must take the complete fallback, which knows
// nothing of the batch tables and gives the true hash, as Pedersen does;
// were a degenerate addition not caught, the lane would come out wrong.
// The other lanes of the batch avoid the replaced entry and must be
// unaffected.
func TestPedersenBatchDegenerate(t *testing.T) {
	PedersenPrecompute()
	tbl := new(pedersenBatchTables)
	*tbl = *buildPedersenBatchTables()
	tbl.low[0][0][0] = pedersenShift  // start[0] is S: ha = hb = 0
	tbl.startInf[16*1+2] = true       // ha = 1, hb = 2: never add, and
	tbl.start[16*1+2] = pedersenShift // a wrong start, should the lane run
	rng := rand.New(rand.NewSource(12))
	below248 := func() Felt { // random, below 2^248, low 12 bits 0x555
		x := hashTestRandFelt(rng)
		l := x.Regular()
		l[3] &= 1<<56 - 1
		l[0] = l[0]&^0xfff | 0x555
		var f Felt
		f.SetLimbs(l)
		return f
	}
	n := 4 * pedersenBatchMin
	a, b := make([]Felt, n), make([]Felt, n)
	for i := range a {
		a[i], b[i] = below248(), below248()
		switch i % 4 {
		case 0:
			a[i] = FeltFromUint64(1) // digit 0 is +1: S + S
		case 1:
			a[i] = FeltFromUint64(0xfff) // digits -1, 1: S - S
		case 2:
			var one, two Felt
			one.SetLimbs([4]uint64{0, 0, 0, 1 << 56})
			two.SetLimbs([4]uint64{0, 0, 0, 2 << 56})
			a[i].Add(&a[i], &one)
			b[i].Add(&b[i], &two)
		}
	}
	got := make([]Felt, n)
	pedersenBatch(tbl, got, a, b)
	for i := range got {
		if want := Pedersen(&a[i], &b[i]); got[i] != want {
			t.Fatalf("lane %d (%s, %s): batch %s, Pedersen %s", i, a[i].Hex(), b[i].Hex(), got[i].Hex(), want.Hex())
		}
	}
}

// TestPedersenBatchTables checks entries of the batch tables against
// scalar multiplications, and the signed recoding against math/big.
func TestPedersenBatchTables(t *testing.T) {
	PedersenPrecompute()
	tbl := buildPedersenBatchTables()
	rng := rand.New(rand.NewSource(13))
	for range 40 {
		k, w, j := rng.Intn(2), rng.Intn(pedersenBatchWindows), rng.Intn(pedersenBatchHalf)
		if j%3 == 0 {
			j = pedersenBatchHalf - 1
		}
		s := new(big.Int).Lsh(big.NewInt(int64(j+1)), uint(pedersenBatchBits*w))
		var want starkcurve.G1Affine
		want.ScalarMultiplication(&pedersenP[2*k], s)
		if !tbl.low[k][w][j].Equal(&want) {
			t.Fatalf("low[%d][%d][%d] is wrong", k, w, j)
		}
	}
	for _, hab := range [][2]int{{0, 0}, {0, 5}, {8, 0}, {15, 15}, {3, 9}} {
		var s, x starkcurve.G1Jac
		s.FromAffine(&pedersenShift)
		x.ScalarMultiplication(new(starkcurve.G1Jac).FromAffine(&pedersenP[1]), big.NewInt(int64(hab[0])))
		s.AddAssign(&x)
		x.ScalarMultiplication(new(starkcurve.G1Jac).FromAffine(&pedersenP[3]), big.NewInt(int64(hab[1])))
		s.AddAssign(&x)
		var want starkcurve.G1Affine
		want.FromJacobian(&s)
		if i := 16*hab[0] + hab[1]; !tbl.start[i].Equal(&want) || tbl.startInf[i] {
			t.Fatalf("start[%d][%d] is wrong", hab[0], hab[1])
		}
	}
	var d [pedersenBatchWindows]int16
	for _, x := range append(pedersenEdgeFelts(t), hashTestRandFelt(rng), hashTestRandFelt(rng)) {
		high := pedersenRecode(d[:], &x)
		sum := new(big.Int)
		for w := pedersenBatchWindows - 1; w >= 0; w-- {
			if d[w] < -pedersenBatchHalf || d[w] >= pedersenBatchHalf {
				t.Fatalf("%s: digit %d = %d", x.Hex(), w, d[w])
			}
			sum.Lsh(sum, pedersenBatchBits)
			sum.Add(sum, big.NewInt(int64(d[w])))
		}
		sum.Add(sum, new(big.Int).Lsh(big.NewInt(int64(high)), 248))
		if sum.Cmp(x.BigInt()) != 0 {
			t.Fatalf("recoding %s gives %s", x.Hex(), sum.Text(16))
		}
	}
}

func TestPedersenBatchLengths(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("slices of different lengths did not panic")
		}
	}()
	PedersenBatch(make([]Felt, 2), make([]Felt, 2), make([]Felt, 1))
}
