package aggregate

import (
	"bufio"
	"cmp"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/klauspost/compress/zstd"
)

// runFiles are the sorted runs a sort spilled: zstd-compressed Arrow IPC
// streams, in TempDir, in input order. remove deletes them all.
//
// The whole stream is compressed, by one encoder per file written and one
// decoder per file read, set for little memory (1 MiB window, no
// concurrency): Arrow's own body compression builds a default encoder
// (~19 MiB) per writer and a new decoder per batch read. Sorting 10M
// generated rows under a 64 MiB cap, this (with runBatchRows) took the
// peak RSS from ~285 MB to ~210 MB and the CPU time from ~32 s to ~18 s.
type runFiles struct {
	dir   string
	paths []string
	// fanIn is the most runs one merge reads at once; more runs are first
	// merged fanIn at a time into longer runs.
	fanIn int
	// limit, when above 0, stops every merge after that many rows (top N):
	// the rows after them cannot be in the result.
	limit int
}

// mergeRunBytes is what one open run costs during a merge: its read
// buffer, a compressed message and a decoded batch of up to runBatchRows
// rows (~1.5 MiB for rows of ~100 bytes).
const mergeRunBytes = 4 << 20

// runBatchRows bounds the rows of the batches in a run file. Every run
// open in a merge holds one decoded batch, so this, not MaxBatchRows,
// sets the merge's memory: in the 10M-row sort above, 64Ki-row run
// batches peaked at ~275 MB RSS, 16Ki at ~210 MB, 8Ki at ~200 MB.
const runBatchRows = 16 << 10

// runBufferBytes is the file buffer of a run being written or read.
const runBufferBytes = 256 << 10

// minFanIn and maxFanIn bound the runs a merge reads at once: a pass over
// fewer than 8 runs costs more CPU (every pass re-encodes all rows) than
// its memory saving is worth; more than 64 open files is too many.
const (
	minFanIn = 8
	maxFanIn = 64
)

// newRunFiles makes the runs of a sort capped at maxMemory bytes (0: no
// cap): a merge keeps about maxMemory in open runs, minFanIn to maxFanIn
// of them (so under a 32 MiB cap the merge may use up to ~32 MiB).
func newRunFiles(dir string, maxMemory int64) *runFiles {
	if dir == "" {
		dir = os.TempDir()
	}
	fanIn := maxFanIn
	if maxMemory > 0 {
		fanIn = int(min(max(maxMemory/mergeRunBytes, minFanIn), maxFanIn))
	}
	return &runFiles{dir: dir, fanIn: fanIn}
}

// write stores the batches that produce yields (in order) as a new run.
func (r *runFiles) write(ctx context.Context, schema *arrow.Schema, mem memory.Allocator,
	produce func(yield func(arrow.RecordBatch) error) error) (err error) {
	f, err := os.CreateTemp(r.dir, "arrowpipe-sort-*.arrows")
	if err != nil {
		return fmt.Errorf("spill: %w", err)
	}
	r.paths = append(r.paths, f.Name())
	bw := bufio.NewWriterSize(f, runBufferBytes)
	zw, err := zstd.NewWriter(bw, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1),
		zstd.WithWindowSize(1<<20), zstd.WithLowerEncoderMem(true))
	if err != nil {
		f.Close()
		return fmt.Errorf("spill: %w", err)
	}
	w := ipc.NewWriter(zw, ipc.WithSchema(schema), ipc.WithAllocator(mem))
	err = produce(func(rec arrow.RecordBatch) error {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return w.Write(rec)
	})
	err = errors.Join(err, w.Close(), zw.Close(), bw.Flush(), f.Close())
	if err != nil {
		return fmt.Errorf("spill to %s: %w", f.Name(), err)
	}
	return nil
}

// removeOldest deletes the first run written that is still there.
func (r *runFiles) removeOldest() {
	os.Remove(r.paths[0])
	r.paths = r.paths[1:]
}

func (r *runFiles) remove() {
	for _, p := range r.paths {
		os.Remove(p)
	}
	r.paths = nil
}

// cursor reads one run during the merge.
type cursor struct {
	run   int
	f     *os.File
	z     *zstd.Decoder
	r     *ipc.Reader
	rec   arrow.RecordBatch // retained; nil at the end
	views []keyView
	row   int
	src   uint32 // index of rec in the output chunk's sources
}

// openCursor opens the run at path for reading; close the cursor it
// returns (non-nil when the file opened) even on error. Its first batch
// comes with next.
// readRun calls fn with each batch of the run file at path, in order, and
// closes it; fn borrows the batch (Retain it to keep it). The first error
// of the file or of fn ends the read.
func readRun(path string, mem memory.Allocator, fn func(rec arrow.RecordBatch) error) error {
	c, err := openCursor(path, 0, mem)
	if err != nil {
		if c != nil {
			c.close()
		}
		return err
	}
	defer c.close()
	for {
		if err := c.next(nil); err != nil {
			return err
		}
		if c.rec == nil {
			return nil
		}
		if err := fn(c.rec); err != nil {
			return err
		}
	}
}

func openCursor(path string, run int, mem memory.Allocator) (*cursor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	c := &cursor{run: run, f: f}
	c.z, err = zstd.NewReader(bufio.NewReaderSize(f, runBufferBytes), zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderLowmem(true))
	if err != nil {
		return c, fmt.Errorf("read %s: %w", path, err)
	}
	if c.r, err = ipc.NewReader(c.z, ipc.WithAllocator(mem)); err != nil {
		return c, fmt.Errorf("read %s: %w", path, err)
	}
	return c, nil
}

