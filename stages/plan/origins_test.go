package plan_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/plan"
)

// Files opened under other paths (copies) with their origins get the
// partition and file-name columns of the names the origins give, as a
// run over those names would: one file alone, and a run of files read by
// one reader (openruns.go), whose chunks each name their file.
func TestOpenWithOrigins(t *testing.T) {
	copies := t.TempDir()
	var paths []string
	var origins []plan.FileOrigin
	for i, region := range []string{"EU", "EU", "US"} {
		p := filepath.Join(copies, fmt.Sprintf("copy-%d.csv", i))
		require.NoError(t, os.WriteFile(p, fmt.Appendf(nil, "id\n%d\n%d\n", 2*i, 2*i+1), 0o644))
		paths = append(paths, p)
		walked := fmt.Sprintf("region=%s/f%d.csv", region, i)
		origins = append(origins, plan.FileOrigin{Name: "data/" + walked, Walked: walked})
	}
	for _, c := range []struct {
		name  string
		n     int
		batch int
	}{{"one", 1, 0}, {"run", 3, 1}, {"run", 3, 1000}} {
		t.Run(fmt.Sprintf("files=%s/batch=%d", c.name, c.batch), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			ctx := context.Background()
			src, err := plan.Open(ctx, paths[:c.n], nil, plan.ReadOptions{FilenameColumn: "file", BatchRows: c.batch,
				Origins: origins[:c.n], Mem: mem})
			require.NoError(t, err)
			defer src.Close()
			assert.Equal(t, []string{"id", "region", "file"}, names(src.Schema()))
			got, err := collect(t, ctx, src, pipeline.Config{Mem: mem})
			require.NoError(t, err)
			require.Len(t, got, 2*c.n)
			for _, row := range got {
				var id int
				_, err := fmt.Sscan(row["id"], &id)
				require.NoError(t, err)
				o := origins[id/2] // the rows of file i are 2i and 2i+1
				assert.Equal(t, o.Name, row["file"])
				assert.Equal(t, filepath.Base(filepath.Dir(o.Walked)), "region="+row["region"])
			}
		})
	}
	_, err := plan.Open(context.Background(), paths, nil, plan.ReadOptions{Origins: origins[:1]})
	assert.ErrorContains(t, err, "1 origins for 3 files")
}

// TextPartitions reads a key whose values here are all integers as
// strings, as a run over more files, one of which is not, would.
func TestOpenTextPartitions(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m=12", "a.csv")
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte("id\n1\n"), 0o644))
	for _, c := range []struct {
		text []string
		want arrow.DataType
	}{{nil, arrow.PrimitiveTypes.Int64}, {[]string{"m"}, arrow.BinaryTypes.String}} {
		src, err := plan.Open(context.Background(), []string{dir}, nil, plan.ReadOptions{TextPartitions: c.text})
		require.NoError(t, err)
		assert.Equal(t, c.want, src.Schema().Field(1).Type, "%v", c.text)
		require.NoError(t, src.Close())
	}
}

// PartitionKeys adds the keys a file lacks as null columns, in the order
// given, before the keys the file has besides.
func TestOpenPartitionKeys(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "b=x", "a.csv")
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte("id\n1\n"), 0o644))
	plain := filepath.Join(t.TempDir(), "plain.csv")
	require.NoError(t, os.WriteFile(plain, []byte("id\n2\n"), 0o644))
	for _, c := range []struct {
		path string
		want []string
		row  map[string]string
	}{
		{dir, []string{"id", "a", "c", "b"}, map[string]string{"id": "1", "b": "x"}},
		{plain, []string{"id", "a", "c"}, map[string]string{"id": "2"}},
	} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		src, err := plan.Open(context.Background(), []string{c.path}, nil, plan.ReadOptions{PartitionKeys: []string{"a", "c"}, Mem: mem})
		require.NoError(t, err)
		assert.Equal(t, c.want, names(src.Schema()))
		got, err := collect(t, context.Background(), src, pipeline.Config{Mem: mem})
		require.NoError(t, err)
		assert.Equal(t, []map[string]string{c.row}, got, "nulls left out")
		require.NoError(t, src.Close())
		mem.AssertSize(t, 0)
	}
}
