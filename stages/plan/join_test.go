package plan_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/join"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

const joinOrders = `id,customer_id,product,qty
1,10,pen,2
2,11,ink,1
3,12,pen,5
4,,pad,3
5,10,cap,1
`

const joinProducts = `product,category,qty
pen,writing,100
ink,writing,7
pad,paper,40
pad,paper-2,41
lamp,light,1
`

const joinCustomers = `id,name
10,Ann
11,Bo
13,Cy
`

// runJoinChain runs the chain words over files in dir and returns the CSV
// it writes.
func runJoinChain(t *testing.T, dir string, words ...string) (string, error) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	t.Chdir(dir)
	tables := &plan.JoinTables{Read: plan.ReadOptions{Mem: mem}}
	defer tables.Close()
	calls, files, err := plan.ParseChain(words, append(plan.Specs(nil, nil), plan.JoinSpec(tables)))
	if err != nil {
		return "", err
	}
	ctx := context.Background()
	src, err := plan.Open(ctx, files, nil, plan.ReadOptions{Mem: mem})
	if err != nil {
		return "", err
	}
	defer src.Close()
	p, err := plan.Build(verb.Env{Mem: mem}, plan.Verbs(calls), src, plan.Options{})
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	sink, err := plan.NewSink(&out, format.CSV, p.Output(), plan.SinkOptions{Mem: mem})
	require.NoError(t, err)
	err = pipeline.New(src, p.Stages, sink, pipeline.Config{Mem: mem}).Run(ctx)
	if err == nil {
		for _, s := range tables.Stats() {
			assert.Positive(t, s.ProbeRows.Load(), s.Table)
			assert.Positive(t, s.BuildRows.Load(), s.Table)
		}
	}
	return out.String(), err
}

func joinDir(t *testing.T) string {
	dir := t.TempDir()
	for name, text := range map[string]string{"orders.csv": joinOrders, "products.csv": joinProducts, "customers.csv": joinCustomers} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	return dir
}

