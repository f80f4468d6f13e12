package csvin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// null stands for a null value in the string form of test rows.
const null = "<null>"

// cell renders row i of arr as text: strings as they are, numbers with
// strconv, dates as YYYY-MM-DD, timestamps in RFC 3339 UTC.
func cell(arr arrow.Array, i int) string {
	if arr.IsNull(i) {
		return null
	}
	switch a := arr.(type) {
	case *array.String:
		return a.Value(i)
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10)
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'g', -1, 64)
	case *array.Boolean:
		return strconv.FormatBool(a.Value(i))
	case *array.Date32:
		return a.Value(i).ToTime().Format(time.DateOnly)
	case *array.Decimal128:
		return a.Value(i).ToString(a.DataType().(*arrow.Decimal128Type).Scale)
	case *array.Timestamp:
		return a.Value(i).ToTime(a.DataType().(*arrow.TimestampType).Unit).Format(time.RFC3339Nano)
	}
	panic("unexpected array type " + arr.DataType().String())
}

// rowsOf appends the rows of rec, as text, to rows.
func rowsOf(rows [][]string, rec arrow.RecordBatch) [][]string {
	for i := 0; i < int(rec.NumRows()); i++ {
		row := make([]string, rec.NumCols())
		for j := range row {
			row[j] = cell(rec.Column(j), i)
		}
		rows = append(rows, row)
	}
	return rows
}

// chunks reads every chunk of src, with a deadline so that a bug fails the
// test instead of hanging it.
func chunks(t *testing.T, src *Source) []pipeline.Chunk {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out []pipeline.Chunk
	for {
		c, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		out = append(out, c)
	}
}

// readAll reads and decodes all of inputs sequentially. It returns the
// schema, the rows as text, and the first error of NewSource, Next or
// Decode.
func readAll(t *testing.T, inputs []Input, opts Options) (*arrow.Schema, [][]string, error) {
	t.Helper()
	return readProjected(t, inputs, opts, nil)
}

// readProjected is readAll with src.Project(columns) first, unless columns
// is nil.
func readProjected(t *testing.T, inputs []Input, opts Options, columns []string) (*arrow.Schema, [][]string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	src, err := NewSource(ctx, inputs, opts)
	if err != nil {
		return nil, nil, err
	}
	defer src.Close()
	if columns != nil {
		if err := src.Project(columns); err != nil {
			return src.Schema(), nil, err
		}
	}
	dec := src.NewDecoder()
	rows := [][]string{}
	for {
		c, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			return src.Schema(), rows, nil
		}
		if err != nil {
			return src.Schema(), rows, err
		}
		rec, err := dec.Decode(ctx, c)
		if err != nil {
			return src.Schema(), rows, err
		}
		if rec != nil {
			rows = rowsOf(rows, rec)
			rec.Release()
		}
	}
}

func readString(t *testing.T, in string, opts Options) (*arrow.Schema, [][]string, error) {
	t.Helper()
	return readAll(t, []Input{{Name: "in.csv", R: bytes.NewReader([]byte(in))}}, opts)
}

func checkedMem(t *testing.T) *memory.CheckedAllocator {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

func fmtInt(i int64) string { return strconv.FormatInt(i, 10) }
