package csvin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/textval"
)

func TestHugeQuotedField(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB input")
	}
	mem := checkedMem(t)
	const size = 50 << 20
	var b bytes.Buffer
	b.WriteString("id,text,n\n1,small,1\n2,\"")
	for b.Len() < size {
		b.WriteString("lorem, \"\"ipsum\"\"\r\ndolor\n")
	}
	b.WriteString("\",2\n3,tail,3\n")
	text := b.Bytes()
	start := bytes.Index(text, []byte("2,\"")) + 3
	end := bytes.LastIndex(text, []byte("\",2\n"))
	want := strings.ReplaceAll(string(text[start:end]), `""`, `"`)

	src, err := NewSource(t.Context(), []Input{{Name: "big.csv", R: bytes.NewReader(text)}}, Options{Mem: mem, BatchBytes: 1 << 20})
	require.NoError(t, err)
	defer src.Close()
	dec := src.NewDecoder()
	var rows int
	for {
		c, err := src.Next(t.Context())
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		rec, err := dec.Decode(t.Context(), c)
		require.NoError(t, err)
		for i := 0; i < int(rec.NumRows()); i++ {
			if id := rec.Column(0).(*array.Int64).Value(i); id == 2 {
				got := rec.Column(1).(*array.String).Value(i)
				assert.Equal(t, len(want), len(got))
				assert.True(t, want == got, "the 50 MB field reads back")
				assert.Equal(t, "2", cell(rec.Column(2), i))
			}
		}
		rows += int(rec.NumRows())
		rec.Release()
	}
	assert.Equal(t, 3, rows)
}

// slowReader yields one line per interval, as a pipe from a slow producer.
type slowReader struct {
	lines    []string
	interval time.Duration
	stop     <-chan struct{}
}

func (s *slowReader) Read(p []byte) (int, error) {
	if len(s.lines) == 0 {
		return 0, io.EOF
	}
	select {
	case <-time.After(s.interval):
	case <-s.stop:
		return 0, io.ErrClosedPipe
	}
	n := copy(p, s.lines[0])
	s.lines[0] = s.lines[0][n:]
	if s.lines[0] == "" {
		s.lines = s.lines[1:]
	}
	return n, nil
}

func TestSlowInputFlushes(t *testing.T) {
	mem := checkedMem(t)
	lines := []string{"id,name\n"}
	for i := 0; i < 200; i++ {
		lines = append(lines, "1,x\n")
	}
	stop := make(chan struct{})
	defer close(stop)
	r := &slowReader{lines: lines, interval: 50 * time.Millisecond, stop: stop}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()

	begin := time.Now()
	// With every column typed there is nothing to infer: the sample too
	// ends on a pause.
	spec, err := textval.ParseSpec("id:int64,name:string")
	require.NoError(t, err)
	src, err := NewSource(ctx, []Input{{Name: "pipe", R: r}}, Options{Mem: mem, FlushInterval: 100 * time.Millisecond, Schema: spec})
	require.NoError(t, err)
	c, err := src.Next(ctx)
	elapsed := time.Since(begin)
	require.NoError(t, err)
	assert.Less(t, elapsed, time.Second, "first chunk must not wait for a full batch")
	rec, err := src.NewDecoder().Decode(ctx, c)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, rec.NumRows(), int64(1))
	assert.Less(t, rec.NumRows(), int64(50))
	assert.Equal(t, "id:int64,name:string", formatSchema(src))
	rec.Release()

	// Next returns promptly when its context ends, and Close stops the
	// reader goroutine (after its current Read).
	nctx, ncancel := context.WithCancel(ctx)
	go func() { time.Sleep(20 * time.Millisecond); ncancel() }()
	_, err = drain(nctx, src)
	assert.ErrorIs(t, err, context.Canceled)
	require.NoError(t, src.Close())
}

// drain reads chunks until an error, recycling them, and returns how many
// it read.
func drain(ctx context.Context, src *Source) (int, error) {
	n := 0
	for {
		c, err := src.Next(ctx)
		if err != nil {
			return n, err
		}
		n++
		src.Recycle(c)
	}
}

func TestReaderStopsWithContext(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	lines := []string{"a\n", "1\n"}
	for i := 0; i < 1000; i++ {
		lines = append(lines, "2\n")
	}
	ctx, cancel := context.WithCancel(t.Context())
	src, err := NewSource(ctx, []Input{{R: &slowReader{lines: lines, interval: time.Millisecond, stop: stop}}}, Options{FlushInterval: time.Millisecond, SampleRows: 1, Mem: checkedMem(t)})
	require.NoError(t, err)
	cancel()
	done := make(chan struct{})
	go func() { src.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return after the context ended")
	}
	_, err = src.Next(ctx)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	r := io.MultiReader(strings.NewReader("a,b\n1,2\n"), &errReader{boom})
	_, _, err := readAll(t, []Input{{Name: "f.csv", R: r}}, Options{Mem: checkedMem(t)})
	assert.ErrorIs(t, err, boom)
	assert.ErrorContains(t, err, "reading f.csv: disk on fire")
}

type errReader struct{ err error }

func (e *errReader) Read([]byte) (int, error) { return 0, e.err }

