package aggregate

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// Partial states let a group-by run in two phases in different processes:
// GroupByStates on each part of the input (a cluster task) emits, per
// group, its keys and the partial state of every aggregate as ordinary
// Arrow columns (see states_codec.go), which travel as Arrow IPC; then
// MergeStates over those batches, in the parts' order, merges the states
// with the accumulators' own merge and emits what GroupBy over the whole
// input emits: the same groups in the same order (each group's first
// row), and the same values. Integer sums and means, counts, min, max,
// first, last, distinct counts (exact, and approximate: HyperLogLog
// registers merge by maximum) and exact quantiles are exact, and so are
// approximate quantiles of groups of at most ApproxExactMax values; beyond
// that their t-digests merge in the parts' order, as a run on several
// workers merges its workers' digests. Float sums
// and means (Neumaier) and var/stddev (Welford, merged by Chan et al.)
// are merged in the parts' order; the result can differ from a
// single-process run in the last bits, as a run on more workers can (and
// so can a part's states, when GroupByStates runs on several workers).

// StatesVersion is the version of the partial-state columns this build
// writes and reads, kept in the schema's metadata (statesVersionKey); a
// batch of another version is refused.
const StatesVersion = 1

const (
	statesVersionKey = "arrowpipe.states.version"
	stateKindKey     = "arrowpipe.state"
)

// StatesVerb is the name of GroupByStates' verb (StatesSpec).
const StatesVerb = "groupby_states"

// GroupByStates is the first phase of GroupBy(keys, aggs...): one row per
// group of its input with the keys and, in columns named __stateN, the
// partial state of each accumulator, in order of each group's first row.
// An empty input emits no row.
func GroupByStates(keys []string, aggs ...Aggregate) verb.Verb {
	v := groupVerb(StatesVerb, keys, aggs)
	v.Build = func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
		g, schema, err := newStates(env, StatesVerb, in, keys, aggs)
		if err != nil {
			return pipeline.Stage{}, nil, fmt.Errorf("%s: %w", StatesVerb, err)
		}
		return pipeline.Stage{Name: StatesVerb, Workers: env.Workers, NewWorker: g.newWorker,
			Finish: func(ctx context.Context, workers []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
				return g.finishStates(ctx, workers, schema, emit)
			}}, schema, nil
	}
	return v
}

// StatesSpec is the command-line form of GroupByStates, with groupby's
// words (KEYS, - for none, and AGGS). It is not one of Verbs: a cluster's
// workers add it to the verbs their tasks may name.
func StatesSpec() verb.Spec {
	return verb.Spec{
		Name:    StatesVerb,
		Args:    []string{"KEYS", "AGGS"},
		Summary: "groupby's first phase: each group's keys and the partial states of AGGS",
		Parse: func(args []string) (verb.Verb, error) {
			keys, aggs, err := ParseGroupBy(args[0], args[1])
			if err != nil {
				return verb.Verb{}, fmt.Errorf("%s: %w", StatesVerb, err)
			}
			return GroupByStates(keys, aggs...), nil
		},
	}
}

// ParseGroupBy parses groupby's words: KEYS (comma-separated, - for none)
// and AGGS ('count() as n, sum(qty)').
func ParseGroupBy(keyWords, aggWords string) ([]string, []Aggregate, error) {
	aggs, err := parseAggs(aggWords)
	if err != nil {
		return nil, nil, err
	}
	var keys []string
	if strings.TrimSpace(keyWords) != "-" {
		if keys, err = colname.Names(keyWords); err != nil {
			return nil, nil, err
		}
	}
	return keys, aggs, nil
}

// MergeStates builds the second phase of GroupBy(keys, aggs...) on in
// (the schema GroupBy would be built on): its input is the batches of
// GroupByStates built on in, in the order of the parts they come from;
// its output and schema are GroupBy's. It runs on one worker, so that the
// states merge in input order.
func MergeStates(env verb.Env, in *arrow.Schema, keys []string, aggs []Aggregate) (pipeline.Stage, *arrow.Schema, error) {
	g, states, err := newStates(env, "groupby", in, keys, aggs)
	if err != nil {
		return pipeline.Stage{}, nil, fmt.Errorf("groupby: %w", err)
	}
	return pipeline.Stage{Name: "groupby", Workers: 1,
		NewWorker: func() pipeline.Worker {
			return &stateMerger{g: g, states: states, part: g.newPartial(), keys: make([]arrow.Array, len(g.plan.keyIdx))}
		},
		Finish: g.finishMerged,
	}, g.plan.schema, nil
}

