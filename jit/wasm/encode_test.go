package wasm_test

import (
	"bytes"
	"math"
	"testing"

	"github.com/cairn-vm/cairn/jit/wasm"
)

// Byte values in this file are taken from the WebAssembly Core
// Specification, chapter 5 (binary format), not from the encoder.

func mustEncode(t testing.TB, m *wasm.Module) []byte {
	t.Helper()
	b, err := m.Encode()
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return b
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var header = []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}

func TestEmptyModule(t *testing.T) {
	got := mustEncode(t, wasm.NewModule())
	if !bytes.Equal(got, header) {
		t.Fatalf("empty module = % x, want % x", got, header)
	}
	if wasm.Magic+wasm.Version != string(header) {
		t.Fatalf("magic/version constants wrong")
	}
}

func TestSectionIDs(t *testing.T) {
	ids := map[string][2]byte{
		"custom": {wasm.SectionCustom, 0}, "type": {wasm.SectionType, 1}, "import": {wasm.SectionImport, 2},
		"function": {wasm.SectionFunction, 3}, "table": {wasm.SectionTable, 4}, "memory": {wasm.SectionMemory, 5},
		"global": {wasm.SectionGlobal, 6}, "export": {wasm.SectionExport, 7}, "start": {wasm.SectionStart, 8},
		"element": {wasm.SectionElement, 9}, "code": {wasm.SectionCode, 10}, "data": {wasm.SectionData, 11},
		"datacount": {wasm.SectionDataCount, 12},
	}
	for name, p := range ids {
		if p[0] != p[1] {
			t.Errorf("section %s id = %d, want %d", name, p[0], p[1])
		}
	}
	if wasm.I32 != 0x7f || wasm.I64 != 0x7e || wasm.F32 != 0x7d || wasm.F64 != 0x7c {
		t.Errorf("value type encodings wrong")
	}
	if wasm.ExternFunc != 0 || wasm.ExternMemory != 2 || wasm.ExternGlobal != 3 {
		t.Errorf("extern kind encodings wrong")
	}
}

// The canonical "add" module: (func (export "add") (param i32 i32) (result i32)
// local.get 0 local.get 1 i32.add).
func TestAddModuleBytes(t *testing.T) {
	m := wasm.NewModule()
	var c wasm.Code
	c.LocalGet(0)
	c.LocalGet(1)
	c.I32Add()
	c.End()
	f, err := m.AddFunction(wasm.FuncType{Params: []wasm.ValType{wasm.I32, wasm.I32}, Results: []wasm.ValType{wasm.I32}}, nil, &c)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.AddExport("add", wasm.ExternFunc, uint32(f)); err != nil {
		t.Fatal(err)
	}
	want := cat(header,
		[]byte{0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f},             // type
		[]byte{0x03, 0x02, 0x01, 0x00},                                           // function
		[]byte{0x07, 0x07, 0x01, 0x03, 'a', 'd', 'd', 0x00, 0x00},                // export
		[]byte{0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b}, // code
	)
	if got := mustEncode(t, m); !bytes.Equal(got, want) {
		t.Fatalf("add module:\n got % x\nwant % x", got, want)
	}
}

