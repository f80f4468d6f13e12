package csvin

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

func TestBadRecords(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opts Options
		// want is the first error's text; the bad records are at lines
		// (their first lines) and the good rows are good.
		want   string
		is     error
		field  string
		record string
		lines  []int64
		good   [][]string
	}{
		{
			name:   "too few fields",
			in:     "a,b,c\n1,2,3\n4,5\n6,7,8\n",
			want:   "in.csv:3:3: column \"c\": wrong number of fields: record has 2 fields, header has 3",
			is:     ErrFieldCount,
			field:  "c",
			record: "4,5",
			lines:  []int64{3},
			good:   [][]string{{"1", "2", "3"}, {"6", "7", "8"}},
		},
		{
			name:   "too many fields",
			in:     "a,b\n1,2\n3,4,5\n",
			want:   "in.csv:3:3: wrong number of fields: record has 3 fields, header has 2",
			is:     ErrFieldCount,
			record: "3,4,5",
			lines:  []int64{3},
			good:   [][]string{{"1", "2"}},
		},
		{
			name:   "line numbers count quoted newlines",
			in:     "a,b\n\"x\ny\nz\",1\n\"p\r\nq\",2\nbad\n\"u\",3\n",
			want:   "in.csv:7:2: column \"b\": wrong number of fields",
			is:     ErrFieldCount,
			field:  "b",
			record: "bad",
			lines:  []int64{7},
			good:   [][]string{{"x\ny\nz", "1"}, {"p\r\nq", "2"}, {"u", "3"}},
		},
		{
			name:   "value does not fit the inferred type",
			in:     "id,qty\n1,10\n2,n/a\n3,30\n",
			opts:   Options{SampleRows: 1},
			want:   `in.csv:3:2: column "qty": value does not fit the column type: "n/a" is not a valid int64 (override the inferred type with --schema qty:string, or infer it from every row with --infer-rows all)`,
			is:     ErrValue,
			field:  "qty",
			record: "2,n/a",
			lines:  []int64{3},
			good:   [][]string{{"1", "10"}, {"3", "30"}},
		},
		{
			name:  "value does not fit the given type",
			in:    "d\n2026-01-02\n2026-02-30\n",
			opts:  Options{Schema: textval.Spec{{Name: "d", Type: textval.KindDate.DataType()}}},
			want:  `in.csv:3:1: column "d": value does not fit the column type: "2026-02-30" is not a valid date`,
			is:    ErrValue,
			field: "d", record: "2026-02-30",
			lines: []int64{3},
			good:  [][]string{{"2026-01-02"}},
		},
		{
			name:   "bare quote",
			in:     "a,b\n1,x\n2,ab\"c\"\n3,y\n",
			want:   `in.csv:3:2: column "b": bad quoting: bare " in unquoted field`,
			is:     ErrQuote,
			field:  "b",
			record: "2,ab\"c\"",
			lines:  []int64{3},
			good:   [][]string{{"1", "x"}, {"3", "y"}},
		},
		{
			name:   "text after closing quote",
			in:     "a,b\n1,\"x\"y\n2,z\n",
			want:   `in.csv:2:2: column "b": bad quoting: unexpected text after the closing quote`,
			is:     ErrQuote,
			field:  "b",
			record: "1,\"x\"y",
			lines:  []int64{2},
			good:   [][]string{{"2", "z"}},
		},
		{
			name:   "unterminated quote at end of input",
			in:     "a,b\n1,x\n2,\"open\n3,y\n",
			want:   `in.csv:3:2: column "b": bad quoting: quoted field not terminated before end of input`,
			is:     ErrQuote,
			field:  "b",
			record: "2,\"open\n3,y\n",
			lines:  []int64{3},
			good:   [][]string{{"1", "x"}},
		},
		{
			name:   "invalid utf-8",
			in:     "a,b\n1,ok\n2,bad\xff\n3,\"q\xc3\"\n4,fine\n",
			want:   `in.csv:3:2: column "b": invalid UTF-8`,
			is:     ErrUTF8,
			field:  "b",
			record: "2,bad\xff",
			lines:  []int64{3, 4},
			good:   [][]string{{"1", "ok"}, {"4", "fine"}},
		},
		{
			name:   "several bad records",
			in:     "a,b\n1,2\nx\n3,4\n5,6,7\n\"8\",\"9\n\"\n10,11\n",
			want:   `in.csv:3:2: column "b": wrong number of fields`,
			is:     ErrFieldCount,
			field:  "b",
			record: "x",
			lines:  []int64{3, 5},
			good:   [][]string{{"1", "2"}, {"3", "4"}, {"8", "9\n"}, {"10", "11"}},
		},
	}
	for _, tt := range tests {
		for _, batch := range []int{1, 3, 1000} {
			t.Run("case="+tt.name+"/batchrows="+itoa(batch)+"/onerror=nil", func(t *testing.T) {
				opts := tt.opts
				opts.Mem = checkedMem(t)
				opts.BatchRows = batch
				_, _, err := readString(t, tt.in, opts)
				require.Error(t, err)
				assert.ErrorContains(t, err, tt.want)
				assert.ErrorIs(t, err, tt.is)
				var de *pipeline.DataError
				require.ErrorAs(t, err, &de)
				assert.Equal(t, "in.csv", de.File)
				assert.Equal(t, tt.lines[0], de.Line)
				assert.Equal(t, tt.field, de.Field)
				assert.Equal(t, tt.record, de.Record)
				assert.Equal(t, tt.record, tt.in[de.Offset:de.Offset+int64(len(de.Record))], "offset points at the record")
			})
			t.Run("case="+tt.name+"/batchrows="+itoa(batch)+"/onerror=collect", func(t *testing.T) {
				opts := tt.opts
				opts.Mem = checkedMem(t)
				opts.BatchRows = batch
				var mu sync.Mutex
				var lines []int64
				opts.OnError = func(de *pipeline.DataError) error {
					mu.Lock()
					defer mu.Unlock()
					lines = append(lines, de.Line)
					return nil
				}
				_, rows, err := readString(t, tt.in, opts)
				require.NoError(t, err)
				assert.Equal(t, tt.good, rows)
				assert.Equal(t, tt.lines, lines)
			})
		}
	}
}

