package cairo1

import (
	"encoding/binary"
	"fmt"
	"math/big"
	"math/rand/v2"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/vm"
)

// allocSegment is memory[dst] = segments.add().
func allocSegment(st *vm.State, h *class.AllocSegment) error {
	return writeCell(st, h.Dst, vm.PtrValue(st.Mem.AddSegment()))
}

// allocConstantSize hands out consecutive blocks of one segment, added on
// first use (__boxed_segment).
func allocConstantSize(st *vm.State, h *class.AllocConstantSize) error {
	es, err := stateOf(st)
	if err != nil {
		return err
	}
	if !es.hasBoxed {
		es.boxed, es.hasBoxed = st.Mem.AddSegment(), true
	}
	if err := writeCell(st, h.Dst, vm.PtrValue(es.boxed)); err != nil {
		return err
	}
	size, err := evalInt(st, &h.Size, "size", maxOffset)
	if err != nil {
		return err
	}
	next, err := addInt(es.boxed, size)
	if err != nil {
		return err
	}
	es.boxed = next
	return nil
}

// debugPrint appends hex(memory[curr]) and a newline to st.Output for each
// cell from start up to end, as the Python prints them.
func debugPrint(st *vm.State, h *class.DebugPrint) error {
	curr, err := evalPtr(st, &h.Start, "start")
	if err != nil {
		return err
	}
	end, err := evalPtr(st, &h.End, "end")
	if err != nil {
		return err
	}
	for curr != end {
		v, err := readAt(st.Mem, curr)
		if err != nil {
			return err
		}
		if !v.IsFelt() {
			return fmt.Errorf("%w: hex() of the relocatable value %s at %s", ErrNotInteger, v, curr)
		}
		f := v.Felt()
		st.Output = append(st.Output, f.Hex()...)
		st.Output = append(st.Output, '\n')
		curr.Offset++
	}
	return nil
}

// fieldSqrt writes the smaller square root of val if val is a square (0
// included), else of 3 * val (3 is not a square mod P).
func fieldSqrt(st *vm.State, h *class.FieldSqrt) error {
	v, err := evalFelt(st, &h.Val, "val")
	if err != nil {
		return err
	}
	x := v
	if v.Legendre() < 0 {
		three := asm.FeltFromUint64(3)
		x.Mul(&v, &three)
	}
	var r asm.Felt
	if !r.SqrtCanonical(&x) {
		return fmt.Errorf("%w: %s has no square root", ErrAssertion, &x)
	}
	return writeFelt(st, h.Sqrt, r)
}

// rngSeed seeds the per-execution generator of RandomEcPoint.
var rngSeed = [32]byte{'c', 'a', 'i', 'r', 'n', '/', 'c', 'a', 'i', 'r', 'o', '1', ' ',
	'r', 'a', 'n', 'd', 'o', 'm', '_', 'e', 'c', '_', 'p', 'o', 'i', 'n', 't'}

// randomEcPoint is random_ec_point(FIELD_PRIME, ALPHA, BETA): up to 100
// tries of a uniform x in [0, P) and a random sign, the point being (x,
// ±sqrt(x^3 + x + beta)) when that is a square. cairo-lang draws from
// Python's random; any point of the curve is valid (the Cairo code checks
// it), and cairn draws from a ChaCha8 generator with a fixed seed, one per
// execution, so runs are reproducible.
func randomEcPoint(st *vm.State, h *class.RandomEcPoint) error {
	es, err := stateOf(st)
	if err != nil {
		return err
	}
	if es.rng == nil {
		es.rng = rand.New(rand.NewChaCha8(rngSeed))
	}
	p := asm.ModulusBig()
	for range 100 {
		x := randBelow(es.rng, p)
		neg := es.rng.Uint64()&1 == 1
		y, ok := asm.RecoverY(&x)
		if !ok {
			continue
		}
		if neg {
			y.Neg(&y)
		}
		if err := writeFelt(st, h.X, x); err != nil {
			return err
		}
		return writeFelt(st, h.Y, y)
	}
	return fmt.Errorf("%w: Could not find a point on the curve.", ErrAssertion)
}

// randBelow draws a uniform integer in [0, p), p < 2^252.
func randBelow(rng *rand.Rand, p *big.Int) asm.Felt {
	var b [32]byte
	for {
		for i := range 4 {
			binary.BigEndian.PutUint64(b[8*i:], rng.Uint64())
		}
		b[0] &= 0x0f
		x := new(big.Int).SetBytes(b[:])
		if x.Cmp(p) < 0 {
			return asm.FeltFromBig(x)
		}
	}
}

// maxModCount stands for counts too large for an int; FillModMemory
// rejects it (n must be <= MAX_N).
const maxModCount = 1 << 40

