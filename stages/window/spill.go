package window

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/internal/spillfile"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// spill is what a window with lead or a rank keeps on disk once its held
// batches pass its share of the cap (config.holdCap):
//
//	held batches ─▶ file (in input order, leads and ranks not known yet null)
//	late values  ─▶ patches (row, fn, value) ─▶ sort by row ─┐
//	rank keys    ─▶ (group, keys, row) ─▶ sort ─▶ ranks ─────┤
//	Finish: file rows + patches, merged by row ─▶ emit ◀─────┘
//
// A lead that resolves a row on disk, and every rank of a row on disk,
// becomes a patch; the sorts are aggregate's sort, which spills beyond
// its share of the cap. Once spilling, the stage emits nothing before
// Finish, and all of it in input order.
type spill struct {
	p    *config
	file *spillfile.Writer
	// first and end are the input rows in file: [first, end) are on disk.
	first, end int64

	patchSchema *arrow.Schema
	patchCol    []int // fn k's value column in patchSchema (-1: none)
	patches     *array.RecordBuilder
	patchSort   sorter
	ranks       []sorter // fn k's rank keys, for ranks
	rankSchemas []*arrow.Schema
	fed         uint64 // the held batches numbered below it are in ranks
}

// sorter is one aggregate sort driven by the window's worker.
type sorter struct {
	st  pipeline.Stage
	w   pipeline.Worker
	seq uint64
}

func newSorter(env verb.Env, schema *arrow.Schema, keys ...aggregate.SortKey) (sorter, error) {
	st, _, err := aggregate.Sort(keys...).Build(env, schema)
	if err != nil {
		return sorter{}, err
	}
	return sorter{st: st, w: st.NewWorker()}, nil
}

func (s *sorter) add(ctx context.Context, rec arrow.RecordBatch) error {
	s.seq++
	_, err := s.w.Process(ctx, s.seq, rec)
	return causeOf(ctx, err)
}

func (s *sorter) finish(ctx context.Context, emit func(arrow.RecordBatch) error) error {
	w := s.w
	s.w = nil
	return causeOf(ctx, s.st.Finish(ctx, []pipeline.Worker{w}, emit))
}

// causeOf is the run's cause for a sort's error once the run is
// cancelled: the sort then only says its state is gone.
func causeOf(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return err
}

var errDiscard = errors.New("window: spill discarded")

// discard ends the sort and removes its files.
func (s *sorter) discard() {
	if s.w == nil {
		return
	}
	_ = s.finish(context.Background(), func(rec arrow.RecordBatch) error {
		rec.Release()
		return errDiscard
	})
}

func newSpill(p *config) (*spill, error) {
	sp := &spill{p: p, patchCol: make([]int, len(p.fns)), ranks: make([]sorter, len(p.fns)), rankSchemas: make([]*arrow.Schema, len(p.fns))}
	sorts := 1
	fields := []arrow.Field{{Name: "row", Type: arrow.PrimitiveTypes.Int64}, {Name: "fn", Type: arrow.PrimitiveTypes.Int64}}
	for k, b := range p.fns {
		sp.patchCol[k] = -1
		if b.f.Op != OpLead && b.order == nil {
			continue
		}
		sp.patchCol[k] = len(fields)
		fields = append(fields, arrow.Field{Name: fmt.Sprintf("v%d", k), Type: b.field.Type, Nullable: true})
		if b.order != nil {
			sorts++
		}
	}
	sp.patchSchema = arrow.NewSchema(fields, nil)
	env := verb.Env{Mem: p.mem, TempDir: p.tempDir, MaxMemory: max((p.cap-p.holdCap())/int64(sorts), 1)}
	var err error
	if sp.patchSort, err = newSorter(env, sp.patchSchema, aggregate.Asc("row"), aggregate.Asc("fn")); err != nil {
		return nil, err
	}
	for k, b := range p.fns {
		if b.order == nil {
			continue
		}
		fields := []arrow.Field{{Name: "gid", Type: arrow.PrimitiveTypes.Int64}}
		keys := []aggregate.SortKey{aggregate.Asc("gid")}
		for j, ok := range b.order {
			name := fmt.Sprintf("k%d", j)
			if ok.kind == kindFloat {
				// The sort puts NaN first, a rank after every number.
				fields = append(fields, arrow.Field{Name: "nan" + name, Type: arrow.FixedWidthTypes.Boolean, Nullable: true})
				keys = append(keys, aggregate.SortKey{Column: "nan" + name, Desc: ok.desc, NullsFirst: ok.nullsFirst})
			}
			fields = append(fields, arrow.Field{Name: name, Type: p.in.Field(ok.col).Type, Nullable: true})
			keys = append(keys, aggregate.SortKey{Column: name, Desc: ok.desc, NullsFirst: ok.nullsFirst})
		}
		fields = append(fields, arrow.Field{Name: "row", Type: arrow.PrimitiveTypes.Int64})
		sp.rankSchemas[k] = arrow.NewSchema(fields, nil)
		if sp.ranks[k], err = newSorter(env, sp.rankSchemas[k], keys...); err != nil {
			sp.remove()
			return nil, err
		}
	}
	sp.patches = array.NewRecordBuilder(p.mem, sp.patchSchema)
	if sp.file, err = spillfile.Create(p.tempDir, "arrowpipe-window-*.arrows", p.out, p.mem); err != nil {
		sp.remove()
		return nil, err
	}
	return sp, nil
}

