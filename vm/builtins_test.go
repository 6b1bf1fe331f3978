package vm

import (
	"crypto/sha3"
	"errors"
	"math/big"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/cairn-vm/cairn/asm"
)

// --- helpers ---

func bigFelt(t testing.TB, s string) asm.Felt {
	t.Helper()
	v, ok := new(big.Int).SetString(s, 0)
	if !ok {
		t.Fatalf("bad number %q", s)
	}
	return asm.FeltFromBig(v)
}

func feltV(t testing.TB, s string) Value { t.Helper(); return FeltValue(bigFelt(t, s)) }

func bigV(v *big.Int) Value { return FeltValue(asm.FeltFromBig(v)) }

// layoutBuiltin creates a builtin with its definition from layout, with its
// segment in a fresh memory.
func layoutBuiltin(t testing.TB, layout, name string) (Builtin, *Memory) {
	t.Helper()
	l, err := LayoutByName(layout)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewBuiltin(name, l.Builtin(name), true)
	if err != nil {
		t.Fatal(err)
	}
	m := NewMemory()
	m.AddSegment() // program
	m.AddSegment() // execution
	b.InitSegments(m)
	return b, m
}

func mustWrite(t testing.TB, m *Memory, a Relocatable, v Value) {
	t.Helper()
	if err := m.Write(a, v); err != nil {
		t.Fatalf("write %s: %v", a, err)
	}
}

func mustRead(t testing.TB, m *Memory, a Relocatable) Value {
	t.Helper()
	v, err := m.Read(a)
	if err != nil {
		t.Fatalf("read %s: %v", a, err)
	}
	return v
}

func wantBuiltinErr(t *testing.T, err, sentinel error, substr string) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("err = %v, want %v", err, sentinel)
	}
	if !strings.Contains(err.Error(), substr) {
		t.Fatalf("err = %q, want it to contain %q", err, substr)
	}
}

// --- pedersen ---

func TestPedersenDeduction(t *testing.T) {
	b, m := layoutBuiltin(t, "small", "pedersen")
	base := b.Base()
	// Published vectors: StarkWare's pedersen_hash test (crypto-cpp,
	// starknet-rs), and hash(0, 0) = x of the shift point.
	vectors := [][3]string{
		{"0x03d937c035c878245caf64531a5756109c53068da139362728feb561405371cb",
			"0x0208a0a10250e382e1e4bbe2880906c2791bf6275695e02fbbc6aeff9cd8b31a",
			"0x030e480bed5fe53fa909cc0f8c4d99b8f9f2c016be4c41e13a4848797979c662"},
		{"0", "0", "0x49ee3eba8c1600700ee1b87eb599f16716b0b1022947733551fde4050ca6804"},
	}
	for i, v := range vectors {
		at := base.Add(3 * i)
		if _, ok, err := m.Deduce(at.Add(2)); ok || err != nil {
			t.Fatalf("deduced with unknown inputs: ok=%v err=%v", ok, err)
		}
		mustWrite(t, m, at, feltV(t, v[0]))
		if _, ok, _ := m.Deduce(at.Add(2)); ok {
			t.Fatal("deduced with one input")
		}
		mustWrite(t, m, at.Add(1), feltV(t, v[1]))
		if _, ok, _ := m.Deduce(at); ok {
			t.Fatal("deduced an input cell")
		}
		if got := mustRead(t, m, at.Add(2)); !got.Equal(feltV(t, v[2])) {
			t.Errorf("vector %d: hash %s, want %s", i, got, feltV(t, v[2]))
		}
	}
	if err := b.VerifyAutoDeductions(m); err != nil {
		t.Fatal(err)
	}
	// A relocatable input.
	at := base.Add(6)
	mustWrite(t, m, at, PtrValue(Relocatable{1, 5}))
	mustWrite(t, m, at.Add(1), IntValue(1))
	_, err := m.Read(at.Add(2))
	wantBuiltinErr(t, err, ErrBuiltinInput, "pedersen builtin: Expected integer at address 2:6. Got: 1:5.")
	// A hash the program wrote itself, wrong: caught at the end of the run.
	at = base.Add(9)
	mustWrite(t, m, at, IntValue(1))
	mustWrite(t, m, at.Add(1), IntValue(2))
	mustWrite(t, m, at.Add(2), IntValue(3))
	err = b.VerifyAutoDeductions(m)
	wantBuiltinErr(t, err, ErrInconsistentAutoDeduction, "Inconsistent auto deduction rule at address 2:11. 3 != ")
}

// --- poseidon ---

func TestPoseidonDeduction(t *testing.T) {
	b, m := layoutBuiltin(t, "starknet", "poseidon")
	base := b.Base()
	// Hades permutation of (0, 0, 0): the starkware-industries/poseidon
	// reference vector.
	want := []string{
		"3446325744004048536138401612021367625846492093718951375866996507163446763827",
		"1590252087433376791875644726012779423683501236913937337746052470473806035332",
		"867921192302518434283879514999422690776342565400001269945778456016268852423",
	}
	for i := range 2 {
		if _, ok, _ := m.Deduce(base.Add(3)); ok {
			t.Fatal("deduced with unknown inputs")
		}
		mustWrite(t, m, base.Add(i), IntValue(0))
	}
	if _, ok, _ := m.Deduce(base.Add(4)); ok {
		t.Fatal("deduced with 2 of 3 inputs")
	}
	mustWrite(t, m, base.Add(2), IntValue(0))
	for i, w := range want {
		if got := mustRead(t, m, base.Add(3+i)); !got.Equal(feltV(t, w)) {
			t.Errorf("output %d = %s, want %s", i, got, w)
		}
	}
	if err := b.VerifyAutoDeductions(m); err != nil {
		t.Fatal(err)
	}
	at := base.Add(6)
	mustWrite(t, m, at, IntValue(0))
	mustWrite(t, m, at.Add(1), PtrValue(Relocatable{1, 0}))
	mustWrite(t, m, at.Add(2), IntValue(0))
	_, err := m.Read(at.Add(5))
	wantBuiltinErr(t, err, ErrBuiltinInput, "poseidon builtin: Expected integer at address 2:7. Got: 1:0.")
	// Outputs the program wrote: one right, one wrong.
	at = base.Add(12)
	for i := range 3 {
		mustWrite(t, m, at.Add(i), IntValue(0))
	}
	mustWrite(t, m, at.Add(3), feltV(t, want[0]))
	if err := b.VerifyAutoDeductions(m); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, m, at.Add(4), IntValue(7))
	wantBuiltinErr(t, b.VerifyAutoDeductions(m), ErrInconsistentAutoDeduction, "at address 2:16. 7 != 1590252087")
}

// --- bitwise ---

