package jsonin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readCells reads a source sequentially into rows of cells: a list as
// []any of its elements (nil for a null element), other values as
// GetOneForMarshal gives them.
func readCells(t *testing.T, mem memory.Allocator, text string, opts Options) ([][]any, *arrow.Schema, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	opts.Mem = mem
	src, err := NewSource(ctx, one("in.ndjson", text), opts)
	if err != nil {
		return nil, nil, err
	}
	defer src.Close()
	dec := src.NewDecoder()
	var rows [][]any
	for {
		c, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			return rows, src.Schema(), nil
		}
		if err != nil {
			return rows, src.Schema(), err
		}
		rec, err := dec.Decode(ctx, c)
		if err != nil {
			return rows, src.Schema(), err
		}
		if rec == nil {
			continue
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]any, rec.NumCols())
			for j, col := range rec.Columns() {
				row[j] = cell(col, i)
			}
			rows = append(rows, row)
		}
		rec.Release()
	}
}

func cell(col arrow.Array, i int) any {
	if col.IsNull(i) {
		return nil
	}
	l, ok := col.(*array.List)
	if !ok {
		return col.GetOneForMarshal(i)
	}
	start, end := l.ValueOffsets(i)
	out := []any{}
	for k := start; k < end; k++ {
		out = append(out, cell(l.ListValues(), int(k)))
	}
	return out
}

// TestListTypes: the element kinds of sampled arrays fix the list type.
func TestListTypes(t *testing.T) {
	text := `{"i":[1,null,-3],"f":[1,2.5],"s":["a","b\n\u00e9"],"b":[true,null],"m":[1,"x",true,null,2.5],"n":[[1],2],"o":[{"k":1}],"e":[],"z":[null],"big":[12345678901234567890],"x":[1],"t":["2024-01-01T00:00:00Z"]}
{"i":[],"f":null,"s":[],"b":[false],"m":[],"n":[],"o":null,"e":[],"z":[],"big":[1],"x":"no","t":[]}
{}
`
	rows, schema, err := readCells(t, checked(t), text, Options{})
	require.NoError(t, err)
	list := arrow.ListOf
	want := []arrow.DataType{list(arrow.PrimitiveTypes.Int64), list(arrow.PrimitiveTypes.Float64),
		list(arrow.BinaryTypes.String), list(arrow.FixedWidthTypes.Boolean), list(arrow.BinaryTypes.String),
		arrow.BinaryTypes.String, list(arrow.StructOf(arrow.Field{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true})),
		list(arrow.BinaryTypes.String),
		list(arrow.BinaryTypes.String), list(arrow.BinaryTypes.String), arrow.BinaryTypes.String,
		list(arrow.BinaryTypes.String)}
	for j, w := range want {
		assert.True(t, arrow.TypeEqual(w, schema.Field(j).Type), "%s: %s", schema.Field(j).Name, schema.Field(j).Type)
	}
	assert.Equal(t, [][]any{
		{[]any{int64(1), nil, int64(-3)}, []any{1.0, 2.5}, []any{"a", "b\né"}, []any{true, nil},
			[]any{"1", "x", "true", nil, "2.5"}, `[[1],2]`, []any{map[string]any{"k": int64(1)}}, []any{}, []any{nil},
			[]any{"12345678901234567890"}, `[1]`, []any{"2024-01-01T00:00:00Z"}},
		{[]any{}, nil, []any{}, []any{false}, []any{}, `[]`, nil, []any{}, []any{}, []any{"1"}, "no", []any{}},
		{nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil},
	}, rows)
}

// TestListAfterSample: the sample fixes the type. An array after the sample
// in a column inferred as utf8 is its JSON text; an element or value that a
// list column cannot hold is a data error naming line, column and key.
func TestListAfterSample(t *testing.T) {
	var head strings.Builder
	for range 1000 {
		head.WriteString(`{"s":"x","n":null,"l":[1]}` + "\n")
	}
	t.Run("text-and-null-columns", func(t *testing.T) {
		rows, schema, err := readCells(t, checked(t), head.String()+`{"s":["a",1],"n":[true],"l":[2,null]}`+"\n", Options{})
		require.NoError(t, err)
		assert.Equal(t, arrow.BinaryTypes.String, schema.Field(0).Type)
		assert.Equal(t, arrow.BinaryTypes.String, schema.Field(1).Type)
		assert.Equal(t, []any{`["a",1]`, `[true]`, []any{int64(2), nil}}, rows[1000])
	})
	for _, tc := range []struct{ line, msg string }{
		{`{"l":[1,"a"]}`, `in.ndjson:1001:9: column "l": jsonin: wrong type: want an integer element, found a string`},
		{`{"l":[1.5]}`, `in.ndjson:1001:7: column "l": jsonin: wrong type: want an integer element, found a fraction`},
		{`{"l":1}`, `in.ndjson:1001:6: column "l": jsonin: wrong type: want an array, found a number`},
		{`{"l":[1,]}`, `in.ndjson:1001:9: column "l": jsonin: invalid JSON: invalid character, want a value`},
		{`{"l":[1 2]}`, `in.ndjson:1001:9: column "l": jsonin: invalid JSON: want ',' or ']'`},
		{`{"l":[[1]]}`, `in.ndjson:1001:7: column "l": jsonin: wrong type: want an integer element, found an array`},
	} {
		t.Run(tc.line, func(t *testing.T) {
			_, _, err := readCells(t, checked(t), head.String()+tc.line+"\n", Options{})
			de := dataError(t, err)
			assert.Equal(t, int64(1001), de.Line)
			assert.Equal(t, tc.msg, err.Error())
		})
	}
}

