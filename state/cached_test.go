package state

import (
	"errors"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
)

func f(x uint64) asm.Felt { return asm.FeltFromUint64(x) }

func TestCachedReadSet(t *testing.T) {
	mem := NewMemory()
	must(t, mem.SetStorage(f(1), f(10), f(100)))
	must(t, mem.SetStorage(f(1), f(11), f(110)))
	must(t, mem.SetNonce(f(1), f(5)))
	c := NewCached(mem)

	// A write then a read of the same key is not a read of the parent.
	must(t, c.SetStorage(f(1), f(12), f(7)))
	if v, _ := c.Storage(f(1), f(12)); !v.Equal(new(f(7))) {
		t.Fatal("read own write")
	}
	// A call that reads and writes, then reverts: its reads stay.
	cp := c.Checkpoint()
	if v, _ := c.Storage(f(1), f(10)); !v.Equal(new(f(100))) {
		t.Fatal("read parent")
	}
	must(t, c.SetStorage(f(1), f(10), f(101)))
	must(t, c.IncrementNonce(f(1)))
	must(t, c.RevertTo(cp))
	// After the revert the key reads from the parent again, from the cache.
	if v, _ := c.Storage(f(1), f(10)); !v.Equal(new(f(100))) {
		t.Fatal("read after revert")
	}
	if v, _ := c.Nonce(f(1)); !v.Equal(new(f(5))) {
		t.Fatal("nonce after revert")
	}
	got := c.Reads()
	want := ReadSet{
		Storage: []StorageRead{{f(1), f(10), f(100)}},
		Nonces:  []NonceRead{{f(1), f(5)}},
	}
	if !readsEqual(got, want) {
		t.Fatalf("reads %+v, want %+v", got, want)
	}
	d := c.Diff()
	wantDiff := Diff{StorageDiffs: []ContractStorageDiff{{f(1), []StorageEntry{{f(12), f(7)}}}}}
	if !diffEqual(d, wantDiff) {
		t.Fatalf("diff %+v", d)
	}
	// The parent was never written.
	if v, _ := mem.Storage(f(1), f(12)); !v.IsZero() {
		t.Fatal("parent written before commit")
	}
}

func TestCachedDeployReplaceDeclare(t *testing.T) {
	mem := NewMemory()
	clsA, clsB := new(class.Class), new(class.Class)
	must(t, mem.DeclareClass(f(0xa), f(0xaa), clsA))
	must(t, mem.SetClassHash(f(2), f(0xa)))
	c := NewCached(mem)

	if _, err := c.CompiledClass(f(0xb)); !errors.Is(err, ErrClassNotDeclared) {
		t.Fatalf("undeclared class: %v", err)
	}
	var nd *ClassNotDeclaredError
	if _, err := c.CompiledClass(f(0xb)); !errors.As(err, &nd) || !nd.ClassHash.Equal(new(f(0xb))) {
		t.Fatalf("undeclared class: %v", err)
	}
	must(t, c.DeclareClass(f(0xb), f(0xbb), clsB))
	if cl, err := c.CompiledClass(f(0xb)); err != nil || cl != clsB {
		t.Fatalf("declared class: %v", err)
	}
	must(t, c.DeclareClass(f(0xa), f(0xaa), clsA)) // already declared, same compiled hash...
	if h, _ := c.CompiledClassHash(f(0xa)); !h.Equal(new(f(0xaa))) {
		t.Fatal("compiled class hash")
	}
	// ...but c did not read the parent's compiled class hash for 0xa, so
	// the declaration is kept. Read it in a fresh layer to see it dropped.
	c2 := NewCached(mem)
	if h, _ := c2.CompiledClassHash(f(0xa)); !h.Equal(new(f(0xaa))) {
		t.Fatal("compiled class hash from parent")
	}
	must(t, c2.DeclareClass(f(0xa), f(0xaa), clsA))
	if d := c2.Diff(); !d.Empty() {
		t.Fatalf("redeclaration is not a change: %+v", d)
	}

	must(t, c.SetClassHash(f(3), f(0xb))) // deploy
	must(t, c.SetClassHash(f(4), f(0xa))) // deploy, then replace: still a deployment
	must(t, c.SetClassHash(f(4), f(0xb)))
	must(t, c.SetClassHash(f(2), f(0xb))) // replace_class
	d := c.Diff()
	want := Diff{
		DeployedContracts: []DeployedContract{{f(3), f(0xb)}, {f(4), f(0xb)}},
		DeclaredClasses:   []DeclaredClass{{f(0xa), f(0xaa)}, {f(0xb), f(0xbb)}},
		ReplacedClasses:   []ReplacedClass{{f(2), f(0xb)}},
	}
	if !diffEqual(d, want) {
		t.Fatalf("diff %+v", d)
	}
	// Replacing back to the original class is no change.
	must(t, c.SetClassHash(f(2), f(0xa)))
	if d := c.Diff(); len(d.ReplacedClasses) != 0 {
		t.Fatalf("replaced back: %+v", d.ReplacedClasses)
	}
	must(t, c.Commit())
	if h, _ := mem.ClassHash(f(4)); !h.Equal(new(f(0xb))) {
		t.Fatal("deployment not committed")
	}
	if cl, err := mem.CompiledClass(f(0xb)); err != nil || cl != clsB {
		t.Fatal("declaration not committed")
	}
}

