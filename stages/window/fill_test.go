package window

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// refFill fills rows as Fill does, from the definition: each null takes
// the nearest non-null value above (below) it in its group.
func refFill(rows []row, cols []string, mode FillMode, keys []string, value any) []row {
	out := make([]row, len(rows))
	for i, r := range rows {
		out[i] = append(row{}, r...)
	}
	groups := make([]string, len(rows))
	for i := range rows {
		var k []any
		for _, key := range keys {
			k = append(k, zeroSign(rows[i][colIndex(key)]))
		}
		groups[i] = fmt.Sprintf("%#v", k)
	}
	group := func(i int) string { return groups[i] }
	for _, name := range cols {
		c := colIndex(name)
		for i := range rows {
			if rows[i][c] != nil {
				continue
			}
			switch mode {
			case FillValue:
				out[i][c] = value
			case FillDown:
				for j := i - 1; j >= 0; j-- {
					if group(j) == group(i) && rows[j][c] != nil {
						out[i][c] = rows[j][c]
						break
					}
				}
			case FillUp:
				for j := i + 1; j < len(rows); j++ {
					if rows[j][c] != nil {
						out[i][c] = rows[j][c]
						break
					}
				}
			}
		}
	}
	return out
}

func TestFillMatchesReference(t *testing.T) {
	cols := []string{"v_int", "v_str", "v_f", "v_ts", "v_bool"}
	cases := []struct {
		name  string
		mode  FillMode
		keys  []string
		value any
		null  int // one row in null makes a value
	}{
		{"down", FillDown, nil, nil, 7},
		{"down-by-g", FillDown, []string{"g"}, nil, 7},
		{"down-by-g,h", FillDown, []string{"g", "h"}, nil, 3},
		{"up", FillUp, nil, nil, 7},
		{"up-sparse", FillUp, nil, nil, 300},
		{"value", FillValue, nil, nil, 7},
	}
	for _, c := range cases {
		for _, cfg := range configs() {
			t.Run(fmt.Sprintf("fill=%s/%v", c.name, cfg), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				r := rand.New(rand.NewPCG(5, uint64(cfg.workers)))
				rows := randomRows(r, 400)
				for _, rw := range rows {
					for _, name := range cols {
						if r.IntN(c.null) != 0 {
							rw[colIndex(name)] = nil
						}
					}
				}
				fillCols := cols
				value := any(nil)
				if c.mode == FillValue {
					fillCols, value = []string{"v_int"}, int64(42)
				}
				for _, maxRows := range []int{1, 7, 100, 1000} {
					in := rows
					if maxRows == 1 {
						in = rows[:60] // one-row batches cost a pipeline hop each
					}
					want := refFill(in, fillCols, c.mode, c.keys, value)
					got, err := runVerb(t, context.Background(), mem, verb.Env{}, cfg, rowtest.Split(r, in, maxRows), Fill(fillCols, c.mode, c.keys, value))
					require.NoError(t, err)
					if cfg.unordered && c.mode == FillValue {
						// A stage of its own row order: unordered changes the
						// order, not the rows.
						want, got = sortedRows(want), sortedRows(got)
					}
					if d := sameRows(want, got, outNames(nil)); d != "" {
						t.Fatalf("batches of up to %d rows: %s", maxRows, d)
					}
				}
			})
		}
	}
}

// Fill with a string value parses it for each column's type.
func TestFillValueTypes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rows := []row{{nil, nil, nil, nil, nil, nil, nil, nil}}
	got, err := runVerb(t, context.Background(), mem, verb.Env{}, configs()[0], [][]row{rows}, Fill([]string{"h", "v_f", "v_str"}, FillValue, nil, "7"))
	require.NoError(t, err)
	require.Equal(t, []row{{nil, int64(7), nil, 7.0, nil, "7", nil, nil}}, got)
	_, _, err = Fill([]string{"v_bool"}, FillValue, nil, "7").Build(verb.Env{}, testSchema)
	require.ErrorContains(t, err, `fill: column "v_bool": the default "7"`)
	_, _, err = Fill([]string{"nope"}, FillDown, nil, nil).Build(verb.Env{}, testSchema)
	require.ErrorContains(t, err, `fill: no column "nope"`)
	_, _, err = Fill([]string{"v_int"}, FillUp, []string{"g"}, nil).Build(verb.Env{}, testSchema)
	require.ErrorContains(t, err, "keys only go with filling down")
}

// Filling up holds the batches above a run of nulls; past the cap the run
// fails and releases them, and a cancel releases them too.
func TestFillUpBounded(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rows := randomRows(newRand(), 3000)
	for _, rw := range rows {
		rw[colIndex("v_int")] = nil
	}
	_, err := runVerb(t, context.Background(), mem, verb.Env{MaxMemory: 16 << 10}, configs()[1], rowtest.Split(newRand(), rows, 50), Fill([]string{"v_int"}, FillUp, nil, nil))
	require.ErrorIs(t, err, ErrMemory)
	got, err := runVerb(t, context.Background(), mem, verb.Env{}, configs()[1], rowtest.Split(newRand(), rows, 50), Fill([]string{"v_int"}, FillUp, nil, nil))
	require.NoError(t, err)
	require.Len(t, got, len(rows))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = runVerb(t, ctx, mem, verb.Env{}, configs()[1], rowtest.Split(newRand(), rows, 50), Fill([]string{"v_int"}, FillUp, nil, nil))
	require.Error(t, err)
}

// splitWords splits at spaces outside single quotes, as a shell would.
func splitWords(s string) []string {
	var out []string
	var cur []byte
	quoted := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			quoted = !quoted
			cur = append(cur, c)
		case c == ' ' && !quoted:
			out = append(out, string(cur))
			cur = cur[:0]
		default:
			cur = append(cur, c)
		}
	}
	return append(out, string(cur))
}

func sortedRows(rows []row) []row {
	out := slices.Clone(rows)
	slices.SortFunc(out, func(a, b row) int { return strings.Compare(fmt.Sprintf("%#v", a), fmt.Sprintf("%#v", b)) })
	return out
}
