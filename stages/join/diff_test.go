package join

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

var streamSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_us, Nullable: true},
	{Name: "v", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
}, nil)

// tableSchema has the stream's key columns in other types (int32 for
// int64; string, large_string or a dictionary of strings for string), and
// a column named like a stream column (v).
func tableSchema(strType arrow.DataType) *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		{Name: "tk", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "s", Type: strType, Nullable: true},
		{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_us, Nullable: true},
		{Name: "v", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
}

var strTypes = []arrow.DataType{
	arrow.BinaryTypes.String,
	arrow.BinaryTypes.LargeString,
	&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String},
}

func randomStream(r *rand.Rand, n int) []row {
	words := []string{"a", "b", "c", "", "dd"}
	null := func() bool { return r.IntN(8) == 0 }
	out := make([]row, n)
	for i := range out {
		v := row{int64(i), nil, nil, nil, nil}
		if !null() {
			v[1] = int64(r.IntN(6) - 1)
		}
		if !null() {
			v[2] = words[r.IntN(len(words))]
		}
		if !null() {
			v[3] = int64(r.IntN(40))
		}
		if !null() {
			v[4] = float64(r.IntN(100))
		}
		out[i] = v
	}
	return out
}

func randomTable(r *rand.Rand, n int) []row {
	words := []string{"a", "b", "c", "", "ee"}
	null := func() bool { return r.IntN(8) == 0 }
	out := make([]row, n)
	for i := range out {
		v := row{nil, nil, nil, float64(-i), fmt.Sprintf("t%d", i)}
		if !null() {
			v[0] = int64(r.IntN(6))
		}
		if !null() {
			v[1] = words[r.IntN(len(words))]
		}
		if !null() {
			v[2] = int64(r.IntN(40))
		}
		out[i] = v
	}
	return out
}

// spec is one join to check: its keys as stream and table column numbers.
type spec struct {
	kind      Kind
	keys      []KeyPair
	sk, tk    []int
	dir       Direction
	tolerance int64 // -1: none
}

var streamCols = map[string]int{"id": 0, "k": 1, "s": 2, "ts": 3, "v": 4}
var tableCols = map[string]int{"tk": 0, "s": 1, "ts": 2, "v": 3, "name": 4}

func newSpec(kind Kind, pairs ...KeyPair) spec {
	s := spec{kind: kind, keys: pairs, tolerance: -1}
	for _, p := range pairs {
		s.sk = append(s.sk, streamCols[p.Stream])
		s.tk = append(s.tk, tableCols[p.Table])
	}
	return s
}

// reference is a nested-loop join of stream and table as the package doc
// defines it.
func reference(sp spec, stream, table []row) []row {
	eqFrom := 0
	if sp.kind == AsOf {
		eqFrom = 1
	}
	var tableOut []int
	for c := range 5 {
		if !slices.Contains(sp.tk[eqFrom:], c) {
			tableOut = append(tableOut, c)
		}
	}
	equal := func(s, t row) bool {
		for i := eqFrom; i < len(sp.sk); i++ {
			a, b := s[sp.sk[i]], t[sp.tk[i]]
			if a == nil || b == nil || a != b {
				return false
			}
		}
		return true
	}
	out := func(s, t row) row {
		o := slices.Clone(s)
		if !sp.kind.addsColumns() {
			return o
		}
		for _, c := range tableOut {
			if t == nil {
				o = append(o, nil)
			} else {
				o = append(o, t[c])
			}
		}
		return o
	}
	var res []row
	matched := make([]bool, len(table))
	for _, s := range stream {
		if sp.kind == AsOf {
			res = append(res, out(s, asOfRef(sp, s, table, equal)))
			continue
		}
		var ms []int
		for r, t := range table {
			if equal(s, t) {
				ms = append(ms, r)
				matched[r] = true
			}
		}
		switch sp.kind {
		case Semi:
			if len(ms) > 0 {
				res = append(res, out(s, nil))
			}
		case Anti:
			if len(ms) == 0 {
				res = append(res, out(s, nil))
			}
		default:
			for _, r := range ms {
				res = append(res, out(s, table[r]))
			}
			if len(ms) == 0 && sp.kind.keepsStream() {
				res = append(res, out(s, nil))
			}
		}
	}
	if sp.kind.keepsTable() {
		for r, t := range table {
			if matched[r] {
				continue
			}
			s := make(row, 5)
			for i, c := range sp.sk {
				s[c] = t[sp.tk[i]]
			}
			res = append(res, out(s, t))
		}
	}
	return res
}

