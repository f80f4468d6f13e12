package arrowio

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/internal/ipcmeta"
)

// sliceSource hands out batches, each retained for the receiver.
type sliceSource struct {
	recs []arrow.RecordBatch
	i    int
}

func (s *sliceSource) Schema() *arrow.Schema { return testSchema }

func (s *sliceSource) Next(context.Context) (pipeline.Chunk, error) {
	if s.i == len(s.recs) {
		return pipeline.Chunk{}, io.EOF
	}
	rec := s.recs[s.i]
	s.i++
	rec.Retain()
	return pipeline.Chunk{Batch: rec, Rows: int(rec.NumRows())}, nil
}

func (s *sliceSource) NewDecoder() pipeline.Decoder { return nil }

// poolBatches are batches of 1 to 1000 rows.
func poolBatches(mem memory.Allocator) []arrow.RecordBatch {
	var recs []arrow.RecordBatch
	base := 0
	for _, n := range []int{1, 1000, 7, 0, 333, 64, 1} {
		recs = append(recs, makeBatch(mem, testSchema, base, n))
		base += n
	}
	return recs
}

// writeWithPool writes recs through a pipeline with workers encode workers.
func writeWithPool(t *testing.T, mem memory.Allocator, opts SinkOptions, workers int, recs []arrow.RecordBatch) []byte {
	var buf bytes.Buffer
	opts.Mem = mem
	sink, err := NewSink(&buf, testSchema, opts)
	require.NoError(t, err)
	require.Equal(t, opts.Compression != "none", sink.NewEncoder() != nil, "compressed output is written by message")
	require.NoError(t, pipeline.New(&sliceSource{recs: recs}, nil, sink, pipeline.Config{EncodeWorkers: workers, Mem: mem}).Run(context.Background()))
	return buf.Bytes()
}

// readWithPool reads data through a pipeline with workers decode workers.
func readWithPool(t *testing.T, mem memory.Allocator, data []byte, file bool, workers int, mode sharedmem.Mode) []arrow.RecordBatch {
	in := Input{Name: "x", R: bytes.NewReader(data)}
	if file {
		in = Input{Name: "x", At: bytes.NewReader(data), Size: int64(len(data))}
	}
	src, err := NewSource([]Input{in}, Options{Mem: mem})
	require.NoError(t, err)
	defer src.Close()
	require.NotNil(t, src.NewDecoder(), "read by message")
	var got []arrow.RecordBatch
	for rec, err := range pipeline.Batches(context.Background(), src, nil, pipeline.Config{DecodeWorkers: workers, Handoff: sharedmem.Policy{Mode: mode}, Mem: mem}) {
		require.NoError(t, err)
		got = append(got, rec)
	}
	return got
}

// arrowGoRead reads data with arrow-go's own readers.
func arrowGoRead(t *testing.T, data []byte, file bool) []arrow.RecordBatch {
	var got []arrow.RecordBatch
	if file {
		f, err := ipc.NewFileReader(bytes.NewReader(data))
		require.NoError(t, err)
		defer f.Close()
		for i := range f.NumRecords() {
			rec, err := f.RecordBatchAt(i)
			require.NoError(t, err)
			got = append(got, rec)
		}
		return got
	}
	r, err := ipc.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	defer r.Release()
	for r.Next() {
		rec := r.RecordBatch()
		rec.Retain()
		got = append(got, rec)
	}
	require.NoError(t, r.Err())
	return got
}

func assertSameRows(t *testing.T, want, got []arrow.RecordBatch) {
	t.Helper()
	var w, g []arrow.RecordBatch
	for _, r := range want {
		if r.NumRows() > 0 {
			w = append(w, r)
		}
	}
	for _, r := range got {
		if r.NumRows() > 0 {
			g = append(g, r)
		}
	}
	require.Len(t, g, len(w))
	for i := range w {
		assert.True(t, array.RecordEqual(w[i], g[i]), "batch %d", i)
	}
}