// A module using every supported section, in specification order.
func TestAllSectionsBytes(t *testing.T) {
	m := wasm.NewModule()
	hostSig := wasm.FuncType{Params: []wasm.ValType{wasm.I64}}
	h, err := m.AddImport("env", "h", hostSig)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.AddGlobalImport("env", "g", wasm.GlobalType{Type: wasm.I32}); err != nil {
		t.Fatal(err)
	}
	if err := m.AddMemory(wasm.Limits{Min: 1, Max: 2, HasMax: true}); err != nil {
		t.Fatal(err)
	}
	g, err := m.AddGlobal(wasm.GlobalType{Type: wasm.I64, Mutable: true}, wasm.ConstI64(-1))
	if err != nil {
		t.Fatal(err)
	}
	var c wasm.Code
	c.I64Const(-65)
	c.Call(h)
	c.End()
	f, err := m.AddFunction(wasm.FuncType{}, []wasm.ValType{wasm.I64, wasm.I64, wasm.I32, wasm.I64}, &c)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.AddExport("mem", wasm.ExternMemory, 0); err != nil {
		t.Fatal(err)
	}
	if err := m.AddExport("g", wasm.ExternGlobal, uint32(g)); err != nil {
		t.Fatal(err)
	}
	if err := m.SetStart(f); err != nil {
		t.Fatal(err)
	}
	if err := m.AddData(16, []byte("hi")); err != nil {
		t.Fatal(err)
	}
	if err := m.SetFunctionName(f, "init"); err != nil {
		t.Fatal(err)
	}
	want := cat(header,
		// type: 2 types: (i64)->() and ()->()
		[]byte{0x01, 0x08, 0x02, 0x60, 0x01, 0x7e, 0x00, 0x60, 0x00, 0x00},
		// import: env.h func type 0; env.g global i32 const
		[]byte{0x02, 0x12, 0x02,
			0x03, 'e', 'n', 'v', 0x01, 'h', 0x00, 0x00,
			0x03, 'e', 'n', 'v', 0x01, 'g', 0x03, 0x7f, 0x00},
		[]byte{0x03, 0x02, 0x01, 0x01},                         // function: type 1
		[]byte{0x05, 0x04, 0x01, 0x01, 0x01, 0x02},             // memory: {min 1, max 2}
		[]byte{0x06, 0x06, 0x01, 0x7e, 0x01, 0x42, 0x7f, 0x0b}, // global: mut i64 = i64.const -1
		// export: "mem" memory 0, "g" global 1
		[]byte{0x07, 0x0b, 0x02, 0x03, 'm', 'e', 'm', 0x02, 0x00, 0x01, 'g', 0x03, 0x01},
		[]byte{0x08, 0x01, 0x01}, // start: func 1
		// code: locals (2 i64)(1 i32)(1 i64); i64.const -65; call 0; end
		[]byte{0x0a, 0x0f, 0x01, 0x0d, 0x03, 0x02, 0x7e, 0x01, 0x7f, 0x01, 0x7e, 0x42, 0xbf, 0x7f, 0x10, 0x00, 0x0b},
		// data: active memory 0, offset i32.const 16, "hi"
		[]byte{0x0b, 0x08, 0x01, 0x00, 0x41, 0x10, 0x0b, 0x02, 'h', 'i'},
		// custom "name": function names subsection {1: "init"}
		[]byte{0x00, 0x0e, 0x04, 'n', 'a', 'm', 'e', 0x01, 0x07, 0x01, 0x01, 0x04, 'i', 'n', 'i', 't'},
	)
	got := mustEncode(t, m)
	if !bytes.Equal(got, want) {
		t.Fatalf("module:\n got % x\nwant % x", got, want)
	}
	// Sections appear in increasing id order (custom last).
	ids := sectionIDs(t, got)
	wantIDs := []byte{1, 2, 3, 5, 6, 7, 8, 10, 11, 0}
	if !bytes.Equal(ids, wantIDs) {
		t.Fatalf("section order %v, want %v", ids, wantIDs)
	}
}

// sectionIDs walks the section headers of a module.
func sectionIDs(t *testing.T, b []byte) []byte {
	t.Helper()
	if !bytes.Equal(b[:8], header) {
		t.Fatalf("bad header % x", b[:8])
	}
	var ids []byte
	for p := 8; p < len(b); {
		id := b[p]
		p++
		var size, shift uint
		for {
			c := b[p]
			p++
			size |= uint(c&0x7f) << shift
			shift += 7
			if c&0x80 == 0 {
				break
			}
		}
		p += int(size)
		if p > len(b) {
			t.Fatalf("section %d overruns the module", id)
		}
		ids = append(ids, id)
	}
	return ids
}

// instrBytes returns the encoding of the instructions emitted by emit,
// without the final end.
func instrBytes(t *testing.T, emit func(c *wasm.Code)) []byte {
	t.Helper()
	var c wasm.Code
	emit(&c)
	if err := c.Err(); err != nil {
		t.Fatalf("emit: %v", err)
	}
	return c.Bytes()
}

