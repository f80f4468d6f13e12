package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/arrowpipe/arrowpipe/samples/gen"
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/expr"
)

// TestMain doubles as the arrowpipe binary for the process tests: with
// ARROWPIPE_AS_MAIN=1 the test binary runs main instead of the tests.
func TestMain(m *testing.M) {
	if os.Getenv("ARROWPIPE_AS_MAIN") == "1" {
		main()
		return
	}
	goleak.VerifyTestMain(m)
}

const sample = "../../samples/orders.csv"

// cli runs arrowpipe in-process and returns its exit status and output.
type cliResult struct {
	code           int
	stdout, stderr string
}

func cli(t *testing.T, stdin string, args ...string) cliResult {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := run(ctx, args, strings.NewReader(stdin), &out, &errOut)
	return cliResult{code: code, stdout: out.String(), stderr: errOut.String()}
}

// readCSV parses CSV text into records.
func readCSV(t *testing.T, text string) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	require.NoError(t, err)
	return recs
}

// sameValue compares two CSV fields as values: numbers by value (12.50 is
// 12.5), everything else as text.
func sameValue(a, b string) bool {
	if a == b {
		return true
	}
	fa, errA := strconv.ParseFloat(a, 64)
	fb, errB := strconv.ParseFloat(b, 64)
	return errA == nil && errB == nil && fa == fb
}

func assertSameRecords(t *testing.T, want, got [][]string) {
	t.Helper()
	require.Equal(t, len(want), len(got), "record count")
	for i := range want {
		require.Equal(t, len(want[i]), len(got[i]), "record %d field count", i)
		for j := range want[i] {
			if !sameValue(want[i][j], got[i][j]) {
				t.Fatalf("record %d field %d: want %q, got %q", i, j, want[i][j], got[i][j])
			}
		}
	}
}

func TestPassThroughSampleInEveryMode(t *testing.T) {
	raw, err := os.ReadFile(sample)
	require.NoError(t, err)
	want := readCSV(t, string(raw))
	for _, mode := range []string{"copy", "shared", "auto"} {
		for _, workers := range []string{"1", "3"} {
			for _, batch := range []string{"100", "65536"} {
				t.Run("mode="+mode+"/workers="+workers+"/batch="+batch, func(t *testing.T) {
					res := cli(t, "", "--handoff", mode, "--workers", workers, "--batch-rows", batch, sample)
					require.Equal(t, 0, res.code, res.stderr)
					assertSameRecords(t, want, readCSV(t, res.stdout))
				})
			}
		}
	}
}

func TestStdinAndUnordered(t *testing.T) {
	raw, err := os.ReadFile(sample)
	require.NoError(t, err)
	res := cli(t, string(raw), "--batch-rows", "500")
	require.Equal(t, 0, res.code, res.stderr)
	want := readCSV(t, string(raw))
	assertSameRecords(t, want, readCSV(t, res.stdout))

	res = cli(t, string(raw), "--unordered", "--batch-rows", "500", "--workers", "2")
	require.Equal(t, 0, res.code, res.stderr)
	got := readCSV(t, res.stdout)
	require.Len(t, got, len(want))
	seen := map[string]bool{}
	for _, r := range got[1:] {
		assert.False(t, seen[r[0]], "id %s written twice", r[0])
		seen[r[0]] = true
	}
	assert.Len(t, seen, len(want)-1)
}

func TestOutputFileIsCommittedOnlyOnSuccess(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	res := cli(t, "", "-o", out, sample)
	require.Equal(t, 0, res.code, res.stderr)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, 10001, len(readCSV(t, string(data))))

	bad := filepath.Join(dir, "bad.csv")
	var b strings.Builder
	b.WriteString("id,qty\n")
	for i := 0; i < 5000; i++ {
		b.WriteString(strconv.Itoa(i) + ",7\n")
	}
	b.WriteString("5000,seven\n")
	require.NoError(t, os.WriteFile(bad, []byte(b.String()), 0o644))
	failed := filepath.Join(dir, "failed.csv")
	// qty is read by the filter: a column only passed on would be text.
	res = cli(t, "", "--batch-rows", "100", "-o", failed, "filter", "qty > 0", bad)
	assert.Equal(t, exitData, res.code)
	assert.Contains(t, res.stderr, "bad.csv:5002:2")
	_, err = os.Stat(failed)
	assert.True(t, os.IsNotExist(err), "no partial output after a failure")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "no temporary file left behind")
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"--frobnicate", sample}, "unknown flag: --frobnicate"},
		{"bad handoff", []string{"--handoff", "zero", sample}, `unknown handoff mode "zero"`},
		{"bad on-error", []string{"--on-error", "ignore", sample}, `--on-error "ignore"`},
		{"reject without file", []string{"--on-error", "reject", sample}, "--rejects FILE"},
		{"bad size", []string{"--batch-bytes", "lots", sample}, `invalid size "lots"`},
		{"bad stage workers", []string{"--stage-workers", "decode=0", sample}, "decode=0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := cli(t, "", tc.args...)
			assert.Equal(t, exitUsage, res.code)
			assert.Contains(t, res.stderr, tc.want)
		})
	}
}

