package cluster

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"
	"golang.org/x/sync/errgroup"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/hive"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// A Job is a chain over files, to run on the cluster's workers.
type Job struct {
	// Files are the input files (globs and directories expanded, see
	// Walked), in the order their rows reach the chain, one task each or
	// one per range or run of row groups (TaskBytes); relative paths are
	// made absolute, as workers share the file system, not the working
	// directory.
	Files []string
	// Walked, when set, holds for each of Files the part of its path
	// below the directory or glob root it was expanded from
	// (input.ExpandRooted), whose key=value directories are partition
	// columns, as in a single run over the arguments; nil means every
	// file was named as it is. The file-name column
	// (ReadSpec.FilenameColumn) holds each of Files as given, not made
	// absolute.
	Walked []string
	// Calls is the chain, as plan.ParseChain returns it.
	Calls []plan.Call
	// Read is the input flags.
	Read ReadSpec
	// Env and Config are the settings of the coordinator's pipeline (the
	// reduce side).
	Env    verb.Env
	Config pipeline.Config
	// NewSink makes the writer for the output schema; the caller commits
	// or removes the output after Run.
	NewSink func(schema *arrow.Schema) (pipeline.Sink, error)
	// TaskBytes is the size of a task's range of a CSV, TSV or NDJSON
	// file, cut at a record boundary, or of its run of a Parquet file's
	// row groups (their compressed bytes); 0 means DefaultTaskBytes, and
	// a negative value makes every file one task.
	TaskBytes int64
	// TextColumns, when set, names the CSV and TSV columns to read as
	// their text given the inferred schema, as plan.ReadOptions.TextColumns
	// does for a single run; the coordinator resolves the names once, and
	// every task reads those columns as text.
	TextColumns func(inferred *arrow.Schema) []string
	// NoPartial ships every row of the map side to the coordinator even
	// when a groupby could be merged from per-task groups (partialGroupBy).
	NoPartial bool
	// ResultDir is where the job's result directory is made (see
	// resultDirPrefix): workers that see it, on this machine or a shared
	// file system, write their results there instead of sending them
	// through JetStream. "" means os.TempDir(); NoResultFiles sends every
	// result through JetStream.
	ResultDir     string
	NoResultFiles bool
	// Stdin is read for the file "-" (nil: os.Stdin). The coordinator
	// copies it to a file in TempDir, cuts it as a
	// file, and uploads each task's bytes to the job's object store
	// bucket, which workers read instead of a path.
	Stdin io.Reader
	// TempDir is where stdin's copy is made; "" means os.TempDir().
	TempDir string
	// Metrics, when set, gets the metrics of the coordinator's pipeline
	// (the tasks' results through the reduce side into the sink) after
	// it ran.
	Metrics func(pipeline.Metrics)
	// Rejects, with ReadSpec.OnError "reject", gets each task's bad rows
	// in line order as its first result arrives, so that results waiting
	// for their turn do not hold them; tasks come in any order. file is the
	// task's input as the job named it (absolute); the name the caller
	// gave is the caller's to put back. An error fails the job.
	Rejects func(task int, file string, rows []Reject) error
	// Upload sends every file's bytes to the workers through the job's
	// bucket as stdin's are, for workers that cannot read the files (no
	// shared file system). The bucket is deleted at the job's end.
	Upload bool

	// maxMergeRuns bounds the sorted runs the coordinator merges at once
	// when the chain's sort runs on the workers (mergedResults); a job of
	// more tasks sorts on the coordinator. 0 means the bound of a single
	// run's sort under Env.MaxMemory (aggregate.MergeFanIn).
	maxMergeRuns int
}

// TaskReport is what a task's winning attempt reported.
type TaskReport struct {
	Task int
	File string
	// Range is the part of File the task read; nil means all of it.
	Range *Range
	// RowGroups is the run of File's row groups the task read (Parquet);
	// nil means all of them.
	RowGroups *RowGroups
	Worker    string
	Delivered uint64 // deliveries of the task when the attempt started
	// Rows is what the task's map side sent (its result's rows), Read
	// the input rows it read, of which Rejected were bad rows skipped.
	Rows     int64
	Read     int64
	Rejected int64
	Bytes    int64
	Duration time.Duration
}

