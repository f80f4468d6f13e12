package transform

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

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

func explodeSchema(list arrow.DataType) *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "tags", Type: list, Nullable: true},
		{Name: "note", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
}

// listRow is one input row: tags nil for a null list; an element nil for
// a null element.
type listRow struct {
	id   int64
	tags []*string
	null bool
	note string
}

func randomListRows(rng *rand.Rand, n, fixed int) []listRow {
	rows := make([]listRow, n)
	for r := range rows {
		rows[r] = listRow{id: int64(r), note: fmt.Sprintf("n%d", rng.IntN(9))}
		if fixed == 0 && rng.IntN(6) == 0 {
			rows[r].null = true
			continue
		}
		k := rng.IntN(4)
		if fixed > 0 {
			k = fixed
		}
		for e := 0; e < k; e++ {
			if rng.IntN(7) == 0 {
				rows[r].tags = append(rows[r].tags, nil)
				continue
			}
			s := []string{"a", "ß", "", "long tag"}[rng.IntN(4)]
			rows[r].tags = append(rows[r].tags, &s)
		}
	}
	return rows
}

func listBatches(rng *rand.Rand, mem memory.Allocator, schema *arrow.Schema, rows []listRow, maxRows int) []arrow.RecordBatch {
	var out []arrow.RecordBatch
	for start := 0; start < len(rows); {
		end := min(start+1+rng.IntN(maxRows), len(rows))
		b := array.NewRecordBuilder(mem, schema)
		for _, r := range rows[start:end] {
			b.Field(0).(*array.Int64Builder).Append(r.id)
			lb := b.Field(1).(array.ListLikeBuilder)
			if r.null {
				lb.AppendNull()
			} else {
				switch lb := lb.(type) {
				case *array.FixedSizeListBuilder:
					lb.Append(true)
				default:
					lb.(interface{ Append(bool) }).Append(true)
				}
				vb := lb.ValueBuilder().(*array.StringBuilder)
				for _, e := range r.tags {
					if e == nil {
						vb.AppendNull()
					} else {
						vb.Append(*e)
					}
				}
			}
			b.Field(2).(*array.StringBuilder).Append(r.note)
		}
		out = append(out, b.NewRecordBatch())
		b.Release()
		start = end
	}
	return out
}

// explodedRow is one output row, as the reference computes it.
type explodedRow struct {
	id   int64
	tag  *string
	note string
}

func refExplode(rows []listRow) []explodedRow {
	var out []explodedRow
	for _, r := range rows {
		for _, e := range r.tags {
			out = append(out, explodedRow{r.id, e, r.note})
		}
	}
	return out
}

func runExplode(t *testing.T, mem memory.Allocator, schema *arrow.Schema, batches []arrow.RecordBatch, workers int, mode sharedmem.Mode) []explodedRow {
	t.Helper()
	st, out, err := Explode("tags").Build(verb.Env{Workers: workers, Mem: mem}, schema)
	require.NoError(t, err)
	require.Equal(t, arrow.BinaryTypes.String, out.Field(1).Type)
	rr, err := array.NewRecordReader(schema, batches)
	require.NoError(t, err)
	defer rr.Release()
	var got []explodedRow
	sink := pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
		ids := rec.Column(0).(*array.Int64)
		tags := rec.Column(1).(*array.String)
		notes := rec.Column(2).(*array.String)
		for r := 0; r < int(rec.NumRows()); r++ {
			row := explodedRow{id: ids.Value(r), note: notes.Value(r)}
			if tags.IsValid(r) {
				s := tags.Value(r)
				row.tag = &s
			}
			got = append(got, row)
		}
		return nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p := pipeline.New(pipeline.FromRecordReader(rr), []pipeline.Stage{st}, sink, pipeline.Config{
		Handoff: sharedmem.Policy{Mode: mode}, Mem: mem, DecodeWorkers: workers, EncodeWorkers: workers,
	})
	require.NoError(t, p.Run(ctx))
	return got
}

// TestExplodeInPipeline: explode gives the reference's rows, in order,
// for list, large list and fixed-size list columns, across batch sizes,
// worker counts and handoff modes.
func TestExplodeInPipeline(t *testing.T) {
	types := map[string]arrow.DataType{
		"list":       arrow.ListOf(arrow.BinaryTypes.String),
		"large_list": arrow.LargeListOf(arrow.BinaryTypes.String),
		"fixed":      arrow.FixedSizeListOf(2, arrow.BinaryTypes.String),
	}
	for name, lt := range types {
		for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto} {
			for _, workers := range []int{1, 4} {
				for _, maxRows := range []int{1, 29, 1000} {
					t.Run(fmt.Sprintf("type=%s/mode=%v/workers=%d/batch=%d", name, mode, workers, maxRows), func(t *testing.T) {
						mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
						defer mem.AssertSize(t, 0)
						rng := rand.New(rand.NewPCG(uint64(workers), uint64(maxRows)))
						fixed := 0
						if name == "fixed" {
							fixed = 2
						}
						// One-row batches cost a pipeline trip each: fewer
						// rows cross the same boundaries.
						rows := randomListRows(rng, min(1500, 200*maxRows), fixed)
						schema := explodeSchema(lt)
						batches := listBatches(rng, mem, schema, rows, maxRows)
						defer func() {
							for _, b := range batches {
								b.Release()
							}
						}()
						got := runExplode(t, mem, schema, batches, workers, mode)
						assert.Equal(t, refExplode(rows), got)
					})
				}
			}
		}
	}
}

func TestExplodeErrors(t *testing.T) {
	schema := explodeSchema(arrow.ListOf(arrow.BinaryTypes.String))
	for _, tt := range []struct{ col, msg string }{
		{"tagz", `explode: unknown column "tagz", did you mean "tags"?`},
		{"note", `explode: column "note" is utf8, not a list`},
	} {
		_, _, err := Explode(tt.col).Build(verb.Env{}, schema)
		assert.EqualError(t, err, tt.msg)
	}
	_, err := parseExplode([]string{"a,b"})
	assert.EqualError(t, err, "explode: one column, not 2")
}
