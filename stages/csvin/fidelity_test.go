package csvin

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// TestInferenceKeepsText checks that inference never picks a type that
// changes a value: each column reads back as the text it was written as
// (or, for numbers and timestamps, the same value), at every batch size.
func TestInferenceKeepsText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		typ  arrow.DataType
		want []string
	}{
		// A zip code keeps its leading zero (DuckDB reads it as BIGINT
		// 2134; we deliberately keep the text).
		{"leading zero", "zip\n02134\n10001\n", arrow.BinaryTypes.String, []string{"02134", "10001"}},
		{"negative leading zero", "v\n1\n-007\n", arrow.BinaryTypes.String, []string{"1", "-007"}},
		{"plus sign", "v\n+5\n6\n", arrow.BinaryTypes.String, []string{"+5", "6"}},
		{"zero is a number", "v\n0\n-0.5\n0.5\n", arrow.PrimitiveTypes.Float64, []string{"0", "-0.5", "0.5"}},
		// An integer beyond int64 is not rounded through float64.
		{"beyond int64", "n\n1\n12345678901234567890\n", arrow.BinaryTypes.String, []string{"1", "12345678901234567890"}},
		{"beyond int64 among floats", "n\n1.5\n12345678901234567890\n", arrow.BinaryTypes.String, []string{"1.5", "12345678901234567890"}},
		{"beyond 2^53 among floats", "n\n9007199254740993\n0.5\n", arrow.BinaryTypes.String, []string{"9007199254740993", "0.5"}},
		// Nanoseconds are kept, so two instants 1 ns apart stay distinct.
		{"nanoseconds", "ts\n2026-01-02T03:04:05.123456789Z\n2026-01-02T03:04:05.123456788Z\n2026-01-02\n",
			arrow.FixedWidthTypes.Timestamp_ns,
			[]string{"2026-01-02T03:04:05.123456789Z", "2026-01-02T03:04:05.123456788Z", "2026-01-02T00:00:00Z"}},
		{"microseconds", "ts\n2026-01-02T03:04:05.123456Z\n", arrow.FixedWidthTypes.Timestamp_us, []string{"2026-01-02T03:04:05.123456Z"}},
	}
	for _, tt := range tests {
		for _, rows := range []int{1, 2, 1000} {
			t.Run(tt.name+"/batchrows="+strconv.Itoa(rows), func(t *testing.T) {
				mem := checkedMem(t)
				schema, got, err := readString(t, tt.in, Options{BatchRows: rows, Mem: mem})
				require.NoError(t, err)
				require.Equal(t, 1, schema.NumFields())
				assert.True(t, arrow.TypeEqual(tt.typ, schema.Field(0).Type), "got %s", schema.Field(0).Type)
				var col []string
				for _, r := range got {
					col = append(col, r[0])
				}
				assert.Equal(t, tt.want, col)
			})
		}
	}
}

// TestNanosecondsAreNotCut checks that a timestamp with digits below the
// microsecond, in a microsecond column (chosen by --schema or inferred
// from a sample without such values), is an error naming its line and
// column, not a value silently cut.
func TestNanosecondsAreNotCut(t *testing.T) {
	spec, err := textval.ParseSpec("ts:timestamp")
	require.NoError(t, err)
	tests := []struct {
		name string
		in   string
		opts Options
		line int64
	}{
		{"schema", "id,ts\n1,2026-01-02T03:04:05.123456789Z\n", Options{Schema: spec}, 2},
		{"after inference", "id,ts\n1,2026-01-02T03:04:05.123456Z\n2,2026-01-02T03:04:05.1234567Z\n", Options{SampleRows: 1}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Mem = checkedMem(t)
			_, _, err := readString(t, tt.in, tt.opts)
			var de *pipeline.DataError
			require.ErrorAs(t, err, &de)
			assert.ErrorIs(t, err, ErrValue)
			assert.Equal(t, tt.line, de.Line)
			assert.Equal(t, 2, de.Column)
			assert.True(t, strings.Contains(err.Error(), "ts:timestamp_ns"), err.Error())
		})
	}
	// Trailing zeros lose nothing: a microsecond column reads them.
	spec, err = textval.ParseSpec("ts:timestamp")
	require.NoError(t, err)
	_, got, err := readString(t, "ts\n2026-01-02T03:04:05.123456000Z\n", Options{Schema: spec, Mem: checkedMem(t)})
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"2026-01-02T03:04:05.123456Z"}}, got)
}

// TestEmptyInputIsZeroRows checks that an empty input is zero rows and no
// columns, and a header-only input zero rows with its columns, as in
// DuckDB (and as an empty NDJSON input reads).
func TestEmptyInputIsZeroRows(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		opts   Options
		schema string
	}{
		{"empty", "", Options{}, ""},
		{"blank lines", "\n\r\n\n", Options{}, ""},
		{"bom only", "\xEF\xBB\xBF", Options{}, ""},
		{"empty without header", "", Options{NoHeader: true}, ""},
		{"blank lines without header", "\n\n", Options{NoHeader: true}, ""},
		{"header only", "a,b\n", Options{}, "a:string,b:string"},
		{"header only without newline", "a,b", Options{}, "a:string,b:string"},
		{"header only with schema", "a,b\n", Options{Schema: textval.Spec{{Name: "a", Type: textval.KindInt64.DataType()}}}, "a:int64,b:string"},
		{"empty with count projection", "", Options{Columns: []string{}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Mem = checkedMem(t)
			schema, rows, err := readString(t, tt.in, tt.opts)
			require.NoError(t, err)
			assert.Equal(t, tt.schema, textval.FormatSchema(schema))
			assert.Empty(t, rows)
		})
	}
}

