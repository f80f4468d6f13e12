package csvin

import (
	"context"
	"errors"
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// pausedReader yields its parts one Read at a time, pausing before every
// part but the first, as a pipe from a producer that stops for a while.
type pausedReader struct {
	parts []string
	pause time.Duration
	began bool
}

func (r *pausedReader) Read(p []byte) (int, error) {
	if len(r.parts) == 0 {
		return 0, io.EOF
	}
	if r.began {
		time.Sleep(r.pause)
	}
	r.began = true
	n := copy(p, r.parts[0])
	r.parts[0] = r.parts[0][n:]
	if r.parts[0] == "" {
		r.parts = r.parts[1:]
	}
	return n, nil
}

// readPaused reads parts through a pausedReader and returns the schema, the
// rows and the first error, like readAll.
func readPaused(t *testing.T, parts []string, pause time.Duration, opts Options) (string, [][]string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	src, err := NewSource(ctx, []Input{{Name: "pipe", R: &pausedReader{parts: append([]string(nil), parts...), pause: pause}}}, opts)
	if err != nil {
		return "", nil, err
	}
	defer src.Close()
	dec := src.NewDecoder()
	rows := [][]string{}
	for {
		c, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			return formatSchema(src), rows, nil
		}
		if err != nil {
			return formatSchema(src), rows, err
		}
		rec, err := dec.Decode(ctx, c)
		if err != nil {
			return formatSchema(src), rows, err
		}
		if rec != nil {
			rows = rowsOf(rows, rec)
			rec.Release()
		}
	}
}

// TestTypesDoNotDependOnTiming reads the same bytes with and without pauses
// longer than FlushInterval between them: the schema and the rows are the
// same, because inference waits for SampleRows records or the end of the
// input, whichever comes first.
func TestTypesDoNotDependOnTiming(t *testing.T) {
	const flush = 20 * time.Millisecond
	parts := []string{"id,v\n1,10\n", "2,2.5\n", "3,4\n"}
	for _, pause := range []time.Duration{0, 3 * flush} {
		for _, rows := range []int{1, 1000} {
			t.Run("pause="+pause.String()+"/batchrows="+strconv.Itoa(rows), func(t *testing.T) {
				schema, got, err := readPaused(t, parts, pause, Options{FlushInterval: flush, BatchRows: rows, Mem: checkedMem(t)})
				require.NoError(t, err)
				assert.Equal(t, "id:int64,v:float64", schema)
				assert.Equal(t, [][]string{{"1", "10"}, {"2", "2.5"}, {"3", "4"}}, got)
			})
		}
	}
}

// TestValueAfterSampleFailsWhateverTheTiming checks that a value arriving
// after the sample that does not fit the inferred type is an error naming
// its line and column, with and without pauses.
func TestValueAfterSampleFailsWhateverTheTiming(t *testing.T) {
	const flush = 20 * time.Millisecond
	parts := []string{"id,v\n1,10\n", "2,2.5\n"}
	for _, pause := range []time.Duration{0, 3 * flush} {
		t.Run("pause="+pause.String(), func(t *testing.T) {
			schema, _, err := readPaused(t, parts, pause, Options{FlushInterval: flush, SampleRows: 1, Mem: checkedMem(t)})
			assert.Equal(t, "id:int64,v:int64", schema)
			var de *pipeline.DataError
			require.ErrorAs(t, err, &de)
			assert.ErrorIs(t, err, ErrValue)
			assert.Equal(t, "pipe", de.File)
			assert.Equal(t, int64(3), de.Line)
			assert.Equal(t, 2, de.Column)
		})
	}
}
