package wasm_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/cairn-vm/cairn/jit/wasm"
)

// wazeroCompile compiles bin in every engine and returns the first error.
func wazeroCompile(bin []byte) error {
	ctx := context.Background()
	for _, e := range engines() {
		r := wazero.NewRuntimeWithConfig(ctx, e.Config())
		cm, err := r.CompileModule(ctx, bin)
		if err == nil {
			cm.Close(ctx)
		}
		r.Close(ctx)
		if err != nil {
			return err
		}
	}
	return nil
}

// Structural misuse is caught while emitting: the body is refused by
// AddFunction and the error names the instruction.
func TestStructuralErrors(t *testing.T) {
	cases := []struct {
		name  string
		emit  func(c *wasm.Code)
		instr int
		msg   string
	}{
		{"missing final end", func(c *wasm.Code) { c.Nop() }, -1, "not terminated"},
		{"unclosed block", func(c *wasm.Code) { c.Block(wasm.BlockEmpty); c.Block(wasm.BlockEmpty); c.End() }, -1, "open blocks: 1"},
		{"extra end", func(c *wasm.Code) { c.End(); c.End() }, 1, "after the final end"},
		{"instruction after end", func(c *wasm.Code) { c.End(); c.Nop() }, 1, "after the final end"},
		{"else without if", func(c *wasm.Code) { c.Block(wasm.BlockEmpty); c.Else() }, 1, "else without"},
		{"else at top level", func(c *wasm.Code) { c.Else() }, 0, "else without"},
		{"double else", func(c *wasm.Code) { c.I32Const(1); c.If(wasm.BlockEmpty); c.Else(); c.Else() }, 3, "else without"},
		{"br too deep", func(c *wasm.Code) { c.Block(wasm.BlockEmpty); c.Br(2) }, 1, "label depth 2"},
		{"br_if too deep", func(c *wasm.Code) { c.BrIf(1) }, 0, "label depth 1"},
		{"br_table target too deep", func(c *wasm.Code) { c.I32Const(0); c.BrTable([]uint32{0, 5}, 0) }, 1, "label depth 5"},
		{"br_table default too deep", func(c *wasm.Code) { c.I32Const(0); c.BrTable(nil, 1) }, 1, "label depth 1"},
		{"closed label", func(c *wasm.Code) { l := c.Block(wasm.BlockEmpty); c.End(); c.BrTo(l) }, 2, "not an enclosing"},
		{"foreign label", func(c *wasm.Code) {
			var other wasm.Code
			l := other.Block(wasm.BlockEmpty)
			c.Block(wasm.BlockEmpty)
			c.BrTo(l)
		}, 1, "not an enclosing"},
		{"zero label", func(c *wasm.Code) { c.BrIfTo(wasm.Label{}) }, 0, "not an enclosing"},
		{"stale label", func(c *wasm.Code) {
			l := c.Block(wasm.BlockEmpty)
			c.End()
			c.Block(wasm.BlockEmpty) // same nesting level, different block
			c.BrTableTo(nil, l)
		}, 3, "not an enclosing"},
		{"over-aligned load", func(c *wasm.Code) { c.I32Const(0); c.I64Load32U(wasm.MemArg{Align: 3}) }, 1, "alignment"},
		{"over-aligned store", func(c *wasm.Code) { c.I32Const(0); c.I32Const(0); c.I32Store8(wasm.MemArg{Align: 1}) }, 2, "alignment"},
		{"bad block type", func(c *wasm.Code) { c.Block(wasm.BlockValue(0x40)) }, 0, "invalid block result type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var c wasm.Code
			tc.emit(&c)
			m := wasm.NewModule()
			_, err := m.AddFunction(wasm.FuncType{}, nil, &c)
			if err == nil {
				t.Fatal("AddFunction accepted the body")
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %q does not mention %q", err, tc.msg)
			}
			if tc.instr >= 0 {
				var be *wasm.BodyError
				if !errors.As(err, &be) || be.Instr != tc.instr || !be.HasFunc || be.Func != 0 {
					t.Fatalf("error %#v, want instruction %d of func 0", err, tc.instr)
				}
				if c.Err() == nil {
					t.Fatal("Code.Err is nil")
				}
			}
			if m.NumFuncs() != 0 {
				t.Fatal("failed AddFunction left a function behind")
			}
			if b, err := m.Encode(); err != nil || len(b) != 8 {
				t.Fatalf("module after failed AddFunction: % x, %v", b, err)
			}
			// Declared but never defined: Encode refuses.
			if _, err := m.DeclareFunction(wasm.FuncType{}); err != nil {
				t.Fatal(err)
			}
			if _, err := m.Encode(); err == nil || !strings.Contains(err.Error(), "no body") {
				t.Fatalf("Encode with an undefined function: %v", err)
			}
		})
	}
}

