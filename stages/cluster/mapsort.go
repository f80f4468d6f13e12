package cluster

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
)

// reduceSource is what the reduce side reads the tasks' results through;
// close releases what it holds, after a failed or cancelled run too.
type reduceSource interface {
	pipeline.Source
	close()
}

// source returns the reduce side's source: the results in task order, or
// their k-way merge when every task's result is a sorted run.
func (c *coordinator) source() reduceSource {
	if c.plan.merge != nil {
		return &mergedResults{c: c, mem: c.job.Env.Mem, wait: arrivals{c: c}}
	}
	return &results{c: c, mem: c.job.Env.Mem, wait: arrivals{c: c}}
}

// mergedResults is the reduce side's source when the chain's sort ran on
// the workers (wholeStreamSplit): each task's result is its part of the
// input stably sorted, and this source is their merge by
// aggregate.SortedMerge, ties to the earlier task, which is the stable
// sort of the whole input, without sorting again.
//
// The first Next waits for every task's result (a row cannot come out
// before every run's first row is known) and opens them all; each run is
// then read one batch at a time, so the coordinator holds about two
// batches a task (the worker's sort emits batches of up to
// aggregate.MaxBatchRows rows, ~6 MiB for rows of ~100 bytes) plus, for
// results that come through JetStream, one part a task, whatever the
// tasks' sizes. A run read to its end is recorded and deleted at once, as
// results does. planJob keeps a job of more tasks than
// aggregate.MergeFanIn from this merge (the sort runs on the coordinator),
// so that these runs stay within what a single run's merge opens. Next
// runs on one goroutine.
type mergedResults struct {
	c     *coordinator
	mem   memory.Allocator
	wait  arrivals
	runs  []*taskRun
	merge *aggregate.SortedMerge
}

func (m *mergedResults) Schema() *arrow.Schema { return m.c.plan.input }

func (m *mergedResults) NewDecoder() pipeline.Decoder { return nil }

func (m *mergedResults) Next(ctx context.Context) (pipeline.Chunk, error) {
	if m.merge == nil {
		runs := make([]aggregate.SortedRun, len(m.c.tasks))
		for i := range runs {
			r := &taskRun{m: m, task: i}
			m.runs = append(m.runs, r)
			runs[i] = r
		}
		merge, err := aggregate.NewSortedMerge(m.c.plan.input, m.c.plan.merge, m.mem, m.c.job.Env.BatchRows, runs)
		if err != nil {
			return pipeline.Chunk{}, fmt.Errorf("cluster: %w", err)
		}
		m.merge = merge
	}
	rec, err := m.merge.Next(ctx)
	if err != nil {
		return pipeline.Chunk{}, err
	}
	if rec == nil {
		return pipeline.Chunk{}, io.EOF
	}
	return pipeline.Chunk{Batch: rec, Rows: int(rec.NumRows())}, nil
}

func (m *mergedResults) close() {
	if m.merge != nil {
		m.merge.Release()
	}
	for _, r := range m.runs {
		r.close()
	}
}

// taskRun reads one task's result as a run of the merge: it waits for
// the task's first result when the merge first asks for a batch.
type taskRun struct {
	m      *mergedResults
	task   int
	d      *done
	reader *ipc.Reader
	file   io.Closer
	ended  bool
}

func (r *taskRun) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if r.ended {
		return nil, nil
	}
	c := r.m.c
	if r.reader == nil {
		d, err := r.m.wait.await(ctx, r.task)
		if err != nil {
			return nil, err
		}
		if r.reader, r.file, err = c.openResult(ctx, d, r.m.mem); err != nil {
			return nil, err
		}
		r.d = d
	}
	if r.reader.Next() {
		rec := r.reader.RecordBatch()
		rec.Retain()
		return rec, nil
	}
	if err := r.reader.Err(); err != nil {
		return nil, fmt.Errorf("cluster: result of task %d (%s): %w", r.task, c.tasks[r.task], err)
	}
	r.reader.Release()
	r.reader, r.ended = nil, true
	c.consumed(ctx, r.d, r.file)
	r.file = nil
	return nil, nil
}

func (r *taskRun) close() {
	if r.reader != nil {
		r.reader.Release()
		r.reader = nil
	}
	if r.file != nil {
		r.file.Close()
		r.file = nil
	}
}
