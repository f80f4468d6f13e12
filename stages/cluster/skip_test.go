package cluster

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/csvout"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// skipReference is reference with bad rows skipped and counted, as
// --on-error skip runs a single process.
func skipReference(t *testing.T, files []string, calls []plan.Call, read ReadSpec) (string, int64) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ropts, err := read.Options()
	require.NoError(t, err)
	ropts.Mem = mem
	var skipped int64
	ropts.OnError = func(*pipeline.DataError) error { skipped++; return nil }
	src, err := plan.Open(context.Background(), files, nil, ropts)
	require.NoError(t, err)
	defer src.Close()
	pl, err := plan.Build(verb.Env{Mem: mem, Workers: 1}, plan.Verbs(calls), src, plan.Options{})
	require.NoError(t, err)
	var out bytes.Buffer
	sink, err := csvout.NewSink(&out, pl.Output(), csvout.Options{})
	require.NoError(t, err)
	require.NoError(t, pipeline.New(src, pl.Stages, sink, pipeline.Config{Mem: mem}).Run(context.Background()))
	return out.String(), skipped
}

// With bad rows in several tasks (a qty that is not a number), skip
// drops them on the workers as a single run does: the same output, and
// the tasks' counts add up to the single run's.
func TestClusterOnErrorSkip(t *testing.T) {
	c := startCluster(t, 2, 10*time.Second)
	dir := t.TempDir()
	var files []string
	bad := 0
	for f := range 2 {
		var b strings.Builder
		b.WriteString("id,region,qty\n")
		for i := range 400 {
			qty := fmt.Sprint(i % 9)
			if i%37 == 5 {
				qty, bad = "x"+qty, bad+1
			}
			fmt.Fprintf(&b, "%d,%s,%s\n", f*1000+i, []string{"north", "\"multi\nline\""}[i%2], qty)
		}
		path := filepath.Join(dir, fmt.Sprintf("bad-%d.csv", f))
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
		files = append(files, path)
	}
	read := ReadSpec{Schema: "qty:int64", OnError: "skip", BatchRows: 9}
	for _, words := range [][]string{nil, {"filter", "qty > 2"}, {"groupby", "region", "count() as n, sum(qty)"}} {
		t.Run(fmt.Sprintf("chain=%s", strings.Join(words, " ")), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			calls := parseWords(t, words...)
			want, skipped := skipReference(t, files, calls, read)
			require.Equal(t, int64(bad), skipped)
			got, reports, err := runJob(ctx, t, c.url, files, calls, read, 2, sharedmem.Auto, 1500)
			require.NoError(t, err)
			assert.Equal(t, want, got)
			var rejected, read, shipped int64
			tasksWithBad := 0
			for _, r := range reports {
				rejected += r.Rejected
				read += r.Read
				shipped += r.Rows
				if r.Rejected > 0 {
					tasksWithBad++
				}
			}
			assert.Equal(t, skipped, rejected, "rows skipped")
			assert.Equal(t, int64(800), read, "rows read")
			if words == nil {
				assert.Equal(t, read, shipped+rejected, "read = written + rejected")
			}
			assert.Greater(t, tasksWithBad, 3, "bad rows in several tasks")
		})
	}
	// Without skip, the first bad row fails the job.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, _, err := runJob(ctx, t, c.url, files, nil, ReadSpec{Schema: "qty:int64"}, 1, sharedmem.Auto, 1500)
	require.Error(t, err)
}