// Changing a body after it was given to the module is caught by Encode.
func TestBodyChangedAfterDefine(t *testing.T) {
	m := wasm.NewModule()
	var c wasm.Code
	c.End()
	if _, err := m.AddFunction(wasm.FuncType{}, nil, &c); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Encode(); err != nil {
		t.Fatal(err)
	}
	c.Nop()
	if _, err := m.Encode(); err == nil {
		t.Fatal("Encode accepted a body with an instruction after its final end")
	}
	c.Reset()
	c.Block(wasm.BlockEmpty)
	if _, err := m.Encode(); err == nil || !strings.Contains(err.Error(), "not terminated") {
		t.Fatalf("Encode of an unterminated body: %v", err)
	}
}

// Type errors are found by Validate/Encode. For each, the module encoded
// without that check must also be rejected by wazero, so the validator is
// not stricter than the engine.
func TestTypeErrors(t *testing.T) {
	i64 := wasm.I64
	cases := []struct {
		name   string
		sig    wasm.FuncType
		locals []wasm.ValType
		emit   func(c *wasm.Code)
		instr  int
		msg    string
	}{
		{"operand type", wasm.FuncType{}, nil, func(c *wasm.Code) { c.I32Const(1); c.I64Const(2); c.I64Add(); c.Drop() }, 2, "expected i64, got i32"},
		{"underflow", wasm.FuncType{}, nil, func(c *wasm.Code) { c.I64Const(1); c.I64Add(); c.Drop() }, 1, "underflow"},
		{"missing result", sig(nil, i64), nil, func(c *wasm.Code) {}, 0, "underflow"},
		{"wrong result", sig(nil, i64), nil, func(c *wasm.Code) { c.I32Const(0) }, 1, "expected i64, got i32"},
		{"extra value", wasm.FuncType{}, nil, func(c *wasm.Code) { c.I32Const(0) }, 1, "extra values"},
		{"extra value in block", wasm.FuncType{}, nil, func(c *wasm.Code) { c.Block(wasm.BlockEmpty); c.I32Const(0); c.End() }, 2, "extra values"},
		{"block result", wasm.FuncType{}, nil, func(c *wasm.Code) { c.Block(wasm.BlockValue(i64)); c.End(); c.Drop() }, 1, "underflow"},
		{"if condition", wasm.FuncType{}, nil, func(c *wasm.Code) { c.I64Const(0); c.If(wasm.BlockEmpty); c.End() }, 1, "expected i32, got i64"},
		{"if without else with result", wasm.FuncType{}, nil, func(c *wasm.Code) {
			c.I32Const(1)
			c.If(wasm.BlockValue(i64))
			c.I64Const(1)
			c.End()
			c.Drop()
		}, 3, "if without else"},
		{"br value", wasm.FuncType{}, nil, func(c *wasm.Code) { c.Block(wasm.BlockValue(i64)); c.I32Const(0); c.Br(0); c.End(); c.Drop() }, 2, "expected i64, got i32"},
		{"br_if condition", wasm.FuncType{}, nil, func(c *wasm.Code) { c.I64Const(0); c.BrIf(0) }, 1, "expected i32"},
		{"br_table arity", wasm.FuncType{}, nil, func(c *wasm.Code) {
			c.Block(wasm.BlockEmpty)
			c.Block(wasm.BlockValue(i64))
			c.I64Const(0)
			c.I32Const(0)
			c.BrTable([]uint32{0}, 1)
			c.End()
			c.Drop()
			c.End()
		}, 4, "operands"},
		{"return value", sig(nil, i64), nil, func(c *wasm.Code) { c.I32Const(0); c.Return() }, 1, "expected i64"},
		{"select mismatch", wasm.FuncType{}, nil, func(c *wasm.Code) { c.I32Const(0); c.I64Const(0); c.I32Const(1); c.Select(); c.Drop() }, 3, "select"},
		{"unknown local", sig(vt(i64)), vt(wasm.I32), func(c *wasm.Code) { c.LocalGet(2); c.Drop() }, 0, "unknown local 2"},
		{"local type", sig(vt(i64)), nil, func(c *wasm.Code) { c.I32Const(0); c.LocalSet(0) }, 1, "expected i64, got i32"},
		{"unknown global", wasm.FuncType{}, nil, func(c *wasm.Code) { c.GlobalGet(9); c.Drop() }, 0, "unknown global"},
		{"immutable global", wasm.FuncType{}, nil, func(c *wasm.Code) { c.I64Const(0); c.GlobalSet(0) }, 1, "immutable"},
		{"unknown func", wasm.FuncType{}, nil, func(c *wasm.Code) { c.Call(7) }, 0, "unknown func"},
		{"call args", wasm.FuncType{}, nil, func(c *wasm.Code) { c.I32Const(0); c.Call(0) }, 1, "expected i64"},
		{"no memory", wasm.FuncType{}, nil, func(c *wasm.Code) { c.MemorySize(); c.Drop() }, 0, "no memory"},
		{"no memory for fill", wasm.FuncType{}, nil, func(c *wasm.Code) { c.I32Const(0); c.I32Const(0); c.I32Const(0); c.MemoryFill() }, 3, "no memory"},
		{"bad block type index", wasm.FuncType{}, nil, func(c *wasm.Code) { c.Block(wasm.BlockFunc(99)); c.End() }, 0, "out of range"},
		{"polymorphic stack still typed", wasm.FuncType{}, nil, func(c *wasm.Code) {
			c.Unreachable()
			c.I32Const(0)
			c.I64Add()
			c.Drop()
		}, 2, "expected i64, got i32"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := wasm.NewModule()
			// func 0 and global 0 for the call and global cases.
			var h wasm.Code
			h.End()
			if _, err := m.AddFunction(sig(vt(i64)), nil, &h); err != nil {
				t.Fatal(err)
			}
			if _, err := m.AddGlobal(wasm.GlobalType{Type: i64}, wasm.ConstI64(0)); err != nil {
				t.Fatal(err)
			}
			var c wasm.Code
			tc.emit(&c)
			c.End()
			f, err := m.AddFunction(tc.sig, tc.locals, &c)
			if err != nil {
				t.Fatalf("AddFunction: %v", err)
			}
			_, err = m.Encode()
			if err == nil {
				t.Fatal("Encode accepted an ill-typed body")
			}
			var be *wasm.BodyError
			if !errors.As(err, &be) || be.Func != f || be.Instr != tc.instr || !strings.Contains(be.Msg, tc.msg) {
				t.Fatalf("error %q, want func %d instruction %d mentioning %q", err, f, tc.instr, tc.msg)
			}
			if m.Validate() == nil {
				t.Fatal("Validate accepted what Encode rejected")
			}
			bin, err := wasm.EncodeUnchecked(m)
			if err != nil {
				t.Fatal(err)
			}
			if err := wazeroCompile(bin); err == nil {
				t.Fatal("wazero accepted the module the validator rejected")
			}
		})
	}
}

