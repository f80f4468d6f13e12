package plan_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// eventLines writes n NDJSON events with a nested user object (absent,
// null, or with absent and null fields, and an object two levels deep).
func eventLines(t *testing.T, n int) string {
	t.Helper()
	r := rand.New(rand.NewPCG(15, uint64(n)))
	var b strings.Builder
	// The first line shows every key, so every sample has them all.
	b.WriteString(`{"id":0,"event":"click","user":{"id":1,"country":"BR","plan":"free","geo":{"lat":1.5}}}` + "\n")
	for i := 1; i < n; i++ {
		o := map[string]any{"id": i, "event": []string{"click", "view", "buy"}[r.IntN(3)]}
		switch r.IntN(10) {
		case 0:
		case 1:
			o["user"] = nil
		default:
			u := map[string]any{"id": 1000 + r.IntN(40)}
			if r.IntN(6) > 0 {
				u["country"] = []string{"BR", "GB", "JP", "DE"}[r.IntN(4)]
			}
			u["plan"] = []string{"free", "pro", "team"}[r.IntN(3)]
			if r.IntN(3) > 0 {
				u["geo"] = map[string]any{"lat": float64(r.IntN(90)) + 0.5}
			}
			o["user"] = u
		}
		line, err := json.Marshal(o)
		require.NoError(t, err)
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

type batchSink struct {
	mu   sync.Mutex
	recs []arrow.RecordBatch
}

type passEncoder struct{}

func (passEncoder) Encode(_ context.Context, rec arrow.RecordBatch) (pipeline.Chunk, error) {
	rec.Retain()
	return pipeline.Chunk{Batch: rec}, nil
}

func (s *batchSink) NewEncoder() pipeline.Encoder { return passEncoder{} }

func (s *batchSink) Write(_ context.Context, c pipeline.Chunk) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recs = append(s.recs, c.Batch)
	return nil
}

func (s *batchSink) Close(context.Context) error { return nil }

// runChain runs words over file and returns the output's column names and
// its rows as JSON text.
func runChain(t *testing.T, mem memory.Allocator, file string, words []string, opts plan.ReadOptions, cfg pipeline.Config, workers int) ([]string, []string) {
	t.Helper()
	return runFiles(t, mem, []string{file}, words, opts, cfg, workers)
}

// runFiles is runChain over several files read as one input.
func runFiles(t *testing.T, mem memory.Allocator, files, words []string, opts plan.ReadOptions, cfg pipeline.Config, workers int) ([]string, []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tables := &plan.JoinTables{Ctx: ctx, Read: plan.ReadOptions{Mem: mem}}
	defer tables.Close()
	calls, _, err := plan.ParseChain(words, plan.Specs(nil, tables))
	require.NoError(t, err)
	opts.Mem = mem
	src, err := plan.Open(ctx, files, nil, opts)
	require.NoError(t, err)
	defer src.Close()
	p, err := plan.Build(verb.Env{Workers: workers, Mem: mem}, plan.Verbs(calls), src, plan.Options{})
	require.NoError(t, err)
	sink := &batchSink{}
	cfg.Mem = mem
	require.NoError(t, pipeline.New(src, p.Stages, sink, cfg).Run(ctx))
	var names, rows []string
	for _, f := range p.Output().Fields() {
		names = append(names, f.Name)
	}
	for _, rec := range sink.recs {
		for i := range int(rec.NumRows()) {
			row := make([]any, rec.NumCols())
			for j, c := range rec.Columns() {
				row[j] = c.GetOneForMarshal(i)
			}
			text, err := json.Marshal(row)
			require.NoError(t, err)
			rows = append(rows, string(text))
		}
		rec.Release()
	}
	return names, rows
}

// Verbs that name struct fields by dotted path give, on struct columns,
// what they give on the flattened columns of --json-flatten, across batch
// sizes, workers and handoff modes.
func TestStructPathsAsFlattened(t *testing.T) {
	dir := t.TempDir()
	table := filepath.Join(dir, "events.csv")
	require.NoError(t, os.WriteFile(table, []byte("event,label,weight\nclick,Click,1\nview,View,2\nbuy,Buy,3\n"), 0o600))
	chains := [][]string{
		{"groupby", "user.country", "count() as n, sum(user.geo.lat) as lat", "then", "sort", "user.country"},
		{"filter", "`user.plan` != \"free\" and `user.geo.lat` > 20"},
		{"select", "id,user.id,user.geo.lat"},
		{"sort", "user.geo.lat desc nulls last, id", "then", "head", "25"},
		{"flatten"},
		{"join", "event", table, "then", "filter", "`user.plan` == \"pro\" or weight > 2"},
	}
	for _, rows := range []int{40, 300} {
		file := filepath.Join(dir, fmt.Sprintf("events-%d.ndjson", rows))
		require.NoError(t, os.WriteFile(file, []byte(eventLines(t, rows)), 0o600))
		batches := []int{1}
		if rows > 100 {
			batches = []int{64, 1000}
		}
		for _, batch := range batches {
			// The reference: the same chains over --json-flatten's columns.
			refMem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			wantNames := make([][]string, len(chains))
			want := make([][]string, len(chains))
			for c, words := range chains {
				words = append(slices.Clone(words), file)
				wantNames[c], want[c] = runChain(t, refMem, file, words, plan.ReadOptions{BatchRows: batch, JSONFlatten: true}, pipeline.Config{DecodeWorkers: 1, EncodeWorkers: 1}, 1)
			}
			refMem.AssertSize(t, 0)
			for _, workers := range []int{1, 4} {
				for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto} {
					name := fmt.Sprintf("rows=%d/batch=%d/workers=%d/mode=%v", rows, batch, workers, mode)
					t.Run(name, func(t *testing.T) {
						mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
						defer mem.AssertSize(t, 0)
						cfg := pipeline.Config{Handoff: sharedmem.Policy{Mode: mode}, DecodeWorkers: workers, EncodeWorkers: workers}
						for c, words := range chains {
							words = append(slices.Clone(words), file)
							gotNames, got := runChain(t, mem, file, words, plan.ReadOptions{BatchRows: batch}, cfg, workers)
							assert.Equal(t, wantNames[c], gotNames, "%q", words)
							require.Equal(t, want[c], got, "%q", words)
							require.NotEmpty(t, got)
						}
					})
				}
			}
		}
	}
}

