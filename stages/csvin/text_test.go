package csvin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/input"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// driftCSV has columns a (int64 in the first 1000 rows, then "A12"), b
// and c (floats written with trailing zeros), and nulls of both kinds.
func driftCSV() (string, [][]string) {
	var in strings.Builder
	in.WriteString("a,b,c\n")
	var rows [][]string
	for i := range 1600 {
		a := fmt.Sprint(i)
		switch {
		case i == 1501:
			a = "A12"
		case i%97 == 0:
			a = ""
		}
		b := []string{"x", "y"}[i%2]
		c, want := fmt.Sprintf("%d.50", i), fmt.Sprintf("%d.50", i)
		if i%101 == 0 {
			c, want = `""`, ""
		}
		fmt.Fprintf(&in, "%s,%s,%s\n", a, b, c)
		wantA := a
		if a == "" {
			wantA = null
		}
		rows = append(rows, []string{wantA, b, want})
	}
	return in.String(), rows
}

func TestReadAsText(t *testing.T) {
	in, want := driftCSV()
	t.Run("inferred", func(t *testing.T) {
		_, _, err := readString(t, in, Options{Mem: checkedMem(t)})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "in.csv:1503:1")
		assert.Contains(t, err.Error(), "--infer-rows all")
	})
	for _, batch := range []int{1, 333, 0} {
		t.Run(fmt.Sprintf("batch=%d", batch), func(t *testing.T) {
			schema, rows := readText(t, in, Options{BatchRows: batch, Mem: checkedMem(t)}, []string{"a", "c"}, nil)
			assert.Equal(t, "a:string,b:string,c:string", textval.FormatSchema(schema))
			assert.Equal(t, want, rows)
		})
	}
	t.Run("projected", func(t *testing.T) {
		schema, rows := readText(t, in, Options{Mem: checkedMem(t)}, []string{"a"}, []string{"a"})
		assert.Equal(t, "a:string", textval.FormatSchema(schema))
		require.Len(t, rows, len(want))
		assert.Equal(t, "A12", rows[1501][0])
	})
	t.Run("schema types win", func(t *testing.T) {
		spec, err := textval.ParseSpec("c:decimal(10,2)")
		require.NoError(t, err)
		schema, rows := readText(t, in, Options{Schema: spec, Mem: checkedMem(t)}, []string{"a", "c"}, nil)
		assert.Equal(t, "a:string,b:string,c:decimal(10,2)", textval.FormatSchema(schema))
		assert.Equal(t, null, rows[0][2]) // a quoted "" is null in a decimal column
	})
	t.Run("unknown column", func(t *testing.T) {
		src, err := NewSource(context.Background(), []Input{{Name: "in.csv", R: strings.NewReader(in)}}, Options{Mem: checkedMem(t)})
		require.NoError(t, err)
		defer src.Close()
		assert.ErrorIs(t, src.ReadAsText([]string{"z"}), ErrOptions)
	})
}

// readText reads in with text columns (after projecting to columns, unless
// nil) and returns the schema and rows.
func readText(t *testing.T, in string, opts Options, text, columns []string) (*arrow.Schema, [][]string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	src, err := NewSource(ctx, []Input{{Name: "in.csv", R: bytes.NewReader([]byte(in))}}, opts)
	require.NoError(t, err)
	defer src.Close()
	if columns != nil {
		require.NoError(t, src.Project(columns))
	}
	require.NoError(t, src.ReadAsText(text))
	dec := src.NewDecoder()
	rows := [][]string{}
	for {
		c, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			return src.Schema(), rows
		}
		require.NoError(t, err)
		rec, err := dec.Decode(ctx, c)
		require.NoError(t, err)
		if rec != nil {
			require.True(t, rec.Schema().Equal(src.Schema()))
			rows = rowsOf(rows, rec)
			rec.Release()
		}
	}
}

// TestTextColumnsOption: the callback sees the inferred schema, also when
// every record is sampled, and its columns come out as text.
func TestTextColumnsOption(t *testing.T) {
	in, want := driftCSV()
	for _, sample := range []int{0, SampleAll} {
		t.Run(fmt.Sprintf("sample=%d", sample), func(t *testing.T) {
			var seen string
			opts := Options{SampleRows: sample, Mem: checkedMem(t), TextColumns: func(s *arrow.Schema) []string {
				seen = textval.FormatSchema(s)
				return []string{"a", "c"}
			}}
			path := filepath.Join(t.TempDir(), "in.csv")
			require.NoError(t, os.WriteFile(path, []byte(in), 0o600))
			f, err := input.Open(context.Background(), path, nil)
			require.NoError(t, err)
			defer f.Close()
			schema, rows, err := readAll(t, []Input{{Name: path, R: f}}, opts)
			require.NoError(t, err)
			if sample == SampleAll {
				assert.Equal(t, "a:string,b:string,c:float64", seen)
			} else {
				assert.Equal(t, "a:int64,b:string,c:float64", seen)
			}
			assert.Equal(t, "a:string,b:string,c:string", textval.FormatSchema(schema))
			assert.Equal(t, want, rows)
		})
	}
}
