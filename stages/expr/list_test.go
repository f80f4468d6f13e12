package expr

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

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
		{"to_string(split(s, ' '))", "to_string does not take a list"},
		{"coalesce(split(s, ' '), split(s, ','))", "coalesce does not take a list"},
		{"s in (split(s, ' '))", "cannot compare string with list<string>"},
		{"list_length(s)", "argument 1 of list_length must be list<string>, got string"},
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
