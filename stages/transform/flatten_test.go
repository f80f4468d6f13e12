package transform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/verb"
)

var geoType = arrow.StructOf(arrow.Field{Name: "lat", Type: arrow.PrimitiveTypes.Float64, Nullable: true})

var nestedSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "user", Nullable: true, Type: arrow.StructOf(
		arrow.Field{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
		arrow.Field{Name: "geo", Type: geoType, Nullable: true})},
	{Name: "meta", Nullable: true, Type: arrow.StructOf(arrow.Field{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true})},
}, nil)

const nestedRows = `[
{"id": 1, "user": {"name": "ann", "geo": {"lat": 1.5}}, "meta": {"k": 7}},
{"id": 2, "user": null, "meta": null},
{"id": 3, "user": {"name": null, "geo": null}, "meta": {"k": null}}
]`

func names(s *arrow.Schema) []string {
	var out []string
	for _, f := range s.Fields() {
		out = append(out, f.Name)
	}
	return out
}

func TestFlattenBuild(t *testing.T) {
	env := verb.Env{Workers: 1, Mem: memory.NewGoAllocator()}
	_, out, err := Flatten().Build(env, nestedSchema)
	require.NoError(t, err)
	assert.Equal(t, []string{"id", "user.name", "user.geo.lat", "meta.k"}, names(out))
	_, out, err = Flatten("user").Build(env, nestedSchema)
	require.NoError(t, err)
	assert.Equal(t, []string{"id", "user.name", "user.geo.lat", "meta"}, names(out))
	_, out, err = Flatten().Build(env, salesSchema)
	require.NoError(t, err)
	assert.True(t, out.Equal(salesSchema), "no struct: unchanged")

	_, _, err = Flatten("id").Build(env, nestedSchema)
	assert.EqualError(t, err, `flatten: column "id" is int64, not a struct: only struct columns flatten`)
	_, _, err = Flatten("usr").Build(env, nestedSchema)
	assert.ErrorContains(t, err, `unknown column "usr", did you mean "user"?`)
	clash := arrow.NewSchema(append(nestedSchema.Fields(), arrow.Field{Name: "meta.k", Type: arrow.PrimitiveTypes.Int64}), nil)
	_, _, err = Flatten("meta").Build(env, clash)
	assert.EqualError(t, err, `flatten: two columns would be named "meta.k"; rename one first`)
}

func TestFlattenValues(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := batchFromJSON(t, mem, nestedSchema, nestedRows)
	defer rec.Release()
	st, _, err := Flatten().Build(verb.Env{Workers: 1, Mem: mem}, nestedSchema)
	require.NoError(t, err)
	outs, err := run(t, st, rec)
	require.NoError(t, err)
	require.Len(t, outs, 1)
	defer outs[0].Release()
	assert.Equal(t, `{"id":1,"meta.k":7,"user.geo.lat":1.5,"user.name":"ann"}
{"id":2,"meta.k":null,"user.geo.lat":null,"user.name":null}
{"id":3,"meta.k":null,"user.geo.lat":null,"user.name":null}`, jsonOf(t, outs[0]))
}

// Arrow lets a struct's fields hold values where the struct is null (a
// Parquet or Arrow file may have them); flattened, they are null.
func TestFlattenNullStructHidesFieldValues(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	lat, _, err := array.FromJSON(mem, arrow.PrimitiveTypes.Float64, strings.NewReader(`[1, 2, 3, null, 5]`))
	require.NoError(t, err)
	defer lat.Release()
	valid := memory.NewResizableBuffer(mem)
	valid.Resize(1)
	valid.Bytes()[0] = 0
	for _, i := range []int{0, 3, 4} {
		bitutil.SetBit(valid.Bytes(), i)
	}
	data := array.NewData(geoType, 5, []*memory.Buffer{valid}, []arrow.ArrayData{lat.Data()}, 2, 0)
	valid.Release()
	geo := array.NewStructData(data)
	data.Release()
	defer geo.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "geo", Type: geoType, Nullable: true}}, nil)
	for _, off := range []int64{0, 1} {
		in := array.NewRecordBatch(schema, []arrow.Array{geo}, 5)
		sliced := in.NewSlice(off, 5)
		in.Release()
		st, _, err := Flatten().Build(verb.Env{Workers: 1, Mem: mem}, schema)
		require.NoError(t, err)
		outs, err := run(t, st, sliced)
		sliced.Release()
		require.NoError(t, err)
		want := "{\"geo.lat\":1}\n{\"geo.lat\":null}\n{\"geo.lat\":null}\n{\"geo.lat\":null}\n{\"geo.lat\":5}"
		if off == 1 {
			want = want[strings.IndexByte(want, '\n')+1:]
		}
		assert.Equal(t, want, jsonOf(t, outs[0]), "offset %d", off)
		outs[0].Release()
	}
}

func TestFlattenReads(t *testing.T) {
	v := Flatten()
	assert.Nil(t, v.Reads(nestedSchema, nil))
	assert.Equal(t, []string{"user", "id"}, v.Reads(nestedSchema, []string{"user.geo.lat", "id", "user.name"}))
	assert.Equal(t, []string{"meta.k", "user"}, Flatten("user").Reads(nestedSchema, []string{"meta.k"}),
		"meta is not flattened: meta.k is not its field here")
}

func TestFlattenWords(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "in.ndjson")
	require.NoError(t, os.WriteFile(file, []byte("{}\n"), 0o600))
	assert.Equal(t, 0, flattenWords(nil))
	assert.Equal(t, 0, flattenWords([]string{"then", "head", "1"}))
	assert.Equal(t, 0, flattenWords([]string{file}))
	assert.Equal(t, 0, flattenWords([]string{"-"}))
	assert.Equal(t, 1, flattenWords([]string{"user,meta", file}))
	v, err := parseFlatten([]string{"user, meta"})
	require.NoError(t, err)
	_, out, err := v.Build(verb.Env{Workers: 1}, nestedSchema)
	require.NoError(t, err)
	assert.Equal(t, []string{"id", "user.name", "user.geo.lat", "meta.k"}, names(out))
}
