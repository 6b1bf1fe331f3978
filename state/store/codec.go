package store

import (
	"encoding/binary"
	"errors"
	"hash/crc32"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/state"
)

// Key layout. One byte of prefix per kind, then fixed-width big-endian
// fields, so that keys of one kind sort together (a contract's storage is
// one contiguous range, blocks sort by number) and no key of one kind is a
// prefix of another's.
//
//	'F' "format"                    -> formatVersion
//	'H' "head"                      -> block number, 8 bytes
//	's' contract key                -> storage value (absent: zero)
//	'n' contract                    -> nonce
//	'c' contract                    -> class hash
//	'h' class hash                  -> compiled class hash
//	'j' class hash                  -> the class's CASM JSON
//	'b' block number                -> header: the state root
//	'd' block number                -> the block's diff (encodeDiff)
//	'N' node hash                   -> a trie node (commitment.Node.MarshalBinary)
const (
	prefixMeta     = 'F'
	prefixHead     = 'H'
	prefixStorage  = 's'
	prefixNonce    = 'n'
	prefixClass    = 'c'
	prefixCompiled = 'h'
	prefixJSON     = 'j'
	prefixHeader   = 'b'
	prefixDiff     = 'd'
	prefixNode     = 'N'
)

// formatVersion is the format marker. Change it with any change to the key
// layout or to an encoding, so that an old binary refuses a new database
// (and the reverse) instead of misreading it.
const formatVersion = "cairn/state/store v1"

var (
	keyFormat = []byte("Fformat")
	keyHead   = []byte("Hhead")
)

func feltKey(prefix byte, f asm.Felt) []byte {
	k := make([]byte, 33)
	k[0] = prefix
	b := f.BytesBE()
	copy(k[1:], b[:])
	return k
}

func storageKey(contract, key asm.Felt) []byte {
	k := make([]byte, 65)
	k[0] = prefixStorage
	a, b := contract.BytesBE(), key.BytesBE()
	copy(k[1:33], a[:])
	copy(k[33:], b[:])
	return k
}

func blockKey(prefix byte, n uint64) []byte {
	k := make([]byte, 9)
	k[0] = prefix
	binary.BigEndian.PutUint64(k[1:], n)
	return k
}

func feltBytes(f asm.Felt) []byte {
	b := f.BytesBE()
	return b[:]
}

// decodeFelt reads a 32-byte big-endian felt that must be below P: this
// package writes nothing else, and a reduced value would silently be
// another felt.
func decodeFelt(b []byte) (asm.Felt, bool) {
	if len(b) != 32 {
		return asm.Felt{}, false
	}
	f := asm.FeltFromBytesBE(b)
	if back := f.BytesBE(); string(back[:]) != string(b) {
		return asm.Felt{}, false
	}
	return f, true
}

