package csvin

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/samples/gen"
)

// checkCut compares cutBytes with the record-by-record scan (scanFor) on
// one buffer: when cutBytes takes the chunk, both must cut at the same
// place with the same lines, and cutBytes must count the same records or,
// when it did not count them (fewer lines than maxRows), give the lines as
// their bound. It reports whether cutBytes took the chunk.
func checkCut(t testing.TB, buf []byte, maxRows, maxBytes int, final, noQuotes bool) bool {
	fast := splitter{buf: buf, noQuotes: noQuotes}
	if !fast.cutBytes(maxRows, maxBytes, final) {
		return false
	}
	// scanFor may not call the chunk full yet (it has not seen where the
	// next record ends), but it cuts at the same place: a record ending
	// later ends beyond maxBytes.
	slow := splitter{buf: buf, noQuotes: noQuotes}
	slow.scanFor(maxRows, maxBytes)
	wantRows := slow.rows
	if fast.cutLines < int64(maxRows) {
		wantRows = int(fast.cutLines)
	}
	if fast.cut != slow.cut || fast.cutLines != slow.cutLines || fast.rows != wantRows || slow.rows > fast.rows {
		t.Fatalf("%q (maxRows %d, maxBytes %d, final %v, noQuotes %v): cutBytes cut %d bytes, %d lines, %d records; scanFor %d, %d, %d",
			buf, maxRows, maxBytes, final, noQuotes, fast.cut, fast.cutLines, fast.rows, slow.cut, slow.cutLines, slow.rows)
	}
	return true
}

func TestCutBytesMatchesScan(t *testing.T) {
	// randomCSV puts blank lines in, which cutBytes leaves to scanFor
	// when it must count records; benchData has none, and quoted
	// newlines, "" and commas.
	inputs := map[string]string{
		"bench-lf":   string(benchData(300)),
		"bench-crlf": strings.ReplaceAll(string(benchData(300)), "\n", "\r\n"),
	}
	for seed := uint64(1); seed <= 4; seed++ {
		r := rand.New(rand.NewPCG(seed, 11))
		inputs["random-lf-"+itoa(int(seed))], _ = randomCSV(r, 200, []string{"\n"}, seed%2 == 0)
		inputs["random-mixed-"+itoa(int(seed))], _ = randomCSV(r, 200, []string{"\n", "\r\n", "\r\r\n"}, seed%2 == 0)
	}
	for name, text := range inputs {
		buf := []byte(text)
		for _, noQuotes := range []bool{false, true} {
			t.Run("input="+name+"/noquotes="+boolStr(noQuotes), func(t *testing.T) {
				r := rand.New(rand.NewPCG(uint64(len(buf)), 5))
				took := 0
				for range 400 {
					maxBytes := 1 + r.IntN(len(buf)+20)
					maxRows := []int{1, 3, 10, 65536}[r.IntN(4)]
					if checkCut(t, buf, maxRows, maxBytes, r.IntN(2) == 0, noQuotes) {
						took++
					}
				}
				if strings.HasPrefix(name, "bench") {
					// Not vacuous: without blank lines many cuts go
					// the fast way.
					assert.Greater(t, took, 50, "cutBytes took few chunks")
				}
			})
		}
	}
}

func TestCutBytesCases(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		maxRows  int
		maxBytes int
		final    bool
		took     bool
		cut      int
		rows     int
	}{
		{name: "last record end within maxBytes", in: "a,b\nc,d\ne,f\n", maxRows: 100, maxBytes: 9, took: true, cut: 8, rows: 2},
		{name: "maxBytes at a record end", in: "a,b\nc,d\ne,f\n", maxRows: 100, maxBytes: 8, took: true, cut: 8, rows: 2},
		{name: "quoted newline is not a record end", in: "\"a\nb\",c\nd,e\n", maxRows: 100, maxBytes: 7, took: false},
		{name: "quoted newline counts as a line: records not counted", in: "\"a\nb\",c\nd,e\nf\n", maxRows: 100, maxBytes: 13, took: true, cut: 12, rows: 3},
		{name: "quoted newline counts as a line only", in: "\"a\nb\",c\nd,e\nf\n", maxRows: 3, maxBytes: 13, took: true, cut: 12, rows: 2},
		{name: "doubled quotes", in: "\"a\"\"\nb\",c\nd\n", maxRows: 3, maxBytes: 12, took: true, cut: 12, rows: 2},
		{name: "record longer than maxBytes", in: "abcdefgh\nx\n", maxRows: 100, maxBytes: 4, took: false},
		{name: "too many records", in: "a\nb\nc\nd\n", maxRows: 3, maxBytes: 8, took: false},
		{name: "blank line: records not counted", in: "a\n\nb\n", maxRows: 100, maxBytes: 5, took: true, cut: 5, rows: 3},
		{name: "blank line where records are counted", in: "a\n\nb\n", maxRows: 3, maxBytes: 5, took: false},
		{name: "blank CRLF line where records are counted", in: "a\r\n\r\nb\r\n", maxRows: 2, maxBytes: 8, took: false},
		{name: "leading blank line", in: "\na\nb\n", maxRows: 100, maxBytes: 5, took: false},
		{name: "short buffer waits", in: "a\nb\n", maxRows: 100, maxBytes: 10, took: false},
		{name: "short buffer at the end", in: "a\nb\n", maxRows: 100, maxBytes: 10, final: true, took: true, cut: 4, rows: 2},
		{name: "last record without line end", in: "a\nb", maxRows: 100, maxBytes: 10, final: true, took: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := splitter{buf: []byte(tt.in)}
			require.Equal(t, tt.took, sp.cutBytes(tt.maxRows, tt.maxBytes, tt.final))
			if tt.took {
				assert.Equal(t, tt.cut, sp.cut, "cut")
				assert.Equal(t, tt.rows, sp.rows, "rows")
				assert.Equal(t, int64(strings.Count(tt.in[:tt.cut], "\n")), sp.cutLines, "lines")
			} else {
				assert.Zero(t, sp.scan, "state unchanged")
			}
			checkCut(t, []byte(tt.in), tt.maxRows, tt.maxBytes, tt.final, false)
		})
	}
}