// Writing and reading by message on the pools: the bytes are the same
// whatever the worker count and the same as arrow-go's writer's (footer
// included), arrow-go reads them back, and our reader reads
// back the batches, compressed or not, in every handoff.
func TestPoolsRoundTrip(t *testing.T) {
	for _, file := range []bool{false, true} {
		for _, comp := range []string{"none", "zstd", "lz4"} {
			t.Run(fmt.Sprintf("file=%t/compression=%s", file, comp), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				recs := poolBatches(mem)
				defer release(recs)
				opts := SinkOptions{File: file, Compression: comp}
				one := writeWithPool(t, mem, opts, 1, recs)
				four := writeWithPool(t, mem, opts, 4, recs)
				require.Equal(t, one, four, "bytes depend on the worker count")
				var serial bytes.Buffer
				ipcOpts := append([]ipc.Option{ipc.WithSchema(testSchema)}, codecOption(comp)...)
				var w interface {
					Write(arrow.RecordBatch) error
					Close() error
				} = ipc.NewWriter(&serial, ipcOpts...)
				if file {
					fw, err := ipc.NewFileWriter(&serial, ipcOpts...)
					require.NoError(t, err)
					w = fw
				}
				for _, r := range recs {
					require.NoError(t, w.Write(r))
				}
				require.NoError(t, w.Close())
				assert.Equal(t, serial.Bytes(), one, "as arrow-go's writer writes it")
				back := arrowGoRead(t, one, file)
				assertSameRows(t, recs, back)
				release(back)
				for _, workers := range []int{1, 4} {
					for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto} {
						got := readWithPool(t, mem, one, file, workers, mode)
						assertSameRows(t, recs, got)
						release(got)
					}
				}
			})
		}
	}
}

func codecOption(comp string) []ipc.Option {
	switch comp {
	case "zstd":
		return []ipc.Option{ipc.WithZstd()}
	case "lz4":
		return []ipc.Option{ipc.WithLZ4()}
	}
	return nil
}

// misdeclare changes the uncompressed length that the first compressed
// buffer of the first batch declares, in a stream or file of one schema
// message then batches; -2 means one byte more than the true length.
func misdeclare(data []byte, file bool, declared int64) bool {
	at := 0
	if file {
		at = 8
	}
	at += 8 + int(binary.LittleEndian.Uint32(data[at+4:])) // the schema message, without body
	n := int(binary.LittleEndian.Uint32(data[at+4:]))
	meta, bodyAt := data[at+8:at+8+n], at+8+n
	bufs, _, ok := ipcmeta.CompressedBuffers(meta)
	if !ok {
		return false
	}
	for _, b := range bufs {
		p := bodyAt + int(b.Offset)
		if was := int64(binary.LittleEndian.Uint64(data[p:])); b.Length > 8 && was > 8 {
			if declared == -2 {
				declared = was + 1
			}
			binary.LittleEndian.PutUint64(data[p:], uint64(declared))
			return true
		}
	}
	return false
}

// A compressed buffer that declares more bytes than its codec can give is
// refused before anything is allocated for it; one that declares a size
// within reach but not what it holds is an error too.
func TestCompressedSizeIsBounded(t *testing.T) {
	for _, comp := range []string{"zstd", "lz4"} {
		for _, lie := range []int64{1 << 40, -5, 0} {
			for _, file := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/declared=%d/file=%t", comp, lie, file), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					rec := makeBatch(mem, testSchema, 0, 500)
					defer rec.Release()
					data := write(t, mem, SinkOptions{File: file, Compression: comp}, rec)
					declared := lie
					if lie == 0 { // plausible, but wrong
						declared = -2
					}
					require.True(t, misdeclare(data, file, declared))
					in := Input{Name: "bad.arrows", R: bytes.NewReader(data)}
					if file {
						in = Input{Name: "bad.arrows", At: bytes.NewReader(data), Size: int64(len(data))}
					}
					_, err := readUntilError(t, mem, in)
					require.Error(t, err)
					assert.ErrorIs(t, err, ErrCorrupt)
					assert.Contains(t, err.Error(), "bad.arrows")
					if lie != 0 {
						assert.ErrorIs(t, err, ipcmeta.ErrCompressedSize)
					}
				})
			}
		}
	}
}
