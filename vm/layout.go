package vm

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
)

// Builtin names, as programs declare them (without the _builtin suffix).
const (
	BuiltinOutput       = "output"
	BuiltinPedersen     = "pedersen"
	BuiltinRangeCheck   = "range_check"
	BuiltinECDSA        = "ecdsa"
	BuiltinBitwise      = "bitwise"
	BuiltinECOp         = "ec_op"
	BuiltinKeccak       = "keccak"
	BuiltinPoseidon     = "poseidon"
	BuiltinRangeCheck96 = "range_check96"
	BuiltinAddMod       = "add_mod"
	BuiltinMulMod       = "mul_mod"
	// BuiltinSegmentArena is Cairo 1's segment arena. It belongs to no
	// layout; runners create it only for programs that declare it.
	BuiltinSegmentArena = "segment_arena"
)

// canonicalBuiltins is cairo-lang's ALL_BUILTINS: the order in which a
// program must declare its builtins and in which the runner creates their
// segments.
var canonicalBuiltins = []string{
	BuiltinOutput, BuiltinPedersen, BuiltinRangeCheck, BuiltinECDSA, BuiltinBitwise,
	BuiltinECOp, BuiltinKeccak, BuiltinPoseidon, BuiltinRangeCheck96, BuiltinAddMod, BuiltinMulMod,
}

// canonicalWithArena is the canonical order with Cairo 1's segment_arena
// where Cairo 1 compilers place it (after poseidon).
var canonicalWithArena = []string{
	BuiltinOutput, BuiltinPedersen, BuiltinRangeCheck, BuiltinECDSA, BuiltinBitwise,
	BuiltinECOp, BuiltinKeccak, BuiltinPoseidon, BuiltinSegmentArena, BuiltinRangeCheck96,
	BuiltinAddMod, BuiltinMulMod,
}

// CanonicalBuiltins returns cairo-lang's list of all builtins (ALL_BUILTINS)
// in canonical order; a program's builtins must be a subsequence of it.
func CanonicalBuiltins() []string { return slices.Clone(canonicalBuiltins) }

// ErrUnknownLayout is returned (wrapped, with the valid names) for a layout
// name cairn does not know, and for an invalid dynamic layout parameters file.
var ErrUnknownLayout = errors.New("unknown layout")

// DilutedPool is cairo-lang's DilutedPoolInstanceDef: the pool of diluted
// cells that bitwise and keccak use.
type DilutedPool struct {
	// LogUnitsPerStep is log2 of the number of diluted cells per cpu step
	// (negative when there are fewer cells than steps).
	LogUnitsPerStep int
	// Spacing: a diluted n-bit value has Spacing-1 zero bits between
	// consecutive information bits.
	Spacing int
	// NBits is the number of information bits of a diluted value.
	NBits int
}

// UnitsPerStep returns the number of diluted cells per num/den steps
// (2^LogUnitsPerStep as a fraction).
func (d *DilutedPool) UnitsPerStep() (num, den int) {
	if d.LogUnitsPerStep >= 0 {
		return 1 << d.LogUnitsPerStep, 1
	}
	return 1, 1 << -d.LogUnitsPerStep
}

// BuiltinDef is one builtin of a layout: cairo-lang's BuiltinInstanceDef
// subclasses flattened into one struct (fields a builtin does not have are
// zero). The hash limit of pedersen and the scalar limit of ec_op are the
// field prime in every layout and are not stored.
type BuiltinDef struct {
	Name string
	// Ratio is the number of steps per builtin instance; RatioDen its
	// denominator (1 except for the low-ratio builtins range_check96,
	// add_mod, mul_mod, whose ratio may be 1/RatioDen). Ratio 0 means the
	// layout has the builtin but no instances (dynamic layouts).
	Ratio, RatioDen int
	// DynamicRatio is cairo-lang's ratio=None (the dynamic layout without
	// parameters): the builtin gets exactly the instances it uses, rounded
	// up to a power of two.
	DynamicRatio bool

	// Repetitions: pedersen, ecdsa.
	Repetitions int
	// ElementHeight, ElementBits, NInputs: pedersen.
	ElementHeight, ElementBits, NInputs int
	// NParts is the number of 16-bit parts of a range check (8 for
	// range_check, 6 for range_check96).
	NParts int
	// Height and NHashBits: ecdsa.
	Height, NHashBits int
	// TotalNBits: bitwise (inputs are below 2^TotalNBits).
	TotalNBits int
	// ScalarHeight and ScalarBits: ec_op.
	ScalarHeight, ScalarBits int
	// StateRep is the bit size of each felt of keccak's state (8 x 200).
	StateRep []int
	// InstancesPerComponent: keccak (16); 1 for every other builtin.
	InstancesPerComponent int
	// PartialRoundsPartition: poseidon.
	PartialRoundsPartition []int
	// WordBitLen, NWords and BatchSize: add_mod and mul_mod (96, 4, 1).
	WordBitLen, NWords, BatchSize int
}

