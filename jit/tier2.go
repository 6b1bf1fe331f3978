package jit

import (
	"context"
	"math"
	"slices"
	"unsafe"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/cairn-vm/cairn/vm"
)

// The second tier. A run starts in the first tier (threaded code, cheap to
// compile), which counts how often it enters each block. Once a run has
// spent tier2Hot steps in compiled code, the groups that carry most of
// them are compiled again with their instructions written out in place
// (inline.go), in the background, into a module of the same shape: the
// same blocks, groups and tables, the other groups threaded as before.
// The first tier stops every tier2Check steps (an exit at a block start,
// which costs a return to Go) until that module is ready; the run then
// instantiates it over the very same linear memory and goes on in it from
// the block where the first tier stopped. Later runs of the code start in
// the second tier. Both tiers hand the same steps to Go and leave the same
// state, so the switch changes the speed only.
const (
	tier2Hot   = 1 << 16
	tier2Check = 1 << 16
	// A group is hot when it ran at least 1/tier2Share of the steps
	// counted; the second tier writes out at most tier2MaxInstrs
	// instructions, to bound its compile time.
	tier2Share     = 64
	tier2MaxInstrs = 1024
)

// startTier2 compiles the second tier for the groups hot marks, in the
// background, or at once when wait (and then waits for a compile already
// under way).
func (c *Code) startTier2(trace bool, hot []bool, wait bool) {
	m := &c.mods[b2i(trace)]
	build := func() {
		defer m.t2Done.Store(true)
		r, err := wasmRuntime()
		if err != nil {
			return
		}
		bin, err := compileModule(c.a, trace, hot)
		if err != nil {
			return
		}
		mod, err := r.CompileModule(context.Background(), bin)
		if err != nil {
			return
		}
		m.t2 = mod
	}
	if wait {
		m.t2Started.Store(true)
		m.t2Once.Do(build)
		return
	}
	if m.t2Started.CompareAndSwap(false, true) {
		go m.t2Once.Do(build)
	}
}

// allGroups marks every group of the code hot.
func (c *Code) allGroups() []bool {
	hot := make([]bool, len(c.a.ranges))
	for g := range hot {
		hot[g] = true
	}
	return hot
}

// hotGroups chooses the second tier's groups from the first tier's block
// counts: the heaviest groups (by steps run in them) that ran at least
// 1/tier2Share of the steps, within tier2MaxInstrs instructions; nil for
// none.
func (r *run) hotGroups() []bool {
	a := r.code.a
	counts := unsafe.Slice((*uint32)(unsafe.Add(r.sp.base, countBase)), len(a.blocks))
	weight := make([]float64, len(a.ranges))
	size := make([]int, len(a.ranges))
	total := 0.0
	for j := range a.blocks {
		n := len(a.blocks[j].instrs)
		x := float64(counts[j]) * float64(n)
		g := a.groupOf[j]
		weight[g] += x
		size[g] += n
		total += x
	}
	order := make([]int, len(a.ranges))
	for g := range order {
		order[g] = g
	}
	slices.SortFunc(order, func(x, y int) int {
		switch {
		case weight[x] > weight[y]:
			return -1
		case weight[x] < weight[y]:
			return 1
		}
		return x - y
	})
	var hot []bool
	budget := tier2MaxInstrs
	for _, g := range order {
		if weight[g] == 0 || weight[g]*tier2Share < total {
			break
		}
		if size[g] > budget {
			continue
		}
		budget -= size[g]
		if hot == nil {
			hot = make([]bool, len(a.ranges))
		}
		hot[g] = true
	}
	return hot
}

// tierUp moves the run to the second tier when its module is ready, and
// asks for that module once the run is hot; it reports whether the first
// tier should stop again soon to look.
func (r *run) tierUp(st *vm.State) bool {
	if r.tier2 || r.noTier2 {
		return false
	}
	m := &r.code.mods[b2i(st.TraceOn)]
	if r.late && r.compiled == 0 {
		return true
	}
	if m.t2Done.Load() {
		if m.t2 == nil || !r.instantiate2(m.t2) {
			r.noTier2 = true
			return false
		}
		r.tier2, r.fn = true, r.fn2
		return false
	}
	if r.holdTier2 {
		return false
	}
	if !m.t2Started.Load() && r.compiled >= tier2Hot {
		hot := r.hotGroups()
		if hot == nil {
			r.noTier2 = true
			return false
		}
		r.code.startTier2(st.TraceOn, hot, false)
	}
	return true
}

// instantiate2 makes the second tier's instance over the run's linear
// memory, beside the first tier's: the tables are the same, already in
// place.
func (r *run) instantiate2(mod wazero.CompiledModule) bool {
	wr, err := wasmRuntime()
	if err != nil {
		return false
	}
	sp := r.sp
	ctx := experimental.WithMemoryAllocator(context.Background(), experimental.MemoryAllocatorFunc(
		func(cap, max uint64) experimental.LinearMemory { return linearMemory{sp} }))
	inst, err := wr.InstantiateModule(ctx, mod, wazero.NewModuleConfig().WithName("").WithStartFunctions())
	if err != nil {
		return false
	}
	r.inst2 = inst
	r.fn2 = inst.ExportedFunction("run")
	return r.fn2 != nil
}

// stepLimit is the limit the compiled code stops at for a run limited to
// maxSteps (0: none): sooner while the first tier waits for the second.
func (r *run) stepLimit(st *vm.State, maxSteps int) int64 {
	limit := int64(math.MaxInt64)
	if maxSteps > 0 {
		limit = int64(maxSteps)
	}
	if r.tierUp(st) {
		limit = min(limit, int64(st.Steps)+tier2Check)
	}
	return limit
}
