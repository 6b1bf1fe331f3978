package vm

import (
	"errors"
	"fmt"
)

// ErrSecurity is wrapped by the relocation-safety checks of a secure run.
var ErrSecurity = errors.New("security check failed")

// VerifySecure is cairo-lang's verify_secure_runner: no cell beyond a
// builtin's stop pointer or beyond the program, and each builtin's own checks.
func (r *Runner) VerifySecure() error {
	m := r.State.Mem
	if n := m.UsedSize(r.ProgramBase.Segment); n > len(r.Program.Data) {
		return fmt.Errorf("%w: out of bounds access to program segment at %d:%d", ErrSecurity, r.ProgramBase.Segment, n-1)
	}
	for _, b := range r.builtins {
		stop, ok := b.StopPtr()
		if !ok {
			continue
		}
		if n := m.UsedSize(b.Base().Segment); n > stop.Offset-b.Base().Offset {
			return fmt.Errorf("%w: out of bounds access to builtin segment %s at %d:%d", ErrSecurity, b.Name(), b.Base().Segment, n-1)
		}
	}
	for _, b := range r.builtins {
		if err := b.RunSecurityChecks(m); err != nil {
			return fmt.Errorf("%w: %v", ErrSecurity, err)
		}
	}
	return nil
}

// CheckUsedCells is cairo-lang's check_used_cells: false when the run needs
// more steps for its builtins, range checks, memory holes or diluted cells.
func (r *Runner) CheckUsedCells() (bool, error) {
	ok, err := r.checkUsedCells()
	if errors.Is(err, ErrInsufficientAllocatedCells) {
		return false, nil
	}
	return ok, err
}

func (r *Runner) checkUsedCells() (bool, error) {
	m, steps, l := r.State.Mem, r.State.Steps, r.Config.Layout
	for _, b := range r.builtins {
		if _, err := b.AllocatedCells(m, steps); err != nil {
			return false, err
		}
	}
	// Range checks: three units per step go to the instruction offsets.
	rcMin, rcMax, err := r.RangeCheckLimits()
	if err != nil {
		return false, err
	}
	used := 0
	for _, b := range r.builtins {
		u, err := b.UsedPermRangeCheckUnits(m, steps)
		if err != nil {
			return false, err
		}
		used += u
	}
	if (l.RCUnits-3)*steps-used < rcMax-rcMin {
		return false, nil
	}
	// Memory: a fraction is public, four units per step go to the instruction.
	builtinUnits := 0
	for _, b := range r.builtins {
		u, err := b.AllocatedMemoryUnits(m, steps)
		if err != nil {
			return false, err
		}
		builtinUnits += u
	}
	total := l.MemoryUnitsPerStep * steps
	if total%l.PublicMemoryFraction != 0 {
		return false, fmt.Errorf("%w: memory units %d not divisible by the public memory fraction %d", ErrProofMode, total, l.PublicMemoryFraction)
	}
	unused := total - (total/l.PublicMemoryFraction + 4*steps + builtinUnits)
	holes, err := r.memoryHoles()
	if err != nil {
		return false, err
	}
	if unused < holes {
		return false, nil
	}
	if d := l.Diluted; d != nil {
		usedDiluted := 0
		for _, b := range r.builtins {
			n, err := b.AllocatedInstances(m, steps)
			if err != nil {
				return false, err
			}
			usedDiluted += b.UsedDilutedCheckUnits(d.Spacing, d.NBits) * n
		}
		var units int
		if d.LogUnitsPerStep >= 0 {
			units = steps << d.LogUnitsPerStep
		} else {
			if steps%(1<<-d.LogUnitsPerStep) != 0 {
				return false, fmt.Errorf("%w: steps %d not divisible by 2^%d", ErrProofMode, steps, -d.LogUnitsPerStep)
			}
			units = steps >> -d.LogUnitsPerStep
		}
		if units-usedDiluted < 1<<d.NBits {
			return false, nil
		}
	}
	return true, nil
}

// RangeCheckLimits returns the smallest and largest 16-bit range-check unit
// used: the biased offsets of every executed instruction and the builtins'
// range-checked parts.
func (r *Runner) RangeCheckLimits() (int, int, error) {
	m := r.State.Mem
	rcMin, rcMax := 1<<16, 0
	seen := map[int]bool{}
	for _, t := range r.State.Trace {
		if seen[t.PC] {
			continue
		}
		seen[t.PC] = true
		w := m.Get(r.ProgramBase.Add(t.PC))
		f := w.Felt()
		in, err := Decode(f.Uint64())
		if err != nil {
			return 0, 0, err
		}
		for _, off := range []int{in.OffDst, in.OffOp0, in.OffOp1} {
			rcMin, rcMax = min(rcMin, off+0x8000), max(rcMax, off+0x8000)
		}
	}
	for _, b := range r.builtins {
		if lo, hi, ok := b.RangeCheckUsage(m); ok {
			rcMin, rcMax = min(rcMin, lo), max(rcMax, hi)
		}
	}
	return rcMin, rcMax, nil
}

// memoryHoles counts unaccessed cells below each segment's size, not
// counting the cells builtins account for.
func (r *Runner) memoryHoles() (int, error) {
	m := r.State.Mem
	builtinSeg := map[int]bool{}
	extra := map[Relocatable]bool{}
	for _, b := range r.builtins {
		builtinSeg[b.Base().Segment] = true
		if err := b.MemoryAccesses(m, func(a Relocatable) { extra[a] = true }); err != nil {
			return 0, err
		}
	}
	holes := 0
	for i := range m.NumSegments() {
		size := m.SegmentSize(i)
		acc := 0
		if builtinSeg[i] {
			for off := range size {
				if extra[Relocatable{i, off}] || m.accessed(i, off) {
					acc++
				}
			}
		} else {
			acc = m.AccessedCount(i)
		}
		holes += size - acc
	}
	return holes, nil
}

// MemoryHoles returns the run's memory holes as cairo-lang reports them.
func (r *Runner) MemoryHoles() int {
	n, _ := r.memoryHoles()
	return n
}

// BuiltinInstances returns the used instances of each builtin.
func (r *Runner) BuiltinInstances() map[string]int {
	out := map[string]int{}
	for _, b := range r.builtins {
		out[b.Name()] = b.UsedInstances(r.State.Mem)
	}
	return out
}

// FinalizeSegments fixes the segment sizes of a proof-mode run: the program
// and execution segments as used, each builtin to its allocated size.
func (r *Runner) FinalizeSegments() error {
	m := r.State.Mem
	m.Finalize(r.ProgramBase.Segment, len(r.Program.Data))
	for _, b := range r.builtins {
		if err := b.Finalize(m, true, r.State.Steps); err != nil {
			return err
		}
	}
	return nil
}
