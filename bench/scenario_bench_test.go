package bench

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// benchRows is the input of one op of BenchmarkScenario.
const benchRows = 64 << 10

// BenchmarkScenario runs each scenario of the matrix at a few batch sizes,
// GOMAXPROCS workers per stage: one op is one whole pipeline run over
// benchRows rows (input prepared outside the timing), on an allocator
// shared by the ops as in a long-running process. Compare modes with
// benchstat, e.g.
//
//	go test ./bench -run '^$' -bench 'Scenario/scenario=chain' -benchtime 20x -count 5
func BenchmarkScenario(b *testing.B) {
	d := newDatasets(0)
	defer func() {
		if err := d.close(); err != nil {
			b.Error(err)
		}
	}()
	for _, name := range Scenarios() {
		for _, mode := range []sharedmem.Mode{sharedmem.Copy, sharedmem.Shared, sharedmem.Auto} {
			for _, batch := range []int{1 << 10, 16 << 10, 64 << 10} {
				b.Run(fmt.Sprintf("scenario=%s/mode=%s/batch=%d", name, mode, batch), func(b *testing.B) {
					benchCell(b, d, cell{
						scenario:  lookupScenario(name),
						mode:      mode,
						batchRows: batch,
						workers:   runtime.GOMAXPROCS(0),
					})
				})
			}
		}
	}
}

func benchCell(b *testing.B, d *datasets, c cell) {
	ctx := context.Background()
	r, err := prepareCell(ctx, d, c, Config{Rows: benchRows})
	if err != nil {
		b.Fatal(err)
	}
	defer r.close()
	mem := sharedmem.NewPool(0)
	var rows, inputBytes int64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, err := r.run(ctx, mem)
		if err != nil {
			b.Fatal(err)
		}
		rows += st.metrics.Stages[1].RowsOut
		inputBytes = st.inputBytes
	}
	b.StopTimer()
	b.SetBytes(inputBytes)
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