func TestNestedCached(t *testing.T) {
	mem := NewMemory()
	block := NewCached(mem)
	must(t, block.SetStorage(f(1), f(1), f(1)))
	cp := block.Checkpoint()

	tx := NewCached(block)
	must(t, tx.SetStorage(f(1), f(2), f(2)))
	must(t, tx.IncrementNonce(f(9)))
	must(t, tx.Commit())
	if v, _ := block.Storage(f(1), f(2)); !v.Equal(new(f(2))) {
		t.Fatal("tx not committed into block")
	}
	// The block's checkpoint covers what the tx committed into it.
	must(t, block.RevertTo(cp))
	if v, _ := block.Storage(f(1), f(2)); !v.IsZero() {
		t.Fatal("revert of committed tx")
	}
	if n, _ := block.Nonce(f(9)); !n.IsZero() {
		t.Fatal("revert of committed nonce")
	}
	must(t, block.Commit())
	if v, _ := mem.Storage(f(1), f(1)); !v.Equal(new(f(1))) {
		t.Fatal("block not committed")
	}
	if v, _ := mem.Storage(f(1), f(2)); !v.IsZero() {
		t.Fatal("reverted write committed")
	}
}

func TestCheckpointIDs(t *testing.T) {
	c := NewCached(nil)
	a := c.Checkpoint()
	b := c.Checkpoint()
	must(t, c.SetStorage(f(1), f(1), f(1)))
	must(t, c.RevertTo(a)) // drops b too
	for _, id := range []int{a, b, -1, 99} {
		err := c.RevertTo(id)
		var ce *CheckpointError
		if !errors.Is(err, ErrUnknownCheckpoint) || !errors.As(err, &ce) || ce.Checkpoint != id {
			t.Errorf("RevertTo(%d): %v", id, err)
		}
		if err := c.Release(id); !errors.Is(err, ErrUnknownCheckpoint) {
			t.Errorf("Release(%d): %v", id, err)
		}
	}
	// Ids are not reused, so a stale id never names a new checkpoint.
	if x := c.Checkpoint(); x == a || x == b {
		t.Fatalf("id %d reused", x)
	}
	c.Reset()
	if x := c.Checkpoint(); x == a || x == b {
		t.Fatalf("id %d reused after Reset", x)
	}
	// Without an active checkpoint nothing is journaled.
	c.Reset()
	must(t, c.SetStorage(f(1), f(1), f(1)))
	if len(c.journal) != 0 {
		t.Fatal("journal without checkpoint")
	}
	x := c.Checkpoint()
	must(t, c.SetStorage(f(1), f(1), f(2)))
	must(t, c.Release(x))
	if len(c.journal) != 0 || len(c.checkpoints) != 0 {
		t.Fatal("journal kept after the last release")
	}
	if v, _ := c.Storage(f(1), f(1)); !v.Equal(new(f(2))) {
		t.Fatal("release lost a write")
	}
}

