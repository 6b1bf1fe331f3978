package jit

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"weak"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/vm"
)

// Code is bytecode prepared for the JIT: cut into blocks once, and
// compiled to a wasm module per trace setting on first use. It is
// read-only and shared by every run of that bytecode.
type Code struct {
	key  [32]byte
	a    *analysis
	mods *[2]moduleOnce // trace off, on (apart from the Code, for its cleanup)

	tablesOnce    sync.Once
	blocks, sites []int32 // the analysis' tables (analysis.tables)

	// slower is set, per trace setting, once the auto engine found the
	// interpreter faster on this code.
	slower [2]atomic.Bool
}

// tables returns the block and site tables every instance copies in.
func (c *Code) tables() (blocks, sites []int32) {
	c.tablesOnce.Do(func() { c.blocks, c.sites = c.a.tables() })
	return c.blocks, c.sites
}

type moduleOnce struct {
	once sync.Once
	done atomic.Bool
	mod  wazero.CompiledModule
	err  error
	// The second tier (tier2.go): compiled once, for the groups that the
	// first run to get hot found hot; t2 is nil when it failed.
	t2Once    sync.Once
	t2Started atomic.Bool
	t2Done    atomic.Bool
	t2        wazero.CompiledModule
}

// The process finds every live Code by content: loading the same program
// or class twice compiles it once. A Code nobody holds any more (its
// program collected, say) is dropped, and its compiled modules closed, so
// that a process that makes many programs (a fuzzer) does not keep them all.
var (
	codesMu sync.Mutex
	codes   = map[[32]byte]weak.Pointer[Code]{}
)

// closeModules releases a dropped Code's compiled modules.
func closeModules(mods *[2]moduleOnce) {
	for i := range mods {
		m := &mods[i]
		m.once.Do(func() {}) // a compile still running finishes first
		if m.mod != nil {
			_ = m.mod.Close(context.Background())
		}
		m.t2Once.Do(func() {})
		if m.t2 != nil {
			_ = m.t2.Close(context.Background())
		}
	}
}

// Compile prepares code: entries are the pcs where runs may begin or
// computed jumps may land (functions, labels, entry points), hinted the
// pcs whose hints the interpreter runs before their instruction. The
// result comes from the process's cache when the same bytecode, hints and
// entries were prepared before.
func Compile(code []asm.Felt, hinted []int, entries []int) *Code {
	hinted = slices.Sorted(slices.Values(hinted))
	entries = slices.Compact(slices.Sorted(slices.Values(entries)))
	h := sha256.New()
	var w [8]byte
	word := func(x uint64) { binary.LittleEndian.PutUint64(w[:], x); h.Write(w[:]) }
	word(uint64(len(code)))
	for i := range code {
		for _, l := range [4]uint64(code[i]) {
			word(l)
		}
	}
	for _, l := range [][]int{hinted, entries} {
		word(uint64(len(l)))
		for _, x := range l {
			word(uint64(x))
		}
	}
	var key [32]byte
	h.Sum(key[:0])
	codesMu.Lock()
	defer codesMu.Unlock()
	if c := codes[key].Value(); c != nil {
		return c
	}
	isHinted := make(map[int]bool, len(hinted))
	for _, pc := range hinted {
		isHinted[pc] = true
	}
	c := &Code{key: key, mods: new([2]moduleOnce)}
	if len(code) <= maxCode {
		c.a = analyze(code, entries, func(pc int) bool { return isHinted[pc] })
	} else {
		c.a = &analysis{} // too large for the program region: nothing compiled
	}
	wp := weak.Make(c)
	codes[key] = wp
	runtime.AddCleanup(c, func(mods *[2]moduleOnce) {
		codesMu.Lock()
		if codes[key] == wp {
			delete(codes, key)
		}
		codesMu.Unlock()
		closeModules(mods)
	}, c.mods)
	return c
}

// programs remembers the Code of each loaded program while the program
// lives, so that running a program again does not hash its bytecode again.
var programs sync.Map // weak.Pointer[vm.Program] -> *Code

// ForProgram prepares a Cairo 0 program: its main, labels and functions
// are the entries, its hints' pcs the hinted pcs.
func ForProgram(p *vm.Program) *Code {
	key := weak.Make(p)
	if c, ok := programs.Load(key); ok {
		return c.(*Code)
	}
	c := forProgram(p)
	if _, loaded := programs.LoadOrStore(key, c); !loaded {
		runtime.AddCleanup(p, func(k weak.Pointer[vm.Program]) { programs.Delete(k) }, key)
	}
	return c
}

