package cluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// joinTable writes the join table keyed by qty (as writeFiles writes
// it): duplicate keys (3), a null key, keys the stream lacks (11) and
// keys it has that the table lacks (0, 4 ...).
func joinTable(t *testing.T) (path string, rows [][]string) {
	t.Helper()
	rows = [][]string{{"1", "one", "10"}, {"3", "three a", "30"}, {"", "null key", "99"},
		{"7", "seven", "70"}, {"3", "three b", "31"}, {"11", "eleven", "110"}, {"9", "nine", "90"}}
	text := "qty,label,weight\n"
	for _, r := range rows {
		text += r[0] + "," + r[1] + "," + r[2] + "\n"
	}
	path = filepath.Join(t.TempDir(), "products.csv")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path, rows
}

// joinWords parses a chain with joins that read their files, each call
// of it with its own tables (a table source is read once).
func joinWords(t *testing.T, words ...string) []plan.Call {
	t.Helper()
	tables := &plan.JoinTables{}
	t.Cleanup(func() { tables.Close() })
	// An input file ends the chain, as on the command line.
	calls, files, err := plan.ParseChain(append(words, "in.csv"), plan.Specs(nil, tables))
	require.NoError(t, err)
	require.Equal(t, []string{"in.csv"}, files)
	return calls
}

// refJoin joins the input's rows with the table's on qty, as SQL does:
// each stream row with its matches in table order, a null key matching
// nothing; left keeps a row without a match with empty table columns.
func refJoin(input, table [][]string, left bool) [][]string {
	var out [][]string
	for _, r := range input {
		matched := false
		for _, tr := range table {
			if r[colQty] != "" && tr[0] == r[colQty] {
				out = append(out, append(append([]string{}, r...), tr[1], tr[2]))
				matched = true
			}
		}
		if !matched && left {
			out = append(out, append(append([]string{}, r...), "", ""))
		}
	}
	return out
}

// Joins of the kinds whose output is each stream row's own run on the
// workers, each task's rows against the whole table, on many small
// tasks: the output is the single-process run's and, for inner and left,
// the in-test join's; the table is read from its path or, for workers
// that do not see it, from the job's bucket. Right and full joins run on
// the coordinator and are exact too.
func TestClusterJoinOnWorkers(t *testing.T) {
	c := startCluster(t, 2, 10*time.Second)
	files := writeFiles(t, 2, 500)
	table, tableRows := joinTable(t)
	const taskBytes = 3000
	_, input := readCSV(t, reference(t, files, nil, ReadSpec{}))
	chains := []struct {
		name  string
		words []string
		want  func() [][]string
	}{
		{"inner", []string{"join", "qty", table}, func() [][]string { return refJoin(input, tableRows, false) }},
		{"left", []string{"join", "left", "qty", table}, func() [][]string { return refJoin(input, tableRows, true) }},
		{"semi", []string{"join", "semi", "qty", table}, nil},
		{"anti", []string{"join", "anti", "qty", table}, nil},
		{"asof", []string{"join", "asof", "qty", table}, nil},
		{"left-filter-groupby", []string{"filter", "price > 20", "then", "join", "left", "qty", table, "then",
			"filter", "weight > 20 or weight is null", "then", "groupby", "label", "count() as n, sum(price)"}, nil},
		{"right", []string{"join", "right", "qty", table}, nil},
		{"full", []string{"join", "full", "qty", table}, nil},
	}
	modes := []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto}
	for i, ch := range chains {
		for j, tc := range []struct {
			workers int
			batch   int
			upload  bool
		}{{1, 7, false}, {4, 1000, true}} {
			mode := modes[(i+j)%3]
			t.Run(fmt.Sprintf("chain=%s/workers=%d/mode=%s/batch=%d/upload=%v", ch.name, tc.workers, mode, tc.batch, tc.upload), func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				read := ReadSpec{BatchRows: tc.batch}
				copies := func() int {
					found, _ := filepath.Glob(filepath.Join(os.TempDir(), "arrowpipe-table-*"))
					return len(found)
				}
				before := copies()
				want := reference(t, files, joinWords(t, ch.words...), read)
				calls := joinWords(t, ch.words...)
				got, reports, err := runJobWith(ctx, t, c.url, files, calls, read, tc.workers, mode, taskBytes, func(j *Job) {
					j.Upload = tc.upload
				})
				require.NoError(t, err)
				assert.Equal(t, want, got)
				if ch.want != nil {
					_, rows := readCSV(t, got)
					assert.Equal(t, ch.want(), rows, "the in-test join")
				}
				var shipped int
				for _, r := range reports {
					shipped += int(r.Rows)
				}
				_, out := readCSV(t, got)
				switch ch.name {
				case "right", "full":
					assert.Equal(t, len(input), shipped, "the coordinator joins every row")
				case "inner", "left", "semi", "anti", "asof":
					assert.Equal(t, len(out), shipped, "the workers ship the joined rows")
				}
				assertCovers(t, reports, files, taskBytes)
				require.Greater(t, len(reports), 10, "many tasks")
				assertNoBuckets(t, c.url)
				assert.Eventually(t, func() bool { return copies() <= before },
					5*time.Second, 50*time.Millisecond, "the workers' copies of the table are removed")
			})
		}
	}
}