func TestBitwiseDeduction(t *testing.T) {
	b, m := layoutBuiltin(t, "starknet", "bitwise")
	base := b.Base()
	two250 := new(big.Int).Lsh(big.NewInt(1), 250)
	add := func(x *big.Int, n int64) *big.Int { return new(big.Int).Add(x, big.NewInt(n)) }
	cases := []struct{ x, y, and, xor, or *big.Int }{
		// 0b1100, 0b1010.
		{big.NewInt(12), big.NewInt(10), big.NewInt(8), big.NewInt(6), big.NewInt(14)},
		{add(two250, 5), add(two250, 3), add(two250, 1), big.NewInt(6), add(two250, 7)},
		{new(big.Int).Sub(new(big.Int).Lsh(two250, 1), big.NewInt(1)), big.NewInt(0), big.NewInt(0),
			add(new(big.Int).Lsh(two250, 1), -1), add(new(big.Int).Lsh(two250, 1), -1)},
	}
	for i, c := range cases {
		at := base.Add(5 * i)
		mustWrite(t, m, at, bigV(c.x))
		if _, ok, _ := m.Deduce(at.Add(3)); ok {
			t.Fatal("deduced with one input")
		}
		mustWrite(t, m, at.Add(1), bigV(c.y))
		for j, w := range []*big.Int{c.and, c.xor, c.or} {
			if got := mustRead(t, m, at.Add(2+j)); !got.Equal(bigV(w)) {
				t.Errorf("case %d cell %d = %s, want %s", i, 2+j, got, w)
			}
		}
	}
	// x = 2^251 is too large; so is P-1.
	at := base.Add(15)
	mustWrite(t, m, at, bigV(new(big.Int).Lsh(two250, 1)))
	mustWrite(t, m, at.Add(1), IntValue(1))
	_, err := m.Read(at.Add(2))
	wantBuiltinErr(t, err, ErrBuiltinInput,
		"bitwise builtin: Expected integer at address 2:15 to be smaller than 2^251. Got: 3618502788666131106986593281521497120414687020801267626233049500247285301248.")
	at = base.Add(20)
	mustWrite(t, m, at, IntValue(1))
	mustWrite(t, m, at.Add(1), FeltValue(asm.FeltFromInt64(-1)))
	_, err = m.Read(at.Add(4))
	wantBuiltinErr(t, err, ErrBuiltinInput, "Expected integer at address 2:21 to be smaller than 2^251")
	at = base.Add(25)
	mustWrite(t, m, at, PtrValue(Relocatable{0, 0}))
	mustWrite(t, m, at.Add(1), IntValue(1))
	_, err = m.Read(at.Add(4))
	wantBuiltinErr(t, err, ErrBuiltinInput, "bitwise builtin: Expected integer at address 2:25. Got: 0:0.")
	if got := b.UsedDilutedCheckUnits(4, 16); got != 68 {
		t.Errorf("diluted units %d", got)
	}
}

// --- range_check ---

func TestRangeCheckValidation(t *testing.T) {
	two := func(n uint) *big.Int { return new(big.Int).Lsh(big.NewInt(1), n) }
	for _, c := range []struct {
		name  string
		bits  uint
		bound string
	}{{"range_check", 128, "340282366920938463463374607431768211456"}, {"range_check96", 96, "79228162514264337593543950336"}} {
		b, m := layoutBuiltin(t, "all_cairo", c.name)
		base := b.Base()
		mustWrite(t, m, base, IntValue(0))
		mustWrite(t, m, base.Add(1), bigV(new(big.Int).Sub(two(c.bits), big.NewInt(1))))
		err := m.Write(base.Add(2), bigV(two(c.bits)))
		wantBuiltinErr(t, err, ErrRangeCheck, "Value "+two(c.bits).String()+", in range check builtin 2, is out of range [0, "+c.bound+").")
		if m.Get(base.Add(2)).Known() {
			t.Error("an out-of-range value was written")
		}
		err = m.Write(base.Add(3), FeltValue(asm.FeltFromInt64(-1)))
		wantBuiltinErr(t, err, ErrRangeCheck, "is out of range")
		err = m.Write(base.Add(3), PtrValue(Relocatable{1, 2}))
		wantBuiltinErr(t, err, ErrRangeCheck, "Range-check builtin: Expected value at address 2:3 to be an integer. Got: 1:2.")
		// No deduction: an unwritten cell stays unknown.
		if _, err := m.Read(base.Add(5)); !errors.Is(err, ErrUnknownCell) {
			t.Errorf("read of an unwritten range-check cell: %v", err)
		}
	}

	// Range-check usage over the 16-bit parts: 0x0001_0002 and 2^128-1.
	b, m := layoutBuiltin(t, "small", "range_check")
	if _, _, ok := b.RangeCheckUsage(m); ok {
		t.Error("usage of an empty segment")
	}
	mustWrite(t, m, b.Base(), IntValue(0x0001_0002))
	lo, hi, ok := b.RangeCheckUsage(m)
	if !ok || lo != 0 || hi != 2 {
		t.Errorf("usage %d %d %v, want 0 2", lo, hi, ok)
	}
	mustWrite(t, m, b.Base().Add(1), bigV(new(big.Int).Sub(two(128), big.NewInt(1))))
	if lo, hi, _ = b.RangeCheckUsage(m); lo != 0 || hi != 0xffff {
		t.Errorf("usage %d %d, want 0 65535", lo, hi)
	}
	if n, err := b.UsedPermRangeCheckUnits(m, 16); err != nil || n != 16 {
		t.Errorf("perm range check units %d %v, want 16", n, err)
	}
	b96, m96 := layoutBuiltin(t, "all_cairo", "range_check96")
	mustWrite(t, m96, b96.Base(), bigV(new(big.Int).Lsh(big.NewInt(3), 80)))
	if lo, hi, _ := b96.RangeCheckUsage(m96); lo != 0 || hi != 3 {
		t.Errorf("rc96 usage %d %d, want 0 3", lo, hi)
	}
}

// --- keccak ---

// keccakStateFelts cuts a 200-byte state into 8 little-endian felts of 25 bytes.
func keccakStateFelts(state []byte) []Value {
	out := make([]Value, 8)
	for i := range out {
		chunk := slices.Clone(state[25*i : 25*i+25])
		slices.Reverse(chunk)
		out[i] = bigV(new(big.Int).SetBytes(chunk))
	}
	return out
}

func keccakFeltBytes(t *testing.T, vs []Value) []byte {
	var out []byte
	for _, v := range vs {
		f := v.Felt()
		b := f.BigInt().FillBytes(make([]byte, 25))
		slices.Reverse(b)
		out = append(out, b...)
	}
	return out
}

func TestKeccakDeduction(t *testing.T) {
	b, m := layoutBuiltin(t, "starknet_with_keccak", "keccak")
	base := b.Base()
	rng := rand.New(rand.NewSource(3))
	// One block of a sponge is the permutation of the padded message: the
	// builtin's first 32 output bytes are the digest. Keccak-256("") is the
	// published c5d24601...; SHA3-256 (domain byte 0x06) is checked against
	// the standard library.
	type tc struct {
		msg    []byte
		domain byte
		want   []byte
	}
	empty := mustBig("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470").FillBytes(make([]byte, 32))
	cases := []tc{{nil, 0x01, empty}}
	for _, n := range []int{0, 1, 31, 100, 134, 135} {
		msg := make([]byte, n)
		rng.Read(msg)
		d := sha3.Sum256(msg)
		cases = append(cases, tc{msg, 0x06, d[:]})
	}
	for i, c := range cases {
		state := make([]byte, 200)
		copy(state, c.msg)
		state[len(c.msg)] ^= c.domain
		state[135] ^= 0x80
		at := base.Add(16 * i)
		in := keccakStateFelts(state)
		for j, v := range in {
			if _, ok, _ := m.Deduce(at.Add(8)); ok {
				t.Fatal("deduced with missing inputs")
			}
			mustWrite(t, m, at.Add(j), v)
		}
		var outs []Value
		for j := 8; j < 16; j++ {
			outs = append(outs, mustRead(t, m, at.Add(j)))
		}
		got := keccakFeltBytes(t, outs)[:32]
		if !slices.Equal(got, c.want) {
			t.Errorf("case %d: digest %x, want %x", i, got, c.want)
		}
	}
	if err := b.VerifyAutoDeductions(m); err != nil {
		t.Fatal(err)
	}
	// The all-zero state: Keccak-f[1600] lane 0 of the XKCP vector is
	// 0xF1258F7940E1DDE7, the low 8 bytes of output 0.
	at := base.Add(16 * len(cases))
	for j := range 8 {
		mustWrite(t, m, at.Add(j), IntValue(0))
	}
	out0 := mustRead(t, m, at.Add(8))
	f := out0.Felt()
	if lo := new(big.Int).And(f.BigInt(), new(big.Int).SetUint64(^uint64(0))); lo.Uint64() != 0xF1258F7940E1DDE7 {
		t.Errorf("zero state lane 0 = %x", lo)
	}
	// An input of 2^200.
	at = at.Add(16)
	mustWrite(t, m, at, bigV(new(big.Int).Lsh(big.NewInt(1), 200)))
	for j := 1; j < 8; j++ {
		mustWrite(t, m, at.Add(j), IntValue(0))
	}
	_, err := m.Read(at.Add(9))
	wantBuiltinErr(t, err, ErrBuiltinInput, "Keccak builtin: Expected integer at address 2:"+itoa(at.Offset)+" to be smaller than 2^200. Got: 1606938044258990275541962092341162602522202993782792835301376.")
	if got := b.UsedDilutedCheckUnits(4, 16); got != 16384 {
		t.Errorf("diluted units %d", got)
	}
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }

