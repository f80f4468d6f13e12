package input

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/arrowpipe/arrowpipe/stages/format"
)

// ErrNotSeekable is returned when a format that needs random access (Parquet)
// is read from a pipe or a compressed stream.
var ErrNotSeekable = errors.New("input: format needs a seekable regular file, not a pipe or a compressed stream")

var (
	arrowFileMagic     = []byte("ARROW1")
	arrowContinuation  = []byte{0xff, 0xff, 0xff, 0xff}
	parquetMagic       = []byte("PAR1")
	utf8ByteOrderMark  = []byte{0xef, 0xbb, 0xbf}
	jsonWhitespaceCuts = " \t\r\n"
)

// Sniff guesses the format from the first (decompressed) bytes of an input:
// an Arrow IPC stream starts with the 0xFFFFFFFF continuation marker, an
// Arrow file with "ARROW1", Parquet with "PAR1"; a first non-space byte '{'
// means NDJSON; otherwise the text is TSV if its first line has a tab and no
// comma, else CSV. An empty peek is CSV.
func Sniff(peek []byte) format.Format {
	switch {
	case bytes.HasPrefix(peek, arrowContinuation):
		return format.ArrowStream
	case bytes.HasPrefix(peek, arrowFileMagic):
		return format.ArrowFile
	case bytes.HasPrefix(peek, parquetMagic):
		return format.Parquet
	}
	text := bytes.TrimPrefix(peek, utf8ByteOrderMark)
	if t := bytes.TrimLeft(text, jsonWhitespaceCuts); len(t) > 0 && t[0] == '{' {
		return format.NDJSON
	} else if len(t) > 0 && t[0] == '[' {
		// A JSON array of objects (or an empty one): jsonin reads it.
		if u := bytes.TrimLeft(t[1:], jsonWhitespaceCuts); len(u) > 0 && (u[0] == '{' || u[0] == ']') {
			return format.NDJSON
		}
	}
	line := text
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	if bytes.IndexByte(line, '\t') >= 0 && bytes.IndexByte(line, ',') < 0 {
		return format.TSV
	}
	return format.CSV
}

// DetectFormat decides the format of the input at path: from forced (the
// --from flag) when it is not empty, else from the file name's extension,
// else from the first bytes in peek (see Sniff); a compression that
// format.CheckCompression refuses (x.csv.bz2) is an error wrapping
// format.ErrPath. Arrow IPC is refined by
// peek: a file named .arrow that holds the stream format is
// format.ArrowStream, and the other way round. Parquet read from standard
// input ("-" or "") is ErrNotSeekable. It reads nothing and is cheap.
func DetectFormat(path string, forced string, peek []byte) (format.Format, error) {
	var f format.Format
	switch {
	case forced != "":
		var err error
		if f, err = format.Parse(forced); err != nil {
			return format.Unknown, err
		}
	case IsStdin(path):
		f = Sniff(peek)
	default:
		if err := format.CheckCompression(path); err != nil {
			return format.Unknown, err
		}
		if f, _ = format.FromPath(path); f == format.Unknown {
			f = Sniff(peek)
		}
	}
	if f == format.ArrowFile || f == format.ArrowStream {
		switch {
		case bytes.HasPrefix(peek, arrowFileMagic):
			f = format.ArrowFile
		case bytes.HasPrefix(peek, arrowContinuation):
			f = format.ArrowStream
		}
	}
	if f == format.Parquet && IsStdin(path) {
		return f, fmt.Errorf("%s: parquet: %w", DisplayName(path), ErrNotSeekable)
	}
	return f, nil
}
