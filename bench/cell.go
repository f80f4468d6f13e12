package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/csvin"
	"github.com/arrowpipe/arrowpipe/stages/csvout"
)

// maxTableRows bounds the distinct rows of the Arrow scenarios: their
// source cycles over batches cut from at most this many generated rows
// (or one batch, if larger), so a long run costs no more memory than a
// short one.
const maxTableRows = 256 << 10

// csvBytesPerRow is a generous size of one generated CSV record, used to
// let a CSV chunk hold a whole batch of the cell's size.
const csvBytesPerRow = 128

// datasets generates each input once per size and keeps it for the cells
// that follow, until close.
type datasets struct {
	seed   uint64
	csv    map[int]*csvData
	orders map[int]*orders
	unmap  []func() error
}

// csvData is generated CSV with the end of each record, so that a run can
// read a prefix of any number of rows.
type csvData struct {
	data []byte
	ends []int // ends[i] is the offset just past record i (0 is the first after the header)
}

func newDatasets(seed uint64) *datasets {
	return &datasets{seed: seed, csv: map[int]*csvData{}, orders: map[int]*orders{}}
}

func (d *datasets) csvData(ctx context.Context, rows int) (*csvData, error) {
	if c, ok := d.csv[rows]; ok {
		return c, nil
	}
	generated, err := genCSV(ctx, rows, d.seed)
	if err != nil {
		return nil, err
	}
	b, unmap, err := offHeapCopy(generated)
	if err != nil {
		return nil, err
	}
	d.unmap = append(d.unmap, unmap)
	c := &csvData{data: b, ends: recordEnds(b)}
	if len(c.ends) != rows {
		return nil, fmt.Errorf("bench: generated %d records, want %d", len(c.ends), rows)
	}
	d.csv[rows] = c
	return c, nil
}

// prefix returns the header and the first rows records.
func (c *csvData) prefix(rows int) []byte {
	if rows <= 0 {
		return nil
	}
	return c.data[:c.ends[min(rows, len(c.ends))-1]]
}

// recordEnds returns the offset just past each record of CSV data after its
// header line, following RFC 4180 quotes (a quoted field may hold newlines).
func recordEnds(data []byte) []int {
	var ends []int
	inQuote, header := false, true
	for i, b := range data {
		switch {
		case b == '"':
			inQuote = !inQuote // "" inside quotes toggles twice
		case b == '\n' && !inQuote:
			if header {
				header = false
				continue
			}
			ends = append(ends, i+1)
		}
	}
	return ends
}

// close frees the generated inputs; no cell may run on them afterwards.
func (d *datasets) close() error {
	var errs []error
	for _, unmap := range d.unmap {
		errs = append(errs, unmap())
	}
	d.unmap, d.csv, d.orders = nil, map[int]*csvData{}, map[int]*orders{}
	return errors.Join(errs...)
}

func (d *datasets) ordersData(ctx context.Context, rows int) (*orders, error) {
	if o, ok := d.orders[rows]; ok {
		return o, nil
	}
	b, err := genCSV(ctx, rows, d.seed)
	if err != nil {
		return nil, err
	}
	o, err := parseOrders(b)
	if err != nil {
		return nil, err
	}
	d.orders[rows] = o
	return o, nil
}

// cellRunner holds one cell's prepared input and runs the cell's pipeline
// over it, as many times as asked, on setRows rows.
type cellRunner struct {
	cell cell
	cfg  Config
	// rows is the input of the next run; maxRows the most setRows allows.
	rows, maxRows int

	// Arrow input: distinct batches, their live sizes, and how many
	// batches one run hands out (cycling over them).
	batches  []arrow.RecordBatch
	live     []int64
	nBatches int

	// CSV input: all of it, the prefix one run reads, and where the CSV
	// output goes besides being counted (nil: nowhere).
	csv  *csvData
	data []byte
	out  io.Writer

	// borrowed: the input belongs to another runner (see withMode).
	borrowed bool
}

// prepareCell builds the cell's input outside any timing: the cell's
// batches for the Arrow scenarios, the CSV bytes for the others. With a
// fixed cfg.Rows it prepares exactly that; otherwise enough for the
// scenario's largest run.
func prepareCell(ctx context.Context, d *datasets, c cell, cfg Config) (*cellRunner, error) {
	maxRows := cfg.Rows
	if maxRows == 0 {
		maxRows = c.scenario.maxRows
	}
	r := &cellRunner{cell: c, cfg: cfg, maxRows: maxRows}
	switch c.scenario.input {
	case csvInput:
		data, err := d.csvData(ctx, maxRows)
		if err != nil {
			return nil, err
		}
		r.csv = data
	case arrowInput:
		table := min(maxRows, max(maxTableRows, c.batchRows))
		o, err := d.ordersData(ctx, table)
		if err != nil {
			return nil, err
		}
		if o.len() == 0 {
			return nil, fmt.Errorf("bench: no rows to run")
		}
		// The batches are the source's, not the pipeline's: they come from
		// the Go heap and live as long as the cell.
		r.batches = o.batches(memory.NewGoAllocator(), c.batchRows)
		for _, b := range r.batches {
			r.live = append(r.live, sharedmem.LiveBytes(b))
		}
	}
	r.setRows(maxRows)
	return r, nil
}

// setRows sets the input of the next runs to n rows (at most maxRows; the
// Arrow scenarios round up to whole batches).
func (r *cellRunner) setRows(n int) {
	n = max(1, min(n, r.maxRows))
	r.rows = n
	if r.csv != nil {
		r.data = r.csv.prefix(n)
	} else {
		r.nBatches = (n + r.cell.batchRows - 1) / r.cell.batchRows
	}
}

