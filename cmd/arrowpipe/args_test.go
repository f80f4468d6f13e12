package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sampleRows reads the sample as CSV records, header first.
func sampleRows(t *testing.T) [][]string {
	t.Helper()
	return sampleRowsAt(t, sample)
}

func TestVerbArgumentsAreNeverFlags(t *testing.T) {
	recs := sampleRows(t)
	qtyCol := 4
	require.Equal(t, "qty", recs[0][qtyCol])
	// The reference: rows with -qty < -50, that is qty > 50, in order.
	want := [][]string{recs[0]}
	for _, r := range recs[1:] {
		q, err := strconv.Atoi(r[qtyCol])
		require.NoError(t, err)
		if -q < -50 {
			want = append(want, r)
		}
	}
	require.Greater(t, len(want), 100)

	res := cli(t, "", "filter", "-qty < -50", sample)
	require.Equal(t, exitOK, res.code, res.stderr)
	assertSameRecords(t, want, readCSV(t, res.stdout))

	res = cli(t, "", "--batch-rows", "64", "head", "5000", "then", "filter", "-qty < -50", "then", "head", "3", sample)
	require.Equal(t, exitOK, res.code, res.stderr)
	var wantHead [][]string
	for _, r := range want {
		if r[0] == "id" {
			wantHead = append(wantHead, r)
			continue
		}
		if id, _ := strconv.Atoi(r[0]); id <= 5000 && len(wantHead) < 4 {
			wantHead = append(wantHead, r)
		}
	}
	assertSameRecords(t, wantHead, readCSV(t, res.stdout))

	// A negative count reaches the verb, which refuses it.
	res = cli(t, "", "head", "-5", sample)
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, `head: "-5"`)
	assert.NotContains(t, res.stderr, "shorthand flag")
}

func TestFlagsGoBeforeTheChain(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	res := cli(t, "", "head", "2", sample, "-o", out)
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, "-o after the verbs and files: flags go before the first verb or file")
	assert.NoFileExists(t, out)

	// A file whose name starts with '-' is still a file: after the chain
	// when it exists, and first after --.
	abs, err := filepath.Abs(sample)
	require.NoError(t, err)
	raw, err := os.ReadFile(abs)
	require.NoError(t, err)
	t.Chdir(dir)
	require.NoError(t, os.WriteFile("-odd.csv", raw, 0o644))
	want := sampleRowsAt(t, abs)[:3]
	res = cli(t, "", "head", "2", "-odd.csv")
	require.Equal(t, exitOK, res.code, res.stderr)
	assertSameRecords(t, want, readCSV(t, res.stdout))
	res = cli(t, "", "--", "-odd.csv")
	require.Equal(t, exitOK, res.code, res.stderr)
	assertSameRecords(t, sampleRowsAt(t, abs), readCSV(t, res.stdout))
}

func sampleRowsAt(t *testing.T, path string) [][]string {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	return readCSV(t, string(raw))
}

func TestSchemaAfterGlobalFlags(t *testing.T) {
	dir := t.TempDir()
	events, err := os.ReadFile("../../samples/events.ndjson")
	require.NoError(t, err)
	// No extension: only --from says it is NDJSON.
	noExt := filepath.Join(dir, "events")
	require.NoError(t, os.WriteFile(noExt, events, 0o644))
	res := cli(t, "", "--from", "ndjson", "schema", noExt)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stdout, "event:string\n")
	assert.Contains(t, res.stdout, "user:struct<id: int64 nullable, country: utf8 nullable, plan: utf8 nullable>\n")

	res = cli(t, "", "--schema", "qty:float64", "schema", sample)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stdout, "qty:float64\n")
	assert.Contains(t, res.stdout, "id:int64\n")

	res = cli(t, "", "--stats=yaml", "schema", sample)
	assert.Equal(t, exitUsage, res.code)
	assert.Empty(t, res.stdout)
}

func TestSchemaReportsBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, text, want string
	}{
		{"short.csv", "a,b\n1,2\n3\n4,5\n", "short.csv:3"},
		{"quote.csv", "a,b\n1,2\n\"x,3\n", "quote.csv:3"},
		{"broken.ndjson", "{\"a\":1}\n{bad\n{\"a\":2}\n", "broken.ndjson:2"},
	} {
		t.Run("file="+tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			require.NoError(t, os.WriteFile(path, []byte(tc.text), 0o644))
			res := cli(t, "", "schema", path)
			assert.Equal(t, exitData, res.code, res.stderr)
			assert.Contains(t, res.stderr, tc.want)
			assert.Empty(t, res.stdout, "no schema for input a run would reject")
		})
	}
	res := cli(t, "a,b\n1,2\n3\n", "schema")
	assert.Equal(t, exitData, res.code, res.stderr)
	assert.Contains(t, res.stderr, "<stdin>:3")
}

