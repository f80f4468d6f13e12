package aggregate

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/internal/cancelguard"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// sorter is the sort stage's single worker. It buffers batches until their
// size passes the memory cap, then sorts the buffer into a run on disk.
// Finish sorts in memory when nothing was spilled, else merges the runs.
// With a limit (a large top N) only the first limit rows of each run and
// of the result are kept.
type sorter struct {
	keys    []orderKey
	limit   int // 0: every row
	schema  *arrow.Schema
	mem     memory.Allocator
	cap     int64
	tempDir string
	outRows int // rows per emitted batch

	buf      []sortBatch
	bufBytes int64 // buffered batches' bytes plus the sort's working space for their rows
	runs     *runFiles
	guard    cancelguard.Guard
}

type sortBatch struct {
	seq   uint64
	rec   arrow.RecordBatch
	views []keyView
}

func (s *sorter) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	if !s.guard.Enter(ctx, s.cleanup) {
		in.Release()
		return nil, errAborted
	}
	defer s.guard.Leave()
	if in.NumRows() == 0 {
		in.Release()
		return nil, nil
	}
	if err := checkDecimals(in, orderCols(s.keys)); err != nil {
		in.Release()
		return nil, fmt.Errorf("sort: %w", err)
	}
	views, err := viewsOf(s.keys, in)
	if err != nil {
		in.Release()
		return nil, fmt.Errorf("sort: %w", err)
	}
	s.buf = append(s.buf, sortBatch{seq: seq, rec: in, views: views})
	s.bufBytes += sharedmem.PinnedBytes(in) + in.NumRows()*sortRowBytes(len(s.keys))
	if s.cap > 0 && s.bufBytes > s.cap {
		if err := s.spill(ctx); err != nil {
			s.cleanup()
			return nil, fmt.Errorf("sort: %w", err)
		}
	}
	return nil, nil
}

// sortRowBytes is the working space sorting takes per buffered row with
// nk keys (sortOrder's prefixes, null classes, radix buffers and
// permutations, then the row references): the memory cap counts it, so
// that a spilling sort stays near the cap rather than at twice the cap.
func sortRowBytes(nk int) int64 { return 9*int64(nk) + 48 + 8 }

// sortedRefs orders the buffered rows; ties keep input order.
func (s *sorter) sortedRefs() []rowRef {
	slices.SortFunc(s.buf, func(a, b sortBatch) int { return cmp.Compare(a.seq, b.seq) })
	recs := s.recs()
	ord := sortOrder(s.keys, recs, func(i int) []keyView { return s.buf[i].views })
	// Row o of the sequence is in the batch whose start is the last <= o.
	starts := make([]uint32, len(recs))
	at := uint32(0)
	for b, rec := range recs {
		starts[b] = at
		at += uint32(rec.NumRows())
	}
	out := make([]rowRef, len(ord))
	for i, o := range ord {
		b, found := slices.BinarySearch(starts, o)
		if !found {
			b--
		}
		out[i] = rowRef{uint32(b), o - starts[b]}
	}
	return out
}

// limited cuts sorted refs to the limit: rows past it in one part of the
// input cannot be among the first limit rows of the whole.
func (s *sorter) limited(refs []rowRef) []rowRef {
	if s.limit > 0 && len(refs) > s.limit {
		return refs[:s.limit]
	}
	return refs
}

func (s *sorter) recs() []arrow.RecordBatch {
	out := make([]arrow.RecordBatch, len(s.buf))
	for i, b := range s.buf {
		out[i] = b.rec
	}
	return out
}

func (s *sorter) releaseBuf() {
	for _, b := range s.buf {
		b.rec.Release()
	}
	s.buf, s.bufBytes = nil, 0
}

// spill writes the buffer, sorted, as one run file.
func (s *sorter) spill(ctx context.Context) error {
	if s.runs == nil {
		s.runs = newRunFiles(s.tempDir, s.cap)
		s.runs.limit = s.limit
	}
	refs := s.limited(s.sortedRefs())
	recs := s.recs()
	err := s.runs.write(ctx, s.schema, s.mem, func(yield func(arrow.RecordBatch) error) error {
		for lo := 0; lo < len(refs); lo += runBatchRows {
			out, err := gather(s.mem, s.schema, recs, refs[lo:min(lo+runBatchRows, len(refs))])
			if err != nil {
				return err
			}
			err = yield(out)
			out.Release()
			if err != nil {
				return err
			}
		}
		return nil
	})
	s.releaseBuf()
	return err
}

func (s *sorter) cleanup() {
	s.releaseBuf()
	if s.runs != nil {
		s.runs.remove()
	}
}

func (s *sorter) finish(ctx context.Context, emit func(arrow.RecordBatch) error) error {
	if !s.guard.Enter(ctx, s.cleanup) {
		return errAborted
	}
	defer s.guard.Leave()
	defer s.guard.Done()
	defer s.cleanup()
	if s.runs == nil {
		refs := s.limited(s.sortedRefs())
		recs := s.recs()
		for lo := 0; lo < len(refs); lo += s.outRows {
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			out, err := gather(s.mem, s.schema, recs, refs[lo:min(lo+s.outRows, len(refs))])
			if err != nil {
				return fmt.Errorf("sort: %w", err)
			}
			if err := emit(out); err != nil {
				return err
			}
		}
		return nil
	}
	if len(s.buf) > 0 {
		if err := s.spill(ctx); err != nil {
			return fmt.Errorf("sort: %w", err)
		}
	}
	if err := s.runs.merge(ctx, s.keys, s.schema, s.mem, s.outRows, emit); err != nil {
		return fmt.Errorf("sort: %w", err)
	}
	return nil
}

func newSort(env verb.Env, in *arrow.Schema, sortKeys []SortKey) (pipeline.Stage, *arrow.Schema, error) {
	keys, err := orderKeys(in, sortKeys)
	if err != nil {
		return pipeline.Stage{}, nil, err
	}
	if err := checkGatherable(in); err != nil {
		return pipeline.Stage{}, nil, err
	}
	mem := env.Mem
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	return pipeline.Stage{
		Name: "sort",
		// Runs must hold consecutive input for the merge to be stable.
		Workers: 1,
		NewWorker: func() pipeline.Worker {
			return &sorter{keys: keys, schema: in, mem: mem, cap: env.MaxMemory, tempDir: env.TempDir, outRows: outRows(env)}
		},
		Finish: func(ctx context.Context, workers []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
			return workers[0].(*sorter).finish(ctx, emit)
		},
		Abort: cancelguard.StageAbort(func(w *sorter) *cancelguard.Guard { return &w.guard }),
	}, in, nil
}
