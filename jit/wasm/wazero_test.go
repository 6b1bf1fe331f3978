package wasm_test

import (
	"context"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/cairn-vm/cairn/internal/wazeroengines"
	"github.com/cairn-vm/cairn/jit/wasm"
)

// engines lists the wazero engines to run modules on.
func engines() []wazeroengines.Engine { return wazeroengines.All() }

// forEachEngine runs fn in a subtest per engine with a fresh runtime.
func forEachEngine(t *testing.T, fn func(t *testing.T, ctx context.Context, r wazero.Runtime)) {
	for _, e := range engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			r := wazero.NewRuntimeWithConfig(ctx, e.Config())
			defer r.Close(ctx)
			fn(t, ctx, r)
		})
	}
}

// instantiate encodes m and instantiates it under name.
func instantiate(t *testing.T, ctx context.Context, r wazero.Runtime, m *wasm.Module, name string) api.Module {
	t.Helper()
	bin := mustEncode(t, m)
	mod, err := r.InstantiateWithConfig(ctx, bin, wazero.NewModuleConfig().WithName(name))
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	return mod
}

// call invokes an exported function and fails the test on a trap.
func call(t *testing.T, ctx context.Context, mod api.Module, name string, args ...uint64) []uint64 {
	t.Helper()
	fn := mod.ExportedFunction(name)
	if fn == nil {
		t.Fatalf("no export %q", name)
	}
	res, err := fn.Call(ctx, args...)
	if err != nil {
		t.Fatalf("%s%v: %v", name, args, err)
	}
	return res
}

// callErr invokes an exported function expecting a trap.
func callErr(t *testing.T, ctx context.Context, mod api.Module, name string, args ...uint64) error {
	t.Helper()
	_, err := mod.ExportedFunction(name).Call(ctx, args...)
	if err == nil {
		t.Fatalf("%s%v: expected a trap", name, args)
	}
	return err
}

// exportFunc adds a function and exports it under name.
func exportFunc(t *testing.T, m *wasm.Module, name string, sig wasm.FuncType, locals []wasm.ValType, c *wasm.Code) wasm.FuncIdx {
	t.Helper()
	f, err := m.AddFunction(sig, locals, c)
	if err != nil {
		t.Fatalf("AddFunction %s: %v", name, err)
	}
	if err := m.AddExport(name, wasm.ExternFunc, uint32(f)); err != nil {
		t.Fatalf("AddExport %s: %v", name, err)
	}
	return f
}

func sig(params []wasm.ValType, results ...wasm.ValType) wasm.FuncType {
	return wasm.FuncType{Params: params, Results: results}
}

func vt(ts ...wasm.ValType) []wasm.ValType { return ts }
