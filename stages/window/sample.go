package window

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/internal/cancelguard"
	"github.com/arrowpipe/arrowpipe/stages/internal/kernelmem"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// Sample returns the sample verb of n rows: a uniform sample without
// replacement (reservoir, Algorithm R), the same rows for the same seed
// and input, emitted in input order by Finish; fewer rows when the input
// has fewer. It keeps the batches that hold sampled rows and compacts
// them into the sampled rows alone when they pass 32 batches and twice n
// rows, within Env.MaxMemory (ErrMemory beyond).
func Sample(n int64, seed uint64) verb.Verb { return SampleBy(n, seed) }

// SampleBy returns the sample verb of n rows of each group of keys (none:
// the whole input, as Sample): a reservoir per group, drawn from one
// random stream in input order, so the same rows for the same seed and
// input whatever the batch sizes. The rows come out in input order at
// the end. What it holds (up to n rows a group, compacted as Sample's,
// and the group table) counts against Env.MaxMemory (ErrMemory beyond).
func SampleBy(n int64, seed uint64, keys ...string) verb.Verb {
	if n < 0 {
		return verb.Failed("sample", fmt.Errorf("sample: the row count %d is negative", n))
	}
	return verb.Verb{Name: "sample", Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
		mem := env.Mem
		if mem == nil {
			mem = memory.DefaultAllocator
		}
		var keyIdx []int
		var kinds []kind
		for _, k := range keys {
			idx := in.FieldIndices(k)
			if len(idx) == 0 {
				return pipeline.Stage{}, nil, fmt.Errorf("sample: by: no key column %q", k)
			}
			kk, err := kindOf(in.Field(idx[0]).Type)
			if err != nil {
				return pipeline.Stage{}, nil, verb.NameColumn(fmt.Errorf("sample: by: key %q: %w", k, err), k)
			}
			keyIdx, kinds = append(keyIdx, idx[0]), append(kinds, kk)
		}
		return pipeline.Stage{
			Name: "sample",
			// Which row is the t-th decides its chance: one worker, in order.
			Workers: 1,
			Ordered: true,
			NewWorker: func() pipeline.Worker {
				w := &reservoir{n: n, rng: rand.New(rand.NewPCG(seed, 0x5a4d504c45)), mem: mem, cap: env.MaxMemory}
				if len(keys) > 0 {
					w.groups, w.keyIdx, w.keys = newGroups(kinds), keyIdx, make([]arrow.Array, len(keyIdx))
				}
				return w
			},
			Finish: func(ctx context.Context, workers []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
				return workers[0].(*reservoir).finish(ctx, emit)
			},
			Abort: cancelguard.StageAbort(func(w *reservoir) *cancelguard.Guard { return &w.guard }),
		}, in, nil
	}}
}

// SampleFraction returns the sample verb of a fraction p in [0, 1] of the
// rows: each row kept with probability p (Bernoulli, as DuckDB's USING
// SAMPLE p% (bernoulli)), independently, in input order. The choice for
// a batch depends on seed and the batch's sequence number, so a run over
// the same input read the same way keeps the same rows; it runs on every
// worker.
func SampleFraction(p float64, seed uint64) verb.Verb {
	if !(p >= 0 && p <= 1) {
		return verb.Failed("sample", fmt.Errorf("sample: the fraction %v is not in [0, 1]", p))
	}
	return verb.Verb{Name: "sample", Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
		mem := env.Mem
		if mem == nil {
			mem = memory.DefaultAllocator
		}
		return pipeline.Stage{Name: "sample", Workers: env.Workers, NewWorker: func() pipeline.Worker {
			return &bernoulli{p: p, seed: seed, mem: mem}
		}}, in, nil
	}}
}

type bernoulli struct {
	p    float64
	seed uint64
	mem  memory.Allocator
	keep []int64
}

