package sequencer

import (
	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/state"
	"github.com/cairn-vm/cairn/state/commitment"
)

// Genesis is a base state built from nothing, which keeps its commitment
// so that it can give it to every block over it: a state.Reader and a
// Committer. It allows concurrent reads.
type Genesis struct {
	mem  *state.Memory
	root asm.Felt
	// cs is the genesis commitment, built once: every block over the
	// genesis starts from a clone of it rather than rehashing the whole
	// state (a few thousand Pedersen hashes for a thousand accounts).
	cs *commitment.State
}

var (
	_ state.Reader = (*Genesis)(nil)
	_ Committer    = (*Genesis)(nil)
)

// NewGenesis runs setup over an empty state (declare classes, deploy
// contracts, set storage: anything a state.Cached does, through a
// starknet.Executor or directly) and returns the state it built.
func NewGenesis(setup func(st *state.Cached) error) (*Genesis, error) {
	mem := state.NewMemory()
	st := state.NewCached(mem)
	if err := setup(st); err != nil {
		return nil, err
	}
	g := &Genesis{mem: mem}
	d := st.Diff()
	if err := st.Commit(); err != nil {
		return nil, err
	}
	g.cs = commitment.NewState(commitment.NewMemoryStore(), commitment.NewMemoryStore())
	if _, err := g.cs.Apply(&d); err != nil {
		return nil, err
	}
	g.root = g.cs.Root()
	return g, nil
}

// Root returns the genesis state root.
func (g *Genesis) Root() asm.Felt { return g.root }

// Commitment returns a fresh commitment of the genesis state: a clone of
// the one built by NewGenesis, which updating leaves untouched.
func (g *Genesis) Commitment() (*commitment.State, error) {
	return g.cs.Clone(), nil
}

// Storage implements state.Reader.
func (g *Genesis) Storage(contract, key asm.Felt) (asm.Felt, error) {
	return g.mem.Storage(contract, key)
}

// Nonce implements state.Reader.
func (g *Genesis) Nonce(contract asm.Felt) (asm.Felt, error) { return g.mem.Nonce(contract) }

// ClassHash implements state.Reader.
func (g *Genesis) ClassHash(contract asm.Felt) (asm.Felt, error) { return g.mem.ClassHash(contract) }

// CompiledClass implements state.Reader.
func (g *Genesis) CompiledClass(classHash asm.Felt) (*class.Class, error) {
	return g.mem.CompiledClass(classHash)
}

// CompiledClassHash implements state.Reader.
func (g *Genesis) CompiledClassHash(classHash asm.Felt) (asm.Felt, error) {
	return g.mem.CompiledClassHash(classHash)
}
