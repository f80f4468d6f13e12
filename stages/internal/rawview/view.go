//go:build !nounsafe

package rawview

import (
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
)

// Slice returns b's bytes as values of T, sharing b's memory: nil when b
// holds less than one value, else len(b)/size values with that capacity
// (a trailing part shorter than one value is left out). The package doc
// says what it assumes.
func Slice[T arrow.FixedWidthType](b []byte) []T {
	var z T
	size := int(unsafe.Sizeof(z))
	if len(b) < size {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/size)
}

// Size is the number of bytes of one T.
func Size[T arrow.FixedWidthType]() int {
	var z T
	return int(unsafe.Sizeof(z))
}

// Uint64s returns s as uint64 values, sharing s's memory.
func Uint64s(s []int64) []uint64 {
	return unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// Uint64At returns the 8 bytes at b[i:i+8] as a uint64 in native byte
// order, without bounds checks: the caller ensures 0 <= i and i+8 <= len(b).
func Uint64At(b []byte, i int) uint64 {
	return *(*uint64)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), i))
}

// Float64 returns the float64 whose bits are *w, loaded straight into a
// float register.
func Float64(w *uint64) float64 {
	return *(*float64)(unsafe.Pointer(w))
}

// String returns b as a string without copying; b must not change while
// the string is in use.
func String(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}
