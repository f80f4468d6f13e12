package csvin

import (
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCRLineEnds reads inputs whose lines end with a lone '\r' (classic Mac
// OS; DuckDB also reads '\r' as a line end): every record is found, in the
// decoders, the splitter (bytes arriving one at a time or all at once, small
// and large batches) and the count path, and a '\r' inside quotes stays
// data.
func TestCRLineEnds(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want [][]string
	}{
		{"plain", "a,b\r1,2\r3,4\r", [][]string{{"1", "2"}, {"3", "4"}}},
		{"no final line end", "a,b\r1,2\r3,4", [][]string{{"1", "2"}, {"3", "4"}}},
		{"blank lines", "a,b\r\r1,2\r\r\r3,4\r", [][]string{{"1", "2"}, {"3", "4"}}},
		{"quoted CR stays data", "a,b\r\"x\ry\",2\r\"p\r\nq\",3\r", [][]string{{"x\ry", "2"}, {"p\r\nq", "3"}}},
		{"quoted CR in header", "\"a\rb\",c\r1,2\r", [][]string{{"1", "2"}}},
		{"mixed with CRLF", "a,b\r1,2\r\n3,4\r", [][]string{{"1", "2"}, {"3", "4"}}},
		{"CRLF stays one line end", "a,b\r\n1,2\r\n3,4\r\n", [][]string{{"1", "2"}, {"3", "4"}}},
		{"CRCRLF stays one line end", "a,b\r\r\n1,2\r\r\n", [][]string{{"1", "2"}}},
		{"bom", "\xEF\xBB\xBFa,b\r1,2\r", [][]string{{"1", "2"}}},
		{"one column: a blank line is a null", "a\r1\r\r2\r", [][]string{{"1"}, {null}, {"2"}}},
		{"one column: CRs to the end", "a\r\r", [][]string{{null}}},
	}
	for _, tt := range tests {
		for _, oneByte := range []bool{false, true} {
			for _, rows := range []int{1, 1000} {
				name := tt.name + "/onebyte=" + strconv.FormatBool(oneByte) + "/batchrows=" + strconv.Itoa(rows)
				t.Run(name, func(t *testing.T) {
					var r io.Reader = strings.NewReader(tt.in)
					if oneByte {
						r = iotest.OneByteReader(r)
					}
					_, got, err := readAll(t, []Input{{Name: "mac.csv", R: r}}, Options{BatchRows: rows, Mem: checkedMem(t)})
					require.NoError(t, err)
					assert.Equal(t, tt.want, got)
					// The count path (no column decoded) agrees.
					r = strings.NewReader(tt.in)
					if oneByte {
						r = iotest.OneByteReader(r)
					}
					schema, counted, err := readProjected(t, []Input{{Name: "mac.csv", R: r}}, Options{BatchRows: rows, Mem: checkedMem(t)}, []string{})
					require.NoError(t, err)
					assert.Equal(t, 0, schema.NumFields())
					assert.Len(t, counted, len(tt.want))
				})
			}
		}
	}
}

// TestCRLineEndsRandom writes random records with lone-'\r' line ends (a
// reference writer here quotes every field that holds a delimiter, quote,
// '\r' or '\n') and checks that they read back, at several batch sizes,
// with their line numbers counted in '\r's.
func TestCRLineEndsRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "b", "1", ",", "\"", "\r", "\n", " "}
	for round := range 200 {
		ncols := 1 + r.IntN(3)
		var b strings.Builder
		var want [][]string
		for i := range ncols {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("c" + strconv.Itoa(i))
		}
		b.WriteByte('\r')
		for range r.IntN(40) {
			row := make([]string, ncols)
			for j := range row {
				var f strings.Builder
				f.WriteString("v") // never empty (a null), always a string
				for range r.IntN(4) {
					f.WriteString(alphabet[r.IntN(len(alphabet))])
				}
				row[j] = f.String()
				if j > 0 {
					b.WriteByte(',')
				}
				if strings.ContainsAny(row[j], ",\"\r\n") {
					b.WriteString("\"" + strings.ReplaceAll(row[j], "\"", "\"\"") + "\"")
				} else {
					b.WriteString(row[j])
				}
			}
			b.WriteByte('\r')
			want = append(want, row)
		}
		in := b.String()
		for _, bytes := range []int{16, 1 << 20} {
			_, got, err := readAll(t, []Input{{Name: "r.csv", R: iotest.HalfReader(strings.NewReader(in))}},
				Options{BatchBytes: bytes, Mem: checkedMem(t)})
			require.NoError(t, err, "round %d: %q", round, in)
			if want == nil {
				want = [][]string{}
			}
			require.Equal(t, want, got, "round %d: %q", round, in)
		}
	}
}

// TestCRLineEndsErrorLine checks that a bad record of a lone-'\r' input is
// reported at its line, counting '\r' line ends.
func TestCRLineEndsErrorLine(t *testing.T) {
	_, _, err := readString(t, "a,b\r1,2\r3\r", Options{Mem: checkedMem(t)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "in.csv:3:")
	assert.ErrorIs(t, err, ErrFieldCount)
}
