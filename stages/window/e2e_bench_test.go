package window_test

import (
	"context"
	"io"
	"os"
	"testing"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/transform"
	"github.com/arrowpipe/arrowpipe/stages/verb"
	"github.com/arrowpipe/arrowpipe/stages/window"
)

// BenchmarkEndToEnd runs the window query on a generated orders
// CSV (ARROWPIPE_WINDOW_CSV, from arrowpipe gen) written as CSV to
// nowhere: 1000 groups (id % 1000), a running sum of qty and the previous
// price per group, as DuckDB's
//
//	SELECT *, sum(qty) OVER w, lag(price) OVER w FROM t
//	WINDOW w AS (PARTITION BY id % 1000 ORDER BY rowid ROWS UNBOUNDED PRECEDING)
func BenchmarkEndToEnd(b *testing.B) {
	file := os.Getenv("ARROWPIPE_WINDOW_CSV")
	if file == "" {
		b.Skip("ARROWPIPE_WINDOW_CSV names no file")
	}
	ctx := context.Background()
	for range b.N {
		src, err := plan.Open(ctx, []string{file}, nil, plan.ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		chain := []verb.Verb{
			transform.Derive(transform.Definition{Name: "g", Expr: "id % 1000"}),
			window.Window([]string{"g"}, window.RunningSum("qty").As("total"), window.Lag("price", 1).As("prev")),
		}
		p, err := plan.Build(verb.Env{}, chain, src, plan.Options{})
		if err != nil {
			b.Fatal(err)
		}
		sink, err := plan.NewSink(io.Discard, format.CSV, p.Output(), plan.SinkOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if err := pipeline.New(src, p.Stages, sink, pipeline.Config{}).Run(ctx); err != nil {
			b.Fatal(err)
		}
		src.Close()
	}
}