// Valid programs on the edge of the rules are accepted by both.
func TestValidEdgeCases(t *testing.T) {
	cases := []struct {
		name string
		sig  wasm.FuncType
		emit func(c *wasm.Code)
	}{
		{"unreachable then anything", sig(nil, wasm.I64), func(c *wasm.Code) { c.Unreachable(); c.I64Add() }},
		{"br then polymorphic", sig(nil, wasm.I32), func(c *wasm.Code) {
			c.Block(wasm.BlockValue(wasm.I64))
			c.I32Const(0)
			c.Br(1)
			c.Select()
			c.I64Eqz()
			c.Drop()
			c.I64Const(1)
			c.End()
			c.I32WrapI64()
		}},
		{"return in block", sig(nil, wasm.I64), func(c *wasm.Code) { c.Block(wasm.BlockEmpty); c.I64Const(1); c.Return(); c.End(); c.I64Const(2) }},
		{"br to function", sig(nil, wasm.I64), func(c *wasm.Code) { c.Block(wasm.BlockEmpty); c.I64Const(1); c.Br(1); c.End(); c.I64Const(2) }},
		{"if without else, equal types", sig(vt(wasm.I32)), func(c *wasm.Code) { c.LocalGet(0); c.If(wasm.BlockEmpty); c.Nop(); c.End() }},
		{"br_table in dead code", wasm.FuncType{}, func(c *wasm.Code) {
			c.Block(wasm.BlockValue(wasm.I32))
			c.Block(wasm.BlockValue(wasm.I64))
			c.Unreachable()
			c.BrTable([]uint32{0}, 0)
			c.End()
			c.Drop()
			c.I32Const(0)
			c.End()
			c.Drop()
		}},
		{"br_table mixed types in dead code", wasm.FuncType{}, func(c *wasm.Code) {
			c.Block(wasm.BlockValue(wasm.I32))
			c.Block(wasm.BlockValue(wasm.I64))
			c.Unreachable()
			c.BrTable([]uint32{1}, 0)
			c.End()
			c.Drop()
			c.I32Const(0)
			c.End()
			c.Drop()
		}},
		{"memory-free arithmetic only", sig(vt(wasm.I64), wasm.I64), func(c *wasm.Code) {
			c.LocalGet(0)
			c.LocalGet(0)
			c.I64Rotl()
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := wasm.NewModule()
			var c wasm.Code
			tc.emit(&c)
			c.End()
			if _, err := m.AddFunction(tc.sig, nil, &c); err != nil {
				t.Fatal(err)
			}
			bin, err := m.Encode()
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if err := wazeroCompile(bin); err != nil {
				t.Fatalf("wazero: %v", err)
			}
		})
	}
}

