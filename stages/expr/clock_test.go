package expr

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestClockCompare checks time-of-day columns of each unit against a
// reference on time.Duration: comparisons with each other and with
// literals, to_string as DuckDB prints a TIME, and the functions they
// pass through, over batches sliced at any offset.
func TestClockCompare(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(10, 64))
	const n = 200
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "us", Type: arrow.FixedWidthTypes.Time64us, Nullable: true},
		{Name: "ns", Type: arrow.FixedWidthTypes.Time64ns, Nullable: true},
		{Name: "ms", Type: arrow.FixedWidthTypes.Time32ms, Nullable: true},
		{Name: "s", Type: arrow.FixedWidthTypes.Time32s, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	// vals[c][r] is column c's row r in ns; -1 is null.
	vals := make([][]int64, 4)
	units := []int64{1_000, 1, 1_000_000, 1_000_000_000}
	for r := 0; r < n; r++ {
		sec := int64(rng.IntN(86_400))
		if r%5 == 0 {
			sec = 3*3600 + 4*60 + 5 // ties with the literal
		}
		for c, u := range units {
			ns := sec*1_000_000_000 + int64(rng.IntN(1_000_000_000))/u*u
			if r%5 == 0 {
				ns = sec * 1_000_000_000
			}
			if rng.IntN(6) == 0 {
				ns = -1
				b.Field(c).AppendNull()
			} else if c < 2 {
				b.Field(c).(*array.Time64Builder).Append(arrow.Time64(ns / u))
			} else {
				b.Field(c).(*array.Time32Builder).Append(arrow.Time32(ns / u))
			}
			vals[c] = append(vals[c], ns)
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	lit := int64(3*3600+4*60+5) * 1_000_000_000
	noon := int64(12*3600) * 1_000_000_000
	cmp := func(a, b int64, f func(a, b int64) bool) any {
		if a < 0 || b < 0 {
			return nil
		}
		return f(a, b)
	}
	clockText := func(ns int64) any {
		if ns < 0 {
			return nil
		}
		d := time.Duration(ns)
		s := fmt.Sprintf("%02d:%02d:%02d", int64(d.Hours()), int64(d.Minutes())%60, int64(d.Seconds())%60)
		if f := ns % 1e9; f != 0 {
			frac := fmt.Sprintf("%09d", f)
			for frac[len(frac)-1] == '0' {
				frac = frac[:len(frac)-1]
			}
			s += "." + frac
		}
		return s
	}
	eq := func(a, b int64) bool { return a == b }
	lt := func(a, b int64) bool { return a < b }
	tests := []struct {
		src string
		ref func(r int) any
	}{
		{"us == '03:04:05'", func(r int) any { return cmp(vals[0][r], lit, eq) }},
		{"'03:04:05' == s", func(r int) any { return cmp(vals[3][r], lit, eq) }},
		{"ns < '12:00'", func(r int) any { return cmp(vals[1][r], noon, lt) }},
		{"ms >= '12:00:00.5'", func(r int) any { return cmp(vals[2][r], noon+5e8, func(a, b int64) bool { return a >= b }) }},
		{"us < ns", func(r int) any { return cmp(vals[0][r], vals[1][r], lt) }},
		{"s != ms", func(r int) any { return cmp(vals[3][r], vals[2][r], func(a, b int64) bool { return a != b }) }},
		{"ns is null", func(r int) any { return vals[1][r] < 0 }},
		{"s in ('03:04:05', '12:00')", func(r int) any {
			if vals[3][r] < 0 {
				return nil
			}
			return vals[3][r] == lit || vals[3][r] == noon
		}},
		{"us not in (ns, ms)", func(r int) any {
			a, b, c := vals[0][r], vals[1][r], vals[2][r]
			switch {
			case a < 0:
				return nil
			case a == b || a == c:
				return false
			case b < 0 || c < 0:
				return nil
			}
			return true
		}},
		{"to_string(us)", func(r int) any { return clockText(vals[0][r]) }},
		{"to_string(ns)", func(r int) any { return clockText(vals[1][r]) }},
		{"to_string(greatest(ms, s))", func(r int) any {
			a, b := vals[2][r], vals[3][r]
			return clockText(max(a, b)) // a null (-1) is skipped
		}},
		{"to_string(coalesce(s, us))", func(r int) any {
			if vals[3][r] >= 0 {
				return clockText(vals[3][r])
			}
			return clockText(vals[0][r])
		}},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e, err := Compile(tt.src, schema)
			require.NoError(t, err)
			ev := e.NewEvaluator()
			for _, size := range []int{1, 9, n} {
				for off := 0; off < min(n, 30*size); off += size {
					m := min(size, n-off)
					part := rec.NewSlice(int64(off), int64(off+m))
					got, err := ev.Eval(ctx, part, mem)
					require.NoError(t, err)
					for k := 0; k < m; k++ {
						var g any
						if got.IsValid(k) {
							switch a := got.(type) {
							case *array.Boolean:
								g = a.Value(k)
							case *array.String:
								g = a.Value(k)
							}
						}
						if !assert.Equal(t, tt.ref(off+k), g, "row %d", off+k) {
							break
						}
					}
					got.Release()
					part.Release()
				}
			}
		})
	}

	e, err := Compile("coalesce(us, ns)", schema)
	require.NoError(t, err)
	assert.Equal(t, arrow.FixedWidthTypes.Time64ns, e.Type())
	got, err := e.Eval(ctx, rec, mem)
	require.NoError(t, err)
	for r := 0; r < n; r++ {
		want := vals[0][r]
		if want < 0 {
			want = vals[1][r]
		}
		if want < 0 {
			assert.True(t, got.IsNull(r))
		} else {
			assert.Equal(t, arrow.Time64(want), got.(*array.Time64).Value(r), "row %d", r)
		}
	}
	got.Release()

	for src, msg := range map[string]string{
		"us + 1":                         "operator + needs numbers",
		"us == 1":                        "cannot compare time with int64",
		"us < '25:00'":                   `cannot compare time with "25:00"`,
		"us == '3:04:05'":                `cannot compare time with "3:04:05"`,
		"hash(us)":                       "hash does not take a time of day",
		"year(ns)":                       "year does not take a time of day",
		"us == ts'2026-01-02T00:00:00Z'": "cannot compare time with timestamp",
	} {
		_, err := Compile(src, schema)
		assert.ErrorContains(t, err, msg, src)
	}
}

