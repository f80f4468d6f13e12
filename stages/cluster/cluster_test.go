package cluster

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/csvout"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// writeFiles writes n CSV files of rows rows each: quoted fields with
// newlines, commas and quotes, empty (null) numbers, repeated keys; the
// odd-numbered files end their lines with CRLF.
func writeFiles(t *testing.T, n, rows int) []string {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 22))
	regions := []string{"north", "south", "east", "west", "\"quoted\", region", "multi\nline"}
	var files []string
	id := 0
	for f := range n {
		var b strings.Builder
		eol := "\n"
		if f%2 == 1 {
			eol = "\r\n"
		}
		b.WriteString("id,region,qty,price,note" + eol)
		for range rows {
			id++
			qty := fmt.Sprint(rng.IntN(10))
			if rng.IntN(50) == 0 {
				qty = ""
			}
			note := fmt.Sprintf("note %d", rng.IntN(100))
			if rng.IntN(7) == 0 {
				note = fmt.Sprintf("line one\nline \"two\", %d", rng.IntN(5))
			}
			fmt.Fprintf(&b, "%d,%s,%s,%.2f,%s%s", id, csvField(regions[rng.IntN(len(regions))]), qty,
				float64(rng.IntN(10000))/100, csvField(note), eol)
		}
		path := filepath.Join(dir, fmt.Sprintf("part-%d.csv", f))
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
		files = append(files, path)
	}
	return files
}

func csvField(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// reference runs the chain in this process, as the command line without
// --cluster does, and returns the CSV output.
func reference(t *testing.T, files []string, calls []plan.Call, read ReadSpec) string {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ropts, err := read.Options()
	require.NoError(t, err)
	ropts.Mem = mem
	src, err := plan.Open(context.Background(), files, nil, ropts)
	require.NoError(t, err)
	defer src.Close()
	env := verb.Env{Mem: mem, Workers: 2}
	pl, err := plan.Build(env, plan.Verbs(calls), src, plan.Options{})
	require.NoError(t, err)
	var out bytes.Buffer
	sink, err := csvout.NewSink(&out, pl.Output(), csvout.Options{})
	require.NoError(t, err)
	require.NoError(t, pipeline.New(src, pl.Stages, sink, pipeline.Config{Mem: mem}).Run(context.Background()))
	return out.String()
}

func parseWords(t *testing.T, words ...string) []plan.Call {
	t.Helper()
	calls, files, err := plan.ParseChain(words, plan.Specs(nil, nil))
	require.NoError(t, err)
	require.Empty(t, files)
	return calls
}

// runJob runs the chain on the cluster at url and returns the CSV output.
// taskBytes cuts text files into ranges of that size (0: the default, -1:
// one task per file).
func runJob(ctx context.Context, t *testing.T, url string, files []string, calls []plan.Call, read ReadSpec, workers int, mode sharedmem.Mode, taskBytes int64) (string, []TaskReport, error) {
	t.Helper()
	return runJobWith(ctx, t, url, files, calls, read, workers, mode, taskBytes, nil)
}

// runJobWith is runJob with the job changed by edit first.
func runJobWith(ctx context.Context, t *testing.T, url string, files []string, calls []plan.Call, read ReadSpec, workers int, mode sharedmem.Mode, taskBytes int64, edit func(*Job)) (string, []TaskReport, error) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	nc, js, err := Connect(url, "arrowpipe-test")
	require.NoError(t, err)
	defer nc.Close()
	var out bytes.Buffer
	cfg := pipeline.Config{Mem: mem}
	cfg.Handoff.Mode = mode
	job := Job{
		Files: files, Calls: calls, Read: read, TaskBytes: taskBytes,
		Env: verb.Env{Mem: mem, Workers: workers}, Config: cfg,
		NewSink: func(s *arrow.Schema) (pipeline.Sink, error) { return csvout.NewSink(&out, s, csvout.Options{}) },
	}
	if edit != nil {
		edit(&job)
	}
	reports, err := Run(ctx, js, job)
	return out.String(), reports, err
}

// lines collects a process's stderr and lets a test wait for a line.
type lines struct {
	mu   sync.Mutex
	all  []string
	seen chan string
}

