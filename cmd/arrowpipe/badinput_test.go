package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/samples/gen"
)

// badInput is an input file of good rows with one bad record among them,
// and where the error about that record must point.
type badInput struct {
	name   string // subtest name
	file   string // file name; its extension selects the format
	data   []byte
	args   []string // extra flags, such as --schema
	line   int      // 1-based line of the bad record
	col    int      // 1-based column the error names
	field  string   // column name the error names, "" when none
	reason string   // part of the error text
	record string   // raw text of the bad record
	good   []string // ids of the good rows, in input order
}

// Good rows have id i, name "n<i>" and an integer qty, so inference makes
// qty an int64 column.
const badHeader = "id,name,qty\n"

func goodCSVRow(i int) string { return fmt.Sprintf("%d,n%d,%d\n", i, i, i%7) }

func goodJSONRow(i int) string {
	return fmt.Sprintf(`{"id":%d,"name":"n%d","qty":%d}`+"\n", i, i, i%7)
}

// withBadRow writes n good rows with bad inserted after the first `after`
// of them, and returns the text, the 1-based line of bad and the good ids.
// header is written first when not empty.
func withBadRow(header string, row func(int) string, n, after int, bad string) ([]byte, int, []string) {
	var b strings.Builder
	b.WriteString(header)
	good := make([]string, 0, n)
	line := 0
	for i := 1; i <= n; i++ {
		b.WriteString(row(i))
		good = append(good, strconv.Itoa(i))
		if i == after {
			b.WriteString(bad)
			line = i + 1
		}
	}
	if after == 0 {
		b.WriteString(bad)
		line = n + 1
	}
	if header != "" {
		line++
	}
	return []byte(b.String()), line, good
}

// badInputs are the bad-record cases. Bad records sit well after the 1000
// records type inference samples, and --batch-rows 100 in the test puts
// them many chunks into the stream, so line numbers must survive chunking.
func badInputs() []badInput {
	var cases []badInput
	addCSV := func(name string, n, after int, bad string, args []string, col int, field, reason string) {
		data, line, good := withBadRow(badHeader, goodCSVRow, n, after, bad)
		cases = append(cases, badInput{
			name: "csv/" + name, file: "in.csv", data: data, args: args, line: line, col: col,
			field: field, reason: reason, record: strings.TrimSuffix(bad, "\n"), good: good,
		})
	}
	// CSV columns are field numbers: the first missing field for too few,
	// the first extra one for too many.
	addCSV("too-few-fields", 3000, 2500, "9999,x\n", nil, 3, "qty", "wrong number of fields")
	addCSV("too-many-fields", 3000, 2500, "9999,x,3,4\n", nil, 4, "", "wrong number of fields")
	// The quote opened in field 2 of the last record runs to the end of
	// the input, newline included.
	addCSV("unterminated-quote-at-eof", 3000, 0, "9999,\"open,3\n", nil, 2, "name", "not terminated")
	addCSV("invalid-utf8", 3000, 2500, "9999,ab\xffc,3\n", nil, 2, "name", "invalid UTF-8")
	addCSV("schema-int-gets-text", 5000, 4500, "9999,x,abc\n", []string{"--schema", "qty:int64"}, 3, "qty", `"abc" is not a valid int64`)
	// A chain that reads qty: a column only passed on from CSV to CSV is
	// read as text and cannot fail.
	addCSV("inferred-int-gets-float", 5000, 4500, "9999,x,2.5\n", []string{"filter", "qty >= 0"}, 3, "qty", `"2.5" is not a valid int64`)

	// NDJSON columns are byte columns in the line.
	addJSON := func(name string, n, after int, bad, at string, field, reason string) {
		data, line, good := withBadRow("", goodJSONRow, n, after, bad+"\n")
		col := strings.Index(bad, at) + 1
		if col == 0 {
			panic("marker " + at + " not in " + bad)
		}
		cases = append(cases, badInput{
			name: "ndjson/" + name, file: "in.ndjson", data: data, line: line, col: col,
			field: field, reason: reason, record: bad, good: good,
		})
	}
	addJSON("invalid-json", 3000, 2500, `{"id":9999,"name":"x",qty:3}`, `qty:3`, "", "invalid JSON")
	addJSON("key-after-sample", 3000, 2500, `{"id":9999,"name":"x","qty":3,"extra":true}`, `"extra"`, "extra", "not in schema")
	addJSON("inferred-int-gets-float", 3000, 2500, `{"id":9999,"name":"x","qty":2.5}`, `2.5`, "qty", "want an integer")
	addJSON("invalid-utf8", 3000, 2500, "{\"id\":9999,\"name\":\"a\xffb\",\"qty\":3}", "\xff", "name", "invalid UTF-8")
	return cases
}

// runStats is the part of --stats=json that tests read: the steps' byte
// counts and the row reconciliation.
type runStats struct {
	Stages []struct {
		Name     string `json:"name"`
		BytesOut int64  `json:"bytes_out"`
	} `json:"stages"`
	Rows struct {
		Read     int64 `json:"read"`
		Written  int64 `json:"written"`
		Rejected int64 `json:"rejected"`
		Balanced bool  `json:"balanced"`
	} `json:"rows"`
}

