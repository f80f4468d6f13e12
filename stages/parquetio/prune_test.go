package parquetio

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/expr"
)

var pruneSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "ts_s", Type: &arrow.TimestampType{Unit: arrow.Second}, Nullable: true},
	{Name: "ts_ms", Type: &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "ts_us", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
	{Name: "ts_ns", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "nostat", Type: arrow.PrimitiveTypes.Int64, Nullable: true}, // written without statistics
	{Name: "u32", Type: arrow.PrimitiveTypes.Uint32, Nullable: true},
}, nil)

// pruneEpoch is where the timestamp columns start; they advance ~1 s a
// row, with sub-unit noise where the unit allows.
var pruneEpoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// pruneFile writes rows whose values drift with the row number (so row
// groups of 100 rows have narrow ranges), with nulls, NaN and null-only
// stretches, through pqarrow with the nostat column's statistics off.
func pruneFile(t *testing.T, mem memory.Allocator, r *rand.Rand, rows int) []byte {
	b := array.NewRecordBuilder(mem, pruneSchema)
	defer b.Release()
	for i := range rows {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		nullRun := (i/100)%7 == 3
		null := func() bool { return nullRun || r.IntN(10) == 0 }
		if null() {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.Int32Builder).Append(int32(i/10 + r.IntN(20) - 10))
		}
		switch {
		case null():
			b.Field(2).AppendNull()
		case r.IntN(50) == 0:
			b.Field(2).(*array.Float64Builder).Append(math.NaN())
		default:
			b.Field(2).(*array.Float64Builder).Append(float64(i)/7 + r.Float64()*10)
		}
		if null() {
			b.Field(3).AppendNull()
		} else {
			b.Field(3).(*array.StringBuilder).Append(fmt.Sprintf("k%05d", i/3+r.IntN(30)))
		}
		at := pruneEpoch.Add(time.Duration(i+r.IntN(30)) * time.Second).Add(time.Duration(r.Int64N(int64(time.Second))))
		for j, unit := range []time.Duration{time.Second, time.Millisecond, time.Microsecond, time.Nanosecond} {
			fb := b.Field(4 + j).(*array.TimestampBuilder)
			if null() {
				fb.AppendNull()
				continue
			}
			fb.Append(arrow.Timestamp(at.UnixNano() / int64(unit)))
		}
		if null() {
			b.Field(8).AppendNull()
			b.Field(9).AppendNull()
		} else {
			b.Field(8).(*array.Int64Builder).Append(int64(i))
			b.Field(9).(*array.Uint32Builder).Append(uint32(i))
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	var buf bytes.Buffer
	props := parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(100), parquet.WithStatsFor("nostat", false),
		parquet.WithAllocator(mem))
	w, err := pqarrow.NewFileWriter(pruneSchema, &buf, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(mem)))
	require.NoError(t, err)
	require.NoError(t, w.Write(rec))
	require.NoError(t, w.Close())
	return buf.Bytes()
}

// randomConjunct writes a condition on one column, near the data: a
// comparison either way round, an in list, is [not] null, or (rarely) an
// or, which prunes nothing.
func randomConjunct(r *rand.Rand, rows int) (cond, col string) {
	ops := []string{"==", "!=", "<", "<=", ">", ">=", "="}
	cols := []string{"id", "i32", "f", "s", "ts_s", "ts_ms", "ts_us", "ts_ns", "nostat", "u32"}
	col = cols[r.IntN(len(cols))]
	lit := func() string {
		switch col {
		case "id", "nostat", "u32":
			return fmt.Sprint(r.IntN(rows+20) - 10)
		case "i32":
			if r.IntN(4) == 0 {
				return fmt.Sprintf("%.2f", r.Float64()*float64(rows)/10)
			}
			return fmt.Sprint(r.IntN(rows/10+20) - 10)
		case "f":
			if r.IntN(2) == 0 {
				return fmt.Sprint(r.IntN(rows / 7))
			}
			return fmt.Sprintf("%.3f", r.Float64()*float64(rows)/7)
		case "s":
			return fmt.Sprintf("'k%05d'", r.IntN(rows/3+30))
		}
		at := pruneEpoch.Add(time.Duration(r.Int64N(int64(rows+40))*int64(time.Second) - 5*int64(time.Second)))
		switch r.IntN(3) {
		case 0:
			return "ts'" + at.Format(time.RFC3339) + "'"
		case 1:
			at = at.Add(time.Duration(r.Int64N(int64(time.Second))))
			return "ts'" + at.Format(time.RFC3339Nano) + "'"
		}
		return "ts'" + at.Truncate(time.Millisecond).Format("2006-01-02T15:04:05.000Z07:00") + "'"
	}
	switch r.IntN(10) {
	case 0:
		return fmt.Sprintf("%s in (%s, %s, null)", col, lit(), lit()), col
	case 1:
		if r.IntN(2) == 0 {
			return col + " is null", col
		}
		return col + " is not null", col
	case 2:
		return fmt.Sprintf("(%s < %s or %s > %s)", col, lit(), col, lit()), col
	case 3:
		return fmt.Sprintf("%s %s %s", lit(), ops[r.IntN(len(ops))], col), col
	}
	return fmt.Sprintf("%s %s %s", col, ops[r.IntN(len(ops))], lit()), col
}

