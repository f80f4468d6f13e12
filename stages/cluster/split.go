package cluster

import (
	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// Cut returns the number of leading stages that run on workers: the
// chain is cut before its first stage that needs the whole stream in
// order (one with Finish or Ordered: sort, top, tail, head, groupby,
// distinct, ...), keeps state across batches (a stage of one worker)
// or writes the stream somewhere (tee). Stages before the cut
// work batch by batch, so running them on each task's part of the input
// and concatenating the results in task order gives what the
// single-process run gives to the stage at the cut.
func Cut(verbs []verb.Verb, stages []pipeline.Stage) int {
	for i, s := range stages {
		if s.Finish != nil || s.Ordered || s.Workers == 1 || verbs[i].WritesStream {
			return i
		}
	}
	return len(stages)
}