// RangeCheckUnitsPerBuiltin is cairo-lang's range_check_units_per_builtin.
func (d *BuiltinDef) RangeCheckUnitsPerBuiltin() int {
	switch d.Name {
	case BuiltinRangeCheck, BuiltinRangeCheck96:
		return d.NParts
	case BuiltinMulMod:
		const bitsPerPart = 16
		pMult := d.WordBitLen / bitsPerPart
		log2Ceil := 0
		for 1<<log2Ceil < d.NWords {
			log2Ceil++
		}
		carry := pMult + (log2Ceil+1+bitsPerPart-1)/bitsPerPart
		return (d.NWords*pMult + 2*(d.NWords-1)*carry) * d.BatchSize
	}
	return 0
}

// DilutedUnitsPerBuiltin is cairo-lang's get_diluted_units_per_builtin: the
// diluted cells one instance uses (bitwise and keccak; 0 for the others).
func (d *BuiltinDef) DilutedUnitsPerBuiltin(spacing, nBits int) int {
	switch d.Name {
	case BuiltinBitwise:
		var partition []int
		for i := 0; i < d.TotalNBits; i += spacing * nBits {
			for j := range spacing {
				if i+j < d.TotalNBits {
					partition = append(partition, i+j)
				}
			}
		}
		trimmed := 0
		for _, shift := range partition {
			if shift+spacing*(nBits-1)+1 > d.TotalNBits {
				trimmed++
			}
		}
		return 4*len(partition) + trimmed
	case BuiltinKeccak:
		if nBits == 0 {
			return 0
		}
		return (1 << 18) / nBits
	}
	return 0
}

// Layout is cairo-lang's CairoLayout: the AIR a proof-mode run targets. It
// decides which builtins a program may use, their order and, in proof
// mode, how many cells each builtin segment gets.
type Layout struct {
	Name string
	// CPUComponentStep is the number of cpu steps per cpu component row
	// group (1 except in dynamic layouts).
	CPUComponentStep int
	// RCUnits is the number of 16-bit range-check units per step.
	RCUnits int
	// PublicMemoryFraction is the ratio between all memory cells and the
	// public memory cells.
	PublicMemoryFraction int
	// MemoryUnitsPerStep is the number of memory cells per step.
	MemoryUnitsPerStep int
	// Diluted is the diluted pool, nil for layouts without one.
	Diluted *DilutedPool
	// NTraceColumns is the number of trace columns (0 where cairo-lang has
	// None: the dynamic layout).
	NTraceColumns int
	// Builtins are the layout's builtins in canonical order, output first
	// when the layout has it.
	Builtins []BuiltinDef
	// Unparameterized marks the dynamic layout without a parameters file
	// (cairo-lang's dynamic_instance): CPUComponentStep, RCUnits,
	// MemoryUnitsPerStep and Diluted.LogUnitsPerStep are unknown (None) and
	// every builtin has DynamicRatio.
	Unparameterized bool
}

// Builtin returns the layout's definition of a builtin, or nil.
func (l *Layout) Builtin(name string) *BuiltinDef {
	for i := range l.Builtins {
		if l.Builtins[i].Name == name {
			return &l.Builtins[i]
		}
	}
	return nil
}

// Has reports whether the layout has a builtin.
func (l *Layout) Has(name string) bool { return l.Builtin(name) != nil }

