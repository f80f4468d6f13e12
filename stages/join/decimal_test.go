package join

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// decimalSource makes batches of up to maxRows rows of (id int64, d
// decimal(p,2)) with d = vals[i] (hi, lo words; hi 1 for a value beyond
// int64) or null where valid is false.
func decimalSource(t *testing.T, mem memory.Allocator, prec int32, vals []decimal128.Num, valid []bool, maxRows int) (pipeline.Source, func()) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "d", Type: &arrow.Decimal128Type{Precision: prec, Scale: 2}, Nullable: true},
	}, nil)
	var recs []arrow.RecordBatch
	for lo := 0; lo < len(vals); lo += maxRows {
		hi := min(lo+maxRows, len(vals))
		b := array.NewRecordBuilder(mem, schema)
		for i := lo; i < hi; i++ {
			b.Field(0).(*array.Int64Builder).Append(int64(i))
			b.Field(1).(*array.Decimal128Builder).AppendValues(vals[i:i+1], valid[i:i+1])
		}
		recs = append(recs, b.NewRecordBatch())
		b.Release()
	}
	rr, err := array.NewRecordReader(schema, recs)
	require.NoError(t, err)
	releaseAll(recs)
	return pipeline.FromRecordReader(rr), rr.Release
}

// Decimal keys join by value: decimal(10,2) against decimal(38,2), whose
// values beyond 64 bits never equal a small value with the same low word;
// null keys match nothing.
func TestDecimalKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 3))
	stream := make([]decimal128.Num, 300)
	svalid := make([]bool, len(stream))
	for i := range stream {
		stream[i], svalid[i] = decimal128.FromI64(r.Int64N(40)-20), r.IntN(8) != 0
	}
	table := make([]decimal128.Num, 60)
	tvalid := make([]bool, len(table))
	for i := range table {
		table[i], tvalid[i] = decimal128.FromI64(r.Int64N(40)-20), r.IntN(8) != 0
		if r.IntN(4) == 0 {
			table[i] = decimal128.New(1, table[i].LowBits()) // same low word, 2^64 more
		}
	}
	var want []string
	for i := range stream {
		for j := range table {
			if svalid[i] && tvalid[j] && stream[i] == table[j] {
				want = append(want, fmt.Sprintf("%d %s %d", i, stream[i].ToString(2), j))
			}
		}
	}
	require.NotEmpty(t, want)
	for _, c := range cases() {
		for _, maxRows := range []int{1, 1000} {
			t.Run(fmt.Sprintf("%s/batch=%d", c, maxRows), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				src, done := decimalSource(t, mem, 10, stream, svalid, maxRows)
				defer done()
				tsrc, tdone := decimalSource(t, mem, 38, table, tvalid, maxRows)
				defer tdone()
				v := New(Inner, []KeyPair{{Stream: "d", Table: "d"}}, tsrc, Options{})
				st, _, err := v.Build(envOf(c, mem), src.Schema())
				require.NoError(t, err)
				var got []string
				sink := pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
					ids, ds, tids := rec.Column(0).(*array.Int64), rec.Column(1).(*array.Decimal128), rec.Column(2).(*array.Int64)
					for k := range int(rec.NumRows()) {
						got = append(got, fmt.Sprintf("%d %s %d", ids.Value(k), ds.Value(k).ToString(2), tids.Value(k)))
					}
					return nil
				})
				require.NoError(t, pipeline.New(src, []pipeline.Stage{st}, sink, pipelineConfig(c, mem)).Run(context.Background()))
				if c.unordered {
					assert.ElementsMatch(t, want, got)
				} else {
					assert.Equal(t, want, got)
				}
			})
		}
	}
}

// A decimal key meets only a decimal of its width and scale.
func TestDecimalKeyTypes(t *testing.T) {
	d := func(id arrow.Type, p, s int32) arrow.DataType { dt, _ := arrow.NewDecimalType(id, p, s); return dt }
	assert.NoError(t, compatible(d(arrow.DECIMAL128, 10, 2), d(arrow.DECIMAL128, 38, 2)))
	assert.ErrorContains(t, compatible(d(arrow.DECIMAL128, 10, 2), d(arrow.DECIMAL128, 10, 3)), "cast one side first")
	assert.ErrorContains(t, compatible(d(arrow.DECIMAL64, 10, 2), d(arrow.DECIMAL128, 10, 2)), "cast one side first")
	assert.ErrorContains(t, compatible(d(arrow.DECIMAL128, 10, 2), arrow.PrimitiveTypes.Int64), "cast one side first")
}

func envOf(c runCase, mem memory.Allocator) verb.Env {
	env := c.env
	env.Mem, env.Workers = mem, c.workers
	return env
}

func pipelineConfig(c runCase, mem memory.Allocator) pipeline.Config {
	return pipeline.Config{Handoff: sharedmem.Policy{Mode: c.mode}, Mem: mem, Unordered: c.unordered}
}