// The join goes to the workers for the kinds whose output is per stream
// row and a table well under the memory cap, with the map side narrowed
// to the columns the coordinator's plan has at the cut; otherwise it
// stays on the coordinator.
func TestMapJoinPlan(t *testing.T) {
	files := writeFiles(t, 1, 50)
	table, _ := joinTable(t)
	st, err := os.Stat(table)
	require.NoError(t, err)
	cases := []struct {
		name      string
		words     []string
		maxMemory int64
		onWorkers bool
		mapChain  [][]string
	}{
		{"inner", []string{"join", "qty", table}, 0, true,
			[][]string{{"join", "qty", "table-0"}, {"select", "`id`,`region`,`qty`,`price`,`note`,`label`,`weight`"}}},
		{"left-then-groupby", []string{"join", "left", "qty", table, "then", "groupby", "label", "count() as n"}, 0, true,
			[][]string{{"join", "left", "qty", "table-0"}, {"select", "`qty`,`label`"}, {"groupby", "label", "count() as __partial0"}}},
		{"semi", []string{"join", "semi", "qty", table}, 1 << 30, true, nil},
		{"anti", []string{"join", "anti", "qty", table}, 0, true, nil},
		{"asof", []string{"join", "asof", "qty", table}, 0, true, nil},
		{"right", []string{"join", "right", "qty", table}, 0, false, nil},
		{"full", []string{"join", "full", "qty", table}, 0, false, nil},
		{"at-the-limit", []string{"join", "qty", table}, st.Size() * shippedTableShare, true, nil},
		{"too-big", []string{"join", "qty", table}, st.Size()*shippedTableShare - 1, false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			calls := joinWords(t, tc.words...)
			p, err := planJob(context.Background(), files, nil, 1, Job{Calls: calls, Env: verb.Env{MaxMemory: tc.maxMemory}})
			require.NoError(t, err)
			if !tc.onWorkers {
				assert.Empty(t, p.tables)
				assert.Empty(t, p.mapChain)
				return
			}
			assert.Equal(t, []string{table}, p.tables)
			if tc.mapChain != nil {
				assert.Equal(t, tc.mapChain, p.mapChain)
			}
		})
	}
	assert.Equal(t, int64(maxShippedTable), shipLimit(0))
	assert.Equal(t, int64(maxShippedTable), shipLimit(1<<40))
}

// A task names its join's table, never a path: a join of a file that is
// not one of the task's tables, or a table that is not the job's, is
// refused before anything runs.
func TestParseTaskJoinTables(t *testing.T) {
	good := validTask()
	good.Chain = [][]string{{"join", "left", "qty", "table-0"}}
	good.Tables = []TableRef{{Name: "table-0", File: "/data/p.csv"}}
	data, err := good.Marshal()
	require.NoError(t, err)
	_, err = ParseTask(data)
	require.NoError(t, err)
	bad := map[string]func(*Task){
		"a path":          func(t *Task) { t.Chain[0][3] = "/etc/passwd" },
		"no tables":       func(t *Task) { t.Tables = nil },
		"relative file":   func(t *Task) { t.Tables[0].File = "p.csv" },
		"other name":      func(t *Task) { t.Tables[0].Name = "x" },
		"other object":    func(t *Task) { t.Tables[0].Object = "task-0" },
		"join of nothing": func(t *Task) { t.Chain[0] = []string{"join"} },
	}
	for name, edit := range bad {
		t.Run(name, func(t *testing.T) {
			task := validTask()
			task.Chain = [][]string{{"join", "left", "qty", "table-0"}}
			task.Tables = []TableRef{{Name: "table-0", File: "/data/p.csv"}}
			edit(task)
			_, err := task.Marshal()
			require.ErrorIs(t, err, ErrBadTask)
		})
	}
}

// A worker fetches a table from the job's bucket once for all the job's
// tasks, and removes its copy when the job ends.
func TestTableCacheFetchesOnce(t *testing.T) {
	url := startServerOnly(t)
	nc, js, err := Connect(url, "arrowpipe-test")
	require.NoError(t, err)
	defer nc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	const job = "tablejob1"
	store, err := js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: dataBucket(job)})
	require.NoError(t, err)
	defer js.DeleteObjectStore(context.Background(), dataBucket(job))
	_, err = store.PutString(ctx, "table-0", "k,v\n1,a\n")
	require.NoError(t, err)
	cache := &tableCache{js: js, dir: t.TempDir()}
	ref := TableRef{Name: "table-0", File: "/data/products.csv", Object: "table-0"}
	first, err := cache.path(ctx, job, ref)
	require.NoError(t, err)
	assert.Equal(t, ".csv", filepath.Ext(first), "the table's format")
	require.NoError(t, store.Delete(ctx, "table-0"))
	again, err := cache.path(ctx, job, ref)
	require.NoError(t, err, "the second task reads the copy")
	assert.Equal(t, first, again)
	data, err := os.ReadFile(first)
	require.NoError(t, err)
	assert.Equal(t, "k,v\n1,a\n", string(data))
	_, err = cache.path(ctx, "otherjob", ref)
	require.Error(t, err, "a job without its table fails its task")
	assert.Contains(t, err.Error(), "/data/products.csv")
	cache.drop(job)
	_, err = os.Stat(first)
	assert.ErrorIs(t, err, os.ErrNotExist)
	shared, err := cache.path(ctx, job, TableRef{Name: "table-0", File: "/data/p.csv"})
	require.NoError(t, err)
	assert.Equal(t, "/data/p.csv", shared, "a table on the shared file system is read in place")
}