func TestOnErrorFailure(t *testing.T) {
	stop := errors.New("too many rejects")
	opts := Options{Mem: checkedMem(t), OnError: func(*pipeline.DataError) error { return stop }}
	_, _, err := readString(t, "a,b\n1,2\n3\n", opts)
	assert.ErrorIs(t, err, stop)
}

func TestStructuralErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opts Options
		is   error
		want string
	}{
		{"duplicate column", "a,b,a\n1,2,3\n", Options{}, ErrHeader, `in.csv:1:3: csvin: bad header: column name "a" repeats column 1`},
		{"bad quote in header", "a,\"b\nc\n", Options{}, ErrHeader, "in.csv:1:2"},
		{"unknown schema column", "a,b\n1,2\n", Options{Schema: textval.Spec{{Name: "x", Type: textval.KindInt64.DataType()}}}, textval.ErrSpec, `column "x" is not in the input (columns: a, b)`},
		{"bad delimiter", "a\n", Options{Delimiter: '"'}, ErrOptions, "delimiter"},
		{"batch bytes beyond the bound", "a\n1\n", Options{BatchBytes: 100 << 30}, ErrOptions, "BatchBytes 107374182400 is over the bound"},
	}
	for _, tt := range tests {
		t.Run("case="+tt.name, func(t *testing.T) {
			tt.opts.Mem = checkedMem(t)
			_, _, err := readString(t, tt.in, tt.opts)
			assert.ErrorIs(t, err, tt.is)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestMultipleInputs(t *testing.T) {
	in := func(name, s string) Input { return Input{Name: name, R: strings.NewReader(s)} }
	t.Run("rows follow in order", func(t *testing.T) {
		mem := checkedMem(t)
		schema, rows, err := readAll(t, []Input{
			in("a.csv", "id,v\n1,x\n2,y"),
			in("b.csv", "\xEF\xBB\xBFid,v\r\n3,z\r\n"),
			in("c.csv", "id,v\n"),
			in("d.csv", "\"id\",v\n4,\"w\"\n"),
		}, Options{Mem: mem, BatchRows: 1})
		require.NoError(t, err)
		assert.Equal(t, "id:int64,v:string", textval.FormatSchema(schema))
		assert.Equal(t, [][]string{{"1", "x"}, {"2", "y"}, {"3", "z"}, {"4", "w"}}, rows)
	})
	t.Run("errors name the later file and its line", func(t *testing.T) {
		mem := checkedMem(t)
		_, _, err := readAll(t, []Input{
			in("a.csv", "id,v\n1,x\n2,y\n"),
			in("b.csv", "id,v\n\n3,z\nnope,w\n"),
		}, Options{Mem: mem})
		assert.ErrorContains(t, err, `b.csv:4:1: column "id": value does not fit`)
	})
	t.Run("different header", func(t *testing.T) {
		mem := checkedMem(t)
		_, _, err := readAll(t, []Input{
			in("a.csv", "id,v\n1,x\n"),
			in("b.csv", "id,v\n2,y\n"),
			in("c.csv", "id,w\n3,z\n"),
		}, Options{Mem: mem})
		assert.ErrorIs(t, err, ErrHeader)
		assert.ErrorContains(t, err, `c.csv: column 2 is "w", a.csv has "v"`)
	})
	t.Run("different column count", func(t *testing.T) {
		mem := checkedMem(t)
		_, _, err := readAll(t, []Input{in("a.csv", "id,v\n1,x\n"), in("-", "id\n2\n")}, Options{Mem: mem})
		assert.ErrorIs(t, err, ErrHeader)
		assert.ErrorContains(t, err, "<stdin> has 1 columns, a.csv has 2")
	})
	t.Run("empty inputs are zero rows", func(t *testing.T) {
		mem := checkedMem(t)
		schema, rows, err := readAll(t, []Input{in("a.csv", ""), in("b.csv", "\n\n"), in("c.csv", "id,v\n1,x\n"), in("d.csv", ""), in("e.csv", "id,v\n2,y")}, Options{Mem: mem})
		require.NoError(t, err)
		assert.Equal(t, "id:int64,v:string", textval.FormatSchema(schema))
		assert.Equal(t, [][]string{{"1", "x"}, {"2", "y"}}, rows)
	})
	t.Run("no header", func(t *testing.T) {
		mem := checkedMem(t)
		_, rows, err := readAll(t, []Input{in("a", "1,x\n"), in("b", ""), in("c", "2,y")}, Options{Mem: mem, NoHeader: true})
		require.NoError(t, err)
		assert.Equal(t, [][]string{{"1", "x"}, {"2", "y"}}, rows)
	})
}

func TestChunkPlacement(t *testing.T) {
	data := "h1,h2\n1,\"a\nb\"\r\n2,c\n\n3,\"d\r\n\"\n4,e"
	inputs := []Input{{Name: "x.csv", R: strings.NewReader(data)}, {Name: "y.csv", R: strings.NewReader(data)}}
	src, err := NewSource(t.Context(), inputs, Options{BatchRows: 1, Mem: checkedMem(t)})
	require.NoError(t, err)
	defer src.Close()
	cs := chunks(t, src)
	require.Len(t, cs, 8)
	dec := src.NewDecoder()
	for i, c := range cs {
		assert.Equal(t, []string{"x.csv", "y.csv"}[i/4], c.File)
		off := int(c.Offset)
		assert.Equal(t, data[off:off+len(c.Data)], string(c.Data), "chunk %d: offset", i)
		assert.Equal(t, int64(1+strings.Count(data[:off], "\n")), c.Line, "chunk %d: line", i)
		rec, err := dec.Decode(t.Context(), c)
		require.NoError(t, err)
		assert.Equal(t, int64(1), rec.NumRows(), "chunk %d: one record", i)
		rec.Release()
	}
	assert.Equal(t, []int64{2, 4, 5, 8}, []int64{cs[0].Line, cs[1].Line, cs[2].Line, cs[3].Line})
}
