package transform

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
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

var grepSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "note", Type: arrow.BinaryTypes.LargeString, Nullable: true},
	{Name: "qty", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
}, nil)

type grepRow struct {
	id         int64
	name, note *string
	qty        *int64
}

func randomGrepRows(rng *rand.Rand, n int) []grepRow {
	words := []string{"", "error", "Error 42", "ok", "straße", "ÉRROR", "warn-7", "err", "e.r", "x\ny", "42"}
	pick := func() *string {
		if rng.IntN(6) == 0 {
			return nil
		}
		s := words[rng.IntN(len(words))]
		return &s
	}
	rows := make([]grepRow, n)
	for r := range rows {
		rows[r] = grepRow{id: int64(r), name: pick(), note: pick()}
		if rng.IntN(5) != 0 {
			q := int64(rng.IntN(100))
			rows[r].qty = &q
		}
	}
	return rows
}

// grepBatches cuts rows into batches of random sizes in 1..maxRows.
func grepBatches(rng *rand.Rand, mem memory.Allocator, rows []grepRow, maxRows int) []arrow.RecordBatch {
	var out []arrow.RecordBatch
	for start := 0; start < len(rows); {
		end := min(start+1+rng.IntN(maxRows), len(rows))
		b := array.NewRecordBuilder(mem, grepSchema)
		for _, r := range rows[start:end] {
			b.Field(0).(*array.Int64Builder).Append(r.id)
			if r.name == nil {
				b.Field(1).AppendNull()
			} else {
				b.Field(1).(*array.StringBuilder).Append(*r.name)
			}
			if r.note == nil {
				b.Field(2).AppendNull()
			} else {
				b.Field(2).(*array.LargeStringBuilder).Append(*r.note)
			}
			if r.qty == nil {
				b.Field(3).AppendNull()
			} else {
				b.Field(3).(*array.Int64Builder).Append(*r.qty)
			}
			b.Field(4).AppendNull()
		}
		out = append(out, b.NewRecordBatch())
		b.Release()
		start = end
	}
	return out
}

// refGrep is grep row by row: the ids of the rows kept.
func refGrep(rows []grepRow, pattern string, opts GrepOptions) []int64 {
	if opts.IgnoreCase {
		pattern = "(?i)" + pattern
	}
	re := regexp.MustCompile(pattern)
	cols := opts.Columns
	if cols == nil {
		cols = []string{"id", "name", "note", "qty"}
	}
	var ids []int64
	for _, r := range rows {
		hit := false
		for _, c := range cols {
			var s *string
			switch c {
			case "id":
				v := strconv.FormatInt(r.id, 10)
				s = &v
			case "name":
				s = r.name
			case "note":
				s = r.note
			case "qty":
				if r.qty != nil {
					v := strconv.FormatInt(*r.qty, 10)
					s = &v
				}
			}
			hit = hit || s != nil && re.MatchString(*s)
		}
		if hit != opts.Invert {
			ids = append(ids, r.id)
		}
	}
	return ids
}

// runGrep runs the verb in a real pipeline and returns the kept ids.
func runGrep(t *testing.T, mem memory.Allocator, v verb.Verb, batches []arrow.RecordBatch, workers int, mode sharedmem.Mode) ([]int64, error) {
	t.Helper()
	st, _, err := v.Build(verb.Env{Workers: workers, Mem: mem}, grepSchema)
	if err != nil {
		return nil, err
	}
	rr, err := array.NewRecordReader(grepSchema, batches)
	require.NoError(t, err)
	defer rr.Release()
	var ids []int64
	sink := pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
		ids = append(ids, rec.Column(0).(*array.Int64).Int64Values()...)
		return nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p := pipeline.New(pipeline.FromRecordReader(rr), []pipeline.Stage{st}, sink, pipeline.Config{
		Handoff: sharedmem.Policy{Mode: mode}, Mem: mem, DecodeWorkers: workers, EncodeWorkers: workers,
	})
	return ids, p.Run(ctx)
}

