package expr

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/extensions"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// anyTypeColumns returns n rows of a column of each of many Arrow types,
// most of which expressions cannot read, with random nulls.
func anyTypeColumns(t *testing.T, mem memory.Allocator, rng *rand.Rand, n int) ([]arrow.Field, []arrow.Array) {
	t.Helper()
	var fields []arrow.Field
	var cols []arrow.Array
	add := func(name string, a arrow.Array) {
		fields = append(fields, arrow.Field{Name: name, Type: a.DataType(), Nullable: true})
		cols = append(cols, a)
	}
	fromJSON := func(dt arrow.DataType, value string) arrow.Array {
		vals := make([]string, n)
		for k := range vals {
			vals[k] = value
			if rng.IntN(3) == 0 {
				vals[k] = "null"
			}
		}
		a, _, err := array.FromJSON(mem, dt, strings.NewReader("["+strings.Join(vals, ",")+"]"))
		require.NoError(t, err, "%s", dt)
		return a
	}
	jsonTypes := []struct {
		dt    arrow.DataType
		value string
	}{
		{arrow.FixedWidthTypes.Time32s, `5`},
		{arrow.FixedWidthTypes.Time64us, `5000`},
		{arrow.FixedWidthTypes.Time64ns, `5000`},
		{arrow.FixedWidthTypes.Duration_us, `7`},
		{arrow.FixedWidthTypes.MonthInterval, `{"months": 2}`},
		{arrow.FixedWidthTypes.DayTimeInterval, `{"days": 1, "milliseconds": 2}`},
		{arrow.FixedWidthTypes.MonthDayNanoInterval, `{"months": 1, "days": 2, "nanoseconds": 3}`},
		{arrow.BinaryTypes.Binary, `"AAEC"`},
		{arrow.BinaryTypes.LargeBinary, `"AAEC"`},
		{&arrow.FixedSizeBinaryType{ByteWidth: 12}, `"AAECAwQFBgcICQoL"`},
		{arrow.StructOf(arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Int64, Nullable: true}), `{"x": 1}`},
		{arrow.MapOf(arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int64), `[{"key": "k", "value": 1}]`},
		{arrow.ListOf(arrow.StructOf(arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Int64})), `[{"x": 1}]`},
		{arrow.FixedSizeListOf(2, arrow.PrimitiveTypes.Int64), `[1, 2]`},
		{arrow.Null, `null`},
		{extensions.NewUUIDType(), `"00010203-0405-0607-0809-0a0b0c0d0e0f"`},
		{arrow.PrimitiveTypes.Int64, `3`}, // a readable type takes the ordinary path
	}
	for k, c := range jsonTypes {
		add(fmt.Sprintf("c%d", k), fromJSON(c.dt, c.value))
	}

	// A dictionary: nulls are its indices'; a null dictionary value
	// referenced by a valid index is a value.
	dict := fromJSON(arrow.BinaryTypes.String, `"v"`)
	idx := fromJSON(arrow.PrimitiveTypes.Int32, `0`)
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	add("dict", array.NewDictionaryArray(dt, idx, dict))
	dict.Release()
	idx.Release()

	// Unions have no bitmap: a row is null when its child's value is.
	codes := make([]int8, n)
	offs := make([]int32, n)
	for k := range codes {
		codes[k] = int8(rng.IntN(2))
		offs[k] = int32(k)
	}
	cb := array.NewInt8Builder(mem)
	cb.AppendValues(codes, nil)
	codeArr := cb.NewArray()
	cb.Release()
	ob := array.NewInt32Builder(mem)
	ob.AppendValues(offs, nil)
	offArr := ob.NewArray()
	ob.Release()
	kids := []arrow.Array{fromJSON(arrow.PrimitiveTypes.Int64, `1`), fromJSON(arrow.BinaryTypes.String, `"s"`)}
	sparse, err := array.NewSparseUnionFromArrays(codeArr, kids)
	require.NoError(t, err)
	add("sparse", sparse)
	dense, err := array.NewDenseUnionFromArrays(codeArr, offArr, kids)
	require.NoError(t, err)
	add("dense", dense)
	for _, a := range append(kids, codeArr, offArr) {
		a.Release()
	}

	// Run-end encoded: runs of 1 to 3 rows, each null or not.
	var ends []int32
	for end := 0; end < n; {
		end = min(n, end+1+rng.IntN(3))
		ends = append(ends, int32(end))
	}
	eb := array.NewInt32Builder(mem)
	eb.AppendValues(ends, nil)
	endArr := eb.NewArray()
	eb.Release()
	vb := array.NewFloat64Builder(mem)
	for range ends {
		if rng.IntN(3) == 0 {
			vb.AppendNull()
		} else {
			vb.Append(1.5)
		}
	}
	valArr := vb.NewArray()
	vb.Release()
	add("ree", array.NewRunEndEncodedArray(endArr, valArr, n, 0))
	endArr.Release()
	valArr.Release()
	return fields, cols
}