// --- ec_op ---

var (
	testFieldP = asm.ModulusBig()
	testBeta   = mustBig("0x6f21413efbe40de150e596d72f7a8c5609ad26c15c915c1f4cdfcb99cee9e89")
	// EC_GEN and the pedersen shift point (cairo-lang signature.py).
	testGen = [2]*big.Int{mustBig("0x1ef15c18599971b7beced415a40f0c7deacfd9b0d1819e03d723d8bc943cfca"),
		mustBig("0x5668060aa49730b7be4801df46ec62de53ecd11abe43a32873000c36e8dc1f")}
	testShift = [2]*big.Int{mustBig("0x49ee3eba8c1600700ee1b87eb599f16716b0b1022947733551fde4050ca6804"),
		mustBig("0x3ca0cfe4b3bc6ddf346d49d06ea0ed34e621062c0e056c1d0405d266e10268a")}
)

func mustBig(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 0)
	if !ok {
		panic(s)
	}
	return v
}

// Affine arithmetic on y^2 = x^3 + x + beta over P with math/big: an
// oracle independent of package asm.
func bigOnCurve(p [2]*big.Int) bool {
	l := new(big.Int).Mul(p[1], p[1])
	r := new(big.Int).Exp(p[0], big.NewInt(3), testFieldP)
	r.Add(r, p[0]).Add(r, testBeta)
	return l.Sub(l, r).Mod(l, testFieldP).Sign() == 0
}

func bigECAdd(p, q [2]*big.Int) [2]*big.Int {
	num := new(big.Int).Sub(q[1], p[1])
	den := new(big.Int).Sub(q[0], p[0])
	den.Mod(den, testFieldP).ModInverse(den, testFieldP)
	return bigECFinish(p, q[0], num.Mul(num, den))
}

func bigECDouble(p [2]*big.Int) [2]*big.Int {
	num := new(big.Int).Mul(p[0], p[0])
	num.Mul(num, big.NewInt(3)).Add(num, big.NewInt(1))
	den := new(big.Int).Lsh(p[1], 1)
	den.Mod(den, testFieldP).ModInverse(den, testFieldP)
	return bigECFinish(p, p[0], num.Mul(num, den))
}

func bigECFinish(p [2]*big.Int, qx, slope *big.Int) [2]*big.Int {
	slope.Mod(slope, testFieldP)
	x := new(big.Int).Mul(slope, slope)
	x.Sub(x, p[0]).Sub(x, qx).Mod(x, testFieldP)
	y := new(big.Int).Sub(p[0], x)
	y.Mul(y, slope).Sub(y, p[1]).Mod(y, testFieldP)
	return [2]*big.Int{x, y}
}

// bigECOp is P + m*Q by double-and-add over the bits of m (generic
// additions only; the test scalars avoid the exceptional cases).
func bigECOp(p, q [2]*big.Int, m *big.Int) [2]*big.Int {
	acc, d := p, q
	for i := range m.BitLen() {
		if m.Bit(i) == 1 {
			acc = bigECAdd(acc, d)
		}
		d = bigECDouble(d)
	}
	return acc
}

func TestECOpDeduction(t *testing.T) {
	if !bigOnCurve(testGen) || !bigOnCurve(testShift) {
		t.Fatal("test constants are not on the curve")
	}
	b, m := layoutBuiltin(t, "starknet", "ec_op")
	base := b.Base()
	rng := rand.New(rand.NewSource(11))
	q3 := bigECOp(testGen, testGen, big.NewInt(2)) // 3G
	scalars := []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(3), big.NewInt(1000),
		new(big.Int).Rand(rng, new(big.Int).Lsh(big.NewInt(1), 251))}
	for i, sc := range scalars {
		at := base.Add(7 * i)
		in := []*big.Int{testShift[0], testShift[1], q3[0], q3[1], sc}
		for j, v := range in {
			if _, ok, _ := m.Deduce(at.Add(5)); ok {
				t.Fatal("deduced with missing inputs")
			}
			mustWrite(t, m, at.Add(j), bigV(v))
		}
		want := bigECOp(testShift, q3, sc)
		for j := range 2 {
			if got := mustRead(t, m, at.Add(5+j)); !got.Equal(bigV(want[j])) {
				t.Errorf("scalar %s coordinate %d = %s, want %s", sc, j, got, want[j])
			}
		}
	}
	if err := b.VerifyAutoDeductions(m); err != nil {
		t.Fatal(err)
	}
	// A point off the curve.
	at := base.Add(7 * len(scalars))
	for j, v := range []int64{1, 2, 3, 4, 5} {
		mustWrite(t, m, at.Add(j), IntValue(uint64(v)))
	}
	_, err := m.Read(at.Add(5))
	wantBuiltinErr(t, err, ErrECOpFailed, "ec_op builtin: point (1, 2) is not on the curve.")
	// P = Q: the first step meets two points with the same x.
	at = at.Add(7)
	for j, v := range []*big.Int{testGen[0], testGen[1], testGen[0], testGen[1], big.NewInt(1)} {
		mustWrite(t, m, at.Add(j), bigV(v))
	}
	_, err = m.Read(at.Add(6))
	wantBuiltinErr(t, err, ErrECOpFailed, "Cannot apply EC operation: computation reached two points with the same x coordinate.\nAttempting to compute P + m * Q where:\nP = (")
	// A relocatable input.
	at = at.Add(7)
	mustWrite(t, m, at, PtrValue(Relocatable{0, 1}))
	for j := 1; j < 5; j++ {
		mustWrite(t, m, at.Add(j), IntValue(1))
	}
	_, err = m.Read(at.Add(5))
	wantBuiltinErr(t, err, ErrBuiltinInput, "ec_op builtin: Expected integer at address 2:"+itoa(at.Offset)+".Got: 0:1.")
}

// --- ecdsa ---

