package jsonin

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pausingReader returns its parts one Read at a time and sleeps before
// every part but the first, like a producer that writes a line, waits,
// writes another.
type pausingReader struct {
	parts []string
	pause time.Duration
	n     int
}

func (r *pausingReader) Read(p []byte) (int, error) {
	if r.n >= len(r.parts) {
		return 0, io.EOF
	}
	if r.n > 0 {
		time.Sleep(r.pause)
	}
	k := copy(p, r.parts[r.n])
	if k < len(r.parts[r.n]) {
		r.parts[r.n] = r.parts[r.n][k:]
	} else {
		r.n++
	}
	return k, nil
}

// TestTypesDoNotDependOnTiming: an input that pauses longer than
// FlushInterval between its lines gives the schema and the rows of the same
// bytes read at once, with 1 and 4 decoders and any batch size. The pause
// used to end the sample, so `{"v":10}`, pause, `{"v":2.5}` made v int64
// and then failed on 2.5.
func TestTypesDoNotDependOnTiming(t *testing.T) {
	lines := []string{`{"id":1,"v":10}`, `{"id":2,"v":2.5}`, `{"id":3,"t":"2024-01-01T00:00:00.123456789Z"}`,
		`{"id":4,"v":12345678901234567890}`, `{"id":5}`}
	cases := []struct {
		name  string
		parts []string
	}{
		{"line-by-line", lines},
		{"mid-line", []string{lines[0] + "\n" + lines[1][:5], lines[1][5:] + "\n" + lines[2] + "\n", lines[3] + "\n" + lines[4]}},
		{"first-alone", []string{lines[0] + "\n", strings.Join(lines[1:], "\n")}},
	}
	whole := strings.Join(lines, "\n")
	want, wantSchema, err := readAll(t, checked(t), one("in", whole), Options{})
	require.NoError(t, err)
	require.Len(t, want, len(lines))
	for _, tc := range cases {
		for _, batchRows := range []int{1, 2, 1000} {
			for _, workers := range []int{1, 4} {
				t.Run(fmt.Sprintf("%s/batch=%d/workers=%d", tc.name, batchRows, workers), func(t *testing.T) {
					parts := tc.parts
					if tc.name == "line-by-line" {
						parts = nil
						for _, l := range lines {
							parts = append(parts, l+"\n")
						}
					}
					r := &pausingReader{parts: parts, pause: 40 * time.Millisecond}
					ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
					defer cancel()
					src, err := NewSource(ctx, []Input{{Name: "in", R: r}},
						Options{FlushInterval: 5 * time.Millisecond, BatchRows: batchRows, Mem: checked(t)})
					require.NoError(t, err)
					defer src.Close()
					assert.True(t, wantSchema.Equal(src.Schema()), "got %s, want %s", src.Schema(), wantSchema)
					assert.Equal(t, want, decodeParallel(t, src, workers))
				})
			}
		}
	}
}

// TestSampleSizeNotTimeDecides: with a sample of 2 lines, a float on line 3
// is an error whether the bytes trickle or not: the same error either way.
func TestSampleSizeNotTimeDecides(t *testing.T) {
	lines := []string{`{"v":1}`, `{"v":2}`, `{"v":2.5}`}
	_, _, wantErr := readAll(t, checked(t), one("in", strings.Join(lines, "\n")), Options{SampleRows: 2})
	require.Error(t, wantErr)
	r := &pausingReader{parts: []string{lines[0] + "\n", lines[1] + "\n", lines[2] + "\n"}, pause: 30 * time.Millisecond}
	_, _, err := readAll(t, checked(t), []Input{{Name: "in", R: r}}, Options{SampleRows: 2, FlushInterval: 5 * time.Millisecond})
	require.Error(t, err)
	assert.Equal(t, wantErr.Error(), err.Error())
}