// Opcode values from the specification's instruction index.
func TestInstructionEncodings(t *testing.T) {
	simple := []struct {
		emit func(*wasm.Code)
		op   []byte
	}{
		{(*wasm.Code).Unreachable, []byte{0x00}}, {(*wasm.Code).Nop, []byte{0x01}},
		{(*wasm.Code).Return, []byte{0x0f}}, {(*wasm.Code).Drop, []byte{0x1a}}, {(*wasm.Code).Select, []byte{0x1b}},
		{(*wasm.Code).MemorySize, []byte{0x3f, 0x00}}, {(*wasm.Code).MemoryGrow, []byte{0x40, 0x00}},
		{(*wasm.Code).MemoryCopy, []byte{0xfc, 0x0a, 0x00, 0x00}}, {(*wasm.Code).MemoryFill, []byte{0xfc, 0x0b, 0x00}},
		{(*wasm.Code).I32Eqz, []byte{0x45}}, {(*wasm.Code).I32Eq, []byte{0x46}}, {(*wasm.Code).I32Ne, []byte{0x47}},
		{(*wasm.Code).I32LtS, []byte{0x48}}, {(*wasm.Code).I32LtU, []byte{0x49}}, {(*wasm.Code).I32GtS, []byte{0x4a}},
		{(*wasm.Code).I32GtU, []byte{0x4b}}, {(*wasm.Code).I32LeS, []byte{0x4c}}, {(*wasm.Code).I32LeU, []byte{0x4d}},
		{(*wasm.Code).I32GeS, []byte{0x4e}}, {(*wasm.Code).I32GeU, []byte{0x4f}},
		{(*wasm.Code).I64Eqz, []byte{0x50}}, {(*wasm.Code).I64Eq, []byte{0x51}}, {(*wasm.Code).I64Ne, []byte{0x52}},
		{(*wasm.Code).I64LtS, []byte{0x53}}, {(*wasm.Code).I64LtU, []byte{0x54}}, {(*wasm.Code).I64GtS, []byte{0x55}},
		{(*wasm.Code).I64GtU, []byte{0x56}}, {(*wasm.Code).I64LeS, []byte{0x57}}, {(*wasm.Code).I64LeU, []byte{0x58}},
		{(*wasm.Code).I64GeS, []byte{0x59}}, {(*wasm.Code).I64GeU, []byte{0x5a}},
		{(*wasm.Code).I32Clz, []byte{0x67}}, {(*wasm.Code).I32Ctz, []byte{0x68}}, {(*wasm.Code).I32Popcnt, []byte{0x69}},
		{(*wasm.Code).I32Add, []byte{0x6a}}, {(*wasm.Code).I32Sub, []byte{0x6b}}, {(*wasm.Code).I32Mul, []byte{0x6c}},
		{(*wasm.Code).I32DivS, []byte{0x6d}}, {(*wasm.Code).I32DivU, []byte{0x6e}}, {(*wasm.Code).I32RemS, []byte{0x6f}},
		{(*wasm.Code).I32RemU, []byte{0x70}}, {(*wasm.Code).I32And, []byte{0x71}}, {(*wasm.Code).I32Or, []byte{0x72}},
		{(*wasm.Code).I32Xor, []byte{0x73}}, {(*wasm.Code).I32Shl, []byte{0x74}}, {(*wasm.Code).I32ShrS, []byte{0x75}},
		{(*wasm.Code).I32ShrU, []byte{0x76}}, {(*wasm.Code).I32Rotl, []byte{0x77}}, {(*wasm.Code).I32Rotr, []byte{0x78}},
		{(*wasm.Code).I64Clz, []byte{0x79}}, {(*wasm.Code).I64Ctz, []byte{0x7a}}, {(*wasm.Code).I64Popcnt, []byte{0x7b}},
		{(*wasm.Code).I64Add, []byte{0x7c}}, {(*wasm.Code).I64Sub, []byte{0x7d}}, {(*wasm.Code).I64Mul, []byte{0x7e}},
		{(*wasm.Code).I64DivS, []byte{0x7f}}, {(*wasm.Code).I64DivU, []byte{0x80}}, {(*wasm.Code).I64RemS, []byte{0x81}},
		{(*wasm.Code).I64RemU, []byte{0x82}}, {(*wasm.Code).I64And, []byte{0x83}}, {(*wasm.Code).I64Or, []byte{0x84}},
		{(*wasm.Code).I64Xor, []byte{0x85}}, {(*wasm.Code).I64Shl, []byte{0x86}}, {(*wasm.Code).I64ShrS, []byte{0x87}},
		{(*wasm.Code).I64ShrU, []byte{0x88}}, {(*wasm.Code).I64Rotl, []byte{0x89}}, {(*wasm.Code).I64Rotr, []byte{0x8a}},
		{(*wasm.Code).I32WrapI64, []byte{0xa7}}, {(*wasm.Code).I64ExtendI32S, []byte{0xac}}, {(*wasm.Code).I64ExtendI32U, []byte{0xad}},
		{(*wasm.Code).I32Extend8S, []byte{0xc0}}, {(*wasm.Code).I32Extend16S, []byte{0xc1}},
		{(*wasm.Code).I64Extend8S, []byte{0xc2}}, {(*wasm.Code).I64Extend16S, []byte{0xc3}}, {(*wasm.Code).I64Extend32S, []byte{0xc4}},
	}
	for i, s := range simple {
		if got := instrBytes(t, s.emit); !bytes.Equal(got, s.op) {
			t.Errorf("simple[%d] = % x, want % x", i, got, s.op)
		}
	}

	mem := []struct {
		emit func(*wasm.Code, wasm.MemArg)
		op   byte
	}{
		{(*wasm.Code).I32Load, 0x28}, {(*wasm.Code).I64Load, 0x29},
		{(*wasm.Code).I32Load8S, 0x2c}, {(*wasm.Code).I32Load8U, 0x2d},
		{(*wasm.Code).I32Load16S, 0x2e}, {(*wasm.Code).I32Load16U, 0x2f},
		{(*wasm.Code).I64Load8S, 0x30}, {(*wasm.Code).I64Load8U, 0x31},
		{(*wasm.Code).I64Load16S, 0x32}, {(*wasm.Code).I64Load16U, 0x33},
		{(*wasm.Code).I64Load32S, 0x34}, {(*wasm.Code).I64Load32U, 0x35},
		{(*wasm.Code).I32Store, 0x36}, {(*wasm.Code).I64Store, 0x37},
		{(*wasm.Code).I32Store8, 0x3a}, {(*wasm.Code).I32Store16, 0x3b},
		{(*wasm.Code).I64Store8, 0x3c}, {(*wasm.Code).I64Store16, 0x3d}, {(*wasm.Code).I64Store32, 0x3e},
	}
	for _, s := range mem {
		got := instrBytes(t, func(c *wasm.Code) { s.emit(c, wasm.MemArg{Align: 0, Offset: 200}) })
		if want := []byte{s.op, 0x00, 0xc8, 0x01}; !bytes.Equal(got, want) {
			t.Errorf("memory op % x, want % x", got, want)
		}
	}

	withImm := []struct {
		emit func(*wasm.Code)
		want []byte
	}{
		{func(c *wasm.Code) { c.I64Load(wasm.MemArg{Align: 3, Offset: 8}) }, []byte{0x29, 0x03, 0x08}},
		{func(c *wasm.Code) { c.I32Const(0) }, []byte{0x41, 0x00}},
		{func(c *wasm.Code) { c.I32Const(-1) }, []byte{0x41, 0x7f}},
		{func(c *wasm.Code) { c.I32Const(64) }, []byte{0x41, 0xc0, 0x00}},
		{func(c *wasm.Code) { c.I32Const(math.MinInt32) }, []byte{0x41, 0x80, 0x80, 0x80, 0x80, 0x78}},
		{func(c *wasm.Code) { c.I64Const(-1) }, []byte{0x42, 0x7f}},
		{func(c *wasm.Code) { c.I64Const(math.MaxInt64) }, []byte{0x42, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00}},
		{func(c *wasm.Code) { c.F32Const(1) }, []byte{0x43, 0x00, 0x00, 0x80, 0x3f}},
		{func(c *wasm.Code) { c.F64Const(1) }, []byte{0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f}},
		{func(c *wasm.Code) { c.LocalGet(300) }, []byte{0x20, 0xac, 0x02}},
		{func(c *wasm.Code) { c.LocalSet(1) }, []byte{0x21, 0x01}},
		{func(c *wasm.Code) { c.LocalTee(2) }, []byte{0x22, 0x02}},
		{func(c *wasm.Code) { c.GlobalGet(3) }, []byte{0x23, 0x03}},
		{func(c *wasm.Code) { c.GlobalSet(4) }, []byte{0x24, 0x04}},
		{func(c *wasm.Code) { c.Call(128) }, []byte{0x10, 0x80, 0x01}},
		{func(c *wasm.Code) { c.Block(wasm.BlockEmpty); c.End() }, []byte{0x02, 0x40, 0x0b}},
		{func(c *wasm.Code) { c.Loop(wasm.BlockValue(wasm.I64)); c.End() }, []byte{0x03, 0x7e, 0x0b}},
		{func(c *wasm.Code) { c.If(wasm.BlockValue(wasm.I32)); c.Else(); c.End() }, []byte{0x04, 0x7f, 0x05, 0x0b}},
		{func(c *wasm.Code) { c.Block(wasm.BlockFunc(0)); c.End() }, []byte{0x02, 0x00, 0x0b}},
		{func(c *wasm.Code) { c.Block(wasm.BlockFunc(64)); c.End() }, []byte{0x02, 0xc0, 0x00, 0x0b}},
		{func(c *wasm.Code) { c.Block(wasm.BlockEmpty); c.Br(0); c.BrIf(1); c.End() }, []byte{0x02, 0x40, 0x0c, 0x00, 0x0d, 0x01, 0x0b}},
		{func(c *wasm.Code) {
			c.Block(wasm.BlockEmpty)
			c.Block(wasm.BlockEmpty)
			c.BrTable([]uint32{0, 1}, 2)
			c.End()
			c.End()
		}, []byte{0x02, 0x40, 0x02, 0x40, 0x0e, 0x02, 0x00, 0x01, 0x02, 0x0b, 0x0b}},
		{func(c *wasm.Code) { c.End() }, []byte{0x0b}},
	}
	for i, s := range withImm {
		if got := instrBytes(t, s.emit); !bytes.Equal(got, s.want) {
			t.Errorf("withImm[%d] = % x, want % x", i, got, s.want)
		}
	}
}

