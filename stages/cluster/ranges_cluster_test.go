package cluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// typeShiftFiles writes a CSV, a TSV and an NDJSON file whose first records type
// a column float64 (v: 1.5) and a timestamp with nanoseconds (ts), while
// later ranges hold only integers and microseconds: a range's own
// inference would type them otherwise. Strings hold escapes, quotes and
// newlines (TSV: a lone quote, and \n escapes).
func typeShiftFiles(t *testing.T, rows int) (csvPath, tsvPath, jsonPath string) {
	t.Helper()
	dir := t.TempDir()
	var c, tb, j strings.Builder
	c.WriteString("id,v,ts,s\r\n")
	tb.WriteString("id\tv\tts\ts\n")
	for i := range rows {
		v, ts := fmt.Sprint(i%17), fmt.Sprintf("2024-01-02T03:04:05.%06dZ", i)
		if i < 3 {
			v, ts = "1.5", "2024-01-02T03:04:05.123456789Z"
		}
		s := fmt.Sprintf("k%d", i%5)
		if i%4 == 0 {
			s = fmt.Sprintf("a \"q\"\nb, %d", i%3)
		}
		fmt.Fprintf(&c, "%d,%s,%s,%s\r\n", i, v, ts, csvField(s))
		fmt.Fprintf(&tb, "%d\t%s\t%s\t%s\n", i, v, ts, strings.ReplaceAll(s, "\n", `\n`)+` 5"`)
		fmt.Fprintf(&j, "{\"id\":%d,\"v\":%s,\"ts\":%q,\"s\":%q}\n", i, v, ts, s)
	}
	csvPath, tsvPath, jsonPath = filepath.Join(dir, "shift.csv"), filepath.Join(dir, "shift.tsv"), filepath.Join(dir, "shift.ndjson")
	require.NoError(t, os.WriteFile(csvPath, []byte(c.String()), 0o644))
	require.NoError(t, os.WriteFile(tsvPath, []byte(tb.String()), 0o644))
	require.NoError(t, os.WriteFile(jsonPath, []byte(j.String()), 0o644))
	return csvPath, tsvPath, jsonPath
}

// Ranges of CSV (CRLF, quoted newlines, a header), TSV and NDJSON files read
// as the whole file does, types included, on worker processes.
func TestClusterRangesReadAsTheWholeFile(t *testing.T) {
	c := startCluster(t, 2, 10*time.Second)
	csvPath, tsvPath, jsonPath := typeShiftFiles(t, 1500)
	for _, file := range []string{csvPath, tsvPath, jsonPath} {
		for _, words := range [][]string{
			nil,
			{"filter", "v > 3", "then", "groupby", "s", "count() as n, sum(v), max(ts)"},
		} {
			t.Run(fmt.Sprintf("file=%s/chain=%s", filepath.Ext(file), strings.Join(words, " ")), func(t *testing.T) {
				calls := parseWords(t, words...)
				read := ReadSpec{BatchRows: 100}
				want := reference(t, []string{file}, calls, read)
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				got, reports, err := runJob(ctx, t, c.url, []string{file}, calls, read, 2, sharedmem.Auto, 15000)
				require.NoError(t, err)
				assert.Equal(t, want, got)
				assert.Greater(t, len(reports), 3)
				assertCovers(t, reports, []string{file}, 15000)
			})
		}
	}
}