// BuiltinNames returns the names of the layout's builtins in order.
func (l *Layout) BuiltinNames() []string {
	out := make([]string, len(l.Builtins))
	for i, b := range l.Builtins {
		out[i] = b.Name
	}
	return out
}

// DilutedUnitsRowRatio is cairo-lang's diluted_units_row_ratio: trace rows
// per diluted unit (16 * cpu_component_step / 2^log_units_per_step).
func (l *Layout) DilutedUnitsRowRatio() (int, error) {
	if l.Diluted == nil || l.Unparameterized {
		return 0, fmt.Errorf("%w: layout %s has no diluted pool parameters", ErrUnknownLayout, l.Name)
	}
	const componentHeight = 16
	rows := componentHeight * l.CPUComponentStep
	if lg := l.Diluted.LogUnitsPerStep; lg >= 0 {
		if rows%(1<<lg) != 0 {
			return 0, fmt.Errorf("%d is not divisible by %d", rows, 1<<lg)
		}
		return rows >> lg, nil
	}
	return rows << -l.Diluted.LogUnitsPerStep, nil
}

// Clone returns a deep copy of the layout.
func (l *Layout) Clone() *Layout {
	c := *l
	if l.Diluted != nil {
		d := *l.Diluted
		c.Diluted = &d
	}
	c.Builtins = make([]BuiltinDef, len(l.Builtins))
	for i, b := range l.Builtins {
		b.StateRep = slices.Clone(b.StateRep)
		b.PartialRoundsPartition = slices.Clone(b.PartialRoundsPartition)
		c.Builtins[i] = b
	}
	return &c
}

// Builtin definitions with cairo-lang's parameters (instances.py).

func outputDef() BuiltinDef {
	return BuiltinDef{Name: BuiltinOutput, RatioDen: 1, InstancesPerComponent: 1}
}

func pedersenDef(ratio, repetitions int) BuiltinDef {
	return BuiltinDef{Name: BuiltinPedersen, Ratio: ratio, RatioDen: 1, Repetitions: repetitions,
		ElementHeight: 256, ElementBits: 252, NInputs: 2, InstancesPerComponent: 1}
}

func rangeCheckDef(ratio int) BuiltinDef {
	return BuiltinDef{Name: BuiltinRangeCheck, Ratio: ratio, RatioDen: 1, NParts: 8, InstancesPerComponent: 1}
}

func ecdsaDef(ratio int) BuiltinDef {
	return BuiltinDef{Name: BuiltinECDSA, Ratio: ratio, RatioDen: 1, Repetitions: 1, Height: 256,
		NHashBits: 251, InstancesPerComponent: 1}
}

func bitwiseDef(ratio int) BuiltinDef {
	return BuiltinDef{Name: BuiltinBitwise, Ratio: ratio, RatioDen: 1, TotalNBits: 251, InstancesPerComponent: 1}
}

func ecOpDef(ratio int) BuiltinDef {
	return BuiltinDef{Name: BuiltinECOp, Ratio: ratio, RatioDen: 1, ScalarHeight: 256, ScalarBits: 252,
		InstancesPerComponent: 1}
}

func keccakDef(ratio int) BuiltinDef {
	return BuiltinDef{Name: BuiltinKeccak, Ratio: ratio, RatioDen: 1,
		StateRep: []int{200, 200, 200, 200, 200, 200, 200, 200}, InstancesPerComponent: 16}
}

func poseidonDef(ratio int) BuiltinDef {
	return BuiltinDef{Name: BuiltinPoseidon, Ratio: ratio, RatioDen: 1, PartialRoundsPartition: []int{64, 22},
		InstancesPerComponent: 1}
}

func rangeCheck96Def(ratio, den int) BuiltinDef {
	return BuiltinDef{Name: BuiltinRangeCheck96, Ratio: ratio, RatioDen: den, NParts: 6, InstancesPerComponent: 1}
}

func modDef(name string, ratio, den int) BuiltinDef {
	return BuiltinDef{Name: name, Ratio: ratio, RatioDen: den, WordBitLen: 96, NWords: 4, BatchSize: 1,
		InstancesPerComponent: 1}
}

