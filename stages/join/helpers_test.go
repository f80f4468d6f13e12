package join

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

type row = rowtest.Row

// rowsOf reads batches back as rowtest.Rows does, but with int32 values
// and timestamps as int64, as the join tests write them.
func rowsOf(t testing.TB, recs []arrow.RecordBatch) []row {
	out := rowtest.Rows(t, recs)
	for _, r := range out {
		for c, v := range r {
			switch v := v.(type) {
			case int32:
				r[c] = int64(v)
			case arrow.Timestamp:
				r[c] = int64(v)
			}
		}
	}
	return out
}

// source is a pipeline.Source over batches built from parts, and the
// release of its reader (once, however often it is called) for after
// the run.
func source(t testing.TB, mem memory.Allocator, schema *arrow.Schema, parts [][]row) (pipeline.Source, func()) {
	recs := make([]arrow.RecordBatch, len(parts))
	for i, p := range parts {
		recs[i] = rowtest.Batch(t, mem, schema, p)
	}
	rr, err := array.NewRecordReader(schema, recs)
	require.NoError(t, err)
	releaseAll(recs)
	return pipeline.FromRecordReader(rr), sync.OnceFunc(rr.Release)
}

// runCase is one run of a join in a pipeline.
type runCase struct {
	workers   int
	mode      sharedmem.Mode
	unordered bool
	env       verb.Env
}

func (c runCase) String() string {
	return fmt.Sprintf("workers=%d/mode=%d", c.workers, c.mode)
}

// runJoin runs stream through v and returns the output rows; the
// allocator must be back to zero after it.
func runJoin(t testing.TB, ctx context.Context, mem *memory.CheckedAllocator, stream pipeline.Source, v verb.Verb, c runCase) ([]row, *arrow.Schema, error) {
	env := c.env
	env.Mem = mem
	env.Workers = c.workers
	st, out, err := v.Build(env, stream.Schema())
	if err != nil {
		return nil, nil, err
	}
	st.Workers = c.workers
	var recs []arrow.RecordBatch
	sink := pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
		rec.Retain()
		recs = append(recs, rec)
		return nil
	})
	p := pipeline.New(stream, []pipeline.Stage{st}, sink, pipeline.Config{
		Handoff: sharedmem.Policy{Mode: c.mode}, Mem: mem, Unordered: c.unordered})
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("join did not finish")
	}
	rows := rowsOf(t, recs)
	releaseAll(recs)
	return rows, out, err
}
