package aggregate

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// groupError is an aggregate's failure on one group at Finish (a sum
// whose total does not fit its type): groupBy.build names the aggregate
// and the group's keys.
type groupError struct {
	g   uint32
	err error
}

func (e *groupError) Error() string { return e.err.Error() }
func (e *groupError) Unwrap() error { return e.err }

// describeGroup names group g of p by its keys: `region="EU", year=2024`.
func (g *groupBy) describeGroup(p *partial, id uint32) string {
	keys := p.tab.keyArrays(g.mem, []uint32{id})
	parts := make([]string, len(keys))
	for i, k := range keys {
		v := "null"
		if k.IsValid(0) {
			v = k.ValueStr(0)
			if id := k.DataType().ID(); id == arrow.STRING || id == arrow.LARGE_STRING {
				v = fmt.Sprintf("%q", v)
			}
		}
		parts[i] = g.plan.schema.Field(i).Name + "=" + v
		k.Release()
	}
	return strings.Join(parts, ", ")
}
