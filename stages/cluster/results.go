package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// results is the reduce side's source: the batches of task 0's winning
// attempt, then task 1's, ... read from the job stream one part at a
// time, so the coordinator holds one part and one batch per task in
// memory whatever the tasks' sizes. Next runs on one goroutine.
type results struct {
	c    *coordinator
	mem  memory.Allocator
	wait arrivals

	task    int
	reader  *ipc.Reader
	file    io.Closer // the pending result's file, if it is one
	pending *done
}

func (r *results) Schema() *arrow.Schema { return r.c.plan.input }

func (r *results) NewDecoder() pipeline.Decoder { return nil }

func (r *results) Next(ctx context.Context) (pipeline.Chunk, error) {
	for {
		if r.reader == nil {
			if r.task == len(r.c.tasks) {
				return pipeline.Chunk{}, io.EOF
			}
			d, err := r.wait.await(ctx, r.task)
			if err != nil {
				return pipeline.Chunk{}, err
			}
			if r.reader, r.file, err = r.c.openResult(ctx, d, r.mem); err != nil {
				return pipeline.Chunk{}, err
			}
			r.pending = d
		}
		if r.reader.Next() {
			rec := r.reader.RecordBatch()
			rec.Retain()
			return pipeline.Chunk{Batch: rec, Rows: int(rec.NumRows()), File: r.c.tasks[r.task].file}, nil
		}
		if err := r.reader.Err(); err != nil {
			return pipeline.Chunk{}, fmt.Errorf("cluster: result of task %d (%s): %w", r.task, r.c.tasks[r.task], err)
		}
		r.reader.Release()
		r.reader = nil
		r.c.consumed(ctx, r.pending, r.file)
		r.file, r.pending = nil, nil
		r.task++
	}
}

// arrivals hands out the tasks' first results as the reduce side asks
// for them, in any order, keeping those that came early. Used by one
// goroutine.
type arrivals struct {
	c   *coordinator
	got map[int]*done
}

// await waits for task's first result; a task that failed or a job that
// failed is an error.
func (a *arrivals) await(ctx context.Context, task int) (*done, error) {
	if a.got == nil {
		a.got = map[int]*done{}
	}
	for a.got[task] == nil {
		select {
		case d := <-a.c.dones:
			a.got[d.Task] = d
			if d.Err != "" {
				return nil, fmt.Errorf("task %d (%s) failed on worker %s (delivery %d): %s", d.Task, a.c.tasks[d.Task], d.Worker, d.Delivered, d.Err)
			}
		case err := <-a.c.failed:
			return nil, err
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		}
	}
	d := a.got[task]
	delete(a.got, task)
	return d, nil
}

// openResult opens the stream of a task's result, from the job's result
// directory (file is then its file, to close after the reader) or from
// the job stream's parts, and checks its schema.
func (c *coordinator) openResult(ctx context.Context, d *done, mem memory.Allocator) (rd *ipc.Reader, file io.Closer, err error) {
	if d.File {
		return c.openFile(d, mem)
	}
	var stream jetstream.Stream
	err = retry(ctx, func(ctx context.Context) (err error) {
		stream, err = c.js.Stream(ctx, jobStream(c.id))
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("cluster: job stream: %w", err)
	}
	pr := &partReader{ctx: ctx, stream: stream, d: d}
	rd, err = ipc.NewReader(pr, ipc.WithAllocator(mem))
	if err != nil {
		return nil, nil, fmt.Errorf("cluster: result of task %d (%s): %w", d.Task, c.tasks[d.Task], err)
	}
	if !rd.Schema().Equal(c.plan.input) {
		rd.Release()
		return nil, nil, fmt.Errorf("cluster: %s reads as %s, not as the job's %s: files of one job must read with the same columns and types (a run without --cluster combines them)",
			c.tasks[d.Task], rd.Schema(), c.plan.input)
	}
	return rd, nil, nil
}

// openFile opens a result written to the job's result directory.
func (c *coordinator) openFile(d *done, mem memory.Allocator) (*ipc.Reader, io.Closer, error) {
	if c.dir == "" {
		return nil, nil, fmt.Errorf("cluster: task %d reported a result file, but the job has no result directory", d.Task)
	}
	f, err := openResultFile(c.dir, d.Task, d.Attempt)
	if err != nil {
		return nil, nil, fmt.Errorf("cluster: result of task %d (%s): %w", d.Task, c.tasks[d.Task], err)
	}
	rd, err := ipc.NewReader(f, ipc.WithAllocator(mem))
	if err == nil && !rd.Schema().Equal(c.plan.input) {
		rd.Release()
		err = fmt.Errorf("reads as %s, not as the job's %s: files of one job must read with the same columns and types (a run without --cluster combines them)",
			rd.Schema(), c.plan.input)
	}
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("cluster: result of task %d (%s): %w", d.Task, c.tasks[d.Task], err)
	}
	return rd, f, nil
}

// consumed records a task's result as merged and deletes it from the job
// stream, or closes and removes its file from the result directory, so
// that only results not yet merged are kept.
func (c *coordinator) consumed(ctx context.Context, d *done, file io.Closer) {
	c.record(d, c.tasks[d.Task])
	if d.File {
		file.Close()
		removeResultFile(c.dir, d.Task, d.Attempt)
		return
	}
	stream, err := c.js.Stream(ctx, jobStream(c.id))
	if err != nil {
		return
	}
	for _, seq := range d.Parts {
		stream.DeleteMsg(ctx, seq)
	}
}

func (r *results) close() {
	if r.reader != nil {
		r.reader.Release()
		r.reader = nil
	}
	if r.file != nil {
		r.file.Close()
		r.file = nil
	}
}

func (c *coordinator) record(d *done, in taskInput) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reports = append(c.reports, TaskReport{Task: d.Task, File: in.file, Range: in.rng, RowGroups: in.groups, Worker: d.Worker, Delivered: d.Delivered,
		Rows: d.Rows, Read: d.Read, Rejected: d.Rejected, Bytes: d.Bytes, Duration: time.Duration(d.Millis) * time.Millisecond})
}

// partReader reads an attempt's parts in order from the job stream,
// checking that each is the part of that task and attempt it should be.
type partReader struct {
	ctx    context.Context
	stream jetstream.Stream
	d      *done
	next   int
	cur    bytes.Reader
}

func (p *partReader) Read(b []byte) (int, error) {
	for p.cur.Len() == 0 {
		if p.next == len(p.d.Parts) {
			return 0, io.EOF
		}
		var msg *jetstream.RawStreamMsg
		err := retry(p.ctx, func(ctx context.Context) (err error) {
			msg, err = p.stream.GetMsg(ctx, p.d.Parts[p.next])
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("part %d: %w", p.next, err)
		}
		if msg.Header.Get(hdrTask) != strconv.Itoa(p.d.Task) || msg.Header.Get(hdrAttempt) != p.d.Attempt ||
			msg.Header.Get(hdrPart) != strconv.Itoa(p.next) {
			return 0, errors.New("cluster: a result part does not belong to its task")
		}
		p.cur.Reset(msg.Data)
		p.next++
	}
	return p.cur.Read(b)
}
