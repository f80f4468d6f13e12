package csvin

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/textval"
)

func TestConformance(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		opts   Options
		schema string // textval.FormatSchema of the result
		rows   [][]string
	}{
		{
			name:   "basic",
			in:     "a,b,c\n1,x,2.5\n2,y,3\n",
			schema: "a:int64,b:string,c:float64",
			rows:   [][]string{{"1", "x", "2.5"}, {"2", "y", "3"}},
		},
		{
			name:   "crlf",
			in:     "a,b\r\n1,x\r\n2,y\r\n",
			schema: "a:int64,b:string",
			rows:   [][]string{{"1", "x"}, {"2", "y"}},
		},
		{
			name:   "cr-cr-lf",
			in:     "a,b\r\r\n1,x\r\r\n2,y\r\r\n",
			schema: "a:int64,b:string",
			rows:   [][]string{{"1", "x"}, {"2", "y"}},
		},
		{
			name:   "mixed line ends",
			in:     "a,b\n1,x\r\n2,y\r\r\n3,z\n",
			schema: "a:int64,b:string",
			rows:   [][]string{{"1", "x"}, {"2", "y"}, {"3", "z"}},
		},
		{
			name:   "no final newline",
			in:     "a,b\n1,x\n2,y",
			schema: "a:int64,b:string",
			rows:   [][]string{{"1", "x"}, {"2", "y"}},
		},
		{
			name:   "no final newline after quoted field",
			in:     "a,b\n1,\"x\ny\"",
			schema: "a:int64,b:string",
			rows:   [][]string{{"1", "x\ny"}},
		},
		{
			name:   "bom",
			in:     "\xEF\xBB\xBFid,v\n1,2\n",
			schema: "id:int64,v:int64",
			rows:   [][]string{{"1", "2"}},
		},
		{
			name:   "quoted delimiter and doubled quotes",
			in:     "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n\"\"\"\",\"a\"\"\"\"b\"\n",
			schema: "a:string,b:string",
			rows:   [][]string{{"x,y", `say "hi"`}, {`"`, `a""b`}},
		},
		{
			name:   "quoted newlines are kept verbatim",
			in:     "a,b\n\"line1\nline2\",\"crlf\r\ninside\"\r\n\"cr\rlone\",\"\n\"\n",
			schema: "a:string,b:string",
			rows:   [][]string{{"line1\nline2", "crlf\r\ninside"}, {"cr\rlone", "\n"}},
		},
		{
			name:   "quoted header",
			in:     "\"my, col\",\"q\"\"\"\n1,2\n",
			schema: `my, col:int64,q":int64`,
			rows:   [][]string{{"1", "2"}},
		},
		{
			name:   "string nulls: unquoted empty is null, quoted empty is empty",
			in:     "s,t\n,\"\"\nx,\n\"\",y\n",
			schema: "s:string,t:string",
			rows:   [][]string{{null, ""}, {"x", null}, {"", "y"}},
		},
		{
			name:   "numeric nulls: empty and quoted empty",
			in:     "i,f,b,d,ts\n1,1.5,true,2026-01-02,2026-01-02T03:04:05Z\n,\"\",\"\",,\n",
			schema: "i:int64,f:float64,b:bool,d:date,ts:timestamp[us, UTC]",
			rows: [][]string{
				{"1", "1.5", "true", "2026-01-02", "2026-01-02T03:04:05Z"},
				{null, null, null, null, null},
			},
		},
		{
			name:   "null values apply to unquoted fields of every column",
			in:     "i,s\nNA,NA\n\"NA\",\"NA\"\n3,\\N\n",
			opts:   Options{NullValues: []string{"NA", `\N`}, Schema: textval.Spec{{Name: "i", Type: textval.KindString.DataType()}}},
			schema: "i:string,s:string",
			rows:   [][]string{{null, null}, {"NA", "NA"}, {"3", null}},
		},
		{
			name:   "null values in a typed column",
			in:     "i\n1\nNA\n2\n",
			opts:   Options{NullValues: []string{"NA"}},
			schema: "i:int64",
			rows:   [][]string{{"1"}, {null}, {"2"}},
		},
		{
			name:   "tsv",
			in:     "a\tb\n1\tx,y\n\"2\t\"\tz\n",
			opts:   Options{Delimiter: '\t'},
			schema: "a:string,b:string",
			rows:   [][]string{{"1", "x,y"}, {"2\t", "z"}},
		},
		{
			name:   "tsv without quoting",
			in:     "a\tb\n5\" screen\t\"x\"\n\"start\tend\"\n\"\"\t\n",
			opts:   Options{Delimiter: '\t', NoQuotes: true},
			schema: "a:string,b:string",
			rows:   [][]string{{`5" screen`, `"x"`}, {`"start`, `end"`}, {`""`, null}},
		},
		{
			name:   "no quoting keeps every newline a record end",
			in:     "a,b\n\"x,1\ny\",2\r\n",
			opts:   Options{NoQuotes: true},
			schema: "a:string,b:int64",
			rows:   [][]string{{`"x`, "1"}, {`y"`, "2"}},
		},
		{
			name:   "semicolon",
			in:     "a;b\n1;2,5\n",
			opts:   Options{Delimiter: ';'},
			schema: "a:int64,b:string",
			rows:   [][]string{{"1", "2,5"}},
		},
		{
			name:   "no header",
			in:     "1,x\n2,y\n",
			opts:   Options{NoHeader: true},
			schema: "c1:int64,c2:string",
			rows:   [][]string{{"1", "x"}, {"2", "y"}},
		},
		{
			name:   "header only",
			in:     "a,b,c\n",
			schema: "a:string,b:string,c:string",
			rows:   [][]string{},
		},
		{
			name:   "header only without newline",
			in:     "a,b",
			schema: "a:string,b:string",
			rows:   [][]string{},
		},
		{
			name:   "blank lines are skipped",
			in:     "\n\na,b\n\n1,2\r\n\r\n\n3,4\n\n",
			schema: "a:int64,b:int64",
			rows:   [][]string{{"1", "2"}, {"3", "4"}},
		},
		{
			name:   "empty header names become c<i>",
			in:     "a,,c\n1,2,3\n",
			schema: "a:int64,c2:int64,c:int64",
			rows:   [][]string{{"1", "2", "3"}},
		},
		{
			name:   "trailing delimiter is an empty last field",
			in:     "a,b,\n1,2,\n",
			schema: "a:int64,b:int64,c3:string",
			rows:   [][]string{{"1", "2", null}},
		},
		{
			name:   "single column",
			in:     "v\nx\n\"\"\ny\n",
			schema: "v:string",
			rows:   [][]string{{"x"}, {""}, {"y"}},
		},
		{
			name:   "all-null column is string",
			in:     "a,b\n1,\n2,\n",
			schema: "a:int64,b:string",
			rows:   [][]string{{"1", null}, {"2", null}},
		},
		{
			name:   "inference lattice",
			in:     "b,i,f,d,dt,s,mixed\ntrue,1,1,2026-01-02,2026-01-02,x,1\nFALSE,-7,2.5,1999-12-31,2026-01-02 03:04:05.5+01:00,2,true\n",
			schema: "b:bool,i:int64,f:float64,d:date,dt:timestamp[us, UTC],s:string,mixed:string",
			rows: [][]string{
				{"true", "1", "1", "2026-01-02", "2026-01-02T00:00:00Z", "x", "1"},
				{"false", "-7", "2.5", "1999-12-31", "2026-01-02T02:04:05.5Z", "2", "true"},
			},
		},
		{
			name:   "schema override",
			in:     "zip,n\n00501,1\n02134,2\n",
			opts:   Options{Schema: textval.Spec{{Name: "zip", Type: textval.KindString.DataType()}, {Name: "n", Type: textval.KindFloat64.DataType()}}},
			schema: "zip:string,n:float64",
			rows:   [][]string{{"00501", "1"}, {"02134", "2"}},
		},
		{
			name:   "unicode",
			in:     "name,v\nZoë,1\n日本,2\n\"emoji 🙂, ok\",3\n",
			schema: "name:string,v:int64",
			rows:   [][]string{{"Zoë", "1"}, {"日本", "2"}, {"emoji 🙂, ok", "3"}},
		},
		{
			name:   "spaces are data",
			in:     "a,b\n 1, x \n",
			schema: "a:string,b:string",
			rows:   [][]string{{" 1", " x "}},
		},
	}
	for _, tt := range tests {
		for _, batch := range []int{1, 2, 1000} {
			t.Run("case="+tt.name+"/batchrows="+itoa(batch), func(t *testing.T) {
				opts := tt.opts
				opts.Mem = checkedMem(t)
				opts.BatchRows = batch
				schema, rows, err := readString(t, tt.in, opts)
				require.NoError(t, err)
				assert.Equal(t, tt.schema, textval.FormatSchema(schema))
				for _, f := range schema.Fields() {
					assert.True(t, f.Nullable, f.Name)
				}
				assert.Equal(t, tt.rows, rows)
			})
		}
	}
}

func itoa(i int) string {
	return fmtInt(int64(i))
}
