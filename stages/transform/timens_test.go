package transform

import (
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var nsSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "a", Type: &arrow.TimestampType{Unit: arrow.Nanosecond}, Nullable: true},
	{Name: "b", Type: &arrow.TimestampType{Unit: arrow.Nanosecond}, Nullable: true},
}, nil)

// nsRows returns n rows where a is an instant with ns digits and b is a
// minus d, d = 1, 0 or -1 ns by row (null b on every 7th row), as instants.
func nsRows(n int) (a, b []time.Time, bValid []bool) {
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for r := 0; r < n; r++ {
		x := base.Add(time.Duration(r)*time.Second + time.Duration(r%1000)*time.Nanosecond)
		a = append(a, x)
		b = append(b, x.Add(time.Duration(r%3-1)*time.Nanosecond))
		bValid = append(bValid, r%7 != 6)
	}
	return a, b, bValid
}

func nsBatches(mem memory.Allocator, a, b []time.Time, bValid []bool, size int) []arrow.RecordBatch {
	var out []arrow.RecordBatch
	for start := 0; start < len(a); start += size {
		end := min(start+size, len(a))
		rb := array.NewRecordBuilder(mem, nsSchema)
		for r := start; r < end; r++ {
			rb.Field(0).(*array.Int64Builder).Append(int64(r))
			rb.Field(1).(*array.TimestampBuilder).Append(arrow.Timestamp(a[r].UnixNano()))
			if bValid[r] {
				rb.Field(2).(*array.TimestampBuilder).Append(arrow.Timestamp(b[r].UnixNano()))
			} else {
				rb.Field(2).(*array.TimestampBuilder).AppendNull()
			}
		}
		out = append(out, rb.NewRecordBatch())
		rb.Release()
	}
	return out
}

// TestFilterKeepsNanoseconds: filter 'a > b' on ns columns keeps exactly
// the rows whose a is later than b, also by 1 ns (the rows a µs engine
// would see as equal), with 1 and 4 workers and batches of 1 to 1000 rows.
func TestFilterKeepsNanoseconds(t *testing.T) {
	a, b, bValid := nsRows(2000)
	var want []int64 // a after b, a null b dropped
	for r := range a {
		if bValid[r] && a[r].After(b[r]) {
			want = append(want, int64(r))
		}
	}
	for _, workers := range []int{1, 4} {
		for _, size := range []int{1, 7, 100, 1000} {
			t.Run(fmt.Sprintf("workers=%d/batch=%d", workers, size), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				out, err := runVerb(t, mem, nsSchema, "filter", "a > b", workers, nsBatches(mem, a, b, bValid, size))
				defer releaseAll(out)
				require.NoError(t, err)
				var got []int64
				for _, rec := range out {
					got = append(got, rec.Column(0).(*array.Int64).Int64Values()...)
				}
				assert.Equal(t, want, got)
			})
		}
	}
}

// TestDeriveKeepsNanoseconds: derive passes ns values through coalesce and
// if at ns, and date_trunc computes in ns.
func TestDeriveKeepsNanoseconds(t *testing.T) {
	a, b, bValid := nsRows(300)
	for _, workers := range []int{1, 4} {
		for _, size := range []int{1, 64, 1000} {
			t.Run(fmt.Sprintf("workers=%d/batch=%d", workers, size), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				out, err := runVerb(t, mem, nsSchema, "derive", "c = coalesce(b, a); later = if(a > b, a, b); m = date_trunc('minute', a)",
					workers, nsBatches(mem, a, b, bValid, size))
				defer releaseAll(out)
				require.NoError(t, err)
				r := 0
				for _, rec := range out {
					cols := map[string]*array.Timestamp{}
					for k, f := range rec.Schema().Fields() {
						if ts, ok := rec.Column(k).(*array.Timestamp); ok {
							cols[f.Name] = ts
							require.Equal(t, arrow.Nanosecond, f.Type.(*arrow.TimestampType).Unit, "column %s", f.Name)
						}
					}
					at := func(name string, k int) time.Time { return cols[name].Value(k).ToTime(arrow.Nanosecond).UTC() }
					for k := 0; k < int(rec.NumRows()); k, r = k+1, r+1 {
						wantC, wantLater := a[r], b[r] // coalesce; if's else branch (also when b is null)
						if bValid[r] {
							wantC = b[r]
						}
						if bValid[r] && a[r].After(b[r]) {
							wantLater = a[r]
						}
						assert.Equal(t, wantC, at("c", k), "row %d", r)
						if bValid[r] {
							assert.Equal(t, wantLater, at("later", k), "row %d", r)
						} else {
							assert.True(t, cols["later"].IsNull(k), "row %d", r)
						}
						assert.Equal(t, a[r].Truncate(time.Minute), at("m", k), "row %d", r)
					}
				}
				assert.Equal(t, len(a), r)
			})
		}
	}
}
