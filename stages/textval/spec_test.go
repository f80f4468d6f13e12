package textval

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSpec(t *testing.T) {
	spec, err := ParseSpec("id:int64,price:float64, ts : timestamp ,d:date,flag:bool,name:string,a:b:INT,x:double")
	require.NoError(t, err)
	want := Spec{
		{"id", arrow.PrimitiveTypes.Int64},
		{"price", arrow.PrimitiveTypes.Float64},
		{"ts", arrow.FixedWidthTypes.Timestamp_us},
		{"d", arrow.FixedWidthTypes.Date32},
		{"flag", arrow.FixedWidthTypes.Boolean},
		{"name", arrow.BinaryTypes.String},
		{"a:b", arrow.PrimitiveTypes.Int64},
		{"x", arrow.PrimitiveTypes.Float64},
	}
	require.Len(t, spec, len(want))
	for i := range want {
		assert.Equal(t, want[i].Name, spec[i].Name)
		assert.True(t, arrow.TypeEqual(want[i].Type, spec[i].Type), "%s: %s", want[i].Name, spec[i].Type)
	}

	empty, err := ParseSpec("  ")
	assert.NoError(t, err)
	assert.Empty(t, empty)
}

func TestParseSpecErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"id", `entry 1 "id": want name:type`},
		{"id:int64,price", `entry 2 "price": want name:type`},
		{"id:int32", `entry 1 "id:int32": unknown type "int32"`},
		{":int64", `entry 1 ":int64": empty column name`},
		{"a:int,a:string", `entry 2 "a:string": column "a" given twice`},
		{"a:int,", `entry 2 "": want name:type`},
	}
	for _, tt := range tests {
		t.Run("in="+tt.in, func(t *testing.T) {
			_, err := ParseSpec(tt.in)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrSpec)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestSpecApply(t *testing.T) {
	fields := []arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "zip", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}
	spec, err := ParseSpec("zip:string")
	require.NoError(t, err)
	got, err := spec.Apply(fields)
	require.NoError(t, err)
	assert.True(t, arrow.TypeEqual(arrow.PrimitiveTypes.Int64, got[0].Type))
	assert.True(t, arrow.TypeEqual(arrow.BinaryTypes.String, got[1].Type))
	assert.True(t, arrow.TypeEqual(arrow.PrimitiveTypes.Int64, fields[1].Type), "input not modified")

	spec, err = ParseSpec("nope:int")
	require.NoError(t, err)
	_, err = spec.Apply(fields)
	assert.ErrorIs(t, err, ErrSpec)
	assert.ErrorContains(t, err, `column "nope" is not in the input (columns: id, zip)`)
}

func TestFormatSchemaRoundTrip(t *testing.T) {
	const in = "id:int64,price:float64,ts:timestamp[us, UTC],local:timestamp[us],ns:timestamp[ns],d:date,flag:bool,name:string"
	spec, err := ParseSpec(in)
	require.NoError(t, err)
	fields := make([]arrow.Field, len(spec))
	for i, sf := range spec {
		fields[i] = arrow.Field{Name: sf.Name, Type: sf.Type, Nullable: true}
	}
	assert.Equal(t, in, FormatSchema(arrow.NewSchema(fields, nil)))

	spec, err = ParseSpec("a:timestamp,b:TIMESTAMP[NS, utc],c:timestamptz,d:timestamp_ns")
	require.NoError(t, err)
	assert.Equal(t, "timestamp[us, tz=UTC]", spec[0].Type.String())
	assert.Equal(t, "timestamp[ns, tz=UTC]", spec[1].Type.String())
	assert.Equal(t, "timestamp[us, tz=UTC]", spec[2].Type.String())
	assert.Equal(t, "timestamp[ns, tz=UTC]", spec[3].Type.String())
	for _, bad := range []string{"a:timestamp[ms]", "a:timestamp[us, Europe/Paris]", "a:timestamp[us"} {
		_, err := ParseSpec(bad)
		assert.ErrorIs(t, err, ErrSpec, bad)
	}

	other := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int32}}, nil)
	assert.Equal(t, "x:int32", FormatSchema(other))
}