// patch records fn k's value c for input row at, which is on disk.
func (sp *spill) patch(k int, at int64, c cell) {
	b := sp.patches
	b.Field(0).(*array.Int64Builder).Append(at)
	b.Field(1).(*array.Int64Builder).Append(int64(k))
	for j := 2; j < len(sp.patchSchema.Fields()); j++ {
		if j != sp.patchCol[k] || !c.ok {
			b.Field(j).AppendNull()
			continue
		}
		appendCell(b.Field(j), c)
	}
}

// flushPatches hands the patches so far to their sort.
func (sp *spill) flushPatches(ctx context.Context) error {
	if sp.patches.Field(0).Len() == 0 {
		return nil
	}
	return sp.patchSort.add(ctx, sp.patches.NewRecordBatch())
}

func (sp *spill) remove() {
	sp.patchSort.discard()
	for k := range sp.ranks {
		sp.ranks[k].discard()
	}
	if sp.patches != nil {
		sp.patches.Release()
		sp.patches = nil
	}
	if sp.file != nil {
		sp.file.Remove()
		sp.file = nil
	}
}

// spillQueue writes the held batches to the spill file, after their rank
// keys went to the rank sorts.
func (w *worker) spillQueue(ctx context.Context) error {
	if len(w.queue) == 0 {
		return nil
	}
	if w.spill == nil {
		sp, err := newSpill(w.p)
		if err != nil {
			return err
		}
		w.spill = sp
	}
	sp := w.spill
	if err := w.feedRanks(ctx); err != nil {
		return err
	}
	if sp.file.Rows() == 0 {
		sp.first = w.queue[0].start
	}
	for len(w.queue) > 0 {
		h := w.queue[0]
		out := w.assemble(h.rec, nil, h.cols)
		err := sp.file.Write(out)
		out.Release()
		if err != nil {
			return err
		}
		sp.end = h.start + h.rec.NumRows()
		w.heldBytes -= h.bytes
		h.rec.Release()
		w.queue = w.queue[1:]
		w.base++
	}
	w.queue = nil
	return nil
}

// feedRanks gives the rank sorts the keys of the held batches they have
// not seen.
func (w *worker) feedRanks(ctx context.Context) error {
	sp := w.spill
	if !w.p.rank {
		return nil
	}
	for i := max(int(int64(sp.fed)-int64(w.base)), 0); i < len(w.queue); i++ {
		h := w.queue[i]
		for k, b := range w.p.fns {
			if b.order == nil {
				continue
			}
			if err := sp.ranks[k].add(ctx, w.rankKeys(sp.rankSchemas[k], b, h)); err != nil {
				return err
			}
		}
		sp.fed = w.base + uint64(i) + 1
	}
	return nil
}

