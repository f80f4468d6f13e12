package bench

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// input is what a scenario reads.
type input uint8

const (
	// arrowInput: pre-built Arrow batches of the cell's batch size.
	arrowInput input = iota
	// csvInput: the generated orders as CSV bytes.
	csvInput
)

// A scenario is one workload of the matrix.
type scenario struct {
	name    string
	summary string
	input   input
	// maxRows caps the input of one run when the run size adapts to the
	// cell's speed (Config.Rows 0). The Arrow scenarios cycle over a fixed
	// table, so their cap costs no memory; the CSV ones generate it.
	maxRows int
	// stages builds the transform stages for one run, given the source's
	// schema, and returns them with the schema reaching the sink.
	stages func(env stageEnv, in *arrow.Schema) ([]pipeline.Stage, *arrow.Schema, error)
}

// stageEnv is what a scenario's stages may use.
type stageEnv struct {
	workers int
	mem     memory.Allocator
}

// scenarios lists the scenarios in their default order; the CSV ones are
// defined next to the stage packages they use.
var scenarios = []*scenario{
	{
		name:    "handoff",
		summary: "pre-built batches through 2 no-op stages: the cost of the handoffs alone",
		input:   arrowInput,
		maxRows: 256 << 20,
		stages: func(env stageEnv, in *arrow.Schema) ([]pipeline.Stage, *arrow.Schema, error) {
			return passStages(2, env.workers, func(int) pipeline.Worker { return passWorker{} }), in, nil
		},
	},
	{
		name:    "chain",
		summary: "pre-built batches through 6 stages that each read one column: handoff-heavy",
		input:   arrowInput,
		maxRows: 256 << 20,
		stages: func(env stageEnv, in *arrow.Schema) ([]pipeline.Stage, *arrow.Schema, error) {
			return passStages(len(chainColumns), env.workers, newColumnReader), in, nil
		},
	},
	parseFilterWrite,
	groupBy,
}

// Scenarios returns the names of the scenarios, in their default order.
func Scenarios() []string {
	names := make([]string, 0, len(scenarios))
	for _, s := range scenarios {
		names = append(names, s.name)
	}
	return names
}

// ScenarioSummary returns a one-line description of the named scenario,
// for help text, or "" for an unknown name.
func ScenarioSummary(name string) string {
	if s := lookupScenario(name); s != nil {
		return s.summary
	}
	return ""
}

func lookupScenario(name string) *scenario {
	for _, s := range scenarios {
		if s.name == name {
			return s
		}
	}
	return nil
}

// passStages returns n stages named stage1..stageN whose workers come from
// newWorker(i) for stage i.
func passStages(n, workers int, newWorker func(i int) pipeline.Worker) []pipeline.Stage {
	stages := make([]pipeline.Stage, n)
	for i := range stages {
		stages[i] = pipeline.Stage{
			Name:      fmt.Sprintf("stage%d", i+1),
			Workers:   workers,
			NewWorker: func() pipeline.Worker { return newWorker(i) },
		}
	}
	return stages
}

// passWorker passes every batch on untouched.
type passWorker struct{}

func (passWorker) Process(_ context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	return in, nil
}

// chainColumns are the columns the chain's stages read, one each.
var chainColumns = []int{colID, colQty, colPrice, colDiscount, colRegion, colNote}

// columnReader reads every value of one column (a sum of numbers, or of
// string lengths) and passes the batch on: the cheapest stage that still
// touches the data it is handed.
type columnReader struct {
	col int
	// acc keeps the sums observable so the reads are not optimised away.
	acc float64
}

func newColumnReader(i int) pipeline.Worker {
	return &columnReader{col: chainColumns[i%len(chainColumns)]}
}

func (w *columnReader) Process(_ context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	w.acc += columnSum(in.Column(w.col))
	return in, nil
}

// columnSum adds up col's values: numbers as they are (null slots
// included, whatever they hold), strings by their length.
func columnSum(col arrow.Array) float64 {
	var s float64
	switch a := col.(type) {
	case *array.Int64:
		var n int64
		for _, v := range a.Int64Values() {
			n += v
		}
		s = float64(n)
	case *array.Float64:
		for _, v := range a.Float64Values() {
			s += v
		}
	case *array.String:
		if a.Len() > 0 {
			offs := a.ValueOffsets()
			s = float64(offs[len(offs)-1] - offs[0])
		}
	}
	return s
}
