package window_test

import (
	"context"
	"os"
	"strings"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
	"github.com/arrowpipe/arrowpipe/stages/window"
)

const sales = `day,region,qty
1,EU,5
1,US,
2,EU,7
2,US,3
3,EU,
3,US,3
4,EU,2
`

// run reads CSV text through the chain and writes CSV.
func run(text string, chain ...verb.Verb) {
	ctx := context.Background()
	src, err := plan.Open(ctx, []string{"-"}, strings.NewReader(text), plan.ReadOptions{})
	if err != nil {
		panic(err)
	}
	defer src.Close()
	p, err := plan.Build(verb.Env{}, chain, src, plan.Options{})
	if err != nil {
		panic(err)
	}
	sink, err := plan.NewSink(os.Stdout, format.CSV, p.Output(), plan.SinkOptions{})
	if err != nil {
		panic(err)
	}
	if err := pipeline.New(src, p.Stages, sink, pipeline.Config{}).Run(ctx); err != nil {
		panic(err)
	}
}

// Running totals, the previous value and a rank per region; rows stay in
// input order. A null qty is skipped by the running sum and passed on by
// lag.
func ExampleWindow() {
	run(sales, window.Window([]string{"region"},
		window.RunningSum("qty").As("total"),
		window.Lag("qty", 1).As("prev"),
		window.Rank(aggregate.Desc("qty")).As("r"),
	))
	// Output:
	// day,region,qty,total,prev,r
	// 1,EU,5,5,,2
	// 1,US,,,,3
	// 2,EU,7,12,5,1
	// 2,US,3,3,,1
	// 3,EU,,12,7,4
	// 3,US,3,6,3,1
	// 4,EU,2,14,,3
}

// Nulls filled down within each region.
func ExampleFill() {
	run(sales, window.Fill([]string{"qty"}, window.FillDown, []string{"region"}, nil))
	// Output:
	// day,region,qty
	// 1,EU,5
	// 1,US,
	// 2,EU,7
	// 2,US,3
	// 3,EU,7
	// 3,US,3
	// 4,EU,2
}

// Two rows of each region, chosen uniformly within it (the same two for
// the seed), in input order.
func ExampleSampleBy() {
	run(sales, window.SampleBy(2, 42, "region"))
	// Output:
	// day,region,qty
	// 1,US,
	// 2,US,3
	// 3,EU,
	// 4,EU,2
}