func readStats(t *testing.T, path string) runStats {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err, "stats file")
	var s runStats
	require.NoError(t, json.Unmarshal(raw, &s), "stats file: %s", raw)
	return s
}

// readCSVFile parses a CSV file with encoding/csv.
func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	require.NoError(t, err, "%s is not valid CSV", path)
	return recs
}

// idColumn returns the id column of a CSV output with a header.
func idColumn(t *testing.T, recs [][]string) []string {
	t.Helper()
	require.NotEmpty(t, recs, "output has no header")
	require.Equal(t, "id", recs[0][0])
	out := make([]string, 0, len(recs)-1)
	for _, r := range recs[1:] {
		out = append(out, r[0])
	}
	return out
}

func assertEmptyDir(t *testing.T, dir, why string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	assert.Empty(t, names, why)
}

// TestBadInputPolicies runs every bad-record case under each --on-error
// policy: fail stops with FILE:LINE:COL, exit 2 and no output file; skip
// and reject write exactly the good rows, and reject saves the bad record
// with its place and reason. Every run's row accounting is checked.
func TestBadInputPolicies(t *testing.T) {
	for _, tc := range badInputs() {
		for _, policy := range []string{"fail", "skip", "reject"} {
			t.Run("policy="+policy+"/case="+tc.name, func(t *testing.T) {
				dir := t.TempDir()
				in := filepath.Join(dir, tc.file)
				require.NoError(t, os.WriteFile(in, tc.data, 0o644))
				outDir := filepath.Join(dir, "out")
				require.NoError(t, os.Mkdir(outDir, 0o755))
				out := filepath.Join(outDir, "out.csv")
				statsFile := filepath.Join(dir, "stats.json")
				rejects := filepath.Join(dir, "rejects.csv")

				args := []string{"--on-error", policy, "--batch-rows", "100", "--stats=json", "--stats-file", statsFile, "-o", out}
				if policy == "reject" {
					args = append(args, "--rejects", rejects)
				}
				args = append(append(args, tc.args...), in)
				res := cli(t, "", args...)
				place := fmt.Sprintf("%s:%d:%d: ", in, tc.line, tc.col)
				stats := readStats(t, statsFile)

				switch policy {
				case "fail":
					assert.Equal(t, exitData, res.code, res.stderr)
					assert.Contains(t, res.stderr, place)
					assert.Contains(t, res.stderr, tc.reason)
					if tc.field != "" {
						assert.Contains(t, res.stderr, fmt.Sprintf("column %q", tc.field))
					}
					assertEmptyDir(t, outDir, "a failed run leaves no output file and no temporary file")
					// The bad record was read but neither written nor
					// rejected: the accounting must not claim every row out.
					assert.Zero(t, stats.Rows.Rejected)
					assert.Less(t, stats.Rows.Written+stats.Rows.Rejected, stats.Rows.Read)
					return
				case "skip":
					assert.Equal(t, exitOK, res.code, res.stderr)
					assert.Contains(t, res.stderr, "skipped 1 bad row(s)")
				case "reject":
					assert.Equal(t, exitOK, res.code, res.stderr)
					recs := readCSVFile(t, rejects)
					require.Len(t, recs, 2, "rejects: header and one record")
					assert.Equal(t, []string{"file", "line", "column", "field", "reason", "record"}, recs[0])
					got := recs[1]
					require.Len(t, got, 6)
					assert.Equal(t, in, got[0])
					assert.Equal(t, strconv.Itoa(tc.line), got[1], "line")
					assert.Equal(t, strconv.Itoa(tc.col), got[2], "column")
					assert.Equal(t, tc.field, got[3], "field")
					assert.Contains(t, got[4], tc.reason)
					// A record cut by the end of the input keeps its
					// quoted line end; compare the text before it.
					assert.Equal(t, tc.record, strings.TrimSuffix(got[5], "\n"), "raw record")
				}
				// Nothing silently dropped: exactly the good rows, in order.
				assert.Equal(t, tc.good, idColumn(t, readCSVFile(t, out)))
				assert.Equal(t, int64(len(tc.good)+1), stats.Rows.Read, "rows read")
				assert.Equal(t, int64(len(tc.good)), stats.Rows.Written, "rows written")
				assert.Equal(t, int64(1), stats.Rows.Rejected, "rows rejected")
				assert.Equal(t, stats.Rows.Read, stats.Rows.Written+stats.Rows.Rejected)
				assert.True(t, stats.Rows.Balanced)
			})
		}
	}
}

// truncatedCompressed returns generated CSV rows compressed by compress,
// with the last 100 bytes cut off.
func truncatedCompressed(t *testing.T, compress func(io.Writer) (io.WriteCloser, error)) []byte {
	t.Helper()
	var plain, packed bytes.Buffer
	require.NoError(t, gen.Write(context.Background(), &plain, gen.Options{Rows: 20000, Seed: 11}))
	w, err := compress(&packed)
	require.NoError(t, err)
	_, err = w.Write(plain.Bytes())
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.Greater(t, packed.Len(), 1000)
	return packed.Bytes()[:packed.Len()-100]
}

