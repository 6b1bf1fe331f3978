package asm

import (
	"crypto/sha3"
	"encoding/hex"
	"math/rand"
	"testing"
)

// Keccak-f[1600] applied once to the all-zero state: XKCP
// tests/TestVectors/KeccakF-1600-IntermediateValues.txt (Keccak reference).
var keccakZeroStatePermuted = [25]uint64{
	0xF1258F7940E1DDE7, 0x84D5CCF933C0478A, 0xD598261EA65AA9EE, 0xBD1547306F80494D, 0x8B284E056253D057,
	0xFF97A42D7F8E6FD4, 0x90FEE5A0A44647C4, 0x8C5BDA0CD6192E76, 0xAD30A6F71B19059C, 0x30935AB7D08FFC64,
	0xEB5AA93F2317D635, 0xA9A6E6260D712103, 0x81A57C16DBCF555F, 0x43B831CD0347C826, 0x01F22F1A11A5569F,
	0x05E5635A21D9AE61, 0x64BEFEF28CC970F2, 0x613670957BC46611, 0xB87C5A554FD00ECB, 0x8C3EE88A1CCF32C8,
	0x940C7922AE3A2614, 0x1841F924A2C509E4, 0x16F53526E70465C2, 0x75F644E97F30A13B, 0xEAF1FF7B5CECA249,
}

func TestKeccakF1600ZeroState(t *testing.T) {
	var st [25]uint64
	KeccakF1600(&st)
	if st != keccakZeroStatePermuted {
		t.Fatalf("KeccakF1600(0) = %x\nwant %x", st, keccakZeroStatePermuted)
	}
}

func TestKeccak256Vectors(t *testing.T) {
	// The widely published Keccak-256 (original padding) digests, e.g. the
	// Ethereum test suites and Zig's std.crypto Keccak256 tests.
	for _, tc := range []struct{ in, want string }{
		{"", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"},
		{"abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"},
		{"The quick brown fox jumps over the lazy dog", "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15"},
		{"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
			"f519747ed599024f3882238e5ab43960132572b7345fbeb9a90769dafd21ad67"},
	} {
		got := Keccak256([]byte(tc.in))
		if hex.EncodeToString(got[:]) != tc.want {
			t.Errorf("Keccak256(%q) = %x, want %s", tc.in, got, tc.want)
		}
	}
}

// TestKeccakSpongeAgainstSHA3 cross-checks the permutation and the sponge
// (block boundaries at 135/136/137 bytes and multi-block inputs) against the
// standard library's FIPS-202 SHA3-256, which differs only in the domain byte.
func TestKeccakSpongeAgainstSHA3(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	lengths := []int{0, 1, 7, 8, 135, 136, 137, 271, 272, 273, 1000}
	for i := 0; i < 50; i++ {
		lengths = append(lengths, rng.Intn(700))
	}
	for _, n := range lengths {
		data := make([]byte, n)
		rng.Read(data)
		got := keccakSponge256(data, 0x06)
		want := sha3.Sum256(data)
		if got != want {
			t.Fatalf("len %d: sha3 via KeccakF1600 = %x, crypto/sha3 = %x", n, got, want)
		}
	}
}

func TestStarknetKeccak(t *testing.T) {
	// Selector of "transfer" as published by Starknet (ERC-20 entry point).
	got := StarknetKeccak([]byte("transfer"))
	if want := "0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e"; got.Hex() != want {
		t.Fatalf("sn_keccak(transfer) = %s, want %s", got.Hex(), want)
	}
	// The result always fits in 250 bits.
	for i := 0; i < 100; i++ {
		f := StarknetKeccak([]byte{byte(i), byte(i * 7)})
		if n := f.BigInt().BitLen(); n > 250 {
			t.Fatalf("sn_keccak output has %d bits", n)
		}
	}
}