// testCluster starts an embedded server and worker processes (this test
// binary, see TestMain), stopped at the test's end.
type testCluster struct {
	url   string
	procs []*exec.Cmd
	logs  []*lines
	wg    sync.WaitGroup
}

func startCluster(t *testing.T, workers int, ackWait time.Duration) *testCluster {
	t.Helper()
	s, stop, err := startServer(ServerOptions{Listen: "127.0.0.1:0"})
	require.NoError(t, err)
	t.Cleanup(stop)
	return startWorkers(t, s.ClientURL(), workers, ackWait)
}

// startWorkers starts worker processes on the server(s) at url, stopped
// at the test's end (before the servers: cleanups run last first).
func startWorkers(t *testing.T, url string, workers int, ackWait time.Duration) *testCluster {
	t.Helper()
	c := &testCluster{url: url}
	t.Cleanup(func() {
		for _, p := range c.procs {
			p.Process.Signal(syscall.SIGTERM)
		}
		c.wg.Wait()
		if t.Failed() {
			for i, l := range c.logs {
				t.Logf("worker %d:\n%s", i, strings.Join(l.all, "\n"))
			}
		}
	})
	modes := []string{"shared", "copy", "auto"}
	for i := range workers {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), envWorkerURL+"="+c.url, envAckWait+"="+ackWait.String(), envHandoff+"="+modes[i%len(modes)])
		stderr, err := cmd.StderrPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		l := &lines{seen: make(chan string, 1024)}
		c.procs = append(c.procs, cmd)
		c.logs = append(c.logs, l)
		c.wg.Go(func() {
			sc := bufio.NewScanner(stderr)
			for sc.Scan() {
				l.mu.Lock()
				l.all = append(l.all, sc.Text())
				l.mu.Unlock()
				select {
				case l.seen <- sc.Text():
				default:
				}
			}
			cmd.Wait()
		})
	}
	for _, l := range c.logs {
		waitLine(t, l, "ready")
	}
	return c
}

func waitLine(t *testing.T, l *lines, substr string) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case s := <-l.seen:
			if strings.Contains(s, substr) {
				return
			}
		case <-timeout:
			t.Fatalf("no line with %q from the worker", substr)
		}
	}
}

// waitAnyLine waits for a line holding substr from any of the workers
// and returns that worker's index.
func waitAnyLine(t *testing.T, logs []*lines, substr string) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for i, l := range logs {
			select {
			case s := <-l.seen:
				if strings.Contains(s, substr) {
					return i
				}
			default:
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no line with %q from any worker", substr)
	return -1
}

func TestClusterEqualsSingleProcess(t *testing.T) {
	c := startCluster(t, 2, 10*time.Second)
	files := writeFiles(t, 3, 500)
	chains := map[string][]string{
		"pass-through":    nil,
		"filter":          {"filter", "qty > 4"},
		"filter-select":   {"filter", "qty > 4", "then", "select", "note,id"},
		"groupby":         {"groupby", "region", "count() as n, sum(qty), min(price), max(price), mean(price)"},
		"groupby-states":  {"groupby", "region", "var(price), median(qty), mean(price), first(note), count_distinct(qty) as dq, stddev(qty)"},
		"groupby-partial": {"filter", "price > 5", "then", "groupby", "region, qty", "count() as n, sum(qty), min(price), max(note), count(qty) as k, sum(id) as ids, mean(id), count_distinct(id) as d, approx_count_distinct(note)", "then", "sort", "n desc"},
		"sort":            {"sort", "qty desc"},
		"filter-sort":     {"filter", "price > 20", "then", "sort", "region, qty"},
		"distinct":        {"distinct", "region,qty"},
		"top":             {"derive", "v = qty * price", "then", "top", "7", "v desc"},
		"head":            {"filter", "qty >= 1", "then", "head", "1000"},
	}
	cases := []struct {
		workers   int
		mode      sharedmem.Mode
		batch     int
		taskBytes int64
	}{{1, sharedmem.Shared, 1, -1}, {4, sharedmem.Copy, 1000, -1}, {4, sharedmem.Auto, 13, 20000}}
	for name, words := range chains {
		calls := parseWords(t, words...)
		for _, tc := range cases {
			t.Run(fmt.Sprintf("chain=%s/workers=%d/mode=%s/batch=%d/task-bytes=%d", name, tc.workers, tc.mode, tc.batch, tc.taskBytes), func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				read := ReadSpec{BatchRows: tc.batch}
				want := reference(t, files, calls, read)
				got, reports, err := runJob(ctx, t, c.url, files, calls, read, tc.workers, tc.mode, tc.taskBytes)
				require.NoError(t, err)
				if name == "groupby-states" {
					assertCSVClose(t, want, got, 1e-12) // var and stddev, see statesGroupBy
				} else {
					assert.Equal(t, want, got)
				}
				if name != "head" {
					assertCovers(t, reports, files, tc.taskBytes)
				}
			})
		}
	}
}

