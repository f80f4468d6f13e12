package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// badPlace is where a test input's bad row is, as the test wrote it.
type badPlace struct {
	file string
	line int64
}

// writeBadInputs writes files of id,qty,note rows (CSV, or NDJSON with
// ndjson) in which about one row in five is bad (an id or qty that is not
// a number, in runs of one to 30 rows), and some good CSV notes span two
// lines. It returns the bad rows' places in input order and the count of
// good rows.
func writeBadInputs(t *testing.T, ndjson bool, files, rows int) (paths []string, bad []badPlace, good int) {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, uint64(files)))
	for f := range files {
		name := fmt.Sprintf("in%d.csv", f)
		if ndjson {
			name = fmt.Sprintf("in%d.ndjson", f)
		}
		path := filepath.Join(dir, name)
		var b strings.Builder
		line := int64(1)
		if !ndjson {
			b.WriteString("id,qty,note\n")
			line++
		}
		badRun := 0
		for i := range rows {
			if badRun == 0 && rng.IntN(30) == 0 {
				badRun = 1 + rng.IntN(30)
			}
			id, qty, note := strconv.Itoa(i), strconv.Itoa(rng.IntN(100)), "n"+strconv.Itoa(i)
			if badRun > 0 {
				badRun--
				if rng.IntN(2) == 0 {
					id = "x" + id
				} else {
					qty = "y"
				}
				bad = append(bad, badPlace{path, line})
			} else {
				good++
			}
			switch {
			case ndjson:
				fmt.Fprintf(&b, `{"id":%s,"qty":%s,"note":%q}`+"\n", jsonValue(id), jsonValue(qty), note)
				line++
			case badRun == 0 && i%11 == 0 && !strings.HasPrefix(id, "x") && qty != "y":
				fmt.Fprintf(&b, "%s,%s,\"%s\nmore\"\n", id, qty, note)
				line += 2
			default:
				fmt.Fprintf(&b, "%s,%s,%s\n", id, qty, note)
				line++
			}
		}
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
		paths = append(paths, path)
	}
	return paths, bad, good
}

// jsonValue writes a number as a number and anything else as a string.
func jsonValue(s string) string {
	if _, err := strconv.Atoi(s); err == nil {
		return s
	}
	return strconv.Quote(s)
}

// The rejects file lists the bad rows in input order, byte for byte the
// same whatever the worker count and handoff mode, and the main output
// is unchanged.
func TestRejectsInInputOrder(t *testing.T) {
	for _, format := range []string{"csv", "ndjson"} {
		t.Run("format="+format, func(t *testing.T) {
			files, bad, good := writeBadInputs(t, format == "ndjson", 3, 400)
			require.Greater(t, len(bad), 40)
			dir := t.TempDir()
			var wantRejects, wantOut string
			runs := []struct {
				workers int
				handoff string
			}{{1, "shared"}, {2, "copy"}, {4, "auto"}, {2, "shared"}, {4, "copy"}, {1, "auto"}, {4, "shared"}, {2, "auto"}, {0, ""}}
			for i, c := range runs {
				rejects := filepath.Join(dir, fmt.Sprintf("rejects%d.csv", i))
				args := []string{"--batch-bytes", "300", "--on-error", "reject", "--rejects", rejects,
					"--schema", "id:int64,qty:int64", "--to", "csv"}
				if c.workers > 0 {
					args = append(args, "--workers", strconv.Itoa(c.workers), "--handoff", c.handoff)
				}
				res := cli(t, "", append(args, files...)...)
				require.Equal(t, 0, res.code, res.stderr)
				assert.Contains(t, res.stderr, fmt.Sprintf("wrote %d bad row(s)", len(bad)))
				data, err := os.ReadFile(rejects)
				require.NoError(t, err)
				if i == 0 {
					wantRejects, wantOut = string(data), res.stdout
					recs := readCSV(t, wantRejects)
					require.Equal(t, len(bad)+1, len(recs))
					for j, b := range bad {
						assert.Equal(t, []string{b.file, strconv.FormatInt(b.line, 10)}, recs[j+1][:2], "row %d", j)
					}
					assert.Len(t, readCSV(t, wantOut), good+1)
					continue
				}
				assert.Equal(t, wantRejects, string(data), "workers=%d/mode=%s", c.workers, c.handoff)
				assert.Equal(t, wantOut, res.stdout, "workers=%d/mode=%s", c.workers, c.handoff)
			}
		})
	}
}

