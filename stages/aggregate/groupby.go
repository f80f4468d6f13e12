package aggregate

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// MaxBatchRows bounds the rows of every batch the aggregate stages emit.
const MaxBatchRows = 64 << 10

// outRows is the rows of the batches a stage built with env emits from
// Finish: env.BatchRows, at most MaxBatchRows.
func outRows(env verb.Env) int {
	if env.BatchRows > 0 && env.BatchRows < MaxBatchRows {
		return env.BatchRows
	}
	return MaxBatchRows
}

// ErrMemory is returned (wrapped, with the cap and the state size) when a
// stage's state outgrows verb.Env.MaxMemory.
var ErrMemory = errors.New("aggregate: state exceeds the memory cap")

// groupBy is the shared state of a group-by stage: the plan and the memory
// accounting of all its workers.
type groupBy struct {
	name    string
	plan    *plan
	mem     memory.Allocator
	cap     int64
	outRows int // rows per emitted batch
	bytes   atomic.Int64
	groups  atomic.Int64
	// spill is where exact quantiles spill; nil without a cap.
	spill *quantSpill
}

// partial is one worker's hash table and accumulators, and the state rows
// the accumulators share.
type partial struct {
	tab  *table
	rows *stateRows
	accs []accumulator
}

func (g *groupBy) newPartial() *partial {
	p := &partial{tab: newTable(g.plan.keyType), rows: &stateRows{stride: g.plan.stride}}
	off := 0
	for i, a := range g.plan.accs {
		acc := a.make(rowSlot{p.rows, off})
		if q, ok := acc.(*quantAcc); ok {
			q.qs, q.spill = g.plan.quantQs[i], g.spill
		}
		p.accs = append(p.accs, acc)
		off += a.words
	}
	return p
}

// oneRowIfEmpty makes an empty state one group: an aggregate with no
// keys over an empty stream is one row, count 0 and the rest null.
func (p *partial) oneRowIfEmpty() {
	if p.tab.n != 0 {
		return
	}
	p.tab.n = 1
	p.tab.hashes = append(p.tab.hashes, 0)
	p.tab.first = append(p.tab.first, pos{})
	p.grow()
}

// grow makes room for the table's groups in the rows and accumulators.
func (p *partial) grow() {
	p.rows.grow(p.tab.n)
	for _, a := range p.accs {
		a.grow(p.tab.n)
	}
}

func (p *partial) bytes() int64 {
	b := p.tab.bytes() + p.rows.bytes()
	for _, a := range p.accs {
		b += a.bytes()
	}
	return b
}

type groupWorker struct {
	g       *groupBy
	part    *partial
	gids    []uint32
	keys    []arrow.Array
	counted int64
	nGroups int
}

func (g *groupBy) newWorker() pipeline.Worker {
	return &groupWorker{g: g, part: g.newPartial(), keys: make([]arrow.Array, len(g.plan.keyIdx))}
}

func (w *groupWorker) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	defer in.Release()
	if w.g.spill != nil {
		w.g.spill.watch(ctx)
	}
	n := int(in.NumRows())
	if n == 0 {
		return nil, nil
	}
	if err := checkDecimals(in, planCols(w.g.plan)); err != nil {
		return nil, fmt.Errorf("%s: %w", w.g.name, err)
	}
	p := w.part
	for i, c := range w.g.plan.keyIdx {
		w.keys[i] = in.Column(c)
	}
	var err error
	if w.gids, err = p.tab.groups(w.keys, n, seq, w.gids); err != nil {
		return nil, fmt.Errorf("%s: %w", w.g.name, textErr(err, in, w.g.plan.keyIdx))
	}
	if err := p.update(w.g.plan, in, seq, w.gids, updateBlock); err != nil {
		return nil, fmt.Errorf("%s: %w", w.g.name, textErr(err, in, planCols(w.g.plan)))
	}
	return nil, w.account(p)
}

// update adds the rows of in, whose groups are gids, to the accumulators,
// block rows at a time, so that the state rows are still cached for each
// accumulator in turn (see stateRows).
func (p *partial) update(pl *plan, in arrow.RecordBatch, seq uint64, gids []uint32, block int) error {
	p.grow()
	for i, spec := range pl.accs {
		var col arrow.Array
		if spec.col >= 0 {
			col = in.Column(spec.col)
		}
		if err := p.accs[i].bind(col, seq); err != nil {
			return err
		}
	}
	for lo := 0; lo < len(gids); lo += block {
		bg := gids[lo:min(lo+block, len(gids))]
		p.rows.touch(bg)
		for _, a := range p.accs {
			if err := a.update(bg, lo); err != nil {
				return err
			}
		}
	}
	return nil
}

// account adds the change in this worker's state size to the stage's
// total and fails when the total passes the cap.
func (w *groupWorker) account(p *partial) error {
	b := p.bytes()
	total := w.g.bytes.Add(b - w.counted)
	groups := w.g.groups.Add(int64(p.tab.n - w.nGroups))
	w.counted, w.nGroups = b, p.tab.n
	return w.g.checkCap(total, groups)
}

func (g *groupBy) checkCap(total, groups int64) error {
	if g.cap > 0 && total > g.cap {
		return fmt.Errorf("%s: %w: %d groups hold ~%s, over the cap of %s (raise the memory limit or group on fewer keys)",
			g.name, ErrMemory, groups, fmtBytes(total), fmtBytes(g.cap))
	}
	return nil
}

