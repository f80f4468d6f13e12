package transform

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
	"github.com/arrowpipe/arrowpipe/stages/internal/kernelmem"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// Explode returns the verb that turns the list column col (list, large
// list or fixed-size list: NDJSON arrays, Parquet lists) into one row per
// element, in order, the other columns repeated; the column becomes its
// element type. A row whose list is null or empty gives no row, as
// DuckDB's unnest (Polars' explode keeps one null row instead). It is
// stateless and runs env.Workers workers; an output batch holds the
// elements of one input batch, so a batch of long lists makes a batch of
// as many rows. Build fails when col is missing or not a list.
func Explode(col string) verb.Verb {
	return verb.Verb{
		Name: "explode",
		Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			idx := in.FieldIndices(col)
			if len(idx) == 0 {
				names := make([]string, in.NumFields())
				for k, f := range in.Fields() {
					names[k] = f.Name
				}
				if hint := colname.Closest(col, names); hint != "" {
					return pipeline.Stage{}, nil, fmt.Errorf("explode: unknown column %q, did you mean %q?", col, hint)
				}
				return pipeline.Stage{}, nil, fmt.Errorf("explode: unknown column %q", col)
			}
			k := idx[0]
			lt, ok := in.Field(k).Type.(arrow.ListLikeType)
			if !ok || in.Field(k).Type.ID() == arrow.MAP {
				return pipeline.Stage{}, nil, verb.TypeLimit(col, in.Field(k).Type, fmt.Errorf("explode: column %q is %s, not a list", col, in.Field(k).Type))
			}
			fields := in.Fields()
			fields[k] = arrow.Field{Name: fields[k].Name, Type: lt.Elem(), Nullable: true}
			md := in.Metadata()
			out := arrow.NewSchema(fields, &md)
			mem := allocator(env)
			return pipeline.Stage{Name: "explode", Workers: env.Workers, NewWorker: func() pipeline.Worker {
				return &explodeWorker{col: k, in: in, out: out, mem: mem}
			}}, out, nil
		},
		Reads: func(_ *arrow.Schema, needed []string) []string { return readsPassing(needed, []string{col}) },
	}
}

type explodeWorker struct {
	col     int
	in, out *arrow.Schema
	mem     memory.Allocator
	rows    []int64 // scratch: the input row of each output row
	elems   []int64 // scratch: the child index of each output row
}

func (w *explodeWorker) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	defer in.Release()
	if err := checkInput("explode", in, w.in); err != nil {
		return nil, err
	}
	list := in.Column(w.col).(array.ListLike)
	w.rows, w.elems = w.rows[:0], w.elems[:0]
	for r := 0; r < list.Len(); r++ {
		if list.IsNull(r) {
			continue
		}
		start, end := list.ValueOffsets(r)
		for e := start; e < end; e++ {
			w.rows = append(w.rows, int64(r))
			w.elems = append(w.elems, e)
		}
	}
	// arrow-go's kernels can leak their output buffers when ctx ends
	// midway; one batch's kernel is short, and the run's cancellation is
	// seen between batches.
	ctx = compute.WithAllocator(context.WithoutCancel(ctx), kernelmem.Allocator(w.mem))
	rowIdx := array.NewInt64Data(array.NewData(arrow.PrimitiveTypes.Int64, len(w.rows),
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(w.rows))}, nil, 0, 0))
	defer rowIdx.Release()
	elemIdx := array.NewInt64Data(array.NewData(arrow.PrimitiveTypes.Int64, len(w.elems),
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(w.elems))}, nil, 0, 0))
	defer elemIdx.Release()
	cols := make([]arrow.Array, in.NumCols())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for k, c := range in.Columns() {
		src, idx := c, arrow.Array(rowIdx)
		if k == w.col {
			src, idx = list.ListValues(), elemIdx
		}
		taken, err := compute.TakeArray(ctx, src, idx)
		if err != nil {
			return nil, fmt.Errorf("explode: column %q: %w", w.in.Field(k).Name, err)
		}
		cols[k] = taken
	}
	return array.NewRecordBatch(w.out, cols, int64(len(w.rows))), nil
}

func parseExplode(args []string) (verb.Verb, error) {
	names, _, err := parseNames("explode", args[0])
	if err != nil {
		return verb.Verb{}, err
	}
	if len(names) != 1 {
		return verb.Verb{}, fmt.Errorf("explode: one column, not %d", len(names))
	}
	return Explode(names[0]), nil
}
