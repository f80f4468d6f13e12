package arrowtype

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
)

func TestSame(t *testing.T) {
	ts := func() *arrow.TimestampType { return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"} }
	a, b := arrow.LargeListOf(ts()), arrow.LargeListOf(ts())
	_, err := a.Elem().(*arrow.TimestampType).GetZone() // caches the location in a only
	assert.NoError(t, err)
	assert.True(t, Same(a, b), "a large list of zoned timestamps is the same type once a zone is cached")
	dict := func(v arrow.DataType) arrow.DataType {
		return &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: v}
	}
	assert.True(t, Same(dict(ts()), dict(ts())))

	for _, other := range []arrow.DataType{
		arrow.LargeListOf(&arrow.TimestampType{Unit: arrow.Microsecond}),                 // zone-less
		arrow.LargeListOf(&arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}), // unit
		arrow.ListOf(ts()), // list, not large
		arrow.LargeListOf(arrow.PrimitiveTypes.Int64), // element
		arrow.LargeListOf(arrow.LargeListOf(ts())),    // depth
	} {
		assert.False(t, Same(a, other), "%s vs %s", a, other)
	}
	assert.False(t, Same(dict(ts()), dict(arrow.BinaryTypes.String)))
	assert.False(t, Same(nil, a))
	assert.True(t, Same(arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Int64))
	assert.False(t, Same(&arrow.Decimal128Type{Precision: 10, Scale: 2}, &arrow.Decimal128Type{Precision: 10, Scale: 3}))
}
