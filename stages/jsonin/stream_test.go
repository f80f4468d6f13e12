package jsonin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/internal/readahead"
)

// randomString mixes ASCII, characters that need escapes, and multi-byte
// runes.
func randomString(r *rand.Rand) string {
	alphabet := []rune("abcXYZ 019\"\\/\b\f\n\r\t\x00\x1f<>&é€😀\u2028\u007f")
	n := r.IntN(12)
	var b strings.Builder
	for range n {
		b.WriteRune(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

// randomLines makes n JSON objects with a stable type per key and keys that
// are sometimes missing or null, marshalled by encoding/json.
func randomLines(t testing.TB, seed uint64, n int) ([]map[string]any, string) {
	r := rand.New(rand.NewPCG(seed, 7))
	var objs []map[string]any
	var b strings.Builder
	for range n {
		o := map[string]any{}
		maybe := func(k string, v func() any) {
			switch x := r.IntN(10); {
			case x == 0:
			case x == 1:
				o[k] = nil
			default:
				o[k] = v()
			}
		}
		maybe("int", func() any { return r.Int64() - r.Int64() })
		maybe("small", func() any { return r.IntN(100) - 50 })
		maybe("float", func() any { return r.NormFloat64() * 1e3 })
		maybe("tiny", func() any { return r.Float64() * 1e-300 })
		maybe("bool", func() any { return r.IntN(2) == 0 })
		maybe("str", func() any { return randomString(r) })
		maybe("arr", func() any { return []any{r.IntN(5), randomString(r), map[string]any{"k": nil}} })
		maybe("obj", func() any {
			return map[string]any{"x": r.IntN(1000), "y": map[string]any{"z": randomString(r)}}
		})
		maybe("esc\"key\u00e9", func() any { return r.IntN(3) })
		line, err := json.Marshal(o)
		require.NoError(t, err)
		b.Write(line)
		b.WriteByte('\n')
		// What a row should hold: normalise through JSON as the reader sees it.
		var back map[string]any
		require.NoError(t, json.Unmarshal(line, &back))
		objs = append(objs, back)
	}
	return objs, b.String()
}

// expectedRow reads an encoding/json object as the reader does: a dotted
// name is a path into nested objects, a struct column a nested object.
func expectedRow(schema *arrow.Schema, o map[string]any) map[string]any {
	return expectedFields(schema.Fields(), o)
}

func expectedFields(fields []arrow.Field, o map[string]any) map[string]any {
	row := map[string]any{}
	for _, f := range fields {
		var v any = o
		for _, part := range strings.Split(f.Name, ".") {
			m, ok := v.(map[string]any)
			if !ok {
				v = nil
				break
			}
			v = m[part]
		}
		if st, ok := f.Type.(*arrow.StructType); ok && v != nil {
			row[f.Name] = expectedFields(st.Fields(), v.(map[string]any))
			continue
		}
		switch x := v.(type) {
		case float64:
			if f.Type.ID() == arrow.INT64 {
				v = int64(x)
			}
		case []any:
			v = "array"
		}
		row[f.Name] = v
	}
	return row
}

func TestDifferentialVsEncodingJSON(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		t.Run(fmt.Sprintf("seed=%d/flatten=%v", seed, seed%2 == 0), func(t *testing.T) {
			objs, text := randomLines(t, seed, 400)
			opts := Options{SampleRows: 400, BatchRows: 64, Flatten: seed%2 == 0}
			rows, schema, err := readAll(t, checked(t), one("r", text), opts)
			require.NoError(t, err)
			require.Len(t, rows, len(objs))
			for i, o := range objs {
				want := expectedRow(schema, o)
				got := rows[i]
				if arr, ok := got["arr"].(string); ok {
					var back any
					require.NoError(t, json.Unmarshal([]byte(arr), &back))
					assert.Equal(t, o["arr"], back, "row %d arr", i)
					got["arr"] = "array"
				}
				if v, ok := got["int"].(int64); ok {
					// encoding/json went through float64: compare at its precision.
					got["int"] = int64(float64(v))
				}
				assert.Equal(t, want, got, "row %d", i)
			}
		})
	}
}

// decodeParallel decodes the chunks of a source on workers goroutines and
// reassembles the rows in chunk order.
func decodeParallel(t *testing.T, src *Source, workers int) []map[string]any {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	type job struct {
		i int
		c pipeline.Chunk
	}
	jobs := make(chan job)
	var mu sync.Mutex
	results := map[int][]map[string]any{}
	var firstErr error
	var wg sync.WaitGroup
	for range workers {
		dec := src.NewDecoder()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				rec, err := dec.Decode(ctx, j.c) // recycles j.c itself
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				results[j.i] = recordRows(rec)
				mu.Unlock()
				if rec != nil {
					rec.Release()
				}
			}
		}()
	}
	n := 0
	for ; ; n++ {
		c, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		select {
		case jobs <- job{n, c}:
		case <-ctx.Done():
			t.Fatal("timeout")
		}
	}
	close(jobs)
	wg.Wait()
	require.NoError(t, firstErr)
	var rows []map[string]any
	for i := range n {
		rows = append(rows, results[i]...)
	}
	return rows
}