// TestSplitSteadyStateAllocs checks that once the buffers are warm,
// splitting and recycling chunks allocates nothing per chunk.
func TestSplitSteadyStateAllocs(t *testing.T) {
	data := benchData(40000)
	src, err := NewSource(t.Context(), []Input{{R: bytes.NewReader(data)}}, Options{BatchBytes: 64 << 10, Mem: checkedMem(t)})
	require.NoError(t, err)
	defer src.Close()
	for i := 0; i < 5; i++ {
		c, err := src.Next(t.Context())
		require.NoError(t, err)
		src.Recycle(c)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	chunks, err := drain(t.Context(), src)
	runtime.ReadMemStats(&after)
	require.ErrorIs(t, err, io.EOF)
	require.Greater(t, chunks, 30)
	assert.Less(t, after.Mallocs-before.Mallocs, uint64(chunks/4), "allocations for %d chunks", chunks)
}

// TestDecodeAllocs checks that decoding allocates per batch, not per row.
func TestDecodeAllocs(t *testing.T) {
	mem := checkedMem(t)
	data := benchData(4000)
	src, err := NewSource(t.Context(), []Input{{R: bytes.NewReader(data)}}, Options{Mem: mem})
	require.NoError(t, err)
	defer src.Close()
	body := data[bytes.IndexByte(data, '\n')+1:]
	dec := src.NewDecoder()
	decode := func(rows int) float64 {
		end := 0
		for i := 0; i < rows; i++ {
			e, _, _, _ := recordEnd(body, end)
			end = e + 1
		}
		chunk := body[:end]
		return testing.AllocsPerRun(5, func() {
			rec, err := dec.Decode(t.Context(), chunkOf(chunk))
			if err != nil {
				t.Fatal(err)
			}
			rec.Release()
		})
	}
	small, large := decode(100), decode(3000)
	assert.Less(t, large, small+20, "allocations grow with rows: %v for 100 rows, %v for 3000", small, large)
}

func TestNextAfterClose(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	lines := []string{"a\n", "1\n"}
	for i := 0; i < 1000; i++ {
		lines = append(lines, "2\n")
	}
	src, err := NewSource(t.Context(), []Input{{R: &slowReader{lines: lines, interval: 30 * time.Millisecond, stop: stop}}},
		Options{SampleRows: 1, Mem: checkedMem(t)})
	require.NoError(t, err)
	require.NoError(t, src.Close())
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err = drain(ctx, src)
	assert.ErrorIs(t, err, ErrClosed)
}

func TestNewSourceContextEndsReader(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	lines := []string{"a\n", "1\n"}
	for i := 0; i < 100; i++ {
		lines = append(lines, "2\n")
	}
	nctx, ncancel := context.WithCancel(t.Context())
	src, err := NewSource(nctx, []Input{{R: &slowReader{lines: lines, interval: 5 * time.Millisecond, stop: stop}}},
		Options{SampleRows: 1, Mem: checkedMem(t)})
	require.NoError(t, err)
	defer src.Close()
	ncancel()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err = drain(ctx, src)
	assert.ErrorIs(t, err, context.Canceled, "Next does not hang when the source's context ends")
}

func TestRecycleIsIdempotent(t *testing.T) {
	src, err := NewSource(t.Context(), []Input{{R: strings.NewReader("a\n1\n2\n3\n4\n5\n")}}, Options{BatchRows: 1, Mem: checkedMem(t)})
	require.NoError(t, err)
	defer src.Close()
	c1, err := src.Next(t.Context())
	require.NoError(t, err)
	src.Recycle(c1)
	src.Recycle(c1) // a second recycle must not put the buffer twice on the free list
	c2, err := src.Next(t.Context())
	require.NoError(t, err)
	c3, err := src.Next(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "2\n", string(c2.Data))
	assert.Equal(t, "3\n", string(c3.Data), "c3 does not share c2's buffer")
	src.Recycle(c2)
	src.Recycle(c3)
}

// With NoFlush (regular files) a pause in the input never cuts a chunk:
// the chunks are those of the sizes alone, the same on every run; without
// it the same pauses cut chunks early.
func TestNoFlushCutsBySizeOnly(t *testing.T) {
	lines := []string{"id,name\n"}
	for range 12 {
		lines = append(lines, "1,x\n")
	}
	spec, err := textval.ParseSpec("id:int64,name:string")
	require.NoError(t, err)
	chunks := func(noFlush bool) int {
		stop := make(chan struct{})
		defer close(stop)
		r := &slowReader{lines: slices.Clone(lines), interval: 10 * time.Millisecond, stop: stop}
		src, err := NewSource(t.Context(), []Input{{Name: "f", R: r}}, Options{Mem: checkedMem(t), FlushInterval: time.Millisecond, Schema: spec, BatchRows: 5, NoFlush: noFlush})
		require.NoError(t, err)
		defer src.Close()
		n, err := drain(t.Context(), src)
		require.ErrorIs(t, err, io.EOF)
		return n
	}
	assert.Equal(t, 3, chunks(true), "12 rows in chunks of at most 5")
	assert.Greater(t, chunks(false), 3, "pauses longer than the flush interval cut chunks early")
}
