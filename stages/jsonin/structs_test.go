package jsonin

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func typesOf(schema *arrow.Schema) []string {
	var out []string
	for _, f := range schema.Fields() {
		out = append(out, f.Name+": "+f.Type.String())
	}
	return out
}

// Nested objects are struct columns: fields in order of first appearance,
// recursively, typed as top-level keys are; a missing field is null, a
// null or missing object a null struct; a key that mixes objects and other
// kinds, or objects that were always empty, stay JSON text as before.
func TestInferStructs(t *testing.T) {
	text := `{"id":1,"user":{"name":"ann","geo":{"lat":1.5}},"mix":{"a":1},"empty":{}}
{"id":2,"user":{"geo":{"lat":2,"lon":-3},"since":"2024-05-01"},"mix":"text","empty":{}}
{"id":3,"user":null}
{"id":4}
{"id":5,"user":{"geo":null,"name":null}}
`
	rows, schema, err := readAll(t, checked(t), one("n.ndjson", text), Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{
		"id: int64",
		"user: struct<name: utf8 nullable, geo: struct<lat: float64 nullable, lon: int64 nullable> nullable, since: date32 nullable>",
		"mix: utf8",
		"empty: utf8",
	}, typesOf(schema))
	require.Len(t, rows, 5)
	user := func(i int) any { return rows[i]["user"] }
	assert.Equal(t, map[string]any{"name": "ann", "geo": map[string]any{"lat": 1.5, "lon": nil}, "since": nil}, user(0))
	assert.Equal(t, map[string]any{"name": nil, "geo": map[string]any{"lat": 2.0, "lon": int64(-3)}, "since": "2024-05-01"}, user(1))
	assert.Nil(t, user(2), "null object")
	assert.Nil(t, user(3), "missing object")
	assert.Equal(t, map[string]any{"name": nil, "geo": nil, "since": nil}, user(4))
	assert.Equal(t, `{"a":1}`, rows[0]["mix"])
	assert.Equal(t, "text", rows[1]["mix"])
	assert.Equal(t, `{}`, rows[0]["empty"])

	// --json-flatten: the same values under dotted names.
	flat, schema, err := readAll(t, checked(t), one("n.ndjson", text), Options{Flatten: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"id: int64", "user.name: utf8", "user.geo.lat: float64", "user.geo.lon: int64",
		"user.since: date32", "mix: utf8", "empty: utf8"}, typesOf(schema))
	assert.Equal(t, int64(-3), flat[1]["user.geo.lon"])
	assert.Nil(t, flat[2]["user.geo.lat"])
}

// A field first seen inside an object after the sample is the error a new
// top-level key is, naming its dotted path, unless the schema declares it;
// a struct type declared (as inferred, given back) is its fields declared.
func TestStructLateFieldAndDeclared(t *testing.T) {
	text := "{\"u\":{\"a\":1}}\n{\"u\":{\"a\":2,\"g\":{\"new\":true}}}\n"
	_, _, err := readAll(t, checked(t), one("late.ndjson", text), Options{SampleRows: 1})
	de := dataError(t, err)
	assert.ErrorIs(t, err, ErrUnknownKey)
	assert.Equal(t, int64(2), de.Line)
	assert.Equal(t, 13, de.Column)
	assert.Equal(t, "u.g", de.Field)

	declared := arrow.StructOf(
		arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		arrow.Field{Name: "g", Type: arrow.StructOf(arrow.Field{Name: "new", Type: arrow.FixedWidthTypes.Boolean, Nullable: true}), Nullable: true})
	rows, schema, err := readAll(t, checked(t), one("late.ndjson", text), Options{SampleRows: 1,
		Schema: []Field{{Name: "u", Type: declared}}})
	require.NoError(t, err)
	assert.True(t, arrow.TypeEqual(declared, schema.Field(0).Type), "%s", schema)
	assert.Equal(t, map[string]any{"a": int64(2), "g": map[string]any{"new": true}}, rows[1]["u"])

	// A scalar where an object was inferred is a type error at its place.
	_, _, err = readAll(t, checked(t), one("x.ndjson", "{\"u\":{\"a\":1}}\n{\"u\":[1]}\n"), Options{SampleRows: 1})
	de = dataError(t, err)
	assert.ErrorIs(t, err, ErrType)
	assert.Equal(t, "u", de.Field)
	assert.Equal(t, 6, de.Column)
}

// Duplicate keys: the last one wins, for a whole object too.
func TestStructDuplicateKeys(t *testing.T) {
	text := `{"u":{"a":1},"u":null}
{"u":null,"u":{"a":2}}
{"u":{"a":3},"u":{"b":4}}
`
	rows, _, err := readAll(t, checked(t), one("d.ndjson", text), Options{})
	require.NoError(t, err)
	assert.Nil(t, rows[0]["u"])
	assert.Equal(t, map[string]any{"a": int64(2), "b": nil}, rows[1]["u"])
	assert.Equal(t, map[string]any{"a": int64(3), "b": int64(4)}, rows[2]["u"], "fields merge, as the flattened columns did")
}
