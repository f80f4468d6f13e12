package pipeline

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// item is one unit of work moving between steps: a raw chunk before the
// decode step and after the encode step, a parcel in between.
type item struct {
	seq    uint64
	born   int64 // when its input was read, ns since the run started
	queued int64 // when it was queued for the current step
	chunk  Chunk
	parcel sharedmem.Parcel
}

func (it *item) release() {
	if it.chunk.Batch != nil {
		it.chunk.Batch.Release()
	}
	it.parcel.Release()
	*it = item{}
}

// slot holds one item's trip through a step. Slots are allocated once per
// run; their number bounds the items in flight in the step.
type slot struct {
	in, out item
	hasOut  bool
	err     error
	done    chan struct{} // ordered mode: the worker is done with the slot
}

// processFunc does a step's work on one slot: it consumes s.in and may fill
// s.out. Worker w owns its scratch state.
type processFunc func(ctx *seqContext, w int, s *slot) error

// step is one worker pool with its queues:
//
//	dispatch ──▶ work ──▶ workers ──▶ (slot done) ──▶ collector ──▶ next step
//	         └─▶ order (FIFO of slots, input order) ──┘
//
// The upstream collector dispatches; this step's collector forwards results
// downstream in the order of the order queue (or of completion, unordered).
type step struct {
	run       *run
	m         *stepMetrics
	workers   int
	unordered bool
	// inline: a one-worker step forwards its results itself, in order,
	// without a collector goroutine (one goroutine switch less per batch).
	inline  bool
	process processFunc
	// finish runs after the last batch, on the collector goroutine.
	finish func(ctx context.Context) error
	// forward passes a finished item downstream and takes ownership of it.
	forward func(ctx context.Context, it *item) error
	// end runs after finish on success: it closes the downstream step.
	end func(ctx context.Context) error

	slots []slot
	free  chan *slot
	order chan *slot
	work  chan *slot
	live  atomic.Int32 // running workers, for unordered mode
	wg    sync.WaitGroup
}

func newStep(r *run, m *stepMetrics, workers, depth int, unordered bool) *step {
	n := workers + depth
	st := &step{
		run:       r,
		m:         m,
		workers:   workers,
		unordered: unordered,
		inline:    workers == 1,
		slots:     make([]slot, n),
		free:      make(chan *slot, n),
		order:     make(chan *slot, n),
		work:      make(chan *slot, n),
	}
	for i := range st.slots {
		st.slots[i].done = make(chan struct{}, 1)
		st.free <- &st.slots[i]
	}
	m.workers = workers
	m.busy = make([]paddedInt64, workers)
	return st
}

// dispatch queues it for this step, blocking while every slot is in use:
// that wait is the pipeline's backpressure. On success the step owns it.
func (st *step) dispatch(ctx context.Context, it *item) error {
	var s *slot
	select {
	case s = <-st.free:
	case <-ctx.Done():
		return ctx.Err()
	}
	s.in = *it
	*it = item{}
	s.in.queued = st.run.now()
	if st.m.started.Load() == 0 {
		st.m.started.CompareAndSwap(0, s.in.queued)
	}
	s.hasOut, s.err = false, nil
	st.m.batchesIn.Add(1)
	if !st.unordered && !st.inline {
		st.order <- s // never blocks: order has room for every slot
	}
	st.work <- s // never blocks: work has room for every slot
	return nil
}

// close tells the step that no more items come.
func (st *step) close() {
	close(st.work)
	if !st.unordered && !st.inline {
		close(st.order)
	}
}

func (st *step) start(ctx context.Context, g *group) {
	if st.inline {
		g.Go(func() error { return st.workInline(ctx) })
		return
	}
	st.live.Store(int32(st.workers))
	for w := 0; w < st.workers; w++ {
		st.wg.Add(1)
		g.Go(func() error {
			defer st.wg.Done()
			return st.work1(ctx, w)
		})
	}
	g.Go(func() error { return st.collect(ctx) })
}

// work1 is the loop of worker w.
func (st *step) work1(ctx context.Context, w int) error {
	defer func() {
		if st.unordered && st.live.Add(-1) == 0 {
			close(st.order)
		}
	}()
	sctx := &seqContext{Context: ctx}
	for {
		var s *slot
		var ok bool
		select {
		case s, ok = <-st.work:
			if !ok {
				return nil
			}
		case <-ctx.Done():
			return nil
		}
		t0 := st.run.now()
		st.m.queueWait.record(durationNs(t0 - s.in.queued))
		sctx.seq = s.in.seq
		err := st.process(sctx, w, s)
		st.m.busy[w].Add(st.run.now() - t0)
		if err != nil {
			var perr *PanicError
			if errors.As(err, &perr) {
				return err // cancel the run at once
			}
			s.err = err
		}
		if st.unordered {
			select {
			case st.order <- s:
			case <-ctx.Done():
				return nil
			}
		} else {
			s.done <- struct{}{}
		}
	}
}

// workInline is the loop of a one-worker step: process each item and
// forward its result at once, then finish.
func (st *step) workInline(ctx context.Context) error {
	sctx := &seqContext{Context: ctx}
	for {
		var s *slot
		var ok bool
		select {
		case s, ok = <-st.work:
		case <-ctx.Done():
			return nil
		}
		if !ok {
			break
		}
		t0 := st.run.now()
		st.m.queueWait.record(durationNs(t0 - s.in.queued))
		sctx.seq = s.in.seq
		err := st.process(sctx, 0, s)
		st.m.busy[0].Add(st.run.now() - t0)
		if err != nil {
			return err
		}
		if s.hasOut {
			st.m.batchesOut.Add(1)
			if err := st.forward(ctx, &s.out); err != nil {
				return err
			}
			s.hasOut = false
		}
		st.free <- s
	}
	return st.finishAndEnd(ctx)
}

// collect forwards finished items downstream in order, then runs the
// step's finish and closes the downstream step.
func (st *step) collect(ctx context.Context) error {
	for {
		var s *slot
		var ok bool
		select {
		case s, ok = <-st.order:
		case <-ctx.Done():
			return nil
		}
		if !ok {
			break
		}
		if !st.unordered {
			select {
			case <-s.done:
			case <-ctx.Done():
				return nil
			}
		}
		if s.err != nil {
			return s.err
		}
		if s.hasOut {
			st.m.batchesOut.Add(1)
			if err := st.forward(ctx, &s.out); err != nil {
				return err
			}
			s.hasOut = false
		}
		st.free <- s
	}
	st.wg.Wait()
	return st.finishAndEnd(ctx)
}

func (st *step) finishAndEnd(ctx context.Context) error {
	if st.finish != nil {
		if err := st.finish(ctx); err != nil {
			return err
		}
	}
	st.m.finished.Store(st.run.now())
	return st.end(ctx)
}

// releaseAll drops whatever the step's slots still hold after the run
// stopped early.
func (st *step) releaseAll() {
	for i := range st.slots {
		st.slots[i].in.release()
		st.slots[i].out.release()
	}
}
