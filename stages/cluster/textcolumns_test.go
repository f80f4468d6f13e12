package cluster

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/csvout"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// From CSV to CSV the columns no verb reads pass as their text (2.50
// stays 2.50) on the cluster as in a single run, in whole files and in
// ranges.
func TestClusterTextColumns(t *testing.T) {
	url := startServerOnly(t)
	inProcessWorker(t, url, WorkerOptions{})
	files := writeFiles(t, 2, 300)
	for name, words := range map[string][]string{
		"pass-through": nil,
		"filter":       {"filter", "qty > 4", "then", "select", "id,price,note"},
	} {
		calls := parseWords(t, words...)
		text := plan.TextColumns(plan.Verbs(calls), format.CSV)
		for _, size := range []int64{-1, 3000} {
			t.Run(fmt.Sprintf("chain=%s/task-bytes=%d", name, size), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				ropts := plan.ReadOptions{Mem: mem, TextColumns: text}
				src, err := plan.Open(context.Background(), files, nil, ropts)
				require.NoError(t, err)
				pl, err := plan.Build(verb.Env{Mem: mem, Workers: 2}, plan.Verbs(calls), src, plan.Options{})
				require.NoError(t, err)
				var want bytes.Buffer
				sink, err := csvout.NewSink(&want, pl.Output(), csvout.Options{})
				require.NoError(t, err)
				require.NoError(t, pipeline.New(src, pl.Stages, sink, pipeline.Config{Mem: mem}).Run(context.Background()))
				require.NoError(t, src.Close())
				if name == "pass-through" {
					require.Regexp(t, `,[0-9]+\.[0-9]0,`, want.String()) // prices such as 12.50 keep their zero
				}

				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				got, _, err := runJobWith(ctx, t, url, files, calls, ReadSpec{}, 2, sharedmem.Auto, size, func(j *Job) {
					j.TextColumns = text
				})
				require.NoError(t, err)
				assert.Equal(t, want.String(), got)
			})
		}
	}
}
