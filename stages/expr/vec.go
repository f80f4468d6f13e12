package expr

import (
	"encoding/binary"

	"github.com/apache/arrow-go/v18/arrow/bitutil"
)

// A vec is one evaluated column of n rows, or a constant standing for n
// equal rows. Bitmaps (valid, b) start at bit 0 and may be longer than n;
// bits past n are garbage. Values under null slots are unspecified but
// always safe to compute with. A vec may alias arrow input buffers and the
// buffers of the node that produced it or its children: it is read-only.
type vec struct {
	isConst bool
	null    bool   // constant null
	valid   []byte // validity bitmap, nil when every row is valid
	i       []int64
	hi      []int64 // decimals: the high words when some value is beyond int64, else nil (decimal_wide.go)
	f       []float64
	b       []byte // bool values, as a bitmap
	offs    []int32
	data    []byte // string values: row r is data[offs[r]:offs[r+1]]
	// A list of strings: row r holds the elements loffs[r]..loffs[r+1]-1,
	// element e being data[offs[e]:offs[e+1]], null where cvalid (nil:
	// none is null) has its bit e clear.
	loffs  []int32
	cvalid []byte
}

// constStr returns the value of a string constant.
func (v *vec) constStr() []byte { return v.data[v.offs[0]:v.offs[1]] }

// str returns row r of a string vec (constant or not).
func (v *vec) str(r int) []byte {
	if v.isConst {
		return v.data[v.offs[0]:v.offs[1]]
	}
	return v.data[v.offs[r]:v.offs[r+1]]
}

// isValid reports whether row r is not null.
func (v *vec) isValid(r int) bool {
	if v.isConst {
		return !v.null
	}
	return v.valid == nil || v.valid[r>>3]&(1<<(r&7)) != 0
}

func (v *vec) boolAt(r int) bool {
	if v.isConst {
		return v.b[0]&1 != 0
	}
	return v.b[r>>3]&(1<<(r&7)) != 0
}

// slot holds one node's reusable output buffers for one Evaluator.
type slot struct {
	i     []int64
	f     []float64
	b     []byte
	valid []byte
	tmp   []byte
	offs  []int32
	data  []byte
	care  []byte   // the care mask a call lends its arguments (Evaluator.care)
	zone  zoneSpan // to_timezone: the last offset looked up and where it holds
	loffs []int32  // list offsets
	hi    []int64  // decimal high words (decimal_wide.go)
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/8)
	}
	return s[:n]
}

func bitmapLen(n int) int { return (n + 7) >> 3 }

// packBytes packs 0/1 bytes into a bitmap: bit r of out = tmp[r].
func packBytes(tmp []byte, out []byte, n int) {
	full := n >> 3
	for j := 0; j < full; j++ {
		x := binary.LittleEndian.Uint64(tmp[j*8:])
		out[j] = byte((x * 0x0102040810204080) >> 56)
	}
	if r := n & 7; r != 0 {
		var last byte
		for k := 0; k < r; k++ {
			last |= tmp[full*8+k] << k
		}
		out[full] = last
	}
}

// andBitmaps writes a & b to out (byte-wise, n rows).
func andBitmaps(out, a, b []byte, n int) {
	m := bitmapLen(n)
	out, a, b = out[:m], a[:m], b[:m]
	k := 0
	for ; k+8 <= m; k += 8 {
		binary.LittleEndian.PutUint64(out[k:], binary.LittleEndian.Uint64(a[k:])&binary.LittleEndian.Uint64(b[k:]))
	}
	for ; k < m; k++ {
		out[k] = a[k] & b[k]
	}
}

// andValid returns the validity of a row-wise combination of a and b: nil
// when both are nil, the other when one is, else a & b in s.valid.
func andValid(s *slot, a, b []byte, n int) []byte {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	s.valid = grow(s.valid, bitmapLen(n))
	andBitmaps(s.valid, a, b, n)
	return s.valid
}

// ownValid copies valid (or all-set when nil) into s.valid so that the
// caller may clear bits.
func ownValid(s *slot, valid []byte, n int) []byte {
	m := bitmapLen(n)
	s.valid = grow(s.valid, m)
	if valid == nil {
		for k := range s.valid {
			s.valid[k] = 0xff
		}
	} else {
		copy(s.valid, valid[:m])
	}
	return s.valid
}

// shiftBitmap returns the n bits of src starting at bit off, starting at
// bit 0: src itself when off is a multiple of 8, else a copy in dst.
func shiftBitmap(dst *[]byte, src []byte, off, n int) []byte {
	if off&7 == 0 {
		return src[off>>3:]
	}
	*dst = grow(*dst, bitmapLen(n))
	bitutil.CopyBitmap(src, off, n, *dst, 0)
	return *dst
}

func countNulls(valid []byte, n int) int {
	if valid == nil {
		return 0
	}
	return n - bitutil.CountSetBits(valid, 0, n)
}

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func setBit(bm []byte, r int)   { bm[r>>3] |= 1 << (r & 7) }
func clearBit(bm []byte, r int) { bm[r>>3] &^= 1 << (r & 7) }
func getBit(bm []byte, r int) bool {
	return bm[r>>3]&(1<<(r&7)) != 0
}
