package plan_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/transform"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

func TestStageNames(t *testing.T) {
	verbs := []verb.Verb{transform.Filter("qty > 1"), aggregate.Sort(aggregate.Asc("id")), transform.Filter("qty < 9"), aggregate.Sort(aggregate.Desc("id")), transform.Filter("id > 0")}
	assert.Equal(t, []string{"filter", "sort", "filter-2", "sort-2", "filter-3"}, plan.StageNames(verbs))
	p, err := plan.Build(verb.Env{}, verbs, &fakeSource{schema: ordersSchema}, plan.Options{StageWorkers: map[string]int{"filter-2": 3}})
	require.NoError(t, err)
	for i, s := range p.Stages {
		assert.Equal(t, plan.StageNames(verbs)[i], s.Name)
	}
	assert.Equal(t, 3, p.Stages[2].Workers)
}

func TestBuildErrors(t *testing.T) {
	src := &fakeSource{schema: ordersSchema}
	_, err := plan.Build(verb.Env{}, []verb.Verb{transform.Head(3)}, src, plan.Options{StageWorkers: map[string]int{"head": 4}})
	var werr *plan.WorkersError
	require.ErrorAs(t, err, &werr)
	assert.Equal(t, plan.WorkersError{Stage: "head", Workers: 4}, *werr)

	_, err = plan.Build(verb.Env{}, []verb.Verb{transform.Head(3)}, src, plan.Options{StageWorkers: map[string]int{"sort": 2}})
	var uerr *plan.UsageError
	require.ErrorAs(t, err, &uerr)
	assert.Contains(t, uerr.Msg, "no stage sort")

	_, err = plan.Build(verb.Env{}, []verb.Verb{transform.Select("qtty")}, src, plan.Options{})
	require.ErrorAs(t, err, &uerr)
	assert.Contains(t, uerr.Msg, `select: unknown column "qtty"`)
}

func TestParseChainErrors(t *testing.T) {
	for _, tc := range []struct {
		words []string
		want  string
	}{
		{[]string{"head"}, "verb head needs 1 argument(s)"},
		{[]string{"head", "3", "then"}, "'then' must be followed by a verb"},
		{[]string{"head", "3", "then", "fliter", "x"}, `unknown verb "fliter" after 'then' (did you mean "filter"?)`},
		{[]string{"filtr", "x"}, `did you mean the verb "filter"?`},
		{[]string{"head", "3", "f.csv", "-o"}, "-o after the verbs and files"},
		{[]string{"head", "x"}, "head:"},
	} {
		t.Run(strings.Join(tc.words, " "), func(t *testing.T) {
			_, _, err := plan.ParseChain(tc.words, plan.Specs(nil, nil))
			var uerr *plan.UsageError
			require.ErrorAs(t, err, &uerr)
			assert.Contains(t, uerr.Msg, tc.want)
		})
	}
	t.Run("forgotten argument", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "orders.csv")
		require.NoError(t, os.WriteFile(f, []byte("a\n1\n"), 0o644))
		_, _, err := plan.ParseChain([]string{"top", "5", f}, plan.Specs(nil, nil))
		assert.ErrorContains(t, err, "looks like a file name")
		calls, files, err := plan.ParseChain([]string{"top", "5", f, "-"}, plan.Specs(nil, nil))
		require.NoError(t, err)
		assert.Equal(t, []string{"-"}, files)
		assert.Equal(t, []string{"5", f}, calls[0].Args)
	})
	t.Run("missing file as the last argument", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "orders.parquet")
		_, _, err := plan.ParseChain([]string{"top", "2", "region", missing}, plan.Specs(nil, nil))
		var uerr *plan.UsageError
		require.ErrorAs(t, err, &uerr)
		assert.Contains(t, uerr.Msg, "there is no such file")
		assert.Contains(t, uerr.Msg, missing)
		// A key that merely has a dot (a struct field) is a key.
		calls, files, err := plan.ParseChain([]string{"top", "2", "region", "user.country"}, plan.Specs(nil, nil))
		require.NoError(t, err)
		assert.Empty(t, files)
		assert.Equal(t, []string{"2", "region", "user.country"}, calls[0].Args)
	})
}