// StatesSchema returns the schema of GroupByStates' output on in, or the
// error GroupByStates' Build would return.
func StatesSchema(in *arrow.Schema, keys []string, aggs []Aggregate) (*arrow.Schema, error) {
	_, s, err := newStates(verb.Env{}, StatesVerb, in, keys, aggs)
	return s, err
}

// newStates plans the group-by and the schema of its states.
func newStates(env verb.Env, name string, in *arrow.Schema, keys []string, aggs []Aggregate) (*groupBy, *arrow.Schema, error) {
	if len(aggs) == 0 {
		return nil, nil, errors.New("empty aggregate list")
	}
	p, err := newPlan(in, keys, aggs)
	if err != nil {
		return nil, nil, err
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
	fields := append([]arrow.Field(nil), p.schema.Fields()[:len(keys)]...)
	probe := g.newPartial()
	for i, a := range probe.accs {
		fields = append(fields, arrow.Field{Name: "__state" + strconv.Itoa(i), Type: stateType(a, p.accs[i].words),
			Nullable: true, Metadata: arrow.NewMetadata([]string{stateKindKey}, []string{stateKind(a)})})
	}
	md := arrow.NewMetadata([]string{statesVersionKey}, []string{strconv.Itoa(StatesVersion)})
	return g, arrow.NewSchema(fields, &md), nil
}

// accText names the aggregates that read accumulator i, for errors.
func accText(p *plan, i int) string {
	var names []string
	for _, o := range p.outs {
		if o.acc == i {
			names = append(names, o.text)
		}
	}
	return strings.Join(names, ", ")
}

// mergeWorkers merges the workers' partials into one, in worker order, as
// finish does, counting the merged state against the cap.
func (g *groupBy) mergeWorkers(ctx context.Context, parts []*partial, counted []int64) (*partial, error) {
	final := g.newPartial()
	var finalBytes int64
	for i, src := range parts {
		if err := ctx.Err(); err != nil {
			return nil, context.Cause(ctx)
		}
		if src == nil || src.tab.n == 0 {
			continue
		}
		if final.tab.n == 0 {
			final = src
			finalBytes = final.bytes()
			g.bytes.Add(finalBytes - counted[i])
			continue
		}
		gids, err := final.merge(g.mem, src)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", g.name, err)
		}
		if err := final.mergeAccs(src, gids); err != nil {
			return nil, fmt.Errorf("%s: %w", g.name, err)
		}
		b := final.bytes()
		total := g.bytes.Add(b - finalBytes - counted[i])
		finalBytes = b
		if err := g.checkCap(total, int64(final.tab.n)); err != nil {
			return nil, err
		}
	}
	return final, nil
}

// finishStates emits the merged partial of the workers as states.
func (g *groupBy) finishStates(ctx context.Context, workers []pipeline.Worker, schema *arrow.Schema, emit func(arrow.RecordBatch) error) error {
	if g.spill != nil {
		g.spill.watch(ctx)
		defer g.spill.removeAll()
	}
	parts := make([]*partial, len(workers))
	counted := make([]int64, len(workers))
	for i, pw := range workers {
		w := pw.(*groupWorker)
		parts[i], counted[i], w.part = w.part, w.counted, nil
	}
	final, err := g.mergeWorkers(ctx, parts, counted)
	if err != nil {
		return err
	}
	order := firstOrder(final.tab.first)
	for lo := 0; lo < len(order); lo += g.outRows {
		if err := ctx.Err(); err != nil {
			return context.Cause(ctx)
		}
		chunk := order[lo:min(lo+g.outRows, len(order))]
		rec, err := g.buildStates(final, chunk, schema)
		if err != nil {
			return err
		}
		if err := emit(rec); err != nil {
			return err
		}
	}
	return nil
}

func (g *groupBy) buildStates(p *partial, order []uint32, schema *arrow.Schema) (arrow.RecordBatch, error) {
	cols := p.tab.keyArrays(g.mem, order)
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	off := 0
	for i, a := range p.accs {
		col, err := exportState(a, g.mem, order, off, g.plan.accs[i].words)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", g.name, accText(g.plan, i), err)
		}
		cols = append(cols, col)
		off += g.plan.accs[i].words
	}
	return array.NewRecordBatch(schema, cols, int64(len(order))), nil
}

