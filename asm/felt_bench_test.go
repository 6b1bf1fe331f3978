package asm

import "testing"

// Benchmarks of the field core, on operands of full width (random-looking
// 251-bit values) so no small-value shortcut flatters the numbers.

var (
	benchX   = mustFelt("0x4c3b7f0e9a1d2c5b6e8f7a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0")
	benchY   = mustFelt("0x3a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f")
	feltSink Felt
)

func mustFelt(s string) Felt {
	f, err := FeltFromString(s)
	if err != nil {
		panic(err)
	}
	return f
}

func BenchmarkFeltAdd(b *testing.B) {
	z := benchX
	for b.Loop() {
		z.Add(&z, &benchY)
	}
	feltSink = z
}

func BenchmarkFeltSub(b *testing.B) {
	z := benchX
	for b.Loop() {
		z.Sub(&z, &benchY)
	}
	feltSink = z
}

func BenchmarkFeltMul(b *testing.B) {
	z := benchX
	for b.Loop() {
		z.Mul(&z, &benchY)
	}
	feltSink = z
}

func BenchmarkFeltInverse(b *testing.B) {
	z := benchX
	for b.Loop() {
		z.Inverse(&z)
	}
	feltSink = z
}

func BenchmarkFeltSqrt(b *testing.B) {
	var sq Felt
	sq.Square(&benchX) // a residue, so every call computes a root
	for b.Loop() {
		feltSink.Sqrt(&sq)
	}
}

func BenchmarkFeltFromString(b *testing.B) {
	for _, c := range []struct{ name, s string }{
		{"small", "1234567"},
		{"dec", benchX.String()},
		{"hex", benchX.Hex()},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				feltSink, _ = FeltFromString(c.s)
			}
		})
	}
}

func BenchmarkFeltBytesBE(b *testing.B) {
	var out [32]byte
	for b.Loop() {
		out = benchX.BytesBE()
	}
	feltSink.SetBytesBE(out[:])
}