// After a verb that writes the stream, a head no longer stops the source:
// the side file gets every row while the main output gets the head.
func TestTeeReadsToTheEnd(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var text strings.Builder
	text.WriteString("id\n")
	for i := range 5000 {
		text.WriteString(strconv.Itoa(i) + "\n")
	}
	ctx := context.Background()
	src, err := plan.Open(ctx, []string{"-"}, strings.NewReader(text.String()), plan.ReadOptions{BatchRows: 100, Mem: mem})
	require.NoError(t, err)
	defer src.Close()
	side := filepath.Join(t.TempDir(), "all.csv")
	sides := &plan.SideOutputs{}
	defer sides.Abort()
	p, err := plan.Build(verb.Env{Mem: mem}, []verb.Verb{sides.Tee(side), transform.Head(10)}, src, plan.Options{})
	require.NoError(t, err)
	rows := 0
	sink := pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
		rows += int(rec.NumRows())
		return nil
	})
	require.NoError(t, pipeline.New(src, p.Stages, sink, pipeline.Config{Mem: mem}).Run(ctx))
	require.NoError(t, sides.Commit())
	assert.Equal(t, 10, rows)
	got, err := os.ReadFile(side)
	require.NoError(t, err)
	assert.Equal(t, text.String(), string(got))
}

// A verb of several forms takes as many words as its Words counts.
func TestParseChainWords(t *testing.T) {
	opt := verb.Spec{Name: "opt", Args: []string{"[MODE]", "COLS"},
		Words: func(rest []string) int {
			if len(rest) > 0 && rest[0] == "last" {
				return 2
			}
			return 1
		},
		Parse: func(args []string) (verb.Verb, error) { return verb.Verb{Name: "opt"}, nil },
	}
	specs := append(plan.Specs(nil, nil), opt)
	calls, files, err := plan.ParseChain([]string{"opt", "last", "a", "then", "opt", "b", "f.csv"}, specs)
	require.NoError(t, err)
	require.Len(t, calls, 2)
	assert.Equal(t, []string{"last", "a"}, calls[0].Args)
	assert.Equal(t, []string{"b"}, calls[1].Args)
	assert.Equal(t, []string{"f.csv"}, files)
	_, _, err = plan.ParseChain([]string{"opt", "last"}, specs)
	assert.ErrorContains(t, err, "verb opt needs")
}

// Files opened by Open are narrowed to the columns the chain reads, in
// every format that can skip columns, and a format that cannot keeps its
// schema.
func TestOpenedSourcesAreProjected(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "o.csv")
	require.NoError(t, os.WriteFile(csv, []byte("id,region,qty\n1,EU,5\n2,US,7\n"), 0o644))
	ndjson := filepath.Join(dir, "o.ndjson")
	require.NoError(t, os.WriteFile(ndjson, []byte(`{"id":1,"region":"EU","qty":5}`+"\n"), 0o644))
	ctx := context.Background()
	write := func(path string) {
		src, err := plan.Open(ctx, []string{csv}, nil, plan.ReadOptions{})
		require.NoError(t, err)
		defer src.Close()
		f, err := os.Create(path)
		require.NoError(t, err)
		defer f.Close()
		fmtOf := map[string]format.Format{".parquet": format.Parquet, ".arrow": format.ArrowFile}[filepath.Ext(path)]
		sink, err := plan.NewSink(f, fmtOf, src.Schema(), plan.SinkOptions{})
		require.NoError(t, err)
		require.NoError(t, pipeline.New(src, nil, sink, pipeline.Config{}).Run(ctx))
	}
	parquet, ipc := filepath.Join(dir, "o.parquet"), filepath.Join(dir, "o.arrow")
	write(parquet)
	write(ipc)
	for _, tc := range []struct {
		path string
		want []string
	}{
		{csv, []string{"qty"}}, {ndjson, []string{"qty"}}, {parquet, []string{"qty"}},
		{ipc, []string{"id", "region", "qty"}},
	} {
		t.Run(filepath.Ext(tc.path), func(t *testing.T) {
			src, err := plan.Open(ctx, []string{tc.path}, nil, plan.ReadOptions{})
			require.NoError(t, err)
			defer src.Close()
			p, err := plan.Build(verb.Env{}, []verb.Verb{aggregate.Agg(aggregate.Sum("qty"))}, src, plan.Options{})
			require.NoError(t, err)
			assert.Equal(t, tc.want, names(p.Schemas[0]))
			assert.Equal(t, tc.want, names(src.Schema()))
		})
	}
}
