package hints

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/cairn-vm/cairn/vm"
)

// shortString packs s as Cairo's short-string literal 's' does: its bytes,
// big-endian.
func shortString(s string) *big.Int { return new(big.Int).SetBytes([]byte(s)) }

func TestPrintDict(t *testing.T) {
	r := newDictRig(t)
	base := r.defaultDict(vm.IntValue(0))
	if _, err := r.writeOp(base, vm.IntValue(7), vm.IntValue(70)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.writeOp(base.Add(3), bigValue(pMinus1), vm.IntValue(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.writeOp(base.Add(6), vm.IntValue(2), vm.IntValue(20)); err != nil {
		t.Fatal(err)
	}
	p := newFixture(t, codePrintDict, 0,
		tref{name: "name", value: fpArg(5)}, tref{name: "dict_ptr", value: dictPtrRef(4)}, tref{name: "pointer_size", value: fpArg(3)})
	onState(r.read, p)
	p.frame(60)
	p.putBig(p.fp(-5), shortString("felts"))
	p.put(p.fp(-4), vm.PtrValue(base.Add(9)))
	p.put(p.fp(-3), vm.IntValue(2))
	p.mustRun()
	// Python prints a dict's items in insertion order.
	want := fmt.Sprintf("felts\n{7: 70, %s: 1, 2: 20}\n", pMinus1)
	if got := string(p.st.Output); got != want {
		t.Fatalf("printed %q, want %q", got, want)
	}

	// Pointer values print the pointer_size cells they point to.
	r = newDictRig(t)
	base = r.defaultDict(vm.IntValue(0))
	arr := r.write.st.Mem.AddSegment()
	r.write.put(arr, vm.IntValue(4))
	r.write.put(arr.Add(1), ptrv(1, 2))
	if _, err := r.writeOp(base, vm.IntValue(1), vm.PtrValue(arr)); err != nil {
		t.Fatal(err)
	}
	p = newFixture(t, codePrintDict, 0,
		tref{name: "name", value: fpArg(5)}, tref{name: "dict_ptr", value: dictPtrRef(4)}, tref{name: "pointer_size", value: fpArg(3)})
	onState(r.read, p)
	p.frame(60)
	p.putBig(p.fp(-5), b(0))
	p.put(p.fp(-4), vm.PtrValue(base.Add(3)))
	p.put(p.fp(-3), vm.IntValue(2))
	p.mustRun()
	want = "\n{1: [4, RelocatableValue(segment_index=1, offset=2)]}\n"
	if got := string(p.st.Output); got != want {
		t.Fatalf("printed %q, want %q", got, want)
	}
}

func TestPrintArray(t *testing.T) {
	f := newFixture(t, codePrintArray, 0,
		tref{name: "name", value: fpArg(5)}, tref{name: "arr", value: "[cast(fp + (-4), felt**)]"}, tref{name: "arr_len", value: fpArg(3)})
	arr := f.st.Mem.AddSegment()
	f.put(arr, vm.IntValue(1))
	f.putBig(arr.Add(1), pMinus1)
	f.putBig(f.fp(-5), shortString("my array"))
	f.put(f.fp(-4), vm.PtrValue(arr))
	f.put(f.fp(-3), vm.IntValue(2))
	f.mustRun()
	want := fmt.Sprintf("my array\n[1, %s]\n", pMinus1)
	if got := string(f.st.Output); got != want {
		t.Fatalf("printed %q, want %q", got, want)
	}
	// A felt of 63 hex digits is an odd-length string for bytes.fromhex,
	// which fails after its last digit.
	f = newFixture(t, codePrintArray, 0,
		tref{name: "name", value: fpArg(5)}, tref{name: "arr", value: "[cast(fp + (-4), felt**)]"}, tref{name: "arr_len", value: fpArg(3)})
	f.putBig(f.fp(-5), pMinus1)
	wantErr(t, f.run(), "non-hexadecimal number found in fromhex() arg at position 63")
	// Invalid UTF-8.
	f = newFixture(t, codePrintArray, 0,
		tref{name: "name", value: fpArg(5)}, tref{name: "arr", value: "[cast(fp + (-4), felt**)]"}, tref{name: "arr_len", value: fpArg(3)})
	f.putBig(f.fp(-5), b(0xff))
	wantErr(t, f.run(), "UnicodeDecodeError")
}