// rankKeys is a batch of the rank keys of h's rows: group, keys (a float
// key after its NaN flag), input row.
func (w *worker) rankKeys(schema *arrow.Schema, b bound, h *held) arrow.RecordBatch {
	n := len(h.gids)
	var own []arrow.Array
	ints := func(f func(i int) int64) arrow.Array {
		ib := array.NewInt64Builder(w.p.mem)
		defer ib.Release()
		ib.Reserve(n)
		for i := range n {
			ib.UnsafeAppend(f(i))
		}
		a := ib.NewArray()
		own = append(own, a)
		return a
	}
	cols := []arrow.Array{ints(func(i int) int64 { return int64(h.gids[i]) })}
	for _, ok := range b.order {
		col := h.rec.Column(ok.col)
		if ok.kind == kindFloat {
			var v view
			v.load(kindFloat, col)
			bb := array.NewBooleanBuilder(w.p.mem)
			for i := range n {
				if c := v.cell(i); c.ok {
					bb.Append(c.f != c.f)
				} else {
					bb.AppendNull()
				}
			}
			a := bb.NewArray()
			bb.Release()
			own = append(own, a)
			cols = append(cols, a)
		}
		cols = append(cols, col)
	}
	cols = append(cols, ints(func(i int) int64 { return h.start + int64(i) }))
	out := array.NewRecordBatch(schema, cols, int64(n))
	for _, a := range own {
		a.Release()
	}
	return out
}

// finishSpilled gives every row its ranks and emits the spill file's
// rows with their late values, then leaves the held batches to be
// emitted.
func (w *worker) finishSpilled(ctx context.Context, emit func(arrow.RecordBatch) error) error {
	sp := w.spill
	if err := w.feedRanks(ctx); err != nil {
		return err
	}
	for k, b := range w.p.fns {
		if b.order == nil {
			continue
		}
		rk := newRanker(b)
		err := sp.ranks[k].finish(ctx, func(rec arrow.RecordBatch) error {
			defer rec.Release()
			rk.batch(rec, func(at, rank int64) {
				w.setLate(k, at, cell{i: rank, ok: true})
			})
			return sp.flushPatches(ctx)
		})
		if err != nil {
			return err
		}
	}
	if err := sp.flushPatches(ctx); err != nil {
		return err
	}
	file := sp.file
	if err := file.Close(); err != nil {
		return err
	}
	r, err := spillfile.Open(file.Path(), w.p.mem)
	if err != nil {
		return err
	}
	defer r.Close()
	m := &merger{w: w, r: r, emit: emit, end: sp.first, cols: make([]column, len(w.fns)), touched: make([]bool, len(w.fns))}
	defer m.release()
	err = sp.patchSort.finish(ctx, func(rec arrow.RecordBatch) error {
		defer rec.Release()
		return m.apply(ctx, rec)
	})
	if err != nil {
		return err
	}
	return m.rest(ctx)
}

// setLate sets fn k's value of input row at, on disk or held.
func (w *worker) setLate(k int, at int64, c cell) {
	if at < w.spill.end {
		w.spill.patch(k, at, c)
		return
	}
	i := sort.Search(len(w.queue), func(i int) bool { return w.queue[i].start > at }) - 1
	h := w.queue[i]
	h.cols[k].set(int(at-h.start), c)
}

// ranker numbers the rows of one rank's sorted keys.
type ranker struct {
	b         bound
	dense     bool
	started   bool
	gid       int64
	rank, pos int64
	prev, cur []cell
	views     []view
	cols      []int // each key's column in the sorted batches
}

func newRanker(b bound) *ranker {
	rk := &ranker{b: b, dense: b.f.Op == OpDenseRank, prev: make([]cell, len(b.order)), cur: make([]cell, len(b.order)), views: make([]view, len(b.order))}
	c := 1
	for _, ok := range b.order {
		if ok.kind == kindFloat {
			c++
		}
		rk.cols = append(rk.cols, c)
		c++
	}
	return rk
}

// batch ranks the rows of a sorted batch, in order, calling set for each.
func (rk *ranker) batch(rec arrow.RecordBatch, set func(at, rank int64)) {
	gids := rec.Column(0).(*array.Int64).Int64Values()
	rows := rec.Column(int(rec.NumCols()) - 1).(*array.Int64).Int64Values()
	for j, ok := range rk.b.order {
		rk.views[j].load(ok.kind, rec.Column(rk.cols[j]))
	}
	for i, g := range gids {
		for j := range rk.cur {
			rk.cur[j] = rk.views[j].cell(i)
		}
		switch {
		case !rk.started || g != rk.gid:
			rk.rank, rk.pos, rk.gid, rk.started = 1, 1, g, true
		default:
			rk.pos++
			if rk.compare() != 0 {
				if rk.dense {
					rk.rank++
				} else {
					rk.rank = rk.pos
				}
			}
		}
		for j, c := range rk.cur {
			if c.ok && c.s != "" {
				c = keep(c)
			}
			rk.prev[j] = c
		}
		set(rows[i], rk.rank)
	}
}

