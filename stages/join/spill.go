package join

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"os"
	"slices"
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
//	stream ─▶ hash(key) ─▶ stream part 0..P-1 ┴─▶ Finish: for each p: load table p, probe with stream p ─▶ out part p
//	                                                      merge out parts 0..P-1 by (seq, row) ─▶ emit
//
// Order survives the detour: every row written carries its place (a
// stream row its batch's seq and its row in the batch, a table row its
// row in the table), a stream part is an Arrow IPC file whose slices are
// read back in seq order, so each output part is in stream order, and
// the merge of the output parts restores the order of the whole (the
// unmatched table rows of right and full joins last, in table order).
//
// The files are Arrow IPC, uncompressed: 2P of them are open at once,
// and an encoder each would cost more memory than it saves disk.
type grace struct {
	j      *joiner
	seed   maphash.Seed
	mix    uint64 // a seeded word for fixed-width keys
	table  []*partFile
	stream []*partFile
	keys   batchKeys // the table's, on the reading goroutine
	// tableRows counts the table rows split so far: the next one's place.
	tableRows int64
	// tagged schemas: the sides' columns and their rows' places.
	tableTagged, streamTagged, outTagged *arrow.Schema
	outs                                 []string // the output parts, while Finish merges them
}

// The columns that carry a row's place through the spill files.
var (
	seqField      = arrow.Field{Name: "__join_seq", Type: arrow.PrimitiveTypes.Uint64}
	rowField      = arrow.Field{Name: "__join_row", Type: arrow.PrimitiveTypes.Int64}
	streamRowType = arrow.PrimitiveTypes.Int64
)

// unmatchedSeq places the unmatched table rows after every stream row.
const unmatchedSeq = math.MaxUint64

func tagged(s *arrow.Schema, fields ...arrow.Field) *arrow.Schema {
	return arrow.NewSchema(append(slices.Clone(s.Fields()), fields...), nil)
}

// partitions is how many parts a spilled join splits into: a table of up
// to 32 times the cap then joins a part at a time within the cap.
const partitions = 32

// partBufferBytes is the write and read buffer of one partition file.
const partBufferBytes = 64 << 10

type partFile struct {
	mu   sync.Mutex
	path string
	f    *os.File
	bw   *bufio.Writer
	w    interface {
		Write(arrow.RecordBatch) error
		Close() error
	}
	closed bool
	seqs   []uint64 // stream parts: the seq of each slice written, in file order
}

func (j *joiner) newGrace() (*grace, error) {
	seed := maphash.MakeSeed()
	g := &grace{j: j, seed: seed, mix: maphash.Comparable(seed, uint64(0)),
		tableTagged:  tagged(j.table, rowField),
		streamTagged: tagged(j.stream, arrow.Field{Name: rowField.Name, Type: streamRowType}),
		outTagged:    tagged(j.out, seqField, rowField),
	}
	for range partitions {
		f, err := g.create(g.tableTagged, false)
		if err != nil {
			g.remove()
			return nil, err
		}
		g.table = append(g.table, f)
		if f, err = g.create(g.streamTagged, true); err != nil {
			g.remove()
			return nil, err
		}
		g.stream = append(g.stream, f)
	}
	return g, nil
}

// create makes a spill file for batches of schema: an IPC file (random
// access) when file is set, else an IPC stream.
func (g *grace) create(schema *arrow.Schema, file bool) (*partFile, error) {
	dir := g.j.tempDir
	if dir == "" {
		dir = os.TempDir()
	}
	f, err := os.CreateTemp(dir, "arrowpipe-join-*.arrows")
	if err != nil {
		return nil, fmt.Errorf("spill: %w", err)
	}
	pf := &partFile{path: f.Name(), f: f, bw: bufio.NewWriterSize(f, partBufferBytes)}
	if file {
		fw, err := ipc.NewFileWriter(pf.bw, ipc.WithSchema(schema), ipc.WithAllocator(g.j.mem))
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, fmt.Errorf("spill: %w", err)
		}
		pf.w = fw
	} else {
		pf.w = ipc.NewWriter(pf.bw, ipc.WithSchema(schema), ipc.WithAllocator(g.j.mem))
	}
	return pf, nil
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
// their keys cols, loaded into k, each row with its place: seq and its
// row in rec for the stream (table false), base plus its row for the table.
func (g *grace) split(ctx context.Context, k *batchKeys, keys []int, rec arrow.RecordBatch, files []*partFile, table bool, seq uint64, base int64) error {
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
	schema := g.streamTagged
	if table {
		schema = g.tableTagged
	}
	for p, idx := range rows {
		if len(idx) == 0 {
			continue
		}
		if err := files[p].write(ctx, g.j.mem, schema, rec, idx, seq, base); err != nil {
			return err
		}
	}
	return nil
}

