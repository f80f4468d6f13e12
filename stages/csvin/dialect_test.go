package csvin

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/input"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// TestSniffDelimiter reads a first line without commas by the ';', '|' or
// tab it holds, as DuckDB's sniffer does for such files named .csv; an
// explicit Delimiter wins.
func TestSniffDelimiter(t *testing.T) {
	cases := []struct {
		name, in string
		opts     Options
		schema   string
		rows     [][]string
	}{
		{"semicolon", "a;b;c\n1;2,5;x\n", Options{}, "a:int64,b:string,c:string", [][]string{{"1", "2,5", "x"}}},
		{"pipe", "a|b\n1|2\n", Options{}, "a:int64,b:int64", [][]string{{"1", "2"}}},
		{"tab", "a\tb\n1\t2\n", Options{}, "a:int64,b:int64", [][]string{{"1", "2"}}},
		{"comma wins", "a,b;c\n1,2;3\n", Options{}, "a:int64,b;c:string", [][]string{{"1", "2;3"}}},
		{"quoted comma is no comma", "\"a,b\";c\n1;2\n", Options{}, "a,b:int64,c:int64", [][]string{{"1", "2"}}},
		{"one column", "a\n1\n", Options{}, "a:int64", [][]string{{"1"}}},
		{"no header", "1;2\n3;4\n", Options{NoHeader: true}, "c1:int64,c2:int64", [][]string{{"1", "2"}, {"3", "4"}}},
		{"delimiter given", "a;b\n1;2\n", Options{Delimiter: ','}, "a;b:string", [][]string{{"1;2"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, batch := range []int{1, 1000} {
				opts := c.opts
				opts.BatchRows = batch
				opts.Mem = checkedMem(t)
				schema, rows, err := readString(t, c.in, opts)
				require.NoError(t, err)
				assert.Equal(t, c.schema, textval.FormatSchema(schema))
				assert.Equal(t, c.rows, rows)
			}
		})
	}
}

// TestTSV reads quotes as data and decodes the escapes of the IANA TSV
// convention (Miller's): \t \n \r \\, a backslash before anything else
// kept.
func TestTSV(t *testing.T) {
	in := "na\\tme\tq\n" +
		"\"x\"\tsay \"hi\n" +
		"a\\tb\\nc\\rd\\\\e\t\\N \\x end\\\n" +
		"5\"\t\n"
	for _, batch := range []int{1, 2, 1000} {
		schema, rows, err := readString(t, in, Options{TSV: true, BatchRows: batch, Mem: checkedMem(t)})
		require.NoError(t, err)
		assert.Equal(t, "na\tme:string,q:string", textval.FormatSchema(schema))
		assert.Equal(t, [][]string{
			{`"x"`, `say "hi`},
			{"a\tb\nc\rd\\e", `\N \x end\`},
			{`5"`, null},
		}, rows)
	}
	_, _, err := readString(t, "a\\b\n", Options{TSV: true, Delimiter: '\\'})
	assert.ErrorIs(t, err, ErrOptions)
}

// TestFloatSpecials reads the NaN and infinities DuckDB and Polars write
// as float64, and a zone-less timestamp as timestamp[us], a zoned one
// (DuckDB's +00) as timestamp[us, UTC].
func TestFloatSpecialsAndZones(t *testing.T) {
	in := "x,local,zoned\n2.0,2026-01-02 03:04:05,2026-01-02 03:04:05+00\nNaN,2026-01-02T03:04:05.5,2026-01-02 05:04:05+02\ninf,,\n-Infinity,,\n"
	schema, rows, err := readString(t, in, Options{Mem: checkedMem(t)})
	require.NoError(t, err)
	assert.Equal(t, "x:float64,local:timestamp[us],zoned:timestamp[us, UTC]", textval.FormatSchema(schema))
	assert.Equal(t, [][]string{
		{"2", "2026-01-02T03:04:05Z", "2026-01-02T03:04:05Z"},
		{"NaN", "2026-01-02T03:04:05.5Z", "2026-01-02T03:04:05Z"},
		{"+Inf", null, null},
		{"-Inf", null, null},
	}, rows)
}

// TestTimestampLayout reads timestamps in a user's layout, zone-less
// unless the layout reads a zone, alongside ISO text in the same column.
func TestTimestampLayout(t *testing.T) {
	local, err := textval.ParseLayout("%d/%m/%Y %H:%M")
	require.NoError(t, err)
	zoned, err := textval.ParseLayout("%Y%m%d %H%M%S%z")
	require.NoError(t, err)
	in := "when,n\n02/01/2026 03:04,1\n31/12/1999 23:59,2\n2026-01-02 03:04:05.5,3\n"
	for _, batch := range []int{1, 1000} {
		schema, rows, err := readString(t, in, Options{TimestampLayout: local, BatchRows: batch, Mem: checkedMem(t)})
		require.NoError(t, err)
		assert.Equal(t, "when:timestamp[us],n:int64", textval.FormatSchema(schema))
		assert.Equal(t, [][]string{
			{"2026-01-02T03:04:00Z", "1"}, {"1999-12-31T23:59:00Z", "2"}, {"2026-01-02T03:04:05.5Z", "3"},
		}, rows)
	}
	schema, rows, err := readString(t, "t\n20260102 030405+0100\n", Options{TimestampLayout: zoned, Mem: checkedMem(t)})
	require.NoError(t, err)
	assert.Equal(t, "t:timestamp[us, UTC]", textval.FormatSchema(schema))
	assert.Equal(t, [][]string{{"2026-01-02T02:04:05Z"}}, rows)

	_, _, err = readString(t, "when\n02/01/2026 03:04\nsoon\n", Options{TimestampLayout: local, SampleRows: 1, Mem: checkedMem(t)})
	assert.ErrorIs(t, err, ErrValue)
}

// TestSampleAll infers from every record of a regular file: a value that
// the first records do not show still types its column.
func TestSampleAll(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,code,x\n")
	for i := range 3000 {
		code := strconv.Itoa(i)
		if i == 2500 {
			code = "A12"
		}
		fmt.Fprintf(&b, "%d,%s,%d\n", i, code, i%7)
	}
	path := filepath.Join(t.TempDir(), "in.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
	in, err := input.Open(context.Background(), path, nil)
	require.NoError(t, err)
	defer in.Close()
	schema, rows, err := readAll(t, []Input{{Name: path, R: in}}, Options{SampleRows: SampleAll, BatchRows: 1000, Schema: textval.Spec{{Name: "x", Type: arrow.PrimitiveTypes.Float64}}, Mem: checkedMem(t)})
	require.NoError(t, err)
	assert.Equal(t, "id:int64,code:string,x:float64", textval.FormatSchema(schema))
	require.Len(t, rows, 3000)
	assert.Equal(t, []string{"2500", "A12", "1"}, rows[2500])

	_, _, err = readString(t, "a\n1\n", Options{SampleRows: SampleAll})
	assert.ErrorIs(t, err, ErrSampleAll, "a reader without ReaderAt")
}

// TestDuckDBFixture reads the CSV DuckDB writes (testdata made by
// stages/textval/testdata/make-duckdb.cjs) with DuckDB's types: DOUBLE
// with nan/inf/-inf, TIMESTAMP zone-less, TIMESTAMPTZ (+00) in UTC.
func TestDuckDBFixture(t *testing.T) {
	raw, err := os.ReadFile("../textval/testdata/duckdb.csv")
	require.NoError(t, err)
	for _, batch := range []int{1, 4, 1000} {
		schema, rows, err := readString(t, string(raw), Options{BatchRows: batch, Mem: checkedMem(t)})
		require.NoError(t, err)
		assert.Equal(t, "i:int64,f:float64,ts:timestamp[us],tz:timestamp[us, UTC],d:date,s:string,b:bool", textval.FormatSchema(schema))
		assert.Equal(t, [][]string{
			{"1", "2", "2026-01-02T03:04:05Z", "2026-01-02T03:04:05.5Z", "2026-01-02", `a, "b"`, "true"},
			{"-2", "NaN", "1999-12-31T23:59:59.123456Z", "2000-01-01T01:00:00Z", "1999-12-31", "tab\tand\nnewline", "false"},
			{"3", "+Inf", null, null, null, null, null},
			{null, "-Inf", "2026-06-30T12:00:00Z", "2026-06-30T12:00:00Z", "2026-06-30", "", "true"},
			{"5", "1e+20", "2026-01-02T00:00:00Z", "2026-01-02T00:00:00Z", "2026-01-03", "x", "false"},
			{"6", null, "2026-01-02T00:00:01Z", "2026-01-02T00:00:01Z", "2026-01-04", "y", "true"},
		}, rows)
	}
}
