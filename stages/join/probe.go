package join

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/arrowpipe/arrowpipe/stages/internal/kernelmem"
)

// worker probes the table with the stream's batches. Its scratch is
// reused from batch to batch; matched marks the table rows it matched
// (right and full joins), merged in Finish.
type worker struct {
	j       *joiner
	keys    batchKeys
	on      []uint64
	probe   []int32 // output row -> stream row
	build   []int32 // output row -> table row, -1 for none
	heads   []int32 // stream row -> its first match, -1 for none
	matched []uint64
}

func (w *worker) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	j := w.j
	if err := j.acquire(ctx); err != nil {
		in.Release()
		return nil, err
	}
	defer j.state.mu.RUnlock()
	in, err := undict(ctx, j.mem, j.stream, in)
	if err != nil {
		return nil, err
	}
	defer in.Release()
	if in.NumRows() == 0 {
		return nil, nil
	}
	j.stats.ProbeRows.Add(in.NumRows())
	if g := j.state.grace; g != nil {
		return nil, g.addStream(ctx, w, seq, in)
	}
	return w.join(ctx, j.state.t, in)
}

// join joins one stream batch (borrowed) with t.
func (w *worker) join(ctx context.Context, t *table, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	j := w.j
	n := int(in.NumRows())
	w.probe, w.build = w.probe[:0], w.build[:0]
	if j.kind == AsOf {
		w.probeAsOf(t, in)
	} else {
		w.probeEqual(t, in)
	}
	if len(w.probe) == 0 {
		return nil, nil
	}
	j.stats.Matches.Add(int64(countMatches(w.build, j.kind)))
	identity := isIdentity(w.probe, n) // each stream row once, in order
	cols := make([]arrow.Array, 0, j.out.NumFields())
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	for _, c := range in.Columns() {
		if identity {
			c.Retain()
			cols = append(cols, c)
			continue
		}
		out, err := take(ctx, j.mem, c, w.probe)
		if err != nil {
			return nil, err
		}
		cols = append(cols, out)
	}
	if j.kind.addsColumns() {
		for _, c := range j.tableOut {
			out, err := take(ctx, j.mem, t.cols[c], w.build)
			if err != nil {
				return nil, err
			}
			cols = append(cols, out)
		}
	}
	return array.NewRecordBatch(j.out, cols, int64(len(w.probe))), nil
}

func isIdentity(probe []int32, n int) bool {
	if len(probe) != n {
		return false
	}
	for i, p := range probe {
		if int(p) != i {
			return false
		}
	}
	return true
}

func countMatches(build []int32, kind Kind) int {
	if kind == Semi || kind == Anti {
		return len(build)
	}
	m := 0
	for _, b := range build {
		if b >= 0 {
			m++
		}
	}
	return m
}

func (w *worker) keyCols(in arrow.RecordBatch, keys []int) []arrow.Array {
	cols := make([]arrow.Array, len(keys))
	for i, k := range keys {
		cols[i] = in.Column(k)
	}
	return cols
}

// probeEqual lists the output rows of an equality join: each stream row
// with each of its matches in table order.
func (w *worker) probeEqual(t *table, in arrow.RecordBatch) {
	j := w.j
	cols := w.keyCols(in, j.streamKeys)
	w.keys.mode = modeOf(classesOf(cols))
	w.keys.load(cols)
	if j.kind.keepsTable() && len(w.matched) < (t.rows+63)/64 {
		w.matched = make([]uint64, (t.rows+63)/64)
	}
	n := int(in.NumRows())
	w.heads = t.ix.heads(&w.keys, w.heads[:0], n)
	for i, head := range w.heads {
		switch j.kind {
		case Semi:
			if head >= 0 {
				w.probe = append(w.probe, int32(i))
				w.build = append(w.build, head)
			}
			continue
		case Anti:
			if head < 0 {
				w.probe = append(w.probe, int32(i))
				w.build = append(w.build, -1)
			}
			continue
		}
		if head < 0 {
			if j.kind.keepsStream() {
				w.probe = append(w.probe, int32(i))
				w.build = append(w.build, -1)
			}
			continue
		}
		for r := head; r >= 0; r = t.next[r] {
			w.probe = append(w.probe, int32(i))
			w.build = append(w.build, r)
			if w.matched != nil {
				w.matched[r/64] |= 1 << (r % 64)
			}
		}
	}
}

// probeAsOf lists each stream row with its as-of match or -1.
func (w *worker) probeAsOf(t *table, in arrow.RecordBatch) {
	j := w.j
	on := in.Column(j.streamKeys[0])
	w.on = fixedKeys(on, w.on)
	var byKeys *batchKeys
	if len(j.streamKeys) > 1 {
		cols := w.keyCols(in, j.streamKeys[1:])
		w.keys.mode = modeOf(classesOf(cols))
		w.keys.load(cols)
		byKeys = &w.keys
	}
	for i := range int(in.NumRows()) {
		w.probe = append(w.probe, int32(i))
		r := int32(-1)
		if !on.IsNull(i) {
			g, ok := int32(0), true
			if byKeys != nil {
				if byKeys.isNull(i) || t.ix == nil {
					ok = false
				} else {
					g, ok = t.ix.get(byKeys, i)
				}
			}
			if ok {
				r = j.asOfRow(t, g, int64(w.on[i]))
			}
		}
		w.build = append(w.build, r)
	}
}

// tableRowsOnly makes the output rows of table rows without a stream row:
// nulls for the stream's columns, except its keys, which take the
// table's key values (cast to the stream key's type).
func (j *joiner) tableRowsOnly(ctx context.Context, t *table, rows []int32) (arrow.RecordBatch, error) {
	n := len(rows)
	cols := make([]arrow.Array, 0, j.out.NumFields())
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	for c, f := range j.stream.Fields() {
		k := -1
		for i, sk := range j.streamKeys {
			if sk == c {
				k = i
			}
		}
		if k < 0 {
			cols = append(cols, array.MakeArrayOfNull(j.mem, f.Type, n))
			continue
		}
		out, err := take(ctx, j.mem, t.cols[j.tableKeys[k]], rows)
		if err != nil {
			return nil, err
		}
		// TypeEqual, as arrow-go checks the record built from it.
		if !arrow.TypeEqual(out.DataType(), f.Type) {
			cast, err := compute.CastToType(compute.WithAllocator(ctx, kernelmem.Allocator(j.mem)), out, f.Type)
			out.Release()
			if err != nil {
				return nil, fmt.Errorf("key %s: a value of %s does not fit the stream's %s: %w", f.Name, j.opts.Table, f.Type, err)
			}
			out = cast
		}
		cols = append(cols, out)
	}
	for _, c := range j.tableOut {
		out, err := take(ctx, j.mem, t.cols[c], rows)
		if err != nil {
			return nil, err
		}
		cols = append(cols, out)
	}
	return array.NewRecordBatch(j.out, cols, int64(n)), nil
}
