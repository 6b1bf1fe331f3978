package feltwasm_test

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/tetratelabs/wazero"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/jit/feltwasm"
	"github.com/cairn-vm/cairn/jit/wasm"
)

// A function that computes [p+64] = [p]·[p+32] + 5 on felts in linear
// memory, with a call of the shared multiplication function and an inline
// addition; Go then reads the result's bytes as an asm.Felt.
func Example() {
	m := wasm.NewModule()
	if err := m.AddMemory(wasm.Limits{Min: 1}); err != nil {
		panic(err)
	}
	mul, err := feltwasm.AddMulFunc(m)
	if err != nil {
		panic(err)
	}

	// f(p i32): local 0 is p; the Emitter takes its scratch locals from l.
	l := feltwasm.NewLocals(1)
	e := feltwasm.NewEmitter(l.New)
	x, y, z, five := feltwasm.At(0, 0), feltwasm.At(0, 32), feltwasm.At(0, 64), feltwasm.At(0, 96)
	var c wasm.Code
	feltwasm.CallMul(&c, mul, z, x, y)
	feltwasm.Const(&c, five, asm.FeltFromUint64(5))
	e.Add(&c, z, z, five)
	c.End()
	f, err := m.AddFunction(wasm.FuncType{Params: []wasm.ValType{wasm.I32}}, l.Types(), &c)
	if err != nil {
		panic(err)
	}
	if err := m.AddExport("f", wasm.ExternFunc, uint32(f)); err != nil {
		panic(err)
	}
	bin, err := m.Encode()
	if err != nil {
		panic(err)
	}

	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	mod, err := r.Instantiate(ctx, bin)
	if err != nil {
		panic(err)
	}
	put := func(addr uint32, v asm.Felt) {
		for i, limb := range feltwasm.Limbs(v) {
			mod.Memory().WriteUint64Le(addr+8*uint32(i), limb)
		}
	}
	const p = 1024
	put(p, asm.FeltFromUint64(6))
	put(p+32, asm.FeltFromInt64(-7))
	if _, err := mod.ExportedFunction("f").Call(ctx, p); err != nil {
		panic(err)
	}
	b, _ := mod.Memory().Read(p+64, feltwasm.FeltSize)
	var res asm.Felt
	for i := range res {
		res[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	fmt.Println(res.Signed())
	// Output: -37
}
