package rawview

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests run unchanged in both builds (go test and go test -tags
// nounsafe); encoding/binary in native byte order is the reference.

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestSliceReadsNativeOrder(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 9, 17, 64, 1001} {
		b := randomBytes(n, uint64(n))
		u16 := Slice[uint16](b)
		require.Len(t, u16, n/2, "n=%d", n)
		for i, v := range u16 {
			assert.Equal(t, binary.NativeEndian.Uint16(b[2*i:]), v)
		}
		i32 := Slice[int32](b)
		require.Len(t, i32, n/4, "n=%d", n)
		for i, v := range i32 {
			assert.Equal(t, int32(binary.NativeEndian.Uint32(b[4*i:])), v)
		}
		f64 := Slice[float64](b)
		require.Len(t, f64, n/8, "n=%d", n)
		for i, v := range f64 {
			want := math.Float64frombits(binary.NativeEndian.Uint64(b[8*i:]))
			assert.Equal(t, math.Float64bits(want), math.Float64bits(v))
		}
		dec := Slice[decimal128.Num](b)
		require.Len(t, dec, n/16, "n=%d", n)
		for i, v := range dec {
			lo := binary.NativeEndian.Uint64(b[16*i:])
			hi := int64(binary.NativeEndian.Uint64(b[16*i+8:]))
			assert.Equal(t, decimal128.New(hi, lo), v)
		}
		// Named types of arrow-go view the same way as their base type.
		ts := Slice[arrow.Timestamp](b)
		require.Len(t, ts, n/8)
		for i, v := range ts {
			assert.Equal(t, int64(binary.NativeEndian.Uint64(b[8*i:])), int64(v))
		}
	}
}

func TestSliceShortIsNil(t *testing.T) {
	assert.Nil(t, Slice[int64](nil))
	assert.Nil(t, Slice[int64](make([]byte, 7, 64)))
	assert.Nil(t, Slice[uint16](make([]byte, 1)))
	assert.Len(t, Slice[int64](make([]byte, 8, 64)), 1)
}

// Callers write Arrow buffers through the view: the writes must land in
// the bytes, and must not reach past the view's capacity.
func TestSliceWritesThrough(t *testing.T) {
	b := make([]byte, 8*5+3)
	v := Slice[int64](b[8:])
	require.Len(t, v, 4)
	assert.Equal(t, 4, cap(v))
	for i := range v {
		v[i] = -int64(i + 1)
	}
	assert.Zero(t, binary.NativeEndian.Uint64(b))
	for i := range v {
		assert.Equal(t, uint64(-int64(i+1)), binary.NativeEndian.Uint64(b[8+8*i:]))
	}
	assert.Equal(t, []byte{0, 0, 0}, b[40:])

	o := Slice[int32](b)
	o[1] = math.MaxInt32
	assert.Equal(t, uint32(math.MaxInt32), binary.NativeEndian.Uint32(b[4:]))
}

func TestSize(t *testing.T) {
	assert.Equal(t, 2, Size[uint16]())
	assert.Equal(t, 4, Size[int32]())
	assert.Equal(t, 8, Size[int64]())
	assert.Equal(t, 8, Size[float64]())
	assert.Equal(t, 8, Size[arrow.Timestamp]())
	assert.Equal(t, 16, Size[decimal128.Num]())
}

func TestUint64s(t *testing.T) {
	assert.Empty(t, Uint64s(nil))
	s := []int64{0, -1, math.MinInt64, math.MaxInt64, 42}
	u := Uint64s(s[:4])
	require.Len(t, u, 4)
	assert.Equal(t, []uint64{0, math.MaxUint64, 1 << 63, 1<<63 - 1}, u)
	u[0] = math.MaxUint64 // shares memory: writes show in s
	assert.Equal(t, int64(-1), s[0])
	assert.Equal(t, int64(42), s[4], "a write stays inside the view")
}

func TestUint64AtEveryOffset(t *testing.T) {
	b := randomBytes(40, 7)
	for i := 0; i+8 <= len(b); i++ {
		assert.Equal(t, binary.NativeEndian.Uint64(b[i:]), Uint64At(b, i), "offset %d", i)
	}
}

func TestString(t *testing.T) {
	assert.Equal(t, "", String(nil))
	assert.Equal(t, "", String([]byte{}))
	b := []byte("-1.5e300xyz")
	assert.Equal(t, "-1.5e300", String(b[:8]))
	assert.Equal(t, "xyz", String(b[8:]))
}

func TestFloat64(t *testing.T) {
	for _, f := range []float64{0, math.Copysign(0, -1), 1.5, -1e308, math.Inf(1), math.SmallestNonzeroFloat64, math.MaxFloat64} {
		w := math.Float64bits(f)
		assert.Equal(t, math.Float64bits(f), math.Float64bits(Float64(&w)), "%v", f)
	}
	w := [3]uint64{0, 0x7ff8000000000001, 0} // a NaN payload survives
	assert.Equal(t, uint64(0x7ff8000000000001), math.Float64bits(Float64(&w[1])))
}
