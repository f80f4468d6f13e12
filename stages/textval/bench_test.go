package textval

import "testing"

func BenchmarkParse(b *testing.B) {
	var cache DateCache // repeated dates, as in a time-ordered column
	cases := []struct {
		name string
		in   string
		f    func([]byte) bool
	}{
		{"int64", "123456", func(v []byte) bool { _, ok := ParseInt64(v); return ok }},
		{"float64", "1234.56", func(v []byte) bool { _, ok := ParseFloat64(v); return ok }},
		{"float64-long", "3.14159265358979323846", func(v []byte) bool { _, ok := ParseFloat64(v); return ok }},
		{"decimal", "1234.56", func(v []byte) bool { _, ok := ParseDecimal128(v, 10, 2); return ok }},
		{"decimal-38", "123456789012345678901234.5678901234", func(v []byte) bool { _, ok := ParseDecimal128(v, 38, 10); return ok }},
		{"timestamp", "2026-01-02T03:04:05Z", func(v []byte) bool { _, ok := ParseTimestamp(v); return ok }},
		{"timestamp-frac-offset", "2026-01-02T03:04:05.123456+01:00", func(v []byte) bool { _, ok := ParseTimestamp(v); return ok }},
		{"timestamp-datecache", "2026-01-02T03:04:05Z", func(v []byte) bool { _, ok := cache.ParseTimestamp(v); return ok }},
		{"date", "2026-01-02", func(v []byte) bool { _, ok := ParseDate(v); return ok }},
		{"classify-string", "hello world", func(v []byte) bool { return Classify(v) == KindString }},
	}
	for _, c := range cases {
		b.Run("type="+c.name, func(b *testing.B) {
			in := []byte(c.in)
			b.ReportAllocs()
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				if !c.f(in) {
					b.Fatal("parse failed")
				}
			}
		})
	}
}