// Labels resolve to the relative depths the binary format uses.
func TestLabels(t *testing.T) {
	var c wasm.Code
	outer := c.Block(wasm.BlockEmpty)
	loop := c.Loop(wasm.BlockEmpty)
	inner := c.If(wasm.BlockEmpty)
	c.BrTo(loop)
	c.BrIfTo(outer)
	c.BrTableTo([]wasm.Label{inner, loop}, outer)
	if d, err := c.LabelDepth(outer); err != nil || d != 2 {
		t.Fatalf("LabelDepth(outer) = %d, %v", d, err)
	}
	c.End()
	c.BrTo(outer)
	c.End()
	c.End()
	if _, err := c.LabelDepth(inner); err == nil {
		t.Fatal("closed label still resolves")
	}
	want := []byte{0x02, 0x40, 0x03, 0x40, 0x04, 0x40,
		0x0c, 0x01, 0x0d, 0x02, 0x0e, 0x02, 0x00, 0x01, 0x02, 0x0b,
		0x0c, 0x01, 0x0b, 0x0b}
	if got := instrBytes(t, func(*wasm.Code) {}); len(got) != 0 {
		t.Fatal("empty code has bytes")
	}
	if !bytes.Equal(c.Bytes(), want) || c.Err() != nil {
		t.Fatalf("got % x (%v), want % x", c.Bytes(), c.Err(), want)
	}
	if c.Instructions() != 10 || c.OpenBlocks() != 0 || c.Done() {
		t.Fatalf("Instructions=%d OpenBlocks=%d Done=%v", c.Instructions(), c.OpenBlocks(), c.Done())
	}
}

