// Package pipeline runs a staged stream of Arrow record batches: one source,
// a chain of stages, one sink, each step on its own pool of worker
// goroutines, connected by bounded queues.
//
//	Source.Next ─▶ decode pool ─▶ stage 1 pool ─▶ … ─▶ encode pool ─▶ Sink.Write
//	 (1 goroutine)  (Decoder per    (Worker per         (Encoder per    (1 goroutine,
//	                 worker)         worker)             worker)         input order)
//
// Columnar sources and sinks (Arrow IPC, Parquet, FromRecordReader, ToFunc)
// have no Decoder or Encoder, and their pool is left out: the reader hands
// batches straight to the first stage, the last stage straight to Write.
//
// Ordering is part of the contract: every batch carries a sequence number,
// and every step's output sequence strictly increases (in input order; with
// Config.Unordered the numbers are still unique). The reader numbers its
// chunks 0, 1, 2, ...; a batch keeps its number through the steps, and the
// batches a stage emits from Finish are numbered after every batch that
// stage took in, so a verb after a stateful one (groupby after sort) sees
// its input in order. Worker.Process receives the number with the batch,
// and Decoder.Decode finds it in Chunk.Seq. It is an order, not a position:
// a batch's place in the input, for error messages, travels in its Chunk
// (File, Line, Offset).
//
// A step with several workers records a slot per batch in input order
// before a worker takes it;
// the worker that completes the oldest outstanding slot passes it on, with
// every later one already done, while the other workers go on: the batches
// leave every step, and reach the sink, in input order whatever the worker
// count and per-batch timing, with no collector goroutine in between. A
// one-worker step is a plain loop over a buffered queue. The slots (or the
// queue) are allocated once per run and their number (workers plus
// Config.QueueDepth) bounds the batches in flight, so a slow sink slows the
// reader and memory does not grow with the input. With Config.Unordered a
// step passes each batch on as soon as it is done, except the steps before
// a stage that declares Stage.Ordered (head, tail, distinct), which still
// keep input order.
//
// Between steps, batches cross as sharedmem decides (Config.Handoff): shared
// by reference, or copied as a message encoded by the producing worker and
// decoded by the consuming one.
//
// Lifecycle: decoders and encoders are made by New, workers when Run
// starts; each is reused for every batch. Stage.Finish runs after a stage's last
// batch and may emit more (group-by merges its workers' partial state
// there). Run returns the first error, as a *StageError naming the stage and
// the batch; a panic becomes a *PanicError carrying the panic value and the
// worker's stack, and cancels the run at once. An error or a cancelled ctx
// stops every step promptly; when Run returns, every goroutine it started
// has exited and every batch it held is released; a stage whose workers
// hold batches between calls frees them in Stage.Abort, which a failed run
// calls before it returns. A stage ends the stream early without error by
// returning ErrStop.
//
// FromRecordReader and ToFunc adapt arrow-go's array.RecordReader and a
// plain function to a Source and a Sink, so that Arrow data in memory runs
// through a chain of stages with no Source or Sink of its own; Batches runs
// a pipeline as a range loop over its output (and, with arrow-go's
// array.ReaderFromIter, as a RecordReader).
//
// Ownership: a Worker consumes the batch it is given and the pipeline owns
// what it returns; see the Source, Sink and Stage docs for the rest.
// Metrics are always on (a few atomic adds per batch) and may be read while
// the pipeline runs.
package pipeline
