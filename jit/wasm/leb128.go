package wasm

import "errors"

// appendU32 appends the unsigned LEB128 encoding of v.
func appendU32(b []byte, v uint32) []byte { return appendU64(b, uint64(v)) }

// appendU64 appends the unsigned LEB128 encoding of v (minimal length).
func appendU64(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// appendS64 appends the signed LEB128 encoding of v (minimal length). The
// same bytes encode v as an s32 or s33 when v is in range.
func appendS64(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7 // arithmetic shift
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// sizeU32 is len(appendU32(nil, v)).
func sizeU32(v uint32) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

var errLEB = errors.New("wasm: malformed LEB128")

// readUnsigned decodes an unsigned LEB128 number of at most bits bits
// from b, returning the value and the number of bytes read. It rejects
// encodings longer than ceil(bits/7) bytes and unused bits that are set,
// as the specification does.
func readUnsigned(b []byte, bits uint) (uint64, int, error) {
	var v uint64
	var shift uint
	for i := 0; i < len(b); i++ {
		c := b[i]
		if shift+7 >= bits && shift < bits {
			// Last permitted byte: no continuation, no bits above bits.
			rem := bits - shift
			if c&0x80 != 0 || (rem < 7 && c>>rem != 0) {
				return 0, 0, errLEB
			}
		}
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, i + 1, nil
		}
		shift += 7
	}
	return 0, 0, errLEB
}

// readSigned decodes a signed LEB128 number of at most bits bits from b.
func readSigned(b []byte, bits uint) (int64, int, error) {
	var v int64
	var shift uint
	for i := 0; i < len(b); i++ {
		c := b[i]
		if shift+7 >= bits {
			// Last permitted byte: the unused high bits must all equal
			// the sign bit, and there is no continuation.
			rem := bits - shift // 1..7 bits carried by this byte
			if c&0x80 != 0 {
				return 0, 0, errLEB
			}
			if rem < 7 {
				high := int8(c<<1) >> (rem) // bits rem-1..6, sign-extended
				if high != 0 && high != -1 {
					return 0, 0, errLEB
				}
			}
		}
		v |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			return v, i + 1, nil
		}
	}
	return 0, 0, errLEB
}
