package plan

import (
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/transform"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// Specs lists every verb of the command line, in usage order; tee writes
// its files through sides (nil where the verbs are only described).
func Specs(sides *SideOutputs) []verb.Spec {
	return append(append(transform.Verbs(), aggregate.Verbs()...), TeeSpec(sides))
}