func TestParallelEqualsSequential(t *testing.T) {
	_, text := randomLines(t, 9, 1500)
	text = strings.ReplaceAll(text, "\n", "\n\n") + `{"int":1}` // blank lines, no final newline
	want, _, err := readAll(t, checked(t), one("p", text), Options{SampleRows: 1500})
	require.NoError(t, err)
	require.Len(t, want, 1501)
	for _, sizes := range []struct{ rows, bytes int }{{1, 1 << 20}, {7, 1 << 20}, {1 << 20, 100}, {13, 600}} {
		for _, workers := range []int{1, 4} {
			t.Run(fmt.Sprintf("rows=%d/bytes=%d/workers=%d", sizes.rows, sizes.bytes, workers), func(t *testing.T) {
				mem := checked(t)
				src, err := NewSource(context.Background(), one("p", text),
					Options{SampleRows: 1500, BatchRows: sizes.rows, BatchBytes: sizes.bytes, Mem: mem})
				require.NoError(t, err)
				defer src.Close()
				got := decodeParallel(t, src, workers)
				assert.Equal(t, want, got)
			})
		}
	}
}

func TestChunksPlaceLines(t *testing.T) {
	text := "{\"a\":1}\n\n{\"a\":2}\n{\"a\":3}\n"
	src, err := NewSource(context.Background(), []Input{{Name: "f1", R: strings.NewReader(text)},
		{Name: "f2", R: strings.NewReader("{\"a\":4}")}}, Options{BatchRows: 2})
	require.NoError(t, err)
	defer src.Close()
	var got []pipeline.Chunk
	for {
		c, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		got = append(got, c)
	}
	require.Len(t, got, 3)
	assert.Equal(t, pipeline.Chunk{Data: []byte("{\"a\":1}\n\n"), File: "f1", Offset: 0, Line: 1, Rows: 1}, got[0])
	assert.Equal(t, pipeline.Chunk{Data: []byte("{\"a\":2}\n{\"a\":3}\n"), File: "f1", Offset: 9, Line: 3, Rows: 2}, got[1])
	assert.Equal(t, pipeline.Chunk{Data: []byte("{\"a\":4}"), File: "f2", Offset: 0, Line: 1, Rows: 1}, got[2])
}

func TestLongLineIsOneChunk(t *testing.T) {
	long := `{"s":"` + strings.Repeat("x", 3*readahead.ReadSize) + `"}`
	text := "{\"s\":\"a\"}\n" + long + "\n{\"s\":\"b\"}\n"
	rows, _, err := readAll(t, checked(t), one("l", text), Options{BatchBytes: 1000})
	require.NoError(t, err)
	require.Len(t, rows, 3)
	assert.Len(t, rows[1]["s"], 3*readahead.ReadSize)
}

