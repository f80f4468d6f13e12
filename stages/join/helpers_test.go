package join

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// row is one row as Go values, nil for null.
type row []any

// makeBatch builds a batch of schema from rows.
func makeBatch(t testing.TB, mem memory.Allocator, schema *arrow.Schema, rows []row) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for _, r := range rows {
		for c, v := range r {
			fb := b.Field(c)
			if v == nil {
				fb.AppendNull()
				continue
			}
			switch fb := fb.(type) {
			case *array.StringBuilder:
				fb.Append(v.(string))
			case *array.LargeStringBuilder:
				fb.Append(v.(string))
			case *array.BinaryDictionaryBuilder:
				require.NoError(t, fb.AppendString(v.(string)))
			case *array.Int64Builder:
				fb.Append(v.(int64))
			case *array.Int32Builder:
				fb.Append(int32(v.(int64)))
			case *array.Float64Builder:
				fb.Append(v.(float64))
			case *array.BooleanBuilder:
				fb.Append(v.(bool))
			case *array.TimestampBuilder:
				fb.Append(arrow.Timestamp(v.(int64)))
			default:
				t.Fatalf("makeBatch: builder %T", fb)
			}
		}
	}
	return b.NewRecordBatch()
}

// rowsOf reads batches back into Go values (ints of every width as int64,
// timestamps as int64).
func rowsOf(t testing.TB, recs []arrow.RecordBatch) []row {
	var out []row
	for _, rec := range recs {
		for i := range int(rec.NumRows()) {
			r := make(row, rec.NumCols())
			for c, col := range rec.Columns() {
				if col.IsNull(i) {
					continue
				}
				switch a := col.(type) {
				case *array.String:
					r[c] = a.Value(i)
				case *array.LargeString:
					r[c] = a.Value(i)
				case *array.Int64:
					r[c] = a.Value(i)
				case *array.Int32:
					r[c] = int64(a.Value(i))
				case *array.Float64:
					r[c] = a.Value(i)
				case *array.Boolean:
					r[c] = a.Value(i)
				case *array.Timestamp:
					r[c] = int64(a.Value(i))
				default:
					t.Fatalf("rowsOf: %T", col)
				}
			}
			out = append(out, r)
		}
	}
	return out
}

// split cuts rows into batches of 0..maxRows rows.
func split(r *rand.Rand, rows []row, maxRows int) [][]row {
	var out [][]row
	for len(rows) > 0 {
		n := min(r.IntN(maxRows+1), len(rows))
		out = append(out, rows[:n])
		rows = rows[n:]
	}
	return out
}

// source is a pipeline.Source over batches built from parts, and the
// release of its reader (once, however often it is called) for after
// the run.
func source(t testing.TB, mem memory.Allocator, schema *arrow.Schema, parts [][]row) (pipeline.Source, func()) {
	recs := make([]arrow.RecordBatch, len(parts))
	for i, p := range parts {
		recs[i] = makeBatch(t, mem, schema, p)
	}
	rr, err := array.NewRecordReader(schema, recs)
	require.NoError(t, err)
	releaseAll(recs)
	return pipeline.FromRecordReader(rr), sync.OnceFunc(rr.Release)
}

// runCase is one run of a join in a pipeline.
type runCase struct {
	workers   int
	mode      sharedmem.Mode
	unordered bool
	env       verb.Env
}

func (c runCase) String() string {
	return fmt.Sprintf("workers=%d/mode=%d", c.workers, c.mode)
}

// runJoin runs stream through v and returns the output rows; the
// allocator must be back to zero after it.
func runJoin(t testing.TB, ctx context.Context, mem *memory.CheckedAllocator, stream pipeline.Source, v verb.Verb, c runCase) ([]row, *arrow.Schema, error) {
	env := c.env
	env.Mem = mem
	env.Workers = c.workers
	st, out, err := v.Build(env, stream.Schema())
	if err != nil {
		return nil, nil, err
	}
	st.Workers = c.workers
	var recs []arrow.RecordBatch
	sink := pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
		rec.Retain()
		recs = append(recs, rec)
		return nil
	})
	p := pipeline.New(stream, []pipeline.Stage{st}, sink, pipeline.Config{
		Handoff: sharedmem.Policy{Mode: c.mode}, Mem: mem, Unordered: c.unordered})
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("join did not finish")
	}
	rows := rowsOf(t, recs)
	releaseAll(recs)
	return rows, out, err
}
