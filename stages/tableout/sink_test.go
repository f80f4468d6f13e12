package tableout_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/rivo/uniseg"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/tableout"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var schema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "city", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "price", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
}, nil)

type row struct {
	id    *int64
	city  *string
	price *float64
}

func p[T any](v T) *T { return &v }

var rows = []row{
	{p(int64(1)), p("Paris"), p(3.5)},
	{p(int64(22)), p("東京"), p(12.25)},
	{nil, p("Zürich\nZH"), nil},
	{p(int64(-4)), nil, p(1e-7)},
	{p(int64(5)), p("Cafe\u0301 | *bold*"), p(100.0)},
}

// batch builds rows[from:to] as one batch.
func batch(mem memory.Allocator, rs []row) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for _, r := range rs {
		if r.id == nil {
			b.Field(0).AppendNull()
		} else {
			b.Field(0).(*array.Int64Builder).Append(*r.id)
		}
		if r.city == nil {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.StringBuilder).Append(*r.city)
		}
		if r.price == nil {
			b.Field(2).AppendNull()
		} else {
			b.Field(2).(*array.Float64Builder).Append(*r.price)
		}
	}
	return b.NewRecordBatch()
}

// render writes rs through a Sink in batches of size rows.
func render(t *testing.T, rs []row, size int, opts tableout.Options) string {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var out bytes.Buffer
	s, err := tableout.NewSink(&out, schema, opts)
	require.NoError(t, err)
	for i := 0; i < len(rs); i += size {
		require.NoError(t, s.Write(context.Background(), pipeline.Chunk{Batch: batch(mem, rs[i:min(i+size, len(rs))])}))
	}
	require.NoError(t, s.Close(context.Background()))
	return out.String()
}

func TestBox(t *testing.T) {
	want := ` id │ city          │ price
────┼───────────────┼───────
  1 │ Paris         │   3.5
 22 │ 東京          │ 12.25
  ∅ │ Zürich\nZH    │     ∅
 -4 │ ∅             │  1e-7
  5 │ Cafe` + "\u0301" + ` | *bold* │   100
(5 rows)
`
	assert.Equal(t, want, render(t, rows, 2, tableout.Options{}))
}

func TestMarkdown(t *testing.T) {
	want := `|     id | city             |  price |
|-------:|:-----------------|-------:|
|      1 | Paris            |    3.5 |
|     22 | 東京             |  12.25 |
| *null* | Zürich\\nZH      | *null* |
|     -4 | *null*           |   1e-7 |
|      5 | Cafe` + "\u0301" + ` \| \*bold\* |    100 |
`
	got := render(t, rows, 3, tableout.Options{Format: tableout.Markdown})
	assert.Equal(t, want, got)
}

// Every line fits MaxWidth in terminal columns, wide characters counted
// twice, and a cut cell ends with the mark.
func TestBoxFitsMaxWidth(t *testing.T) {
	long := []row{
		{p(int64(1)), p(strings.Repeat("東京", 30)), p(1.0)},
		{p(int64(2)), p(strings.Repeat("ab", 50)), p(2.0)},
	}
	for _, width := range []int{22, 30, 40, 80} {
		t.Run(fmt.Sprintf("width=%d", width), func(t *testing.T) {
			got := render(t, long, 1, tableout.Options{MaxWidth: width})
			for _, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
				assert.LessOrEqual(t, uniseg.StringWidth(l), width, "%q", l)
			}
			assert.Contains(t, got, "…")
		})
	}
	got := render(t, long, 1, tableout.Options{MaxCellWidth: 10})
	assert.Contains(t, got, " 東京東京…  │", "a wide character that does not fit leaves a space")
	assert.Contains(t, got, " ababababa… │")
}

// The output does not depend on how the rows were cut into batches, and
// the first BlockRows rows fix the widths for the rest.
func TestBatchBoundaries(t *testing.T) {
	var many []row
	for i := range 40 {
		many = append(many, row{p(int64(i * i * i)), p(strings.Repeat("x", i%7)), p(float64(i) / 4)})
	}
	for _, f := range []tableout.Format{tableout.Box, tableout.Markdown} {
		want := render(t, many, len(many), tableout.Options{Format: f})
		for size := 1; size <= len(many); size++ {
			assert.Equal(t, want, render(t, many, size, tableout.Options{Format: f}), "format=%d/batch=%d", f, size)
		}
	}
	got := render(t, many, 3, tableout.Options{BlockRows: 5, MaxCellWidth: 3})
	lines := strings.Split(got, "\n")
	assert.Equal(t, "  0 │     │    0", lines[2])
	assert.Equal(t, " 216 │ xx… │  1.5", lines[8], "a wider number widens its row; text is cut to the block's width")
}

func TestEmptyAndErrors(t *testing.T) {
	assert.Equal(t, " id │ city │ price\n────┼──────┼───────\n(0 rows)\n", render(t, nil, 1, tableout.Options{}))
	_, err := tableout.NewSink(&bytes.Buffer{}, schema, tableout.Options{MaxWidth: -1})
	assert.Error(t, err)

	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	other := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	s, err := tableout.NewSink(&bytes.Buffer{}, other, tableout.Options{})
	require.NoError(t, err)
	err = s.Write(context.Background(), pipeline.Chunk{Batch: batch(mem, rows)})
	assert.ErrorContains(t, err, "tableout")
}

// recSource hands out prepared batches.
type recSource struct {
	recs []arrow.RecordBatch
	next int
}

func (s *recSource) Schema() *arrow.Schema { return schema }
func (s *recSource) Next(ctx context.Context) (pipeline.Chunk, error) {
	if s.next == len(s.recs) {
		return pipeline.Chunk{}, io.EOF
	}
	rec := s.recs[s.next]
	s.recs[s.next] = nil
	s.next++
	return pipeline.Chunk{Batch: rec, Rows: int(rec.NumRows())}, nil
}
func (s *recSource) NewDecoder() pipeline.Decoder { return nil }

// Through a pipeline (a pass-through stage of 1 or 4 workers, each
// handoff), the table is the one written directly.
func TestThroughPipeline(t *testing.T) {
	var many []row
	for i := range 300 {
		many = append(many, row{p(int64(i)), p(strings.Repeat("é", i%11)), p(float64(i) / 8)})
	}
	want := render(t, many, 300, tableout.Options{})
	for _, workers := range []int{1, 4} {
		for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto} {
			for _, size := range []int{1, 7, 128, 1000} {
				t.Run(fmt.Sprintf("workers=%d/mode=%s/batch=%d", workers, mode, size), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					src := &recSource{}
					for i := 0; i < len(many); i += size {
						src.recs = append(src.recs, batch(mem, many[i:min(i+size, len(many))]))
					}
					var out bytes.Buffer
					sink, err := tableout.NewSink(&out, schema, tableout.Options{})
					require.NoError(t, err)
					pass := pipeline.Stage{Name: "pass", Workers: workers, NewWorker: func() pipeline.Worker {
						return pipeline.WorkerFunc(func(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
							return in, nil
						})
					}}
					cfg := pipeline.Config{Mem: mem}
					cfg.Handoff.Mode = mode
					ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
					defer cancel()
					require.NoError(t, pipeline.New(src, []pipeline.Stage{pass}, sink, cfg).Run(ctx))
					assert.Equal(t, want, out.String())
				})
			}
		}
	}
}
