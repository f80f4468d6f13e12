package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/verb"
)

var ordersSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_us},
	{Name: "region", Type: arrow.BinaryTypes.String},
	{Name: "product", Type: arrow.BinaryTypes.String},
	{Name: "qty", Type: arrow.PrimitiveTypes.Int64},
	{Name: "price", Type: arrow.PrimitiveTypes.Float64},
	{Name: "discount", Type: arrow.PrimitiveTypes.Float64},
	{Name: "note", Type: arrow.BinaryTypes.String},
}, nil)

func TestColumnsRead(t *testing.T) {
	all := []string(nil)
	tests := []struct {
		chain string
		want  []string
	}{
		{"", all},
		{"count", []string{}},
		{"head 5 then count", []string{}},
		{"select id,region", []string{"id", "region"}},
		{"filter 'qty > 50 and region == \"EU\"' then derive 'total = qty * price * (1 - coalesce(discount, 0))' then select id,region,total",
			[]string{"id", "region", "qty", "price", "discount"}},
		{"groupby region 'count() as n, sum(qty), p99(price)'", []string{"region", "qty", "price"}},
		{"agg 'sum(qty)'", []string{"qty"}},
		{"count_distinct region,product", []string{"region", "product"}},
		{"rename qty=n then select n", []string{"qty"}},
		{"derive 'price = price * 2; x = price + qty' then select x", []string{"qty", "price"}},
		{"sort 'price desc' then select id", []string{"id", "price"}},
		{"top 3 'qty desc' then select id", []string{"id", "qty"}},
		{"distinct region then select product", []string{"region", "product"}},
		{"cast qty:float then select id", []string{"id", "qty"}},
		{"drop note then select id", []string{"id", "note"}},
		{"filter 'qty > 1'", all},
		{"sort price then tail 3", all},
		{"select id,note then derive 'n = 1'", []string{"id", "note"}},
	}
	env := verb.Env{}
	for _, tt := range tests {
		t.Run(tt.chain, func(t *testing.T) {
			args := splitShell(t, tt.chain)
			calls, files, err := parseChain(args, allVerbs(nil))
			require.NoError(t, err)
			require.Empty(t, files)
			_, schemas, err := buildStages(env, calls, ordersSchema, nil)
			require.NoError(t, err)
			got := columnsRead(calls, schemas)
			if tt.want == nil {
				assert.Nil(t, got)
				return
			}
			assert.Equal(t, tt.want, sortedLike(tt.want, got))
			// Building the chain for the narrowed schema must work.
			var fields []arrow.Field
			for _, f := range ordersSchema.Fields() {
				for _, c := range got {
					if f.Name == c {
						fields = append(fields, f)
					}
				}
			}
			_, _, err = buildStages(env, calls, arrow.NewSchema(fields, nil), nil)
			assert.NoError(t, err)
		})
	}
}

// sortedLike returns got in want's order when both hold the same names, so
// the comparison ignores order but not content.
func sortedLike(want, got []string) []string {
	if len(want) != len(got) {
		return got
	}
	out := make([]string, 0, len(got))
	for _, w := range want {
		for _, g := range got {
			if g == w {
				out = append(out, g)
			}
		}
	}
	if len(out) != len(got) {
		return got
	}
	return out
}

// splitShell splits a test chain at spaces outside single quotes.
func splitShell(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	var cur strings.Builder
	quoted, any := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			quoted, any = !quoted, true
		case r == ' ' && !quoted:
			if any {
				out = append(out, cur.String())
			}
			cur.Reset()
			any = false
		default:
			cur.WriteRune(r)
			any = true
		}
	}
	require.False(t, quoted, "unbalanced quote in %q", s)
	if any {
		out = append(out, cur.String())
	}
	return out
}

// The CSV, NDJSON and Parquet readers decode only what a chain reads; the
// Arrow reader always decodes everything. All must give the same answers.
func TestProjectedChainsMatchFullReads(t *testing.T) {
	arrowFile := filepath.Join(t.TempDir(), "orders.arrow")
	res := cli(t, "", "-o", arrowFile, sample)
	require.Equal(t, 0, res.code, res.stderr)
	parquetFile := filepath.Join(t.TempDir(), "orders.parquet")
	res = cli(t, "", "-o", parquetFile, sample)
	require.Equal(t, 0, res.code, res.stderr)
	ndjsonFile := filepath.Join(t.TempDir(), "orders.ndjson")
	res = cli(t, "", "-o", ndjsonFile, sample)
	require.Equal(t, 0, res.code, res.stderr)
	for _, chain := range []string{
		"count",
		"filter 'qty > 50 and region == \"EU\"' then derive 'total = qty * price * (1 - coalesce(discount, 0))' then select id,region,total",
		"groupby region 'count() as n, sum(qty), mean(price) as avg_price, p99(price)'",
		"rename qty=n then derive 'x = n * 2' then select id,x then head 20",
		"sort 'price desc' then select id,price then head 50",
		"count_distinct region,product",
	} {
		t.Run(chain, func(t *testing.T) {
			args := splitShell(t, chain)
			fromCSV := cli(t, "", append(append([]string{"--stats=json"}, args...), sample)...)
			require.Equal(t, 0, fromCSV.code, fromCSV.stderr)
			fromArrow := cli(t, "", append(args, arrowFile)...)
			require.Equal(t, 0, fromArrow.code, fromArrow.stderr)
			assertSameRecords(t, readCSV(t, fromArrow.stdout), readCSV(t, fromCSV.stdout))
			fromParquet := cli(t, "", append(args, parquetFile)...)
			require.Equal(t, 0, fromParquet.code, fromParquet.stderr)
			assertSameRecords(t, readCSV(t, fromArrow.stdout), readCSV(t, fromParquet.stdout))
			fromNDJSON := cli(t, "", append(args, ndjsonFile)...)
			require.Equal(t, 0, fromNDJSON.code, fromNDJSON.stderr)
			assertSameRecords(t, readCSV(t, fromArrow.stdout), readCSV(t, fromNDJSON.stdout))
		})
	}
}

// A chain that reads one narrow column decodes a fraction of the bytes
// that pass-through decodes (the note and timestamp columns are skipped).
func TestProjectionDecodesLess(t *testing.T) {
	decoded := func(args ...string) int64 {
		statsFile := filepath.Join(t.TempDir(), "stats.json")
		res := cli(t, "", append([]string{"--stats=json", "--stats-file", statsFile}, args...)...)
		require.Equal(t, 0, res.code, res.stderr)
		stats := readStats(t, statsFile)
		require.Equal(t, "decode", stats.Stages[1].Name)
		return stats.Stages[1].BytesOut
	}
	full := decoded(sample)
	narrow := decoded("select", "id", sample)
	require.Positive(t, narrow)
	assert.Less(t, narrow*5, full, "select id decodes %d bytes, pass-through %d", narrow, full)
}
