package main

import (
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/transform"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// allVerbs lists every verb the command line knows.
func allVerbs() []verb.Spec {
	return append(transform.Verbs(), aggregate.Verbs()...)
}
