//go:build nounsafe

package rawview

import (
	"encoding/binary"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
)

// Slice returns b's bytes as values of T, sharing b's memory: nil when b
// holds less than one value, else len(b)/size values with that capacity
// (a trailing part shorter than one value is left out). The package doc
// says what it assumes.
func Slice[T arrow.FixedWidthType](b []byte) []T {
	size := Size[T]()
	if len(b) < size {
		return nil
	}
	n := len(b) / size
	// arrow.GetData needs a length that is a multiple of the size.
	return arrow.GetData[T](b[: n*size : n*size])
}

// Size is the number of bytes of one T.
func Size[T arrow.FixedWidthType]() int {
	var one [1]T
	return len(arrow.GetBytes(one[:]))
}

// Uint64s returns s as uint64 values, sharing s's memory.
func Uint64s(s []int64) []uint64 {
	return arrow.GetData[uint64](arrow.GetBytes(s[:len(s):len(s)]))
}

// Uint64At returns the 8 bytes at b[i:i+8] as a uint64 in native byte
// order; it panics unless 0 <= i and i+8 <= len(b).
func Uint64At(b []byte, i int) uint64 {
	return binary.NativeEndian.Uint64(b[i : i+8])
}

// Float64 returns the float64 whose bits are *w.
func Float64(w *uint64) float64 {
	return math.Float64frombits(*w)
}

// String returns a copy of b as a string.
func String(b []byte) string {
	return string(b)
}