// A chain that names no struct field passes the struct through whole;
// an unknown path is the verb's own error.
func TestStructPassesThroughWhole(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	file := filepath.Join(t.TempDir(), "events.ndjson")
	require.NoError(t, os.WriteFile(file, []byte(eventLines(t, 30)), 0o600))
	names, rows := runChain(t, mem, file, []string{"filter", "event == \"click\"", "then", "head", "1", file}, plan.ReadOptions{}, pipeline.Config{}, 2)
	assert.Equal(t, []string{"id", "event", "user"}, names)
	assert.Equal(t, []string{`[0,"click",{"country":"BR","geo":{"lat":1.5},"id":1,"plan":"free"}]`}, rows)

	names, _ = runChain(t, mem, file, []string{"select", "id,user.plan", "then", "select", "user.plan", file}, plan.ReadOptions{}, pipeline.Config{}, 2)
	assert.Equal(t, []string{"user.plan"}, names)

	ctx := context.Background()
	src, err := plan.Open(ctx, []string{file}, nil, plan.ReadOptions{Mem: mem})
	require.NoError(t, err)
	defer src.Close()
	calls, _, err := plan.ParseChain([]string{"select", "user.nope", file}, plan.Specs(nil, nil))
	require.NoError(t, err)
	_, err = plan.Build(verb.Env{Workers: 1, Mem: mem}, plan.Verbs(calls), src, plan.Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown column "user.nope"`)

	calls, _, err = plan.ParseChain([]string{"groupby", "user.contry", "count() as n", file}, plan.Specs(nil, nil))
	require.NoError(t, err)
	_, err = plan.Build(verb.Env{Workers: 1, Mem: mem}, plan.Verbs(calls), src, plan.Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown column "user.contry", did you mean "user.country"?`)
}

// A bad line inside a struct after the sample fails the run with its place
// and key path, and frees every batch, with the flatten in the chain.
func TestStructPathDataError(t *testing.T) {
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			text := eventLines(t, 200) + `{"id":200,"user":{"id":"x"}}` + "\n" + eventLines(t, 50)
			file := filepath.Join(t.TempDir(), "bad.ndjson")
			require.NoError(t, os.WriteFile(file, []byte(text), 0o600))
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			src, err := plan.Open(ctx, []string{file}, nil, plan.ReadOptions{BatchRows: 16, SampleRows: 100, Mem: mem})
			require.NoError(t, err)
			defer src.Close()
			calls, _, err := plan.ParseChain([]string{"groupby", "user.country", "count() as n", file}, plan.Specs(nil, nil))
			require.NoError(t, err)
			p, err := plan.Build(verb.Env{Workers: workers, Mem: mem}, plan.Verbs(calls), src, plan.Options{})
			require.NoError(t, err)
			sink := &batchSink{}
			err = pipeline.New(src, p.Stages, sink, pipeline.Config{Mem: mem, DecodeWorkers: workers, EncodeWorkers: workers}).Run(ctx)
			for _, r := range sink.recs {
				r.Release()
			}
			var de *pipeline.DataError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, int64(201), de.Line)
			assert.Equal(t, "user.id", de.Field)
		})
	}
}

// Files whose objects show different keys combine into one struct of all
// the keys, as their flattened columns combine.
func TestStructsOfSeveralFiles(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.ndjson"), filepath.Join(dir, "b.ndjson")
	require.NoError(t, os.WriteFile(a, []byte(`{"id":1,"u":{"n":1,"g":{"lat":1}}}`+"\n"+`{"id":2,"u":null}`+"\n"), 0o600))
	require.NoError(t, os.WriteFile(b, []byte(`{"id":3,"u":{"c":"x","g":{"lat":2.5,"lon":1}}}`+"\n"), 0o600))
	files := []string{a, b}
	words := []string{"flatten", a, b}
	wantNames, want := runFiles(t, mem, files, words, plan.ReadOptions{JSONFlatten: true}, pipeline.Config{}, 2)
	gotNames, got := runFiles(t, mem, files, words, plan.ReadOptions{}, pipeline.Config{}, 2)
	assert.Equal(t, []string{"id", "u.n", "u.g.lat", "u.g.lon", "u.c"}, gotNames)
	assert.ElementsMatch(t, wantNames, gotNames)
	assert.Equal(t, []string{`[1,1,1,null,null]`, `[2,null,null,null,null]`, `[3,null,2.5,1,"x"]`}, got)
	require.Len(t, want, 3)
}
