package textfmt

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// referenceFloat is encoding/json's float text, the rule AppendFloat follows.
func referenceFloat(t *testing.T, v float64) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestAppendFloatTable(t *testing.T) {
	cases := []struct {
		in   float64
		want string
	}{
		{12.5, "12.5"}, {3, "3"}, {-3, "-3"}, {0, "0"}, {math.Copysign(0, -1), "-0"},
		{0.1, "0.1"}, {0.01, "0.01"}, {-19.99, "-19.99"}, {1e-7, "1e-7"}, {1e21, "1e+21"},
		{123456789.5, "123456789.5"}, {math.Nextafter(0.3, 1), "0.30000000000000004"},
		{math.NaN(), "NaN"}, {math.Inf(1), "+Inf"}, {math.Inf(-1), "-Inf"},
		{5e-324, "5e-324"}, {math.MaxFloat64, "1.7976931348623157e+308"},
	}
	for _, c := range cases {
		t.Run(strconv.FormatFloat(c.in, 'g', -1, 64), func(t *testing.T) {
			assert.Equal(t, c.want, string(AppendFloat(nil, c.in, 64)))
		})
	}
}

func TestAppendFloatMatchesJSONAndRoundTrips(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200000 {
		var v float64
		switch i % 4 {
		case 0: // any bit pattern
			v = math.Float64frombits(r.Uint64())
		case 1: // two-decimal values, the fast path
			v = float64(r.Int64N(2_000_000_000)-1_000_000_000) / 100
		case 2: // one decimal and larger magnitudes
			v = float64(r.Int64N(1<<50)-1<<49) / 10
		default: // near the fast path's bound and the notation switch
			v = r.NormFloat64() * math.Pow(10, float64(r.IntN(40)-20))
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		got := string(AppendFloat(nil, v, 64))
		if !assert.Equal(t, referenceFloat(t, v), got, "bits %x", math.Float64bits(v)) {
			return
		}
		back, err := strconv.ParseFloat(got, 64)
		require.NoError(t, err)
		require.Equal(t, math.Float64bits(v), math.Float64bits(back), got)
	}
}

func TestAppendFloat32RoundTrips(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 50000 {
		v := math.Float32frombits(r.Uint32())
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			continue
		}
		got := string(AppendFloat(nil, float64(v), 32))
		b, err := json.Marshal(v)
		require.NoError(t, err)
		require.Equal(t, string(b), got)
		back, err := strconv.ParseFloat(got, 32)
		require.NoError(t, err)
		require.Equal(t, v, float32(back), got)
	}
}

func FuzzAppendFloat(f *testing.F) {
	f.Add(12.5)
	f.Add(0.07)
	f.Add(1e21)
	f.Fuzz(func(t *testing.T, v float64) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return
		}
		assert.Equal(t, referenceFloat(t, v), string(AppendFloat(nil, v, 64)))
	})
}

func BenchmarkAppendFloat(b *testing.B) {
	for _, c := range []struct {
		name string
		v    float64
	}{{"kind=cents", 1234.56}, {"kind=random", 0.123456789012345}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, 64)
			for b.Loop() {
				buf = AppendFloat(buf[:0], c.v, 64)
			}
		})
	}
}
