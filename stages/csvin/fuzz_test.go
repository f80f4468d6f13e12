package csvin

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// FuzzDecode reads arbitrary input with tiny chunks. It must never panic or
// leak, every chunk must start where the previous one ended, and on input
// that encoding/csv reads without error (no carriage returns, valid UTF-8,
// at least a header) we must read the same number of records without error,
// plus, with one column, the blank lines after the header, which
// encoding/csv skips and we read as nulls (as DuckDB does).
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"a,b\n1,2\n",
		"a,b\r\n\"x,\"\"y\"\"\nz\",2\r\n",
		"h\n\"unterminated\n",
		"a,b\n1,2,3\n",
		"\xEF\xBB\xBFa\n\n\nx",
		"a,b\n\"\",\n",
		"a\n\"x\"y\n",
		"x,y\n2026-01-02T03:04:05Z,1.5\n2026-01-02,7\n",
		"x;y\nNaN;2026-01-02 03:04:05+00\n-inf;2026-01-02 03:04:05\n",
		"a\tb\n\"q\\t\tx\\\\y\\n\n",
	} {
		f.Add([]byte(s), uint8(3), uint8(40))
	}
	f.Fuzz(func(t *testing.T, in []byte, batchRows, batchBytes uint8) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		// The high bit of batchRows reads without quoting; the next one
		// reads TSV with escapes, the next sniffs the delimiter.
		noQuotes := batchRows&0x80 != 0
		tsv := batchRows&0x40 != 0
		delim := byte(',')
		if batchRows&0x20 != 0 {
			delim = 0
		}
		opts := Options{Mem: mem, BatchRows: 1 + int(batchRows%8), BatchBytes: 1 + int(batchBytes), SampleRows: 1 << 20, NoQuotes: noQuotes, TSV: tsv, Delimiter: delim}
		rows, err := fuzzRead(ctx, in, opts)

		if noQuotes || tsv || delim == 0 || bytes.IndexByte(in, '\r') >= 0 || !utf8.Valid(in) {
			return
		}
		// We remove a byte order mark; encoding/csv keeps it as data.
		ref := bytes.TrimPrefix(in, []byte("\xEF\xBB\xBF"))
		recs, cerr := csv.NewReader(bytes.NewReader(ref)).ReadAll()
		if cerr != nil || len(recs) == 0 || repeatsName(recs[0]) {
			return
		}
		if err != nil {
			t.Fatalf("encoding/csv reads %d records, we fail: %v", len(recs), err)
		}
		want := len(recs) - 1
		if len(recs[0]) == 1 {
			want += blankLinesAfterHeader(ref)
		}
		if rows != want {
			t.Fatalf("encoding/csv reads %d data records (and blank lines where one column), we read %d", want, rows)
		}
		// The same input with lone-CR line ends (classic Mac OS) has the
		// same records (a newline inside quotes becomes a CR there, and
		// stays data).
		opts.Mem = mem
		crRows, err := fuzzRead(ctx, bytes.ReplaceAll(in, []byte("\n"), []byte("\r")), opts)
		if err != nil || crRows != rows {
			t.Fatalf("with CR line ends we read %d records (%v), with LF %d", crRows, err, rows)
		}
	})
}

func fuzzRead(ctx context.Context, in []byte, opts Options) (int, error) {
	src, err := NewSource(ctx, []Input{{Name: "fuzz", R: bytes.NewReader(in)}}, opts)
	if err != nil {
		return 0, err
	}
	defer src.Close()
	dec := src.NewDecoder()
	rows := 0
	next := int64(0)
	for {
		c, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		if c.Offset < next {
			panic("chunks overlap")
		}
		next = c.Offset + int64(len(c.Data))
		rec, err := dec.Decode(ctx, c)
		if err != nil {
			return rows, err
		}
		if c.Rows != 0 {
			panic("a chunk counts its records")
		}
		if rec != nil {
			rows += int(rec.NumRows())
			rec.Release()
		}
	}
}

// blankLinesAfterHeader counts the empty lines (outside quotes) after the
// first non-empty line of in, which has no '\r'.
func blankLinesAfterHeader(in []byte) int {
	n := 0
	inQuote, header := false, false
	lineStart := 0
	for i, c := range in {
		switch {
		case c == '"':
			inQuote = !inQuote
		case c == '\n' && !inQuote:
			if i == lineStart && header {
				n++
			}
			if i > lineStart {
				header = true
			}
			lineStart = i + 1
		}
	}
	return n
}

// repeatsName reports whether a header has a repeated column name (after
// naming empty ones c<i>), which we reject and encoding/csv does not.
func repeatsName(header []string) bool {
	seen := map[string]bool{}
	for i, h := range header {
		if h == "" {
			h = "c" + itoa(i+1)
		}
		if seen[h] {
			return true
		}
		seen[h] = true
	}
	return false
}
