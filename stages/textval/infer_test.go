package textval

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		in   string
		want Kind
	}{
		{"true", KindBool},
		{"FALSE", KindBool},
		{"1", KindInt64},
		{"-42", KindInt64},
		{"1.5", KindFloat64},
		{"1e9", KindFloat64},
		{"99999999999999999999", KindFloat64},
		{"2026-01-02", KindDate},
		{"2026-01-02T03:04:05Z", KindTimestamp},
		{"2026-01-02 03:04:05", KindTimestamp},
		{"NaN", KindString},
		{"yes", KindString},
		{"2026-02-30", KindString},
		{" 1", KindString},
	}
	for _, tt := range tests {
		t.Run("in="+tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, Classify([]byte(tt.in)))
		})
	}
}

func TestInferrer(t *testing.T) {
	tests := []struct {
		name   string
		values []string // nil: no value (null-only)
		want   arrow.DataType
	}{
		{"null-only", nil, arrow.BinaryTypes.String},
		{"bool", []string{"true", "False"}, arrow.FixedWidthTypes.Boolean},
		{"int", []string{"1", "-2", "300"}, arrow.PrimitiveTypes.Int64},
		{"int-then-float", []string{"1", "2.5"}, arrow.PrimitiveTypes.Float64},
		{"float-then-int", []string{"2.5", "1"}, arrow.PrimitiveTypes.Float64},
		{"int-overflow", []string{"1", "99999999999999999999"}, arrow.PrimitiveTypes.Float64},
		{"date", []string{"2026-01-02", "1999-12-31"}, arrow.FixedWidthTypes.Date32},
		{"timestamp", []string{"2026-01-02T03:04:05Z"}, arrow.FixedWidthTypes.Timestamp_us},
		{"date-then-timestamp", []string{"2026-01-02", "2026-01-02 03:04:05"}, arrow.FixedWidthTypes.Timestamp_us},
		{"timestamp-then-date", []string{"2026-01-02 03:04:05", "2026-01-02"}, arrow.FixedWidthTypes.Timestamp_us},
		{"bool-int", []string{"true", "1"}, arrow.BinaryTypes.String},
		{"int-date", []string{"1", "2026-01-02"}, arrow.BinaryTypes.String},
		{"float-timestamp", []string{"1.5", "2026-01-02T03:04:05Z"}, arrow.BinaryTypes.String},
		{"string-sticks", []string{"x", "1", "2"}, arrow.BinaryTypes.String},
		{"int-then-text", []string{"1", "2", "n/a"}, arrow.BinaryTypes.String},
	}
	for _, tt := range tests {
		t.Run("case="+tt.name, func(t *testing.T) {
			in := NewInferrer(2)
			for _, v := range tt.values {
				in.Add(1, []byte(v))
				in.Add(0, []byte("7"))
			}
			fields := in.Fields([]string{"a", "b"})
			require.Len(t, fields, 2)
			assert.True(t, arrow.TypeEqual(tt.want, fields[1].Type), "got %s", fields[1].Type)
			assert.Equal(t, "b", fields[1].Name)
			assert.True(t, fields[1].Nullable)
		})
	}
}

func TestJoinIsALattice(t *testing.T) {
	kinds := []Kind{KindNull, KindBool, KindInt64, KindFloat64, KindDate, KindTimestamp, KindString}
	for _, a := range kinds {
		assert.Equal(t, a, Join(a, a), "idempotent %v", a)
		assert.Equal(t, a, Join(KindNull, a), "null is the identity for %v", a)
		assert.Equal(t, KindString, Join(KindString, a), "string is the top for %v", a)
		for _, b := range kinds {
			assert.Equal(t, Join(a, b), Join(b, a), "commutative %v %v", a, b)
			for _, c := range kinds {
				assert.Equal(t, Join(Join(a, b), c), Join(a, Join(b, c)), "associative %v %v %v", a, b, c)
			}
		}
	}
}

func TestKindOf(t *testing.T) {
	for _, k := range []Kind{KindBool, KindInt64, KindFloat64, KindDate, KindTimestamp, KindString} {
		got, ok := KindOf(k.DataType())
		assert.True(t, ok, k.String())
		assert.Equal(t, k, got)
	}
	_, ok := KindOf(arrow.PrimitiveTypes.Int32)
	assert.False(t, ok)
}
