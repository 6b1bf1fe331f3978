package cairo1

import (
	"fmt"
	"math/rand/v2"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/vm"
)

// stateVar is the main-scope variable holding an execution's *execState.
// It is not __dict_manager: Cairo 0 hints keep a different Go type there.
const stateVar = "__cairo1_state"

// execState is what the Python hints of one execution keep in their scope
// between hints.
type execState struct {
	// dicts is the DictManager (__dict_manager); nil until the first
	// AllocFelt252Dict.
	dicts *DictManager

	// squash is the state of the squash loop (access_indices, keys, key,
	// current_access_indices, current_access_index); nil until the first
	// InitSquashData.
	squash *squashState

	// excluded is the arc AssertLeFindSmallArcs excluded; hasExcluded is
	// false until it ran.
	excluded    int
	hasExcluded bool

	// boxed is __boxed_segment, the next free address of
	// AllocConstantSize; hasBoxed is false until it ran.
	boxed    vm.Relocatable
	hasBoxed bool

	// rng draws RandomEcPoint's points.
	rng *rand.Rand

	// markers are the felt ranges AddMarker recorded.
	markers [][]asm.Felt
}

// stateOf returns the execution's state, creating it in the main scope on
// first use.
func stateOf(st *vm.State) (*execState, error) {
	if len(st.Scopes) == 0 {
		st.Scopes = []map[string]any{{}}
	}
	main := st.Scopes[0]
	if main == nil {
		main = map[string]any{}
		st.Scopes[0] = main
	}
	if v, ok := main[stateVar]; ok {
		es, ok := v.(*execState)
		if !ok {
			return nil, fmt.Errorf("main-scope variable %s holds a %T", stateVar, v)
		}
		return es, nil
	}
	es := &execState{}
	main[stateVar] = es
	return es, nil
}

// Dicts returns the dict manager of the execution st runs, nil when no
// Felt252Dict was allocated in it.
func Dicts(st *vm.State) *DictManager {
	if len(st.Scopes) == 0 {
		return nil
	}
	if es, ok := st.Scopes[0][stateVar].(*execState); ok {
		return es.dicts
	}
	return nil
}

// Markers returns the felt ranges the AddMarker hints of the execution
// recorded, in order.
func Markers(st *vm.State) [][]asm.Felt {
	if len(st.Scopes) == 0 {
		return nil
	}
	if es, ok := st.Scopes[0][stateVar].(*execState); ok {
		return es.markers
	}
	return nil
}
