package aggregate

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// distinctWorker passes on the rows whose key columns have not been seen
// before, whole and in input order. It runs as the stage's only worker.
type distinctWorker struct {
	name   string
	keyIdx []int
	tab    *table
	mem    memory.Allocator
	cap    int64
	keys   []arrow.Array
	gids   []uint32
	keep   []uint32
}

func (w *distinctWorker) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	n := int(in.NumRows())
	if n == 0 {
		in.Release()
		return nil, nil
	}
	for i, c := range w.keyIdx {
		w.keys[i] = in.Column(c)
	}
	before := uint32(w.tab.n)
	w.gids = w.tab.groups(w.keys, n, seq, w.gids)
	// New groups are numbered in order of their first row in this batch.
	w.keep = w.keep[:0]
	next := before
	for i, g := range w.gids {
		if g == next {
			w.keep = append(w.keep, uint32(i))
			next++
		}
	}
	if w.cap > 0 && w.tab.bytes() > w.cap {
		in.Release()
		return nil, fmt.Errorf("%s: %w: %d distinct keys hold ~%s, over the cap of %s",
			w.name, ErrMemory, w.tab.n, fmtBytes(w.tab.bytes()), fmtBytes(w.cap))
	}
	switch len(w.keep) {
	case 0:
		in.Release()
		return nil, nil
	case n:
		return in, nil
	}
	out := takeRows(w.mem, in, w.keep)
	in.Release()
	return out, nil
}

func newDistinct(env verb.Env, in *arrow.Schema, cols []string) (pipeline.Stage, *arrow.Schema, error) {
	mem := env.Mem
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	var keyIdx []int
	var types []arrow.DataType
	for _, name := range cols {
		i, err := columnIndex(in, name)
		if err != nil {
			return pipeline.Stage{}, nil, err
		}
		if _, err := valueKindOf(in.Field(i).Type); err != nil {
			return pipeline.Stage{}, nil, fmt.Errorf("column %q: %w", name, err)
		}
		keyIdx = append(keyIdx, i)
		types = append(types, in.Field(i).Type)
	}
	if err := checkGatherable(in); err != nil {
		return pipeline.Stage{}, nil, err
	}
	return pipeline.Stage{
		Name: "distinct",
		// It keeps each key's first row as it arrives.
		Workers: 1,
		Ordered: true,
		NewWorker: func() pipeline.Worker {
			return &distinctWorker{
				name: "distinct", keyIdx: keyIdx, tab: newTable(types), mem: mem, cap: env.MaxMemory,
				keys: make([]arrow.Array, len(types)),
			}
		},
	}, in, nil
}