func TestMissingFile(t *testing.T) {
	res := cli(t, "", "no/such/file.csv")
	assert.Equal(t, exitData, res.code)
	assert.Contains(t, res.stderr, "no/such/file.csv")
	assert.Contains(t, res.stderr, "no such file")
}

func TestHelpAndVersion(t *testing.T) {
	res := cli(t, "", "--help")
	require.Equal(t, 0, res.code)
	assert.Contains(t, res.stdout, "Usage:")
	assert.Contains(t, res.stdout, "--handoff")
	// Every expression function and aggregate is listed, in lines that fit
	// a terminal.
	start, end := strings.Index(res.stdout, "\nExpressions"), strings.Index(res.stdout, "\nFlags:")
	require.True(t, start >= 0 && end > start, "help lists expressions and aggregates before the flags")
	lists := res.stdout[start:end]
	for _, f := range append(expr.Functions(), aggregate.Functions()...) {
		assert.Contains(t, lists, f)
	}
	for _, line := range strings.Split(lists, "\n") {
		assert.LessOrEqual(t, len([]rune(line)), 80, "help line too long: %q", line)
	}
	res = cli(t, "", "--version")
	require.Equal(t, 0, res.code)
	assert.True(t, strings.HasPrefix(res.stdout, "arrowpipe "))
}

func TestGenIsDeterministic(t *testing.T) {
	a := cli(t, "", "gen", "--rows", "3000", "--seed", "9")
	b := cli(t, "", "gen", "--rows", "3000", "--seed", "9")
	require.Equal(t, 0, a.code, a.stderr)
	assert.Equal(t, a.stdout, b.stdout)
	assert.Len(t, readCSV(t, a.stdout), 3001)
	res := cli(t, "", "gen", "--format", "xml")
	assert.NotEqual(t, 0, res.code)
}

func TestSchemaCommand(t *testing.T) {
	res := cli(t, "", "schema", sample)
	require.Equal(t, 0, res.code, res.stderr)
	assert.Equal(t, "id:int64\nts:timestamp[us, UTC]\nregion:string\nproduct:string\nqty:int64\nprice:float64\ndiscount:float64\nnote:string\n", res.stdout)
	res = cli(t, "", "schema", "--schema", "qty:float64", sample)
	require.Equal(t, 0, res.code, res.stderr)
	assert.Contains(t, res.stdout, "qty:float64\n")
}

func TestStatsReconcile(t *testing.T) {
	res := cli(t, "", "--stats", "--batch-rows", "1000", sample)
	require.Equal(t, 0, res.code, res.stderr)
	assert.Contains(t, res.stderr, "rows: 10000 read = 10000 written + 0 rejected")
	assert.NotContains(t, res.stderr, "DOES NOT BALANCE")
	res = cli(t, "", "--stats=json", "--batch-rows", "1000", sample)
	require.Equal(t, 0, res.code, res.stderr)
	assert.Contains(t, res.stderr, `"balanced": true`)
}

// TestStatsTable checks the --stats table: a row per step with its
// columns, the handoff in the mode that moved the batches, a legend, every
// line within 80 columns, and the reconciliation line naming the stage
// that dropped rows.
func TestStatsTable(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		steps   []string
		recon   string
		handoff string // decode's shared cell
	}{
		{"filter/mode=shared", []string{"--handoff", "shared", "filter", "qty > 50"},
			[]string{"read", "decode", "filter", "encode", "write"}, "rows: 10000 read = 5003 written + 4997 dropped by filter + 0 rejected", "100%"},
		{"groupby/mode=copy", []string{"--handoff", "copy", "groupby", "region", "sum(qty)"},
			[]string{"read", "decode", "groupby", "encode", "write"}, "rows: 10000 read = 6 written + 9994 dropped by groupby + 0 rejected", "0%"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := cli(t, "", append(append([]string{"--stats", "--batch-rows", "1000"}, tc.args...), sample)...)
			require.Equal(t, 0, res.code, res.stderr)
			lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
			require.Len(t, lines, len(tc.steps)+4, res.stderr)
			for _, l := range lines {
				assert.LessOrEqual(t, utf8.RuneCountInString(l), 80, "%q", l)
			}
			assert.Equal(t, []string{"stage", "w", "batches", "rows", "busy", "util", "p50", "p99", "shared"}, strings.Fields(lines[0]))
			for i, step := range tc.steps {
				f := strings.Fields(lines[1+i])
				require.Len(t, f, 9, lines[1+i])
				assert.Equal(t, step, f[0])
				if step == "decode" {
					assert.Equal(t, tc.handoff, f[8], "decode handed 10 batches on: %s", lines[1+i])
					assert.Equal(t, "10", f[2])
					assert.Equal(t, "10000", f[3])
				}
			}
			assert.Equal(t, statsLegend, lines[len(tc.steps)+1])
			assert.Regexp(t, `^elapsed \S+, batch latency p50 \S+ p99 \S+$`, lines[len(lines)-2])
			assert.Equal(t, tc.recon, lines[len(lines)-1])
		})
	}
}