// A join's table's bad rows follow the input's, in the table's order.
func TestRejectsJoinTableAfterInput(t *testing.T) {
	files, bad, _ := writeBadInputs(t, false, 2, 200)
	dir := t.TempDir()
	table := filepath.Join(dir, "notes.csv")
	var b strings.Builder
	b.WriteString("note,label\n")
	var tableBad []int64
	for i := range 200 {
		if i%9 == 4 {
			fmt.Fprintf(&b, "n%d,l%d,extra\n", i, i) // one field too many
			tableBad = append(tableBad, int64(i+2))
			continue
		}
		fmt.Fprintf(&b, "n%d,l%d\n", i, i)
	}
	require.NoError(t, os.WriteFile(table, []byte(b.String()), 0o644))
	var want string
	for i, workers := range []string{"1", "2", "4"} {
		rejects := filepath.Join(dir, "rejects"+workers+".csv")
		res := cli(t, "", append([]string{"--workers", workers, "--batch-rows", "7", "--on-error", "reject", "--rejects", rejects,
			"--schema", "id:int64,qty:int64", "join", "left", "note", table}, files...)...)
		require.Equal(t, 0, res.code, res.stderr)
		data, err := os.ReadFile(rejects)
		require.NoError(t, err)
		if i > 0 {
			assert.Equal(t, want, string(data), "workers=%s", workers)
			continue
		}
		want = string(data)
		recs := readCSV(t, want)[1:]
		require.Equal(t, len(bad)+len(tableBad), len(recs))
		for j, p := range bad {
			assert.Equal(t, []string{p.file, strconv.FormatInt(p.line, 10)}, recs[j][:2])
		}
		for j, line := range tableBad {
			assert.Equal(t, []string{table, strconv.FormatInt(line, 10)}, recs[len(bad)+j][:2])
		}
	}
}

// Bad rows met out of order, from concurrent decoders, come out in order
// and exactly counted, while the rows held in memory stay under the bound:
// the rest wait in run files, merged a few at a time.
func TestRejectOrderBounded(t *testing.T) {
	dir := t.TempDir()
	r, err := newRejectPolicy(&options{onError: "reject", rejects: filepath.Join(dir, "rejects.csv"), tempDir: dir}, nil)
	require.NoError(t, err)
	r.order.maxBytes, r.order.maxRuns = 16<<10, 3

	const chunks, perChunk = 200, 40
	var wg sync.WaitGroup
	next := make(chan uint64, chunks)
	order := rand.New(rand.NewPCG(1, 2)).Perm(chunks)
	for _, c := range order {
		next <- uint64(c)
	}
	close(next)
	for range 4 {
		wg.Go(func() {
			for seq := range next {
				for i := range perChunk {
					line := int64(seq)*perChunk + int64(i) + 2
					assert.NoError(t, r.reject(&pipeline.DataError{File: "all-bad.csv", Seq: seq, Line: line, Column: 1,
						Field: "id", Record: strings.Repeat("x", 20) + strconv.FormatInt(line, 10), Err: fmt.Errorf("bad %d", line)}))
				}
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int64(chunks*perChunk), r.count())
	assert.Greater(t, len(r.order.runs), r.order.maxRuns, "the rows were spilled")
	assert.LessOrEqual(t, r.order.highWater, r.order.maxBytes+200, "at most the bound and one row held")
	require.NoError(t, r.commit())
	r.abort()
	data, err := os.ReadFile(filepath.Join(dir, "rejects.csv"))
	require.NoError(t, err)
	recs := readCSV(t, string(data))
	require.Equal(t, chunks*perChunk+1, len(recs))
	for i, rec := range recs[1:] {
		line := strconv.Itoa(i + 2)
		if !assert.Equal(t, []string{"all-bad.csv", line, "1", "id", "bad " + line}, rec[:5]) {
			break
		}
	}
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, left, 1, "only the rejects file: the run files are gone")
}

// The run files keep every field as it was, whatever its bytes.
func TestRejectRunRoundTrip(t *testing.T) {
	rows := []rejectRow{
		{seq: 3, line: 9, column: 2, file: "a.csv", field: "qty", reason: "bad", record: "1,\"x\r\ny\",\x00"},
		{table: true, seq: 1 << 40, line: -1, file: "", record: strings.Repeat("é", 5000)},
	}
	o := newRejectOrder(func() (string, error) { return t.TempDir(), nil })
	path, err := o.writeRun(func(yield func(*rejectRow) error) error {
		for i := range rows {
			if err := yield(&rows[i]); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
	var got []rejectRow
	require.NoError(t, merge([]string{path}, func(r *rejectRow) error { got = append(got, *r); return nil }))
	assert.Equal(t, rows, got)
	assert.True(t, slices.IsSortedFunc(got, func(a, b rejectRow) int { return compareRows(&a, &b) }))
}

// A failed run leaves neither the rejects file nor the run files.
func TestRejectOrderAbortRemovesRuns(t *testing.T) {
	dir := t.TempDir()
	r, err := newRejectPolicy(&options{onError: "reject", rejects: filepath.Join(dir, "rejects.csv"), tempDir: dir}, nil)
	require.NoError(t, err)
	r.order.maxBytes = 1 << 10
	for line := range int64(100) {
		require.NoError(t, r.reject(&pipeline.DataError{File: "a.csv", Line: line + 2, Record: "x", Err: fmt.Errorf("bad")}))
	}
	require.NotEmpty(t, r.order.runs)
	r.abort()
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, left)
}
