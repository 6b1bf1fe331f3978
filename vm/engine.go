package vm

// Engine executes Cairo steps over a State. The interpreter implements it
// now and the JIT later; both read and write the same State, so one can
// take over from the other at any instruction boundary.
type Engine interface {
	// Name is "interp" or "jit".
	Name() string
	// RunUntilPC steps until st.PC == end. maxSteps > 0 caps st.Steps.
	RunUntilPC(st *State, end Relocatable, maxSteps int) error
	// RunSteps runs exactly n more steps (proof-mode padding).
	RunSteps(st *State, n int) error
}
