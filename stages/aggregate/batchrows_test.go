package aggregate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// What a stateful stage emits from Finish comes in batches of at most
// env.BatchRows rows, so that the verbs after it see batch boundaries as
// they would on the input (and as a user who asks for small batches
// expects), in memory or spilled.
func TestFinishBatchesFollowBatchRows(t *testing.T) {
	cases := []struct {
		verb string
		args []string
	}{
		{"sort", []string{"k_int desc, v_str"}},
		{"top", []string{"300", "k_str, v_int desc"}},   // heap
		{"top", []string{"20000", "k_str, v_int desc"}}, // sorting
		{"groupby", []string{"v_int", "count() as n"}},  // many groups
		{"count_distinct", []string{"v_int,k_str"}},
	}
	for _, c := range cases {
		for _, capBytes := range []int64{0, 16 << 10} {
			if capBytes > 0 && (c.verb == "groupby" || c.verb == "count_distinct") {
				continue // over the cap they fail; they do not spill
			}
			t.Run(fmt.Sprintf("%s %s/cap=%d", c.verb, c.args[0], capBytes), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				r := rand.New(rand.NewPCG(5, 9))
				parts := rowtest.Split(r, randomRows(r, 3000), 400)
				env := verb.Env{Workers: 2, Mem: mem, MaxMemory: capBytes, TempDir: t.TempDir(), BatchRows: 37}
				st, _, err := buildVerb(t, env, c.verb, testSchema, c.args...)
				require.NoError(t, err)
				src := &recSource{schema: testSchema, recs: rowtest.Batches(t, mem, testSchema, parts)}
				defer src.release()
				sink := &recSink{}
				p := pipeline.New(src, []pipeline.Stage{st}, sink, pipeline.Config{
					Handoff: sharedmem.Policy{Mode: sharedmem.Shared}, Mem: mem, DecodeWorkers: 2, EncodeWorkers: 2,
				})
				require.NoError(t, p.Run(context.Background()))
				defer releaseAll(sink.recs)
				require.NotEmpty(t, sink.recs)
				var rows int64
				for _, rec := range sink.recs {
					assert.LessOrEqual(t, rec.NumRows(), int64(37))
					rows += rec.NumRows()
				}
				assert.Greater(t, rows, int64(37), "output spans several batches")
			})
		}
	}
}