// TestValueChangedAfterSampleFails checks that a value after the inference
// sample that the inferred type would change (the sample had none, or it
// would have chosen a string) is an error naming its line and column, not
// a changed value; a type given with --schema reads it as asked.
func TestValueChangedAfterSampleFails(t *testing.T) {
	tests := []struct {
		name string
		in   string
		line int64
	}{
		{"leading zero in int64", "id,zip\n1,10001\n2,02134\n", 3},
		{"plus sign in int64", "id,n\n1,5\n2,+5\n", 3},
		{"leading zero in float64", "id,x\n1,1.5\n2,01.5\n", 3},
		{"integer float64 rounds", "id,x\n1,1.5\n2,12345678901234567890\n", 3},
		{"integer beyond 2^53 float64 rounds", "id,x\n1,1.5\n2,9007199254740993\n", 3},
	}
	for _, tt := range tests {
		for _, rows := range []int{1, 1000} {
			t.Run(tt.name+"/batchrows="+strconv.Itoa(rows), func(t *testing.T) {
				_, _, err := readString(t, tt.in, Options{SampleRows: 1, BatchRows: rows, Mem: checkedMem(t)})
				var de *pipeline.DataError
				require.ErrorAs(t, err, &de)
				assert.ErrorIs(t, err, ErrValue)
				assert.Equal(t, tt.line, de.Line)
				assert.Equal(t, 2, de.Column)
				assert.Contains(t, err.Error(), ":string")
			})
		}
	}
	// Values that print back as written pass.
	_, got, err := readString(t, "x\n1.5\n0.25\n-0.5\n0\n1e3\n", Options{SampleRows: 1, Mem: checkedMem(t)})
	require.NoError(t, err)
	assert.Len(t, got, 5)
	// An explicit type reads the values as numbers, as asked.
	spec, err := textval.ParseSpec("zip:int64")
	require.NoError(t, err)
	_, got, err = readString(t, "zip\n02134\n+5\n", Options{Schema: spec, Mem: checkedMem(t)})
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"2134"}, {"5"}}, got)
}

// TestOneColumnBlankLinesAreNulls reads a one-column input whose blank
// lines (after the header) are nulls at many chunk bounds: the rows are
// those of a line-by-line reference, and no batch exceeds BatchRows.
func TestOneColumnBlankLinesAreNulls(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for round := range 50 {
		var b strings.Builder
		b.WriteString("\n\r\nv\n") // blank lines before the header are skipped
		var want [][]string
		for range r.IntN(200) {
			switch r.IntN(4) {
			case 0:
				b.WriteString("\n")
				want = append(want, []string{null})
			case 1:
				b.WriteString("\r\n")
				want = append(want, []string{null})
			case 2:
				b.WriteString("\"\"\n")
				want = append(want, []string{""})
			default:
				s := "x" + strconv.Itoa(r.IntN(100))
				b.WriteString(s + "\n")
				want = append(want, []string{s})
			}
		}
		in := b.String()
		for _, rows := range []int{1, 2, 3, 1000} {
			for _, bytes := range []int{1, 8, 64, 0} {
				mem := checkedMem(t)
				got, biggest := readBatches(t, in, Options{BatchRows: rows, BatchBytes: bytes, Mem: mem})
				if want == nil {
					want = [][]string{}
				}
				require.Equal(t, want, got, "round %d rows %d bytes %d: %q", round, rows, bytes, in)
				require.LessOrEqual(t, biggest, rows)
				// The count path agrees.
				_, counted, err := readProjected(t, []Input{{Name: "in.csv", R: strings.NewReader(in)}}, Options{BatchRows: rows, BatchBytes: bytes, Mem: mem}, []string{})
				require.NoError(t, err)
				require.Len(t, counted, len(want))
			}
		}
	}
}

// readBatches reads in and returns its rows and the largest batch's size.
func readBatches(t *testing.T, in string, opts Options) ([][]string, int) {
	t.Helper()
	src, err := NewSource(t.Context(), []Input{{Name: "in.csv", R: strings.NewReader(in)}}, opts)
	require.NoError(t, err)
	defer src.Close()
	dec := src.NewDecoder()
	rows := [][]string{}
	largest := 0
	for _, c := range chunks(t, src) {
		rec, err := dec.Decode(t.Context(), c)
		require.NoError(t, err)
		if rec != nil {
			largest = max(largest, int(rec.NumRows()))
			rows = rowsOf(rows, rec)
			rec.Release()
		}
	}
	return rows, largest
}
