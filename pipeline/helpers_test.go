package pipeline_test

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

var valueSchema = arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Int64}}, nil)

// countSource yields batches of consecutive int64 values 0, 1, 2, ...: the
// reader makes the batch, the decoder passes it through (after an optional
// random delay, to shuffle completion order).
type countSource struct {
	mem       memory.Allocator
	batches   int
	rows      int
	maxDelay  time.Duration
	interval  time.Duration // pause before each Next, for slow-input tests
	next      int
	read      atomic.Int64 // batches handed out
	seed      uint64
	seedMu    sync.Mutex
	decodeErr func(seq uint64) error
}

func (s *countSource) Schema() *arrow.Schema { return valueSchema }

func (s *countSource) Next(ctx context.Context) (pipeline.Chunk, error) {
	if s.next >= s.batches {
		return pipeline.Chunk{}, io.EOF
	}
	if s.interval > 0 {
		select {
		case <-time.After(s.interval):
		case <-ctx.Done():
			return pipeline.Chunk{}, ctx.Err()
		}
	} else if err := ctx.Err(); err != nil {
		return pipeline.Chunk{}, err
	}
	b := array.NewInt64Builder(s.mem)
	defer b.Release()
	for i := 0; i < s.rows; i++ {
		b.Append(int64(s.next*s.rows + i))
	}
	col := b.NewArray()
	defer col.Release()
	s.next++
	s.read.Add(1)
	return pipeline.Chunk{Batch: array.NewRecordBatch(valueSchema, []arrow.Array{col}, int64(s.rows)), Rows: s.rows}, nil
}

func (s *countSource) NewDecoder() pipeline.Decoder {
	s.seedMu.Lock()
	defer s.seedMu.Unlock()
	s.seed++
	return &passDecoder{src: s, rng: rand.New(rand.NewPCG(s.seed, 7))}
}

type passDecoder struct {
	src *countSource
	rng *rand.Rand
}

func (d *passDecoder) Decode(ctx context.Context, c pipeline.Chunk) (arrow.RecordBatch, error) {
	if d.src.maxDelay > 0 {
		time.Sleep(time.Duration(d.rng.Int64N(int64(d.src.maxDelay))))
	}
	if d.src.decodeErr != nil {
		if err := d.src.decodeErr(c.Seq); err != nil {
			c.Batch.Release()
			return nil, err
		}
	}
	return c.Batch, nil
}

// collectSink records every value it is given, in the order written.
type collectSink struct {
	mu         sync.Mutex
	values     []int64
	firstWrite time.Time
	closed     bool
	failAt     int // fail the Nth write (1-based); 0 never
	writes     int
}

func (s *collectSink) NewEncoder() pipeline.Encoder { return passEncoder{} }

type passEncoder struct{}

func (passEncoder) Encode(ctx context.Context, rec arrow.RecordBatch) (pipeline.Chunk, error) {
	rec.Retain()
	return pipeline.Chunk{Batch: rec}, nil
}

func (s *collectSink) Write(ctx context.Context, c pipeline.Chunk) error {
	defer c.Batch.Release()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	if s.writes == s.failAt {
		return errors.New("disk full")
	}
	if s.firstWrite.IsZero() {
		s.firstWrite = time.Now()
	}
	col := c.Batch.Column(0).(*array.Int64)
	s.values = append(s.values, col.Int64Values()...)
	return nil
}

func (s *collectSink) Close(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

func (s *collectSink) got() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int64(nil), s.values...)
}

// funcWorker adapts a function to pipeline.Worker.
type funcWorker func(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error)

func (f funcWorker) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	return f(ctx, seq, in)
}

func stageOf(name string, workers int, f funcWorker) pipeline.Stage {
	return pipeline.Stage{Name: name, Workers: workers, NewWorker: func() pipeline.Worker { return f }}
}

// delayStage sleeps a random time per batch and passes it on.
func delayStage(name string, workers int, max time.Duration, seed uint64) pipeline.Stage {
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(seed, 11))
	return stageOf(name, workers, func(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
		mu.Lock()
		d := time.Duration(rng.Int64N(int64(max)))
		mu.Unlock()
		time.Sleep(d)
		return in, nil
	})
}

func sequence(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i)
	}
	return out
}

func int64Batch(mem memory.Allocator, vals ...int64) arrow.RecordBatch {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.AppendValues(vals, nil)
	col := b.NewArray()
	defer col.Release()
	return array.NewRecordBatch(valueSchema, []arrow.Array{col}, int64(len(vals)))
}