// assertCovers checks that the tasks read every file, in order: whole,
// or in ranges from the first byte to the last.
func assertCovers(t *testing.T, reports []TaskReport, files []string, taskBytes int64) {
	t.Helper()
	var next int64
	f := 0
	for i, r := range reports {
		require.Equal(t, i, r.Task)
		require.Less(t, f, len(files))
		assert.Equal(t, files[f], r.File)
		st, err := os.Stat(files[f])
		require.NoError(t, err)
		if r.Range == nil {
			assert.Zero(t, next)
			f++
			continue
		}
		assert.Positive(t, taskBytes)
		assert.Equal(t, next, r.Range.Start)
		if next = r.Range.End; next == st.Size() {
			next, f = 0, f+1
		}
	}
	assert.Equal(t, len(files), f)
}

// A worker killed with SIGKILL in the middle of a task: the server hands
// the task to the other worker after the ack wait, and the output is
// exact, for a groupby merged from partial groups and for a sort merged
// from sorted runs.
func TestClusterWorkerKilled(t *testing.T) {
	files := writeFiles(t, 4, 40000)
	for name, words := range map[string][]string{
		"groupby": {"filter", "qty > 2", "then", "groupby", "region", "count() as n, sum(price)"},
		"sort":    {"filter", "qty > 6", "then", "sort", "region, price desc"},
	} {
		t.Run(name, func(t *testing.T) {
			c := startCluster(t, 2, time.Second)
			calls := parseWords(t, words...)
			want := reference(t, files, calls, ReadSpec{})
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			type result struct {
				out     string
				reports []TaskReport
				err     error
			}
			res := make(chan result, 1)
			go func() {
				out, reports, err := runJob(ctx, t, c.url, files, calls, ReadSpec{}, 2, sharedmem.Auto, 1<<20)
				res <- result{out, reports, err}
			}()
			killed := waitAnyLine(t, c.logs, "started")
			require.NoError(t, c.procs[killed].Process.Signal(syscall.SIGKILL))
			r := <-res
			require.NoError(t, r.err)
			assert.Equal(t, want, r.out)
			redelivered := 0
			for _, rep := range r.reports {
				if rep.Delivered > 1 {
					redelivered++
				}
			}
			assert.Positive(t, redelivered, "the killed worker's task was delivered again")
		})
	}
}

// inProcessWorker runs Work in this process until the test ends.
func inProcessWorker(t *testing.T, url string, opts WorkerOptions) {
	t.Helper()
	nc, js, err := Connect(url, "arrowpipe-test-worker")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		nc.Close()
	})
	mem := memory.NewGoAllocator()
	opts.Env.Mem, opts.Config.Mem = mem, mem
	wg.Go(func() { assert.NoError(t, Work(ctx, js, opts)) })
	// Wait for the worker's consumer: the embedded server races with
	// itself (a data race inside nats-server 2.15.3, fileStore) when a
	// consumer is created as the coordinator updates the task stream.
	require.Eventually(t, func() bool {
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err := js.Consumer(cctx, taskStream, workerGroup)
		return err == nil
	}, 20*time.Second, 10*time.Millisecond)
}

func startServerOnly(t *testing.T) string {
	t.Helper()
	s, stop, err := startServer(ServerOptions{Listen: "127.0.0.1:0"})
	require.NoError(t, err)
	t.Cleanup(stop)
	return s.ClientURL()
}

