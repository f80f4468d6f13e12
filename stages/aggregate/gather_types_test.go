package aggregate

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/extensions"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// carriedSchema holds a sort key k and one column of every type the
// gathering verbs carry without computing on it.
var carriedSchema = arrow.NewSchema([]arrow.Field{
	{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "u", Type: extensions.NewUUIDType(), Nullable: true},
	{Name: "sv", Type: arrow.BinaryTypes.StringView, Nullable: true},
	{Name: "bv", Type: arrow.BinaryTypes.BinaryView, Nullable: true},
	{Name: "bin", Type: arrow.BinaryTypes.Binary, Nullable: true},
	{Name: "fsb", Type: &arrow.FixedSizeBinaryType{ByteWidth: 12}, Nullable: true},
	{Name: "lst", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64), Nullable: true},
	{Name: "llst", Type: arrow.LargeListOf(arrow.BinaryTypes.String), Nullable: true},
	{Name: "st", Type: arrow.StructOf(
		arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		arrow.Field{Name: "b", Type: arrow.BinaryTypes.String, Nullable: true}), Nullable: true},
	{Name: "m", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int64), Nullable: true},
	{Name: "dict", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}, Nullable: true},
}, nil)

// carriedRows makes n rows of JSON values, one per column of
// carriedSchema (nil for null); the dictionary column is a plain string.
func carriedRows(r *rand.Rand, n int) [][]any {
	word := func() string {
		return strings.Repeat(string(rune('a'+r.IntN(26))), r.IntN(20)) // long ones leave the view inline form
	}
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	rows := make([][]any, n)
	for i := range rows {
		u := make([]byte, 16)
		for j := range u {
			u[j] = byte(r.IntN(256))
		}
		fsb := make([]byte, 12)
		fsb[0] = byte(i)
		row := []any{
			r.IntN(12),
			fmt.Sprintf("%x-%x-%x-%x-%x", u[:4], u[4:6], u[6:8], u[8:10], u[10:]),
			word() + fmt.Sprint(i),
			b64([]byte(word())),
			b64([]byte{byte(i), byte(r.IntN(256))}),
			b64(fsb),
			[]any{i, r.IntN(5)},
			[]any{word(), nil},
			map[string]any{"a": i, "b": word()},
			[]any{map[string]any{"key": word() + "k", "value": i}},
			[]string{"x", "y", "z"}[r.IntN(3)],
		}
		for c := range row {
			if r.IntN(8) == 0 {
				row[c] = nil
			}
		}
		rows[i] = row
	}
	return rows
}

// carriedBatch builds one batch of rows; each batch has its own dictionary.
func carriedBatch(t testing.TB, mem memory.Allocator, rows [][]any) arrow.RecordBatch {
	cols := make([]arrow.Array, carriedSchema.NumFields())
	for c, f := range carriedSchema.Fields() {
		if f.Type.ID() == arrow.DICTIONARY {
			b := array.NewBuilder(mem, f.Type).(*array.BinaryDictionaryBuilder)
			for _, row := range rows {
				if row[c] == nil {
					b.AppendNull()
				} else {
					require.NoError(t, b.AppendString(row[c].(string)))
				}
			}
			cols[c] = b.NewArray()
			b.Release()
			continue
		}
		vals := make([]any, len(rows))
		for i, row := range rows {
			vals[i] = row[c]
		}
		js, err := json.Marshal(vals)
		require.NoError(t, err)
		arr, _, err := array.FromJSON(mem, f.Type, strings.NewReader(string(js)))
		require.NoError(t, err, "column %s", f.Name)
		cols[c] = arr
	}
	rec := array.NewRecordBatch(carriedSchema, cols, int64(len(rows)))
	for _, c := range cols {
		c.Release()
	}
	return rec
}

// readRows is the test's own value reader: each row as the JSON of its
// values, the dictionary column by its value.
func readRows(t testing.TB, recs []arrow.RecordBatch) []string {
	var out []string
	for _, rec := range recs {
		require.True(t, rec.Schema().Equal(carriedSchema), "schema %s", rec.Schema())
		for i := 0; i < int(rec.NumRows()); i++ {
			vals := make([]any, rec.NumCols())
			for c, col := range rec.Columns() {
				vals[c] = col.GetOneForMarshal(i)
			}
			js, err := json.Marshal(vals)
			require.NoError(t, err)
			out = append(out, string(js))
		}
	}
	return out
}

