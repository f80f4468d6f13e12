package jsonin_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/transform"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// TestExplodeArrays: NDJSON arrays read as lists explode into one row per
// element (a null or empty list gives none), across batch boundaries, with
// 1 and 4 workers and every handoff; and the writers keep a list whole:
// NDJSON as an array, CSV as the array's JSON text.
func TestExplodeArrays(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	var in, exploded, asCSV, written strings.Builder
	asCSV.WriteString("id,tags\n")
	for id := range 3000 {
		var tags []string // JSON texts of the elements
		switch r.IntN(5) {
		case 0:
			fmt.Fprintf(&in, "{\"id\":%d}\n", id)
			fmt.Fprintf(&written, "{\"id\":%d,\"tags\":null}\n", id)
			asCSV.WriteString(strconv.Itoa(id) + ",\n")
			continue
		case 1:
			fmt.Fprintf(&in, "{\"id\":%d,\"tags\":null}\n", id)
			fmt.Fprintf(&written, "{\"id\":%d,\"tags\":null}\n", id)
			asCSV.WriteString(strconv.Itoa(id) + ",\n")
			continue
		default:
			for range r.IntN(4) {
				if r.IntN(6) == 0 {
					tags = append(tags, "null")
				} else {
					tags = append(tags, strconv.Quote([]string{"a", "b c", "é", `q"`}[r.IntN(4)]))
				}
			}
		}
		list := "[" + strings.Join(tags, ",") + "]"
		fmt.Fprintf(&in, "{\"id\":%d,\"tags\":%s}\n", id, list)
		fmt.Fprintf(&written, "{\"id\":%d,\"tags\":%s}\n", id, list)
		if strings.ContainsAny(list, `",`) {
			list = `"` + strings.ReplaceAll(list, `"`, `""`) + `"`
		}
		asCSV.WriteString(strconv.Itoa(id) + "," + list + "\n")
		for _, tag := range tags {
			fmt.Fprintf(&exploded, "{\"id\":%d,\"tags\":%s}\n", id, tag)
		}
	}
	path := filepath.Join(t.TempDir(), "events.ndjson")
	require.NoError(t, os.WriteFile(path, []byte(in.String()), 0o644))

	run := func(t *testing.T, mode sharedmem.Mode, workers, batchBytes int, out format.Format, chain []verb.Verb) string {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		src, err := plan.Open(ctx, []string{path}, nil, plan.ReadOptions{Mem: mem, BatchBytes: batchBytes})
		require.NoError(t, err)
		defer src.Close()
		p, err := plan.Build(verb.Env{Workers: workers, Mem: mem}, chain, src, plan.Options{})
		require.NoError(t, err)
		var buf bytes.Buffer
		sink, err := plan.NewSink(&buf, out, p.Output(), plan.SinkOptions{Mem: mem})
		require.NoError(t, err)
		require.NoError(t, pipeline.New(src, p.Stages, sink, pipeline.Config{
			Handoff: sharedmem.Policy{Mode: mode}, Mem: mem, DecodeWorkers: workers, EncodeWorkers: workers,
		}).Run(ctx))
		return buf.String()
	}
	for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto} {
		for _, workers := range []int{1, 4} {
			for _, batchBytes := range []int{40, 4096, 0} {
				t.Run(fmt.Sprintf("mode=%v/workers=%d/batchbytes=%d", mode, workers, batchBytes), func(t *testing.T) {
					got := run(t, mode, workers, batchBytes, format.NDJSON, []verb.Verb{transform.Explode("tags")})
					assert.Equal(t, exploded.String(), got)
					assert.Equal(t, asCSV.String(), run(t, mode, workers, batchBytes, format.CSV, nil))
				})
			}
		}
	}
	// A missing key is written as null.
	assert.Equal(t, written.String(), run(t, sharedmem.Auto, 4, 0, format.NDJSON, nil))
}