// defaultDef returns the definition cairo-lang's
// build_builtins_dict_with_default_params gives a builtin, with ratio 0.
func defaultDef(name string) (BuiltinDef, bool) {
	switch name {
	case BuiltinOutput:
		return outputDef(), true
	case BuiltinPedersen:
		return pedersenDef(0, 1), true
	case BuiltinRangeCheck:
		return rangeCheckDef(0), true
	case BuiltinECDSA:
		return ecdsaDef(0), true
	case BuiltinBitwise:
		return bitwiseDef(0), true
	case BuiltinECOp:
		return ecOpDef(0), true
	case BuiltinKeccak:
		return keccakDef(0), true
	case BuiltinPoseidon:
		return poseidonDef(0), true
	case BuiltinRangeCheck96:
		return rangeCheck96Def(0, 1), true
	case BuiltinAddMod, BuiltinMulMod:
		return modDef(name, 0, 1), true
	case BuiltinSegmentArena:
		return BuiltinDef{Name: BuiltinSegmentArena, RatioDen: 1, DynamicRatio: true, InstancesPerComponent: 1}, true
	}
	return BuiltinDef{}, false
}

// The named layouts, in cairo-lang's instances.py. all_cairo is defined
// there but left out of its LAYOUTS table (cairo-run rejects it); cairn
// accepts it with instances.py's parameters.
var layoutNames = []string{
	"plain", "small", "dex", "recursive", "starknet", "starknet_with_keccak",
	"recursive_large_output", "recursive_with_poseidon", "all_solidity", "all_cairo", "dynamic",
}

// LayoutNames returns the names LayoutByName accepts.
func LayoutNames() []string { return slices.Clone(layoutNames) }

