package gen

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func generate(t *testing.T, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, Write(context.Background(), &buf, opts))
	return buf.Bytes()
}

func TestDeterministicAcrossWorkerCounts(t *testing.T) {
	for _, format := range []Format{CSV, NDJSON} {
		want := generate(t, Options{Rows: 40000, Seed: 7, Format: format, Workers: 1})
		for _, workers := range []int{2, 3, 8} {
			t.Run(fmt.Sprintf("format=%s/workers=%d", format, workers), func(t *testing.T) {
				got := generate(t, Options{Rows: 40000, Seed: 7, Format: format, Workers: workers})
				assert.Equal(t, want, got)
			})
		}
	}
	a := generate(t, Options{Rows: 100, Seed: 1})
	b := generate(t, Options{Rows: 100, Seed: 2})
	assert.NotEqual(t, a, b, "different seeds give different data")
}

func TestCSVIsValidAndShaped(t *testing.T) {
	data := generate(t, Options{Rows: 50000, Seed: 3})
	r := csv.NewReader(bytes.NewReader(data))
	records, err := r.ReadAll()
	require.NoError(t, err)
	require.Len(t, records, 50001)
	assert.Equal(t, strings.Split(strings.TrimSpace(Header), ","), records[0])
	var quoted, nullDiscount int
	for i, rec := range records[1:] {
		id, err := strconv.ParseInt(rec[0], 10, 64)
		require.NoError(t, err)
		require.Equal(t, int64(i+1), id)
		ts, err := time.Parse(time.RFC3339, rec[1])
		require.NoError(t, err, "row %d", i)
		assert.Equal(t, time.Unix(base+id*3, 0).UTC().Truncate(time.Second).Year(), ts.Year())
		delta := ts.Unix() - (base + id*3)
		require.True(t, delta >= 0 && delta < 3, "row %d: ts %s off by %d s", i, rec[1], delta)
		_, err = strconv.ParseFloat(rec[5], 64)
		require.NoError(t, err)
		if rec[6] == "" {
			nullDiscount++
		} else {
			d, err := strconv.ParseFloat(rec[6], 64)
			require.NoError(t, err)
			require.True(t, d > 0 && d <= 0.3)
		}
		if strings.ContainsAny(rec[7], ",\"\n") {
			quoted++
		}
	}
	assert.InDelta(t, 0.7, float64(nullDiscount)/50000, 0.02)
	assert.Positive(t, quoted, "some notes need quoting")
}

func TestNDJSONLinesParse(t *testing.T) {
	data := generate(t, Options{Rows: 20000, Seed: 4, Format: NDJSON})
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	require.Len(t, lines, 20000)
	csvData := generate(t, Options{Rows: 20000, Seed: 4})
	records, err := csv.NewReader(bytes.NewReader(csvData)).ReadAll()
	require.NoError(t, err)
	for i, line := range lines {
		var obj map[string]any
		require.NoError(t, json.Unmarshal(line, &obj), "line %d", i+1)
		rec := records[i+1]
		require.Equal(t, rec[2], obj["region"])
		if rec[7] == "" {
			assert.Nil(t, obj["note"])
		} else {
			// encoding/csv turns a quoted \r\n into \n.
			require.Equal(t, rec[7], strings.ReplaceAll(obj["note"].(string), "\r\n", "\n"), "line %d", i+1)
		}
	}
}

func TestTimestampMatchesTimePackage(t *testing.T) {
	for _, sec := range []int64{0, base, base + 86399, 951782400 /* 2000-02-29 */, 4102444800} {
		want := time.Unix(sec, 0).UTC().Format(time.RFC3339)
		assert.Equal(t, want, string(appendTimestamp(nil, sec)))
	}
}

func BenchmarkWrite(b *testing.B) {
	for _, format := range []Format{CSV, NDJSON} {
		b.Run("format="+string(format), func(b *testing.B) {
			var n countingWriter
			for i := 0; i < b.N; i++ {
				n = 0
				if err := Write(context.Background(), &n, Options{Rows: 200000, Seed: 1, Format: format}); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(n))
		})
	}
}

type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
