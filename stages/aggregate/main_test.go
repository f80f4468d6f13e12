package aggregate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testSchema has key-like columns (k_*) of every supported type and value
// columns (v_*), all nullable.
var testSchema = arrow.NewSchema([]arrow.Field{
	{Name: "k_str", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "k_int", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "k_bool", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "k_date", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "k_ts", Type: arrow.FixedWidthTypes.Timestamp_us, Nullable: true},
	{Name: "k_f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "v_int", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "v_f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "v_str", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "v_ts", Type: arrow.FixedWidthTypes.Timestamp_us, Nullable: true},
	{Name: "v_date", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "v_bool", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "v_i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
}, nil)

type row = rowtest.Row

// randomRows makes n rows with few distinct keys and about 10 % nulls.
func randomRows(r *rand.Rand, n int) []row {
	words := []string{"north", "south", "east", "west", "", "north-north-east-by-north"}
	null := func() bool { return r.IntN(10) == 0 }
	out := make([]row, n)
	for i := range out {
		v := make(row, len(testSchema.Fields()))
		set := func(c int, x any) {
			if !null() {
				v[c] = x
			}
		}
		set(0, words[r.IntN(len(words))])
		set(1, int64(r.IntN(7)-3))
		set(2, r.IntN(2) == 0)
		set(3, arrow.Date32(r.IntN(3)))
		set(4, arrow.Timestamp(r.IntN(2)*1000))
		set(5, []float64{0, 1.5, -2.25, 1e300}[r.IntN(4)])
		set(6, int64(r.IntN(2001)-1000))
		set(7, r.NormFloat64()*100)
		set(8, fmt.Sprintf("s%03d", r.IntN(50)))
		set(9, arrow.Timestamp(r.Int64N(1e12)))
		set(10, arrow.Date32(r.IntN(20000)))
		set(11, r.IntN(3) == 0)
		set(12, int32(r.IntN(100)))
		out[i] = v
	}
	return out
}

// buildVerb builds the named verb's stage.
func buildVerb(t testing.TB, env verb.Env, name string, in *arrow.Schema, args ...string) (pipeline.Stage, *arrow.Schema, error) {
	for _, v := range Verbs() {
		if v.Name == name {
			if v.Words == nil {
				require.Len(t, args, len(v.Args), "verb %s args", name)
			}
			return v.Build(env, args, in)
		}
	}
	t.Fatalf("no verb %q", name)
	return pipeline.Stage{}, nil, nil
}

// drive runs a stage outside a pipeline: workers workers (1 if the stage
// asks for 1), batches dealt round-robin, each worker processing its share
// concurrently in a shuffled order with the batches' sequence numbers in
// ctx; then Finish. Batches a worker returns are collected too. The caller
// releases the output.
func drive(t testing.TB, ctx context.Context, st pipeline.Stage, batches []arrow.RecordBatch, workers int, r *rand.Rand) ([]arrow.RecordBatch, error) {
	if st.Workers == 1 {
		workers = 1
	}
	ws := make([]pipeline.Worker, workers)
	for i := range ws {
		ws[i] = st.NewWorker()
	}
	shares := make([][]int, workers)
	for i := range batches {
		shares[i%workers] = append(shares[i%workers], i)
	}
	if workers > 1 {
		for _, s := range shares {
			r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		}
	}
	passed := make([]arrow.RecordBatch, len(batches))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range ws {
		wg.Go(func() {
			for _, i := range shares[w] {
				if errs[w] != nil {
					batches[i].Release()
					continue
				}
				out, err := ws[w].Process(ctx, uint64(i), batches[i])
				passed[i] = out
				errs[w] = err
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("workers did not finish")
	}
	var out []arrow.RecordBatch
	for _, p := range passed {
		if p != nil {
			out = append(out, p)
		}
	}
	for _, err := range errs {
		if err != nil {
			releaseAll(out)
			return nil, err
		}
	}
	if st.Finish != nil {
		err := st.Finish(ctx, ws, func(rec arrow.RecordBatch) error {
			out = append(out, rec)
			return nil
		})
		if err != nil {
			releaseAll(out)
			return nil, err
		}
	}
	return out, nil
}

func releaseAll(recs []arrow.RecordBatch) {
	for _, r := range recs {
		r.Release()
	}
}

func flatten(parts [][]row) []row { return slices.Concat(parts...) }

// assertCancelReleases feeds parts to one worker of st (which must spill
// to dir on the way), cancels the run before Finish and checks that the
// worker removes its files and releases every batch, and that Finish then
// fails.
func assertCancelReleases(t *testing.T, st pipeline.Stage, mem *memory.CheckedAllocator, dir string, parts [][]row) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := st.NewWorker()
	for i, b := range rowtest.Batches(t, mem, testSchema, parts) {
		_, err := w.Process(ctx, uint64(i), b)
		require.NoError(t, err)
	}
	files, _ := os.ReadDir(dir)
	require.NotEmpty(t, files, "spilled")
	require.NotZero(t, mem.CurrentAlloc(), "batches held")
	cancel()
	require.Eventually(t, func() bool {
		files, _ := os.ReadDir(dir)
		return len(files) == 0 && mem.CurrentAlloc() == 0
	}, 10*time.Second, 5*time.Millisecond)
	err := st.Finish(ctx, []pipeline.Worker{w}, func(rec arrow.RecordBatch) error {
		rec.Release()
		return nil
	})
	require.Error(t, err)
}
