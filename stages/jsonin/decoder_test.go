package jsonin

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTypedValuesAndInference(t *testing.T) {
	text := `{"i":1,"f":1,"b":true,"s":"x","t":"2024-01-02T03:04:05Z","m":1,"n":null}
{"i":-20,"f":2.5,"b":false,"s":"y","t":"2024-01-02T03:04:05.25+01:00","m":"two","n":null}
{"i":9223372036854775807,"f":-1e3,"b":null,"s":null,"t":null,"m":true}
`
	rows, schema, err := readAll(t, checked(t), one("a.ndjson", text), Options{})
	require.NoError(t, err)
	want := []arrow.Field{
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "t", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
		{Name: "m", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "n", Type: arrow.BinaryTypes.String, Nullable: true},
	}
	require.Equal(t, len(want), schema.NumFields())
	for i, f := range want {
		assert.Equal(t, f.Name, schema.Field(i).Name)
		assert.True(t, arrow.TypeEqual(f.Type, schema.Field(i).Type), "%s: %s", f.Name, schema.Field(i).Type)
	}
	require.Len(t, rows, 3)
	assert.Equal(t, int64(1), rows[0]["i"])
	assert.Equal(t, int64(-20), rows[1]["i"])
	assert.Equal(t, int64(9223372036854775807), rows[2]["i"])
	assert.Equal(t, []any{1.0, 2.5, -1000.0}, []any{rows[0]["f"], rows[1]["f"], rows[2]["f"]})
	assert.Equal(t, []any{true, false, nil}, []any{rows[0]["b"], rows[1]["b"], rows[2]["b"]})
	assert.Equal(t, []any{"x", "y", nil}, []any{rows[0]["s"], rows[1]["s"], rows[2]["s"]})
	assert.Equal(t, []any{"1", "two", "true"}, []any{rows[0]["m"], rows[1]["m"], rows[2]["m"]}, "mixed kinds keep their JSON text")
	assert.Nil(t, rows[0]["n"])
	assert.Equal(t, "2024-01-02T03:04:05Z", rows[0]["t"])
	assert.Equal(t, "2024-01-02T02:04:05.25Z", rows[1]["t"])
	assert.Nil(t, rows[2]["t"])
}

func TestNestingArraysMissingKeys(t *testing.T) {
	text := `{"id":1,"user":{"name":"ann","geo":{"lat":1.5}},"tags":["a","b"]}
{"id":2,"tags":[],"user":{"name":"bob"}}

{"user":null,"id":3}
   
{"id":4,"tags":[{"k":[1,2]}, null],"user":{"geo":{"lat":-2}}}`
	rows, schema, err := readAll(t, checked(t), one("n.jsonl", text), Options{Flatten: true})
	require.NoError(t, err)
	names := []string{}
	for _, f := range schema.Fields() {
		names = append(names, f.Name)
	}
	assert.Equal(t, []string{"id", "user.name", "user.geo.lat", "tags"}, names)
	require.Len(t, rows, 4, "blank lines make no rows")
	assert.Equal(t, map[string]any{"id": int64(1), "user.name": "ann", "user.geo.lat": 1.5, "tags": `["a","b"]`}, rows[0])
	assert.Equal(t, map[string]any{"id": int64(2), "user.name": "bob", "user.geo.lat": nil, "tags": `[]`}, rows[1])
	assert.Equal(t, map[string]any{"id": int64(3), "user.name": nil, "user.geo.lat": nil, "tags": nil}, rows[2])
	assert.Equal(t, map[string]any{"id": int64(4), "user.name": nil, "user.geo.lat": -2.0, "tags": `[{"k":[1,2]}, null]`}, rows[3])
}

func TestEscapes(t *testing.T) {
	text := `{"s":"a\"b\\c\/d\b\f\n\r\t"}
{"s":"\u00e9\u20AC \ud83d\ude00 plain é€😀"}
{"s":"lone \ud800 high, lone \udc00 low, \ud800\u0041"}
{"s\u0021":"key"}
`
	rows, schema, err := readAll(t, checked(t), one("e", text), Options{Schema: []Field{{Name: "s!", Type: arrow.BinaryTypes.String}}})
	require.NoError(t, err)
	assert.Equal(t, 2, schema.NumFields())
	require.Len(t, rows, 4)
	assert.Equal(t, "a\"b\\c/d\b\f\n\r\t", rows[0]["s"])
	assert.Equal(t, "é€ 😀 plain é€😀", rows[1]["s"])
	assert.Equal(t, "lone \uFFFD high, lone \uFFFD low, \uFFFDA", rows[2]["s"])
	assert.Equal(t, "key", rows[3]["s!"])
}

func TestSchemaOverrides(t *testing.T) {
	text := `{"a":1,"b":"2024-02-29","c":5,"d":{"x":1}}
{"a":2,"b":"1969-12-31","c":255,"e":"late","d":{"y":"new"}}
`
	opts := Options{SampleRows: 1, Flatten: true, Schema: []Field{
		{Name: "a", Type: arrow.BinaryTypes.String},
		{Name: "b", Type: arrow.FixedWidthTypes.Date32},
		{Name: "c", Type: arrow.PrimitiveTypes.Uint8},
		{Name: "e", Type: arrow.BinaryTypes.LargeString},
		{Name: "d.y", Type: arrow.BinaryTypes.String},
	}}
	rows, schema, err := readAll(t, checked(t), one("o", text), opts)
	require.NoError(t, err)
	var names []string
	for _, f := range schema.Fields() {
		names = append(names, f.Name+":"+f.Type.String())
	}
	assert.Equal(t, []string{"a:utf8", "b:date32", "c:uint8", "d.x:int64", "d.y:utf8", "e:large_utf8"}, names)
	require.Len(t, rows, 2)
	assert.Equal(t, "1", rows[0]["a"])
	assert.Equal(t, "2024-02-29", rows[0]["b"])
	assert.Equal(t, "1969-12-31", rows[1]["b"])
	assert.EqualValues(t, 255, rows[1]["c"])
	assert.Equal(t, "late", rows[1]["e"])
	assert.Equal(t, "new", rows[1]["d.y"])
}

func TestOverrideErrors(t *testing.T) {
	cases := map[string][]Field{
		"unsupported": {{Name: "a", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64)}},
		"nested-in-leaf": {{Name: "a", Type: arrow.BinaryTypes.String},
			{Name: "a.b", Type: arrow.BinaryTypes.String}},
		"twice": {{Name: "a", Type: arrow.BinaryTypes.String}, {Name: "a", Type: arrow.BinaryTypes.String}},
	}
	for name, fields := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := readAll(t, checked(t), one("x", `{"a":1}`), Options{Schema: fields})
			assert.Error(t, err)
		})
	}
}
