package blockstm

import (
	"errors"
	"testing"
)

// mapSource is a source whose values a test changes under a view.
type mapSource struct {
	m     map[loc]val
	reads int
	err   error
}

func (s *mapSource) read(l loc) (val, error) {
	s.reads++
	return s.m[l], s.err
}

func read(t *testing.T, v *view[loc, val], l loc, want val) {
	t.Helper()
	if got, err := v.Read(l); err != nil || got != want {
		t.Fatalf("Read(%d) = %d, %v; want %d", l, got, err, want)
	}
}

func TestViewReadYourWrites(t *testing.T) {
	src := &mapSource{m: map[loc]val{1: 10, 2: 20, 3: 30}}
	v := newView(source[loc, val](src), addU64)
	read(t, v, 1, 10)
	src.m[1] = 11
	read(t, v, 1, 10) // one execution sees one state
	v.Write(1, 5)
	read(t, v, 1, 5)
	v.Add(1, 2)
	read(t, v, 1, 7)

	v.Add(2, 3) // blind delta: no read
	if src.reads != 1 {
		t.Fatalf("%d source reads, want 1", src.reads)
	}
	read(t, v, 2, 23) // now it reads, and the write becomes a value
	v.Add(2, 1)
	read(t, v, 2, 24)

	read(t, v, 3, 30)
	v.Add(3, 1) // after a read: a value

	want := []write[loc, val]{wv(1, 7), wv(2, 24), wv(3, 31)}
	if len(v.writes) != len(want) {
		t.Fatalf("writes %v", v.writes)
	}
	for i := range want {
		if v.writes[i] != want[i] {
			t.Fatalf("writes %v, want %v", v.writes, want)
		}
	}
}

func TestViewStickyError(t *testing.T) {
	src := &mapSource{m: map[loc]val{}, err: errBase}
	v := newView(source[loc, val](src), addU64)
	if _, err := v.Read(1); !errors.Is(err, errBase) {
		t.Fatal(err)
	}
	src.err = nil
	if _, err := v.Read(2); !errors.Is(err, errBase) {
		t.Fatal("error not sticky")
	}
}

func TestViewAddWithoutFunc(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	newView(source[loc, val](&mapSource{}), nil).Add(1, 1)
}
