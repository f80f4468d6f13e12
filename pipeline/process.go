package pipeline

import (
	"context"
	"errors"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// The three kinds of step work: decode (chunk to batch), stage (batch to
// batch) and encode (batch to chunk). Each consumes s.in whatever happens,
// and hands its output batch to the step's handoff, so a copy is encoded by
// the producing worker and decoded by the consuming one.

func decodeFunc(decoders []Decoder) processFunc {
	return func(ctx context.Context, st *step, w int, s *slot) error {
		in := s.in
		s.in = item{}
		in.chunk.Seq = in.seq
		var rec arrow.RecordBatch
		err := guard("decode", in.seq, func() error {
			var err error
			rec, err = decoders[w].Decode(ctx, in.chunk)
			return err
		})
		if err != nil {
			if rec != nil {
				rec.Release()
			}
			return err
		}
		return st.emit(s, in, rec)
	}
}

func stageFunc(prev *sharedmem.Handoff, workers []Worker) processFunc {
	var stopOnce sync.Once
	stopping := make(chan struct{})
	return func(ctx context.Context, st *step, w int, s *slot) error {
		in := s.in
		s.in = item{}
		select {
		case <-stopping:
			in.parcel.Release()
			return nil
		default:
		}
		rec, err := prev.Receive(in.parcel)
		if err != nil {
			return &StageError{Stage: st.name, Seq: int64(in.seq), Err: err}
		}
		var out arrow.RecordBatch
		err = guard(st.name, in.seq, func() error {
			var err error
			out, err = workers[w].Process(ctx, in.seq, rec)
			return err
		})
		if errors.Is(err, ErrStop) {
			stopOnce.Do(func() {
				close(stopping)
				st.run.stopSource()
			})
			err = nil
		}
		if err != nil {
			if out != nil {
				out.Release()
			}
			return err
		}
		if out != nil && out == rec {
			return st.emitUnchanged(s, in, out)
		}
		return st.emit(s, in, out)
	}
}

// stageFinish runs stg.Finish after the stage's last batch: each batch it
// emits is numbered after the stage's last input and passed downstream
// like any other. It is nil for a stage without Finish.
func stageFinish(stg Stage, workers []Worker) finishFunc {
	if stg.Finish == nil {
		return nil
	}
	return func(ctx context.Context, st *step) error {
		m := st.m
		// Finish's work is the stage's (a sort's merge, a group-by's
		// output): its time counts as busy, except the waits for room
		// downstream. It is added at each emit, so a long Finish shows
		// in a live snapshot.
		m.finishing.Store(true)
		defer m.finishing.Store(false)
		mark := st.run.now()
		defer func() { m.busy[0].Add(st.run.now() - mark) }()
		emit := func(rec arrow.RecordBatch) error {
			now := st.run.now()
			m.busy[0].Add(now - mark)
			defer func() { mark = st.run.now() }()
			it := item{seq: st.nextSeq(), born: now, queued: now}
			var err error
			if it.parcel, err = st.handoff.Send(rec); err != nil {
				return err
			}
			m.batchesOut.Add(1)
			m.rowsOut.Add(it.parcel.Rows())
			m.bytesOut.Add(it.parcel.Bytes())
			if err := st.next.dispatch(ctx, &it); err != nil {
				it.release()
				return err
			}
			return nil
		}
		if err := stg.Finish(ctx, workers, emit); err != nil {
			return &StageError{Stage: stg.Name, Seq: -1, Err: err}
		}
		return nil
	}
}

func encodeFunc(prev *sharedmem.Handoff, encoders []Encoder) processFunc {
	return func(ctx context.Context, st *step, w int, s *slot) error {
		m := st.m
		in := s.in
		s.in = item{}
		rec, err := prev.Receive(in.parcel)
		if err != nil {
			return &StageError{Stage: "encode", Seq: int64(in.seq), Err: err}
		}
		var c Chunk
		err = guard("encode", in.seq, func() error {
			var err error
			c, err = encoders[w].Encode(ctx, rec)
			return err
		})
		rows := rec.NumRows()
		rec.Release()
		if err != nil {
			if c.Batch != nil {
				c.Batch.Release()
			}
			return err
		}
		if c.Rows == 0 {
			c.Rows = int(rows)
		}
		m.rowsOut.Add(int64(c.Rows))
		m.bytesOut.Add(int64(len(c.Data)))
		s.out = item{seq: in.seq, born: in.born, chunk: c}
		s.hasOut = true
		return nil
	}
}

// emit hands rec (may be nil) to the step's handoff as the slot's output.
func (st *step) emit(s *slot, in item, rec arrow.RecordBatch) error {
	if rec == nil {
		return nil
	}
	parcel, err := st.handoff.Send(rec)
	return st.emitParcel(s, in, parcel, err)
}

// emitUnchanged is emit for the batch that in carried, passed on as it is.
func (st *step) emitUnchanged(s *slot, in item, rec arrow.RecordBatch) error {
	parcel, err := st.handoff.SendUnchanged(rec, in.parcel)
	return st.emitParcel(s, in, parcel, err)
}

func (st *step) emitParcel(s *slot, in item, parcel sharedmem.Parcel, err error) error {
	if err != nil {
		return &StageError{Stage: st.name, Seq: int64(in.seq), Err: err}
	}
	st.m.rowsOut.Add(parcel.Rows())
	st.m.bytesOut.Add(parcel.Bytes())
	s.out = item{seq: in.seq, born: in.born, parcel: parcel}
	s.hasOut = true
	return nil
}
