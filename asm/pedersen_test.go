package asm

import (
	"math/big"
	"math/rand"
	"testing"
	"time"

	starkcurve "github.com/consensys/gnark-crypto/ecc/stark-curve"
	"github.com/consensys/gnark-crypto/ecc/stark-curve/fp"
	pedersenhash "github.com/consensys/gnark-crypto/ecc/stark-curve/pedersen-hash"
)

func TestPedersenVectors(t *testing.T) {
	// cairo-lang src/starkware/crypto/signature/signature_test_data.json
	// ("hash_test"), also gnark-crypto's pedersen_hash_test.go.
	for _, tc := range []struct{ a, b, want string }{
		{"0x03d937c035c878245caf64531a5756109c53068da139362728feb561405371cb",
			"0x0208a0a10250e382e1e4bbe2880906c2791bf6275695e02fbbc6aeff9cd8b31a",
			"0x030e480bed5fe53fa909cc0f8c4d99b8f9f2c016be4c41e13a4848797979c662"},
		{"0x58f580910a6ca59b28927c08fe6c43e2e303ca384badc365795fc645d479d45",
			"0x78734f65a067be9bdb39de18434d71e79f7b6466a4b66bbd979ab9e7515fe0b",
			"0x68cc0b76cddd1dd4ed2301ada9b7c872b23875d5ff837b3a87993e0d9996b87"},
		// h(0, 0) is the x coordinate of the shift point (cairo-lang
		// signature.py asserts SHIFT_POINT[0] = 0x49EE3EBA...).
		{"0x0", "0x0", "0x49ee3eba8c1600700ee1b87eb599f16716b0b1022947733551fde4050ca6804"},
	} {
		a, b, want := hashTestFelt(t, tc.a), hashTestFelt(t, tc.b), hashTestFelt(t, tc.want)
		if got := Pedersen(&a, &b); !got.Equal(&want) {
			t.Errorf("Pedersen(%s, %s) = %s, want %s", tc.a, tc.b, got.Hex(), tc.want)
		}
	}
}

func TestPedersenArrayVectors(t *testing.T) {
	// Starknet contract-address and transaction-hash computations, from
	// gnark-crypto's pedersen_hash_test.go (values taken from Starknet's
	// feeder gateway), and the empty array, h(0, 0).
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{[]string{"0x535441524b4e45545f434f4e54524143545f41444452455353", "0x0",
			"0x5bebda1b28ba6daa824126577b9fbc984033e8b18360f5e1ef694cb172c7aa5",
			"0x0439218681f9108b470d2379cf589ef47e60dc5888ee49ec70071671d74ca9c6",
			"0x49ee3eba8c1600700ee1b87eb599f16716b0b1022947733551fde4050ca6804"},
			"0x43c6817e70b3fd99a4f120790b2e82c6843df62b573fdadf9e2d677b60ac5eb"},
		{[]string{"0x6465706c6f79",
			"0x20cfa74ee3564b4cd5435cdace0f9c4d43b939620e4a0bb5076105df0a626c6",
			"0x28ffe4ff0f226a9107253e17a904099aa4f63a02a5621de0576e5aa71bc5194",
			"0x7885ba4f628b6cdcd0b5e6282d2a1b17fe7cd4dd536230c5db3eac890528b4d",
			"0x534e5f4d41494e"},
			"0xe0a2e45a80bb827967e096bcf58874f6c01c191e0a0530624cba66a508ae75"},
		{nil, "0x49ee3eba8c1600700ee1b87eb599f16716b0b1022947733551fde4050ca6804"},
	} {
		in := make([]Felt, len(tc.in))
		for i, s := range tc.in {
			in[i] = hashTestFelt(t, s)
		}
		if got, want := PedersenArray(in...), hashTestFelt(t, tc.want); !got.Equal(&want) {
			t.Errorf("PedersenArray(%v) = %s, want %s", tc.in, got.Hex(), tc.want)
		}
	}
	// The selector constant used above is sn_keccak("constructor").
	if got, want := StarknetKeccak([]byte("constructor")), hashTestFelt(t, "0x28ffe4ff0f226a9107253e17a904099aa4f63a02a5621de0576e5aa71bc5194"); !got.Equal(&want) {
		t.Errorf("sn_keccak(constructor) = %s", got.Hex())
	}
}

