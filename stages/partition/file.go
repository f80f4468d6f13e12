package partition

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/output"
)

// fileBuffer is each file's write buffer. Up to MaxOpen files are open,
// so output's 1 MiB default would hold 40-64 MiB; an encoded chunk larger
// than the buffer is written through it at once anyway.
const fileBuffer = 64 << 10

// A file is one output file being written.
type file struct {
	rel   string // path relative to Dir
	out   *output.File
	sink  pipeline.Sink
	enc   pipeline.Encoder // nil for columnar writers
	count countingWriter
	rows  int64
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// openFile starts p's next numbered file.
func (s *Sink) openFile(p *part) error {
	p.next++
	rel := path.Join(p.dir, fmt.Sprintf("part-%05d%s", p.next, s.opts.Ext))
	if p.file != "" {
		rel = p.file + s.opts.Ext
	}
	full := filepath.Join(s.staging, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(full), 0o777); err != nil {
		return err
	}
	out, err := output.Open(full, output.Options{Compress: s.opts.Compress, BufferSize: fileBuffer})
	if err != nil {
		return err
	}
	f := &file{rel: rel, out: out}
	f.count.w = out
	if f.sink, err = s.opts.NewWriter(&f.count, s.data); err != nil {
		_ = out.Abort()
		return err
	}
	f.enc = f.sink.NewEncoder()
	p.w = f
	s.open++
	return nil
}

// closeFile finishes p's open file, if any.
func (s *Sink) closeFile(ctx context.Context, p *part) error {
	f := p.w
	if f == nil {
		return nil
	}
	p.w = nil
	s.open--
	if err := f.sink.Close(ctx); err != nil {
		_ = f.out.Abort()
		return err
	}
	if err := f.out.Commit(); err != nil {
		return err
	}
	s.files = append(s.files, FileInfo{Path: f.rel, Rows: f.rows})
	return nil
}

func (f *file) abort() { _ = f.out.Abort() }

// write writes rec (borrowed) to p's files, opening and closing numbered
// files at the split limits.
func (s *Sink) write(ctx context.Context, p *part, rec arrow.RecordBatch) error {
	rec.Retain()
	defer func() { rec.Release() }()
	for rec.NumRows() > 0 {
		if p.w == nil {
			if err := s.openFile(p); err != nil {
				return err
			}
		}
		f := p.w
		n := rec.NumRows()
		if lim := s.opts.SplitRows; lim > 0 {
			n = min(n, lim-f.rows)
		}
		wrote, err := s.writeSome(ctx, f, rec, n)
		if err != nil {
			return err
		}
		full := (s.opts.SplitRows > 0 && f.rows >= s.opts.SplitRows) ||
			(s.opts.SplitBytes > 0 && (wrote < rec.NumRows() || f.count.n >= s.opts.SplitBytes))
		rest := rec.NewSlice(wrote, rec.NumRows())
		rec.Release()
		rec = rest
		if full {
			if err := s.closeFile(ctx, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeSome writes up to n first rows of rec to f and returns how many it
// wrote: fewer when SplitBytes would be exceeded (none when f already has
// rows, so that the caller starts a new file).
func (s *Sink) writeSome(ctx context.Context, f *file, rec arrow.RecordBatch, n int64) (int64, error) {
	for {
		piece := rec.NewSlice(0, n)
		if f.enc == nil {
			err := f.sink.Write(ctx, pipeline.Chunk{Batch: piece, Rows: int(n)})
			if err == nil {
				f.rows += n
			}
			return n, err
		}
		c, err := f.enc.Encode(ctx, piece)
		piece.Release()
		if err != nil {
			return 0, err
		}
		if lim := s.opts.SplitBytes; lim > 0 && f.count.n+int64(len(c.Data)) > lim {
			switch {
			case f.rows > 0:
				return 0, nil // a new file takes it
			case n > 1:
				n /= 2 // too big for one file: try half as many rows
				continue
			}
		}
		if err := f.sink.Write(ctx, c); err != nil {
			return 0, err
		}
		f.rows += n
		return n, nil
	}
}