// TestListDeclared: Options.Schema declares list columns.
func TestListDeclared(t *testing.T) {
	rows, schema, err := readCells(t, checked(t), `{"a":["x"],"b":[1]}`+"\n"+`{"a":[1,{"k":[2]}],"b":[2.5]}`+"\n", Options{Schema: []Field{
		{Name: "a", Type: arrow.ListOf(arrow.BinaryTypes.String)}, {Name: "b", Type: arrow.ListOf(arrow.PrimitiveTypes.Float64)},
	}})
	require.NoError(t, err)
	assert.True(t, arrow.TypeEqual(arrow.ListOf(arrow.PrimitiveTypes.Float64), schema.Field(1).Type))
	assert.Equal(t, [][]any{{[]any{"x"}, []any{1.0}}, {[]any{"1", `{"k":[2]}`}, []any{2.5}}}, rows)

	_, err = NewSource(context.Background(), one("x", "{}\n"), Options{Mem: checked(t),
		Schema: []Field{{Name: "a", Type: arrow.ListOf(arrow.PrimitiveTypes.Int32)}}})
	assert.Error(t, err)
}

// TestListRandom decodes random arrays (nulls, empty, escapes, mixed,
// nested) across batch boundaries against the generator's own values.
func TestListRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 20))
	// Each column: a generator of one element as JSON text and its
	// expected cell; the first line holds every kind so the types are fixed.
	str := func() (string, any) {
		s := []string{"a", "é", "q\"t", "x\\y", "", "tab\tz"}[r.IntN(6)]
		return strconv.Quote(s), s // strconv.Quote output is valid JSON here
	}
	num := func() (string, any) {
		if r.IntN(2) == 0 {
			v := r.Int64N(2000) - 1000
			return strconv.FormatInt(v, 10), float64(v)
		}
		v := float64(r.IntN(1000)) / 8
		return strconv.FormatFloat(v, 'f', -1, 64), v
	}
	integer := func() (string, any) {
		v := r.Int64() - r.Int64()
		return strconv.FormatInt(v, 10), v
	}
	boolean := func() (string, any) {
		if r.IntN(2) == 0 {
			return "true", true
		}
		return "false", false
	}
	mixed := func() (string, any) {
		var s string
		switch r.IntN(3) {
		case 0:
			s, _ = integer()
		case 1:
			s, _ = boolean()
		default:
			q, v := str()
			return q, v
		}
		return s, s
	}
	gens := []func() (string, any){integer, num, str, boolean, mixed}
	names := []string{"i", "f", "s", "b", "m"}
	var text strings.Builder
	var want [][]any
	for row := range 700 {
		text.WriteString("{")
		cells := make([]any, len(gens)+1)
		sep := ""
		for j, g := range gens {
			shape := r.IntN(6)
			if row == 0 {
				shape = 5
			}
			switch shape {
			case 0: // missing
				continue
			case 1:
				fmt.Fprintf(&text, "%s%q:null", sep, names[j])
			case 2:
				fmt.Fprintf(&text, "%s%q: [ ]", sep, names[j])
				cells[j] = []any{}
			default:
				fmt.Fprintf(&text, "%s%q:[", sep, names[j])
				var els []any
				n := r.IntN(5) + 1
				for k := range n {
					if k > 0 {
						text.WriteString(", ")
					}
					if r.IntN(5) == 0 && row > 0 {
						text.WriteString("null")
						els = append(els, nil)
						continue
					}
					s, v := g()
					if row == 0 && j == 1 && k == 0 {
						s, v = "0.5", 0.5 // a fraction, so f is float64
					}
					text.WriteString(s)
					els = append(els, v)
				}
				text.WriteString("]")
				cells[j] = els
			}
			sep = ","
		}
		// A nested array keeps the column as JSON text of the array.
		nested := fmt.Sprintf(`[%d,[%d]]`, row, row)
		fmt.Fprintf(&text, "%s\"nested\":%s}\n", sep, nested)
		cells[len(gens)] = nested
		want = append(want, cells)
	}
	for _, batch := range []int{0, 64, 300, 5000} {
		t.Run(fmt.Sprintf("batchbytes=%d", batch), func(t *testing.T) {
			rows, schema, err := readCells(t, checked(t), text.String(), Options{BatchBytes: batch})
			require.NoError(t, err)
			require.Equal(t, len(gens)+1, schema.NumFields())
			for j, name := range append(names, "nested") {
				require.Equal(t, name, schema.Field(j).Name)
			}
			assert.Equal(t, arrow.LIST, schema.Field(1).Type.ID())
			assert.Equal(t, arrow.FLOAT64, schema.Field(1).Type.(*arrow.ListType).Elem().ID())
			assert.Equal(t, arrow.STRING, schema.Field(4).Type.(*arrow.ListType).Elem().ID())
			require.Equal(t, len(want), len(rows))
			for i := range want {
				require.Equal(t, want[i], rows[i], "row %d", i)
			}
		})
	}
}
