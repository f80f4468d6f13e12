package plan_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/plan"
)

// BenchmarkOpenManyFiles reads the same rows as one file and as many small
// files (union by name): the target is the many-files case within
// 10 % of the one-file case. ARROWPIPE_MANYFILES_DIR and
// ARROWPIPE_ONEFILE name real inputs (say 1000 files of 1 MB cut from one
// 1 GB file) instead of the generated 200 files of ~64 KiB.
func BenchmarkOpenManyFiles(b *testing.B) {
	many, one := os.Getenv("ARROWPIPE_MANYFILES_DIR"), os.Getenv("ARROWPIPE_ONEFILE")
	if many == "" || one == "" {
		dir := b.TempDir()
		many, one = filepath.Join(dir, "many"), filepath.Join(dir, "one.csv")
		writeManyFiles(b, many, one, 200, 1000)
	}
	var size int64
	st, err := os.Stat(one)
	if err != nil {
		b.Fatal(err)
	}
	size = st.Size()
	b.Run("input=many/phase=open", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			src, err := plan.Open(context.Background(), []string{many}, nil, plan.ReadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			src.Close()
		}
	})
	for _, c := range []struct{ name, path, filename string }{{"input=one", one, ""}, {"input=many", many, ""}, {"input=many/filename=true", many, "file"}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(size)
			for b.Loop() {
				ctx := context.Background()
				src, err := plan.Open(ctx, []string{c.path}, nil, plan.ReadOptions{FilenameColumn: c.filename})
				if err != nil {
					b.Fatal(err)
				}
				rows := 0
				err = pipeline.New(src, nil, pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
					rows += int(rec.NumRows())
					return nil
				}), pipeline.Config{}).Run(ctx)
				src.Close()
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// writeManyFiles writes files CSV files of rows rows each under dir, and
// the same rows as one file.
func writeManyFiles(tb testing.TB, dir, one string, files, rows int) {
	tb.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	const header = "id,ts,region,product,qty,price,note\n"
	var all strings.Builder
	all.WriteString(header)
	regions := []string{"EU", "US", "APAC", "LATAM"}
	for f := range files {
		var b strings.Builder
		b.WriteString(header)
		for r := range rows {
			id := f*rows + r
			fmt.Fprintf(&b, "%d,2026-01-%02dT10:%02d:00Z,%s,p%d,%d,%d.%02d,note %d\n",
				id, 1+id%28, id%60, regions[id%4], id%97, id%13, id%500, id%100, id)
		}
		all.WriteString(b.String()[len(header):])
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("part-%05d.csv", f)), []byte(b.String()), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	if err := os.WriteFile(one, []byte(all.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
}
