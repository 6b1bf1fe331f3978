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

	// CellsPerInstance is the number of memory cells of one instance.
	CellsPerInstance() int
	// InputCellsPerInstance is the number of input cells of an instance
	// (its first cells; the others are outputs the builtin deduces).
	InputCellsPerInstance() int
	// FinalStack is cairo-lang's final_stack: when included, it reads the
	// stop pointer at ptr-1, checks that it is base + used instances *
	// cells per instance (errors wrap ErrBuiltinStopPtr) and returns ptr-1;
	// when not included it returns ptr unchanged.
	FinalStack(m *Memory, ptr Relocatable) (Relocatable, error)
	// StopPtr is the stop pointer FinalStack read (the base when the
	// builtin is not included); ok is false before FinalStack ran.
	StopPtr() (ptr Relocatable, ok bool)
	// UsedCells is cairo-lang's get_used_cells (the segment's used size).
	UsedCells(m *Memory) int
	// UsedInstances is cairo-lang's get_used_instances.
	UsedInstances(m *Memory) int
	// AllocatedInstances is cairo-lang's get_allocated_instances for a
	// proof-mode trace of steps steps.
	AllocatedInstances(m *Memory, steps int) (int, error)
	// AllocatedCells is the size the segment gets in proof mode (cairo-lang's
	// get_used_cells_and_allocated_size); the error wraps
	// ErrInsufficientAllocatedCells when used > allocated or steps are too
	// few for one component (the runner then runs more steps), and
	// ErrBuiltinRatio when the ratio does not divide the steps (fatal).
	AllocatedCells(m *Memory, steps int) (int, error)
	// AllocatedMemoryUnits is cairo-lang's get_allocated_memory_units.
	AllocatedMemoryUnits(m *Memory, steps int) (int, error)
	// Ratio is the layout ratio num/den in steps per instance; (0, 1) when
	// the builtin has no fixed ratio or no instances.
	Ratio() (num, den int)
	// Finalize is cairo-lang's finalize_segments: in proof mode it fixes
	// the segment's size to the allocated size; otherwise it does nothing.
	Finalize(m *Memory, proofMode bool, steps int) error

	// RangeCheckUsage is cairo-lang's get_range_check_usage: the min and
	// max 16-bit parts of the range-checked values; ok false when none.
	RangeCheckUsage(m *Memory) (rcMin, rcMax int, ok bool)
	// UsedPermRangeCheckUnits is cairo-lang's get_used_perm_range_check_units.
	UsedPermRangeCheckUnits(m *Memory, steps int) (int, error)
	// UsedDilutedCheckUnits is cairo-lang's get_used_diluted_check_units:
	// the diluted units of one instance (the runner multiplies by the
	// allocated instances).
	UsedDilutedCheckUnits(spacing, nBits int) int
	// MemoryAccesses calls mark for every address the builtin itself
	// accesses (cairo-lang's get_memory_accesses; not memory holes).
	MemoryAccesses(m *Memory, mark func(Relocatable)) error
	// RunSecurityChecks is cairo-lang's run_security_checks (--secure_run).
	RunSecurityChecks(m *Memory) error
	// VerifyAutoDeductions checks, at the end of the run, that every
	// written output cell holds what the builtin deduces (cairo-lang's
	// verify_auto_deductions); the error wraps ErrInconsistentAutoDeduction.
	VerifyAutoDeductions(m *Memory) error
}
