package spillfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/klauspost/compress/zstd"
)

// bufferBytes is the file buffer of a file being written or read.
const bufferBytes = 256 << 10

// Writer appends batches to a new temporary file.
type Writer struct {
	f    *os.File
	bw   *bufio.Writer
	zw   *zstd.Encoder
	w    *ipc.Writer
	rows int64
}

// Create makes a temporary file in dir ("" means os.TempDir()) named by
// pattern (as os.CreateTemp) for batches of schema. The caller Closes the
// Writer and removes the file (Remove), also after an error.
func Create(dir, pattern string, schema *arrow.Schema, mem memory.Allocator) (*Writer, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, fmt.Errorf("spill: %w", err)
	}
	bw := bufio.NewWriterSize(f, bufferBytes)
	zw, err := zstd.NewWriter(bw, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1),
		zstd.WithWindowSize(1<<20), zstd.WithLowerEncoderMem(true))
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("spill: %w", err)
	}
	return &Writer{f: f, bw: bw, zw: zw, w: ipc.NewWriter(zw, ipc.WithSchema(schema), ipc.WithAllocator(mem))}, nil
}

// Path is the file's name.
func (w *Writer) Path() string { return w.f.Name() }

// Rows is the number of rows written so far.
func (w *Writer) Rows() int64 { return w.rows }

// Write appends rec; rec stays the caller's.
func (w *Writer) Write(rec arrow.RecordBatch) error {
	if err := w.w.Write(rec); err != nil {
		return fmt.Errorf("spill to %s: %w", w.f.Name(), err)
	}
	w.rows += rec.NumRows()
	return nil
}

// Close flushes and closes the file, which stays on disk for Open.
func (w *Writer) Close() error {
	if err := errors.Join(w.w.Close(), w.zw.Close(), w.bw.Flush(), w.f.Close()); err != nil {
		return fmt.Errorf("spill to %s: %w", w.f.Name(), err)
	}
	return nil
}

// Remove closes the file if it is open and deletes it.
func (w *Writer) Remove() {
	w.w.Close()
	w.zw.Close()
	w.f.Close()
	os.Remove(w.f.Name())
}

// Reader reads a closed Writer's file back.
type Reader struct {
	f *os.File
	z *zstd.Decoder
	r *ipc.Reader
}

// Open opens the file at path; Close the Reader even after an error
// from Next.
func Open(path string, mem memory.Allocator) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read spill: %w", err)
	}
	r := &Reader{f: f}
	r.z, err = zstd.NewReader(bufio.NewReaderSize(f, bufferBytes), zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
	if err == nil {
		r.r, err = ipc.NewReader(r.z, ipc.WithAllocator(mem))
	}
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return r, nil
}

// Next returns the next batch, which the caller releases, or nil at the
// end of the file.
func (r *Reader) Next() (arrow.RecordBatch, error) {
	if r.r.Next() {
		rec := r.r.RecordBatch()
		rec.Retain()
		return rec, nil
	}
	if err := r.r.Err(); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read %s: %w", r.f.Name(), err)
	}
	return nil, nil
}

// Close closes the file; it does not delete it.
func (r *Reader) Close() {
	if r.r != nil {
		r.r.Release()
	}
	if r.z != nil {
		r.z.Close()
	}
	r.f.Close()
}
