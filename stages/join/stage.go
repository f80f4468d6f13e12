package join

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// errAborted is returned by a worker called after its run was cancelled.
var errAborted = errors.New("join: table released after cancel")

// state is what the workers share: the table, read by the first worker
// that needs it, or the spill files when it did not fit. Workers probe
// under the read lock; reading the table, Finish and the release on
// cancel take the write lock. Once the run's ctx is done (before Finish),
// a context.AfterFunc releases the table and removes the files, and the
// stage's Abort makes sure they are gone before the failed run returns.
type state struct {
	mu      sync.RWMutex
	read    bool  // the table was read (or reading it failed: err)
	err     error // from reading the table
	aborted bool
	stop    func() bool

	t     *table
	grace *grace // non-nil when the table was spilled
}

// abortedErr is the error of a worker called after the release on
// cancel: the run's cause, which is the one error the run reports.
func abortedErr(ctx context.Context) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return errAborted
}

func (j *joiner) stage() pipeline.Stage {
	return pipeline.Stage{
		Name:      "join",
		NewWorker: func() pipeline.Worker { return &worker{j: j} },
		Finish:    j.finish,
		Abort:     func([]pipeline.Worker) { j.abort() },
	}
}

// abort releases the table and the spill files before a failed run
// returns, unless Finish or the hook on cancel already did (it waits for
// the hook).
func (j *joiner) abort() {
	s := &j.state
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stop != nil {
		s.stop()
	}
	if !s.aborted {
		s.aborted = true
		j.release()
	}
}

// acquire returns with the read lock held and the table read, or with an
// error and no lock.
func (j *joiner) acquire(ctx context.Context) error {
	s := &j.state
	for {
		s.mu.RLock()
		switch {
		case s.aborted:
			s.mu.RUnlock()
			return abortedErr(ctx)
		case s.read && s.err != nil:
			s.mu.RUnlock()
			return s.err
		case s.read:
			return nil
		}
		s.mu.RUnlock()
		s.mu.Lock()
		if !s.read && !s.aborted {
			j.readTable(ctx)
		}
		s.mu.Unlock()
	}
}

// readTable reads the table into memory, or into spill files when it
// outgrows the cap. Call it under the write lock.
func (j *joiner) readTable(ctx context.Context) {
	s := &j.state
	s.read = true
	s.stop = context.AfterFunc(ctx, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if !s.aborted {
			s.aborted = true
			j.release()
		}
	})
	var held []arrow.RecordBatch
	var heldBytes int64
	err := readAll(ctx, j.src, j.mem, func(rec arrow.RecordBatch) error {
		rec, err := undict(ctx, j.mem, j.table, rec)
		if err != nil {
			return err
		}
		b := sharedmem.PinnedBytes(rec)
		j.stats.BuildRows.Add(rec.NumRows())
		j.stats.BuildBytes.Add(b)
		if s.grace != nil {
			defer rec.Release()
			return s.grace.addTable(ctx, rec)
		}
		held = append(held, rec)
		heldBytes += b + rec.NumRows()*tableRowBytes
		if j.cap > 0 && heldBytes > j.cap && j.kind != AsOf {
			g, err := j.newGrace()
			if err != nil {
				return err
			}
			s.grace = g
			for i, h := range held {
				err := g.addTable(ctx, h)
				h.Release()
				held[i] = nil
				if err != nil {
					return err
				}
			}
			held = nil
		}
		return nil
	})
	if err != nil {
		releaseAll(held)
		s.err = fmt.Errorf("%s: %w", j.opts.Table, err)
		j.release()
		return
	}
	if s.grace != nil {
		s.err = s.grace.endTable()
		return
	}
	s.t, s.err = newTable(j.mem, j.table, held, j.tableKeys, j.kind == AsOf)
	if s.err != nil {
		s.err = fmt.Errorf("%s: %w", j.opts.Table, s.err)
	}
}

// tableRowBytes is the index's estimated memory per table row (map
// entry, chain link, key word), counted against the cap while reading.
const tableRowBytes = 64

// release drops the table and the spill files. Call it under the write
// lock.
func (j *joiner) release() {
	s := &j.state
	if s.t != nil {
		s.t.release()
		s.t = nil
	}
	if s.grace != nil {
		s.grace.remove()
		s.grace = nil
	}
}

func (j *joiner) finish(ctx context.Context, workers []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
	s := &j.state
	s.mu.Lock()
	if !s.read && !s.aborted && j.kind.keepsTable() {
		j.readTable(ctx)
	}
	defer s.mu.Unlock()
	if s.aborted {
		return abortedErr(ctx)
	}
	defer func() {
		s.aborted = true
		j.release()
		if s.stop != nil {
			s.stop()
		}
	}()
	if s.err != nil {
		return s.err
	}
	if s.grace != nil {
		return s.grace.join(ctx, emit)
	}
	if !j.kind.keepsTable() || s.t == nil {
		return nil
	}
	matched := make([]uint64, (s.t.rows+63)/64)
	for _, w := range workers {
		for i, m := range w.(*worker).matched {
			matched[i] |= m
		}
	}
	return j.emitUnmatched(ctx, s.t, matched, emit)
}

// emitUnmatched emits the table rows not marked in matched, in table
// order, with nulls for the stream's columns but its keys.
func (j *joiner) emitUnmatched(ctx context.Context, t *table, matched []uint64, emit func(arrow.RecordBatch) error) error {
	return j.unmatched(ctx, t, matched, func(rows []int32) error {
		rec, err := j.tableRowsOnly(ctx, t, rows)
		if err != nil {
			return err
		}
		return emit(rec)
	})
}

// unmatched gives the table rows not marked in matched to f, in table
// order, up to outRows at a time; f borrows the slice.
func (j *joiner) unmatched(ctx context.Context, t *table, matched []uint64, f func(rows []int32) error) error {
	var rows []int32
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return context.Cause(ctx)
		}
		err := f(rows)
		rows = rows[:0]
		return err
	}
	for w, m := range matched {
		m = ^m
		if w == len(matched)-1 && t.rows%64 != 0 {
			m &= 1<<(t.rows%64) - 1
		}
		for m != 0 {
			rows = append(rows, int32(w*64+bits.TrailingZeros64(m)))
			m &= m - 1
			if len(rows) == j.outRows {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}
