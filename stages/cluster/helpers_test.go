package cluster

import (
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

func validWorkerSpecs() []verb.Spec { return plan.Specs(nil, nil) }