// refIsNull is whether row k of a is null, row by row through arrow's own
// accessors: a union or run-end encoded row is null when its value is.
func refIsNull(a arrow.Array, k int) bool {
	switch a.DataType().ID() {
	case arrow.NULL:
		return true
	case arrow.SPARSE_UNION, arrow.DENSE_UNION, arrow.RUN_END_ENCODED:
		return a.GetOneForMarshal(k) == nil
	}
	return a.IsNull(k)
}

// TestIsNullAnyType checks x is null and x is not null on a column of
// every type against row-by-row reference, over batches of 1 to 300
// rows sliced at any offset.
func TestIsNullAnyType(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(15, 20))
	const n = 300
	fields, cols := anyTypeColumns(t, mem, rng, n)
	schema := arrow.NewSchema(fields, nil)
	rec := array.NewRecordBatch(schema, cols, n)
	for _, c := range cols {
		c.Release()
	}
	defer rec.Release()
	ctx := context.Background()
	for _, f := range fields {
		for _, not := range []bool{false, true} {
			src := "`" + f.Name + "` is null"
			if not {
				src = "`" + f.Name + "` is not null"
			}
			t.Run(fmt.Sprintf("type=%s/%s", f.Type, src), func(t *testing.T) {
				e, err := Compile(src, schema)
				require.NoError(t, err)
				ev := e.NewEvaluator()
				for _, size := range []int{1, 7, 64, 300} {
					for off := 0; off < min(n, 40*size); off += size + rng.IntN(3) {
						m := min(size, n-off)
						part := rec.NewSlice(int64(off), int64(off+m))
						col := part.Column(schema.FieldIndices(f.Name)[0])
						got, err := ev.Eval(ctx, part, mem)
						require.NoError(t, err)
						b := got.(*array.Boolean)
						require.Equal(t, 0, b.NullN())
						for k := 0; k < m; k++ {
							if !assert.Equal(t, refIsNull(col, k) != not, b.Value(k), "size %d offset %d row %d", size, off, k) {
								break
							}
						}
						got.Release()
						part.Release()
					}
				}
			})
		}
	}
}

// TestIsNullOnlyUse checks that a column expressions cannot read takes
// is null and nothing else: any other use names the column and its type.
func TestIsNullOnlyUse(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "s", Type: arrow.StructOf(arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Int64}), Nullable: true},
		{Name: "a", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	for _, src := range []string{"s is null and a > 1", "not (s is not null)", "s is null or s is not null"} {
		_, err := Compile(src, schema)
		assert.NoError(t, err, src)
	}
	for _, src := range []string{"s == 1", "s + 1", "to_string(s)", "coalesce(s, 1)", "(s) is null and s > 0"} {
		_, err := Compile(src, schema)
		if assert.Error(t, err, src) {
			assert.Contains(t, err.Error(), `column "s": unsupported column type struct<x: int64>`, src)
		}
	}
	e, err := Compile("s is null", schema)
	require.NoError(t, err)
	assert.Equal(t, arrow.FixedWidthTypes.Boolean, e.Type())
}
