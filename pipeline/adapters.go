package pipeline

import (
	"context"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// FromRecordReader returns a Source that reads the batches of rr in order,
// so that Arrow data already in memory, or read by any arrow-go reader,
// runs through a pipeline without a Source of its own. The pipeline takes
// its own reference to each batch; rr stays the caller's, who releases it
// after Run. rr is read from one goroutine, and Run ends with rr's Err if
// it has one. A sequence of batches (iter.Seq2[arrow.RecordBatch, error])
// becomes a RecordReader with arrow-go's array.ReaderFromIter, whose
// Release stops the sequence.
func FromRecordReader(rr array.RecordReader) Source { return readerSource{rr} }

type readerSource struct{ rr array.RecordReader }

func (s readerSource) Schema() *arrow.Schema { return s.rr.Schema() }

func (s readerSource) Next(ctx context.Context) (Chunk, error) {
	if err := ctx.Err(); err != nil {
		return Chunk{}, err
	}
	if !s.rr.Next() {
		if err := s.rr.Err(); err != nil {
			return Chunk{}, err
		}
		return Chunk{}, io.EOF
	}
	rec := s.rr.RecordBatch()
	rec.Retain() // the reader's own reference ends at its next Next
	return Chunk{Batch: rec, Rows: int(rec.NumRows())}, nil
}

// NewDecoder returns nil: the chunks carry batches.
func (readerSource) NewDecoder() Decoder { return nil }

// ToFunc returns a Sink that calls write with every batch of the stream,
// in order (in completion order when the pipeline is unordered), from one
// goroutine. write borrows the batch: the pipeline releases it when write
// returns, so write retains what it keeps. An error from write fails the
// run.
func ToFunc(write func(ctx context.Context, rec arrow.RecordBatch) error) Sink {
	return funcSink{write}
}

type funcSink struct {
	write func(ctx context.Context, rec arrow.RecordBatch) error
}

// NewEncoder returns nil: Write takes the batches.
func (funcSink) NewEncoder() Encoder { return nil }

func (s funcSink) Write(ctx context.Context, c Chunk) error {
	defer c.Batch.Release()
	return s.write(ctx, c.Batch)
}

func (funcSink) Close(context.Context) error { return nil }
