package parquetio

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A kept dictionary column whose index lies outside its dictionary (a
// corrupt file: arrow-go does not check) is an error, not a batch the
// group-by would index by; an out-of-range index under a null is no value
// and passes.
func TestKeptDictionaryIndexChecked(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "region", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	values := array.NewStringBuilder(mem)
	values.AppendValues([]string{"EU", "NA"}, nil)
	dict := values.NewArray()
	values.Release()
	defer dict.Release()
	batch := func(idx []int32, valid []bool) arrow.RecordBatch {
		ib := array.NewInt32Builder(mem)
		ib.AppendValues(idx, valid)
		indices := ib.NewArray()
		ib.Release()
		defer indices.Release()
		col := array.NewDictionaryArray(dt, indices, dict)
		defer col.Release()
		sc := arrow.NewSchema([]arrow.Field{{Name: "region", Type: dt, Nullable: true}}, nil)
		return array.NewRecordBatch(sc, []arrow.Array{col}, int64(len(idx)))
	}
	for name, c := range map[string]struct {
		idx   []int32
		valid []bool
		bad   bool
	}{
		"in range":           {[]int32{0, 1, 1, 0}, nil, false},
		"one past the end":   {[]int32{0, 2, 1}, nil, true},
		"negative":           {[]int32{-1, 0}, nil, true},
		"far out under null": {[]int32{0, 99, 1}, []bool{true, false, true}, false},
	} {
		t.Run(name, func(t *testing.T) {
			rec := batch(c.idx, c.valid)
			defer rec.Release()
			out, err := plainBatch(schema, rec, []string{"region"}, mem)
			if c.bad {
				require.ErrorContains(t, err, "out of range")
				assert.Nil(t, out)
				return
			}
			require.NoError(t, err)
			defer out.Release()
			assert.Equal(t, arrow.DICTIONARY, out.Column(0).DataType().ID())
			// The same check guards densify, the path without keep.
			plain, err := plainBatch(schema, rec, nil, mem)
			require.NoError(t, err)
			plain.Release()
		})
	}
}
