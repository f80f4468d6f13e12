package csvin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/textval"
)

const projInput = "id,name,qty,note\n1,lamp,3,\"a, b\"\n2,desk,x7,plain\n3,\"chair\nrocking\",5,\n"

func TestColumnsKeepsOnlyNamedColumns(t *testing.T) {
	mem := checkedMem(t)
	// qty holds "x7": a string column once inferred, so the full read works.
	full, fullRows, err := readString(t, projInput, Options{Mem: mem, BatchRows: 2})
	require.NoError(t, err)
	schema, rows, err := readString(t, projInput, Options{Mem: mem, BatchRows: 2, Columns: []string{"note", "id"}})
	require.NoError(t, err)
	require.Equal(t, []string{"id", "note"}, []string{schema.Field(0).Name, schema.Field(1).Name}, "file order")
	require.Len(t, rows, len(fullRows))
	idCol, noteCol := full.FieldIndices("id")[0], full.FieldIndices("note")[0]
	for i := range rows {
		assert.Equal(t, []string{fullRows[i][idCol], fullRows[i][noteCol]}, rows[i], "row %d", i)
	}
}

func TestColumnsSkipParsingButCheckStructure(t *testing.T) {
	mem := checkedMem(t)
	// With qty typed int64, "x7" fails a full read but not one that skips qty.
	_, _, err := readString(t, projInput, Options{Mem: mem, Schema: mustSpec(t, "qty:int64")})
	require.ErrorIs(t, err, ErrValue)
	_, rows, err := readString(t, projInput, Options{Mem: mem, Schema: mustSpec(t, "qty:int64"), Columns: []string{"id"}})
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"1"}, {"2"}, {"3"}}, rows)

	// A record with a wrong field count is an error whatever is decoded.
	_, _, err = readString(t, "a,b\n1,2\n3\n", Options{Mem: mem, Columns: []string{}})
	require.ErrorIs(t, err, ErrFieldCount)

	_, _, err = readString(t, projInput, Options{Mem: mem, Columns: []string{"qtty"}})
	require.ErrorIs(t, err, ErrOptions)
	assert.Contains(t, err.Error(), `"qtty"`)
}

func TestNoColumnsCountsRows(t *testing.T) {
	mem := checkedMem(t)
	var b strings.Builder
	b.WriteString("id,note\n")
	for i := 0; i < 5000; i++ {
		b.WriteString(fmtInt(int64(i)))
		if i%7 == 0 {
			b.WriteString(",\"multi\nline, quoted\"\n")
		} else {
			b.WriteString(",x\n")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	src, err := NewSource(ctx, []Input{{Name: "n.csv", R: bytes.NewReader([]byte(b.String()))}}, Options{Mem: mem, BatchRows: 333, Columns: []string{}})
	require.NoError(t, err)
	defer src.Close()
	assert.Zero(t, src.Schema().NumFields())
	dec := src.NewDecoder()
	var rows int64
	for {
		c, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		rec, err := dec.Decode(ctx, c)
		require.NoError(t, err)
		if rec != nil {
			assert.Zero(t, rec.NumCols())
			rows += rec.NumRows()
			rec.Release()
		}
	}
	assert.Equal(t, int64(5000), rows)
}

func mustSpec(t *testing.T, s string) textval.Spec {
	t.Helper()
	spec, err := textval.ParseSpec(s)
	require.NoError(t, err)
	return spec
}