func (w *bernoulli) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	rng := rand.New(rand.NewPCG(w.seed, seq))
	w.keep = w.keep[:0]
	for i := range in.NumRows() {
		if rng.Float64() < w.p {
			w.keep = append(w.keep, i)
		}
	}
	defer in.Release()
	if len(w.keep) == 0 {
		return nil, nil
	}
	return takeRows(ctx, w.mem, in, w.keep)
}

// reservoir holds the sample so far: slots point into the held batches.
type reservoir struct {
	n     int64
	rng   *rand.Rand
	mem   memory.Allocator
	cap   int64
	seen  int64
	slots []slot
	held  []arrow.RecordBatch
	// heldRows counts the rows of held, sampled or not: compaction waits
	// until they are twice the sample, so that its cost per row stays
	// constant.
	heldRows int64
	guard    cancelguard.Guard

	// With keys: each row's group, and per group the rows seen and the
	// indices in slots of its sample.
	groups *groups
	keyIdx []int
	keys   []arrow.Array
	gids   []uint32
	seenG  []int64
	slotsG [][]int32
}

// slot is one sampled row: its place in the input and in the held
// batches.
type slot struct {
	row   int64 // in the input
	batch int32 // in held
	at    int32 // in that batch
}

func (w *reservoir) Process(ctx context.Context, _ uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	if !w.guard.Enter(ctx, w.release) {
		in.Release()
		return nil, aborted(ctx)
	}
	defer w.guard.Leave()
	b := int32(len(w.held))
	var used bool
	if w.groups != nil {
		var err error
		if used, err = w.sampleGroups(in, b); err != nil {
			in.Release()
			w.fail()
			return nil, err
		}
	} else {
		used = w.sampleAll(in, b)
	}
	if !used {
		in.Release()
		return nil, nil
	}
	w.held = append(w.held, in)
	w.heldRows += in.NumRows()
	if len(w.held) >= 32 && w.heldRows > 2*int64(len(w.slots)) {
		if err := w.compact(ctx); err != nil {
			w.fail()
			return nil, err
		}
	}
	return nil, nil
}

// sampleAll offers the rows of in, held batch b, to the one reservoir,
// and reports whether it took a row.
func (w *reservoir) sampleAll(in arrow.RecordBatch, b int32) bool {
	used := false
	for i := range in.NumRows() {
		s := slot{row: w.seen, batch: b, at: int32(i)}
		w.seen++
		if int64(len(w.slots)) < w.n {
			w.slots, used = append(w.slots, s), true
		} else if j := w.rng.Int64N(w.seen); j < w.n {
			w.slots[j], used = s, true
		}
	}
	return used
}

// sampleGroups offers the rows of in, held batch b, to their groups'
// reservoirs, and reports whether one took a row.
func (w *reservoir) sampleGroups(in arrow.RecordBatch, b int32) (bool, error) {
	n := int(in.NumRows())
	for i, c := range w.keyIdx {
		w.keys[i] = in.Column(c)
	}
	w.gids = w.groups.ids(w.keys, n, w.gids)
	w.seenG = growTo(w.seenG, w.groups.n)
	w.slotsG = growTo(w.slotsG, w.groups.n)
	used := false
	for i, g := range w.gids {
		s := slot{row: w.seen, batch: b, at: int32(i)}
		w.seen++
		w.seenG[g]++
		if mine := w.slotsG[g]; int64(len(mine)) < w.n {
			w.slotsG[g] = append(mine, int32(len(w.slots)))
			w.slots, used = append(w.slots, s), true
		} else if j := w.rng.Int64N(w.seenG[g]); j < w.n {
			w.slots[mine[j]], used = s, true
		}
	}
	if state := w.groups.size + int64(len(w.slotsG))*32 + int64(len(w.slots))*20; w.cap > 0 && state > w.cap {
		return false, fmt.Errorf("%w: %d groups and their samples of %d rows need ~%d bytes, over the cap of %d (raise --max-memory)",
			ErrMemory, w.groups.n, len(w.slots), state, w.cap)
	}
	return used, nil
}