func TestDeterministic(t *testing.T) {
	build := func() []byte {
		m := wasm.NewModule()
		for i := 0; i < 50; i++ {
			var c wasm.Code
			c.LocalGet(0)
			c.I64Const(int64(i) * 1_000_003)
			c.I64Mul()
			c.End()
			f, err := m.AddFunction(wasm.FuncType{Params: []wasm.ValType{wasm.I64}, Results: []wasm.ValType{wasm.I64}},
				[]wasm.ValType{wasm.I32, wasm.I64}, &c)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.SetFunctionName(f, "f"); err != nil {
				t.Fatal(err)
			}
			if err := m.AddExport(string(rune('a'+i%26))+string(rune('a'+i/26)), wasm.ExternFunc, uint32(f)); err != nil {
				t.Fatal(err)
			}
		}
		a := mustEncode(t, m)
		b := mustEncode(t, m)
		if !bytes.Equal(a, b) {
			t.Fatal("two encodings of one module differ")
		}
		return a
	}
	if !bytes.Equal(build(), build()) {
		t.Fatal("two identical builds encode differently")
	}
}

func TestTypeDedup(t *testing.T) {
	m := wasm.NewModule()
	a, _ := m.AddType(wasm.FuncType{Params: []wasm.ValType{wasm.I64}})
	b, _ := m.AddType(wasm.FuncType{Results: []wasm.ValType{wasm.I64}})
	params := []wasm.ValType{wasm.I64}
	c, _ := m.AddType(wasm.FuncType{Params: params})
	params[0] = wasm.I32 // the module keeps its own copy
	if a != 0 || b != 1 || c != 0 {
		t.Fatalf("type indices %d %d %d, want 0 1 0", a, b, c)
	}
	if ft, ok := m.Type(0); !ok || ft.Params[0] != wasm.I64 {
		t.Fatalf("type 0 = %v", ft)
	}
	if _, err := m.AddType(wasm.FuncType{Params: []wasm.ValType{0x40}}); err == nil {
		t.Fatal("invalid value type accepted")
	}
}
