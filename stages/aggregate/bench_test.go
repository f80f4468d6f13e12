package aggregate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

var benchSchema = arrow.NewSchema([]arrow.Field{
	{Name: "region", Type: arrow.BinaryTypes.String},
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "qty", Type: arrow.PrimitiveTypes.Int64},
	{Name: "price", Type: arrow.PrimitiveTypes.Float64},
}, nil)

// benchBatches builds nb batches of 64Ki rows: 8 region names, ids drawn
// from [0, ids), quantities and prices.
func benchBatches(nb, ids int) ([]arrow.RecordBatch, int64) {
	regions := []string{"north-america", "south-america", "europe", "africa", "asia", "oceania", "antarctica", "middle-east"}
	r := rand.New(rand.NewPCG(1, 2))
	var out []arrow.RecordBatch
	var size int64
	for range nb {
		b := array.NewRecordBuilder(memory.DefaultAllocator, benchSchema)
		for range MaxBatchRows {
			reg := regions[r.IntN(len(regions))]
			b.Field(0).(*array.StringBuilder).Append(reg)
			b.Field(1).(*array.Int64Builder).Append(int64(r.IntN(ids)))
			b.Field(2).(*array.Int64Builder).Append(int64(r.IntN(100)))
			b.Field(3).(*array.Float64Builder).Append(r.Float64() * 1000)
			size += int64(len(reg)) + 4 + 24
		}
		out = append(out, b.NewRecordBatch())
		b.Release()
	}
	return out, size
}

// largeBenchBatches returns batches with their utf8 columns as large_utf8
// (Polars' text), for the benchmarks' text=large_utf8 cases.
func largeBenchBatches(batches []arrow.RecordBatch) []arrow.RecordBatch {
	out := make([]arrow.RecordBatch, len(batches))
	for i, rec := range batches {
		fields := rec.Schema().Fields()
		cols := make([]arrow.Array, len(fields))
		for c, col := range rec.Columns() {
			s, ok := col.(*array.String)
			if !ok {
				col.Retain()
				cols[c] = col
				continue
			}
			fields[c].Type = arrow.BinaryTypes.LargeString
			lb := array.NewLargeStringBuilder(memory.DefaultAllocator)
			for r := range s.Len() {
				lb.Append(s.Value(r))
			}
			cols[c] = lb.NewArray()
			lb.Release()
		}
		out[i] = array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, rec.NumRows())
		for _, c := range cols {
			c.Release()
		}
	}
	return out
}