func (f *partFile) write(ctx context.Context, mem memory.Allocator, schema *arrow.Schema, rec arrow.RecordBatch, idx []int32, seq uint64, base int64) error {
	cols := make([]arrow.Array, rec.NumCols()+1)
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
	b := array.NewInt64Builder(mem)
	b.Reserve(len(idx))
	for _, r := range idx {
		b.UnsafeAppend(base + int64(r))
	}
	cols[len(cols)-1] = b.NewArray()
	b.Release()
	part := array.NewRecordBatch(schema, cols, int64(len(idx)))
	defer part.Release()
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.w.Write(part); err != nil {
		return fmt.Errorf("spill to %s: %w", f.path, err)
	}
	f.seqs = append(f.seqs, seq)
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
	base := g.tableRows
	g.tableRows += rec.NumRows()
	return g.split(ctx, &g.keys, g.j.tableKeys, rec, g.table, true, 0, base)
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
func (g *grace) addStream(ctx context.Context, w *worker, seq uint64, rec arrow.RecordBatch) error {
	return g.split(ctx, &w.keys, g.j.streamKeys, rec, g.stream, false, seq, 0)
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
	for _, p := range g.outs {
		os.Remove(p)
	}
	g.table, g.stream, g.outs = nil, nil, nil
}

// join joins the partitions pairwise into output parts, then merges
// them in order and emits the result.
func (g *grace) join(ctx context.Context, emit func(arrow.RecordBatch) error) error {
	j := g.j
	for _, f := range g.stream {
		if err := f.close(j.stats); err != nil {
			return err
		}
	}
	for p := range partitions {
		out, err := g.create(g.outTagged, false)
		if err != nil {
			return err
		}
		g.outs = append(g.outs, out.path)
		err = g.joinPart(ctx, p, out)
		if cerr := out.close(j.stats); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		os.Remove(g.table[p].path)
		os.Remove(g.stream[p].path)
	}
	return mergeParts(ctx, g.outs, j.mem, j.out, j.outRows, emit)
}

// joinPart joins table part p with stream part p, whose slices it reads
// in seq order, and writes the result, with each row's place, to out.
func (g *grace) joinPart(ctx context.Context, p int, out *partFile) error {
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
	t, err := newTable(j.mem, g.tableTagged, batches, j.tableKeys, false)
	if err != nil {
		return fmt.Errorf("%s: %w", j.opts.Table, err)
	}
	defer t.release()
	w := &worker{j: j}
	if j.kind.keepsTable() {
		w.matched = make([]uint64, (t.rows+63)/64)
	}
	nStream := j.stream.NumFields()
	err = readOrdered(ctx, g.stream[p], j.mem, func(seq uint64, rec arrow.RecordBatch) error {
		plain := array.NewRecordBatch(j.stream, rec.Columns()[:nStream], rec.NumRows())
		defer plain.Release()
		res, err := w.join(ctx, t, plain)
		if err != nil || res == nil {
			return err
		}
		defer res.Release()
		places := rec.Column(nStream).(*array.Int64).Int64Values()
		rows := make([]int64, len(w.probe))
		for i, r := range w.probe {
			rows[i] = places[r]
		}
		return out.writeTagged(j.mem, g.outTagged, res, func(int) uint64 { return seq }, rows)
	})
	if err != nil {
		return err
	}
	if !j.kind.keepsTable() {
		return nil
	}
	places := t.cols[len(t.cols)-1].(*array.Int64).Int64Values()
	return j.unmatched(ctx, t, w.matched, func(rows []int32) error {
		res, err := j.tableRowsOnly(ctx, t, rows)
		if err != nil {
			return err
		}
		defer res.Release()
		tags := make([]int64, len(rows))
		for i, r := range rows {
			tags[i] = places[r]
		}
		return out.writeTagged(j.mem, g.outTagged, res, func(int) uint64 { return unmatchedSeq }, tags)
	})
}

// writeTagged writes rec (borrowed) with the places seq(i), rows[i].
func (f *partFile) writeTagged(mem memory.Allocator, schema *arrow.Schema, rec arrow.RecordBatch, seq func(int) uint64, rows []int64) error {
	sb := array.NewUint64Builder(mem)
	defer sb.Release()
	rb := array.NewInt64Builder(mem)
	defer rb.Release()
	for i, r := range rows {
		sb.Append(seq(i))
		rb.Append(r)
	}
	seqs, places := sb.NewArray(), rb.NewArray()
	defer seqs.Release()
	defer places.Release()
	cols := append(slices.Clone(rec.Columns()), seqs, places)
	tagged := array.NewRecordBatch(schema, cols, rec.NumRows())
	defer tagged.Release()
	if err := f.w.Write(tagged); err != nil {
		return fmt.Errorf("spill to %s: %w", f.path, err)
	}
	return nil
}

// readOrdered gives the slices of a stream part to f in seq order; f
// borrows each.
func readOrdered(ctx context.Context, pf *partFile, mem memory.Allocator, f func(seq uint64, rec arrow.RecordBatch) error) error {
	file, err := os.Open(pf.path)
	if err != nil {
		return fmt.Errorf("read spill: %w", err)
	}
	defer file.Close()
	r, err := ipc.NewFileReader(file, ipc.WithAllocator(mem))
	if err != nil {
		return fmt.Errorf("read %s: %w", pf.path, err)
	}
	defer r.Close()
	order := make([]int, len(pf.seqs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(pf.seqs[a], pf.seqs[b]) })
	for _, i := range order {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		rec, err := r.RecordBatchAt(i)
		if err != nil {
			return fmt.Errorf("read %s: %w", pf.path, err)
		}
		err = f(pf.seqs[i], rec)
		rec.Release()
		if err != nil {
			return err
		}
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
