package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/plan"
)

// polarsOrders is the first 300 rows of samples/orders.csv as Polars'
// streaming Parquet sink writes them: every text column large_utf8
// (testdata/largetext/make.cjs).
const polarsOrders = "testdata/largetext/orders_polars.parquet"

// The verbs that order, dedupe and group text give the same rows on
// Polars' large_utf8 columns as on the same columns cast to utf8, and
// keep the text large_utf8.
func TestPolarsLargeText(t *testing.T) {
	res := cli(t, "", "schema", polarsOrders)
	require.Equal(t, exitOK, res.code, res.stderr)
	require.Contains(t, res.stdout, "region:large_utf8")
	const toString = "ts:string,region:string,product:string,note:string"
	chains := [][]string{
		{"sort", "region"},
		{"sort", "note desc nulls first, region, id desc"},
		{"distinct", "region"},
		{"distinct", "region,product", "last"},
		{"top", "2", "qty desc", "region"},
		{"top", "5", "product desc"},
		{"tail", "4"},
		{"groupby", "region", "count_distinct(product),min(note),list(product)"},
		{"groupby", "product,region", "max(note),first(note),last(ts),count(note)"},
		{"count_distinct", "region,note"},
	}
	tmp := t.TempDir()
	for i, chain := range chains {
		for _, workers := range []string{"1", "4"} {
			t.Run(fmt.Sprintf("%s/workers=%s", strings.Join(chain, " "), workers), func(t *testing.T) {
				flags := []string{"--workers", workers, "--batch-rows", "37"}
				got := cli(t, "", append(append(flags, chain...), polarsOrders)...)
				require.Equal(t, exitOK, got.code, got.stderr)
				cast := append(append(flags, "cast", toString, "then"), chain...)
				want := cli(t, "", append(cast, polarsOrders)...)
				require.Equal(t, exitOK, want.code, want.stderr)
				assert.Equal(t, want.stdout, got.stdout)

				out := filepath.Join(tmp, fmt.Sprintf("out%d-%s.arrow", i, workers))
				res := cli(t, "", append(append(flags, "-o", out), append(chain, polarsOrders)...)...)
				require.Equal(t, exitOK, res.code, res.stderr)
				res = cli(t, "", "schema", out)
				require.Equal(t, exitOK, res.code, res.stderr)
				assert.NotRegexp(t, `:(string|utf8)\b`, res.stdout, "text stays large_utf8")
			})
		}
	}
}

// writeTextFile writes an Arrow IPC file of 24 rows: i (int64), s (text
// with repeats, empties and nulls) and b (the same bytes as binary), the
// text as large_utf8 and large_binary when large.
func writeTextFile(t *testing.T, path string, large bool) {
	s, b := arrow.DataType(arrow.BinaryTypes.String), arrow.DataType(arrow.BinaryTypes.Binary)
	if large {
		s, b = arrow.BinaryTypes.LargeString, arrow.BinaryTypes.LargeBinary
	}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "s", Type: s, Nullable: true},
		{Name: "b", Type: b, Nullable: true},
	}, nil)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rb := array.NewRecordBuilder(mem, schema)
	defer rb.Release()
	words := []string{"north", "south", "", "east-north-east-by-north", "west"}
	for r := range 24 {
		rb.Field(0).(*array.Int64Builder).Append(int64(r % 5))
		for c := 1; c <= 2; c++ {
			fb := rb.Field(c)
			if r%7 == 3 {
				fb.AppendNull()
				continue
			}
			w := []byte(words[(r*3)%len(words)])
			switch fb := fb.(type) {
			case *array.StringBuilder:
				fb.BinaryBuilder.Append(w)
			case *array.LargeStringBuilder:
				fb.BinaryBuilder.Append(w)
			case *array.BinaryBuilder:
				fb.Append(w)
			}
		}
	}
	rec := rb.NewRecordBatch()
	defer rec.Release()
	f, err := os.Create(path)
	require.NoError(t, err)
	w, err := ipc.NewFileWriter(f, ipc.WithSchema(schema), ipc.WithAllocator(mem))
	require.NoError(t, err)
	require.NoError(t, w.Write(rec))
	require.NoError(t, w.Close())
	require.NoError(t, f.Close())
}

// Every verb, in every corpus form, on a large_utf8 column and a
// large_binary one: the same exit status and output as on the same data
// as utf8 and binary (type names aside, since the type is kept).
func TestEveryVerbLargeText(t *testing.T) {
	tmp := t.TempDir()
	small, large := filepath.Join(tmp, "small.arrow"), filepath.Join(tmp, "large.arrow")
	writeTextFile(t, small, false)
	writeTextFile(t, large, true)
	untyped := strings.NewReplacer("large_utf8", "utf8", "large_binary", "binary", "large_string", "string")
	runs := 0
	defer func() { t.Logf("%d forms", runs) }()
	for _, spec := range plan.Specs(nil, nil) {
		forms, ok := verbForms[strings.Join(spec.Args, " ")]
		if !ok || forms == nil {
			forms = [][]string{{"min({c}), max({c}), first({c}), last({c}), count_distinct({c}), list({c}), count({c})"}}
		}
		for _, c := range []string{"s", "b"} {
			for _, form := range forms {
				run := func(file string) cliResult {
					r := strings.NewReplacer("{c}", c, "{k}", "i", "{f}", file, "{tmp}", tmp, "{cast}", "string", "{cast2}", "int")
					// One worker: summary's float mean may differ in the last
					// digit between runs on more.
					args := []string{"--workers", "1", "--batch-rows", "5", spec.Name}
					for _, w := range form {
						args = append(args, r.Replace(w))
					}
					return cli(t, "", append(args, file)...)
				}
				want, got := run(small), run(large)
				what := fmt.Sprintf("%s %q on %s", spec.Name, form, map[string]string{"s": "large_utf8", "b": "large_binary"}[c])
				runs++
				if !assert.Equal(t, want.code, got.code, "%s: %s / %s", what, want.stderr, got.stderr) {
					continue
				}
				if got.code != exitOK {
					t.Logf("refused as utf8 and binary too: %s: %s", what, firstLine(got.stderr))
				}
				assert.Equal(t, untyped.Replace(want.stdout), untyped.Replace(got.stdout), what)
			}
		}
	}
}
