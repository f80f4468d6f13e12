package cluster

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/input"
)

// hiveTree writes root/region=R/fK.csv files; file k holds ids 100k to
// 100k+rows-1. It returns each id's file, relative to root's parent, and
// region.
func hiveTree(t *testing.T, root string, rows int) map[string][2]string {
	t.Helper()
	where := map[string][2]string{}
	for k, region := range []string{"EU", "EU", "US", "APAC"} {
		rel := filepath.Join(filepath.Base(root), "region="+region, fmt.Sprintf("f%d.csv", k))
		var b bytes.Buffer
		b.WriteString("id,qty\n")
		for j := range rows {
			id := strconv.Itoa(100*k + j)
			fmt.Fprintf(&b, "%s,%d\n", id, (j*7)%5)
			where[id] = [2]string{rel, region}
		}
		path := filepath.Join(filepath.Dir(root), rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	}
	return where
}

// A hive-partitioned directory read on the cluster gives the single run's
// partition and file-name columns: named by an absolute or a relative
// path, by a glob, through uploads, under a filter on the partition
// column that a single run prunes files by; each row's region is its
// file's directory and its file name the name as given (after expansion).
func TestClusterHivePartitions(t *testing.T) {
	c := startCluster(t, 2, 10*time.Second)
	parent := t.TempDir()
	root := filepath.Join(parent, "hv")
	where := hiveTree(t, root, 30)
	cases := []struct {
		name     string
		arg      string // relative to parent when rel
		rel      bool
		fileCol  bool
		upload   bool
		words    []string
		workers  int
		mode     sharedmem.Mode
		batchRow int
	}{
		{"abs", root, false, false, false, nil, 1, sharedmem.Shared, 7},
		{"abs-filter-prunes", root, false, true, false, []string{"filter", "region != 'US'"}, 4, sharedmem.Copy, 1000},
		{"rel", "hv", true, true, false, nil, 4, sharedmem.Auto, 1},
		{"rel-glob-upload-sort", "hv/*/*.csv", true, true, true, []string{"sort", "qty desc, id"}, 1, sharedmem.Copy, 13},
		{"abs-upload-groupby", root, false, false, true, []string{"groupby", "region", "count() as n, sum(qty)"}, 4, sharedmem.Shared, 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.rel {
				t.Chdir(parent)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			calls := parseWords(t, tc.words...)
			read := ReadSpec{BatchRows: tc.batchRow}
			if tc.fileCol {
				read.FilenameColumn = "file"
			}
			want := reference(t, []string{tc.arg}, calls, read)
			files, walked, err := input.ExpandRooted([]string{tc.arg})
			require.NoError(t, err)
			got, reports, err := runJobWith(ctx, t, c.url, files, calls, read, tc.workers, tc.mode, 0, func(j *Job) {
				j.Walked, j.Upload = walked, tc.upload
			})
			require.NoError(t, err)
			assert.Equal(t, want, got)
			pruned := tc.words != nil && tc.words[0] == "filter"
			if pruned {
				// region=US's file is skipped unread, as in a single run.
				require.Len(t, reports, len(files)-1)
				for _, r := range reports {
					assert.NotContains(t, r.File, "region=US")
				}
			} else {
				assert.Len(t, reports, len(files))
			}
			header, rows := readCSV(t, got)
			require.NotEmpty(t, rows)
			if tc.words != nil && tc.words[0] == "groupby" {
				assert.Equal(t, []string{"region", "n"}, header[:2])
				assert.ElementsMatch(t, [][]string{{"EU", "60"}, {"US", "30"}, {"APAC", "30"}},
					[][]string{rows[0][:2], rows[1][:2], rows[2][:2]}, "rows per directory")
				return
			}
			id, region, file := slices.Index(header, "id"), slices.Index(header, "region"), slices.Index(header, "file")
			require.GreaterOrEqual(t, region, 0, "the partition column")
			for _, r := range rows {
				w := where[r[id]]
				assert.Equal(t, w[1], r[region], "id %s", r[id])
				if file >= 0 {
					name := w[0]
					if !tc.rel {
						name = filepath.Join(parent, name)
					}
					assert.Equal(t, name, r[file], "id %s", r[id])
				}
				if tc.words != nil && tc.words[0] == "filter" {
					assert.NotEqual(t, "US", r[region])
				}
			}
		})
	}
	t.Run("partitions-of-ints-strings-and-none", func(t *testing.T) {
		// m=12 alone reads as int64, m=01 as a string: every task reads
		// m as a string, as the single run does; a file outside the
		// partition directories has a null m, and still the column.
		dir := t.TempDir()
		for name, text := range map[string]string{"m=01/f.csv": "id\n1\n", "m=12/f.csv": "id\n2\n", "plain.csv": "id\n3\n"} {
			path := filepath.Join(dir, name)
			require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
			require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		files, walked, err := input.ExpandRooted([]string{dir})
		require.NoError(t, err)
		got, _, err := runJobWith(ctx, t, c.url, files, nil, ReadSpec{}, 1, sharedmem.Auto, 0, func(j *Job) { j.Walked = walked })
		require.NoError(t, err)
		assert.Equal(t, reference(t, []string{dir}, nil, ReadSpec{}), got)
		assert.Equal(t, "id,m\n1,01\n2,12\n3,\n", got)
	})
	t.Run("stdin-spool-in-temp-dir", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		missing := filepath.Join(t.TempDir(), "no-such-dir")
		_, _, err := runJobWith(ctx, t, c.url, []string{"-"}, nil, ReadSpec{}, 1, sharedmem.Auto, 0, func(j *Job) {
			j.Stdin, j.TempDir = bytes.NewReader([]byte("a\n1\n")), missing
		})
		assert.ErrorContains(t, err, missing)
	})
	t.Run("sort-of-more-tasks-than-the-merge-fan-in", func(t *testing.T) {
		files := writeFiles(t, 2, 300)
		calls := parseWords(t, "sort", "qty desc, region")
		read := ReadSpec{BatchRows: 50}
		want := reference(t, files, calls, read)
		for _, runs := range []int{3, 1000} {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			var transforms []string
			got, reports, err := runJobWith(ctx, t, c.url, files, calls, read, 2, sharedmem.Auto, 2000, func(j *Job) {
				j.maxMergeRuns = runs
				j.Metrics = func(m pipeline.Metrics) {
					for _, s := range m.Transforms() {
						transforms = append(transforms, s.Name)
					}
				}
			})
			cancel()
			require.NoError(t, err)
			assert.Equal(t, want, got, "runs %d", runs)
			require.Greater(t, len(reports), 3, "more tasks than the bound")
			if runs == 3 {
				assert.Contains(t, transforms, "sort", "sorted on the coordinator")
			} else {
				assert.NotContains(t, transforms, "sort", "merged on the coordinator")
			}
		}
	})
}