func forProgram(p *vm.Program) *Code {
	entries := []int{0}
	for _, pc := range []int{p.Main, p.Start, p.End} {
		if pc >= 0 {
			entries = append(entries, pc)
		}
	}
	for _, id := range p.Identifiers {
		if id.PC != nil && (id.Type == "function" || id.Type == "label") {
			entries = append(entries, *id.PC)
		}
	}
	var hinted []int
	for pc, hs := range p.Hints {
		if len(hs) > 0 {
			hinted = append(hinted, pc)
		}
	}
	return Compile(p.Data, hinted, entries)
}

// Blocks is the number of blocks the code was cut into.
func (c *Code) Blocks() int { return len(c.a.blocks) }

// Ready reports whether the module for a trace setting is compiled (or
// failed to compile), so that a run can use it without waiting.
func (c *Code) Ready(trace bool) bool { return c.mods[b2i(trace)].done.Load() }

// Prepare compiles the module for a trace setting in the background, if
// nobody has yet.
func (c *Code) Prepare(trace bool) { go func() { _, _ = c.module(trace) }() }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// module returns the compiled module for a trace setting, compiling it on
// first use.
func (c *Code) module(trace bool) (wazero.CompiledModule, error) {
	m := &c.mods[b2i(trace)]
	m.once.Do(func() {
		r, err := wasmRuntime()
		if err != nil {
			m.err = err
			return
		}
		bin, err := c.binary(trace, cacheDirectory())
		if err != nil {
			m.err = err
			return
		}
		m.mod, m.err = r.CompileModule(context.Background(), bin)
	})
	m.done.Store(true)
	return m.mod, m.err
}

var (
	rtMu     sync.Mutex
	rt       wazero.Runtime
	rtErr    error
	cacheDir string
)

// ErrConfigured is returned by SetCacheDir once the JIT has compiled code.
var ErrConfigured = errors.New("jit: the runtime is already in use")

// SetCacheDir keeps compiled native code in dir (wazero's compilation
// cache), so that a process compiles a program or class once across
// restarts. It must be called before the JIT compiles anything.
func SetCacheDir(dir string) error {
	rtMu.Lock()
	defer rtMu.Unlock()
	if rt != nil || rtErr != nil {
		return ErrConfigured
	}
	cacheDir = dir
	return nil
}

// wasmRuntime returns the process's wazero runtime with the host module.
func wasmRuntime() (wazero.Runtime, error) {
	rtMu.Lock()
	defer rtMu.Unlock()
	if rt != nil || rtErr != nil {
		return rt, rtErr
	}
	{
		ctx := context.Background()
		cfg := wazero.NewRuntimeConfigCompiler().WithCloseOnContextDone(false)
		if cacheDir != "" {
			cc, err := wazero.NewCompilationCacheWithDir(cacheDir)
			if err != nil {
				rtErr = fmt.Errorf("jit: cache directory: %w", err)
				return nil, rtErr
			}
			cfg = cfg.WithCompilationCache(cc)
		}
		rt = wazero.NewRuntimeWithConfig(ctx, cfg)
		b := rt.NewHostModuleBuilder("cairn")
		fns := [numHosts]api.GoModuleFunc{hostStepFn, hostFlushFn, hostMarkFn, hostSmallFn}
		for i := range numHosts {
			sig := hostSigs[i]
			params := make([]api.ValueType, len(sig.Params))
			for k := range params {
				params[k] = api.ValueTypeI32
			}
			results := make([]api.ValueType, len(sig.Results))
			for k := range results {
				results[k] = api.ValueType(sig.Results[k])
			}
			b.NewFunctionBuilder().WithGoModuleFunction(fns[i], params, results).Export(hostNames[i])
		}
		if _, err := b.Instantiate(ctx); err != nil {
			rt, rtErr = nil, err
		}
	}
	return rt, rtErr
}

func cacheDirectory() string {
	rtMu.Lock()
	defer rtMu.Unlock()
	return cacheDir
}

// binary returns the code's wasm module. With a cache directory the module
// is kept there too, by the code's content hash, so that a restarted
// process skips the emission as well as (through wazero's cache) the
// compilation; a file that cannot be read or written only costs that.
func (c *Code) binary(trace bool, dir string) ([]byte, error) {
	var path string
	if dir != "" {
		path = filepath.Join(dir, fmt.Sprintf("cairn-%x-%d.wasm", c.key, b2i(trace)))
		if b, err := os.ReadFile(path); err == nil {
			return b, nil
		}
	}
	bin, err := compileModule(c.a, trace, nil)
	if err != nil || path == "" {
		return bin, err
	}
	if tmp, err := os.CreateTemp(dir, ".cairn-*.wasm"); err == nil {
		_, werr := tmp.Write(bin)
		cerr := tmp.Close()
		if werr == nil && cerr == nil {
			_ = os.Rename(tmp.Name(), path)
		} else {
			_ = os.Remove(tmp.Name())
		}
	}
	return bin, nil
}
