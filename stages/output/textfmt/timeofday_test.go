package textfmt

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
)

// Times are written as DuckDB writes a TIME: no fraction when it is zero,
// else only the digits needed.
func TestAppendTimeIsDuckDBText(t *testing.T) {
	for _, tc := range []struct {
		v    int64
		unit arrow.TimeUnit
		want string
	}{
		{0, arrow.Microsecond, "00:00:00"},
		{(3*3600 + 4*60 + 5) * 1e6, arrow.Microsecond, "03:04:05"},
		{(3*3600+4*60+5)*1e6 + 500000, arrow.Microsecond, "03:04:05.5"},
		{(3*3600+4*60+5)*1e6 + 123456, arrow.Microsecond, "03:04:05.123456"},
		{(3*3600+4*60+5)*1e6 + 1, arrow.Microsecond, "03:04:05.000001"},
		{86399*1e9 + 999999999, arrow.Nanosecond, "23:59:59.999999999"},
		{86399*1e9 + 10, arrow.Nanosecond, "23:59:59.00000001"},
		{45296789, arrow.Millisecond, "12:34:56.789"},
		{45296, arrow.Second, "12:34:56"},
		// DuckDB's end of the day, as it writes TIME '24:00:00' to Parquet.
		{86400 * 1e6, arrow.Microsecond, "24:00:00"},
		{86400, arrow.Second, "24:00:00"},
		// Outside the day (corrupt): modulo a day, never a sign.
		{86400*1e9 + 1, arrow.Nanosecond, "00:00:00.000000001"},
		{-1, arrow.Nanosecond, "23:59:59.999999999"},
		{-1, arrow.Second, "23:59:59"},
		{-86400*1e3 - 1500, arrow.Millisecond, "23:59:58.5"},
		{3 * 86400 * 1e6, arrow.Microsecond, "00:00:00"},
		{-9223372036854775808, arrow.Nanosecond, "00:12:43.145224192"},
	} {
		assert.Equal(t, tc.want, string(AppendTime([]byte("x"), tc.v, tc.unit))[1:], "%d %s", tc.v, tc.unit)
	}
}