func TestErrors(t *testing.T) {
	var zero asm.Felt
	var mem Memory // the zero Memory is usable
	for name, s := range map[string]State{"memory": &mem, "cached": NewCached(nil), "zero cached": &Cached{}} {
		if err := s.SetClassHash(zero, f(1)); !errors.Is(err, ErrInvalidAddress) {
			t.Errorf("%s: deploy at 0: %v", name, err)
		}
		if err := s.DeclareClass(f(1), f(1), nil); !errors.Is(err, ErrNilClass) {
			t.Errorf("%s: nil class: %v", name, err)
		}
		must(t, s.SetNonce(f(1), maxNonce))
		err := s.IncrementNonce(f(1))
		var ne *NonceOverflowError
		if !errors.Is(err, ErrNonceOverflow) || !errors.As(err, &ne) || !ne.Contract.Equal(new(f(1))) {
			t.Errorf("%s: nonce overflow: %v", name, err)
		}
		if n, _ := s.Nonce(f(1)); !n.Equal(&maxNonce) {
			t.Errorf("%s: failed increment changed the nonce", name)
		}
		if _, err := s.CompiledClass(f(7)); !errors.Is(err, ErrClassNotDeclared) {
			t.Errorf("%s: undeclared: %v", name, err)
		}
		if h, err := s.CompiledClassHash(f(7)); err != nil || !h.IsZero() {
			t.Errorf("%s: undeclared compiled hash: %v", name, err)
		}
	}
	if err := NewCached(nil).Commit(); !errors.Is(err, ErrReadOnlyParent) {
		t.Errorf("commit over nil: %v", err)
	}
	if err := NewCached(readOnly{NewMemory()}).Commit(); !errors.Is(err, ErrReadOnlyParent) {
		t.Errorf("commit over a Reader: %v", err)
	}
}

type readOnly struct{ Reader }

// failing is a parent that fails every call while fail is set.
type failing struct {
	*Memory
	fail bool
}

var errBackend = errors.New("backend down")

func (p *failing) Storage(c, k asm.Felt) (asm.Felt, error) {
	if p.fail {
		return asm.Felt{}, errBackend
	}
	return p.Memory.Storage(c, k)
}

func (p *failing) ClassHash(c asm.Felt) (asm.Felt, error) {
	if p.fail {
		return asm.Felt{}, errBackend
	}
	return p.Memory.ClassHash(c)
}

func (p *failing) CompiledClass(h asm.Felt) (*class.Class, error) {
	if p.fail {
		return nil, errBackend
	}
	return p.Memory.CompiledClass(h)
}

func (p *failing) SetStorage(c, k, v asm.Felt) error {
	if p.fail {
		return errBackend
	}
	return p.Memory.SetStorage(c, k, v)
}

func TestParentErrors(t *testing.T) {
	p := &failing{Memory: NewMemory()}
	must(t, p.Memory.SetStorage(f(1), f(1), f(5)))
	c := NewCached(p)
	p.fail = true
	if _, err := c.Storage(f(1), f(1)); !errors.Is(err, errBackend) {
		t.Fatalf("storage: %v", err)
	}
	if err := c.SetClassHash(f(1), f(2)); !errors.Is(err, errBackend) {
		t.Fatalf("set class hash: %v", err)
	}
	if _, err := c.CompiledClass(f(3)); !errors.Is(err, errBackend) || errors.Is(err, ErrClassNotDeclared) {
		t.Fatalf("class: %v", err)
	}
	if rs := c.Reads(); rs.Len() != 0 {
		t.Fatalf("failed reads recorded: %+v", rs)
	}
	p.fail = false
	if v, err := c.Storage(f(1), f(1)); err != nil || !v.Equal(new(f(5))) {
		t.Fatalf("storage after recovery: %v", err)
	}
	must(t, c.SetStorage(f(1), f(2), f(6)))
	p.fail = true
	if err := c.Commit(); !errors.Is(err, errBackend) {
		t.Fatalf("commit: %v", err)
	}
	// A failed commit leaves c as it was.
	if d := c.Diff(); len(d.StorageDiffs) != 1 {
		t.Fatalf("diff after failed commit: %+v", d)
	}
	p.fail = false
	must(t, c.Commit())
	if v, _ := p.Memory.Storage(f(1), f(2)); !v.Equal(new(f(6))) {
		t.Fatal("commit after recovery")
	}
}

func TestMemoryClone(t *testing.T) {
	m := NewMemory()
	must(t, m.SetStorage(f(1), f(1), f(1)))
	c := m.Clone()
	must(t, c.SetStorage(f(1), f(1), f(2)))
	must(t, m.SetStorage(f(1), f(1), f(0)))
	if v, _ := c.Storage(f(1), f(1)); !v.Equal(new(f(2))) {
		t.Fatal("clone shares storage")
	}
	if v, _ := m.Storage(f(1), f(1)); !v.IsZero() {
		t.Fatal("zero write")
	}
	if len(m.storage) != 0 {
		t.Fatal("zero kept in the map")
	}
}