// runBench feeds every batch to one worker (the aggregation phase) and,
// with finish, runs Finish too. It reports rows/s.
func runBench(b *testing.B, st pipeline.Stage, batches []arrow.RecordBatch, rounds int, finish bool) {
	rows := int64(len(batches)*MaxBatchRows) * int64(rounds)
	b.ReportAllocs()
	var state int64
	cpu0 := cpuTime()
	for b.Loop() {
		w := st.NewWorker()
		seq := uint64(0)
		for range rounds {
			for _, rec := range batches {
				rec.Retain()
				if _, err := w.Process(context.Background(), seq, rec); err != nil {
					b.Fatal(err)
				}
				seq++
			}
		}
		if gw, ok := w.(*groupWorker); ok {
			state = gw.part.bytes()
		}
		if finish {
			err := st.Finish(context.Background(), []pipeline.Worker{w}, func(rec arrow.RecordBatch) error {
				rec.Release()
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	// The machine is shared: rows per CPU-second of this process is the
	// per-core figure that other load does not distort.
	b.ReportMetric(float64(rows)*float64(b.N)/(cpuTime()-cpu0).Seconds(), "rows/cpu-s")
	if state > 0 {
		b.ReportMetric(float64(state), "state-bytes")
	}
}

// cpuTime is the user+system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkGroupBy(b *testing.B) {
	small, size := benchBatches(16, 1)
	defer releaseAll(small)
	for _, aggs := range []string{"sum(qty), count(), mean(price)", "count()"} {
		b.Run(fmt.Sprintf("keys=region/aggs=%s", aggs), func(b *testing.B) {
			st, _, err := buildVerb(b, verb.Env{Workers: 1}, "groupby", benchSchema, "region", aggs)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			runBench(b, st, small, 1, false)
		})
	}
	large := largeBenchBatches(small)
	defer releaseAll(large)
	b.Run("keys=region/text=large_utf8/aggs=count()", func(b *testing.B) {
		st, _, err := buildVerb(b, verb.Env{Workers: 1}, "groupby", large[0].Schema(), "region", "count()")
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(size)
		runBench(b, st, large, 1, false)
	})
	b.Run("keys=-/aggs=sum,count,mean", func(b *testing.B) {
		st, _, err := buildVerb(b, verb.Env{Workers: 1}, "agg", benchSchema, "sum(qty), count(), mean(price)")
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(size)
		runBench(b, st, small, 1, false)
	})
}

// 1M distinct int keys over 10M rows (32 batches of 64Ki, 5 rounds), with
// Finish (merge and output) included.
func BenchmarkGroupByManyKeys(b *testing.B) {
	batches, size := benchBatches(32, 1_000_000)
	defer releaseAll(batches)
	st, _, err := buildVerb(b, verb.Env{Workers: 1}, "groupby", benchSchema, "id", "sum(qty), count(), mean(price)")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("keys=id/distinct=1M/rows=10M", func(b *testing.B) {
		b.SetBytes(size * 5)
		runBench(b, st, batches, 5, true)
	})
}

// The 1M-key group-by on two workers, each fed every other batch (from
// one goroutine, so that the CPU time is comparable), then Finish, which
// merges two partials of ~1M groups each and orders the merged groups by
// first appearance: the merge's share of a default two-worker run.
func BenchmarkMergeManyKeys(b *testing.B) {
	batches, size := benchBatches(32, 1_000_000)
	defer releaseAll(batches)
	st, _, err := buildVerb(b, verb.Env{Workers: 2}, "groupby", benchSchema, "id", "sum(qty), count(), mean(price)")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("keys=id/distinct=1M/rows=10M/workers=2", func(b *testing.B) {
		const rounds = 5
		b.SetBytes(size * rounds)
		b.ReportAllocs()
		var finish time.Duration
		cpu0 := cpuTime()
		for b.Loop() {
			ws := []pipeline.Worker{st.NewWorker(), st.NewWorker()}
			seq := uint64(0)
			for range rounds {
				for _, rec := range batches {
					rec.Retain()
					if _, err := ws[seq%2].Process(context.Background(), seq, rec); err != nil {
						b.Fatal(err)
					}
					seq++
				}
			}
			f0 := cpuTime()
			err := st.Finish(context.Background(), ws, func(rec arrow.RecordBatch) error {
				rec.Release()
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			finish += cpuTime() - f0
		}
		rows := int64(len(batches)*MaxBatchRows) * rounds
		b.ReportMetric(float64(rows)*float64(b.N)/(cpuTime()-cpu0).Seconds(), "rows/cpu-s")
		b.ReportMetric(finish.Seconds()*1000/float64(b.N), "finish-cpu-ms")
	})
}

func BenchmarkSort(b *testing.B) {
	batches, size := benchBatches(16, 1<<30)
	defer releaseAll(batches)
	for _, spec := range []string{"id", "region, price desc"} {
		b.Run(fmt.Sprintf("rows=1M/order=%s", spec), func(b *testing.B) {
			st, _, err := buildVerb(b, verb.Env{}, "sort", benchSchema, spec)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			runBench(b, st, batches, 1, true)
		})
	}
	large := largeBenchBatches(batches)
	defer releaseAll(large)
	b.Run("rows=1M/text=large_utf8/order=region, price desc", func(b *testing.B) {
		st, _, err := buildVerb(b, verb.Env{}, "sort", large[0].Schema(), "region, price desc")
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(size)
		runBench(b, st, large, 1, true)
	})
	b.Run("rows=1M/order=id/spill=8MiB", func(b *testing.B) {
		st, _, err := buildVerb(b, verb.Env{MaxMemory: 8 << 20, TempDir: b.TempDir()}, "sort", benchSchema, "id")
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(size)
		runBench(b, st, batches, 1, true)
	})
}

func BenchmarkTop(b *testing.B) {
	batches, size := benchBatches(16, 1<<30)
	defer releaseAll(batches)
	st, _, err := buildVerb(b, verb.Env{Workers: 1}, "top", benchSchema, "10", "price desc")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("rows=1M/n=10", func(b *testing.B) {
		b.SetBytes(size)
		runBench(b, st, batches, 1, true)
	})
}

// 10M rows generated a batch at a time (so the input is not held), sorted
// under a 64 MiB cap: spills, merges, and reports the process's peak RSS
// (meaningful when this benchmark runs alone).
func BenchmarkSortSpillLarge(b *testing.B) {
	regions := []string{"north-america", "south-america", "europe", "africa", "asia", "oceania", "antarctica", "middle-east"}
	const rows = 10_000_000
	b.Run("rows=10M/order=id/spill=64MiB", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := cpuTime()
		for b.Loop() {
			st, _, err := buildVerb(b, verb.Env{MaxMemory: 64 << 20, TempDir: b.TempDir()}, "sort", benchSchema, "id")
			if err != nil {
				b.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, 2))
			w := st.NewWorker()
			for seq, left := 0, rows; left > 0; seq++ {
				n := min(left, MaxBatchRows)
				left -= n
				bld := array.NewRecordBuilder(memory.DefaultAllocator, benchSchema)
				for range n {
					bld.Field(0).(*array.StringBuilder).Append(regions[r.IntN(len(regions))])
					bld.Field(1).(*array.Int64Builder).Append(int64(r.Uint64() >> 1))
					bld.Field(2).(*array.Int64Builder).Append(int64(r.IntN(100)))
					bld.Field(3).(*array.Float64Builder).Append(r.Float64() * 1000)
				}
				rec := bld.NewRecordBatch()
				bld.Release()
				if _, err := w.Process(context.Background(), uint64(seq), rec); err != nil {
					b.Fatal(err)
				}
			}
			var got int64
			last := int64(-1)
			err = st.Finish(context.Background(), []pipeline.Worker{w}, func(rec arrow.RecordBatch) error {
				defer rec.Release()
				for _, v := range rec.Column(1).(*array.Int64).Int64Values() {
					if v < last {
						return fmt.Errorf("row %d: %d after %d", got, v, last)
					}
					last = v
				}
				got += rec.NumRows()
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			if got != rows {
				b.Fatalf("sorted %d rows, want %d", got, rows)
			}
		}
		b.ReportMetric(float64(rows)*float64(b.N)/(cpuTime()-cpu0).Seconds(), "rows/cpu-s")
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
			b.ReportMetric(float64(ru.Maxrss>>10), "peak-rss-MB")
		}
	})
}

// The region group-by on GOMAXPROCS workers (the -cpu suffix), each fed every
// GOMAXPROCS-th batch from its own goroutine, then Finish: run with
// -cpu 1,2 to see how the aggregation phase scales (rows/s; rows/cpu-s
// stays flat when it scales perfectly).
func BenchmarkGroupByParallel(b *testing.B) {
	batches, size := benchBatches(16, 1)
	defer releaseAll(batches)
	const rounds = 4
	b.Run("keys=region/aggs=sum,count,mean", func(b *testing.B) {
		workers := runtime.GOMAXPROCS(0)
		st, _, err := buildVerb(b, verb.Env{Workers: workers}, "groupby", benchSchema, "region", "sum(qty), count(), mean(price)")
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(size * rounds)
		b.ReportAllocs()
		rows := int64(len(batches)*MaxBatchRows) * rounds
		cpu0 := cpuTime()
		for b.Loop() {
			ws := make([]pipeline.Worker, workers)
			errs := make([]error, workers)
			var wg sync.WaitGroup
			for wi := range ws {
				ws[wi] = st.NewWorker()
				wg.Go(func() {
					for i := wi; i < len(batches)*rounds; i += workers {
						rec := batches[i%len(batches)]
						rec.Retain()
						if _, err := ws[wi].Process(context.Background(), uint64(i), rec); err != nil {
							errs[wi] = err
							return
						}
					}
				})
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					b.Fatal(err)
				}
			}
			err := st.Finish(context.Background(), ws, func(rec arrow.RecordBatch) error {
				rec.Release()
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		b.ReportMetric(float64(rows)*float64(b.N)/(cpuTime()-cpu0).Seconds(), "rows/cpu-s")
	})
}
