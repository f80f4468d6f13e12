package cluster

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// The verb at the cut runs on the workers too when its per-task results
// merge exactly (wholeStreamSplit); a sort's runs are then merged by the
// coordinator, which keeps only the stages after the sort.
func TestWholeStreamSplitPlan(t *testing.T) {
	files := writeFiles(t, 1, 10)
	mem := memory.NewGoAllocator()
	for words, want := range map[string]struct {
		mapVerb string // the map side's last verb; "" when none
		merge   bool
		reduce  int // stages on the coordinator
	}{
		"sort|qty desc":                          {"sort", true, 0},
		"filter|qty > 1|sort|region, qty|head|5": {"sort", true, 1},
		"top|3|price desc":                       {"top", false, 1},
		"top|3|price desc, id|region":            {"top", false, 1},
		"distinct|region,qty":                    {"distinct", false, 1},
		"distinct|region|last":                   {"distinct", false, 1},
		"select|id,qty|head|5":                   {"head", false, 1},
		"tail|5|sort|id":                         {"tail", false, 2},
		"sample|5|7":                             {"", false, 1},
		"count":                                  {"", false, 1},
	} {
		t.Run(words, func(t *testing.T) {
			calls := parseWords(t, splitWords(words)...)
			p, err := planJob(context.Background(), files, nil, 1, Job{Calls: calls, Env: verb.Env{Mem: mem}})
			require.NoError(t, err)
			got := ""
			if n := len(p.mapChain); n > 0 && p.mapChain[n-1][0] != "filter" && p.mapChain[n-1][0] != "select" {
				got = p.mapChain[n-1][0]
			}
			assert.Equal(t, want.mapVerb, got, "map chain %q", p.mapChain)
			assert.Equal(t, want.merge, p.merge != nil)
			assert.Len(t, p.reduce, want.reduce)
			// NoPartial ships every row, as before.
			p, err = planJob(context.Background(), files, nil, 1, Job{Calls: calls, Env: verb.Env{Mem: mem}, NoPartial: true})
			require.NoError(t, err)
			assert.Nil(t, p.merge)
			for _, c := range p.mapChain {
				assert.NotEqual(t, want.mapVerb, c[0])
			}
		})
	}
}

// Columns of writeFiles' rows as the CSV output gives them back.
const (
	colID = iota
	colRegion
	colQty
	colPrice
)

// order is an in-test comparison of two output rows by one key: ints and
// floats by value, text by bytes, nulls (empty) last unless nullsFirst.
func order(col int, desc, nullsFirst bool) func(a, b []string) int {
	return func(a, b []string) int {
		x, y := a[col], b[col]
		if x == "" || y == "" {
			switch {
			case x == y:
				return 0
			case (x == "") == nullsFirst:
				return -1
			default:
				return 1
			}
		}
		var c int
		switch col {
		case colRegion:
			c = strings.Compare(x, y)
		default:
			fx, err1 := strconv.ParseFloat(x, 64)
			fy, err2 := strconv.ParseFloat(y, 64)
			if err1 != nil || err2 != nil {
				panic(fmt.Sprintf("not a number: %q %q", x, y))
			}
			c = cmp.Compare(fx, fy)
		}
		if desc {
			return -c
		}
		return c
	}
}

func byKeys(keys ...func(a, b []string) int) func(a, b []string) int {
	return func(a, b []string) int {
		for _, k := range keys {
			if c := k(a, b); c != 0 {
				return c
			}
		}
		return 0
	}
}

func stableSorted(rows [][]string, by func(a, b []string) int) [][]string {
	rows = slices.Clone(rows)
	slices.SortStableFunc(rows, by)
	return rows
}

// firstPerKey keeps each key's first row (last: its last row), in input
// order, and then at most n rows a key when n > 0.
func firstPerKey(rows [][]string, key func([]string) string, last bool) [][]string {
	at := map[string]int{}
	for i, r := range rows {
		if _, ok := at[key(r)]; !ok || last {
			at[key(r)] = i
		}
	}
	var out [][]string
	for i, r := range rows {
		if at[key(r)] == i {
			out = append(out, r)
		}
	}
	return out
}

// topPerGroup is top N by group: groups in order of their first row,
// each group's first n rows in the stable order by.
func topPerGroup(rows [][]string, group func([]string) string, n int, by func(a, b []string) int) [][]string {
	var keys []string
	groups := map[string][][]string{}
	for _, r := range rows {
		k := group(r)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], r)
	}
	var out [][]string
	for _, k := range keys {
		g := stableSorted(groups[k], by)
		out = append(out, g[:min(n, len(g))]...)
	}
	return out
}

func readCSV(t *testing.T, s string) (header []string, rows [][]string) {
	t.Helper()
	all, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, all)
	return all[0], all[1:]
}

