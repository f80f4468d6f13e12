package expr

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestListFunctions: hand-computed results (split as DuckDB's
// string_split; list_get 1-based as list_extract), on specBatch's s =
// "EU", "ß x", null.
func TestListFunctions(t *testing.T) {
	tests := []struct {
		src  string
		want []any
	}{
		{"split(s, ' ')", []any{[]any{"EU"}, []any{"ß", "x"}, nil}},
		{"split(s, '')", []any{[]any{"E", "U"}, []any{"ß", " ", "x"}, nil}},
		{"split('', ',')", []any{[]any{""}, []any{""}, []any{""}}},
		{"split('a,,b', ',')", []any{[]any{"a", "", "b"}, []any{"a", "", "b"}, []any{"a", "", "b"}}},
		{"regexp_split('a1b22c', '[0-9]+')", []any{[]any{"a", "b", "c"}, []any{"a", "b", "c"}, []any{"a", "b", "c"}}},
		{"list_length(split(s, ' '))", []any{int64(1), int64(2), nil}},
		{"list_get(split(s, ' '), 2)", []any{nil, "x", nil}},
		{"list_get(split(s, ' '), -1)", []any{"EU", "x", nil}},
		{"list_get(split(s, ' '), 0)", []any{nil, nil, nil}},
		{"list_contains(split(s, ' '), 'x')", []any{false, true, nil}},
		{"list_join(split(s, ''), '.')", []any{"E.U", "ß. .x", nil}},
		{"split(s, ' ') is null", []any{false, false, true}},
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := specBatch(t, mem)
	defer rec.Release()
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e, err := Compile(tt.src, rec.Schema())
			require.NoError(t, err)
			got, err := e.Eval(context.Background(), rec, mem)
			require.NoError(t, err)
			defer got.Release()
			for r, w := range tt.want {
				assert.Equal(t, w, refValue(got, r), "row %d", r)
			}
			checkAgainstReference(t, tt.src, rec, mem)
		})
	}
	for _, tt := range []struct{ src, want string }{
		{"split(s, ' ') == split(s, ',')", "operator == does not take a list"},
		{"upper(split(s, ' '))", "upper does not take a list"},
		{"coalesce(split(s, ' '), split(s, ','))", "coalesce does not take a list"},
		{"s in (split(s, ' '))", "cannot compare string with list<string>"},
		{"list_length(s)", "argument 1 of list_length must be a list, got string"},
		{"regexp_split(s, '(')", "regexp_split: invalid regular expression"},
	} {
		_, err := Compile(tt.src, rec.Schema())
		require.Error(t, err, tt.src)
		assert.Contains(t, err.Error(), tt.want, tt.src)
	}
}

// TestListColumns: list columns read as they are, whole and sliced, with
// null lists and null elements, and come out as list columns.
func TestListColumns(t *testing.T) {
	for _, sliced := range []bool{false, true} {
		t.Run(fmt.Sprintf("sliced=%v", sliced), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rec := randomBatch(rand.New(rand.NewPCG(8, 9)), mem, 300, 0.25)
			defer rec.Release()
			if sliced {
				s := rec.NewSlice(13, 250)
				defer s.Release()
				rec = s
			}
			for _, src := range []string{"l1", "list_length(l1)", "list_get(l1, 1)", "list_get(l1, -2)", "list_join(l1, '+')",
				"list_contains(l1, 'EU')", "split(list_join(l1, ','), ',')", "if(b1, list_length(l1), 0)"} {
				checkAgainstReference(t, src, rec, mem)
			}
		})
	}
}

