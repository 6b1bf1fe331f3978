package runtime_test

import (
	"testing"
	"time"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/runtime"
	"github.com/cairn-vm/cairn/starknet"
)

// transferBench deploys the corpus's ERC20 with a large supply and
// returns a function that makes one transfer of 1 from the owner, as a
// transaction of its own through the runtime API, with the state in
// memory.
func transferBench(b *testing.B, profile *starknet.Profile) (transfer func() *runtime.CallResult) {
	cs := runtime.NewContracts()
	cs.Block = starknet.BlockInfo{Number: 1000, Timestamp: 1700000000}
	cs.BuiltinCosts = starknet.BuiltinCostsStarknet
	owner, bob := fu(0x111), fu(0x333)
	token := erc20(b, cs, 1<<62, owner)
	cs.Profile = profile
	calldata := []asm.Felt{bob, fu(1), {}}
	return func() *runtime.CallResult {
		res, err := cs.Call(token, "transfer", calldata, owner)
		if err != nil || res.Failed {
			b.Fatalf("transfer: %v %+v", err, res)
		}
		return res
	}
}

// BenchmarkERC20Transfer is ERC20 transfers per second through the runtime
// API (Contracts.Call over an in-memory state), each a transaction of its
// own: a fresh VM, the entry point run with its hints and syscalls
// (storage reads and writes, an event), the writes kept.
func BenchmarkERC20Transfer(b *testing.B) {
	transfer := transferBench(b, nil)
	steps := transfer().Resources.Steps
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		transfer()
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "calls/s")
	b.ReportMetric(float64(steps), "steps/call")
	b.ReportMetric(float64(steps)*float64(b.N)/elapsed.Seconds()/1e6, "Msteps/s")
}

// BenchmarkERC20TransferProfile is BenchmarkERC20Transfer with the
// executor's Profile on: the time of a transfer split between the VM
// (instructions), the run's set-up and end (runner, bytecode into memory,
// arguments; return values, security checks, resources), hints, syscall
// handling and hashing (pedersen/poseidon/keccak builtins, hash
// syscalls), in ns per call. Measuring adds two clock reads per hint,
// syscall and hash, so the total is above BenchmarkERC20Transfer's.
func BenchmarkERC20TransferProfile(b *testing.B) {
	p := &starknet.Profile{}
	transfer := transferBench(b, p)
	transfer()
	p.Reset()
	b.ResetTimer()
	for b.Loop() {
		transfer()
	}
	n := float64(p.Calls)
	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / n }
	b.ReportMetric(per(p.Total), "total-ns/call")
	b.ReportMetric(per(p.VM), "vm-ns/call")
	b.ReportMetric(per(p.Setup), "setup-ns/call")
	b.ReportMetric(per(p.Hints), "hints-ns/call")
	b.ReportMetric(per(p.Syscalls), "syscalls-ns/call")
	b.ReportMetric(per(p.Hashing), "hashing-ns/call")
	b.ReportMetric(float64(p.Steps)/n, "steps/call")
	b.ReportMetric(float64(p.HintRuns)/n, "hints/call")
	b.ReportMetric(float64(p.SyscallRuns)/n, "syscalls/call")
	b.ReportMetric(float64(p.HashRuns)/n, "hashes/call")
}
