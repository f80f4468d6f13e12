package join

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// benchInputs makes a stream batch of rows rows whose key (id: int64 or
// string) hits a table of tableRows rows (one in 16 misses), and the table
// with one payload column.
func benchInputs(mem memory.Allocator, key string, rows, tableRows int) (arrow.RecordBatch, []arrow.RecordBatch) {
	keyType := arrow.DataType(arrow.PrimitiveTypes.Int64)
	if key == "string" {
		keyType = arrow.BinaryTypes.String
	}
	appendKey := func(b array.Builder, v int) {
		switch b := b.(type) {
		case *array.Int64Builder:
			b.Append(int64(v))
		case *array.StringBuilder:
			b.Append(fmt.Sprintf("product-%07d", v))
		}
	}
	ss := arrow.NewSchema([]arrow.Field{{Name: "id", Type: keyType}, {Name: "qty", Type: arrow.PrimitiveTypes.Int64}}, nil)
	sb := array.NewRecordBuilder(mem, ss)
	defer sb.Release()
	for i := range rows {
		appendKey(sb.Field(0), (i*7919)%(tableRows+tableRows/16))
		sb.Field(1).(*array.Int64Builder).Append(int64(i))
	}
	ts := arrow.NewSchema([]arrow.Field{{Name: "id", Type: keyType}, {Name: "category", Type: arrow.BinaryTypes.String}}, nil)
	tb := array.NewRecordBuilder(mem, ts)
	defer tb.Release()
	var table []arrow.RecordBatch
	for i := range tableRows {
		appendKey(tb.Field(0), i)
		tb.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("cat-%d", i%20))
		if tb.Field(0).Len() == 64<<10 {
			table = append(table, tb.NewRecordBatch())
		}
	}
	table = append(table, tb.NewRecordBatch())
	return sb.NewRecordBatch(), table
}

// Probing one worker's batches of 64Ki rows against an int or string
// key, with the table built before the clock starts: rows/s per core.
func BenchmarkProbe(b *testing.B) {
	for _, key := range []string{"int", "string"} {
		for _, tableRows := range []int{1000, 1 << 20} {
			for _, kind := range []Kind{Inner, Left, Semi} {
				b.Run(fmt.Sprintf("key=%s/table=%d/kind=%s", key, tableRows, kind), func(b *testing.B) {
					benchProbe(b, key, tableRows, kind)
				})
			}
		}
	}
}

func benchProbe(b *testing.B, key string, tableRows int, kind Kind) {
	mem := memory.NewGoAllocator()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	batch, table := benchInputs(mem, key, 64<<10, tableRows)
	defer batch.Release()
	rr, err := array.NewRecordReader(table[0].Schema(), table)
	require.NoError(b, err)
	defer rr.Release()
	releaseAll(table)
	st, _, err := New(kind, []KeyPair{Key("id")}, pipeline.FromRecordReader(rr), Options{}).Build(verb.Env{Mem: mem}, batch.Schema())
	require.NoError(b, err)
	w := st.NewWorker()
	batch.Retain()
	out, err := w.Process(ctx, 0, batch) // reads the table
	require.NoError(b, err)
	out.Release()
	b.ReportAllocs()
	b.SetBytes(sharedmem.PinnedBytes(batch))
	b.ResetTimer()
	for i := range b.N {
		batch.Retain()
		out, err := w.Process(ctx, uint64(i+1), batch)
		if err != nil {
			b.Fatal(err)
		}
		out.Release()
	}
	b.ReportMetric(float64(b.N)*float64(batch.NumRows())/b.Elapsed().Seconds(), "rows/s")
	require.NoError(b, st.Finish(ctx, []pipeline.Worker{w}, func(rec arrow.RecordBatch) error { rec.Release(); return nil }))
}

// Reading and indexing the table (the build), per table row.
func BenchmarkBuild(b *testing.B) {
	for _, key := range []string{"int", "string"} {
		b.Run(fmt.Sprintf("key=%s/table=%d", key, 1<<20), func(b *testing.B) {
			mem := memory.NewGoAllocator()
			batch, table := benchInputs(mem, key, 1, 1<<20)
			defer batch.Release()
			defer releaseAll(table)
			b.ReportAllocs()
			for b.Loop() {
				for _, t := range table {
					t.Retain()
				}
				tab, err := newTable(mem, table[0].Schema(), table, []int{0}, false)
				if err != nil {
					b.Fatal(err)
				}
				tab.release()
			}
			b.ReportMetric(float64(b.N)*(1<<20)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