// FuzzCutBytes checks cutBytes against scanFor on arbitrary input.
func FuzzCutBytes(f *testing.F) {
	f.Add([]byte("a,b\n\"x\ny\",2\n\n3,4\r\n"), uint8(3), uint16(9))
	f.Add([]byte("\"a\"\"\nb\",c\nd\n"), uint8(200), uint16(13))
	f.Fuzz(func(t *testing.T, in []byte, rows uint8, size uint16) {
		final := rows&0x80 != 0
		noQuotes := rows&0x40 != 0
		checkCut(t, in, 1+int(rows&0x3f), 1+int(size), final, noQuotes)
	})
}

func TestLineEndAfterNewline(t *testing.T) {
	// It must find every "\n\n" and "\n\r"; it may also report a '\n' or
	// '\v' followed by another byte up to 0x10.
	maybe := func(b []byte) bool {
		for i := 0; i+1 < len(b); i++ {
			if (b[i] == '\n' || b[i] == '\v') && b[i+1] <= 0x10 {
				return true
			}
		}
		return false
	}
	r := rand.New(rand.NewPCG(3, 3))
	alphabet := []byte("ab,\"\n\r\t\v\x00\x10\x11")
	exact := 0
	for range 20000 {
		b := make([]byte, r.IntN(150))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
			if r.IntN(3) > 0 && b[i] < ' ' {
				b[i] = 'x' // keep control bytes sparse, so that both answers occur
			}
		}
		want := bytes.Contains(b, []byte("\n\n")) || bytes.Contains(b, []byte("\n\r"))
		got := lineEndAfterNewline(b)
		if want {
			require.True(t, got, "%q", b)
		} else if got {
			require.True(t, maybe(b), "false positive in %q", b)
		} else {
			exact++
		}
	}
	assert.Greater(t, exact, 1000, "cases without a line end after a newline")
	// Each position of a 64-byte block, and across blocks.
	for i := 0; i < 140; i++ {
		for _, pair := range []string{"\n\n", "\n\r", "\r\n", "\na", "\n\r\n"} {
			b := bytes.Repeat([]byte("x"), 144)
			copy(b[i:], pair)
			want := pair == "\n\n" || pair == "\n\r" || pair == "\n\r\n"
			assert.Equal(t, want, lineEndAfterNewline(b[:i+len(pair)]), "%q ending the text at %d", pair, i)
			assert.Equal(t, want, lineEndAfterNewline(b), "%q at %d", pair, i)
		}
	}
}

// BenchmarkCut cuts one default-sized chunk record by record (scanFor)
// and with whole-chunk passes (cutBytes), of benchData (a quoted field in
// a third of the records) and of samples/gen's orders (one in ~20).
func BenchmarkCut(b *testing.B) {
	var orders bytes.Buffer
	if err := gen.Write(b.Context(), &orders, gen.Options{Rows: 40000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	inputs := []struct {
		name string
		data []byte
	}{{"bench", benchData(40000)}, {"gen", orders.Bytes()}}
	for _, in := range inputs {
		for _, method := range []string{"scan", "bytes"} {
			b.Run("data="+in.name+"/method="+method, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(DefaultBatchBytes)
				for b.Loop() {
					sp := splitter{buf: in.data}
					if method == "scan" {
						sp.scanFor(DefaultBatchRows, DefaultBatchBytes)
					} else if !sp.cutBytes(DefaultBatchRows, DefaultBatchBytes, false) {
						b.Fatal("cutBytes did not cut")
					}
				}
			})
		}
	}
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
