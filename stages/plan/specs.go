package plan

import (
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/transform"
	"github.com/arrowpipe/arrowpipe/stages/verb"
	"github.com/arrowpipe/arrowpipe/stages/window"
)

// Specs lists every verb of the command line, in usage order; tee writes
// its files through sides and join reads its files through tables (either
// nil where the verbs are only described).
func Specs(sides *SideOutputs, tables *JoinTables) []verb.Spec {
	specs := append(transform.Verbs(), aggregate.Verbs()...)
	specs = append(specs, window.Verbs()...)
	return append(specs, JoinSpec(tables), TeeSpec(sides))
}
