package join

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// grace is a grace hash join: when the table outgrows the memory cap,
// its rows and then the stream's are written to partition files by a
// hash of their key, and Finish joins each pair of partitions in turn,
// with only one partition's table in memory. Rows with a null key go to
// partition 0, where they match nothing but still come out of the joins
// that keep them.
//
//	table ─▶ hash(key) ─▶ table part 0..P-1 ─┐
//	stream ─▶ hash(key) ─▶ stream part 0..P-1 ┴─▶ Finish: for each p: load table p, probe with stream p
//
// The files are Arrow IPC streams, uncompressed: 2P of them are open at
// once, and an encoder each would cost more memory than it saves disk.
// A spilled join emits its rows in Finish, grouped by partition: the
// stream's order is not kept.
type grace struct {
	j      *joiner
	seed   maphash.Seed
	mix    uint64 // a seeded word for fixed-width keys
	table  []*partFile
	stream []*partFile
	keys   batchKeys // the table's, on the reading goroutine
}

// partitions is how many parts a spilled join splits into: a table of up
// to 32 times the cap then joins a part at a time within the cap.
const partitions = 32

// partBufferBytes is the write and read buffer of one partition file.
const partBufferBytes = 64 << 10

type partFile struct {
	mu     sync.Mutex
	path   string
	f      *os.File
	bw     *bufio.Writer
	w      *ipc.Writer
	closed bool
}

func (j *joiner) newGrace() (*grace, error) {
	dir := j.tempDir
	if dir == "" {
		dir = os.TempDir()
	}
	seed := maphash.MakeSeed()
	g := &grace{j: j, seed: seed, mix: maphash.Comparable(seed, uint64(0))}
	for range partitions {
		for _, side := range []struct {
			files  *[]*partFile
			schema *arrow.Schema
		}{{&g.table, j.table}, {&g.stream, j.stream}} {
			f, err := os.CreateTemp(dir, "arrowpipe-join-*.arrows")
			if err != nil {
				g.remove()
				return nil, fmt.Errorf("spill: %w", err)
			}
			bw := bufio.NewWriterSize(f, partBufferBytes)
			*side.files = append(*side.files, &partFile{path: f.Name(), f: f, bw: bw,
				w: ipc.NewWriter(bw, ipc.WithSchema(side.schema), ipc.WithAllocator(j.mem))})
		}
	}
	return g, nil
}

// part returns the partition of row i of k.
func (g *grace) part(k *batchKeys, i int) int {
	if k.isNull(i) {
		return 0
	}
	var h uint64
	switch k.mode {
	case modeWord:
		h = (k.words[i] ^ g.mix) * 0x9E3779B97F4A7C15
		h ^= h >> 32
	case modeString:
		h = maphash.String(g.seed, k.str(i))
	default:
		h = maphash.Bytes(g.seed, k.tupleAt(i))
	}
	return int(h % partitions)
}

// split writes the rows of rec (borrowed) to files by the partition of
// their keys cols, loaded into k.
func (g *grace) split(ctx context.Context, k *batchKeys, keys []int, rec arrow.RecordBatch, files []*partFile) error {
	cols := make([]arrow.Array, len(keys))
	for i, c := range keys {
		cols[i] = rec.Column(c)
	}
	k.mode = modeOf(classesOf(cols))
	k.load(cols)
	var rows [partitions][]int32
	for i := range int(rec.NumRows()) {
		p := g.part(k, i)
		rows[p] = append(rows[p], int32(i))
	}
	for p, idx := range rows {
		if len(idx) == 0 {
			continue
		}
		if err := files[p].write(ctx, g.j.mem, rec, idx); err != nil {
			return err
		}
	}
	return nil
}

