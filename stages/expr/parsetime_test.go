package expr

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// to_timestamp reads text as the CSV and NDJSON readers do (textval): a
// digit it cannot hold makes the value not convert (null) instead of being
// cut, and the forms the readers take (a date alone, no seconds, a
// lower-case t) convert. Values are checked against the instants written
// out by hand.
func TestToTimestampReadsAsTheReaders(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	texts := []string{
		"2026-01-02T03:04:05.1234560001Z", // a tenth digit: time.Parse cut it
		"2026-01-02T03:04:05.123456789Z",  // below the µs: not a µs timestamp
		"2026-01-02T03:04:05.123456Z",
		"2026-01-02",
		"2026-01-02t03:04z",
		"2026-01-02T03:04:05,5Z", // a comma is no decimal mark here
	}
	want := []any{nil, nil, int64(1767323045123456), int64(1767312000000000), int64(1767323040000000), nil}
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String}}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues(texts, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()

	got, err := evalOn(t, "to_timestamp(s)", rec, mem)
	require.NoError(t, err)
	defer got.Release()
	ts := got.(*array.Timestamp)
	for i, w := range want {
		if w == nil {
			assert.True(t, ts.IsNull(i), "%q converts to %v", texts[i], ts.Value(i))
			continue
		}
		require.True(t, ts.IsValid(i), "%q does not convert", texts[i])
		assert.Equal(t, w, int64(ts.Value(i)), texts[i])
	}
}