// stateMerger is MergeStates' worker: it adds each batch's states to its
// partial, by key.
type stateMerger struct {
	g       *groupBy
	states  *arrow.Schema
	part    *partial
	gids    []uint32
	keys    []arrow.Array
	counted int64
	nGroups int
}

func (w *stateMerger) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	defer in.Release()
	n := int(in.NumRows())
	if n == 0 {
		return nil, nil
	}
	if v, _ := in.Schema().Metadata().GetValue(statesVersionKey); v != strconv.Itoa(StatesVersion) || !in.Schema().Equal(w.states) {
		return nil, fmt.Errorf("%s: partial states %s (version %q), want %s (version %d)", w.g.name, in.Schema(), v, w.states, StatesVersion)
	}
	p := w.part
	for i := range w.keys {
		w.keys[i] = in.Column(i)
	}
	old := uint32(p.tab.n)
	var err error
	if w.gids, err = p.tab.groups(w.keys, n, seq, w.gids); err != nil {
		return nil, fmt.Errorf("%s: %w", w.g.name, textErr(err, in, nil))
	}
	src := w.g.newPartial()
	src.rows.grow(n)
	off := 0
	for i, a := range src.accs {
		a.grow(n)
		if err := loadState(a, in.Column(len(w.keys)+i), seq, off, w.g.plan.accs[i].words); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", w.g.name, accText(w.g.plan, i), err)
		}
		off += w.g.plan.accs[i].words
	}
	if err := w.merge(src, old); err != nil {
		return nil, fmt.Errorf("%s: %w", w.g.name, err)
	}
	b := p.bytes()
	total := w.g.bytes.Add(b - w.counted)
	groups := w.g.groups.Add(int64(p.tab.n - w.nGroups))
	w.counted, w.nGroups = b, p.tab.n
	return nil, w.g.checkCap(total, groups)
}

// merge adds src's groups (the batch's rows) to the groups w.gids of the
// worker's partial, of which those from old on are new. A new group's
// state words are copied, as finish takes its first partial as it is, so
// that merging the states of parts a, b, ... in order gives a merged with
// b, ... bit for bit: a compensated sum merged into an empty one would be
// renormalized. The other states merge into an empty state exactly, and a
// t-digest arriving in an empty group is taken as it is (mergeRow).
func (w *stateMerger) merge(src *partial, old uint32) error {
	p := w.part
	p.grow()
	stride := p.rows.stride
	fresh := make([]bool, len(w.gids))
	seen := map[uint32]bool{}
	for i, g := range w.gids {
		if g >= old && !seen[g] {
			seen[g] = true
			fresh[i] = true
			copy(p.rows.w[int(g)*stride:int(g+1)*stride], src.rows.w[i*stride:(i+1)*stride])
		}
	}
	for i, a := range p.accs {
		m, ok := a.(rowMerger)
		if !ok {
			if err := a.merge(src.accs[i], w.gids); err != nil {
				return err
			}
			continue
		}
		for j, g := range w.gids {
			if fresh[j] {
				if isum, ok := a.(*isumAcc); ok && !isum.counted && src.accs[i].(*isumAcc).hasValue(uint32(j)) {
					isum.has[g/64] |= 1 << (g % 64)
				}
				continue
			}
			if err := m.mergeRows(src.accs[i], w.gids[j:j+1], j); err != nil {
				return err
			}
		}
	}
	return nil
}

// finishMerged emits the merged groups as GroupBy does.
func (g *groupBy) finishMerged(ctx context.Context, workers []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
	if g.spill != nil {
		g.spill.watch(ctx)
		defer g.spill.removeAll()
	}
	parts := make([]*partial, len(workers))
	counted := make([]int64, len(workers))
	for i, pw := range workers {
		w := pw.(*stateMerger)
		parts[i], counted[i], w.part = w.part, w.counted, nil
	}
	final, err := g.mergeWorkers(ctx, parts, counted)
	if err != nil {
		return err
	}
	if len(g.plan.keyIdx) == 0 {
		final.oneRowIfEmpty()
	}
	order := firstOrder(final.tab.first)
	for lo := 0; lo < len(order); lo += g.outRows {
		if err := ctx.Err(); err != nil {
			return context.Cause(ctx)
		}
		rec, err := g.build(final, order[lo:min(lo+g.outRows, len(order))])
		if err != nil {
			return err
		}
		if err := emit(rec); err != nil {
			return err
		}
	}
	return nil
}
