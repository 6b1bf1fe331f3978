package vm

import (
	"math/big"
	"sort"

	"github.com/cairn-vm/cairn/asm"
)

// ecOrder is the order of the STARK curve's group (cairo-lang EC_ORDER).
var ecOrder, _ = new(big.Int).SetString("800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2f", 16)

// two251 is 2^N_ELEMENT_BITS_ECDSA.
var two251 = new(big.Int).Lsh(big.NewInt(1), 251)

// Signature is an ECDSA signature a hint attached to an ecdsa instance.
type Signature struct {
	// Offset is the offset of the instance's public-key cell in the segment.
	Offset int
	R, S   asm.Felt
}

// ECDSABuiltin is cairo-lang's SignatureBuiltinRunner: instances of 2
// cells, a public key (x coordinate) and a message hash. A hint attaches a
// signature to the instance with AddSignature before the program writes
// it; when both cells are written the signature is verified.
type ECDSABuiltin struct {
	builtinBase
	def  BuiltinDef
	sigs map[int]Signature // by pubkey-cell offset
}

func newECDSABuiltin(def *BuiltinDef, included bool) *ECDSABuiltin {
	return &ECDSABuiltin{builtinBase: newBase(BuiltinECDSA, def, included, 2, 2), def: *def}
}

// InitSegments adds the segment and installs the validation rule.
func (b *ECDSABuiltin) InitSegments(m *Memory) {
	b.base = m.AddSegment()
	b.sigs = nil // made by the first AddSignature: most runs have none
	m.SetValidator(b.base.Segment, b)
}

// AddSignature attaches the signature (r, s) to the instance whose public
// key cell is addr (cairo-lang's ecdsa_builtin.add_signature).
func (b *ECDSABuiltin) AddSignature(addr Relocatable, r, s asm.Felt) error {
	if addr.Segment != b.base.Segment {
		return builtinErr(b.name, addr, ErrSignature,
			"Signature hint must point to the signature builtin segment, not %s.", addr)
	}
	if (addr.Offset-b.base.Offset)%2 != 0 {
		return builtinErr(b.name, addr, ErrSignature,
			"Signature hint must point to the public key cell, not %s.", addr)
	}
	if b.sigs == nil {
		b.sigs = map[int]Signature{}
	}
	b.sigs[addr.Offset] = Signature{Offset: addr.Offset, R: r, S: s}
	return nil
}

// Signatures returns the attached signatures by ascending offset (for the
// AIR private input).
func (b *ECDSABuiltin) Signatures() []Signature {
	out := make([]Signature, 0, len(b.sigs))
	for _, s := range b.sigs {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Offset < out[j].Offset })
	return out
}

// Validate verifies an instance once both its cells are written: v is
// being written at addr, the other cell is read from memory.
func (b *ECDSABuiltin) Validate(m *Memory, addr Relocatable, v Value) error {
	var pubAddr, msgAddr Relocatable
	var pub, msg Value
	switch (addr.Offset - b.base.Offset) % 2 {
	case 0:
		pubAddr, msgAddr = addr, addr.Add(1)
		pub, msg = v, m.Get(msgAddr)
		if !msg.Known() {
			return nil
		}
	default:
		pubAddr, msgAddr = addr.Add(-1), addr
		pub, msg = m.Get(pubAddr), v
		if !pub.Known() {
			return nil
		}
	}
	if !pub.IsFelt() {
		return builtinErr(b.name, pubAddr, ErrBuiltinInput,
			"ECDSA builtin: Expected public key at address %s to be an integer. Got: %s.", pubAddr, pub)
	}
	if !msg.IsFelt() {
		return builtinErr(b.name, msgAddr, ErrBuiltinInput,
			"ECDSA builtin: Expected message hash at address %s to be an integer. Got: %s.", msgAddr, msg)
	}
	sig, ok := b.sigs[pubAddr.Offset]
	if !ok {
		return builtinErr(b.name, pubAddr, ErrSignature,
			"Signature hint is missing for ECDSA builtin at address %s. Add it using 'ecdsa_builtin.add_signature'.", pubAddr)
	}
	pf, mf := pub.Felt(), msg.Felt()
	if err := b.checkRanges(pubAddr, &sig, &mf); err != nil {
		return err
	}
	if !asm.VerifyECDSA(&mf, &sig.R, &sig.S, &pf) {
		return builtinErr(b.name, pubAddr, ErrSignature,
			"Signature (%s, %s), is invalid, with respect to the public key %s, and the message hash %s.",
			sig.R.String(), sig.S.String(), pf.String(), mf.String())
	}
	return nil
}

// checkRanges makes cairo-lang's signature.verify assertions, which fail
// the run (rather than rejecting the signature) with "s = ..." messages.
func (b *ECDSABuiltin) checkRanges(at Relocatable, sig *Signature, msg *asm.Felt) error {
	s, r, z := sig.S.BigInt(), sig.R.BigInt(), msg.BigInt()
	if s.Sign() == 0 || s.Cmp(ecOrder) >= 0 {
		return builtinErr(b.name, at, ErrSignature, "s = %s", s)
	}
	w := new(big.Int).ModInverse(s, ecOrder)
	if r.Sign() == 0 || r.Cmp(two251) >= 0 {
		return builtinErr(b.name, at, ErrSignature, "r = %s", r)
	}
	if w == nil || w.Sign() == 0 || w.Cmp(two251) >= 0 {
		return builtinErr(b.name, at, ErrSignature, "w = %s", w)
	}
	if z.Cmp(two251) >= 0 {
		return builtinErr(b.name, at, ErrSignature, "msg_hash = %s", z)
	}
	return nil
}
