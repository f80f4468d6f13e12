package csvin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Project after NewSource reads the same as Options.Columns at NewSource.
func TestProjectEqualsColumnsOption(t *testing.T) {
	tests := []struct {
		name    string
		columns []string
	}{
		{"two columns out of file order", []string{"note", "id"}},
		{"no column", []string{}},
		{"every column again", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := checkedMem(t)
			wantSchema, want, err := readString(t, projInput, Options{Mem: mem, BatchRows: 2, Columns: tt.columns})
			require.NoError(t, err)

			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			src, err := NewSource(ctx, []Input{{Name: "in.csv", R: bytes.NewReader([]byte(projInput))}}, Options{Mem: mem, BatchRows: 2})
			require.NoError(t, err)
			defer src.Close()
			require.Equal(t, 4, src.Schema().NumFields())
			require.NoError(t, src.Project(tt.columns))
			assert.True(t, wantSchema.Equal(src.Schema()), "schema %v, want %v", src.Schema(), wantSchema)
			dec := src.NewDecoder()
			got := [][]string{}
			for {
				c, err := src.Next(ctx)
				if errors.Is(err, io.EOF) {
					break
				}
				require.NoError(t, err)
				rec, err := dec.Decode(ctx, c)
				require.NoError(t, err)
				if rec != nil {
					got = rowsOf(got, rec)
					rec.Release()
				}
			}
			assert.Equal(t, want, got)
		})
	}
}

func TestProjectUnknownColumn(t *testing.T) {
	mem := checkedMem(t)
	src, err := NewSource(context.Background(), []Input{{Name: "in.csv", R: bytes.NewReader([]byte(projInput))}}, Options{Mem: mem})
	require.NoError(t, err)
	defer src.Close()
	err = src.Project([]string{"id", "qtty"})
	require.ErrorIs(t, err, ErrOptions)
	assert.Contains(t, err.Error(), `"qtty"`)
}
