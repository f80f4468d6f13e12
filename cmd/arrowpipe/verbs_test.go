package main

import (
	"os"
	"path/filepath"
	"strconv"
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
}
