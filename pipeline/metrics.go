package pipeline

import (
	"sync/atomic"
	"time"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// stepSpec is what one step is, fixed when the pipeline is made: its
// name, its pool size, the handoff its output crosses (nil for the read,
// encode and write steps, whose output is raw) and its counters.
type stepSpec struct {
	kind    StepKind
	name    string
	workers int
	handoff *sharedmem.Handoff
	m       *stepMetrics
}

// stepMetrics is the always-on accounting of one step, counters only: a
// handful of atomic adds and two clock reads per batch (per sampleEvery
// batches while they take under sampleBelow each, see workerClock). A
// step's input is its predecessor's output, so only outputs are counted:
// three atomic adds fewer per batch and step.
type stepMetrics struct {
	batchesOut, rowsOut atomic.Int64
	bytesOut            atomic.Int64
	busy                []paddedInt64 // ns per worker
	queueWait           histogram
	started, finished   atomic.Int64 // ns since the run's start
	finishing           atomic.Bool  // Stage.Finish is running
}

// paddedInt64 keeps each worker's counter on its own cache line.
type paddedInt64 struct {
	atomic.Int64
	_ [56]byte
}

// A StepKind is what a step of the pipeline does.
type StepKind int

// The steps' kinds. A pipeline has one read and one write step; a decode
// step when its Source has a Decoder, an encode step when its Sink has an
// Encoder, and a step per Stage.
const (
	ReadStep StepKind = iota
	DecodeStep
	StageStep
	EncodeStep
	WriteStep
)

// StageMetrics is a snapshot of one step's counters.
type StageMetrics struct {
	Kind    StepKind
	Name    string
	Workers int
	// Batches, rows and bytes (live Arrow bytes, or raw bytes for the read
	// and write steps) in and out.
	BatchesIn, BatchesOut int64
	RowsIn, RowsOut       int64
	BytesIn, BytesOut     int64
	// Busy is the time workers spent processing, summed over workers,
	// a stage's Finish included (less its waits for room downstream).
	Busy time.Duration
	// Wall is the time from the step's first batch to its end.
	Wall time.Duration
	// Utilization is Busy / (Wall × Workers), 0..1.
	Utilization float64
	// QueueWaitP50 and QueueWaitP99 are how long batches waited between
	// being queued for this step and a worker taking them (on a sample of
	// the batches when they are tiny: one in eight).
	QueueWaitP50, QueueWaitP99 time.Duration
	// Handoff counts how this step's output batches crossed to the next.
	Handoff sharedmem.Counters
	// Finishing is set while the stage's Finish runs (a sort merging, a
	// group-by emitting its groups): all its input is in.
	Finishing bool
}

// Metrics is a snapshot of a whole run.
type Metrics struct {
	// Stages lists the steps in order: "read", "decode" (for a Source
	// with a Decoder), each Stage by name, "encode" (for a Sink with an
	// Encoder), "write".
	Stages []StageMetrics
	// LatencyP50 and LatencyP99 are how long batches took from being read
	// to being written.
	LatencyP50, LatencyP99 time.Duration
	// Elapsed is the run's wall time so far.
	Elapsed time.Duration
}

// Decoded returns the metrics of the step whose output is the source's
// batches: the decode step, or the read step of a source without one.
func (m Metrics) Decoded() StageMetrics {
	for _, s := range m.Stages {
		if s.Kind == DecodeStep {
			return s
		}
	}
	if len(m.Stages) == 0 {
		return StageMetrics{}
	}
	return m.Stages[0]
}

// Transforms returns the metrics of the Stages' steps, in order.
func (m Metrics) Transforms() []StageMetrics {
	var out []StageMetrics
	for _, s := range m.Stages {
		if s.Kind == StageStep {
			out = append(out, s)
		}
	}
	return out
}

// snapshot reads the step's counters; prev is its predecessor's spec (nil
// for the read step), whose output is its input.
func (spec *stepSpec) snapshot(prev *stepSpec, now int64) StageMetrics {
	m := spec.m
	s := StageMetrics{
		Kind:    spec.kind,
		Name:    spec.name,
		Workers: spec.workers,

		BatchesOut:   m.batchesOut.Load(),
		RowsOut:      m.rowsOut.Load(),
		BytesOut:     m.bytesOut.Load(),
		QueueWaitP50: m.queueWait.quantile(0.50),
		QueueWaitP99: m.queueWait.quantile(0.99),
		Finishing:    m.finishing.Load(),
	}
	if prev != nil {
		s.BatchesIn = prev.m.batchesOut.Load()
		s.RowsIn = prev.m.rowsOut.Load()
		s.BytesIn = prev.m.bytesOut.Load()
	}
	for i := range m.busy {
		s.Busy += time.Duration(m.busy[i].Load())
	}
	if start := m.started.Load(); start > 0 {
		end := m.finished.Load()
		if end == 0 {
			end = now
		}
		s.Wall = time.Duration(end - start)
	}
	// Busy time of fast batches is sampled (see workerClock), and the
	// estimate can overshoot on a short run: no step is busier than its
	// workers' wall time.
	if limit := s.Wall * time.Duration(s.Workers); s.Busy > limit {
		s.Busy = limit
	}
	if s.Wall > 0 && s.Workers > 0 {
		s.Utilization = float64(s.Busy) / (float64(s.Wall) * float64(s.Workers))
	}
	if spec.handoff != nil {
		s.Handoff = spec.handoff.Counters()
	}
	return s
}
