package cairo1

import (
	"path/filepath"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/internal/corpusdir"
	"github.com/cairn-vm/cairn/interp"
	"github.com/cairn-vm/cairn/vm"
)

// A minimal Starknet entry-point run, as cairo-lang's ExecuteEntryPoint
// lays it out: the bytecode followed by `ret` and a pointer to a zero
// builtin-cost table, the entry point's builtins, gas, the syscall segment
// and the calldata on the stack, then return fp 0 and a return pc at the
// base of a fresh segment. It is enough for entry points that make no
// system calls (or whose calls the given handler answers); package
// starknet does the real thing.

type entryRun struct {
	st       *vm.State
	builtins []vm.Builtin
	ret      []vm.Value // the entry point's return values
}

func runEntryPoint(t *testing.T, c *class.Class, ep class.EntryPoint, calldata []asm.Felt, handler SyscallHandler) (*entryRun, error) {
	t.Helper()
	hs, err := Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	mem := vm.NewMemory()
	prog := mem.AddSegment()
	exec := mem.AddSegment()
	write := func(at vm.Relocatable, v vm.Value) {
		t.Helper()
		if err := mem.Write(at, v); err != nil {
			t.Fatal(err)
		}
	}
	for i, w := range c.Bytecode {
		write(prog.Add(i), vm.FeltValue(w))
	}
	layout, err := vm.LayoutByName("all_cairo")
	if err != nil {
		t.Fatal(err)
	}
	var builtins []vm.Builtin
	var stack []vm.Value
	for _, name := range ep.Builtins {
		b, err := vm.NewBuiltin(name, layout.Builtin(name), true)
		if err != nil {
			t.Fatal(err)
		}
		b.InitSegments(mem)
		builtins = append(builtins, b)
		stack = append(stack, b.InitialStack()...)
	}
	for _, b := range builtins {
		if z, ok := b.(interface{ InitZeroSegment(*vm.Memory) }); ok {
			z.InitZeroSegment(mem)
		}
	}
	costs := mem.AddSegment()
	for i := range 6 {
		write(costs.Add(i), vm.IntValue(0))
	}
	write(prog.Add(len(c.Bytecode)), vm.IntValue(0x208B7FFF7FFF7FFE))
	write(prog.Add(len(c.Bytecode)+1), vm.PtrValue(costs))
	syscalls := mem.AddSegment()
	data := mem.AddSegment()
	for i, f := range calldata {
		write(data.Add(i), vm.FeltValue(f))
	}
	end := mem.AddSegment()
	stack = append(stack, vm.IntValue(10_000_000_000-10_000), vm.PtrValue(syscalls),
		vm.PtrValue(data), vm.PtrValue(data.Add(len(calldata))), vm.IntValue(0), vm.PtrValue(end))
	for i, v := range stack {
		write(exec.Add(i), v)
	}
	st := &vm.State{Mem: mem, PC: prog.Add(ep.Offset), AP: exec.Add(len(stack)), FP: exec.Add(len(stack)),
		ProgramBase: prog, ExecBase: exec, Scopes: []map[string]any{{SquashDictMaxSizeVar: 1 << 20}},
		Builtins: builtins}
	if handler != nil {
		st.Scopes[0][SyscallHandlerVar] = handler
	}
	st.SetHints(hs, len(c.Bytecode)+2)
	if err := interp.New().RunUntilPC(st, end, 10_000_000); err != nil {
		return nil, err
	}
	// Returned: the builtins, gas, syscall pointer, then the panic flag
	// and the retdata span.
	n := len(ep.Builtins) + 5
	r := &entryRun{st: st, builtins: builtins}
	for i := range n {
		r.ret = append(r.ret, mem.Get(st.AP.Add(i-n)))
	}
	return r, nil
}

func loadCorpusClass(t *testing.T, name string) *class.Class {
	t.Helper()
	dir := corpusdir.OrSkip(t)
	c, err := class.Load(filepath.Join(dir, "casm", name))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func entryPoint(t *testing.T, c *class.Class, name string) class.EntryPoint {
	t.Helper()
	ep, ok := c.EntryPoint(class.External, class.Selector(name))
	if !ok {
		t.Fatalf("no external entry point %s", name)
	}
	return ep
}

// succeeded checks the panic flag and returns the retdata.
func (r *entryRun) succeeded(t *testing.T) []vm.Value {
	t.Helper()
	n := len(r.ret)
	if !r.ret[n-3].Equal(vm.IntValue(0)) {
		t.Fatalf("the entry point failed (panic flag %s)", r.ret[n-3])
	}
	start, end := r.ret[n-2], r.ret[n-1]
	if !start.IsPtr() || !end.IsPtr() {
		t.Fatalf("retdata span %s..%s", start, end)
	}
	var out []vm.Value
	for at := start.Ptr(); at != end.Ptr(); at.Offset++ {
		out = append(out, r.st.Mem.Get(at))
	}
	return out
}

// TestEntryPointSegmentArena runs test_contract's segment_arena_builtin: a
// Felt252Dict is created and dropped (squashed), through the dict and
// squash hints and the segment arena.
func TestEntryPointSegmentArena(t *testing.T) {
	c := loadCorpusClass(t, "test_contract__test_contract.json")
	r, err := runEntryPoint(t, c, entryPoint(t, c, "segment_arena_builtin"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.succeeded(t)
	d := Dicts(r.st)
	if d == nil || len(d.Segments()) != 1 {
		t.Fatalf("dicts: %v", d)
	}
	// The arena's first SegmentInfo starts at the dict.
	var arena vm.Builtin
	for _, b := range r.builtins {
		if b.Name() == vm.BuiltinSegmentArena {
			arena = b
		}
	}
	if arena == nil {
		t.Fatal("no segment_arena builtin")
	}
	infos := arena.(*vm.SegmentArenaBuiltin).Infos()
	if v := r.st.Mem.Get(infos); !v.Equal(vm.PtrValue(d.Segments()[0])) {
		t.Errorf("SegmentInfo start = %s, want %s", v, d.Segments()[0])
	}
}

// TestEntryPointCircuit runs circuit_contract's circuit_builtins: a circuit
// of add_mod gates and an inverse, evaluated by EvalCircuit.
func TestEntryPointCircuit(t *testing.T) {
	c := loadCorpusClass(t, "circuit_contract__circuit_contract.json")
	r, err := runEntryPoint(t, c, entryPoint(t, c, "circuit_builtins"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.succeeded(t)
	for _, b := range r.builtins {
		if err := b.RunSecurityChecks(r.st.Mem); err != nil {
			t.Errorf("%s: %v", b.Name(), err)
		}
	}
}