func newLayout(name string) *Layout {
	switch name {
	case "plain":
		return &Layout{Name: name, CPUComponentStep: 1, RCUnits: 16, PublicMemoryFraction: 4,
			MemoryUnitsPerStep: 8, NTraceColumns: 8}
	case "small":
		return &Layout{Name: name, CPUComponentStep: 1, RCUnits: 16, PublicMemoryFraction: 4,
			MemoryUnitsPerStep: 8, NTraceColumns: 25, Builtins: []BuiltinDef{
				outputDef(), pedersenDef(8, 4), rangeCheckDef(8), ecdsaDef(512)}}
	case "dex":
		return &Layout{Name: name, CPUComponentStep: 1, RCUnits: 4, PublicMemoryFraction: 4,
			MemoryUnitsPerStep: 8, NTraceColumns: 22, Builtins: []BuiltinDef{
				outputDef(), pedersenDef(8, 4), rangeCheckDef(8), ecdsaDef(512)}}
	case "starknet":
		return &Layout{Name: name, CPUComponentStep: 1, RCUnits: 4, PublicMemoryFraction: 4,
			MemoryUnitsPerStep: 8, NTraceColumns: 10,
			Diluted: &DilutedPool{LogUnitsPerStep: 1, Spacing: 4, NBits: 16},
			Builtins: []BuiltinDef{outputDef(), pedersenDef(32, 1), rangeCheckDef(16), ecdsaDef(2048),
				bitwiseDef(64), ecOpDef(1024), poseidonDef(32)}}
	case "starknet_with_keccak":
		return &Layout{Name: name, CPUComponentStep: 1, RCUnits: 4, PublicMemoryFraction: 4,
			MemoryUnitsPerStep: 8, NTraceColumns: 15,
			Diluted: &DilutedPool{LogUnitsPerStep: 4, Spacing: 4, NBits: 16},
			Builtins: []BuiltinDef{outputDef(), pedersenDef(32, 1), rangeCheckDef(16), ecdsaDef(2048),
				bitwiseDef(64), ecOpDef(1024), keccakDef(2048), poseidonDef(32)}}
	case "recursive":
		return &Layout{Name: name, CPUComponentStep: 1, RCUnits: 4, PublicMemoryFraction: 8,
			MemoryUnitsPerStep: 8, NTraceColumns: 10,
			Diluted:  &DilutedPool{LogUnitsPerStep: 4, Spacing: 4, NBits: 16},
			Builtins: []BuiltinDef{outputDef(), pedersenDef(128, 1), rangeCheckDef(8), bitwiseDef(8)}}
	case "recursive_with_poseidon":
		return &Layout{Name: name, CPUComponentStep: 1, RCUnits: 4, PublicMemoryFraction: 8,
			MemoryUnitsPerStep: 8, NTraceColumns: 8,
			Diluted: &DilutedPool{LogUnitsPerStep: 3, Spacing: 4, NBits: 16},
			Builtins: []BuiltinDef{outputDef(), pedersenDef(256, 1), rangeCheckDef(16), bitwiseDef(16),
				poseidonDef(64)}}
	case "recursive_large_output":
		return &Layout{Name: name, CPUComponentStep: 1, RCUnits: 4, PublicMemoryFraction: 8,
			MemoryUnitsPerStep: 8, NTraceColumns: 12,
			Diluted: &DilutedPool{LogUnitsPerStep: 4, Spacing: 4, NBits: 16},
			Builtins: []BuiltinDef{outputDef(), pedersenDef(128, 1), rangeCheckDef(8), bitwiseDef(8),
				poseidonDef(8)}}
	case "all_cairo":
		return &Layout{Name: name, CPUComponentStep: 1, RCUnits: 8, PublicMemoryFraction: 8,
			MemoryUnitsPerStep: 8, NTraceColumns: 12,
			Diluted: &DilutedPool{LogUnitsPerStep: 4, Spacing: 4, NBits: 16},
			Builtins: []BuiltinDef{outputDef(), pedersenDef(256, 1), rangeCheckDef(8), ecdsaDef(2048),
				bitwiseDef(16), ecOpDef(1024), keccakDef(2048), poseidonDef(256), rangeCheck96Def(8, 1),
				modDef(BuiltinAddMod, 128, 1), modDef(BuiltinMulMod, 256, 1)}}
	case "all_solidity":
		return &Layout{Name: name, CPUComponentStep: 1, RCUnits: 8, PublicMemoryFraction: 8,
			MemoryUnitsPerStep: 8, NTraceColumns: 27,
			Diluted: &DilutedPool{LogUnitsPerStep: 4, Spacing: 4, NBits: 16},
			Builtins: []BuiltinDef{outputDef(), pedersenDef(8, 4), rangeCheckDef(8), ecdsaDef(512),
				bitwiseDef(256), ecOpDef(256)}}
	case "dynamic":
		// cairo-lang's dynamic_instance: build_dynamic_layout() with no
		// parameters; every ratio is None.
		l := &Layout{Name: name, PublicMemoryFraction: dynamicPublicMemoryFraction,
			Diluted:         &DilutedPool{Spacing: dynamicDilutedSpacing, NBits: dynamicDilutedNBits},
			Unparameterized: true}
		for _, n := range canonicalBuiltins {
			d, _ := defaultDef(n)
			if n != BuiltinOutput {
				d.DynamicRatio = true
			}
			l.Builtins = append(l.Builtins, d)
		}
		return l
	}
	return nil
}

// LayoutByName returns a fresh copy of a named layout. An unknown name
// gives an error wrapping ErrUnknownLayout that lists the valid names.
// "dynamic" gives the layout without parameters; a run uses
// LoadDynamicLayout with the parameters file instead.
func LayoutByName(name string) (*Layout, error) {
	if l := newLayout(name); l != nil {
		return l, nil
	}
	return nil, fmt.Errorf("%w %q (valid layouts: %s)", ErrUnknownLayout, name, strings.Join(layoutNames, ", "))
}

// The dynamic layout's fixed parameters (instances.py).
const (
	dynamicDilutedSpacing       = 4
	dynamicDilutedNBits         = 16
	dynamicPublicMemoryFraction = 8
)

// lowRatioBuiltins may have a ratio below one (cairo-lang's LOW_RATIO_BUILTINS).
var lowRatioBuiltins = []string{BuiltinAddMod, BuiltinMulMod, BuiltinRangeCheck96}

