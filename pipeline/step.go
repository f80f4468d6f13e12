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
	done    bool // guarded by step.mu: the worker is done with the slot
}

// processFunc does a step's work on one slot: it consumes s.in and may fill
// s.out. Worker w owns its scratch state.
type processFunc func(ctx context.Context, st *step, w int, s *slot) error

// finishFunc runs after a step's last batch, on the last worker to exit;
// it may pass more items downstream (Stage.Finish).
type finishFunc func(ctx context.Context, st *step) error

// downstream is where a step passes what it finished: the next step, or
// the writer after the last one.
type downstream interface {
	// dispatch takes ownership of it, blocking while the receiver is full.
	dispatch(ctx context.Context, it *item) error
	// end says that no more items come, after a successful run.
	end(ctx context.Context) error
}

// step is one worker pool with its queues:
//
//	dispatch ──▶ work ──▶ workers ──▶ ready ring ──▶ next step's dispatch
//	         └────────────(input order)──┘
//
// There is no collector goroutine: the worker that completes the oldest
// outstanding slot forwards it, and every later slot already done, while
// the other workers go on with new batches. Forwarding may block on the
// next step's queue (backpressure); only one worker forwards at a time, so
// the next step sees batches one by one, in input order (in completion
// order when unordered). With one worker this is a plain loop: take a
// batch, process it, pass it on.
type step struct {
	run       *run
	name      string
	m         *stepMetrics
	handoff   *sharedmem.Handoff // what the step's output crosses; nil for raw output
	workers   int
	unordered bool
	process   processFunc
	finish    finishFunc // nil: nothing to do after the last batch
	next      downstream

	// queue carries the items of a one-worker step: its capacity is the
	// backpressure, and results leave in order without a ready ring (half
	// the channel operations of the slot path).
	queue chan item

	slots []slot
	free  chan *slot // slots not in use
	work  chan *slot // slots waiting for a worker
	live  atomic.Int32
	// clocks decide which batches each worker times.
	clocks []workerClock

	mu sync.Mutex
	// ready is a ring of the slots to forward, in input order (dispatch
	// appends) or in completion order (unordered: workers append).
	ready         []*slot
	head, pending int
	forwarding    bool // a worker is forwarding; the others leave it to it
	// failed: a delivery failed (an error, in input order); nothing after
	// it may go downstream while the run winds down.
	failed bool

	// seqEnd is one past the highest sequence number dispatched to the
	// step; Finish output is numbered from there on, so every step's
	// output sequence strictly increases.
	seqEnd atomic.Uint64
}

// nextSeq numbers a batch emitted by Finish. It runs after the step's
// last input, on the one goroutine that runs finish.
func (st *step) nextSeq() uint64 {
	return st.seqEnd.Add(1) - 1
}

// saw records that an item numbered seq entered the step.
func (st *step) saw(seq uint64) {
	for {
		end := st.seqEnd.Load()
		if seq < end || st.seqEnd.CompareAndSwap(end, seq+1) {
			return
		}
	}
}

// newStep makes a step of workers workers with room for depth more
// items, doing process on each and finish after the last, passing what it
// finishes to next.
func newStep(r *run, spec stepSpec, depth int, unordered bool, process processFunc, finish finishFunc, next downstream) *step {
	workers := spec.workers
	n := workers + depth
	st := &step{
		run:       r,
		name:      spec.name,
		m:         spec.m,
		handoff:   spec.handoff,
		workers:   workers,
		unordered: unordered,
		process:   process,
		finish:    finish,
		next:      next,
	}
	if workers == 1 {
		st.queue = make(chan item, depth)
		st.slots = make([]slot, 1)
	} else {
		st.slots = make([]slot, n)
		st.free = make(chan *slot, n)
		st.work = make(chan *slot, n)
		st.ready = make([]*slot, n)
		for i := range st.slots {
			st.free <- &st.slots[i]
		}
	}
	st.clocks = make([]workerClock, workers)
	for i := range st.clocks {
		st.clocks[i].every = true // until a batch shows it is cheap
	}
	return st
}

