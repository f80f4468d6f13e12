package input

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// A Format is a table format that arrowpipe reads or writes.
type Format int

// The formats. FormatArrowFile is the Arrow IPC file format (random access,
// "ARROW1" magic); FormatArrowStream is the IPC stream format.
const (
	FormatUnknown Format = iota
	FormatCSV
	FormatTSV
	FormatNDJSON
	FormatArrowStream
	FormatArrowFile
	FormatParquet
)

var formatNames = [...]string{
	FormatUnknown:     "unknown",
	FormatCSV:         "csv",
	FormatTSV:         "tsv",
	FormatNDJSON:      "ndjson",
	FormatArrowStream: "arrows",
	FormatArrowFile:   "arrow",
	FormatParquet:     "parquet",
}

// String returns the format's --from name.
func (f Format) String() string {
	if f < 0 || int(f) >= len(formatNames) {
		return fmt.Sprintf("Format(%d)", int(f))
	}
	return formatNames[f]
}

// ErrUnknownFormat is returned for a --from name that names no format.
var ErrUnknownFormat = errors.New("input: unknown format")

// ErrNotSeekable is returned when a format that needs random access (Parquet)
// is read from a pipe or a compressed stream.
var ErrNotSeekable = errors.New("input: format needs a seekable regular file, not a pipe or a compressed stream")

// ParseFormat parses a --from or --to name: csv, tsv, ndjson (or jsonl,
// json), arrow (IPC file), arrows (IPC stream; also "ipc", "stream") or
// parquet. Names are case-insensitive.
func ParseFormat(name string) (Format, error) {
	switch strings.ToLower(name) {
	case "csv":
		return FormatCSV, nil
	case "tsv":
		return FormatTSV, nil
	case "ndjson", "jsonl", "json":
		return FormatNDJSON, nil
	case "arrow", "feather":
		return FormatArrowFile, nil
	case "arrows", "ipc", "stream":
		return FormatArrowStream, nil
	case "parquet", "pq":
		return FormatParquet, nil
	}
	return FormatUnknown, fmt.Errorf("%w %q (want csv, tsv, ndjson, arrow, arrows or parquet)", ErrUnknownFormat, name)
}

// FormatFromName returns the format named by path's extension (.csv .tsv
// .ndjson .jsonl .arrow .arrows .parquet, each possibly followed by .gz or
// .zst), or FormatUnknown.
func FormatFromName(path string) Format {
	name := strings.ToLower(filepath.Base(path))
	for _, ext := range []string{".gz", ".gzip", ".zst", ".zstd"} {
		if strings.HasSuffix(name, ext) {
			name = strings.TrimSuffix(name, ext)
			break
		}
	}
	switch filepath.Ext(name) {
	case ".csv":
		return FormatCSV
	case ".tsv", ".tab":
		return FormatTSV
	case ".ndjson", ".jsonl":
		return FormatNDJSON
	case ".arrow", ".feather":
		return FormatArrowFile
	case ".arrows":
		return FormatArrowStream
	case ".parquet":
		return FormatParquet
	}
	return FormatUnknown
}

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
func Sniff(peek []byte) Format {
	switch {
	case bytes.HasPrefix(peek, arrowContinuation):
		return FormatArrowStream
	case bytes.HasPrefix(peek, arrowFileMagic):
		return FormatArrowFile
	case bytes.HasPrefix(peek, parquetMagic):
		return FormatParquet
	}
	text := bytes.TrimPrefix(peek, utf8ByteOrderMark)
	if t := bytes.TrimLeft(text, jsonWhitespaceCuts); len(t) > 0 && t[0] == '{' {
		return FormatNDJSON
	}
	line := text
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	if bytes.IndexByte(line, '\t') >= 0 && bytes.IndexByte(line, ',') < 0 {
		return FormatTSV
	}
	return FormatCSV
}

// DetectFormat decides the format of the input at path: from forced (the
// --from flag) when it is not empty, else from the file name's extension,
// else from the first bytes in peek (see Sniff). Arrow IPC is refined by
// peek: a file named .arrow that holds the stream format is
// FormatArrowStream, and the other way round. Parquet read from standard
// input ("-" or "") is ErrNotSeekable. It reads nothing and is cheap.
func DetectFormat(path string, forced string, peek []byte) (Format, error) {
	var f Format
	switch {
	case forced != "":
		var err error
		if f, err = ParseFormat(forced); err != nil {
			return FormatUnknown, err
		}
	case IsStdin(path):
		f = Sniff(peek)
	default:
		if f = FormatFromName(path); f == FormatUnknown {
			f = Sniff(peek)
		}
	}
	if f == FormatArrowFile || f == FormatArrowStream {
		switch {
		case bytes.HasPrefix(peek, arrowFileMagic):
			f = FormatArrowFile
		case bytes.HasPrefix(peek, arrowContinuation):
			f = FormatArrowStream
		}
	}
	if f == FormatParquet && IsStdin(path) {
		return f, fmt.Errorf("%s: parquet: %w", DisplayName(path), ErrNotSeekable)
	}
	return f, nil
}

// IsStdin reports whether path names standard input ("-" or "").
func IsStdin(path string) bool { return path == "" || path == "-" }

// DisplayName is the name of path in messages: "<stdin>" for standard input.
func DisplayName(path string) string {
	if IsStdin(path) {
		return "<stdin>"
	}
	return path
}