// finish merges the workers' partials into one, in worker order, and emits
// the groups in order of first appearance in the input.
func (g *groupBy) finish(ctx context.Context, workers []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
	if g.spill != nil {
		g.spill.watch(ctx)
		defer g.spill.removeAll()
	}
	final := g.newPartial()
	var finalBytes int64
	for _, pw := range workers {
		w := pw.(*groupWorker)
		if err := ctx.Err(); err != nil {
			return context.Cause(ctx)
		}
		src := w.part
		w.part = nil
		if src == nil || src.tab.n == 0 {
			continue
		}
		if final.tab.n == 0 {
			// The first partial becomes the final state as it is.
			final = src
			b := final.bytes()
			finalBytes = b
			g.bytes.Add(b - w.counted)
			continue
		}
		gids, err := final.merge(g.mem, src)
		if err != nil {
			return fmt.Errorf("%s: %w", g.name, err)
		}
		if err := final.mergeAccs(src, gids); err != nil {
			return fmt.Errorf("%s: %w", g.name, err)
		}
		b := final.bytes()
		total := g.bytes.Add(b - finalBytes - w.counted)
		finalBytes = b
		if err := g.checkCap(total, int64(final.tab.n)); err != nil {
			return err
		}
	}
	if len(g.plan.keyIdx) == 0 {
		final.oneRowIfEmpty()
	}
	order := firstOrder(final.tab.first)
	for lo := 0; lo < len(order); lo += g.outRows {
		if err := ctx.Err(); err != nil {
			return context.Cause(ctx)
		}
		chunk := order[lo:min(lo+g.outRows, len(order))]
		rec, err := g.build(final, chunk)
		if err != nil {
			return err
		}
		if err := emit(rec); err != nil {
			return err
		}
	}
	return nil
}

// merge adds src's groups to p's table and returns, for each of src's
// groups, its id in p.
func (p *partial) merge(mem memory.Allocator, src *partial) ([]uint32, error) {
	return p.tab.absorb(mem, src.tab)
}

// A rowMerger is an accumulator whose state lives in the shared rows and
// that merges a range of src's groups, so that the rows can be merged a
// block at a time like updates (see partial.update).
type rowMerger interface {
	// mergeRows adds the state of src's groups lo, lo+1, ... to the groups
	// gids[0], gids[1], ...
	mergeRows(src accumulator, gids []uint32, lo int) error
}

// mergeAccs adds the accumulators of src to p's: src's group i goes to
// group gids[i] (see merge). The state rows are merged block by block,
// touched first, so that a million merged groups cost one cache miss each
// rather than one per accumulator; the other states merge whole.
func (p *partial) mergeAccs(src *partial, gids []uint32) error {
	p.grow()
	for lo := 0; lo < len(gids); lo += updateBlock {
		bg := gids[lo:min(lo+updateBlock, len(gids))]
		p.rows.touch(bg)
		for i, a := range p.accs {
			if m, ok := a.(rowMerger); ok {
				if err := m.mergeRows(src.accs[i], bg, lo); err != nil {
					return err
				}
			}
		}
	}
	for i, a := range p.accs {
		if _, ok := a.(rowMerger); !ok {
			if err := a.merge(src.accs[i], gids); err != nil {
				return err
			}
		}
	}
	return nil
}

// build makes one output batch for the groups in order.
func (g *groupBy) build(p *partial, order []uint32) (arrow.RecordBatch, error) {
	cols := p.tab.keyArrays(g.mem, order)
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	for _, o := range g.plan.outs {
		col, err := o.build(p.accs[o.acc], g.mem, order)
		if err != nil {
			if ge, ok := err.(*groupError); ok && len(g.plan.keyIdx) > 0 {
				return nil, fmt.Errorf("%s: %s of group %s: %w", g.name, o.text, g.describeGroup(p, ge.g), err)
			}
			return nil, fmt.Errorf("%s: %s: %w", g.name, o.text, err)
		}
		cols = append(cols, col)
	}
	return array.NewRecordBatch(g.plan.schema, cols, int64(len(order))), nil
}

// newGroupBy builds the group-by stage for keys (none: the whole stream is
// one group) and an aggregate list.
func newGroupBy(env verb.Env, name string, in *arrow.Schema, keys []string, calls []Aggregate) (pipeline.Stage, *arrow.Schema, error) {
	p, err := newPlan(in, keys, calls)
	if err != nil {
		return pipeline.Stage{}, nil, err
	}
	g := &groupBy{name: name, plan: p, mem: env.Mem, cap: env.MaxMemory, outRows: outRows(env)}
	workers := env.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	g.spill = newQuantSpill(env.TempDir, env.MaxMemory, workers, len(p.quantQs))
	if g.mem == nil {
		g.mem = memory.DefaultAllocator
	}
	return pipeline.Stage{
		Name:      name,
		Workers:   env.Workers,
		NewWorker: g.newWorker,
		Finish:    g.finish,
	}, p.schema, nil
}

// fmtBytes formats a size for error messages: "512 B", "256 KiB", "1.5 GiB".
func fmtBytes(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%d KiB", n>>10)
	case n < 1<<30:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
}
