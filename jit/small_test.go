package jit

import (
	"math/rand/v2"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/vm"
)

// smallFromMont agrees with vm.SmallInt (which converts out of Montgomery
// form) on every felt it recognises, and recognises every integer of
// magnitude below smallLimit.
func TestSmallFromMont(t *testing.T) {
	check := func(f asm.Felt) {
		got, ok := smallFromMont([4]uint64(f))
		want, wantOK := vm.SmallInt(&f)
		if ok && (!wantOK || int64(want) != got) {
			t.Fatalf("%s: small %d, vm.SmallInt %d %v", f.String(), got, want, wantOK)
		}
		if wantOK && want > -smallLimit && want < smallLimit && !ok {
			t.Fatalf("%s: %d not recognised", f.String(), want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	values := []uint64{0, 1, 2, 31, 32, 33, 1 << 20, smallLimit - 1, smallLimit, smallLimit + 1, 1 << 61, 1<<62 - 1}
	for range 20000 {
		values = append(values, r.Uint64N(smallLimit*2), r.Uint64N(1<<20), r.Uint64())
	}
	for _, v := range values {
		f := asm.FeltFromUint64(v)
		check(f)
		var n asm.Felt
		n.Neg(&f)
		check(n)
	}
	for range 2000 { // arbitrary felts: never misread
		var b [32]byte
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		check(asm.FeltFromBytesLE(b[:]))
	}
}
