package vm

import (
	"math/big"
	"testing"

	"github.com/cairn-vm/cairn/asm"
)

// benchDeduce measures one deduction of an output cell. Two instances
// alternate so that the builtins' last-instance cache never answers; the
// deducer is called directly, so nothing is written.
func benchDeduce(b *testing.B, layout, name string, inputs [][]Value, outIdx int) {
	bi, m := layoutBuiltin(b, layout, name)
	d := bi.(Deducer)
	cells := bi.CellsPerInstance()
	for inst, in := range inputs {
		for i, v := range in {
			mustWrite(b, m, bi.Base().Add(inst*cells+i), v)
		}
	}
	addrs := make([]Relocatable, len(inputs))
	for i := range addrs {
		addrs[i] = bi.Base().Add(i*cells + outIdx)
	}
	if _, ok, err := d.Deduce(m, addrs[0]); !ok || err != nil {
		b.Fatalf("deduce: %v %v", ok, err)
	}
	b.ResetTimer()
	for i := range b.N {
		if _, _, err := d.Deduce(m, addrs[i%len(addrs)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPedersenDeduce(b *testing.B) {
	asm.PedersenPrecompute()
	benchDeduce(b, "small", "pedersen", [][]Value{
		{feltV(b, "0x03d937c035c878245caf64531a5756109c53068da139362728feb561405371cb"),
			feltV(b, "0x0208a0a10250e382e1e4bbe2880906c2791bf6275695e02fbbc6aeff9cd8b31a")},
		{feltV(b, "0x58f580910a6ca59b28927c08fe6c43e2e303ca384badc365795fc645d479d45"),
			feltV(b, "0x78734f65a067be9bdb39de18434d71e79f7b6466a4b66bbd979ab9e7515fe0b")},
	}, 2)
}

func BenchmarkPoseidonDeduce(b *testing.B) {
	benchDeduce(b, "starknet", "poseidon", [][]Value{
		{IntValue(1), IntValue(2), IntValue(3)}, {IntValue(4), IntValue(5), IntValue(6)},
	}, 3)
}

func BenchmarkBitwiseDeduce(b *testing.B) {
	x := bigV(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 251), big.NewInt(12345)))
	benchDeduce(b, "starknet", "bitwise", [][]Value{{x, IntValue(0xff00ff)}, {IntValue(7), x}}, 3)
}

func BenchmarkKeccakDeduce(b *testing.B) {
	in := func(seed uint64) []Value {
		out := make([]Value, 8)
		for i := range out {
			out[i] = IntValue(seed*0x9e3779b97f4a7c15 + uint64(i))
		}
		return out
	}
	benchDeduce(b, "starknet_with_keccak", "keccak", [][]Value{in(1), in(2)}, 8)
}

func BenchmarkECOpDeduce(b *testing.B) {
	q3 := bigECOp(testGen, testGen, big.NewInt(2))
	m := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 251), big.NewInt(99))
	inst := []Value{bigV(testShift[0]), bigV(testShift[1]), bigV(q3[0]), bigV(q3[1]), bigV(m)}
	inst2 := []Value{bigV(testShift[0]), bigV(testShift[1]), bigV(testGen[0]), bigV(testGen[1]), bigV(m)}
	benchDeduce(b, "starknet", "ec_op", [][]Value{inst, inst2}, 5)
}

func BenchmarkRangeCheckValidate(b *testing.B) {
	bi, m := layoutBuiltin(b, "small", "range_check")
	v := bi.(Validator)
	val := bigV(new(big.Int).Lsh(big.NewInt(1), 100))
	b.ResetTimer()
	for range b.N {
		if err := v.Validate(m, bi.Base(), val); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkECDSAValidate(b *testing.B) {
	bi, m := layoutBuiltin(b, "small", "ecdsa")
	e := bi.(*ECDSABuiltin)
	pub := feltV(b, "1735102664668487605176656616876767369909409133946409161569774794110049207117")
	r := bigFelt(b, "3086480810278599376317923499561306189851900463386393948998357832163236918254")
	s := bigFelt(b, "598673427589502599949712887611119751108407514580626464031881322743364689811")
	if err := e.AddSignature(e.Base(), r, s); err != nil {
		b.Fatal(err)
	}
	mustWrite(b, m, e.Base(), pub)
	msg := IntValue(2718)
	b.ResetTimer()
	for range b.N {
		if err := e.Validate(m, e.Base().Add(1), msg); err != nil {
			b.Fatal(err)
		}
	}
}
