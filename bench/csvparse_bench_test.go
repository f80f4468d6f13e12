package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/metrics"
	"sync/atomic"
	"testing"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/csvin"
)

// The CSV parse benchmarks read csvParseCopies inputs of csvParseRows
// generated orders (~15 MB each) as one stream: ~60 MB per op, so that the
// source's start-up (buffers, header, sampling) weighs little against the
// parse, while the data kept in memory stays small for the GC.
const (
	csvParseRows   = 250_000
	csvParseCopies = 4
)

// BenchmarkCSVParse measures the CSV source as the engine runs it: the
// reader goroutine, the splitter (Next) and a pool of decoders parsing
// generated orders into batches, which a sink drops. Run it with GOMAXPROCS
// 2 (-cpu 2): workers=2 against workers=1 is the parser's scaling,
// cols=groupby the three columns a group-by of the region reads, cols=none
// what `count` decodes (no column, only the rows). The metric gc-% is the
// garbage collector's share of the process's CPU time, from runtime/metrics.
func BenchmarkCSVParse(b *testing.B) {
	data, err := genCSV(context.Background(), csvParseRows, 1)
	if err != nil {
		b.Fatal(err)
	}
	for _, cols := range []string{"all", "groupby", "none"} {
		var columns []string
		switch cols {
		case "groupby": // what groupby region 'sum(qty), mean(price)' reads
			columns = []string{"region", "qty", "price"}
		case "none":
			columns = []string{}
		}
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("cols=%s/workers=%d", cols, workers), func(b *testing.B) {
				mem := sharedmem.NewPool(0)
				b.SetBytes(csvParseCopies * int64(len(data)))
				b.ReportAllocs()
				gc := startCPUClasses()
				for b.Loop() {
					rows := runCSVParse(b, data, workers, columns, mem)
					if rows != csvParseCopies*csvParseRows {
						b.Fatalf("parsed %d rows, want %d", rows, csvParseCopies*csvParseRows)
					}
				}
				gc.report(b)
			})
		}
	}
}

// runCSVParse runs csvParseCopies copies of data through a CSV source and
// a discarding sink on the engine and returns the number of rows that
// reached the sink.
func runCSVParse(b *testing.B, data []byte, workers int, columns []string, mem *sharedmem.Pool) int64 {
	ctx := context.Background()
	inputs := make([]csvin.Input, csvParseCopies)
	for i := range inputs {
		inputs[i] = csvin.Input{Name: "orders.csv", R: bytes.NewReader(data)}
	}
	src, err := csvin.NewSource(ctx, inputs, csvin.Options{Columns: columns, Mem: mem})
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	sink := &rowSink{}
	p := pipeline.New(src, nil, sink, pipeline.Config{Mem: mem, DecodeWorkers: workers, EncodeWorkers: 1})
	if err := p.Run(ctx); err != nil {
		b.Fatal(err)
	}
	return sink.rows
}

// rowSink drops every batch and counts its rows.
type rowSink struct{ rows int64 }

func (*rowSink) NewEncoder() pipeline.Encoder { return countEncoder{} }
func (s *rowSink) Write(ctx context.Context, c pipeline.Chunk) error {
	s.rows += int64(c.Rows)
	return nil
}
func (*rowSink) Close(ctx context.Context) error { return nil }

// BenchmarkCSVDecodeParallel measures the decode kernel alone on every
// goroutine of b.RunParallel, over chunks split beforehand: with -cpu 1,2
// the ratio of the two is what the hardware gives this kernel on two cores,
// the ceiling for the source's scaling. One op decodes one full chunk.
func BenchmarkCSVDecodeParallel(b *testing.B) {
	data, err := genCSV(context.Background(), csvParseRows, 1)
	if err != nil {
		b.Fatal(err)
	}
	for _, size := range []int{512 << 10, 1 << 20, csvin.DefaultBatchBytes} {
		b.Run(fmt.Sprintf("batchbytes=%d", size), func(b *testing.B) {
			mem := sharedmem.NewPool(0)
			src, chunks := splitCSV(b, data, csvin.Options{Mem: mem, BatchBytes: size})
			total := 0
			for _, c := range chunks {
				total += len(c.Data)
			}
			b.SetBytes(int64(total / len(chunks)))
			b.ReportAllocs()
			var next atomic.Int64
			gc := startCPUClasses()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				dec := src.NewDecoder()
				for pb.Next() {
					c := chunks[int(next.Add(1))%len(chunks)]
					rec, err := dec.Decode(context.Background(), c)
					if err != nil {
						b.Error(err)
						return
					}
					rec.Release()
				}
			})
			gc.report(b)
		})
	}
}

// splitCSV cuts data into chunks with a source of opts and returns the
// closed source (its decoders still work) with the full chunks: copies that
// the source does not own, so that decoding them recycles nothing and they
// can be decoded again. The short last chunk is left out, so that every
// chunk holds about the same bytes.
func splitCSV(b *testing.B, data []byte, opts csvin.Options) (*csvin.Source, []pipeline.Chunk) {
	src, err := csvin.NewSource(context.Background(), []csvin.Input{{Name: "orders.csv", R: bytes.NewReader(data)}}, opts)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	var chunks []pipeline.Chunk
	for {
		c, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		data := bytes.Clone(c.Data)
		src.Recycle(c)
		c.Data = data
		chunks = append(chunks, c)
	}
	if len(chunks) > 1 {
		chunks = chunks[:len(chunks)-1]
	}
	return src, chunks
}

// cpuClasses samples the runtime's estimate of CPU time spent by the
// garbage collector and by everything else. The runtime updates these at
// each GC cycle, so the share is approximate over a short run.
type cpuClasses struct{ samples []metrics.Sample }

func startCPUClasses() *cpuClasses {
	c := &cpuClasses{samples: []metrics.Sample{
		{Name: "/cpu/classes/gc/total:cpu-seconds"},
		{Name: "/cpu/classes/user:cpu-seconds"},
		{Name: "/cpu/classes/scavenge/total:cpu-seconds"},
	}}
	metrics.Read(c.samples)
	return c
}

func (c *cpuClasses) report(b *testing.B) {
	now := make([]metrics.Sample, len(c.samples))
	copy(now, c.samples)
	metrics.Read(now)
	d := make([]float64, len(now))
	sum := 0.0
	for i := range now {
		d[i] = now[i].Value.Float64() - c.samples[i].Value.Float64()
		sum += d[i]
	}
	if sum > 0 {
		b.ReportMetric(100*d[0]/sum, "gc-%")
	}
}