func (rk *ranker) compare() int {
	for j, ok := range rk.b.order {
		if c := compareCells(rk.cur[j], rk.prev[j], ok); c != 0 {
			return c
		}
	}
	return 0
}

// merger emits the spill file's batches with the patches applied.
type merger struct {
	w       *worker
	r       *spillfile.Reader
	emit    func(arrow.RecordBatch) error
	cur     arrow.RecordBatch
	start   int64 // input row of cur's first row
	end     int64 // of the rows read so far
	cols    []column
	touched []bool
	views   []view
}

// apply sets the patches of rec, sorted by row, in the file's batches,
// emitting each batch once every patch before its end is in.
func (m *merger) apply(ctx context.Context, rec arrow.RecordBatch) error {
	rows := rec.Column(0).(*array.Int64).Int64Values()
	fns := rec.Column(1).(*array.Int64).Int64Values()
	if m.views == nil {
		m.views = make([]view, len(m.w.fns))
	}
	for k, c := range m.w.spill.patchCol {
		if c >= 0 {
			m.views[k].load(m.w.p.fns[k].kind, rec.Column(c))
		}
	}
	for i, at := range rows {
		for m.cur == nil || at >= m.end {
			if err := m.next(ctx); err != nil {
				return err
			}
			if m.cur == nil {
				return fmt.Errorf("window: spilled value for row %d past the spill's %d rows", at, m.end)
			}
		}
		k := int(fns[i])
		if !m.touched[k] {
			m.load(k)
		}
		c := m.views[k].cell(i)
		if c.ok && m.cols[k].kind == kindString {
			c = keep(c)
		}
		m.cols[k].set(int(at-m.start), c)
	}
	return nil
}

// load reads fn k's column of the current batch into m.cols[k].
func (m *merger) load(k int) {
	n := int(m.cur.NumRows())
	kind := m.w.p.fns[k].kind
	m.cols[k].reset(kind, n)
	var v view
	v.load(kind, m.cur.Column(m.fnColumn(k)))
	for i := range n {
		m.cols[k].set(i, v.cell(i))
	}
	m.touched[k] = true
}

func (m *merger) fnColumn(k int) int { return len(m.w.p.out.Fields()) - len(m.w.fns) + k }

// next emits the current batch, patched, and reads the next.
func (m *merger) next(ctx context.Context) error {
	if err := m.flush(ctx); err != nil {
		return err
	}
	rec, err := m.r.Next()
	if err != nil || rec == nil {
		return err
	}
	m.cur, m.start, m.end = rec, m.end, m.end+rec.NumRows()
	return nil
}

func (m *merger) flush(ctx context.Context) error {
	if m.cur == nil {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return context.Cause(ctx)
	}
	cur := m.cur
	m.cur = nil
	defer cur.Release()
	arrs := cur.Columns()
	var own []arrow.Array
	for k, t := range m.touched {
		if !t {
			continue
		}
		a := build(m.w.p.mem, m.w.p.fns[k].field.Type, []*column{&m.cols[k]})
		own = append(own, a)
		arrs = append(arrs[:0:0], arrs...)
		arrs[m.fnColumn(k)] = a
		m.touched[k] = false
	}
	out := array.NewRecordBatch(m.w.p.out, arrs, cur.NumRows())
	for _, a := range own {
		a.Release()
	}
	return m.emit(out)
}

// rest emits the file's batches after the last patch.
func (m *merger) rest(ctx context.Context) error {
	for {
		if err := m.next(ctx); err != nil || m.cur == nil {
			return err
		}
	}
}

func (m *merger) release() {
	if m.cur != nil {
		m.cur.Release()
		m.cur = nil
	}
}

// appendCell appends the non-null c to b, a builder of one of the types a
// window's output column has.
func appendCell(b array.Builder, c cell) {
	switch b := b.(type) {
	case *array.Int64Builder:
		b.Append(c.i)
	case *array.Float64Builder:
		b.Append(c.f)
	case *array.Float32Builder:
		b.Append(float32(c.f))
	case *array.StringBuilder:
		b.Append(c.s)
	case *array.LargeStringBuilder:
		b.Append(c.s)
	case *array.BooleanBuilder:
		b.Append(c.b)
	default:
		appendInt(b, c.i)
	}
}
