package blockstm

import (
	"errors"
	"testing"
)

func newTestMV() *mvMemory[loc, val] {
	return newMVMemory[loc, val](MapBase[loc, val]{1: 100}, addU64)
}

func vals(ws ...write[loc, val]) []write[loc, val] { return ws }

func wv(l loc, v val) write[loc, val] { return write[loc, val]{loc: l, val: v} }
func wd(l loc, v val) write[loc, val] { return write[loc, val]{loc: l, val: v, delta: true} }

func wantRead(t *testing.T, m *mvMemory[loc, val], l loc, tx int, want val, wantBlocker int) {
	t.Helper()
	rec, blocker := m.fetch(l, tx)
	if blocker != wantBlocker || blocker < 0 && (rec.err != nil || rec.val != want) {
		t.Fatalf("read %d at tx %d: %d (err %v, blocker %d), want %d (blocker %d)", l, tx, rec.val, rec.err, blocker, want, wantBlocker)
	}
}

func TestMVReadHighestLower(t *testing.T) {
	m := newTestMV()
	m.record(5, vals(wv(1, 50)), nil)
	m.record(1, vals(wv(1, 10)), nil)
	m.record(3, vals(wv(1, 30)), nil)
	wantRead(t, m, 1, 0, 100, -1) // base
	wantRead(t, m, 1, 1, 100, -1) // a transaction does not see its own entry
	wantRead(t, m, 1, 2, 10, -1)
	wantRead(t, m, 1, 4, 30, -1)
	wantRead(t, m, 1, 9, 50, -1)
	wantRead(t, m, 2, 9, 0, -1) // never written, not in the base

	m.markEstimates(3, vals(wv(1, 0)))
	wantRead(t, m, 1, 4, 0, 3)
	wantRead(t, m, 1, 9, 50, -1)
	wantRead(t, m, 1, 3, 10, -1)
}

func TestMVDeltas(t *testing.T) {
	m := newTestMV()
	m.record(2, vals(wd(1, 5)), nil)
	m.record(4, vals(wd(1, 7)), nil)
	wantRead(t, m, 1, 3, 105, -1)
	wantRead(t, m, 1, 9, 112, -1)
	m.record(1, vals(wv(1, 10)), nil)
	wantRead(t, m, 1, 9, 22, -1)
	m.markEstimates(2, vals(wd(1, 0)))
	wantRead(t, m, 1, 9, 0, 2) // an ESTIMATE under a delta blocks too
	m.record(2, vals(wd(1, 5)), vals(wd(1, 5)))
	m.settle(2, 1, 15)
	wantRead(t, m, 1, 9, 22, -1)
}

func TestMVRecord(t *testing.T) {
	m := newTestMV()
	a, b := vals(wv(1, 1)), vals(wv(1, 2), wv(2, 2))
	if !m.record(0, a, nil) {
		t.Fatal("first write not new")
	}
	if m.record(0, a, a) {
		t.Fatal("same location reported new")
	}
	if !m.record(0, b, a) {
		t.Fatal("added location not new")
	}
	if m.record(0, vals(wv(2, 3)), b) {
		t.Fatal("subset reported new")
	}
	wantRead(t, m, 1, 1, 100, -1) // dropped location falls through again
	wantRead(t, m, 2, 1, 3, -1)
}

func TestMVValid(t *testing.T) {
	m := newTestMV()
	base, _ := m.fetch(1, 5)
	none, _ := m.fetch(7, 5)
	if !base.fromBase || !m.valid(&base, 5) || !m.valid(&none, 5) {
		t.Fatal("base read invalid")
	}
	m.record(2, vals(wv(1, 100)), nil)
	if !m.valid(&base, 5) {
		t.Fatal("a write of the same value invalidated a read")
	}
	m.record(2, vals(wv(1, 101)), vals(wv(1, 100)))
	if m.valid(&base, 5) {
		t.Fatal("a changed value still valid")
	}
	if !m.valid(&base, 2) {
		t.Fatal("a higher write invalidated a lower read")
	}
	rec, _ := m.fetch(1, 5)
	m.markEstimates(2, vals(wv(1, 0)))
	if m.valid(&rec, 5) {
		t.Fatal("read over an ESTIMATE valid")
	}
	m.record(2, nil, vals(wv(1, 101)))
	if m.valid(&rec, 5) || !m.valid(&base, 5) {
		t.Fatal("removal of a write not seen")
	}
	m.record(3, vals(wd(7, 4)), nil)
	if m.valid(&none, 5) {
		t.Fatal("a delta below did not invalidate")
	}
}

func TestMVBaseError(t *testing.T) {
	fail := errors.New("down")
	m := newMVMemory[loc, val](BaseFunc[loc, val](func(loc) (val, error) { return 0, fail }), addU64)
	rec, _ := m.fetch(1, 3)
	if !errors.Is(rec.err, fail) || !m.valid(&rec, 3) {
		t.Fatalf("%+v", rec)
	}
	m.record(1, vals(wv(1, 0)), nil)
	if m.valid(&rec, 3) {
		t.Fatal("failed read still valid over a write")
	}
}