// Run plans the job, publishes its tasks, and runs the rest of the chain
// on the tasks' results in task order into the sink: the output is the
// single-process run's. It blocks until the job is done, fails or ctx
// ends; either way the job's tasks and results are removed from the
// server and workers drop what they still run of it. The first result of
// each task wins; later ones (redeliveries, duplicates) are ignored. A
// task that fails on its last delivery, or is delivered MaxDeliver times
// without a result, fails the job with the task's error.
func Run(ctx context.Context, js jetstream.JetStream, job Job) ([]TaskReport, error) {
	if len(job.Files) == 0 {
		job.Files = []string{"-"}
	}
	if job.Walked != nil && len(job.Walked) != len(job.Files) {
		return nil, fmt.Errorf("cluster: %d walked parts for %d files", len(job.Walked), len(job.Files))
	}
	id := nuid.Next()
	root := job.ResultDir
	if root == "" {
		root = os.TempDir()
	}
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	// files are the names tasks carry; local the paths this process reads.
	// origins are the names as given, with the parts expansions walked.
	files := make([]string, len(job.Files))
	local := make([]string, len(job.Files))
	uploads := make([]upload, len(job.Files))
	origins := make([]plan.FileOrigin, len(job.Files))
	for i, f := range job.Files {
		origins[i].Name = f
		if job.Walked != nil {
			origins[i].Walked = job.Walked[i]
		}
		if f == "-" {
			if slices.Contains(job.Files[:i], "-") {
				return nil, errors.New("cluster: stdin is given twice")
			}
			tmp := job.TempDir
			if tmp == "" {
				tmp = os.TempDir()
			}
			path, err := spoolStdin(job.Stdin, tmp, id)
			if err != nil {
				return nil, err
			}
			defer os.Remove(path)
			files[i], local[i], uploads[i] = stdinName, path, upload{on: true, local: path}
			continue
		}
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, err
		}
		files[i], local[i], uploads[i] = abs, abs, upload{on: job.Upload, local: abs}
	}
	// Every task has every partition column, null where its file has no
	// such directory, as a single run's union gives it.
	job.Read.PartitionKeys = partitionKeys(origins, job.Read.NoHive)
	if job.TextColumns != nil {
		read, err := resolveTextColumns(ctx, local, origins, job)
		if err != nil {
			return nil, err
		}
		job.Read = read
	}
	size := job.TaskBytes
	if size == 0 {
		size = DefaultTaskBytes
	}
	tasks, err := planTasks(ctx, files, origins, job.Read, size, uploads)
	if err != nil {
		return nil, err
	}
	p, err := planJob(ctx, local, origins, len(tasks), job)
	if err != nil {
		return nil, err
	}
	job.Read.TextPartitions = p.textPartitions
	tasks = unpruned(tasks, p.pruned)
	sink, err := job.NewSink(p.output)
	if err != nil {
		return nil, err
	}
	if _, err := taskQueue(ctx, js); err != nil {
		return nil, err
	}
	c := &coordinator{js: js, id: id, tasks: tasks, plan: p, job: job,
		dones: make(chan *done), failed: make(chan error, 1), seqs: map[uint64]int{}}
	if !job.NoResultFiles {
		c.dir = filepath.Join(root, resultDirPrefix+c.id)
		if err := os.Mkdir(c.dir, 0o700); err != nil {
			return nil, fmt.Errorf("cluster: result directory: %w", err)
		}
		defer os.RemoveAll(c.dir)
	}
	// Cleaned up even when the creation fails: a create cancelled on its
	// way may still have made the stream.
	defer c.cleanup(ctx)
	if err := retry(ctx, func(ctx context.Context) error {
		_, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
			Name:       jobStream(c.id),
			Subjects:   []string{jobSubjects(c.id)},
			Storage:    jetstream.FileStorage,
			Duplicates: 2 * time.Minute,
			// A coordinator that dies without cleaning up leaves its job
			// stream to expire.
			MaxAge:   24 * time.Hour,
			Replicas: replicas(js),
		})
		return err
	}); err != nil {
		return nil, fmt.Errorf("cluster: job stream: %w", err)
	}
	return c.run(ctx, sink)
}

