package csvin

import (
	"context"
	"encoding/csv"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// randomCSV builds a CSV text of n records with columns id (int64), s1
// (string), f (float64) and s2 (string) whose strings are full of quotes,
// delimiters and line ends, and returns it with the rows a correct reader
// must produce. lineEnds are the record terminators to pick from.
//
// With plain set, quotes are rare (1 string in 40), so that long stretches
// of records have none.
func randomCSV(r *rand.Rand, n int, lineEnds []string, plain bool) (string, [][]string) {
	pieces := []string{"a", "b", "Zoë", ",", `"`, `""`, "\n", "\r\n", "\r", " ", "x,y", "é"}
	if plain {
		pieces = []string{"a", "b", "Zoë", " ", "é", "xyz"}
	}
	str := func() (text, want string) {
		if r.IntN(6) == 0 {
			if r.IntN(2) == 0 {
				return "", null
			}
			return `""`, ""
		}
		var b strings.Builder
		for k := r.IntN(5); k >= 0; k-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		v := b.String()
		if plain && r.IntN(40) == 0 {
			v += `",` + "\n"
		}
		if strings.ContainsAny(v, "\",\r\n") || (!plain && r.IntN(4) == 0) {
			return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`, v
		}
		return v, v
	}
	var sb strings.Builder
	sb.WriteString("id,s1,f,s2\n")
	rows := make([][]string, 0, n)
	for i := 0; i < n; i++ {
		if r.IntN(20) == 0 {
			sb.WriteString("\n") // a blank line
		}
		row := make([]string, 4)
		id := strconv.Itoa(r.IntN(2000) - 1000)
		row[0] = id
		if r.IntN(10) == 0 {
			id, row[0] = "", null
		} else if !plain && r.IntN(10) == 0 {
			id = `"` + id + `"`
		}
		s1, w1 := str()
		fv := strconv.FormatFloat(float64(r.IntN(1_000_000))/100, 'f', 2, 64)
		pf, _ := strconv.ParseFloat(fv, 64)
		row[2] = strconv.FormatFloat(pf, 'g', -1, 64)
		if r.IntN(10) == 0 {
			fv, row[2] = "", null
		}
		s2, w2 := str()
		row[1], row[3] = w1, w2
		sb.WriteString(id + "," + s1 + "," + fv + "," + s2)
		if i < n-1 || r.IntN(2) == 0 {
			sb.WriteString(lineEnds[r.IntN(len(lineEnds))])
		}
		rows = append(rows, row)
	}
	return sb.String(), rows
}

var randomSpec = textval.Spec{
	{Name: "id", Type: textval.KindInt64.DataType()},
	{Name: "s1", Type: textval.KindString.DataType()},
	{Name: "f", Type: textval.KindFloat64.DataType()},
	{Name: "s2", Type: textval.KindString.DataType()},
}

// choppyReader returns its data in reads of random small sizes.
type choppyReader struct {
	data []byte
	r    *rand.Rand
}

func (c *choppyReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), len(c.data), 1+c.r.IntN(64))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

// decodeParallel decodes chunks on several goroutines, each chunk by a
// decoder picked at random, in a shuffled order, and returns the rows in
// chunk order with the number of rows of each chunk.
func decodeParallel(t *testing.T, src *Source, cs []pipeline.Chunk, r *rand.Rand) ([][]string, []int) {
	t.Helper()
	order := r.Perm(len(cs))
	results := make([][][]string, len(cs))
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for w := 0; w < 4; w++ {
		dec := src.NewDecoder()
		wg.Go(func() {
			for i := range jobs {
				rec, err := dec.Decode(context.Background(), cs[i])
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					continue
				}
				if rec != nil {
					results[i] = rowsOf(nil, rec)
					rec.Release()
				}
			}
		})
	}
	for _, i := range order {
		select {
		case jobs <- i:
		case <-time.After(10 * time.Second):
			t.Fatal("decoders stuck")
		}
	}
	close(jobs)
	wg.Wait()
	require.NoError(t, firstErr)
	rows := [][]string{}
	counts := make([]int, len(cs))
	for i, res := range results {
		rows = append(rows, res...)
		counts[i] = len(res)
	}
	return rows, counts
}

// csvReference reads text with encoding/csv and maps the records to what
// our reader produces modulo encoding/csv's conventions (see normalize).
func csvReference(t *testing.T, text string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	require.NoError(t, err)
	rows := [][]string{}
	for _, rec := range recs[1:] {
		row := append([]string(nil), rec...)
		for _, j := range []int{0, 2} {
			if row[j] == "" {
				row[j] = null
			} else if j == 2 {
				f, err := strconv.ParseFloat(row[j], 64)
				require.NoError(t, err)
				row[j] = strconv.FormatFloat(f, 'g', -1, 64)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// normalize maps our rows to encoding/csv's conventions: it cannot tell a
// null string from an empty one, and turns a quoted "\r\n" into "\n".
func normalize(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, row := range rows {
		out[i] = append([]string(nil), row...)
		for _, j := range []int{1, 3} {
			if out[i][j] == null {
				out[i][j] = ""
			}
			out[i][j] = strings.ReplaceAll(out[i][j], "\r\n", "\n")
		}
	}
	return out
}

func TestParallelEqualsSequential(t *testing.T) {
	sizes := []struct{ rows, bytes int }{{1, 16}, {2, 40}, {3, 64}, {5, 100}, {7, 200}, {7, 16}, {65536, 37}, {65536, 300}, {100, 2000}, {65536, 1 << 20}}
	lineEnds := map[string][]string{
		"lf-crlf":        {"\n", "\r\n"},
		"lf-crlf-crcrlf": {"\n", "\r\n", "\r\r\n"},
	}
	for name, ends := range lineEnds {
		for seed := uint64(1); seed <= 4; seed++ {
			r := rand.New(rand.NewPCG(seed, 7))
			plain := seed%2 == 0
			text, want := randomCSV(r, 300, ends, plain)
			for _, size := range sizes {
				t.Run("ends="+name+"/seed="+fmtInt(int64(seed))+"/rows="+itoa(size.rows)+"/bytes="+itoa(size.bytes), func(t *testing.T) {
					mem := checkedMem(t)
					opts := Options{Mem: mem, Schema: randomSpec, BatchRows: size.rows, BatchBytes: size.bytes}
					src, err := NewSource(t.Context(), []Input{{Name: "r.csv", R: &choppyReader{data: []byte(text), r: r}}}, opts)
					require.NoError(t, err)
					defer src.Close()
					cs := chunks(t, src)
					for i, c := range cs {
						off := int(c.Offset)
						require.Equal(t, text[off:off+len(c.Data)], string(c.Data), "chunk %d data", i)
						assert.Equal(t, int64(1+strings.Count(text[:off], "\n")), c.Line, "chunk %d line", i)
						assert.Zero(t, c.Rows, "chunk %d: the decoders count records", i)
					}
					got, counts := decodeParallel(t, src, cs, r)
					for i, c := range cs {
						assert.LessOrEqual(t, counts[i], size.rows, "chunk %d rows", i)
						if counts[i] > 1 && i < len(cs)-1 {
							assert.LessOrEqual(t, len(c.Data), size.bytes, "chunk %d bytes", i)
						}
					}
					assert.Equal(t, want, got, "parallel vs generator")

					_, seq, err := readString(t, text, Options{Mem: mem, Schema: randomSpec})
					require.NoError(t, err)
					assert.Equal(t, seq, got, "parallel vs sequential")
					if name == "lf-crlf" {
						assert.Equal(t, csvReference(t, text), normalize(got), "vs encoding/csv")
					}
				})
			}
		}
	}
}

func TestNoQuotesParallel(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	pieces := []string{"a", `"`, `""`, "Zoë", " ", "x y", "\r"}
	var sb strings.Builder
	sb.WriteString("k\tv\n")
	var want [][]string
	for i := 0; i < 400; i++ {
		var f [2]string
		for j := range f {
			for k := r.IntN(4); k > 0; k-- {
				f[j] += pieces[r.IntN(len(pieces))]
			}
			f[j] = strings.TrimRight(f[j], "\r") // a trailing CR is part of the line end
		}
		if f[0] == "" && f[1] == "" {
			f[0] = "z" // not a blank line
		}
		sb.WriteString(f[0] + "\t" + f[1] + []string{"\n", "\r\n", "\r\r\n"}[r.IntN(3)])
		row := []string{f[0], f[1]}
		for j := range row {
			if row[j] == "" {
				row[j] = null
			}
		}
		want = append(want, row)
	}
	text := sb.String()
	for _, size := range []struct{ rows, bytes int }{{1, 8}, {3, 40}, {7, 200}, {65536, 1 << 20}} {
		t.Run("rows="+itoa(size.rows)+"/bytes="+itoa(size.bytes), func(t *testing.T) {
			opts := Options{Mem: checkedMem(t), Delimiter: '\t', NoQuotes: true, BatchRows: size.rows, BatchBytes: size.bytes,
				Schema: textval.Spec{{Name: "k", Type: textval.KindString.DataType()}, {Name: "v", Type: textval.KindString.DataType()}}}
			src, err := NewSource(t.Context(), []Input{{R: &choppyReader{data: []byte(text), r: r}}}, opts)
			require.NoError(t, err)
			defer src.Close()
			cs := chunks(t, src)
			for i, c := range cs {
				assert.Equal(t, int64(1+strings.Count(text[:c.Offset], "\n")), c.Line, "chunk %d line", i)
			}
			got, _ := decodeParallel(t, src, cs, r)
			assert.Equal(t, want, got)
		})
	}
}
