package jsonout

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// nestedItem is the element of the nested test columns.
var nestedItem = arrow.StructOf(
	arrow.Field{Name: "sku", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "qty", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	arrow.Field{Name: "price", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	arrow.Field{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
)

// nestedBatch returns n rows of one nested column of the given shape
// (list_struct, list_list or map_struct), 4 elements per row, some null.
func nestedBatch(t testing.TB, mem memory.Allocator, shape string, n int) arrow.RecordBatch {
	t.Helper()
	var typ arrow.DataType
	switch shape {
	case "list_struct":
		typ = arrow.ListOf(nestedItem)
	case "list_list":
		typ = arrow.ListOf(arrow.ListOf(arrow.PrimitiveTypes.Int64))
	case "map_struct":
		typ = arrow.MapOf(arrow.BinaryTypes.String, nestedItem)
	}
	schema := arrow.NewSchema([]arrow.Field{{Name: "v", Type: typ, Nullable: true}}, nil)
	var sb strings.Builder
	sb.WriteByte('[')
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"v":%s}`, nestedValue(shape, i))
	}
	sb.WriteByte(']')
	rec, _, err := array.RecordFromJSON(mem, schema, strings.NewReader(sb.String()))
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func nestedValue(shape string, i int) string {
	if i%17 == 5 {
		return "null"
	}
	item := func(k int) string {
		if (i+k)%11 == 3 {
			return "null"
		}
		return fmt.Sprintf(`{"sku":"s-%d\"%d","qty":%d,"price":%g,"tags":["a","b%d"]}`, i, k, i*k-7, float64(i)/4+float64(k), k)
	}
	parts := make([]string, 4)
	for k := range parts {
		switch shape {
		case "list_struct":
			parts[k] = item(k)
		case "list_list":
			parts[k] = fmt.Sprintf("[%d,%d,null]", i, -k)
		case "map_struct":
			parts[k] = fmt.Sprintf(`{"key":"k%d","value":%s}`, k, item(k))
		}
	}
	return "[" + strings.Join(parts, ",") + "]"
}