func TestECDSAValidation(t *testing.T) {
	b, m := layoutBuiltin(t, "small", "ecdsa")
	e := b.(*ECDSABuiltin)
	base := b.Base()
	// cairo-lang signature_builtin_runner_test.py's signature.
	pub := bigFelt(t, "1735102664668487605176656616876767369909409133946409161569774794110049207117")
	msg := asm.FeltFromUint64(2718)
	r := bigFelt(t, "3086480810278599376317923499561306189851900463386393948998357832163236918254")
	s := bigFelt(t, "598673427589502599949712887611119751108407514580626464031881322743364689811")
	if err := e.AddSignature(base, r, s); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, m, base.Add(1), FeltValue(msg)) // alone: nothing to check yet
	mustWrite(t, m, base, FeltValue(pub))

	// r + 1: invalid, detected when the second cell is written.
	var r1 asm.Felt
	one := asm.One()
	r1.Add(&r, &one)
	if err := e.AddSignature(base.Add(2), r1, s); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, m, base.Add(2), FeltValue(pub))
	err := m.Write(base.Add(3), FeltValue(msg))
	wantBuiltinErr(t, err, ErrSignature, "Signature (3086480810278599376317923499561306189851900463386393948998357832163236918255, 5986734275895")
	if !strings.Contains(err.Error(), "is invalid, with respect to the public key 1735102664668487605176656616876767369909409133946409161569774794110049207117, and the message hash 2718.") {
		t.Errorf("message %q", err)
	}

	// No signature.
	mustWrite(t, m, base.Add(4), FeltValue(pub))
	err = m.Write(base.Add(5), FeltValue(msg))
	wantBuiltinErr(t, err, ErrSignature, "Signature hint is missing for ECDSA builtin at address 2:4. Add it using 'ecdsa_builtin.add_signature'.")

	// s = 0 fails cairo-lang's assertion.
	if err := e.AddSignature(base.Add(6), r, asm.Felt{}); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, m, base.Add(6), FeltValue(pub))
	wantBuiltinErr(t, m.Write(base.Add(7), FeltValue(msg)), ErrSignature, "s = 0")

	// A relocatable message.
	if err := e.AddSignature(base.Add(8), r, s); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, m, base.Add(8), FeltValue(pub))
	wantBuiltinErr(t, m.Write(base.Add(9), PtrValue(Relocatable{1, 1})), ErrBuiltinInput,
		"ECDSA builtin: Expected message hash at address 2:9 to be an integer. Got: 1:1.")

	// add_signature's checks.
	wantBuiltinErr(t, e.AddSignature(base.Add(1), r, s), ErrSignature, "Signature hint must point to the public key cell, not 2:1.")
	wantBuiltinErr(t, e.AddSignature(Relocatable{1, 0}, r, s), ErrSignature, "must point to the signature builtin segment, not 1:0.")
	if sigs := e.Signatures(); len(sigs) != 4 || sigs[0].Offset != 0 || sigs[3].Offset != 8 {
		t.Errorf("signatures %+v", sigs)
	}
}

// --- segment arena ---

func TestSegmentArena(t *testing.T) {
	b, err := NewBuiltin(BuiltinSegmentArena, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	m := NewMemory()
	m.AddSegment()
	b.InitSegments(m)
	if m.NumSegments() != 3 || b.Base() != (Relocatable{2, 3}) {
		t.Fatalf("segments %d, base %s", m.NumSegments(), b.Base())
	}
	if v := m.Get(Relocatable{2, 0}); !v.IsPtr() || v.Ptr() != (Relocatable{1, 0}) {
		t.Errorf("arena[0] = %s", v)
	}
	if st := b.InitialStack(); len(st) != 1 || st[0].Ptr() != (Relocatable{2, 3}) {
		t.Errorf("initial stack %v", st)
	}
	if b.UsedCells(m) != 0 {
		t.Errorf("used %d", b.UsedCells(m))
	}
	// One arena entry written: the stop pointer is base + 3.
	for i := range 3 {
		mustWrite(t, m, Relocatable{2, 3 + i}, IntValue(0))
	}
	exec := m.AddSegment()
	mustWrite(t, m, exec, PtrValue(Relocatable{2, 6}))
	ptr, err := b.FinalStack(m, exec.Add(1))
	if err != nil || ptr != exec {
		t.Fatalf("FinalStack = %s, %v", ptr, err)
	}
	if b.UsedInstances(m) != 1 {
		t.Errorf("instances %d", b.UsedInstances(m))
	}
}

// --- stack, sizes, finalization ---

func TestFinalStack(t *testing.T) {
	b, m := layoutBuiltin(t, "small", "pedersen")
	exec := Relocatable{1, 0}
	for i := range 4 { // one instance and a bit: used = 2 instances
		mustWrite(t, m, b.Base().Add(i), IntValue(uint64(i)))
	}
	mustWrite(t, m, exec.Add(0), PtrValue(b.Base().Add(6)))
	mustWrite(t, m, exec.Add(1), PtrValue(b.Base().Add(4)))
	mustWrite(t, m, exec.Add(2), IntValue(6))
	if p, err := b.FinalStack(m, exec.Add(1)); err != nil || p != exec {
		t.Fatalf("FinalStack = %s, %v", p, err)
	}
	if sp, ok := b.StopPtr(); !ok || sp != b.Base().Add(6) {
		t.Errorf("stop ptr %s %v", sp, ok)
	}
	_, err := b.FinalStack(m, exec.Add(2))
	wantBuiltinErr(t, err, ErrBuiltinStopPtr, "Invalid stop pointer for pedersen. Expected: 2:6, found: 2:4")
	_, err = b.FinalStack(m, exec.Add(3))
	wantBuiltinErr(t, err, ErrBuiltinStopPtr, "Expected: 2:6, found: 6")
	_, err = b.FinalStack(m, exec.Add(4))
	wantBuiltinErr(t, err, ErrBuiltinStopPtr, "Unknown value for memory cell at address 1:3")

	// Not included: the pointer is unchanged and the stop pointer is the base.
	nb, _ := NewBuiltin("pedersen", nil, false)
	nb.InitSegments(m)
	if p, err := nb.FinalStack(m, exec.Add(1)); err != nil || p != exec.Add(1) {
		t.Fatalf("FinalStack not included = %s, %v", p, err)
	}
	if sp, ok := nb.StopPtr(); !ok || sp != nb.Base() {
		t.Errorf("stop ptr %s", sp)
	}
	if len(nb.InitialStack()) != 0 {
		t.Error("initial stack of a builtin not included")
	}

	// Output: one cell per instance.
	o, om := layoutBuiltin(t, "small", "output")
	mustWrite(t, om, o.Base(), IntValue(5))
	mustWrite(t, om, o.Base().Add(1), IntValue(6))
	mustWrite(t, om, exec, PtrValue(o.Base().Add(2)))
	if p, err := o.FinalStack(om, exec.Add(1)); err != nil || p != exec {
		t.Fatalf("output FinalStack = %s, %v", p, err)
	}
}

func TestAllocatedCellsAndFinalize(t *testing.T) {
	b, m := layoutBuiltin(t, "small", "pedersen") // ratio 8
	if n, d := b.Ratio(); n != 8 || d != 1 {
		t.Errorf("ratio %d/%d", n, d)
	}
	_, err := b.AllocatedCells(m, 4)
	wantBuiltinErr(t, err, ErrInsufficientAllocatedCells, "Number of steps must be at least 8 for the pedersen builtin.")
	if n, err := b.AllocatedCells(m, 16); err != nil || n != 6 {
		t.Errorf("allocated %d %v, want 6", n, err)
	}
	if n, err := b.AllocatedMemoryUnits(m, 16); err != nil || n != 6 {
		t.Errorf("memory units %d %v, want 6", n, err)
	}
	for i := range 7 {
		mustWrite(t, m, b.Base().Add(i), IntValue(1))
	}
	_, err = b.AllocatedCells(m, 16)
	wantBuiltinErr(t, err, ErrInsufficientAllocatedCells, "The pedersen builtin used 7 cells but the capacity is 6.")
	if err := b.Finalize(m, true, 16); !errors.Is(err, ErrInsufficientAllocatedCells) {
		t.Errorf("finalize: %v", err)
	}
	if err := b.Finalize(m, true, 32); err != nil {
		t.Fatal(err)
	}
	if got := m.SegmentSize(b.Base().Segment); got != 12 {
		t.Errorf("finalized size %d, want 12", got)
	}
	// Outside proof mode nothing changes.
	b2, m2 := layoutBuiltin(t, "small", "pedersen")
	mustWrite(t, m2, b2.Base(), IntValue(1))
	if err := b2.Finalize(m2, false, 1); err != nil || m2.SegmentSize(b2.Base().Segment) != 1 {
		t.Errorf("finalize outside proof mode: %v, size %d", err, m2.SegmentSize(b2.Base().Segment))
	}

	// Low ratio: range_check96 with ratio 1/2 gets two instances per step.
	l, _ := ParseDynamicLayout([]byte(testDynamicParams))
	rc, _ := NewBuiltin("range_check96", l.Builtin("range_check96"), true)
	m3 := NewMemory()
	rc.InitSegments(m3)
	if n, err := rc.AllocatedCells(m3, 8); err != nil || n != 16 {
		t.Errorf("rc96 allocated %d %v, want 16", n, err)
	}
	// Keccak: 16 instances per component, so at least 16*ratio steps.
	k, km := layoutBuiltin(t, "starknet_with_keccak", "keccak")
	_, err = k.AllocatedCells(km, 2048)
	wantBuiltinErr(t, err, ErrInsufficientAllocatedCells, "Number of steps must be at least 32768 for the keccak builtin.")
	if n, err := k.AllocatedCells(km, 65536); err != nil || n != 32*16 {
		t.Errorf("keccak allocated %d %v", n, err)
	}
	// Ratio 0 (a dynamic layout's unused builtin): nothing allocated.
	kd, _ := NewBuiltin("keccak", l.Builtin("keccak"), false)
	kd.InitSegments(m3)
	if n, err := kd.AllocatedCells(m3, 8); err != nil || n != 0 {
		t.Errorf("unused keccak %d %v", n, err)
	}
	// Dynamic ratio: the used instances rounded up to a power of two.
	dl, _ := LayoutByName("dynamic")
	db, _ := NewBuiltin("bitwise", dl.Builtin("bitwise"), true)
	db.InitSegments(m3)
	mustWrite(t, m3, db.Base().Add(5*2+1), IntValue(1)) // 3 instances
	if n, err := db.AllocatedInstances(m3, 1); err != nil || n != 4 {
		t.Errorf("dynamic bitwise instances %d %v, want 4", n, err)
	}
	// Output: allocated = used, no memory units.
	o, om := layoutBuiltin(t, "small", "output")
	mustWrite(t, om, o.Base().Add(2), IntValue(1))
	if n, _ := o.AllocatedCells(om, 1); n != 3 {
		t.Errorf("output allocated %d", n)
	}
	if n, _ := o.AllocatedMemoryUnits(om, 1); n != 0 {
		t.Errorf("output memory units %d", n)
	}
	if err := o.Finalize(om, true, 1); err != nil || om.SegmentSize(o.Base().Segment) != 3 {
		t.Errorf("output finalize %v", err)
	}
}

func TestOutputPages(t *testing.T) {
	b, m := layoutBuiltin(t, "small", "output")
	o := b.(*OutputBuiltin)
	for i := range 5 {
		mustWrite(t, m, o.Base().Add(i), IntValue(uint64(i)))
	}
	if err := o.AddPage(1, o.Base().Add(1), 2); err != nil {
		t.Fatal(err)
	}
	if err := o.AddPage(1, o.Base(), 1); !errors.Is(err, ErrOutputPage) {
		t.Errorf("duplicate page: %v", err)
	}
	if err := o.AddPage(2, Relocatable{0, 0}, 1); !errors.Is(err, ErrOutputPage) {
		t.Errorf("page outside the segment: %v", err)
	}
	pages, err := o.PublicMemoryPages(5)
	if err != nil || !slices.Equal(pages, []int{0, 1, 1, 0, 0}) {
		t.Errorf("pages %v %v", pages, err)
	}
	if err := o.AddPage(3, o.Base().Add(4), 2); err != nil {
		t.Fatal(err)
	}
	if err := o.Finalize(m, true, 8); !errors.Is(err, ErrOutputPage) {
		t.Errorf("page out of bounds: %v", err)
	}
}

func TestSecurityChecks(t *testing.T) {
	b, m := layoutBuiltin(t, "small", "pedersen")
	base := b.Base()
	mustWrite(t, m, base, IntValue(1))
	mustWrite(t, m, base.Add(1), IntValue(2))
	if err := b.RunSecurityChecks(m); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, m, base.Add(4), IntValue(2)) // instance 1 without x
	wantBuiltinErr(t, b.RunSecurityChecks(m), ErrMissingBuiltinCells, "Missing memory cells for pedersen.")
	mustWrite(t, m, base.Add(3), PtrValue(base))
	wantBuiltinErr(t, b.RunSecurityChecks(m), ErrBuiltinInput, "Expected integer at address 2:3")
	if m.Get(base.Add(5)).Known() {
		t.Error("the security check wrote memory")
	}
	b2, m2 := layoutBuiltin(t, "small", "pedersen")
	for _, off := range []int{0, 1, 4, 5} {
		mustWrite(t, m2, b2.Base().Add(off), IntValue(1))
	}
	wantBuiltinErr(t, b2.RunSecurityChecks(m2), ErrMissingBuiltinCells, "Missing memory cells for pedersen: 3.")
}

