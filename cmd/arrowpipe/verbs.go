package main

import (
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/transform"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// allVerbs lists every verb the command line knows; tee writes its files
// through sides (nil where the verbs are only described).
func allVerbs(sides *sideOutputs) []verb.Spec {
	return append(append(transform.Verbs(), aggregate.Verbs()...), teeVerb(sides))
}
