package aggregate

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// topSpill is where a worker of a top per group puts its kept rows when
// the stage's rows pass the memory cap: every kept row, with its group's
// first input position and its own, goes to one run per partition of the
// key hash, and the worker starts over. Finish (finishSpilled) takes each
// partition in turn, keeps each group's best n rows of all the workers'
// runs, writes them sorted by (group's first position, order, position),
// and merges the partitions' runs on that order, so the rows come out as
// without spilling.
type topSpill struct {
	parts [lastSpillParts]*runFiles
	keyPartitioner
}

// topSpillExtra is the columns a spilled row carries after the input's:
// its group's first position and its own, as (sequence, row) pairs.
const topSpillExtra = 4

func (st *topGroupStage) spillSchema() *arrow.Schema {
	fields := slices.Clone(st.schema.Fields())
	for _, name := range []string{"first_seq", "first_row", "pos_seq", "pos_row"} {
		fields = append(fields, arrow.Field{Name: "arrowpipe_" + name, Type: arrow.PrimitiveTypes.Int64})
	}
	return arrow.NewSchema(fields, nil)
}

func (s *topSpill) remove() {
	for _, r := range s.parts {
		r.remove()
	}
}

// spill writes the worker's kept rows to its partitions' runs and starts
// it over with no group.
func (w *topGroupWorker) spill(ctx context.Context) error {
	st := w.st
	if w.spilled == nil {
		w.spilled = &topSpill{keyPartitioner: newKeyPartitioner(st.keyType)}
		for p := range w.spilled.parts {
			w.spilled.parts[p] = newRunFiles(st.tempDir, st.cap)
		}
	}
	schema := st.spillSchema()
	refs := make([]rowRef, 0, w.kept)
	extra := make([]*array.Int64Builder, topSpillExtra)
	for i := range extra {
		extra[i] = array.NewInt64Builder(st.mem)
		extra[i].Reserve(w.kept)
		defer extra[i].Release()
	}
	for g, h := range w.heaps {
		f := w.tab.first[g]
		for _, e := range h {
			refs = append(refs, rowRef{e.src, e.row})
			extra[0].UnsafeAppend(int64(f.seq))
			extra[1].UnsafeAppend(int64(f.row))
			extra[2].UnsafeAppend(int64(e.at.seq))
			extra[3].UnsafeAppend(int64(e.at.row))
		}
	}
	rows, err := gather(st.mem, st.schema, w.srcs, refs)
	if err != nil {
		return err
	}
	cols := slices.Clone(rows.Columns())
	for _, b := range extra {
		a := b.NewArray()
		defer a.Release()
		cols = append(cols, a)
	}
	rec := array.NewRecordBatch(schema, cols, rows.NumRows())
	rows.Release()
	defer rec.Release()
	w.releaseRows()
	w.tab = newTable(st.keyType)
	for p, idx := range w.spilled.partitions(rec, st.keyIdx) {
		if len(idx) == 0 {
			continue
		}
		err := w.spilled.parts[p].write(ctx, schema, st.mem, func(yield func(arrow.RecordBatch) error) error {
			for lo := 0; lo < len(idx); lo += runBatchRows {
				part, err := takeRows(st.mem, rec, idx[lo:min(lo+runBatchRows, len(idx))])
				if err != nil {
					return err
				}
				err = yield(part)
				part.Release()
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// finishSpilled spills what the workers still hold, resolves each
// partition into a sorted run and merges the runs.
func (st *topGroupStage) finishSpilled(ctx context.Context, ws []*topGroupWorker, emit func(arrow.RecordBatch) error) error {
	for _, w := range ws {
		if w.tab.n > 0 {
			if err := w.spill(ctx); err != nil {
				return fmt.Errorf("top: %w", err)
			}
		}
	}
	schema := st.spillSchema()
	sorted := newRunFiles(st.tempDir, st.cap)
	defer sorted.remove()
	for p := range lastSpillParts {
		var paths []string
		for _, w := range ws {
			if w.spilled != nil {
				paths = append(paths, w.spilled.parts[p].paths...)
			}
		}
		if err := st.resolve(ctx, schema, paths, sorted); err != nil {
			return fmt.Errorf("top: %w", err)
		}
		for _, w := range ws {
			if w.spilled != nil {
				w.spilled.parts[p].remove()
			}
		}
	}
	in := st.schema.NumFields()
	keys := []orderKey{{col: in, kind: kindInt}, {col: in + 1, kind: kindInt}}
	keys = append(keys, st.order...)
	keys = append(keys, orderKey{col: in + 2, kind: kindInt}, orderKey{col: in + 3, kind: kindInt})
	return sorted.merge(ctx, keys, schema, st.mem, st.outRows, func(rec arrow.RecordBatch) error {
		out := array.NewRecordBatch(st.schema, rec.Columns()[:in], rec.NumRows())
		rec.Release()
		return emit(out)
	})
}

// resolve keeps the best n rows of each group of the spilled rows at paths
// and writes them to sorted as one run, in output order. A partition whose
// rows alone pass the cap is ErrMemory.
func (st *topGroupStage) resolve(ctx context.Context, schema *arrow.Schema, paths []string, sorted *runFiles) error {
	if len(paths) == 0 {
		return nil
	}
	in := st.schema.NumFields()
	w := &topGroupWorker{st: st, tab: newTable(st.keyType), keys: make([]arrow.Array, len(st.keyIdx))}
	defer w.releaseRows()
	var first []pos
	for _, path := range paths {
		err := readRun(path, st.mem, func(rec arrow.RecordBatch) error {
			n := int(rec.NumRows())
			for i, k := range st.keyIdx {
				w.keys[i] = rec.Column(k)
			}
			var err error
			if w.gids, err = w.tab.groups(w.keys, n, 0, w.gids); err != nil {
				return textErr(err, rec, st.keyIdx)
			}
			w.heaps = growZero(w.heaps, w.tab.n)
			extra := make([][]int64, topSpillExtra)
			for i := range extra {
				extra[i] = rec.Column(in + i).(*array.Int64).Int64Values()
			}
			src := uint32(len(w.srcs))
			views, err := viewsOf(st.order, rec)
			if err != nil {
				return err
			}
			w.views = append(w.views, views)
			for i, g := range w.gids {
				f := pos{uint64(extra[0][i]), uint32(extra[1][i])}
				if int(g) == len(first) {
					first = append(first, f)
				} else if f.before(first[g]) {
					first[g] = f
				}
				w.offer(g, topEntry{src, uint32(i), pos{uint64(extra[2][i]), uint32(extra[3][i])}})
			}
			rec.Retain()
			w.srcs = append(w.srcs, rec)
			w.srcRows += n
			if w.srcRows > 2*w.kept {
				if err := w.compact(); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if b := w.held(); st.cap > 0 && b > st.cap {
			return fmt.Errorf("%w: the top %d rows of %d groups of one of %d spill partitions hold ~%s, over the memory cap of %s (--max-memory)",
				ErrMemory, st.n, w.tab.n, lastSpillParts, fmtBytes(b), fmtBytes(st.cap))
		}
	}
	var rows []topGroupRow
	for g, h := range w.heaps {
		for _, e := range h {
			rows = append(rows, topGroupRow{uint32(g), rowRef{e.src, e.row}, e.at})
		}
	}
	slices.SortFunc(rows, func(a, b topGroupRow) int {
		fa, fb := first[a.g], first[b.g]
		if c := cmp.Compare(fa.seq, fb.seq); c != 0 {
			return c
		}
		if c := cmp.Compare(fa.row, fb.row); c != 0 {
			return c
		}
		if c := compareRows(st.order, w.views[a.ref.src], int(a.ref.row), w.views[b.ref.src], int(b.ref.row)); c != 0 {
			return c
		}
		if c := cmp.Compare(a.at.seq, b.at.seq); c != 0 {
			return c
		}
		return cmp.Compare(a.at.row, b.at.row)
	})
	return sorted.write(ctx, schema, st.mem, func(yield func(arrow.RecordBatch) error) error {
		for lo := 0; lo < len(rows); lo += runBatchRows {
			chunk := rows[lo:min(lo+runBatchRows, len(rows))]
			refs := make([]rowRef, 0, len(chunk))
			fseq, frow := array.NewInt64Builder(st.mem), array.NewInt64Builder(st.mem)
			for _, r := range chunk {
				refs = append(refs, r.ref)
				// The group's first position over every spill, which the
				// merge orders by.
				fseq.Append(int64(first[r.g].seq))
				frow.Append(int64(first[r.g].row))
			}
			rec, err := gather(st.mem, schema, w.srcs, refs)
			if err != nil {
				fseq.Release()
				frow.Release()
				return err
			}
			cols := slices.Clone(rec.Columns())
			fs, fr := fseq.NewArray(), frow.NewArray()
			cols[in], cols[in+1] = fs, fr
			out := array.NewRecordBatch(schema, cols, rec.NumRows())
			for _, x := range []interface{ Release() }{rec, fs, fr, fseq, frow} {
				x.Release()
			}
			err = yield(out)
			out.Release()
			if err != nil {
				return err
			}
		}
		return nil
	})
}
