package aggregate_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// roundTripInput has non-empty lists (explode drops an empty or null
// list, as DuckDB's unnest does) with null and repeated elements, and ids
// whose rows are far apart once exploded.
func roundTripInput() string {
	var b strings.Builder
	for i := range 60 {
		var tags []string
		for k := range 1 + i%5 {
			switch {
			case (i+k)%7 == 3:
				tags = append(tags, "null")
			default:
				tags = append(tags, fmt.Sprintf("%q", fmt.Sprintf("t%d", (i*k)%4)))
			}
		}
		fmt.Fprintf(&b, "{\"id\":%d,\"tags\":[%s]}\n", i, strings.Join(tags, ","))
	}
	return b.String()
}

// run reads input (a file, or NDJSON text on stdin), runs the chain of
// words and writes it to out in format f.
func run(t *testing.T, ctx context.Context, mem memory.Allocator, input, stdin string, words []string, f format.Format, out *os.File,
	batchRows, workers int, mode sharedmem.Mode) {
	t.Helper()
	src, err := plan.Open(ctx, []string{input}, strings.NewReader(stdin), plan.ReadOptions{Format: format.NDJSON, BatchRows: batchRows, Mem: mem})
	if input != "-" {
		src, err = plan.Open(ctx, []string{input}, nil, plan.ReadOptions{BatchRows: batchRows, Mem: mem})
	}
	require.NoError(t, err)
	defer src.Close()
	calls, files, err := plan.ParseChain(words, plan.Specs(nil, nil))
	require.NoError(t, err)
	require.Empty(t, files)
	p, err := plan.Build(verb.Env{Workers: workers, Mem: mem, BatchRows: batchRows}, plan.Verbs(calls), src, plan.Options{})
	require.NoError(t, err)
	sink, err := plan.NewSink(out, f, p.Output(), plan.SinkOptions{})
	require.NoError(t, err)
	cfg := pipeline.Config{Handoff: sharedmem.Policy{Mode: mode}, Mem: mem, DecodeWorkers: workers, EncodeWorkers: workers}
	require.NoError(t, pipeline.New(src, p.Stages, sink, cfg).Run(ctx))
}

// explode then groupby list() gives the input back: NDJSON arrays read as
// lists, exploded to a row per element, and put together again in input
// order, across batch sizes, workers and handoff modes; the lists written
// as Parquet, Arrow IPC, CSV and NDJSON read back (or print) the same.
func TestExplodeListRoundTrip(t *testing.T) {
	ctx := context.Background()
	input := roundTripInput()
	chain := []string{"explode", "tags", "then", "groupby", "id", "list(tags) as tags"}
	for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto} {
		for _, workers := range []int{1, 4} {
			for _, batch := range []int{1, 7, 1000} {
				t.Run(fmt.Sprintf("mode=%v/workers=%d/batch=%d", mode, workers, batch), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					dir := t.TempDir()
					out := filepath.Join(dir, "out.ndjson")
					f, err := os.Create(out)
					require.NoError(t, err)
					run(t, ctx, mem, "-", input, chain, format.NDJSON, f, batch, workers, mode)
					require.NoError(t, f.Close())
					got, err := os.ReadFile(out)
					require.NoError(t, err)
					require.Equal(t, input, string(got))
				})
			}
		}
	}
	t.Run("formats", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		dir := t.TempDir()
		var csv string
		for _, f := range []format.Format{format.Parquet, format.ArrowStream, format.ArrowFile, format.CSV} {
			path := filepath.Join(dir, "lists."+f.String())
			file, err := os.Create(path)
			require.NoError(t, err)
			run(t, ctx, mem, "-", input, chain, f, file, 100, 2, sharedmem.Auto)
			require.NoError(t, file.Close())
			if f == format.CSV {
				b, err := os.ReadFile(path)
				require.NoError(t, err)
				csv = string(b)
				continue
			}
			back, err := os.CreateTemp(dir, "back-*.ndjson")
			require.NoError(t, err)
			run(t, ctx, mem, path, "", []string{"select", "id,tags"}, format.NDJSON, back, 100, 2, sharedmem.Auto)
			require.NoError(t, back.Close())
			got, err := os.ReadFile(back.Name())
			require.NoError(t, err)
			assert.Equal(t, input, string(got), "read back from %s", f)
		}
		// CSV writes a list as its JSON text, quoted.
		lines := strings.Split(csv, "\n")
		assert.Equal(t, "id,tags", lines[0])
		assert.Equal(t, `0,"[""t0""]"`, lines[1])
		assert.True(t, bytes.Contains([]byte(csv), []byte(`null`)), "null elements kept")
	})
}