// predicatesOf turns a condition's comparisons into predicates.
func predicatesOf(t *testing.T, cond string) []Predicate {
	cs, err := expr.Conjuncts(cond)
	require.NoError(t, err)
	var preds []Predicate
	for _, c := range cs {
		p := Predicate{Column: c.Column, Op: c.Op, Values: c.Values}
		if len(c.Values) > 0 {
			p.Value = c.Values[0]
		}
		preds = append(preds, p)
	}
	return preds
}

// readPruned reads data, pruned by cond's comparisons when prune, and
// returns its batches and the row groups pruned.
func readPruned(t *testing.T, mem memory.Allocator, data []byte, cond string, prune bool) ([]arrow.RecordBatch, int) {
	src, err := NewSource([]Input{{Name: "p", At: bytes.NewReader(data), Size: int64(len(data))}}, Options{Mem: mem})
	require.NoError(t, err)
	defer src.Close()
	if prune {
		require.NoError(t, src.Prune(predicatesOf(t, cond)))
	}
	var recs []arrow.RecordBatch
	for {
		rec, err := nextBatch(src)
		if err != nil {
			break
		}
		recs = append(recs, rec)
	}
	return recs, src.PrunedRowGroups()
}

// kept applies the filter cond to recs and returns the ids of the rows it
// keeps.
func kept(t *testing.T, mem memory.Allocator, recs []arrow.RecordBatch, cond string) []int64 {
	if len(recs) == 0 {
		return nil
	}
	e, err := expr.Compile(cond, recs[0].Schema())
	require.NoError(t, err, cond)
	ev := e.NewEvaluator()
	var ids []int64
	for _, rec := range recs {
		rec.Retain()
		out, err := ev.Filter(context.Background(), rec, mem)
		rec.Release()
		require.NoError(t, err)
		if out != nil {
			ids = append(ids, out.Column(0).(*array.Int64).Int64Values()...)
			out.Release()
		}
	}
	return ids
}

func release(recs []arrow.RecordBatch) {
	for _, r := range recs {
		r.Release()
	}
}

// matching reads data pruned by cond, filters it by cond and returns the
// ids of the rows kept and the row groups pruned.
func matching(t *testing.T, mem memory.Allocator, data []byte, cond string) ([]int64, int) {
	recs, n := readPruned(t, mem, data, cond, true)
	defer release(recs)
	return kept(t, mem, recs, cond), n
}

// Pruning never drops a row the filter keeps: random conditions on
// integer, float (with NaN), string and timestamp columns of four units,
// a column without statistics and an unsigned one, each read pruned and
// unpruned and filtered by the expression itself; and it does skip row
// groups.
func TestPruneNeverDropsMatches(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewPCG(18, 4))
	const rows, cases = 2000, 200
	data := pruneFile(t, mem, r, rows)
	all, _ := readPruned(t, mem, data, "", false)
	defer release(all)
	total := 0
	pruned := map[string]int{}
	for i := range cases {
		cond, col := randomConjunct(r, rows)
		if r.IntN(3) == 0 {
			more, _ := randomConjunct(r, rows)
			cond, col = cond+" and "+more, ""
		}
		got, n := matching(t, mem, data, cond)
		require.Equal(t, kept(t, mem, all, cond), got, "case %d: %s", i, cond)
		total += n
		pruned[col] += n
	}
	t.Logf("%d row groups pruned in %d reads of 20; by column: %v", total, cases, pruned)
	assert.Greater(t, total, cases*5)
	for _, col := range []string{"id", "i32", "f", "s", "ts_s", "ts_ms", "ts_us", "ts_ns"} {
		assert.Positive(t, pruned[col], col)
	}
	assert.Zero(t, pruned["nostat"], "no statistics, no pruning")
	assert.Zero(t, pruned["u32"], "unsigned columns are not pruned")

	src, err := NewSource([]Input{{Name: "p", At: bytes.NewReader(data), Size: int64(len(data))}}, Options{Mem: mem})
	require.NoError(t, err)
	defer src.Close()
	assert.ErrorContains(t, src.Prune([]Predicate{{Column: "id", Op: "~", Value: int64(1)}}), "~")
}

// The statistics of a timestamp[s] column are stored in milliseconds:
// pruning reads them in the Parquet unit, not the Arrow one.
func TestPruneTimestampUnits(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	data := pruneFile(t, mem, rand.New(rand.NewPCG(1, 2)), 1000)
	all, _ := readPruned(t, mem, data, "", false)
	defer release(all)
	for _, col := range []string{"ts_s", "ts_ms", "ts_us", "ts_ns"} {
		// Rows 500.. are at or after epoch+500 s; row groups 0-4 end before.
		cond := fmt.Sprintf("%s >= ts'%s'", col, pruneEpoch.Add(531*time.Second).Format(time.RFC3339))
		got, n := matching(t, mem, data, cond)
		assert.Equal(t, kept(t, mem, all, cond), got, cond)
		assert.GreaterOrEqual(t, n, 5, cond)
	}
}
