package csvout

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/jsonout"
)

// Times of day have one text in every format, DuckDB's TIME text:
// 03:04:05 without a fraction, else the digits needed.
func TestTimeTextIsOneForm(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "t", Type: arrow.FixedWidthTypes.Time64us, Nullable: true},
		{Name: "ms", Type: arrow.FixedWidthTypes.Time32ms, Nullable: true},
		{Name: "lt", Type: arrow.ListOf(arrow.FixedWidthTypes.Time64us), Nullable: true},
	}, nil)
	rec, _, err := array.RecordFromJSON(mem, schema, strings.NewReader(`[
		{"t": 11045000000, "ms": 11045500, "lt": [11045123456]},
		{"t": 11045500000, "ms": null, "lt": null},
		{"t": null, "ms": 0, "lt": []}
	]`))
	require.NoError(t, err)
	defer rec.Release()
	ctx := context.Background()
	for _, tc := range []struct {
		to, want string
	}{
		{"csv", "t,ms,lt\n03:04:05,03:04:05.5,\"[\"\"03:04:05.123456\"\"]\"\n03:04:05.5,,\n,00:00:00,[]\n"},
		{"tsv", "t\tms\tlt\n03:04:05\t03:04:05.5\t[\"03:04:05.123456\"]\n03:04:05.5\t\t\n\t00:00:00\t[]\n"},
		{"ndjson", `{"t":"03:04:05","ms":"03:04:05.5","lt":["03:04:05.123456"]}
{"t":"03:04:05.5","ms":null,"lt":null}
{"t":null,"ms":"00:00:00","lt":[]}
`},
	} {
		var out bytes.Buffer
		if tc.to == "ndjson" {
			s := jsonout.NewSink(&out, schema)
			c, err := s.NewEncoder().Encode(ctx, rec)
			require.NoError(t, err)
			require.NoError(t, s.Write(ctx, c))
			require.NoError(t, s.Close(ctx))
		} else {
			delim := byte(',')
			if tc.to == "tsv" {
				delim = '\t'
			}
			s, err := NewSink(&out, schema, Options{Delimiter: delim})
			require.NoError(t, err)
			c, err := s.NewEncoder().Encode(ctx, rec)
			require.NoError(t, err)
			require.NoError(t, s.Write(ctx, c))
			require.NoError(t, s.Close(ctx))
		}
		require.Equal(t, tc.want, out.String(), tc.to)
	}
}