// next moves to the run's next non-empty batch; c.rec is nil at the end.
func (c *cursor) next(keys []orderKey) error {
	if c.rec != nil {
		c.rec.Release()
		c.rec = nil
	}
	for c.r.Next() {
		rec := c.r.RecordBatch()
		if rec.NumRows() == 0 {
			continue
		}
		views, err := viewsOf(keys, rec)
		if err != nil {
			return err
		}
		rec.Retain()
		c.rec, c.views, c.row = rec, views, 0
		return nil
	}
	if err := c.r.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read %s: %w", c.f.Name(), err)
	}
	return nil
}

func (c *cursor) close() {
	if c.rec != nil {
		c.rec.Release()
		c.rec = nil
	}
	if c.r != nil {
		c.r.Release()
	}
	if c.z != nil {
		c.z.Close()
	}
	c.f.Close()
}

// cursorHeap orders cursors by their current row; ties go to the earlier
// run, which holds earlier input, so the merge is stable.
type cursorHeap struct {
	keys []orderKey
	cs   []*cursor
}

func (h *cursorHeap) Len() int { return len(h.cs) }
func (h *cursorHeap) Less(i, j int) bool {
	a, b := h.cs[i], h.cs[j]
	if c := compareRows(h.keys, a.views, a.row, b.views, b.row); c != 0 {
		return c < 0
	}
	return cmp.Less(a.run, b.run)
}
func (h *cursorHeap) Swap(i, j int) { h.cs[i], h.cs[j] = h.cs[j], h.cs[i] }
func (h *cursorHeap) Push(x any)    { h.cs = append(h.cs, x.(*cursor)) }
func (h *cursorHeap) Pop() any {
	c := h.cs[len(h.cs)-1]
	h.cs = h.cs[:len(h.cs)-1]
	return c
}

// merge emits the rows of all runs in order, in batches of up to
// outRows built from mem. With more than fanIn runs it first merges
// them, fanIn consecutive runs at a time, into new runs (as many passes as
// it takes), so memory and open files stay bounded. Consecutive runs hold
// consecutive input, so each pass keeps ties in input order.
func (r *runFiles) merge(ctx context.Context, keys []orderKey, schema *arrow.Schema, mem memory.Allocator,
	outRows int, emit func(arrow.RecordBatch) error) error {
	for len(r.paths) > r.fanIn {
		if err := r.mergePass(ctx, keys, schema, mem); err != nil {
			return err
		}
	}
	return mergeRuns(ctx, r.paths, keys, schema, mem, outRows, r.limit, emit)
}

// mergePass replaces each group of fanIn consecutive runs by one run.
// r.paths names every live file at every step, so remove cleans up after
// an error.
func (r *runFiles) mergePass(ctx context.Context, keys []orderKey, schema *arrow.Schema, mem memory.Allocator) error {
	old := slices.Clone(r.paths)
	var next []string
	for lo := 0; lo < len(old); lo += r.fanIn {
		group := old[lo:min(lo+r.fanIn, len(old))]
		if len(group) == 1 {
			next = append(next, group[0])
			continue
		}
		err := r.write(ctx, schema, mem, func(yield func(arrow.RecordBatch) error) error {
			return mergeRuns(ctx, group, keys, schema, mem, runBatchRows, r.limit, func(rec arrow.RecordBatch) error {
				defer rec.Release()
				return yield(rec)
			})
		})
		if err != nil {
			return err
		}
		next = append(next, r.paths[len(r.paths)-1])
		for _, p := range group {
			os.Remove(p)
		}
		r.paths = slices.DeleteFunc(r.paths, func(p string) bool { return slices.Contains(group, p) })
	}
	r.paths = next
	return nil
}

// mergeRuns reads the runs at paths at once and emits their rows in order,
// in batches of up to batchRows rows built from mem, the first limit rows
// only when limit is above 0.
func mergeRuns(ctx context.Context, paths []string, keys []orderKey, schema *arrow.Schema, mem memory.Allocator,
	batchRows, limit int, emit func(arrow.RecordBatch) error) error {
	h := &cursorHeap{keys: keys}
	var all []*cursor
	defer func() {
		for _, c := range all {
			c.close()
		}
	}()
	for i, p := range paths {
		c, err := openCursor(p, i, mem)
		if c != nil {
			all = append(all, c)
		}
		if err != nil {
			return err
		}
		if err := c.next(keys); err != nil {
			return err
		}
		if c.rec != nil {
			h.cs = append(h.cs, c)
		}
	}
	heap.Init(h)

	// The output chunk gathers from the batches its rows come from; each is
	// retained once in srcs.
	var srcs []arrow.RecordBatch
	var refs []rowRef
	addSrc := func(c *cursor) {
		c.rec.Retain()
		c.src = uint32(len(srcs))
		srcs = append(srcs, c.rec)
	}
	releaseSrcs := func() {
		for _, s := range srcs {
			s.Release()
		}
		srcs = srcs[:0]
	}
	defer releaseSrcs()
	flush := func() error {
		if len(refs) == 0 {
			return nil
		}
		out, err := gather(mem, schema, srcs, refs)
		if err != nil {
			return err
		}
		refs = refs[:0]
		releaseSrcs()
		for _, c := range h.cs {
			addSrc(c)
		}
		return emit(out)
	}
	for _, c := range h.cs {
		addSrc(c)
	}
	for left := limit; h.Len() > 0 && (limit <= 0 || left > 0); left-- {
		c := h.cs[0]
		refs = append(refs, rowRef{c.src, uint32(c.row)})
		c.row++
		if c.row == int(c.rec.NumRows()) {
			if err := c.next(keys); err != nil {
				return err
			}
			if c.rec == nil {
				heap.Pop(h)
			} else {
				addSrc(c)
				heap.Fix(h, 0)
			}
		} else {
			heap.Fix(h, 0)
		}
		if len(refs) == batchRows {
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
