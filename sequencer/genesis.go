package sequencer

import (
	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/state"
	"github.com/cairn-vm/cairn/state/commitment"
)

// Genesis is a base state built from nothing, which remembers how (its
// whole state as one diff) so that it can give its commitment: a
// state.Reader and a Committer. It allows concurrent reads.
type Genesis struct {
	mem  *state.Memory
	diff state.Diff
	root asm.Felt
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
	g := &Genesis{mem: mem, diff: st.Diff()}
	if err := st.Commit(); err != nil {
		return nil, err
	}
	cs, err := g.Commitment()
	if err != nil {
		return nil, err
	}
	g.root = cs.Root()
	return g, nil
}

// Root returns the genesis state root.
func (g *Genesis) Root() asm.Felt { return g.root }

// Commitment returns a fresh commitment of the genesis state.
func (g *Genesis) Commitment() (*commitment.State, error) {
	cs := commitment.NewState(commitment.NewMemoryStore(), commitment.NewMemoryStore())
	if _, err := cs.Apply(&g.diff); err != nil {
		return nil, err
	}
	return cs, nil
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
