package aggregate

import (
	"context"
	"fmt"
	"math/bits"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// lastSpillParts is how many partitions distinct last spills its keys to:
// Finish resolves one partition at a time, so keys up to about this many
// times the memory cap fit.
const lastSpillParts = 32

// lastSpill is where distinct COLS last puts its latest rows when they
// pass the memory cap: each spill writes every key's latest row, with its
// input position in an extra column, to one run per partition of the key
// hash. Finish keeps, partition by partition, each key's row of the
// greatest position (a key's later spill holds its later row), writes
// them sorted by position, and merges the partitions by position, so the
// rows come out as without spilling.
type lastSpill struct {
	schema *arrow.Schema // the input's, then the position column
	parts  [lastSpillParts]*runFiles
	keyPartitioner
}

// keyPartitioner splits rows among lastSpillParts partitions by the hash
// of their key columns.
type keyPartitioner struct {
	hash []keyCol
	hs   []uint64
}

func newKeyPartitioner(types []arrow.DataType) keyPartitioner {
	var k keyPartitioner
	for _, dt := range types {
		k.hash = append(k.hash, newKeyCol(dt))
	}
	return k
}

func newLastSpill(in *arrow.Schema, types []arrow.DataType, dir string, cap int64) *lastSpill {
	fields := append(slices.Clone(in.Fields()), arrow.Field{Name: "arrowpipe_position", Type: arrow.PrimitiveTypes.Int64})
	s := &lastSpill{schema: arrow.NewSchema(fields, nil)}
	for p := range s.parts {
		s.parts[p] = newRunFiles(dir, cap)
	}
	s.keyPartitioner = newKeyPartitioner(types)
	return s
}

// partitions returns, for each partition, the rows of rec whose keys (the
// columns keyIdx) hash to it.
func (s *keyPartitioner) partitions(rec arrow.RecordBatch, keyIdx []int) [lastSpillParts][]uint32 {
	n := int(rec.NumRows())
	s.hs = grow(s.hs, n)
	for i, c := range keyIdx {
		s.hash[i].bind(rec.Column(c))
		s.hash[i].hash(s.hs, i == 0)
	}
	var parts [lastSpillParts][]uint32
	shift := 64 - bits.Len(lastSpillParts-1)
	for i, h := range s.hs[:n] {
		// Remixed, so that a partition's keys do not share the bits the
		// table's slots and tags are taken from.
		p := mix64(h^hashK2) >> shift
		parts[p] = append(parts[p], uint32(i))
	}
	return parts
}

func (s *lastSpill) remove() {
	for _, r := range s.parts {
		r.remove()
	}
}

// spill writes every key's latest row to the partitions' runs and starts
// the worker over with no key.
func (w *distinctLastWorker) spill(ctx context.Context) error {
	if w.spilled == nil {
		w.spilled = newLastSpill(w.schema, w.types, w.tempDir, w.cap)
	}
	s := w.spilled
	refs := make([]rowRef, len(w.last))
	posb := array.NewInt64Builder(w.mem)
	posb.Reserve(len(w.last))
	for g, l := range w.last {
		refs[g] = l.ref
		posb.UnsafeAppend(l.pos)
	}
	rows, err := gather(w.mem, w.schema, w.held, refs)
	if err != nil {
		posb.Release()
		return err
	}
	pos := posb.NewArray()
	posb.Release()
	rec := array.NewRecordBatch(s.schema, append(slices.Clone(rows.Columns()), pos), rows.NumRows())
	rows.Release()
	pos.Release()
	defer rec.Release()
	w.release()
	w.tab, w.last = newTable(w.types), w.last[:0]
	for p, idx := range s.partitions(rec, w.keyIdx) {
		if len(idx) == 0 {
			continue
		}
		err := s.parts[p].write(ctx, s.schema, w.mem, func(yield func(arrow.RecordBatch) error) error {
			for lo := 0; lo < len(idx); lo += runBatchRows {
				part, err := takeRows(w.mem, rec, idx[lo:min(lo+runBatchRows, len(idx))])
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

// finishSpilled spills what is left, resolves each partition into a run of
// its keys' latest rows sorted by position, and merges those runs.
func (w *distinctLastWorker) finishSpilled(ctx context.Context, emit func(arrow.RecordBatch) error) error {
	if len(w.last) > 0 {
		if err := w.spill(ctx); err != nil {
			return fmt.Errorf("%s: %w", w.name, err)
		}
	}
	s := w.spilled
	sorted := newRunFiles(w.tempDir, w.cap)
	defer sorted.remove()
	for p := range s.parts {
		if err := w.resolve(ctx, s.parts[p], sorted); err != nil {
			return fmt.Errorf("%s: %w", w.name, err)
		}
		s.parts[p].remove()
	}
	posKey := []orderKey{{col: w.schema.NumFields(), kind: kindInt}}
	return sorted.merge(ctx, posKey, s.schema, w.mem, w.outRows, func(rec arrow.RecordBatch) error {
		cols := rec.Columns()
		out := array.NewRecordBatch(w.schema, cols[:len(cols)-1], rec.NumRows())
		rec.Release()
		return emit(out)
	})
}

// resolve reads one partition's runs, oldest first, keeps each key's row
// of the greatest position and writes those rows to sorted, in position
// order. A partition whose keys alone pass the cap is ErrMemory.
func (w *distinctLastWorker) resolve(ctx context.Context, part *runFiles, sorted *runFiles) error {
	if len(part.paths) == 0 {
		return nil
	}
	posCol := w.schema.NumFields()
	tab := newTable(w.types)
	var held []arrow.RecordBatch
	var last []lastRef
	var heldRows int64
	defer func() {
		for _, r := range held {
			r.Release()
		}
	}()
	keys := make([]arrow.Array, len(w.keyIdx))
	var gids []uint32
	for _, path := range part.paths {
		err := readRun(path, w.mem, func(rec arrow.RecordBatch) error {
			rec.Retain()
			for i, k := range w.keyIdx {
				keys[i] = rec.Column(k)
			}
			n := int(rec.NumRows())
			var err error
			if gids, err = tab.groups(keys, n, 0, gids); err != nil {
				err = textErr(err, rec, w.keyIdx)
				rec.Release()
				return err
			}
			pos := rec.Column(posCol).(*array.Int64).Int64Values()
			src := uint32(len(held))
			for i, g := range gids {
				if int(g) == len(last) {
					last = append(last, lastRef{rowRef{src, uint32(i)}, pos[i]})
				} else if pos[i] > last[g].pos {
					last[g] = lastRef{rowRef{src, uint32(i)}, pos[i]}
				}
			}
			held = append(held, rec)
			heldRows += int64(n)
			return nil
		})
		if err != nil {
			return err
		}
		if heldRows > 2*int64(len(last)) {
			refs := make([]rowRef, len(last))
			for g, l := range last {
				refs[g] = l.ref
				last[g].ref = rowRef{0, uint32(g)}
			}
			compact, err := gather(w.mem, w.spilled.schema, held, refs)
			if err != nil {
				return err
			}
			for _, r := range held {
				r.Release()
			}
			held, heldRows = []arrow.RecordBatch{compact}, compact.NumRows()
		}
		if w.cap > 0 {
			b := tab.bytes()
			for _, r := range held {
				b += sharedmem.PinnedBytes(r)
			}
			if b > w.cap {
				return fmt.Errorf("%w: the latest rows of %d keys of one of %d spill partitions hold ~%s, over the cap of %s (--max-memory)",
					ErrMemory, tab.n, lastSpillParts, fmtBytes(b), fmtBytes(w.cap))
			}
		}
	}
	slices.SortFunc(last, func(a, b lastRef) int { return int(min(max(a.pos-b.pos, -1), 1)) })
	return sorted.write(ctx, w.spilled.schema, w.mem, func(yield func(arrow.RecordBatch) error) error {
		refs := make([]rowRef, 0, min(len(last), runBatchRows))
		for lo := 0; lo < len(last); lo += runBatchRows {
			refs = refs[:0]
			for _, l := range last[lo:min(lo+runBatchRows, len(last))] {
				refs = append(refs, l.ref)
			}
			out, err := gather(w.mem, w.spilled.schema, held, refs)
			if err != nil {
				return err
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
