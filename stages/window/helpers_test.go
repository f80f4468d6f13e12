package window

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
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

// testSchema has keys (g, h), values of each kind, all nullable.
var testSchema = arrow.NewSchema([]arrow.Field{
	{Name: "g", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "h", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "v_int", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "v_f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "v_i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "v_str", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "v_ts", Type: arrow.FixedWidthTypes.Timestamp_us, Nullable: true},
	{Name: "v_bool", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
}, nil)

type row = rowtest.Row

// randomRows makes n rows with few groups, many ties and ~15 % nulls.
func randomRows(r *rand.Rand, n int) []row {
	null := func() bool { return r.IntN(7) == 0 }
	out := make([]row, n)
	for i := range out {
		v := make(row, len(testSchema.Fields()))
		set := func(c int, x any) {
			if !null() {
				v[c] = x
			}
		}
		set(0, []string{"a", "b", "", "dd"}[r.IntN(4)])
		set(1, int64(r.IntN(3)))
		set(2, int64(r.IntN(11)-5))
		f := []float64{0.5, -1.25, 3, 1e10}[r.IntN(4)] * float64(r.IntN(3))
		if r.IntN(40) == 0 {
			f = math.NaN()
		}
		set(3, f)
		set(4, int32(r.IntN(100)-50))
		set(5, fmt.Sprintf("s%02d", r.IntN(20)))
		set(6, arrow.Timestamp(r.Int64N(5)*1000))
		set(7, r.IntN(2) == 0)
		out[i] = v
	}
	return out
}

// runConfig is one way of running a chain.
type runConfig struct {
	mode      sharedmem.Mode
	workers   int
	unordered bool
}

func (c runConfig) String() string {
	return fmt.Sprintf("mode=%v/workers=%d/unordered=%v", c.mode, c.workers, c.unordered)
}

// configs are every handoff mode with 1 and 4 workers, ordered and not.
func configs() []runConfig {
	var out []runConfig
	for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto} {
		for _, w := range []int{1, 4} {
			out = append(out, runConfig{mode, w, false})
		}
	}
	out = append(out, runConfig{sharedmem.Auto, 4, true})
	return out
}

// runVerb runs the batches of parts through a pass-through stage of
// cfg.workers workers and then v, in a real pipeline, and returns the
// output rows. The pipeline and the stages allocate from mem.
func runVerb(t *testing.T, ctx context.Context, mem memory.Allocator, env verb.Env, cfg runConfig, parts [][]row, v verb.Verb) ([]row, error) {
	t.Helper()
	env.Mem, env.Workers = mem, cfg.workers
	st, _, err := v.Build(env, testSchema)
	if err != nil {
		return nil, err
	}
	recs := make([]arrow.RecordBatch, len(parts))
	for i, p := range parts {
		recs[i] = rowtest.Batch(t, mem, testSchema, p)
	}
	rr, err := array.NewRecordReader(testSchema, recs)
	require.NoError(t, err)
	for _, r := range recs {
		r.Release()
	}
	defer rr.Release()
	pass := pipeline.Stage{Name: "pass", Workers: cfg.workers, NewWorker: func() pipeline.Worker {
		return pipeline.WorkerFunc(func(_ context.Context, _ uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
			return in, nil
		})
	}}
	var out []row
	sink := pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
		out = append(out, rowtest.Rows(t, []arrow.RecordBatch{rec})...)
		return nil
	})
	p := pipeline.New(pipeline.FromRecordReader(rr), []pipeline.Stage{pass, st}, sink, pipeline.Config{
		Handoff: sharedmem.Policy{Mode: cfg.mode}, Mem: mem, Unordered: cfg.unordered,
		DecodeWorkers: cfg.workers, EncodeWorkers: cfg.workers,
	})
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	select {
	case err := <-done:
		return out, err
	case <-time.After(60 * time.Second):
		t.Fatal("pipeline did not finish")
		return nil, nil
	}
}

var errEOF = io.EOF

func newRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

type arrowRecord = arrow.RecordBatch