func TestModuleErrors(t *testing.T) {
	var empty wasm.Code
	empty.End()
	check := func(name string, err error, msg string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: error %v, want one mentioning %q", name, err, msg)
		}
	}

	m := wasm.NewModule()
	f, err := m.AddFunction(wasm.FuncType{}, nil, &empty)
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.AddImport("env", "late", wasm.FuncType{})
	check("import after function", err, "after a function definition")
	_, err = m.AddImport("", "x", wasm.FuncType{})
	check("empty module name", err, "empty")
	_, err = m.AddImport("env", "\xff", wasm.FuncType{})
	check("bad UTF-8", err, "UTF-8")
	_, err = m.AddFunction(wasm.FuncType{Results: []wasm.ValType{9}}, nil, &empty)
	check("bad result type", err, "invalid result type")
	_, err = m.AddFunction(wasm.FuncType{}, []wasm.ValType{0}, &empty)
	check("bad local type", err, "invalid local type")
	_, err = m.AddFunction(wasm.FuncType{}, nil, nil)
	check("nil body", err, "nil body")
	check("define import", m.DefineFunction(f+5, nil, &empty), "not a declared function")
	check("define twice", m.DefineFunction(f, nil, &empty), "already defined")

	check("duplicate export", func() error {
		if err := m.AddExport("x", wasm.ExternFunc, uint32(f)); err != nil {
			return err
		}
		return m.AddExport("x", wasm.ExternFunc, uint32(f))
	}(), "duplicate export")
	check("export unknown func", m.AddExport("y", wasm.ExternFunc, 10), "unknown func")
	check("export missing memory", m.AddExport("mem", wasm.ExternMemory, 0), "unknown memory")
	check("export unknown global", m.AddExport("g", wasm.ExternGlobal, 0), "unknown global")
	check("export table", m.AddExport("t", 1, 0), "unsupported kind")
	check("name unknown func", m.SetFunctionName(99, "x"), "unknown func")

	check("bad limits", m.AddMemory(wasm.Limits{Min: 2, Max: 1, HasMax: true}), "exceeds maximum")
	check("too many pages", m.AddMemory(wasm.Limits{Min: wasm.MaxPages + 1}), "exceeds")
	check("max too large", m.AddMemory(wasm.Limits{Max: wasm.MaxPages + 1, HasMax: true}), "exceeds")
	if err := m.AddMemory(wasm.Limits{Min: 1}); err != nil {
		t.Fatal(err)
	}
	check("second memory", m.AddMemory(wasm.Limits{Min: 1}), "already has a memory")
	check("memory import after memory", m.AddMemoryImport("env", "m", wasm.Limits{}), "already has a memory")

	var p wasm.Code
	p.End()
	g1, err := m.AddFunction(wasm.FuncType{Params: []wasm.ValType{wasm.I32}}, nil, &p)
	if err != nil {
		t.Fatal(err)
	}
	check("start with params", m.SetStart(g1), "want () -> ()")
	check("unknown start", m.SetStart(99), "unknown func")

	_, err = m.AddGlobal(wasm.GlobalType{Type: wasm.I64}, wasm.ConstI32(1))
	check("init type", err, "initialised with a i32")
	_, err = m.AddGlobal(wasm.GlobalType{Type: wasm.I64}, wasm.ConstExpr{})
	check("no init", err, "no initialiser")
	g, err := m.AddGlobal(wasm.GlobalType{Type: wasm.I64}, wasm.ConstI64(1))
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.AddGlobal(wasm.GlobalType{Type: wasm.I64}, wasm.ConstGlobalGet(g))
	check("init from defined global", err, "imported global")
	_, err = m.AddGlobalImport("env", "g", wasm.GlobalType{Type: wasm.I64})
	check("global import after global", err, "after a global definition")

	check("data too big", m.AddData(wasm.PageSize*wasm.MaxPages-1, []byte{1, 2}), "exceeds 4 GiB")
	if err := m.AddData(wasm.PageSize-1, []byte{1, 2}); err != nil {
		t.Fatal(err)
	}
	_, err = m.Encode()
	check("data beyond initial memory", err, "exceeds the initial memory")

	// Constant initialisers may read imported immutable globals only.
	m2 := wasm.NewModule()
	mut, _ := m2.AddGlobalImport("env", "mut", wasm.GlobalType{Type: wasm.I32, Mutable: true})
	_, err = m2.AddGlobal(wasm.GlobalType{Type: wasm.I32}, wasm.ConstGlobalGet(mut))
	check("init from mutable import", err, "mutable")
	if err := m2.AddData(0, nil); err != nil {
		t.Fatal(err)
	}
	_, err = m2.Encode()
	check("data without memory", err, "no memory")
}