// Every task's result published twice (a worker that ran it twice): with
// the stream's de-duplication and without it, the coordinator keeps the
// first result per task and the output is exact.
func TestClusterDuplicateResults(t *testing.T) {
	files := writeFiles(t, 3, 400)
	calls := parseWords(t, "filter", "qty > 2", "then", "sort", "price")
	want := reference(t, files, calls, ReadSpec{BatchRows: 50})
	for _, noID := range []bool{false, true} {
		for _, resultFiles := range []bool{false, true} {
			t.Run(fmt.Sprintf("dedup-id=%v/result-files=%v", !noID, resultFiles), func(t *testing.T) {
				url := startServerOnly(t)
				inProcessWorker(t, url, WorkerOptions{repeat: 1, noDoneID: noID})
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				root := t.TempDir()
				got, reports, err := runJobWith(ctx, t, url, files, calls, ReadSpec{BatchRows: 50}, 2, sharedmem.Auto, 0, func(j *Job) {
					j.ResultDir, j.NoResultFiles = root, !resultFiles
				})
				require.NoError(t, err)
				assert.Equal(t, want, got)
				assert.Len(t, reports, len(files))
				left, err := os.ReadDir(root)
				require.NoError(t, err)
				assert.Empty(t, left, "the job's result directory and files are removed")
			})
		}
	}
}

// A task message that is not a valid task is refused with an error that
// says so, reported as the task's result; it is never run.
func TestClusterMalformedTask(t *testing.T) {
	url := startServerOnly(t)
	inProcessWorker(t, url, WorkerOptions{})
	nc, js, err := Connect(url, "arrowpipe-test")
	require.NoError(t, err)
	defer nc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const job = "malformedjob1"
	_, err = js.CreateStream(ctx, jetstream.StreamConfig{Name: jobStream(job), Subjects: []string{jobSubjects(job)}})
	require.NoError(t, err)
	defer js.DeleteStream(ctx, jobStream(job))
	cons, err := js.OrderedConsumer(ctx, jobStream(job), jetstream.OrderedConsumerConfig{FilterSubjects: []string{doneSubjects(job)}})
	require.NoError(t, err)
	payloads := map[int]string{
		0: fmt.Sprintf(`{"version":%d,"job":"malformedjob1","task":0,"files":["/etc/passwd"],"chain":[["sh","-c","id"]],"read":{}}`, TaskVersion),
		1: `$(rm -rf /)`,
		2: fmt.Sprintf(`{"version":%d,"job":"otherjob","task":2,"files":["/etc/passwd"],"chain":[],"read":{}}`, TaskVersion),
	}
	for i := range len(payloads) {
		msg := nats.NewMsg(taskSubject(job))
		msg.Header.Set(hdrTask, fmt.Sprint(i))
		msg.Data = []byte(payloads[i])
		_, err := js.PublishMsg(ctx, msg)
		require.NoError(t, err)
	}
	want := map[int]string{0: `unknown verb "sh"`, 1: "malformed task", 2: `job "otherjob"`}
	for range len(payloads) {
		m, err := cons.Next(jetstream.FetchContext(ctx))
		require.NoError(t, err)
		d, err := parseDone(m.Data())
		require.NoError(t, err)
		assert.Contains(t, d.Err, "malformed task")
		assert.Contains(t, d.Err, want[d.Task])
		assert.Empty(t, d.Parts)
	}
}

// Bad data fails its task on every delivery; after MaxDeliver the job
// fails with the task's error, naming the file and line.
func TestClusterTaskErrorFailsJob(t *testing.T) {
	url := startServerOnly(t)
	inProcessWorker(t, url, WorkerOptions{MaxDeliver: 2})
	files := writeFiles(t, 2, 50)
	require.NoError(t, os.WriteFile(files[1], []byte("id,region,qty,price,note\n1,a,2,3.5,x\n2,b,oops,1,y\n"), 0o644))
	calls := parseWords(t, "sort", "qty")
	// In whole files, and in ranges of 16 bytes: the error names the
	// file's line, not the range's.
	for _, size := range []int64{0, 16} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _, err := runJob(ctx, t, url, files, calls, ReadSpec{Schema: "qty:int64"}, 2, sharedmem.Auto, size)
		require.Error(t, err)
		if size == 0 {
			assert.Contains(t, err.Error(), "task 1 ")
		} else {
			assert.Contains(t, err.Error(), files[1]+" bytes 37 to 50")
		}
		assert.Contains(t, err.Error(), "delivery 2")
		assert.Contains(t, err.Error(), files[1]+":3:3")
	}
}

