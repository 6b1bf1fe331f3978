package hints

import "testing"

// Per-hint overhead: ids lookups, reads and a write, on hints that may run
// again on the same cells (assert_nn reads; is_nn rewrites the same value).
func BenchmarkHintAssertNN(b *testing.B) {
	f := newFixture(&testing.T{}, codeAssertNN, 0, tref{name: "a", value: fpArg(3)}, tref{name: "range_check_ptr", value: fpArg(4)})
	f.putBig(f.fp(-3), big7)
	for b.Loop() {
		if err := f.hint.Execute(f.st); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHintIsNN(b *testing.B) {
	f := newFixture(&testing.T{}, codeIsNN, 0, tref{name: "a", value: fpArg(3)})
	f.putBig(f.fp(-3), big7)
	for b.Loop() {
		if err := f.hint.Execute(f.st); err != nil {
			b.Fatal(err)
		}
	}
}

var big7 = b(7)

// Two writes through ids (split_64 reruns on the same cells).
func BenchmarkHintSplit64(b *testing.B) {
	f := utFixture(&testing.T{}, codeUintSplit64, tref{name: "a", value: fpArg(3)},
		tref{name: "low", value: local(0)}, tref{name: "high", value: local(1)})
	f.putBig(f.fp(-3), big7)
	for b.Loop() {
		if err := f.hint.Execute(f.st); err != nil {
			b.Fatal(err)
		}
	}
}