func asOfRef(sp spec, s row, table []row, equal func(s, t row) bool) row {
	on := s[sp.sk[0]]
	if on == nil {
		return nil
	}
	v := on.(int64)
	back, fwd := -1, -1
	for r, t := range table {
		tv, ok := t[sp.tk[0]].(int64)
		if !ok || !equal(s, t) {
			continue
		}
		if tv <= v && (back < 0 || tv >= table[back][sp.tk[0]].(int64)) {
			back = r
		}
		if tv >= v && (fwd < 0 || tv < table[fwd][sp.tk[0]].(int64)) {
			fwd = r
		}
	}
	at := func(r int) int64 { return table[r][sp.tk[0]].(int64) }
	r := -1
	switch sp.dir {
	case Backward:
		r = back
	case Forward:
		r = fwd
	case Nearest:
		switch {
		case back < 0:
			r = fwd
		case fwd < 0:
			r = back
		case v-at(back) <= at(fwd)-v:
			r = back
		default:
			r = fwd
		}
	}
	if r < 0 {
		return nil
	}
	if d := at(r) - v; sp.tolerance >= 0 && (d > sp.tolerance || -d > sp.tolerance) {
		return nil
	}
	return table[r]
}

func specs() []spec {
	var out []spec
	keySets := [][]KeyPair{
		{{"k", "tk"}},
		{Key("s")},
		{{"k", "tk"}, Key("s")},
	}
	for kind := Inner; kind <= Anti; kind++ {
		for _, ks := range keySets {
			out = append(out, newSpec(kind, ks...))
		}
	}
	for _, ks := range [][]KeyPair{{Key("ts")}, {Key("ts"), {"k", "tk"}}, {Key("ts"), Key("s")}} {
		for _, dir := range []Direction{Backward, Forward, Nearest} {
			for _, tol := range []int64{-1, 3} {
				sp := newSpec(AsOf, ks...)
				sp.dir, sp.tolerance = dir, tol
				out = append(out, sp)
			}
		}
	}
	return out
}

func (sp spec) options() Options {
	o := Options{Direction: sp.dir}
	if sp.tolerance >= 0 {
		o.Tolerance = fmt.Sprint(time.Duration(sp.tolerance) * time.Microsecond)
	}
	return o
}

func (sp spec) name() string {
	var ks []string
	for _, k := range sp.keys {
		ks = append(ks, k.Stream+"="+k.Table)
	}
	n := fmt.Sprintf("%s/keys=%s", sp.kind, strings.Join(ks, ","))
	if sp.kind == AsOf {
		n += fmt.Sprintf("/dir=%d/tol=%d", sp.dir, sp.tolerance)
	}
	return n
}

func sortedRows(rows []row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = fmt.Sprint(r)
	}
	slices.Sort(out)
	return out
}

// Every join type against the nested-loop reference, on random tables
// with duplicates, nulls and unmatched rows on both sides, with the
// table's keys in other types, batches of 1 to 1000 rows, 1 and 4
// workers and every handoff mode.
func TestDifferential(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, sp := range specs() {
		t.Run(sp.name(), func(t *testing.T) {
			for iter := range 3 {
				strType := strTypes[iter%len(strTypes)]
				maxRows := []int{1, 7, 1000}[iter%3]
				// One-row batches cost a pipeline trip each: a shorter
				// stream crosses the same boundaries.
				stream := randomStream(r, r.IntN([]int{60, 250, 250}[iter%3]))
				table := randomTable(r, r.IntN(60))
				want := reference(sp, stream, table)
				for _, c := range cases() {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					src, done := source(t, mem, streamSchema, rowtest.Split(r, stream, maxRows))
					tsrc, tdone := source(t, mem, tableSchema(strType), rowtest.Split(r, table, maxRows))
					got, _, err := runJoin(t, context.Background(), mem, src, New(sp.kind, sp.keys, tsrc, sp.options()), c)
					done()
					tdone()
					require.NoError(t, err, "%s", c)
					if c.unordered {
						assert.Equal(t, sortedRows(want), sortedRows(got), "%s table %s", c, strType)
					} else {
						assert.Equal(t, want, got, "%s table %s", c, strType)
					}
					mem.AssertSize(t, 0)
				}
			}
		})
	}
}

func cases() []runCase {
	var out []runCase
	for _, w := range []int{1, 4} {
		for _, m := range []sharedmem.Mode{sharedmem.Auto, sharedmem.Copy, sharedmem.Shared} {
			out = append(out, runCase{workers: w, mode: m})
		}
	}
	out = append(out, runCase{workers: 4, unordered: true})
	// A cap of one byte spills every table: the grace path.
	out = append(out, runCase{workers: 4, env: verb.Env{MaxMemory: 1}}, runCase{workers: 1, mode: sharedmem.Copy, env: verb.Env{MaxMemory: 1}})
	return out
}