// typedListBatch makes n rows of lists of every element type expressions
// read (int32 and timestamp[ms] elements converted as columns are, a
// large list of strings), with null lists, null elements, empty lists,
// unicode, NaN and values whose sum overflows; and scalars i, f, s.
func typedListBatch(rng *rand.Rand, mem memory.Allocator, n int) arrow.RecordBatch {
	elems := []struct {
		name string
		dt   arrow.DataType
		add  func(b array.Builder)
	}{
		{"li", arrow.PrimitiveTypes.Int64, func(b array.Builder) {
			b.(*array.Int64Builder).Append([]int64{0, 1, -2, 3, 7, math.MaxInt64, math.MinInt64}[rng.IntN(7)])
		}},
		{"li32", arrow.PrimitiveTypes.Int32, func(b array.Builder) { b.(*array.Int32Builder).Append(int32(rng.IntN(9) - 4)) }},
		{"lu", arrow.PrimitiveTypes.Uint64, func(b array.Builder) {
			b.(*array.Uint64Builder).Append([]uint64{0, 1, 3, math.MaxUint64}[rng.IntN(4)])
		}},
		{"lf", arrow.PrimitiveTypes.Float64, func(b array.Builder) {
			b.(*array.Float64Builder).Append([]float64{0, 1, -2.5, 1e-7, 3, math.NaN(), math.Inf(1)}[rng.IntN(7)])
		}},
		{"lb", arrow.FixedWidthTypes.Boolean, func(b array.Builder) { b.(*array.BooleanBuilder).Append(rng.IntN(2) == 0) }},
		{"ls", arrow.BinaryTypes.String, func(b array.Builder) {
			b.(*array.StringBuilder).Append([]string{"", "a", "B", "ß", "日本", "a b"}[rng.IntN(6)])
		}},
		{"lt", arrow.FixedWidthTypes.Timestamp_ms, func(b array.Builder) {
			b.(*array.TimestampBuilder).Append(arrow.Timestamp([]int64{0, 1772600767500, -1000, 86_400_000}[rng.IntN(4)]))
		}},
		{"ld", arrow.FixedWidthTypes.Date32, func(b array.Builder) { b.(*array.Date32Builder).Append(arrow.Date32(rng.IntN(3))) }},
	}
	var fields []arrow.Field
	var cols []arrow.Array
	for k, e := range elems {
		var lb array.ListLikeBuilder
		dt := arrow.DataType(arrow.ListOf(e.dt))
		if e.name == "ls" {
			dt = arrow.LargeListOf(e.dt)
			lb = array.NewLargeListBuilder(mem, e.dt)
		} else {
			lb = array.NewListBuilder(mem, e.dt)
		}
		for r := 0; r < n; r++ {
			if rng.IntN(8) == 0 {
				lb.AppendNull()
				continue
			}
			lb.Append(true)
			for range rng.IntN(4 + k%2) {
				if rng.IntN(6) == 0 {
					lb.ValueBuilder().AppendNull()
				} else {
					e.add(lb.ValueBuilder())
				}
			}
		}
		fields = append(fields, arrow.Field{Name: e.name, Type: dt, Nullable: true})
		cols = append(cols, lb.NewArray())
		lb.Release()
	}
	ib, fb, sb := array.NewInt64Builder(mem), array.NewFloat64Builder(mem), array.NewStringBuilder(mem)
	for r := 0; r < n; r++ {
		ib.Append(int64(rng.IntN(5) - 1))
		fb.Append(float64(rng.IntN(4)) - 0.5*float64(rng.IntN(2)))
		sb.Append([]string{"a", "ß", "B"}[rng.IntN(3)])
	}
	for _, b := range []array.Builder{ib, fb, sb} {
		cols = append(cols, b.NewArray())
		b.Release()
	}
	fields = append(fields, arrow.Field{Name: "i", Type: arrow.PrimitiveTypes.Int64},
		arrow.Field{Name: "f", Type: arrow.PrimitiveTypes.Float64}, arrow.Field{Name: "s", Type: arrow.BinaryTypes.String})
	rec := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	return rec
}

// TestTypedLists: every list function on lists of every element type,
// against the reference, whole and sliced, across batch sizes.
func TestTypedLists(t *testing.T) {
	var srcs []string
	for _, l := range []string{"li", "li32", "lu", "lf", "lb", "ls", "lt", "ld"} {
		srcs = append(srcs, l, "list_length("+l+")", "list_get("+l+", 1)", "list_get("+l+", -1)", "list_get("+l+", i)",
			"list_join("+l+", '|')", "list_min("+l+")", "list_max("+l+")", "list_sort("+l+")",
			"list_get(list_sort("+l+"), 2)", "list_contains("+l+", list_get("+l+", 2))", "to_string("+l+")")
	}
	for l, et := range map[string]string{"li": "int64", "li32": "int64", "lf": "double", "lb": "bool", "ls": "varchar", "lt": "timestamp", "ld": "date"} {
		srcs = append(srcs, "to_list(to_string("+l+"), '"+et+"')", "to_list(to_string("+l+"), 'string')", "to_list(list_join("+l+", ','), '"+et+"')")
	}
	srcs = append(srcs, "list_sum(li)", "list_sum(li32)", "list_sum(lu)", "list_sum(lf)",
		"list_contains(li, i)", "list_contains(li, 3)", "list_contains(lf, i)", "list_contains(lf, 1)", "list_contains(li32, f)",
		"list_contains(lu, -1)", "list_contains(lu, i)", "list_contains(ls, s)", "list_contains(ls, 'ß')", "list_contains(lb, true)",
		"list_contains(lt, ts'2026-03-04T05:06:07.5Z')", "list_contains(lt, date'1970-01-02')", "list_contains(ld, ts'1970-01-02T00:00:00Z')",
		"list_value(i, f)", "list_value(s, 'x', null)", "list_value(i)", "list_sum(list_value(i, 2, i))", "list_join(list_value(f, 1e-7), ';')",
		"list_value(ts'2026-01-01T00:00:00Z', date'2026-01-02')")
	for _, rows := range []int{1, 7, 300} {
		for _, sliced := range []bool{false, true} {
			t.Run(fmt.Sprintf("rows=%d/sliced=%v", rows, sliced), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				rec := typedListBatch(rand.New(rand.NewPCG(uint64(rows), 20)), mem, rows+2)
				defer rec.Release()
				if sliced {
					s := rec.NewSlice(1, int64(rows+1))
					defer s.Release()
					rec = s
				}
				for _, src := range srcs {
					checkAgainstReference(t, src, rec, mem)
				}
			})
		}
	}
}

