package asm

import (
	"reflect"
	"runtime"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/stark-curve/fp"
	gnarkcpu "github.com/consensys/gnark-crypto/utils/cpu"
	"github.com/klauspost/cpuid/v2"
)

// CPUReport says what the machine offers and which field multiplication
// kernel Felt actually runs on it, so that benchmark numbers and bug reports
// carry their context (a VM on a CPU without ADX runs much slower Muls).
type CPUReport struct {
	Brand string
	// Features lists those of ADX, BMI2, AVX2, AVX512F, AVX512IFMA the CPU
	// (and OS) support, in that order, as cpuid names them.
	Features []string
	// Kernel names the fp.Element.Mul implementation in use.
	Kernel string
}

// reportedFeatures are the features that matter for big-field arithmetic:
// ADX+BMI2 select gnark's fast amd64 path; the AVX-512 ones are what
// vectorized kernels would need.
var reportedFeatures = []cpuid.FeatureID{cpuid.ADX, cpuid.BMI2, cpuid.AVX2, cpuid.AVX512F, cpuid.AVX512IFMA}

// Kernel names reported in CPUReport.Kernel.
const (
	kernelADX     = "amd64 ADX+BMI2 (gnark-crypto asm)"
	kernelNoADX   = "amd64 generic Go mul (gnark-crypto ADX+BMI2 path off)"
	kernelARM64   = "arm64 (gnark-crypto asm)"
	kernelPureGo  = "pure Go (gnark-crypto generic)"
	pureGoMulFile = "element_purego.go"
)

// CPU reports the running machine and field kernel.
func CPU() CPUReport {
	r := CPUReport{Brand: strings.TrimSpace(cpuid.CPU.BrandName), Kernel: fieldKernel()}
	if r.Brand == "" {
		r.Brand = runtime.GOARCH + " (brand unknown)"
	}
	for _, f := range reportedFeatures {
		if cpuid.CPU.Supports(f) {
			r.Features = append(r.Features, f.String())
		}
	}
	return r
}

// fieldKernel works out which Mul gnark-crypto compiled in and dispatches to.
// Build tags decide the first (purego, or an architecture without assembly,
// selects gnark's element_purego.go), so it asks the runtime which file
// fp.Element.Mul was compiled from instead of guessing from GOARCH. On amd64
// the assembly then branches on gnark's cpu.SupportADX (ADX and BMI2, false
// under the noadx tag) and without it calls gnark's generic Go mul; reading
// the same variable keeps this report true.
func fieldKernel() string {
	if f := runtime.FuncForPC(reflect.ValueOf((*fp.Element).Mul).Pointer()); f != nil {
		if file, _ := f.FileLine(f.Entry()); strings.HasSuffix(file, pureGoMulFile) {
			return kernelPureGo
		}
	}
	switch runtime.GOARCH {
	case "amd64":
		if gnarkcpu.SupportADX {
			return kernelADX
		}
		return kernelNoADX
	case "arm64":
		return kernelARM64
	}
	return kernelPureGo
}

// String renders the report on one line, e.g.
// "AMD EPYC | features: adx bmi2 avx2 | field kernel: amd64 ADX+BMI2 (gnark-crypto asm)".
func (r CPUReport) String() string {
	feats := "none"
	if len(r.Features) > 0 {
		feats = strings.ToLower(strings.Join(r.Features, " "))
	}
	return r.Brand + " | features: " + feats + " | field kernel: " + r.Kernel
}