func TestJoinCommandLine(t *testing.T) {
	dir := joinDir(t)
	for _, tc := range []struct {
		name  string
		words []string
		want  string
	}{
		{"inner", []string{"join", "product", "products.csv", "orders.csv"},
			"id,customer_id,product,qty,category,qty_right\n1,10,pen,2,writing,100\n2,11,ink,1,writing,7\n3,12,pen,5,writing,100\n4,,pad,3,paper,40\n4,,pad,3,paper-2,41\n"},
		{"left names differ", []string{"join", "left", "customer_id=id", "customers.csv", "then", "select", "id,name", "orders.csv"},
			"id,name\n1,Ann\n2,Bo\n3,\n4,\n5,Ann\n"},
		{"anti", []string{"join", "anti", "product", "products.csv", "orders.csv"},
			"id,customer_id,product,qty\n5,10,cap,1\n"},
		{"full", []string{"join", "full", "customer_id=id", "customers.csv", "then", "select", "id,customer_id,name", "orders.csv"},
			"id,customer_id,name\n1,10,Ann\n2,11,Bo\n3,12,\n4,,\n5,10,Ann\n,13,Cy\n"},
		{"suffix", []string{"join", "semi", "--suffix", "_p", "product", "products.csv", "then", "count", "orders.csv"},
			"count\n4\n"},
		{"then groupby", []string{"join", "product", "products.csv", "then", "groupby", "category", "count(), sum(qty)", "orders.csv"},
			"category,count,sum_qty\nwriting,3,8\npaper,1,3\npaper-2,1,3\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := runJoinChain(t, dir, tc.words...)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestJoinCommandLineErrors(t *testing.T) {
	dir := joinDir(t)
	for _, tc := range []struct {
		name  string
		words []string
		want  string
	}{
		{"missing file", []string{"join", "product", "nope.csv", "orders.csv"}, "nope.csv"},
		{"unknown key", []string{"join", "prodct", "products.csv", "orders.csv"}, `no column "prodct" in the stream (did you mean "product"?)`},
		{"unknown table key", []string{"join", "product=prod", "products.csv", "orders.csv"}, `no column "prod" in the products.csv (did you mean "product"?)`},
		{"int against string", []string{"join", "customer_id=name", "customers.csv", "orders.csv"}, "int64 cannot equal utf8"},
		{"bad type", []string{"join", "sideways", "product", "products.csv", "orders.csv"}, "product: no such file or directory (usage: join [TYPE] KEYS FILE, TYPE one of"},
		{"tolerance not asof", []string{"join", "left", "--tolerance", "5m", "product", "products.csv", "orders.csv"}, "apply to asof joins"},
		{"stdin", []string{"join", "product", "-", "orders.csv"}, "stdin is the stream"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runJoinChain(t, dir, tc.words...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			var uerr *plan.UsageError
			assert.ErrorAs(t, err, &uerr)
		})
	}
}

func TestParseJoin(t *testing.T) {
	specs := append(plan.Specs(nil, nil), plan.JoinSpec(nil))
	for _, tc := range []struct {
		words []string
		args  []string
		files []string
	}{
		{[]string{"join", "k", "t.csv"}, []string{"k", "t.csv"}, nil},
		{[]string{"join", "left", "k", "t.csv", "in.csv"}, []string{"left", "k", "t.csv"}, []string{"in.csv"}},
		{[]string{"join", "left", "t.csv", "then", "head", "1"}, []string{"left", "t.csv"}, nil},
		{[]string{"join", "asof", "--tolerance", "5m", "--direction", "nearest", "ts,sym", "q.csv", "in.csv"},
			[]string{"asof", "--tolerance", "5m", "--direction", "nearest", "ts,sym", "q.csv"}, []string{"in.csv"}},
	} {
		calls, files, err := plan.ParseChain(tc.words, specs)
		require.NoError(t, err, "%q", tc.words)
		assert.Equal(t, tc.args, calls[0].Args)
		assert.Equal(t, tc.files, files)
	}
	kind, keys, file, opts, err := plan.ParseJoin([]string{"asof", "--tolerance", "5m", "--direction", "forward", "ts,`a b`=sym", "q.csv"})
	require.NoError(t, err)
	assert.Equal(t, join.AsOf, kind)
	assert.Equal(t, []join.KeyPair{{Stream: "ts", Table: "ts"}, {Stream: "a b", Table: "sym"}}, keys)
	assert.Equal(t, "q.csv", file)
	assert.Equal(t, join.Options{Tolerance: "5m", Direction: join.Forward}, opts)
}

// A bad row in the join's file fails the run naming that file and line.
func TestJoinBadTableRow(t *testing.T) {
	dir := joinDir(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.csv"), []byte("id,name\n10,Ann\n11,Bo,extra\n"), 0o644))
	_, err := runJoinChain(t, dir, "join", "customer_id=id", "bad.csv", "orders.csv")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bad.csv:3")
}

// ParseJoin never panics; what it accepts splits back into its words.
func FuzzParseJoin(f *testing.F) {
	for _, s := range []string{"left|a=b|t.csv", "asof|--tolerance|5m|ts,sym|q.csv", "k|t.csv", "`a,b`=c|f", "semi|--suffix|_x|a,b|f", "a=|f", "--direction|up|k|f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words := strings.Split(s, "|")
		if len(words) < 2 {
			return
		}
		kind, keys, file, _, err := plan.ParseJoin(words)
		if err != nil {
			return
		}
		assert.Equal(t, words[len(words)-1], file)
		assert.NotEmpty(t, keys)
		for _, k := range keys {
			assert.NotEmpty(t, k.Stream)
			assert.NotEmpty(t, k.Table)
		}
		assert.True(t, kind >= join.Inner && kind <= join.AsOf)
	})
}
