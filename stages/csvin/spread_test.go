package csvin

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/input"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// lateCSV is rows records of id,code,x where code is a number except in
// record late, and x is quoted in record quoted (when ≥ 0).
func lateCSV(rows, late, quoted int) string {
	var b strings.Builder
	b.WriteString("id,code,x\n")
	for i := range rows {
		code := fmt.Sprint(i * 7)
		if i == late {
			code = "Z9"
		}
		x := fmt.Sprint(i % 5)
		if i == quoted {
			x = `"3"`
		}
		fmt.Fprintf(&b, "%d,%s,%s\n", i, code, x)
	}
	return b.String()
}

// TestSampleSpread: in a regular file, a value near the end (in the tail
// block) or at one of the spread blocks is seen by inference; a pipe, a
// quoted file and a file within one block of its head sample are typed
// from the head alone.
func TestSampleSpread(t *testing.T) {
	const rows = 50000 // ~0.8 MB: well past the head sample
	cases := []struct {
		name       string
		data       string
		regular    bool
		wantSchema string
	}{
		{"tail", lateCSV(rows, rows-3, -1), true, "id:int64,code:string,x:int64"},
		{"middle-block", lateCSV(rows, rows/2-100, -1), true, "id:int64,code:string,x:int64"},
		{"pipe", lateCSV(rows, rows-3, -1), false, "id:int64,code:int64,x:int64"},
		{"quoted", lateCSV(rows, rows-3, 5), true, "id:int64,code:int64,x:int64"},
		{"quote-in-block", lateCSV(rows, rows-3, rows-2), true, "id:int64,code:int64,x:int64"},
		{"small", lateCSV(3000, 2990, -1), true, "id:int64,code:int64,x:int64"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := Input{Name: "in.csv", R: bytes.NewReader([]byte(c.data))}
			if c.regular {
				path := filepath.Join(t.TempDir(), "in.csv")
				require.NoError(t, os.WriteFile(path, []byte(c.data), 0o600))
				f, err := input.Open(context.Background(), path, nil)
				require.NoError(t, err)
				defer f.Close()
				in = Input{Name: path, R: f}
			}
			src, err := NewSource(context.Background(), []Input{in}, Options{Mem: checkedMem(t)})
			require.NoError(t, err)
			defer src.Close()
			assert.Equal(t, c.wantSchema, textval.FormatSchema(src.Schema()))
		})
	}
}
