package sequencer

import (
	"fmt"
	"math"
	"reflect"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/starknet"
	"github.com/cairn-vm/cairn/state"
)

// differential reports whether the transaction with hash h is one that
// Config.Differential samples: the low 64 bits of the hash, read as a
// fraction of 2^64, below it. Every executor picks the same ones.
func (c *Config) differential(h asm.Felt) bool {
	if c.Differential <= 0 || c.Engine == "" || c.Engine == "interp" {
		return false
	}
	if c.Differential >= 1 {
		return true
	}
	x := h.Regular()[0]
	return float64(x) < c.Differential*math.Exp2(64)
}

// runChecked runs tx twice over its own layers on st, with Config.Engine
// and with the interpreter, compares what they did (receipt, state
// writes, fee) and keeps the interpreter's: its writes are committed to
// st and its fee credited. A difference is reported in the receipt's
// Divergence.
func (c *Config) runChecked(st starknet.State, b *Block, tx *Tx, p *prepared, credit func(fee asm.Felt) error) (*Receipt, error) {
	type outcome struct {
		layer    *state.Cached
		r        *Receipt
		err      error
		fee      asm.Felt
		credited bool
	}
	runOn := func(engine string) *outcome {
		o := &outcome{layer: state.NewCached(st)}
		o.r, o.err = c.runWith(o.layer, b, tx, p, engine, func(f asm.Felt) error {
			o.fee, o.credited = f, true
			return nil
		})
		return o
	}
	got := runOn(c.Engine)
	want := runOn("interp")
	if want.err != nil {
		return nil, want.err
	}
	if d := divergence(got.r, want.r, got.err, got.fee, want.fee, got.layer.Diff(), want.layer.Diff()); d != "" {
		want.r.Divergence = fmt.Sprintf("engine %s diverged from the interpreter: %s", c.Engine, d)
	}
	if err := want.layer.Commit(); err != nil {
		return nil, err
	}
	if want.credited {
		if err := credit(want.fee); err != nil {
			return nil, err
		}
	}
	return want.r, nil
}

// divergence describes the first difference between the engine's run and
// the interpreter's, or returns "".
func divergence(got, want *Receipt, gotErr error, gotFee, wantFee asm.Felt, gotDiff, wantDiff state.Diff) string {
	switch {
	case gotErr != nil:
		return "state failure: " + gotErr.Error()
	case got.Status != want.Status || got.Reason != want.Reason:
		return fmt.Sprintf("status %v (%q), interpreter %v (%q)", got.Status, got.Reason, want.Status, want.Reason)
	case !reflect.DeepEqual(got.Resources, want.Resources):
		return fmt.Sprintf("resources %+v, interpreter %+v", got.Resources, want.Resources)
	case got.GasConsumed != want.GasConsumed:
		return fmt.Sprintf("gas %d, interpreter %d", got.GasConsumed, want.GasConsumed)
	case gotFee != wantFee || got.ActualFee != want.ActualFee:
		return fmt.Sprintf("fee %s, interpreter %s", got.ActualFee.String(), want.ActualFee.String())
	case !reflect.DeepEqual(got, want):
		return "events or messages differ"
	case !reflect.DeepEqual(gotDiff, wantDiff):
		return "state writes differ"
	}
	return ""
}