// TestPedersenAgainstGnark cross-checks random and edge inputs against
// gnark-crypto's independent pedersenhash.Pedersen.
func TestPedersenAgainstGnark(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	var edges []Felt
	for _, v := range []int64{0, 1, 2, 15, 16, 255, 256, -1, -2} {
		edges = append(edges, FeltFromInt64(v))
	}
	edges = append(edges,
		hashTestFelt(t, "0x800000000000000000000000000000000000000000000000000000000000000"), // 2^251
		hashTestFelt(t, "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),  // 2^248-1
		hashTestFelt(t, "0x100000000000000000000000000000000000000000000000000000000000000"), // 2^248
	)
	check := func(a, b Felt) {
		got := Pedersen(&a, &b)
		want := pedersenhash.Pedersen(a.Element(), b.Element())
		if !got.e().Equal(&want) {
			t.Fatalf("Pedersen(%s, %s) = %s, gnark %s", a.Hex(), b.Hex(), got.Hex(), want.Text(16))
		}
	}
	for _, a := range edges {
		for _, b := range edges {
			check(a, b)
		}
	}
	for i := 0; i < 500; i++ {
		check(hashTestRandFelt(rng), hashTestRandFelt(rng))
	}
	for i := 0; i < 20; i++ {
		elems := make([]Felt, i)
		ptrs := make([]*fp.Element, i)
		for j := range elems {
			elems[j] = hashTestRandFelt(rng)
			ptrs[j] = elems[j].Element()
		}
		got := PedersenArray(elems...)
		want := pedersenhash.PedersenArray(ptrs...)
		if !got.e().Equal(&want) {
			t.Fatalf("PedersenArray(%d elems) = %s, gnark %s", i, got.Hex(), want.Text(16))
		}
	}
}

// TestPedersenTables checks the constant points are on the curve, that the
// tables hold the advertised multiples, and the complete-formula fallback.
func TestPedersenTables(t *testing.T) {
	PedersenPrecompute()
	pts := append([]starkcurve.G1Affine{pedersenShift}, pedersenP[:]...)
	for i := range pts {
		if !pts[i].IsOnCurve() {
			t.Fatalf("constant point %d is not on the curve", i)
		}
	}
	rng := rand.New(rand.NewSource(5))
	for i := 0; i < 50; i++ {
		k, w, v := rng.Intn(2), rng.Intn(pedersenLowWindows), 1+rng.Intn(pedersenWindowSize)
		s := new(big.Int).Lsh(big.NewInt(int64(v)), uint(8*w))
		var want starkcurve.G1Affine
		want.ScalarMultiplication(&pedersenP[2*k], s)
		if !pedersenTbl.low[k][w][v-1].Equal(&want) {
			t.Fatalf("low[%d][%d][%d] is wrong", k, w, v-1)
		}
	}
	for k := 0; k < 2; k++ {
		for v := 1; v <= pedersenHighSize; v++ {
			var want starkcurve.G1Affine
			want.ScalarMultiplication(&pedersenP[2*k+1], big.NewInt(int64(v)))
			if !pedersenTbl.high[k][v-1].Equal(&want) {
				t.Fatalf("high[%d][%d] is wrong", k, v-1)
			}
		}
	}
	for i := 0; i < 20; i++ {
		a, b := hashTestRandFelt(rng), hashTestRandFelt(rng)
		if x, y := Pedersen(&a, &b), pedersenComplete(pedersenTbl, &a, &b); !x.Equal(&y) {
			t.Fatalf("fast and complete paths disagree on (%s, %s)", a.Hex(), b.Hex())
		}
	}
}

// TestPedersenTableBuildTime reports how long building the tables takes.
func TestPedersenTableBuildTime(t *testing.T) {
	start := time.Now()
	tbl := buildPedersenTables()
	t.Logf("Pedersen tables: %v to build (%d affine points)", time.Since(start),
		len(tbl.low)*len(tbl.low[0])*len(tbl.low[0][0])+len(tbl.high)*len(tbl.high[0]))
}