// withMode returns a runner for c, a cell that differs from r's only in
// its mode, over r's prepared input: the modes of a group then read the
// very same buffers, so the memory layout of the input (which moved a
// mode's throughput by up to 10 % from one preparation to the next in the
// no-op scenario) is the same for each. The copy sizes its runs on its
// own; only r's close releases the input.
func (r *cellRunner) withMode(c cell) *cellRunner {
	w := *r
	w.cell = c
	w.borrowed = true
	return &w
}

// close releases the prepared batches, unless they are borrowed.
func (r *cellRunner) close() {
	if r.borrowed {
		return
	}
	for _, b := range r.batches {
		b.Release()
	}
	r.batches = nil
}

// runStats is what one run reports besides the pipeline's metrics.
type runStats struct {
	metrics    pipeline.Metrics
	inputBytes int64
	// idSum is the sum of the id column reaching the sink (Arrow
	// scenarios), to check that every mode delivers the same rows.
	idSum int64
	// outBytes counts the CSV written (CSV scenarios).
	outBytes int64
}

// run runs the cell's pipeline once, allocating the pipeline's and the
// stages' buffers from mem. For the CSV scenarios it includes making the
// reader (which reads a sample to infer the schema).
func (r *cellRunner) run(ctx context.Context, mem memory.Allocator) (runStats, error) {
	c := r.cell
	pcfg := pipeline.Config{
		Handoff:       sharedmem.Policy{Mode: c.mode, CopyThreshold: r.cfg.CopyThreshold},
		Mem:           mem,
		DecodeWorkers: c.workers,
		EncodeWorkers: c.workers,
		QueueDepth:    r.cfg.QueueDepth,
	}
	env := stageEnv{workers: c.workers, mem: mem}
	if c.scenario.input == arrowInput {
		src := &cycleSource{batches: r.batches, live: r.live, n: r.nBatches}
		stages, _, err := c.scenario.stages(env, ordersSchema)
		if err != nil {
			return runStats{}, err
		}
		sink := &sumSink{}
		p := pipeline.New(src, stages, sink, pcfg)
		err = p.Run(ctx)
		return runStats{metrics: p.Metrics(), inputBytes: src.bytes, idSum: sink.sum.Load()}, err
	}

	src, err := csvin.NewSource(ctx, []csvin.Input{{Name: "orders.csv", R: bytes.NewReader(r.data)}}, csvin.Options{
		BatchRows:  c.batchRows,
		BatchBytes: max(csvin.DefaultBatchBytes, c.batchRows*csvBytesPerRow),
		Mem:        mem,
	})
	if err != nil {
		return runStats{}, err
	}
	defer src.Close()
	stages, out, err := c.scenario.stages(env, src.Schema())
	if err != nil {
		return runStats{}, err
	}
	w := countWriter{w: r.out}
	sink, err := csvout.NewSink(&w, out, csvout.Options{})
	if err != nil {
		return runStats{}, err
	}
	p := pipeline.New(src, stages, sink, pcfg)
	err = p.Run(ctx)
	return runStats{metrics: p.Metrics(), inputBytes: int64(len(r.data)), outBytes: w.n}, err
}

// cycleSource hands out n batches, cycling over a fixed set, each retained
// for the receiver.
type cycleSource struct {
	batches []arrow.RecordBatch
	live    []int64
	n, i    int
	bytes   int64
}

func (s *cycleSource) Schema() *arrow.Schema { return ordersSchema }

func (s *cycleSource) Next(context.Context) (pipeline.Chunk, error) {
	if s.i >= s.n {
		return pipeline.Chunk{}, io.EOF
	}
	k := s.i % len(s.batches)
	s.i++
	rec := s.batches[k]
	rec.Retain()
	s.bytes += s.live[k]
	return pipeline.Chunk{Batch: rec, Rows: int(rec.NumRows())}, nil
}

func (s *cycleSource) NewDecoder() pipeline.Decoder { return batchDecoder{} }

// batchDecoder passes on the batch a chunk carries.
type batchDecoder struct{}

func (batchDecoder) Decode(_ context.Context, c pipeline.Chunk) (arrow.RecordBatch, error) {
	if c.Batch == nil {
		return nil, fmt.Errorf("bench: chunk without a batch")
	}
	return c.Batch, nil
}

// sumSink drops every batch after adding up its id column.
type sumSink struct{ sum atomic.Int64 }

func (s *sumSink) NewEncoder() pipeline.Encoder                { return sumEncoder{s} }
func (s *sumSink) Write(context.Context, pipeline.Chunk) error { return nil }
func (s *sumSink) Close(context.Context) error                 { return nil }

type sumEncoder struct{ s *sumSink }

func (e sumEncoder) Encode(_ context.Context, rec arrow.RecordBatch) (pipeline.Chunk, error) {
	if ids, ok := rec.Column(colID).(*array.Int64); ok {
		var n int64
		for _, v := range ids.Int64Values() {
			n += v
		}
		e.s.sum.Add(n)
	}
	return pipeline.Chunk{Rows: int(rec.NumRows())}, nil
}

// countWriter counts the bytes it is given and passes them on to w, or
// discards them when w is nil.
type countWriter struct {
	w io.Writer
	n int64
}

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	if w.w == nil {
		return len(p), nil
	}
	return w.w.Write(p)
}
