package parquetio

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var pruneSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// pruneFile writes rows whose values drift with the row number (so row
// groups of 100 rows have narrow ranges), with nulls, NaN and null-only
// stretches.
func pruneFile(t *testing.T, mem memory.Allocator, r *rand.Rand, rows int) []byte {
	b := array.NewRecordBuilder(mem, pruneSchema)
	defer b.Release()
	for i := range rows {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		nullRun := (i/100)%7 == 3
		if nullRun || r.IntN(10) == 0 {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.Int32Builder).Append(int32(i/10 + r.IntN(20)))
		}
		switch {
		case nullRun || r.IntN(10) == 0:
			b.Field(2).AppendNull()
		case r.IntN(50) == 0:
			b.Field(2).(*array.Float64Builder).Append(math.NaN())
		default:
			b.Field(2).(*array.Float64Builder).Append(float64(i)/7 + r.Float64()*10)
		}
		if nullRun || r.IntN(10) == 0 {
			b.Field(3).AppendNull()
		} else {
			b.Field(3).(*array.StringBuilder).Append(fmt.Sprintf("k%05d", i/3+r.IntN(30)))
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	return write(t, mem, SinkOptions{RowGroupRows: 100}, pruneSchema, rec)
}

// randomPredicate picks a column, an operator and a value near the data.
func randomPredicate(r *rand.Rand, rows int) Predicate {
	ops := []string{"==", "!=", "<", "<=", ">", ">="}
	op := ops[r.IntN(len(ops))]
	switch r.IntN(4) {
	case 0:
		return Predicate{"id", op, int64(r.IntN(rows))}
	case 1:
		return Predicate{"i32", op, int64(r.IntN(rows/10 + 20))}
	case 2:
		if r.IntN(2) == 0 {
			return Predicate{"f", op, int64(r.IntN(rows / 7))}
		}
		return Predicate{"f", op, r.Float64() * float64(rows) / 7}
	}
	return Predicate{"s", op, fmt.Sprintf("k%05d", r.IntN(rows/3+30))}
}

// holds is the reference: a null never matches; NaN counts as the
// largest value (DuckDB's order), the harder case for pruning.
func holds(rec arrow.RecordBatch, row int, p Predicate) bool {
	col := rec.Column(pruneSchema.FieldIndices(p.Column)[0])
	if col.IsNull(row) {
		return false
	}
	cmp := 0
	switch c := col.(type) {
	case *array.Int64:
		cmp = compare(float64(c.Value(row)), toFloat(p.Value))
	case *array.Int32:
		cmp = compare(float64(c.Value(row)), toFloat(p.Value))
	case *array.Float64:
		x := c.Value(row)
		if math.IsNaN(x) {
			cmp = 1
		} else {
			cmp = compare(x, toFloat(p.Value))
		}
	case *array.String:
		cmp = compare(c.Value(row), p.Value.(string))
	}
	switch p.Op {
	case "==":
		return cmp == 0
	case "!=":
		return cmp != 0
	case "<":
		return cmp < 0
	case "<=":
		return cmp <= 0
	case ">":
		return cmp > 0
	}
	return cmp >= 0
}

func compare[T float64 | string](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func toFloat(v any) float64 {
	if i, ok := v.(int64); ok {
		return float64(i)
	}
	return v.(float64)
}

// matching reads data (pruned by preds, when prune) and returns the ids
// of the rows satisfying every predicate, and the row groups pruned.
func matching(t *testing.T, mem memory.Allocator, data []byte, preds []Predicate, prune bool) ([]int64, int) {
	src, err := NewSource([]Input{{Name: "p", At: bytes.NewReader(data), Size: int64(len(data))}}, Options{Mem: mem})
	require.NoError(t, err)
	defer src.Close()
	if prune {
		require.NoError(t, src.Prune(preds))
	}
	var ids []int64
	for {
		rec, err := nextBatch(src)
		if err != nil {
			break
		}
		for row := range int(rec.NumRows()) {
			ok := true
			for _, p := range preds {
				ok = ok && holds(rec, row, p)
			}
			if ok {
				ids = append(ids, rec.Column(0).(*array.Int64).Value(row))
			}
		}
		rec.Release()
	}
	return ids, src.PrunedRowGroups()
}

// Pruning never drops a matching row: randomized predicates against an
// unpruned read; and it does skip row groups.
func TestPruneNeverDropsMatches(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewPCG(18, 4))
	const rows = 5000
	data := pruneFile(t, mem, r, rows)
	total := 0
	for i := range 300 {
		preds := []Predicate{randomPredicate(r, rows)}
		if r.IntN(3) == 0 {
			preds = append(preds, randomPredicate(r, rows))
		}
		want, _ := matching(t, mem, data, preds, false)
		got, pruned := matching(t, mem, data, preds, true)
		require.Equal(t, want, got, "case %d: %+v", i, preds)
		total += pruned
	}
	assert.Greater(t, total, 300*10, "row groups skipped (of 50 a read)")
	t.Logf("%d row groups pruned in 300 reads of 50", total)

	src, err := NewSource([]Input{{Name: "p", At: bytes.NewReader(data), Size: int64(len(data))}}, Options{Mem: mem})
	require.NoError(t, err)
	defer src.Close()
	assert.ErrorContains(t, src.Prune([]Predicate{{"id", "~", int64(1)}}), "~")
}
