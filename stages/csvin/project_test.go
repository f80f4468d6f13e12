package csvin

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// Project after NewSource reads the same as Options.Columns at NewSource.
func TestProjectEqualsColumnsOption(t *testing.T) {
	tests := []struct {
		name    string
		columns []string
	}{
		{"two columns out of file order", []string{"note", "id"}},
		{"no column", []string{}},
		{"every column", []string{"id", "name", "qty", "note"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := checkedMem(t)
			wantSchema, want, err := readString(t, projInput, Options{Mem: mem, BatchRows: 2, Columns: tt.columns})
			require.NoError(t, err)

			gotSchema, got, err := readProjected(t, []Input{{Name: "in.csv", R: bytes.NewReader([]byte(projInput))}}, Options{Mem: mem, BatchRows: 2}, tt.columns)
			require.NoError(t, err)
			assert.True(t, wantSchema.Equal(gotSchema), "schema %v, want %v", gotSchema, wantSchema)
			assert.Equal(t, want, got)
		})
	}
}

func TestProjectUnknownColumn(t *testing.T) {
	mem := checkedMem(t)
	_, _, err := readProjected(t, []Input{{Name: "in.csv", R: bytes.NewReader([]byte(projInput))}}, Options{Mem: mem}, []string{"id", "qtty"})
	require.ErrorIs(t, err, ErrOptions)
	assert.Contains(t, err.Error(), `"qtty"`)
}

// Decoding no column (counting) accepts and rejects exactly the records
// that decoding every column as text does, at the same lines, columns and
// offsets.
func TestCountOnlyMatchesFullDecode(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 9))
	fields := []string{"a", "", "x y", `"q,1"`, `"multi` + "\n" + `line"`, `"say ""hi"""`, "7"}
	for round := 0; round < 20; round++ {
		var b strings.Builder
		b.WriteString("c1,c2,c3\n")
		for r := 0; r < 300; r++ {
			n := 3
			switch rng.IntN(20) {
			case 0:
				n = 2
			case 1:
				n = 4
			case 2:
				b.WriteString("\n") // blank line
				continue
			case 3:
				b.WriteString("\r\n") // blank line, CRLF
				continue
			}
			for f := 0; f < n; f++ {
				if f > 0 {
					b.WriteByte(',')
				}
				b.WriteString(fields[rng.IntN(len(fields))])
			}
			if rng.IntN(4) == 0 {
				b.WriteString("\r\n")
			} else {
				b.WriteString("\n")
			}
		}
		in := b.String()
		read := func(columns []string) (int, []string) {
			var bad []string
			mem := checkedMem(t)
			opts := Options{Mem: mem, BatchRows: 37, Schema: mustSpec(t, "c1:string,c2:string,c3:string"), Columns: columns,
				OnError: func(de *pipeline.DataError) error {
					bad = append(bad, fmt.Sprintf("line %d column %d offset %d", de.Line, de.Column, de.Offset))
					return nil
				}}
			_, rows, err := readString(t, in, opts)
			require.NoError(t, err)
			return len(rows), bad
		}
		fullRows, fullBad := read(nil)
		countRows, countBad := read([]string{})
		require.Equal(t, fullRows, countRows, "round %d", round)
		require.Equal(t, fullBad, countBad, "round %d", round)
		require.NotEmpty(t, fullBad)
	}
}
