package pipeline

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
)

// A Chunk is a piece of raw input or output in stream order: whole records as
// bytes (CSV, NDJSON), or a ready batch (Arrow IPC, Parquet). Sources cut
// input into chunks on one goroutine and decode them on a worker pool; sinks
// encode batches into chunks on a worker pool and write them on one goroutine.
type Chunk struct {
	// Data holds whole records. The producer of the chunk owns it until it is
	// handed to the consumer, which may recycle it (see Source.Recycle).
	Data []byte
	// Batch is set instead of Data by formats that are already columnar. The
	// receiver owns it and must release it.
	Batch arrow.RecordBatch
	// File, Offset and Line place Data's first byte in the input, for error
	// messages: Offset is a byte offset, Line is 1-based.
	File   string
	Offset int64
	Line   int64
	// Rows is the number of records in Data, when the producer counted them.
	Rows int
	// Seq is the chunk's sequence number in the stream (0, 1, 2, ...), set
	// by the pipeline before it hands the chunk to a Decoder.
	Seq uint64
}

// A Source produces the input stream.
//
// Next is called from a single goroutine and returns chunks in input order;
// it returns io.EOF after the last one. It must return promptly once ctx is
// done. Decoders run on the source's worker pool, one per worker, made by
// New; a decoder is used by one goroutine at a time. A source whose chunks
// already carry batches (Chunk.Batch: Arrow IPC, Parquet, batches in
// memory) returns a nil Decoder, and the pipeline then hands the batches
// on from the reading goroutine, with no decode step.
type Source interface {
	Schema() *arrow.Schema
	Next(ctx context.Context) (Chunk, error)
	NewDecoder() Decoder
}

// A Decoder turns one chunk into one record batch owned by the caller. It may
// return a nil batch for a chunk without rows.
type Decoder interface {
	Decode(ctx context.Context, c Chunk) (arrow.RecordBatch, error)
}

// A Sink consumes the output stream.
//
// Encoders run on the sink's worker pool, one per worker, made by New. A
// sink that takes batches as they are (Arrow IPC, Parquet, a function)
// returns a nil Encoder: there is no encode step, and Write receives each
// batch in Chunk.Batch. Write is called from
// a single goroutine with the encoded chunks in stream order (unless the
// pipeline is unordered). Close is called once after the last Write of a
// successful run, and never after a failed one: the caller of Run decides
// what happens to partial output. Write owns the chunk it is given (it must
// release c.Batch, if set).
type Sink interface {
	NewEncoder() Encoder
	Write(ctx context.Context, c Chunk) error
	Close(ctx context.Context) error
}

// An Encoder turns one batch into a chunk for its sink. It borrows rec: the
// pipeline releases rec after Encode returns, so an encoder that passes the
// batch itself on in Chunk.Batch must retain it.
type Encoder interface {
	Encode(ctx context.Context, rec arrow.RecordBatch) (Chunk, error)
}

// A Stage is one transform step between source and sink.
//
// NewWorker is called once per worker when the pipeline starts. Each worker
// receives batches from the stage's input queue, each with its sequence
// number; with ordered output (the default) each batch's result keeps its
// input position. Finish, when set,
// runs once after every worker has processed its last batch, so a stateful
// stage can merge the workers' partial state and emit the result.
type Stage struct {
	Name string
	// Workers is the size of the stage's pool; 0 means GOMAXPROCS. Stages
	// whose result depends on the order of rows across batches (head,
	// distinct) must use 1.
	Workers int
	// Ordered declares that the stage's result depends on the order in
	// which batches reach it (head, tail, distinct), not only on their
	// sequence numbers: with Config.Unordered, every step before it still
	// keeps input order, and only the steps after it pass batches on as
	// they are done.
	Ordered   bool
	NewWorker func() Worker
	Finish    func(ctx context.Context, workers []Worker, emit func(arrow.RecordBatch) error) error
	// Abort, when set, runs once when a run fails or is cancelled, after
	// every goroutine of the run has stopped and before Run returns, so a
	// stage whose workers hold batches between calls frees them within
	// Run's promise. It must be a no-op for what Finish already freed.
	Abort func(workers []Worker)
}

// A Worker processes batches for one stage, on one goroutine at a time.
//
// Process consumes in, the batch numbered seq: it must release it or
// return it. Sequence numbers strictly increase along the stage's input in
// input order (see the package doc), so a stage that depends on order, such
// as a group-by listing groups by first appearance, orders what its workers
// saw by seq even when they saw it out of order. It returns the batch to
// pass downstream, owned by the caller, or nil to pass nothing. Returning
// ErrStop (possibly with a final batch) ends the stream early without error:
// the source stops reading and the rest of the pipeline drains normally.
type Worker interface {
	Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error)
}

// WorkerFunc is a Worker that is a function, for a stateless stage: one
// value may serve every worker of the pool, so it must be safe for
// concurrent use.
type WorkerFunc func(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error)

// Process calls f.
func (f WorkerFunc) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	return f(ctx, seq, in)
}