// resolveTextColumns returns the job's read spec with the names of the
// columns to read as text, given the schema the files infer.
func resolveTextColumns(ctx context.Context, files []string, origins []plan.FileOrigin, job Job) (ReadSpec, error) {
	read := job.Read
	ropts, err := read.Options()
	if err != nil {
		return read, err
	}
	ropts.Mem, ropts.Origins = job.Env.Mem, origins
	src, err := plan.Open(ctx, files, nil, ropts)
	if err != nil {
		return read, err
	}
	inferred := src.Schema()
	src.Close()
	read.TextColumns = job.TextColumns(inferred)
	return read, nil
}

// jobPlan is the chain cut in two: the words of the map side, and the
// built stages of the reduce side with the schema that reaches them.
type jobPlan struct {
	mapChain [][]string
	columns  []string
	reduce   []pipeline.Stage
	input    *arrow.Schema // the reduce side's, what every task returns
	output   *arrow.Schema
	// merge, when set, is the order of the sorted runs the tasks return,
	// which the reduce side merges (mergedResults).
	merge []aggregate.SortKey
	// tables are the files of the joins on the map side (mapJoin), in
	// chain order.
	tables []string
	// textPartitions are the partition keys whose column is a string
	// over all the files (ReadSpec.TextPartitions).
	textPartitions []string
	// pruned are the files (as the coordinator reads them) that the
	// chain's first filter empties by their partition values alone, as
	// a single run skips them (plan.ReadOptions.Prune): no task reads them.
	pruned []string
}

// planJob builds the whole chain for the files' schema, as the
// single-process run does (with the partition and file-name columns of
// their origins), and cuts it for a job of tasks tasks.
func planJob(ctx context.Context, files []string, origins []plan.FileOrigin, tasks int, job Job) (*jobPlan, error) {
	ropts, err := job.Read.Options()
	if err != nil {
		return nil, err
	}
	ropts.Mem, ropts.Origins = job.Env.Mem, origins
	verbs := plan.Verbs(job.Calls)
	if len(verbs) > 0 {
		ropts.Prune = &verbs[0]
	}
	src, err := plan.Open(ctx, files, nil, ropts)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	pl, err := plan.Build(job.Env, verbs, src, plan.Options{})
	if err != nil {
		return nil, err
	}
	k, tables := cutWithJoins(job.Calls, verbs, pl.Stages, job.Read, job.Env.MaxMemory)
	p := &jobPlan{reduce: pl.Stages[k:], input: pl.Schemas[k], output: pl.Output(), tables: tables}
	if len(tables) > 0 {
		p.mapChain = mapChainWithJoins(job.Calls[:k], pl.Schemas[k])
	} else {
		for _, c := range job.Calls[:k] {
			p.mapChain = append(p.mapChain, append([]string{c.Spec.Name}, c.Args...))
		}
	}
	if k < len(verbs) && !job.NoPartial {
		words, reduce, partial, ok := partialGroupBy(job.Env, job.Calls[k], pl.Schemas[k], pl.Schemas[k+1])
		if !ok {
			words, reduce, partial, ok = statesGroupBy(job.Env, job.Calls[k], pl.Schemas[k], pl.Schemas[k+1])
		}
		if ok {
			for i := range reduce {
				reduce[i].Name = pl.Stages[k].Name
			}
			p.mapChain = append(p.mapChain, words)
			p.reduce = append(reduce, pl.Stages[k+1:]...)
			p.input = partial
		} else if words, merge, ok := wholeStreamSplit(job.Calls[k], pl.Schemas[k], pl.Schemas[k+1]); ok && (merge == nil || tasks <= job.mergeRuns()) {
			// A sort of more tasks than a merge reads at once runs on the
			// coordinator, where it spills within Env.MaxMemory.
			p.mapChain = append(p.mapChain, words)
			if merge != nil {
				p.merge, p.reduce = merge, pl.Stages[k+1:]
			}
		}
	}
	for _, f := range src.Schema().Fields() {
		p.columns = append(p.columns, f.Name)
	}
	p.pruned = src.Pruned()
	for _, k := range job.Read.PartitionKeys {
		if f, ok := src.Schema().FieldsByName(k); ok && f[0].Type.ID() == arrow.STRING {
			// A task of a file whose values are all integers reads
			// them as strings too.
			p.textPartitions = append(p.textPartitions, k)
		}
	}
	return p, nil
}

