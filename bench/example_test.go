package bench_test

import (
	"context"
	"log"
	"os"

	"github.com/arrowpipe/arrowpipe/bench"
	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// Run the smoke-test profile of two scenarios, comparing copy and shared
// handoff, print the table and save CSV, JSON and charts.
func ExampleRun() {
	cfg := bench.Quick()
	cfg.Scenarios = []string{"handoff", "chain"}
	cfg.Modes = []sharedmem.Mode{sharedmem.Copy, sharedmem.Shared}
	results, err := bench.Run(context.Background(), cfg, os.Stderr)
	if err != nil {
		log.Fatal(err)
	}
	if err := bench.WriteTable(os.Stdout, results); err != nil {
		log.Fatal(err)
	}
	if err := bench.WriteFiles("bench-results", results); err != nil {
		log.Fatal(err)
	}
}