func TestParseClock(t *testing.T) {
	for s, want := range map[string]int64{
		"00:00": 0, "03:04:05": (3*3600 + 4*60 + 5) * 1e9, "23:59:59.999999999": 86_400e9 - 1,
		"24:00:00": 86_400e9, "12:00:00.5": 43_200e9 + 5e8,
	} {
		got, ok := parseClock(s)
		assert.True(t, ok, s)
		assert.Equal(t, want, got, s)
	}
	for _, s := range []string{"", "3:04", "24:00:01", "12:60", "12:00:00.", "12:00.5", "12:00:00.1234567890", "12:00:00.-5", "ab:cd"} {
		_, ok := parseClock(s)
		assert.False(t, ok, s)
	}
}

// FuzzParseClock checks that a time literal that parses lies within the
// day and prints back (to_string) to text that parses to the same time.
func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"03:04:05", "12:00", "23:59:59.999999999", "24:00:00", "12:00:00.5", "1:2", "12:00:00.", "99:99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ns, ok := parseClock(s)
		if !ok {
			return
		}
		require.True(t, ns >= 0 && ns <= nsPerDay, "%q: %d", s, ns)
		text := string(appendClock(nil, ns))
		back, ok := parseClock(text)
		require.True(t, ok, "%q printed as %q", s, text)
		require.Equal(t, ns, back, "%q printed as %q", s, text)
	})
}

// to_string of a time of day outside the day (a corrupt file: Arrow
// allows none) is still a time, modulo a day, never a sign; the end of
// the day (DuckDB's TIME '24:00:00') is 24:00:00.
func TestClockToStringOutsideDay(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "ns", Type: arrow.FixedWidthTypes.Time64ns, Nullable: true}}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	want := map[int64]string{
		-1:              "23:59:59.999999999",
		-nsPerDay - 5e8: "23:59:59.5",
		nsPerDay:        "24:00:00",
		nsPerDay + 1e9:  "00:00:01",
		12*3600e9 + 5e8: "12:00:00.5",
	}
	var in []int64
	for v := range want {
		in = append(in, v)
		b.Field(0).(*array.Time64Builder).Append(arrow.Time64(v))
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	e, err := Compile("to_string(ns)", schema)
	require.NoError(t, err)
	got, err := e.Eval(context.Background(), rec, mem)
	require.NoError(t, err)
	defer got.Release()
	for r, v := range in {
		assert.Equal(t, want[v], got.(*array.String).Value(r), "value %d", v)
	}
}
