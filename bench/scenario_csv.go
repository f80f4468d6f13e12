package bench

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/transform"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// The CSV scenarios read the generated orders with the CSV reader, run CLI
// verbs on them and write CSV to a counting discard.

const (
	filterExpr  = `qty > 50 and region == "EU"`
	groupByKeys = "region"
	groupByAggs = "count() as n, sum(qty), mean(price)"
)

var parseFilterWrite = &scenario{
	name:    "parse-filter-write",
	summary: "CSV → filter '" + filterExpr + "' → CSV",
	input:   csvInput,
	maxRows: 2 << 20,
	stages: func(env stageEnv, in *arrow.Schema) ([]pipeline.Stage, *arrow.Schema, error) {
		return verbStages(env, in, transform.Verbs(), "filter", filterExpr)
	},
}

var groupBy = &scenario{
	name:    "groupby",
	summary: "CSV → groupby " + groupByKeys + " '" + groupByAggs + "' → CSV",
	input:   csvInput,
	maxRows: 2 << 20,
	stages: func(env stageEnv, in *arrow.Schema) ([]pipeline.Stage, *arrow.Schema, error) {
		return verbStages(env, in, aggregate.Verbs(), "groupby", groupByKeys, groupByAggs)
	},
}

// verbStages builds the one stage of the verb name from specs.
func verbStages(env stageEnv, in *arrow.Schema, specs []verb.Spec, name string, args ...string) ([]pipeline.Stage, *arrow.Schema, error) {
	for _, spec := range specs {
		if spec.Name != name {
			continue
		}
		stage, out, err := spec.Build(verb.Env{Workers: env.workers, Mem: env.mem}, args, in)
		if err != nil {
			return nil, nil, fmt.Errorf("bench: build %s: %w", name, err)
		}
		return []pipeline.Stage{stage}, out, nil
	}
	return nil, nil, fmt.Errorf("bench: no verb %q", name)
}
