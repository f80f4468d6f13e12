package cluster

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// TestClusterStdinAndUploads runs chains on CSV with quoted newlines read
// from stdin and from files sent through the object store (Job.Upload),
// in ranges and whole, and checks the single-process output and that the
// job's bucket is gone afterwards.
func TestClusterStdinAndUploads(t *testing.T) {
	c := startCluster(t, 2, 10*time.Second)
	files := writeFiles(t, 2, 400)
	stdinData, err := os.ReadFile(files[0])
	require.NoError(t, err)
	chains := map[string][]string{
		"pass-through": nil,
		"filter":       {"filter", "qty > 4"},
		"groupby":      {"groupby", "region", "count() as n, sum(qty), min(price), mean(price)"},
		"sort":         {"sort", "qty desc, id"},
	}
	cases := []struct {
		name      string
		workers   int
		mode      sharedmem.Mode
		batch     int
		taskBytes int64
		stdin     bool
	}{
		{"stdin-ranges", 4, sharedmem.Auto, 13, 5000, true},
		{"stdin-whole", 1, sharedmem.Shared, 1, -1, true},
		{"upload-ranges", 4, sharedmem.Copy, 1000, 7000, false},
	}
	for name, words := range chains {
		calls := parseWords(t, words...)
		for _, tc := range cases {
			t.Run(fmt.Sprintf("chain=%s/%s", name, tc.name), func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				read := ReadSpec{BatchRows: tc.batch}
				in := files
				if tc.stdin {
					in = files[:1]
				}
				want := reference(t, in, calls, read)
				jobFiles := in
				if tc.stdin {
					jobFiles = []string{"-"}
				}
				got, reports, err := runJobWith(ctx, t, c.url, jobFiles, calls, read, tc.workers, tc.mode, tc.taskBytes, func(j *Job) {
					j.Stdin = bytes.NewReader(stdinData)
					j.Upload = !tc.stdin
				})
				require.NoError(t, err)
				assert.Equal(t, want, got)
				if tc.taskBytes > 0 {
					assert.Greater(t, len(reports), len(in), "ranges")
				}
				if tc.stdin {
					for _, r := range reports {
						assert.Equal(t, stdinName, r.File)
					}
				}
				assertNoBuckets(t, c.url)
			})
		}
	}
}

// TestClusterStdinErrorNamesStdin checks that a bad record read through
// the object store is reported with stdin's name and its line, and that
// the failed job's bucket is deleted too.
func TestClusterStdinErrorNamesStdin(t *testing.T) {
	c := startCluster(t, 1, 10*time.Second)
	var b bytes.Buffer
	b.WriteString("id,qty\n")
	for i := range 300 {
		fmt.Fprintf(&b, "%d,%d\n", i, i%7)
	}
	b.WriteString("300,x7\n")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, _, err := runJobWith(ctx, t, c.url, []string{"-"}, parseWords(t, "filter", "qty > 1"), ReadSpec{Schema: "qty:int64"}, 1, sharedmem.Auto, 500, func(j *Job) {
		j.Stdin = &b
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), stdinName)
	assert.NotContains(t, err.Error(), filepath.Join(os.TempDir(), "arrowpipe-task-"))
	assertNoBuckets(t, c.url)
}

// TestClusterCancelledUploadIsRemoved cancels a job of uploaded files
// whose tasks wait for a worker: the job's bucket and stdin's copy go.
func TestClusterCancelledUploadIsRemoved(t *testing.T) {
	url := startServerOnly(t)
	files := writeFiles(t, 1, 2000)
	data, err := os.ReadFile(files[0])
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(300 * time.Millisecond)
		cancel()
	}()
	before, _ := filepath.Glob(filepath.Join(os.TempDir(), "arrowpipe-stdin-*"))
	// No worker: the tasks wait in the queue when the run is cancelled.
	_, _, err = runJobWith(ctx, t, url, []string{"-", files[0]}, parseWords(t, "sort", "price"), ReadSpec{}, 2, sharedmem.Auto, 4000, func(j *Job) {
		j.Stdin, j.Upload = bytes.NewReader(data), true
	})
	require.ErrorIs(t, err, context.Canceled)
	assertNoBuckets(t, url)
	after, _ := filepath.Glob(filepath.Join(os.TempDir(), "arrowpipe-stdin-*"))
	assert.Len(t, after, len(before), "stdin's copy left")
}

func assertNoBuckets(t *testing.T, url string) {
	t.Helper()
	nc, js, err := Connect(url, "arrowpipe-test")
	require.NoError(t, err)
	defer nc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var names []string
	for name := range js.ObjectStoreNames(ctx).Name() {
		names = append(names, name)
	}
	assert.Empty(t, names, "object store buckets left")
}

// A worker's copy keeps the format and compression extensions of the
// name, so that it is read as the coordinator read the file.
func TestCopyPattern(t *testing.T) {
	for name, want := range map[string]string{
		"/d/x.tsv.gz": "p-*.tsv.gz",
		"/d/x.jsonl":  "p-*.ndjson",
		"/d/x.gz":     "p-*.gz",
		"/d/x":        "p-*",
	} {
		assert.Equal(t, want, copyPattern("p", name), name)
	}
}