// dynamicParamNames lists the fields of cairo-lang's CairoLayoutParams,
// all required.
func dynamicParamNames() []string {
	names := []string{"cpu_component_step", "rc_units", "memory_units_per_step", "log_diluted_units_per_step"}
	for _, b := range canonicalBuiltins[1:] {
		names = append(names, "uses_"+b+"_builtin", b+"_ratio")
		if slices.Contains(lowRatioBuiltins, b) {
			names = append(names, b+"_ratio_den")
		}
	}
	return names
}

// ParseDynamicLayout builds the dynamic layout from the JSON of a
// --cairo_layout_params_file (cairo-lang's CairoLayoutParams: every field
// required, no others; integers, or booleans for the uses_* flags).
func ParseDynamicLayout(data []byte) (*Layout, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%w: dynamic layout parameters: %v", ErrUnknownLayout, err)
	}
	names := dynamicParamNames()
	var unknown, missing []string
	for k := range raw {
		if !slices.Contains(names, k) {
			unknown = append(unknown, k)
		}
	}
	for _, k := range names {
		if _, ok := raw[k]; !ok {
			missing = append(missing, k)
		}
	}
	slices.Sort(unknown)
	if len(unknown) > 0 {
		return nil, fmt.Errorf("%w: dynamic layout parameters: unexpected fields %s", ErrUnknownLayout, strings.Join(unknown, ", "))
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: dynamic layout parameters: missing fields %s", ErrUnknownLayout, strings.Join(missing, ", "))
	}
	p := make(map[string]int, len(names))
	for _, k := range names {
		var n int
		if err := json.Unmarshal(raw[k], &n); err != nil {
			var b bool
			if err2 := json.Unmarshal(raw[k], &b); err2 != nil {
				return nil, fmt.Errorf("%w: dynamic layout parameters: %s must be an integer, got %s", ErrUnknownLayout, k, raw[k])
			}
			if b {
				n = 1
			}
		}
		p[k] = n
	}
	return DynamicLayout(p)
}

// DynamicLayout builds the dynamic layout from CairoLayoutParams fields
// (cairo-lang's CairoLayoutParams.to_cairo_layout).
func DynamicLayout(p map[string]int) (*Layout, error) {
	for _, b := range canonicalBuiltins[1:] {
		if p["uses_"+b+"_builtin"] == 0 && p[b+"_ratio"] != 0 {
			return nil, fmt.Errorf("%w: dynamic layout parameters: %s_ratio must be 0 when uses_%s_builtin is 0",
				ErrUnknownLayout, b, b)
		}
	}
	for _, k := range []string{"cpu_component_step", "rc_units", "memory_units_per_step"} {
		if p[k] <= 0 {
			return nil, fmt.Errorf("%w: dynamic layout parameters: %s must be positive, got %d", ErrUnknownLayout, k, p[k])
		}
	}
	l := &Layout{
		Name:                 "dynamic",
		CPUComponentStep:     p["cpu_component_step"],
		RCUnits:              p["rc_units"],
		PublicMemoryFraction: dynamicPublicMemoryFraction,
		MemoryUnitsPerStep:   p["memory_units_per_step"],
		Diluted: &DilutedPool{LogUnitsPerStep: p["log_diluted_units_per_step"],
			Spacing: dynamicDilutedSpacing, NBits: dynamicDilutedNBits},
	}
	for _, b := range canonicalBuiltins {
		d, _ := defaultDef(b)
		if b != BuiltinOutput {
			d.Ratio = p[b+"_ratio"]
			if d.Ratio < 0 {
				return nil, fmt.Errorf("%w: dynamic layout parameters: %s_ratio is negative", ErrUnknownLayout, b)
			}
			if slices.Contains(lowRatioBuiltins, b) {
				d.RatioDen = p[b+"_ratio_den"]
				if d.RatioDen <= 0 {
					return nil, fmt.Errorf("%w: dynamic layout parameters: %s_ratio_den must be positive", ErrUnknownLayout, b)
				}
			}
		}
		l.Builtins = append(l.Builtins, d)
	}
	return l, nil
}

// LoadDynamicLayout reads a --cairo_layout_params_file and returns the
// dynamic layout it describes.
func LoadDynamicLayout(path string) (*Layout, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnknownLayout, err)
	}
	l, err := ParseDynamicLayout(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}
