package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// engineConfig is one way to run a chain: the answer must not depend on it.
type engineConfig struct {
	workers, batchRows int
	handoff            string
}

func (c engineConfig) String() string {
	return fmt.Sprintf("workers=%d/batch=%d/mode=%s", c.workers, c.batchRows, c.handoff)
}

func (c engineConfig) args() []string {
	return []string{"--workers", strconv.Itoa(c.workers), "--batch-rows", strconv.Itoa(c.batchRows), "--handoff", c.handoff}
}

// runChain runs verbs over in with cfg and compares the output with the
// reference's, field by field.
func runChain(t *testing.T, in *refTable, verbs []refVerb, cfg engineConfig) {
	t.Helper()
	want := in
	for _, v := range verbs {
		want = v.apply(want)
	}
	args := append(cfg.args(), chainArgs(verbs)...)
	res := cli(t, in.inputCSV(), args...)
	require.Equal(t, 0, res.code, "arrowpipe %s: %s", strings.Join(args, " "), res.stderr)
	got := readCSV(t, res.stdout)
	wantRecs := want.csv()
	if len(want.rows) == 0 && len(got) == 0 {
		return // no rows: a header-only or empty output are both right
	}
	require.Equal(t, len(wantRecs), len(got), "record count of arrowpipe %q", args)
	for i := range wantRecs {
		require.Equal(t, wantRecs[i], got[i], "record %d of arrowpipe %q", i, args)
	}
}

// Every ordered pair of stateful verbs, chained, with 1 and 4 workers,
// batches from 64 rows to 64Ki and every handoff mode: a verb after a
// stateful one must see its input in order (the Finish output of sort,
// top, tail, groupby, distinct and count_distinct spans many batches).
func TestStatefulVerbPairs(t *testing.T) {
	configs := []engineConfig{
		{1, 64, "copy"}, {4, 64, "shared"}, {4, 1000, "auto"},
		{1, 1000, "shared"}, {4, 65536, "copy"}, {1, 65536, "auto"},
	}
	rng := rand.New(rand.NewPCG(13, 1))
	in := randomTable(rng, 3000)
	for _, first := range statefulVerbs {
		for _, second := range statefulVerbs {
			t.Run(first+"-then-"+second, func(t *testing.T) {
				a := randomVerb(rng, first, in, 1)
				b := randomVerb(rng, second, a.apply(in), 2)
				for _, cfg := range configs {
					runChain(t, in, []refVerb{a, b}, cfg)
				}
			})
		}
	}
}

// Random chains of two to four stateful verbs on random data with ties and
// nulls, each run with small and large batches and 1 and 4 workers.
func TestRandomStatefulChains(t *testing.T) {
	chains := 40
	if testing.Short() {
		chains = 10
	}
	modes := []string{"copy", "shared", "auto"}
	for c := range chains {
		rng := rand.New(rand.NewPCG(uint64(c), 99))
		in := randomTable(rng, 200+rng.IntN(2500))
		var verbs []refVerb
		cur := in
		for step := range 2 + rng.IntN(3) {
			v := randomVerb(rng, statefulVerbs[rng.IntN(len(statefulVerbs))], cur, step)
			verbs = append(verbs, v)
			cur = v.apply(cur)
		}
		t.Run(fmt.Sprintf("chain=%d", c), func(t *testing.T) {
			for _, cfg := range []engineConfig{
				{1, 1 + rng.IntN(100), modes[rng.IntN(3)]},
				{4, 1 + rng.IntN(100), modes[rng.IntN(3)]},
				{4, 100 + rng.IntN(5000), modes[rng.IntN(3)]},
			} {
				runChain(t, in, verbs, cfg)
			}
		})
	}
}

// With --unordered, output order may change but not which rows come out:
// head, tail and distinct still see their input in order, so they pick
// the same rows as the reference.
func TestUnorderedKeepsWhichRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 5))
	in := randomTable(rng, 3000)
	for _, name := range []string{"head", "tail", "distinct"} {
		t.Run(name, func(t *testing.T) {
			v := randomVerb(rng, name, in, 1)
			want := v.apply(in).csv()
			args := append([]string{"--unordered", "--workers", "4", "--batch-rows", "7"}, v.args...)
			res := cli(t, in.inputCSV(), args...)
			require.Equal(t, 0, res.code, res.stderr)
			got := readCSV(t, res.stdout)
			require.NotEmpty(t, got)
			require.Equal(t, want[0], got[0], "header")
			sortRecords := func(recs [][]string) []string {
				var out []string
				for _, r := range recs {
					out = append(out, strings.Join(r, ","))
				}
				slices.Sort(out)
				return out
			}
			require.Equal(t, sortRecords(want[1:]), sortRecords(got[1:]), "rows of arrowpipe %q", args)
		})
	}
}
