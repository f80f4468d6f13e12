package cluster

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// csvText makes CSV with a header, quoted fields holding newlines, CRLF
// line ends (crlf), quotes and delimiters.
func csvText(rng *rand.Rand, rows int, crlf bool) string {
	eol := "\n"
	if crlf {
		eol = "\r\n"
	}
	var b strings.Builder
	b.WriteString("id,\"na\nme\",note" + eol)
	for i := range rows {
		note := fmt.Sprintf("n%d", rng.IntN(1000))
		switch rng.IntN(4) {
		case 0:
			note = fmt.Sprintf("\"a\nb \"\"q\"\", %d\r\nc\"", i)
		case 1:
			note = "\"\""
		}
		fmt.Fprintf(&b, "%d,%s,%s%s", i, strings.Repeat("x", rng.IntN(30)), note, eol)
	}
	return b.String()
}

// recordEnds returns the offsets just after each record, by encoding/csv.
func recordEnds(t *testing.T, data string) map[int64]bool {
	r := csv.NewReader(strings.NewReader(data))
	r.FieldsPerRecord = -1
	ends := map[int64]bool{}
	for {
		_, err := r.Read()
		if err == io.EOF {
			return ends
		}
		require.NoError(t, err)
		ends[r.InputOffset()] = true
	}
}

// The ranges cover the file in order, each at least size bytes (but the
// last), each cut just after a record as encoding/csv reads them, with the
// header's length and each start's line number, whatever the reads'
// sizes.
func TestCutterCutsAtRecordEnds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, crlf := range []bool{false, true} {
		data := csvText(rng, 300, crlf)
		ends := recordEnds(t, data)
		headerEnd := int64(strings.Index(data, "note") + len("note") + 1)
		if crlf {
			headerEnd++
		}
		for _, size := range []int64{1, 7, 100, 1000, int64(len(data)) - 50} {
			for _, feed := range []int{1, 3, 64, 1 << 20} {
				t.Run(fmt.Sprintf("crlf=%v/size=%d/feed=%d", crlf, size, feed), func(t *testing.T) {
					c := newCutter(size, true, true)
					for b := []byte(data); len(b) > 0; {
						n := min(feed, len(b))
						c.feed(b[:n])
						b = b[n:]
					}
					rs := c.finish()
					require.NotEmpty(t, rs)
					var next int64
					for i, r := range rs {
						assert.Equal(t, next, r.Start)
						assert.True(t, ends[r.End], "range %d ends at %d, not after a record", i, r.End)
						assert.Equal(t, int64(strings.Count(data[:r.Start], "\n")+1), r.Line)
						if i > 0 {
							assert.Equal(t, headerEnd, r.Header)
						} else {
							assert.Zero(t, r.Header)
						}
						if i < len(rs)-1 {
							assert.GreaterOrEqual(t, r.End-max(r.Start, headerEnd*int64(min(i, 1))), min(size, r.End-r.Start))
						}
						next = r.End
					}
					assert.Equal(t, int64(len(data)), next)
				})
			}
		}
	}
}

func TestSplitText(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(data), 0o644))
		return p
	}
	rng := rand.New(rand.NewPCG(3, 4))
	data := csvText(rng, 200, false)
	for name, tc := range map[string]struct {
		data  string
		split bool
	}{
		"csv":          {data, true},
		"small":        {data[:strings.Index(data, "\n")+1], false},
		"blank-first":  {"\n" + data, false},
		"cr-lines":     {strings.ReplaceAll(data, "\n", "\r"), false},
		"gzip-magic":   {"\x1f\x8b" + data, false},
		"crlf":         {strings.ReplaceAll(data, "\n", "\r\n"), true},
		"ndjson-lines": {strings.Repeat("{\"a\":1}\n", 500), true},
	} {
		t.Run(name, func(t *testing.T) {
			rs, err := splitText(context.Background(), write(name, tc.data), 256, true, true)
			require.NoError(t, err)
			assert.Equal(t, tc.split, rs != nil)
			if rs != nil {
				var all bytes.Buffer
				for _, r := range rs {
					all.WriteString(tc.data[r.Start:r.End])
				}
				assert.Equal(t, tc.data, all.String())
			}
		})
	}
}

// FuzzCutter: whatever the bytes, size and read size, the ranges cover
// the input in order, and each cut but the last is just after a newline
// with an even number of quotes before it (a header, when asked for,
// likewise).
func FuzzCutter(f *testing.F) {
	f.Add([]byte("a,b\n1,\"x\ny\"\n2,3\r\n"), uint16(3), uint8(2), true)
	f.Add([]byte("\"\"\"\n\n\"\n"), uint16(1), uint8(1), false)
	f.Fuzz(func(t *testing.T, data []byte, size uint16, feed uint8, header bool) {
		c := newCutter(int64(size)+1, true, header)
		for b := data; len(b) > 0; {
			n := min(int(feed)+1, len(b))
			c.feed(b[:n])
			b = b[n:]
		}
		boundary := func(at int64) bool {
			return at > 0 && data[at-1] == '\n' && bytes.Count(data[:at], quote)%2 == 0
		}
		rs := c.finish()
		if rs == nil {
			return
		}
		var next int64
		for i, r := range rs {
			if r.Start != next || r.End <= r.Start || (i < len(rs)-1 && !boundary(r.End)) {
				t.Fatalf("range %d %+v after %d", i, r, next)
			}
			if r.Line != int64(bytes.Count(data[:r.Start], newline))+1 {
				t.Fatalf("range %d %+v: line", i, r)
			}
			if i > 0 && header && (!boundary(r.Header) || r.Header > r.Start) {
				t.Fatalf("range %d %+v: header", i, r)
			}
			next = r.End
		}
		if next != int64(len(data)) {
			t.Fatalf("ranges end at %d of %d", next, len(data))
		}
	})
}