func TestTrickleFlushes(t *testing.T) {
	pr, pw, err := os.Pipe() // buffered, unlike io.Pipe
	require.NoError(t, err)
	defer pr.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = pw.Write([]byte("{\"a\":1}\n{\"a\":2}\n{\"a\":"))
	require.NoError(t, err)
	src, err := NewSource(ctx, []Input{{Name: "pipe", R: pr}}, Options{SampleRows: 2, FlushInterval: 30 * time.Millisecond})
	require.NoError(t, err, "sampling ends after SampleRows lines")
	assert.Equal(t, 1, src.Schema().NumFields())
	start := time.Now()
	c, err := src.Next(ctx)
	require.NoError(t, err)
	assert.Equal(t, "{\"a\":1}\n{\"a\":2}\n", string(c.Data))
	assert.Less(t, time.Since(start), 5*time.Second)

	_, err = pw.Write([]byte("3}\n"))
	require.NoError(t, err)
	c, err = src.Next(ctx)
	require.NoError(t, err)
	assert.Equal(t, "{\"a\":3}\n", string(c.Data))
	assert.Equal(t, int64(3), c.Line)

	// Close unblocks the reader once its input is closed.
	require.NoError(t, pw.Close())
	require.NoError(t, src.Close())
	_, err = src.Next(ctx)
	assert.ErrorIs(t, err, ErrClosed)
}

func TestNextStopsOnContext(t *testing.T) {
	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	defer pw.Close()
	_, err = pw.Write([]byte("{\"a\":1}\n"))
	require.NoError(t, err)
	src, err := NewSource(context.Background(), []Input{{Name: "pipe", R: pr}}, Options{SampleRows: 1, FlushInterval: time.Millisecond})
	require.NoError(t, err)
	_, err = src.Next(context.Background())
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := src.Next(ctx) // blocks: the pipe stays open and empty
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(5 * time.Second):
		t.Fatal("Next did not return after cancel")
	}
	closed := make(chan error, 1)
	go func() { closed <- src.Close() }()
	select {
	case <-closed: // Close closed the pipe, which unblocked the reader
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return while the reader was blocked on a pipe")
	}
}

func TestNewSourceStopsOnContext(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := NewSource(ctx, []Input{{Name: "empty", R: pr}}, Options{})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestReadErrorNamesInput(t *testing.T) {
	boom := errors.New("disk on fire")
	r := io.MultiReader(strings.NewReader("{\"a\":1}\n"), iotestErrReader{boom})
	_, _, err := readAll(t, checked(t), []Input{{Name: "f.ndjson", R: r}}, Options{})
	assert.ErrorIs(t, err, boom)
	assert.ErrorContains(t, err, "f.ndjson")
}

type iotestErrReader struct{ err error }

func (r iotestErrReader) Read([]byte) (int, error) { return 0, r.err }

// With NoFlush (regular files) a pause never cuts a chunk early.
func TestNoFlushCutsBySizeOnly(t *testing.T) {
	chunks := func(noFlush bool) int {
		pr, pw, err := os.Pipe()
		require.NoError(t, err)
		defer pr.Close()
		go func() {
			defer pw.Close()
			for i := range 12 {
				fmt.Fprintf(pw, "{\"a\":%d}\n", i)
				time.Sleep(10 * time.Millisecond)
			}
		}()
		src, err := NewSource(t.Context(), []Input{{Name: "f", R: pr}}, Options{SampleRows: 1, BatchRows: 5, FlushInterval: time.Millisecond, NoFlush: noFlush})
		require.NoError(t, err)
		defer src.Close()
		n := 0
		for {
			c, err := src.Next(t.Context())
			if err == io.EOF {
				return n
			}
			require.NoError(t, err)
			n++
			src.Recycle(c)
		}
	}
	assert.Equal(t, 3, chunks(true), "12 lines in chunks of at most 5")
	assert.Greater(t, chunks(false), 3, "pauses longer than the flush interval cut chunks early")
}