func TestForgottenVerbArgument(t *testing.T) {
	// Without the fix, "top 5 FILE" takes FILE for the order and reads
	// stdin, which holds a valid CSV here.
	res := cli(t, "qty\n1\n", "top", "5", sample)
	assert.Equal(t, exitUsage, res.code, res.stderr)
	assert.Contains(t, res.stderr, `top: "`+sample+`" looks like a file name, not ORDER; usage: top N ORDER`)
	assert.Empty(t, res.stdout)

	res = cli(t, "", "head", "2", "then", "select", sample)
	assert.Equal(t, exitUsage, res.code, res.stderr)
	assert.Contains(t, res.stderr, `select: "`+sample+`" looks like a file name, not COLS`)

	// The same words are arguments when a file follows, when stdin is
	// named, and where the verb takes a file (tee).
	abs, err := filepath.Abs(sample)
	require.NoError(t, err)
	dir := t.TempDir()
	t.Chdir(dir)
	require.NoError(t, os.WriteFile("id", []byte("not data\n"), 0o644))
	raw, err := os.ReadFile(abs)
	require.NoError(t, err)
	recs := sampleRowsAt(t, abs)
	wantIDs := make([][]string, len(recs))
	for i, r := range recs {
		wantIDs[i] = r[:1]
	}
	res = cli(t, "", "select", "id", abs)
	require.Equal(t, exitOK, res.code, res.stderr)
	assertSameRecords(t, wantIDs, readCSV(t, res.stdout))
	res = cli(t, string(raw), "select", "id", "-")
	require.Equal(t, exitOK, res.code, res.stderr)
	assertSameRecords(t, wantIDs, readCSV(t, res.stdout))
	require.NoError(t, os.WriteFile("copy.csv", []byte("old\n"), 0o644))
	res = cli(t, string(raw), "tee", "copy.csv")
	require.Equal(t, exitOK, res.code, res.stderr)
	assertSameRecords(t, recs, readCSVFile(t, "copy.csv"))
}

// watchedReader is a small CSV input that records whether it was read.
type watchedReader struct{ read atomic.Bool }

func (r *watchedReader) Read(p []byte) (int, error) {
	if r.read.Swap(true) {
		return 0, io.EOF
	}
	return copy(p, "id,qty\n1,2\n"), nil
}

func TestFlagsValidatedBeforeAnyWork(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"stats-yaml", []string{"--stats=yaml"}, `--stats "yaml": want text or json`},
		{"stats-file-alone", []string{"--stats-file", "s.json"}, "--stats-file needs --stats"},
		{"unknown-stage", []string{"--stage-workers", "bogus=2"}, "--stage-workers bogus: no such stage in this run (stages: decode, encode, filter, head)"},
		{"second-stage-absent", []string{"--stage-workers", "head-2=1"}, "--stage-workers head-2: no such stage"},
		{"rejects-without-reject", []string{"--rejects", "r.csv"}, "--rejects needs --on-error reject"},
		{"rejects-with-skip", []string{"--on-error", "skip", "--rejects", "r.csv"}, "--rejects needs --on-error reject"},
		{"compression-for-csv", []string{"--compression", "snappy"}, "--compression applies to Parquet and Arrow output"},
		{"compression-value", []string{"--compression", "brotli", "--to", "parquet", "-o", "x.parquet"}, `--compression "brotli"`},
		{"compression-lz4-parquet", []string{"--compression", "lz4", "--to", "parquet", "-o", "x.parquet"}, "Parquet output takes zstd, snappy or none"},
		{"compression-snappy-arrow", []string{"--compression", "snappy", "-o", "x.arrow"}, "Arrow output takes zstd, lz4 or none"},
		{"compress-value", []string{"--compress", "lz4"}, `--compress "lz4": want gzip, zstd or none`},
		{"to-value", []string{"--to", "xml"}, `unknown output format "xml"`},
		{"from-value", []string{"--from", "xml"}, `--from "xml"`},
		{"delimiter", []string{"--delimiter", "ab"}, `--delimiter "ab"`},
		{"delimiter-for-ndjson", []string{"--from", "ndjson", "--delimiter", ";"}, "--delimiter, --no-header and --null apply to CSV and TSV input"},
		{"schema", []string{"--schema", "a:decimal"}, "--schema:"},
		{"batch-rows-0", []string{"--batch-rows", "0"}, "--batch-rows 0: want at least 1"},
		{"batch-rows-negative", []string{"--batch-rows", "-3"}, "--batch-rows -3"},
		{"batch-bytes-0", []string{"--batch-bytes", "0"}, "--batch-bytes 0"},
		{"batch-bytes-huge", []string{"--batch-bytes", "100GiB"}, "--batch-bytes 100GiB: at most 256MiB"},
		{"batch-bytes-text", []string{"--batch-bytes", "lots"}, `invalid size "lots"`},
		{"flush-negative", []string{"--flush-interval", "-1s"}, "--flush-interval -1s: want a positive duration"},
		{"flush-zero", []string{"--flush-interval", "0s"}, "--flush-interval 0s"},
		{"copy-threshold-with-copy", []string{"--handoff", "copy", "--copy-threshold", "4KiB"}, "--copy-threshold applies to --handoff auto"},
		{"max-memory", []string{"--max-memory", "much"}, "--max-memory"},
		{"workers", []string{"--workers", "-1"}, "must not be negative"},
		{"temp-dir", []string{"--temp-dir", "no/such/dir"}, "--temp-dir no/such/dir: not a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			args := []string{"-o", filepath.Join(dir, "out.csv")}
			flags := tc.args
			if flags[len(flags)-1] == "--out-is-stdout" {
				args, flags = nil, flags[:len(flags)-1]
			} else if strings.Contains(strings.Join(flags, " "), "-o") {
				args = nil
			}
			args = append(append(args, flags...), "filter", "qty > 0", "then", "head", "1")
			stdin := &watchedReader{}
			var stdout, stderr bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			t.Chdir(dir)
			code := run(ctx, args, stdin, &stdout, &stderr)
			assert.Equal(t, exitUsage, code, stderr.String())
			assert.Contains(t, stderr.String(), tc.want)
			assert.False(t, stdin.read.Load(), "input read before the flags were checked")
			assert.Empty(t, stdout.String())
			assertEmptyDir(t, dir, "no output created")
		})
	}
}

