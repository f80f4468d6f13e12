package partition

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// A runRef places one batch of a partition in a spill run; bytes is its
// Arrow size.
type runRef struct {
	run, batch int
	bytes      int64
}

// spill writes every held batch to a new run, one batch per partition in
// order of first appearance, and frees them.
func (s *Sink) spill(ctx context.Context) error {
	if err := os.MkdirAll(s.spillDir(), 0o777); err != nil {
		return err
	}
	name := filepath.Join(s.spillDir(), fmt.Sprintf("run-%05d.arrow", len(s.runs)))
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer f.Close()
	w, err := ipc.NewFileWriter(f, ipc.WithSchema(s.data), ipc.WithAllocator(s.opts.Mem))
	if err != nil {
		return err
	}
	run, batch := len(s.runs), 0
	for _, p := range s.parts {
		if len(p.buf) == 0 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := s.concat(p.buf)
		if err != nil {
			return err
		}
		size := sharedmem.LiveBytes(rec)
		err = w.Write(rec)
		rec.Release()
		if err != nil {
			return fmt.Errorf("partition: spill %s: %w", name, err)
		}
		p.releaseHeld()
		p.spilled = append(p.spilled, runRef{run: run, batch: batch, bytes: size})
		batch++
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("partition: spill %s: %w", name, err)
	}
	s.runs = append(s.runs, name)
	s.held = 0
	return f.Close()
}

// waitingBytes is the Arrow size of p's rows in spill runs and memory.
func (p *part) waitingBytes() int64 {
	var n int64
	for _, r := range p.spilled {
		n += r.bytes
	}
	for _, b := range p.buf {
		n += sharedmem.LiveBytes(b)
	}
	return n
}

func (p *part) releaseHeld() {
	for _, b := range p.buf {
		b.Release()
	}
	p.buf = nil
}

// concat joins batches into one, compacted (a slice no longer pins the
// batch it was cut from).
func (s *Sink) concat(recs []arrow.RecordBatch) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, s.data.NumFields())
	var rows int64
	for _, r := range recs {
		rows += r.NumRows()
	}
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	parts := make([]arrow.Array, len(recs))
	for j := range cols {
		for i, r := range recs {
			parts[i] = r.Column(j)
		}
		c, err := array.Concatenate(parts, s.opts.Mem)
		if err != nil {
			return nil, err
		}
		cols[j] = c
	}
	return array.NewRecordBatch(s.data, cols, rows), nil
}

// writeWaiting writes the partitions that waited for a writer, a group
// at a time, each from every run in order, then from memory. A group has
// at most MaxOpen partitions and, beyond its first, only as many as have
// MemoryBudget of rows together: an open file may buffer all of its rows
// (a Parquet row group), so the open files' rows stay within the budget.
// Runs are read by batch, so more groups cost only more run footers read.
func (s *Sink) writeWaiting(ctx context.Context) error {
	var waiting []*part
	for _, p := range s.parts {
		if p.waiting {
			waiting = append(waiting, p)
		}
	}
	for len(waiting) > 0 {
		n, bytes := 0, int64(0)
		for n < len(waiting) && n < s.opts.MaxOpen {
			b := waiting[n].waitingBytes()
			if n > 0 && bytes+b > s.opts.MemoryBudget {
				break
			}
			bytes += b
			n++
		}
		group := waiting[:n]
		waiting = waiting[n:]
		for run, name := range s.runs {
			if err := s.copyRun(ctx, run, name, group); err != nil {
				return err
			}
		}
		for _, p := range group {
			for _, b := range p.buf {
				if err := s.write(ctx, p, b); err != nil {
					return err
				}
			}
			p.releaseHeld()
		}
		for _, p := range group {
			if err := s.closeFile(ctx, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// copyRun writes the group's batches in one run to their files.
func (s *Sink) copyRun(ctx context.Context, run int, name string, group []*part) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := ipc.NewFileReader(f, ipc.WithAllocator(s.opts.Mem))
	if err != nil {
		return fmt.Errorf("partition: spill %s: %w", name, err)
	}
	defer r.Close()
	for _, p := range group {
		for _, ref := range p.spilled {
			if ref.run != run {
				continue
			}
			rec, err := r.RecordBatchAt(ref.batch)
			if err != nil {
				return fmt.Errorf("partition: spill %s: %w", name, err)
			}
			err = s.write(ctx, p, rec)
			rec.Release()
			if err != nil {
				return err
			}
		}
	}
	return nil
}
