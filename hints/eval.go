package hints

import (
	"fmt"
	"math/big"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/vm"
)

// evalEnv is what a reference expression is evaluated against: memory, fp,
// and ap already corrected by the reference's ap tracking.
type evalEnv struct {
	mem    *vm.Memory
	ap, fp vm.Relocatable
}

// unknownCellError is cairo-lang's UnknownMemoryError message.
func unknownCellError(addr vm.Relocatable) error {
	return fmt.Errorf("Unknown value for memory cell at address %s.", addr)
}

// readCell reads a known memory cell; hints see memory as cairo-lang's
// MemoryDict does, so an unwritten cell is an error (no builtin deduction).
func readCell(m *vm.Memory, addr vm.Relocatable) (vm.Value, error) {
	v := m.Get(addr)
	if !v.Known() {
		return vm.Value{}, unknownCellError(addr)
	}
	return v, nil
}

// eval computes the value of a reference expression.
func (env *evalEnv) eval(e expr) (vm.Value, error) {
	switch e := e.(type) {
	case *exprConst:
		return vm.FeltValue(e.felt), nil
	case *exprReg:
		if e.ap {
			return vm.PtrValue(env.ap), nil
		}
		return vm.PtrValue(env.fp), nil
	case *exprCast:
		return env.eval(e.e)
	case *exprDeref:
		a, err := env.eval(e.addr)
		if err != nil {
			return vm.Value{}, err
		}
		if !a.IsPtr() {
			return vm.Value{}, fmt.Errorf("cannot read memory at %s: not a relocatable address", a)
		}
		return readCell(env.mem, a.Ptr())
	case *exprAddr:
		d, ok := stripCasts(e.e).(*exprDeref)
		if !ok {
			return vm.Value{}, fmt.Errorf("cannot take the address of %s", formatExpr(e.e))
		}
		return env.eval(d.addr)
	case *exprNeg:
		v, err := env.eval(e.e)
		if err != nil {
			return vm.Value{}, err
		}
		if !v.IsFelt() {
			return vm.Value{}, fmt.Errorf("cannot negate the relocatable value %s", v)
		}
		var r asm.Felt
		f := v.Felt()
		r.Neg(&f)
		return vm.FeltValue(r), nil
	case *exprBin:
		a, err := env.eval(e.a)
		if err != nil {
			return vm.Value{}, err
		}
		b, err := env.eval(e.b)
		if err != nil {
			return vm.Value{}, err
		}
		switch e.op {
		case "+":
			return vm.Add(a, b)
		case "-":
			return vm.Sub(a, b)
		case "*":
			return vm.Mul(a, b)
		case "/":
			if !a.IsFelt() || !b.IsFelt() {
				return vm.Value{}, fmt.Errorf("cannot divide relocatable values: %s / %s", a, b)
			}
			fb := b.Felt()
			if fb.IsZero() {
				return vm.Value{}, fmt.Errorf("division by zero")
			}
			var r asm.Felt
			fa := a.Felt()
			r.Div(&fa, &fb)
			return vm.FeltValue(r), nil
		case "**":
			if !a.IsFelt() || !b.IsFelt() {
				return vm.Value{}, fmt.Errorf("cannot raise relocatable values: %s ** %s", a, b)
			}
			fa, fb := a.Felt(), b.Felt()
			var r big.Int
			r.Exp(fa.BigInt(), fb.BigInt(), primeBig)
			var f asm.Felt
			f.SetBigInt(&r)
			return vm.FeltValue(f), nil
		}
	case *exprTuple:
		return vm.Value{}, fmt.Errorf("unable to evaluate a tuple expression %s as one value", formatExpr(e))
	}
	return vm.Value{}, fmt.Errorf("unsupported expression %T", e)
}
