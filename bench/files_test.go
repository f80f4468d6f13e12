package bench

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// syntheticResults makes a small matrix with made-up, distinct numbers.
func syntheticResults() []Result {
	var out []Result
	k := 1.0
	for _, sc := range []string{"handoff", "chain"} {
		for _, mode := range []sharedmem.Mode{sharedmem.Copy, sharedmem.Shared, sharedmem.Auto} {
			for _, cw := range []struct {
				batch, workers int
				bs, ws         bool
			}{{256, 2, true, false}, {4096, 2, true, true}, {65536, 2, true, false}, {4096, 1, false, true}, {4096, 8, false, true}} {
				c := cell{scenario: lookupScenario(sc), mode: mode, batchRows: cw.batch, workers: cw.workers,
					batchSweep: cw.bs, workSweep: cw.ws}
				k++
				out = append(out, summarize(c, samplesAt(1_000_000, 1e6*k, 1.02e6*k, 1.3e6*k)))
			}
		}
	}
	return out
}

func TestWriteFiles(t *testing.T) {
	results := syntheticResults()
	dir := t.TempDir()
	require.NoError(t, WriteFiles(dir, results))

	t.Run("csv", func(t *testing.T) {
		f, err := os.Open(filepath.Join(dir, "results.csv"))
		require.NoError(t, err)
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		require.NoError(t, err)
		require.Len(t, rows, len(results)+1)
		col := map[string]int{}
		for i, name := range rows[0] {
			col[name] = i
		}
		for _, name := range []string{"scenario", "mode", "batch_rows", "workers", "rows_per_sec_median",
			"rows_per_sec_min", "rows_per_sec_max", "copied_bytes", "alloc_bytes_per_batch_median", "noisy"} {
			require.Contains(t, col, name)
		}
		for i, r := range results {
			row := rows[i+1]
			assert.Equal(t, r.Scenario, row[col["scenario"]])
			assert.Equal(t, r.Mode, row[col["mode"]])
			assert.Equal(t, strconv.Itoa(r.BatchRows), row[col["batch_rows"]])
			for name, want := range map[string]float64{
				"rows_per_sec_median": r.RowsPerSec.Median,
				"rows_per_sec_min":    r.RowsPerSec.Min,
				"rows_per_sec_max":    r.RowsPerSec.Max,
			} {
				got, err := strconv.ParseFloat(row[col[name]], 64)
				require.NoError(t, err)
				assert.Equal(t, want, got, name)
			}
			assert.Equal(t, strconv.FormatBool(r.Noisy), row[col["noisy"]])
		}
	})

	t.Run("json", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(dir, "results.json"))
		require.NoError(t, err)
		var back []Result
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, results, back)
	})

	t.Run("svg", func(t *testing.T) {
		for _, sc := range []string{"handoff", "chain"} {
			for _, chart := range []string{"rows-vs-batch.svg", "rows-vs-workers.svg", "alloc-vs-batch.svg"} {
				b, err := os.ReadFile(filepath.Join(dir, sc+"-"+chart))
				require.NoError(t, err)
				assert.True(t, bytes.HasPrefix(b, []byte("<?xml")) || bytes.HasPrefix(b, []byte("<svg")), "%s-%s starts with %q", sc, chart, b[:min(20, len(b))])
				root, err := parseXML(b)
				require.NoError(t, err, "%s-%s", sc, chart)
				assert.Equal(t, "svg", root)
				for _, mode := range []string{"copy", "shared", "auto"} {
					assert.Contains(t, string(b), ">"+mode+"<", "legend of %s-%s", sc, chart)
				}
			}
		}
	})
}

// parseXML reads a whole XML document and returns its root element's name.
func parseXML(b []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	root := ""
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return root, nil
		}
		if err != nil {
			return "", err
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
}

func TestWriteFilesSkipsEmptyCharts(t *testing.T) {
	// Only a batch sweep: no workers chart.
	var results []Result
	for _, r := range syntheticResults() {
		if r.Scenario == "chain" && !r.WorkerSweep {
			results = append(results, r)
		}
	}
	dir := t.TempDir()
	require.NoError(t, WriteFiles(dir, results))
	assert.FileExists(t, filepath.Join(dir, "chain-rows-vs-batch.svg"))
	assert.NoFileExists(t, filepath.Join(dir, "chain-rows-vs-workers.svg"))
	assert.NoFileExists(t, filepath.Join(dir, "handoff-rows-vs-batch.svg"))
}

func TestWriteTable(t *testing.T) {
	results := syntheticResults()
	results[0].Noisy = false
	results[1].RowsPerSec = Stat{Median: 2e6, Min: 1e6, Max: 3e6}
	results[1].Noisy = true
	var b strings.Builder
	require.NoError(t, WriteTable(&b, results))
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	require.Len(t, lines, len(results)+2, "header, one line per cell, note")
	assert.Contains(t, lines[0], "rows/s [min–max]")
	assert.Contains(t, lines[0], "allocs/batch")
	assert.NotContains(t, lines[1], "noisy")
	assert.Contains(t, lines[2], "noisy 100%")
	assert.Contains(t, lines[2], "2M [1M–3M]")
	assert.Contains(t, lines[len(lines)-1], "batch sweep at workers=2, workers sweep at batch=4096")
	// Aligned: every cell line as long as the header.
	for _, l := range lines[1 : len(lines)-1] {
		assert.Equal(t, len([]rune(lines[0])), len([]rune(l)))
	}
}

func TestFormats(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{si(0), "0"},
		{si(999), "999"},
		{si(1500), "1.50k"},
		{si(2e6), "2M"},
		{si(123456789), "123M"},
		{iec(1024), "1KiB"},
		{iec(1536), "1.50KiB"},
		{iec(3 << 20), "3MiB"},
		{count(16384), "16Ki"},
		{count(1 << 20), "1Mi"},
		{count(100), "100"},
		{seconds(0.0015), "1.5ms"},
		{seconds(2), "2s"},
		{seconds(0), "0"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.got)
	}
}
