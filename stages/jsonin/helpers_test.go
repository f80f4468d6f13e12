package jsonin

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// readAll runs a source sequentially: every chunk through one decoder. It
// returns the rows as maps of column name to value (GetOneForMarshal), the
// schema and the first error.
func readAll(t *testing.T, mem memory.Allocator, inputs []Input, opts Options) ([]map[string]any, *arrow.Schema, error) {
	t.Helper()
	return readProjected(t, mem, inputs, opts, nil)
}

// readProjected is readAll with src.Project(columns) first, unless columns
// is nil.
func readProjected(t *testing.T, mem memory.Allocator, inputs []Input, opts Options, columns []string) ([]map[string]any, *arrow.Schema, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	opts.Mem = mem
	src, err := NewSource(ctx, inputs, opts)
	if err != nil {
		return nil, nil, err
	}
	defer src.Close()
	if columns != nil {
		if err := src.Project(columns); err != nil {
			return nil, src.Schema(), err
		}
	}
	dec := src.NewDecoder()
	var rows []map[string]any
	for {
		c, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			return rows, src.Schema(), nil
		}
		if err != nil {
			return rows, src.Schema(), err
		}
		rec, err := dec.Decode(ctx, c) // recycles c itself
		if err != nil {
			return rows, src.Schema(), err
		}
		rows = append(rows, recordRows(rec)...)
		if rec != nil {
			rec.Release()
		}
	}
}

func recordRows(rec arrow.RecordBatch) []map[string]any {
	if rec == nil {
		return nil
	}
	rows := make([]map[string]any, rec.NumRows())
	for i := range rows {
		rows[i] = map[string]any{}
		for j, col := range rec.Columns() {
			if col.IsNull(i) {
				rows[i][rec.Schema().Field(j).Name] = nil
				continue
			}
			rows[i][rec.Schema().Field(j).Name] = col.GetOneForMarshal(i)
		}
	}
	return rows
}

func one(name, text string) []Input { return []Input{{Name: name, R: strings.NewReader(text)}} }

func checked(t *testing.T) *memory.CheckedAllocator {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

func dataError(t *testing.T, err error) *pipeline.DataError {
	t.Helper()
	var de *pipeline.DataError
	require.ErrorAs(t, err, &de)
	return de
}