// unpruned is tasks less those of the files in pruned (by the path the
// coordinator reads).
func unpruned(tasks []taskInput, pruned []string) []taskInput {
	if len(pruned) == 0 {
		return tasks
	}
	skip := make(map[string]bool, len(pruned))
	for _, f := range pruned {
		skip[f] = true
	}
	return slices.DeleteFunc(tasks, func(in taskInput) bool {
		if in.upload {
			return skip[in.local]
		}
		return skip[in.file]
	})
}

// partitionKeys are the hive partition keys of the files' origins, in
// order of first appearance, as a single run's union orders its columns.
func partitionKeys(origins []plan.FileOrigin, noHive bool) []string {
	if noHive {
		return nil
	}
	var keys []string
	for _, o := range origins {
		pairs, _ := hive.Parse(o.Walked) // a bad segment fails the job's Open
		for _, pr := range pairs {
			if !slices.Contains(keys, pr.Key) {
				keys = append(keys, pr.Key)
			}
		}
	}
	return keys
}

// mergeRuns is the most tasks whose sorted runs the coordinator merges
// (Job.maxMergeRuns).
func (j *Job) mergeRuns() int {
	if j.maxMergeRuns > 0 {
		return j.maxMergeRuns
	}
	return aggregate.MergeFanIn(j.Env.MaxMemory)
}

type coordinator struct {
	js    jetstream.JetStream
	id    string
	dir   string                // the job's result directory; "": none
	store jetstream.ObjectStore // the job's bucket, once an upload made it
	tasks []taskInput
	plan  *jobPlan
	job   Job

	dones  chan *done // first result of each task, from readDones
	failed chan error // a task delivered MaxDeliver times

	mu      sync.Mutex
	seqs    map[uint64]int // task stream sequence → task
	reports []TaskReport
}

func (c *coordinator) run(ctx context.Context, sink pipeline.Sink) ([]TaskReport, error) {
	nc := c.js.Conn()
	adv, err := nc.Subscribe(maxDeliveriesAdvisory, c.onMaxDeliveries)
	if err != nil {
		return nil, err
	}
	defer adv.Unsubscribe()
	if err := c.publishTasks(ctx); err != nil {
		return nil, err
	}
	g, gctx := errgroup.WithContext(ctx)
	runCtx, stopDones := context.WithCancel(gctx)
	g.Go(func() error { return c.readDones(runCtx) })
	g.Go(func() error {
		defer stopDones()
		src := c.source()
		defer src.close()
		p := pipeline.New(src, c.plan.reduce, sink, c.job.Config)
		err := p.Run(gctx)
		if c.job.Metrics != nil {
			c.job.Metrics(p.Metrics())
		}
		return err
	})
	err = g.Wait()
	if err == nil {
		err = ctx.Err()
	}
	// A merge reads its runs to their ends in any order.
	slices.SortFunc(c.reports, func(a, b TaskReport) int { return cmp.Compare(a.Task, b.Task) })
	return c.reports, err
}

