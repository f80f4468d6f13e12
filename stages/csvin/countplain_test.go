package csvin

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countPlainByLines is countPlain's contract written line by line: lines
// ended by '\n' are taken while they are blank (a record with one column,
// want 0; nothing otherwise), or plain with want delimiters.
func countPlainByLines(data []byte, pos int, delim byte, quoting bool, want int) (next, records int, lines int64) {
	for {
		k := bytes.IndexByte(data[pos:], '\n')
		if k < 0 {
			return pos, records, lines
		}
		line := data[pos : pos+k]
		switch {
		case quoting && bytes.IndexByte(line, '"') >= 0:
			return pos, records, lines
		case len(line) == 0 || string(line) == "\r":
			if want == 0 {
				records++
			}
		case bytes.Count(line, []byte{delim}) == want:
			records++
		default:
			return pos, records, lines
		}
		lines++
		pos += k + 1
	}
}

func TestCountPlain(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		pos     int
		want    int
		quoting bool
		next    int
		records int
		lines   int64
	}{
		{name: "plain records", data: "a,b,c\nd,e,f\ngh,i,j\n12345678", want: 2, next: 19, records: 3, lines: 3},
		{name: "the last record needs its newline", data: "a,b,c\nd,e,f", want: 2, next: 6, records: 1, lines: 1},
		{name: "stops at a short record", data: "a,b,c\nd,e\ng,h,i\n12345678", want: 2, next: 6, records: 1, lines: 1},
		{name: "stops at a long record", data: "a,b,c\nd,e,f,g\n12345678", want: 2, next: 6, records: 1, lines: 1},
		{name: "stops at a quote", data: "a,b,c\n\"d\",e,f\ng,h,i\n12345678", want: 2, quoting: true, next: 6, records: 1, lines: 1},
		{name: "a quote is data without quoting", data: "a,b,c\n\"d\",e,f\ng,h,i\n12345678", want: 2, next: 20, records: 3, lines: 3},
		{name: "blank and CR-only lines are skipped", data: "a,b\n\n\r\nc,d\r\n1234567", want: 1, next: 12, records: 2, lines: 4},
		{name: "a long bad record after a good one", data: "a,b\nc,d,e,f,g\n", want: 1, next: 4, records: 1, lines: 1},
		{name: "from an offset", data: "xx\na,b\nc,d\n12345678", pos: 3, want: 1, next: 11, records: 2, lines: 2},
		{name: "shorter than a word", data: "a,b\n", want: 1, next: 4, records: 1, lines: 1},
		{name: "one field: a blank line is a null", data: "a\nb\n\nc\n\r\n12345678", want: 0, next: 9, records: 5, lines: 5},
		{name: "delimiters across words", data: "aaaaaaa,bbbbbbbbbbbbbbbbbbb,c\nd,e,f\n12345678", want: 2, next: 36, records: 2, lines: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next, records, lines := countPlain([]byte(tt.data), tt.pos, ',', tt.quoting, tt.want)
			assert.Equal(t, []any{tt.next, tt.records, tt.lines}, []any{next, records, lines})
			next, records, lines = countPlainByLines([]byte(tt.data), tt.pos, ',', tt.quoting, tt.want)
			assert.Equal(t, []any{tt.next, tt.records, tt.lines}, []any{next, records, lines}, "reference")
		})
	}
}

// TestCountPlainMatchesLineByLine compares countPlain with its line-by-line
// contract on random text built from the bytes it looks for.
func TestCountPlainMatchesLineByLine(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab,,\t\n\n\r\"")
	for i := range 5000 {
		n := rng.IntN(120)
		data := make([]byte, n)
		for j := range data {
			data[j] = alphabet[rng.IntN(len(alphabet))]
		}
		pos := 0
		if n > 0 {
			pos = rng.IntN(n)
		}
		delim := byte(',')
		if i%3 == 0 {
			delim = '\t'
		}
		quoting := i%2 == 0
		want := rng.IntN(3)
		gn, gr, gl := countPlain(data, pos, delim, quoting, want)
		wn, wr, wl := countPlainByLines(data, pos, delim, quoting, want)
		require.Equal(t, []any{wn, wr, wl}, []any{gn, gr, gl}, "data %q pos %d delim %q quoting %v want %d", data, pos, delim, quoting, want)
	}
}