// Sort, top, distinct and tail carry columns of every type across batch
// boundaries, spilling, worker counts and handoff modes: their output rows
// are the input rows (read back by readRows) in the expected order.
func TestGatherCarriesEveryType(t *testing.T) {
	cases := []struct {
		rows, maxBatch int
	}{{30, 1}, {60, 4}, {600, 1000}}
	modes := []sharedmem.Mode{sharedmem.Auto, sharedmem.Copy, sharedmem.Shared}
	for ci, tc := range cases {
		// Handoff modes rotate over the cases so that each meets both
		// worker counts, for a short race run.
		for wi, workers := range []int{1, 4} {
			mode := modes[(2*ci+wi)%len(modes)]
			t.Run(fmt.Sprintf("rows=%d/batch=%d/mode=%v/workers=%d", tc.rows, tc.maxBatch, mode, workers), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				r := rand.New(rand.NewPCG(uint64(tc.rows), uint64(workers)))
				rows := carriedRows(r, tc.rows)
				var sizes []int
				for left := tc.rows; left > 0; {
					n := min(left, 1+r.IntN(tc.maxBatch))
					sizes = append(sizes, n)
					left -= n
				}
				batches := func() []arrow.RecordBatch {
					var out []arrow.RecordBatch
					at := 0
					for _, n := range sizes {
						out = append(out, carriedBatch(t, mem, rows[at:at+n]))
						at += n
					}
					return out
				}
				in := batches()
				want := readRows(t, in)
				releaseAll(in)
				keyOf := func(i int) int {
					if rows[i][0] == nil {
						return -1 // nulls sort last ascending, first descending
					}
					return rows[i][0].(int)
				}
				env := verb.Env{Workers: workers, Mem: mem, MaxMemory: 16 << 10, TempDir: t.TempDir()}
				run := func(st pipeline.Stage) []string {
					src := &recSource{schema: carriedSchema, recs: batches()}
					defer src.release()
					sink := &recSink{}
					p := pipeline.New(src, []pipeline.Stage{st}, sink, pipeline.Config{
						Handoff: sharedmem.Policy{Mode: mode}, Mem: mem,
						DecodeWorkers: workers, EncodeWorkers: workers,
					})
					require.NoError(t, p.Run(context.Background()))
					defer releaseAll(sink.recs)
					return readRows(t, sink.recs)
				}
				permute := func(idx []int) []string {
					out := make([]string, len(idx))
					for i, j := range idx {
						out[i] = want[j]
					}
					return out
				}
				order := make([]int, tc.rows)
				for i := range order {
					order[i] = i
				}
				desc := slices.Clone(order)
				slices.SortStableFunc(desc, func(a, b int) int { return keyOf(b) - keyOf(a) })
				asc := slices.Clone(order)
				slices.SortStableFunc(asc, func(a, b int) int {
					ka, kb := keyOf(a), keyOf(b)
					if (ka < 0) != (kb < 0) {
						return kb - ka // nulls last
					}
					return ka - kb
				})

				st, _, err := buildVerb(t, env, "sort", carriedSchema, "k")
				require.NoError(t, err)
				require.Equal(t, permute(asc), run(st), "sort")

				st, _, err = buildVerb(t, env, "top", carriedSchema, "7", "k desc")
				require.NoError(t, err)
				require.Equal(t, permute(desc[:min(7, len(desc))]), run(st), "top")

				st, _, err = buildVerb(t, env, "distinct", carriedSchema, "k")
				require.NoError(t, err)
				var first []int
				seen := map[int]bool{}
				for _, i := range order {
					if !seen[keyOf(i)] {
						seen[keyOf(i)] = true
						first = append(first, i)
					}
				}
				require.Equal(t, permute(first), run(st), "distinct")

				n := min(23, tc.rows)
				require.Equal(t, want[tc.rows-n:], run(NewTail(env, carriedSchema, int64(n))), "tail")
				assertEmptyDir(t, env.TempDir)
			})
		}
	}
}

// A key of a type the verbs cannot compare is refused, naming the column
// and its type.
func TestGatherKeysRefuseNamingColumn(t *testing.T) {
	for _, args := range [][]string{{"sort", "lst"}, {"distinct", "m"}} {
		_, _, err := buildVerb(t, verb.Env{}, args[0], carriedSchema, args[1])
		require.Error(t, err)
		require.Contains(t, err.Error(), args[1])
		require.Contains(t, err.Error(), carriedSchema.Field(carriedSchema.FieldIndices(args[1])[0]).Type.String())
	}
}
