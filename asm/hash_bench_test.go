package asm

import (
	"fmt"
	"math/rand"
	"testing"

	pedersenhash "github.com/consensys/gnark-crypto/ecc/stark-curve/pedersen-hash"
)

var benchSink Felt

func benchFelts(n int) []Felt {
	rng := rand.New(rand.NewSource(42))
	out := make([]Felt, n)
	for i := range out {
		out[i] = hashTestRandFelt(rng)
	}
	return out
}

func BenchmarkPedersen(b *testing.B) {
	in := benchFelts(64)
	PedersenPrecompute()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		benchSink = Pedersen(&in[i&63], &in[(i+1)&63])
	}
}

func BenchmarkPedersenGnark(b *testing.B) {
	in := benchFelts(64)
	pedersenhash.Pedersen(in[0].Element(), in[1].Element())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		benchSink = Felt(pedersenhash.Pedersen(in[i&63].Element(), in[(i+1)&63].Element()))
	}
}

func BenchmarkPedersenTableBuild(b *testing.B) {
	for i := 0; i < b.N; i++ {
		buildPedersenTables()
	}
}

func BenchmarkPoseidonPermute(b *testing.B) {
	in := benchFelts(3)
	s := [3]Felt{in[0], in[1], in[2]}
	for i := 0; i < b.N; i++ {
		PoseidonPermute(&s)
	}
	benchSink = s[0]
}

func BenchmarkPoseidonHash(b *testing.B) {
	in := benchFelts(64)
	for i := 0; i < b.N; i++ {
		benchSink = PoseidonHash(in[i&63], in[(i+1)&63])
	}
}

func BenchmarkKeccakF1600(b *testing.B) {
	var st [25]uint64
	b.SetBytes(200)
	for i := 0; i < b.N; i++ {
		KeccakF1600(&st)
	}
	benchSink.SetUint64(st[0])
}

func BenchmarkPoseidonHashMany8(b *testing.B) {
	in := benchFelts(8)
	for i := 0; i < b.N; i++ {
		benchSink = PoseidonHashMany(in)
	}
}

func BenchmarkKeccak256_32B(b *testing.B) {
	data := make([]byte, 32)
	b.SetBytes(32)
	for i := 0; i < b.N; i++ {
		d := Keccak256(data)
		data[0] = d[0]
	}
}

func BenchmarkStarknetKeccak(b *testing.B) {
	data := []byte("transfer")
	for i := 0; i < b.N; i++ {
		benchSink = StarknetKeccak(data)
	}
}

// benchSignature is the valid signature of cairo-lang's signature builtin
// test.
func benchSignature(b *testing.B) (msg, r, s, pub Felt) {
	return hashTestFelt(b, "2718"),
		hashTestFelt(b, "3086480810278599376317923499561306189851900463386393948998357832163236918254"),
		hashTestFelt(b, "598673427589502599949712887611119751108407514580626464031881322743364689811"),
		hashTestFelt(b, "1735102664668487605176656616876767369909409133946409161569774794110049207117")
}

func BenchmarkVerifyECDSA(b *testing.B) {
	msg, r, s, pub := benchSignature(b)
	if !VerifyECDSA(&msg, &r, &s, &pub) {
		b.Fatal("benchmark signature does not verify")
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		VerifyECDSA(&msg, &r, &s, &pub)
	}
}

func BenchmarkVerifyECDSAInvalid(b *testing.B) {
	msg, r, s, pub := benchSignature(b)
	r.Add(&r, hashTestPtr(One()))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		VerifyECDSA(&msg, &r, &s, &pub)
	}
}

func BenchmarkECOp(b *testing.B) {
	in := benchFelts(1)
	p, q := ecTestPt(&ecShift), ecTestPt(&ecGen)
	var out [2]Felt
	for i := 0; i < b.N; i++ {
		out, _ = ECOp(p, q, &in[0])
	}
	benchSink = out[0]
}

func BenchmarkRecoverY(b *testing.B) {
	x := Felt(ecGen.X)
	for i := 0; i < b.N; i++ {
		benchSink, _ = RecoverY(&x)
	}
}

// BenchmarkPedersenBatch hashes batches of independent random pairs with
// PedersenBatch, against the same pairs one at a time with Pedersen;
// both report hashes/s.
func BenchmarkPedersenBatch(b *testing.B) {
	PedersenPrecompute()
	for _, n := range []int{1, 16, 64, 256, 1024} {
		x, y := benchFelts(n), benchFelts(n + 1)[1:]
		dst := make([]Felt, n)
		b.Run(fmt.Sprintf("single/%d", n), func(b *testing.B) {
			for b.Loop() {
				for i := range dst {
					dst[i] = Pedersen(&x[i], &y[i])
				}
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "hashes/s")
		})
		b.Run(fmt.Sprintf("batch/%d", n), func(b *testing.B) {
			PedersenBatch(dst, x, y) // builds the batch tables
			for b.Loop() {
				PedersenBatch(dst, x, y)
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "hashes/s")
		})
	}
}
