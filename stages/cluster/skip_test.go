package cluster

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
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
func skipReference(t *testing.T, files []string, calls []plan.Call, read ReadSpec) (string, int64, []string) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ropts, err := read.Options()
	require.NoError(t, err)
	ropts.Mem = mem
	var skipped int64
	var rejects []string
	ropts.OnError = func(e *pipeline.DataError) error {
		skipped++
		rejects = append(rejects, fmt.Sprintf("%s|%d|%d|%s|%s|%s", e.File, e.Line, e.Column, e.Field, e.Err, e.Record))
		return nil
	}
	src, err := plan.Open(context.Background(), files, nil, ropts)
	require.NoError(t, err)
	defer src.Close()
	pl, err := plan.Build(verb.Env{Mem: mem, Workers: 1}, plan.Verbs(calls), src, plan.Options{})
	require.NoError(t, err)
	var out bytes.Buffer
	sink, err := csvout.NewSink(&out, pl.Output(), csvout.Options{})
	require.NoError(t, err)
	require.NoError(t, pipeline.New(src, pl.Stages, sink, pipeline.Config{Mem: mem}).Run(context.Background()))
	// In file and line order, as the tasks report them.
	slices.SortFunc(rejects, func(a, b string) int {
		fa, la := rejectKey(a)
		fb, lb := rejectKey(b)
		return cmp.Or(cmp.Compare(fa, fb), cmp.Compare(la, lb))
	})
	return out.String(), skipped, rejects
}

func rejectKey(s string) (string, int) {
	parts := strings.SplitN(s, "|", 3)
	n, _ := strconv.Atoi(parts[1])
	return parts[0], n
}

// With bad rows in several tasks (a qty that is not a number, one of
// them not UTF-8), skip
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
				if i == 42 {
					qty = "caf\xe9" + qty // not UTF-8: the record must arrive as its bytes
				}
			}
			fmt.Fprintf(&b, "%d,%s,%s\n", f*1000+i, []string{"north", "\"multi\nline\""}[i%2], qty)
		}
		path := filepath.Join(dir, fmt.Sprintf("bad-%d.csv", f))
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
		files = append(files, path)
	}
	for i, words := range [][]string{nil, {"filter", "qty > 2"}, {"groupby", "region", "count() as n, sum(qty)"}} {
		read := ReadSpec{Schema: "qty:int64", OnError: []string{"skip", "reject"}[i%2], BatchRows: 9}
		t.Run(fmt.Sprintf("chain=%s/on-error=%s", strings.Join(words, " "), read.OnError), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			calls := parseWords(t, words...)
			want, skipped, wantRejects := skipReference(t, files, calls, read)
			require.Equal(t, int64(bad), skipped)
			var mu sync.Mutex
			byTask := map[int][]string{}
			got, reports, err := runJobWith(ctx, t, c.url, files, calls, read, 2, sharedmem.Auto, 1500, func(j *Job) {
				j.Rejects = func(task int, file string, rows []Reject) error {
					mu.Lock()
					defer mu.Unlock()
					for _, x := range rows {
						byTask[task] = append(byTask[task], fmt.Sprintf("%s|%d|%d|%s|%s|%s", file, x.Line, x.Column, x.Field, x.Reason, x.Record))
					}
					return nil
				}
			})
			require.NoError(t, err)
			assert.Equal(t, want, got)
			var rejected, rowsRead, shipped int64
			var rejects []string
			tasksWithBad := 0
			for _, r := range reports {
				rejects = append(rejects, byTask[r.Task]...)
				rejected += r.Rejected
				rowsRead += r.Read
				shipped += r.Rows
				if r.Rejected > 0 {
					tasksWithBad++
				}
			}
			assert.Equal(t, skipped, rejected, "rows skipped")
			if read.OnError == "reject" {
				assert.Equal(t, wantRejects, rejects, "the rejected rows, in task and line order")
			} else {
				assert.Empty(t, rejects)
			}
			assert.Equal(t, int64(800), rowsRead, "rows read")
			if words == nil {
				assert.Equal(t, rowsRead, shipped+rejected, "read = written + rejected")
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