// dispatch queues it for this step, blocking while every slot is in use:
// that wait is the pipeline's backpressure. On success the step owns it.
// In ordered mode the caller dispatches one item at a time, in input order.
func (st *step) dispatch(ctx context.Context, it *item) error {
	st.saw(it.seq)
	if st.queue != nil {
		select {
		case st.queue <- *it:
		default:
			select {
			case st.queue <- *it:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		*it = item{}
		return nil
	}
	var s *slot
	select { // the common case, without select's cost of watching ctx
	case s = <-st.free:
	default:
		select {
		case s = <-st.free:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s.in = *it
	*it = item{}
	s.hasOut, s.err, s.done = false, nil, false
	if !st.unordered {
		st.mu.Lock()
		st.push(s)
		st.mu.Unlock()
	}
	st.work <- s // never blocks: work has room for every slot
	return nil
}

// push appends s to the ready ring; the caller holds mu. The ring has room
// for every slot.
func (st *step) push(s *slot) {
	st.ready[(st.head+st.pending)%len(st.ready)] = s
	st.pending++
}

// end tells the step that no more items come.
func (st *step) end(context.Context) error {
	if st.queue != nil {
		close(st.queue)
		return nil
	}
	close(st.work)
	return nil
}

func (st *step) start(ctx context.Context, g *group) {
	if st.queue != nil {
		g.Go(func() error { return st.loop1(ctx) })
		return
	}
	st.live.Store(int32(st.workers))
	for w := 0; w < st.workers; w++ {
		g.Go(func() error { return st.loop(ctx, w) })
	}
}

// loop is worker w's life: process slots until the work queue closes; the
// last worker to leave runs the step's finish and closes the next step.
func (st *step) loop(ctx context.Context, w int) error {
	for {
		var s *slot
		var ok bool
		select {
		case s, ok = <-st.work:
		default:
			select {
			case s, ok = <-st.work:
			case <-ctx.Done():
				return nil
			}
		}
		if !ok {
			break
		}
		err := st.run1(ctx, w, s)
		if err != nil {
			var perr *PanicError
			if errors.As(err, &perr) {
				return err // cancel the run at once
			}
			s.err = err
		}
		if err := st.complete(ctx, s); err != nil {
			return err
		}
	}
	if st.live.Add(-1) > 0 {
		return nil
	}
	if ctx.Err() != nil {
		return nil
	}
	return st.finishAndEnd(ctx)
}

// loop1 is the life of a one-worker step's worker: take an item, process
// it, pass the result on; then finish and close the next step.
func (st *step) loop1(ctx context.Context) error {
	s := &st.slots[0]
	for {
		var ok bool
		select {
		case s.in, ok = <-st.queue:
		default:
			select {
			case s.in, ok = <-st.queue:
			case <-ctx.Done():
				return nil
			}
		}
		if !ok {
			break
		}
		s.hasOut, s.err = false, nil
		if err := st.run1(ctx, 0, s); err != nil {
			return err
		}
		if s.hasOut {
			st.m.batchesOut.Add(1)
			if err := st.next.dispatch(ctx, &s.out); err != nil {
				return err
			}
			s.hasOut = false
		}
	}
	if ctx.Err() != nil {
		return nil
	}
	return st.finishAndEnd(ctx)
}

// run1 has worker w process s, with the step's accounting around it.
func (st *step) run1(ctx context.Context, w int, s *slot) error {
	m := st.m
	clock := &st.clocks[w]
	if !clock.times(s.in.seq) {
		err := st.process(ctx, st, w, s)
		s.out.queued = 0
		return err
	}
	t0 := st.run.now()
	if m.started.Load() == 0 {
		m.started.CompareAndSwap(0, t0)
	}
	if s.in.queued != 0 {
		m.queueWait.record(durationNs(t0 - s.in.queued))
	}
	err := st.process(ctx, st, w, s)
	t1 := st.run.now()
	m.busy[w].Add(clock.account(t1 - t0))
	s.out.queued = t1
	return err
}

// A workerClock decides which batches a worker times. Two clock reads per
// batch and step cost ~60 ns, a fifth of the engine's cost on batches of a
// few rows, where they would measure little more than themselves. So
// while its batches take under sampleBelow, a worker times only those
// whose sequence number is a multiple of sampleEvery (the same batches in
// every step, so queue waits are measured end to end) and counts each
// timed batch for the untimed ones before it; otherwise it times every
// batch.
type workerClock struct {
	untimed int64
	every   bool
	_       [48]byte // one cache line per worker
}

const (
	sampleEvery = 8
	sampleBelow = 20_000 // ns
)

func (c *workerClock) times(seq uint64) bool {
	if c.every || seq%sampleEvery == 0 {
		return true
	}
	c.untimed++
	return false
}

// account returns the busy time to count for a timed batch that took d.
func (c *workerClock) account(d int64) int64 {
	weight := c.untimed + 1
	c.untimed = 0
	c.every = d >= sampleBelow
	return d * weight
}

// complete marks s done and, unless another worker is forwarding, forwards
// every slot at the front of the ready ring that is done.
func (st *step) complete(ctx context.Context, s *slot) error {
	st.mu.Lock()
	s.done = true
	if st.unordered {
		st.push(s)
	}
	if st.forwarding || st.failed {
		st.mu.Unlock()
		return nil
	}
	st.forwarding = true
	for st.pending > 0 && st.ready[st.head].done {
		next := st.ready[st.head]
		st.ready[st.head] = nil
		st.head = (st.head + 1) % len(st.ready)
		st.pending--
		st.mu.Unlock()
		err := st.deliver(ctx, next)
		st.mu.Lock()
		if err != nil {
			st.forwarding, st.failed = false, true
			st.mu.Unlock()
			return err
		}
	}
	st.forwarding = false
	st.mu.Unlock()
	return nil
}

// deliver passes s's result downstream, or its error up, and frees s.
func (st *step) deliver(ctx context.Context, s *slot) error {
	if s.err != nil {
		return s.err
	}
	if s.hasOut {
		st.m.batchesOut.Add(1)
		if err := st.next.dispatch(ctx, &s.out); err != nil {
			return err
		}
		s.hasOut = false
	}
	st.free <- s // never blocks: free has room for every slot
	return nil
}

func (st *step) finishAndEnd(ctx context.Context) error {
	if st.finish != nil {
		if err := st.finish(ctx, st); err != nil {
			return err
		}
	}
	st.m.finished.Store(st.run.now())
	return st.next.end(ctx)
}

// releaseAll drops whatever the step's slots still hold after the run
// stopped early.
func (st *step) releaseAll() {
	if st.queue != nil {
		drainQueue(st.queue)
	}
	for i := range st.slots {
		st.slots[i].in.release()
		st.slots[i].out.release()
	}
}

// drainQueue releases the items left in q, closed or not, without blocking.
func drainQueue(q chan item) {
	for {
		select {
		case it, ok := <-q:
			if !ok {
				return
			}
			it.release()
		default:
			return
		}
	}
}