func TestFlagsThatApply(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--compression", "snappy", "-o", filepath.Join(dir, "out.parquet")},
		{"--compression", "none", "tee", filepath.Join(dir, "side.parquet"), "then"},
		{"--compression", "lz4", "-o", filepath.Join(dir, "out.arrow")},
		{"--on-error", "reject", "--rejects", filepath.Join(dir, "rejects.csv")},
		{"--stats=json", "--stats-file", filepath.Join(dir, "stats.json")},
		{"--stage-workers", "decode=1,filter=2,head-2=1", "head", "5000", "then"},
		{"--handoff", "auto", "--copy-threshold", "4KiB", "--batch-bytes", "256MiB", "--batch-rows", "1"},
	} {
		t.Run(strings.Join(args[:2], "="), func(t *testing.T) {
			res := cli(t, "", append(args, "filter", "qty > 0", "then", "head", "1", sample)...)
			assert.Equal(t, exitOK, res.code, res.stderr)
		})
	}
}

// --compression on Arrow output compresses the batches: the file is
// smaller and reads back with the same rows.
func TestArrowCompression(t *testing.T) {
	dir := t.TempDir()
	// NDJSON writes the types: CSV to CSV would repeat the input's text.
	want := cli(t, "", "--to", "ndjson", sample)
	require.Equal(t, exitOK, want.code, want.stderr)
	sizes := map[string]int64{}
	for _, c := range []string{"none", "zstd", "lz4"} {
		out := filepath.Join(dir, c+".arrow")
		res := cli(t, "", "--compression", c, "-o", out, sample)
		require.Equal(t, exitOK, res.code, res.stderr)
		st, err := os.Stat(out)
		require.NoError(t, err)
		sizes[c] = st.Size()
		back := cli(t, "", "--to", "ndjson", out)
		require.Equal(t, exitOK, back.code, back.stderr)
		assert.Equal(t, want.stdout, back.stdout, c)
	}
	assert.Less(t, sizes["zstd"], sizes["none"])
	assert.Less(t, sizes["lz4"], sizes["none"])
}

// A stage that runs on one worker cannot be given more: said, not
// ignored, before any output is created.
func TestStageWorkersForOneWorkerStage(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	res := cli(t, "", "-o", out, "--stage-workers", "filter=2,head=4", "filter", "qty > 0", "then", "head", "1", sample)
	assert.Equal(t, exitUsage, res.code, res.stderr)
	assert.Contains(t, res.stderr, "--stage-workers head=4: head runs on one worker")
	assertEmptyDir(t, dir, "no output created")
	res = cli(t, "", "-o", out, "--stage-workers", "head=1", "head", "1", sample)
	assert.Equal(t, exitOK, res.code, res.stderr)
}