// Each verb split by wholeStreamSplit gives the single-process output on
// many small tasks (ranges of ~3 KB, so that runs, tops and groups span
// tasks) of rows with quoted newlines, ties and nulls in the keys; sort
// and top are checked against an in-test sort of the rows as well, and
// every split verb but sort ships fewer rows than the input's.
func TestClusterMapSideVerbs(t *testing.T) {
	c := startCluster(t, 2, 10*time.Second)
	files := writeFiles(t, 2, 600)
	const taskBytes = 3000
	_, input := readCSV(t, reference(t, files, nil, ReadSpec{}))
	region := func(r []string) string { return r[colRegion] }
	regionQty := func(r []string) string { return r[colRegion] + "\x00" + r[colQty] }
	chains := []struct {
		name  string
		words []string
		// want is the independent reference on the input's rows; nil
		// checks against the single-process run only.
		want  func(rows [][]string) [][]string
		ships func(tasks int) int // at most this many rows from the workers; nil: no bound
		stops bool                // the reduce side stops before reading every result
	}{
		{"sort-desc", []string{"sort", "qty desc"}, func(rows [][]string) [][]string {
			return stableSorted(rows, order(colQty, true, false))
		}, nil, false},
		{"sort-keys", []string{"sort", "region, qty desc nulls first, price"}, func(rows [][]string) [][]string {
			return stableSorted(rows, byKeys(order(colRegion, false, false), order(colQty, true, true), order(colPrice, false, false)))
		}, nil, false},
		{"sort-nulls-first-head", []string{"sort", "qty nulls first, price desc", "then", "head", "150"}, func(rows [][]string) [][]string {
			return stableSorted(rows, byKeys(order(colQty, false, true), order(colPrice, true, false)))[:150]
		}, nil, true},
		{"filter-sort", []string{"filter", "price > 30", "then", "sort", "price"}, nil, nil, false},
		{"top", []string{"top", "25", "qty desc, region"}, func(rows [][]string) [][]string {
			return stableSorted(rows, byKeys(order(colQty, true, false), order(colRegion, false, false)))[:25]
		}, func(tasks int) int { return 25 * tasks }, false},
		{"top-by", []string{"top", "4", "price desc", "region"}, func(rows [][]string) [][]string {
			return topPerGroup(rows, region, 4, order(colPrice, true, false))
		}, func(tasks int) int { return 4 * 6 * tasks }, false},
		{"distinct", []string{"distinct", "region,qty"}, func(rows [][]string) [][]string {
			return firstPerKey(rows, regionQty, false)
		}, func(tasks int) int { return 6 * 11 * tasks }, false},
		{"distinct-last", []string{"distinct", "region,qty", "last"}, func(rows [][]string) [][]string {
			return firstPerKey(rows, regionQty, true)
		}, func(tasks int) int { return 6 * 11 * tasks }, false},
		{"head", []string{"head", "40"}, func(rows [][]string) [][]string { return rows[:40] }, func(tasks int) int { return 40 * tasks }, true},
		{"tail", []string{"tail", "40"}, func(rows [][]string) [][]string { return rows[len(rows)-40:] }, func(tasks int) int { return 40 * tasks }, false},
		{"tail-across-tasks", []string{"tail", "700"}, func(rows [][]string) [][]string { return rows[len(rows)-700:] }, nil, false},
	}
	modes := []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto}
	for i, ch := range chains {
		calls := parseWords(t, ch.words...)
		for _, tc := range []struct {
			workers int
			mode    sharedmem.Mode
			batch   int
		}{{1, modes[i%3], 7}, {4, modes[(i+1)%3], 1000}} {
			t.Run(fmt.Sprintf("chain=%s/workers=%d/mode=%s/batch=%d", ch.name, tc.workers, tc.mode, tc.batch), func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				read := ReadSpec{BatchRows: tc.batch}
				want := reference(t, files, calls, read)
				got, reports, err := runJob(ctx, t, c.url, files, calls, read, tc.workers, tc.mode, taskBytes)
				require.NoError(t, err)
				assert.Equal(t, want, got)
				if ch.want != nil {
					_, rows := readCSV(t, got)
					assert.Equal(t, ch.want(input), rows, "the in-test reference")
				}
				if !ch.stops {
					// A head stops the reduce side before every result is read.
					assertCovers(t, reports, files, taskBytes)
					require.Greater(t, len(reports), 10, "many tasks")
				}
				var shipped int
				for _, r := range reports {
					shipped += int(r.Rows)
				}
				if ch.ships != nil {
					assert.LessOrEqual(t, shipped, ch.ships(len(reports)), "rows shipped")
					assert.Less(t, shipped, len(input), "rows shipped")
				} else if ch.name == "sort-desc" || ch.name == "sort-keys" {
					assert.Equal(t, len(input), shipped, "a sort ships every row")
				}
			})
		}
	}
}