// evalCircuit is ModBuiltinRunner.fill_memory(memory, add_mod=(ptr,
// runner, n), mul_mod=(ptr, runner, n)) on the execution's add_mod and
// mul_mod runners.
func evalCircuit(st *vm.State, h *class.EvalCircuit) error {
	addPtr, err := evalPtr(st, &h.AddModBuiltin, "add_mod_builtin")
	if err != nil {
		return err
	}
	nAdd, err := evalCount(st, &h.NAddMods, "n_add_mods")
	if err != nil {
		return err
	}
	mulPtr, err := evalPtr(st, &h.MulModBuiltin, "mul_mod_builtin")
	if err != nil {
		return err
	}
	nMul, err := evalCount(st, &h.NMulMods, "n_mul_mods")
	if err != nil {
		return err
	}
	add, err := modFill(st, vm.BuiltinAddMod, addPtr, nAdd)
	if err != nil {
		return err
	}
	mul, err := modFill(st, vm.BuiltinMulMod, mulPtr, nMul)
	if err != nil {
		return err
	}
	return vm.FillModMemory(st.Mem, add, mul)
}

func evalCount(st *vm.State, r *class.ResOperand, what string) (int, error) {
	f, err := evalFelt(st, r, what)
	if err != nil {
		return 0, err
	}
	if !f.IsUint64() || f.Uint64() > maxModCount {
		return maxModCount, nil
	}
	return int(f.Uint64()), nil
}

// modFill finds the named mod builtin's runner. Without one, the hint can
// still fill nothing for it (n = 0).
func modFill(st *vm.State, name string, ptr vm.Relocatable, n int) (*vm.ModFill, error) {
	for _, b := range st.Builtins {
		if mb, ok := b.(*vm.ModBuiltin); ok && b.Name() == name {
			return &vm.ModFill{Ptr: ptr, Builtin: mb, N: n}, nil
		}
	}
	if n == 0 {
		return nil, nil
	}
	return nil, fmt.Errorf("%w: %s_builtin (the circuit has %d %s gates)", ErrMissingBuiltin, name, n, name)
}

// systemCall is syscall_handler.syscall(syscall_ptr=system).
func systemCall(st *vm.State, h *class.SystemCall) error {
	ptr, err := evalPtr(st, &h.System, "system")
	if err != nil {
		return err
	}
	var v any
	if len(st.Scopes) > 0 {
		v = st.Scopes[0][SyscallHandlerVar]
	}
	handler, ok := v.(SyscallHandler)
	if !ok || handler == nil {
		if v != nil {
			return fmt.Errorf("%w: main-scope variable %s holds a %T, not a cairo1.SyscallHandler", ErrNoSyscallHandler, SyscallHandlerVar, v)
		}
		return fmt.Errorf("%w: main-scope variable %s is not set", ErrNoSyscallHandler, SyscallHandlerVar)
	}
	return handler.SystemCall(st, ptr)
}

// cheatcode fails: cheatcodes are for test runners (snforge); cairo-lang
// raises NotImplementedError("Cheatcode").
func cheatcode(st *vm.State, h *class.Cheatcode) error {
	return fmt.Errorf("%w: Cheatcode (selector %s) is a test-runner hint that Starknet does not run", ErrNotImplemented, h.Selector)
}

// addRelocationRule is memory.add_relocation_rule(src_ptr=src,
// dest_ptr=dst).
func addRelocationRule(st *vm.State, h *class.AddRelocationRule) error {
	src, err := evalPtr(st, &h.Src, "src")
	if err != nil {
		return err
	}
	dst, err := evalPtr(st, &h.Dst, "dst")
	if err != nil {
		return err
	}
	return st.Mem.AddRelocationRule(src, dst)
}

// writeRunParam fails: it writes cairo-run's arguments, which an execution
// of a contract does not have.
func writeRunParam(st *vm.State, h *class.WriteRunParam) error {
	return fmt.Errorf("%w: WriteRunParam writes the arguments of a cairo-run invocation, which this execution does not have", ErrNotImplemented)
}

// addMarker records the felts from start up to end (Markers returns them).
func addMarker(st *vm.State, h *class.AddMarker) error {
	es, err := stateOf(st)
	if err != nil {
		return err
	}
	curr, err := evalPtr(st, &h.Start, "start")
	if err != nil {
		return err
	}
	end, err := evalPtr(st, &h.End, "end")
	if err != nil {
		return err
	}
	var felts []asm.Felt
	for curr != end {
		v, err := readAt(st.Mem, curr)
		if err != nil {
			return err
		}
		if !v.IsFelt() {
			return notInteger("a marker's cell "+curr.String(), v)
		}
		felts = append(felts, v.Felt())
		curr.Offset++
	}
	es.markers = append(es.markers, felts)
	return nil
}

// addTrace evaluates its flag and does nothing else: cairo-lang-runner
// records a panic backtrace with it, a debugging aid with no effect on the
// run.
func addTrace(st *vm.State, h *class.AddTrace) error {
	_, err := evalFelt(st, &h.Flag, "flag")
	return err
}