// TestGrepInPipeline: grep keeps exactly the rows the row-by-row reference
// keeps, across batch sizes, worker counts and handoff modes.
func TestGrepInPipeline(t *testing.T) {
	cases := []struct {
		pattern string
		opts    GrepOptions
	}{
		{"err", GrepOptions{}},
		{"err", GrepOptions{Invert: true}},
		{"err|4[0-9]", GrepOptions{IgnoreCase: true}}, // in names and in the printed id and qty
		{"^[0-9]+$", GrepOptions{Columns: []string{"qty", "name"}}},
		{"ß|É", GrepOptions{IgnoreCase: true, Invert: true, Columns: []string{"note"}}},
		{"e.r", GrepOptions{}},
		{"(?s)x.y", GrepOptions{Columns: []string{"name"}}},
		{"", GrepOptions{Invert: true}},
	}
	for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto} {
		for _, workers := range []int{1, 4} {
			for _, maxRows := range []int{1, 37, 1000} {
				t.Run(fmt.Sprintf("mode=%v/workers=%d/batch=%d", mode, workers, maxRows), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					rng := rand.New(rand.NewPCG(uint64(workers), uint64(maxRows)))
					// One-row batches cost a pipeline trip each: fewer rows
					// cross the same boundaries.
					rows := randomGrepRows(rng, min(2500, 250*maxRows))
					batches := grepBatches(rng, mem, rows, maxRows)
					defer func() {
						for _, b := range batches {
							b.Release()
						}
					}()
					for _, c := range cases {
						got, err := runGrep(t, mem, Grep(c.pattern, c.opts), batches, workers, mode)
						require.NoError(t, err, "%q %+v", c.pattern, c.opts)
						want := refGrep(rows, c.pattern, c.opts)
						assert.Equal(t, len(want), len(got), "%q %+v", c.pattern, c.opts)
						assert.Equal(t, want, got, "%q %+v", c.pattern, c.opts)
					}
				})
			}
		}
	}
}

// TestGrepCancel: a cancelled run ends with no leak.
func TestGrepCancel(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(1, 1))
	batches := grepBatches(rng, mem, randomGrepRows(rng, 3000), 20)
	defer func() {
		for _, b := range batches {
			b.Release()
		}
	}()
	st, _, err := Grep("err", GrepOptions{}).Build(verb.Env{Workers: 2, Mem: mem}, grepSchema)
	require.NoError(t, err)
	rr, err := array.NewRecordReader(grepSchema, batches)
	require.NoError(t, err)
	defer rr.Release()
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	sink := pipeline.ToFunc(func(context.Context, arrow.RecordBatch) error {
		if n++; n == 3 {
			cancel()
		}
		return nil
	})
	err = pipeline.New(pipeline.FromRecordReader(rr), []pipeline.Stage{st}, sink, pipeline.Config{Mem: mem}).Run(ctx)
	require.ErrorIs(t, err, context.Canceled)
}

func TestGrepErrors(t *testing.T) {
	for _, tt := range []struct {
		v   verb.Verb
		msg string
	}{
		{Grep("a(b", GrepOptions{}), "grep: invalid regular expression \"a(b\": error parsing regexp: missing closing ): `a(b`"},
		{Grep("a", GrepOptions{Columns: []string{"nmae"}}), "grep: unknown column \"nmae\", did you mean \"name\"?"},
		{Grep("a", GrepOptions{Columns: []string{"tags"}}), "grep: column \"tags\" is list<item: utf8, nullable>, which grep cannot search"},
	} {
		_, _, err := tt.v.Build(verb.Env{Mem: memory.NewGoAllocator()}, grepSchema)
		require.Error(t, err)
		assert.Equal(t, tt.msg, err.Error())
	}
}

func TestGrepWords(t *testing.T) {
	for _, tt := range []struct {
		rest []string
		want int
	}{
		{[]string{"err"}, 1},
		{[]string{"err", "name,note"}, 2},
		{[]string{"-v", "-i", "err", "name"}, 4},
		{[]string{"-vi", "err", "then", "head", "5"}, 2},
		{[]string{"err", "-"}, 1},
		{[]string{"err", "grep_test.go"}, 1}, // an existing file is the input
		{[]string{"--", "-v"}, 2},
		{[]string{"-v"}, 2}, // PATTERN missing: more words than there are
	} {
		assert.Equal(t, tt.want, grepWords(tt.rest), "%q", tt.rest)
	}
	v, err := parseGrep([]string{"-iv", "--", "-x", "`a b`,c"})
	require.NoError(t, err)
	assert.Equal(t, "grep", v.Name)
	_, err = parseGrep([]string{"-v"})
	assert.EqualError(t, err, "grep: missing PATTERN (grep [-v] [-i] PATTERN [COLS])")
	_, err = parseGrep([]string{"["})
	assert.ErrorContains(t, err, "grep: invalid regular expression \"[\"")
	cond, err := grepCondition("a\"b\\", GrepOptions{Invert: true, IgnoreCase: true, Columns: []string{"qty", "name"}}, grepSchema)
	require.NoError(t, err)
	assert.Equal(t, `not (coalesce(regexp_matches(to_string(`+"`qty`"+`), "(?i)a\"b\\"), false) or coalesce(regexp_matches(`+"`name`"+`, "(?i)a\"b\\"), false))`, cond)
}