// An interrupted coordinator returns the interruption, and its job leaves
// nothing behind: no queued task, no job stream.
func TestClusterCancelledJobIsRemoved(t *testing.T) {
	url := startServerOnly(t)
	files := writeFiles(t, 6, 2000)
	calls := parseWords(t, "sort", "price")
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(300 * time.Millisecond)
		cancel()
	}()
	// No worker: the tasks wait in the queue when the run is cancelled.
	_, _, err := runJob(ctx, t, url, files, calls, ReadSpec{}, 2, sharedmem.Auto, 0)
	require.ErrorIs(t, err, context.Canceled)
	nc, js, err := Connect(url, "arrowpipe-test")
	require.NoError(t, err)
	defer nc.Close()
	qctx, qcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer qcancel()
	s, err := js.Stream(qctx, taskStream)
	require.NoError(t, err)
	info, err := s.Info(qctx)
	require.NoError(t, err)
	assert.Zero(t, info.State.Msgs, "queued tasks of the cancelled job")
	names := js.StreamNames(qctx)
	for name := range names.Name() {
		assert.False(t, strings.HasPrefix(name, "ARROWPIPE_JOB_"), "job stream %s left", name)
	}
}

// A worker slower than the ack wait heartbeats and keeps its task: no
// task is delivered twice.
// A groupby of aggregates that merge exactly runs per task on the workers
// and merges on the coordinator; other aggregates ship the rows.
func TestPartialGroupByPlan(t *testing.T) {
	files := writeFiles(t, 1, 10)
	mem := memory.NewGoAllocator()
	// The last verb of the map side: groupby (partialGroupBy),
	// groupby_states (statesGroupBy) or none (rows shipped).
	for words, mapVerb := range map[string]string{
		"groupby|region|count() as n, sum(qty), min(price), max(note)":             "groupby",
		"groupby|region|sum(price)":                                                "groupby_states",
		"groupby|region|mean(qty), first(note), last(price) as lp":                 "groupby",
		"groupby|region|mean(price)":                                               "groupby_states",
		"groupby|region|count(), count_distinct(qty), approx_count_distinct(note)": "groupby",
		"groupby|region|count_distinct(price)":                                     "groupby_states",
		"groupby|region|count_distinct(qty), first(note)":                          "groupby_states",
		"groupby|region|var(qty)":                                                  "groupby_states",
		"groupby|region|median(qty)":                                               "groupby_states",
		"agg|stddev(price), p99(qty)":                                              "groupby_states",
		"groupby|region|approx_count_distinct(price), mean(price)":                 "groupby_states",
		"groupby|region|approx_median(price)":                                      "groupby_states",
		"groupby|region|sum(price), list(note)":                                    "groupby_states",
		"groupby|region|sum(price)|sort|sum_price":                                 "groupby_states",
		"filter|qty > 1|groupby|region,note|max(id) as m":                          "groupby",
	} {
		t.Run(words, func(t *testing.T) {
			calls := parseWords(t, splitWords(words)...)
			p, err := planJob(context.Background(), files, nil, 1, Job{Calls: calls, Env: verb.Env{Mem: mem}})
			require.NoError(t, err)
			got := ""
			if n := len(p.mapChain); n > 0 && strings.HasPrefix(p.mapChain[n-1][0], "groupby") {
				got = p.mapChain[n-1][0]
			}
			assert.Equal(t, mapVerb, got, "map chain %q", p.mapChain)
		})
	}
}

func TestClusterSlowTaskIsNotRedelivered(t *testing.T) {
	url := startServerOnly(t)
	inProcessWorker(t, url, WorkerOptions{AckWait: time.Second, delay: 3500 * time.Millisecond})
	files := writeFiles(t, 1, 300)
	calls := parseWords(t, "filter", "qty > 1", "then", "count")
	read := ReadSpec{BatchRows: 3}
	want := reference(t, files, calls, read)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, reports, err := runJob(ctx, t, url, files, calls, read, 2, sharedmem.Auto, 0)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	require.Len(t, reports, 1)
	assert.Equal(t, uint64(1), reports[0].Delivered)
}