func (c *coordinator) publishTasks(ctx context.Context) error {
	tables, err := c.tableRefs(ctx)
	if err != nil {
		return err
	}
	for i, in := range c.tasks {
		t := &Task{Version: TaskVersion, Job: c.id, Index: i, Files: []string{in.file},
			Chain: c.plan.mapChain, Read: c.job.Read, Columns: c.plan.columns, Range: in.rng, ResultDir: c.dir,
			Tables: tables}
		if in.rng == nil && in.groups == nil {
			t.Origin = &Origin{Name: in.origin.Name, Walked: in.origin.Walked}
		}
		if in.rng != nil {
			t.Read.Format, t.Schema = in.format, in.schema
		}
		if in.groups != nil {
			t.Read.Format, t.RowGroups = in.format, in.groups
		}
		if in.upload {
			rng, err := c.upload(ctx, i, in)
			if err != nil {
				return err
			}
			t.Object, t.Range = objectName(i), rng
			if in.format != "" {
				t.Read.Format = in.format
			}
		}
		data, err := t.Marshal()
		if err != nil {
			return err
		}
		msg := &nats.Msg{Subject: taskSubject(c.id), Data: data, Header: nats.Header{}}
		msg.Header.Set(hdrTask, strconv.Itoa(i))
		var ack *jetstream.PubAck
		err = retry(ctx, func(ctx context.Context) (err error) {
			ack, err = c.js.PublishMsg(ctx, msg, jetstream.WithMsgID(fmt.Sprintf("%s.%d", c.id, i)))
			return err
		})
		if err != nil {
			return fmt.Errorf("cluster: publish task %d: %w", i, err)
		}
		c.mu.Lock()
		c.seqs[ack.Sequence] = i
		c.mu.Unlock()
	}
	return nil
}

// onMaxDeliveries fails the job when one of its tasks has used its
// deliveries without any worker reporting on it (killed or stuck every
// time).
func (c *coordinator) onMaxDeliveries(m *nats.Msg) {
	var adv struct {
		StreamSeq  uint64 `json:"stream_seq"`
		Deliveries uint64 `json:"deliveries"`
	}
	if json.Unmarshal(m.Data, &adv) != nil {
		return
	}
	c.mu.Lock()
	task, ok := c.seqs[adv.StreamSeq]
	c.mu.Unlock()
	if !ok {
		return
	}
	select {
	case c.failed <- fmt.Errorf("cluster: task %d (%s) was delivered %d times without a result: its workers died or hung",
		task, c.tasks[task], adv.Deliveries):
	default:
	}
}

// readDones reads the job's done messages in stream order and passes on
// the first of each task; the stream already dropped exact duplicates.
func (c *coordinator) readDones(ctx context.Context) error {
	// Tried again like every JetStream call: a cluster may be electing
	// the job stream's leader.
	var cons jetstream.Consumer
	err := retry(ctx, func(ctx context.Context) (err error) {
		cons, err = c.js.OrderedConsumer(ctx, jobStream(c.id), jetstream.OrderedConsumerConfig{
			FilterSubjects: []string{doneSubjects(c.id)},
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("cluster: results consumer: %w", err)
	}
	seen := make([]bool, len(c.tasks))
	for ctx.Err() == nil {
		fctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		msg, err := cons.Next(jetstream.FetchContext(fctx))
		cancel()
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, nats.ErrTimeout) {
				sleep(ctx, 100*time.Millisecond)
			}
			continue
		}
		d, err := parseDone(msg.Data())
		if err != nil {
			return err
		}
		if d.Task >= len(c.tasks) {
			return fmt.Errorf("cluster: a result for task %d of a job of %d tasks", d.Task, len(c.tasks))
		}
		if seen[d.Task] {
			if d.File && c.dir != "" {
				removeResultFile(c.dir, d.Task, d.Attempt) // a losing attempt's
			}
			continue
		}
		seen[d.Task] = true
		if len(d.Rejects) > 0 && c.job.Rejects != nil && d.Err == "" {
			if err := c.job.Rejects(d.Task, c.tasks[d.Task].file, d.Rejects); err != nil {
				return err
			}
			d.Rejects = nil // held by the caller's policy, not by early results
		}
		select {
		case c.dones <- d:
		case <-ctx.Done():
		}
	}
	return nil
}

// cleanup cancels what workers still run of the job and removes its
// tasks and results; it runs even when ctx has ended.
func (c *coordinator) cleanup(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	c.js.Conn().Publish(cancelSubject(c.id), nil)
	if s, err := c.js.Stream(ctx, taskStream); err == nil {
		s.Purge(ctx, jetstream.WithPurgeSubject(taskSubject(c.id)))
	}
	c.js.DeleteStream(ctx, jobStream(c.id))
	c.deleteData(ctx)
	c.js.Conn().Flush()
}