// More than 20 missing inputs: the first 20, then "...", and missing
// inputs win over a bad input of a later instance.
func TestSecurityChecksManyMissing(t *testing.T) {
	b, m := layoutBuiltin(t, "starknet", "bitwise")
	base := b.Base()
	for i := range 25 {
		for j := 2; j < 5; j++ {
			mustWrite(t, m, base.Add(5*i+j), IntValue(uint64(i)))
		}
	}
	mustWrite(t, m, base.Add(5*25), PtrValue(base)) // instance 25: x not an integer
	mustWrite(t, m, base.Add(5*25+1), IntValue(1))
	wantBuiltinErr(t, b.RunSecurityChecks(m), ErrMissingBuiltinCells,
		"Missing memory cells for bitwise: 0, 1, 5, 6, 10, 11, 15, 16, 20, 21, 25, 26, 30, 31, 35, 36, 40, 41, 45, 46...")

	b2, m2 := layoutBuiltin(t, "starknet", "bitwise")
	for i := range 2 {
		mustWrite(t, m2, b2.Base().Add(5*i), IntValue(3))
		mustWrite(t, m2, b2.Base().Add(5*i+1), IntValue(5))
	}
	mustWrite(t, m2, b2.Base().Add(10), PtrValue(base))
	mustWrite(t, m2, b2.Base().Add(11), IntValue(1))
	wantBuiltinErr(t, b2.RunSecurityChecks(m2), ErrBuiltinInput, "Expected integer at address 2:10")
}

// --- factory ---

func names(bs []Builtin) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.Name()
	}
	return out
}

