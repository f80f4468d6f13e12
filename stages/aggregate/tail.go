package aggregate

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/internal/cancelguard"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// NewTail returns the stage of the tail verb: the last n rows of the
// stream, in input order, emitted by Finish. It runs on one worker and
// keeps only the batches that hold the last n rows seen so far; when those
// pass env.MaxMemory it writes them, in arrival order, to a file in
// env.TempDir (zstd-compressed Arrow IPC, like sort's runs) and drops
// whole files once newer rows cover the window, so its memory stays near
// the cap whatever n is. Finish replays the files, then the batches still
// in memory, skipping the rows before the last n. Batches it emits belong
// to the receiver; a cancelled run releases the batches and removes the
// files.
func NewTail(env verb.Env, in *arrow.Schema, n int64) pipeline.Stage {
	mem := env.Mem
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	return pipeline.Stage{
		Name: "tail",
		// The last rows are the last to arrive: one worker sees them in order.
		Workers: 1,
		Ordered: true,
		NewWorker: func() pipeline.Worker {
			return &tailWorker{n: n, schema: in, mem: mem, cap: env.MaxMemory, tempDir: env.TempDir}
		},
		Finish: func(ctx context.Context, workers []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
			return workers[0].(*tailWorker).finish(ctx, emit)
		},
		Abort: cancelguard.StageAbort(func(w *tailWorker) *cancelguard.Guard { return &w.guard }),
	}
}

// tailWorker holds the window of the last n rows: spilled files (oldest
// first), then batches in memory.
type tailWorker struct {
	n       int64
	schema  *arrow.Schema
	mem     memory.Allocator
	cap     int64
	tempDir string

	files     *runFiles // nil until the first spill
	fileRows  []int64   // rows of each of files.paths
	kept      []arrow.RecordBatch
	keptBytes int64
	rows      int64 // rows in the files and in kept
	guard     cancelguard.Guard
}

func (w *tailWorker) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	if !w.guard.Enter(ctx, w.cleanup) {
		in.Release()
		return nil, errAborted
	}
	defer w.guard.Leave()
	if w.n == 0 || in.NumRows() == 0 {
		in.Release()
		return nil, nil
	}
	w.kept = append(w.kept, in)
	w.keptBytes += sharedmem.PinnedBytes(in)
	w.rows += in.NumRows()
	w.dropOld()
	if w.cap > 0 && w.keptBytes > w.cap {
		if err := w.spill(ctx); err != nil {
			w.cleanup()
			return nil, fmt.Errorf("tail: %w", err)
		}
	}
	return nil, nil
}

// dropOld lets go of the oldest file or batch while the rest still hold n
// rows.
func (w *tailWorker) dropOld() {
	for {
		if w.files != nil && len(w.fileRows) > 0 {
			if w.rows-w.fileRows[0] < w.n {
				return
			}
			w.rows -= w.fileRows[0]
			w.fileRows = w.fileRows[1:]
			w.files.removeOldest()
			continue
		}
		if len(w.kept) == 0 || w.rows-w.kept[0].NumRows() < w.n {
			return
		}
		w.rows -= w.kept[0].NumRows()
		w.keptBytes -= sharedmem.PinnedBytes(w.kept[0])
		w.kept[0].Release()
		w.kept[0] = nil
		w.kept = w.kept[1:]
	}
}

// spill writes the batches in memory to a new file and releases them.
func (w *tailWorker) spill(ctx context.Context) error {
	if w.files == nil {
		w.files = newRunFiles(w.tempDir, w.cap)
	}
	var rows int64
	err := w.files.write(ctx, w.schema, w.mem, func(yield func(arrow.RecordBatch) error) error {
		for _, b := range w.kept {
			rows += b.NumRows()
			if err := yield(b); err != nil {
				return err
			}
		}
		return nil
	})
	w.fileRows = append(w.fileRows, rows)
	w.releaseKept()
	return err
}

func (w *tailWorker) releaseKept() {
	for _, b := range w.kept {
		if b != nil { // finish hands batches on one by one
			b.Release()
		}
	}
	w.kept, w.keptBytes = nil, 0
}

func (w *tailWorker) cleanup() {
	w.releaseKept()
	if w.files != nil {
		w.files.remove()
	}
	w.fileRows, w.rows = nil, 0
}

// finish emits the last n rows in input order; emit takes ownership of
// each batch.
func (w *tailWorker) finish(ctx context.Context, emit func(arrow.RecordBatch) error) error {
	if !w.guard.Enter(ctx, w.cleanup) {
		return errAborted
	}
	defer w.guard.Leave()
	defer w.guard.Done()
	defer w.cleanup()
	skip := max(w.rows-w.n, 0)
	// send emits b without its first skip rows (none of it when skip
	// covers it); it takes ownership of b.
	send := func(b arrow.RecordBatch) error {
		rows := b.NumRows()
		if skip >= rows {
			skip -= rows
			b.Release()
			return nil
		}
		if skip > 0 {
			s := b.NewSlice(skip, rows)
			b.Release()
			b, skip = s, 0
		}
		if ctx.Err() != nil {
			b.Release()
			return context.Cause(ctx)
		}
		return emit(b)
	}
	if w.files != nil {
		for _, p := range w.files.paths {
			if err := w.replay(p, send); err != nil {
				return fmt.Errorf("tail: %w", err)
			}
		}
	}
	for k, b := range w.kept {
		w.kept[k] = nil
		if err := send(b); err != nil {
			return err
		}
	}
	return nil
}

// replay sends the batches of the file at path in order.
func (w *tailWorker) replay(path string, send func(arrow.RecordBatch) error) error {
	return readRun(path, w.mem, func(rec arrow.RecordBatch) error {
		rec.Retain()
		return send(rec)
	})
}
