package asm

import (
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"

	gnarkcpu "github.com/consensys/gnark-crypto/utils/cpu"
	"github.com/klauspost/cpuid/v2"
)

func TestCPUReport(t *testing.T) {
	r := CPU()
	t.Log(r)
	if r.Brand == "" || r.Kernel == "" {
		t.Fatalf("incomplete report %+v", r)
	}
	for _, id := range reportedFeatures {
		if got, want := slices.Contains(r.Features, id.String()), cpuid.CPU.Supports(id); got != want {
			t.Errorf("feature %s listed=%v, cpuid says %v", id, got, want)
		}
	}
	s := r.String()
	if strings.Contains(s, "\n") || !strings.Contains(s, r.Brand) || !strings.HasSuffix(s, "| field kernel: "+r.Kernel) {
		t.Errorf("String() = %q", s)
	}
	for _, f := range r.Features {
		if !strings.Contains(s, " "+strings.ToLower(f)) {
			t.Errorf("String() = %q lacks %s", s, f)
		}
	}
	if got := (CPUReport{Brand: "b", Kernel: "k"}).String(); got != "b | features: none | field kernel: k" {
		t.Errorf("empty report renders as %q", got)
	}

	switch runtime.GOARCH {
	case "amd64":
		adx := cpuid.CPU.Supports(cpuid.ADX, cpuid.BMI2)
		if adx && !gnarkcpu.SupportADX {
			// Only the purego or noadx build tags turn gnark's flag off on
			// a CPU that has both; then the fast path must not be claimed.
			if r.Kernel == kernelADX {
				t.Errorf("kernel %q claimed with gnark's ADX path disabled", r.Kernel)
			}
			t.Skip("gnark's ADX path disabled by build tag")
		}
		if (r.Kernel == kernelADX) != adx {
			t.Errorf("kernel %q, but cpuid ADX+BMI2 = %v", r.Kernel, adx)
		}
		if !adx && r.Kernel != kernelNoADX && r.Kernel != kernelPureGo {
			t.Errorf("kernel %q on an amd64 without ADX+BMI2", r.Kernel)
		}
		// A second opinion from the kernel, where there is one.
		if info, err := os.ReadFile("/proc/cpuinfo"); err == nil {
			for _, line := range strings.Split(string(info), "\n") {
				if flags, ok := strings.CutPrefix(line, "flags"); ok {
					fs := strings.Fields(flags)
					if has := slices.Contains(fs, "adx") && slices.Contains(fs, "bmi2"); has != adx {
						t.Errorf("/proc/cpuinfo adx+bmi2 = %v, cpuid = %v", has, adx)
					}
					break
				}
			}
		}
	case "arm64":
		if r.Kernel != kernelARM64 && r.Kernel != kernelPureGo {
			t.Errorf("kernel %q on arm64", r.Kernel)
		}
	default:
		if r.Kernel != kernelPureGo {
			t.Errorf("kernel %q on %s, which gnark has no assembly for", r.Kernel, runtime.GOARCH)
		}
	}
}
