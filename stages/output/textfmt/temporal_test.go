package textfmt

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAppendTimestampTable(t *testing.T) {
	cases := []struct {
		name string
		v    int64
		unit arrow.TimeUnit
		want string
	}{
		{"unit=s/epoch", 0, arrow.Second, "1970-01-01T00:00:00Z"},
		{"unit=s/before-epoch", -1, arrow.Second, "1969-12-31T23:59:59Z"},
		{"unit=ms/fraction", 1709294400250, arrow.Millisecond, "2024-03-01T12:00:00.25Z"},
		{"unit=ms/negative-fraction", -1, arrow.Millisecond, "1969-12-31T23:59:59.999Z"},
		{"unit=us/whole-second", 1709294400000000, arrow.Microsecond, "2024-03-01T12:00:00Z"},
		{"unit=us/fraction", 1709294400000001, arrow.Microsecond, "2024-03-01T12:00:00.000001Z"},
		{"unit=ns/fraction", 1709294400123456789, arrow.Nanosecond, "2024-03-01T12:00:00.123456789Z"},
		// Nanoseconds keep 9 digits, so that the text reads back as
		// nanoseconds.
		{"unit=ns/trailing-zeros", 1709294400250000000, arrow.Nanosecond, "2024-03-01T12:00:00.250000000Z"},
		{"unit=ns/whole-second", 1709294400000000000, arrow.Nanosecond, "2024-03-01T12:00:00Z"},
		{"unit=s/leap-day", 951782400, arrow.Second, "2000-02-29T00:00:00Z"},
		{"unit=s/year-10000", 253402300800, arrow.Second, "10000-01-01T00:00:00Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, string(AppendTimestamp(nil, c.v, c.unit)))
		})
	}
}

func TestAppendTimestampMatchesTimeFormat(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	units := []struct {
		unit   arrow.TimeUnit
		toTime func(int64) time.Time
		span   int64
	}{
		{arrow.Second, func(v int64) time.Time { return time.Unix(v, 0) }, 400_000_000_000},
		{arrow.Millisecond, time.UnixMilli, 400_000_000_000_000},
		{arrow.Microsecond, time.UnixMicro, 1 << 62},
		{arrow.Nanosecond, func(v int64) time.Time { return time.Unix(0, v) }, 1 << 62},
	}
	for _, u := range units {
		t.Run("unit="+u.unit.String(), func(t *testing.T) {
			for range 20000 {
				v := r.Int64N(u.span) - u.span/2
				if r.IntN(4) == 0 {
					v -= v % 1000 // trailing zeros in the fraction
				}
				tm := u.toTime(v).UTC()
				want := tm.Format(time.RFC3339Nano)
				if u.unit == arrow.Nanosecond && tm.Nanosecond() != 0 {
					want = tm.Format("2006-01-02T15:04:05.000000000Z07:00")
				}
				require.Equal(t, want, string(AppendTimestamp(nil, v, u.unit)), "v=%d", v)
			}
		})
	}
}

func TestAppendDateMatchesTimeFormat(t *testing.T) {
	for days := int64(-800_000); days < 3_000_000; days += 7 {
		want := time.Unix(days*86400, 0).UTC().Format(time.DateOnly)
		require.Equal(t, want, string(AppendDate(nil, days)), "days=%d", days)
	}
}

func BenchmarkAppendTimestamp(b *testing.B) {
	b.ReportAllocs()
	buf := make([]byte, 0, 64)
	for b.Loop() {
		buf = AppendTimestamp(buf[:0], 1709294400123456, arrow.Microsecond)
	}
}
