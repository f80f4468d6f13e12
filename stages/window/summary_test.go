package window

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// summaryNames are the output's column names, for sameRows.
func summaryNames() []string {
	names := make([]string, len(summaryFields))
	for i, f := range summaryFields {
		names[i] = f.Name
	}
	return names
}

// refText is the text summary shows for a value: its min, max and top.
func refText(v any) string {
	switch v := v.(type) {
	case int64:
		return strconv.FormatInt(v, 10)
	case int32:
		return strconv.FormatInt(int64(v), 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case arrow.Timestamp:
		b := array.NewTimestampBuilder(memory.NewGoAllocator(), arrow.FixedWidthTypes.Timestamp_us.(*arrow.TimestampType))
		defer b.Release()
		b.Append(v)
		a := b.NewArray()
		defer a.Release()
		return a.ValueStr(0)
	}
	panic(fmt.Sprintf("refText %T", v))
}

// refLessValue orders two non-null values of one column as summary's min
// and max do: numbers with NaN last, strings by bytes, false < true.
func refLessValue(a, b any) bool {
	switch a := a.(type) {
	case float64:
		return floatLessRef(a, b.(float64))
	case bool:
		return !a && b.(bool)
	case string:
		return a < b.(string)
	}
	return toInt(a) < toInt(b)
}

func floatLessRef(a, b float64) bool {
	if math.IsNaN(a) {
		return false
	}
	return math.IsNaN(b) || a < b
}

func numeric(t arrow.DataType) bool {
	return t.ID() == arrow.INT64 || t.ID() == arrow.INT32 || t.ID() == arrow.FLOAT64
}

// refSummary computes summary's rows for rows, two passes and exact
// (the inputs here stay under SummaryExact distinct values).
func refSummary(schema *arrow.Schema, rows []row) []row {
	var out []row
	for c, f := range schema.Fields() {
		var vals []any
		for _, r := range rows {
			if r[c] != nil {
				vals = append(vals, zeroSign(r[c]))
			}
		}
		res := row{f.Name, f.Type.String(), int64(len(rows)), int64(len(rows) - len(vals)), nil, false,
			nil, nil, nil, nil, nil, nil, nil, nil, nil}
		counts := map[string]int64{}
		for _, v := range vals {
			counts[refText(v)]++
		}
		res[4] = int64(len(counts))
		if len(vals) > 0 {
			lo, hi := vals[0], vals[0]
			for _, v := range vals {
				if refLessValue(v, lo) {
					lo = v
				}
				if refLessValue(hi, v) {
					hi = v
				}
			}
			res[6], res[7] = refText(lo), refText(hi)
			type vc struct {
				v string
				n int64
			}
			var all []vc
			for v, n := range counts {
				all = append(all, vc{v, n})
			}
			slices.SortFunc(all, func(a, b vc) int {
				if c := cmp.Compare(b.n, a.n); c != 0 {
					return c
				}
				if numeric(f.Type) {
					x, _ := strconv.ParseFloat(a.v, 64)
					y, _ := strconv.ParseFloat(b.v, 64)
					if c := cmp.Compare(x, y); c != 0 {
						return c
					}
				}
				return strings.Compare(a.v, b.v)
			})
			var top []string
			for _, e := range all[:min(5, len(all))] {
				top = append(top, fmt.Sprintf("%s (%d)", e.v, e.n))
			}
			res[14] = strings.Join(top, ", ")
		}
		if numeric(f.Type) && len(vals) > 0 {
			xs := make([]float64, len(vals))
			sum := 0.0
			for i, v := range vals {
				xs[i] = toFloat(v)
				sum += xs[i]
			}
			mean := sum / float64(len(xs))
			res[8] = mean
			if len(xs) > 1 {
				ss := 0.0
				for _, x := range xs {
					ss += (x - mean) * (x - mean)
				}
				res[9] = math.Sqrt(ss / float64(len(xs)-1))
			}
			xs = slices.DeleteFunc(xs, math.IsNaN)
			slices.Sort(xs)
			if len(xs) > 0 {
				for i, q := range []float64{0.25, 0.5, 0.75} {
					pos := q * float64(len(xs)-1)
					lo := int(pos)
					v := xs[lo]
					if lo+1 < len(xs) {
						v += (xs[lo+1] - xs[lo]) * (pos - float64(lo))
					}
					res[10+i] = v
				}
				res[13] = false
			}
		}
		out = append(out, res)
	}
	return out
}

// roundStats rounds the float statistics to 9 significant digits: the
// merge order of workers changes their last bits.
func roundStats(rows []row) []row {
	out := make([]row, len(rows))
	for i, r := range rows {
		out[i] = slices.Clone(r)
		for c := 8; c <= 12; c++ {
			if f, ok := r[c].(float64); ok && !math.IsNaN(f) && f != 0 {
				out[i][c], _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', 9, 64), 64)
			}
		}
	}
	return out
}

// summary over random data with nulls, NaN and ties: the reference's
// rows, whatever the batches, workers and handoff.
func TestSummaryMatchesReference(t *testing.T) {
	for _, n := range []int{0, 1, 300, 3000} {
		rows := randomRows(newRand(), n)
		want := roundStats(refSummary(testSchema, rows))
		for _, cfg := range configs() {
			for _, maxRows := range []int{1, 7, 1000} {
				// One-row batches cost a pipeline trip each: 300 rows
				// cross the same boundaries as 3000.
				if n > 300 && maxRows == 1 {
					continue
				}
				t.Run(fmt.Sprintf("rows=%d/%v/batch=%d", n, cfg, maxRows), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					got, err := runVerb(t, context.Background(), mem, verb.Env{}, cfg, rowtest.Split(newRand(), rows, maxRows), Summary())
					require.NoError(t, err)
					require.Empty(t, sameRows(want, roundStats(got), summaryNames()))
				})
			}
		}
	}
}

