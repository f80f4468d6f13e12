package plan

import (
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/transform"
	"github.com/arrowpipe/arrowpipe/stages/verb"
	"github.com/arrowpipe/arrowpipe/stages/window"
)

// Specs lists every verb of the command line, in usage order; tee writes
// its files through sides (nil where the verbs are only described).
func Specs(sides *SideOutputs) []verb.Spec {
	specs := append(transform.Verbs(), aggregate.Verbs()...)
	specs = append(specs, window.Verbs()...)
	return append(specs, TeeSpec(sides))
}