// compact replaces the held batches by one holding only the sampled rows,
// in slot order.
func (w *reservoir) compact(ctx context.Context) error {
	if len(w.held) == 0 {
		return nil
	}
	parts := make([]arrow.RecordBatch, 0, len(w.held))
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	// The slots keep their order (so that the sample does not depend on
	// when compaction happens); their rows are grouped by batch.
	byBatch := make([][]int, len(w.held))
	for k, s := range w.slots {
		byBatch[s.batch] = append(byBatch[s.batch], k)
	}
	next := make([]slot, len(w.slots))
	at := int32(0)
	for b, rec := range w.held {
		if len(byBatch[b]) == 0 {
			continue
		}
		idx := make([]int64, len(byBatch[b]))
		for i, k := range byBatch[b] {
			idx[i] = int64(w.slots[k].at)
			next[k] = slot{row: w.slots[k].row, at: at}
			at++
		}
		p, err := takeRows(ctx, w.mem, rec, idx)
		if err != nil {
			return err
		}
		parts = append(parts, p)
	}
	out := concatBatches(w.mem, parts)
	w.release()
	w.held, w.slots, w.heldRows = []arrow.RecordBatch{out}, next, out.NumRows()
	size := sharedmem.PinnedBytes(out)
	if w.groups != nil {
		size += w.groups.size + int64(len(w.slotsG))*32
	}
	if w.cap > 0 && size > w.cap {
		return fmt.Errorf("%w: the sample of %d rows needs ~%d bytes, over the cap of %d (raise --max-memory)", ErrMemory, len(w.slots), size, w.cap)
	}
	return nil
}

func (w *reservoir) finish(ctx context.Context, emit func(arrow.RecordBatch) error) error {
	if !w.guard.Enter(ctx, w.release) {
		return aborted(ctx)
	}
	defer w.guard.Leave()
	defer w.guard.Done()
	defer w.release()
	if len(w.slots) == 0 {
		return nil
	}
	if err := w.compact(ctx); err != nil {
		return err
	}
	// Input order: the compacted batch's rows sorted by their input row.
	slots := slices.Clone(w.slots)
	slices.SortFunc(slots, func(a, b slot) int { return cmp.Compare(a.row, b.row) })
	order := make([]int64, len(slots))
	for i, s := range slots {
		order[i] = int64(s.at)
	}
	out, err := takeRows(ctx, w.mem, w.held[0], order)
	if err != nil {
		return err
	}
	return emit(out)
}

func (w *reservoir) fail() {
	w.release()
	w.guard.Done()
}

func (w *reservoir) release() {
	for _, r := range w.held {
		r.Release()
	}
	w.held, w.heldRows = nil, 0
}

// takeRows returns the rows idx of rec, a new batch; rec stays the
// caller's.
func takeRows(ctx context.Context, mem memory.Allocator, rec arrow.RecordBatch, idx []int64) (arrow.RecordBatch, error) {
	ib := array.NewInt64Builder(mem)
	ib.AppendValues(idx, nil)
	ia := ib.NewArray()
	ib.Release()
	defer ia.Release()
	ec := compute.DefaultExecCtx()
	ec.NumParallel = 1
	// arrow-go's kernels can leak their output buffers when ctx ends
	// midway; one batch's kernel is short, and the run's cancellation is
	// seen between batches.
	ctx = compute.SetExecCtx(compute.WithAllocator(context.WithoutCancel(ctx), kernelmem.Allocator(mem)), ec)
	cols := make([]arrow.Array, rec.NumCols())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for c, col := range rec.Columns() {
		t, err := compute.TakeArray(ctx, col, ia)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("sample: taking rows of column %q", rec.Schema().Field(c).Name), err)
		}
		cols[c] = t
	}
	return array.NewRecordBatch(rec.Schema(), cols, int64(len(idx))), nil
}