// Beyond SummaryExact values, distinct and the quantiles are estimates,
// flagged, within the sketches' error; the top values are dropped.
func TestSummaryApproximate(t *testing.T) {
	const n = 5 * SummaryExact
	rows := make([]row, n)
	for i := range rows {
		rows[i] = make(row, len(testSchema.Fields()))
		rows[i][colIndex("v_int")] = int64(i)
		rows[i][colIndex("v_f")] = float64(i % 100)
	}
	for _, cfg := range configs()[:2] {
		t.Run(cfg.String(), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			got, err := runVerb(t, context.Background(), mem, verb.Env{}, cfg, rowtest.Split(newRand(), rows, 1000), Summary())
			require.NoError(t, err)
			r := got[colIndex("v_int")]
			assert.InEpsilon(t, float64(n), float64(r[4].(int64)), 0.03)
			assert.Equal(t, true, r[5], "distinct flagged approximate")
			assert.Equal(t, "0", r[6])
			assert.Equal(t, strconv.Itoa(n-1), r[7])
			assert.InDelta(t, float64(n-1)/2, r[8], 1e-6)
			for i, q := range []float64{0.25, 0.5, 0.75} {
				assert.InEpsilon(t, q*(n-1), r[10+i], 0.03) // a t-digest merged from 4 workers in any order
			}
			assert.Equal(t, true, r[13], "quantiles flagged approximate")
			assert.Nil(t, r[14], "no top values once inexact")
			f := got[colIndex("v_f")]
			assert.Equal(t, int64(100), f[4], "few distinct values stay exact")
			assert.Equal(t, false, f[5])
			assert.Equal(t, true, f[13])
			assert.Equal(t, "0 (500), 1 (500), 2 (500), 3 (500), 4 (500)", f[14])
			s := got[colIndex("v_str")]
			assert.Equal(t, []any{int64(n), int64(n), int64(0)}, []any{s[2], s[3], s[4]}, "all null")
			assert.Nil(t, s[6])
		})
	}
}
