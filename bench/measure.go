package bench

import (
	"context"
	"runtime"
	"runtime/metrics"
	"time"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// heapSampleInterval is how often the peak-heap sampler looks at the heap.
const heapSampleInterval = 5 * time.Millisecond

const heapObjectsMetric = "/memory/classes/heap/objects:bytes"

// Sample is one measured run of a cell.
type Sample struct {
	// Wall is the run's wall time.
	Wall time.Duration `json:"wall_ns"`
	// Rows and Batches are what the source handed to the first stage;
	// InputBytes is the CSV read, or the live Arrow bytes handed out.
	Rows       int64 `json:"rows"`
	Batches    int64 `json:"batches"`
	InputBytes int64 `json:"input_bytes"`
	// OutRows is the number of rows the sink received.
	OutRows int64 `json:"out_rows"`
	// Handoff sums the handoff counters of every stage boundary.
	Handoff sharedmem.Counters `json:"handoff"`
	// Mallocs and AllocBytes are the heap allocations of the whole process
	// during the run (runtime.MemStats deltas).
	Mallocs    uint64 `json:"mallocs"`
	AllocBytes uint64 `json:"alloc_bytes"`
	// GCCycles and GCPause are the garbage collections that ended during
	// the run and their total stop-the-world time.
	GCCycles uint32        `json:"gc_cycles"`
	GCPause  time.Duration `json:"gc_pause_ns"`
	// PeakHeap is the largest growth of live heap objects over the
	// baseline before the run, sampled every 5 ms.
	PeakHeap int64 `json:"peak_heap_bytes"`
	// Retained is the growth of live heap objects over the same baseline
	// after the run and a collection, while the run's allocator (with the
	// buffers it keeps for reuse) is still referenced.
	Retained int64 `json:"retained_bytes"`
	// LatencyP50 and LatencyP99 are the pipeline's read-to-write batch
	// latencies.
	LatencyP50 time.Duration `json:"latency_p50_ns"`
	LatencyP99 time.Duration `json:"latency_p99_ns"`
}

// measure runs r once on a fresh sharedmem.Pool and measures it. It forces
// a garbage collection before and after the run (outside the timing), so
// runs start from the same heap and retained bytes are live ones.
func measure(ctx context.Context, r *cellRunner) (Sample, error) {
	runtime.GC()
	base := heapObjects()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	mem := sharedmem.NewPool(0)
	stopSampler := samplePeakHeap(heapSampleInterval)

	start := time.Now()
	st, err := r.run(ctx, mem)
	wall := time.Since(start)

	peak := stopSampler()
	runtime.ReadMemStats(&after)
	runtime.GC()
	retained := int64(heapObjects()) - int64(base)
	runtime.KeepAlive(mem)
	if err != nil {
		return Sample{}, err
	}

	m := st.metrics
	s := Sample{
		Wall:       wall,
		InputBytes: st.inputBytes,
		Mallocs:    after.Mallocs - before.Mallocs,
		AllocBytes: after.TotalAlloc - before.TotalAlloc,
		GCCycles:   after.NumGC - before.NumGC,
		GCPause:    time.Duration(after.PauseTotalNs - before.PauseTotalNs),
		PeakHeap:   max(0, int64(peak)-int64(base)),
		Retained:   max(0, retained),
		LatencyP50: m.LatencyP50,
		LatencyP99: m.LatencyP99,
	}
	if len(m.Stages) >= 2 {
		decode := m.Decoded()
		s.Rows, s.Batches = decode.RowsOut, decode.BatchesOut
		s.OutRows = m.Stages[len(m.Stages)-1].RowsIn
	}
	for _, sm := range m.Stages {
		s.Handoff = s.Handoff.Add(sm.Handoff)
	}
	return s, nil
}

// heapObjects returns the bytes of heap objects, live or not yet swept.
func heapObjects() uint64 {
	s := []metrics.Sample{{Name: heapObjectsMetric}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// samplePeakHeap starts a goroutine that reads the heap every interval and
// returns the function that stops it and reports the largest reading. The
// goroutine has exited when that function returns.
func samplePeakHeap(interval time.Duration) (stop func() uint64) {
	done := make(chan struct{})
	result := make(chan uint64)
	go func() {
		s := []metrics.Sample{{Name: heapObjectsMetric}}
		read := func() uint64 {
			metrics.Read(s)
			return s[0].Value.Uint64()
		}
		peak := read()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				peak = max(peak, read())
			case <-done:
				result <- max(peak, read())
				return
			}
		}
	}()
	return func() uint64 {
		close(done)
		return <-result
	}
}
