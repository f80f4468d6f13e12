package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHeadStopsReadingEarly(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.csv")
	writeGenerated(t, big, 1_000_000, 3)
	st, err := os.Stat(big)
	require.NoError(t, err)

	statsFile := filepath.Join(dir, "stats.json")
	res := cli(t, "", "--stats=json", "--stats-file", statsFile, "--batch-rows", "1000", "head", "10", big)
	require.Equal(t, 0, res.code, res.stderr)
	assert.Len(t, readCSV(t, res.stdout), 11)

	stats := readStats(t, statsFile)
	require.Equal(t, "read", stats.Stages[0].Name)
	read := stats.Stages[0].BytesOut
	assert.Positive(t, read)
	assert.Less(t, read, st.Size()/20, "head 10 must stop the reader after a few chunks")
	assert.True(t, stats.Rows.Balanced)
}

func TestVerbChainErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown verb after then", []string{"head", "3", "then", "selekt", "id", sample}, `unknown verb "selekt" after 'then' (did you mean "select"?)`},
		{"misspelt first verb", []string{"filtr", "qty > 1", sample}, `did you mean the verb "filter"?`},
		{"missing argument", []string{"head"}, "verb head needs 1 argument"},
		{"then at the end", []string{"head", "3", "then"}, "'then' must be followed by a verb"},
		{"unknown column", []string{"select", "id,regoin", sample}, `"region"`},
		{"bad expression", []string{"filter", "qty >", sample}, "filter:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := cli(t, "", tc.args...)
			assert.Equal(t, exitUsage, res.code, res.stderr)
			assert.Contains(t, res.stderr, tc.want)
		})
	}
}

func TestMainJobOnSample(t *testing.T) {
	res := cli(t, "", "groupby", "region", "count() as n, sum(qty), mean(price) as avg_price, p99(price)", sample)
	require.Equal(t, 0, res.code, res.stderr)
	recs := readCSV(t, res.stdout)
	require.Equal(t, []string{"region", "n", "sum_qty", "avg_price", "p99_price"}, recs[0])
	// Cross-check the counts against a plain read of the sample.
	raw, err := os.ReadFile(sample)
	require.NoError(t, err)
	counts := map[string]int{}
	for _, r := range readCSV(t, string(raw))[1:] {
		counts[r[2]]++
	}
	require.Len(t, recs, len(counts)+1)
	for _, r := range recs[1:] {
		assert.Equal(t, strconv.Itoa(counts[r[0]]), r[1], "count for %s", r[0])
	}
}

// count reads no column: the CSV reader only finds records (quoted
// newlines included) and checks their field counts.
func TestCountSkipsDecodingButNotStructure(t *testing.T) {
	res := cli(t, "", "count", sample)
	require.Equal(t, 0, res.code, res.stderr)
	assert.Equal(t, "count\n10000\n", res.stdout)

	res = cli(t, "a,b\n1,2\n3\n", "count")
	assert.Equal(t, exitData, res.code)
	assert.Contains(t, res.stderr, "<stdin>:3:2")

	res = cli(t, "a,b\n1,2\n3,4\n", "--on-error", "skip", "count")
	require.Equal(t, 0, res.code, res.stderr)
	assert.Equal(t, "count\n2\n", res.stdout)
	assert.Empty(t, res.stderr)

	// Without --stats, skipped rows are still counted on stderr.
	res = cli(t, "a,b\n1,2\n3\n4,5,6\n7,8\n", "--on-error", "skip", "count")
	require.Equal(t, 0, res.code, res.stderr)
	assert.Equal(t, "count\n2\n", res.stdout)
	assert.Equal(t, "arrowpipe: skipped 2 bad row(s)\n", res.stderr)
}

// TestChainsSameOutputInEveryModeAndWorkerCount runs transform chains with
// one worker per stage and with several, in every handoff mode (and auto
// made to copy small batches), on batches small and odd enough that the
// filter, head and tail cut many of them: the output must be byte for
// byte what one worker with shared handoff writes.
func TestChainsSameOutputInEveryModeAndWorkerCount(t *testing.T) {
	chains := map[string][]string{
		"filter-derive-select": {"filter", `qty > 50 and region == "EU"`, "then", "derive", "total = qty * price * (1 - coalesce(discount, 0))",
			"then", "select", "id,region,total"},
		"derive-chain-filter": {"derive", "a = qty * 2; b = a % 7; c = if(b in (1, 3), upper(product), lower(region))",
			"then", "filter", "b != 0 and ts >= ts'2026-01-01T02:00:00Z' or discount is not null", "then", "drop", "note,ts"},
		"rename-cast-select": {"rename", "qty=n,price=unit price", "then", "cast", "n:float,id:string",
			"then", "derive", "`line total` = round(n * `unit price`, 1)", "then", "select", "`line total`,id,n"},
		"filter-head":  {"filter", "qty % 3 == 0", "then", "head", "777", "then", "select", "id,qty"},
		"tail-derive":  {"tail", "1234", "then", "derive", "day = date_trunc('hour', ts); s = substr(product, 2, 4)"},
		"filter-empty": {"filter", "qty > 1000", "then", "select", "id"},
	}
	modes := [][]string{
		{"--handoff", "copy"},
		{"--handoff", "shared"},
		{"--handoff", "auto"},
		{"--handoff", "auto", "--copy-threshold", "1MiB"}, // auto copies every small batch
	}
	for name, chain := range chains {
		ref := cli(t, "", append(append([]string{"--handoff", "shared", "--workers", "1", "--batch-rows", "65536"}, chain...), sample)...)
		require.Equal(t, 0, ref.code, "%s: %s", name, ref.stderr)
		require.NotEmpty(t, ref.stdout)
		for _, mode := range modes {
			for _, workers := range []string{"1", "4"} {
				t.Run("chain="+name+"/mode="+strings.Join(mode[1:], "+")+"/workers="+workers, func(t *testing.T) {
					args := append(append([]string{}, mode...), "--workers", workers, "--batch-rows", "97")
					res := cli(t, "", append(append(args, chain...), sample)...)
					require.Equal(t, 0, res.code, res.stderr)
					assert.Equal(t, ref.stdout, res.stdout)
				})
			}
		}
	}
}