// TestFatalInputErrors covers errors that no --on-error policy can skip:
// a damaged compressed stream, an unreadable input and a full disk. Each
// exits 2 naming the file and leaves no output behind.
func TestFatalInputErrors(t *testing.T) {
	gz := truncatedCompressed(t, func(w io.Writer) (io.WriteCloser, error) { return gzip.NewWriter(w), nil })
	zst := truncatedCompressed(t, func(w io.Writer) (io.WriteCloser, error) { return zstd.NewWriter(w) })
	for _, tc := range []struct {
		file string
		data []byte
	}{{"cut.csv.gz", gz}, {"cut.csv.zst", zst}} {
		for _, policy := range []string{"fail", "skip", "reject"} {
			t.Run("policy="+policy+"/case="+tc.file, func(t *testing.T) {
				dir := t.TempDir()
				in := filepath.Join(dir, tc.file)
				require.NoError(t, os.WriteFile(in, tc.data, 0o644))
				outDir := filepath.Join(dir, "out")
				require.NoError(t, os.Mkdir(outDir, 0o755))
				args := []string{"--on-error", policy, "-o", filepath.Join(outDir, "out.csv")}
				if policy == "reject" {
					args = append(args, "--rejects", filepath.Join(outDir, "rejects.csv"))
				}
				res := cli(t, "", append(args, in)...)
				assert.Equal(t, exitData, res.code, res.stderr)
				assert.Contains(t, res.stderr, in)
				assert.Contains(t, res.stderr, "unexpected EOF")
				assertEmptyDir(t, outDir, "no output, rejects or temporary file after a failed run")
			})
		}
	}

	t.Run("case=unreadable", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads files whatever their mode")
		}
		dir := t.TempDir()
		in := filepath.Join(dir, "locked.csv")
		require.NoError(t, os.WriteFile(in, []byte(badHeader+goodCSVRow(1)), 0o000))
		outDir := filepath.Join(dir, "out")
		require.NoError(t, os.Mkdir(outDir, 0o755))
		res := cli(t, "", "--on-error", "skip", "-o", filepath.Join(outDir, "out.csv"), in)
		assert.Equal(t, exitData, res.code, res.stderr)
		assert.Contains(t, res.stderr, in)
		assert.Contains(t, res.stderr, "permission denied")
		assertEmptyDir(t, outDir, "no output after a failed run")
	})

	// Unreadable even for root: read(2) on a directory fails (EISDIR).
	t.Run("case=directory", func(t *testing.T) {
		dir := t.TempDir()
		in := filepath.Join(dir, "data.csv")
		require.NoError(t, os.Mkdir(in, 0o755))
		outDir := filepath.Join(dir, "out")
		require.NoError(t, os.Mkdir(outDir, 0o755))
		res := cli(t, "", "--on-error", "skip", "-o", filepath.Join(outDir, "out.csv"), sample, in)
		assert.Equal(t, exitData, res.code, res.stderr)
		assert.Contains(t, res.stderr, in)
		assert.Contains(t, res.stderr, "is a directory")
		assertEmptyDir(t, outDir, "no output after a failed run")
	})

	t.Run("case=disk-full", func(t *testing.T) {
		if _, err := os.Stat("/dev/full"); err != nil {
			t.Skip("no /dev/full on this system")
		}
		res := cli(t, "", "-o", "/dev/full", sample)
		assert.Equal(t, exitData, res.code, res.stderr)
		assert.Contains(t, res.stderr, "/dev/full")
		assert.Contains(t, res.stderr, "no space left on device")
	})
}

// TestRejectsFileConflicts: the rejects must not land where the good rows
// or the input go. Naming the same file twice is a usage error (exit 1)
// that leaves every file as it was.
func TestRejectsFileConflicts(t *testing.T) {
	for _, tc := range []struct {
		name string
		args func(in, out string) []string
	}{
		{"rejects=output", func(in, out string) []string { return []string{"--rejects", out, "-o", out, in} }},
		{"rejects=input", func(in, out string) []string { return []string{"--rejects", in, "-o", out, in} }},
		{"rejects=stdout/output=stdout", func(in, out string) []string { return []string{"--rejects", "-", in} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "in.csv")
			data := []byte(badHeader + goodCSVRow(1) + "2,b\n" + goodCSVRow(3))
			require.NoError(t, os.WriteFile(in, data, 0o644))
			out := filepath.Join(dir, "out.csv")
			res := cli(t, "", append([]string{"--on-error", "reject"}, tc.args(in, out)...)...)
			assert.Equal(t, exitUsage, res.code, res.stderr)
			assert.Contains(t, res.stderr, "--rejects")
			assert.Empty(t, res.stdout)
			got, err := os.ReadFile(in)
			require.NoError(t, err)
			assert.Equal(t, data, got, "the input is left as it was")
			_, err = os.Stat(out)
			assert.True(t, os.IsNotExist(err), "no output after a usage error")
		})
	}
}