func (f *partFile) write(ctx context.Context, mem memory.Allocator, rec arrow.RecordBatch, idx []int32) error {
	cols := make([]arrow.Array, rec.NumCols())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for c, col := range rec.Columns() {
		var err error
		if cols[c], err = take(ctx, mem, col, idx); err != nil {
			return err
		}
	}
	part := array.NewRecordBatch(rec.Schema(), cols, int64(len(idx)))
	defer part.Release()
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.w.Write(part); err != nil {
		return fmt.Errorf("spill to %s: %w", f.path, err)
	}
	return nil
}

// close ends the file's stream; it may be called again.
func (f *partFile) close(stats *Stats) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	f.closed = true
	err := errors.Join(f.w.Close(), f.bw.Flush())
	if st, serr := f.f.Stat(); serr == nil {
		stats.SpilledBytes.Add(st.Size())
	}
	err = errors.Join(err, f.f.Close())
	if err != nil {
		return fmt.Errorf("spill to %s: %w", f.path, err)
	}
	return nil
}

func (g *grace) addTable(ctx context.Context, rec arrow.RecordBatch) error {
	return g.split(ctx, &g.keys, g.j.tableKeys, rec, g.table)
}

// endTable closes the table's files after its last row.
func (g *grace) endTable() error {
	var errs []error
	for _, f := range g.table {
		errs = append(errs, f.close(g.j.stats))
	}
	return errors.Join(errs...)
}

// addStream writes a stream batch (borrowed) to the stream's files, with
// the worker's key scratch.
func (g *grace) addStream(ctx context.Context, w *worker, rec arrow.RecordBatch) error {
	return g.split(ctx, &w.keys, g.j.streamKeys, rec, g.stream)
}

// remove closes and deletes every file.
func (g *grace) remove() {
	for _, f := range append(g.table, g.stream...) {
		f.mu.Lock()
		if !f.closed {
			f.closed = true
			f.f.Close()
		}
		f.mu.Unlock()
		os.Remove(f.path)
	}
	g.table, g.stream = nil, nil
}

// join joins the partitions pairwise and emits the result.
func (g *grace) join(ctx context.Context, emit func(arrow.RecordBatch) error) error {
	j := g.j
	for _, f := range g.stream {
		if err := f.close(j.stats); err != nil {
			return err
		}
	}
	for p := range partitions {
		if err := g.joinPart(ctx, p, emit); err != nil {
			return err
		}
		os.Remove(g.table[p].path)
		os.Remove(g.stream[p].path)
	}
	return nil
}

func (g *grace) joinPart(ctx context.Context, p int, emit func(arrow.RecordBatch) error) error {
	j := g.j
	var batches []arrow.RecordBatch
	err := readPart(ctx, g.table[p].path, j.mem, func(rec arrow.RecordBatch) error {
		rec.Retain()
		batches = append(batches, rec)
		return nil
	})
	if err != nil {
		releaseAll(batches)
		return err
	}
	t, err := newTable(j.mem, j.table, batches, j.tableKeys, false)
	if err != nil {
		return fmt.Errorf("%s: %w", j.opts.Table, err)
	}
	defer t.release()
	w := &worker{j: j}
	if j.kind.keepsTable() {
		w.matched = make([]uint64, (t.rows+63)/64)
	}
	err = readPart(ctx, g.stream[p].path, j.mem, func(rec arrow.RecordBatch) error {
		out, err := w.join(ctx, t, rec)
		if err != nil || out == nil {
			return err
		}
		return emit(out)
	})
	if err != nil {
		return err
	}
	if j.kind.keepsTable() {
		return j.emitUnmatched(ctx, t, w.matched, emit)
	}
	return nil
}

// readPart gives each batch of a partition file to f, which borrows it.
func readPart(ctx context.Context, path string, mem memory.Allocator, f func(arrow.RecordBatch) error) error {
	file, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read spill: %w", err)
	}
	defer file.Close()
	r, err := ipc.NewReader(bufio.NewReaderSize(file, partBufferBytes), ipc.WithAllocator(mem))
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	defer r.Release()
	for r.Next() {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		if err := f(r.RecordBatch()); err != nil {
			return err
		}
	}
	if err := r.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}
