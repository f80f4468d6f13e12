package cluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// BenchmarkTaskOverhead runs one job over a CSV file of 200,000 rows
// (~5 MB) on one in-process worker and an embedded server, cut into
// tasks=N ranges. The fixed cost of a task is (time(N) - time(1)) /
// (N - 1): messages, opening and sampling the range, starting its
// pipeline, publishing its result.
func BenchmarkTaskOverhead(b *testing.B) {
	dir := b.TempDir()
	var sb strings.Builder
	sb.WriteString("id,region,qty,price,note\n")
	for i := range 200000 {
		fmt.Fprintf(&sb, "%d,r%d,%d,%d.5,\"n,%d\"\n", i, i%7, i%10, i%1000, i%13)
	}
	file := filepath.Join(dir, "b.csv")
	require.NoError(b, os.WriteFile(file, []byte(sb.String()), 0o644))
	s, stop, err := startServer(ServerOptions{Listen: "127.0.0.1:0"})
	require.NoError(b, err)
	defer stop()
	nc, js, err := Connect(s.ClientURL(), "bench")
	require.NoError(b, err)
	defer nc.Close()
	wctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	mem := memory.NewGoAllocator()
	go func() {
		done <- Work(wctx, js, WorkerOptions{Env: verb.Env{Mem: mem}, Config: pipeline.Config{Mem: mem}})
	}()
	defer func() {
		cancel()
		<-done
	}()
	size := int64(sb.Len())
	calls := parseCallsB(b, "filter", "qty > 1", "then", "groupby", "region", "count() as n, sum(qty)")
	for _, tasks := range []int64{1, 16, 64} {
		b.Run(fmt.Sprintf("tasks=%d", tasks), func(b *testing.B) {
			b.SetBytes(size)
			taskBytes := size/tasks - 1
			if tasks == 1 {
				taskBytes = -1
			}
			start := time.Now()
			for range b.N {
				reports, err := Run(context.Background(), js, Job{
					Files: []string{file}, Calls: calls, TaskBytes: taskBytes,
					Env: verb.Env{Mem: mem}, Config: pipeline.Config{Mem: mem},
					NewSink: func(*arrow.Schema) (pipeline.Sink, error) {
						return pipeline.ToFunc(func(context.Context, arrow.RecordBatch) error { return nil }), nil
					},
				})
				require.NoError(b, err)
				require.GreaterOrEqual(b, int64(len(reports)), tasks)
			}
			b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/job")
		})
	}
}

func parseCallsB(b *testing.B, words ...string) []plan.Call {
	calls, _, err := plan.ParseChain(words, plan.Specs(nil, nil))
	require.NoError(b, err)
	return calls
}