// Diff encoding, version 1:
//
//	version byte (1)
//	uvarint n, then n storage diffs: address, uvarint m, m (key, value)
//	uvarint n, then n nonces: address, nonce
//	uvarint n, then n deployed contracts: address, class hash
//	uvarint n, then n declared classes: class hash, compiled class hash
//	uvarint n, then n replaced classes: address, class hash
//	CRC-32C of all the above, 4 bytes little-endian
//
// Felts are 32 bytes big-endian. Lists keep the diff's order. A checksum of
// our own on top of Pebble's: Pebble checks its blocks, this checks that the
// bytes are a diff this package wrote (a bug, or a value put under a diff
// key by hand, fails here rather than as a wrong state).
const diffVersion = 1

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// MarshalDiff encodes d in the store's compact binary form (about 32 bytes
// per felt, a few bytes of counts, a checksum).
func MarshalDiff(d *state.Diff) []byte {
	n := 1 + 5*binary.MaxVarintLen64 + 4
	for _, s := range d.StorageDiffs {
		n += 32 + binary.MaxVarintLen64 + 64*len(s.StorageEntries)
	}
	n += 64 * (len(d.Nonces) + len(d.DeployedContracts) + len(d.DeclaredClasses) + len(d.ReplacedClasses))
	b := make([]byte, 0, n)
	b = append(b, diffVersion)
	felt := func(f asm.Felt) {
		x := f.BytesBE()
		b = append(b, x[:]...)
	}
	b = binary.AppendUvarint(b, uint64(len(d.StorageDiffs)))
	for _, s := range d.StorageDiffs {
		felt(s.Address)
		b = binary.AppendUvarint(b, uint64(len(s.StorageEntries)))
		for _, e := range s.StorageEntries {
			felt(e.Key)
			felt(e.Value)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(d.Nonces)))
	for _, x := range d.Nonces {
		felt(x.ContractAddress)
		felt(x.Nonce)
	}
	b = binary.AppendUvarint(b, uint64(len(d.DeployedContracts)))
	for _, x := range d.DeployedContracts {
		felt(x.Address)
		felt(x.ClassHash)
	}
	b = binary.AppendUvarint(b, uint64(len(d.DeclaredClasses)))
	for _, x := range d.DeclaredClasses {
		felt(x.ClassHash)
		felt(x.CompiledClassHash)
	}
	b = binary.AppendUvarint(b, uint64(len(d.ReplacedClasses)))
	for _, x := range d.ReplacedClasses {
		felt(x.ContractAddress)
		felt(x.ClassHash)
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// errDiffEncoding is the reason UnmarshalDiff gives for any malformed
// input; the caller knows which key it read.
var errDiffEncoding = errors.New("malformed diff encoding")

// UnmarshalDiff decodes what MarshalDiff wrote. It rejects anything else (a
// wrong version or checksum, a truncated list, trailing bytes, a felt not
// below P) and never panics, whatever the input.
func UnmarshalDiff(b []byte) (*state.Diff, error) {
	if len(b) < 5 || b[0] != diffVersion {
		return nil, errDiffEncoding
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, errors.New("diff checksum mismatch")
	}
	r := diffReader{b: body[1:]}
	d := &state.Diff{}
	// count reads a list length and checks it against the bytes left, so a
	// corrupt count cannot make us allocate gigabytes.
	count := func(itemSize int) int {
		n, k := binary.Uvarint(r.b)
		if k <= 0 || n > uint64(len(r.b)-k)/uint64(itemSize) {
			r.bad = true
			return 0
		}
		r.b = r.b[k:]
		return int(n)
	}
	if n := count(33); n > 0 {
		d.StorageDiffs = make([]state.ContractStorageDiff, n)
		for i := range d.StorageDiffs {
			s := &d.StorageDiffs[i]
			s.Address = r.felt()
			if m := count(64); m > 0 {
				s.StorageEntries = make([]state.StorageEntry, m)
				for j := range s.StorageEntries {
					s.StorageEntries[j] = state.StorageEntry{Key: r.felt(), Value: r.felt()}
				}
			}
			if r.bad {
				return nil, errDiffEncoding
			}
		}
	}
	if n := count(64); n > 0 {
		d.Nonces = make([]state.NonceUpdate, n)
		for i := range d.Nonces {
			d.Nonces[i] = state.NonceUpdate{ContractAddress: r.felt(), Nonce: r.felt()}
		}
	}
	if n := count(64); n > 0 {
		d.DeployedContracts = make([]state.DeployedContract, n)
		for i := range d.DeployedContracts {
			d.DeployedContracts[i] = state.DeployedContract{Address: r.felt(), ClassHash: r.felt()}
		}
	}
	if n := count(64); n > 0 {
		d.DeclaredClasses = make([]state.DeclaredClass, n)
		for i := range d.DeclaredClasses {
			d.DeclaredClasses[i] = state.DeclaredClass{ClassHash: r.felt(), CompiledClassHash: r.felt()}
		}
	}
	if n := count(64); n > 0 {
		d.ReplacedClasses = make([]state.ReplacedClass, n)
		for i := range d.ReplacedClasses {
			d.ReplacedClasses[i] = state.ReplacedClass{ContractAddress: r.felt(), ClassHash: r.felt()}
		}
	}
	if r.bad || len(r.b) != 0 {
		return nil, errDiffEncoding
	}
	return d, nil
}

// diffReader reads felts off a byte slice; a short or non-canonical felt
// sets bad and reads as zero, checked once per list.
type diffReader struct {
	b   []byte
	bad bool
}

func (r *diffReader) felt() asm.Felt {
	if len(r.b) < 32 {
		r.bad = true
		r.b = nil
		return asm.Felt{}
	}
	f, ok := decodeFelt(r.b[:32])
	if !ok {
		r.bad = true
	}
	r.b = r.b[32:]
	return f
}
