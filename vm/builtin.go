package vm

// Builtin is a builtin runner: it owns one memory segment, deduces and
// validates its cells, and sizes the segment for proof mode. Implementations
// live in builtins_*.go; the runner creates them from the layout.
type Builtin interface {
	// Name is the builtin's name without the _builtin suffix ("pedersen").
	Name() string
	// Included reports whether the program declared the builtin (in proof
	// mode every builtin of the layout has a runner and a segment).
	Included() bool
	// InitSegments adds the builtin's segment and installs its rules.
	InitSegments(m *Memory)
	// Base is the start of the builtin's segment.
	Base() Relocatable
	// InitialStack is what main receives for this builtin: its base when
	// included, nothing otherwise.
	InitialStack() []Value
}
