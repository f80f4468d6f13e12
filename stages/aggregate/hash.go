package aggregate

import (
	"encoding/binary"
	"math/bits"
)

// The hashes are fixed functions (no random seed) so that approximate
// distinct counts are the same from run to run and for any worker count.

const (
	hashK0   = 0xa0761d6478bd642f
	hashK1   = 0xe7037ed1a0b428db
	hashK2   = 0x8ebc6af09c88c6e3
	hashNull = 0x589965cc75374cc3
)

// mix64 is the murmur3 64-bit finalizer: every input bit affects every
// output bit.
func mix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

func mum(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// hashBytes hashes a string in the manner of wyhash: up to 16 bytes are
// read as two (overlapping) words and folded with one 128-bit multiply,
// longer strings 16 bytes per multiply. ~2 ns for short keys.
func hashBytes(b []byte) uint64 {
	n := len(b)
	var x, y uint64
	switch {
	case n >= 8 && n <= 16:
		x = binary.LittleEndian.Uint64(b)
		y = binary.LittleEndian.Uint64(b[n-8:])
	case n > 16:
		h := uint64(n) ^ hashK0
		for p := b; len(p) > 16; p = p[16:] {
			h = mum(binary.LittleEndian.Uint64(p)^hashK1, binary.LittleEndian.Uint64(p[8:])^h)
		}
		x = binary.LittleEndian.Uint64(b[n-16:]) ^ h
		y = binary.LittleEndian.Uint64(b[n-8:])
	case n >= 4:
		x = uint64(binary.LittleEndian.Uint32(b))
		y = uint64(binary.LittleEndian.Uint32(b[n-4:]))
	case n > 0:
		x = uint64(b[0])<<16 | uint64(b[n>>1])<<8 | uint64(b[n-1])
	}
	return mum(mum(x^hashK1, y^hashK2)^hashK0, uint64(n)^hashK1)
}

// hashCombine folds the hash of one more key column into h.
func hashCombine(h, c uint64) uint64 {
	return mum(h^hashK1, c^hashK2)
}
