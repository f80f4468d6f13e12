package rowtest

import (
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Row is one row as Go values, nil for null.
type Row = []any

// Batch builds a batch of schema from rows.
func Batch(t testing.TB, mem memory.Allocator, schema *arrow.Schema, rows []Row) arrow.RecordBatch {
	t.Helper()
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for _, r := range rows {
		for c, v := range r {
			if v == nil {
				b.Field(c).AppendNull()
				continue
			}
			appendValue(t, b.Field(c), v)
		}
	}
	return b.NewRecordBatch()
}

func appendValue(t testing.TB, fb array.Builder, v any) {
	switch fb := fb.(type) {
	case *array.StringBuilder:
		fb.Append(v.(string))
	case *array.LargeStringBuilder:
		fb.Append(v.(string))
	case *array.BinaryDictionaryBuilder:
		if err := fb.AppendString(v.(string)); err != nil {
			t.Fatal(err)
		}
	case *array.Int64Builder:
		fb.Append(v.(int64))
	case *array.Int32Builder:
		if i, ok := v.(int64); ok {
			fb.Append(int32(i))
			return
		}
		fb.Append(v.(int32))
	case *array.Float64Builder:
		fb.Append(v.(float64))
	case *array.BooleanBuilder:
		fb.Append(v.(bool))
	case *array.Date32Builder:
		fb.Append(v.(arrow.Date32))
	case *array.TimestampBuilder:
		if i, ok := v.(int64); ok {
			fb.Append(arrow.Timestamp(i))
			return
		}
		fb.Append(v.(arrow.Timestamp))
	default:
		t.Fatalf("rowtest: no value of builder %T", fb)
	}
}

// Batches builds one batch per part; the caller releases them.
func Batches(t testing.TB, mem memory.Allocator, schema *arrow.Schema, parts [][]Row) []arrow.RecordBatch {
	t.Helper()
	out := make([]arrow.RecordBatch, len(parts))
	for i, p := range parts {
		out[i] = Batch(t, mem, schema, p)
	}
	return out
}

// Split cuts rows into batches of 0..maxRows rows, so that empty batches
// and batch edges fall anywhere.
func Split(r *rand.Rand, rows []Row, maxRows int) [][]Row {
	var out [][]Row
	for len(rows) > 0 {
		n := min(r.IntN(maxRows+1), len(rows))
		out = append(out, rows[:n])
		rows = rows[n:]
	}
	return out
}