// TestTypedListSemantics: hand-checked results (DuckDB's for the same
// lists: list_extract, list_contains, list_sort, list_sum, array_to_string).
func TestTypedListSemantics(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := specBatch(t, mem)
	defer rec.Release()
	for _, tt := range []struct {
		src  string
		want any
	}{
		{"list_sort(list_value(3, null, 1))", []any{int64(1), int64(3), nil}},
		{"list_sort(list_value('b', 'a', 'B', 'é'))", []any{"B", "a", "b", "é"}},
		{"list_get(list_value(1, 2, 3), 5)", nil},
		{"list_get(list_value(1, 2, 3), -1)", int64(3)},
		{"list_get(list_value(1, 2, 3), 0)", nil},
		{"list_contains(list_value(1, 2, 3), 2.0)", true},
		{"list_contains(list_value(1.5), 1)", false},
		{"list_contains(list_value(1, null), null)", nil},
		{"list_sum(list_value(1, null, 2))", int64(3)},
		{"list_sum(list_value(to_int(null)))", nil},
		{"list_sum(list_value(1.5, 2.5))", 4.0},
		{"list_min(list_value(2.0, to_float('nan'), 1.0))", 1.0},
		{"list_join(list_value(1.5, null, 2.0), '-')", "1.5-2.0"},
		{"list_join(list_value(true, false), ',')", "true,false"},
		{"list_join(list_value(ts'2026-01-02T03:04:05Z', date'2026-01-03'), ',')", "2026-01-02T03:04:05Z,2026-01-03T00:00:00Z"},
		{"list_length(list_value(null, null, 1))", int64(3)},
		{"[1, 2, 3]", []any{int64(1), int64(2), int64(3)}},
		{"to_string([1.5, null, 2.0])", "[1.5,null,2.0]"},
		{"to_string(['a\"b', 'ß\n'])", `["a\"b","ß\n"]`},
		{"to_string([date'2026-01-02'])", `["2026-01-02"]`},
		{"to_list('[1,2,null]', 'int64')", []any{int64(1), int64(2), nil}},
		{"to_list('[1, 2.5]', 'int64')", nil},
		{"to_list('[1, 2.5]', 'double')", []any{1.0, 2.5}},
		{"to_list(' [ \"a\" , \"ß\" ] ', 'VARCHAR[]')", []any{"a", "ß"}},
		{"to_list('[\"a\nb\"]', 'string')", nil}, // a raw newline is not JSON
		{"to_list('[1]', 'string')", nil},
		{"to_list('[[1]]', 'int64')", nil},
		{"to_list('[] x', 'int64')", nil},
		{"to_list('[]', 'list<int64>')", []any{}},
		{"to_list('null', 'int64')", nil},
		{"to_list('[true,false]', 'bool')", []any{true, false}},
		{"to_list('[\"2026-01-02\"]', 'date')", []any{dateVal(20455)}},
		{"list_sum([1.5, a, null])", 8.5},
		{"list_join(['x', s], '/')", "x/EU"},
		{"list_contains([date'2026-01-01'], ts'2026-01-01T00:00:00Z')", true},
	} {
		e, err := Compile(tt.src, rec.Schema())
		require.NoError(t, err, tt.src)
		got, err := e.Eval(context.Background(), rec, mem)
		require.NoError(t, err, tt.src)
		assert.Equal(t, tt.want, refValue(got, 0), tt.src)
		got.Release()
	}
	_, err := Compile("list_sum(list_value(9223372036854775807, 1))", rec.Schema())
	require.NoError(t, err)
	for _, tt := range []struct{ src, want string }{
		{"list_sum(split(s, ' '))", "list_sum needs a list of numbers, got list<string>"},
		{"list_contains(list_value(1, 2), 'x')", "list_contains: cannot look for string in list<int64>"},
		{"list_value(1, 'x')", "list_value: cannot make a list of int64 and string"},
		{"list_value(null)", "list_value: the elements need a type"},
		{"list_get(s, 1)", "argument 1 of list_get must be a list, got string"},
		{"[]", "an empty list [] has no element type"},
		{"to_list(s, 'list<list<int64>>')", "to_list: unknown element type"},
		{"to_list(s, s)", "to_list: the element type must be a string literal"},
		{"[1, 2", `expected ","`},
		{"[[1]]", "list_value does not take a list"},
		{"list_contains([1], to_decimal(1, 5, 2))", "list_contains does not take a decimal"},
	} {
		_, err := Compile(tt.src, rec.Schema())
		require.Error(t, err, tt.src)
		assert.Contains(t, err.Error(), tt.want, tt.src)
	}
}
