package partition

import (
	"context"
	"encoding/binary"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/hive"
	"github.com/arrowpipe/arrowpipe/stages/internal/kernelmem"
)

// route splits rec by key: one Take reorders the rows so that each
// partition's rows are contiguous (in their input order), and each
// partition gets a zero-copy slice.
func (s *Sink) route(ctx context.Context, rec arrow.RecordBatch) error {
	data := s.dataOf(rec)
	defer data.Release()
	if len(s.keyIdx) == 0 {
		_, err := s.deliver(ctx, s.partOf(""), data, sharedmem.PinnedBytes(data))
		return err
	}
	n := int(rec.NumRows())
	s.gids = s.gids[:0]
	var order []*part // this batch's partitions, by first row
	local := map[*part]int32{}
	for r := range n {
		key, err := s.keyOf(rec, r)
		if err != nil {
			return err
		}
		p := s.partOf(key)
		g, ok := local[p]
		if !ok {
			g = int32(len(order))
			local[p] = g
			order = append(order, p)
		}
		s.gids = append(s.gids, g)
	}
	if len(order) == 1 {
		_, err := s.deliver(ctx, order[0], data, sharedmem.PinnedBytes(data))
		return err
	}
	// Counting sort of the row numbers by partition, stable.
	starts := make([]int32, len(order)+1)
	for _, g := range s.gids {
		starts[g+1]++
	}
	for g := range order {
		starts[g+1] += starts[g]
	}
	idx := make([]int32, n)
	fill := append([]int32(nil), starts[:len(order)]...)
	for r, g := range s.gids {
		idx[fill[g]] = int32(r)
		fill[g]++
	}
	b := array.NewInt32Builder(s.opts.Mem)
	b.AppendValues(idx, nil)
	indices := b.NewArray()
	b.Release()
	defer indices.Release()
	// arrow-go's kernels can leak their output buffers when ctx ends
	// midway; one batch's kernel is short, and the run's cancellation is
	// seen between batches.
	ctx = compute.WithAllocator(context.WithoutCancel(ctx), kernelmem.Allocator(s.opts.Mem))
	out, err := compute.Take(ctx, *compute.DefaultTakeOptions(), compute.NewDatumWithoutOwning(data), compute.NewDatumWithoutOwning(indices))
	if err != nil {
		return err
	}
	sorted := out.(*compute.RecordDatum).Value
	defer sorted.Release()
	size := sharedmem.PinnedBytes(sorted)
	for g, p := range order {
		piece := sorted.NewSlice(int64(starts[g]), int64(starts[g+1]))
		held, err := s.deliver(ctx, p, piece, size)
		piece.Release()
		if err != nil {
			return err
		}
		if held {
			size = 0 // the batch is counted once, by the first piece held
		}
	}
	return nil
}

// dataOf returns rec without its key columns (a new reference).
func (s *Sink) dataOf(rec arrow.RecordBatch) arrow.RecordBatch {
	cols := make([]arrow.Array, len(s.dataIdx))
	for i, j := range s.dataIdx {
		cols[i] = rec.Column(j)
	}
	return array.NewRecordBatch(s.data, cols, rec.NumRows())
}

// keyOf returns row r's key as the partition's relative directory.
// Values are told apart by their text, as the directory names do.
func (s *Sink) keyOf(rec arrow.RecordBatch, r int) (string, error) {
	buf := s.scratch[:0]
	for _, j := range s.keyIdx {
		col := rec.Column(j)
		if col.IsNull(r) {
			buf = append(buf, 0)
			continue
		}
		buf = append(buf, 1)
		switch c := col.(type) {
		case *array.String:
			buf = appendLen(buf, c.Value(r))
		case *array.Int64:
			buf = appendLen(buf, strconv.FormatInt(c.Value(r), 10))
		default:
			buf = appendLen(buf, col.ValueStr(r))
		}
	}
	s.scratch = buf
	if p, ok := s.byKey[string(buf)]; ok {
		return p.key, nil
	}
	return s.newKey(rec, r, string(buf))
}

func appendLen(buf []byte, v string) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(v)))
	return append(buf, v...)
}

// newKey makes the partition of a key seen for the first time. With a
// Template, a key whose file another key has already is an error.
func (s *Sink) newKey(rec arrow.RecordBatch, r int, key string) (string, error) {
	segs := make([]string, len(s.keyIdx))
	for i, j := range s.keyIdx {
		col := rec.Column(j)
		v, valid := "", col.IsValid(r)
		if c, ok := col.(*array.String); ok && valid {
			v = c.Value(r)
		} else if valid {
			v = col.ValueStr(r)
		}
		segs[i] = hive.Escape(v, valid)
		if s.opts.Template == nil {
			segs[i] = hive.Escape(rec.Schema().Field(j).Name, true) + "=" + segs[i]
		}
	}
	p := &part{key: key}
	if t := s.opts.Template; t != nil {
		file, err := t.path(segs)
		if err != nil {
			return "", fmt.Errorf("%w (key %s)", err, strings.Join(segs, ", "))
		}
		if other, ok := s.paths[file]; ok {
			return "", fmt.Errorf("%w: keys %s and %s both make the file %s", ErrTemplate, other, strings.Join(segs, ", "), file)
		}
		s.paths[file] = strings.Join(segs, ", ")
		p.file = file
	} else {
		p.dir = path.Join(segs...)
	}
	s.byKey[key] = p
	s.parts = append(s.parts, p)
	return key, nil
}

// partOf returns the partition of key (made by newKey; "" without keys).
func (s *Sink) partOf(key string) *part {
	if p, ok := s.byKey[key]; ok {
		return p
	}
	p := &part{key: key}
	s.byKey[key] = p
	s.parts = append(s.parts, p)
	return p
}

// deliver writes rec (borrowed) to p's file, opening one when a writer is
// free, or holds it for Close and reports held; size is the Arrow size to
// count for it when held (0 when its batch is counted already: a held
// slice keeps its whole batch alive).
func (s *Sink) deliver(ctx context.Context, p *part, rec arrow.RecordBatch, size int64) (held bool, err error) {
	if p.w != nil || (!p.waiting && s.open < s.opts.MaxOpen) {
		return false, s.write(ctx, p, rec)
	}
	p.waiting = true
	rec.Retain()
	p.buf = append(p.buf, rec)
	s.held += size
	if s.held > s.opts.MemoryBudget {
		return true, s.spill(ctx)
	}
	return true, nil
}
