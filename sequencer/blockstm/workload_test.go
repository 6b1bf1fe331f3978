package blockstm

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
)

// The test transactions are little scripts over uint32 locations holding
// uint64 values. Each keeps a running hash of everything it read, writes
// values derived from it and returns it, so an execution that read a
// single wrong value gives a different output or different writes.

type (
	loc = uint32
	val = uint64
)

type opKind uint8

const (
	opRead    opKind = iota // read key into the hash
	opWrite                 // write a value derived from the hash
	opAdd                   // add a constant (a delta, no read)
	opIncr                  // read-modify-write counter: order matters
	opDynamic               // read the key the hash picks: a read set that depends on values
	opFailIf                // fail when the hash is divisible by arg
	opPanicIf               // panic when the hash is divisible by arg
	opBurn                  // spin for arg iterations
	opYield                 // let the Go scheduler interleave
)

type op struct {
	kind opKind
	key  loc
	arg  uint64
}

type scriptTx struct {
	index int
	keys  uint32 // key space, for opDynamic
	ops   []op
}

func mix(h, v uint64) uint64 {
	h ^= v + 0x9e3779b97f4a7c15 + h<<6 + h>>2
	h *= 0xff51afd7ed558ccd
	return h ^ h>>33
}

func (t *scriptTx) Execute(v View[loc, val]) (uint64, error) {
	h := uint64(t.index) + 1
	for _, o := range t.ops {
		switch o.kind {
		case opRead:
			x, err := v.Read(o.key)
			if err != nil {
				return 0, err
			}
			h = mix(h, x)
		case opWrite:
			v.Write(o.key, mix(h, o.arg))
		case opAdd:
			v.Add(o.key, o.arg)
		case opIncr:
			x, err := v.Read(o.key)
			if err != nil {
				return 0, err
			}
			h = mix(h, x)
			v.Write(o.key, x+1)
		case opDynamic:
			k := loc(h % uint64(t.keys))
			x, err := v.Read(k)
			if err != nil {
				return 0, err
			}
			h = mix(h, x)
		case opFailIf:
			if h%o.arg == 0 {
				return h, fmt.Errorf("tx %d failed on hash %#x", t.index, h)
			}
		case opPanicIf:
			if h%o.arg == 0 {
				panic(fmt.Sprintf("tx %d panics on hash %#x", t.index, h))
			}
		case opBurn:
			h = burn(h, o.arg)
		case opYield:
			runtime.Gosched()
		}
	}
	return h, nil
}

// burn spins for n rounds of a hash: synthetic computation.
func burn(h, n uint64) uint64 {
	for i := uint64(0); i < n; i++ {
		h = h*6364136223846793005 + 1442695040888963407
	}
	return h
}

// profile describes a random workload.
type profile struct {
	name   string
	txs    int
	keys   uint32 // key space
	ops    int    // operations per transaction, at most
	weight [opYield + 1]int
	// own gives each transaction its own keys (k*4 .. k*4+3) instead of
	// random ones: independent transactions.
	own bool
	// fee adds a delta to key feeKey in every transaction, like a
	// Starknet fee transfer to the sequencer.
	fee     bool
	failMod uint64 // opFailIf / opPanicIf divisor
	burnMax uint64
}

const feeKey loc = 1<<32 - 1

func (p *profile) generate(r *rand.Rand) []Tx[loc, val, uint64] {
	total := 0
	for _, w := range p.weight {
		total += w
	}
	txs := make([]Tx[loc, val, uint64], p.txs)
	for i := range txs {
		t := &scriptTx{index: i, keys: p.keys}
		n := 1 + r.IntN(p.ops)
		for range n {
			pick := r.IntN(total)
			var k opKind
			for k = 0; pick >= p.weight[k]; k++ {
				pick -= p.weight[k]
			}
			o := op{kind: k, arg: r.Uint64N(1000) + 1}
			if p.own {
				o.key = loc(i*4 + r.IntN(4))
			} else {
				o.key = loc(r.Uint32N(p.keys))
			}
			switch k {
			case opFailIf, opPanicIf:
				o.arg = p.failMod
			case opBurn:
				o.arg = r.Uint64N(p.burnMax + 1)
			}
			t.ops = append(t.ops, o)
		}
		if p.fee {
			t.ops = append(t.ops, op{kind: opAdd, key: feeKey, arg: uint64(i) + 1})
		}
		txs[i] = t
	}
	return txs
}

func addU64(x, y uint64) uint64 { return x + y }

// hashBase is a base state with a value at every location, so that reads
// of the base are distinguishable from reads of writes.
func hashBase(k loc) (val, error) { return mix(0xba5e, uint64(k)), nil }

var errBase = errors.New("base unavailable")

// failingBase fails for one location in 97.
func failingBase(k loc) (val, error) {
	if k%97 == 13 {
		return 0, fmt.Errorf("read %d: %w", k, errBase)
	}
	return hashBase(k)
}

func w(weights ...int) (a [opYield + 1]int) {
	copy(a[:], weights)
	return a
}