func TestNewBuiltins(t *testing.T) {
	small, _ := LayoutByName("small")
	bs, err := NewBuiltins(small, []string{"output", "range_check"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(bs); !slices.Equal(got, []string{"output", "range_check"}) {
		t.Errorf("builtins %v", got)
	}
	bs, err = NewBuiltins(small, []string{"pedersen"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(bs); !slices.Equal(got, []string{"output", "pedersen", "range_check", "ecdsa"}) {
		t.Errorf("proof-mode builtins %v", got)
	}
	for _, b := range bs {
		if b.Included() != (b.Name() == "pedersen") {
			t.Errorf("%s included = %v", b.Name(), b.Included())
		}
	}
	// Segments follow the runner order.
	m := NewMemory()
	m.AddSegment()
	m.AddSegment()
	for i, b := range bs {
		b.InitSegments(m)
		if b.Base() != (Relocatable{2 + i, 0}) {
			t.Errorf("%s base %s", b.Name(), b.Base())
		}
	}

	_, err = NewBuiltins(small, []string{"range_check", "output"}, false)
	wantBuiltinErr(t, err, ErrBuiltinOrder,
		"The builtins specified by the %builtins directive must be subsequence of ['output', 'pedersen', 'range_check', 'ecdsa', 'bitwise', 'ec_op', 'keccak', 'poseidon', 'range_check96', 'add_mod', 'mul_mod']. Got ['range_check', 'output'].")
	_, err = NewBuiltins(small, []string{"output", "output"}, false)
	wantBuiltinErr(t, err, ErrBuiltinOrder, "Got ['output', 'output'].")
	_, err = NewBuiltins(small, []string{"output", "bitwise", "poseidon"}, false)
	wantBuiltinErr(t, err, ErrUnknownBuiltin, `Builtins {'bitwise', 'poseidon'} are not present in layout "small"`)
	_, err = NewBuiltins(small, []string{"foo"}, false)
	wantBuiltinErr(t, err, ErrUnknownBuiltin, `Builtins {'foo'} are not present in layout "small"`)
	plain, _ := LayoutByName("plain")
	_, err = NewBuiltins(plain, []string{"output"}, true)
	wantBuiltinErr(t, err, ErrUnknownBuiltin, `layout "plain"`)
	if bs, err := NewBuiltins(plain, nil, true); err != nil || len(bs) != 0 {
		t.Errorf("plain proof mode: %v %v", names(bs), err)
	}

	// segment_arena: outside layouts, after poseidon.
	sk, _ := LayoutByName("starknet")
	bs, err = NewBuiltins(sk, []string{"pedersen", "range_check", "poseidon", "segment_arena"}, false)
	if err != nil || !slices.Equal(names(bs), []string{"pedersen", "range_check", "poseidon", "segment_arena"}) {
		t.Errorf("segment_arena: %v %v", names(bs), err)
	}
	_, err = NewBuiltins(sk, []string{"segment_arena", "pedersen"}, false)
	wantBuiltinErr(t, err, ErrBuiltinOrder, "must be subsequence of")

	// The dynamic layout in proof mode: every builtin; add_mod and mul_mod
	// share one zero segment.
	dl, _ := ParseDynamicLayout([]byte(testDynamicParams))
	bs, err = NewBuiltins(dl, []string{"output", "add_mod", "mul_mod"}, true)
	if err != nil || !slices.Equal(names(bs), canonicalBuiltins) {
		t.Fatalf("dynamic: %v %v", names(bs), err)
	}
	m = NewMemory()
	for _, b := range bs {
		b.InitSegments(m)
	}
	n := m.NumSegments()
	for _, b := range bs {
		if z, ok := b.(interface{ InitZeroSegment(*Memory) }); ok {
			z.InitZeroSegment(m)
		}
	}
	if m.NumSegments() != n+1 || m.UsedSize(n) != 4 {
		t.Errorf("zero segment: %d segments, size %d", m.NumSegments()-n, m.UsedSize(n))
	}
	if _, err := NewBuiltin("foo", nil, true); !errors.Is(err, ErrUnknownBuiltin) {
		t.Errorf("NewBuiltin(foo): %v", err)
	}
}

// --- add_mod / mul_mod ---

// modWords splits v into 4 words of 96 bits.
func modWords(v *big.Int) []Value {
	out := make([]Value, 4)
	mask := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 96), big.NewInt(1))
	x := new(big.Int).Set(v)
	for i := range out {
		out[i] = bigV(new(big.Int).And(x, mask))
		x.Rsh(x, 96)
	}
	return out
}

func readModValue(t *testing.T, m *Memory, at Relocatable) *big.Int {
	t.Helper()
	v := new(big.Int)
	for i := 3; i >= 0; i-- {
		w := mustRead(t, m, at.Add(i))
		f := w.Felt()
		v.Lsh(v, 96).Add(v, f.BigInt())
	}
	return v
}

func TestModBuiltinFill(t *testing.T) {
	l, _ := LayoutByName("all_cairo")
	bs, err := NewBuiltins(l, []string{"add_mod", "mul_mod"}, false)
	if err != nil {
		t.Fatal(err)
	}
	m := NewMemory()
	m.AddSegment()
	m.AddSegment()
	for _, b := range bs {
		b.InitSegments(m)
	}
	add, mul := bs[0].(*ModBuiltin), bs[1].(*ModBuiltin)
	add.InitZeroSegment(m)
	mul.InitZeroSegment(m)
	if z1, _ := add.ZeroValue(); z1 != func() Relocatable { z, _ := mul.ZeroValue(); return z }() {
		t.Error("the mod builtins do not share the zero segment")
	}
	// A 256-bit prime modulus, so values span several words.
	p := mustBig("0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff")
	values := m.AddSegment()
	offsets := m.AddSegment()
	// The circuit: v2 = v0 + v1 (add), v3 = v2 * v0 (mul), v4 = v3^-1... as
	// offsets: add (0, 4, 8); mul (8, 0, 12); mul (16, 12, 20) with v4 = 1/v3
	// deduced from v5 = 1 (b unknown).
	a0 := mustBig("0x1234567890abcdef1234567890abcdef1234567890abcdef")
	a1 := new(big.Int).Sub(p, big.NewInt(5))
	for i, w := range modWords(a0) {
		mustWrite(t, m, values.Add(i), w)
	}
	for i, w := range modWords(a1) {
		mustWrite(t, m, values.Add(4+i), w)
	}
	for i, w := range modWords(big.NewInt(1)) {
		mustWrite(t, m, values.Add(20+i), w)
	}
	addOffs := []int{0, 4, 8}
	mulOffs := []int{8, 0, 12, 16, 12, 20}
	for i, o := range addOffs {
		mustWrite(t, m, offsets.Add(i), IntValue(uint64(o)))
	}
	mulTable := offsets.Add(10)
	for i, o := range mulOffs {
		mustWrite(t, m, mulTable.Add(i), IntValue(uint64(o)))
	}
	// First instances: p, values_ptr, offsets_ptr (and n for add_mod).
	for i, w := range modWords(p) {
		mustWrite(t, m, add.Base().Add(i), w)
		mustWrite(t, m, mul.Base().Add(i), w)
	}
	mustWrite(t, m, add.Base().Add(4), PtrValue(values))
	mustWrite(t, m, add.Base().Add(5), PtrValue(offsets))
	mustWrite(t, m, add.Base().Add(6), IntValue(1))
	mustWrite(t, m, mul.Base().Add(4), PtrValue(values))
	mustWrite(t, m, mul.Base().Add(5), PtrValue(mulTable))

	err = FillModMemory(m, &ModFill{Ptr: add.Base(), Builtin: add, N: 1}, &ModFill{Ptr: mul.Base(), Builtin: mul, N: 2})
	if err != nil {
		t.Fatal(err)
	}
	// add_mod: a0 + (p-5) < 2p, so c = (a0 + p - 5) mod p.
	v2 := new(big.Int).Add(a0, a1)
	v2.Mod(v2, p)
	if got := readModValue(t, m, values.Add(8)); got.Cmp(v2) != 0 {
		t.Errorf("v2 = %x, want %x", got, v2)
	}
	v3 := new(big.Int).Mul(v2, a0)
	v3.Mod(v3, p)
	if got := readModValue(t, m, values.Add(12)); got.Cmp(v3) != 0 {
		t.Errorf("v3 = %x, want %x", got, v3)
	}
	v4 := new(big.Int).ModInverse(v3, p)
	if got := readModValue(t, m, values.Add(16)); got.Cmp(v4) != 0 {
		t.Errorf("v4 = %x, want %x", got, v4)
	}
	// mul_mod's n was computed and its second instance filled.
	if n := mustRead(t, m, mul.Base().Add(6)); !n.Equal(IntValue(2)) {
		t.Errorf("mul_mod n = %s", n)
	}
	if v := mustRead(t, m, mul.Base().Add(7+5)); !v.Equal(PtrValue(mulTable.Add(3))) {
		t.Errorf("mul_mod instance 1 offsets_ptr = %s", v)
	}
	if v := mustRead(t, m, mul.Base().Add(7+6)); !v.Equal(IntValue(1)) {
		t.Errorf("mul_mod instance 1 n = %s", v)
	}
	for _, b := range []*ModBuiltin{add, mul} {
		if err := b.RunSecurityChecks(m); err != nil {
			t.Fatalf("%s security checks: %v", b.Name(), err)
		}
	}
	marked := map[Relocatable]bool{}
	if err := mul.MemoryAccesses(m, func(r Relocatable) { marked[r] = true }); err != nil {
		t.Fatal(err)
	}
	if !marked[values.Add(23)] || !marked[mulTable.Add(5)] || !marked[mul.Base().Add(13)] || marked[values.Add(24)] {
		t.Errorf("memory accesses %v", marked)
	}
	if n, err := mul.AllocatedMemoryUnits(m, 512); err != nil || n != 2*(7+15) {
		t.Errorf("mul_mod memory units %d %v", n, err)
	}

	// A wrong value is caught by the security checks.
	m2 := NewMemory()
	add2, _ := NewBuiltin("add_mod", l.Builtin("add_mod"), true)
	add2.InitSegments(m2)
	vals2, offs2 := m2.AddSegment(), m2.AddSegment()
	for i, w := range modWords(big.NewInt(7)) {
		mustWrite(t, m2, add2.Base().Add(i), w)
	}
	mustWrite(t, m2, add2.Base().Add(4), PtrValue(vals2))
	mustWrite(t, m2, add2.Base().Add(5), PtrValue(offs2))
	mustWrite(t, m2, add2.Base().Add(6), IntValue(1))
	for i, o := range []int{0, 4, 8} {
		mustWrite(t, m2, offs2.Add(i), IntValue(uint64(o)))
	}
	for i, v := range []int64{3, 5, 2} { // 3 + 5 = 8 = 1 mod 7, not 2
		for j, w := range modWords(big.NewInt(v)) {
			mustWrite(t, m2, vals2.Add(4*i+j), w)
		}
	}
	wantBuiltinErr(t, add2.RunSecurityChecks(m2), ErrModBuiltin, "add_mod builtin: Expected a <built-in function add> b == c (mod p).")

	// An unfillable circuit.
	m3 := NewMemory()
	add3, _ := NewBuiltin("add_mod", l.Builtin("add_mod"), true)
	add3.InitSegments(m3)
	vals3, offs3 := m3.AddSegment(), m3.AddSegment()
	for i, w := range modWords(big.NewInt(7)) {
		mustWrite(t, m3, add3.Base().Add(i), w)
	}
	mustWrite(t, m3, add3.Base().Add(4), PtrValue(vals3))
	mustWrite(t, m3, add3.Base().Add(5), PtrValue(offs3))
	mustWrite(t, m3, add3.Base().Add(6), IntValue(1))
	for i, o := range []int{0, 4, 8} {
		mustWrite(t, m3, offs3.Add(i), IntValue(uint64(o)))
	}
	err = FillModMemory(m3, &ModFill{Ptr: add3.Base(), Builtin: add3.(*ModBuiltin), N: 1}, nil)
	wantBuiltinErr(t, err, ErrModBuiltin, "Could not fill the values table")
	err = FillModMemory(m3, nil, nil)
	wantBuiltinErr(t, err, ErrModBuiltin, "At least one of add_mod and mul_mod must be given.")
}

func TestModCalcOperand(t *testing.T) {
	l, _ := LayoutByName("all_cairo")
	ab, _ := NewBuiltin("add_mod", l.Builtin("add_mod"), true)
	mb, _ := NewBuiltin("mul_mod", l.Builtin("mul_mod"), true)
	add, mul := ab.(*ModBuiltin), mb.(*ModBuiltin)
	p := big.NewInt(101)
	// add: known + x = res (+ p).
	if r, v, err := add.calcOperand(Relocatable{}, big.NewInt(30), big.NewInt(50), p); err != nil || r != fillSuccess || v.Int64() != 20 {
		t.Errorf("add 30 + x = 50: %v %v %v", r, v, err)
	}
	if _, v, _ := add.calcOperand(Relocatable{}, big.NewInt(60), big.NewInt(50), p); v.Int64() != 91 {
		t.Errorf("add 60 + x = 50 + p: %v", v)
	}
	if _, _, err := add.calcOperand(Relocatable{}, big.NewInt(200), big.NewInt(50), p); !errors.Is(err, ErrModBuiltin) {
		t.Errorf("addend too large: %v", err)
	}
	// mul: 7 * x = 1 mod 101 → x = 29 (7*29 = 203 = 2*101 + 1).
	if r, v, err := mul.calcOperand(Relocatable{}, big.NewInt(7), big.NewInt(1), p); err != nil || r != fillSuccess || v.Int64() != 29 {
		t.Errorf("mul 7x = 1: %v %v %v", r, v, err)
	}
	// Not invertible: gcd(6, 9) = 3 → nullifier 3.
	if r, v, _ := mul.calcOperand(Relocatable{}, big.NewInt(6), big.NewInt(1), big.NewInt(9)); r != fillZeroDivisor || v.Int64() != 3 {
		t.Errorf("mul 6x = 1 mod 9: %v %v", r, v)
	}
	// res > known * q: k would be negative, the value is raised by p.
	// known 2, res 150, p 101: x = 150 * 51 mod 101 = 75; 2*75 - 150 = 0 → k=0.
	if _, v, _ := mul.calcOperand(Relocatable{}, big.NewInt(2), big.NewInt(150), p); v.Int64() != 75 {
		t.Errorf("mul 2x = 150: %v", v)
	}
	// known 3, res 200, p 101: x = 200/3 mod 101 = 200*34 mod 101 = 33 (99 = 200-101);
	// 3*33 - 200 = -101 → k = -1 → x + p*((3-1+1)//3) = 33 + 101 = 134 (3*134 = 402 = 200 + 2p).
	if _, v, _ := mul.calcOperand(Relocatable{}, big.NewInt(3), big.NewInt(200), p); v.Int64() != 134 {
		t.Errorf("mul 3x = 200: %v", v)
	}
}

// TestModFillValueCairoLang ports cairo-lang's mod_builtin_runner_test.py
// check_result cases: 4 words of 3 bits (int_lim 2^12), p = 67 (66).
func TestModFillValueCairoLang(t *testing.T) {
	def := func(name string) *BuiltinDef {
		return &BuiltinDef{Name: name, Ratio: 1, RatioDen: 1, WordBitLen: 3, NWords: 4, BatchSize: 1}
	}
	ab, _ := NewBuiltin("add_mod", def("add_mod"), true)
	mb, _ := NewBuiltin("mul_mod", def("mul_mod"), true)
	check := func(b *ModBuiltin, inverse bool, p, x1, x2 int64) (*big.Int, fillResult, error) {
		m := NewMemory()
		seg := m.AddSegment()
		for i, o := range []uint64{0, 4, 8} {
			mustWrite(t, m, seg.Add(i), IntValue(o))
		}
		values := seg.Add(24)
		if err := b.writeWords(m, values.Add(4), big.NewInt(x2)); err != nil {
			t.Fatal(err)
		}
		x1Addr, resAddr := values, values.Add(8)
		if inverse {
			x1Addr, resAddr = resAddr, x1Addr
		}
		if err := b.writeWords(m, x1Addr, big.NewInt(x1)); err != nil {
			t.Fatal(err)
		}
		in := &modInputs{p: big.NewInt(p), valuesPtr: values, offsetsPtr: seg}
		r, err := b.fillValue(m, in, 0)
		if err != nil {
			return nil, r, err
		}
		v, _, err := b.readWords(m, resAddr)
		return v, r, err
	}
	for _, c := range []struct {
		mul, inverse   bool
		p, x1, x2, res int64
		err            string
		result         fillResult
	}{
		{false, false, 67, 17, 40, 57, "", fillSuccess},
		{false, false, 67, 82, 31, 46, "", fillSuccess},
		{false, false, 67, 68, 69, 70, "", fillSuccess},
		{false, false, 67, 68, 0, 1, "", fillSuccess},
		{false, false, 67, 4095, 4095, 0, "add_mod builtin: Expected a <built-in function add> b - 1 * p <= 4095.", 0},
		{false, true, 67, 52, 38, 14, "", fillSuccess},
		{false, true, 67, 5, 68, 4, "", fillSuccess},
		{false, true, 67, 5, 0, 5, "", fillSuccess},
		{false, true, 67, 0, 5, 62, "", fillSuccess},
		{false, true, 67, 70, 138, 0, "add_mod builtin: addend greater than sum + p: 138 > 70 + 67.", 0},
		{true, false, 67, 11, 8, 21, "", fillSuccess},
		{true, false, 67, 68, 69, 2, "", fillSuccess},
		{true, false, 67, 525, 526, 1785, "", fillSuccess},
		{true, false, 67, 525, 0, 0, "", fillSuccess},
		{true, false, 67, 3777, 3989, 0, "mul_mod builtin: Expected a <built-in function mul> b - 4095 * p <= 4095. Got: values=", 0},
		{true, true, 67, 36, 9, 4, "", fillSuccess},
		{true, true, 67, 138, 41, 5, "", fillSuccess},
		{true, true, 67, 272, 41, 72, "", fillSuccess},
		// cairo-lang's failing cases: a nullifier is written, not the operand.
		{true, true, 67, 0, 0, 1, "", fillZeroDivisor},
		{true, true, 66, 6, 3, 22, "", fillZeroDivisor},
	} {
		b := ab.(*ModBuiltin)
		if c.mul {
			b = mb.(*ModBuiltin)
		}
		got, r, err := check(b, c.inverse, c.p, c.x1, c.x2)
		if c.err != "" {
			wantBuiltinErr(t, err, ErrModBuiltin, c.err)
			continue
		}
		if err != nil || r != c.result || got == nil || got.Int64() != c.res {
			t.Errorf("%+v: got %v, result %v, err %v", c, got, r, err)
		}
	}
}

// TestModFillInverse ports cairo-lang's test_mod_builtin_inverse: two
// mul_mod gates, 1*1 = 1 and x1 * y = 1; a non-invertible x1 stops the
// count at the failing gate and writes a nullifier.
func TestModFillInverse(t *testing.T) {
	l, _ := LayoutByName("all_cairo")
	for _, c := range []struct {
		p, x1  int64
		n, out uint64
	}{{7, 3, 2, 5}, {55, 11, 1, 5}, {7, 0, 1, 1}} {
		bs, err := NewBuiltins(l, []string{"range_check96", "add_mod", "mul_mod"}, false)
		if err != nil {
			t.Fatal(err)
		}
		m := NewMemory()
		for _, b := range bs {
			b.InitSegments(m)
		}
		rc, add, mul := bs[0], bs[1].(*ModBuiltin), bs[2].(*ModBuiltin)
		values := rc.Base()
		for i, w := range modWords(big.NewInt(1)) {
			mustWrite(t, m, values.Add(i), w)
		}
		for i, w := range modWords(big.NewInt(c.x1)) {
			mustWrite(t, m, values.Add(4+i), w)
		}
		offs := m.AddSegment()
		for i, o := range []uint64{0, 0, 0, 4, 8, 0} {
			mustWrite(t, m, offs.Add(i), IntValue(o))
		}
		for i, w := range modWords(big.NewInt(c.p)) {
			mustWrite(t, m, mul.Base().Add(i), w)
		}
		mustWrite(t, m, mul.Base().Add(4), PtrValue(values))
		mustWrite(t, m, mul.Base().Add(5), PtrValue(offs))
		err = FillModMemory(m, &ModFill{Ptr: add.Base(), Builtin: add, N: 0}, &ModFill{Ptr: mul.Base(), Builtin: mul, N: 2})
		if err != nil {
			t.Fatalf("p=%d x1=%d: %v", c.p, c.x1, err)
		}
		if got := mustRead(t, m, mul.Base().Add(6)); !got.Equal(IntValue(c.n)) {
			t.Errorf("p=%d x1=%d: n = %s, want %d", c.p, c.x1, got, c.n)
		}
		if got := mustRead(t, m, values.Add(8)); !got.Equal(IntValue(c.out)) {
			t.Errorf("p=%d x1=%d: values[8] = %s, want %d", c.p, c.x1, got, c.out)
		}
		if err := mul.RunSecurityChecks(m); c.n == 2 && err != nil {
			t.Errorf("p=%d x1=%d: security checks: %v", c.p, c.x1, err)
		}
	}
}

// TestModFillOffsetsPadding: the first instance's n exceeds the operations
// given; fill_offsets repeats the first offsets and fill_inputs fills the
// later instances.
func TestModFillOffsetsPadding(t *testing.T) {
	l, _ := LayoutByName("all_cairo")
	b, _ := NewBuiltin("add_mod", l.Builtin("add_mod"), true)
	add := b.(*ModBuiltin)
	m := NewMemory()
	add.InitSegments(m)
	values, offs := m.AddSegment(), m.AddSegment()
	for i, w := range modWords(big.NewInt(11)) {
		mustWrite(t, m, add.Base().Add(i), w)
	}
	mustWrite(t, m, add.Base().Add(4), PtrValue(values))
	mustWrite(t, m, add.Base().Add(5), PtrValue(offs))
	mustWrite(t, m, add.Base().Add(6), IntValue(3))
	for i, o := range []uint64{0, 4, 8} {
		mustWrite(t, m, offs.Add(i), IntValue(o))
	}
	for i, v := range []int64{6, 9} {
		for j, w := range modWords(big.NewInt(v)) {
			mustWrite(t, m, values.Add(4*i+j), w)
		}
	}
	if err := FillModMemory(m, &ModFill{Ptr: add.Base(), Builtin: add, N: 1}, nil); err != nil {
		t.Fatal(err)
	}
	if got := readModValue(t, m, values.Add(8)); got.Int64() != 4 {
		t.Errorf("c = %s, want 4", got)
	}
	for i := 3; i < 9; i++ {
		if got := mustRead(t, m, offs.Add(i)); !got.Equal(IntValue([]uint64{0, 4, 8}[i%3])) {
			t.Errorf("offsets[%d] = %s", i, got)
		}
	}
	if got := mustRead(t, m, add.Base().Add(2*7+6)); !got.Equal(IntValue(1)) {
		t.Errorf("instance 2 n = %s", got)
	}
	if err := add.RunSecurityChecks(m); err != nil {
		t.Fatal(err)
	}
	if n, err := add.AllocatedCells(m, 512); err != nil || n != 28 {
		t.Errorf("allocated %d %v", n, err)
	}
}