// TestStatsJSON checks the shape of --stats=json (snake_case keys, times
// in seconds) and that its counts agree with the data.
func TestStatsJSON(t *testing.T) {
	keep := 0
	raw, err := os.ReadFile(sample)
	require.NoError(t, err)
	for _, rec := range readCSV(t, string(raw))[1:] {
		if q, err := strconv.Atoi(rec[4]); err == nil && q > 50 {
			keep++
		}
	}
	res := cli(t, "", "--stats=json", "--batch-rows", "1000", "--handoff", "shared", "filter", "qty > 50", sample)
	require.Equal(t, 0, res.code, res.stderr)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.stderr), &got), res.stderr)
	keys := func(m map[string]any) []string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return ks
	}
	assert.Equal(t, []string{"batch_latency_p50_seconds", "batch_latency_p99_seconds", "elapsed_seconds", "failed", "files", "output_closed_early", "rows", "stages"}, keys(got))
	stages := got["stages"].([]any)
	require.Len(t, stages, 5)
	byName := map[string]map[string]any{}
	for i, name := range []string{"read", "decode", "filter", "encode", "write"} {
		st := stages[i].(map[string]any)
		assert.Equal(t, []string{"batches_in", "batches_out", "busy_seconds", "bytes_in", "bytes_out", "handoff", "name",
			"queue_wait_p50_seconds", "queue_wait_p99_seconds", "rows_in", "rows_out", "utilization", "wall_seconds", "workers"}, keys(st))
		assert.Equal(t, name, st["name"])
		u := st["utilization"].(float64)
		assert.True(t, u >= 0 && u <= 1, "%s utilization %v", name, u)
		assert.GreaterOrEqual(t, st["busy_seconds"].(float64), 0.0)
		byName[name] = st
	}
	assert.Equal(t, 10000.0, byName["filter"]["rows_in"])
	assert.Equal(t, float64(keep), byName["filter"]["rows_out"])
	h := byName["decode"]["handoff"].(map[string]any)
	assert.Equal(t, []string{"copied_batches", "copied_bytes", "shared_batches", "shared_bytes"}, keys(h))
	assert.Equal(t, 10.0, h["shared_batches"])
	assert.Equal(t, 0.0, h["copied_batches"])
	rows := got["rows"].(map[string]any)
	assert.Equal(t, true, rows["balanced"])
	assert.Equal(t, float64(keep), rows["written"])
}

// brokenPipe takes n bytes, then fails like a pipe whose reader is gone.
type brokenPipe struct{ n int }

func (b *brokenPipe) Write(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, syscall.EPIPE
	}
	b.n -= len(p)
	return len(p), nil
}

// A run whose output's reader goes away (| head) ends with status 0; its
// statistics say that it stopped early, not that it failed.
func TestStatsWhenOutputClosesEarly(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.csv")
	writeGenerated(t, big, 200_000, 7)
	for _, format := range []string{"text", "json"} {
		t.Run("stats="+format, func(t *testing.T) {
			var errOut bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			code := run(ctx, []string{"--stats=" + format, "--batch-rows", "1000", big}, strings.NewReader(""), &brokenPipe{n: 1}, &errOut)
			require.Equal(t, exitOK, code, errOut.String())
			if format == "text" {
				assert.Contains(t, errOut.String(), "(output closed early: counts stop where it stopped)")
				assert.NotContains(t, errOut.String(), "run failed")
				return
			}
			assert.Contains(t, errOut.String(), `"failed": false`)
			assert.Contains(t, errOut.String(), `"output_closed_early": true`)
			assert.NotContains(t, errOut.String(), `"error"`)
		})
	}
}

func TestHumanBytes(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0B", 1023: "1023B", 1024: "1.00KiB", 1536: "1.50KiB", 10 << 10: "10.0KiB", 999 << 10: "999KiB",
		1000 << 10: "0.98MiB", 47_987_000: "45.8MiB", 5 << 30: "5.00GiB", 1 << 50: "1024TiB",
	} {
		assert.Equal(t, want, humanBytes(n), "%d", n)
	}
}

// writeGenerated writes rows of `arrowpipe gen` data with seed to path.
func writeGenerated(t *testing.T, path string, rows int64, seed uint64) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, gen.Write(context.Background(), f, gen.Options{Rows: rows, Seed: seed}))
	require.NoError(t, f.Close())
}
